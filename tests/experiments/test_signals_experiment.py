"""docs/signals.py against formulas written here, and the numbers glued into docs/signals.md."""

import ast

import matplotlib.pyplot as plt
import numpy as np
import pytest

import signals

L = 10


def _chain_by_hand(s, W_out, X):
    """Activations a[0..L-1] of the chain W = sI, written with matrix powers."""
    W = s * np.eye(2)
    return [np.linalg.matrix_power(W, l) @ X for l in range(L)], W_out @ np.linalg.matrix_power(W, L - 1) @ X


# -- module functions ----------------------------------------------------------------------------


def test_rms_is_frobenius_norm_over_sqrt_size():
    A = np.random.default_rng(0).standard_normal((3, 4, 7))
    expected = [np.linalg.norm(a) / np.sqrt(a.size) for a in A]
    np.testing.assert_allclose(signals.rms(A), expected, rtol=1e-14)
    with pytest.raises(ValueError, match="shape"):
        signals.rms(np.ones(3))


def test_chain_network_structure():
    rng = np.random.default_rng(1)
    net = signals.chain_network([1.5, 1.0, 0.5], rng=rng, seeds=4, noise=0.01)
    assert net.sizes == (2,) * L + (1,)
    assert net.activations == ("identity",) * L
    assert net.S == 12
    I = np.eye(2)
    for l in range(1, L):
        W = net.W[l].reshape(3, 4, 2, 2)
        E = [(W[k] - s * I) / 0.01 for k, s in enumerate([1.5, 1.0, 0.5])]
        np.testing.assert_allclose(E[0], E[1], atol=1e-12)  # same noise for every scale
        np.testing.assert_allclose(E[0], E[2], atol=1e-12)
        assert 0.3 < E[0].std() < 3  # noise of standard deviation 0.01
    out = net.W[L].reshape(3, 4, 1, 2)
    np.testing.assert_array_equal(out[0], out[2])
    for b in net.b[1:]:
        assert not b.any()
    exact = signals.chain_network([0.5], rng=rng)
    np.testing.assert_array_equal(exact.W[4][0], 0.5 * I)


@pytest.mark.parametrize("kwargs", [{"scales": [-1.0]}, {"scales": []}, {"scales": [np.nan]},
                                    {"L": 1}, {"noise": -0.1}, {"seeds": 0}, {"width": 1.5}])
def test_chain_network_rejects_bad_input(kwargs):
    args = {"scales": [1.0], "rng": np.random.default_rng(0)} | kwargs
    with pytest.raises(ValueError):
        signals.chain_network(**args)


@pytest.mark.parametrize("s", [1.5, 1.0, 0.5, 0.9])
def test_signal_sizes_match_the_matrix_powers(s):
    rng = np.random.default_rng(2)
    net = signals.chain_network([s], rng=rng)
    X = rng.standard_normal((2, 16))
    Y = rng.standard_normal((1, 16))
    size = signals.signal_sizes(net, X, Y, "mse")
    W_out = net.W[L][0]
    acts, y_hat = _chain_by_hand(s, W_out, X)
    rms = [np.sqrt(np.mean(a**2)) for a in acts]
    np.testing.assert_allclose(size["a"][0, :L], rms, rtol=1e-12)
    np.testing.assert_allclose(size["a"][0, L], np.sqrt(np.mean(y_hat**2)), rtol=1e-12)
    assert size["a"][0, L - 1] / size["a"][0, 0] == pytest.approx(s ** (L - 1), rel=1e-12)
    # Backward by hand: dJ/da[l] = (W^T)^(L-1-l) W_out^T (y_hat - y) / m for J = mean of (y_hat - y)^2 / 2.
    top = W_out.T @ (y_hat - Y) / X.shape[1]
    for l in range(L):
        dA = np.linalg.matrix_power(s * np.eye(2), L - 1 - l) @ top
        assert size["dA"][0, l] == pytest.approx(np.sqrt(np.mean(dA**2)), rel=1e-12)
    # Weight gradients of the hidden layers: all equal to s^(L-2) top x^T.
    dW = s ** (L - 2) * top @ X.T
    np.testing.assert_allclose(size["dW"][0, 1:L], np.sqrt(np.mean(dW**2)), rtol=1e-12)
    assert np.isnan(size["dA"][0, L]) and np.isnan(size["dW"][0, 0])


def test_train_chain_first_cost_and_outcomes():
    res = signals.train_chain([1.5, 1.0, 0.5], lr=0.01, steps=150, rng=np.random.default_rng(3),
                              seeds=3, noise=0.0)
    X, Y = res["X"], res["Y"]
    assert X.shape == (2, 100)
    np.testing.assert_allclose(Y, np.array([[1.0, -2.0]]) @ X)
    assert res["cost"].shape == (150, 3, 3)
    # With noise 0 the first cost is that of W_out s^9 x; W_out is shared, so recover it from s = 1.
    # J(s) = mean((s^9 u - y)^2) / 2 with u = W_out x: check the three scales are consistent.
    # The first costs: 0.5 I predicts almost 0, so it starts near the cost of predicting 0;
    # 1.5 I starts far above the identity (its output is 1.5^9 times larger).
    J0 = res["cost"][0]
    assert np.allclose(J0[2], 0.5 * np.mean(Y**2), rtol=0.05)
    assert np.all(J0[0] > 10 * J0[1])
    assert np.all(res["diverged_at"][0] >= 0)
    assert np.all(res["diverged_at"][1:] == -1)
    assert np.all(res["cost"][-1, 1] < 1e-6)
    assert np.all(res["cost"][-1, 2] > 0.9 * 0.5 * np.mean(Y**2))
    # Costs are nan after divergence, finite before.
    for j, d in enumerate(res["diverged_at"][0]):
        assert np.all(np.isfinite(res["cost"][:d, 0, j])) and np.all(np.isnan(res["cost"][d:, 0, j]))


def test_train_chain_first_cost_exact():
    rng = np.random.default_rng(4)
    res = signals.train_chain([1.2], lr=1e-3, steps=1, rng=np.random.default_rng(4), seeds=2, noise=0.0)
    X = rng.standard_normal((2, 100))  # the same draws, in the same order, as train_chain
    Y = np.array([[1.0, -2.0]]) @ X
    W_out = rng.standard_normal((2, 1, 2)) * np.sqrt(1 / 2)  # xavier_normal of the output rows
    for j in range(2):
        y_hat = W_out[j] @ (1.2**9 * X)
        assert res["cost"][0, 0, j] == pytest.approx(0.5 * np.mean((y_hat - Y) ** 2), rel=1e-12)


def test_steps_to_reach_matches_a_loop():
    cost = np.random.default_rng(5).uniform(0, 1, (50, 4, 3))
    cost[:, 0, 0] = 2.0
    cost[10:, 1, 1] = np.nan
    got = signals.steps_to_reach(cost, 0.1)
    for idx in np.ndindex(cost.shape[1:]):
        series = cost[(slice(None),) + idx]
        hits = [t for t, c in enumerate(series) if c < 0.1]
        assert got[idx] == (hits[0] if hits else -1)


def test_lr_sweep_uses_the_same_starts_as_train_chain():
    sw = signals.lr_sweep([1.5, 0.5], [1e-3, 0.02], steps=40, rng=np.random.default_rng(6), seeds=2)
    one = signals.train_chain([1.5, 0.5], lr=1e-3, steps=40, rng=np.random.default_rng(6), seeds=2)
    np.testing.assert_array_equal(sw["final"][:, 0], one["cost"][-1])
    assert np.all(np.isinf(sw["final"][0, 1]))  # 1.5 I at learning rate 0.02 diverges
    assert sw["J_zero"] == pytest.approx(0.5 * np.mean(one["Y"] ** 2), rel=1e-14)
    with pytest.raises(ValueError, match="lrs"):
        signals.lr_sweep([1.0], [0.0], steps=2, rng=np.random.default_rng(0))


def test_plots_return_figures():
    rng = np.random.default_rng(7)
    X = rng.standard_normal((2, 8))
    net = signals.chain_network([1.5, 1.0, 0.5], rng=rng)
    figs = [signals.plot_signal_sizes(signals.signal_sizes(net, X, X[:1]), [1.5, 1.0, 0.5], 1.0),
            signals.plot_chain_training(signals.train_chain([1.5, 1.0], lr=0.01, steps=10, rng=rng, seeds=2)),
            signals.plot_lr_sweep(signals.lr_sweep([1.5, 1.0], [1e-3, 1e-2], steps=10, rng=rng, seeds=2))]
    assert [len(f.axes) for f in figs] == [2, 1, 1]
    for f in figs:
        plt.close(f)


# -- one training set for several experiments, and the single runs ---------------------------------


def test_train_chain_uses_the_given_data_and_returns_the_start():
    rng = np.random.default_rng(11)
    X = rng.standard_normal((2, 30))
    Y = np.array([[1.0, -2.0]]) @ X
    res = signals.train_chain([1.5, 1.0], lr=0.001, steps=5, rng=np.random.default_rng(1), seeds=2, data=(X, Y))
    assert np.array_equal(res["X"], X) and np.array_equal(res["Y"], Y)
    # The first recorded cost is the start's cost, (1/2m) sum (yhat - y)^2, by a hand-written product.
    start = res["start"]
    for c in range(4):
        P = np.eye(2)
        for l in range(1, 10):
            P = start.W[l][c] @ P
        yhat = start.W[10][c] @ P @ X
        J = 0.5 * np.mean((yhat - Y) ** 2)
        assert res["cost"][0].ravel()[c] == pytest.approx(J, rel=1e-12)
    # Two experiments on the same data have the same cost of predicting 0.
    sw = signals.lr_sweep([1.0], [1e-3], steps=3, rng=np.random.default_rng(2), seeds=1, data=(X, Y))
    assert sw["J_zero"] == pytest.approx(0.5 * np.mean(Y**2), rel=1e-15)
    with pytest.raises(ValueError, match="data must be"):
        signals.train_chain([1.0], lr=0.01, steps=2, rng=rng, data=(X, Y[:, :5]))


def test_plot_chain_runs_draws_every_run():
    res = signals.train_chain([1.5, 1.0], lr=0.01, steps=8, rng=np.random.default_rng(0), seeds=3)
    fig = signals.plot_chain_runs(res, 1.5)
    ax = fig.axes[0]
    drawn = [line for line in ax.get_lines() if len(line.get_xdata()) == 8]
    # 3 runs (nan after divergence) and the median of the runs still alive
    assert len(drawn) == 4
    runs = np.array([line.get_ydata() for line in drawn[:3]], dtype=float)
    assert np.array_equal(np.isnan(runs), np.isnan(res["cost"][:, 0].T))
    crosses = [line for line in ax.get_lines() if line.get_marker() == "x" and len(line.get_xdata()) == 1]
    assert len(crosses) == int((res["diverged_at"][0] >= 0).sum())
    with pytest.raises(ValueError, match="not one of"):
        signals.plot_chain_runs(res, 0.5)
    plt.close("all")

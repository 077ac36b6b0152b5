"""docs/beyond.py against formulas and plain computations written here."""

import math

import matplotlib.pyplot as plt
import numpy as np
import pytest
from scipy import integrate, optimize, stats

from xavier import Network, init

import beyond
from tests.reference import fuss_catalan_m2, isometry_ratio_limit


# -- 1. framework defaults ---------------------------------------------------------------------------

def test_framework_nvar_from_each_frameworks_own_formula():
    for n_in, n_out in ((784, 300), (300, 300), (300, 10)):
        # PyTorch: kaiming_uniform_(a=sqrt(5)): gain sqrt(2 / (1 + 5)), bound sqrt(3) gain / sqrt(n_in)
        bound = math.sqrt(3) * math.sqrt(2 / 6) / math.sqrt(n_in)
        assert beyond.framework_nvar("PyTorch", n_in, n_out) == pytest.approx(n_in * bound**2 / 3)
        # Keras glorot_uniform: limit sqrt(6 / (fan_in + fan_out))
        limit = math.sqrt(6 / (n_in + n_out))
        assert beyond.framework_nvar("Keras", n_in, n_out) == pytest.approx(n_in * limit**2 / 3)
        assert beyond.framework_nvar("Flax", n_in, n_out) == 1.0
    with pytest.raises(ValueError, match="framework must be one of PyTorch, Keras, Flax; got 'MXNet'"):
        beyond.framework_nvar("MXNet", 1, 1)


def test_framework_network_draws_each_default():
    seeds = 3
    net = beyond.framework_network(["PyTorch", "Keras", "Flax"], np.random.default_rng(0), seeds=seeds)
    W, b = net.W[1], net.b[1]
    n_in, n_out = 784, 300
    pt, ke, fl = W[:seeds].ravel(), W[seeds:2 * seeds].ravel(), W[2 * seeds:].ravel()
    r = 1 / math.sqrt(n_in)
    assert stats.kstest(pt, stats.uniform(-r, 2 * r).cdf).pvalue > 1e-3
    limit = math.sqrt(6 / (n_in + n_out))
    assert stats.kstest(ke, stats.uniform(-limit, 2 * limit).cdf).pvalue > 1e-3
    # Flax: a normal truncated to +-2 of its own std, rescaled to variance 1/n_in
    sigma = math.sqrt(1 / n_in) / stats.truncnorm(-2, 2).std()
    assert stats.kstest(fl, stats.truncnorm(-2, 2, scale=sigma).cdf).pvalue > 1e-3
    assert np.abs(b[:seeds]).max() <= r and b[:seeds].std() > 0.5 * r / math.sqrt(3)
    assert not b[seeds:].any()
    with pytest.raises(ValueError, match="seeds"):
        beyond.framework_network(["Flax"], np.random.default_rng(0), seeds=0)


# -- 2. Jacobian ------------------------------------------------------------------------------------

def test_jacobian_matches_finite_differences():
    rng = np.random.default_rng(1)
    net = Network([5, 7, 6, 4], ["tanh", "relu", "identity"], rng=rng, seeds=2)
    x = rng.standard_normal((5, 1))
    J = beyond.input_output_jacobian(net, x)
    h = 1e-6
    for k in range(5):
        e = np.zeros((5, 1))
        e[k] = h
        diff = (net.predict(x + e) - net.predict(x - e))[:, :, 0] / (2 * h)
        assert np.allclose(J[:, :, k], diff, atol=1e-6)
    parts = beyond.input_output_jacobian(net, x, layers=[1, 3])
    assert np.allclose(parts[3], J) and parts[1].shape == (2, 7, 5)
    with pytest.raises(ValueError, match="shape"):
        beyond.input_output_jacobian(net, np.zeros((5, 2)))


def test_isometry_ratio_and_one_layer_cases():
    rng = np.random.default_rng(2)
    n = 400
    sp = beyond.jacobian_spectra(rng, depths=(1,), width=n, seeds=2)
    # one orthogonal linear layer: all s^2 = 1
    assert beyond.isometry_ratio(sp["identity", "orthogonal", 1]).max() < 1e-20
    # one Gaussian layer, square: Marchenko-Pastur with ratio 1 has variance 1 (mean 1)
    assert beyond.isometry_ratio(sp["identity", "gaussian", 1]) == pytest.approx([1, 1], abs=0.15)
    # one orthogonal ReLU layer with gain sqrt 2: s^2 = 2 on the k active units, 0 elsewhere
    s2 = sp["relu", "orthogonal", 1]
    for row in s2:
        k = int((row > 1e-9).sum())
        assert np.allclose(row[row > 1e-9], 2.0)
        assert beyond.isometry_ratio(row) == pytest.approx(n / k - 1)


def test_known_ratio_against_free_probability():
    """The page's table against the factors' own second moments combined by free probability, and
    the Gaussian linear case against the Fuss-Catalan moments of a product of Ginibre matrices."""
    for L in (1, 7, 30):
        for a, w in beyond.JACOBIAN_CASES:
            assert beyond.known_ratio(a, w, L) == pytest.approx(isometry_ratio_limit(a, w, L), rel=1e-12)
        assert beyond.known_ratio("identity", "gaussian", L) == pytest.approx(fuss_catalan_m2(L) - 1, rel=1e-12)


def test_deep_linear_training_counts_steps_to_the_target():
    r = beyond.deep_linear_training(np.random.default_rng(3), depths=(2, 8), seeds=3, max_steps=300)
    assert r["steps"]["orthogonal"].shape == (2, 3)
    assert np.isfinite(r["steps"]["orthogonal"]).all()
    # orthogonal weights reach the target at depth 8 before Gaussian ones (NaN: never)
    g = np.where(np.isnan(r["steps"]["gaussian"][1]), np.inf, r["steps"]["gaussian"][1])
    assert np.median(r["steps"]["orthogonal"][1]) < np.median(g)


# -- 3. residual ------------------------------------------------------------------------------------

def test_residual_forward_matches_a_plain_loop():
    rng = np.random.default_rng(4)
    B, S, n, m = 3, 2, 5, 4
    W1, W2 = rng.standard_normal((2, B, S, n, n))
    x = rng.standard_normal((S, n, m))
    xs = beyond.residual_forward(x, W1, W2, alpha=0.3)
    for s in range(S):
        v = x[s]
        for b in range(B):
            v = v + 0.3 * W2[b, s] @ np.maximum(W1[b, s] @ v, 0)
            assert np.allclose(xs[b + 1][s], v)
    plain = beyond.residual_forward(x, W1, W2, skip=False)
    assert np.allclose(plain[1][0], W2[0, 0] @ np.maximum(W1[0, 0] @ x[0], 0))


def test_residual_predictions_and_measurements():
    assert beyond.predicted_residual_variance("residual, branch / sqrt(B)", 4)[-1] == pytest.approx(1.25**4)
    assert beyond.predicted_residual_variance("plain", 3).tolist() == [1, 1, 1, 1]
    with pytest.raises(ValueError, match="variant must be one of"):
        beyond.predicted_residual_variance("dense", 3)
    r = beyond.residual_variances(np.random.default_rng(5), blocks=10, width=256, seeds=4)
    res = np.median(r["measured"]["residual"], axis=1)
    assert res[10] == pytest.approx(2.0**10, rel=0.3)
    assert np.median(r["measured"]["residual, branch / sqrt(B)"][-1]) == pytest.approx(1.1**10, rel=0.1)
    assert (r["measured"]["residual, last layer 0"] == 1).all()


def test_residual_gradients_match_finite_differences():
    rng = np.random.default_rng(9)
    B, S, n, m = 2, 2, 4, 5
    W1, W2 = 0.7 * rng.standard_normal((2, B, S, n, n))
    x = rng.standard_normal((S, n, m))
    Y = rng.standard_normal((n, m))
    for skip, alpha in ((True, 0.5), (False, 1.0)):
        J, dW1, dW2 = beyond.residual_gradients(x, W1, W2, Y, skip=skip, alpha=alpha)
        xs = beyond.residual_forward(x, W1, W2, skip=skip, alpha=alpha)
        assert J == pytest.approx(0.5 * ((xs[-1] - Y) ** 2).sum(axis=(1, 2)) / m)
        h = 1e-6
        for W, dW in ((W1, dW1), (W2, dW2)):
            for idx in [(0, 0, 1, 2), (1, 1, 3, 0), (1, 0, 2, 2)]:
                old = W[idx]
                W[idx] = old + h
                Jp = beyond.residual_gradients(x, W1, W2, Y, skip=skip, alpha=alpha)[0][idx[1]]
                W[idx] = old - h
                Jm = beyond.residual_gradients(x, W1, W2, Y, skip=skip, alpha=alpha)[0][idx[1]]
                W[idx] = old
                assert dW[idx] == pytest.approx((Jp - Jm) / (2 * h), rel=1e-5, abs=1e-9)


def test_residual_training_orders_the_variants():
    r = beyond.residual_training(np.random.default_rng(10), blocks=10, width=16, seeds=2, steps=60)
    zero = r["cost"]["residual, last layer 0"]
    assert r["diverged"]["residual, last layer 0"] == 0 and np.median(zero[-1]) < 0.5 * np.median(zero[0])
    assert r["diverged"]["residual"] == 2  # 2^10 times the signal: this learning rate is far too large
    assert np.isnan(r["cost"]["residual"][-1]).all()


# -- 4. LSUV ------------------------------------------------------------------------------------------

def test_lsuv_comparison_puts_lsuv_near_one_and_relu_xavier_halving():
    r = beyond.lsuv_comparison(np.random.default_rng(6), [784] + [64] * 9 + [10], ["relu"] * 9 + ["softmax"],
                               seeds=3)
    assert np.abs(np.median(r["variance"]["LSUV"], axis=0) - 1).max() < 0.3
    x = np.median(r["variance"]["Xavier"], axis=0)
    ratios = x[2:9] / x[1:8]  # hidden ReLU layers: the second moment halves, the variance about too
    assert 0.3 < np.median(ratios) < 0.7
    assert r["converged"].all()


# -- 5. tanh gain -------------------------------------------------------------------------------------

def gauss(f):
    return integrate.quad(lambda z: f(z) * math.exp(-z * z / 2) / math.sqrt(2 * math.pi), -12, 12)[0]


def test_tanh_fixed_point_and_chi_by_quadrature():
    g2 = 25 / 9
    qstar = optimize.brentq(lambda q: g2 * gauss(lambda z: math.tanh(math.sqrt(q) * z) ** 2) - q, 0.5, 2.0)
    assert beyond.tanh_fixed_point(5 / 3) == pytest.approx(qstar, rel=1e-6)
    chi = g2 * gauss(lambda z: (1 - math.tanh(math.sqrt(qstar) * z) ** 2) ** 2)
    assert beyond.tanh_chi(5 / 3) == pytest.approx(chi, rel=1e-6)
    assert beyond.tanh_fixed_point(1.0) < 0.05  # no non-zero fixed point at gain 1


def test_tanh_gain_layers_reach_the_fixed_point():
    r = beyond.tanh_gain_layers(np.random.default_rng(7), depth=12, width=256, seeds=3)
    g = list(r["gains"]).index(5 / 3)
    assert np.median(r["q"][g, 6:]) == pytest.approx(beyond.tanh_fixed_point(5 / 3), rel=0.05)
    assert np.median(r["grad"][g, 0]) > 2 and np.median(r["grad"][1 - g, 0]) < 1
    assert (r["grad"][:, -1] == 1).all()


# -- figures ---------------------------------------------------------------------------------------

def test_figures_draw():
    rng = np.random.default_rng(8)
    fw = beyond.run_frameworks(rng, seeds_init=2, seeds_train=2, steps=3)
    figs = [beyond.plot_frameworks(fw),
            beyond.plot_jacobian_spectra(beyond.jacobian_spectra(rng, depths=(2, 3), width=16, seeds=2)),
            beyond.plot_deep_linear(beyond.deep_linear_training(rng, depths=(2, 4), seeds=2, max_steps=20)),
            beyond.plot_residual(beyond.residual_variances(rng, blocks=5, width=16, seeds=2)),
            beyond.plot_tanh_gain(beyond.tanh_gain_layers(rng, depth=4, width=16, seeds=2))]
    assert [len(f.axes) for f in figs] == [2, 6, 1, 1, 2]
    for f in figs:
        assert f._repr_png_()[1:4] == b"PNG"
        plt.close(f)

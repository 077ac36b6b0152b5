"""docs/signals.py, which only draws: each figure shows the data it is given, against values
computed here."""

import matplotlib.pyplot as plt
import numpy as np
import pytest

import signals

L = 10


def test_rms_is_frobenius_norm_over_sqrt_size():
    A = np.random.default_rng(0).standard_normal((3, 4, 7))
    expected = [np.linalg.norm(a) / np.sqrt(a.size) for a in A]
    np.testing.assert_allclose(signals.rms(A), expected, rtol=1e-14)


def test_scale_colors_are_the_sites():
    from plotting import COLORS

    assert [signals.scale_color(s) for s in (1.5, 1.0, 0.5)] == [COLORS["large"], COLORS["appropriate"], COLORS["small"]]


def _chain(scales, X):
    """Activations and back-propagated gradients of W = sI chains, by matrix powers (no library)."""
    rng = np.random.default_rng(1)
    w_out = rng.standard_normal((1, 2))
    Y = rng.standard_normal((1, X.shape[1]))
    A = [X] + [np.stack([s**l * X for s in scales]) for l in range(1, L + 1)]
    top = np.stack([w_out.T @ (w_out @ (s ** (L - 1) * X) - Y) / X.shape[1] for s in scales])
    dA = [np.stack([s ** (L - 1 - l) * t for s, t in zip(scales, top)]) for l in range(L)] + [None]
    return A, dA


def test_plot_signal_sizes_draws_the_measured_sizes_and_the_predictions():
    scales = [1.5, 1.0, 0.5]
    X = np.random.default_rng(2).standard_normal((2, 16))
    A, dA = _chain(scales, X)
    fig = signals.plot_signal_sizes(A, dA, scales)
    top, bottom = fig.axes
    assert top.get_yscale() == bottom.get_yscale() == "log"
    x_rms = np.sqrt(np.mean(X**2))
    for k, s in enumerate(scales):
        dashed, points = top.get_lines()[2 * k: 2 * k + 2]
        np.testing.assert_allclose(points.get_ydata(), [s**l * x_rms for l in range(L)], rtol=1e-12)
        np.testing.assert_allclose(dashed.get_ydata(), points.get_ydata(), rtol=1e-12)
        g = [np.sqrt(np.mean(dA[l][k] ** 2)) for l in range(L)]
        np.testing.assert_allclose(bottom.get_lines()[2 * k + 1].get_ydata(), g, rtol=1e-12)
    # s29: one tick form in both panels (the top one said "0.01" while the bottom said "1e-2")
    fig.draw_without_rendering()
    for ax in (top, bottom):
        labels = [t.get_text() for t in ax.get_yticklabels() if t.get_text() not in ("", "1")]
        assert labels and all("e" in text for text in labels), labels
    plt.close(fig)


def test_plot_chain_training_marks_every_divergence():
    T, seeds = 20, 3
    cost = np.random.default_rng(3).uniform(0.1, 2.0, (T, 2, seeds))
    diverged_at = np.array([[2, 2, 5], [-1, -1, -1]])
    for j, d in enumerate(diverged_at[0]):
        cost[d:, 0, j] = np.nan
    fig = signals.plot_chain_training(cost, diverged_at, [1.5, 1.0], top=1e6)
    ax = fig.axes[0]
    crosses = [c for c in ax.collections if c.get_offsets().shape[0] and np.all(c.get_offsets()[:, 1] == 1e6)]
    assert len(crosses) == 1
    np.testing.assert_array_equal(np.sort(crosses[0].get_offsets()[:, 0]), [2, 5])
    assert ax.get_xscale() == "symlog" and ax.get_yscale() == "log"
    plt.close(fig)


def test_plot_lr_sweep_draws_diverged_runs_at_the_top():
    lrs = np.array([1e-3, 1e-2, 1e-1])
    final = np.array([[[0.5, 0.4], [np.inf, np.inf], [np.inf, np.inf]],
                      [[0.9, 0.8], [1e-3, 2e-3], [0.7, np.inf]]])
    fig = signals.plot_lr_sweep(final, lrs, [1.5, 1.0], 300, 2.0, top=1e3)
    ax = fig.axes[0]
    crosses = [c for c in ax.collections if c.get_offsets().shape[0] and np.all(c.get_offsets()[:, 1] == 1e3)]
    np.testing.assert_allclose(np.sort(np.concatenate([c.get_offsets()[:, 0] for c in crosses])), [1e-2, 1e-1])
    assert any(np.allclose(line.get_ydata(), 2.0) for line in ax.get_lines())   # cost of predicting 0
    assert ax.get_ylabel() == "cost after 300 steps"
    plt.close(fig)


def test_plot_chain_runs_draws_every_run():
    T, n = 8, 3
    cost = np.random.default_rng(0).uniform(0.1, 1.0, (T, n))
    diverged_at = np.array([3, -1, -1])
    cost[3:, 0] = np.nan
    fig = signals.plot_chain_runs(cost, diverged_at, 1.5)
    ax = fig.axes[0]
    drawn = [line for line in ax.get_lines() if len(line.get_xdata()) == T]
    assert len(drawn) == n + 1      # every run, and the median of the runs still alive
    runs = np.array([line.get_ydata() for line in drawn[:n]], dtype=float)
    assert np.array_equal(np.isnan(runs), np.isnan(cost.T))
    np.testing.assert_allclose(drawn[n].get_ydata(), [np.median(r[~np.isnan(r)]) for r in cost], rtol=1e-12)
    crosses = [line for line in ax.get_lines() if line.get_marker() == "x" and len(line.get_xdata()) == 1]
    assert len(crosses) == 1 and crosses[0].get_xdata()[0] == 2   # the last finite cost of run 0
    plt.close("all")


@pytest.mark.parametrize("s", [1.5, 1.0, 0.5])
def test_library_chain_is_the_matrix_power(s):
    """The page builds its chain with the library; its forward pass is the matrix power."""
    import xavier

    rng = np.random.default_rng(4)
    X = rng.standard_normal((2, 16))
    net = xavier.Network([2] * L + [1], ["identity"] * L, "zeros", rng=rng)
    for l in range(1, L):
        net.W[l][...] = s * np.eye(2)
    _, A = net.forward(X)
    np.testing.assert_allclose(A[L - 1][0], np.linalg.matrix_power(s * np.eye(2), L - 1) @ X, rtol=1e-12)

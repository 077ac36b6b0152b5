"""docs/conclusion.py (the figure only) against the mean-field recursion computed here by
quadrature, and the library's stacked seeds that the page's cells use."""

import math

import matplotlib.pyplot as plt
import numpy as np
import pytest
from scipy import integrate

from xavier import init
from xavier.network import Network

import conclusion

XAVIER = ("variance_scaling", {"scale": 1.0, "mode": "fan_in"})  # the article's N(0, 1/n_in)


def relu_moment(var):
    """E[relu(z)^2] for z ~ N(0, var), by quadrature."""
    f = lambda z: max(z, 0.0) ** 2 * math.exp(-z * z / (2 * var)) / math.sqrt(2 * math.pi * var)  # noqa: E731
    return integrate.quad(f, 0, np.inf)[0]


def test_stacked_draws_each_initializer_in_order():
    f = init.stacked([XAVIER, "he_normal", "xavier_normal"], copies=2)
    n_out, n_in = 300, 200
    W = f((6, n_out, n_in), np.random.default_rng(1))
    assert W.shape == (6, n_out, n_in)
    variances = [1 / n_in, 1 / n_in, 2 / n_in, 2 / n_in, 2 / (n_in + n_out), 2 / (n_in + n_out)]
    for w, var in zip(W, variances):
        se = var * math.sqrt(2 / w.size)  # standard error of the sample variance of a normal draw
        assert abs(w.var() - var) < 4 * se
    assert not np.allclose(W[0], W[1])  # two different draws, not one copied
    with pytest.raises(ValueError, match="copies"):
        f((5, 3, 3), np.random.default_rng(0))


def test_deep_relu_second_moments_follow_the_recursion_on_average():
    """E[q[l]] = (c/2)^l q[0] in wide stacked ReLU networks (a plain numpy forward pass), the mean
    over many seeds within a few standard errors: what the page's Fig. 5.1 measures."""
    rng = np.random.default_rng(4)
    S, depth, n_in = 40, 7, 50
    net = Network([n_in] + [200] * (depth - 1) + [1], ["relu"] * (depth - 1) + ["sigmoid"],
                  init.stacked([XAVIER, "he_normal"], S), rng=rng, seeds=2 * S)
    X = rng.standard_normal((n_in, 40))
    last = []
    for s in range(2 * S):
        a = X
        for l in range(1, depth):
            a = np.maximum(net.W[l][s] @ a, 0.0)
        last.append(np.mean(a**2) / np.mean(X**2))
    last = np.array(last)
    for k, c in enumerate([1.0, 2.0]):
        r = last[k * S:(k + 1) * S]
        assert abs(r.mean() - (c / 2) ** (depth - 1)) < 4 * r.std(ddof=1) / math.sqrt(S)


def test_figure_draws_the_quadrature_recursion():
    """The figure's dashed predictions against q[l] = E[relu(z)^2], z ~ N(0, c q[l-1]), iterated by
    quadrature; its bands from the data given; one axis per panel."""
    rng = np.random.default_rng(7)
    S, L, T = 3, 6, 5
    q = np.exp(rng.standard_normal((2 * S, L)))
    cost = 0.5 + rng.random((T, 2, S))
    fig = conclusion.plot_relu_depth(q, cost, 0.03)
    try:
        top, bottom = fig.axes
        assert top.get_yscale() == "log" and bottom.get_yscale() == "linear"
        # s29: no formula with scripts in the top panel's labels (drawn oversized at 1280 px)
        texts = [top.get_ylabel(), top.get_xlabel()] + [t.get_text() for t in top.get_legend().get_texts()]
        assert not [t for t in texts if "^" in t]
        dashed = [line for line in top.get_lines() if line.get_linestyle() == "--" and len(line.get_xdata())]
        assert len(dashed) == 2
        for line, c in zip(dashed, (1.0, 2.0)):
            expected = [1.0]
            for _ in range(L - 1):
                expected.append(relu_moment(c * expected[-1]))
            np.testing.assert_allclose(line.get_ydata(), expected, rtol=1e-9)
        assert "0.03" in bottom.get_title()
    finally:
        plt.close(fig)


def test_top_legend_leaves_the_curves_clear():
    """s29: the legend covered Xavier's curve; on the page's shape of data (Xavier halving per layer
    over 30 layers, He flat) no drawn point of either curve falls inside the legend's box."""
    S, L = 4, 30
    q = np.concatenate([np.tile(0.5 ** np.arange(L), (S, 1)), np.ones((S, L))])
    fig = conclusion.plot_relu_depth(q, 0.5 + np.zeros((5, 2, S)), 0.03)
    try:
        top = fig.axes[0]
        fig._repr_png_()       # drawn as the page draws it: small text raised to the floor
        box = top.get_legend().get_window_extent()
        for line in top.get_lines():
            if len(line.get_xdata()) and line.get_linestyle() != "--":  # the medians drawn
                xy = top.transData.transform(np.column_stack([line.get_xdata(), line.get_ydata()]))
                inside = (xy[:, 0] > box.x0) & (xy[:, 0] < box.x1) & (xy[:, 1] > box.y0) & (xy[:, 1] < box.y1)
                assert not inside.any()
    finally:
        plt.close(fig)

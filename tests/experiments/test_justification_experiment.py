"""The figures of docs/justification.py draw what the page says they draw.

The experiments themselves are the page's cells; their numbers are checked by
tests/pages/test_justification_glued.py. Here: panels that the page compares share one scale, and
the curves a figure computes itself (the formula and the exact variance of a product) match
moments written out by hand.
"""

import math

import matplotlib.pyplot as plt
import numpy as np
import pytest

import justification


def bivariate_product_variance(mx, vx, my, vy, rho):
    """Var(XY) for jointly normal X, Y (Isserlis): E[(XY)^2] - E[XY]^2 expanded by hand."""
    c = rho * math.sqrt(vx * vy)
    exy = mx * my + c
    ex2y2 = mx**2 * my**2 + mx**2 * vy + my**2 * vx + 4 * mx * my * c + vx * vy + 2 * c**2
    return ex2y2 - exy**2


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def layer_data(gains=(0.5, 1.0, 1.5), depth=10, seeds=3):
    rng = np.random.default_rng(0)
    g = np.array(gains)
    predicted = g[:, None] ** np.arange(depth + 1)
    linear = predicted[:, :, None] * rng.uniform(0.9, 1.1, (len(g), depth + 1, seeds))
    tanh = 0.01 * linear  # far below the linear panel: a separate scale would hide it
    return g, linear, tanh, predicted, 0.01 * predicted


def test_variance_through_layers_panels_share_one_scale():
    """Linear and tanh are compared point for point (the tanh points fall below the linear line):
    both panels on one vertical scale."""
    fig = justification.plot_variance_through_layers(*layer_data())
    top, bottom = fig.axes[:2]
    assert top.get_yscale() == bottom.get_yscale() == "log"
    assert top.get_ylim() == bottom.get_ylim()


def test_backward_variances_panels_share_one_scale():
    sizes = [512, 256, 128, 64, 32, 16]
    n = np.array(sizes, dtype=float)
    fwd = {"fan_in": np.ones(6), "fan_out": n[0] / n, "fan_avg": np.r_[1, np.cumprod(2 * n[:-1] / (n[:-1] + n[1:]))]}
    bwd = {"fan_in": n[-1] / n, "fan_out": np.ones(6), "fan_avg": fwd["fan_avg"][::-1] ** -1}
    tile = lambda d: {k: np.repeat(v[:, None], 4, axis=1) for k, v in d.items()}  # noqa: E731
    fig = justification.plot_backward_variances(sizes, tile(fwd), tile(bwd), fwd, bwd)
    top, bottom = fig.axes[:2]
    assert top.get_ylim() == bottom.get_ylim()
    assert [t.get_text() for t in bottom.get_xticklabels()][0] == "0\n(512)"
    # s29: no formula in titles, axis labels or the legend (their scripts were raised to the text
    # floor and the formulas drawn oversized at 1280 px); the caption gives them
    texts = [top.get_title(), bottom.get_title(), top.get_xlabel(), bottom.get_xlabel()]
    texts += [t.get_text() for legend in fig.legends for t in legend.get_texts()]
    assert not [t for t in texts if "$" in t]


def test_var_product_figure_curves():
    mx, vx, my, vy = 1.0, 2.0, -3.0, 0.5
    rho = np.linspace(-1, 1, 5)
    fig = justification.plot_var_product(rho, np.full(5, 20.0), np.full(5, 0.1), mx, vx, my, vy)
    ax = fig.axes[0]
    formula_line, exact_line = ax.get_lines()[:2]
    independent = (mx**2 + vx) * (my**2 + vy) - mx**2 * my**2  # E[X^2]E[Y^2] - E[X]^2E[Y]^2
    np.testing.assert_allclose(formula_line.get_ydata(), independent, rtol=1e-12)
    x, y = exact_line.get_data()
    np.testing.assert_allclose(y, [bivariate_product_variance(mx, vx, my, vy, r) for r in x], rtol=1e-12)
    assert bivariate_product_variance(mx, vx, my, vy, 0.0) == pytest.approx(independent, rel=1e-12)


def test_layer_variance_grid_figure():
    n = np.repeat([16, 64, 256], 2).astype(float)
    predicted = np.array([0.1, 1.0, 0.4, 4.0, 1.6, 16.0])
    fig = justification.plot_layer_variance_grid(n, predicted, 1.05 * predicted)
    ax, bx = fig.axes[:2]
    np.testing.assert_allclose(bx.collections[0].get_offsets()[:, 1], 1.05)
    assert ax.get_xlim() == ax.get_ylim()  # the identity line is the diagonal

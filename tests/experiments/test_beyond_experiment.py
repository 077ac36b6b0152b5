"""docs/beyond.py, which only draws: each figure shows the data it is given.

The page's experiments run in its cells; their glued numbers are checked against independent
computations in tests/pages/test_beyond_glued.py.
"""

import math

import matplotlib.pyplot as plt
import numpy as np
import pytest

import beyond


def _medians(Y, axis):
    return np.nanquantile(Y, 0.5, axis=axis)


def test_frameworks_figure_draws_the_medians_it_is_given():
    rng = np.random.default_rng(0)
    run = {"names": ["PyTorch", "Keras", "Flax"], "std": rng.uniform(0.1, 0.4, (3, 5, 4)),
           "cost": rng.uniform(0.5, 2.4, (20, 3, 3))}
    fig = beyond.plot_frameworks(run)
    ax_s, ax_c = fig.axes
    assert [ax_s.get_xlabel(), ax_c.get_xlabel()] == ["hidden layer $l$", "step (batch of 100 digits)"]
    data_lines = [c.lines[0] for c in ax_s.containers]  # each errorbar's line through its medians
    assert len(data_lines) == 3
    for k, line in enumerate(data_lines):
        np.testing.assert_allclose(line.get_ydata(), _medians(run["std"][k], 0), rtol=1e-12)
    guess = [l for l in ax_c.get_lines() if np.allclose(np.asarray(l.get_ydata(), dtype=float), math.log(10))]
    assert guess, "the dotted line at log 10 (the cost of guessing) is missing"
    assert set(ax_s.get_legend_handles_labels()[1]) == set(run["names"])
    plt.close(fig)


def test_jacobian_figure_one_panel_per_activation_and_depth_on_one_scale():
    sp = {(a, w, L): np.full((2, 4), 10.0 ** L) for a in ("identity", "tanh", "relu")
          for w in ("gaussian", "orthogonal") for L in (1, 2)}
    fig = beyond.plot_jacobian_spectra(sp)
    assert len(fig.axes) == 6
    assert len({ax.get_xlim() for ax in fig.axes}) == 1 and len({ax.get_ylim() for ax in fig.axes}) == 1
    # s^2 = 10^L for every value: a step from 0 to 1 at log10 s^2 = L
    first = fig.axes[0].get_lines()[0]
    x, y = first.get_xdata(), first.get_ydata()
    assert y[0] == 0 and y[-1] == 1 and set(np.round(x[1:-1], 12)) == {1.0}
    plt.close(fig)


def test_deep_linear_figure_counts_a_missed_target_at_the_cap():
    r = {"depths": np.array([2, 4]), "max_steps": 10,
         "steps": {"orthogonal": np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]),
                   "gaussian": np.array([[5.0, np.nan, 7.0], [np.nan, np.nan, np.nan]])}}
    fig = beyond.plot_deep_linear(r)
    ax = fig.axes[0]
    assert ax.get_xscale() == "log"
    by_label = {l.get_label(): l for l in ax.get_lines()}
    np.testing.assert_allclose(by_label["orthogonal"].get_ydata(), [2.0, 5.0])
    np.testing.assert_allclose(by_label["Gaussian"].get_ydata(), [7.0, 10.0])  # nan counted at the cap
    plt.close(fig)


def test_residual_figures_draw_measurements_and_predictions():
    b = np.arange(4)
    measured = {name: np.tile((k + 1.0) ** b[:, None], (1, 3)) for k, name in enumerate(beyond._RESIDUAL_STYLE)}
    predicted = {name: (k + 1.5) ** b for k, name in enumerate(beyond._RESIDUAL_STYLE)}
    fig = beyond.plot_residual({"blocks": b, "measured": measured, "predicted": predicted})
    ax = fig.axes[0]
    assert ax.get_yscale() == "log"
    ys = [tuple(np.round(l.get_ydata(), 12)) for l in ax.get_lines()]
    for name in beyond._RESIDUAL_STYLE:
        assert tuple(np.round(measured[name][:, 0], 12)) in ys
        assert tuple(np.round(predicted[name], 12)) in ys
    # s29: the legend sat on the unscaled line as it rose; it is below the axes now, and the
    # y label is words (the formula, its scripts raised to the floor, was drawn oversized)
    fig.draw_without_rendering()
    assert ax.get_legend() is None and len(fig.legends) == 1
    legend = fig.legends[0].get_window_extent()
    assert legend.y1 <= ax.xaxis.label.get_window_extent().y0     # under the x label, not on it
    assert "$" not in ax.get_ylabel()
    plt.close(fig)

    cost = {name: np.full((5, 2), 0.5) for name in beyond._RESIDUAL_STYLE}
    cost["residual"][:] = np.nan  # every seed diverged at the first step
    fig = beyond.plot_residual_training({"cost": cost, "diverged": {n: 2 * (n == "residual") for n in cost}})
    labels = fig.axes[0].get_legend_handles_labels()[1]
    assert "residual (2 diverged)" in labels
    plt.close(fig)


def test_lsuv_figure_one_panel_per_network():
    v = {k: np.full((3, 4), 2.0) for k in ("Xavier", "He", "orthonormal", "LSUV")}
    fig = beyond.plot_lsuv(("a", {"variance": v}), ("b", {"variance": v}))
    assert [ax.get_title() for ax in fig.axes] == ["a", "b"]
    assert all(ax.get_yscale() == "log" for ax in fig.axes)
    plt.close(fig)


def test_tanh_figure_draws_the_given_fixed_point_and_slope():
    depth = 5
    r = {"gains": (1.0, 5 / 3), "q": np.ones((2, depth, 3)), "grad": np.ones((2, depth, 3)), "depth": depth}
    fig = beyond.plot_tanh_gain(r, 1.25, 1.5)
    ax_q, ax_g = fig.axes
    assert any(np.allclose(np.asarray(l.get_ydata(), dtype=float), 1.25) for l in ax_q.get_lines())
    chi_line = [l for l in ax_g.get_lines() if l.get_label() == r"$\chi^{L-l}$"][0]
    np.testing.assert_allclose(chi_line.get_ydata(), 1.5 ** (depth - np.arange(1, depth + 1)))
    assert fig._repr_png_()[1:4] == b"PNG"
    plt.close(fig)


@pytest.mark.parametrize("name", ["PyTorch", "Keras", "Flax"])
def test_framework_styles_differ_beyond_colour(name):
    """Colour-blind readers tell the frameworks apart by marker and line style too."""
    others = [s for k, s in beyond.FRAMEWORK_STYLE.items() if k != name]
    color, marker, ls = beyond.FRAMEWORK_STYLE[name]
    assert all(marker != m and ls != l for _, m, l in others)

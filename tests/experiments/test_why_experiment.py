"""Section I ("why"): docs/why.py, docs/diagram.py, and the numbers glued into docs/why.md.

Module tests compare against independent computations (hand-written forward passes, loops, scalar
gradient descent). The page tests recompute the page's experiments with the library, from the
page's seed and in the page's order, and compare every glued number the prose relies on; they
also check the claims the prose makes about those numbers.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import matplotlib.pyplot as plt
from matplotlib import colormaps
from matplotlib.colors import to_rgba_array

from xavier import datasets

import why
from diagram import draw_network, shown_units
from xavier.network import Network, train
from plotting import subplots
from tests import why_run
from tests.reference import playground_forward, relu


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


# -- diagram --------------------------------------------------------------------------------------


@pytest.mark.parametrize("n, k", [(1, 8), (8, 8), (9, 8), (300, 8), (784, 8), (10, 5), (7, 2)])
def test_shown_units(n, k):
    got = shown_units(n, k)
    if n <= k:
        assert got.tolist() == list(range(n))
    else:
        top = math.ceil(k / 2)
        assert got.tolist() == list(range(top)) + list(range(n - (k - top), n))
    assert len(got) == min(n, k) and len(set(got.tolist())) == len(got)


def test_draw_network_links_follow_the_weights():
    rng = np.random.default_rng(5)
    sizes = [3, 12, 4, 1]
    W = [None] + [rng.standard_normal((o, i)) for i, o in zip(sizes[:-1], sizes[1:])]
    fig, ax = subplots(figsize=(5, 3))
    d = draw_network(ax, sizes, weights=W, max_units=6)
    shown = [np.arange(3), np.r_[0:3, 9:12], np.arange(4), np.arange(1)]
    for got, want in zip(d.shown, shown):
        assert got.tolist() == want.tolist()
    expected = np.concatenate([W[l][np.ix_(shown[l], shown[l - 1])].ravel() for l in (1, 2, 3)])
    assert np.array_equal(np.sort(d.values), np.sort(expected))
    assert np.all(np.diff(np.abs(d.values)) >= 0)  # drawn from small to large |w|
    vmax = max(np.abs(w).max() for w in W[1:])
    assert d.mappable.norm.vmin == -vmax and d.mappable.norm.vmax == vmax
    colours = colormaps["RdBu_r"]((d.values + vmax) / (2 * vmax))
    assert np.allclose(d.links.get_colors(), to_rgba_array(colours))
    widths = np.asarray(d.links.get_linewidths())
    assert np.all(np.diff(widths) >= -1e-12)
    for l, pos in enumerate(d.positions):
        assert np.all(pos[:, 0] == l)
        assert np.all(np.diff(pos[:, 1]) < 0)  # unit 0 on top
        assert abs(pos[:, 1].mean()) < 1e-12 or len(pos) == 6  # centred unless a gap is drawn
    # The 12-unit layer: 3 units, a gap slot, 3 units.
    assert np.allclose(np.diff(d.positions[1][:, 1]), [-1, -1, -2, -1, -1])


def test_draw_network_zero_weights_are_neutral_and_shapes_are_checked():
    fig, ax = subplots()
    d = draw_network(ax, [2, 2, 1], weights=[None, np.zeros((2, 2)), np.zeros((1, 2))])
    assert d.mappable.norm.vmax == 1.0
    mid = colormaps["RdBu_r"](0.5)
    assert np.allclose(d.links.get_colors(), mid)
    with pytest.raises(ValueError, match=r"weights\[1\] has shape \(2, 3\)"):
        draw_network(ax, [2, 2, 1], weights=[None, np.zeros((2, 3)), np.zeros((1, 2))])
    with pytest.raises(ValueError, match="vmax must be a positive number"):
        draw_network(ax, [2, 1], vmax=0.0)
    with pytest.raises(ValueError, match="labels must give one string per layer"):
        draw_network(ax, [2, 1], labels=["x"])
    with pytest.raises(ValueError, match="unknown colour map"):
        draw_network(ax, [2, 1], cmap="nope")


# -- playground module ----------------------------------------------------------------------------


def test_decision_grid_matches_a_hand_forward_pass():
    rng = np.random.default_rng(3)
    net = Network(why.SIZES, why.ACTIVATIONS, "variance_scaling", rng=rng, seeds=2)
    net.b = [None] + [rng.standard_normal(b.shape) for b in net.b[1:]]
    xs, P = why.decision_grid(net)
    assert xs.shape == (101,) and P.shape == (2, 101, 101)
    assert np.allclose(xs, -5 + 0.1 * np.arange(101), atol=1e-12)
    # Rows follow x2, columns x1: build the points in that order by repetition.
    pts = np.stack([np.tile(xs, 101), np.repeat(xs, 101)])
    for s in range(2):
        want = playground_forward([W[s] for W in net.W[1:]], [b[s] for b in net.b[1:]], pts).reshape(101, 101)
        assert np.allclose(P[s], want, rtol=1e-12, atol=1e-15)
    assert np.array_equal(P[:, 30, 70], net.predict(np.array([[xs[70]], [xs[30]]]))[:, 0, 0])
    with pytest.raises(ValueError, match="whole number"):
        why.decision_grid(net, step=0.3)


def test_representative_seed_against_a_loop():
    final = np.array([0.4, np.nan, 0.1, 0.3, 0.2, 0.5])
    ok = [i for i in range(6) if not np.isnan(final[i])]
    ranked = sorted(ok, key=lambda i: final[i])
    assert why.representative_seed(final) == ranked[(len(ranked) - 1) // 2] == 3


def test_collect_zero_copies_never_move_and_summary_is_consistent():
    r = why_run.result("circle", np.random.default_rng(4), seeds=3, epochs=60)
    net = r["net_trained"]
    z = r["index"]["zero"]
    assert all(np.all(W[z] == 0) for W in net.W[1:])
    assert all(np.all(b[z] == 0) for b in net.b[1:3])
    assert np.abs(net.b[3][z]).max() < 1e-14
    assert np.allclose(r["cost"]["zero"], math.log(2), atol=1e-14)
    for name in why.SCALES:
        J = r["cost"][name]
        s = r["summary"][name]
        assert s["initial"] == pytest.approx(np.median(J[0]))
        assert s["final"] == pytest.approx(np.median(J[-1]))
        assert s["reached"] == int((np.nanmin(J, axis=0) < r["threshold"]).sum())
        assert s["diverged"] == 0
        rep = r["representative"][name]
        Ws = [W[r["index"][name][rep]] for W in net.W[1:]]
        bs = [b[r["index"][name][rep]] for b in net.b[1:]]
        X1, X2 = np.meshgrid(r["xs"], r["xs"])
        want = playground_forward(Ws, bs, np.stack([X1.ravel(), X2.ravel()])).reshape(X1.shape)
        assert np.allclose(r["grid"][name], want, rtol=1e-10, atol=1e-14)
    with pytest.raises(ValueError, match="seeds"):
        X, Y, start, trained, history = why_run.playground("circle", np.random.default_rng(4), seeds=3, epochs=2)
        why.collect("circle", X, Y, start, trained, history, seeds=4)


def test_zero_start_matches_scalar_gradient_descent():
    """The page's unbalanced zero start: only b[3] moves, as scalar gradient descent on sigma(b) - p."""
    X, Y = datasets.playground("gaussian", np.random.default_rng(2))
    keep = np.r_[0:50, 50:65]
    net = Network(why.SIZES, why.ACTIVATIONS, "variance_scaling", rng=np.random.default_rng(0),
                  init_kwargs={"scale": 0.0})
    h = train(net, X[:, keep], Y[:, keep], "bce", lr=why.LR, epochs=300, callback=lambda t, n: float(n.b[3][0, 0, 0]))
    p = 15 / 65
    b, trajectory = 0.0, [0.0]
    for _ in range(300):  # d/db of mean BCE with a constant output sigma(b): sigma(b) - p
        b -= 0.1 * (1 / (1 + math.exp(-b)) - p)
        trajectory.append(b)
    assert np.allclose([v for _, v in h.records], trajectory, atol=1e-12)
    assert max(np.abs(W).max() for W in net.W[1:]) == 0.0 and max(np.abs(b).max() for b in net.b[1:3]) == 0.0


def test_dead_units_and_naive_bce_against_hand_counts():
    rng = np.random.default_rng(8)
    net = Network(why.SIZES, why.ACTIVATIONS, "variance_scaling", rng=rng, seeds=40,
                  init_kwargs={"scale": 100.0})
    X, Y = datasets.playground("square", rng)
    dead = why.dead_units(net, X)
    naive = why.naive_bce_infinite(net, X, Y)
    for s in range(net.S):
        Ws = [W[s] for W in net.W[1:]]
        a1 = relu(Ws[0] @ X)
        a2 = relu(Ws[1] @ a1)
        assert dead[s] == sum(int(np.all(a[k] == 0)) for a in (a1, a2) for k in range(len(a)))
        z = (Ws[2] @ a2)[0]
        # 1/(1 + e^{-z}) is exactly 1 when e^{-z} <= 2^-53 (1 + e^{-z} rounds to 1), exactly 0
        # when e^{-z} overflows; then -log(1 - a) (class 0) or -log(a) (class 1) is infinite.
        inf_0 = (Y[0] == 0) & (-z <= -53 * math.log(2))
        inf_1 = (Y[0] == 1) & (-z > math.log(np.finfo(float).max))
        assert naive[s] == pytest.approx(np.mean(inf_0 | inf_1))
    assert naive.max() > 0


# -- the c = 100 mechanism: boundary offsets, ray agreement, rank correlation ----------------------


def test_boundary_offsets_is_point_to_line_distance():
    rng = np.random.default_rng(5)
    net = Network(why.SIZES, why.ACTIVATIONS, "variance_scaling", rng=rng, seeds=3, init_kwargs={"scale": 1.0})
    net.b[1][...] = rng.standard_normal(net.b[1].shape)
    got = why.boundary_offsets(net)
    for s in range(3):
        for k in range(6):
            w, b = net.W[1][s, k], net.b[1][s, k, 0]
            # the foot of the perpendicular from the origin, -b w / |w|^2, lies on the line
            foot = -b * w / (w @ w)
            assert w @ foot + b == pytest.approx(0.0, abs=1e-12)
            assert got[s, k] == pytest.approx(math.sqrt(foot @ foot), rel=1e-12)


def test_ray_agreement_closed_and_wedge_maps():
    # A closed map: class 1 where relu(x1) + relu(-x1) + relu(x2) + relu(-x2) = |x1| + |x2| > 2.5.
    net = Network([2, 4, 1, 1], ["relu", "relu", "sigmoid"], "zeros", rng=np.random.default_rng(0))
    net.W[1][0] = [[1, 0], [-1, 0], [0, 1], [0, -1]]
    net.W[2][0] = [[1, 1, 1, 1]]
    net.b[2][0] = [[0.0]]
    net.W[3][0] = [[1.0]]
    net.b[3][0] = [[-2.5]]          # class 1 where |x1| + |x2| > 2.5: radius 1 is inside, 4 outside
    assert why.ray_agreement(net)[0] == 0.0
    net.b[3][0] = [[0.0]]; net.W[3][0] = [[-1.0]]
    net.W[1][0] = [[1, 0], [-1, 0], [0, 0], [0, 0]]
    net.W[2][0] = [[1, -1, 0, 0]]   # no biases: z3 = -relu(x1), whose sign is constant on rays
    assert why.ray_agreement(net)[0] == 1.0
    with pytest.raises(ValueError, match="r_in"):
        why.ray_agreement(net, r_in=4.0, r_out=1.0)
    with pytest.raises(ValueError, match="directions"):
        why.ray_agreement(net, directions=0)


def test_rank_correlation_matches_scipy():
    from scipy.stats import spearmanr

    rng = np.random.default_rng(1)
    x, y = rng.standard_normal(30), rng.standard_normal(30)
    assert why.rank_correlation(x, y) == pytest.approx(spearmanr(x, y).statistic, abs=1e-12)
    assert why.rank_correlation(x, np.exp(x)) == pytest.approx(1.0)
    with pytest.raises(ValueError, match="shapes"):
        why.rank_correlation(x, y[:5])


def test_zero_start_figure_writes_a_negative_bias_with_a_minus_sign():
    """s29: the output bias (negative: fewer class-1 points) was written with an ASCII hyphen."""
    net = Network(why.SIZES, why.ACTIVATIONS, "zeros", rng=np.random.default_rng(0))
    net.b[3][...] = -1.2
    fig = why.plot_zero_init({"net": net, "b3": [0.0, -0.6, -1.2], "fraction": 0.23})
    texts = [t.get_text() for t in fig.axes[0].texts if "output bias" in t.get_text()]
    assert texts == ["output bias\n= \N{MINUS SIGN}1.2000"]
    plt.close(fig)

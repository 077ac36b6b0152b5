"""docs/xavier_init.py against independent computations, and the numbers glued by docs/xavier_init.md."""

import math
import re
from pathlib import Path

import numpy as np
import pytest

from xavier import datasets, init

import xavier_init
from tests import widget_digits as wd
from xavier.network import Network, train
from tests.reference import backward_reference, forward_reference

PAGE = Path(__file__).resolve().parents[2] / "docs" / "xavier_init.md"
SEED, EPOCHS, N_TRAIN, N_TEST = 3, 4, 9000, 1000  # the page's settings (checked below)
SLUG = {"Zero": "zero", "Uniform": "uniform", "Xavier": "xavier", "Standard normal": "normal"}


# -- independent references ---------------------------------------------------------------------


def counts_reference(values, edges):
    """Histogram counts by searchsorted (right edge of the last bin included)."""
    v = values[(values >= edges[0]) & (values <= edges[-1])]
    idx = np.searchsorted(edges, v, side="right") - 1
    idx[v == edges[-1]] = len(edges) - 2
    return np.bincount(idx, minlength=len(edges) - 1)


# -- stacking initializations as seeds -----------------------------------------------------------


def test_stacked_inits_equal_four_separate_networks(digits):
    X, labels = digits
    net = wd.widget_network(np.random.default_rng(7))
    _, A = net.forward(X[:, :50])
    children = np.random.default_rng(7).spawn(4)
    for s, (name, kwargs) in enumerate(wd.WIDGET_INITS.values()):
        single = Network(xavier_init.WIDGET_SIZES, wd.WIDGET_ACTIVATIONS, name, rng=children[s],
                         init_kwargs=kwargs)
        _, A1 = single.forward(X[:, :50])
        for l in range(1, 6):
            np.testing.assert_array_equal(net.W[l][s], single.W[l][0])
            np.testing.assert_allclose(A[l][s], A1[l][0], rtol=1e-12, atol=1e-15)


def test_stacked_init_draws_the_right_distributions():
    draw = init.stacked(list(wd.WIDGET_INITS.values()), rngs=np.random.default_rng(0).spawn(4))
    W = draw((4, 300, 784), None)
    n = 784
    assert np.all(W[0] == 0)
    assert np.abs(W[1]).max() <= 1 / math.sqrt(n)  # U(-1/sqrt(n), 1/sqrt(n))
    # variances within 5 standard errors (normal: var(s^2) = 2 sigma^4 / N; uniform a^2/3 with
    # 4th moment a^4/5 gives var(s^2) = (a^4/5 - a^4/9) / N)
    N = W[1].size
    a2 = 1 / n
    assert abs(W[1].var() - a2 / 3) < 5 * math.sqrt((a2**2 / 5 - a2**2 / 9) / N)
    assert abs(W[2].var() - 1 / n) < 5 * math.sqrt(2 / N) / n
    assert abs(W[3].var() - 1.0) < 5 * math.sqrt(2 / N)


def test_stacked_rejects_bad_input():
    with pytest.raises(ValueError, match="unknown initializer 'glorot'"):
        init.stacked([("glorot", {})], rngs=np.random.default_rng(0).spawn(1))
    with pytest.raises(ValueError, match="rngs must be 2"):
        init.stacked([("zeros", {}), ("zeros", {})], rngs=np.random.default_rng(0).spawn(1))
    with pytest.raises(ValueError, match="draws 1 x 1 = 1 copies on axis 0, got shape"):
        init.stacked([("zeros", {})], rngs=np.random.default_rng(0).spawn(1))((2, 3, 4), None)
    with pytest.raises(ValueError, match="inits must be a non-empty mapping"):
        wd.widget_network(np.random.default_rng(0), inits={})


def test_batched_training_equals_separate_training():
    # Spawning children does not advance the generator's stream, so with the same seed the
    # batches are the same whether one initialization is trained or several.
    both = {"Xavier": ("xavier_normal", {}), "Uniform": ("standard_uniform", {})}
    run2 = wd.run_widget(np.random.default_rng(5), inits=both, epochs=1, n_train=300, n_test=100,
                                  frames=[0, 1, 2])
    run1 = wd.run_widget(np.random.default_rng(5), inits={"Xavier": both["Xavier"]}, epochs=1,
                                  n_train=300, n_test=100, frames=[0, 1, 2])
    np.testing.assert_allclose(run2["history"].cost[:, 0], run1["history"].cost[:, 0], rtol=1e-10)
    np.testing.assert_allclose(run2["std"][:, 0], run1["std"][:, 0], rtol=1e-10)
    np.testing.assert_allclose(run2["net"].W[1][0], run1["net"].W[1][0], rtol=1e-10, atol=1e-14)


# -- histograms and statistics --------------------------------------------------------------------


def test_activation_histograms_match_searchsorted_counts():
    rng = np.random.default_rng(1)
    A = [np.tanh(rng.normal(0, s, (3, 300, 100))) for s in (0.3, 1.0, 5.0)]
    A[0][0, 0, :5] = [0.0, -1.2, 1.2, 1.0, -1.0]  # edges and exact values
    frac, edges = xavier_init.activation_histograms(A)
    np.testing.assert_allclose(edges, np.linspace(-1.2, 1.2, 201))
    for i, a in enumerate(A):
        for s in range(3):
            counts = np.rint(frac[s, i] * 300 * 100).astype(int)
            assert counts.sum() == 300 * 100  # every tanh value lies in [-1.2, 1.2]
            np.testing.assert_array_equal(counts, counts_reference(a[s].ravel(), edges))


def test_activation_histograms_drop_out_of_range_and_nan():
    A = [np.array([[[np.nan, 5.0, 0.1, -0.1]]])]
    frac, _ = xavier_init.activation_histograms(A, bins=2, hist_range=(-1, 1))
    np.testing.assert_array_equal(frac, [[[0.25, 0.25]]])
    with pytest.raises(ValueError, match="bins must be a positive integer"):
        xavier_init.activation_histograms(A, bins=0)
    with pytest.raises(ValueError, match="hist_range"):
        xavier_init.activation_histograms(A, hist_range=(1, -1))


def test_layer_statistics_match_plain_numpy(digits):
    X, labels = digits
    Xs, ls = X[:, :300], labels[:300]
    net = wd.widget_network(np.random.default_rng(2))
    st = xavier_init.layer_statistics(net, Xs, ls, probe=100)
    Y = datasets.one_hot(ls)
    for s in range(4):
        A, _, P = forward_reference([net.W[l][s] for l in range(1, 6)], Xs)
        for l in range(1, 5):
            a = A[l][:, :100]
            counts = np.rint(st["hist"][s, l - 1] * a.size).astype(int)
            assert counts.sum() == 300 * 100
            np.testing.assert_array_equal(counts, counts_reference(a.ravel(), np.linspace(-1.2, 1.2, 201)))
            assert st["std"][s, l - 1] == pytest.approx(np.sqrt(np.mean((a - a.mean()) ** 2)), rel=1e-9, abs=1e-15)
            assert st["mean"][s, l - 1] == pytest.approx(a.mean(), abs=1e-12)
            assert st["saturated"][s, l - 1] == np.count_nonzero(np.abs(a) > 0.99) / a.size
        assert st["error"][s] == pytest.approx(np.mean(P.argmax(axis=0) != ls))
        assert st["cost"][s] == pytest.approx(-np.mean(np.sum(Y * np.log(P), axis=0)), rel=1e-9)


def test_layer_statistics_of_a_diverged_seed_are_nan(digits):
    X, labels = digits
    net = wd.widget_network(np.random.default_rng(0))
    net.W[2][3, 0, 0] = np.inf
    st = xavier_init.layer_statistics(net, X[:, :100], labels[:100])
    assert np.isnan(st["hist"][3]).all() and np.isnan(st["saturated"][3]).all()
    assert np.isnan(st["error"][3]) and np.isfinite(st["error"][:3]).all()
    with pytest.raises(ValueError, match="probe must be an integer in 1..100"):
        xavier_init.layer_statistics(net, X[:, :100], labels[:100], probe=101)


def test_gradient_histograms_match_chain_rule(digits):
    """Fig. 3.6's data: sizes |dA| of the chain rule's gradients, counted on bins even in log10|dA|
    that one range shared by all seeds covers (a plain count with np.searchsorted)."""
    X, labels = digits
    Xs, ls = X[:, :100], labels[:100]
    net = wd.widget_network(np.random.default_rng(4))
    g = xavier_init.gradient_histograms(net, Xs, ls, bins=50)
    assert g["edges"].shape == (51,)
    logs = []
    for s in range(4):
        dA = backward_reference([net.W[l][s] for l in range(1, 6)], Xs, datasets.one_hot(ls))
        std = np.array([dA[l].std() for l in range(1, 5)])
        np.testing.assert_allclose(g["std"][s], std, rtol=1e-9, atol=1e-20)
        for l in range(1, 5):
            v = np.abs(dA[l]).ravel()
            assert g["zero"][s, l - 1] == np.mean(v == 0)
            inside = np.log10(v[v > 0])
            logs.append(inside)
            idx = np.searchsorted(g["edges"], inside, side="right") - 1
            idx[inside == g["edges"][-1]] = 49
            ok = (idx >= 0) & (idx < 50)
            counts = np.bincount(idx[ok], minlength=50)
            np.testing.assert_allclose(g["hist"][s, l - 1] * v.size, counts, atol=1e-6)
    every = np.concatenate(logs)
    # the shared range covers all but the outermost 0.05 % of the nonzero sizes of every start
    assert g["edges"][0] <= np.percentile(every, 0.05) and g["edges"][-1] >= np.percentile(every, 99.95)
    assert g["std"][0].max() == 0 and g["zero"][0].min() == 1  # zero weights: nothing flows back


def test_zero_init_only_moves_the_output_bias():
    run = wd.run_widget(np.random.default_rng(0), inits={"Zero": ("zeros", {})}, epochs=1,
                                 n_train=500, n_test=100, frames=[0, 2, 4])
    net = run["net"]
    for l in range(1, 6):
        assert np.all(net.W[l] == 0)
    for l in range(1, 5):
        assert np.all(net.b[l] == 0)
    assert np.any(net.b[5] != 0)
    zero_bin = np.searchsorted(run["edges"], 0.0, side="right") - 1
    assert np.all(run["hist"][:, 0, :, zero_bin] == 1.0)  # every value in the bin holding 0


def test_extra_seeds_are_separate_draws_and_zero_is_drawn_once():
    net = wd.widget_network(np.random.default_rng(7), seeds=3, once=["Zero"], dtype="float32")
    slices = wd.seed_slices(list(wd.WIDGET_INITS), 3, once=["Zero"])
    assert net.S == 10 and net.W[1].dtype == np.float32
    assert slices[0].tolist() == [0, 0, 0] and sorted(slices[1:].ravel().tolist()) == list(range(1, 10))
    first = wd.widget_network(np.random.default_rng(7))
    second = np.random.default_rng(7)
    second.spawn(4)
    children = second.spawn(4 * 2)   # draw j > 0 of init k: child (j - 1) * 4 + k of a second spawn
    for k, (name, kwargs) in enumerate(wd.WIDGET_INITS.values()):
        np.testing.assert_array_equal(net.W[2][slices[k, 0]], first.W[2][k].astype(np.float32))
        for j in (1, 2):
            if k == 0:
                continue
            alone = Network(xavier_init.WIDGET_SIZES, wd.WIDGET_ACTIVATIONS, name, rng=children[(j - 1) * 4 + k],
                            init_kwargs=kwargs)
            np.testing.assert_array_equal(net.W[2][slices[k, j]], alone.W[2][0].astype(np.float32))
    assert not np.any(net.W[1][0])
    with pytest.raises(ValueError, match="once names"):
        wd.widget_network(np.random.default_rng(0), seeds=2, once=["Glorot"])
    with pytest.raises(ValueError, match="seeds must be a positive integer"):
        wd.seed_slices(["Zero"], 0)


def test_frame_steps_are_dense_then_log_spaced():
    f = xavier_init.frame_steps(270, per_epoch=90)
    assert f[0] == 0 and f[-1] == 269 and np.all(np.diff(f) > 0)
    dense = int(np.argmax(np.diff(f) > 1)) + 1
    assert f[:dense].tolist() == list(range(dense)) and dense >= 5
    assert {90, 180} <= set(f.tolist())
    later = f[dense:]
    later = later[~np.isin(later, [90, 180])]
    gaps = np.log(later[1:]) - np.log(later[:-1])
    assert gaps.max() < 2.5 * gaps.min() + 0.1   # about evenly spaced in log t
    X, labels = datasets.load_digits()
    with pytest.raises(ValueError, match="steps must be increasing steps in 0..3"):
        xavier_init.WidgetFrames(X[:, :100], labels[:100], [0, 4], end=4)


def test_pixels_pack_to_bits_and_back(digits):
    X, _ = digits
    for bits in (1, 2, 4, 8):
        packed = xavier_init.pack_pixels(X[:, :20].T, bits)
        assert packed.shape == (20, 784 * bits // 8) and packed.dtype == np.uint8
        back = xavier_init.unpack_pixels(packed, bits)
        assert np.abs(back - X[:, :20].T).max() <= 0.5 / (2**bits - 1) + 1e-12
    with pytest.raises(ValueError, match="bits must be one of"):
        xavier_init.pack_pixels(X[:, :2].T, 3)


def test_gradient_figure_shares_one_scale(digits):
    """Fig. 3.6 (issue 19 item 6): its panels share one horizontal and one vertical scale."""
    import matplotlib.pyplot as plt

    X, labels = digits
    g = xavier_init.gradient_histograms(wd.widget_network(np.random.default_rng(4)), X[:, :100], labels[:100])
    fig = xavier_init.plot_gradients(g, list(wd.WIDGET_INITS))
    fig.canvas.draw()
    axes = fig.axes[:4]
    assert len({ax.get_xlim() for ax in axes}) == 1 and len({ax.get_ylim() for ax in axes}) == 1
    assert all(ax.get_xscale() == "log" for ax in axes)
    assert all(ax.xaxis.get_offset_text().get_text() == "" for ax in axes)
    plt.close(fig)


def test_run_widget_rejects_bad_sizes():
    with pytest.raises(ValueError, match="n_train \\+ n_test must be <= 10000"):
        wd.run_widget(np.random.default_rng(0), n_train=9500, n_test=1000)


def test_plots_return_figures(digits):
    import matplotlib.pyplot as plt

    X, labels = digits
    fig = xavier_init.plot_digit_grid(X[:, :100], labels[:100], np.where(np.arange(100) < 3, (labels[:100] + 1) % 10, labels[:100]))
    img = fig.axes[0].images[0].get_array()
    # the frame colour of cell 0 (wrong: Okabe-Ito vermillion) and cell 99 (right: bluish green)
    np.testing.assert_allclose(img[0, 0], [0xD5 / 255, 0x5E / 255, 0x00 / 255])
    np.testing.assert_allclose(img[-1, -1], [0x00 / 255, 0x9E / 255, 0x73 / 255])
    assert len(fig.axes[0].texts) == 3
    plt.close(fig)
    fig = xavier_init.plot_histograms(np.zeros((3, 4, 200)), np.linspace(-1.2, 1.2, 201), labels=["a", "b", "c"])
    assert len(fig.axes) == 4 and [t.get_text() for t in fig.legends[0].get_texts()] == ["a", "b", "c"]
    plt.close(fig)
    with pytest.raises(ValueError, match="edges must have"):
        xavier_init.plot_histograms(np.zeros((4, 200)), np.linspace(-1, 1, 10))


def test_network_figure_labels_do_not_overlap():
    """Fig. 3.1 as the page draws it, saved as the page saves it (text raised for a phone): no two
    texts overlap. The s30 student reading found the widths written under the columns ("n = 300",
    grown with the superscripts of the labels' formulas) running into each other."""
    from diagram import draw_network
    from plotting import subplots

    fig, ax = subplots(figsize=(5.0, 2.6))
    sizes = [784, 300, 300, 300, 300, 10]
    draw_network(ax, sizes, labels=["$x$", "$a^{[1]}$", "$a^{[2]}$", "$a^{[3]}$", "$a^{[4]}$", r"$\hat y$"])
    fig._repr_png_()   # raises small text to the floors, as the page's glue does
    fig.draw_without_rendering()
    renderer = fig._get_renderer()
    texts = [t for t in ax.texts if t.get_text()]
    assert sorted(t.get_text() for t in texts if not t.get_text().startswith("$")) == sorted(map(str, sizes))
    boxes = [t.get_window_extent(renderer) for t in texts]
    overlaps = [(texts[i].get_text(), texts[j].get_text()) for i in range(len(boxes))
                for j in range(i + 1, len(boxes)) if boxes[i].overlaps(boxes[j])]
    assert not overlaps
    # each width sits under its own label (the text it is placed against), centred on it
    from matplotlib.text import Text

    widths = [t for t in texts if not t.get_text().startswith("$")]
    assert all(isinstance(getattr(t, "xycoords", None), Text) for t in widths)
    for t in widths:
        box, label = t.get_window_extent(renderer), t.xycoords.get_window_extent(renderer)
        assert box.y1 <= label.y0 + 0.5
        assert abs((box.x0 + box.x1) / 2 - (label.x0 + label.x1) / 2) < 1

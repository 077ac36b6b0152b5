"""The widgets' frames against the library's training recomputed independently.

The frames of both widgets are recorded from stacked networks while they train (docs/why.py,
docs/xavier_init.py) and packed into the page (docs/framedata.py). Here one seed at a time is
trained again on its own, as an unstacked network, and its weights, costs, gradients, decision
map, histogram counts and predictions at a few frames are compared with the decoded frames.
"""

import numpy as np
import pytest

import framedata
import why
import xavier_init
from tests import widget_digits as wd
from xavier import datasets
from xavier.network import Network, train
from tests import why_run
from tests.reference import forward_reference

# -- framedata --------------------------------------------------------------------------------------


def test_pack_roundtrip_and_determinism():
    rng = np.random.default_rng(0)
    arrays = {"a": rng.integers(0, 256, (3, 5)).astype(np.uint8),
              "b": rng.integers(0, 60000, (7,)).astype(np.uint16),
              "c": rng.integers(-127, 128, (2, 3)).astype(np.int8)}
    html = framedata.widget_html("demo", {"x": [0.5, None], "s": "</script>"}, arrays)
    assert html == framedata.widget_html("demo", {"x": [0.5, None], "s": "</script>"}, arrays)
    assert html.count("</script>") == 1  # the string in meta cannot close the element
    back = framedata.read_widget_html(html)
    assert back["meta"] == {"x": [0.5, None], "s": "</script>"}
    for name, a in arrays.items():
        np.testing.assert_array_equal(back["arrays"][name], a)


def test_pack_rejects_bad_input():
    with pytest.raises(ValueError, match="float64.*valid choices: int8, uint8, uint16"):
        framedata.widget_html("demo", {}, {"a": np.zeros(3)})
    with pytest.raises(ValueError, match="non-finite"):
        framedata.widget_html("demo", {"x": float("nan")}, {})
    with pytest.raises(ValueError, match="lo < hi"):
        framedata.quantize(np.zeros(2), 1.0, 1.0)
    with pytest.raises(ValueError, match="vmax"):
        framedata.quantize_signed(np.zeros(2), -1.0)


def test_row_delta_roundtrip():
    q = np.random.default_rng(1).integers(0, 256, (4, 9, 9)).astype(np.uint8)
    np.testing.assert_array_equal(framedata.undo_row_delta(framedata.row_delta(q)), q)


# -- widget 1: the playground -------------------------------------------------------------------


@pytest.fixture(scope="module")
def playground():
    epochs = 40
    record = why.frame_epochs(epochs, first=4, count=10)
    result = why_run.result("circle", np.random.default_rng(11), seeds=3, epochs=epochs, record=record, extra_seeds=2)
    return record, result


def _alone(result, index):
    """An unstacked network with copy ``index``'s initial weights."""
    net = Network(why.SIZES, why.ACTIVATIONS, "zeros", rng=np.random.default_rng(0))
    for l in range(1, net.L + 1):
        net.W[l][0] = result["net_initial"].W[l][index]
    return net


def _bce(net, X, Y):
    """Mean binary cross-entropy from the network's own forward pass, the textbook way."""
    _, A = net.forward(X)
    p = A[-1][0, 0]
    y = Y[0]
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))


@pytest.mark.parametrize("scale, kind", [("small", "median"), ("appropriate", "median"), ("large", "median"),
                                         ("appropriate", "best"), ("large", "worst"), ("c0.1", "best"),
                                         ("c1000", "worst")])
def test_playground_frames_equal_a_separate_run(playground, scale, kind):
    record, result = playground
    frames = why.widget_frames({"circle": result}, step=0.5)
    f = frames["circle"][scale]["shown"][kind]
    assert frames["epochs"].tolist() == record.tolist()
    # the shown seed is the one the kind names, from the final costs of all seeds of the scale
    final = result["cost"][scale][-1]
    want = {"median": sorted(range(final.size), key=lambda s: (final[s], s))[(final.size - 1) // 2],
            "best": int(np.argmin(final)), "worst": int(np.argmax(final))}[kind]
    assert f["seed"] == want
    index = int(result["index"][scale][f["seed"]])
    X, Y = result["X"], result["Y"]
    for k in (1, len(record) // 2, len(record) - 1):
        e = int(record[k])
        net = _alone(result, index)
        train(net, X, Y, "bce", lr=why.LR, epochs=e)
        for l in range(1, net.L + 1):
            np.testing.assert_allclose(f["W"][l - 1][k], net.W[l][0], rtol=1e-9, atol=1e-12)
            np.testing.assert_allclose(f["b"][l - 1][k], net.b[l][0, :, 0], rtol=1e-9, atol=1e-12)
        if scale not in ("large", "c1000"):  # there the rounded sigmoid gives log(0) (see naive_bce_infinite)
            assert f["cost"][k] == pytest.approx(_bce(net, X, Y), rel=1e-7)
        # gradient of the cost by central differences on two weights of W[2]
        for (j, i) in ((0, 0), (2, 5)):
            h = 1e-6
            plus, minus = net.copy(), net.copy()
            plus.W[2][0, j, i] += h
            minus.W[2][0, j, i] -= h
            numeric = (plus.cost(X, Y, "bce")[0] - minus.cost(X, Y, "bce")[0]) / (2 * h)
            assert f["dW"][1][k][j, i] == pytest.approx(numeric, rel=1e-4, abs=1e-8)
        # decision map: the network's output at three grid points (rows go up in x2)
        xs = frames["xs"]
        for (r, c) in ((0, 0), (5, 12), (20, 3)):
            p = net.predict(np.array([[xs[c]], [xs[r]]]))[0, 0, 0]
            assert f["map"][k][r, c] == pytest.approx(p, rel=1e-9, abs=1e-12)


def test_extra_scales_leave_the_article_runs_alone():
    """The extra scales come from a child generator: the data, the article's four scales' draws and
    the generator's next draws are those of a run without them; the extra draws have variance c / n."""
    rng_a, rng_b = np.random.default_rng(5), np.random.default_rng(5)
    a = why_run.result("moon", rng_a, seeds=2, epochs=1)
    b = why_run.result("moon", rng_b, seeds=2, epochs=1, extra_seeds=400)
    np.testing.assert_array_equal(a["X"], b["X"])
    for l in (1, 2, 3):
        np.testing.assert_array_equal(a["net_initial"].W[l], b["net_initial"].W[l][:8])
    assert rng_a.random() == rng_b.random()
    W2 = b["net_initial"].W[2]          # (8 + 1600, 3, 6): fan-in 6
    for name, c in why.EXTRA_SCALES.items():
        block = W2[b["index"][name]]
        assert block.shape == (400, 3, 6)
        assert block.var() * 6 / c == pytest.approx(1.0, abs=0.1)
    assert list(why.WIDGET_SCALES.values()) == [0.0, 0.001, 0.01, 0.1, 1.0, 10.0, 100.0, 1000.0]


def test_playground_html_holds_the_frames(playground):
    record, result = playground
    frames = why.widget_frames({"circle": result}, step=0.5)
    html, files = why.widget_html({"circle": result}, step=0.5)
    inline = framedata.read_widget_html(html)
    side = framedata.read_side_file(files[why.WIDGET_FILE])
    assert f'data-extra="{why.WIDGET_FILE}"' in html
    meta, arrays = inline["meta"], side["arrays"]
    assert meta["epochs"] == record.tolist() and meta["k"] == frames["xs"].size
    assert [s["key"] for s in meta["scales"]] == list(why.WIDGET_SCALES)
    for c, name in enumerate(why.WIDGET_SCALES):
        r = meta["runs"]["circle"][name]
        assert r["n"] == (3 if name in why.SCALES else 2)
        np.testing.assert_allclose(r["median"], np.median(frames["circle"][name]["cost_all"], axis=1), rtol=5e-4)
        for k, kind in enumerate(why.SEED_KINDS):
            f = frames["circle"][name]["shown"][kind]
            assert r["seed"][kind] == f["seed"]
            np.testing.assert_allclose(r["cost"][kind], f["cost"], rtol=5e-4)
            maps = framedata.undo_row_delta(arrays["maps"][0, c, k]) / 255
            assert np.abs(maps - f["map"]).max() <= 0.5 / 255 + 1e-12
            # weights, biases and their gradients, each part on its own scale per frame: its
            # largest absolute value in that frame (weights only for "wmax", as Fig. 1.7 writes it)
            for key, parts, maxes in (("weights", ("W", "b"), ("wmax", "bmax")),
                                      ("grads", ("dW", "db"), ("gmax", "gbmax"))):
                stored, start = arrays[key][0, c, k].astype(float) / 127, 0
                for part, m in zip(parts, maxes):
                    values = np.concatenate([a.reshape(len(record), -1) for a in f[part]], axis=1)
                    top = np.abs(values).max(axis=1)
                    np.testing.assert_allclose(r[m][kind], top, rtol=5e-4)
                    scale = np.array(r[m][kind])[:, None]
                    got = stored[:, start:start + values.shape[1]] * scale
                    assert np.all(np.abs(got - values) <= 0.5 / 127 * scale * 1.001 + 1e-12), (name, kind, part)
                    start += values.shape[1]
                assert start == stored.shape[1]
    # the page holds the default choice's frames: the first dataset, c = 1, the median seed
    c = list(why.WIDGET_SCALES).index("appropriate")
    for key in ("maps", "weights", "grads"):
        assert inline["arrays"][key].shape[:3] == (1, 1, 1)
        np.testing.assert_array_equal(inline["arrays"][key][0, 0, 0], arrays[key][0, c, 0])


def test_playground_draws_the_static_figures_colours_and_seed_numbers(playground):
    """The widget's classes and map take the colours the static figure draws, read back from the
    figure's artists; the figure numbers seeds from 1, as the widget does (seed index + 1)."""
    import matplotlib.pyplot as plt
    from matplotlib.colors import to_hex
    from matplotlib.image import AxesImage

    _, result = playground
    html, _ = why.widget_html({"circle": result}, step=0.5)
    meta = framedata.read_widget_html(html)["meta"]
    assert framedata.PRINT_NOTE in html and html.index('class="xw-print"') < html.index('class="xw-widget"')
    fig = why.plot_training(result)
    try:
        for ax, name in zip(fig.axes[:4], why.SCALES):
            rep = result["representative"][name]
            assert f"seed {rep + 1}\n" in ax.get_title()
            faces = [to_hex(c.get_facecolor()[0]) for c in ax.collections if c.get_label() in ("class 0", "class 1")]
            assert faces == [meta["classes"][0]["hex"], meta["classes"][1]["hex"]]
            image = next(a for a in ax.get_children() if isinstance(a, AxesImage))
            rendered = [to_hex(image.to_rgba(np.array([[p]]))[0, 0]) for p in (0.0, 0.5, 1.0)]
            stops = meta["map_colors"]
            assert rendered == [stops[0], stops[len(stops) // 2], stops[-1]]
    finally:
        plt.close(fig)
    assert [c["name"] for c in meta["classes"]] == ["purple", "orange"]


def test_frame_epochs_rejects_bad_input():
    with pytest.raises(ValueError, match="epochs must be a positive integer"):
        why.frame_epochs(0)
    with pytest.raises(ValueError, match="count"):
        why.frame_epochs(100, first=10, count=5)
    result = why_run.result("circle", np.random.default_rng(0), seeds=1, epochs=3, record=[0, 3])
    with pytest.raises(ValueError, match="was not recorded"):
        why.network_at(result, 2)


# -- widget 2: the digits -----------------------------------------------------------------------

DIGITS_KW = dict(epochs=2, n_train=400, n_test=200, probe=50, frames=[0, 1, 2, 3, 5, 7])  # 4 steps an epoch


@pytest.fixture(scope="module")
def digits_run():
    return wd.run_widget(np.random.default_rng(5), seeds=2, once=["Zero"], **DIGITS_KW)


def test_more_seeds_keep_the_first_draws(digits_run):
    one = wd.run_widget(np.random.default_rng(5), **DIGITS_KW)
    for key in ("steps", "hist", "error", "cost", "predicted"):
        np.testing.assert_array_equal(one[key], digits_run[key])
    np.testing.assert_array_equal(one["history"].cost, digits_run["history"].cost)
    assert digits_run["slices"].tolist() == [[0, 0], [1, 4], [2, 5], [3, 6]]  # Zero drawn once
    assert digits_run["all"]["batch_cost"].shape == (8, 7)


def _digits_widget(run) -> dict:
    """The digits widget's frames, those in the page and the digit images in the file beside it."""
    html, files = xavier_init.widget_html(run)
    data = framedata.read_widget_html(html)
    assert set(files) == {xavier_init.WIDGET_FILE}
    assert f'data-extra="{xavier_init.WIDGET_FILE}"' in html and "digits" not in data["arrays"]
    side = framedata.read_side_file(files[xavier_init.WIDGET_FILE])
    data["arrays"] = {**data["arrays"], **side["arrays"]}
    return data


def _plain_step_W5(Ws, bs, X, y, lr):
    """W[5] after one SGD step on (X, y), by the chain rule written out (softmax cross-entropy)."""
    A, Z, P = forward_reference(Ws, X, bs)
    dZ = (P - datasets.one_hot(y, 10)) / X.shape[1]
    return Ws[-1] - lr * dZ @ A[-1].T


@pytest.mark.parametrize("init, seed", [("Xavier", 1), ("Uniform", 0), ("Standard normal", 1), ("Zero", 1)])
def test_digits_frames_equal_a_separate_run(digits_run, digits, init, seed):
    """Each frame: the batch its step trains on, its histograms and predictions, the held-out numbers."""
    run = digits_run
    names = list(run["names"])
    k = names.index(init)
    data = _digits_widget(run)
    meta, arrays = data["meta"], data["arrays"]
    X, labels = digits
    X_train, y_train = X[:, :400], labels[:400]
    X_test, y_test = X[:, -200:], labels[-200:]
    # the same start, alone: seed `seed` of `init` is the slice the widget names for it
    sl = meta["slices"][k][seed]
    stacked = wd.widget_network(np.random.default_rng(5), seeds=2, once=["Zero"])
    net = Network(xavier_init.WIDGET_SIZES, wd.WIDGET_ACTIVATIONS, "zeros", rng=np.random.default_rng(0))
    for l in range(1, net.L + 1):
        net.W[l][0] = stacked.W[l][sl]
    steps = meta["steps"]
    assert steps == DIGITS_KW["frames"]
    seen = {}

    def snap(t, n):
        seen[t] = n.copy()

    # spawning does not move the generator: the batches are its permutations, one per epoch
    train(net, X_train, datasets.one_hot(y_train, 10), "cross_entropy", lr=0.1, epochs=2, batch_size=100,
          rng=np.random.default_rng(5), callback=snap)
    edges = np.linspace(*xavier_init.HIST_RANGE, xavier_init.WIDGET_BINS + 1)
    bits = meta["pixel_bits"]
    for f, t in enumerate(steps):
        idx = run["all"]["batch_index"][f]
        Xb, yb = X_train[:, idx], y_train[idx]
        Ws = [seen[t].W[l][0] for l in range(1, 6)]
        bs = [seen[t].b[l][0] for l in range(1, 6)]
        # the frame's batch is the one step t trained on: one plain SGD step on it from the weights
        # after t updates gives the weights after t + 1 (not true of another batch, checked below)
        W5 = _plain_step_W5(Ws, bs, Xb, yb, 0.1)
        np.testing.assert_allclose(W5, seen[t + 1].W[5][0], rtol=1e-9, atol=1e-12)
        if init != "Zero":
            other = X_train[:, np.setdiff1d(np.arange(400), idx)[:100]]
            other_W5 = _plain_step_W5(Ws, bs, other, y_train[np.setdiff1d(np.arange(400), idx)[:100]], 0.1)
            assert np.abs(other_W5 - seen[t + 1].W[5][0]).max() > 1e-6
        A, _, P = forward_reference(Ws, Xb, bs)
        for l in range(1, 5):
            # the spread the readout says in words: std and share of |a| > 0.99 over the batch
            # (2 significant digits: within half a unit of the second digit)
            for got, want in ((meta["std"][sl][f][l - 1], np.std(A[l])),
                              (meta["saturated"][sl][f][l - 1], np.count_nonzero(np.abs(A[l]) > 0.99) / A[l].size)):
                unit = 10.0 ** (np.floor(np.log10(want)) - 1) if want > 1e-300 else 0.0
                assert abs(got - want) <= 0.5 * unit * 1.001 + 1e-15, (l, t, got, want)
            counts = np.histogram(A[l].ravel(), bins=edges)[0]   # numpy's own, on the edges
            expect = xavier_init.hist_heights(counts / A[l].size, meta["hist_max"])
            got = arrays["hist"][sl, f, l - 1].astype(int)
            assert np.abs(got - expect).max() <= 1, f"layer {l} at step {t}"
        np.testing.assert_array_equal(arrays["pred"][sl, f], P.argmax(axis=0))
        np.testing.assert_array_equal(arrays["labels"][f], yb)
        pixels = xavier_init.unpack_pixels(arrays["digits"][f], bits)
        assert np.abs(pixels - Xb.T).max() <= 0.5 / (2**bits - 1) + 1e-12
        # held-out numbers at the frame
        _, _, Pt = forward_reference(Ws, X_test, bs)
        predicted = Pt.argmax(axis=0)
        assert meta["runs"][init]["error"][seed][f] == pytest.approx(np.mean(predicted != y_test), abs=1e-9)
        p = Pt[y_test, np.arange(200)]
        assert meta["runs"][init]["cost"][seed][f] == pytest.approx(-np.mean(np.log(p)), rel=5e-4)
    # the cost of each step's batch, before its update, is the history's
    for t in range(8):
        idx = np.concatenate([run["all"]["batch_index"][list(steps).index(t)]]) if t in steps else None
        if idx is not None:
            _, _, P = forward_reference([seen[t].W[l][0] for l in range(1, 6)], X_train[:, idx],
                                        [seen[t].b[l][0] for l in range(1, 6)])
            J = -np.mean(np.log(P[y_train[idx], np.arange(100)]))
            assert run["all"]["batch_cost"][t, sl] == pytest.approx(J, rel=1e-9)


def test_digits_widget_bytes_and_playback(digits_run):
    data = _digits_widget(digits_run)
    meta = data["meta"]
    assert meta["once"] == ["Zero"] and meta["colors"]["right"]["name"] == xavier_init.GRID_COLORS["right"][0]
    # the whole run plays in PLAY_SECONDS
    assert meta["play_ms"] * (len(meta["steps"]) - 1) == pytest.approx(1000 * xavier_init.PLAY_SECONDS, rel=0.05)
    assert data["arrays"]["digits"].shape == (6, 100, 784 * meta["pixel_bits"] // 8)


def test_playground_writes_fig_1_7s_numbers_and_scale(playground):
    """At the frames Fig. 1.7 and 1.8 show (initialization and after training), the widget's largest
    |W| (and |dW|) of the median seed is the number written under the figure's diagram. The figure
    colours all its rows on one scale, the 90th percentile of every drawn link's size; the widget
    colours each seed on its own, the 90th percentile of that seed's links at the two frames."""
    import matplotlib.pyplot as plt

    record, result = playground
    assert record[0] == 0 and record[-1] == 40   # the frames of the figure's two panels
    meta = framedata.read_widget_html(why.widget_html({"circle": result}, step=0.5)[0])["meta"]
    for kind, (largest, colour) in (("weights", ("wmax", "wmax_colour")), ("gradients", ("gmax", "gmax_colour"))):
        fig = why.plot_network_grid(result, kind)
        try:
            diagrams, bars = fig.axes[:8], fig.axes[8:]
            assert len(bars) == 1                  # one colour bar: one scale for the eight diagrams
            drawn = []
            for row, name in enumerate(why.SCALES):
                r = meta["runs"]["circle"][name]
                i = int(result["index"][name][result["representative"][name]])
                if kind == "weights":
                    ends = [result["net_initial"].W, result["net_trained"].W]
                else:
                    ends = [result["grad_initial"].dW, result["grad_trained"].dW]
                links = np.concatenate([np.abs(W[l][i]).ravel() for W in ends for l in (1, 2, 3)])
                drawn.append(links)
                for panel, f in zip(diagrams[2 * row:2 * row + 2], (0, -1)):
                    # "|W| <= 0.412", or "W = 0" where every entry is exactly 0 (the zero start)
                    written = next(t.get_text() for t in panel.texts
                                   if t.get_text().startswith(("|", "W = ", "dW = ")))
                    first = written.split("\n")[0]
                    number = (0.0 if first in ("W = 0", "dW = 0")
                              else float(first.split("\N{LESS-THAN OR EQUAL TO}")[1]))
                    # the figure rounds the same number to 3 significant digits, the widget to 4
                    got = r[largest]["median"][f]
                    unit = 10.0 ** (np.floor(np.log10(abs(number))) - 2) if number else 0.0
                    assert abs(got - number) <= 0.55 * unit * 1.01, (kind, name, f, written, got)
                if name != "zero":
                    assert r[colour]["median"] == pytest.approx(np.quantile(links, 0.9), rel=5e-4), (kind, name)
            box = bars[0].get_position()   # the bar's long axis carries its scale (under the diagrams: x)
            top = (bars[0].get_xlim() if box.width > box.height else bars[0].get_ylim())[1]
            assert top == pytest.approx(np.quantile(np.concatenate(drawn), 0.9), rel=1e-12)
        finally:
            plt.close(fig)


def test_rows_quantized_at_once_equal_quantize_signed_row_by_row():
    """why._quantize_rows (s29, one call per array instead of one per frame) gives the bytes of
    framedata.quantize_signed row by row, zero rows and non-finite entries included."""
    rng = np.random.default_rng(3)
    a = rng.standard_normal((7, 11)) * rng.choice([1e-3, 1.0, 40.0], size=(7, 1))
    a[0] = 0.0
    a[2, 3], a[4, 5], a[5, 1] = np.nan, np.inf, -np.inf
    vmax = [0.0] + [float(np.max(np.abs(np.nan_to_num(r, posinf=0, neginf=0)))) for r in a[1:]]
    vmax[3] *= 0.5      # some values beyond vmax: clipped
    expected = np.stack([framedata.quantize_signed(r, m) for r, m in zip(a, vmax)])
    np.testing.assert_array_equal(why._quantize_rows(a, vmax), expected)


def test_keep_frames_keeps_copies_at_the_frame_epochs_only():
    """The page's train callback: at each epoch of frame_epochs a copy of the weights and biases as
    they are then (later steps do not change it), None at every other epoch."""
    X, Y = datasets.playground("circle", np.random.default_rng(1))
    net = Network(why.SIZES, why.ACTIVATIONS, "variance_scaling", rng=np.random.default_rng(2), seeds=2)
    keep = why.keep_frames(30, count=14)
    assert keep.epochs.tolist() == why.frame_epochs(30, count=14).tolist()
    seen = {}

    def record(t, n):
        seen[t] = [W.copy() for W in n.W[1:]]
        return keep(t, n)

    history = train(net, X, Y, "bce", lr=why.LR, epochs=30, callback=record)
    kept = {t: r for t, r in history.records if r is not None}
    assert sorted(kept) == keep.epochs.tolist()
    for t, (W, b) in kept.items():
        assert len(W) == len(b) == len(why.SIZES) - 1
        for w, expected in zip(W, seen[t]):
            np.testing.assert_array_equal(w, expected)
    assert not np.array_equal(kept[0][0][0], net.W[1])   # a copy of epoch 0, not the trained array

"""Plotting and frame packing for docs/xavier_init.md, the article's second widget.

The page builds, trains and measures the network with the library; this module draws its figures,
records the widget's frames through ``train``'s callback and packs them into the page.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
from matplotlib import colormaps
from matplotlib.colors import to_rgb

import plotting
from xavier import _checks, costs, datasets
from xavier.network import History, Network

__all__ = [
    "WIDGET_SIZES", "INIT_COLORS", "HIST_RANGE", "HIST_BINS", "SATURATION", "frame_steps",
    "activation_histograms", "layer_statistics", "gradient_histograms", "WidgetFrames", "plot_histograms",
    "plot_gradients", "plot_training", "plot_digit_grid", "seed_curves", "widget_html", "WIDGET_FILE",
    "GRID_COLORS", "WIDGET_BINS", "PLAY_SECONDS", "pack_pixels", "unpack_pixels", "hist_heights",
    "STEP_AXIS",
]

WIDGET_SIZES: tuple[int, ...] = (784, 300, 300, 300, 300, 10)
"""Layer widths ``[n[0], ..., n[L]]`` of the widget's network (``L = 5``)."""

INIT_COLORS: dict[str, str] = {
    "Zero": plotting.COLORS["zero"],
    "Uniform": plotting.COLORS["small"],
    "Xavier": plotting.COLORS["appropriate"],
    "Standard normal": plotting.COLORS["large"],
}
"""One colour per initialization, from the site's palette (too small, appropriate, too large)."""

HIST_RANGE: tuple[float, float] = (-1.2, 1.2)
"""The widget's histogram range."""

HIST_BINS: int = 200
"""About the widget's number of bins."""

SATURATION: float = 0.99
"""A unit counts as saturated when :math:`|a| > 0.99` (tanh's slope there is below 0.02)."""


def frame_steps(T: int, *, per_epoch: int, dense: int = 6, count: int = 15) -> np.ndarray:
    r"""The steps the widget shows: the first ``dense`` one by one, then log-spaced, plus every epoch's start.

    Steps are in ``0..T-1``: frame ``t`` is the network after ``t`` updates, on the batch that step
    ``t`` trains on. After the first ``dense`` steps, ``count - dense`` steps are spaced evenly in
    :math:`\log t` up to ``T - 1``, and the first step of every epoch is added (it replaces a
    log-spaced step within 5 % of ``T`` of it, after the first epoch).
    """
    T = _checks.positive_int("T", T)
    per_epoch = _checks.positive_int("per_epoch", per_epoch)
    dense = min(_checks.positive_int("dense", dense), T)
    count = _checks.positive_int("count", count)
    later = np.rint(np.geomspace(dense, T - 1, max(count - dense, 1))) if T - 1 > dense else []
    starts = set(range(0, T, per_epoch))
    # a log-spaced step within 5 % of T of an epoch's start gives way to it
    later = {int(t) for t in later if t == T - 1 or all(abs(t - e) > 0.05 * T for e in starts - {0})}
    return np.array(sorted(set(range(dense)) | later | starts))


def activation_histograms(A: Sequence[np.ndarray], bins: int = HIST_BINS,
                          hist_range: tuple[float, float] = HIST_RANGE) -> tuple[np.ndarray, np.ndarray]:
    r"""Histograms of each seed's activations in each layer, as fractions of the values.
    """
    bins = _checks.positive_int("bins", bins)
    lo, hi = hist_range
    if not lo < hi:
        raise ValueError(f"hist_range must be (low, high) with low < high, got {hist_range!r}")
    edges = np.linspace(lo, hi, bins + 1)
    S = A[0].shape[0]
    out = np.zeros((S, len(A), bins))
    for i, a in enumerate(A):
        for s in range(S):
            x = a[s].ravel()
            # bins and range rather than the edges: numpy's equal-width path (no sort), whose
            # counts are those of the edges np.linspace(lo, hi, bins + 1)
            out[s, i] = np.histogram(x[np.isfinite(x)], bins=bins, range=(lo, hi))[0] / x.size
    return out, edges


def layer_statistics(net: Network, X: np.ndarray, labels: np.ndarray, *, probe: int = 100,
                     bins: int = HIST_BINS, hist_range: tuple[float, float] = HIST_RANGE,
                     saturation: float = SATURATION) -> dict[str, np.ndarray]:
    r"""What the widget shows about a network: hidden-layer histograms and statistics, and errors.

    The hidden layers' statistics are taken over the first ``probe`` columns of ``X`` (the
    widget's batch of 100 digits); the cost and the misclassification rate over all of ``X``.
    """
    if _checks.positive_int("probe", probe) > X.shape[-1]:
        raise ValueError(f"probe must be an integer in 1..{X.shape[-1]} (columns of X), got {probe!r}")
    Y = datasets.one_hot(labels, net.sizes[-1])
    net.check_inputs(X, Y)  # forward checks X again; Y is checked here
    with np.errstate(all="ignore"):  # a diverged seed's nan weights give nan statistics
        Z, A = net.forward(X)
        hidden = [a[:, :, :probe] for a in A[1:-1]]
        hist, _ = activation_histograms(hidden, bins, hist_range)
        ok = np.all([np.isfinite(W).all(axis=(-2, -1)) for W in net.W[1:]], axis=0)
        hist[~ok] = np.nan
        return {
            "hist": hist,
            "mean": np.stack([a.mean(axis=(1, 2)) for a in hidden], axis=1),
            "std": np.stack([a.std(axis=(1, 2)) for a in hidden], axis=1),
            "saturated": np.where(ok[:, None], np.stack(
                [(np.abs(a) > saturation).mean(axis=(1, 2)) for a in hidden], axis=1), np.nan),
            "error": np.where(ok, (A[-1].argmax(axis=-2) != labels).mean(axis=-1), np.nan),
            "predicted": A[-1][:, :, :probe].argmax(axis=-2),
            "cost": costs.cost("cross_entropy", Z[-1], A[-1], Y),
        }


def gradient_histograms(net: Network, X: np.ndarray, labels: np.ndarray, *, bins: int = 80) -> dict[str, np.ndarray]:
    r"""Histograms of the sizes :math:`|dA^{[l]}|` of the back-propagated gradients, on one scale.

    As in Glorot & Bengio (2010), Figure 7, for every seed and hidden layer ``l = 1..L-1`` and the
    softmax cross-entropy of ``(X, labels)``; but on bins even in :math:`\log_{10}|dA|` shared by
    all seeds, so that panels compare like with like. Exact zeros are not counted (``zero``: their
    fraction). ``hist`` (S, L-1, bins) fractions of the ``n[l] * m`` entries; ``edges`` (bins + 1,)
    in :math:`\log_{10}|dA|`; ``std`` (S, L-1) the standard deviation of :math:`dA^{[l]}`.
    """
    Y = datasets.one_hot(labels, net.sizes[-1])
    net.check_inputs(X, Y)
    Z, A = net.forward(X)
    dA = net.backward(Z, A, Y, "cross_entropy").dA[1:-1]
    std = np.stack([d.std(axis=(1, 2)) for d in dA], axis=1)
    logs = [np.log10(np.abs(d[d != 0]).astype(float)) for d in dA]
    every = np.concatenate([v for v in logs if v.size]) if any(v.size for v in logs) else np.zeros(1)
    lo, hi = np.floor(np.percentile(every, 0.05)), np.ceil(np.percentile(every, 99.95))
    edges = np.linspace(lo, hi, bins + 1)
    hist = np.zeros((net.S, len(dA), bins))
    zero = np.zeros((net.S, len(dA)))
    for i, d in enumerate(dA):
        for s in range(net.S):
            v = np.abs(d[s]).ravel()
            zero[s, i] = np.mean(v == 0)
            hist[s, i] = np.histogram(np.log10(v[v > 0]), bins=bins, range=(lo, hi))[0] / v.size
    return {"hist": hist, "edges": edges, "std": std, "zero": zero}


class WidgetFrames:
    """The widget's frames, recorded by :func:`xavier.network.train`'s callback.

    Pass ``callback=frames.record, callback_batch=True`` to ``train``. At every step of ``steps``
    it records, for every seed, the histograms, spread and predictions over the batch that step
    trains on (the network before that step's update, as in the original widget), and
    :func:`layer_statistics` on the held-out digits (also after the last update).
    """

    def __init__(self, X_test: np.ndarray, labels_test: np.ndarray, steps: Sequence[int], *, end: int,
                 probe: int = 100):
        self.X_test, self.labels_test, self.probe, self.end = X_test, labels_test, probe, end
        self.steps = np.asarray(steps)
        if self.steps.ndim != 1 or len(self.steps) == 0 or self.steps.min() < 0 or np.any(np.diff(self.steps) <= 0) \
                or self.steps.max() >= end:
            raise ValueError(f"steps must be increasing steps in 0..{end - 1}, got {steps!r}")
        self.wanted = {int(t) for t in self.steps}

    def record(self, step: int, net: Network, batch) -> dict[str, Any] | None:
        """``train``'s callback (``callback_batch=True``)."""
        if step not in self.wanted and step != self.end:
            return None
        out = {"held": layer_statistics(net, self.X_test, self.labels_test, probe=self.probe)}
        if step in self.wanted:
            with np.errstate(all="ignore"):
                _, A = net.forward(batch.X)
                hist, _ = activation_histograms(A[1:-1])
                spread = {"std": np.stack([a.std(axis=(1, 2)) for a in A[1:-1]], axis=1),
                          "saturated": np.stack([(np.abs(a) > SATURATION).mean(axis=(1, 2)) for a in A[1:-1]], axis=1)}
            out["batch"] = {"index": np.asarray(batch.index), "hist": hist, "pred": A[-1].argmax(axis=-2), **spread}
        return out

    def collect(self, history: History, net: Network, names: Sequence[str], slices: np.ndarray,
                data: Mapping[str, np.ndarray], per_epoch: int) -> dict[str, Any]:
        """The run as the figures and :func:`widget_html` read it (``slices[k, j]``: the seed
        holding draw ``j`` of initialization ``k``; ``data``: X_train, labels_train)."""
        slices = np.asarray(slices)
        firsts = slices[:, 0]
        recs = [(t, r) for t, r in history.records if r is not None]
        steps = np.array([t for t, _ in recs])
        stats = {k: np.stack([r["held"][k] for _, r in recs]) for k in recs[0][1]["held"]}
        batches = [r["batch"] for t, r in recs if "batch" in r]
        first = History(cost=history.cost[:, firsts], diverged=history.diverged[firsts],
                        diverged_at=history.diverged_at[firsts], epochs=history.epochs)
        return {
            "names": tuple(names), "steps": steps, **{k: v[:, firsts] for k, v in stats.items()},
            "edges": np.linspace(*HIST_RANGE, HIST_BINS + 1), "history": first, "steps_per_epoch": per_epoch,
            "net": net.take(firsts), "X_test": self.X_test, "labels_test": self.labels_test,
            "X_train": data["X_train"], "labels_train": data["labels_train"], "slices": slices,
            "all": {"seeds": slices.shape[1], "steps": steps, **stats, "batch_cost": history.cost,
                    "diverged": history.diverged, "frames": self.steps, "net": net,
                    **{f"batch_{k}": np.stack([b[k] for b in batches])
                       for k in ("index", "hist", "pred", "std", "saturated")}},
        }


# ------------------------------------------------------------------------------------------------
# Plots
# ------------------------------------------------------------------------------------------------


def _text_at_floor(fig):
    """Raise the figure's text to the size :class:`plotting.PageFigure` would raise it to, now.

    A :class:`~plotting.PageFigure` renders its PNG, measures it and, when some text would show
    smaller than :data:`plotting.MIN_TEXT_PX`, enlarges that text and renders again. Enlarging it
    beforehand, to the floor of an image as wide as the whole figure (the widest the tight PNG can
    be), gives the same sizes or slightly larger ones in a single rendering: about a second less
    per page build for this page's dozen figures.
    """
    width_px = 1.05 * fig.get_size_inches()[0] * plotting.PNG_DPI
    fig._raise_small_text(fig.min_font_points(width_px) * 1.01)
    return fig


def _shade(color: str, k: int, K: int) -> tuple[float, float, float]:
    """``color`` mixed with white: the last of ``K`` shades is the colour itself."""
    t = 0.65 * (K - 1 - k) / max(K - 1, 1)
    return tuple(c + (1 - c) * t for c in to_rgb(color))


@plotting.styled
def plot_histograms(hist: np.ndarray, edges: np.ndarray, *, labels: Sequence[str] | None = None,
                    color: str = "black", title: str | None = None, ylim: float | None = None):
    r"""One panel per hidden layer, the histogram(s) of its activations, as in the widget.
    """
    hist = np.asarray(hist, dtype=float)
    if hist.ndim == 2:
        hist = hist[None]
    K, n_layers, bins = hist.shape
    if len(edges) != bins + 1:
        raise ValueError(f"edges must have bins + 1 = {bins + 1} entries, got {len(edges)}")
    if labels is not None and len(labels) != K:
        raise ValueError(f"labels must have one entry per histogram ({K}), got {len(labels)}")
    # Two panels per row, about 5 in wide: on a phone the figure is shown at about a third of
    # its size rather than a seventh, so its text stays legible.
    ncols = min(2, n_layers)
    nrows = -(-n_layers // ncols)
    fig, axes = plotting.subplots(nrows, ncols, figsize=(5.0, 2.1 * nrows + (0.9 if labels is not None else 0)),
                                  sharex=True, sharey=True, squeeze=False)
    for ax in axes.flat[n_layers:]:
        ax.set_visible(False)
    for i, ax in enumerate(axes.flat[:n_layers]):
        for k in range(K):
            first, last = k == 0 and K > 1, k == K - 1
            # Snapshots told apart by more than a dash: the first filled in a light shade, the
            # middle ones dashed in the colour, the last solid, thicker and near-black.
            shade = "0.1" if last and K > 1 else _shade(color, k, K) if first else color
            ax.stairs(hist[k, i], edges, color=shade, fill=first, lw=2.0 if last and K > 1 else 1.4,
                      ls="-" if first or last else (0, (4, 2)),
                      label=None if labels is None or i > 0 else labels[k])
        ax.set_title(f"$A^{{[{i + 1}]}}$")
        ax.set_xlim(edges[0], edges[-1])
        if i // ncols == nrows - 1:
            ax.set_xlabel("activation value")
    # one label for the rows: two rotated labels, each longer than its short panel, ran together
    fig.supylabel("fraction of values", fontsize=plotting.STYLE["axes.labelsize"])
    top = ylim if ylim is not None else (1.05 * float(hist.max()) or 1.0)  # an all-zero histogram: 1
    for ax in axes.flat[:n_layers]:
        ax.set_yscale("function", functions=(np.sqrt, np.square))
    axes[0, 0].set_ylim(0, top)
    axes[0, 0].set_yticks([t for t in (0, 0.01, 0.05, 0.1, 0.2, 0.5, 1.0) if t <= top])
    if labels is not None:
        fig.legend(loc="outside lower center", ncol=1)
    if title:
        fig.suptitle(title)
    return _text_at_floor(fig)


@plotting.styled
def plot_gradients(grad: Mapping[str, np.ndarray], names: Sequence[str]):
    r"""One panel per initialization: histograms of :math:`|dA^{[l]}|`, one line per layer, one
    logarithmic horizontal scale and one vertical scale shared by all panels."""
    hist, edges, zero = grad["hist"], grad["edges"], grad["zero"]
    S, n_layers, _ = hist.shape
    if len(names) != S:
        raise ValueError(f"names must have one entry per seed ({S}), got {len(names)}")
    # Two panels per row, about 5 in wide, so that the text stays legible on a phone.
    ncols = min(2, S)
    nrows = -(-S // ncols)
    fig, axes = plotting.subplots(nrows, ncols, figsize=(5.0, 2.5 * nrows + 0.7), squeeze=False,
                                  sharex=True, sharey=True)
    for ax in axes.flat[S:]:
        ax.set_visible(False)
    cmap = colormaps["viridis"]
    for s, ax in enumerate(axes.flat[:S]):
        for i in range(n_layers):
            ax.stairs(hist[s, i], 10.0**edges, color=cmap(i / max(n_layers - 1, 1)), lw=1.2,
                      label=f"$dA^{{[{i + 1}]}}$")
        ax.set_title(names[s])
        if zero[s].min() == 1:
            ax.text(0.5, 0.6, "all exactly 0", transform=ax.transAxes, ha="center")
        if s % ncols == 0:
            ax.set_ylabel("fraction of values")
        if s // ncols == nrows - 1:  # short: two labels as wide as their panels ran together
            ax.set_xlabel("gradient size $|dA|$")
    axes[0, 0].set_xscale("log")
    axes[0, 0].set_xlim(10.0**edges[0], 10.0**edges[-1])
    # a label every 5 decades about the middle, none within 2 decades of an edge: the end labels
    # of neighbouring panels ran together
    decades = np.round((edges[0] + edges[-1]) / 2) + 5 * np.arange(-4, 5)
    axes[0, 0].set_xticks(10.0 ** decades[(decades >= edges[0] + 2) & (decades <= edges[-1] - 2)])
    axes[0, 0].set_ylim(0, 1.05 * float(hist.max()) or 1.0)
    fig.legend(*axes[0, 0].get_legend_handles_labels(), loc="outside lower center", ncol=4)
    return _text_at_floor(fig)


def seed_curves(run: Mapping[str, Any], key: str) -> dict[str, np.ndarray]:
    """``run["all"][key]`` (R, S) regrouped per initialization: name -> (R, seeds) array.

    An initialization drawn once (``once``) gets its one slice, once.
    """
    a = np.asarray(run["all"][key])
    return {name: a[:, np.unique(run["slices"][k])] for k, name in enumerate(run["names"])}


@plotting.styled
def plot_training(run: Mapping[str, Any]):
    r"""Held-out cost (top) and misclassification rate (bottom) per initialization: median and
    10-90 % band over the seeds.

    Both panels are on a symlog step axis (linear over the first steps, logarithmic after) and are
    measured on the held-out digits at the steps :class:`WidgetFrames` recorded. Dotted lines mark
    the epochs. An initialization drawn once (Zero) is a single line.
    """
    steps = np.asarray(run["all"]["steps"])
    T = int(steps[-1])
    # one panel per row, 5 in wide: its text stays legible on a phone
    fig, (ax_c, ax_e) = plotting.subplots(2, 1, figsize=(5.0, 7.0), sharex=True)
    for ax, key in ((ax_c, "cost"), (ax_e, "error")):
        for name, Y in seed_curves(run, key).items():
            plotting.band(ax, steps, Y, label=name, color=INIT_COLORS.get(name))
        for e in range(run["steps_per_epoch"], T + 1, run["steps_per_epoch"]):
            ax.axvline(e, color="0.6", lw=0.8, ls=":")
        ax.set_xscale("symlog", **STEP_AXIS)
        ax.set_xlim(0, T)
    ax_e.set_xlabel("step (batch of 100 digits), linear to 10, log after")
    ax_c.set_yscale("log")
    ax_c.set_ylabel("held-out cost (cross-entropy)")
    ax_e.set_ylabel("misclassified (held-out)")
    ax_e.set_ylim(0, 1)
    fig.legend(*ax_e.get_legend_handles_labels(), loc="outside lower center", ncols=2)
    return _text_at_floor(fig)


@plotting.styled
def plot_digit_grid(X: np.ndarray, labels: np.ndarray, predicted: np.ndarray, *, ncols: int = 10):
    r"""Digits in a grid, each framed green when predicted right and red when wrong.

    A wrong prediction is written in red in the corner of its cell.
    """
    X = np.asarray(X)
    m = X.shape[1]
    if X.shape[0] != 784 or np.shape(labels) != (m,) or np.shape(predicted) != (m,):
        raise ValueError(f"X must be (784, m) with labels and predicted of shape (m,); got {X.shape}, "
                         f"{np.shape(labels)}, {np.shape(predicted)}")
    nrows = -(-m // ncols)
    cell, pad = 32, 2
    canvas = np.ones((nrows * cell, ncols * cell, 3))
    right, wrong = to_rgb(GRID_COLORS["right"][1]), to_rgb(GRID_COLORS["wrong"][1])
    fig, ax = plotting.subplots(figsize=(0.5 * ncols + 0.2, 0.5 * nrows + 0.2))
    for j in range(m):
        r, c = divmod(j, ncols)
        y0, x0 = r * cell, c * cell
        ok = predicted[j] == labels[j]
        canvas[y0:y0 + cell, x0:x0 + cell] = right if ok else wrong
        canvas[y0 + pad:y0 + cell - pad, x0 + pad:x0 + cell - pad] = 1.0
        canvas[y0 + pad:y0 + pad + 28, x0 + pad:x0 + pad + 28] = (1.0 - X[:, j].reshape(28, 28))[..., None]
        if not ok:
            ax.text(x0 + cell - pad, y0 + pad, str(predicted[j]), ha="right", va="top", fontsize=8,
                    color=wrong, fontweight="bold")
    ax.imshow(canvas, interpolation="nearest")
    ax.set_axis_off()
    return _text_at_floor(fig)


# ------------------------------------------------------------------------------------------------
# The widget: the recorded frames, packed for the browser
# ------------------------------------------------------------------------------------------------

_LABELS = {"Zero": "Zero", "Uniform": "Uniform U(±1/√n)", "Xavier": "Xavier N(0, 1/n)",
           "Standard normal": "Standard normal N(0, 1)"}


def _hist_top(counts: np.ndarray) -> float:
    """The y-limit of the widget's histograms: the largest bin of any histogram that is not a
    single spike (one bin with more than half of the values, as Zero's), which goes off the top.
    """
    counts = np.asarray(counts, dtype=float)
    flat = counts.reshape(-1, counts.shape[-1])
    total = flat.sum(axis=1)
    peak = flat.max(axis=1)
    spread = peak <= 0.5 * np.maximum(total, 1)
    return float(peak[spread].max()) if spread.any() else float(peak.max())


GRID_COLORS: dict[str, tuple[str, str]] = {
    "right": ("bluish green", plotting.COLORS["appropriate"]),
    "wrong": ("vermillion", plotting.COLORS["large"]),
}
"""The right/wrong grid's frame colours, ``key -> (name, hex)``: the one source of their names for the
static grid (:func:`plot_digit_grid`), the widget (its legend and captions) and the page's text."""

WIDGET_BINS: int = 100
"""The number of bins of the widget's histograms, each two bins of :data:`HIST_BINS` merged. A panel
is about 130 px wide on a phone, so 200 bins would be narrower than a pixel."""

PLAY_SECONDS: float = 12.0
"""How long the widget takes to play all its frames."""

STEP_AXIS: dict[str, float] = plotting.TIME_AXIS
"""The step axis of :func:`plot_training` and of the widget's two curves: :data:`plotting.TIME_AXIS`."""


def pack_pixels(X: np.ndarray, bits: int = 4) -> np.ndarray:
    r"""Pixels in [0, 1] rounded to ``bits`` bits and packed ``8 // bits`` to a byte, first pixel highest.

    The browser unpacks byte ``j`` of a row into pixels ``(8 // bits) * j ...`` and maps level ``q``
    back to ``q / (2**bits - 1)``: the error is at most ``1 / (2 * (2**bits - 1))``.
    """
    if bits not in (1, 2, 4, 8):
        raise ValueError(f"bits must be one of 1, 2, 4, 8, got {bits!r}")
    X = np.asarray(X, dtype=float)
    per = 8 // bits
    if X.shape[-1] % per:
        raise ValueError(f"the last axis ({X.shape[-1]}) must be a multiple of {per} for {bits}-bit pixels")
    q = np.clip(np.rint(np.nan_to_num(X) * (2**bits - 1)), 0, 2**bits - 1).astype(np.uint8)
    q = q.reshape(X.shape[:-1] + (-1, per))
    shifts = (bits * np.arange(per - 1, -1, -1)).astype(np.uint8)
    return np.bitwise_or.reduce(q << shifts, axis=-1).astype(np.uint8)


def unpack_pixels(packed: np.ndarray, bits: int = 4) -> np.ndarray:
    """The inverse of :func:`pack_pixels`: pixels in [0, 1], float."""
    per = 8 // bits
    packed = np.asarray(packed, dtype=np.uint8)
    shifts = (bits * np.arange(per - 1, -1, -1)).astype(np.uint8)
    q = (packed[..., None] >> shifts) & (2**bits - 1)
    return q.reshape(packed.shape[:-1] + (-1,)) / (2**bits - 1)


def hist_heights(fractions: np.ndarray, top: float) -> np.ndarray:
    r"""Histogram bars as the widget draws them: 8-bit heights on a square-root scale up to ``top``.

    ``round(255 * sqrt(min(fraction / top, 1)))``: a bar of ``top`` or more is the full panel
    height (cut at the top), and the browser draws level ``q`` at ``q / 255`` of the height, which
    is where a square-root axis from 0 to ``top`` puts ``fraction``. Non-finite fractions give 0.
    """
    if not (np.isfinite(top) and top > 0):
        raise ValueError(f"top must be a finite number > 0, got {top!r}")
    f = np.nan_to_num(np.asarray(fractions, dtype=float), nan=0.0, posinf=0.0, neginf=0.0)
    return np.rint(255 * np.sqrt(np.clip(f / top, 0, 1))).astype(np.uint8)


WIDGET_FILE = "xavier_init-digits-frames.js"
"""The file beside the page that holds the widget's digit images, loaded when the widget comes into view."""


def widget_html(run: Mapping[str, Any], *, default: str = "Xavier",
                pixel_bits: int = 2) -> tuple[str, dict[str, str]]:
    r"""The HTML of the digits widget, from a :meth:`WidgetFrames.collect` result, and the file it loads.

    Per slice of the stack and frame the page carries the histograms of
    :math:`A^{[1]}, \dots, A^{[4]}` over that step's training batch (:data:`WIDGET_BINS` bins on
    :data:`HIST_RANGE`, as the 8-bit bar heights of :func:`hist_heights`), their spread in numbers
    (``std`` and ``saturated``, 2 significant digits, for the readout) and the predicted class of
    each of its digits; per frame the batch's digits (``pixel_bits``-bit pixels,
    :func:`pack_pixels`) and labels; per initialization and seed the held-out cost and error at
    the frames (4 significant digits), with their median and 10th and 90th percentiles over the
    seeds. ``meta["slices"][k][j]`` is the slice of seed ``j`` of initialization ``k`` (an
    initialization drawn once has all its seeds in one slice). Packed by
    :func:`framedata.widget_html`; drawn by ``_static/widgets/widgets.js``. The digits' pixels,
    the largest part, are not in the page but in :data:`WIDGET_FILE` beside it
    (:func:`framedata.side_file`, array ``digits``), which the widget loads when it scrolls into
    view: they would take the page's initial load past its budget.
    """
    import framedata

    names = list(run["names"])
    allr = run["all"]
    S_seeds = int(allr["seeds"])
    frames = [int(t) for t in allr["frames"]]
    F = len(frames)
    rows = [int(np.flatnonzero(allr["steps"] == t)[0]) for t in frames]  # held-out rows of the frames
    slices = np.asarray(run["slices"])
    batch = int(allr["batch_index"].shape[1])
    values = int(WIDGET_SIZES[1]) * batch  # values per histogram: n[l] * batch (300 in every hidden layer)
    hist = np.nan_to_num(allr["batch_hist"])  # (F, S, layers, HIST_BINS) fractions
    counts = np.rint(hist * values).astype(np.int64)
    merge = HIST_BINS // WIDGET_BINS
    counts = counts.reshape(counts.shape[:-1] + (WIDGET_BINS, merge)).sum(axis=-1)
    counts = np.moveaxis(counts, 0, 1)  # (S, F, layers, bins)
    top = framedata.sig(_hist_top(counts) / values)
    heights = hist_heights(counts / values, top)
    pred = np.ascontiguousarray(np.moveaxis(allr["batch_pred"], 0, 1)).astype(np.uint8)  # (S, F, batch)
    runs = {}
    for k, name in enumerate(names):
        cost = allr["cost"][rows][:, slices[k]].T   # (seeds, F)
        error = allr["error"][rows][:, slices[k]].T
        entry = {"cost": framedata.sig_list(cost), "error": framedata.sig_list(error)}
        for key, a in (("cost", cost), ("error", error)):
            with np.errstate(all="ignore"):
                q = [np.nanpercentile(a, p, axis=0) if np.isfinite(a).any() else np.full(F, np.nan)
                     for p in (10, 50, 90)]
            entry[f"{key}_q10"], entry[f"{key}_median"], entry[f"{key}_q90"] = (framedata.sig_list(v) for v in q)
        runs[name] = entry
    meta = {
        "inits": names, "labels": {n: _LABELS.get(n, n) for n in names},
        "default_init": default if default in names else names[0], "seeds": S_seeds,
        "slices": slices.tolist(), "once": [n for k, n in enumerate(names) if len(set(slices[k])) == 1 and S_seeds > 1],
        "steps": frames, "steps_per_epoch": int(run["steps_per_epoch"]), "last_step": int(allr["steps"][-1]),
        "batch": batch, "bins": WIDGET_BINS, "range": list(HIST_RANGE), "layers": int(counts.shape[-2]),
        "values": values, "hist_max": top, "pixel_bits": int(pixel_bits), "play_ms": int(round(1000 * PLAY_SECONDS / max(F - 1, 1))),
        "step_axis": STEP_AXIS,
        "colors": {k: {"name": n, "hex": h} for k, (n, h) in GRID_COLORS.items()},
        "runs": runs,
        # per slice, frame and hidden layer, over the step's batch: what the histograms show, in
        # words for the readout (the std of A[l] and its fraction of values with |a| > saturation)
        "saturation": SATURATION,
        "std": framedata.sig_list(np.moveaxis(allr["batch_std"], 0, 1), 2),
        "saturated": framedata.sig_list(np.moveaxis(allr["batch_saturated"], 0, 1), 2),
    }
    index = allr["batch_index"]                          # (F, batch) training digits of each frame
    digits = pack_pixels(run["X_train"].T[index], pixel_bits)  # (F, batch, 784 * bits / 8)
    labels = run["labels_train"][index].astype(np.uint8)   # (F, batch)
    html = framedata.widget_html(
        "digits", meta, {"hist": heights, "pred": pred, "labels": labels},
        fallback="The interactive version of these figures needs JavaScript: it plays the training "
                 "step by step for every initialization and seed.", extra=WIDGET_FILE)
    return html, {WIDGET_FILE: framedata.side_file(WIDGET_FILE, "digits", {"part": "digits"}, {"digits": digits})}

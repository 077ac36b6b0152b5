"""Section 1's figures and the playground widget's frames (docs/why.md runs the experiments).

The page trains the network [2, 6, 3, 1] from every scale c of SCALES (and the widget's
EXTRA_SCALES) with the library; collect() gathers one dataset's training per scale, the plot_*
functions draw the page's figures and widget_html() packs the widget's frames.
"""

from __future__ import annotations

from typing import Any, Literal, Mapping, Sequence

import numpy as np
from matplotlib import colormaps
from matplotlib.colors import to_hex
from matplotlib.lines import Line2D

from xavier import _checks
from xavier import activations as acts
from diagram import draw_network, palette
from xavier.network import History, Network, concatenate
from plotting import COLORS, MARKERS, TIME_AXIS, band, styled, subplots

__all__ = [
    "SCALES", "SIZES", "ACTIVATIONS", "LR", "LABELS", "decision_grid", "join_runs", "collect",
    "representative_seed", "dead_units", "naive_bce_infinite", "plot_datasets", "plot_training",
    "CLASS_COLORS", "exact_or_bound", "counts_text",
    "plot_network_grid", "plot_zero_init", "plot_symmetry", "boundary_offsets", "ray_agreement",
    "rank_correlation", "wedge_summary", "plot_wedges", "frame_epochs", "keep_frames", "network_at", "widget_frames",
    "widget_html", "link_scale", "SCALE_QUANTILE", "EXTRA_SCALES", "WIDGET_SCALES", "SEED_KINDS", "shown_seeds", "WIDGET_FILE", "quadrant_summary",
    "EPOCH_AXIS", "PHONE_FIGURE_TEXT_PX",
]

PHONE_FIGURE_TEXT_PX = 13.0
"""Smallest text, in CSS px on a 375 px phone, of the training figures and the network diagrams
(:func:`plot_training`, :func:`plot_network_grid`): above the site's floor of 11 px
(:data:`plotting.PHONE_TEXT_PX`, capitals 8 px tall), which a student reading them on a phone
found too small to read their ticks and seed labels; 13 px gives capitals of 9.5 px, the size of
the widgets' chart text there."""

EPOCH_AXIS: dict[str, float] = TIME_AXIS
"""The epoch axis of :func:`plot_training` and of the widget's cost chart: :data:`plotting.TIME_AXIS`."""

SCALES: dict[str, float] = {"zero": 0.0, "small": 0.01, "appropriate": 1.0, "large": 100.0}
"""The article's four choices of :math:`c = n^{[l-1]}\\,\\mathrm{Var}(W^{[l]})`, by name."""

EXTRA_SCALES: dict[str, float] = {"c0.001": 0.001, "c0.1": 0.1, "c10": 10.0, "c1000": 1000.0}
"""Scales the page's widget adds between and beyond the article's, so that with :data:`SCALES`
:math:`c` runs over a log grid :math:`10^{-3}, 10^{-2}, \\dots, 10^{3}` (and 0)."""

WIDGET_SCALES: dict[str, float] = dict(sorted({**SCALES, **EXTRA_SCALES}.items(), key=lambda kv: kv[1]))
"""Every scale the widget offers, by name, in increasing :math:`c`."""

SIZES = (2, 6, 3, 1)
"""The widget's layer widths ``[n[0], n[1], n[2], n[3]]``."""

ACTIVATIONS = ("relu", "relu", "sigmoid")
"""The activations of layers 1, 2 and 3."""

LR = 0.1
"""The widget's learning rate."""

LABELS: dict[str, str] = {"zero": "zero", "small": "too small", "appropriate": "appropriate",
                          "large": "too large"}
"""How the page names each scale."""

_RISE = 1e-9  # a step "raises" the cost when it grows by more than this relative amount (not rounding)
_ROUNDING = 1e-12  # below this, a parameter of the zero initialization is rounding noise
SCALE_QUANTILE = 0.9  # network diagrams: colour scale up to this quantile of the row's |links|
_DATA_CMAP = "PuOr_r"  # decision maps: class 0 purple, class 1 orange (apart from COLORS)
_MAP_RANGE = (-0.7, 1.7)  # decision maps: y-hat 0..1 in the light middle of _DATA_CMAP, under the points

CLASS_COLORS: dict[int, tuple[str, str]] = {
    0: ("purple", to_hex(colormaps[_DATA_CMAP](0.05))),
    1: ("orange", to_hex(colormaps[_DATA_CMAP](0.9))),
}
"""The colours of the two classes' points, ``class -> (name, hex)``, from the decision maps' colour map: the
one source of their names for the static figures, the widget (points, map and captions) and the
page's text."""


def exact_or_bound(value: float, rounding: str) -> str:
    """A bound as the page's prose words it: "exactly 0" when ``value`` is 0, else "at most" the
    value and what it is no more than (``rounding``)."""
    return "exactly 0" if value == 0 else f"at most {value:.1e}, no more than {rounding}"


def counts_text(counts: Sequence[int], total: int, places: Sequence[str]) -> str:
    """How many of ``total`` seeds do something in each of ``places``, in words."""
    if len(counts) != len(places) or not counts:
        raise ValueError(f"counts {list(counts)} and places {list(places)} must be as many, at least one")
    if len(set(counts)) == 1:
        n = counts[0]
        return f"{n} seed{'s' if n != 1 else ''} of {total}" + (" on each" if len(counts) > 1 else "")
    parts = [f"{counts[0]} of {total} seeds on {places[0]}"] + [f"{c} on {p}" for c, p in zip(counts[1:], places[1:])]
    return ", ".join(parts[:-1]) + " and " + parts[-1]


def _scale_label(name: str) -> str:
    return f"c = {SCALES[name]:g} ({LABELS[name]})"  # plain text: mathtext costs a parse per label


def _check_scales(names: Sequence[str]) -> list[str]:
    names = list(names)
    bad = [n for n in names if n not in SCALES]
    if bad or not names:
        raise ValueError(f"unknown scale name(s) {bad or names!r}; valid choices: {', '.join(SCALES)}")
    return names


def decision_grid(net: Network, step: float = 0.1, lim: float = 5.0) -> tuple[np.ndarray, np.ndarray]:
    r"""The network's output on a square grid of the plane, for a heat map of its decision."""
    if net.sizes[0] != 2 or net.sizes[-1] != 1:
        raise ValueError(f"decision_grid needs a network with 2 inputs and 1 output, got sizes {net.sizes}")
    step, lim = _checks.real("step", step, low=0, strict=True), _checks.real("lim", lim, low=0, strict=True)
    cells = 2 * lim / step
    if abs(cells - round(cells)) > 1e-9 * max(1.0, cells):
        raise ValueError(f"2 * lim / step must be a whole number, got {cells!r} (lim={lim}, step={step})")
    k = int(round(cells)) + 1
    xs = np.linspace(-lim, lim, k)
    X1, X2 = np.meshgrid(xs, xs)
    P = net.predict(np.stack([X1.ravel(), X2.ravel()]))
    return xs, P[:, 0, :].reshape(net.S, k, k)


def representative_seed(final_cost: np.ndarray) -> int:
    """The seed whose final cost is the median (the lower one for an even count); NaNs are skipped."""
    final_cost = np.asarray(final_cost, dtype=float)
    ok = np.flatnonzero(np.isfinite(final_cost))
    if ok.size == 0:
        return 0
    ranked = ok[np.argsort(final_cost[ok], kind="stable")]
    return int(ranked[(ranked.size - 1) // 2])


def dead_units(net: Network, X: np.ndarray) -> np.ndarray:
    r"""Hidden ReLU units that output 0 on every input, per seed ("dead": they pass no gradient)."""
    _, A = net.forward(X)
    hidden = [l for l in range(1, net.L) if net.activations[l - 1] == "relu"]
    return sum((A[l].max(axis=-1) <= 0).sum(axis=-1) for l in hidden) + np.zeros(net.S, dtype=int)


def naive_bce_infinite(net: Network, X: np.ndarray, Y: np.ndarray) -> np.ndarray:
    r"""Per seed, the fraction of examples whose cross-entropy is infinite when computed by the
    textbook formula from the rounded output :math:`a = 1 / (1 + e^{-z})` instead of from :math:`z`."""
    Z, _ = net.forward(X)
    z = Z[-1][:, 0, :]
    y = np.asarray(Y)[0]
    with np.errstate(over="ignore"):  # e^{-z} = inf is the point: then a = 0 exactly
        a = 1.0 / (1.0 + np.exp(-z))
    bad = ((y == 0) & (a == 1.0)) | ((y == 1) & (a == 0.0))
    return bad.mean(axis=-1)


def _seed(net: Network, i: int) -> tuple[list, list]:
    return [None] + [W[i] for W in net.W[1:]], [None] + [b[i, :, 0] for b in net.b[1:]]


def _quantize_rows(a: np.ndarray, vmax: Sequence[float]) -> np.ndarray:
    """``framedata.quantize_signed(a[i], vmax[i])`` for every row ``i`` at once (the same arithmetic,
    element by element: the same bytes; one call instead of one per frame)."""
    x = np.nan_to_num(np.asarray(a, dtype=float), nan=0.0, posinf=0.0, neginf=0.0)
    v = np.asarray(vmax, dtype=float)[:, None]
    with np.errstate(invalid="ignore", divide="ignore"):
        q = np.clip(np.rint(127 * x / v), -127, 127)
    return np.where(v > 0, q, 0).astype(np.int8)


def join_runs(run: tuple, extra: tuple) -> tuple:
    """One dataset's run of :data:`SCALES`, ``(X, Y, start, net, history)``, and the widget's run of
    :data:`EXTRA_SCALES` on the same data, ``(start, net, history)``, trained alone, as one run with
    the extra seeds after the others: what :func:`collect` takes. Both were recorded at the same
    steps (the same callback); raises ``ValueError`` if their steps differ."""
    X, Y, start, net, history = run
    start_x, net_x, history_x = extra
    if history.cost.shape[0] != history_x.cost.shape[0] or len(history.records) != len(history_x.records):
        raise ValueError(f"the two runs stopped at different steps: {history.cost.shape[0]} and "
                         f"{history_x.cost.shape[0]} (every seed of one diverged)")
    records = []
    for (t, a), (u, b) in zip(history.records, history_x.records):
        if t != u or (a is None) != (b is None):
            raise ValueError(f"the two runs recorded different steps: {t} and {u}")
        records.append((t, None if a is None else tuple([np.concatenate(pair) for pair in zip(x, y)]
                                                        for x, y in zip(a, b))))
    joined = History(cost=np.hstack([history.cost, history_x.cost]),
                     diverged=np.concatenate([history.diverged, history_x.diverged]),
                     diverged_at=np.concatenate([history.diverged_at, history_x.diverged_at]),
                     epochs=max(history.epochs, history_x.epochs), records=records)
    return X, Y, concatenate([start, start_x]), concatenate([net, net_x]), joined


def collect(dataset: str, X: np.ndarray, Y: np.ndarray, start: Network, net: Network, history, *,
            seeds: int, extra_seeds: int = 0, threshold: float = 0.1, step: float = 0.1) -> dict[str, Any]:
    """The page's training of one dataset, gathered per scale for the figures and the widget."""
    blocks = [(name, k * seeds, seeds) for k, name in enumerate(SCALES)]
    if extra_seeds:
        blocks += [(name, len(SCALES) * seeds + k * extra_seeds, extra_seeds) for k, name in enumerate(EXTRA_SCALES)]
    if net.S != blocks[-1][1] + blocks[-1][2]:
        raise ValueError(f"net holds {net.S} seeds, not {seeds} per scale of SCALES and {extra_seeds} of EXTRA_SCALES")
    names = list(SCALES)
    grad_initial = start.backward(*start.forward(X), Y, "bce")
    reps = {name: representative_seed(history.cost[-1, first:first + n]) for name, first, n in blocks[:len(names)]}
    reached = history.first_below(threshold)
    with np.errstate(over="ignore", invalid="ignore"):  # only diverged copies can hold inf/nan
        grad_trained = net.backward(*net.forward(X), Y, "bce")
        # the maps of the shown (median) seeds only: all copies on the fine grid cost a second a run
        xs, P = decision_grid(net.take([first + reps[name] for name, first, _ in blocks[:len(names)]]), step=step)
        dead_initial, dead_final = dead_units(start, X), dead_units(net, X)
    out: dict[str, Any] = {
        "dataset": dataset, "X": X, "Y": Y, "seeds": seeds, "epochs": history.epochs, "threshold": threshold,
        "net_initial": start, "net_trained": net, "xs": xs,
        "grad_initial": grad_initial, "grad_trained": grad_trained,
        "index": {}, "cost": {}, "diverged": {}, "diverged_at": {}, "epochs_to": {}, "representative": {}, "grid": {},
        "summary": {},
        "snapshots": {t: r for t, r in history.records if r is not None},
    }
    for k, (name, start_at, n) in enumerate(blocks):
        idx = np.arange(start_at, start_at + n)
        J = history.cost[:, idx]
        first = reached[idx]
        out["index"][name] = idx
        out["cost"][name] = J
        out["diverged"][name] = history.diverged[idx]
        out["diverged_at"][name] = history.diverged_at[idx]
        out["epochs_to"][name] = first
        out["representative"][name] = representative_seed(J[-1])
        if name not in SCALES:
            continue
        out["grid"][name] = P[k]
        out["summary"][name] = {
            "initial": float(np.nanmedian(J[0])),
            "final": float(np.nanmedian(J[-1])) if np.isfinite(J[-1]).any() else float("nan"),
            "reached": int((first >= 0).sum()),
            "median_epochs": float(np.median(first[first >= 0])) if (first >= 0).any() else float("nan"),
            "diverged": int(history.diverged[idx].sum()),
            "rising": int((np.diff(J, axis=0) > J[:-1] * _RISE).any(axis=0).sum()),
            "dead_initial": float(dead_initial[idx].mean()),
            "dead_final": float(dead_final[idx].mean()),
        }
    return out


# ------------------------------------------------------------------------------------------------
# Figures
# ------------------------------------------------------------------------------------------------

def _scatter_points(ax, X: np.ndarray, Y: np.ndarray, size: float = 14) -> None:
    for cls, marker in ((0, "o"), (1, "s")):
        pts = X[:, Y[0] == cls]
        ax.scatter(pts[0], pts[1], s=size, color=CLASS_COLORS[cls][1], edgecolors="white", linewidths=0.5,
                   marker=marker, label=f"class {cls}", zorder=3)


@styled
def plot_datasets(data: Mapping[str, tuple[np.ndarray, np.ndarray]]):
    """The datasets on :math:`[-5, 5]^2`, one panel each, two panels per row."""
    # Two panels per row, 5 in wide, the legend below: the text stays legible on a phone.
    rows = -(-len(data) // 2)
    fig, axes = subplots(rows, 2, figsize=(5.0, 2.55 * rows + 0.4), squeeze=False,
                         sharex=True, sharey=True)
    for ax in axes.ravel()[len(data):]:
        ax.remove()
    for ax, (name, (X, Y)) in zip(axes.ravel(), data.items()):
        _scatter_points(ax, X, Y)
        ax.set(xlim=(-5.5, 5.5), ylim=(-5.5, 5.5), aspect="equal", title=name)
        ax.set_xticks([-5, 0, 5])
        ax.set_yticks([-5, 0, 5])
    for ax in axes[-1]:
        ax.set_xlabel("$x_1$")
    for ax in axes[:, 0]:
        ax.set_ylabel("$x_2$")
    fig.legend(*axes[0, 0].get_legend_handles_labels(), loc="outside lower center", ncols=2,
               handletextpad=0.2)
    return fig


@styled
def plot_training(result: Mapping[str, Any]):
    """Cost against epoch for the four scales (median and 10-90 % band over seeds), and the
    decision maps of each scale's median seed."""
    names = list(SCALES)
    # One column, the cost on top and the four maps below in two rows: narrow enough that its text
    # stays legible on a phone (a wide figure is shrunk more there, its text with it).
    # The legend has a row of its own between them: hung under the cost's axes at a fixed offset,
    # it ran into the epoch label once the text was drawn at PHONE_FIGURE_TEXT_PX.
    fig, axes = subplots(4, 2, figsize=(5.0, 10.6), height_ratios=[1.6, 0.6, 1, 1])
    fig.phone_text_px = PHONE_FIGURE_TEXT_PX
    gs = axes[0, 0].get_gridspec()
    for a in axes[:2].ravel():
        a.remove()
    ax = fig.add_subplot(gs[0, :])
    key = fig.add_subplot(gs[1, :])
    key.set_axis_off()
    S = result["seeds"]
    T = result["cost"][names[0]].shape[0]
    epochs = np.arange(T)
    for name in names:
        J = result["cost"][name]
        n_div = int(result["diverged"][name].sum())
        band(ax, epochs, J, color=COLORS[name],
             label=f"{_scale_label(name)}, {n_div}/{S} overflowed")
        bad = np.flatnonzero(result["diverged"][name])
        if bad.size:  # mark each diverged seed at its last finite cost
            at = np.maximum(result["diverged_at"][name][bad] - 1, 0)
            ax.plot(at, J[at, bad], "x", color=COLORS[name], ms=7, mew=2)
    ax.set_yscale("log")
    ax.set_xscale("symlog", **EPOCH_AXIS)  # the first 10 epochs linear, then log time
    ax.set(xlabel="epoch (linear to 10, logarithmic after)",
           ylabel="mean binary cross-entropy",
           # on two lines, as PageFigure would wrap it after a first rendering
           title=f"{result['dataset']}:\nmedian and 10–90 % of {S} seeds", xlim=(0, T))
    ax.axhline(result["threshold"], color="0.5", lw=0.8, ls=":")
    # below the axes, under the epoch label: inside, it covered a band on some dataset or other
    key.legend(*ax.get_legend_handles_labels(), loc="center", ncol=1, borderaxespad=0.0)
    xs = result["xs"]
    lim = float(xs[-1]) + (xs[1] - xs[0]) / 2
    for a, name in zip(axes[2:].ravel(), names):
        rep = result["representative"][name]
        # vmin/vmax beyond [0, 1] keep the map in the light middle of the colour map, under the points
        a.imshow(result["grid"][name], origin="lower", extent=(-lim, lim, -lim, lim), cmap=_DATA_CMAP,
                 vmin=_MAP_RANGE[0], vmax=_MAP_RANGE[1], interpolation="nearest")
        a.contour(xs, xs, result["grid"][name], levels=[0.5], colors="black", linewidths=0.8)
        _scatter_points(a, result["X"], result["Y"], size=8)
        final = result["cost"][name][-1, rep]
        a.set_title(f"c = {SCALES[name]:g}\nseed {rep + 1}\nJ = {final:.3g}", fontsize=9,
                    color=COLORS[name])
        a.set(xlim=(-lim, lim), ylim=(-lim, lim), aspect="equal", xticks=[], yticks=[])
        a.grid(False)
    return fig


def link_scale(links: Sequence[np.ndarray]) -> float:
    """The colour scale of network diagrams (all of :func:`plot_network_grid`'s, one seed's in the widget):
    the :data:`SCALE_QUANTILE` quantile of the links' sizes, or 1 when they are all rounding
    noise around 0 (zero initialization)."""
    vmax = float(np.quantile(np.concatenate([np.abs(a).ravel() for a in links]), SCALE_QUANTILE))
    return 1.0 if vmax < _ROUNDING else vmax


@styled
def plot_network_grid(result: Mapping[str, Any], kind: Literal["weights", "gradients"] = "weights",
                      seeds: Mapping[str, int] | None = None):
    r"""The network diagram of one seed per scale, at initialization and after training."""
    if kind not in ("weights", "gradients"):
        raise ValueError(f"kind must be 'weights' or 'gradients', got {kind!r}")
    names = list(SCALES)
    seeds = dict(result["representative"]) if seeds is None else dict(seeds)
    # 5.2 in wide: the text stays legible on a phone
    fig, axes = subplots(len(names), 2, figsize=(5.2, 2.6 * len(names)))
    fig.phone_text_px = PHONE_FIGURE_TEXT_PX
    symbol = "b" if kind == "weights" else "db"
    rows = []
    for name in names:
        i = int(result["index"][name][seeds[name]])
        panels = []
        for when in ("initial", "trained"):
            if kind == "weights":
                W, b = _seed(result["net_" + when], i)
            else:
                g = result["grad_" + when]
                W = [None] + [dW[i] for dW in g.dW[1:]]
                b = [None] + [db[i, :, 0] for db in g.db[1:]]
            panels.append((W, b))
        rows.append(panels)
    # One scale for all eight diagrams, so that the rows compare directly; it is set by the links
    # only, at the SCALE_QUANTILE quantile of their sizes: one large bias or link would wash out all the
    # others. Beyond it colours saturate; the largest link is written under each diagram.
    vmax = link_scale([a for panels in rows for W, b in panels for a in W[1:]])
    for row, name, panels in zip(axes, names, rows):
        # one line of title and two short lines of numbers: on a phone, taller text left the
        # diagrams about 60 px wide, and "output db = -1.56e-17" ran into the next column
        for ax, when, (W, b) in zip(row, ("initialization", "after training"), panels):
            clip = [None] + [np.clip(a, -vmax, vmax) for a in W[1:]]  # saturate colour and width
            clip_b = [None] + [np.clip(a, -vmax, vmax) for a in b[1:]]
            d = draw_network(ax, SIZES, weights=clip, biases=clip_b, vmax=vmax, labels=[""] * 4,
                             title=(f"{when}\n" if name == names[0] else "") + f"c = {SCALES[name]:g}")
            # the two numbers on lines of their own under the diagram, clear of its units
            # (hung from just under the lowest unit, so that larger text grows down, not into it)
            y0, y1 = ax.get_ylim()
            ax.set_ylim(y0 - 1.9, y1)
            big = max(float(np.abs(w).max()) for w in W[1:])
            links = "W" if kind == "weights" else "dW"
            # every entry exactly 0 (the zero start) reads "W = 0", not "|W| <= 0"
            bound = f"{links} = 0" if big == 0 else f"|{links}| \N{LESS-THAN OR EQUAL TO} {big:.3g}"
            ax.text(0.0, y0 - 0.1, f"{bound}\n"
                    f"{symbol} = {b[3][0]:.3g}".replace("-", "\N{MINUS SIGN}"),
                    transform=ax.get_yaxis_transform(), fontsize=8, ha="left", va="top")
    # the colour bar under the diagrams, so that the two columns (and their numbers) have the
    # figure's whole width: beside them, it left the numbers too little room on a phone
    fig.colorbar(d.mappable, ax=list(axes.ravel()), location="bottom", shrink=0.8, aspect=30,
                 label="$W$, $b$" if kind == "weights" else "$dW$, $db$")
    return fig


@styled
def plot_zero_init(zero: Mapping[str, Any]):
    r"""Zero initialization on unbalanced classes: the trained diagram (only :math:`b^{[3]}` is
    not zero) and :math:`\sigma(b^{[3]})` against epoch, reaching the class-1 fraction."""
    # one panel per row, 5 in wide: the text stays legible on a phone
    fig, (ax_net, ax_b) = subplots(2, 1, figsize=(5.0, 6.4), height_ratios=[1, 1])
    W, b = _seed(zero["net"], 0)
    d = draw_network(ax_net, SIZES, weights=W, biases=b, title="zero initialization,\nafter training",
                     colorbar=True, colorbar_label="$W$, $b$")
    x, y = d.positions[3][0]
    bias = f"{b[3][0]:.4f}".replace("-", "\N{MINUS SIGN}")  # a minus, not a hyphen
    ax_net.annotate(f"output bias\n= {bias}", (x, y), xytext=(0, 12), textcoords="offset points",
                    ha="center", va="bottom", fontsize=9)  # above the output unit, clear of the others
    steps = np.arange(len(zero["b3"]))
    sig = acts.sigmoid(np.asarray(zero["b3"]))
    ax_b.plot(steps, sig, color=COLORS["zero"], lw=1.8, label="the output, the same for every input")
    ax_b.axhline(zero["fraction"], color="black", lw=0.8, ls="--",
                 label=rf"class-1 fraction $\bar y$ = {zero['fraction']:.3f}")
    ax_b.set(xlabel="epoch", ylabel="network output", ylim=(0, 0.6), xlim=(0, steps[-1]))
    ax_b.legend(loc="upper center", bbox_to_anchor=(0.5, -0.25))  # under the axes: it hid the curve
    return fig


#: One marker per first-layer unit in :func:`plot_symmetry`, so that no unit is told by hue alone.
_UNIT_MARKERS = ("o", "s", "^", "v", "D", "P")


@styled
def plot_symmetry(sym: Mapping[str, Any]):
    r"""The incoming weights :math:`W^{[1]}_{k1}` (solid) and :math:`W^{[1]}_{k2}` (dashed) of the
    six first-layer units against epoch, from a constant and from a random initialization."""
    # one panel per row, 5 in wide, the legend below: the text stays legible on a phone
    fig, axes = subplots(2, 1, figsize=(5.0, 8.4), sharex=True)
    titles = {"constant": f"constant: every weight = {sym['w0']:g}",
              "random": "random: $c = 1$"}
    for ax, name in zip(axes, ("constant", "random")):
        traj = sym[name]
        steps = np.arange(len(traj))
        for k in range(traj.shape[1]):
            lw = 5.5 - 0.9 * k
            # a marker per unit, staggered along the epochs so that nested curves show all six
            every = (k * len(steps) // (6 * len(_UNIT_MARKERS)), max(1, len(steps) // 6))
            ax.plot(steps, traj[:, k, 0], color=f"C{k}", lw=lw, label=f"unit {k + 1}", solid_capstyle="butt",
                    marker=_UNIT_MARKERS[k % len(_UNIT_MARKERS)], markevery=every, markersize=7,
                    markeredgecolor="white", markeredgewidth=0.8)
            ax.plot(steps, traj[:, k, 1], color=f"C{k}", lw=lw, ls=(0, (2, 1)), dash_capstyle="butt")
        ax.set(title=titles[name], xlim=(0, steps[-1]), ylabel="incoming weight of unit $k$")
    axes[1].set_xlabel("epoch")
    handles, labels = axes[1].get_legend_handles_labels()
    handles += [Line2D([], [], color="black", lw=1.5), Line2D([], [], color="black", lw=1.5, ls=(0, (2, 1)))]
    labels += ["$W^{[1]}_{k1}$ (from $x_1$)", "$W^{[1]}_{k2}$ (from $x_2$)"]
    fig.legend(handles, labels, loc="outside lower center", ncols=2)
    return fig


# ------------------------------------------------------------------------------------------------
# Why c = 100 ends in wedges: first-layer boundaries that stay near the origin
# ------------------------------------------------------------------------------------------------

def boundary_offsets(net: Network) -> np.ndarray:
    r"""Distance from the origin of the line on which each first-layer unit switches on."""
    if net.sizes[0] != 2:
        raise ValueError(f"boundary_offsets needs a network with 2 inputs, got sizes {net.sizes}")
    norm = np.linalg.norm(net.W[1], axis=-1)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.abs(net.b[1][..., 0]) / norm


def ray_agreement(net: Network, r_in: float = 1.0, r_out: float = 4.0, directions: int = 360) -> np.ndarray:
    r"""Per seed, the fraction of directions in which the network gives the class it gives at
    radius ``r_in`` also at radius ``r_out``: 1 for a decision map made of wedges (rays from the
    origin), 0 for a boundary that closes around the origin between the two radii."""
    if net.sizes[0] != 2 or net.sizes[-1] != 1:
        raise ValueError(f"ray_agreement needs a network with 2 inputs and 1 output, got sizes {net.sizes}")
    if not (0 < r_in < r_out) or not np.isfinite(r_out):
        raise ValueError(f"need 0 < r_in < r_out, got r_in={r_in!r}, r_out={r_out!r}")
    if int(directions) != directions or directions < 1:
        raise ValueError(f"directions must be a positive whole number, got {directions!r}")
    t = 2 * np.pi * np.arange(int(directions)) / int(directions)
    d = np.stack([np.cos(t), np.sin(t)])
    inner = net.predict(r_in * d)[:, 0, :] > 0.5
    outer = net.predict(r_out * d)[:, 0, :] > 0.5
    return (inner == outer).mean(axis=-1)


def rank_correlation(x: np.ndarray, y: np.ndarray) -> float:
    r"""Spearman's rank correlation of two samples: the Pearson correlation of their ranks
    (C. Spearman, 1904), between -1 and 1; tied values share the mean of their ranks."""
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    if x.shape != y.shape or x.ndim != 1 or x.size < 2:
        raise ValueError(f"need two 1-D samples of one length >= 2, got shapes {x.shape} and {y.shape}")
    return float(np.corrcoef(_mean_ranks(x), _mean_ranks(y))[0, 1])


def _mean_ranks(a: np.ndarray) -> np.ndarray:
    """Ranks 0..n-1 of ``a``, tied values sharing the mean of theirs."""
    _, inverse, counts = np.unique(a, return_inverse=True, return_counts=True)
    first = np.concatenate([[0], np.cumsum(counts)[:-1]])
    return (first + (counts - 1) / 2)[inverse]


def wedge_summary(result: Mapping[str, Any], names: Sequence[str] = ("appropriate", "large")) -> dict[str, Any]:
    r"""Per scale, after training: the median over units of :func:`boundary_offsets` for every seed,
    :func:`ray_agreement` for every seed, the median size of the first-layer weights
    :math:`\lVert w_k\rVert` and biases :math:`|b_k|`, and the final cost."""
    names = _check_scales(names)
    net = result["net_trained"]
    offsets = boundary_offsets(net)
    agreement = ray_agreement(net)
    out = {}
    for name in names:
        idx = result["index"][name]
        out[name] = {
            "offset": np.median(offsets[idx], axis=1),
            "agreement": agreement[idx],
            "w_norm": float(np.median(np.linalg.norm(net.W[1][idx], axis=-1))),
            "b_abs": float(np.median(np.abs(net.b[1][idx]))),
            "cost": result["cost"][name][-1],
        }
    return out


@styled
def plot_wedges(result: Mapping[str, Any], summary: Mapping[str, Any]):
    r"""Top: each seed's final cost against how far its first-layer lines sit from the origin
    (median over the six units), for :math:`c = 1` and :math:`c = 100`. Bottom: the decision map of
    the median :math:`c = 100` seed with its six first-layer lines :math:`w_k^\top x + b_k = 0`."""
    # one panel per row, 5 in wide: the text stays legible on a phone
    fig, (ax, ax_map) = subplots(2, 1, figsize=(5.0, 8.6), height_ratios=[1, 1.1])
    for name in ("appropriate", "large"):  # the site's marker of each scale (plotting.MARKERS)
        s = summary[name]
        ax.scatter(s["offset"], s["cost"], color=COLORS[name], marker=MARKERS[name], s=28,
                   edgecolors="white", linewidths=0.5, label=_scale_label(name), zorder=3)
    ax.set_yscale("log")
    ax.set(xlabel=r"distance of the first-layer lines"  # short lines: legible on a phone
                  "\n" "from the origin, |b| / \N{DOUBLE VERTICAL LINE}w\N{DOUBLE VERTICAL LINE} per unit,"
                  "\n" r"median over a seed's 6 units",
           ylabel="final cost")
    # above the axes, where it cannot hide a point
    ax.legend(loc="lower left", bbox_to_anchor=(0.0, 1.01), ncol=1, borderaxespad=0.0,
              title="circle, after training:\none point per seed", title_fontsize=9, alignment="left")
    name = "large"
    rep = result["representative"][name]
    i = int(result["index"][name][rep])
    xs = result["xs"]
    lim = float(xs[-1]) + (xs[1] - xs[0]) / 2
    ax_map.imshow(result["grid"][name], origin="lower", extent=(-lim, lim, -lim, lim), cmap=_DATA_CMAP,
                  vmin=_MAP_RANGE[0], vmax=_MAP_RANGE[1], interpolation="nearest")
    ax_map.contour(xs, xs, result["grid"][name], levels=[0.5], colors="black", linewidths=0.8)
    _scatter_points(ax_map, result["X"], result["Y"], size=8)
    W, b = result["net_trained"].W[1][i], result["net_trained"].b[1][i, :, 0]
    t = np.linspace(-2 * lim, 2 * lim, 2)
    for k, (w, bk) in enumerate(zip(W, b)):
        if abs(w[1]) >= abs(w[0]):      # x2 = -(w1 x1 + b) / w2
            ax_map.plot(t, -(w[0] * t + bk) / w[1], color="0.15", lw=1.0, ls=(0, (4, 2)))
        else:
            ax_map.plot(-(w[1] * t + bk) / w[0], t, color="0.15", lw=1.0, ls=(0, (4, 2)))
    ax_map.set(xlim=(-lim, lim), ylim=(-lim, lim), aspect="equal", xticks=[], yticks=[],
               title=f"c = 100, seed {rep + 1}:\nmap and first-layer lines (dashed)")
    ax_map.grid(False)
    return fig


def quadrant_summary(result: Mapping[str, Any], names: Sequence[str] = ("appropriate", "large")) -> dict[str, Any]:
    r"""On the XOR ("square") data, per scale and seed after training: the fraction of the points
    misclassified, whether a whole quadrant is (more than half of its points wrong), and how far
    the first layer moved from its random start."""
    names = _check_scales(names)
    X, Y = result["X"], result["Y"][0]
    start, net = result["net_initial"], result["net_trained"]
    with np.errstate(over="ignore", invalid="ignore"):
        wrong = (net.predict(X)[:, 0, :] > 0.5) != (Y == 1)        # (S, m)
    quadrant = 2 * (X[0] > 0) + (X[1] > 0)
    offsets = boundary_offsets(net)
    # the angle (degrees, 0 to 180) of each unit's line w^T x + b = 0, perpendicular to w; then, for
    # each axis, the closest line to it, and the worse-served of the two axes
    line = (np.degrees(np.arctan2(net.W[1][..., 1], net.W[1][..., 0])) + 90.0) % 180.0
    to_x1_axis = np.minimum(line, 180.0 - line).min(axis=1)
    to_x2_axis = np.abs(line - 90.0).min(axis=1)
    gap = np.maximum(to_x1_axis, to_x2_axis)
    W0, W1 = start.W[1], net.W[1]
    with np.errstate(divide="ignore", invalid="ignore"):  # NaN for the zero start (no direction)
        cos = np.sum(W0 * W1, axis=-1) / (np.linalg.norm(W0, axis=-1) * np.linalg.norm(W1, axis=-1))
        turn = np.degrees(np.arccos(np.clip(cos, -1.0, 1.0)))
        change = np.linalg.norm(W1 - W0, axis=(1, 2)) / np.linalg.norm(W0, axis=(1, 2))
    out = {}
    for name in names:
        idx = result["index"][name]
        per_quadrant = np.stack([wrong[idx][:, quadrant == k].mean(axis=1) for k in range(4)], axis=1)
        out[name] = {"error": wrong[idx].mean(axis=1), "quadrant": (per_quadrant > 0.5).any(axis=1),
                     "turn": np.median(turn[idx], axis=1), "change": change[idx],
                     "offset": np.median(offsets[idx], axis=1), "axis_gap": gap[idx],
                     "cost": result["cost"][name][-1]}
    return out


# ------------------------------------------------------------------------------------------------
# The widget: frames of the training, kept by the page's train callback, drawn in the browser
# ------------------------------------------------------------------------------------------------

def frame_epochs(epochs: int, first: int = 10, count: int = 40) -> np.ndarray:
    r"""The epochs the widget shows: ``0, 1, ..., first`` one by one, then log-spaced to ``epochs``."""
    if not isinstance(epochs, (int, np.integer)) or epochs < 1:
        raise ValueError(f"epochs must be a positive integer, got {epochs!r}")
    if not isinstance(first, (int, np.integer)) or first < 0 or not isinstance(count, (int, np.integer)) \
            or count < first + 2:
        raise ValueError(f"need integers 0 <= first and count >= first + 2, got first={first!r}, count={count!r}")
    head = np.arange(min(first, epochs) + 1)
    if epochs <= first + 1:
        return np.arange(epochs + 1)
    tail = np.rint(np.geomspace(first + 1, epochs, count - head.size)).astype(int)
    return np.unique(np.concatenate([head, tail, [epochs]]))


def keep_frames(epochs: int, count: int = 32):
    """``train``'s callback for the widget: the weights and biases at the epochs
    :func:`frame_epochs` picks (``None`` at every other epoch); the epochs are its ``epochs``."""
    shown = frame_epochs(epochs, count=count)
    wanted = set(shown.tolist())

    def keep(t: int, net: Network):
        if t in wanted:
            return [W.copy() for W in net.W[1:]], [b.copy() for b in net.b[1:]]
        return None

    keep.epochs = shown
    return keep


def network_at(result: Mapping[str, Any], epoch: int, seeds: Sequence[int] | None = None) -> Network:
    """The stacked network of :func:`collect`'s result as it was after ``epoch`` epochs (a kept snapshot)."""
    snaps = result.get("snapshots", {})
    if epoch not in snaps:
        raise ValueError(f"epoch {epoch!r} was not recorded; valid choices: {sorted(snaps)}")
    keep = np.arange(result["net_initial"].S) if seeds is None else np.asarray(seeds, dtype=int)
    net = result["net_initial"].take(keep)  # the seeds' shapes and settings; the weights of the epoch:
    W, b = snaps[epoch]
    net.W = [None] + [np.ascontiguousarray(w[keep]) for w in W]
    net.b = [None] + [np.ascontiguousarray(v[keep]) for v in b]
    return net


SEED_KINDS = ("median", "best", "worst")
"""The seeds the widget offers for every dataset and scale, by final cost.

They are the :func:`representative_seed` (median final cost), the seed with the lowest final cost
and the one with the highest; a seed that overflowed counts as the highest."""


def shown_seeds(final_cost: np.ndarray) -> dict[str, int]:
    """The seeds of :data:`SEED_KINDS` among one scale's seeds, from their final costs."""
    final_cost = np.asarray(final_cost, dtype=float)
    if final_cost.ndim != 1 or final_cost.size == 0:
        raise ValueError(f"final_cost must be a non-empty 1-D array, got shape {final_cost.shape}")
    ranked = np.argsort(np.where(np.isfinite(final_cost), final_cost, np.inf), kind="stable")
    bad = np.flatnonzero(~np.isfinite(final_cost))
    worst = int(bad[0]) if bad.size else int(np.flatnonzero(final_cost == final_cost.max())[0])
    return {"median": representative_seed(final_cost), "best": int(ranked[0]), "worst": worst}


def widget_frames(results: Mapping[str, Mapping[str, Any]], *, step: float = 0.5) -> dict[str, Any]:
    r"""The playground widget's frames, from :func:`collect`'s results of runs that kept snapshots."""
    epochs = None
    out: dict[str, Any] = {}
    first = next(iter(results.values()))
    scales = [name for name in WIDGET_SCALES if name in first["index"]]
    for dataset, r in results.items():
        recorded = np.array(sorted(r.get("snapshots", {})))
        if recorded.size == 0:
            raise ValueError(f"the run of {dataset!r} recorded no epochs: keep the weights at frame_epochs(...) in train's callback")
        if epochs is not None and not np.array_equal(recorded, epochs):
            raise ValueError(f"the runs recorded different epochs: {dataset!r} has {recorded.tolist()}")
        if [name for name in WIDGET_SCALES if name in r["index"]] != scales:
            raise ValueError(f"the runs trained different scales: {dataset!r} lacks some of {scales}")
        epochs = recorded
        X, Y = r["X"], r["Y"]
        pick = {name: shown_seeds(r["cost"][name][-1]) for name in scales}
        order = [(name, kind) for name in scales for kind in SEED_KINDS]
        shown = [int(r["index"][name][pick[name][kind]]) for name, kind in order]
        per = {name: {"cost_all": [], "shown": {kind: {"seed": pick[name][kind], "map": [], "cost": [],
                                                      **{key: [[] for _ in SIZES[1:]] for key in ("W", "b", "dW", "db")}}
                                                for kind in SEED_KINDS}} for name in scales}
        history = np.concatenate([r["cost"][name] for name in scales], axis=1)  # (T, copies), in `scales` order
        column = np.concatenate([r["index"][name] for name in scales])
        T = history.shape[0]
        for e in epochs:
            few = network_at(r, int(e), shown)  # the shown seeds only: maps and gradients
            with np.errstate(over="ignore", invalid="ignore"):  # only diverged copies can hold inf/nan
                if e < T:  # the history's cost at step e is the cost before it, after e epochs
                    cost = np.empty(r["net_initial"].S)
                    cost[column] = history[e]
                else:      # after the last step: not in the history
                    cost = network_at(r, int(e)).cost(X, Y, "bce")
                grad = few.backward(*few.forward(X), Y, "bce")
                xs, P = decision_grid(few, step=step)
            for name in scales:
                per[name]["cost_all"].append(cost[r["index"][name]])
            for j, (name, kind) in enumerate(order):
                d = per[name]["shown"][kind]
                d["map"].append(P[j])
                d["cost"].append(cost[shown[j]])
                for l in range(1, len(SIZES)):
                    d["W"][l - 1].append(few.W[l][j])
                    d["b"][l - 1].append(few.b[l][j, :, 0])
                    d["dW"][l - 1].append(grad.dW[l][j])
                    d["db"][l - 1].append(grad.db[l][j, :, 0])
        for name in scales:
            per[name]["cost_all"] = np.array(per[name]["cost_all"])
            for kind in SEED_KINDS:
                d = per[name]["shown"][kind]
                d["map"], d["cost"] = np.array(d["map"]), np.array(d["cost"])
                for key in ("W", "b", "dW", "db"):
                    d[key] = [np.array(v) for v in d[key]]
            per[name].update(per[name]["shown"]["median"])
        out[dataset] = per
        out["xs"] = xs
    out["epochs"] = epochs
    out["scales"] = scales
    return out


def _map_stops(count: int = 11) -> list[str]:
    """The decision map's colours at y-hat = 0, 0.1, ..., 1 (``count`` stops), as the static maps
    draw them: :data:`_DATA_CMAP` over :data:`_MAP_RANGE`."""
    lo, hi = _MAP_RANGE
    cmap = colormaps[_DATA_CMAP]
    return [to_hex(cmap((p - lo) / (hi - lo))) for p in np.linspace(0.0, 1.0, count)]


def _flat(arrays: Sequence[np.ndarray]) -> np.ndarray:
    """Per frame, layers 1..L concatenated: (F, total) from a list of (F, ...) arrays."""
    return np.concatenate([a.reshape(a.shape[0], -1) for a in arrays], axis=1)


_MAX_KEY = {"W": "wmax", "b": "bmax", "dW": "gmax", "db": "gbmax"}
"""The widget's per-frame scale of each part of the parameters (the largest absolute value)."""

WIDGET_FILE = "why-playground-frames.js"
"""The file beside the page that holds every choice's frames, loaded on demand."""


def widget_html(results: Mapping[str, Mapping[str, Any]], *, step: float = 0.5,
                default: tuple[str, str] | None = None) -> tuple[str, dict[str, str]]:
    r"""The HTML of the playground widget and the file of frames it loads on demand."""
    import framedata

    f = widget_frames(results, step=step)
    names, scales = list(results), f["scales"]
    default = default or (names[0], "appropriate")
    if default[0] not in names or default[1] not in scales:
        raise ValueError(f"default {default!r} is not a choice; valid: datasets {names}, scales {scales}")
    runs: dict[str, dict[str, Any]] = {}
    maps, weights, grads = [], [], []
    for d in names:
        runs[d] = {}
        rows = ([], [], [])
        for name in scales:
            v = f[d][name]
            J = v["cost_all"]
            with np.errstate(all="ignore"):
                bands = [np.nanpercentile(J, q, axis=1) if np.isfinite(J).any() else np.full(len(J), np.nan)
                         for q in (10, 50, 90)]
            run_: dict[str, Any] = {"n": int(J.shape[1]), "q10": framedata.sig_list(bands[0]),
                                    "median": framedata.sig_list(bands[1]), "q90": framedata.sig_list(bands[2]),
                                    "seed": {}, "cost": {}, **{k: {} for k in _MAX_KEY.values()},
                                    "wmax_colour": {}, "gmax_colour": {}}
            per_kind = ([], [], [])
            for kind in SEED_KINDS:
                s = v["shown"][kind]
                run_["seed"][kind] = int(s["seed"])
                run_["cost"][kind] = framedata.sig_list(s["cost"])
                per_kind[0].append(framedata.row_delta(framedata.quantize(s["map"])))
                # weights and biases, and their gradients, each on its own scale per frame: the
                # largest |W| (weights only) of the frame, as plot_network_grid writes it; links
                # are coloured on one scale per seed: link_scale of its links at the first and last
                # frames (Figs. 1.7 and 1.8 use the same rule over all their diagrams at once)
                for part, (links, nodes) in ((1, ("W", "b")), (2, ("dW", "db"))):
                    flat = []
                    for key in (links, nodes):
                        a = _flat(s[key])
                        with np.errstate(invalid="ignore"):
                            top = framedata.sig_list(np.max(np.abs(a), axis=1))  # None where not finite
                        flat.append(_quantize_rows(a, [m or 0.0 for m in top]))
                        run_[_MAX_KEY[key]][kind] = top
                    per_kind[part].append(np.concatenate(flat, axis=1))
                    with np.errstate(invalid="ignore"):
                        colour = link_scale([s[links][l][f] for l in range(len(SIZES) - 1) for f in (0, -1)])
                    run_[_MAX_KEY[links] + "_colour"][kind] = framedata.sig(colour)
            runs[d][name] = run_
            for row, part in zip(rows, per_kind):
                row.append(part)
        maps.append(rows[0])
        weights.append(rows[1])
        grads.append(rows[2])
    arrays = {"maps": np.array(maps), "weights": np.array(weights), "grads": np.array(grads)}
    di, ci = names.index(default[0]), scales.index(default[1])
    inline = {k: a[di:di + 1, ci:ci + 1, :1] for k, a in arrays.items()}  # SEED_KINDS[0]: the median
    meta = {
        "datasets": names,
        "scales": [{"key": n, "c": WIDGET_SCALES[n], "label": LABELS.get(n, ""),
                    "seeds": int(results[names[0]]["cost"][n].shape[1])} for n in scales],
        "seed_kinds": list(SEED_KINDS),
        "default": {"dataset": default[0], "scale": default[1], "seed": SEED_KINDS[0]},
        "epochs": [int(e) for e in f["epochs"]], "epoch_axis": EPOCH_AXIS,
        "sizes": list(SIZES), "activations": list(ACTIVATIONS), "lr": LR,
        "lim": float(f["xs"][-1]), "k": int(f["xs"].size),
        "points": {d: {"x": framedata.sig_list(results[d]["X"]),
                       "y": [int(v) for v in results[d]["Y"][0]]} for d in names},
        "runs": runs,
        # the static figures' colours (CLASS_COLORS, _DATA_CMAP over _MAP_RANGE), in both colour modes
        "classes": [{"name": n, "hex": h} for n, h in (CLASS_COLORS[0], CLASS_COLORS[1])],
        "map_colors": _map_stops(),
        # the network diagrams' colour map and colours (diagram.py), as plot_network_grid draws them
        "diagram": palette(),
        "scale_quantile": SCALE_QUANTILE,  # the links' colour bar: this quantile of a seed's |links| (link_scale)
    }
    html = framedata.widget_html(
        "playground", meta, inline, extra=WIDGET_FILE,
        fallback="The interactive version of these figures needs JavaScript: it plays the training "
                 "epoch by epoch for every dataset, scale and shown seed.")
    return html, {WIDGET_FILE: framedata.side_file(WIDGET_FILE, "playground", {"part": "all"}, arrays)}

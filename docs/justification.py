"""The figures of the page "justification" (section 4); the experiments are the page's own cells."""

from __future__ import annotations

import math

import matplotlib as mpl
import matplotlib.ticker as mticker
import numpy as np
from matplotlib.lines import Line2D

from plotting import COLORS, band, styled, subplots

# One colour and one marker per fan rule (fan_in is the article's Xavier); the markers keep the
# three curves apart without hue (circle and diamond are plotting.MARKERS' for these colours).
MODE_COLORS: dict[str, str] = {"fan_in": COLORS["appropriate"], "fan_out": COLORS["he"],
                               "fan_avg": "#E69F00"}  # Okabe-Ito orange
MODE_MARKERS: dict[str, str] = {"fan_in": "o", "fan_out": "D", "fan_avg": "^"}
# plain names: a formula's scripts would be raised to the text floor and its body drawn oversized;
# the caption gives each rule's Var(W)
MODE_NAMES: dict[str, str] = {"fan_in": "fan_in", "fan_out": "fan_out", "fan_avg": "fan_avg"}


class _PlainLogFormatter(mticker.LogFormatter):
    """Log-axis tick labels as plain numbers (0.25, 4, 32), not powers of 10."""

    def _num_to_string(self, x, vmin, vmax):
        return f"{x:.3g}"


def _measured(ax, x, Y, color, label=None, marker="o"):
    """Median over seeds as markers with the 10-90 % band; ``Y`` is ``(T, S)``."""
    line = band(ax, x, Y, color=color, label=label)
    line.set_linestyle("none")
    line.set_marker(marker)
    line.set_markersize(4)
    return line


@styled
def plot_var_product(rho, sampled, se, mx, vx, my, vy):
    """Sampled Var(XY) against the correlation of X and Y, the formula and the exact variance."""
    fig, ax = subplots(figsize=(5.0, 4.8))  # the legend below the axes stays legible on a phone
    formula = mx**2 * vy + vx * my**2 + vx * vy
    fine = np.linspace(rho.min(), rho.max(), 201)
    exact = formula + 2 * fine * mx * my * math.sqrt(vx * vy) + fine**2 * vx * vy
    ax.axhline(formula, color=COLORS["appropriate"], ls="--", lw=1.6,
               label="formula for independent $X$ and $Y$")
    ax.plot(fine, exact, color="0.35", lw=1.0, label="exact variance for correlation $\\rho$")
    ax.errorbar(rho, sampled, yerr=2 * se, fmt="o", ms=4, color=COLORS["large"],
                label="sampled (± 2 standard errors)")
    ax.axvline(0.0, color="0.6", lw=0.8, zorder=0)
    ax.set_xlabel(r"correlation $\rho$ of $X$ and $Y$")
    ax.locator_params(axis="x", nbins=5)
    ax.set_ylabel(r"$\mathrm{Var}(XY)$")
    ax.set_title(rf"$X\sim\mathcal{{N}}({mx:g}, {vx:g})$, $Y\sim\mathcal{{N}}({my:g}, {vy:g})$")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.2), borderaxespad=0.0)
    return fig


@styled
def plot_layer_variance_grid(n, predicted, measured):
    """Measured against predicted Var(z) on log axes (top), their ratio against the fan-in (bottom)."""
    fig, (ax, bx) = subplots(2, 1, figsize=(5.0, 7.4))  # one panel per row: readable on a phone
    ns = np.unique(n).astype(int)
    norm = mpl.colors.LogNorm(ns.min(), max(ns.max(), ns.min() * 2))
    cmap = mpl.colormaps["viridis"]
    lo = min(predicted.min(), measured.min()) / 2
    hi = max(predicted.max(), measured.max()) * 2
    ax.plot([lo, hi], [lo, hi], color="0.4", lw=1, ls="--", label="measured = predicted")
    sc = ax.scatter(predicted, measured, c=n, cmap=cmap, norm=norm, s=18, zorder=3)
    ax.set(xscale="log", yscale="log", xlim=(lo, hi), ylim=(lo, hi),
           xlabel=r"predicted $n\,\mathrm{Var}(W)\,\mathrm{Var}(a)$",
           ylabel=r"measured $\mathrm{Var}(z)$")
    ax.set_aspect("equal")
    ax.legend(loc="upper left")
    bx.axhline(1.0, color="0.4", lw=1, ls="--")
    bx.scatter(n, measured / predicted, c=n, cmap=cmap, norm=norm, s=18, zorder=3)
    bx.set(xscale="log", xlabel=r"fan-in $n$", ylabel="measured / predicted")
    # every other fan-in labelled: all seven ran together at the text size a phone needs
    bx.set_xticks(ns, [str(k) if j % 2 == 0 else "" for j, k in enumerate(ns)])
    bx.minorticks_off()
    cbar = fig.colorbar(sc, ax=bx, label=r"fan-in $n$")
    cbar.set_ticks(ns, labels=[str(k) for k in ns])
    cbar.minorticks_off()
    return fig


@styled
def plot_variance_through_layers(gains, linear, tanh, predicted, mean_field):
    """Var(a[l]) per layer, linear units (top) and tanh (bottom) on one shared log scale.

    ``linear`` and ``tanh`` are ``(gain, layer, seed)``; ``predicted`` (dashed) and ``mean_field``
    (dotted, tanh only) are ``(gain, layer)``.
    """
    fig, axes = subplots(2, 1, figsize=(5.0, 7.5), sharex=True, sharey=True)  # one panel per row
    layers = np.arange(predicted.shape[1])
    for ax, run, name in zip(axes, (linear, tanh), ("linear, $a = z$", r"tanh, $a = \tanh(z)$")):
        for i, g in enumerate(gains):
            color = COLORS["small"] if g < 1 else COLORS["appropriate"] if g == 1 else COLORS["large"]
            ax.plot(layers, predicted[i], color=color, ls="--", lw=1.3)
            if run is tanh:
                ax.plot(layers, mean_field[i], color=color, ls=":", lw=1.6)
            _measured(ax, layers, run[i], color, label=rf"$n\,\mathrm{{Var}}(W) = {g:g}$")
        ax.set(yscale="log", title=name, ylabel=r"$\mathrm{Var}(a^{[l]})$")
        ax.set_xticks(layers)
    axes[-1].set_xlabel("layer $l$")
    handles, labels = axes[0].get_legend_handles_labels()
    handles += [Line2D([], [], color="0.3", ls="--"), Line2D([], [], color="0.3", ls=":")]
    labels += ["linear-regime prediction", "length map"]
    fig.legend(handles, labels, loc="outside lower center", ncol=2, columnspacing=1.2,
               handlelength=1.6)
    return fig


@styled
def plot_backward_variances(sizes, forward, backward, forward_pred, backward_pred):
    """Forward Var(a[l])/Var(x) (top) and backward Var(dA[l])/Var(dZ[L]) (bottom) per fan rule,
    on one shared log scale: predictions dashed, measurements as markers with their seed band.

    ``forward`` and ``backward`` map each rule to ``(layer, seed)`` arrays, the predictions to
    ``(layer,)`` arrays.
    """
    fig, (fx, bx) = subplots(2, 1, figsize=(5.0, 7.8), sharey=True)  # one panel per row
    x = np.arange(len(sizes))
    for mode in forward:
        c, m = MODE_COLORS[mode], MODE_MARKERS[mode]
        fx.plot(x, forward_pred[mode], color=c, ls="--", lw=1.3)
        _measured(fx, x, forward[mode], c, label=MODE_NAMES[mode], marker=m)
        bx.plot(x, backward_pred[mode], color=c, ls="--", lw=1.3)
        _measured(bx, x, backward[mode], c, marker=m)
    for ax in (fx, bx):
        ax.set(yscale="log", xlabel="layer (width)", ylabel="variance ratio")
        ax.set_xticks(x, [f"{l}\n({n})" for l, n in zip(x, sizes)])
        ax.axhline(1.0, color="0.6", lw=0.8, zorder=0)
        ax.yaxis.set_major_formatter(_PlainLogFormatter())
        ax.yaxis.set_minor_formatter(_PlainLogFormatter(labelOnlyBase=False, minor_thresholds=(1, 0.4)))
    fx.set_title("forward: activations / input")
    bx.set_title("backward: gradients / output gradient")
    handles, labels = fx.get_legend_handles_labels()
    fig.legend(handles + [Line2D([], [], color="0.3", ls="--")], labels + ["prediction"],
               loc="outside lower center", ncol=1)
    return fig

"""The page on width and depth (docs/scaling.md): the edge of chaos, depth-scale fits and the figures.

The page runs the experiments (training sweeps, deep random tanh networks) with the library and
the mean-field theory of Poole et al. (2016) and Schoenholz et al. (2017) with ``xavier.meanfield``;
this module finds the edge of chaos, fits depth scales, and draws.
"""

from __future__ import annotations

import numpy as np
from matplotlib.colors import TwoSlopeNorm

from plotting import OKABE_ITO, styled, subplots
from xavier.meanfield import chi_1


def critical_sigma_w2(sigma_b: float, lo: float = 1.0, hi: float = 4.0) -> float:
    """The sigma_w^2 at which chi_1 = 1 for this sigma_b, by bisection (chi_1 grows with sigma_w)."""
    for _ in range(50):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if chi_1(np.sqrt(mid), sigma_b) < 1 else (lo, mid)
    return (lo + hi) / 2


def depth_slopes(c: np.ndarray, floor: float = 1e-10, ceiling: float = 0.05) -> np.ndarray:
    """Least-squares slope of log(1 - c) against the layer, per network, over the layers where
    floor < 1 - c < ceiling; c of shape (layers, networks). -1/slope is the measured depth scale."""
    layers = np.arange(c.shape[0], dtype=float)
    slopes = []
    for col in c.T:
        gap = 1 - col
        keep = (gap > floor) & (gap < ceiling)
        slopes.append(np.polyfit(layers[keep], np.log(gap[keep]), 1)[0])
    return np.array(slopes)


def _width_colors(k: int) -> list[str]:
    # Okabe-Ito without yellow (too light on white), one per width, in the palette's order.
    return [c for c in OKABE_ITO if c != "#F0E442"][:k]


_WIDTH_MARKERS = ["o", "s", "^", "v", "D", "P", "X"]


@styled
def plot_lr_sweep(final, widths, etas, steps, J_mean):
    """Cost after ``steps`` steps against the base learning rate, final of shape
    (parametrization, width, rate, seed), inf for a diverged run: one panel per parametrization
    (SP, muP), one line per width, median over seeds with a min-max band, and a dotted line at
    ``J_mean``, the cost of always predicting the mean target. The axis reaches above every finite
    cost; a diverged run is drawn as a cross on a line labelled "diverged" above them all (a
    median that diverged too), so that no finite cost is drawn like a divergence. The rates are
    marked as powers of 2, the grid's."""
    # 7.6 in tall printed under half the text width at the 14 cm cap (test_print_figures).
    fig, axes = subplots(2, 1, figsize=(5.2, 7.2), sharex=True)
    finite = final[np.isfinite(final)]
    bottom, highest = 0.8 * float(finite.min()), float(finite.max())
    ceiling = highest * 2.0                                 # the "diverged" line
    colors = _width_colors(len(widths))
    for ax, F, title in zip(axes, final, ["standard parametrization (SP)", "maximal update (μP)"]):
        gone = ~np.isfinite(F)
        F = np.where(gone, ceiling, F)
        for i, n in enumerate(widths):
            med = np.median(F[i], axis=1)
            ax.plot(etas, med, color=colors[i], marker=_WIDTH_MARKERS[i], ms=5, lw=1.5,
                    label=f"width {n}" if ax is axes[0] else None)
            ax.fill_between(etas, F[i].min(axis=1), F[i].max(axis=1), color=colors[i], alpha=0.15, lw=0)
            rows = np.flatnonzero(gone[i].any(axis=1))
            if rows.size:
                ax.scatter(etas[rows], np.full(rows.size, ceiling), marker="X", s=70, color=colors[i],
                           edgecolors="black", linewidths=0.6, zorder=4, clip_on=False)
            best = np.argmin(med)
            ax.plot(etas[best], med[best], marker="*", ms=13, color=colors[i], mec="black", mew=0.6)
        ax.axhline(J_mean, color="0.3", ls=":", lw=1.2,
                   label="predicting the mean" if ax is axes[0] else None)
        ax.axhline(ceiling, color="0.5", lw=0.8)
        ax.text(etas[0], ceiling * 1.08, "diverged", color="0.25", va="bottom")
        ax.set(xscale="log", yscale="log", ylim=(bottom, ceiling * 1.6), title=title,
               ylabel=f"cost after {steps} steps")
    axes[1].set_xticks(etas, [f"$2^{{{int(round(np.log2(e)))}}}$" for e in etas])   # the grid, as 2^-k
    axes[1].minorticks_off()
    axes[0].minorticks_off()
    axes[1].set_xlabel(r"base learning rate $\eta$")
    fig.legend(loc="outside lower center", ncol=2)  # three columns stuck out of the figure
    return fig


@styled
def plot_best_lr(best, widths, etas):
    """Best base learning rate against width, best of shape (parametrization, width, seed): the
    median over seeds as a line, every seed's best as a small dot, the factor-of-2 grid as ticks."""
    fig, ax = subplots(figsize=(5.2, 4.0))
    jitter = np.linspace(-0.06, 0.06, best.shape[2])
    for p, (label, color, marker) in enumerate([("SP", OKABE_ITO[5], "^"), ("μP", OKABE_ITO[4], "o")]):
        ax.plot(widths, np.median(etas[best[p]], axis=1), color=color, marker=marker, ms=7, lw=1.8,
                label=f"{label}: median over seeds")
        for s in range(best.shape[2]):
            ax.plot(widths * 2 ** jitter[s], etas[best[p, :, s]], ls="none", marker=marker, ms=4,
                    color=color, alpha=0.5, label=f"{label}: each seed" if s == 0 else None)
    ax.plot(widths, etas[np.median(best[0, :1], axis=1).astype(int)] * widths[0] / widths, ":",
            color="0.3", lw=1.2, label=r"$\propto 1/n$")
    ax.set(xscale="log", yscale="log", xlabel="width $n$", ylabel=r"best base learning rate $\eta$")
    ax.set_xticks(widths, [str(n) for n in widths])
    ax.set_yticks(etas, [f"$2^{{{int(round(np.log2(e)))}}}$" for e in etas])   # the grid, as 2^-k
    ax.minorticks_off()
    # Below the axes: in the lower left the legend lay on the dotted 1/n line.
    fig.legend(*ax.get_legend_handles_labels(), loc="outside lower center", ncol=2)
    return fig


@styled
def plot_phase(sw2, sb2, chi, gain_points, measured, sw2_measured, sb2_line, theory_sw2, theory_xi):
    """Top: log chi_1 over (sigma_w^2, sigma_b^2) with the chi_1 = 1 line and named points.
    Bottom: the depth scale against sigma_w^2 on the line sigma_b^2 = sb2_line, theory and the
    measured values (median, min-max over seeds)."""
    # 8.0 in tall with the two-slope colour bar's narrower labels printed under half the text
    # width at the 14 cm cap (test_print_figures).
    fig, (ax1, ax2) = subplots(2, 1, figsize=(5.2, 7.6))
    # Each phase gets its half of the colour map: the ordered side reaches further from 0 than the
    # chaotic side, and one symmetric range left the chaotic side a barely tinted grey.
    log_chi = np.log(chi)
    norm = TwoSlopeNorm(vcenter=0.0, vmin=float(log_chi.min()), vmax=float(log_chi.max()))
    mesh = ax1.pcolormesh(sw2, sb2, log_chi, cmap="cividis", shading="auto", norm=norm)
    bar = fig.colorbar(mesh, ax=ax1, label=r"$\log \chi_1$")
    # Ticks spread over both halves (the default crowded the ordered half, which is stretched less).
    bar.set_ticks(np.unique(np.round(np.concatenate([np.linspace(norm.vmin, 0, 4),
                                                      np.linspace(0, norm.vmax, 3)]), 1)))
    ax1.contour(sw2, sb2, chi, levels=[1.0], colors="black", linewidths=2.2)
    ax1.plot([], [], color="black", lw=2.2, label=r"$\chi_1 = 1$")
    ax1.text(1.15, sb2.max() * 0.85, "ordered", color="white", fontsize=11)
    ax1.text(3.0, sb2.max() * 0.4, "chaotic", color="black", fontsize=11)
    for (x, y, label), m in zip(gain_points, ["o", "^"]):
        ax1.plot(x, y, marker=m, ms=9, color=OKABE_ITO[0], mec="black", ls="none", label=label,
                 clip_on=False, zorder=5)
    ax1.axhline(sb2_line, color=OKABE_ITO[0], ls="--", lw=1.2, label=rf"$\sigma_b^2 = {sb2_line:g}$ (below)")
    # titles on two lines, as PageFigure would wrap them after a first rendering
    ax1.set(xlabel=r"$\sigma_w^2$", ylabel=r"$\sigma_b^2$", title="tanh networks:\norder and chaos")
    ax1.legend(loc="upper center", bbox_to_anchor=(0.5, -0.22), ncol=1)  # two squeezed the map
    ax2.plot(theory_sw2, theory_xi, color=OKABE_ITO[4], lw=1.8, label=r"theory, $-1/\log \chi_1$")
    xi = -1 / measured
    med = np.median(xi, axis=1)
    ax2.errorbar(sw2_measured, med, yerr=[med - xi.min(axis=1), xi.max(axis=1) - med], fmt="o",
                 color=OKABE_ITO[5], ms=6, capsize=4, label="measured\n(median, min–max)")
    ax2.set(xlabel=r"$\sigma_w^2$", ylabel=r"depth scale $\xi_c$ (layers)",
            title=f"ordered side,\n$\\sigma_b^2 = {sb2_line:g}$", yscale="log")
    ax2.legend(loc="upper left")
    return fig

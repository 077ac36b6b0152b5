"""The figures of section 2 (docs/signals.md): drawing only; the page runs the experiments."""

from __future__ import annotations

import warnings

import matplotlib.ticker
import numpy as np

from plotting import COLORS, DecadeFormatter, band, marker_for, styled, subplots


def rms(A) -> np.ndarray:
    """Root mean square over the last two axes (units and examples): the size a figure draws."""
    A = np.asarray(A, dtype=float)
    return np.sqrt(np.mean(A * A, axis=(-2, -1)))


def scale_color(s: float) -> str:
    """The site's colour of a start: "large" above 1, "appropriate" at 1, "small" below."""
    return COLORS["large"] if s > 1 else COLORS["appropriate"] if s == 1 else COLORS["small"]


def _label(s: float) -> str:
    return "$W = I$" if s == 1 else f"$W = {s:g}\\,I$"


@styled
def plot_signal_sizes(A, dA, scales):
    """Size of a[l] (top) and dA[l] (bottom) for layers 0..L-1 of stacked chains W = sI, one copy
    per scale, as markers beside the dashed predictions s^l ||x|| and s^(L-1-l) ||dA[L-1]||."""
    L = len(A) - 1
    hidden = np.arange(L)  # the input and the hidden layers; the output has its own row W[L]
    a = np.array([np.broadcast_to(rms(A[l]), len(scales)) for l in range(L)]).T
    d = np.array([rms(dA[l]) for l in range(L)]).T
    fig, (ax1, ax2) = subplots(2, 1, figsize=(5.2, 7.6), sharex=True)  # one panel per row: a phone
    for k, s in enumerate(scales):
        c = scale_color(s)
        ax1.plot(hidden, s**hidden * a[k, 0], "--", color=c, lw=1, alpha=0.8)
        ax1.plot(hidden, a[k], marker_for(c), color=c, ms=5, ls="none", label=f"measured, {_label(s)}")
        ax2.plot(hidden, s ** (L - 1 - hidden) * d[k, L - 1], "--", color=c, lw=1, alpha=0.8)
        ax2.plot(hidden, d[k], marker_for(c), color=c, ms=5, ls="none")
    ax1.plot([], [], "--", color="0.4", lw=1, label="prediction (dashed)")
    ax1.set(yscale="log", ylabel="size (rms over the batch)",
            title="forward: activations")
    ax2.set(yscale="log", xlabel="layer $l$", ylabel="size (rms over the batch)",
            title="backward: gradients")
    ax1.set_xticks(hidden)
    for ax in (ax1, ax2):  # one tick form in both panels ("1e-2"), whatever each one's range
        ax.yaxis.set_major_formatter(DecadeFormatter(matplotlib.ticker.LogFormatterSciNotation(), plain=False))
    fig.legend(loc="outside lower center", ncol=2)
    return fig


def _bottom(values) -> float:
    finite = values[np.isfinite(values) & (values > 0)]
    return max(float(finite.min()) / 3, 1e-300) if finite.size else 1e-12


@styled
def plot_chain_training(cost, diverged_at, scales, *, top: float = 1e6):
    """Cost against step for every start, cost of shape (T, scale, seed): median and 10-90 % band;
    a cross on the upper edge marks each step at which runs diverged. Log axes (step: symlog)."""
    T = cost.shape[0]
    t = np.arange(T)
    fig, ax = subplots(figsize=(4.8, 5.0))
    for k, s in enumerate(scales):
        c = scale_color(s)
        with np.errstate(invalid="ignore"):
            band(ax, t, cost[:, k], color=c, label=f"start {_label(s)}")
        d = diverged_at[k][diverged_at[k] >= 0]
        if d.size:
            steps, counts = np.unique(d, return_counts=True)
            ax.scatter(steps, np.full(steps.size, top), marker="x", color=c, s=25 + 10 * counts, clip_on=False,
                       zorder=4, label=f"diverged at this step ({d.size} of {diverged_at.shape[1]} runs)")
    ax.set(xscale="symlog", yscale="log", xlabel="gradient-descent step",
           ylabel="cost $J$ (mean squared error / 2)", ylim=(_bottom(cost), top), xlim=(0, T))
    fig.legend(loc="outside lower center", ncol=1)
    return fig


@styled
def plot_lr_sweep(final, lrs, scales, steps, J_zero, *, top: float = 1e3):
    """Cost after ``steps`` steps against the learning rate, final of shape (scale, rate, seed) with
    inf for a run that diverged (drawn at the top): median and 10-90 % band, a cross where the
    median run diverged, a dotted line at the cost of predicting 0."""
    fig, ax = subplots(figsize=(4.8, 5.0))
    for k, s in enumerate(scales):
        c = scale_color(s)
        F = np.minimum(np.where(np.isfinite(final[k]), final[k], top), top)
        band(ax, lrs, F, color=c, label=f"start {_label(s)}").set_markersize(4)
        gone = np.median(F, axis=1) >= top
        if gone.any():
            ax.scatter(lrs[gone], np.full(gone.sum(), top), marker="x", color=c, s=40, clip_on=False,
                       zorder=4, label=f"start {_label(s)}: median run diverged")
    ax.axhline(J_zero, color="0.3", ls=":", lw=1, label="cost of predicting 0")
    ax.set(xscale="log", yscale="log", ylim=(_bottom(final), top), xlabel=r"learning rate $\alpha$",
           ylabel=f"cost after {steps} steps")
    fig.legend(loc="outside lower center", ncol=1)
    return fig


@styled
def plot_chain_runs(cost, diverged_at, scale, *, top: float = 1e6):
    """Every run of one start, cost of shape (T, seed), one thin line each (styles cycle), beside
    the median of the runs still alive; a cross at the last finite cost of a run that diverged."""
    T, n = cost.shape
    t = np.arange(T)
    c = scale_color(scale)
    styles = ["-", "--", ":", "-."]
    fig, ax = subplots(figsize=(4.8, 5.0))
    for j in range(n):
        ax.plot(t, cost[:, j], color=c, lw=0.9, alpha=0.75, ls=styles[j % len(styles)])
        last = np.flatnonzero(np.isfinite(cost[:, j]))
        if diverged_at[j] >= 0 and last.size:
            ax.plot(last[-1], min(cost[last[-1], j], top), "x", color=c, ms=7, mew=2, clip_on=False)
    with np.errstate(invalid="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN steps once every run diverged
        median = np.nanmedian(cost, axis=1)
    ax.plot(t, median, color="black", lw=2.2, label="median of the runs still alive")
    ax.plot([], [], color=c, lw=0.9, label=f"one run each, start {_label(scale)} (line styles cycle)")
    ax.plot([], [], "x", color=c, ms=7, mew=2, label="run diverged after this step")
    ax.set(xscale="symlog", yscale="log", xlabel="gradient-descent step",
           ylabel="cost $J$ (mean squared error / 2)", ylim=(_bottom(cost), top), xlim=(0, T))
    fig.legend(loc="outside lower center", ncol=1)
    return fig

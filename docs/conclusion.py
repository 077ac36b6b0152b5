"""The conclusion page's figure; the experiments are the page's own cells."""

from __future__ import annotations

import numpy as np

from plotting import COLORS, band, styled, subplots

# The page's two starts, in the order of its stacked seeds: the article's Xavier, N(0, 1/n), then He's, N(0, 2/n).
STARTS = [(r"Xavier, $\mathcal{N}(0, 1/n)$", COLORS["appropriate"], 1.0),
          (r"He, $\mathcal{N}(0, 2/n)$", COLORS["he"], 2.0)]


def _draw_second_moments(ax, q):
    per = np.asarray(q).reshape(len(STARTS), -1, np.shape(q)[-1])
    layers = np.arange(per.shape[-1])
    for k, (label, color, c) in enumerate(STARTS):
        band(ax, layers, (per[k] / per[k][:, :1]).T, color=color, label=label)
        # the prediction (c/2)^l is in the caption: a formula's scripts would enlarge it here
        ax.plot(layers, (c / 2.0) ** layers, "--", color=color, lw=1.2)
    ax.plot([], [], "--", color="0.4", lw=1.2, label="prediction (dashed)")
    ax.set_yscale("log")
    ax.set(xlabel="layer", ylabel="mean square of the activations\n(relative to the input's)",
           title="activations at initialization")
    ax.legend(loc="lower left")  # three entries: below Xavier's falling line, clear of it


def _draw_training(ax, cost, lr):
    t = np.arange(cost.shape[0])
    for k, (label, color, _) in enumerate(STARTS):
        band(ax, t, cost[:, k], color=color, label=label)
    ax.axhline(np.log(2), color="0.3", ls=":", lw=1, label=r"$\log 2$ (always predicting 1/2)")
    # head room above log 2 (Xavier's curve lies on it), where the legend sits clear of the curves
    top = max(1.8 * np.log(2), 1.05 * np.nanmax(np.nanpercentile(cost, 90, axis=-1)))
    ax.set(xlabel="gradient-descent step", ylabel="cost $J$ (binary cross-entropy)", ylim=(0, top),
           title=f"training, learning rate {lr:g}")
    ax.legend(loc="upper right")


@styled
def plot_relu_depth(q: np.ndarray, cost: np.ndarray, lr: float):
    """Top: q[l] / q[0] per layer, shape (2 * seeds, L), Xavier's seeds first, on a log axis with
    the prediction (c/2)^l dashed. Bottom: the cost, shape (steps, 2, seeds). Median and 10-90 % band."""
    fig, (ax1, ax2) = subplots(2, 1, figsize=(5.2, 7.6))  # one panel per row: readable on a phone
    _draw_second_moments(ax1, q)
    _draw_training(ax2, cost, lr)
    return fig

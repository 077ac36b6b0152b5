"""The figures of section 6 (docs/beyond.md): drawing only; the page runs the experiments."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from matplotlib.ticker import MaxNLocator

from plotting import band, styled, subplots

#: The Okabe--Ito palette, safe for the common colour-vision deficiencies.
OKABE_ITO: dict[str, str] = {
    "orange": "#E69F00", "sky": "#56B4E9", "green": "#009E73", "yellow": "#F0E442",
    "blue": "#0072B2", "vermillion": "#D55E00", "purple": "#CC79A7", "black": "#000000",
}

#: Colour, marker and line style of each framework's default.
FRAMEWORK_STYLE: dict[str, tuple[str, str, str]] = {
    "PyTorch": (OKABE_ITO["vermillion"], "o", "-"),
    "Keras": (OKABE_ITO["blue"], "s", "--"),
    "Flax": (OKABE_ITO["green"], "^", ":"),
}


def _quantiles(Y: np.ndarray, axis: int = -1):
    return np.nanquantile(Y, [0.1, 0.5, 0.9], axis=axis)


@styled
def plot_frameworks(run: dict[str, Any]):
    r"""Top: standard deviation of each hidden layer at initialization; bottom: the first steps.

    Median over seeds with a 10--90 % band (bars on top), one colour, marker and line style
    per framework.
    """
    fig, (ax_s, ax_c) = subplots(2, 1, figsize=(4.8, 6.2))  # one panel per row: readable on a phone
    L = run["std"].shape[-1]
    layers = np.arange(1, L + 1)
    for k, name in enumerate(run["names"]):
        color, marker, ls = FRAMEWORK_STYLE[name]
        lo, med, hi = _quantiles(run["std"][k], axis=0)
        ax_s.errorbar(layers + 0.08 * (k - 1), med, yerr=[med - lo, hi - med], color=color,
                      marker=marker, ls=ls, capsize=3, label=name)
        line = band(ax_c, np.arange(run["cost"].shape[0]), run["cost"][:, k, :], label=name,
                    color=color)
        line.set_linestyle(ls)
        line.set_marker(marker)
        line.set_markevery(5)
    ax_s.set_xticks(layers)
    ax_s.set_xlabel("hidden layer $l$")
    ax_s.set_ylabel("std of $a^{[l]}$ at init")
    ax_s.set_ylim(bottom=0)
    ax_c.set_xlabel("step (batch of 100 digits)")
    ax_c.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax_c.set_ylabel("batch cost")
    ax_c.axhline(math.log(10), color="0.5", lw=0.8, ls=":")
    ax_c.text(0.98, math.log(10), "log 10 (guessing)", ha="right", va="bottom", fontsize=9,
              color="0.3", transform=ax_c.get_yaxis_transform())
    ax_s.legend(loc="lower left")
    return fig


_WEIGHT_STYLE = {"gaussian": (OKABE_ITO["orange"], "-", "Gaussian"),
                 "orthogonal": (OKABE_ITO["blue"], "--", "orthogonal")}
_ACT_LABEL = {"identity": "linear", "tanh": "tanh (inputs near 0)", "relu": r"ReLU (gain $\sqrt{2}$)"}


@styled
def plot_jacobian_spectra(spectra: dict[tuple[str, str, int], np.ndarray]):
    r"""One panel per activation and depth: the distribution of :math:`\log_{10} s^2`, both weights.

    The empirical cumulative distribution of all seeds' non-zero squared singular values (an
    isometry is a vertical step at 0). Values below :math:`10^{-12}` times the mean count as the
    zeros of ReLU Jacobians (about half); they are counted in the text, not drawn.
    """
    depths = sorted({k[2] for k in spectra})
    acts = [a for a in ("identity", "tanh", "relu") if any(k[0] == a for k in spectra)]
    fig, axes = subplots(len(acts), len(depths), figsize=(2.6 * len(depths) + 0.3, 2.2 * len(acts)),
                         sharex=True, sharey=True, squeeze=False)
    for i, act in enumerate(acts):
        for j, L in enumerate(depths):
            ax = axes[i, j]
            for w in ("gaussian", "orthogonal"):
                s2 = spectra[act, w, L].ravel()
                s2 = np.sort(np.log10(s2[s2 > 1e-12 * s2.mean()]))
                color, ls, label = _WEIGHT_STYLE[w]
                ax.step(np.r_[-9, s2, 4], np.r_[0, np.arange(1, len(s2) + 1) / len(s2), 1],
                        where="post", color=color, ls=ls, lw=1.8, label=label)
            # the longer titles on two lines, as PageFigure would wrap them after a first rendering
            ax.set_title(f"{_ACT_LABEL[act]},{' ' if act == 'identity' else chr(10)}$L = {L}$")
            ax.set_xlim(-8, 3)
            ax.set_ylim(0, 1.02)
            if i == len(acts) - 1:
                ax.set_xlabel(r"$\log_{10} s^2$")
            if j == 0:
                ax.set_ylabel("fraction below")
    # Above the panels: inside the first one the legend crossed the orthogonal step at 375 px.
    fig.legend(*axes[0, 0].get_legend_handles_labels(), loc="outside upper center", ncol=2)
    return fig


@styled
def plot_deep_linear(result: dict[str, Any]):
    r"""Steps to the target cost against depth, median and 10--90 % band over seeds.
    """
    fig, ax = subplots(figsize=(4.8, 3.2))
    d = result["depths"]
    for w in ("gaussian", "orthogonal"):
        color, ls, label = _WEIGHT_STYLE[w]
        steps = np.where(np.isfinite(result["steps"][w]), result["steps"][w], result["max_steps"])
        lo, med, hi = _quantiles(steps, axis=1)
        ax.plot(d, med, color=color, ls=ls, marker="o" if w == "gaussian" else "s", label=label)
        ax.fill_between(d, lo, hi, color=color, alpha=0.2, lw=0)
    ax.axhline(result["max_steps"], color="0.5", lw=0.8, ls=":")
    ax.set_xscale("log", base=2)
    ax.set_xticks(d, [str(v) for v in d])
    ax.set_xlabel("depth $L$ (linear layers)")
    ax.set_ylabel("steps to the target cost")
    ax.set_ylim(bottom=0)
    ax.legend(loc="upper left")
    return fig


_RESIDUAL_STYLE = {
    "plain": (OKABE_ITO["black"], "-", "o"),
    "residual": (OKABE_ITO["vermillion"], "-", "s"),
    "residual, branch / sqrt(B)": (OKABE_ITO["blue"], "--", "^"),
    "residual, last layer 0": (OKABE_ITO["green"], ":", "D"),
}


@styled
def plot_residual(result: dict[str, Any]):
    r"""Mean square of :math:`x^{[b]}` against the block ``b``, log scale; measured bands, predicted thin.
    """
    fig, ax = subplots(figsize=(4.8, 4.8))
    b = result["blocks"]
    for name, meas in result["measured"].items():
        color, ls, marker = _RESIDUAL_STYLE[name]
        line = band(ax, b, meas, color=color, label=name.replace("sqrt(B)", r"$\sqrt{B}$"))
        line.set_linestyle(ls)
        line.set_marker(marker)
        line.set_markevery(max(len(b) // 8, 1))
        ax.plot(b, result["predicted"][name], color=color, lw=0.8, alpha=0.8)
    ax.set_yscale("log")
    ax.set_xlabel("block $b$")
    ax.set_ylabel("mean square / the input's")  # the formula is in the caption
    # below the axes, the layout making room: inside, it covered the unscaled line as it rose
    fig.legend(*ax.get_legend_handles_labels(), loc="outside lower center", fontsize=9)
    return fig


@styled
def plot_residual_training(result: dict[str, Any]):
    r"""Cost per step relative to the zero map's, log scale; median and 10--90 % band over seeds.
    """
    fig, ax = subplots(figsize=(4.8, 3.4))
    for name, C in result["cost"].items():
        color, ls, marker = _RESIDUAL_STYLE[name]
        label = name.replace("sqrt(B)", r"$\sqrt{B}$")
        if result["diverged"][name]:
            label += f" ({result['diverged'][name]} diverged)"
        line = band(ax, np.arange(C.shape[0]), C, color=color, label=label)
        if line is None:  # every seed diverged at the first step
            ax.plot([], [], color=color, ls=ls, marker=marker, label=label)
            continue
        line.set_linestyle(ls)
        line.set_marker(marker)
        line.set_markevery(max(C.shape[0] // 8, 1))
    ax.set_yscale("log")
    ax.set_ylim(1e-2, 1e7)  # a diverging seed's last finite costs are far above: cut off
    ax.set_xlabel("step")
    ax.set_ylabel("cost / cost of the zero map")
    ax.legend(loc="upper right", fontsize=9)
    return fig


_LSUV_STYLE = {"Xavier": (OKABE_ITO["orange"], "-", "o"), "He": (OKABE_ITO["purple"], "-.", "v"),
               "orthonormal": (OKABE_ITO["sky"], ":", "s"), "LSUV": (OKABE_ITO["blue"], "--", "D")}


@styled
def plot_lsuv(*results: tuple[str, dict[str, Any]]):
    r"""One panel per network: :math:`\mathrm{Var}(z^{[l]})` per layer, median and 10--90 % band.
    """
    fig, axes = subplots(len(results), 1, figsize=(4.8, 3.0 * len(results) + 0.4), squeeze=False)
    for ax, (title, r) in zip(axes[:, 0], results):
        for name, V in r["variance"].items():
            color, ls, marker = _LSUV_STYLE[name]
            layers = np.arange(1, V.shape[1] + 1)
            line = band(ax, layers, V.T, color=color, label=name)
            line.set_linestyle(ls)
            line.set_marker(marker)
            line.set_markevery(max(len(layers) // 10, 1))
        ax.axhline(1.0, color="0.5", lw=0.8)
        ax.set_yscale("log")
        ax.set_xlabel("layer $l$")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_ylabel(r"$\mathrm{Var}(z^{[l]})$")
        ax.set_title(title)
    fig.legend(*axes[0, 0].get_legend_handles_labels(), loc="outside lower center", ncols=2)
    return fig


@styled
def plot_tanh_gain(result: dict[str, Any], qstar: float, chi: float):
    r"""Top: :math:`\mathrm{Var}(z^{[l]})` per layer with :math:`q^*`; bottom: gradient growth with
    :math:`\chi^{L-l}`, for the gain above 1 (its fixed point ``qstar`` and slope ``chi``, computed by
    the page). Median and 10--90 % band over seeds.
    """
    fig, (ax_q, ax_g) = subplots(2, 1, figsize=(4.8, 6.2))
    depth = result["depth"]
    layers = np.arange(1, depth + 1)
    styles = [(OKABE_ITO["orange"], "-", "o"), (OKABE_ITO["blue"], "--", "s")]
    for i, g in enumerate(result["gains"]):
        color, ls, marker = styles[i % 2]
        label = "gain 1 (Xavier)" if g == 1 else ("gain 5/3" if math.isclose(g, 5 / 3) else f"gain {g:.3g}")
        for ax, Y in ((ax_q, result["q"][i]), (ax_g, result["grad"][i])):
            line = band(ax, layers, Y, color=color, label=label)
            line.set_linestyle(ls)
            line.set_marker(marker)
            line.set_markevery(2)
        if g > 1:
            qs = qstar
            ax_q.axhline(qs, color=color, lw=0.8, ls=":")
            ax_q.text(depth, qs + 0.12, f"$q^* = {qs:.2f}$", ha="right", va="bottom", fontsize=10)
            ax_g.plot(layers, chi ** (depth - layers), color=color, lw=0.8, ls=":",
                      label=r"$\chi^{L-l}$")
    ax_q.set_xlabel("layer $l$")
    for ax in (ax_q, ax_g):
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax_q.set_ylabel(r"$\mathrm{Var}(z^{[l]})$")
    ax_q.set_ylim(bottom=0)
    ax_g.set_xlabel("layer $l$")
    ax_g.set_ylabel(r"mean square of $dA^{[l]}$ (layer $L$: 1)")
    ax_g.set_yscale("log")
    ax_g.legend(loc="upper right", fontsize=9)
    return fig

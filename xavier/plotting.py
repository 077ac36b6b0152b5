"""Small plotting helpers shared by the pages: one style, one palette, a seed band.

Figures have an opaque white background, so they read the same in the site's light and dark
themes. Pages make figures with :func:`subplots` and show the spread over seeds with
:func:`band`.

>>> import numpy as np
>>> fig, ax = subplots(figsize=(3, 2))
>>> line = band(ax, np.arange(4), np.ones((4, 5)), label="flat", color="C0")
>>> ax.get_legend_handles_labels()[1]
['flat']
>>> plt.close(fig)
"""

from __future__ import annotations

from typing import Any

import matplotlib

# Figures are built off-screen and shown only where a page glues or displays them.
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

STYLE: dict[str, Any] = {
    "figure.facecolor": "white",
    "axes.facecolor": "white",
    "savefig.facecolor": "white",
    "figure.dpi": 100,
    "savefig.dpi": 100,
    "font.size": 10,
    "axes.titlesize": 10,
    "axes.labelsize": 10,
    "legend.fontsize": 9,
    "legend.frameon": False,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.alpha": 0.25,
    "svg.hashsalt": "xavier",  # deterministic ids if a page saves SVG
    "path.simplify": True,
}
"""The rcParams every figure is drawn with."""

#: One colour per initialization scale, used on every page (zero, too small, appropriate, too large, He).
COLORS: dict[str, str] = {
    "zero": "#7f7f7f",
    "small": "#1f77b4",
    "appropriate": "#2ca02c",
    "large": "#d62728",
    "he": "#9467bd",
}


def _show_figures_as_png() -> None:
    """In a Jupyter kernel (the pages), display and glue Figures as PNG images.

    The Agg backend registers no image formatter by itself; outside IPython this does nothing.
    """
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython comes with the docs dependencies
        return
    if get_ipython() is not None:
        from matplotlib_inline.backend_inline import set_matplotlib_formats

        set_matplotlib_formats("png")


_show_figures_as_png()


def subplots(*args: Any, **kwargs: Any):
    """``plt.subplots`` with :data:`STYLE` applied and a constrained layout.

    Returns ``(fig, axes)`` like :func:`matplotlib.pyplot.subplots`.
    """
    plt.rcParams.update(STYLE)
    kwargs.setdefault("layout", "constrained")
    return plt.subplots(*args, **kwargs)


def band(ax, x: np.ndarray, Y: np.ndarray, *, label: str | None = None, color: str | None = None,
         q: tuple[float, float] = (0.1, 0.9)):
    """Plot the median over seeds of ``Y`` with a band between the quantiles ``q``.

    Parameters
    ----------
    ax : matplotlib Axes
    x : ndarray of shape (T,)
    Y : ndarray of shape (T, S)
        One column per seed (e.g. :attr:`xavier.network.History.cost`). NaNs (diverged seeds) are
        left out of the statistics at the steps where they occur.
    label, color : str, optional
    q : (float, float), default (0.1, 0.9)
        Lower and upper quantile of the band.

    Returns
    -------
    matplotlib Line2D
        The median line.
    """
    Y = np.asarray(Y, dtype=float)
    ok = np.isfinite(Y).any(axis=1)
    x, Y = np.asarray(x)[ok], Y[ok]
    if len(x) == 0:
        return None
    lo, med, hi = np.nanquantile(Y, [q[0], 0.5, q[1]], axis=1)
    (line,) = ax.plot(x, med, color=color, label=label, lw=1.6)
    ax.fill_between(x, lo, hi, color=line.get_color(), alpha=0.2, lw=0)
    return line

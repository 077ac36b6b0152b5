"""Plot helpers shared by the pages' experiment modules: one style, one palette, a seed band.

Not part of the library: importing :mod:`xavier` never imports matplotlib. Importing this module
changes no global state either (no backend switch, no rcParams rewrite). Figures are
:class:`PageFigure` objects made by :func:`subplots`, not registered with pyplot, so nothing shows
or keeps them except the page that displays or glues them. Functions that draw a figure are wrapped
in :func:`styled`, which applies :data:`STYLE` for the whole drawing through
:func:`matplotlib.rc_context`.

Figures have an opaque white background, so they read the same in the site's light and dark
themes.

>>> import numpy as np
>>> fig, ax = subplots(figsize=(3, 2))
>>> line = band(ax, np.arange(4), np.ones((4, 5)), label="flat", color="C0")
>>> ax.get_legend_handles_labels()[1]
['flat']
>>> fig._repr_png_()[1:4]
b'PNG'
"""

from __future__ import annotations

import functools
import io
from typing import Any, Callable, TypeVar

import matplotlib
import numpy as np
from matplotlib.figure import Figure

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
"""The rcParams every figure is drawn with (applied by :func:`styled`, never globally)."""

#: One colour per initialization scale, used on every page (zero, too small, appropriate, too large, He).
COLORS: dict[str, str] = {
    "zero": "#7f7f7f",
    "small": "#1f77b4",
    "appropriate": "#2ca02c",
    "large": "#d62728",
    "he": "#9467bd",
}

F = TypeVar("F", bound=Callable[..., Any])


def styled(func: F) -> F:
    """Decorate a drawing function so that everything it draws uses :data:`STYLE`."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with matplotlib.rc_context(STYLE):
            return func(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


class PageFigure(Figure):
    """A :class:`matplotlib.figure.Figure` that shows itself as a PNG in a notebook.

    IPython, and so MyST-NB's ``glue``, calls ``_repr_png_``; the image is rendered as IPython's
    inline backend would render it (tight bounding box, the figure's own dpi and face colour),
    without any backend being selected.
    """

    def _repr_png_(self) -> bytes:
        buf = io.BytesIO()
        with matplotlib.rc_context(STYLE):
            self.savefig(buf, format="png", bbox_inches="tight", facecolor=self.get_facecolor(),
                         edgecolor=self.get_edgecolor(), dpi=self.dpi)
        return buf.getvalue()


@styled
def subplots(*args: Any, figsize: tuple[float, float] | None = None, **kwargs: Any):
    """A :class:`PageFigure` with a grid of axes, like :func:`matplotlib.pyplot.subplots`.

    Drawn with :data:`STYLE` and a constrained layout; ``args`` and ``kwargs`` go to
    :meth:`matplotlib.figure.Figure.subplots`. Returns ``(fig, axes)``.
    """
    fig = PageFigure(figsize=figsize, layout=kwargs.pop("layout", "constrained"))
    return fig, fig.subplots(*args, **kwargs)


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

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
import math
import os
import struct
import unicodedata
import zlib
from typing import Any, Callable, TypeVar

import matplotlib
import matplotlib.font_manager
import matplotlib.ticker
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
    # "C0", "C1", ... are the Okabe-Ito colours (orange, blue, bluish green, vermillion, ...).
    "axes.prop_cycle": matplotlib.cycler(color=["#E69F00", "#0072B2", "#009E73", "#D55E00",
                                                "#CC79A7", "#56B4E9", "#000000"]),
}
"""The rcParams every figure is drawn with (applied by :func:`styled`, never globally)."""

OKABE_ITO: tuple[str, ...] = ("#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00",
                               "#CC79A7", "#000000")
"""The Okabe-Ito palette, eight colours that stay apart under the common colour-vision deficiencies.

From Okabe and Ito (2008), "Color Universal Design". In order orange, sky blue, bluish green,
yellow, blue, vermillion, reddish purple and black.
"""

#: One colour per initialization scale, used on every page (zero, too small, appropriate, too large,
#: He), taken from the Okabe-Ito palette. They stay apart under deuteranopia, protanopia and
#: tritanopia (tests/experiments/test_palette.py); yellow and sky blue are left out, too light on
#: the white ground.
COLORS: dict[str, str] = {
    "zero": "#000000",  # black
    "small": "#0072B2",  # blue
    "appropriate": "#009E73",  # bluish green
    "large": "#D55E00",  # vermillion
    "he": "#CC79A7",  # reddish purple
}

#: One marker per initialization scale, so that no curve is told from another by its hue alone.
#: The function band puts it on every line drawn in one of the colours of COLORS, legends included.
MARKERS: dict[str, str] = {"zero": "s", "small": "v", "appropriate": "o", "large": "^", "he": "D"}

TIME_AXIS: dict[str, float] = {"linthresh": 10, "linscale": 0.6}
"""The time axis (epochs or steps) of the training figures and of the widgets' charts, matplotlib's
``symlog`` scale (``ax.set_xscale("symlog", **TIME_AXIS)``, base 10): linear up to ``linthresh``,
logarithmic after, the linear part ``linscale`` decades long. The widgets (``widgets.js``) draw the
same transform from their page's meta, so a figure and its widget agree (a reader found the widget's
``log(1 + step)`` axis unlike the figure's)."""

PNG_DPI = 200
"""Resolution of the pages' PNG figures, twice the 100 dpi of :data:`STYLE`.

A figure opened full size, or zoomed on a phone, stays sharp. The page shows each at half its
pixel width (conf.py), the size it would have at 100 dpi.
"""

COLUMN_PX = 860
"""Widest a figure is shown on the desktop layout, in CSS px.

The article column at a 1280 px window (648 px) widened by the book theme's full-width figures
(136 %, 881 px), less the padding of a tab's content, where some figures are.
"""

MIN_TEXT_PX = 16.0
"""Smallest text a figure shows on the desktop layout, in CSS px.

The size of the captions' text (1 rem); a :class:`PageFigure` raises smaller text to it when saved.
"""

PHONE_COLUMN_PX = 292
"""Narrowest a figure is shown on a phone (a 375 px window), in CSS px: inside a Going-deeper box.

The page column is 327 px there, a tab's content 303 px and a box's content 292 px.
"""

PHONE_TEXT_PX = 11.0
"""Smallest text a figure shows on a phone, in CSS px (tests/browser/test_readable.py's
``PHONE_MIN_TEXT_PX``, which says why 11): capitals 8 px and lower case 6 px tall.

A :class:`PageFigure` raises smaller text to it too, on an image shown :data:`PHONE_COLUMN_PX`
wide. For a PNG wider than ``2 * 16 * 292 / 11 = 850`` px (4.25 in at :data:`PNG_DPI`) this floor
is the higher one, and the desktop then shows the text larger than the captions: draw figures
for the phone's column, about 4 in wide, and the text is 16 CSS px on both.
"""


def marker_for(color: str | None, default: str = "o") -> str:
    """The :data:`MARKERS` entry of a colour of :data:`COLORS` (``default`` for other colours).

    >>> marker_for(COLORS["large"]), marker_for("#123456")
    ('^', 'o')
    """
    for scale, c in COLORS.items():
        if color is not None and c.lower() == str(color).lower():
            return MARKERS[scale]
    return default


F = TypeVar("F", bound=Callable[..., Any])


def styled(func: F) -> F:
    """Decorate a drawing function so that everything it draws uses :data:`STYLE`."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with matplotlib.rc_context(STYLE):
            return func(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


@functools.cache
def _path_parser():
    from matplotlib.mathtext import MathTextParser

    return MathTextParser("path")


def smallest_glyph_points(s: str, prop) -> float:
    r"""Size in points of the smallest glyph of the mathtext string ``s`` drawn in the font ``prop``.

    Read from matplotlib's own layout of the formula (:class:`matplotlib.mathtext.MathTextParser`'s
    public ``parse``, whose ``glyphs`` carry each glyph's font size), so it follows every rule of
    mathtext: a sub- or superscript is 0.7 of its base per level (``SHRINK_FACTOR``) down to
    matplotlib's smallest level, fractions as drawn. A string with no glyph (a rule only) gives
    the font's size.

    Glyphs stretched to what they enclose are left out: a radical sign or a ``\left(`` delimiter
    comes from the STIX size-variant fonts (``STIXSize...``, mathtext's ``AutoHeightChar``) at a
    font size chosen so that the glyph is as tall as its content, e.g. 5.7 pt for the sign of
    :math:`\sqrt{2}` in 10 pt text, a sign as tall as the 10 pt "2" it covers, not a small glyph.

    >>> from matplotlib.font_manager import FontProperties
    >>> round(smallest_glyph_points(r"$10^{-2}$", FontProperties(size=10)), 6)
    7.0
    >>> smallest_glyph_points("$x$", FontProperties(size=10))
    10.0
    >>> smallest_glyph_points(r"$\sqrt{2}$", FontProperties(size=10))  # the sign: 5.71 pt
    10.0
    """
    return _smallest_glyph_points(s, prop.copy())


@functools.lru_cache(maxsize=1024)
def _smallest_glyph_points(s: str, prop) -> float:
    """:func:`smallest_glyph_points`, kept for each formula and font (a copy of ``prop``, which is
    mutable; equal fonts hash alike, as in matplotlib's own cache of mathtext layouts).

    A page measures the same formulas many times: every text before each save
    (:meth:`PageFigure._raise_small_text`), then every text drawn (:meth:`PageFigure.draw`), the
    same labels in several figures (justification: 75 measures, 16 formulas). Parsing a formula
    again costs a mathtext layout (5 to 10 ms); matplotlib keeps only the 50 last
    (``MathTextParser._parse_cached``)."""
    size = prop.get_size_in_points()
    glyphs = _path_parser().parse(s, 72, prop).glyphs
    return min((g[1] for g in glyphs if not _stretched(g[0])), default=size)


def _stretched(font) -> bool:
    """Whether a mathtext glyph's font is one of the STIX size variants, from which mathtext takes
    radical signs and delimiters stretched to the height of what they enclose."""
    return os.path.basename(font.fname).startswith("STIXSiz")


def plain_glyph_points(s: str, prop) -> float:
    """Size in points of the smallest glyph of the plain (not mathtext) string ``s`` in ``prop``.

    The font's size, unless ``s`` holds Unicode superscript or subscript characters ("²", "⁽³⁾",
    "ₖ"): a font draws them as small glyphs at the text's size, and each counts at the size that
    gives its full-size form (its compatibility decomposition, "2", "(3)", "k") the same ink
    height. In DejaVu Sans "²" is 0.56 of a "2", smaller than a formula's superscript (0.7).

    >>> from matplotlib.font_manager import FontProperties
    >>> plain_glyph_points("x2", FontProperties(size=10))
    10.0
    >>> round(plain_glyph_points("x²", FontProperties(size=10)), 2)
    5.6
    """
    size = prop.get_size_in_points()
    small = {c for c in s if unicodedata.decomposition(c).startswith(("<super>", "<sub>"))}
    if not small:
        return size
    path = matplotlib.font_manager.findfont(prop)
    return size * min(_script_ratio(c, path) for c in small)


@functools.cache
def _script_ratio(char: str, font_path: str) -> float:
    """Ink height of a superscript or subscript character over that of its full-size form."""
    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import TextPath

    prop = FontProperties(fname=font_path)
    base = unicodedata.normalize("NFKC", char)

    def height(text: str) -> float:
        return TextPath((0, 0), text, size=100, prop=prop).get_extents().height

    return float(height(char) / height(base)) if height(base) > 0 else 1.0


class DecadeFormatter(matplotlib.ticker.Formatter):
    """Tick labels for a log or symlog axis in which every glyph is full size: no formula.

    On an axis whose labelled ticks all lie between 0.001 and 10000 (in absolute value) the labels
    are plain numbers ("0.001", "0.1", "1", "100"); else they all take the "1e-6" form, the one
    the libraries' own documentation and code use (``lr=1e-3``), with "1" for 1. Both are drawn
    as plain text. Matplotlib's default, ``LogFormatterSciNotation``, writes :math:`10^{-2}`
    with the exponent at 0.7 of the text's size (mathtext's scripts), too small on a phone, and
    each label costs a mathtext layout.

    ``default`` is the formatter replaced: it still decides which ticks are labelled (all
    decades on a major axis; minor ticks only when the axis spans few decades), so only the
    labels' form changes. ``plain=False`` (or ``True``) fixes the form whatever the range: panels
    of one figure then label their ticks alike.

    >>> fig, ax = subplots(figsize=(3, 2))
    >>> _ = ax.semilogy([0, 1], [1e-3, 1e4])
    >>> fig.draw_without_rendering()
    >>> [t.get_text() for t in ax.get_yticklabels() if 1e-3 <= t.get_position()[1] <= 1e4]
    ['0.01', '1', '100', '10000']
    >>> _ = ax.set_ylim(1e-6, 1e2)
    >>> fig.draw_without_rendering()
    >>> [t.get_text() for t in ax.get_yticklabels() if 1e-6 <= t.get_position()[1] <= 1e2]
    ['1e−6', '1e−4', '1e−2', '1', '1e2']
    >>> fig.min_glyph_px() == fig.min_text_px()  # no script among them
    True
    """

    def __init__(self, default: matplotlib.ticker.Formatter, plain: bool | None = None):
        self.default = default
        self.fixed = plain
        self.plain = True if plain is None else plain

    def set_axis(self, axis) -> None:
        super().set_axis(axis)
        self.default.set_axis(axis)

    def set_locs(self, locs) -> None:
        self.default.set_locs(locs)
        lo, hi = sorted(self.axis.get_view_interval()) if self.axis is not None else (-np.inf,
                                                                                     np.inf)
        shown = [abs(x) for x in locs if lo <= x <= hi and x != 0 and self.default(x)]
        if self.fixed is not None:
            return
        self.plain = all(1e-3 * (1 - 1e-9) <= x <= 1e4 * (1 + 1e-9) for x in shown)

    def __call__(self, x: float, pos: int | None = None) -> str:
        if not self.default(x, pos):
            return ""
        if x == 0:
            return "0"
        if self.plain:
            text = np.format_float_positional(x, precision=3, fractional=False, trim="-")
        else:
            mantissa, exponent = f"{x:.2e}".split("e")
            mantissa = mantissa.rstrip("0").rstrip(".")
            text = mantissa if int(exponent) == 0 else f"{mantissa}e{int(exponent)}"
        return self.fix_minus(text)

    def format_data_short(self, value: float) -> str:
        return self.default.format_data_short(value)


def plain_log_ticks(ax) -> None:
    """Give each log or symlog axis of ``ax`` whose tick formatter (major or minor) is still
    matplotlib's ``LogFormatterSciNotation`` a :class:`DecadeFormatter` in its place.

    Other formatters (set by the page) are left alone; calling it again changes nothing.
    """
    for axis in (ax.xaxis, ax.yaxis):
        if axis.get_scale() not in ("log", "symlog"):
            continue
        if type(axis.get_major_formatter()) is matplotlib.ticker.LogFormatterSciNotation:
            axis.set_major_formatter(DecadeFormatter(axis.get_major_formatter()))
        if type(axis.get_minor_formatter()) is matplotlib.ticker.LogFormatterSciNotation:
            axis.set_minor_formatter(DecadeFormatter(axis.get_minor_formatter()))


class PageFigure(Figure):
    """A :class:`matplotlib.figure.Figure` that shows itself as a PNG in a notebook.

    IPython, and so MyST-NB's ``glue``, calls ``_repr_png_``; the image is rendered as IPython's
    inline backend would render it (tight bounding box, the figure's own dpi and face colour),
    without any backend being selected. The PNG's ``xavier:min-text-px`` text chunk holds
    :meth:`min_text_px`, from which the browser tests compute the size of the figure's smallest
    text as shown in the page.
    """

    phone_text_px: float = PHONE_TEXT_PX
    """Smallest text on a phone, in CSS px, for this figure: :data:`PHONE_TEXT_PX` unless a figure
    that a phone reader studies closely asks for more (its desktop text grows with it)."""

    _drawn_points: float | None = None
    _drawn_glyph_points: float | None = None
    _scripts_raised: list = []
    _png: bytes | None = None

    def draw(self, renderer) -> None:
        """Draw as a :class:`~matplotlib.figure.Figure` does, and note the size, in points, of the
        smallest line of text that reached the renderer (:meth:`min_text_px`) and of the smallest
        glyph (:meth:`min_glyph_px`).

        Every text drawn passes through the renderer's ``draw_text``: titles, labels, tick labels,
        legends, annotations, a table's cells, a colour bar's labels, texts of inset axes and
        subfigures. Wrapped for this one drawing on this renderer only (an instance attribute,
        restored after), so nothing global changes. Log-scale axes still on matplotlib's tick
        formatter get :class:`DecadeFormatter` first (:func:`plain_log_ticks`).
        """
        for ax in self.axes:
            plain_log_ticks(ax)
        sizes: list[float] = []
        glyphs: list[float] = []
        missing = object()
        before = renderer.__dict__.get("draw_text", missing)
        inner = renderer.draw_text

        def draw_text(gc, x, y, s, prop, angle, ismath=False, mtext=None):
            if str(s).strip():
                sizes.append(prop.get_size_in_points())
                glyphs.append(smallest_glyph_points(s, prop) if ismath is True
                              else plain_glyph_points(s, prop))
            return inner(gc, x, y, s, prop, angle, ismath=ismath, mtext=mtext)

        renderer.draw_text = draw_text
        try:
            super().draw(renderer)
        finally:
            if before is missing:
                del renderer.draw_text
            else:
                renderer.draw_text = before
        self._drawn_points = min(sizes, default=0.0)
        self._drawn_glyph_points = min(glyphs, default=0.0)

    def min_text_px(self) -> float:
        """Height in image pixels (at the figure's dpi) of the smallest text drawn: its size in
        points * dpi / 72.

        Measured on what is drawn (:meth:`draw`), not on the artists found beforehand, which missed
        text made at drawing time; a figure not yet drawn is drawn (without rendering) first. A
        formula's sub- and superscripts count at the size of their formula (as in captions):
        :meth:`min_glyph_px` counts them at their own.
        """
        if self._drawn_points is None:
            self.draw_without_rendering()
        return self._drawn_points * self.dpi / 72

    def min_glyph_px(self) -> float:
        """Size in image pixels (at the figure's dpi) of the smallest glyph drawn: as
        :meth:`min_text_px`, but a formula's sub- and superscripts count at the size they are
        drawn at (:func:`smallest_glyph_points`)."""
        if self._drawn_glyph_points is None:
            self.draw_without_rendering()
        return self._drawn_glyph_points * self.dpi / 72

    @staticmethod
    def min_font_points(image_width_px: int, planned_px: int | None = None,
                        phone_text_px: float = PHONE_TEXT_PX) -> float:
        """The smallest font size, in points, that shows at least :data:`MIN_TEXT_PX` CSS px on
        the desktop and ``phone_text_px`` (:data:`PHONE_TEXT_PX`) on a phone.

        An image ``image_width_px`` wide at :data:`PNG_DPI` is shown ``min(image_width_px / 2,
        COLUMN_PX)`` CSS px wide on the desktop and ``min(image_width_px / 2, PHONE_COLUMN_PX)``
        on a phone, and a font of ``p`` points is ``p * PNG_DPI / 72`` pixels of it. The phone's
        floor is taken at ``planned_px`` when given (the width the figure was drawn for): text
        that sticks out widens the image, which would raise that floor, which widens the image
        further. Such a figure keeps the planned floor, and the phone test shows its text small.
        """
        natural = image_width_px * 100 / PNG_DPI
        phone = (planned_px or image_width_px) * 100 / PNG_DPI
        desktop_points = MIN_TEXT_PX / min(natural, COLUMN_PX) * image_width_px
        phone_points = phone_text_px / min(phone, PHONE_COLUMN_PX) * (planned_px or image_width_px)
        return max(desktop_points, phone_points) * 72 / PNG_DPI

    def _save_png(self) -> np.ndarray:
        """Draw the figure as :meth:`_repr_png_` saves it (tight bounding box, :data:`PNG_DPI`) and
        return its pixels, ``(height, width, 4)`` RGBA bytes, not yet encoded (:meth:`_encode_png`).

        The same drawing as ``savefig(format="png")`` (matplotlib's Agg canvas draws both formats
        alike), without the PNG encoding: a save whose image is only measured, because the text
        is raised and the figure saved again after it, costs no encoding (0.4 s of CPU
        on average for the why page's figures)."""
        pixels = _Pixels()
        self.savefig(pixels, format="raw", bbox_inches="tight", facecolor=self.get_facecolor(),
                     edgecolor=self.get_edgecolor(), dpi=PNG_DPI)
        # the record is known once the image is drawn (draw)
        self._saved_records = (self._drawn_glyph_points, self._drawn_points)
        return pixels.rgba

    def _encode_png(self, rgba: np.ndarray) -> bytes:
        """The PNG of pixels from :meth:`_save_png`: the bytes ``savefig(format="png")`` writes
        (``matplotlib.image.imsave``, as Agg's ``print_png`` calls it), with the text chunks."""
        from matplotlib.image import imsave

        buf = io.BytesIO()
        # zlib level 1, not Pillow's default 6: the page shows the image as a WebP made from this PNG
        # (figure_images), so the PNG's size matters little (+13 %), its encoding time does (-30 %)
        imsave(buf, rgba, format="png", origin="upper", dpi=PNG_DPI, metadata=None,
               pil_kwargs={"compress_level": 1})
        glyph_points, text_points = self._saved_records
        # The record is known once the image is drawn: its chunk goes in after the header.
        png = _with_text_chunk(buf.getvalue(), "xavier:min-glyph-px",
                               f"{glyph_points * PNG_DPI / 72:.2f}")
        return _with_text_chunk(png, "xavier:min-text-px", f"{text_points * PNG_DPI / 72:.2f}")

    def _raise_small_text(self, floor: float, wrap: bool = True, scripts: bool = True) -> bool:
        """Set every text smaller than ``floor`` points to ``floor``, and (``scripts``) every
        formula whose smallest glyph (a sub- or superscript) is smaller to the size that brings
        that glyph to ``floor``; then (``wrap``) wrap titles too wide for their axes
        (:meth:`_wrap_wide_titles`, which needs the figure laid out); whether anything changed.

        Only formulas with a smaller glyph grow, and by what their scripts need (1 / 0.7 for one
        level): raising every formula alike widened figures."""
        from matplotlib.cbook import is_math_text
        from matplotlib.text import Text

        changed = False
        for ax in self.axes:  # tick labels are made anew at each draw: set them on the axis
            for axis in (ax.xaxis, ax.yaxis):
                for which, ticks in (("major", axis.get_major_ticks()),
                                     ("minor", axis.get_minor_ticks())):
                    if ticks and ticks[0].label1.get_fontsize() < floor:
                        axis.set_tick_params(which=which, labelsize=floor)
                        changed = True
        for text in self.findobj(Text):
            if text.get_fontsize() < floor:
                text.set_fontsize(floor)
                changed = True
            lines = [line for line in text.get_text().split("\n") if is_math_text(line)]
            if scripts and lines and text.get_visible() and not text.get_usetex():
                size = text.get_fontsize()
                glyph = min(smallest_glyph_points(line, text.get_fontproperties())
                            for line in lines)
                # not for a rounding error: a formula raised before measures a glyph of
                # floor * (1 - 1e-16), and raising it again cost a rendering of the same image
                if glyph < floor * (1 - 1e-9):
                    self._scripts_raised.append((text, size))
                    text.set_fontsize(size * floor / glyph)
                    changed = True
        return changed | (wrap and self._wrap_wide_titles())

    def _wrap_wide_titles(self) -> bool:
        """Break an axes title wider than its axes into two lines, so that neighbouring titles
        never run into each other: at the ", " nearest its middle, else the ": ", else a space
        (never inside ``$...$``)."""
        renderer = self._get_renderer()
        changed = False
        for ax in self.axes:
            room = ax.get_window_extent(renderer).width * 1.05
            for title in (ax.title, ax._left_title, ax._right_title):
                text = title.get_text()
                if not text or "\n" in text or title.get_window_extent(renderer).width <= room:
                    continue
                for sep in (", ", ": ", " "):
                    cuts = [i for i in range(len(text))
                            if text.startswith(sep, i) and text.count("$", 0, i) % 2 == 0]
                    if cuts:
                        cut = min(cuts, key=lambda i: abs(i - len(text) / 2))
                        title.set_text(text[:cut + len(sep.rstrip())] + "\n"
                                       + text[cut + len(sep):])
                        changed = True
                        break
        return changed

    def _repr_png_(self) -> bytes:
        """The figure as a PNG (see the class), the same bytes each time it is shown unchanged.

        A figure shown twice (glued, then displayed) is saved once: unless an artist changed since
        the last save (matplotlib's ``stale``, which every artist's change passes up to its
        figure), the last PNG is given again. Saving it again would not give the same bytes: the
        constrained layout settles over drawings when a tick label sticks out past the axes (the
        label's overhang depends on the axes' width), moving an edge by 0.02 % of the width.
        """

        if self._png is not None and not self.stale:
            return self._png
        with matplotlib.rc_context(STYLE):
            # The text floor depends on the image's width. Raised first to the floor of the
            # widest image the figure gives when nothing sticks out of it (its width plus the
            # save's padding), so that one save usually suffices; the saved width is then
            # checked, and titles that came out too wide for their axes are wrapped. The phone's
            # floor stays that of the planned width (min_font_points).
            pad = matplotlib.rcParams["savefig.pad_inches"]
            widest = math.ceil((self.get_figwidth() + 2 * pad) * PNG_DPI)
            self._scripts_raised = []
            self._raise_small_text(self.min_font_points(widest, phone_text_px=self.phone_text_px) * 1.005,
                                   wrap=False)
            image = self._save_png()
            scripts = True
            wide = image.shape[1]
            if self._scripts_raised and wide > widest:
                # formulas grown for their scripts widen the image: they keep their size, and
                # their scripts stay under the floor (the phone test names the figure)
                grown = [(text, text.get_fontsize()) for text, _ in self._scripts_raised]
                for text, size in reversed(self._scripts_raised):
                    text.set_fontsize(size)
                image, scripts = self._save_png(), False
                if image.shape[1] >= wide:
                    # as wide without them: something else sticks out (beyond's spectra: a
                    # figure legend above the panels), the formulas grow after all
                    for text, size in grown:
                        text.set_fontsize(size)
                    image, scripts = self._save_png(), True
            for _ in range(3):  # larger text widens the image a little: settle the size
                width = image.shape[1]
                if not self._raise_small_text(self.min_font_points(width, widest, self.phone_text_px) * 1.005,
                                              scripts=scripts):
                    break
                image = self._save_png()
            png = self._encode_png(image)  # the last drawing only is encoded
        self._png = png
        # the save leaves the figure stale (it restores its dpi, bounding box and layout engine),
        # though nothing drawn changed: unchanged from here until an artist changes
        self.stale = False
        return png


class _Pixels:
    """A file for ``savefig(format="raw")`` that keeps the pixels it is given as an array."""

    rgba: np.ndarray

    def seek(self, offset: int, whence: int = 0) -> int:  # matplotlib's file check asks for it
        return 0

    def write(self, data) -> int:
        # Agg writes its buffer as one memoryview shaped (height, width, 4): copied, the renderer
        # goes away with the canvas that savefig made
        self.rgba = np.array(data, dtype=np.uint8)
        return self.rgba.nbytes


def _with_text_chunk(png: bytes, key: str, value: str) -> bytes:
    """``png`` with a ``tEXt`` chunk ``key``: ``value`` right after its header (IHDR) chunk."""
    if png[12:16] != b"IHDR":
        raise ValueError("not a PNG: its first chunk is not IHDR")
    data = key.encode("latin-1") + b"\0" + value.encode("latin-1")
    chunk = (struct.pack(">I", len(data)) + b"tEXt" + data
             + struct.pack(">I", zlib.crc32(b"tEXt" + data)))
    return png[:33] + chunk + png[33:]


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
        The median line. In one of :data:`COLORS`, it carries that scale's marker from
        :data:`MARKERS` (about ten along the line), so the legend does not rest on hue alone.
    """
    Y = np.asarray(Y, dtype=float)
    ok = np.isfinite(Y).any(axis=1)
    x, Y = np.asarray(x)[ok], Y[ok]
    if len(x) == 0:
        return None
    # np.nanquantile runs one 1-D quantile per row (40x slower); only needed when NaNs are there
    quantile = np.quantile if np.isfinite(Y).all() else np.nanquantile
    lo, med, hi = quantile(Y, [q[0], 0.5, q[1]], axis=1)
    in_colors = marker_for(color, "") != ""
    marker = dict(marker=marker_for(color), markevery=max(1, len(x) // 10),
                  markersize=5) if in_colors else {}
    (line,) = ax.plot(x, med, color=color, label=label, lw=1.6, **marker)
    ax.fill_between(x, lo, hi, color=line.get_color(), alpha=0.2, lw=0)
    return line

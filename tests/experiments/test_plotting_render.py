"""PageFigure's PNG: the width probe saves time, not pixels.

``PageFigure._repr_png_`` raises small text to a floor that depends on the image's width. It used
to save the whole PNG to learn that width; it now probes it (the layout pass of a save, stopped
before anything is drawn). Here the PNG it writes is compared byte for byte with what plain saves
give, the old way, on figures that exercise the loop: log axes (mathtext tick labels), a legend, a
wide figure (whose floor depends on its width) and a title too wide for its axes.
"""

from __future__ import annotations

import io

import matplotlib
import numpy as np
import pytest
from PIL import Image

import plotting
from plotting import STYLE, PageFigure, subplots


def _by_plain_saves(fig: PageFigure) -> bytes:
    """The PNG as saved before the probe: save, read the width, raise the text, save again."""
    with matplotlib.rc_context(STYLE):
        png = fig._save_png()
        for _ in range(3):
            width = Image.open(io.BytesIO(png)).size[0]
            if not fig._raise_small_text(fig.min_font_points(width) * 1.005):
                break
            png = fig._save_png()
    return png


def _figure(kind: str) -> PageFigure:
    x = np.logspace(0, 3, 40)
    if kind == "narrow":
        fig, ax = subplots(figsize=(5, 3))
        ax.loglog(x, x**-1.5, label="$x^{-3/2}$")
        ax.legend()
    elif kind == "wide":
        fig, axes = subplots(1, 3, figsize=(12, 3))
        for k, ax in enumerate(axes):
            ax.semilogy(x, x ** (k + 1), marker="o", markevery=5)
            ax.set_xlabel("step")
    elif kind == "wide title":
        fig, axes = subplots(1, 2, figsize=(6, 2.5))
        for ax in axes:
            ax.plot(x, np.sqrt(x))
            ax.set_title("a title far too long for the narrow axes it sits above, with a comma")
    else:
        raise ValueError(kind)
    return fig


@pytest.mark.parametrize("kind", ["narrow", "wide", "wide title"])
def test_probe_gives_the_bytes_of_plain_saves(kind):
    expected = _by_plain_saves(_figure(kind))
    assert _figure(kind)._repr_png_() == expected


def test_probe_measures_the_saved_width():
    fig = _figure("wide")
    with matplotlib.rc_context(STYLE):
        width = fig._png_width()
        png = fig._save_png()
    assert width == Image.open(io.BytesIO(png)).size[0]
    assert width > 2 * plotting.COLUMN_PX  # a figure whose text floor depends on its width


def test_probe_leaves_the_figure_drawable_and_its_layout_engine():
    fig = _figure("narrow")
    engine = fig.get_layout_engine()
    fig._repr_png_()
    assert fig.get_layout_engine() is engine
    assert not getattr(fig, "_probing", False)
    assert fig._repr_png_()[1:4] == b"PNG"  # a second rendering, as a page that displays it twice

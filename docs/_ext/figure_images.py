"""Sphinx extension: figures load lazily, at the size they were drawn for, and a tap opens them.

* Every ``<img>`` loads when scrolled to (``loading="lazy"``).
* The figures' PNGs are drawn at ``plotting.PNG_DPI`` (200 dpi), twice the pixels of the size they
  are shown at: each gets a ``width`` of half its pixel width, and a link to the file itself, so
  that a tap or a click opens the full, sharp image, where a phone can zoom.
* A figure gets the book theme's ``full-width`` class: on a desktop it takes the margin too
  (custom.css), the sidebar's table of contents giving way while it is in view.

The page body is rewritten in ``html-page-context`` (Sphinx's public hook for a page's context).
"""

from __future__ import annotations

import re
from pathlib import Path

_IMG = re.compile(r"<img (?![^>]*\bloading=)")
_FIGURE_IMG = re.compile(r'(<figure class="[^"]*)("[^>]*>\s*)(<img [^>]*?src="([^"]+\.png)"[^>]*?)\s*/?>')


def _figure_images(app, pagename, templatename, context, doctree) -> None:
    if "body" not in context:
        return
    from PIL import Image

    sources = {Path(dest).name: Path(app.srcdir, src) for src, dest in app.builder.images.items()}

    def figure(match: re.Match) -> str:
        classes, rest, img, src = match.groups()
        path = sources.get(Path(src).name)
        if path is None or not path.is_file() or " width=" in img:
            return match.group(0)
        with Image.open(path) as im:
            width = (im.size[0] + 1) // 2
        return (f'{classes} full-width{rest}<a class="reference internal image-reference" '
                f'href="{src}">{img} width="{width}" /></a>')

    body = _FIGURE_IMG.sub(figure, context["body"])
    context["body"] = _IMG.sub('<img loading="lazy" ', body)


def setup(app):
    app.connect("html-page-context", _figure_images)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}

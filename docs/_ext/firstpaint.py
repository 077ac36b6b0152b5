"""Sphinx extension: nothing that the first view does not need holds up the first paint.

On a phone on a slow network (issue 20) the first paint waited for every script in ``<head>``:
each ``<script src>`` there stops the parser until it has been fetched and run. Here:

* **Scripts are deferred**: every script file a page lists (Sphinx's ``doctools.js``, the book
  theme's, sphinx-design's tabs, the copy buttons) gets ``defer``; they then run, in the same
  order, once the page is parsed, as pydata-sphinx-theme's own scripts already do. One stays as it
  is: ``documentation_options.js`` (half a kilobyte), which the inline scripts after it fill in;
  and the search page keeps them all, for the search scripts its template runs in ``<head>``.
  (The search scripts and index are no longer on every page: docs/_templates/layout.html; nor
  the preload of the theme's scripts: docs/_templates/layout.html, docs/_ext/theme_overrides.py.)
* **Images carry their intrinsic size**: each ``<img>`` of a page's body gets ``width`` and
  ``height`` (in the ratio of the image file's pixels; a ``width`` already set, as conf.py's
  figures have, is kept and the height follows it), so the browser reserves the figure's box
  before the file arrives and nothing below it moves when it does.
"""

from __future__ import annotations

import re
from pathlib import Path

KEEP_BLOCKING = ("_static/documentation_options.js",)
_IMG = re.compile(r"<img\b[^>]*>")
_ATTR = re.compile(r'\s(width|height|src)="([^"]*)"')


def defer_scripts(app, pagename, templatename, context, doctree) -> None:
    """Give every script file of the page ``defer`` (not inline scripts, not the ones kept). Not on
    the search page, whose template runs Sphinx's searchtools.js (which needs doctools.js) in
    ``<head>``."""
    if pagename == "search":
        return
    scripts = []
    for script in context.get("script_files", []):
        if (script.filename and script.filename not in KEEP_BLOCKING and "defer" not in script.attributes
                and "async" not in script.attributes and script.attributes.get("type") != "module"):
            # a new entry of Sphinx's own class (the builder's entries are shared by every page)
            script = type(script)(script.filename, priority=script.priority,
                                  **script.attributes, defer="defer")
        scripts.append(script)
    if "script_files" in context:
        context["script_files"] = scripts


def _pixel_size(path: Path) -> tuple[int, int] | None:
    from PIL import Image

    try:
        with Image.open(path) as im:
            return im.size
    except (OSError, ValueError):
        return None


def image_sizes(app, pagename, templatename, context, doctree) -> None:
    """``width`` and ``height`` on every image of the page's body (see the module docstring)."""
    body = context.get("body")
    if not body or "<img" not in body:
        return
    sources = {Path(dest).name: Path(app.srcdir, src) for src, dest in app.builder.images.items()}

    def sized(match: re.Match) -> str:
        tag = match.group(0)
        attrs = dict(_ATTR.findall(tag))
        if "height" in attrs or "src" not in attrs:
            return tag
        path = sources.get(Path(attrs["src"]).name)
        size = _pixel_size(path) if path is not None and path.is_file() else None
        if size is None or not size[0]:
            return tag
        width = int(attrs["width"]) if attrs.get("width", "").isdigit() else size[0]
        height = round(width * size[1] / size[0])
        extra = f' height="{height}"' if "width" in attrs else f' width="{width}" height="{height}"'
        end = -2 if tag.endswith("/>") else -1
        return tag[:end].rstrip() + extra + (" />" if end == -2 else ">")

    context["body"] = _IMG.sub(sized, body)


def setup(app):
    app.connect("html-page-context", defer_scripts, priority=900)  # after every extension added its
    app.connect("html-page-context", image_sizes, priority=900)  # scripts, and conf.py its widths
    return {"parallel_read_safe": True, "parallel_write_safe": True}

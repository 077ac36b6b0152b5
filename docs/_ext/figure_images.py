"""Sphinx extension: figures load lazily, at the size they were drawn for, and a tap opens them.

* Every ``<img>`` loads when scrolled to (``loading="lazy"``).
* The figures' PNGs are drawn at ``plotting.PNG_DPI`` (200 dpi), twice the pixels of the size they
  are shown at: each gets a ``width`` of half its pixel width, and a link to the file itself, so
  that a tap or a click opens the full, sharp image, where a phone can zoom.
* A figure gets the book theme's ``full-width`` class: on a desktop it takes the margin too
  (custom.css), the sidebar's table of contents giving way while it is in view.
* Every PNG the pages show (figures and cell outputs, in ``_images``) is served as a lossless
  WebP beside it (Pillow's libwebp, ``lossless=True, method=5, quality=50``): the same pixels,
  decoded back identical, in about 40 % of the bytes (all 51 figures: 7.75 MB of PNG, 2.96 MB of
  WebP at libwebp's slowest setting; the first figure of xavier_init 404 -> 114 kB). For lossless
  WebP ``quality`` is the encoder's effort, not fidelity: on the site's 12 largest figures,
  ``method=5, quality=50`` takes 0.78x the CPU of ``method=6`` at the default 80 for 1.055x the
  bytes, the best trade of the 35 settings measured (encoding is the largest cost of writing the
  site: 11 s of CPU for 51 figures, in a cold build of about 60 s on two cores). On a phone over
  slow 4G (1.6 Mbit/s) that is the difference between a first figure at 4 s or 6 s (issue 20). A palette PNG would be as small
  but is lossy for antialiased plots; every browser since 2020 shows WebP, and Chromium prints it
  into the PDF edition. The WebP is named after the PNG, whose name is already a digest of its
  content, so an image is converted once: a rebuild finds it in place. The PNG stays in
  ``_images`` (Sphinx copies it) but no page refers to it.

The page body is rewritten in ``html-page-context`` (Sphinx's public hook for a page's context).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

_IMG = re.compile(r"<img (?![^>]*\bloading=)")
_PNG = re.compile(r'((?:src|href)=")((?:\.\./)*_images/)([^"/]+)\.png"')
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


def _webp_images(app, pagename, templatename, context, doctree) -> None:
    """Point the page's PNGs to their WebP (after firstpaint read the PNGs' sizes: priority 950)."""
    if "_images/" not in context.get("body", ""):
        return
    sources = {Path(dest).name: Path(app.srcdir, src) for src, dest in app.builder.images.items()}
    images = Path(app.outdir, "_images")

    def webp(match: re.Match) -> str:
        attribute, folder, stem = match.groups()
        source = sources.get(stem + ".png")
        if source is None or not source.is_file():
            return match.group(0)
        _to_webp(source, images / f"{stem}.webp")
        return f'{attribute}{folder}{stem}.webp"'

    context["body"] = _PNG.sub(webp, context["body"])


def _to_webp(png: Path, target: Path) -> None:
    """Write ``png`` as a lossless WebP at ``target``, unless it is there (atomic: parallel writers)."""
    if target.is_file():
        return
    from PIL import Image

    target.parent.mkdir(parents=True, exist_ok=True)
    part = target.with_name(f"{target.name}.{os.getpid()}.part")
    with Image.open(png) as im:
        im.save(part, "WEBP", lossless=True, method=5, quality=50)
    os.replace(part, target)


def setup(app):
    # Pillow's plugins loaded here, once, before Sphinx forks its writers: saving a WebP in a process
    # that has not registered it makes Pillow import all of its ~40 format plugins (Image.init),
    # once per writer process, one per page with -j (about 0.05 s of CPU each time).
    from PIL import Image, WebPImagePlugin  # noqa: F401 (registers the WebP encoder)

    Image.preinit()
    app.connect("html-page-context", _figure_images)
    app.connect("html-page-context", _webp_images, priority=950)  # after firstpaint's image sizes (900)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}

"""Sphinx extension: the themes' style sheets cut to the rules the site's pages can use.

pydata-sphinx-theme's style sheet is 377 kB: Bootstrap 5 whole, and styles for Sphinx features
this site does not use (graphviz, mermaid, version switchers, ipywidgets...). A page links it,
sphinx-design's (55 kB), myst-nb's (43 kB) and sphinx-book-theme's (17 kB) in ``<head>``. On a phone
(issue 20: slow 4G, CPU 4x) the browser fetches them before its first paint, then turns every rule
into its rule sets (``RuleSet::addRulesFromSheet``: 20-26 ms of the first frame, in a Chromium
trace) and matches every element against them, in the one task that draws the first frame, the
page's longest.

When the HTML builder finishes, **PurgeCSS** (npm ``purgecss``, package.json; the tool the
Tailwind and Bootstrap documentation point to for this) reads every page of the site and every
script under ``_static`` (the themes' scripts name the classes they add, ``show``, ``collapsing``...)
and drops each rule whose selector names a class, id, element or attribute found in none of them:
``unused_css.cjs`` beside this file. ``@font-face``, ``@keyframes`` and custom properties are kept
whole. The sheets cut are listed in conf.py (``unused_css``); one that is missing fails the build.

Sphinx copies the themes' files into ``_static`` again before each build writes its pages (this
extension first removes the cut ones: myst-nb copies its sheet only when it is missing), and each
page's link carries ``?v=`` (``?digest=`` for pydata-sphinx-theme's own) with a checksum of the
file as it was copied. So after the cut every page's link to a cut sheet is given the checksum of
the cut file, computed as Sphinx computes it (CRC-32 of the bytes, 8 hex digits): a browser that
cached an older cut fetches the new one, and a rebuild writes the same bytes as a clean build.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import zlib
from pathlib import Path

NODE_SCRIPT = Path(__file__).with_name("unused_css.cjs")
KEEP = "unused_css"  # the sheets as Sphinx copied them, whole: <doctrees>/unused_css/_static/...


def checksum(data: bytes) -> str:
    """Sphinx's checksum of a static file, as in its ``?v=`` (``sphinx.builders.html._file_checksum``:
    CRC-32 of the bytes without carriage returns, 8 hex digits).

    >>> checksum(b"a{}\\r\\n") == checksum(b"a{}\\n")
    True
    """
    crc = zlib.crc32(data.translate(None, b"\r"))
    return f"{crc:08x}"


def relink(html: str, sheets: dict[str, str]) -> str:
    """``html`` with each link to a sheet of ``sheets`` (``{path under _static: checksum}``) given
    that checksum, in place of the ``?v=`` or ``?digest=`` it had.

    >>> relink('<link href="../_static/a.css?digest=90ab" /><link href="_static/b.css?v=12" />',
    ...        {"a.css": "0000beef"})
    '<link href="../_static/a.css?v=0000beef" /><link href="_static/b.css?v=12" />'
    """
    for sheet, crc in sheets.items():
        html = re.sub(rf'(href="[^"]*_static/{re.escape(sheet)})\?(?:v|digest)=[0-9a-f]+"',
                      rf'\g<1>?v={crc}"', html)
    return html


def cut(site: Path, sheets: list[str], modules: Path, keep: Path | None = None) -> dict[str, tuple[int, int]]:
    """Cut ``sheets`` (paths under ``site/_static``, glob patterns each matching one file at least)
    to the rules the site's pages and scripts use, and relink every page; ``{sheet: (bytes
    before, after)}``. PurgeCSS is taken from ``modules`` (conf.py's ``node_modules``, the folder
    ``npm ci`` fills). With ``keep``, each sheet is first copied there whole, at its path under
    ``site`` (tests/browser/test_unused_css.py looks for its rules in the cut sheet). A cut
    sheet's source map beside it (``.css.map``, 1.3 MB for the two themes') is removed: it maps the
    whole sheet, and the cut one has no ``sourceMappingURL``. Raises ``FileNotFoundError``
    for a pattern that matches nothing or when PurgeCSS is not installed, ``RuntimeError`` when it
    fails."""
    static = site / "_static"
    files = []
    for pattern in sheets:
        found = sorted(static.glob(pattern))
        if not found:
            raise FileNotFoundError(f"unused_css: no style sheet {pattern!r} in {static}")
        files += [path.relative_to(site).as_posix() for path in found]
    if keep is not None:
        for name in files:
            (keep / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(site / name, keep / name)
    if not (modules / "purgecss").is_dir():
        raise FileNotFoundError(f"{modules / 'purgecss'} is missing: run `npm ci` (make html does)")
    proc = subprocess.run(["node", str(NODE_SCRIPT), str(site), *files], check=False,
                          env={**os.environ, "NODE_PATH": str(modules)},
                          capture_output=True, text=True, encoding="utf-8")
    if proc.returncode != 0:
        raise RuntimeError(f"PurgeCSS (node {NODE_SCRIPT.name}) failed:\n{proc.stderr}")
    sizes = json.loads(proc.stdout)
    for name in files:  # a theme's source map describes the sheet whole, and the cut one names none
        (site / f"{name}.map").unlink(missing_ok=True)
    crcs = {name.removeprefix("_static/"): checksum((site / name).read_bytes()) for name in files}
    for page in sorted(site.rglob("*.html")):
        text = page.read_text(encoding="utf-8")
        new = relink(text, crcs)
        if new != text:
            page.write_text(new, encoding="utf-8")
    return {name: tuple(sizes[name]) for name in files}


def uncut(site: Path, keep: Path) -> None:
    """Remove from ``site`` each sheet the last build cut (those kept in ``keep``), so that whoever
    copies it copies it again, whole: Sphinx (the themes' and sphinx-design's sheets, overwritten
    anyway), and myst-nb and ``samebytes.py`` (myst-nb's, copied only when missing). A rebuild
    then writes its pages with the sheets a clean build writes them with."""
    for whole in sorted(keep.rglob("*.css")) if keep.is_dir() else []:
        (site / whole.relative_to(keep)).unlink(missing_ok=True)


def _uncut(app, builder) -> None:
    if builder.format == "html":
        uncut(Path(builder.outdir), Path(app.doctreedir) / KEEP)


def _cut(app, exception) -> None:
    if exception is not None or app.builder.format != "html" or not app.config.unused_css:
        return
    from sphinx.util import logging

    sizes = cut(Path(app.outdir), app.config.unused_css, Path(app.config.node_modules),
                keep=Path(app.doctreedir) / KEEP)
    before, after = (sum(s[i] for s in sizes.values()) for i in (0, 1))
    logging.getLogger(__name__).info(f"unused_css: theme style sheets {before // 1000} -> "
                                     f"{after // 1000} kB")


def setup(app):
    app.add_config_value("unused_css", [], "html", types=[list])
    # before samebytes copies myst-nb's sheet (write-started, priority 500)
    app.connect("write-started", _uncut, priority=400)
    # last, after myst-nb copies its style sheet at build-finished (priority 500)
    app.connect("build-finished", _cut, priority=900)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}

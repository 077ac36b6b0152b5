"""Sphinx extension: the front-end packages the site serves itself, copied from ``node_modules``.

Nothing is loaded from another host, so the npm packages of ``package.json`` (installed by the
Makefile with ``npm ci``) are copied into the site's ``_static`` when the HTML builder starts
writing, before the first page (Sphinx appends ``?v=<checksum>`` to links of static files that
already exist as a page is written: copying later would make a rebuild's pages differ from a clean
build's, see ``samebytes.py``):

* **MathJax 4** and its New Computer Modern font, into ``_static/mathjax`` (:data:`MATHJAX_PARTS`:
  the entry script and what it loads lazily; of the font, the CHTML woff2 files and character data).
* **d3 7** for the widgets: the UMD builds of the d3 modules they use (:data:`D3_MODULES`),
  concatenated in dependency order into ``_static/widgets/d3-widgets.min.js``, with d3's licence.

Files whose size and modification time already match are not copied again: Sphinx's
``copy_asset`` compared MathJax's 243 files (9.7 MB) byte by byte on every build, 0.17 s of a
rebuild. A missing package stops the build with the command that installs it.
"""

from __future__ import annotations

import shutil
from pathlib import Path

MATHJAX_PARTS = ["tex-chtml.js", "input", "output", "ui", "a11y", "sre", "LICENSE"]
D3_MODULES = ["array", "color", "interpolate", "format", "time", "time-format", "scale", "selection",
              "path", "shape", "axis"]


def copy_changed(src: Path, dest: Path) -> None:
    """Copy the file or tree ``src`` to ``dest``, skipping files whose size and modification time
    already match (copies keep the source's time)."""
    for path in sorted(src.rglob("*")) if src.is_dir() else [src]:
        if not path.is_file():
            continue
        target = dest / path.relative_to(src) if src.is_dir() else dest
        have = target.stat() if target.is_file() else None
        want = path.stat()
        if have is None or (have.st_size, have.st_mtime_ns) != (want.st_size, want.st_mtime_ns):
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, target)


def _require(path: Path) -> Path:
    if not path.exists():
        raise FileNotFoundError(f"{path} is missing: run `npm ci` (make html does)")
    return path


def copy_mathjax(modules: Path, static: Path) -> None:
    mathjax, font = modules / "mathjax", modules / "@mathjax" / "mathjax-newcm-font"
    _require(mathjax / "tex-chtml.js"), _require(font / "chtml")
    dest = static / "mathjax"
    for part in MATHJAX_PARTS:
        copy_changed(mathjax / part, dest / part)
    copy_changed(font / "chtml", dest / "fonts" / "mathjax-newcm-font" / "chtml")
    copy_changed(font / "chtml.js", dest / "fonts" / "mathjax-newcm-font" / "chtml.js")


def copy_d3(modules: Path, static: Path) -> None:
    parts = [_require(modules / f"d3-{name}" / "dist" / f"d3-{name}.min.js").read_text(encoding="utf-8").rstrip()
             + "\n" for name in D3_MODULES]
    dest = static / "widgets"
    dest.mkdir(parents=True, exist_ok=True)
    bundle = "".join(parts)
    target = dest / "d3-widgets.min.js"
    if not target.is_file() or target.read_text(encoding="utf-8") != bundle:
        target.write_text(bundle, encoding="utf-8")
    copy_changed(modules / "d3" / "LICENSE", dest / "d3-LICENSE")


def _copy(app, builder) -> None:
    if builder.format != "html":
        return
    modules = Path(app.config.node_modules)
    static = Path(builder.outdir) / "_static"
    copy_mathjax(modules, static)
    copy_d3(modules, static)


def setup(app):
    app.add_config_value("node_modules", "", "", types=[str])
    app.connect("write-started", _copy)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}

"""Sphinx extension: the front-end package the site serves itself, d3, copied from ``node_modules``.

Nothing is loaded from another host, so the npm packages of ``package.json`` (installed by the
Makefile with ``npm ci``) are copied into the site's ``_static`` when the HTML builder starts
writing, before the first page (Sphinx appends ``?v=<checksum>`` to links of static files that
already exist as a page is written: copying later would make a rebuild's pages differ from a clean
build's, see ``samebytes.py``):

* **d3 7** for the widgets: the UMD builds of the d3 modules they use (:data:`D3_MODULES`),
  concatenated in dependency order into ``_static/widgets/d3-widgets.min.js``, with d3's licence.

Files that already match are not written again. A missing package stops the build with the command
that installs it. (MathJax is not served: ``buildmath.py`` typesets every formula at build time.)
"""

from __future__ import annotations

import shutil
from pathlib import Path

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
    copy_d3(modules, static)


def setup(app):
    app.add_config_value("node_modules", "", "", types=[str])
    app.connect("write-started", _copy)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}

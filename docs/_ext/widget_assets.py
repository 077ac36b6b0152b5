"""Sphinx extension: the scripts and frame files of the two widgets, on the pages that hold one.

The widgets (``docs/_static/widgets/``) draw with d3 (``vendored_assets.py`` bundles it). Only a
page whose body holds a widget (``xw-widget``) loads ``d3-widgets.min.js``, ``widgets.js`` and
``widgets.css``. A widget may load part of its frames on demand (``data-extra``, see
``docs/framedata.py``): the page glued those files as JSON text (``glue("xw_files_...",
Pretty(json.dumps({name: text})), display=False)``), so they are in MyST-NB's
``jupyter_execute/<page>.glue.json`` whether the page was executed or taken from the execution
cache, and this extension writes each one beside its page. A file the page refers to but did not
glue stops the build.
"""

from __future__ import annotations

import json
from pathlib import Path


def _widget_assets(app, pagename, templatename, context, doctree) -> None:
    # The builder's lists, not the app's registry: the builder restores them after each page.
    if doctree is None or "xw-widget" not in context.get("body", ""):
        return
    app.builder.add_js_file("widgets/d3-widgets.min.js", defer="defer")
    app.builder.add_js_file("widgets/widgets.js", defer="defer")
    app.builder.add_css_file("widgets/widgets.css")
    import framedata  # docs/, on the path through conf.py

    write_side_files(app, pagename, framedata.side_file_names(context["body"]))


def write_side_files(app, pagename: str, names: list[str]) -> None:
    """Write the frame files ``names`` that ``pagename`` loads on demand beside the page."""
    if not names:
        return
    glue_path = Path(app.outdir).parent / "jupyter_execute" / f"{pagename}.glue.json"
    files: dict[str, str] = {}
    if glue_path.is_file():
        for key, out in json.loads(glue_path.read_text(encoding="utf-8")).items():
            if key.startswith("xw_files_"):
                files.update(json.loads(out["data"]["text/plain"]))
    folder = (Path(app.outdir) / pagename).parent
    for name in names:
        if name not in files or "/" in name or "\\" in name:
            raise FileNotFoundError(f"{pagename} loads the widget frames {name!r}, which it did not glue "
                                    f"(glued: {sorted(files)})")
        (folder / name).write_text(files[name], encoding="utf-8")


def setup(app):
    app.connect("html-page-context", _widget_assets)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}

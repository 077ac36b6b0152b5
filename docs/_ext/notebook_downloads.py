"""Sphinx extension: an executed page offers its executed notebook for download.

MyST-NB writes each executed page as ``jupyter_execute/<page>.ipynb`` beside the HTML output;
sphinx-book-theme lists an ``.ipynb`` in its download menu when the page context has
``ipynb_source`` (as for a page written as a notebook). This extension sets it for every page that
has such a notebook, and writes the file the menu links, ``_sources/<page>.ipynb``, with the same
bytes whether the page was executed in this build or its outputs came from the execution cache:

MyST-NB writes ``jupyter_execute/<page>.ipynb`` from the notebook it read. After an execution that
notebook holds the outputs (less the ``glue`` payloads, which MyST-NB takes out of it); when the
outputs come from the cache it holds none, since the cache merges them into a copy. So the download
is made from the cache's record: its outputs merged into the page's cells, less the glue payloads
(outputs whose metadata holds ``scrapbook``), which is, byte for byte, what an execution leaves
(``tests/build/test_rebuild_bytes.py``). Without a record (execution off, or pruned) MyST-NB's copy
is used. Cells are numbered ``cell-0``, ``cell-1``, ...: nbformat gives each cell a random id when
MyST-NB reads a page, so two builds would write different files. With ``nb_merge_streams`` (as in
conf.py) a cell's stream outputs are merged as they are on the page (``stream_merge``): a kernel
sends a loop's ``print`` lines as one message or several depending on timing, so unmerged, two
builds could again differ. Only the pages read in this build
are written (and any download missing); the others' are unchanged.

The page's cells import ``xavier``, ``myst_nb`` (for ``glue``) and the modules beside the page in
``docs/``, which a downloaded notebook does not carry: its first cell, a Markdown cell added here,
says how to install them (:data:`INSTALL`).
"""

from __future__ import annotations

import re
from pathlib import Path

INSTALL = """\
*This is the executed notebook of a page of the `xavier` site.* To run it yourself, get the
site's source (a clone of its repository) and, from the clone's top folder, install the library
with the packages the pages use:

```console
$ python -m pip install -e ".[docs]"
```

{where} The site's page "Reproducibility" gives the exact versions it was built with."""


def _install_cell(nb, srcdir: Path):
    """The notebook's first cell: how to install what its code imports (:data:`INSTALL`)."""
    import nbformat

    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    local = sorted({m for m in re.findall(r"^\s*(?:from|import)\s+(\w+)", code, re.M)
                    if (srcdir / f"{m}.py").is_file()})
    where = ("Then open this notebook from the clone's `docs/` folder: its cells import "
             + ", ".join(f"`{m}.py`" for m in local) + " from there.") if local else ""
    cell = nbformat.v4.new_markdown_cell(INSTALL.format(where=where).replace("\n\n The site", "\n\nThe site"))
    if not any("id" in c for c in nb.cells):  # an older notebook format: no ids (a random one would differ per build)
        cell.pop("id", None)
    return cell


def _offer(app, pagename, templatename, context, doctree) -> None:
    if (Path(app.outdir).parent / "jupyter_execute" / f"{pagename}.ipynb").is_file():
        context["ipynb_source"] = f"{pagename}.ipynb"


def _note_pages_read(app, env, docnames: list[str]) -> None:
    app._xavier_pages_read = set(docnames)


def _write(app, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    import nbformat
    from jupyter_cache import get_cache
    from stream_merge import coalesce_streams

    read = getattr(app, "_xavier_pages_read", set())
    config = app.env.mystnb_config
    cache = (get_cache(config.execution_cache_path)
             if config.execution_mode == "cache" and config.execution_cache_path else None)
    executed = Path(app.outdir).parent / "jupyter_execute"
    for docname in sorted(app.env.found_docs):
        notebook = executed / f"{docname}.ipynb"
        target = Path(app.outdir) / "_sources" / f"{docname}.ipynb"
        if not notebook.is_file() or (docname not in read and target.is_file()):
            continue
        nb = nbformat.read(notebook, as_version=nbformat.NO_CONVERT)
        if cache is not None:
            try:
                _, nb = cache.merge_match_into_notebook(nb)
            except KeyError:  # no record of this notebook's code: MyST-NB's copy as it is
                pass
            else:
                for cell in nb.cells:
                    if cell.cell_type == "code":
                        cell.outputs = [o for o in cell.outputs
                                        if "scrapbook" not in o.get("metadata", {})]
        if config.merge_streams:
            for cell in nb.cells:
                if cell.cell_type == "code":
                    cell.outputs = coalesce_streams(cell.outputs)
        nb.cells.insert(0, _install_cell(nb, Path(app.srcdir)))
        for i, cell in enumerate(nb.cells):
            if "id" in cell:
                cell["id"] = f"cell-{i}"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(nbformat.writes(nb), encoding="utf-8")


def setup(app):
    app.connect("html-page-context", _offer, priority=400)  # before the book theme's
    app.connect("env-before-read-docs", _note_pages_read)
    app.connect("build-finished", _write)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}

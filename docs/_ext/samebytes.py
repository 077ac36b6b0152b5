"""Sphinx extension: two clean builds write the same bytes, and so does a rebuild.

Found by comparing clean builds with rebuilds file by file (``tests/build``); three things differed:

* **Times.** myst-nb's execution table (the ``nb-exec-table`` directive, on the reproducibility
  page) has a "Modified" and a "Run Time (s)" column: the clock of the build itself. As
  sphinx-gallery does, when ``SOURCE_DATE_EPOCH`` is set (the Makefile sets it) these two columns
  are left out; ``make bench`` records the pages' execution times in ``bench/results.json``.
* **Asset links.** Sphinx appends ``?v=<checksum>`` to a page's link to a static file when the file
  is already in the output as the page is written. myst-nb copies its stylesheet at
  ``build-finished``: missing while a clean build writes its pages, present when
  a rebuild rewrites some (the general index, the search page and the module index are rewritten
  every time). sphinx-exercise copies its ``exercise.css`` the same way. :func:`copy_before_writing`
  copies both stylesheets at ``write-started``, before any page; ``vendored_assets.py`` does the
  same for d3.
* **Search index.** On a rebuild Sphinx reloads, from the previous ``searchindex.js``, the titles
  and words of the pages it does not rewrite, but not their index entries (``indexentries``, which
  the search page shows from the general index; Sphinx 9.0 ``IndexBuilder.load``): they dropped
  out of ``searchindex.js``. And a word found only in a rewritten page that no longer has it stayed
  in the index with an empty list of pages. :func:`keep_index_entries` fixes both.
* **The site's own code.** Sphinx rebuilds what a changed page or setting touches, but not what a
  changed extension touches: after an edit of ``docs/_ext/buildmath.py``, ``make html`` ran Sphinx,
  which found nothing outdated and kept every page as the old code wrote it. The configuration value
  ``site_code_digest`` is set, when the configuration is read, to a digest of the files in the
  folders of ``site_code`` (conf.py: ``docs/_ext``); it is declared with ``rebuild="env"``, so that
  when it changes Sphinx reads every page again (the notebooks come from the execution cache, which
  follows the library and the page modules, not the extensions) and writes every page.
"""

from __future__ import annotations

import io
import os
from pathlib import Path
from typing import Any

TIME_COLUMNS = ("mtime", "runtime")  # myst-nb's keys for "Modified" and "Run Time (s)"


def code_digest(folders) -> str:
    """The digests of the files in ``folders`` (recursively, bytecode left out), by
    :func:`execution_keys.file_digest`, which keys the pages' execution on the library the same way."""
    from execution_keys import file_digest

    return ";".join(file_digest([f for f in Path(folder).rglob("*") if f.is_file() and "__pycache__" not in f.parts],
                                Path(folder)) for folder in folders)


def set_code_digest(app, config) -> None:
    """``site_code_digest``: the digest of the site's own code, which Sphinx compares from build to build."""
    config.site_code_digest = code_digest(config.site_code)


def leave_out_times(app, config) -> None:
    """Under ``SOURCE_DATE_EPOCH``, drop the time columns of myst-nb's execution table."""
    if os.environ.get("SOURCE_DATE_EPOCH") is None:
        return
    from myst_nb.ext import execution_tables

    for key in TIME_COLUMNS:
        execution_tables._key2header.pop(key, None)
    missing = [k for k in ("method", "succeeded") if k not in execution_tables._key2header]
    if missing:  # myst-nb renamed its columns: fail loudly rather than show times again
        raise RuntimeError(f"myst-nb's execution table has no column {missing}: update docs/_ext/samebytes.py")


def copy_before_writing(app, builder) -> None:
    """Copy myst-nb's and sphinx-exercise's stylesheets into ``_static`` before the first page is
    written (each copies its own at ``build-finished``; the copies are the same files)."""
    if builder.format != "html":
        return
    from myst_nb.sphinx_ext import add_global_html_resources

    (Path(builder.outdir) / "_static").mkdir(parents=True, exist_ok=True)
    add_global_html_resources(app, None)
    if "sphinx_exercise" in app.extensions:
        from sphinx_exercise import copy_asset_files

        copy_asset_files(app, None)


def keep_index_entries() -> None:
    """Make Sphinx's ``IndexBuilder`` keep the index entries of the pages a rebuild does not write.

    ``load`` also restores ``indexentries`` from the frozen index (as ``freeze`` wrote them: entries in
    lower case, ``main`` as a flag, which ``freeze`` maps back to the same output), ``prune`` drops
    the entries of pages that are gone and the words left with no page, and ``freeze`` sorts each
    entry's list of places, so the order no longer depends on which pages were written in which
    build.
    """
    from sphinx.search import IndexBuilder

    if getattr(IndexBuilder, "_samebytes", False):
        return
    load, prune, freeze = IndexBuilder.load, IndexBuilder.prune, IndexBuilder.freeze

    def load_keeping_entries(self, stream, format: Any) -> None:
        data = stream.read()
        load(self, io.StringIO(data) if isinstance(data, str) else io.BytesIO(data), format)
        fmt = self.formats[format] if isinstance(format, str) else format
        frozen = fmt.load(io.StringIO(data) if isinstance(data, str) else io.BytesIO(data))
        names = frozen["docnames"]
        entries: dict[str, set] = {}
        for entry, places in frozen.get("indexentries", {}).items():
            for doc, entry_id, main in places:
                entries.setdefault(names[doc], set()).add((entry, entry_id, "main" if main else ""))
        self._index_entries.clear()
        self._index_entries.update((doc, sorted(found)) for doc, found in sorted(entries.items()))

    def prune_entries(self, docnames) -> None:
        docnames = set(docnames)
        prune(self, docnames)
        for doc in [d for d in self._index_entries if d not in docnames]:
            del self._index_entries[doc]
        for mapping in (self._mapping, self._title_mapping):
            for word in [w for w, found in mapping.items() if not found]:
                del mapping[word]

    def freeze_sorted(self) -> dict[str, Any]:
        frozen = freeze(self)
        for places in frozen["indexentries"].values():
            places.sort()
        return frozen

    IndexBuilder.load = load_keeping_entries
    IndexBuilder.prune = prune_entries
    IndexBuilder.freeze = freeze_sorted
    IndexBuilder._samebytes = True


def setup(app):
    from pinned import require

    require("docs/_ext/samebytes.py (IndexBuilder.load/prune/freeze and its _index_entries, _mapping, "
            "_title_mapping)", sphinx="9.0.4")
    require("docs/_ext/samebytes.py (myst_nb.ext.execution_tables._key2header)", myst_nb="1.4.0")
    keep_index_entries()
    app.add_config_value("site_code", [], "", types=[list])
    app.add_config_value("site_code_digest", "", "env", types=[str])
    app.connect("config-inited", set_code_digest)
    app.connect("config-inited", leave_out_times)
    app.connect("write-started", copy_before_writing)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}

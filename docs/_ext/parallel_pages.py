"""Sphinx extension: with ``-j N`` the notebook pages execute N at a time.

MyST-NB executes a notebook page while Sphinx reads it. Sphinx's parallel read gives its worker
processes contiguous chunks of the sorted page names: with ``-j 2`` the site's 22 pages made two
chunks of 11, and all six notebook pages fell into the second, one process executing them one
after the other. At ``env-before-read-docs`` this extension

* puts the notebook pages first, the slowest first, then the other pages. "Slowest" is MyST-NB's
  record of each page's last execution time in the environment when every notebook page to read
  has one; otherwise (a clean build, a new page) it is the static order of the configuration value
  ``parallel_pages_heaviest``, a list of page names, slowest first (conf.py; a test checks that it
  names exactly the site's notebook pages), with pages not in it after those in it, by name. Without it a clean build started the slowest page last, by name, and
  it became the build's critical path;
* has Sphinx cut that list into one chunk per notebook page and the usual chunks for the rest, so
  a worker takes the next notebook as soon as it is free (a longest-first greedy schedule); the
  chunks after the first ``N`` are handed to Sphinx in reverse, since it starts the waiting chunk
  added last first;
* creates the execution cache's database before the workers start: two workers creating it at
  once fail with "table settings already exists";
* lets one process at a time store a notebook in the cache (a file lock): jupyter-cache 1.0.1
  prunes old records after storing one by listing the records to keep, then deleting all others,
  so a record another process added in between was deleted before its notebook was written
  ("Notebook file does not exist for cache record").

Writing, with ``-j N``: Sphinx 9 gives the pages to ``N - 1`` worker processes ("the main process
is busy loading doctrees"), in chunks of about ``sqrt(10 * pages)``; with ``-j 2`` that was one
worker writing 13 pages, then 4, while the second core idled once the main process had loaded the
doctrees (writing includes each page's figures converted to WebP: 6 s of CPU). Here the pages are
written by ``N`` workers, one page per chunk, the pages with the most images first (then the
largest doctrees), so that both cores write and the longest pages do not come last.

Only the order and the grouping of the reading change: every page is read once, in its own
process, and Sphinx merges the environments as before (``tests/build`` checks that a two-process
build writes the same bytes as a serial one).
"""

from __future__ import annotations

import contextlib
import functools
import re
from pathlib import Path

import sphinx.builders
from sphinx.util import logging

logger = logging.getLogger(__name__)

_FRONT = re.compile(r"\A---\n.*?\bkernelspec:.*?\n---\n", re.S)
_sphinx_make_chunks = sphinx.builders.make_chunks
_sphinx_write_documents = sphinx.builders.Builder.write_documents
_plan: dict[str, object] = {}  # the list of pages to read this build, and how many notebooks head it


def is_notebook(path: Path) -> bool:
    """A MyST notebook page: front matter with a kernelspec, and code cells."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        return False
    return bool(_FRONT.match(text)) and "{code-cell}" in text


def heaviest_first(notebooks: list[str], previous: dict[str, float], static: list[str]) -> list[str]:
    """``notebooks`` sorted slowest first.

    By ``previous`` (seconds of the last execution) when it has every one of them, else by their
    position in ``static``, those not in it last; ties by name.

    >>> heaviest_first(["a", "b", "c"], {"a": 1.0, "b": 5.0, "c": 2.0}, ["a"])
    ['b', 'c', 'a']
    >>> heaviest_first(["a", "b", "c", "d"], {"a": 1.0}, ["c", "a"])
    ['c', 'a', 'b', 'd']
    """
    if all(d in previous for d in notebooks):
        return sorted(notebooks, key=lambda d: (-previous[d], d))
    rank = {d: i for i, d in enumerate(static)}
    return sorted(notebooks, key=lambda d: (rank.get(d, len(rank)), d))


def order_pages(app, env, docnames: list[str]) -> None:
    """Reorder ``docnames`` in place: notebooks (slowest first), then the rest."""
    if app.parallel <= 1:
        return
    static = list(app.config.parallel_pages_heaviest)  # names of other pages are ignored
    previous = {}
    for doc, data in getattr(env, "nb_metadata", {}).items():
        runtime = (data.get("exec_data") or {}).get("runtime")
        if runtime is not None:
            previous[doc] = float(runtime)
    notebooks = heaviest_first([d for d in docnames if is_notebook(Path(env.doc2path(d)))],
                               previous, static)
    if len(notebooks) > 1:  # logged now; the workers' own messages show when each page finishes
        basis = ("last execution times" if all(d in previous for d in notebooks)
                 else "parallel_pages_heaviest")
        logger.info(f"notebook pages start in this order ({basis}): {', '.join(notebooks)}")
    rest = [d for d in docnames if d not in set(notebooks)]
    docnames[:] = notebooks + rest
    _plan.update(docnames=docnames, notebooks=len(notebooks))
    if notebooks:
        _create_cache(env)


def _create_cache(env) -> None:
    config = getattr(env, "mystnb_config", None)
    if config is None or config.execution_mode != "cache" or not config.execution_cache_path:
        return
    from jupyter_cache import get_cache

    get_cache(config.execution_cache_path).list_cache_records()  # creates the database's tables


def write_weights(env, doctreedir: Path, docnames) -> dict[str, tuple[int, int]]:
    """``{page: (images, doctree bytes)}``, what writing a page costs, most first."""
    images = {d: 0 for d in docnames}
    for pages, _ in env.images.values():
        for d in pages:
            if d in images:
                images[d] += 1
    size = {d: (doctreedir / f"{d}.doctree").stat().st_size
            if (doctreedir / f"{d}.doctree").is_file() else 0 for d in docnames}
    return {d: (images[d], size[d]) for d in docnames}


def _write_documents(self, docnames) -> None:
    """``Builder.write_documents``, with ``N`` writers instead of ``N - 1`` (module docstring)."""
    if not self.parallel_ok:
        return _sphinx_write_documents(self, docnames)
    sorted_docnames = sorted(docnames)
    _plan["weights"] = write_weights(self.env, Path(self.doctreedir), sorted_docnames)
    try:
        self._write_parallel(sorted_docnames, nproc=self._app.parallel)
    finally:
        _plan.pop("weights", None)


def make_chunks(arguments, nproc: int, maxbatch: int = 10):
    """Sphinx's chunks, except for the list :func:`order_pages` made (one chunk per notebook
    first) and the pages to write (one chunk per page, the costliest first)."""
    if "weights" in _plan:
        weights = _plan["weights"]
        chunks = [[d] for d in sorted(arguments, key=lambda d: (-weights[d][0], -weights[d][1], d))]
        return chunks[:nproc] + chunks[nproc:][::-1]
    if arguments is not _plan.get("docnames"):
        return _sphinx_make_chunks(arguments, nproc, maxbatch)
    head = int(_plan.pop("notebooks"))
    _plan.pop("docnames")
    chunks = [[doc] for doc in arguments[:head]]
    rest = list(arguments[head:])
    chunks += _sphinx_make_chunks(rest, nproc, maxbatch) if rest else []
    # Sphinx 9's ParallelTasks starts the first nproc chunks at once, then, each time a worker is
    # free, the chunk added LAST of those waiting (dict.popitem). Listed so that they start in
    # the planned order: the first nproc as planned, the others reversed.
    return chunks[:nproc] + chunks[nproc:][::-1]


def _store_one_at_a_time() -> None:
    """Wrap jupyter-cache's ``cache_notebook_bundle`` in an exclusive lock on ``<cache>/.store.lock``."""
    from jupyter_cache.cache.main import JupyterCacheBase

    store = JupyterCacheBase.cache_notebook_bundle
    if getattr(store, "_one_at_a_time", False):
        return

    @functools.wraps(store)
    def locked(self, *args, **kwargs):
        with _lock(Path(self.path) / ".store.lock"):
            return store(self, *args, **kwargs)

    locked._one_at_a_time = True
    JupyterCacheBase.cache_notebook_bundle = locked


@contextlib.contextmanager
def _lock(path: Path):
    import fcntl

    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def setup(app):
    from pinned import require

    require("docs/_ext/parallel_pages.py (sphinx.builders.make_chunks, and ParallelTasks starting "
            "waiting chunks by dict.popitem)", sphinx="9.0.4")
    require("docs/_ext/parallel_pages.py (jupyter_cache's JupyterCacheBase.cache_notebook_bundle)",
            jupyter_cache="1.0.1")
    require("docs/_ext/parallel_pages.py (Builder.write_documents and _write_parallel(docnames, "
            "nproc), which writes with N - 1 workers)", sphinx="9.0.4")
    _store_one_at_a_time()
    sphinx.builders.make_chunks = make_chunks
    sphinx.builders.Builder.write_documents = _write_documents
    app.add_config_value("parallel_pages_heaviest", [], "", types=[list, tuple])
    app.connect("env-before-read-docs", order_pages)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}

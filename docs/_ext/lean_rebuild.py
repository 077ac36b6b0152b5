"""Sphinx extension: less work in Sphinx's main process on every build.

After the pages are read, everything a build does happens in one process: it walks the whole
site, writes the changed pages and the module pages, and exits. On a rebuild after one page's
experiment module was touched, that is the time the build adds to the page's own execution
(issue 11 allows 15 %). Two things there cost more than they should; neither changes the output.

**The garbage collector.** The main process holds the whole environment, and each rebuild
unpickles every page's doctree (numbered figures are assigned across the site,
``TocTreeCollector.assign_figure_numbers``) and the doctrees of the pages it writes. An unpickled
doctree is tens of thousands of new container objects, and with CPython's default thresholds
``(700, 10, 10)`` every 700 of them start a collection, and often enough a full one that walks the
environment too. Measured on a rebuild after one page's prose was edited (2 cores, idle, main at
6671176): unpickling the site's 26 doctrees took 0.52 s with the collector on and 0.10 s with it
off; the whole rebuild went from 4.4 s to 3.3 s with :data:`THRESHOLDS` (2.7 s with the collector
off, which this extension does not do: cycles are still collected). At exit the interpreter runs
one more full collection over everything the build left, about 0.6 s on that rebuild;
:func:`gc.freeze` at exit puts those objects out of its reach (the process frees them all the
same). Worker processes forked by ``-j N`` inherit the thresholds; notebook kernels are separate
interpreters and keep their defaults.

**viewcode's freshness check.** ``sphinx.ext.viewcode`` rewrites a module's highlighted source
page when the module's file is newer than the page. To find that file it imports the module
(``ModuleAnalyzer.get_module_source``), so the main process imported every page module, and with
them matplotlib: about 0.3 s of every rebuild, for a path. :func:`module_file` finds the same file
with the import system's finders, which locate a module without running it; a module already
imported gives its ``__file__``. viewcode's own ``viewcode-find-source`` event keeps precedence, as
in ``get_module_filename``, which this replaces.

**Doctrees that carry the environment.** MyST-Parser (5.0) parses an ``{eval-rst}`` block, as the
API pages' ``automodule`` directives are, into a document of its own that shares the page's
settings, environment included, and moves its nodes into the page; each node still names that
document as its own (``node.document``). Sphinx drops the environment from a doctree before
pickling it (``Builder.write_doctree``) but not from those documents, so every API page's doctree
held a copy of the whole environment: 1.7-1.9 MB for a page of 20-60 kB, unpickled by every page
written after it that refers to it. :func:`_rehome_nodes` makes every node of a page name the
page's document (``doctree-read``: before it is pickled). Docutils' public ``Node.document``; the
output is unchanged (tests/build/test_lean_rebuild.py checks the doctrees' size and the pages).

**An environment that carries the exercise pages.** sphinx-exercise (1.2.1) keeps every exercise
and solution of the site in ``env.sphinx_exercise_registry``: a deep copy of each exercise node, and
each solution's node itself, still in its page's doctree. The copies' nodes keep naming the page's
document and a solution node keeps its parent, so pickling the environment pickled the whole doctree
of every page with exercises, once per exercise (each registry node 320 kB on why): the environment
was 2.06 MB, of which the registry 1.43 MB. With ``-j N`` every worker hands its environment back
pickled and the main process unpickles it, one chunk after another. :func:`_detach_exercises`
replaces each entry the page just read with a copy that stands alone (no parent, no document); the
extension reads only its attributes and title text from it, so the pages are unchanged
(tests/build/test_lean_rebuild.py).

**Templates compiled anew.** The HTML templates (Sphinx's, the themes') were compiled from source by
every build before its first page could be written: 0.3 s of a rebuild that writes a handful of
pages. Jinja's own bytecode cache keeps them compiled in ``_build/jinja_bytecode`` (beside the
doctrees); Jinja checks each entry against its template's source and the Python version, and
writes it atomically, so worker processes can share it.
"""

from __future__ import annotations

import atexit
import gc
import importlib.util
import sys
from importlib.machinery import PathFinder
from pathlib import Path

# A young-generation collection every 50,000 net allocations instead of 700; the older
# generations keep CPython's ratios to it.
THRESHOLDS = (50_000, 20, 10)


def module_file(modname: str) -> Path | None:
    """The source file of module ``modname`` (dotted), found without importing it or its
    packages; ``None`` if it has no file (a built-in, a namespace package) or cannot be found.

    >>> module_file("json.decoder").name, module_file("no_such_module_here") is None
    ('decoder.py', True)
    """
    module = sys.modules.get(modname)
    if module is not None:
        filename = getattr(module, "__file__", None)
        return Path(filename) if filename else None
    parts = modname.split(".")
    try:  # the top-level name through every finder (editable installs have their own)
        spec = importlib.util.find_spec(parts[0])
    except (ImportError, ValueError):
        return None
    for depth in range(2, len(parts) + 1):  # submodules: a path search in the parent's folders
        if spec is None or spec.submodule_search_locations is None:
            return None
        spec = PathFinder.find_spec(".".join(parts[:depth]), spec.submodule_search_locations)
    if spec is None:
        return None
    return Path(spec.origin) if spec.has_location and spec.origin else None


def _viewcode_module_file(app, modname: str):
    """``sphinx.ext.viewcode.get_module_filename`` without the import."""
    if app.events.emit_firstresult("viewcode-find-source", modname):
        return None
    found = module_file(modname)
    if found is None or found.suffix not in (".py", ".pyw"):
        return None
    from sphinx.util._pathlib import _StrPath

    return _StrPath(found)


def _cache_compiled_templates(app) -> None:
    environment = getattr(getattr(app.builder, "templates", None), "environment", None)
    if environment is None or environment.bytecode_cache is not None:
        return
    from jinja2 import FileSystemBytecodeCache

    folder = Path(app.doctreedir).parent / "jinja_bytecode"
    folder.mkdir(parents=True, exist_ok=True)
    environment.bytecode_cache = FileSystemBytecodeCache(str(folder))


def _rehome_nodes(app, doctree) -> None:
    """Every node of ``doctree`` names ``doctree`` as its document (see the module docstring)."""
    from docutils import nodes

    for node in doctree.findall(nodes.Node):
        if node.document is not doctree:
            node.document = doctree


def _detach_exercises(app, doctree) -> None:
    """The page's entries of sphinx-exercise's registry as copies that stand alone (see the module
    docstring)."""
    registry = getattr(app.env, "sphinx_exercise_registry", None)
    if not registry:
        return
    from docutils import nodes

    for entry in registry.values():
        if entry.get("docname") != app.env.docname:
            continue
        copy = entry["node"].deepcopy()  # a new tree: no parent; its nodes still name the document
        for node in copy.findall(nodes.Node):
            node.document = None
        entry["node"] = copy


def setup(app):
    gc.set_threshold(*THRESHOLDS)
    app.connect("doctree-read", _rehome_nodes)
    if "sphinx_exercise" in app.config.extensions:
        from pinned import require

        require("docs/_ext/lean_rebuild.py (sphinx_exercise's env.sphinx_exercise_registry)",
                sphinx_exercise="1.2.1")
        app.connect("doctree-read", _detach_exercises)
    app.connect("builder-inited", _cache_compiled_templates)
    atexit.register(gc.freeze)
    if "sphinx.ext.viewcode" in app.config.extensions:
        from pinned import require

        require("docs/_ext/lean_rebuild.py (sphinx.ext.viewcode.get_module_filename, "
                "sphinx.util._pathlib._StrPath)", sphinx="9.0.4")
        import sphinx.ext.viewcode

        sphinx.ext.viewcode.get_module_filename = _viewcode_module_file
    return {"parallel_read_safe": True, "parallel_write_safe": True}

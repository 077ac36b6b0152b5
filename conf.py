"""Sphinx configuration for the xavier site.

Built from the repository root with ``sphinx-build -c . docs _build/html`` (see the Makefile), so
``html_static_path`` is relative to the repository root, while ``exclude_patterns`` are relative
to ``docs/``.
"""

from __future__ import annotations

import doctest
import functools
import hashlib
import importlib
import os
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent

# -- Project ---------------------------------------------------------------------------------------

project = "xavier"
author = "the xavier authors"
copyright = "the xavier authors"  # no year: SOURCE_DATE_EPOCH=0 would turn this year into 1970
release = version = "0.1.0"
language = "en"

# -- Extensions ------------------------------------------------------------------------------------

extensions = [
    "myst_nb",
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
    "sphinx.ext.mathjax",
    "sphinx.ext.doctest",
    "sphinx.ext.viewcode",
    "sphinx_design",
    "samebytes",  # docs/_ext: a rebuild writes the same bytes as a clean build
    "parallel_pages",  # docs/_ext: with -j N, N notebook pages execute at a time
    "lean_rebuild",  # docs/_ext: less work in the main process (garbage collector, viewcode)
    "plain_status",  # docs/_ext: the execution table's status in words, not emoji
    "sphinx_copybutton",
    "readers",  # docs/_ext: focus kept by copy buttons and drawers, print in the light theme
    "pdf_edition",  # docs/_ext: the download menu offers the PDF that `make pdf` writes
]

exclude_patterns = ["_build", ".venv", "node_modules", "**.ipynb_checkpoints", "_static"]
myst_enable_extensions = ["amsmath", "dollarmath", "colon_fence"]
numfig = True
# Every cross-reference must resolve (the Makefile passes -n too). The build is offline (no
# intersphinx), so references to numpy's or the standard library's objects, which come from the
# type hints in signatures, are shown without a link: see `_unlinked_external` below.
nitpicky = True

# -- MyST-NB execution ------------------------------------------------------------------------------
# Pages are text notebooks executed at build time, their outputs cached by jupyter-cache, which keys
# a notebook on the source of its code cells. A page's execution key is the digest of the library
# (xavier/) and of the experiment modules beside the pages (docs/*.py) that the page imports,
# followed through their own imports. `_add_execution_key` writes the key into a removed first cell,
# so the cache misses exactly when it changes, and `_outdated_by_key` makes Sphinx read such a page
# again although its .md is unchanged: editing docs/why.py runs the "why" page again and no other;
# editing the library runs every page. A rebuild with nothing changed runs nothing.

sys.path.insert(0, str(ROOT / "docs"))  # autodoc of the experiment modules (docs/api/experiments)
sys.path.insert(0, str(ROOT / "docs" / "_ext"))  # the project's own Sphinx extensions

_IMPORT = re.compile(r"^\s*(?:from\s+(\w+)[\w.]*\s+import|import\s+(\w+))|automodule::\s+(\w+)", re.M)


def _digest(paths, base: Path) -> str:
    """sha256 over the relative paths and contents of ``paths``."""
    h = hashlib.sha256()
    for path in sorted(paths, key=lambda p: p.relative_to(base).as_posix()):
        h.update(path.relative_to(base).as_posix().encode() + b"\0")
        h.update(path.read_bytes() + b"\0")
    return h.hexdigest()


@functools.lru_cache(maxsize=None)  # conf.py runs anew for every build: one digest per build
def _library_digest(package: Path) -> str:
    """sha256 over ``xavier/**/*.py`` and ``xavier/_data/*`` (it was computed for every page)."""
    files = set(package.rglob("*.py")) | {p for p in package.glob("_data/*") if p.is_file()}
    return _digest(files, package)


def _page_modules(text: str, srcdir: Path) -> list[Path]:
    """The modules of ``srcdir`` that ``text`` imports, directly or through each other."""
    found: dict[str, Path] = {}
    todo = [text]
    while todo:
        for match in _IMPORT.finditer(todo.pop()):
            name = next(g for g in match.groups() if g)
            path = srcdir / f"{name}.py"
            if name not in found and path.is_file():
                found[name] = path
                todo.append(path.read_text(encoding="utf-8"))
    return list(found.values())


def _execution_key(app, text: str) -> str:
    srcdir = Path(app.srcdir)
    modules = _page_modules(text, srcdir)
    names = ", ".join(sorted(p.name for p in modules)) or "none"
    library = _library_digest(Path(app.config.xavier_library))[:16]
    return f"library {library}; modules {names}: {_digest(modules, srcdir)[:16]}"


_FRONT_MATTER = re.compile(r"\A---\n.*?\n---\n", re.S)


def _add_execution_key(app, docname: str, source: list[str]) -> None:
    """Record the page's execution key and, in a notebook page, add it as a removed first cell."""
    key = _execution_key(app, source[0])
    app.env.xavier_execution_keys = getattr(app.env, "xavier_execution_keys", {})
    app.env.xavier_execution_keys[docname] = key
    front = _FRONT_MATTER.match(source[0])
    if front and "{code-cell}" in source[0] and "kernelspec:" in front.group(0):
        cell = f"```{{code-cell}} ipython3\n:tags: [remove-cell]\n# execution key: {key}\n```\n\n"
        source[0] = front.group(0) + "\n" + cell + source[0][front.end():]


def _outdated_by_key(app, env, added, changed, removed) -> list[str]:
    """Pages whose execution key changed since they were read (their modules or the library)."""
    keys = getattr(env, "xavier_execution_keys", {})
    outdated = []
    for docname, key in keys.items():
        if docname in added or docname in changed or docname in removed:
            continue
        path = Path(env.doc2path(docname))
        if path.is_file() and _execution_key(app, path.read_text(encoding="utf-8")) != key:
            outdated.append(docname)
    return outdated


def _purge_key(app, env, docname) -> None:
    getattr(env, "xavier_execution_keys", {}).pop(docname, None)


def _merge_keys(app, env, docnames, other) -> None:
    env.xavier_execution_keys = getattr(env, "xavier_execution_keys", {})
    for docname in docnames:
        if docname in getattr(other, "xavier_execution_keys", {}):
            env.xavier_execution_keys[docname] = other.xavier_execution_keys[docname]


# With -j N the notebook pages execute N at a time, each starting when a worker is free
# (docs/_ext/parallel_pages.py), the slowest first. On a build with no record of the last execution
# times (a clean build) they start in this order, so that the slowest page is not left to start
# last, alone on one core. Slowest first, as measured on an idle machine (reproducibility page's
# table, `make bench`); tests/build/test_page_order.py checks that it names every notebook page.
parallel_pages_heaviest = ["xavier_init", "why", "beyond", "justification", "signals", "conclusion",
                           "reproducibility"]

xavier_library = str(ROOT / "xavier")
nb_execution_mode = "cache"
nb_execution_cache_path = str(ROOT / "_build" / ".jupyter_cache")
nb_execution_raise_on_error = True
nb_execution_show_tb = True
nb_execution_timeout = 300  # seconds, per cell
nb_merge_streams = True
# Markdown that a cell outputs (the tables of the reproducibility page) is parsed as MyST, so
# tables and roles such as {doc} render.
nb_render_markdown_format = "myst"
nb_ipywidgets_js = {}  # never load widget managers from a CDN

# Reproducible outputs: the kernels inherit this environment. Metadata dates in SVG/PDF figures
# follow SOURCE_DATE_EPOCH; SVG element ids are hashed with svg.hashsalt (a random uuid when unset).
os.environ.setdefault("SOURCE_DATE_EPOCH", "0")
os.environ.setdefault("PYTHONHASHSEED", "0")
# One BLAS thread in the kernels: on 2 cores the pages' matrices are too small to gain from a
# second thread (cold build 49 s instead of 56 s here), and a multi-threaded BLAS that loses a
# core to another process stalls (the MNIST page took 65 s instead of 15 s on a busy machine).
os.environ["OPENBLAS_NUM_THREADS"] = "1"
_mplrc = ROOT / "_build" / "matplotlibrc"
_mplrc.parent.mkdir(parents=True, exist_ok=True)
_mplrc.write_text("svg.hashsalt: xavier\n")
os.environ["MATPLOTLIBRC"] = str(_mplrc)

# -- HTML / theme ----------------------------------------------------------------------------------
# Nothing may be fetched from another host: no repository, launch or issue buttons, no remote fonts.

html_theme = "sphinx_book_theme"
html_title = "xavier: initializing neural networks"
# The site's web address (a placeholder until it is published): printed pages and the PDF edition
# give it for the live widgets, and each page names its address in <link rel="canonical">.
html_baseurl = "https://xavier.example.org/"
html_static_path = ["docs/_static"]
# A site icon, so that browsers do not ask the server for a missing /favicon.ico on every page.
html_favicon = "docs/_static/favicon.svg"
templates_path = ["docs/_templates"]  # search-button-field.html: see its comment
html_css_files = ["custom.css"]
html_last_updated_fmt = None
html_show_sphinx = False
html_theme_options = {
    "repository_url": "",
    "use_repository_button": False,
    "use_issues_button": False,
    "use_edit_page_button": False,
    "use_source_button": False,
    "use_download_button": True,
    "launch_buttons": {},
    "icon_links": [],
    # pydata-sphinx-theme >= 0.18 fills an unset `navbar_persistent` with the search field, which
    # draws its own header, with a second `.primary-toggle` button, above sphinx-book-theme's
    # article header (whose theme.conf leaves navbar_persistent empty). Both themes' scripts bind
    # the first `.primary-toggle` in the page, the hidden one: the visible button was dead at every
    # width (pydata-sphinx-theme#2451, sphinx-book-theme#917). Set explicitly, as the book theme
    # means it, the header is not drawn and the article header's button is the only one.
    "navbar_persistent": [],
    "show_toc_level": 2,
    "footer_content_items": ["copyright.html"],
}
# pydata-sphinx-theme's mode on a first visit: follow the system. Unset, the theme's head script
# writes an empty mode and its main script logs "Got invalid theme mode" on every first visit.
html_context = {"default_mode": "auto"}

# -- Copy buttons ----------------------------------------------------------------------------------
# On code a reader runs (cell inputs, code blocks), not on cell outputs. What a button copies is
# the block's input lines and nothing else: in a doctest (`>>> `, `... `) or console (`$ `) block
# only the lines after a prompt, without the prompt; a line ending in a backslash carries its
# command onto the next line. sphinx-copybutton finds the prompts in the block's text, so they must
# stay in it: excluding Pygments' prompt spans (.gp) left no prompt to find, and every line was
# copied, tracebacks and the empty lines left where the excluded output (.go) was. Empty lines
# between examples are not input. A block without any prompt (a notebook cell) is copied whole.
# docs/_ext/readers.py keeps the focus on the button after a copy and shows its tooltip to the
# keyboard too; tests/browser/test_readers.py compares every button's copy with the input lines.
# The highlighted module sources (viewcode's pages, whose blocks hold `.viewcode-block`s) get no
# button: their docstrings' examples start lines with `>>> `, and the button would copy only those.
copybutton_selector = "div.highlight pre:not(.cell_output pre, :has(.viewcode-block))"
copybutton_exclude = ".linenos"
copybutton_prompt_text = r">>> |\.\.\. |\$ "
copybutton_prompt_is_regexp = True
copybutton_only_copy_prompt_lines = True
copybutton_copy_empty_lines = False
copybutton_line_continuation_character = "\\"

# -- autodoc / napoleon ----------------------------------------------------------------------------

autodoc_member_order = "bysource"
autodoc_typehints = "signature"
napoleon_google_docstring = False
napoleon_numpy_docstring = True
# Type lines such as "ndarray of shape (n_in, m)" stay text instead of becoming cross-references
# word by word ("ndarray", "shape", "n_in"): in Parameters and Returns through these two settings,
# in a class's Attributes through `_plain_attribute_types` below.
napoleon_use_param = False
napoleon_use_rtype = False

# `make doctest` runs the doctest blocks of every page: the {doctest}/{testcode} blocks of the
# pages and the docstring examples of the API reference, whose pages (docs/api/) each run a
# `testsetup` that loads their module's namespace, as pytest --doctest-modules does.
doctest_test_doctest_blocks = "default"
doctest_global_setup = "import numpy as np"
# The same flags as pytest's doctest_optionflags in pyproject.toml (exception messages are checked).
doctest_default_flags = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE

# -- Math ------------------------------------------------------------------------------------------
# MathJax 4 and its default font (New Computer Modern) come from npm (package.json, installed by the
# Makefile) and are copied into _static/mathjax when an HTML build finishes; `mathjax_path` is
# relative to _static. MathJax 4 rather than 3: it breaks display maths that is too wide for its
# column into lines (MathJax 3 cannot), so no formula is cut off on a phone.

MATHJAX_SRC = ROOT / "node_modules" / "mathjax"
MATHJAX_FONT = ROOT / "node_modules" / "@mathjax" / "mathjax-newcm-font"
# The entry script plus what it loads lazily (TeX extensions, the menu, the accessibility tools and
# the speech rules); the other bundles and the node adaptors are left out. Of the font, the CHTML
# woff2 files and the character data loaded on demand (its SVG and module copies are not used).
MATHJAX_PARTS = ["tex-chtml.js", "input", "output", "ui", "a11y", "sre", "LICENSE"]
mathjax_path = "mathjax/tex-chtml.js"
mathjax4_config = {
    # The font is served from _static/mathjax/fonts, not from a CDN (MathJax's default).
    "loader": {"paths": {"fonts": "[mathjax]/fonts"}},
    "output": {
        # A display formula wider than its column is broken into lines, never clipped.
        "displayOverflow": "linebreak",
        "linebreaks": {"inline": True, "width": "100%"},
        # One size for all maths: matching the surrounding font's x-height is measured wrongly
        # in a tab hidden when the page loads (display: none), which typeset its maths 11 %
        # smaller (MathJax issue 2314).
        "matchFontHeight": False,
    },
    # Speech and Braille strings are not computed when a page loads: that needs the speech rule
    # engine (its worker and three rule files, 1.2 MB, half of a page's first load). Screen readers
    # read the MathML that MathJax puts beside each formula; a reader can switch speech on in
    # MathJax's menu (right-click on a formula).
    "options": {"menuOptions": {"settings": {"speech": False, "braille": False}}},
}


def _copy_mathjax(app, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    for needed in (MATHJAX_SRC / "tex-chtml.js", MATHJAX_FONT / "chtml"):
        if not needed.exists():
            raise FileNotFoundError(f"{needed} is missing: run `npm ci` (make html does)")
    dest = Path(app.outdir) / "_static" / "mathjax"
    for part in MATHJAX_PARTS:
        _copy_changed(MATHJAX_SRC / part, dest / part)
    font = dest / "fonts" / "mathjax-newcm-font"
    _copy_changed(MATHJAX_FONT / "chtml", font / "chtml")
    _copy_changed(MATHJAX_FONT / "chtml.js", font / "chtml.js")


def _copy_changed(src: Path, dest: Path) -> None:
    """Copy the file or tree ``src`` to ``dest``, skipping files whose size and modification time
    already match (copies keep the source's time). Sphinx's ``copy_asset`` compared the 243 files'
    9.7 MB byte by byte on every build, 0.17 s of each rebuild."""
    import shutil

    for path in sorted(src.rglob("*")) if src.is_dir() else [src]:
        if not path.is_file():
            continue
        target = dest / path.relative_to(src) if src.is_dir() else dest
        have = target.stat() if target.is_file() else None
        want = path.stat()
        if have is None or (have.st_size, have.st_mtime_ns) != (want.st_size, want.st_mtime_ns):
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, target)


# -- Accessible names (axe-core: zero serious violations) ------------------------------------------


def _visit_hidden_cell(self, node) -> None:
    """MyST-NB's "Show code cell source" expander, without its aria-label.

    MyST-NB names the ``<summary>`` "Toggle hidden content", which does not contain the visible
    text "Show code cell source" (axe-core's label-content-name-mismatch); without the attribute
    the name is the visible text. Otherwise as ``myst_nb.sphinx_.visit_HideCellInput``.
    """
    from html import escape

    self.body.append(f'<details class="admonition hide {" ".join(node["classes"])}">\n')
    self.body.append("<summary>\n")
    self.body.append(f'<p class="collapsed admonition-title">{escape(node["prompt_show"])}</p>\n')
    self.body.append(f'<p class="expanded admonition-title">{escape(node["prompt_hide"])}</p>\n')
    self.body.append("</summary>\n")


_FIRST_PAINT = (
    "var t = document.documentElement.dataset.theme; if (t !== 'light' && t !== 'dark')"
    " document.documentElement.dataset.theme ="
    " matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';")
"""Runs in <head> before the first paint: a first visit (nothing in localStorage) follows the
system's colour scheme at once. The theme itself decides the same only when its deferred script
runs, after the page's scripts and fonts have loaded (1-4 s of a light page in dark mode)."""

_IMG = re.compile(r"<img (?![^>]*\bloading=)")
_FIGURE_IMG = re.compile(r'(<figure class="[^"]*)("[^>]*>\s*)(<img [^>]*?src="([^"]+\.png)"[^>]*?)\s*/?>')


def _figure_images(app, pagename, templatename, context, doctree) -> None:
    """Figures: lazy, shown at the size of 100 dpi, full width on a desktop, a tap opens them.

    Every image loads when scrolled to (``loading="lazy"``). The figures' PNGs are drawn at
    ``plotting.PNG_DPI`` (200 dpi), twice the pixels of the size they are shown at: each gets a
    ``width`` of half its pixel width, and a link to the file itself, so that a tap or a click
    opens the full, sharp image, where a phone can zoom. A figure gets the book theme's
    ``full-width`` class: on a desktop it takes the margin too (custom.css), the sidebar's table
    of contents giving way while it is in view.
    """
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


def _notebook_download(app, pagename, templatename, context, doctree) -> None:
    """Offer the executed notebook of an executed page in the download menu.

    MyST-NB writes each executed page as ``jupyter_execute/<page>.ipynb`` beside the HTML
    output; sphinx-book-theme lists an ``.ipynb`` download when ``ipynb_source`` is set (as for
    a page written as a notebook). The files are copied into ``_sources`` by :func:`_copy_notebooks`.
    """
    if (Path(app.outdir).parent / "jupyter_execute" / f"{pagename}.ipynb").is_file():
        context["ipynb_source"] = f"{pagename}.ipynb"


def _note_pages_read(app, env, docnames: list[str]) -> None:
    """Remember which pages this build reads (:func:`_copy_notebooks` writes only theirs)."""
    app._xavier_pages_read = set(docnames)


def _copy_notebooks(app, exception) -> None:
    """Write the executed notebooks offered for download, ``_sources/<page>.ipynb``: the same bytes
    whether the page was executed in this build or its outputs came from the execution cache.

    MyST-NB writes ``jupyter_execute/<page>.ipynb`` from the notebook it read. After an execution
    that notebook holds the outputs (less the ``glue`` payloads, which MyST-NB takes out of it);
    when the outputs come from the cache it holds none, since the cache merges them into a copy. So
    the download is made from the cache's record: its outputs merged into the page's cells, less
    the glue payloads (outputs whose metadata holds ``scrapbook``), which is, byte for byte, what an
    execution leaves (``tests/build/test_rebuild_bytes.py``). Without a record (execution off, or
    pruned) MyST-NB's copy is used. Cells are numbered ``cell-0``, ``cell-1``, ...: nbformat gives
    each cell a random id when MyST-NB reads a page, so two builds would write different files.
    Only the pages read in this build are written (and any download missing); the others' are
    unchanged.
    """
    if exception is not None or app.builder.format != "html":
        return
    import nbformat
    from jupyter_cache import get_cache

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
        for i, cell in enumerate(nb.cells):
            if "id" in cell:
                cell["id"] = f"cell-{i}"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(nbformat.writes(nb), encoding="utf-8")


def _named_toctree_toggles(app, pagename, templatename, context, doctree) -> None:
    """Name the sidebar's expand/collapse toggles (axe-core's summary-name).

    pydata-sphinx-theme draws each collapsible entry of the navigation as a ``<summary>`` holding
    only a chevron icon, so a screen reader announces a nameless control. Each one is named after
    the link it belongs to ("Pages under API reference").
    """
    make = context.get("generate_toctree_html")
    if make is None or getattr(make, "_xavier_named", False):
        return
    from bs4 import BeautifulSoup

    def named(*args, **kwargs):
        soup = BeautifulSoup(str(make(*args, **kwargs)), "html.parser")
        for summary in soup.select("details > summary"):
            if summary.get_text(strip=True):
                continue
            link = summary.parent.find_previous_sibling("a")
            title = link.get_text(" ", strip=True) if link is not None else "this section"
            summary["aria-label"] = f"Pages under {title}"
        return str(soup)

    named._xavier_named = True
    context["generate_toctree_html"] = named


# -- Widgets ---------------------------------------------------------------------------------------
# The two widgets (docs/_static/widgets/) draw with d3 7.9.2 from npm: the UMD builds of the d3
# modules they use, concatenated in dependency order into one file when an HTML build finishes,
# and loaded (with widgets.js/.css) only by the pages that hold a widget.

D3_MODULES = ["array", "color", "interpolate", "format", "time", "time-format", "scale", "selection",
              "path", "shape", "axis"]


def _copy_d3(app, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    parts = []
    for name in D3_MODULES:
        src = ROOT / "node_modules" / f"d3-{name}" / "dist" / f"d3-{name}.min.js"
        if not src.is_file():
            raise FileNotFoundError(f"{src} is missing: run `npm ci` (make html does)")
        parts.append(src.read_text(encoding="utf-8").rstrip() + "\n")
    dest = Path(app.outdir) / "_static" / "widgets"
    dest.mkdir(parents=True, exist_ok=True)
    (dest / "d3-widgets.min.js").write_text("".join(parts), encoding="utf-8")
    (dest / "d3-LICENSE").write_bytes((ROOT / "node_modules" / "d3" / "LICENSE").read_bytes())


def _widget_assets(app, pagename, templatename, context, doctree) -> None:
    # The builder's lists, not the app's registry: the builder restores them after each page.
    if doctree is not None and "xw-widget" in context.get("body", ""):
        app.builder.add_js_file("widgets/d3-widgets.min.js", defer="defer")
        app.builder.add_js_file("widgets/widgets.js", defer="defer")
        app.builder.add_css_file("widgets/widgets.css")
        import framedata

        _widget_side_files(app, pagename, framedata.side_file_names(context["body"]))


def _widget_side_files(app, pagename: str, names: list[str]) -> None:
    """Write the frames a widget loads on demand (``data-extra``, docs/framedata.py) beside its page.

    The page glued them as JSON text (``glue("xw_files_...", Pretty(json.dumps({name: text})),
    display=False)``),
    so they are in MyST-NB's ``jupyter_execute/<page>.glue.json`` whether the page was executed or
    taken from the execution cache. A name the page refers to but did not glue stops the build.
    """
    if not names:
        return
    import json

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


# -- Setup -----------------------------------------------------------------------------------------


def _plain_attribute_types(app, what, name, obj, options, lines) -> None:
    """Keep the types of a class's Attributes section as text.

    napoleon renders each attribute as ``.. attribute::`` with a ``:type:`` field, which Sphinx
    would split into one class reference per word; ``:Type:`` is an ordinary field. Runs after
    napoleon. Module-level data keep their ``:type:``, so a first docstring line that napoleon
    misreads as "type: description" still shows up as a broken reference.
    """
    if what == "class":
        lines[:] = [re.sub(r"^(\s*):type: ", r"\1:Type: ", line) for line in lines]


def _unlinked_external(app, env, node, contnode):
    """Show a Python reference to an existing object outside xavier as plain code, without a link.

    Only names that resolve in an importable module (``numpy.ndarray``,
    ``collections.abc.Sequence``) are let through, so a misspelt name, or a reference to an
    undocumented xavier object, still fails the nitpicky build.
    """
    target = node.get("reftarget", "")
    if node.get("refdomain") != "py" or target.split(".")[0] in ("", "xavier"):
        return None
    return contnode if _external_object_exists(target) else None


@functools.lru_cache(maxsize=None)  # the API pages name the same few objects hundreds of times
def _external_object_exists(target: str) -> bool:
    """Whether the dotted name ``target`` (``np.`` read as ``numpy.``) is an object of an
    importable module."""
    parts = target.split(".")
    if parts[0] == "np":  # unevaluated annotations keep the project's alias
        parts[0] = "numpy"
    for i in range(len(parts), 0, -1):
        try:  # imported here: an incremental build may not have imported the module yet
            obj = importlib.import_module(".".join(parts[:i]))
        except ImportError:
            continue
        for attr in parts[i:]:
            obj = getattr(obj, attr, None)
            if obj is None:
                return False
        return True
    return False


def setup(app):
    app.add_config_value("xavier_library", xavier_library, "env")
    app.connect("source-read", _add_execution_key)
    app.connect("env-get-outdated", _outdated_by_key)
    app.connect("env-purge-doc", _purge_key)
    app.connect("env-merge-info", _merge_keys)
    app.connect("autodoc-process-docstring", _plain_attribute_types, priority=600)
    app.connect("missing-reference", _unlinked_external)
    # Before the first page is written, so every page links it alike (docs/_ext/samebytes.py).
    app.connect("write-started", lambda app, builder: _copy_mathjax(app, None))
    app.connect("write-started", lambda app, builder: _copy_d3(app, None))
    app.connect("html-page-context", _widget_assets)
    app.connect("html-page-context", _named_toctree_toggles, priority=900)  # after the theme's
    app.connect("html-page-context", _figure_images)
    app.connect("html-page-context", _notebook_download, priority=400)  # before the book theme's
    app.connect("env-before-read-docs", _note_pages_read)
    app.connect("build-finished", _copy_notebooks)
    app.add_js_file(None, body=_FIRST_PAINT, priority=1)
    from myst_nb.sphinx_ import HideCodeCellNode

    app.add_node(HideCodeCellNode, override=True, html=(_visit_hidden_cell,
                                                        lambda self, node: self.body.append("</details>\n")))
    return {"parallel_read_safe": True, "parallel_write_safe": True}

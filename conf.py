"""Sphinx configuration for the xavier site: settings, and the list of extensions.

Built from the repository root with ``sphinx-build -c . docs _build/html`` (see the Makefile), so
``html_static_path`` is relative to the repository root, while ``exclude_patterns`` are relative
to ``docs/``. The site's own code is in the extensions of ``docs/_ext/``, each saying in its
docstring what it does and why.
"""

from __future__ import annotations

import doctest
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

sys.path.insert(0, str(ROOT / "docs"))  # the pages' modules (framedata, for widget_assets)
sys.path.insert(0, str(ROOT / "docs" / "_ext"))  # the site's own extensions

extensions = [
    # first, so that the kernel server's imports overlap Sphinx's start (docs/_ext/warm_kernels.py)
    "kernel_environment",  # the notebook kernels' environment: one BLAS thread, fixed SVG ids
    "warm_kernels",  # each page's kernel forked from one process that imported numpy, matplotlib...
    "myst_nb",
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
    "sphinx.ext.doctest",
    "sphinx.ext.viewcode",
    "sphinx_design",
    "sphinx_copybutton",
    "sphinx_exercise",  # exercises and their solutions, the solutions collapsed (issue 19)
    "sphinx_togglebutton",  # collapses a solution with :class: dropdown, as sphinx-exercise documents
    "sphinxcontrib.bibtex",  # {cite} and {bibliography} from docs/references.bib
    "bibtex_plugins",  # pybtex's plugins found once per build, not once per citation
    # docs/_ext, the site's own:
    "execution_keys",  # a page executes again exactly when its code (library, modules) changed
    "parallel_pages",  # with -j N, N notebook pages execute at a time, the slowest first
    "kernel_ports",  # kernels' ports picked so that no other process takes them before the kernel
    "samebytes",  # two clean builds and a rebuild write the same bytes
    "plain_status",  # the execution table's status in words, not emoji
    "lean_rebuild",  # less work in the main process (garbage collector, viewcode, templates)
    "vendored_assets",  # d3 copied from node_modules: nothing from another host
    "widget_assets",  # the widgets' scripts and frame files, on the pages that hold one
    "notebook_downloads",  # an executed page offers its executed notebook
    "stream_merge",  # a cell's printed output merged the same way however the kernel cut it
    "figure_images",  # figures lazy, at their drawn size, a tap opens them
    "accessible_html",  # accessible names; the first paint in the reader's colour scheme
    "api_references",  # type hints outside xavier shown without a link, misspelt names fail
    "theme_overrides",  # the theme templates the site changes, tied to the exact files they copy
    "lesson",  # Going-deeper boxes and exercise solutions printed open
    "box_code",  # a Going-deeper box's code shown inside the box, not in a toggle after it
    "phone_tables",  # tables of four columns or more stack their rows on a phone
    "buildmath",  # maths typeset at build time (SVG and MathML), no MathJax in the pages
    "firstpaint",  # scripts deferred, images with their intrinsic size
    "lazy_layout",  # code blocks laid out when near the screen; the theme's Tab-stop scan too
    "readers",  # focus kept by copy buttons and drawers, print in the light theme
    "pdf_edition",  # the download menu offers the PDF that `make pdf` writes
    "unused_css",  # the themes' style sheets cut to the rules the pages use (PurgeCSS)
    "css_bundle",  # a page links one style sheet: its sheets joined in order
]

exclude_patterns = ["_build", ".venv", "node_modules", "**.ipynb_checkpoints", "_static"]
myst_enable_extensions = ["amsmath", "dollarmath", "colon_fence"]
bibtex_bibfiles = ["docs/references.bib"]  # relative to conf.py's folder, the repository root
bibtex_reference_style = "author_year"
bibtex_default_style = "plain"  # sorted by author
togglebutton_hint = "Show the solution"
togglebutton_hint_hide = "Hide the solution"
togglebutton_selector = ".admonition.solution.dropdown"
numfig = True
# Every cross-reference must resolve (the Makefile passes -n too). The build is offline (no
# intersphinx): see docs/_ext/api_references.py.
nitpicky = True
# The site's own code: when a file under these folders changes, every page is read and written again
# (docs/_ext/samebytes.py).
site_code = [str(ROOT / "docs" / "_ext")]
node_modules = str(ROOT / "node_modules")  # vendored_assets copies d3 from here, buildmath runs MathJax

# -- MyST-NB execution ------------------------------------------------------------------------------
# Pages are text notebooks executed at build time, their outputs cached by jupyter-cache; a page
# executes again when the library or a module it imports changes (docs/_ext/execution_keys.py).

xavier_library = str(ROOT / "xavier")
# With -j N the notebook pages execute N at a time (docs/_ext/parallel_pages.py), the slowest
# first. On a build with no record of the last execution times (a clean build) they start in this
# order, so that the slowest page is not left to start last, alone on one core. Slowest first, as
# measured on an idle machine (`make bench`); tests/build/test_page_order.py checks that it names
# every notebook page.
parallel_pages_heaviest = ["xavier_init", "why", "beyond", "normalization", "justification", "signals", "scaling", "conclusion",
                           "reproducibility"]
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

# -- HTML / theme ----------------------------------------------------------------------------------
# Nothing may be fetched from another host: no repository, launch or issue buttons, no remote fonts.

html_theme = "sphinx_book_theme"
html_title = "xavier: initializing neural networks"
# The site's web address, empty until it is published: a placeholder host printed as the live
# widgets' address (a fresh reader's finding, session 27). Set, printed pages and the PDF edition
# give it for the live widgets, and each page names its address in <link rel="canonical">; empty,
# they name the page itself (docs/_ext/readers.py) and Sphinx writes no canonical link.
html_baseurl = ""
html_static_path = ["docs/_static"]
# A site icon, so that browsers do not ask the server for a missing /favicon.ico on every page.
html_favicon = "docs/_static/favicon.svg"
templates_path = ["docs/_templates"]  # the theme templates changed: docs/_ext/theme_overrides.py
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
# in a class's Attributes through docs/_ext/api_references.py.
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
# Every formula is typeset when the site is built, by MathJax 4 in Node (npm `mathjax` and its font,
# package.json), into SVG with its MathML beside it for screen readers: docs/_ext/buildmath.py. The
# pages load no MathJax.

html_math_renderer = "buildmath"

# -- Style sheets ----------------------------------------------------------------------------------
# Cut to the rules the site's pages and scripts can use when the build ends, by PurgeCSS (npm,
# package.json): docs/_ext/unused_css.py. Paths under _static; our own sheets are not cut.
unused_css = ["styles/pydata-sphinx-theme.css", "styles/sphinx-book-theme.css", "mystnb.*.css",
              "sphinx-design.min.css"]

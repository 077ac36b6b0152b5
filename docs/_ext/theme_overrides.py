"""Sphinx extension: the site's changes to the themes' templates, each tied to the exact file it
changes.

pydata-sphinx-theme and sphinx-book-theme offer no option for these changes, so they are made in
templates (``docs/_templates``, ``templates_path``):

* ``layout.html`` extends the theme's layout and overrides two of its blocks (Jinja's own template
  inheritance), filtering the blocks' own output with :func:`without`, which fails the build unless
  it finds each tag it removes exactly once:

  - ``css`` without ``fontawesome.js`` (1.5 MB, 65 % of a page without maths: it only swaps icons
    for SVG and registers custom icons, which this site has none of; the theme's CSS already draws
    every ``<i class="fa-...">`` icon with the Font Awesome web font it ships), and without the
    ``<link rel="preload">`` of ``bootstrap.js`` (82 kB) and ``pydata-sphinx-theme.js``: a preload
    is fetched at high priority beside the style sheets, before the first paint, which neither
    script is needed for (both still run, deferred, from the end of the body);
  - ``extrahead`` without ``searchtools.js``, ``language_data.js`` and the whole ``searchindex.js``
    (88 kB), render-blocking on every page for a search-as-you-type the site has off
    (``search_as_you_type`` is false: the search field sends the reader to ``search.html``, which
    loads them itself).
* :data:`COPIES`: templates copied whole from a theme to change one attribute (where the theme's
  macro has no parameter for it): the download menu's links carry ``download`` (the ``.md`` or
  ``.ipynb`` is saved, not opened in a new tab), and the search field has no ``aria-label``, so its
  name is its visible text (axe-core's label-content-name-mismatch). Each copy records the sha256 of
  the theme file it was made from; when the installed theme's file differs, the build stops and
  names the copy to redo.
"""

from __future__ import annotations

import hashlib
import importlib.util
import re
from pathlib import Path

COPIES = {
    # our template: (package, file in the package, sha256 of that file when it was copied)
    "macros/buttons.html": ("sphinx_book_theme", "theme/sphinx_book_theme/macros/buttons.html",
                            "f00ab51a0c5dd653f31e33abe430b42ea8b6539a13e695051d03e652068aadf2"),
    "article-header-buttons.html": (
        "sphinx_book_theme", "theme/sphinx_book_theme/components/article-header-buttons.html",
        "01d586c72ac254751e3563afd78f372bb42dfb8be53a09baa864875352938443"),
    "search-button-field.html": (
        "pydata_sphinx_theme", "theme/pydata_sphinx_theme/components/search-button-field.html",
        "518dda81dd8cd06ab2268f86b25c8257189f237f1b71836afececaa511f40e69"),
}


def upstream_changed() -> list[str]:
    """The copies in :data:`COPIES` whose theme file is no longer the one they were made from."""
    changed = []
    for ours, (package, file, sha256) in COPIES.items():
        spec = importlib.util.find_spec(package)
        path = Path(spec.origin).parent / file if spec and spec.origin else None
        if path is None or not path.is_file() or hashlib.sha256(path.read_bytes()).hexdigest() != sha256:
            changed.append(f"docs/_templates/{ours} (from {package}'s {file})")
    return changed


def without(html: str, *names: str, required: bool = True) -> str:
    """``html`` less each ``<script src=...>`` or ``<link href=...>`` tag (one line) whose address
    ends in one of ``names`` (before any ``?``), and the HTML comment on the line before it, if any.

    With ``required``, a name found other than exactly once raises ``sphinx.errors.ThemeError``
    (the theme changed what the override removes).
    """
    out = str(html)
    for name in names:
        pattern = re.compile(r'(?:[ \t]*<!--[^\n]*-->\n)?[ \t]*<(?:script|link) [^>]*(?:src|href)="(?:[^"]*/)?'
                             + re.escape(name) + r'(?:\?[^"]*)?"[^>]*>(?:</script>)?\n?')
        out, n = pattern.subn("", out)
        if required and n != 1:
            from sphinx.errors import ThemeError

            raise ThemeError(f"docs/_templates/layout.html removes the theme's {name}, but the theme's "
                             f"block has {n} such tags: check the installed pydata-sphinx-theme")
    return out


def _check_copies(app, config) -> None:
    changed = upstream_changed()
    if changed:
        from sphinx.errors import ExtensionError

        raise ExtensionError("the theme changed the files these templates copy; make them again from "
                             "the installed theme and update docs/_ext/theme_overrides.py's COPIES: "
                             + "; ".join(changed))


def _add_filter(app) -> None:
    environment = getattr(getattr(app.builder, "templates", None), "environment", None)
    if environment is not None:
        environment.filters["without"] = without


def setup(app):
    app.connect("config-inited", _check_copies)
    app.connect("builder-inited", _add_filter)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}

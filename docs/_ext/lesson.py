"""Sphinx extension: the parts of a page that make it a lesson, printed open.

A page (issue 19) opens with its takeaway, keeps its main line short, and puts audit detail in
collapsed "Going deeper" boxes and the answers to its exercises in collapsed solutions:

- a Going-deeper box is a sphinx-design dropdown with the class ``going-deeper`` and a title that
  starts "Going deeper:"; it renders as ``<details class="sd-dropdown ... going-deeper">``, which
  opens by keyboard and by screen reader with no script;
- an exercise and its solution come from sphinx-exercise; a solution with ``:class: dropdown`` is
  collapsed by sphinx-togglebutton's script (the combination sphinx-exercise documents).

Paper cannot open a box, so print shows every box and solution open: ``lesson.css`` does it under
``@media print`` (which also covers a browser's print preview and a headless PDF, where no
``beforeprint`` event fires), and ``lesson.js`` opens the ``<details>`` on ``beforeprint`` (and when
the media turns to print) and closes again those it opened afterwards. Both files are in
``docs/_static/lesson/``. ``tests/browser/test_readable.py`` checks the printed page.

The references page (sphinxcontrib-bibtex's ``{bibliography}``) is a ``role="list"`` whose
entries docutils marks ``role="doc-biblioentry"``, a role DPUB-ARIA 1.1 deprecated; axe-core
(tests/browser/test_site.py) then finds a list without list items, a critical violation.
:func:`list_items` gives the entries ``role="listitem"``, in the page's HTML as written.
"""

from __future__ import annotations


BIBLIOENTRY = 'role="doc-biblioentry"'


def list_items(app, pagename, templatename, context, doctree) -> None:
    """The entries of a citation list are list items (see the module docstring)."""
    body = context.get("body")
    if body and BIBLIOENTRY in body:
        context["body"] = body.replace(BIBLIOENTRY, 'role="listitem"')


def setup(app):
    app.connect("html-page-context", list_items)
    app.add_css_file("lesson/lesson.css")
    app.add_js_file("lesson/lesson.js", defer="defer")
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}

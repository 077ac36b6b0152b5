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

sphinx-exercise gives the body of every exercise and solution the same id, ``exercise-content`` or
``solution-content`` (a ``section`` made in its directives and in its transform of gated solutions,
with a TODO that asks whether the id should be a class): a page with three exercises had six
duplicate ids, which HTML forbids and which make a link to ``#solution-content`` land on the first
one. :func:`unique_content_ids` renames each to its exercise's or solution's own id followed by
``-content`` (``why-ex-std-content``, ``why-solution-1-content``) and keeps the old name as a class;
nothing styles or links the old ids. ``tests/browser/test_site.py`` checks that no built page has
a duplicate id.

The references page (sphinxcontrib-bibtex's ``{bibliography}``) is a ``role="list"`` whose
entries docutils marks ``role="doc-biblioentry"``, a role DPUB-ARIA 1.1 deprecated; axe-core
(tests/browser/test_site.py) then finds a list without list items, a critical violation.
:func:`list_items` gives the entries ``role="listitem"``, in the page's HTML as written.
"""

from __future__ import annotations

from docutils import nodes


BIBLIOENTRY = 'role="doc-biblioentry"'
SHARED_IDS = ("exercise-content", "solution-content")


def unique_content_ids(app, doctree, docname) -> None:
    """Each exercise's and solution's body gets an id of its own (see the module docstring)."""
    for section in doctree.findall(nodes.section):
        shared = [i for i in section["ids"] if i in SHARED_IDS]
        if not shared:
            continue
        owner = next((p for p in _parents(section) if p.get("ids")), None)
        if owner is None:
            raise ValueError(f"{docname}: a {shared[0]} section outside any exercise or solution")
        section["ids"] = [i for i in section["ids"] if i not in SHARED_IDS] + [f"{owner['ids'][0]}-content"]
        section["classes"] = section["classes"] + [i for i in shared if i not in section["classes"]]


def _parents(node):
    node = node.parent
    while node is not None:
        yield node
        node = node.parent


def list_items(app, pagename, templatename, context, doctree) -> None:
    """The entries of a citation list are list items (see the module docstring)."""
    body = context.get("body")
    if body and BIBLIOENTRY in body:
        context["body"] = body.replace(BIBLIOENTRY, 'role="listitem"')


def setup(app):
    app.connect("doctree-resolved", unique_content_ids)
    app.connect("html-page-context", list_items)
    app.add_css_file("lesson/lesson.css")
    app.add_js_file("lesson/lesson.js", defer="defer")
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}

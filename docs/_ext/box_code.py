"""Sphinx extension: the code of a Going-deeper box shown inside the box.

MyST-NB executes only the code cells at the top level of a page, so the computation a Going-deeper
box shows (``docs/_ext/lesson.py``) runs in a cell after the box. A page marks such a cell with the
tag ``hide-input`` and the prompt ``Show the code of the Going-deeper box above``
(``mystnb: code_prompt_show``). Left alone, that is a second toggle in the main text, outside the
box, which print leaves collapsed. :func:`code_into_box` moves each such cell, once the page is
read, to the end of the box just before it, shown plainly there (no toggle of its own): the box
opens on the text and then its code, and print, which opens every box, shows both.

A marked cell that does not follow a Going-deeper box stops the build with the page and the line.
"""

from __future__ import annotations

from docutils import nodes
from sphinx.errors import ExtensionError

PROMPT = "Show the code of the Going-deeper box above"


def _is_box(node: nodes.Node) -> bool:
    return (isinstance(node, nodes.Element) and node.get("design_component") == "dropdown"
            and "going-deeper" in node.get("container_classes", []))


def code_into_box(app, doctree: nodes.document) -> None:
    """Move every marked code cell into the Going-deeper box before it (module docstring)."""
    cells = [node for node in doctree.findall(nodes.container)
             if node.get("nb_element") == "cell_code" and node.get("hide_mode") == "input"
             and str(node.get("prompt_show", "")).startswith(PROMPT)]
    for cell in cells:
        parent = cell.parent
        i = parent.index(cell)
        box = parent[i - 1] if i > 0 else None
        if not _is_box(box):
            raise ExtensionError(f"{cell.source}:{cell.line}: a cell marked {PROMPT!r} "
                                 "does not follow a Going-deeper box")
        parent.remove(cell)
        for key in ("hide_mode", "prompt_show", "prompt_hide"):
            del cell[key]
        cell["classes"] = [c for c in cell["classes"] if c != "tag_hide-input"]
        box += cell


def setup(app):
    app.connect("doctree-read", code_into_box)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}

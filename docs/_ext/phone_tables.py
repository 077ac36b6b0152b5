"""Sphinx extension: on a phone, a table of four columns or more shows one row per block.

A fresh reader at 375 px found the site's wide tables scrolling sideways (why's Table 1.1 in its
box, xavier_init's Tables 3.2 and 3.3, justification's 4.1, beyond's, conclusion's): a row read
past the screen's edge, its first cells scrolled out of view. Below 576 px, ``phone.css`` lays
such a table out as stacked rows, the common responsive-table pattern: each row is a block, and
each cell a line "column header: value", so nothing is wider than the column and every number is
read with its header. From 576 px up the table is the table it always was.

For that the HTML needs, in each body cell, the header of its column. :class:`CellLabels` (a post
transform, HTML builders only) puts into every body cell of a table with a header row and at least
:data:`MIN_COLUMNS` columns a :class:`cell_label`: a copy of its column's header cell, formulas
included, written as ``<span class="xv-cell-label" aria-hidden="true">``. It is hidden by CSS on
wider screens; ``aria-hidden`` keeps a screen reader, which already announces the header of a
cell, from reading it twice. A body cell left empty to mean "as above" (why's Table 1.1 names
each dataset once for its three rows) gets its header and the nearest value above it, in a
``cell_label`` of class ``xv-ditto``: shown only in the stacked layout, where the row above is no
longer beside it. The
table itself gets the class ``xv-stack``. Printed, tables are never stacked (paper is wide).
``tests/browser/test_readable.py`` checks that no table of a lesson scrolls sideways at 375 px.
"""

from __future__ import annotations

from docutils import nodes
from sphinx.transforms.post_transforms import SphinxPostTransform

MIN_COLUMNS = 4
"""Tables with fewer columns fit a phone's column as they are (Table 1.2, Table 3.1, the naming
table); stacked, they would only grow longer."""


class cell_label(nodes.inline):
    """A cell's column header (or the value above it), for the stacked layout only."""


def visit_cell_label(self, node: cell_label) -> None:
    classes = " ".join(["xv-cell-label", *node.get("classes", [])])
    self.body.append(f'<span class="{classes}" aria-hidden="true">')


def depart_cell_label(self, node: cell_label) -> None:
    self.body.append("</span>")


def _inline_children(entry: nodes.entry) -> list[nodes.Node]:
    """Copies of a cell's content as inline nodes: a paragraph's children, not the paragraph."""
    out: list[nodes.Node] = []
    for child in entry.children:
        parts = child.children if isinstance(child, nodes.paragraph) else [child]
        out.extend(p.deepcopy() for p in parts)  # not copy.deepcopy: it copies the parent too
    return out


class CellLabels(SphinxPostTransform):
    """Label every body cell of a wide table with its column's header (see the module)."""

    default_priority = 900
    formats = ("html",)

    def run(self, **kwargs) -> None:
        for group in self.document.findall(nodes.tgroup):
            cols = int(group.get("cols", 0))
            heads = [t for t in group.children if isinstance(t, nodes.thead)]
            bodies = [t for t in group.children if isinstance(t, nodes.tbody)]
            if cols < MIN_COLUMNS or not heads or not bodies:
                continue
            header_rows = heads[0].findall(nodes.row)
            header = next(iter(header_rows), None)
            if header is None or len(header.children) != cols:
                continue  # spanned header cells: no one header per column
            table = group.parent
            table["classes"].append("xv-stack")
            above: dict[int, list[nodes.Node]] = {}
            for row in bodies[0].children:
                if len(row.children) != cols:
                    continue
                for k, entry in enumerate(row.children):
                    if not entry.astext().strip():
                        if k in above:
                            into = entry.children[0] if entry.children and isinstance(
                                entry.children[0], nodes.paragraph) else entry
                            into += cell_label("", "", *_inline_children(header.children[k]))
                            into += cell_label("", "", *(n.deepcopy() for n in above[k]),
                                               classes=["xv-ditto"])
                        continue
                    above[k] = _inline_children(entry)
                    label = cell_label("", "", *_inline_children(header.children[k]))
                    first = entry.children[0] if entry.children else None
                    if isinstance(first, nodes.paragraph):
                        first.insert(0, label)
                    else:
                        entry.insert(0, label)


def setup(app):
    app.add_node(cell_label, html=(visit_cell_label, depart_cell_label))
    app.add_post_transform(CellLabels)
    app.add_css_file("phone/phone.css")
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}

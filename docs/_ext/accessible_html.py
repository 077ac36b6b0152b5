"""Sphinx extension: accessible names and a first paint in the reader's colour scheme.

axe-core finds no serious violation on the site (``tests/browser``); three things of the stack it
relies on are changed here, through Sphinx's public API:

* **"Show code cell source".** MyST-NB names the ``<summary>`` of a hidden cell "Toggle hidden
  content", which does not contain its visible text (axe-core's label-content-name-mismatch). The
  node is rendered as MyST-NB renders it (``myst_nb.sphinx_.visit_HideCellInput``), without that
  ``aria-label``, so the name is the visible text (``app.add_node(..., override=True)``).
* **The sidebar's expand/collapse toggles.** pydata-sphinx-theme draws each collapsible entry of the
  navigation as a ``<summary>`` holding only a chevron icon, a nameless control (axe-core's
  summary-name). Each is named after the link it belongs to ("Pages under API reference"), by
  wrapping the theme's ``generate_toctree_html`` in the page context.
* **The first paint.** A first visit (nothing in ``localStorage``) follows the system's colour scheme
  at once: a script in ``<head>`` sets the theme's ``data-theme`` before the first paint. The theme
  itself decides the same only when its deferred script runs, after the page's scripts and fonts
  have loaded (1-4 s of a light page in dark mode).
"""

from __future__ import annotations

from html import escape

FIRST_PAINT = (
    "var t = document.documentElement.dataset.theme; if (t !== 'light' && t !== 'dark')"
    " document.documentElement.dataset.theme ="
    " matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';")


def _visit_hidden_cell(self, node) -> None:
    self.body.append(f'<details class="admonition hide {" ".join(node["classes"])}">\n')
    self.body.append("<summary>\n")
    self.body.append(f'<p class="collapsed admonition-title">{escape(node["prompt_show"])}</p>\n')
    self.body.append(f'<p class="expanded admonition-title">{escape(node["prompt_hide"])}</p>\n')
    self.body.append("</summary>\n")


def _depart_hidden_cell(self, node) -> None:
    self.body.append("</details>\n")


def _named_toctree_toggles(app, pagename, templatename, context, doctree) -> None:
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


def setup(app):
    from myst_nb.sphinx_ import HideCodeCellNode

    app.add_node(HideCodeCellNode, override=True, html=(_visit_hidden_cell, _depart_hidden_cell))
    app.connect("html-page-context", _named_toctree_toggles, priority=900)  # after the theme's
    app.add_js_file(None, body=FIRST_PAINT, priority=1)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}

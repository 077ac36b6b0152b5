"""Count what a reader meets on the main line of a built page (issue 19's budgets).

The *main line* of a page is the text of its article (``<main>``'s ``<article>``) that a reader
sees without opening anything: what is left after removing

- collapsed boxes: every ``<details>`` (Going-deeper boxes, sphinx-design dropdowns, MyST-NB's
  hidden cell sources) and every solution of an exercise (``.solution``, and any admonition that
  sphinx-togglebutton collapses, ``.dropdown``/``.toggle``);
- code: code cells with their outputs (``div.cell``), ``pre`` blocks;
- maths (``.math``, MathJax's ``mjx-container``), scripts and styles;
- navigation: ``nav``, previous/next links, heading anchors (``.headerlink``), tab labels.

:func:`prose_words` also removes figures with their captions and tables: the budget of words is a
budget of running prose. :func:`glued_numbers` keeps them: a glued number in a caption or a table
is still one the reader meets on the way (the issue's 609 counts every glued number of the pages).

A *glued number* is the text of a MyST-NB glue role, ``{glue:text}`` (``<span class="pasted-text">``)
or ``{glue}`` (``<span class="pasted-inline">``), that reads as a number: digits with an optional
sign, thousands commas, decimals, exponent and per-cent sign.
"""

from __future__ import annotations

import re
from pathlib import Path

from bs4 import BeautifulSoup

COLLAPSED = ("details", ".solution", ".admonition.dropdown", ".admonition.toggle", ".going-deeper",
             ".sd-dropdown")
CODE = ("div.cell", "pre", ".cell_output", "script", "style", "noscript")
MATHS = (".math", "mjx-container")
NAVIGATION = ("nav", ".prev-next-area", ".headerlink", "label.sd-tab-label", ".toctree-wrapper")
FIGURES_TABLES = ("figure", "table", ".figure")

GLUE = (".pasted-text", ".pasted-inline")
NUMBER = re.compile(r"[-+\u2212]?(?:\d{1,3}(?:,\d{3})+|\d+)?(?:\.\d+)?(?:[eE][-+\u2212]?\d+)?%?")
WORD = re.compile(r"[^\W_](?:[\w\u2019'.,%-]*[^\W_%])?%?", re.UNICODE)


def _article(html: str) -> BeautifulSoup:
    soup = BeautifulSoup(html, "html.parser")
    main = soup.find("main")
    article = main.find("article") if main is not None else None
    if article is None:
        raise ValueError("no <main> with an <article> in this page")
    return article


def _strip(node, selectors) -> None:
    for sel in selectors:
        for el in node.select(sel):
            el.decompose()


def main_line(html: str, *, keep_figures: bool = False):
    """The article's main line as a BeautifulSoup tree (see the module docstring)."""
    article = _article(html)
    _strip(article, COLLAPSED + CODE + MATHS + NAVIGATION)
    if not keep_figures:
        _strip(article, FIGURES_TABLES)
    return article


def is_number(text: str) -> bool:
    """Whether ``text`` (stripped) reads as a number: ``38.4``, ``-1``, ``1,000``, ``2.5e-06``, ``12%``."""
    text = text.strip()
    return bool(text) and any(c.isdigit() for c in text) and NUMBER.fullmatch(text) is not None


def prose_words(html: str) -> int:
    """Words of running prose on the main line: figures, captions and tables removed too."""
    text = main_line(html).get_text(" ")
    return len(WORD.findall(text))


def glued_numbers(html: str) -> int:
    """Glued values that read as numbers on the main line (figure captions and tables included)."""
    article = main_line(html, keep_figures=True)
    return sum(is_number(el.get_text()) for el in article.select(", ".join(GLUE)))


def collapsed_boxes(html: str) -> int:
    """Going-deeper boxes and solutions in the article (each counted once, outermost only)."""
    article = _article(html)
    boxes = article.select(".going-deeper, .solution")
    return sum(1 for b in boxes if not any(p in boxes for p in b.parents))


def count_page(path: Path) -> dict[str, int]:
    """``{"words", "glued", "boxes"}`` for one built page."""
    html = Path(path).read_text(encoding="utf-8")
    return {"words": prose_words(html), "glued": glued_numbers(html), "boxes": collapsed_boxes(html)}

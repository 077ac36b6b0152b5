"""A numbered equation is one the reader sees: none sits in a collapsed box.

Sphinx numbers every labelled display equation of a page, (4.1), (4.2), ..., wherever it is. One
inside a "Going deeper" box or a solution is hidden until opened, so the numbers the main line shows
jumped, (4.1) then (4.3), and a reader looked for the missing one (a student reader's finding on
justification). Equations in boxes are unnumbered; those outside count up from 1 on every page.
"""

import os
import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

import budget

ROOT = Path(__file__).resolve().parents[2]
SITE = Path(os.environ.get("XAVIER_SITE", ROOT / "_build" / "html"))
PAGES = ["index", "why", "signals", "xavier_init", "justification", "conclusion", "beyond",
         "normalization", "scaling"]
EQNO = re.compile(r"\((?:\d+\.)*(\d+)\)")


def numbers(html: str) -> tuple[list[str], list[str]]:
    """The equation numbers of a page's article: (shown on the main line, inside collapsed boxes)."""
    article = BeautifulSoup(html, "html.parser").find("main").find("article")
    boxed = {id(e) for sel in budget.COLLAPSED for box in article.select(sel) for e in box.select("span.eqno")}
    shown, hidden = [], []
    for e in article.select("span.eqno"):
        (hidden if id(e) in boxed else shown).append(EQNO.search(e.get_text()).group(0))  # less its "#" link
    return shown, hidden


def test_the_check_sees_a_boxed_number():
    html = """<main><article><div class="math"><span class="eqno">(4.1)</span></div>
    <details class="sd-dropdown"><summary>Going deeper</summary>
    <div class="math"><span class="eqno">(4.2)</span></div></details>
    <div class="math"><span class="eqno">(4.3)</span></div></article></main>"""
    assert numbers(html) == (["(4.1)", "(4.3)"], ["(4.2)"])


@pytest.mark.parametrize("page", PAGES)
def test_equation_numbers_count_up_on_the_main_line(page):
    path = SITE / f"{page}.html"
    if not path.is_file():
        pytest.fail(f"{path} is missing: build the site first (make html)")
    shown, hidden = numbers(path.read_text(encoding="utf-8"))
    assert hidden == [], f"numbered equations in collapsed boxes: {hidden}"
    assert [int(EQNO.fullmatch(n).group(1)) for n in shown] == list(range(1, len(shown) + 1)), shown

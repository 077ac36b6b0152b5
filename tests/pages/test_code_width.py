"""Code a reader sees fits its box: no line of a code cell over 79 characters on the built pages.

At 1280 px the theme's code box holds about 80 characters of monospace; a longer line scrolls
sideways (the s28 student reading found lines of 85 to 114 characters). Counted on ``_build/html``:
every code cell's source and printed output (``div.cell_input``, ``div.cell_output``), including
those inside Going-deeper boxes and exercise solutions. Cells removed from the page are not in the
HTML, so they are not counted. Every page of the article with code cells is checked (``index`` has none).
"""

from pathlib import Path

import pytest
from bs4 import BeautifulSoup

ROOT = Path(__file__).resolve().parents[2]
SITE = ROOT / "_build" / "html"
PAGES = ["why", "signals", "xavier_init", "justification", "conclusion", "beyond"]
LIMIT = 79


def long_lines(html: str, limit: int = LIMIT) -> list[tuple[int, str]]:
    """(length, line) for every line of a code cell's source or output longer than ``limit``."""
    soup = BeautifulSoup(html, "html.parser")
    found = []
    for block in soup.select("div.cell_input pre, div.cell_output pre"):
        for line in block.get_text().splitlines():
            if len(line) > limit:
                found.append((len(line), line))
    return found


def test_the_counter_finds_a_long_line_in_source_and_output():
    html = ('<div class="cell"><div class="cell_input"><pre>' + "x = 1" + "\n" + "y" * 80 + "</pre></div>"
            '<div class="cell_output"><pre>' + "z" * 79 + "\n" + "w" * 81 + "</pre></div></div>"
            '<pre>' + "v" * 200 + "</pre>")  # a pre outside a code cell is not a cell's line
    assert [n for n, _ in long_lines(html)] == [80, 81]


@pytest.mark.parametrize("page", PAGES)
def test_no_code_line_over_79_characters(page):
    path = SITE / f"{page}.html"
    assert path.exists(), f"{path} is missing: build the site first (make html)"
    lines = "\n".join(f"{n} characters: {line}" for n, line in long_lines(path.read_text()))
    assert not lines, lines

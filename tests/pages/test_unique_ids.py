"""No built page gives one id to two elements (HTML requires ids to be unique).

The s30 student reading found ``exercise-content`` and ``solution-content`` three times each on
every lesson page: sphinx-exercise gives every exercise's and solution's body that id.
docs/_ext/lesson.py's ``unique_content_ids`` renames them after their exercise or solution.
"""

from collections import Counter
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

SITE = Path(__file__).resolve().parents[2] / "_build" / "html"
PAGES = sorted(p.relative_to(SITE).as_posix() for p in SITE.rglob("*.html")
               if not p.relative_to(SITE).as_posix().startswith(("_", "genindex", "search", "py-modindex"))) \
    if SITE.is_dir() else []


def duplicate_ids(html: str) -> dict[str, int]:
    """``{id: count}`` for every id that more than one element of ``html`` carries."""
    soup = BeautifulSoup(html, "html.parser")
    counts = Counter(el["id"] for el in soup.find_all(id=True))
    return {i: n for i, n in counts.items() if n > 1}


def test_duplicate_ids_are_found():
    html = ('<div id="a"><section id="exercise-content"></section></div>'
            '<div id="b"><section id="exercise-content"></section><p id="c"></p></div>')
    assert duplicate_ids(html) == {"exercise-content": 2}


def test_the_site_is_built():
    assert {"why.html", "beyond.html", "index.html"} <= set(PAGES), "build the site first (make html)"


@pytest.mark.parametrize("page", PAGES)
def test_no_duplicate_ids(page):
    assert duplicate_ids((SITE / page).read_text(encoding="utf-8")) == {}


def test_exercise_bodies_take_their_exercise_id():
    soup = BeautifulSoup((SITE / "why.html").read_text(encoding="utf-8"), "html.parser")
    bodies = soup.select("section.exercise-content, section.solution-content")
    assert len(bodies) == 6
    for body in bodies:
        owner = body.find_parent(class_=["exercise", "solution"])
        assert body["id"] == owner["id"] + "-content"

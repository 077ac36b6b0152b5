"""A Going-deeper box holds its own code (docs/_ext/box_code.py), on the built pages.

The s28 student reading found four "Show the code of the Going-deeper box above" toggles in
justification's main text, outside their boxes, collapsed in print. Each box that has code now
holds it: the cell is inside the box's ``<details>``, with no toggle of its own.
"""

from pathlib import Path

import pytest
from bs4 import BeautifulSoup

SITE = Path(__file__).resolve().parents[2] / "_build" / "html"
BOXES_WITH_CODE = {"justification": 4, "conclusion": 2}


@pytest.mark.parametrize("page", sorted(BOXES_WITH_CODE))
def test_box_code_is_inside_its_box(page):
    path = SITE / f"{page}.html"
    assert path.exists(), f"{path} is missing: build the site first (make html)"
    soup = BeautifulSoup(path.read_text(), "html.parser")
    assert "Going-deeper box above" not in soup.get_text()
    inside = [box for box in soup.select("details.going-deeper") if box.select("div.cell div.cell_input")]
    assert len(inside) == BOXES_WITH_CODE[page]
    for box in inside:  # shown plainly in the box, not behind a second toggle
        assert not box.select("details.hide")

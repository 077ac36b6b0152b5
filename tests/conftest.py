"""Shared fixtures: the values the built pages glued into their prose."""

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXECUTED = ROOT / "_build" / "jupyter_execute"


def glued_values(page: str) -> dict[str, str]:
    """``{name: text/plain}`` of every value that ``docs/<page>.md`` glued when the site was built."""
    path = EXECUTED / f"{page}.ipynb"
    if not path.exists():
        pytest.fail(f"{path} is missing: build the site first (make html)")
    nb = json.loads(path.read_text())
    values = {}
    for cell in nb["cells"]:
        for out in cell.get("outputs", []):
            meta = out.get("metadata", {}).get("scrapbook")
            if meta and "text/plain" in out.get("data", {}):
                values[meta["name"]] = out["data"]["text/plain"]
    return values


@pytest.fixture
def glued():
    """``glued(page)`` -> the page's glued values as ``{name: text/plain}``."""
    return glued_values

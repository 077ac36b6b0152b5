"""Shared fixtures: the values the built pages glued into their prose."""

import json
import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXECUTED = ROOT / "_build" / "jupyter_execute"


def glued_values(page: str) -> dict[str, str]:
    """``{name: text/plain}`` of every value that ``docs/<page>.md`` glued when the site was built.

    myst-nb writes them to ``_build/jupyter_execute/<page>.glue.json`` (set ``XAVIER_EXECUTED`` to
    read another build's folder).
    """
    folder = Path(os.environ.get("XAVIER_EXECUTED", EXECUTED))
    path = folder / f"{page}.glue.json"
    if not path.exists():
        pytest.fail(f"{path} is missing: build the site first (make html)")
    data = json.loads(path.read_text())
    return {name: out["data"]["text/plain"] for name, out in data.items() if "text/plain" in out["data"]}


def glued_literals(page: str) -> dict[str, object]:
    """:func:`glued_values` read as Python literals (numbers, strings), figures (``fig_*``) left out;
    fails when the page glued none."""
    import ast

    values = {k: ast.literal_eval(v) for k, v in glued_values(page).items() if not k.startswith("fig_")}
    if not values:
        pytest.fail(f"docs/{page}.md glued no values: was the page built?")
    return values


@pytest.fixture
def glued():
    """``glued(page)`` -> the page's glued values as ``{name: text/plain}``."""
    return glued_values


@pytest.fixture(scope="session")
def digits():
    """The 10,000 MNIST digits and their labels, ``(X, labels)`` (loaded once per run)."""
    from xavier import datasets

    return datasets.load_digits()

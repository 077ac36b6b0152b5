"""``make bench BENCHOPTS="--against REV"``: the parts that decide what is built and edited.

The builds themselves are too long for the test suite (``--quick`` runs them on a subset); these
tests check the export of REV, which module stands for a page in each layout, and the options of a
quick run.
"""

import re
import subprocess
from pathlib import Path

import pytest

from bench import against

ROOT = Path(__file__).resolve().parents[2]
REV = "3f23432"  # the reference of issue 11: the pages' modules still in xavier/


@pytest.fixture(scope="module")
def rev_tree(tmp_path_factory):
    known = subprocess.run(["git", "rev-parse", "--verify", "--quiet", f"{REV}^{{commit}}"], cwd=ROOT,
                           capture_output=True)
    if known.returncode != 0:
        pytest.skip(f"{REV} is not in this clone (shallow?)")
    return against.export(against.resolve(REV), tmp_path_factory.mktemp("rev"))


def test_export_is_the_commit_alone(rev_tree):
    listed = subprocess.run(["git", "ls-tree", "-r", "--name-only", REV], cwd=ROOT, capture_output=True,
                            text=True, check=True).stdout.split()
    exported = sorted(p.relative_to(rev_tree).as_posix() for p in rev_tree.rglob("*") if p.is_file())
    assert exported == sorted(listed)
    assert (rev_tree / "xavier" / "playground.py").is_file() and not (rev_tree / "docs" / "why.py").exists()


def test_legacy_modules_are_the_ones_the_pages_imported(rev_tree):
    """Each page of REV imports (from xavier) the module that stands for its docs/<page>.py."""
    for page, module in against.LEGACY_MODULES.items():
        text = (rev_tree / "docs" / f"{page}.md").read_text()
        imported = set()
        for names in re.findall(r"^from xavier import (.+)$", text, re.M):
            imported |= {n.split(" as ")[0].strip() for n in names.split(",")}
        assert module in imported, f"docs/{page}.md at {REV} imports {sorted(imported)}, not {module}"
        assert against.page_module(rev_tree, page) == rev_tree / "xavier" / f"{module}.py"


def test_page_module_in_the_current_layout():
    for page in ("why", "signals", "xavier_init", "justification", "conclusion"):
        assert against.page_module(ROOT, page) == ROOT / "docs" / f"{page}.py"


def test_page_without_module_names_the_valid_pages():
    with pytest.raises(ValueError, match=r"page 'reproducibility' has no experiment module.*pages with one: "
                                         r".*conclusion.*why"):
        against.page_module(ROOT, "reproducibility")


def test_unknown_rev_is_a_value_error():
    with pytest.raises(ValueError, match="'no-such-rev' is not a commit"):
        against.resolve("no-such-rev")


def test_quick_options_exclude_all_other_pages():
    opts = against.quick_opts(ROOT, {"index", "reproducibility", "signals"})
    assert "-W" not in opts.split() and "-nW" not in opts.split()
    assert "-d _build/doctrees" in opts and "--keep-going" in opts  # the Makefile's own, $(BUILD) resolved
    patterns = opts.split("exclude_patterns=", 1)[1].split(",")
    pages = {p.relative_to(ROOT / "docs").as_posix() for p in (ROOT / "docs").rglob("*.md")}
    assert pages - set(patterns) == {"index.md", "reproducibility.md", "signals.md"}
    assert set(against.BASE_EXCLUDES) <= set(patterns)

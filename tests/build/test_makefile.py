"""The Makefile's `make html` no-op (issue 19's "no change" build): make finds the site's inputs by
itself, and rebuilds exactly when one of them is newer than the last build.

Each test runs make on a scratch copy holding the Makefile and a few docs/ and xavier/ files,
so the repository's own build is never touched (no recipe runs: ``make -q`` only asks).
"""

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def tree(tmp_path):
    """A copy of the Makefile with docs/ and xavier/ files at several depths, bytecode and a
    ``__pycache__``, and stamps as a finished build leaves them (all older than the stamp)."""
    shutil.copy(ROOT / "Makefile", tmp_path / "Makefile")
    files = ["conf.py", "docs/index.md", "docs/why.py", "docs/_ext/ext.py", "docs/_static/lesson/a.css",
             "xavier/network.py", "xavier/_data/digits.npz", "docs/why.pyc",
             "docs/__pycache__/why.cpython-311.pyc", "xavier/__pycache__/network.cpython-311.pyc"]
    for name in files:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(name)
    for name in [".venv/.installed", "node_modules/.installed", "requirements.lock", "pyproject.toml",
                 "package.json", "package-lock.json", "_build/html/index.html"]:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("")
    subprocess.run(["make", "-s", "-q", "html"], cwd=tmp_path)  # writes _build/html-options
    old = 1_000_000_000
    for p in tmp_path.rglob("*"):
        os.utime(p, (old, old))
    for name in ["requirements.lock", "pyproject.toml", "package.json", "package-lock.json"]:
        os.utime(tmp_path / name, (old - 10, old - 10))
    (tmp_path / "_build" / "html-built").write_text("")
    os.utime(tmp_path / "_build" / "html-built", (old + 10, old + 10))
    return tmp_path


def up_to_date(tree: Path) -> bool:
    proc = subprocess.run(["make", "-q", "html"], cwd=tree, capture_output=True, text=True)
    assert proc.returncode in (0, 1), proc.stderr
    return proc.returncode == 0


def site_inputs(tree: Path) -> set[str]:
    out = subprocess.run(["make", "-pq", "html"], cwd=tree, capture_output=True, text=True).stdout
    line = next(l for l in out.splitlines() if re.match(r"SITE_INPUTS :=", l))
    return set(line.split(":=", 1)[1].split())


def test_site_inputs_are_every_file_but_bytecode(tree):
    """SITE_INPUTS is what `find docs xavier -type f` gives without bytecode, plus conf.py and the
    Makefile: listed independently here with os.walk."""
    expected = {"conf.py", "Makefile"}
    for top in ("docs", "xavier"):
        for dirpath, dirnames, filenames in os.walk(tree / top):
            dirnames[:] = [d for d in dirnames if d != "__pycache__"]
            expected |= {str((Path(dirpath) / f).relative_to(tree)) for f in filenames
                         if not f.endswith((".pyc", ".pyo", ".pyd"))}
    assert site_inputs(tree) == expected


def test_rebuilds_exactly_when_an_input_changed(tree):
    assert up_to_date(tree)
    for name in ["docs/__pycache__/why.cpython-311.pyc", "docs/why.pyc"]:  # bytecode: ignored
        (tree / name).touch()
        assert up_to_date(tree), name
    for name in ["docs/_static/lesson/a.css", "xavier/_data/digits.npz", "conf.py"]:
        os.utime(tree / name, None)
        assert not up_to_date(tree), name
        os.utime(tree / name, (1_000_000_000, 1_000_000_000))
        assert up_to_date(tree)


def test_new_file_and_new_options_rebuild(tree):
    (tree / "docs" / "_ext" / "new.py").write_text("")
    assert not up_to_date(tree)
    (tree / "docs" / "_ext" / "new.py").unlink()
    assert up_to_date(tree)
    proc = subprocess.run(["make", "-q", "html", "SPHINXOPTS=-n -j 1"], cwd=tree)
    assert proc.returncode == 1
    assert (tree / "_build" / "html-options").read_text().strip() == "-n -j 1"


def test_no_op_starts_no_process(tree):
    """Nothing changed: make decides without starting a shell (the no-op is make's own start)."""
    if not shutil.which("strace"):
        pytest.skip("strace is not installed")
    proc = subprocess.run(["strace", "-f", "-e", "trace=execve", "make", "-q", "html"], cwd=tree,
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr.count("execve(") == 1, proc.stderr

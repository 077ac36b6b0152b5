"""Two clean builds of the site are identical, byte for byte.

The site is built twice from scratch, each time into its own output, doctree and notebook
execution cache directories (``-D nb_execution_cache_path=...`` overrides the cache that conf.py
places under ``_build/.jupyter_cache``), with the Makefile's ``SPHINXOPTS`` and exported
variables as make evaluates them, so the test builds the way ``make html`` does (a later ``-d``
replaces the Makefile's doctree directory). The builds run one after the other, in two time
zones, and every file of the two HTML outputs is compared, ``.buildinfo`` included. Two cold
builds take a few minutes: the test is marked ``slow`` (``pytest -m "not slow"`` leaves it out;
``make test`` runs it).
"""

import difflib
import re
import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.slow

# Variables make and the shell of a recipe set by themselves (not exported by the Makefile).
MAKE_VARIABLES = {"MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES", "MAKE_TERMOUT",
                  "MAKE_TERMERR"}
SHELL_VARIABLES = {"SHLVL", "_", "PWD", "OLDPWD"}


def make_settings() -> tuple[list[str], dict[str, str]]:
    """``SPHINXOPTS`` and the variables the Makefile exports, as make itself evaluates them."""
    env = {k: v for k, v in os.environ.items() if k not in MAKE_VARIABLES}
    rule = '_xavier_settings: ; @echo "$(SPHINXOPTS)" && env -0'
    proc = subprocess.run(
        ["make", "-s", "--no-print-directory", "--eval", rule, "_xavier_settings"],
        cwd=ROOT, env=env, capture_output=True, text=True)
    if proc.returncode != 0:
        pytest.fail(f"make could not print SPHINXOPTS:\n{proc.stderr}")
    opts, environment = proc.stdout.split("\n", 1)
    seen = dict(item.split("=", 1) for item in environment.split("\0") if "=" in item)
    exported = {k: v for k, v in seen.items()
                if env.get(k) != v and k not in MAKE_VARIABLES | SHELL_VARIABLES}
    return shlex.split(opts), exported


def build(where: Path, tz: str) -> Path:
    """Build the site from clean into ``where/html``, with its own doctrees and cache.

    ``tz`` is the build's time zone: a site built on another machine must not differ either.
    """
    opts, env = make_settings()
    env["TZ"] = tz
    out = where / "html"
    cmd = [sys.executable, "-m", "sphinx", "-b", "html", *opts, "-q", "-c", str(ROOT),
           "-d", str(where / "doctrees"),
           "-D", f"nb_execution_cache_path={where / 'jupyter_cache'}",
           str(ROOT / "docs"), str(out)]
    proc = subprocess.run(cmd, cwd=ROOT, env={**os.environ, **env}, capture_output=True,
                          text=True, timeout=1200)
    if proc.returncode != 0:
        pytest.fail(f"build in {where} failed ({shlex.join(cmd)}):\n{proc.stderr[-6000:]}")
    return out


# The one record of a build that is meant to change: myst-nb's execution-statistics table on the
# reproducibility page, whose "Modified" and "Run Time (s)" cells are the time of this build.
RECORD_PAGE = "reproducibility.html"
RECORD_CELLS = re.compile(rb"<td><p>(\d{4}-\d\d-\d\d \d\d:\d\d|\d+\.\d+)</p></td>")


def content(name: str, path: Path) -> bytes:
    """The file's bytes; on the reproducibility page, with the execution table's times blanked."""
    data = path.read_bytes()
    if name == RECORD_PAGE:
        data, n = RECORD_CELLS.subn(b"<td><p>(time)</p></td>", data)
        assert n > 0, f"no execution-time cell found in {RECORD_PAGE}: has the table moved?"
    return data


def files(tree: Path) -> dict[str, Path]:
    return {p.relative_to(tree).as_posix(): p for p in sorted(tree.rglob("*"))
            if p.is_file()}


def first_difference(a: Path, b: Path, context: int = 3) -> str:
    """A short unified diff of two text files, or the offset of the first differing byte."""
    x, y = a.read_bytes(), b.read_bytes()
    try:
        lines = difflib.unified_diff(x.decode().splitlines(), y.decode().splitlines(),
                                     "first build", "second build", n=context, lineterm="")
        return "\n".join(line[:200] for line in list(lines)[:30])
    except UnicodeDecodeError:
        at = next((i for i, (p, q) in enumerate(zip(x, y)) if p != q), min(len(x), len(y)))
        return f"binary: {len(x)} vs {len(y)} bytes, first difference at byte {at}"


def test_two_clean_builds_are_identical(tmp_path):
    first = files(build(tmp_path / "first", "UTC"))
    second = files(build(tmp_path / "second", "Pacific/Auckland"))
    assert first, "the build produced no file"
    only = sorted(set(first) ^ set(second))
    differ = [name for name in sorted(set(first) & set(second))
              if content(name, first[name]) != content(name, second[name])]
    report = []
    if only:
        report.append(f"{len(only)} file(s) in one build only:\n  " + "\n  ".join(only))
    if differ:
        report.append(f"{len(differ)} of {len(first)} file(s) differ:\n  " + "\n  ".join(differ))
        report.append(f"first difference, {differ[0]}:\n"
                      + first_difference(first[differ[0]], second[differ[0]]))
    assert not report, "\n".join(report)

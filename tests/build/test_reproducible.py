"""Two clean builds of the site are identical, byte for byte, and so is a rebuild with nothing changed.

Every file is compared whole, nothing masked: under ``SOURCE_DATE_EPOCH`` (set by the Makefile)
the execution table leaves out its time columns, and ``docs/_ext/samebytes.py`` removes the other
differences that a rebuild used to make. The site is built twice from scratch, each time into its own output, doctree and notebook
execution cache directories (``-D nb_execution_cache_path=...`` overrides the cache that conf.py
places under ``_build/.jupyter_cache``), with the Makefile's ``SPHINXOPTS`` and exported
variables as make evaluates them, so the test builds the way ``make html`` does (a later ``-d``
replaces the Makefile's doctree directory). The builds run one after the other, in two time
zones, and every file of the two HTML outputs is compared, ``.buildinfo`` included. Then the
first build is run again over its own output, doctrees and cache (nothing to read, nothing to
execute) and its output compared with the second build's. Two cold builds take a few minutes: the
test is marked ``slow`` (``pytest -m "not slow"`` leaves it out; ``make test`` runs it).
"""

import difflib
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


def files(tree: Path) -> dict[str, Path]:
    return {p.relative_to(tree).as_posix(): p for p in sorted(tree.rglob("*"))
            if p.is_file()}


def first_difference(a: Path, b: Path, context: int = 3, names=("first build", "second build")) -> str:
    """A short unified diff of two text files, or the offset of the first differing byte."""
    x, y = a.read_bytes(), b.read_bytes()
    try:
        lines = difflib.unified_diff(x.decode().splitlines(), y.decode().splitlines(),
                                     *names, n=context, lineterm="")
        return "\n".join(line[:200] for line in list(lines)[:30])
    except UnicodeDecodeError:
        at = next((i for i, (p, q) in enumerate(zip(x, y)) if p != q), min(len(x), len(y)))
        return f"binary: {len(x)} vs {len(y)} bytes, first difference at byte {at}"


def differences(first: dict[str, Path], second: dict[str, Path], names: tuple[str, str]) -> str:
    """What differs between two outputs: files in one only, files whose bytes differ, the first diff."""
    only = sorted(set(first) ^ set(second))
    differ = [name for name in sorted(set(first) & set(second))
              if first[name].read_bytes() != second[name].read_bytes()]
    report = []
    if only:
        report.append(f"{len(only)} file(s) in one build only:\n  " + "\n  ".join(only))
    if differ:
        report.append(f"{len(differ)} of {len(first)} file(s) differ:\n  " + "\n  ".join(differ))
        report.append(f"first difference, {differ[0]}:\n"
                      + first_difference(first[differ[0]], second[differ[0]], names=names))
    return "\n".join(report)


def test_two_clean_builds_and_a_rebuild_are_identical(tmp_path):
    first = files(build(tmp_path / "first", "UTC"))
    second = files(build(tmp_path / "second", "Pacific/Auckland"))
    assert first, "the build produced no file"
    assert len(first) > 100, f"only {len(first)} files: is this the whole site?"
    report = differences(first, second, ("first build", "second build"))
    assert not report, report

    again = files(build(tmp_path / "first", "UTC"))  # the first build's folders: an incremental build
    report = differences(second, again, ("clean build", "rebuild with nothing changed"))
    assert not report, report

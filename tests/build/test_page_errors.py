"""A page whose code raises fails the build, and the terminal shows the cell and its traceback,
also when the pages execute in two processes (``make html`` builds with ``-j auto``).

Without ``-T`` in the Makefile's SPHINXOPTS, a parallel build printed only
``SphinxParallelError: ExecutionError: <page>``; the cell's error went to a file in /tmp.
"""

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from synthetic import FRONT, ROOT  # beside this file


def _makefile_sphinxopts() -> list[str]:
    line = re.search(r"^SPHINXOPTS \?= (.*)$", (ROOT / "Makefile").read_text(), re.M).group(1)
    opts = shlex.split(line)
    for flag in ("-d", "-j"):  # the doctrees go to the test's folder; the test sets the processes
        i = opts.index(flag)
        opts = opts[:i] + opts[i + 2:]
    return opts


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_cell_that_raises_fails_the_build_with_its_traceback(tmp_path, jobs):
    src, lib = tmp_path / "src", tmp_path / "lib"
    src.mkdir()
    lib.mkdir()
    (lib / "core.py").write_text("X = 1\n")
    (src / "index.md").write_text("# Index\n\n```{toctree}\na\nb\n```\n")
    (src / "a.md").write_text(FRONT + "\n# A\n\n```{code-cell} ipython3\nx = 1\n```\n\n"
                              "```{code-cell} ipython3\nnot_defined_anywhere + x\n```\n")
    (src / "b.md").write_text(FRONT + "\n# B\n\n```{code-cell} ipython3\n1 + 1\n```\n")
    opts = _makefile_sphinxopts() + ["-j", jobs]
    env = {k: v for k, v in os.environ.items() if not k.startswith("SPHINX")}
    env.update(SOURCE_DATE_EPOCH="0", PYTHONHASHSEED="0")
    proc = subprocess.run(
        [sys.executable, "-m", "sphinx", "-b", "html", *opts, "-c", str(ROOT), "-d", str(tmp_path / "doctrees"),
         "-D", f"nb_execution_cache_path={tmp_path / 'jupyter_cache'}", "-D", f"xavier_library={lib}",
         str(src), str(tmp_path / "html")],
        capture_output=True, text=True, env=env, timeout=600)
    out = re.sub(r"\x1b\[[0-9;]*m", "", proc.stdout + proc.stderr)
    assert proc.returncode != 0
    assert "not_defined_anywhere + x" in out, out[-3000:]
    assert "NameError: name 'not_defined_anywhere' is not defined" in out, out[-3000:]

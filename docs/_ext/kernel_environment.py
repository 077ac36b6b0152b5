"""Sphinx extension: the environment the pages' notebook kernels run in, set once for every build.

The kernels that execute the pages inherit the build's environment. This extension sets, when it
is set up (before any page is read, so also before the ``-j`` worker processes are forked):

* ``SOURCE_DATE_EPOCH`` and ``PYTHONHASHSEED`` (if not set already; the Makefile exports both):
  the metadata dates of SVG/PDF figures follow the first, and the kernels' hash ordering the second;
* ``MATPLOTLIBRC``: a ``matplotlibrc`` beside the doctrees with a fixed ``svg.hashsalt``, so SVG
  element ids are the same in every build (matplotlib draws a random uuid when it is unset);
* :data:`BLAS_THREADS`: one OpenBLAS thread. On two cores the pages' matrices are too small to
  gain from a second thread (cold build 49 s instead of 56 s), a multi-threaded BLAS that loses a
  core to another process stalls (the MNIST page took 65 s instead of 15 s on a busy machine), and
  the number of threads changes the order of the sums inside matrix products, so chaotic runs (the
  standard-normal MNIST network) would differ between machines. The repository's ``conftest.py``
  sets the same variables from :data:`BLAS_THREADS` for the tests that replay a page's training.
"""

from __future__ import annotations

import os
from pathlib import Path

BLAS_THREADS = {"OPENBLAS_NUM_THREADS": "1"}
"""Set for the kernels and, by the repository's conftest.py, for pytest (before numpy is imported)."""

REPRODUCIBLE = {"SOURCE_DATE_EPOCH": "0", "PYTHONHASHSEED": "0"}
"""Defaults when the caller has not set them (the Makefile sets both)."""


def setup(app):
    for name, value in REPRODUCIBLE.items():
        os.environ.setdefault(name, value)
    os.environ.update(BLAS_THREADS)
    rc = Path(app.doctreedir).parent / "matplotlibrc"
    rc.parent.mkdir(parents=True, exist_ok=True)
    if not rc.is_file() or rc.read_text() != "svg.hashsalt: xavier\n":
        rc.write_text("svg.hashsalt: xavier\n")
    os.environ["MATPLOTLIBRC"] = str(rc)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}

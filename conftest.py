"""pytest at the repository root: the same BLAS threading as the site's build.

The pages' kernels run with the variables of ``docs/_ext/kernel_environment.py``'s ``BLAS_THREADS``
(one OpenBLAS thread). The number of threads changes the order of floating-point sums inside matrix
products, so a test that replays a page's training must use the same, or chaotic runs (the
standard-normal MNIST network) drift apart. numpy reads these variables when it is first imported,
which is after this file.
"""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent / "docs" / "_ext"))
from kernel_environment import BLAS_THREADS  # noqa: E402  (a plain module: no Sphinx import)

os.environ.update(BLAS_THREADS)

"""pytest at the repository root: the same BLAS threading as the site's build.

conf.py runs the pages' kernels with one OpenBLAS thread. The number of threads changes the order
of floating-point sums inside matrix products, so a test that replays a page's training must use
one thread too, or chaotic runs (the standard-normal MNIST network) drift apart. numpy reads this
variable when it is first imported, which is after this file.
"""

import os

os.environ["OPENBLAS_NUM_THREADS"] = "1"

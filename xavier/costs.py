r"""Costs :math:`J`, averaged over the ``m`` examples, with their gradients.

Each cost belongs with an output activation, and is computed from the output layer's
pre-activation ``Z`` (the logits) where that is what keeps it finite:

====================  ===================  ==========================================================
cost                  output activation    :math:`J` for one example, averaged over the ``m`` examples
====================  ===================  ==========================================================
``"bce"``             ``sigmoid``          :math:`-y\log a - (1-y)\log(1-a)`, with :math:`a=\sigma(z)`
``"cross_entropy"``   ``softmax``          :math:`-\sum_k y_k \log a_k`, with :math:`a=\mathrm{softmax}(z)`
``"mse"``             any                  :math:`\tfrac12 \lVert a - y\rVert^2`
====================  ===================  ==========================================================

For the first two, :math:`\partial J/\partial z = (a - y)/m` exactly, which is what
:func:`gradient` returns. ``Y`` has the shape of the output, ``(n[L], m)``; with stacked seeds the
output is ``(S, n[L], m)``, ``Y`` is shared, and the cost is one number per seed, shape ``(S,)``.

>>> import numpy as np
>>> Z = np.array([[0.0, 0.0]]); Y = np.array([[0.0, 1.0]])
>>> float(cost("bce", Z, 1 / (1 + np.exp(-Z)), Y)) == float(np.log(2))
True
"""

from __future__ import annotations

from typing import Literal

import numpy as np

from xavier import activations

Name = Literal["bce", "cross_entropy", "mse"]

OUTPUT_ACTIVATION: dict[str, tuple[str, ...]] = {
    "bce": ("sigmoid",),
    "cross_entropy": ("softmax",),
    "mse": tuple(sorted(activations.ACTIVATIONS)),
}
"""The output activations each cost accepts."""


def check(name: str, output_activation: str) -> None:
    """Raise ``ValueError`` unless ``name`` is a cost that goes with ``output_activation``.

    >>> check("bce", "sigmoid")
    >>> check("bce", "softmax")
    Traceback (most recent call last):
    ...
    ValueError: cost 'bce' needs output activation 'sigmoid', not 'softmax'
    >>> check("hinge", "sigmoid")
    Traceback (most recent call last):
    ...
    ValueError: unknown cost 'hinge'; valid choices: bce, cross_entropy, mse
    """
    if name not in OUTPUT_ACTIVATION:
        valid = ", ".join(sorted(OUTPUT_ACTIVATION))
        raise ValueError(f"unknown cost {name!r}; valid choices: {valid}")
    allowed = OUTPUT_ACTIVATION[name]
    if output_activation not in allowed:
        raise ValueError(
            f"cost {name!r} needs output activation {' or '.join(map(repr, allowed))}, "
            f"not {output_activation!r}"
        )


def _logaddexp0(Z):
    # log(1 + e^z) without overflow: max(z, 0) + log1p(e^{-|z|}).
    return np.maximum(Z, 0.0) + np.log1p(np.exp(-np.abs(Z)))


def cost(name: Name, Z: np.ndarray, A: np.ndarray, Y: np.ndarray) -> np.ndarray:
    r"""The cost ``name`` of output ``A = g(Z)`` against targets ``Y``, one value per seed.

    Parameters
    ----------
    name : {"bce", "cross_entropy", "mse"}
    Z : ndarray of shape (n_L, m) or (S, n_L, m)
        Output pre-activation (logits).
    A : ndarray of the shape of Z
        Output activation.
    Y : ndarray of shape (n_L, m)
        Targets: 0/1 labels for ``"bce"``, one-hot columns for ``"cross_entropy"``.

    Returns
    -------
    ndarray of shape () or (S,)
        :math:`J = \frac1m \sum_i \ell(a_i, y_i)`; BCE uses
        :math:`\ell = \log(1 + e^{z}) - y z` and cross-entropy
        :math:`\ell = \log\sum_k e^{z_k} - \sum_k y_k z_k`, both finite for any finite ``z``.

    Examples
    --------
    >>> Z = np.array([[1000.0, -1000.0]]); Y = np.array([[0.0, 1.0]])
    >>> float(cost("bce", Z, None, Y))   # log(0) avoided: 1000 per example
    1000.0
    >>> Z = np.array([[2.0], [0.0]]); Y = np.array([[0.0], [1.0]])
    >>> round(float(cost("cross_entropy", Z, None, Y)), 6) == round(float(np.log(1 + np.exp(2))), 6)
    True
    """
    m = Y.shape[-1]
    if name == "bce":
        per_unit = _logaddexp0(Z) - Y * Z
    elif name == "cross_entropy":
        zmax = Z.max(axis=-2, keepdims=True)
        lse = zmax + np.log(np.exp(Z - zmax).sum(axis=-2, keepdims=True))
        per_unit = Y * (lse - Z)  # sum_k y_k (lse - z_k) = lse - sum_k y_k z_k for one-hot y
    elif name == "mse":
        per_unit = 0.5 * (A - Y) ** 2
    else:
        check(name, "")
    return per_unit.sum(axis=(-2, -1)) / m


def gradient(name: Name, output_activation: str, Z: np.ndarray, A: np.ndarray, Y: np.ndarray) -> np.ndarray:
    r""":math:`\partial J/\partial Z` at the output layer, shape of ``Z``.

    For ``"bce"`` with sigmoid and ``"cross_entropy"`` with softmax this is :math:`(A - Y)/m`;
    for ``"mse"`` it is :math:`(A - Y)/m` back-propagated through ``output_activation``.

    >>> Z = np.zeros((1, 2)); A = np.full((1, 2), 0.5); Y = np.array([[0.0, 1.0]])
    >>> gradient("bce", "sigmoid", Z, A, Y)
    array([[ 0.25, -0.25]])
    >>> gradient("mse", "sigmoid", Z, A, Y)   # times sigmoid'(0) = 1/4
    array([[ 0.0625, -0.0625]])
    """
    dA = (A - Y) / Y.shape[-1]
    if name == "mse":
        return activations.backward(output_activation, Z, A, dA)
    return dA

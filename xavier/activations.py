r"""Activation functions :math:`a = g(z)`, each with its backward step.

An activation is a pair of functions kept side by side, as in micrograd:

* ``forward(Z) -> A``
* ``backward(Z, A, dA) -> dZ``, the chain rule :math:`\partial J/\partial z` given
  :math:`\partial J/\partial a`. For element-wise functions this is ``dA * g'(Z)``; softmax mixes
  the units of one example, so it needs the whole column.

Arrays may carry any leading axes (stacked seeds); units are on axis ``-2`` and examples on
axis ``-1``, as everywhere in :mod:`xavier`.

>>> import numpy as np
>>> z = np.array([[-2.0, 0.0, 3.0]])
>>> forward("relu", z)
array([[0., 0., 3.]])
>>> backward("tanh", z, forward("tanh", z), np.ones_like(z)).round(4)
array([[0.0707, 1.    , 0.0099]])
"""

from __future__ import annotations

from typing import Callable, Literal, NamedTuple

import numpy as np

Name = Literal["identity", "tanh", "relu", "sigmoid", "softmax"]


class Activation(NamedTuple):
    """A forward function and its backward step."""

    forward: Callable[[np.ndarray], np.ndarray]
    """``forward(Z)``: :math:`A = g(Z)`, elementwise (the softmax: over axis ``-2``), same shape."""
    backward: Callable[[np.ndarray, np.ndarray, np.ndarray], np.ndarray]
    """``backward(Z, A, dA)``: :math:`dZ = dA \\odot g'(Z)` (the softmax: its Jacobian applied), same shape."""


def sigmoid(Z: np.ndarray) -> np.ndarray:
    r"""Logistic sigmoid :math:`\sigma(z) = 1 / (1 + e^{-z})`, without overflow for any ``z``.

    >>> sigmoid(np.array([-1000.0, 0.0, 1000.0]))
    array([0. , 0.5, 1. ])
    """
    e = np.exp(-np.abs(Z))  # in (0, 1]: never overflows
    return np.where(Z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def softmax(Z: np.ndarray) -> np.ndarray:
    r"""Softmax over the units of each example (axis ``-2``):
    :math:`a_k = e^{z_k} / \sum_j e^{z_j}`, shifted by :math:`\max_j z_j` so it never overflows.

    >>> softmax(np.array([[0.0, 1000.0], [0.0, 0.0]]))
    array([[0.5, 1. ],
           [0.5, 0. ]])
    """
    E = np.exp(Z - Z.max(axis=-2, keepdims=True))
    E /= E.sum(axis=-2, keepdims=True)
    return E


def _softmax_backward(Z, A, dA):
    # dz_k = a_k (da_k - sum_j a_j da_j): the softmax Jacobian applied to dA.
    return A * (dA - (A * dA).sum(axis=-2, keepdims=True))


ACTIVATIONS: dict[str, Activation] = {
    "identity": Activation(lambda Z: Z, lambda Z, A, dA: dA),
    "tanh": Activation(np.tanh, lambda Z, A, dA: dA * (1.0 - A * A)),  # tanh' = 1 - tanh^2
    "relu": Activation(lambda Z: np.maximum(Z, 0.0), lambda Z, A, dA: dA * (Z > 0)),
    "sigmoid": Activation(sigmoid, lambda Z, A, dA: dA * A * (1.0 - A)),  # sigma' = sigma(1 - sigma)
    "softmax": Activation(softmax, _softmax_backward),
}
"""Every activation by name, as ``{name: Activation(forward, backward)}``."""


def get(name: str) -> Activation:
    """The :class:`Activation` called ``name``.

    >>> get("tanh").forward(np.zeros(2))
    array([0., 0.])
    >>> get("swish")
    Traceback (most recent call last):
    ...
    ValueError: unknown activation 'swish'; valid choices: identity, relu, sigmoid, softmax, tanh
    """
    try:
        return ACTIVATIONS[name]
    except (KeyError, TypeError):
        valid = ", ".join(sorted(ACTIVATIONS))
        raise ValueError(f"unknown activation {name!r}; valid choices: {valid}") from None


def forward(name: Name, Z: np.ndarray) -> np.ndarray:
    """Apply activation ``name`` to ``Z`` (any shape; softmax over axis ``-2``, which needs at
    least two dimensions).

    Non-finite ``Z`` gives non-finite output (``nan`` for softmax over ``inf``) without a
    ``RuntimeWarning``.

    >>> forward("sigmoid", np.array([[0.0]]))
    array([[0.5]])
    >>> forward("softmax", np.array([[np.inf], [np.inf]]))
    array([[nan],
           [nan]])
    """
    g = get(name)
    Z = np.asarray(Z)
    if name == "softmax" and Z.ndim < 2:
        raise ValueError(f"softmax needs Z with units on axis -2, shape (n, m) or (S, n, m); got shape {Z.shape}")
    with np.errstate(over="ignore", invalid="ignore"):
        return g.forward(Z)


def backward(name: Name, Z: np.ndarray, A: np.ndarray, dA: np.ndarray) -> np.ndarray:
    r"""Back-propagate ``dA`` :math:`= \partial J/\partial A` through activation ``name``.

    Returns ``dZ`` :math:`= \partial J/\partial Z`, the shape of ``Z``. ``Z``, ``A`` and ``dA``
    must have the same shape (no broadcasting: a ``ValueError`` otherwise). ReLU's derivative at
    0 is taken to be 0.

    >>> z = np.array([[-1.0, 0.0, 2.0]])
    >>> backward("relu", z, forward("relu", z), np.array([[5.0, 5.0, 5.0]]))
    array([[0., 0., 5.]])
    """
    g = get(name)
    Z, A, dA = np.asarray(Z), np.asarray(A), np.asarray(dA)
    if not Z.shape == A.shape == dA.shape:
        raise ValueError(f"Z, A and dA must have the same shape, got {Z.shape}, {A.shape} and {dA.shape}")
    with np.errstate(over="ignore", invalid="ignore"):
        return g.backward(Z, A, dA)

r"""The floor: one gradient-descent step written the plain way, in numpy, float64.

This is the code a student writes after reading the article: two-dimensional arrays (no seed
axis), a list of weights, a forward loop, the cost, a backward loop, then the update. No buffers,
no ``out=``, no fusing. It computes what :meth:`xavier.network.Network.step` computes with
``S = 1``, in the same order and with the same formulas, so the two give the same weights (to
rounding); :mod:`bench` times it beside ``Network.step`` to see what ``xavier``'s generality costs.

For layer :math:`l = 1 \dots L`, with :math:`A^{[0]} = X` of shape ``(n[0], m)``:

.. math::

    Z^{[l]} = W^{[l]} A^{[l-1]} + b^{[l]}, \quad A^{[l]} = g^{[l]}(Z^{[l]}), \quad
    dZ^{[L]} = (A^{[L]} - Y) / m,

    dW^{[l]} = dZ^{[l]} A^{[l-1]\top}, \quad db^{[l]} = \textstyle\sum_i dZ^{[l]}_{:,i}, \quad
    dZ^{[l-1]} = (W^{[l]\top} dZ^{[l]}) \odot g^{[l-1]\prime}(Z^{[l-1]}),

    W^{[l]} \leftarrow W^{[l]} - \alpha\, dW^{[l]}, \quad b^{[l]} \leftarrow b^{[l]} - \alpha\, db^{[l]}.

>>> import numpy as np
>>> rng = np.random.default_rng(0)
>>> X = rng.standard_normal((2, 100)); Y = (X.sum(0, keepdims=True) > 0) * 1.0
>>> W = [None, 0.5 * rng.standard_normal((6, 2)), 0.4 * rng.standard_normal((3, 6)),
...      0.6 * rng.standard_normal((1, 3))]
>>> b = [None, np.zeros((6, 1)), np.zeros((3, 1)), np.zeros((1, 1))]
>>> J0 = step(W, b, X, Y, ["relu", "relu", "sigmoid"], "bce", 0.1)
>>> J1 = step(W, b, X, Y, ["relu", "relu", "sigmoid"], "bce", 0.1)
>>> bool(J1 < J0), [w.shape for w in W[1:]]
(True, [(6, 2), (3, 6), (1, 3)])
"""

from __future__ import annotations

from typing import Literal, Sequence

import numpy as np


def _g(name: str, Z: np.ndarray) -> np.ndarray:
    if name == "relu":
        return np.maximum(Z, 0)
    if name == "tanh":
        return np.tanh(Z)
    if name == "sigmoid":
        return 1 / (1 + np.exp(-Z))
    if name == "softmax":
        E = np.exp(Z - Z.max(axis=0, keepdims=True))
        return E / E.sum(axis=0, keepdims=True)
    raise ValueError(f"unknown activation {name!r}; valid choices: relu, sigmoid, softmax, tanh")


def _g_prime(name: str, Z: np.ndarray, A: np.ndarray) -> np.ndarray:
    if name == "relu":
        return (Z > 0) * 1.0
    if name == "tanh":
        return 1 - A**2
    if name == "sigmoid":
        return A * (1 - A)
    raise ValueError(f"no element-wise derivative for {name!r}; valid choices: relu, sigmoid, tanh")


def step(
    W: list,
    b: list,
    X: np.ndarray,
    Y: np.ndarray,
    activations: Sequence[str],
    cost: Literal["bce", "cross_entropy"],
    lr: float,
) -> float:
    """One full step on ``(X, Y)``: forward, cost, backward, update ``W`` and ``b`` in place.

    Parameters
    ----------
    W, b : list of ndarray
        ``W[l]`` of shape ``(n[l], n[l-1])`` and ``b[l]`` of shape ``(n[l], 1)`` for
        ``l = 1..L``; index 0 is ``None``. Updated in place.
    X : ndarray of shape (n[0], m)
    Y : ndarray of shape (n[L], m)
        0/1 labels for ``"bce"`` (sigmoid output), one-hot columns for ``"cross_entropy"``
        (softmax output).
    activations : sequence of str
        ``g[1..L]``: ``"relu"``, ``"tanh"`` or ``"sigmoid"``, and the output's.
    cost : {"bce", "cross_entropy"}
    lr : float

    Returns
    -------
    float
        The cost before the update.

    >>> W = [None, np.zeros((1, 2))]; b = [None, np.zeros((1, 1))]
    >>> bool(step(W, b, np.ones((2, 4)), np.ones((1, 4)), ["sigmoid"], "bce", 1.0) == np.log(2))
    True
    >>> W[1], b[1]   # dW = (0.5 - 1) * 1 averaged over 4 examples, for both inputs
    (array([[0.5, 0.5]]), array([[0.5]]))
    """
    L = len(W) - 1
    m = X.shape[1]

    # forward
    Z = [None]
    A = [X]
    for l in range(1, L + 1):
        Z.append(W[l] @ A[l - 1] + b[l])
        A.append(_g(activations[l - 1], Z[l]))

    # cost, from the logits so that it stays finite
    if cost == "bce":
        J = np.sum(np.logaddexp(0, Z[L]) - Y * Z[L]) / m
    elif cost == "cross_entropy":
        zmax = Z[L].max(axis=0, keepdims=True)
        lse = zmax + np.log(np.sum(np.exp(Z[L] - zmax), axis=0, keepdims=True))
        J = np.sum(Y * (lse - Z[L])) / m
    else:
        raise ValueError(f"unknown cost {cost!r}; valid choices: bce, cross_entropy")

    # backward
    dW = [None] * (L + 1)
    db = [None] * (L + 1)
    dZ = (A[L] - Y) / m
    for l in range(L, 0, -1):
        dW[l] = dZ @ A[l - 1].T
        db[l] = np.sum(dZ, axis=1, keepdims=True)
        if l > 1:
            dA = W[l].T @ dZ
            dZ = dA * _g_prime(activations[l - 2], Z[l - 1], A[l - 1])

    # update
    for l in range(1, L + 1):
        W[l] -= lr * dW[l]
        b[l] -= lr * db[l]
    return float(J)

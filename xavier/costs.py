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

from xavier import _checks, activations

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
    if not isinstance(name, str) or name not in OUTPUT_ACTIVATION:
        valid = ", ".join(sorted(OUTPUT_ACTIVATION))
        raise ValueError(f"unknown cost {name!r}; valid choices: {valid}")
    allowed = OUTPUT_ACTIVATION[name]
    if not isinstance(output_activation, str) or output_activation not in allowed:
        raise ValueError(
            f"cost {name!r} needs output activation {' or '.join(map(repr, allowed))}, "
            f"not {output_activation!r}"
        )


def _softplus(Z):
    # log(1 + e^z) without overflow, to full relative precision: max(z, 0) + log1p(e^{-|z|}).
    return np.maximum(Z, 0.0) + np.log1p(np.exp(-np.abs(Z)))


def check_targets(name: Name, Z: np.ndarray, A: np.ndarray | None, Y: np.ndarray) -> None:
    """Raise ``ValueError`` unless ``Y`` holds valid targets for cost ``name`` and output ``Z``, ``A``.

    ``Y`` must have the output's shape ``(n_L, m)`` (``Z`` may carry a leading seed axis), at
    least one example (``m >= 1``), finite values, and: for ``"bce"`` values in :math:`[0, 1]`; for
    ``"cross_entropy"`` at least two output units and one-hot columns (zeros and a single 1).
    ``A``, when given, must have the shape of ``Z``; ``"mse"`` needs it.

    >>> check_targets("cross_entropy", np.zeros((3, 2)), None, np.array([[1., 0.], [0., 1.], [0., 1.]]))
    Traceback (most recent call last):
    ...
    ValueError: cross_entropy needs one-hot columns in Y (zeros and a single 1), but column 1 is [0. 1. 1.]
    >>> check_targets("bce", np.zeros((1, 0)), None, np.zeros((1, 0)))
    Traceback (most recent call last):
    ...
    ValueError: m = 0 examples (Y has shape (1, 0)); need at least one column
    """
    if name not in OUTPUT_ACTIVATION:
        check(name, "")
    Z, Y = np.asarray(Z), np.asarray(Y)
    if Z.ndim not in (2, 3):
        raise ValueError(f"Z must have shape (n_L, m) or (S, n_L, m), got {Z.shape}")
    if A is not None and np.shape(A) != Z.shape:
        raise ValueError(f"A has shape {np.shape(A)}; expected the shape of Z, {Z.shape}")
    if name == "mse" and A is None:
        raise ValueError("mse needs the output activation A (got None)")
    if Y.shape != Z.shape[-2:]:
        raise ValueError(f"Y has shape {Y.shape}; expected the output's shape {Z.shape[-2:]} (n_L, m)")
    if Y.shape[-1] == 0:
        raise ValueError(f"m = 0 examples (Y has shape {Y.shape}); need at least one column")
    _checks.real_array("Y", Y, bool_ok=True)
    if name == "bce":
        outside = (Y < 0) | (Y > 1)
        if outside.any():
            raise ValueError(f"bce needs targets in [0, 1] (labels 0/1 or probabilities), got {Y[outside].flat[0]!r}")
    elif name == "cross_entropy":
        if Y.shape[0] < 2:
            raise ValueError(f"cross_entropy needs at least 2 output units (classes), got n_L = {Y.shape[0]}: "
                             "a softmax over one unit is always 1")
        ok = ((Y == 0) | (Y == 1)).all(axis=0) & (Y.sum(axis=0) == 1)
        if not ok.all():
            j = int(np.flatnonzero(~ok)[0])
            raise ValueError(f"cross_entropy needs one-hot columns in Y (zeros and a single 1), "
                             f"but column {j} is {Y[:, j]}")


def cost(name: Name, Z: np.ndarray, A: np.ndarray | None, Y: np.ndarray) -> np.ndarray:
    r"""The cost ``name`` of output ``A = g(Z)`` against targets ``Y``, one value per seed.

    Parameters
    ----------
    name : {"bce", "cross_entropy", "mse"}
    Z : ndarray of shape (n_L, m) or (S, n_L, m)
        Output pre-activation (logits).
    A : ndarray of the shape of Z, or None
        Output activation; used by ``"mse"`` only (the other two start from the logits).
    Y : ndarray of shape (n_L, m)
        Targets: values in [0, 1] for ``"bce"``, one-hot columns for ``"cross_entropy"``.

    Returns
    -------
    ndarray of shape () or (S,)
        :math:`J = \frac1m \sum_i \ell(a_i, y_i)`, computed from the logits ``Z`` so that it is
        finite for any finite ``Z`` and accurate to a few ulps wherever float64 (float32 for a
        float32 ``Z``) can represent it: 4.25e-18 at a margin of 40, not 0. BCE uses
        :math:`\ell = (1-y)\,\mathrm{softplus}(z) + y\,\mathrm{softplus}(-z)`, with
        :math:`\mathrm{softplus}(z) = \log(1 + e^z) = \max(z, 0) + \mathrm{log1p}(e^{-|z|})`, equal
        to :math:`-y\log\sigma(z) - (1-y)\log(1-\sigma(z))`; computed as
        :math:`\max\big((1-y)z, -yz\big) + \mathrm{log1p}(e^{-|z|})`, terms >= 0, no cancellation.
        Cross-entropy uses, with :math:`M = \max_j z_j` and :math:`k` the label,

        .. math:: \ell = -\log \mathrm{softmax}(z)_k = (M - z_k)
                  + \mathrm{log1p}\Big(\sum_j e^{z_j - M} - 1\Big),

        the sum less one formed without adding 1 (the maximum's own term is exactly
        :math:`e^0 = 1`), so that a well-classified example's :math:`\log(1 + \sum_{j \ne k}
        e^{z_j - z_k})` keeps its digits; for two classes it is BCE's value exactly (softmax over
        :math:`[0, z]` is :math:`\sigma(z)`). The error left is that of the rounded differences
        :math:`z_j - M` (about :math:`|z_j - M|` ulps of :math:`e^{z_j - M}` when they are not
        exact). The shifted log-sum-exp with log1p follows P. Blanchard, D. J. Higham &
        N. J. Higham, "Accurately computing the log-sum-exp and softmax functions", IMA J. Numer.
        Anal. 41 (2021). Non-finite
        ``Z`` (a diverged network) gives ``inf`` or ``nan`` without warnings.

    Raises
    ------
    ValueError
        See :func:`check_targets` (shapes, ``m = 0``, label values).

    Examples
    --------
    >>> Z = np.array([[1000.0, -1000.0]]); Y = np.array([[0.0, 1.0]])
    >>> float(cost("bce", Z, None, Y))   # log(0) avoided: 1000 per example
    1000.0
    >>> float(cost("bce", np.array([[40.0]]), None, np.array([[1.0]])))  # log(1 + e^-40)
    4.248354255291589e-18
    >>> float(cost("cross_entropy", np.array([[1e16], [1e16]]), None, np.array([[0.0], [1.0]])))  # log 2
    0.6931471805599453
    >>> float(cost("cross_entropy", np.array([[0.0], [40.0]]), None, np.array([[0.0], [1.0]])))  # BCE's value
    4.248354255291589e-18
    """
    Z, Y = np.asarray(Z), np.asarray(Y)
    A = None if A is None else np.asarray(A)
    check_targets(name, Z, A, Y)
    with np.errstate(over="ignore", invalid="ignore"):
        return _cost(name, Z, A, Y)


def _cost(name, Z, A, Y):
    # cost() without the checks and without np.errstate: the caller sets it once (Network.step's
    # inner loop, where every microsecond of a small network's step counts).
    m = Y.shape[-1]
    if name == "bce":
        # (1-y) softplus(z) + y softplus(-z) = (1-y) max(z, 0) + y max(-z, 0) + log(1 + e^-|z|);
        # for y in [0, 1] the first two terms are max((1-y) z, -y z): one of them is the only
        # non-zero one. Three terms >= 0, each to a few ulps: no cancellation.
        per_unit = np.maximum(Z * (1.0 - Y), Z * -Y)
        per_unit += np.log1p(np.exp(-np.abs(Z)))
        return per_unit.sum(axis=(-2, -1)) / m
    if name == "cross_entropy":
        return _cross_entropy(Z, Y).sum(axis=-1) / m
    per_unit = 0.5 * (A - Y) ** 2  # mse
    return per_unit.sum(axis=(-2, -1)) / m


def _cross_entropy(Z, Y):
    # -log softmax(z)_k for the label k of each example, shape Z.shape[:-2] + (m,). With
    # M = max_j z_j:  -log softmax(z)_k = (M - z_k) + log(sum_j e^{z_j - M})
    #                                   = (M - z_k) + log1p(sum_j e^{z_j - M} - 1).
    # Both terms are >= 0. The sum less 1 is formed without ever adding 1: the maximum's own term
    # is exactly e^0 = 1, so it is the terms below 1 plus (the number of terms equal to 1) - 1.
    # A well-classified example (k the maximum, margin t) then gives log1p(e^-t + ...) to a few
    # ulps, never log(1 + tiny) = 0.
    zmax = Z.max(axis=-2, keepdims=True)
    E = np.exp(Z - zmax)  # in [0, 1]: never overflows
    top = E == 1.0
    rest = np.where(top, 0.0, E).sum(axis=-2) + (top.sum(axis=-2, dtype=E.dtype) - 1.0)
    margin = np.where(Y == 0, 0.0, Y * (zmax - Z)).sum(axis=-2)  # M - z_k; 0, not 0 * inf, off the label
    return margin + np.log1p(rest)


def gradient(name: Name, output_activation: str, Z: np.ndarray, A: np.ndarray | None, Y: np.ndarray) -> np.ndarray:
    r""":math:`\partial J/\partial Z` at the output layer, shape of ``Z``.

    For ``"bce"`` with sigmoid and ``"cross_entropy"`` with softmax this is :math:`(A - Y)/m`;
    for ``"mse"`` it is :math:`(A - Y)/m` back-propagated through ``output_activation``.
    ``A = None`` computes ``A`` from ``Z``.

    Raises
    ------
    ValueError
        For a cost that does not go with ``output_activation`` (:func:`check`) and the cases of
        :func:`check_targets`.

    Examples
    --------
    >>> Z = np.zeros((1, 2)); A = np.full((1, 2), 0.5); Y = np.array([[0.0, 1.0]])
    >>> gradient("bce", "sigmoid", Z, A, Y)
    array([[ 0.25, -0.25]])
    >>> gradient("mse", "sigmoid", Z, A, Y)   # times sigmoid'(0) = 1/4
    array([[ 0.0625, -0.0625]])
    """
    check(name, output_activation)
    Z, Y = np.asarray(Z), np.asarray(Y)
    if A is None:
        with np.errstate(over="ignore", invalid="ignore"):
            A = activations.forward(output_activation, Z)
    check_targets(name, Z, A, Y)
    with np.errstate(over="ignore", invalid="ignore"):
        return _gradient(name, output_activation, Z, np.asarray(A), Y)


def _gradient(name, output_activation, Z, A, Y):
    # gradient() without the checks and without np.errstate (the caller sets it).
    dA = (A - Y) / Y.shape[-1]
    if name == "mse":
        return activations.ACTIVATIONS[output_activation].backward(Z, A, dA)
    return dA

r"""Exploding and vanishing signals in a deep linear chain (section 2; the article's section II).

The article's example is a chain of ``L - 1 = 9`` layers of two units with linear (identity)
activations, fed by two inputs and read by one output unit, so ``L = 10``. With every hidden
matrix equal to :math:`W = sI` the signal after layer :math:`l` is exactly :math:`s^l x`, and the
back-propagated gradient :math:`dA^{[l]} = \partial J / \partial A^{[l]}` is exactly
:math:`s^{L-1-l}\, dA^{[L-1]}`, since each layer on the way back multiplies by
:math:`W^\top = sI`:

.. math::

    a^{[l]} = s^l x, \qquad dA^{[l]} = s^{L-1-l}\, W^{[L]\top} dZ^{[L]}, \qquad
    dW^{[l]} = dA^{[l]} a^{[l-1]\top} = s^{L-2}\, W^{[L]\top} dZ^{[L]} x^\top
    \quad (1 \le l \le L-1).

The functions here build that chain (:func:`chain_network`), measure the size of every layer's
activations and gradients (:func:`signal_sizes`), train it from several scales at once
(:func:`train_chain`), and draw the two figures of the page (:func:`plot_signal_sizes`,
:func:`plot_chain_training`).

>>> import numpy as np
>>> net = chain_network([1.5, 0.5], rng=np.random.default_rng(0))
>>> net.sizes, net.S, net.W[3][0]
((2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 1), 2, array([[1.5, 0. ],
       [0. , 1.5]]))
"""

from __future__ import annotations

import warnings
from typing import Sequence

import numpy as np

from xavier import _checks
from xavier import init as inits
from xavier.network import Network, train
from plotting import COLORS, band, marker_for, styled, subplots

__all__ = ["rms", "chain_network", "signal_sizes", "train_chain", "lr_sweep", "steps_to_reach",
           "scale_color", "plot_signal_sizes", "plot_chain_training", "plot_lr_sweep", "plot_chain_runs"]


def _check_scales(scales: Sequence[float]) -> np.ndarray:
    s = np.asarray(scales, dtype=float)
    if s.ndim != 1 or s.size == 0 or not np.all(np.isfinite(s)) or np.any(s < 0):
        raise ValueError(f"scales must be a non-empty list of finite numbers >= 0, got {scales!r}")
    return s


def rms(A: np.ndarray) -> np.ndarray:
    r"""Root mean square over units and examples, one value per seed: the "size" of a layer.

    .. math:: \lVert A \rVert_\text{rms} = \sqrt{\frac{1}{n\,m} \sum_{k=1}^{n} \sum_{i=1}^{m} A_{ki}^2}

    Parameters
    ----------
    A : ndarray of shape (n, m) or (S, n, m)

    Returns
    -------
    ndarray of shape () or (S,)

    Examples
    --------
    >>> rms(np.array([[3.0, -4.0], [0.0, 0.0]])) ** 2   # (9 + 16) / 4
    np.float64(6.25)
    >>> rms(np.ones((3, 2, 5))).shape
    (3,)
    """
    A = np.asarray(A, dtype=float)
    if A.ndim < 2:
        raise ValueError(f"A must have shape (n, m) or (S, n, m), got shape {A.shape}")
    return np.sqrt(np.mean(A * A, axis=(-2, -1)))


def chain_network(
    scales: Sequence[float],
    *,
    rng: np.random.Generator,
    L: int = 10,
    width: int = 2,
    seeds: int = 1,
    noise: float = 0.0,
) -> Network:
    r"""The article's chain: ``width`` inputs, ``L - 1`` linear layers of ``width`` units, one output.

    Every hidden matrix starts at :math:`W^{[l]} = sI + \epsilon E^{[l]}` for :math:`l = 1, \dots,
    L-1`, with :math:`E^{[l]}_{kj} \sim \mathcal{N}(0, 1)` and :math:`\epsilon` = ``noise``; the
    output row is drawn from Xavier's :math:`\mathcal{N}(0, 1/n^{[L-1]})`
    (:func:`xavier.init.variance_scaling` with ``mode="fan_in"``). All activations are the identity and the biases are 0.

    Copies are stacked scale-major: copy ``k * seeds + j`` has scale ``scales[k]`` and seed ``j``.
    Seed ``j`` uses the same noise :math:`E^{[l]}` and the same output row for every scale, so two
    scales differ only by :math:`s`.

    Parameters
    ----------
    scales : sequence of float, each >= 0
        The scales :math:`s`, e.g. ``[1.5, 1.0, 0.5]``.
    rng : numpy.random.Generator
    L : int, default 10
        Layers with weights; the output layer is ``L``.
    width : int, default 2
        Inputs and units of every hidden layer.
    seeds : int, default 1
        Independent draws of the noise and of the output row.
    noise : float, default 0.0
        :math:`\epsilon`, the standard deviation added to each hidden weight.

    Returns
    -------
    Network
        ``S = len(scales) * seeds`` stacked chains, activations ``"identity"`` throughout.

    Examples
    --------
    >>> net = chain_network([1.5, 1.0, 0.5], rng=np.random.default_rng(0), seeds=4, noise=0.01)
    >>> net.S, net.L, net.activations[-1], net.W[10].shape
    (12, 10, 'identity', (12, 1, 2))
    >>> I = np.eye(2)
    >>> bool(np.allclose(net.W[10][:4], net.W[10][8:])), bool(np.allclose(net.W[5][:4] - 1.5 * I, net.W[5][8:] - 0.5 * I))
    (True, True)
    >>> chain_network([1.5], rng=np.random.default_rng(0), L=1)
    Traceback (most recent call last):
    ...
    ValueError: L must be an integer >= 2 (not a bool), got 1
    """
    s = _check_scales(scales)
    L = _checks.positive_int("L", L, low=2)
    width = _checks.positive_int("width", width)
    seeds = _checks.positive_int("seeds", seeds)
    noise = _checks.real("noise", noise, low=0)
    K = s.size
    net = Network([width] * L + [1], ["identity"] * L, "zeros", rng=rng, seeds=K * seeds)
    eye = np.eye(width)
    for l in range(1, L):
        E = rng.standard_normal((seeds, width, width)) if noise > 0 else np.zeros((seeds, width, width))
        W = s[:, None, None, None] * eye + noise * E[None]  # (K, seeds, width, width)
        net.W[l][...] = W.reshape(K * seeds, width, width)
    out = inits.variance_scaling((seeds, 1, width), rng, scale=1.0, mode="fan_in")
    net.W[L][...] = np.tile(out, (K, 1, 1))
    return net


def signal_sizes(net: Network, X: np.ndarray, Y: np.ndarray, cost: str = "mse") -> dict[str, np.ndarray]:
    r"""The size (:func:`rms`) of every layer's activations and gradients, for every seed.

    One forward and one backward pass of ``net`` on ``(X, Y)``; arrays are indexed by layer
    ``l = 0, ..., L`` along their last axis, with ``nan`` where a quantity does not exist.

    Parameters
    ----------
    net : Network
    X : ndarray of shape (n[0], m)
    Y : ndarray of shape (n[L], m)
    cost : {"bce", "cross_entropy", "mse"}, default "mse"

    Returns
    -------
    dict
        ``"a"`` : ndarray of shape (S, L+1), :math:`\lVert A^{[l]}\rVert_\text{rms}` (``l = 0`` is
        ``X``). ``"dA"`` : ndarray of shape (S, L+1),
        :math:`\lVert \partial J/\partial A^{[l]}\rVert_\text{rms}` for ``l = 0..L-1``, ``nan`` at
        ``L``. ``"dW"`` : ndarray of shape (S, L+1), :math:`\lVert dW^{[l]}\rVert_\text{rms}` for
        ``l = 1..L``, ``nan`` at 0.

    For the chain :math:`W = sI`, the activations grow like :math:`s^l` and the gradients like
    :math:`s^{L-1-l}`:

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> net = chain_network([1.5], rng=rng)
    >>> X = rng.standard_normal((2, 8)); Y = np.ones((1, 8))
    >>> size = signal_sizes(net, X, Y)
    >>> float(size["a"][0, 9] / size["a"][0, 0]), float(size["dA"][0, 0] / size["dA"][0, 9])
    (38.443359375, 38.443359375)
    >>> size["dA"].shape, bool(np.isnan(size["dW"][0, 0]))
    ((1, 11), True)
    """
    Z, A = net.forward(X)
    grads = net.backward(Z, A, np.asarray(Y, dtype=float), cost, input_grad=True)
    L, S = net.L, net.S
    out = {key: np.full((S, L + 1), np.nan) for key in ("a", "dA", "dW")}
    out["a"][:, 0] = rms(np.broadcast_to(A[0], (S,) + np.shape(A[0])[-2:]))
    for l in range(1, L + 1):
        out["a"][:, l] = rms(A[l])
        out["dW"][:, l] = rms(grads.dW[l])
    for l in range(L):
        out["dA"][:, l] = rms(grads.dA[l])
    return out


def train_chain(
    scales: Sequence[float],
    *,
    lr: float,
    steps: int,
    rng: np.random.Generator,
    seeds: int = 12,
    noise: float = 0.01,
    m: int = 100,
    w: Sequence[float] = (1.0, -2.0),
    data: tuple[np.ndarray, np.ndarray] | None = None,
) -> dict[str, np.ndarray]:
    r"""Train the chain from several scales at once on a linear regression task.

    The task: :math:`m` inputs :math:`x \sim \mathcal{N}(0, I_2)` and targets :math:`y = w^\top x`,
    cost :math:`J = \frac{1}{2m}\sum_i (\hat y_i - y_i)^2` (``"mse"``). A product of matrices can
    equal :math:`w^\top`, so the minimum of :math:`J` is 0. Every scale starts from
    :func:`chain_network` with the same seeds and is trained by full-batch gradient descent at the
    same learning rate with :func:`xavier.network.train`, which freezes a copy whose cost
    overflows and records the step.

    Parameters
    ----------
    scales : sequence of float
        Starting scales :math:`s` of the hidden matrices :math:`sI`.
    lr : float
        Learning rate :math:`\alpha`.
    steps : int
        Gradient-descent steps (full batch, so also epochs).
    rng : numpy.random.Generator
        Draws the data, then the chains.
    seeds : int, default 12
        Copies per scale (different noise and output rows).
    noise : float, default 0.01
        See :func:`chain_network`.
    m : int, default 100
        Training examples.
    w : sequence of 2 floats, default (1.0, -2.0)
        The target weights.
    data : (X, Y), optional
        A training set to use instead of drawing one (then ``m`` and ``w`` are ignored and ``rng``
        draws only the chains): ``X`` of shape (2, m), ``Y`` of shape (1, m). Pass the same data
        to several experiments to compare them on one training set.

    Returns
    -------
    dict
        ``"start"`` : the :class:`~xavier.network.Network` of all copies before training.
        ``"cost"`` : ndarray of shape (T, K, seeds), the cost before each step (``nan`` after a
        copy diverged; ``T = steps`` unless every copy diverged). ``"diverged_at"`` : ndarray of
        int, shape (K, seeds), the step at which a copy diverged, -1 if it did not. ``"scales"`` :
        ndarray of shape (K,). ``"lr"`` : float. ``"X"`` : ndarray of shape (2, m) and ``"Y"`` :
        ndarray of shape (1, m), the training data.

    Examples
    --------
    >>> res = train_chain([1.0, 0.5], lr=0.01, steps=200, rng=np.random.default_rng(0), seeds=3)
    >>> res["cost"].shape, res["diverged_at"].tolist()
    ((200, 2, 3), [[-1, -1, -1], [-1, -1, -1]])
    >>> bool(np.all(res["cost"][-1, 0] < 1e-10)), bool(np.all(res["cost"][-1, 1] > 1.0))
    (True, True)
    """
    s, X, Y, net = _chain_task(scales, steps, rng, seeds, noise, m, w, data)
    return _train_copies(net, s, X, Y, lr, steps, seeds)


def _chain_task(scales, steps, rng, seeds, noise, m, w, data=None):
    s = _check_scales(scales)
    _checks.positive_int("steps", steps)
    if data is None:
        m = _checks.positive_int("m", m)
        w = np.asarray(w, dtype=float)
        if w.shape != (2,) or not np.all(np.isfinite(w)):
            raise ValueError(f"w must be two finite numbers, got {w!r}")
        X = rng.standard_normal((2, m))
        Y = w[None, :] @ X
    else:
        X, Y = (np.asarray(a, dtype=float) for a in data)
        if X.ndim != 2 or X.shape[0] != 2 or Y.shape != (1, X.shape[1]) or X.shape[1] == 0:
            raise ValueError(f"data must be (X, Y) of shapes (2, m) and (1, m), got {X.shape} and {Y.shape}")
    net = chain_network(s, rng=rng, seeds=seeds, noise=noise)
    return s, X, Y, net


def _train_copies(net, s, X, Y, lr, steps, seeds):
    start = net.copy()
    hist = train(net, X, Y, "mse", lr=lr, epochs=steps)
    K = s.size
    return {
        "start": start,
        "cost": hist.cost.reshape(len(hist.cost), K, seeds),
        "diverged_at": hist.diverged_at.reshape(K, seeds),
        "scales": s,
        "lr": float(lr),
        "X": X,
        "Y": Y,
    }


def lr_sweep(
    scales: Sequence[float],
    lrs: Sequence[float],
    *,
    steps: int,
    rng: np.random.Generator,
    seeds: int = 8,
    noise: float = 0.01,
    m: int = 100,
    w: Sequence[float] = (1.0, -2.0),
    data: tuple[np.ndarray, np.ndarray] | None = None,
) -> dict[str, np.ndarray]:
    r"""Train the same chains and data as :func:`train_chain` at several learning rates.

    The data and the starting chains are drawn once; every learning rate trains its own copy of
    them (:meth:`xavier.network.Network.copy`), so the learning rates are compared on the same
    starts.

    Parameters
    ----------
    scales, steps, rng, seeds, noise, m, w, data
        As for :func:`train_chain`.
    lrs : sequence of float
        The learning rates.

    Returns
    -------
    dict
        ``"final"`` : ndarray of shape (K, n_lr, seeds), the cost before the last step, ``inf``
        for a run that diverged. ``"lrs"`` : ndarray of shape (n_lr,). ``"scales"`` : ndarray of
        shape (K,). ``"steps"`` : int. ``"J_zero"`` : float, the cost of predicting 0,
        :math:`\frac{1}{2m}\sum_i y_i^2`.

    Examples
    --------
    >>> sw = lr_sweep([1.5, 1.0], [1e-3, 1e-2], steps=100, rng=np.random.default_rng(0), seeds=2)
    >>> sw["final"].shape, bool(np.isinf(sw["final"][0, 1]).all()), bool(np.all(sw["final"][1, 1] < 1e-6))
    ((2, 2, 2), True, True)
    """
    s, X, Y, net = _chain_task(scales, steps, rng, seeds, noise, m, w, data)
    lrs = np.asarray(lrs, dtype=float)
    if lrs.ndim != 1 or lrs.size == 0 or not np.all(np.isfinite(lrs) & (lrs > 0)):
        raise ValueError(f"lrs must be a non-empty list of positive numbers, got {lrs!r}")
    final = np.full((s.size, lrs.size, seeds), np.inf)
    for i, lr in enumerate(lrs):
        res = _train_copies(net.copy(), s, X, Y, float(lr), steps, seeds)
        last = res["cost"][-1] if len(res["cost"]) == steps else np.full((s.size, seeds), np.nan)
        final[:, i] = np.where(res["diverged_at"] >= 0, np.inf, last)
    return {"final": final, "lrs": lrs, "scales": s, "steps": int(steps),
            "J_zero": 0.5 * float(np.mean(Y**2))}


def steps_to_reach(cost: np.ndarray, level: float) -> np.ndarray:
    """The first step at which each run's cost is below ``level``; -1 if it never is.

    Parameters
    ----------
    cost : ndarray of shape (T, ...)
        Costs along axis 0 (``nan`` counts as not below).
    level : float

    Returns
    -------
    ndarray of int, shape ``cost.shape[1:]``

    Examples
    --------
    >>> steps_to_reach(np.array([[3.0, 3.0], [2.0, 3.0], [0.5, np.nan]]), 1.0)
    array([ 2, -1])
    """
    cost = np.asarray(cost, dtype=float)
    below = np.nan_to_num(cost, nan=np.inf) < level
    return np.where(below.any(axis=0), below.argmax(axis=0), -1)


def scale_color(s: float) -> str:
    """The site's colour for a scale: ``"large"`` above 1, ``"appropriate"`` at 1, ``"small"`` below.

    >>> scale_color(1.5) == COLORS["large"], scale_color(1.0) == COLORS["appropriate"]
    (True, True)
    """
    return COLORS["large"] if s > 1 else COLORS["appropriate"] if s == 1 else COLORS["small"]


def _label(s: float) -> str:
    return "$W = I$" if s == 1 else f"$W = {s:g}\\,I$"


@styled
def plot_signal_sizes(sizes: dict[str, np.ndarray], scales: Sequence[float], x_rms: float):
    r"""Two panels: :math:`\lVert a^{[l]}\rVert_\text{rms}` and :math:`\lVert dA^{[l]}\rVert_\text{rms}`
    per layer on a log scale, each beside its prediction.

    The predictions are :math:`s^l \lVert x\rVert_\text{rms}` for the activations and
    :math:`s^{L-1-l} \lVert dA^{[L-1]}\rVert_\text{rms}` (anchored at the last hidden layer) for
    the gradients, drawn as dashed lines; the measurements are markers.

    Parameters
    ----------
    sizes : dict
        From :func:`signal_sizes` on a chain with one copy per scale.
    scales : sequence of float
        The scale of each copy, in the order of the copies.
    x_rms : float
        :math:`\lVert x \rVert_\text{rms}` of the inputs.

    Returns
    -------
    matplotlib Figure

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((2, 8))
    >>> net = chain_network([1.5, 1.0, 0.5], rng=rng)
    >>> fig = plot_signal_sizes(signal_sizes(net, X, X[:1]), [1.5, 1.0, 0.5], float(rms(X)))
    >>> [ax.get_yscale() for ax in fig.axes]
    ['log', 'log']
    """
    s = _check_scales(scales)
    a, dA = sizes["a"], sizes["dA"]
    L = a.shape[1] - 1
    hidden = np.arange(L)  # layers 0..L-1: input and hidden layers (the output has its own W[L])
    fig, (ax1, ax2) = subplots(2, 1, figsize=(5.2, 7.6), sharex=True)  # one panel per row: readable on a phone
    for k, sk in enumerate(s):
        c = scale_color(sk)
        ax1.plot(hidden, sk**hidden * x_rms, "--", color=c, lw=1, alpha=0.8)
        ax1.plot(hidden, a[k, :L], marker_for(c), color=c, ms=5, ls="none",
                 label=f"measured, {_label(sk)}")
        ax2.plot(hidden, sk ** (L - 1 - hidden) * dA[k, L - 1], "--", color=c, lw=1, alpha=0.8)
        ax2.plot(hidden, dA[k, :L], marker_for(c), color=c, ms=5, ls="none")
    ax1.plot([], [], "--", color="0.4", lw=1, label="prediction (dashed)")
    ax1.set(yscale="log", ylabel=r"size of $a^{[l]}$ (rms over the batch)",
            title=r"forward: activations, predicted $s^{l}\,\|x\|$")
    ax2.set(yscale="log", xlabel="layer $l$", ylabel=r"size of $dA^{[l]} = \partial J/\partial a^{[l]}$ (rms)",
            title=r"backward: gradients, predicted $s^{L-1-l}\,\|dA^{[L-1]}\|$")
    ax1.set_xticks(hidden)
    fig.legend(loc="outside lower center", ncol=2)
    return fig


@styled
def plot_chain_training(result: dict[str, np.ndarray], *, top: float = 1e6):
    r"""The cost against the step for every starting scale: median and 10-90 % band over seeds.

    Both axes are logarithmic (the step axis linear below 1). Runs that diverge leave the plot at
    the top; a cross on the upper edge marks the step at which each diverged.

    Parameters
    ----------
    result : dict
        From :func:`train_chain`.
    top : float, default 1e6
        Upper limit of the cost axis.

    Returns
    -------
    matplotlib Figure

    Examples
    --------
    >>> res = train_chain([1.5, 1.0], lr=0.01, steps=20, rng=np.random.default_rng(0), seeds=3)
    >>> fig = plot_chain_training(res)
    >>> fig.axes[0].get_yscale(), fig.axes[0].get_xscale()
    ('log', 'symlog')
    """
    cost, div = result["cost"], result["diverged_at"]
    T = cost.shape[0]
    t = np.arange(T)
    fig, ax = subplots(figsize=(4.8, 5.0))
    for k, sk in enumerate(result["scales"]):
        c = scale_color(sk)
        with np.errstate(invalid="ignore"):
            band(ax, t, cost[:, k], color=c, label=f"start {_label(sk)}")
        d = div[k][div[k] >= 0]
        if d.size:
            steps, counts = np.unique(d, return_counts=True)
            ax.scatter(steps, np.full(steps.size, top), marker="x", color=c, s=25 + 10 * counts,
                       clip_on=False, zorder=4, label=f"diverged at this step ({d.size} of {div.shape[1]} runs)")
    finite = cost[np.isfinite(cost)]
    bottom = max(float(finite[finite > 0].min()) / 3, 1e-300) if np.any(finite > 0) else 1e-12
    ax.set(xscale="symlog", yscale="log", xlabel="gradient-descent step",
           ylabel="cost $J$ (mean squared error / 2)", ylim=(bottom, top), xlim=(0, T))
    fig.legend(loc="outside lower center", ncol=1)
    return fig


@styled
def plot_lr_sweep(sweep: dict[str, np.ndarray], *, top: float = 1e3):
    r"""The cost after a fixed number of steps against the learning rate, for every start.

    Median over seeds (line and dots) and 10-90 % band; a run that diverged counts as a cost
    above the plot, and a cross on the upper edge marks every learning rate at which the median
    run diverged. A dotted line marks the cost of predicting 0.

    Parameters
    ----------
    sweep : dict
        From :func:`lr_sweep`.
    top : float, default 1e3
        Upper limit of the cost axis; diverged runs are drawn there.

    Returns
    -------
    matplotlib Figure

    Examples
    --------
    >>> sw = lr_sweep([1.5, 1.0], [1e-3, 1e-2], steps=50, rng=np.random.default_rng(0), seeds=2)
    >>> fig = plot_lr_sweep(sw)
    >>> fig.axes[0].get_xscale(), float(fig.axes[0].get_ylim()[1])
    ('log', 1000.0)
    """
    final, lrs = sweep["final"], sweep["lrs"]
    fig, ax = subplots(figsize=(4.8, 5.0))
    finite = final[np.isfinite(final) & (final > 0)]
    bottom = float(finite.min()) / 3 if finite.size else 1e-12
    for k, sk in enumerate(sweep["scales"]):
        c = scale_color(sk)
        F = np.minimum(np.where(np.isfinite(final[k]), final[k], top), top)
        line = band(ax, lrs, F, color=c, label=f"start {_label(sk)}")
        line.set_markersize(4)
        gone = np.median(F, axis=1) >= top
        if gone.any():
            ax.scatter(lrs[gone], np.full(gone.sum(), top), marker="x", color=c, s=40, clip_on=False,
                       zorder=4, label=f"start {_label(sk)}: median run diverged")
    ax.axhline(sweep["J_zero"], color="0.3", ls=":", lw=1, label="cost of predicting 0")
    ax.set(xscale="log", yscale="log", ylim=(bottom, top), xlabel=r"learning rate $\alpha$",
           ylabel=f"cost after {sweep['steps']} steps")
    fig.legend(loc="outside lower center", ncol=1)
    return fig


@styled
def plot_chain_runs(result: dict[str, np.ndarray], scale: float, *, top: float = 1e6):
    r"""Every run of one starting scale, one line each, beside the median of the runs still alive.

    A median taken over the surviving runs only changes its population whenever a run diverges,
    so its rise and fall can come from which runs are left rather than from any run's path. This
    figure shows the paths. Both axes are logarithmic (the step axis linear below 1); a run that
    diverges ends with a cross at its last finite cost.

    Parameters
    ----------
    result : dict
        From :func:`train_chain`.
    scale : float
        One of ``result["scales"]``.
    top : float, default 1e6
        Upper limit of the cost axis.

    Returns
    -------
    matplotlib Figure

    Examples
    --------
    >>> res = train_chain([1.5, 1.0], lr=0.002, steps=20, rng=np.random.default_rng(0), seeds=3)
    >>> fig = plot_chain_runs(res, 1.5)
    >>> sum(len(line.get_xdata()) > 0 for line in fig.axes[0].get_lines())   # 3 runs and the median
    4
    """
    scales = list(np.asarray(result["scales"], dtype=float))
    if scale not in scales:
        raise ValueError(f"scale {scale!r} is not one of the result's scales {scales}")
    k = scales.index(scale)
    cost, div = result["cost"][:, k], result["diverged_at"][k]
    T, n = cost.shape
    t = np.arange(T)
    c = scale_color(scale)
    styles = ["-", "--", ":", "-."]
    fig, ax = subplots(figsize=(4.8, 5.0))
    for j in range(n):
        ax.plot(t, cost[:, j], color=c, lw=0.9, alpha=0.75, ls=styles[j % len(styles)])
        if div[j] >= 0:
            last = np.flatnonzero(np.isfinite(cost[:, j]))
            if last.size:
                ax.plot(last[-1], min(cost[last[-1], j], top), "x", color=c, ms=7, mew=2, clip_on=False)
    with np.errstate(invalid="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN steps once every run diverged
        median = np.nanmedian(cost, axis=1)
    ax.plot(t, median, color="black", lw=2.2, label="median of the runs still alive")
    ax.plot([], [], color=c, lw=0.9, label=f"one run each, start {_label(scale)} (line styles cycle)")
    ax.plot([], [], "x", color=c, ms=7, mew=2, label="run diverged after this step")
    finite = cost[np.isfinite(cost) & (cost > 0)]
    bottom = max(float(finite.min()) / 3, 1e-300) if finite.size else 1e-12
    ax.set(xscale="symlog", yscale="log", xlabel="gradient-descent step",
           ylabel="cost $J$ (mean squared error / 2)", ylim=(bottom, top), xlim=(0, T))
    fig.legend(loc="outside lower center", ncol=1)
    return fig

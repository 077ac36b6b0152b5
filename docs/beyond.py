r"""Beyond the article: framework defaults, dynamical isometry, residual depth, LSUV, the tanh gain.

The experiments and figures of the page "Beyond the article". Everything is computed with
:mod:`xavier`; the frameworks' defaults are re-drawn here from their formulas (no framework is
imported). Five parts, one per section of the page:

1. :data:`FRAMEWORKS`, :func:`framework_network`, :func:`run_frameworks`: what PyTorch, Keras and
   Flax draw for a dense layer, on the article's digit network.
2. :func:`input_output_jacobian`, :func:`jacobian_spectra`, :func:`isometry_ratio`,
   :func:`deep_linear_training`: the spread of the Jacobian's singular values (Saxe et al., 2014;
   Pennington, Schoenholz & Ganguli, 2017) and what orthogonal weights buy in training.
3. :func:`residual_forward`, :func:`residual_variances`: the variance through ~100 residual blocks,
   plain, unscaled, scaled by :math:`1/\sqrt{B}`, and with the last branch layer at zero.
4. :func:`lsuv_comparison`: :func:`xavier.lsuv.lsuv` beside Xavier and He.
5. :func:`tanh_fixed_point`, :func:`tanh_chi`, :func:`tanh_gain_layers`: the variance map of tanh
   layers with PyTorch's gain 5/3.

>>> round(tanh_fixed_point(5 / 3), 2), round(tanh_chi(5 / 3), 2)
(1.18, 1.21)
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any, NamedTuple

import numpy as np
from matplotlib.ticker import MaxNLocator

from xavier import activations as xacts
from xavier import datasets
from xavier import init as xinit
from xavier.lsuv import lsuv
from xavier.network import Network, train
from plotting import band, styled, subplots

__all__ = [
    "OKABE_ITO", "DIGIT_SIZES", "DIGIT_ACTIVATIONS", "Framework", "FRAMEWORKS", "framework_nvar",
    "framework_network", "run_frameworks", "GAINS", "JACOBIAN_CASES", "known_ratio",
    "input_output_jacobian", "jacobian_spectra", "isometry_ratio", "deep_linear_training",
    "RESIDUAL_VARIANTS", "residual_forward", "residual_variances", "predicted_residual_variance",
    "residual_gradients", "residual_training", "plot_residual_training",
    "lsuv_comparison", "tanh_fixed_point", "tanh_chi", "tanh_gain_layers",
    "plot_frameworks", "plot_jacobian_spectra", "plot_deep_linear", "plot_residual", "plot_lsuv",
    "plot_tanh_gain",
]

#: The Okabe--Ito palette, safe for the common colour-vision deficiencies.
OKABE_ITO: dict[str, str] = {
    "orange": "#E69F00", "sky": "#56B4E9", "green": "#009E73", "yellow": "#F0E442",
    "blue": "#0072B2", "vermillion": "#D55E00", "purple": "#CC79A7", "black": "#000000",
}

DIGIT_SIZES: tuple[int, ...] = (784, 300, 300, 300, 300, 10)
"""The article's digit network, four tanh hidden layers of 300 units and a softmax output."""

DIGIT_ACTIVATIONS: tuple[str, ...] = ("tanh",) * 4 + ("softmax",)


def _positive_int(name: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(f"{name} must be a positive integer, got {value!r}")
    return int(value)


# ------------------------------------------------------------------------------------------------
# 1. What your framework draws by default
# ------------------------------------------------------------------------------------------------


class Framework(NamedTuple):
    """One framework's default dense layer, re-drawn with :func:`xavier.init.variance_scaling`.

    Its fields: ``label``, the layer (e.g. ``"PyTorch nn.Linear"``); ``weights``, the keyword
    arguments of :func:`xavier.init.variance_scaling` that draw its weights; ``uniform_bias``, True
    for biases :math:`\\mathcal{U}(-1/\\sqrt{n_\\text{in}}, 1/\\sqrt{n_\\text{in}})` and False
    for biases 0; ``source``, the file and version of the framework that sets the default;
    ``color``, ``marker``, ``linestyle``, how the page draws it.
    """

    label: str
    weights: dict
    uniform_bias: bool
    source: str
    color: str
    marker: str
    linestyle: str


FRAMEWORKS: dict[str, Framework] = {
    "PyTorch": Framework(
        "PyTorch nn.Linear", {"scale": 1 / 3, "mode": "fan_in", "distribution": "uniform"}, True,
        "torch/nn/modules/linear.py, Linear.reset_parameters, PyTorch 2.13.0",
        OKABE_ITO["vermillion"], "o", "-"),
    "Keras": Framework(
        "Keras Dense", {"scale": 1.0, "mode": "fan_avg", "distribution": "uniform"}, False,
        "keras/src/layers/core/dense.py, Dense.__init__, Keras 3.15.1",
        OKABE_ITO["blue"], "s", "--"),
    "Flax": Framework(
        "Flax nnx.Linear", {"scale": 1.0, "mode": "fan_in", "distribution": "truncated_normal"},
        False, "flax/nnx/nn/linear.py, default_kernel_init and Linear, Flax 0.12.8",
        OKABE_ITO["green"], "^", ":"),
}
"""The three defaults. PyTorch's ``kaiming_uniform_(w, a=sqrt(5))`` has gain
:math:`\\sqrt{2/(1+5)} = 1/\\sqrt 3` and bound :math:`\\sqrt 3 \\cdot \\text{gain}/\\sqrt{n_\\text{in}}
= 1/\\sqrt{n_\\text{in}}`; Keras's ``glorot_uniform`` is Glorot & Bengio (2010), eq. (16); Flax's
``lecun_normal`` is JAX's ``variance_scaling(1.0, "fan_in", "truncated_normal")``."""


def framework_nvar(name: str, n_in: int, n_out: int) -> float:
    r""":math:`n_\text{in}\,\mathrm{Var}(W)` of a framework's default for a ``(n_out, n_in)`` layer.

    PyTorch :math:`1/3`; Keras :math:`2 n_\text{in}/(n_\text{in} + n_\text{out})`; Flax 1.

    >>> [round(framework_nvar(k, 784, 300), 3) for k in FRAMEWORKS]
    [0.333, 1.446, 1.0]
    """
    if name not in FRAMEWORKS:
        raise ValueError(f"framework must be one of {', '.join(FRAMEWORKS)}; got {name!r}")
    w = FRAMEWORKS[name].weights
    fan = {"fan_in": n_in, "fan_out": n_out, "fan_avg": (n_in + n_out) / 2}[w["mode"]]
    return w["scale"] * n_in / fan


def framework_network(names: Sequence[str], rng: np.random.Generator, *, seeds: int = 4,
                      sizes: Sequence[int] = DIGIT_SIZES) -> Network:
    r"""The digit network, ``seeds`` copies drawn by each framework's default, in the order of ``names``.

    Weights come from :func:`xavier.init.stacked` of each framework's ``variance_scaling``; biases
    are then drawn for PyTorch, :math:`\mathcal{U}(-1/\sqrt{n^{[l-1]}}, 1/\sqrt{n^{[l-1]}})`, and
    left at 0 for the others.

    Returns
    -------
    Network
        ``S = len(names) * seeds``; copies ``k * seeds .. (k + 1) * seeds - 1`` are ``names[k]``'s.

    Examples
    --------
    >>> net = framework_network(["PyTorch", "Keras"], np.random.default_rng(0), seeds=2)
    >>> net.S, bool(net.b[1][:2].any()), bool(net.b[1][2:].any())
    (4, True, False)
    """
    seeds = _positive_int("seeds", seeds)
    for n in names:
        framework_nvar(n, 1, 1)
    sizes = tuple(sizes)
    acts = ("tanh",) * (len(sizes) - 2) + ("softmax",)
    draw = xinit.stacked([("variance_scaling", dict(FRAMEWORKS[n].weights)) for n in names], seeds)
    net = Network(sizes, acts, draw, rng=rng, seeds=len(names) * seeds)
    for k, n in enumerate(names):
        if FRAMEWORKS[n].uniform_bias:
            for l in range(1, net.L + 1):
                bound = 1 / math.sqrt(sizes[l - 1])
                net.b[l][k * seeds:(k + 1) * seeds] = rng.uniform(-bound, bound, (seeds, sizes[l], 1))
    return net


def run_frameworks(rng: np.random.Generator, *, names: Sequence[str] = tuple(FRAMEWORKS),
                   seeds_init: int = 8, seeds_train: int = 3, steps: int = 20, probe: int = 100,
                   lr: float = 0.1, batch_size: int = 100) -> dict[str, Any]:
    r"""Each framework's default on the digit network: per-layer spread at initialization, first steps.

    Two networks are drawn from ``rng`` in this order: one with ``seeds_init`` copies per
    framework, whose hidden activations on the last ``probe`` digits give the standard
    deviations at initialization; one with ``seeds_train`` copies per framework, trained for
    ``steps`` steps of SGD (``batch_size`` digits, learning rate ``lr``, softmax cross-entropy) on
    the first ``steps * batch_size`` digits, the same batches for all.

    Returns
    -------
    dict
        ``names``; ``std`` ``(F, seeds_init, L-1)``, the standard deviation of :math:`A^{[l]}`
        over units and probe digits; ``nvar`` ``(F, seeds_init)``, the measured
        :math:`n^{[0]}\mathrm{Var}(W^{[1]})`; ``cost`` ``(steps, F, seeds_train)``, each step's
        batch cost; ``diverged`` (int).

    Examples
    --------
    >>> r = run_frameworks(np.random.default_rng(0), seeds_init=2, seeds_train=1, steps=2)
    >>> r["std"].shape, r["cost"].shape
    ((3, 2, 4), (2, 3, 1))
    """
    F = len(names)
    X, labels = datasets.load_digits()
    X_probe = X[:, -probe:]
    net = framework_network(names, rng, seeds=seeds_init)
    _, A = net.forward(X_probe)
    std = np.stack([a.std(axis=(-2, -1)) for a in A[1:-1]], axis=-1).reshape(F, seeds_init, -1)
    nvar = (net.W[1].var(axis=(-2, -1)) * net.sizes[0]).reshape(F, seeds_init)
    net = framework_network(names, rng, seeds=seeds_train)
    m = steps * batch_size
    h = train(net, X[:, :m], datasets.one_hot(labels[:m]), "cross_entropy", lr=lr, epochs=1,
              batch_size=batch_size, rng=rng)
    return {"names": tuple(names), "std": std, "nvar": nvar,
            "cost": h.cost.reshape(-1, F, seeds_train), "diverged": int(h.diverged.sum())}


# ------------------------------------------------------------------------------------------------
# 2. Orthogonal weights and dynamical isometry
# ------------------------------------------------------------------------------------------------

#: :math:`n\,\mathrm{Var}(W) = \text{gain}^2` that keeps the signal's size for each activation.
GAINS: dict[str, float] = {"identity": 1.0, "tanh": 1.0, "relu": math.sqrt(2.0)}

#: (activation, weights) pairs of the Jacobian experiment.
JACOBIAN_CASES: tuple[tuple[str, str], ...] = (
    ("identity", "gaussian"), ("identity", "orthogonal"), ("tanh", "gaussian"),
    ("tanh", "orthogonal"), ("relu", "gaussian"), ("relu", "orthogonal"))


def known_ratio(activation: str, weights: str, depth: int) -> float:
    r"""The wide-network limit of :math:`\mathrm{Var}(s^2)/E[s^2]^2` for the Jacobian of ``depth``
    layers (Pennington, Schoenholz & Ganguli, 2017, section 2.5 and Table 1).

    Gaussian weights add :math:`L` (each layer a Marchenko--Pastur factor of variance 1); ReLU's
    0/1 derivative, which keeps a fraction :math:`f = 1/2` of the units, adds
    :math:`L(1-f)/f = L`; tanh with inputs near 0 has derivatives near 1 and adds nothing.

    >>> [known_ratio(a, w, 10) for a, w in JACOBIAN_CASES]
    [10.0, 0.0, 10.0, 0.0, 20.0, 10.0]
    """
    gaussian = {"gaussian": 1.0, "orthogonal": 0.0}[weights]
    relu = {"identity": 0.0, "tanh": 0.0, "relu": 1.0}[activation]
    return float(depth * (gaussian + relu))


def input_output_jacobian(net: Network, x: np.ndarray, *, layers: Sequence[int] | None = None):
    r"""The Jacobian :math:`J = \partial a^{[L]}/\partial x` of every copy at one input ``x``.

    .. math:: J = D^{[L]} W^{[L]} \cdots D^{[1]} W^{[1]}, \qquad
              D^{[l]} = \mathrm{diag}\big(g'(z^{[l]})\big)

    Parameters
    ----------
    net : Network
        Element-wise activations only (no softmax).
    x : ndarray of shape (n[0], 1)
    layers : sequence of int, optional
        Also return the Jacobians :math:`\partial a^{[l]}/\partial x` of the first ``l`` layers.

    Returns
    -------
    ndarray of shape (S, n[L], n[0]), or dict
        With ``layers``: ``{l: J_l}`` for each ``l`` in ``layers``.

    Examples
    --------
    >>> net = Network([3, 4, 2], ["tanh", "identity"], rng=np.random.default_rng(0), seeds=2)
    >>> input_output_jacobian(net, np.zeros((3, 1))).shape   # at 0: W[2] @ W[1]
    (2, 2, 3)
    """
    x = np.asarray(x, dtype=float)
    if x.shape != (net.sizes[0], 1):
        raise ValueError(f"x must have shape ({net.sizes[0]}, 1), got {x.shape}")
    if "softmax" in net.activations:
        raise ValueError("input_output_jacobian takes element-wise activations only, got softmax")
    keep = set(range(1, net.L + 1) if layers is None else layers)
    if not keep <= set(range(1, net.L + 1)):
        raise ValueError(f"layers must be in 1..{net.L}, got {layers!r}")
    Z, A = net.forward(x)
    J, out = None, {}
    for l in range(1, max(keep) + 1):
        d = xacts.backward(net.activations[l - 1], Z[l], A[l], np.ones_like(Z[l]))  # g'(z), (S, n, 1)
        J = d * (net.W[l] if J is None else net.W[l] @ J)
        if l in keep:
            out[l] = J
    return J if layers is None else out


def isometry_ratio(s2: np.ndarray) -> np.ndarray:
    r""":math:`\mathrm{Var}(s^2)/E[s^2]^2` over the last axis (0 for an isometry).

    >>> isometry_ratio(np.array([[1.0, 1.0], [0.0, 2.0]]))
    array([0., 1.])
    """
    s2 = np.asarray(s2, dtype=float)
    return s2.var(axis=-1) / s2.mean(axis=-1) ** 2


def jacobian_spectra(rng: np.random.Generator, *, depths: Sequence[int] = (10, 30), width: int = 256,
                     seeds: int = 3, q_tanh: float = 1e-3) -> dict[tuple[str, str, int], np.ndarray]:
    r"""Squared singular values of the input--output Jacobian for every case of :data:`JACOBIAN_CASES`.

    For each kind of weights, ``seeds`` networks of ``max(depths)`` layers of ``width`` units are
    drawn once, with :math:`n\,\mathrm{Var}(W) = 1` (Gaussian, :math:`\mathcal{N}(0, 1/n)`) or
    orthogonal; each activation uses them times its gain (:data:`GAINS`). A network of depth
    ``L`` is the first ``L`` layers. The input has i.i.d. :math:`\mathcal{N}(0, q)` entries with
    ``q = q_tanh`` for tanh (near the origin) and 1 otherwise.

    Returns
    -------
    dict
        ``(activation, weights, L) -> s2`` of shape ``(seeds, width)``, all squared singular
        values, zeros included.

    Examples
    --------
    >>> sp = jacobian_spectra(np.random.default_rng(0), depths=(2, 4), width=8, seeds=2)
    >>> len(sp), sp["relu", "orthogonal", 4].shape
    (12, (2, 8))
    >>> float(isometry_ratio(sp["identity", "orthogonal", 4]).max()) < 1e-12
    True
    """
    width, seeds = _positive_int("width", width), _positive_int("seeds", seeds)
    depths = tuple(_positive_int("depth", d) for d in depths)
    Lmax = max(depths)
    base = {"gaussian": ("variance_scaling", {"scale": 1.0}), "orthogonal": ("orthogonal", {})}
    out = {}
    for weights, (name, kw) in base.items():
        net0 = Network([width] * (Lmax + 1), ["identity"] * Lmax, name, rng=rng, seeds=seeds,
                       init_kwargs=kw)
        x = rng.standard_normal((width, 1))
        for act in ("identity", "tanh", "relu"):
            net = net0.copy()
            net.activations = (act,) * Lmax
            for l in range(1, Lmax + 1):
                net.W[l] *= GAINS[act]
            xa = math.sqrt(q_tanh) * x if act == "tanh" else x
            for L, J in input_output_jacobian(net, xa, layers=depths).items():
                # s^2 are the eigenvalues of J J^T (symmetric: eigvalsh, 3x faster than an SVD);
                # rounding can leave the zero ones slightly negative
                out[act, weights, L] = np.maximum(np.linalg.eigvalsh(J @ J.swapaxes(-1, -2)), 0.0)
    return {k: out[k] for k in sorted(out, key=lambda k: (JACOBIAN_CASES.index(k[:2]), k[2]))}


def deep_linear_training(rng: np.random.Generator, *, depths: Sequence[int] = (2, 4, 8, 16, 32),
                         width: int = 16, m: int = 64, seeds: int = 5, lr: float = 0.2,
                         max_steps: int = 300, target: float = 0.05) -> dict[str, np.ndarray]:
    r"""Steps of gradient descent a deep linear network needs, orthogonal against Gaussian weights.

    The task (after Saxe et al., 2014): learn :math:`y = M x` with :math:`M` a random
    ``width x width`` matrix of :math:`\mathcal{N}(0, 1/\text{width})` entries and ``m`` inputs
    :math:`x \sim \mathcal{N}(0, I)`, by full-batch gradient descent on the mean squared error
    (:func:`xavier.network.train`) through ``L`` identity layers of ``width`` units, with
    learning rate ``lr / L`` (the end-to-end map moves about ``L`` times faster than one layer).
    Weights are orthogonal or :math:`\mathcal{N}(0, 1/\text{width})`, ``seeds`` of each.

    Returns
    -------
    dict
        ``depths`` ``(D,)``; ``steps`` ``{"orthogonal", "gaussian"} -> (D, seeds)``: the first step
        whose cost is below ``target`` times the starting cost of the zero map
        (:math:`\tfrac12 E\lVert y\rVert^2`), ``nan`` if not reached in ``max_steps``;
        ``diverged`` ``-> (D,)`` counts; ``base_cost`` float.

    Examples
    --------
    >>> r = deep_linear_training(np.random.default_rng(0), depths=(2,), seeds=2, max_steps=300)
    >>> r["steps"]["orthogonal"].shape, bool(np.isfinite(r["steps"]["orthogonal"]).all())
    ((1, 2), True)
    """
    depths = tuple(_positive_int("depth", d) for d in depths)
    width, m, seeds = _positive_int("width", width), _positive_int("m", m), _positive_int("seeds", seeds)
    X = rng.standard_normal((width, m))
    M = rng.standard_normal((width, width)) / math.sqrt(width)
    Y = M @ X
    base = 0.5 * float((Y**2).sum(axis=0).mean())
    steps = {"orthogonal": np.full((len(depths), seeds), np.nan),
             "gaussian": np.full((len(depths), seeds), np.nan)}
    diverged = {k: np.zeros(len(depths), dtype=int) for k in steps}
    for i, L in enumerate(depths):
        draw = xinit.stacked(["orthogonal", ("variance_scaling", {"scale": 1.0})], seeds)
        net = Network([width] * (L + 1), ["identity"] * L, draw, rng=rng, seeds=2 * seeds)
        h = train(net, X, Y, "mse", lr=lr / L, epochs=max_steps)
        below = h.cost < target * base
        first = np.where(below.any(axis=0), below.argmax(axis=0), -1).astype(float)
        first[first < 0] = np.nan
        for k, name in enumerate(("orthogonal", "gaussian")):
            steps[name][i] = first[k * seeds:(k + 1) * seeds]
            diverged[name][i] = int(h.diverged[k * seeds:(k + 1) * seeds].sum())
    return {"depths": np.array(depths), "steps": steps, "diverged": diverged, "base_cost": base,
            "target": target, "max_steps": max_steps}


# ------------------------------------------------------------------------------------------------
# 3. Residual networks and depth-scaled initialization
# ------------------------------------------------------------------------------------------------

#: The four variants, display name -> (skip connection?, branch scale ``"1"`` or
#: ``"1/sqrt(B)"``, last branch layer zero?).
RESIDUAL_VARIANTS: dict[str, tuple[bool, str, bool]] = {
    "plain": (False, "1", False),
    "residual": (True, "1", False),
    "residual, branch / sqrt(B)": (True, "1/sqrt(B)", False),
    "residual, last layer 0": (True, "1", True),
}


def residual_forward(x: np.ndarray, W1: np.ndarray, W2: np.ndarray, *, skip: bool = True,
                     alpha: float = 1.0) -> list[np.ndarray]:
    r"""The activations of a stack of ``B`` blocks, page-only numpy (not a library network).

    .. math:: x^{[b]} = s\,x^{[b-1]} + \alpha\, W_2^{[b]}\,\mathrm{relu}\big(W_1^{[b]} x^{[b-1]}\big),
              \qquad b = 1, \dots, B,

    with :math:`s = 1` for a residual block and :math:`s = 0` for a plain one.

    Parameters
    ----------
    x : ndarray of shape (S, n, m)
    W1, W2 : ndarray of shape (B, S, n, n)
    skip : bool
    alpha : float
        The branch scale.

    Returns
    -------
    list of B + 1 ndarrays of shape (S, n, m)
        ``x^{[0]}, ..., x^{[B]}``.

    Examples
    --------
    >>> W = np.zeros((3, 1, 2, 2))
    >>> [float(v[0, 0, 0]) for v in residual_forward(np.ones((1, 2, 1)), W, W)]
    [1.0, 1.0, 1.0, 1.0]
    """
    xs = [np.asarray(x, dtype=float)]
    for W1b, W2b in zip(W1, W2):
        branch = W2b @ np.maximum(W1b @ xs[-1], 0.0)
        xs.append(xs[-1] + alpha * branch if skip else branch)
    return xs


def predicted_residual_variance(variant: str, blocks: int) -> np.ndarray:
    r"""The mean-field second moment :math:`E[(x^{[b]})^2]/E[(x^{[0]})^2]`, ``b = 0..blocks``.

    With :math:`W_1` He (:math:`2/n`) and :math:`W_2` Xavier (:math:`1/n`) a branch hands on the
    second moment of its input, and it is uncorrelated with the skip path: plain 1, residual
    :math:`2^b`, scaled :math:`(1 + 1/B)^b`, last layer 0 gives 1.

    >>> predicted_residual_variance("residual", 3).tolist()
    [1.0, 2.0, 4.0, 8.0]
    """
    if variant not in RESIDUAL_VARIANTS:
        raise ValueError(f"variant must be one of {', '.join(RESIDUAL_VARIANTS)}; got {variant!r}")
    skip, scale, zero = RESIDUAL_VARIANTS[variant]
    b = np.arange(blocks + 1)
    if not skip or zero:
        return np.ones(blocks + 1)
    a2 = 1.0 / blocks if scale == "1/sqrt(B)" else 1.0
    return (1.0 + a2) ** b.astype(float)


def residual_variances(rng: np.random.Generator, *, blocks: int = 100, width: int = 64, m: int = 32,
                       seeds: int = 8) -> dict[str, Any]:
    r"""Measure :math:`E[(x^{[b]})^2]` through ``blocks`` blocks of each :data:`RESIDUAL_VARIANTS`.

    One set of weights is drawn (``W1`` He, ``W2`` Xavier, both :math:`\mathcal{N}`) and shared by
    the variants, whose only differences are the skip path, the branch scale
    :math:`1/\sqrt{\text{blocks}}`, and ``W2 = 0`` for the last one.

    Returns
    -------
    dict
        ``blocks`` ``(B + 1,)``; ``measured`` ``{variant: (B + 1, seeds)}``, each seed's mean square
        of :math:`x^{[b]}` over units and examples divided by that of :math:`x^{[0]}`;
        ``predicted`` ``{variant: (B + 1,)}``.

    Examples
    --------
    >>> r = residual_variances(np.random.default_rng(0), blocks=4, width=64, seeds=2)
    >>> r["measured"]["residual, last layer 0"][:, 0].tolist()
    [1.0, 1.0, 1.0, 1.0, 1.0]
    """
    blocks, width = _positive_int("blocks", blocks), _positive_int("width", width)
    m, seeds = _positive_int("m", m), _positive_int("seeds", seeds)
    W1 = xinit.he_normal((blocks, seeds, width, width), rng)
    W2 = xinit.variance_scaling((blocks, seeds, width, width), rng, 1.0, "fan_in", "normal")
    x = rng.standard_normal((seeds, width, m))
    q0 = (x**2).mean(axis=(-2, -1))
    measured, predicted = {}, {}
    for name, (skip, scale, zero) in RESIDUAL_VARIANTS.items():
        alpha = 1.0 / math.sqrt(blocks) if scale == "1/sqrt(B)" else 1.0
        xs = residual_forward(x, W1, np.zeros_like(W2) if zero else W2, skip=skip, alpha=alpha)
        measured[name] = np.stack([(v**2).mean(axis=(-2, -1)) / q0 for v in xs])
        predicted[name] = predicted_residual_variance(name, blocks)
    return {"blocks": np.arange(blocks + 1), "measured": measured, "predicted": predicted}


def residual_gradients(x: np.ndarray, W1: np.ndarray, W2: np.ndarray, Y: np.ndarray, *,
                       skip: bool = True, alpha: float = 1.0):
    r"""Cost and weight gradients of a block stack trained to output ``Y`` (page-only numpy).

    The cost is :math:`J = \frac{1}{2m}\lVert x^{[B]} - Y\rVert^2` per copy; back-propagation
    through one block, with :math:`u = W_1 x^{[b-1]}`, :math:`h = \mathrm{relu}(u)` and
    :math:`g = \partial J/\partial x^{[b]}`:

    .. math::
        \partial W_2 = \alpha\, g h^\top, \quad
        \partial u = \alpha\, (W_2^\top g) \odot [u > 0], \quad
        \partial W_1 = \partial u\, x^{[b-1]\top}, \quad
        \frac{\partial J}{\partial x^{[b-1]}} = s\,g + W_1^\top \partial u.

    Parameters
    ----------
    x : ndarray of shape (S, n, m)
    W1, W2 : ndarray of shape (B, S, n, n)
    Y : ndarray of shape (n, m)
    skip, alpha :
        As in :func:`residual_forward`.

    Returns
    -------
    J : ndarray of shape (S,)
    dW1, dW2 : ndarray of shape (B, S, n, n)

    Examples
    --------
    >>> W = np.zeros((2, 1, 3, 3))
    >>> J, dW1, dW2 = residual_gradients(np.ones((1, 3, 4)), W, W, np.zeros((3, 4)))
    >>> J.tolist(), float(abs(dW1).sum() + abs(dW2).sum())   # identity blocks: J = |x|^2 / 2m
    ([1.5], 0.0)
    """
    m = x.shape[-1]
    xs, us = [np.asarray(x, dtype=float)], []
    for W1b, W2b in zip(W1, W2):
        u = W1b @ xs[-1]
        us.append(u)
        branch = alpha * (W2b @ np.maximum(u, 0.0))
        xs.append(xs[-1] + branch if skip else branch)
    r = xs[-1] - Y
    J = 0.5 * (r**2).sum(axis=(-2, -1)) / m
    g = r / m
    dW1, dW2 = np.empty_like(W1), np.empty_like(W2)
    for b in range(len(W1) - 1, -1, -1):
        h = np.maximum(us[b], 0.0)
        dW2[b] = alpha * g @ h.swapaxes(-1, -2)
        du = alpha * (W2[b].swapaxes(-1, -2) @ g) * (us[b] > 0)
        dW1[b] = du @ xs[b].swapaxes(-1, -2)
        g = (g if skip else 0.0) + W1[b].swapaxes(-1, -2) @ du
    return J, dW1, dW2


def residual_training(rng: np.random.Generator, *, blocks: int = 20, width: int = 32, m: int = 64,
                      seeds: int = 3, steps: int = 100, lr: float = 0.01) -> dict[str, Any]:
    r"""Train each :data:`RESIDUAL_VARIANTS` stack by gradient descent on a random linear map.

    The task of :func:`deep_linear_training`: ``m`` inputs :math:`x \sim \mathcal{N}(0, I)` of
    ``width`` entries, targets :math:`y = Mx` with :math:`M_{ij} \sim \mathcal{N}(0, 1/\text{width})`.
    One draw of the weights (``W1`` He, ``W2`` Xavier) is shared by the variants, as in
    :func:`residual_variances`; full-batch gradient descent with learning rate ``lr`` on every
    ``W1`` and ``W2`` (:func:`residual_gradients`). A copy whose cost stops being finite is
    frozen and counted as diverged (no warning is raised).

    Returns
    -------
    dict
        ``cost`` ``{variant: (steps, seeds)}``, each step's cost divided by that of the zero map
        (:math:`\tfrac12 E\lVert y\rVert^2`), ``nan`` once diverged; ``diverged``
        ``{variant: int}``.

    Examples
    --------
    >>> r = residual_training(np.random.default_rng(0), blocks=3, width=8, seeds=2, steps=5)
    >>> r["cost"]["residual, last layer 0"].shape, r["diverged"]["residual, last layer 0"]
    ((5, 2), 0)
    """
    blocks, width = _positive_int("blocks", blocks), _positive_int("width", width)
    m, seeds, steps = _positive_int("m", m), _positive_int("seeds", seeds), _positive_int("steps", steps)
    X = rng.standard_normal((width, m))
    M = rng.standard_normal((width, width)) / math.sqrt(width)
    Y = M @ X
    base = 0.5 * float((Y**2).sum(axis=0).mean())
    W1_0 = xinit.he_normal((blocks, seeds, width, width), rng)
    W2_0 = xinit.variance_scaling((blocks, seeds, width, width), rng, 1.0, "fan_in", "normal")
    x = np.broadcast_to(X, (seeds, width, m))
    cost, diverged = {}, {}
    for name, (skip, scale, zero) in RESIDUAL_VARIANTS.items():
        alpha = 1.0 / math.sqrt(blocks) if scale == "1/sqrt(B)" else 1.0
        W1, W2 = W1_0.copy(), (np.zeros_like(W2_0) if zero else W2_0.copy())
        J_all = np.full((steps, seeds), np.nan)
        alive = np.ones(seeds, dtype=bool)
        with np.errstate(all="ignore"):  # a diverging copy is reported, not warned about
            for t in range(steps):
                J, dW1, dW2 = residual_gradients(x, W1, W2, Y, skip=skip, alpha=alpha)
                alive &= np.isfinite(J)
                if not alive.any():
                    break
                J_all[t, alive] = J[alive] / base
                W1[:, alive] -= lr * dW1[:, alive]
                W2[:, alive] -= lr * dW2[:, alive]
        cost[name] = J_all
        diverged[name] = int((~alive).sum())
    return {"cost": cost, "diverged": diverged, "lr": lr, "blocks": blocks}


# ------------------------------------------------------------------------------------------------
# 4. Measure and rescale: LSUV
# ------------------------------------------------------------------------------------------------

def _z_variances(net: Network, X: np.ndarray) -> np.ndarray:
    """:math:`\\mathrm{Var}(z^{[l]})` over units and examples, shape ``(S, L)``."""
    with np.errstate(all="ignore"):
        Z, _ = net.forward(X)
        return np.stack([z.var(axis=(-2, -1)) for z in Z[1:]], axis=-1)


def lsuv_comparison(rng: np.random.Generator, sizes: Sequence[int], activations: Sequence[str], *,
                    seeds: int = 6, n_data: int = 1000, batch_size: int = 100, probe: int = 100,
                    tol: float = 0.1, max_iter: int = 10) -> dict[str, Any]:
    r"""Per-layer :math:`\mathrm{Var}(z^{[l]})` for Xavier, He, an orthonormal start and LSUV.

    The data are the digits: LSUV draws batches of ``batch_size`` from the first ``n_data``;
    every variance is then measured on the last ``probe`` digits, which LSUV never saw. Xavier is
    :math:`\mathcal{N}(0, 1/n)` (``variance_scaling(scale=1)``), He :math:`\mathcal{N}(0, 2/n)`
    (``he_normal``); "orthonormal" is :func:`xavier.init.orthogonal` before LSUV rescales it.

    Returns
    -------
    dict
        ``variance`` ``{"Xavier", "He", "orthonormal", "LSUV"} -> (seeds, L)``; ``iterations``
        ``(seeds, L)`` and ``converged`` ``(seeds, L)`` from :func:`xavier.lsuv.lsuv`.

    Examples
    --------
    >>> r = lsuv_comparison(np.random.default_rng(0), [784, 20, 10], ["relu", "softmax"], seeds=2)
    >>> sorted(r["variance"]), r["iterations"].shape
    (['He', 'LSUV', 'Xavier', 'orthonormal'], (2, 2))
    """
    X, _ = datasets.load_digits()
    X_probe = X[:, -probe:]
    sizes, activations = list(sizes), list(activations)
    seeds = _positive_int("seeds", seeds)
    variance = {}
    net = Network(sizes, activations, "variance_scaling", rng=rng, seeds=seeds)
    variance["Xavier"] = _z_variances(net, X_probe)
    net = Network(sizes, activations, "he_normal", rng=rng, seeds=seeds)
    variance["He"] = _z_variances(net, X_probe)
    net = Network(sizes, activations, "orthogonal", rng=rng, seeds=seeds)
    variance["orthonormal"] = _z_variances(net, X_probe)
    r = lsuv(net, X[:, :n_data], rng, tol=tol, max_iter=max_iter, batch_size=batch_size,
             orthonormal=False)
    variance["LSUV"] = _z_variances(net, X_probe)
    return {"variance": variance, "iterations": r.iterations, "converged": r.converged,
            "last_batch": r.variance}


# ------------------------------------------------------------------------------------------------
# 5. The tanh gain
# ------------------------------------------------------------------------------------------------

def tanh_fixed_point(gain: float, *, q0: float = 1.0, iterations: int = 200) -> float:
    r"""The fixed point :math:`q^*` of the pre-activation variance map of tanh layers.

    .. math:: q^{[l+1]} = \text{gain}^2\, E\big[\tanh\big(\sqrt{q^{[l]}}\,\xi\big)^2\big],
              \qquad \xi \sim \mathcal{N}(0, 1)

    (Poole et al., 2016), iterated from ``q0``; the expectation is
    the length map of the page "justification", by Gauss--Hermite quadrature. For gain :math:`\le 1` the fixed
    point is 0 (approached slowly).

    >>> round(tanh_fixed_point(5 / 3), 4)
    1.1785
    """
    g2 = float(gain) ** 2
    x, w = np.polynomial.hermite_e.hermegauss(101)
    w = w / w.sum()
    q = float(q0)
    for _ in range(_positive_int("iterations", iterations)):
        q = g2 * float(np.tanh(math.sqrt(q) * x) ** 2 @ w)
    return q


def tanh_chi(gain: float, q: float | None = None) -> float:
    r"""The slope of the map at :math:`q`: :math:`\chi = \text{gain}^2 E\big[\tanh'(\sqrt{q}\,\xi)^2\big]`.

    It is the factor by which the mean square of the back-propagated gradient grows per layer
    towards the input (Schoenholz et al., 2017). ``q`` defaults to :func:`tanh_fixed_point`.

    >>> round(tanh_chi(5 / 3), 4), round(tanh_chi(1.0, 1e-9), 6)
    (1.2098, 1.0)
    """
    if q is None:
        q = tanh_fixed_point(gain)
    x, w = np.polynomial.hermite_e.hermegauss(101)
    w = w / w.sum()
    return float(gain) ** 2 * float((1.0 - np.tanh(math.sqrt(q) * x) ** 2) ** 2 @ w)


def tanh_gain_layers(rng: np.random.Generator, *, gains: Sequence[float] = (1.0, 5 / 3), depth: int = 20,
                     width: int = 256, m: int = 64, seeds: int = 4) -> dict[str, Any]:
    r"""Per-layer :math:`\mathrm{Var}(z^{[l]})` and gradient mean squares of deep tanh networks.

    ``depth`` tanh layers of ``width`` units with :math:`W \sim \mathcal{N}(0, \text{gain}^2/n)`
    and an identity output layer; inputs :math:`x \sim \mathcal{N}(0, I)`. The gradients are those of
    the mean squared error against random targets :math:`y \sim \mathcal{N}(0, 1)` (so the output
    gradient is noise), back-propagated by :meth:`xavier.network.Network.backward`.

    Returns
    -------
    dict
        ``gains``; ``q`` ``(G, depth, seeds)``, :math:`\mathrm{Var}(z^{[l]})` for ``l = 1..depth``;
        ``grad`` ``(G, depth, seeds)``, the mean square of :math:`\partial J/\partial a^{[l]}`,
        ``l = 1..depth``, divided by its value at ``l = depth``.

    Examples
    --------
    >>> r = tanh_gain_layers(np.random.default_rng(0), depth=3, width=16, seeds=2)
    >>> r["q"].shape, r["grad"][:, -1].round(6).tolist()
    ((2, 3, 2), [[1.0, 1.0], [1.0, 1.0]])
    """
    depth, width = _positive_int("depth", depth), _positive_int("width", width)
    m, seeds = _positive_int("m", m), _positive_int("seeds", seeds)
    X = rng.standard_normal((width, m))
    Y = rng.standard_normal((width, m))
    q = np.empty((len(gains), depth, seeds))
    grad = np.empty((len(gains), depth, seeds))
    for i, g in enumerate(gains):
        net = Network([width] * (depth + 2), ["tanh"] * depth + ["identity"], "variance_scaling",
                      rng=rng, seeds=seeds, init_kwargs={"scale": float(g) ** 2})
        Z, A = net.forward(X)
        dA = net.backward(Z, A, Y, "mse").dA
        for l in range(1, depth + 1):
            q[i, l - 1] = Z[l].var(axis=(-2, -1))
            grad[i, l - 1] = (dA[l] ** 2).mean(axis=(-2, -1))
        grad[i] /= grad[i, -1]
    return {"gains": tuple(gains), "q": q, "grad": grad, "depth": depth}


# ------------------------------------------------------------------------------------------------
# Figures
# ------------------------------------------------------------------------------------------------

def _quantiles(Y: np.ndarray, axis: int = -1):
    return np.nanquantile(Y, [0.1, 0.5, 0.9], axis=axis)


@styled
def plot_frameworks(run: dict[str, Any]):
    r"""Left: standard deviation of each hidden layer at initialization; right: the first steps.

    Median over seeds with a 10--90 % band (bars on the left), one colour, marker and line style
    per framework.

    >>> r = {"names": ("PyTorch",), "std": np.ones((1, 3, 4)), "cost": np.ones((5, 1, 2))}
    >>> [ax.get_xlabel() for ax in plot_frameworks(r).axes]
    ['hidden layer $l$', 'step (batch of 100 digits)']
    """
    fig, (ax_s, ax_c) = subplots(2, 1, figsize=(4.8, 6.2))  # one panel per row: readable on a phone
    L = run["std"].shape[-1]
    layers = np.arange(1, L + 1)
    for k, name in enumerate(run["names"]):
        f = FRAMEWORKS[name]
        lo, med, hi = _quantiles(run["std"][k], axis=0)
        ax_s.errorbar(layers + 0.08 * (k - 1), med, yerr=[med - lo, hi - med], color=f.color,
                      marker=f.marker, ls=f.linestyle, capsize=3, label=name)
        line = band(ax_c, np.arange(run["cost"].shape[0]), run["cost"][:, k, :], label=name,
                    color=f.color)
        line.set_linestyle(f.linestyle)
        line.set_marker(f.marker)
        line.set_markevery(5)
    ax_s.set_xticks(layers)
    ax_s.set_xlabel("hidden layer $l$")
    ax_s.set_ylabel("std of $a^{[l]}$ at init")
    ax_s.set_ylim(bottom=0)
    ax_c.set_xlabel("step (batch of 100 digits)")
    ax_c.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax_c.set_ylabel("batch cost")
    ax_c.axhline(math.log(10), color="0.5", lw=0.8, ls=":")
    ax_c.text(0.98, math.log(10), "log 10 (guessing)", ha="right", va="bottom", fontsize=9,
              color="0.3", transform=ax_c.get_yaxis_transform())
    ax_s.legend(loc="lower left")
    return fig


_WEIGHT_STYLE = {"gaussian": (OKABE_ITO["orange"], "-", "Gaussian"),
                 "orthogonal": (OKABE_ITO["blue"], "--", "orthogonal")}
_ACT_LABEL = {"identity": "linear", "tanh": "tanh (inputs near 0)", "relu": r"ReLU (gain $\sqrt{2}$)"}


@styled
def plot_jacobian_spectra(spectra: dict[tuple[str, str, int], np.ndarray]):
    r"""One panel per activation and depth: the distribution of :math:`\log_{10} s^2`, both weights.

    The empirical cumulative distribution of all seeds' non-zero squared singular values (an
    isometry is a vertical step at 0). Values below :math:`10^{-12}` times the mean count as the
    zeros of ReLU Jacobians (about half); they are counted in the text, not drawn.

    >>> sp = {(a, w, L): np.ones((2, 4)) for a in ("identity", "tanh", "relu")
    ...       for w in ("gaussian", "orthogonal") for L in (10, 30)}
    >>> len(plot_jacobian_spectra(sp).axes)
    6
    """
    depths = sorted({k[2] for k in spectra})
    acts = [a for a in ("identity", "tanh", "relu") if any(k[0] == a for k in spectra)]
    fig, axes = subplots(len(acts), len(depths), figsize=(2.6 * len(depths) + 0.3, 2.2 * len(acts)),
                         sharex=True, sharey=True, squeeze=False)
    for i, act in enumerate(acts):
        for j, L in enumerate(depths):
            ax = axes[i, j]
            for w in ("gaussian", "orthogonal"):
                s2 = spectra[act, w, L].ravel()
                s2 = np.sort(np.log10(s2[s2 > 1e-12 * s2.mean()]))
                color, ls, label = _WEIGHT_STYLE[w]
                ax.step(np.r_[-9, s2, 4], np.r_[0, np.arange(1, len(s2) + 1) / len(s2), 1],
                        where="post", color=color, ls=ls, lw=1.8, label=label)
            ax.set_title(f"{_ACT_LABEL[act]}, $L = {L}$")
            ax.set_xlim(-8, 3)
            ax.set_ylim(0, 1.02)
            if i == len(acts) - 1:
                ax.set_xlabel(r"$\log_{10} s^2$")
            if j == 0:
                ax.set_ylabel("fraction below")
    axes[0, 0].legend(loc="upper left")
    return fig


@styled
def plot_deep_linear(result: dict[str, Any]):
    r"""Steps to the target cost against depth, median and 10--90 % band over seeds.

    >>> r = {"depths": np.array([2, 4]), "max_steps": 10,
    ...      "steps": {"orthogonal": np.ones((2, 3)), "gaussian": np.full((2, 3), 5.0)}}
    >>> plot_deep_linear(r).axes[0].get_xscale()
    'log'
    """
    fig, ax = subplots(figsize=(4.8, 3.2))
    d = result["depths"]
    for w in ("gaussian", "orthogonal"):
        color, ls, label = _WEIGHT_STYLE[w]
        steps = np.where(np.isfinite(result["steps"][w]), result["steps"][w], result["max_steps"])
        lo, med, hi = _quantiles(steps, axis=1)
        ax.plot(d, med, color=color, ls=ls, marker="o" if w == "gaussian" else "s", label=label)
        ax.fill_between(d, lo, hi, color=color, alpha=0.2, lw=0)
    ax.axhline(result["max_steps"], color="0.5", lw=0.8, ls=":")
    ax.set_xscale("log", base=2)
    ax.set_xticks(d, [str(v) for v in d])
    ax.set_xlabel("depth $L$ (linear layers)")
    ax.set_ylabel("steps to the target cost")
    ax.set_ylim(bottom=0)
    ax.legend(loc="upper left")
    return fig


_RESIDUAL_STYLE = {
    "plain": (OKABE_ITO["black"], "-", "o"),
    "residual": (OKABE_ITO["vermillion"], "-", "s"),
    "residual, branch / sqrt(B)": (OKABE_ITO["blue"], "--", "^"),
    "residual, last layer 0": (OKABE_ITO["green"], ":", "D"),
}


@styled
def plot_residual(result: dict[str, Any]):
    r"""Mean square of :math:`x^{[b]}` against the block ``b``, log scale; measured bands, predicted thin.

    >>> r = residual_variances(np.random.default_rng(0), blocks=3, width=8, seeds=2)
    >>> plot_residual(r).axes[0].get_yscale()
    'log'
    """
    fig, ax = subplots(figsize=(4.8, 3.6))
    b = result["blocks"]
    for name, meas in result["measured"].items():
        color, ls, marker = _RESIDUAL_STYLE[name]
        line = band(ax, b, meas, color=color, label=name.replace("sqrt(B)", r"$\sqrt{B}$"))
        line.set_linestyle(ls)
        line.set_marker(marker)
        line.set_markevery(max(len(b) // 8, 1))
        ax.plot(b, result["predicted"][name], color=color, lw=0.8, alpha=0.8)
    ax.set_yscale("log")
    ax.set_xlabel("block $b$")
    ax.set_ylabel(r"$E[(x^{[b]})^2] \,/\, E[(x^{[0]})^2]$")
    ax.legend(loc="upper left", fontsize=9)
    return fig


@styled
def plot_residual_training(result: dict[str, Any]):
    r"""Cost per step relative to the zero map's, log scale; median and 10--90 % band over copies.

    >>> r = residual_training(np.random.default_rng(0), blocks=3, width=8, seeds=2, steps=5)
    >>> plot_residual_training(r).axes[0].get_yscale()
    'log'
    """
    fig, ax = subplots(figsize=(4.8, 3.4))
    for name, C in result["cost"].items():
        color, ls, marker = _RESIDUAL_STYLE[name]
        label = name.replace("sqrt(B)", r"$\sqrt{B}$")
        if result["diverged"][name]:
            label += f" ({result['diverged'][name]} diverged)"
        line = band(ax, np.arange(C.shape[0]), C, color=color, label=label)
        if line is None:  # every copy diverged at the first step
            ax.plot([], [], color=color, ls=ls, marker=marker, label=label)
            continue
        line.set_linestyle(ls)
        line.set_marker(marker)
        line.set_markevery(max(C.shape[0] // 8, 1))
    ax.set_yscale("log")
    ax.set_ylim(1e-2, 1e7)  # a diverging copy's last finite costs are far above: cut off
    ax.set_xlabel("step")
    ax.set_ylabel("cost / cost of the zero map")
    ax.legend(loc="upper right", fontsize=9)
    return fig


_LSUV_STYLE = {"Xavier": (OKABE_ITO["orange"], "-", "o"), "He": (OKABE_ITO["purple"], "-.", "v"),
               "orthonormal": (OKABE_ITO["sky"], ":", "s"), "LSUV": (OKABE_ITO["blue"], "--", "D")}


@styled
def plot_lsuv(*results: tuple[str, dict[str, Any]]):
    r"""One panel per network: :math:`\mathrm{Var}(z^{[l]})` per layer, median and 10--90 % band.

    >>> v = {k: np.ones((3, 4)) for k in ("Xavier", "He", "orthonormal", "LSUV")}
    >>> len(plot_lsuv(("a", {"variance": v}), ("b", {"variance": v})).axes)
    2
    """
    fig, axes = subplots(len(results), 1, figsize=(4.8, 3.0 * len(results) + 0.4), squeeze=False)
    for ax, (title, r) in zip(axes[:, 0], results):
        for name, V in r["variance"].items():
            color, ls, marker = _LSUV_STYLE[name]
            layers = np.arange(1, V.shape[1] + 1)
            line = band(ax, layers, V.T, color=color, label=name)
            line.set_linestyle(ls)
            line.set_marker(marker)
            line.set_markevery(max(len(layers) // 10, 1))
        ax.axhline(1.0, color="0.5", lw=0.8)
        ax.set_yscale("log")
        ax.set_xlabel("layer $l$")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_ylabel(r"$\mathrm{Var}(z^{[l]})$")
        ax.set_title(title)
    fig.legend(*axes[0, 0].get_legend_handles_labels(), loc="outside lower center", ncols=2)
    return fig


@styled
def plot_tanh_gain(result: dict[str, Any]):
    r"""Left: :math:`\mathrm{Var}(z^{[l]})` per layer with :math:`q^*`; right: gradient growth with
    :math:`\chi^{L-l}`. Median and 10--90 % band over seeds.

    >>> r = tanh_gain_layers(np.random.default_rng(0), depth=3, width=16, seeds=2)
    >>> [ax.get_xlabel() for ax in plot_tanh_gain(r).axes]
    ['layer $l$', 'layer $l$']
    """
    fig, (ax_q, ax_g) = subplots(2, 1, figsize=(4.8, 6.2))
    depth = result["depth"]
    layers = np.arange(1, depth + 1)
    styles = [(OKABE_ITO["orange"], "-", "o"), (OKABE_ITO["blue"], "--", "s")]
    for i, g in enumerate(result["gains"]):
        color, ls, marker = styles[i % 2]
        label = "gain 1 (Xavier)" if g == 1 else ("gain 5/3" if math.isclose(g, 5 / 3) else f"gain {g:.3g}")
        for ax, Y in ((ax_q, result["q"][i]), (ax_g, result["grad"][i])):
            line = band(ax, layers, Y, color=color, label=label)
            line.set_linestyle(ls)
            line.set_marker(marker)
            line.set_markevery(2)
        if g > 1:
            qs = tanh_fixed_point(g)
            ax_q.axhline(qs, color=color, lw=0.8, ls=":")
            ax_q.text(depth, qs + 0.12, f"$q^* = {qs:.2f}$", ha="right", va="bottom", fontsize=10)
            ax_g.plot(layers, tanh_chi(g) ** (depth - layers), color=color, lw=0.8, ls=":",
                      label=r"$\chi^{L-l}$")
    ax_q.set_xlabel("layer $l$")
    for ax in (ax_q, ax_g):
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax_q.set_ylabel(r"$\mathrm{Var}(z^{[l]})$")
    ax_q.set_ylim(bottom=0)
    ax_g.set_xlabel("layer $l$")
    ax_g.set_ylabel(r"mean square of $dA^{[l]}$ (layer $L$: 1)")
    ax_g.set_yscale("log")
    ax_g.legend(loc="upper right", fontsize=9)
    return fig

r"""Sampling checks of the variance argument behind Xavier initialization, and their figures.

Section 4 (the article's section IV) derives, step by step, how the variance of a signal changes through one
layer and then through the whole network. Each function here checks one step by sampling, with
an explicit :class:`numpy.random.Generator`, and returns plain arrays; each ``plot_*`` function
draws the result with ``plotting.subplots``.

The steps, for weights with zero mean and i.i.d. entries independent of the layer's input:

.. math::

    \mathrm{Var}(XY) &= E[X]^2\,\mathrm{Var}(Y) + \mathrm{Var}(X)\,E[Y]^2
                        + \mathrm{Var}(X)\,\mathrm{Var}(Y) \quad (X, Y \text{ independent}) \\
    \mathrm{Var}(z^{[l]}) &= n^{[l-1]}\,\mathrm{Var}(W^{[l]})\,\mathrm{Var}(a^{[l-1]}) \\
    \mathrm{Var}(a^{[L]}) &= \Big[\prod_{l=1}^{L} n^{[l-1]}\,\mathrm{Var}(W^{[l]})\Big]\,
                             \mathrm{Var}(x) \quad (\text{linear regime})

and, backwards, :math:`\mathrm{Var}(dA^{[l-1]}) = n^{[l]}\,\mathrm{Var}(W^{[l]})\,
\mathrm{Var}(dZ^{[l]})`.

References: X. Glorot & Y. Bengio, "Understanding the difficulty of training deep feedforward
neural networks", AISTATS 2010 (sections 4.2 and 4.2.1). B. Poole, S. Lahiri, M. Raghu,
J. Sohl-Dickstein & S. Ganguli, "Exponential expressivity in deep neural networks through
transient chaos", NeurIPS 2016 (the length map used by :func:`tanh_variance_map`).

>>> import numpy as np
>>> product_variance(1.0, 2.0, -3.0, 0.5)   # 1*0.5 + 2*9 + 2*0.5
19.5
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from typing import Literal

import matplotlib.ticker as mticker
import numpy as np

from xavier import _checks, costs
from xavier.init import MODES, Mode
from xavier.network import Network
from plotting import COLORS, band, styled, subplots

Activation = Literal["identity", "tanh"]
ACTIVATIONS = ("identity", "tanh")

#: One colour per fan mode in the backward-pass figure (fan_in is the article's Xavier).
MODE_COLORS: dict[str, str] = {"fan_in": COLORS["appropriate"], "fan_out": COLORS["he"],
                               "fan_avg": "#E69F00"}  # Okabe-Ito orange

#: One marker per fan mode, so that the three curves are not told apart by hue alone
#: (circle and diamond are the site's markers of these colours, :data:`plotting.MARKERS`).
MODE_MARKERS: dict[str, str] = {"fan_in": "o", "fan_out": "D", "fan_avg": "^"}

#: The initializer name and keyword arguments that draw each fan mode. The article's Xavier
#: :math:`\mathcal{N}(0, 1/n)` with :math:`n = n_\text{in}` or :math:`n_\text{out}`
#: (``variance_scaling`` with ``mode="fan_in"`` or ``"fan_out"``), and Glorot & Bengio's
#: normalized variance (``xavier_normal``, the libraries' name for the fan average).
MODE_INITIALIZERS: dict[str, tuple[str, dict]] = {
    "fan_in": ("variance_scaling", {"scale": 1.0, "mode": "fan_in"}),
    "fan_out": ("variance_scaling", {"scale": 1.0, "mode": "fan_out"}),
    "fan_avg": ("xavier_normal", {}),
}


# -- argument checks -------------------------------------------------------------------------------

def _var_per_seed(A: np.ndarray) -> np.ndarray:
    """Variance over units and examples, one value per seed: ``(S, n, m) -> (S,)``."""
    return A.var(axis=(-2, -1))


# -- step 1: the variance of a product -------------------------------------------------------------

def product_variance(mx: float, vx: float, my: float, vy: float) -> float:
    r"""The variance of a product of two **independent** random variables.

    .. math::
        \mathrm{Var}(XY) = E[X]^2\,\mathrm{Var}(Y) + \mathrm{Var}(X)\,E[Y]^2
                           + \mathrm{Var}(X)\,\mathrm{Var}(Y)

    Parameters
    ----------
    mx, vx : float
        Mean and variance of ``X``.
    my, vy : float
        Mean and variance of ``Y``.

    Examples
    --------
    >>> product_variance(0.0, 2.0, 0.0, 3.0)   # zero means: the product of the variances
    6.0
    """
    mx, my = _checks.real("mx", mx), _checks.real("my", my)
    vx, vy = _checks.real("vx", vx, low=0), _checks.real("vy", vy, low=0)
    return mx**2 * vy + vx * my**2 + vx * vy


def var_product(mx: float, vx: float, my: float, vy: float, n: int, rng: np.random.Generator,
                *, rho: float = 0.0) -> dict[str, float]:
    r"""Sample ``n`` products ``XY`` of normals and compare their variance with the formula.

    ``X ~ N(mx, vx)`` and ``Y ~ N(my, vy)`` with correlation ``rho``: ``rho = 0`` makes them
    independent, ``rho = 1`` makes ``Y`` an increasing affine function of ``X`` (``Y = X`` when the
    two have the same mean and variance). For jointly normal ``X, Y`` the true variance is

    .. math::
        \mathrm{Var}(XY) = E[X]^2\mathrm{Var}(Y) + \mathrm{Var}(X)E[Y]^2 + \mathrm{Var}(X)\mathrm{Var}(Y)
                           + 2\rho\,E[X]E[Y]\sigma_X\sigma_Y + \rho^2\,\mathrm{Var}(X)\mathrm{Var}(Y),

    which is :func:`product_variance` only when ``rho = 0``.

    Parameters
    ----------
    mx, vx, my, vy : float
        Means and variances of ``X`` and ``Y``.
    n : int
        Number of sampled pairs.
    rng : numpy.random.Generator
    rho : float in [-1, 1], default 0

    Returns
    -------
    dict
        ``sampled``: the sample variance of ``XY``; ``se``: its standard error,
        :math:`\sqrt{(\hat\mu_4 - \hat\sigma^4)/n}` with :math:`\hat\mu_4` the sample's fourth
        central moment; ``formula``: :func:`product_variance`; ``exact``: the variance above;
        ``rel_error``: ``sampled / formula - 1``.

    Examples
    --------
    >>> r = var_product(1.0, 2.0, -3.0, 0.5, 400_000, np.random.default_rng(0))
    >>> r["formula"], round(r["sampled"]), bool(abs(r["sampled"] - r["formula"]) < 4 * r["se"])
    (19.5, 20, True)
    >>> r = var_product(1.0, 2.0, 1.0, 2.0, 400_000, np.random.default_rng(0), rho=1.0)  # Y = X
    >>> r["formula"], r["exact"], round(r["sampled"])
    (8.0, 16.0, 16)
    """
    formula = product_variance(mx, vx, my, vy)
    n = _checks.positive_int("n", n)
    if n < 2:
        raise ValueError(f"n must be at least 2 to estimate a variance, got {n}")
    rho = _checks.real("rho", rho)
    if not -1.0 <= rho <= 1.0:
        raise ValueError(f"rho must be in [-1, 1], got {rho!r}")
    _checks.generator("rng", rng)
    sx, sy = math.sqrt(vx), math.sqrt(vy)
    e1, e2 = rng.standard_normal((2, n))
    X = mx + sx * e1
    Y = my + sy * (rho * e1 + math.sqrt(1.0 - rho**2) * e2)
    P = X * Y
    dev2 = (P - P.mean()) ** 2
    sampled = float(dev2.mean() * n / (n - 1))
    se = float(math.sqrt(max(float((dev2**2).mean()) - float(dev2.mean()) ** 2, 0.0) / n))
    exact = formula + 2 * rho * mx * my * sx * sy + rho**2 * vx * vy
    return {"sampled": sampled, "se": se, "formula": formula, "exact": float(exact),
            "rel_error": sampled / formula - 1.0 if formula > 0 else math.nan}


def var_product_vs_correlation(mx: float, vx: float, my: float, vy: float,
                               rhos: Sequence[float], n: int,
                               rng: np.random.Generator) -> dict[str, np.ndarray]:
    """:func:`var_product` for each correlation in ``rhos``: where the formula holds and where not.

    Returns
    -------
    dict
        ``rho``, ``sampled``, ``se``, ``exact``: arrays of shape ``(R,)``; ``formula``: a float,
        the same for every ``rho`` (the formula ignores the dependence); ``mx, vx, my, vy``.

    Examples
    --------
    >>> c = var_product_vs_correlation(1.0, 2.0, -3.0, 0.5, [-1, 0, 1], 100_000,
    ...                                np.random.default_rng(0))
    >>> c["exact"], c["formula"], c["sampled"].round(0)
    (array([26.5, 19.5, 14.5]), 19.5, array([26., 20., 14.]))
    """
    rhos = np.asarray(rhos, dtype=float)
    if rhos.ndim != 1 or rhos.size == 0:
        raise ValueError(f"rhos must be a non-empty 1-d sequence, got shape {rhos.shape}")
    rows = [var_product(mx, vx, my, vy, n, rng, rho=float(r)) for r in rhos]
    return {"rho": rhos, "formula": rows[0]["formula"], "mx": mx, "vx": vx, "my": my, "vy": vy,
            **{k: np.array([r[k] for r in rows]) for k in ("sampled", "se", "exact")}}


# -- step 2: the variance of one unit's pre-activation -------------------------------------------

def layer_variance_grid(ns: Sequence[int], var_ws: Sequence[float], var_as: Sequence[float],
                        rng: np.random.Generator, *, n_out: int = 128,
                        m: int = 256) -> dict[str, np.ndarray]:
    r"""Measure :math:`\mathrm{Var}(z)` of ``z = W @ a`` over a grid of fan-ins and variances.

    For every ``n`` in ``ns``, every weight variance in ``var_ws`` and every input variance in
    ``var_as``: ``W`` is ``(n_out, n)`` with i.i.d. :math:`\mathcal{N}(0, \mathrm{Var}(W))` entries
    and ``a`` is ``(n, m)`` with i.i.d. uniform entries of mean 0 and variance ``Var(a)`` (not
    normal: the step does not need normality), drawn independently. The measurement is the
    variance of the ``n_out * m`` entries of ``z``; the prediction is

    .. math:: \mathrm{Var}(z) = n\,\mathrm{Var}(W)\,\mathrm{Var}(a).

    Returns
    -------
    dict
        ``n``, ``var_w``, ``var_a``, ``predicted``, ``measured``: arrays of shape ``(P,)``, one entry
        per grid point, ``P = len(ns) * len(var_ws) * len(var_as)``.

    Examples
    --------
    >>> g = layer_variance_grid([16, 256], [0.01, 0.1], [1.0], np.random.default_rng(0))
    >>> g["predicted"]
    array([ 0.16,  1.6 ,  2.56, 25.6 ])
    >>> bool(np.all(np.abs(g["measured"] / g["predicted"] - 1) < 0.1))
    True
    """
    _checks.generator("rng", rng)
    ns = [_checks.positive_int("n", k) for k in ns]
    var_ws = [_checks.real("var_w", v, low=0) for v in var_ws]
    var_as = [_checks.real("var_a", v, low=0) for v in var_as]
    n_out, m = _checks.positive_int("n_out", n_out), _checks.positive_int("m", m)
    if not (ns and var_ws and var_as):
        raise ValueError("ns, var_ws and var_as must each hold at least one value")
    vw, va = (np.array(v, dtype=float).ravel() for v in np.meshgrid(var_ws, var_as, indexing="ij"))
    out = {"n": [], "var_w": [], "var_a": [], "predicted": [], "measured": []}
    for n in ns:
        W = np.sqrt(vw)[:, None, None] * rng.standard_normal((vw.size, n_out, n))
        a = np.sqrt(3 * va)[:, None, None] * rng.uniform(-1.0, 1.0, (va.size, n, m))
        out["n"].append(np.full(vw.size, n))
        out["var_w"].append(vw)
        out["var_a"].append(va)
        out["predicted"].append(n * vw * va)
        out["measured"].append(_var_per_seed(W @ a))
    return {k: np.concatenate(v) for k, v in out.items()}


# -- step 3: through the layers -----------------------------------------------------------------

@functools.lru_cache(maxsize=4)
def _hermite_nodes(nodes: int) -> tuple[np.ndarray, np.ndarray]:
    r"""Gauss--Hermite nodes and weights for :math:`E[f(\xi)]`, :math:`\xi \sim \mathcal{N}(0, 1)`."""
    x, w = np.polynomial.hermite_e.hermegauss(nodes)
    return x, w / w.sum()


def tanh_variance_map(q: float | np.ndarray, gain: float, *, nodes: int = 101) -> np.ndarray:
    r"""One tanh layer's effect on the variance when the pre-activations are normal.

    With :math:`n\,\mathrm{Var}(W) = \text{gain}` and zero-mean weights,
    :math:`\mathrm{Var}(z) = \text{gain}\cdot E[a^2]`, and for a wide layer :math:`z` is close to
    normal, so the next second moment is

    .. math:: q^{[l]} = E\big[\tanh(z)^2\big],\quad z \sim \mathcal{N}(0,\ \text{gain}\cdot q^{[l-1]})

    (Poole et al., 2016). Computed by Gauss--Hermite quadrature with ``nodes`` nodes. Because
    :math:`|\tanh z| < |z|` for :math:`z \ne 0`, :math:`E[\tanh(z)^2] < \mathrm{Var}(z)`: the
    linear-regime prediction overestimates every tanh layer.

    >>> float(tanh_variance_map(1.0, 1.0).round(4))   # E[tanh(z)^2] for z ~ N(0, 1)
    0.3943
    >>> round(float(tanh_variance_map(1e-4, 1.0) / 1e-4), 6)   # near 0, tanh(z) = z
    0.9998
    """
    gain = _checks.real("gain", gain, low=0)
    q = np.asarray(q, dtype=float)
    if np.any(q < 0) or not np.all(np.isfinite(q)):
        raise ValueError(f"q must be finite and >= 0, got {q!r}")
    x, w = _hermite_nodes(_checks.positive_int("nodes", nodes))
    return np.tanh(np.sqrt(gain * q)[..., None] * x) ** 2 @ w


def variance_through_layers(gains: Sequence[float], rng: np.random.Generator, *,
                            activation: Activation = "identity", width: int = 256,
                            depth: int = 10, var_x: float = 1.0, m: int = 64,
                            seeds: int = 8) -> dict[str, np.ndarray]:
    r"""Measure :math:`\mathrm{Var}(a^{[l]})` through ``depth`` layers of ``width`` units.

    For each ``gain`` :math:`= n^{[l-1]}\mathrm{Var}(W^{[l]})` a :class:`~xavier.network.Network`
    of ``seeds`` stacked copies is drawn with ``variance_scaling(scale=gain)`` (normal, fan_in) and
    fed ``m`` inputs with i.i.d. :math:`\mathcal{N}(0, \text{var\_x})` entries.

    Returns
    -------
    dict
        ``layers``: ``(depth + 1,)``, ``l = 0..depth``; ``gains``: ``(G,)``;
        ``predicted``: ``(G, depth + 1)``, the linear-regime
        :math:`\text{gain}^l\,\mathrm{Var}(x)`; ``mean_field``: ``(G, depth + 1)``, the same
        recursion through :func:`tanh_variance_map` for tanh (equal to ``predicted`` for identity);
        ``measured``: ``(G, depth + 1, S)``, each seed's variance of ``A[l]`` over units and
        examples (``l = 0`` is the sample's ``Var(x)``).

    Examples
    --------
    >>> r = variance_through_layers([0.5, 1.0], np.random.default_rng(0), width=64, depth=3,
    ...                             seeds=4, m=64)
    >>> r["predicted"]
    array([[1.   , 0.5  , 0.25 , 0.125],
           [1.   , 1.   , 1.   , 1.   ]])
    >>> r["measured"].shape, bool(np.all(np.abs(np.median(r["measured"], -1)
    ...                                          / r["predicted"] - 1) < 0.3))
    ((2, 4, 4), True)
    """
    _checks.generator("rng", rng)
    gains = np.array([_checks.real("gain", g, low=0) for g in gains], dtype=float)
    if gains.size == 0:
        raise ValueError("gains must hold at least one value")
    activation = _checks.one_of("activation", activation, ACTIVATIONS)
    width, depth = _checks.positive_int("width", width), _checks.positive_int("depth", depth)
    m, seeds = _checks.positive_int("m", m), _checks.positive_int("seeds", seeds)
    var_x = _checks.real("var_x", var_x, low=0)
    layers = np.arange(depth + 1)
    predicted = var_x * gains[:, None] ** layers
    mean_field = predicted.copy()
    if activation == "tanh":
        for l in range(1, depth + 1):
            mean_field[:, l] = [tanh_variance_map(q, g) for q, g in zip(mean_field[:, l - 1], gains)]
    measured = np.empty((gains.size, depth + 1, seeds))
    X = math.sqrt(var_x) * rng.standard_normal((width, m))
    for i, g in enumerate(gains):
        net = Network([width] * (depth + 1), [activation] * depth, "variance_scaling", rng=rng,
                      seeds=seeds, init_kwargs={"scale": float(g)})
        _, A = net.forward(X)
        measured[i, 0] = X.var()
        for l in range(1, depth + 1):
            measured[i, l] = _var_per_seed(A[l])
    return {"layers": layers, "gains": gains, "predicted": predicted, "mean_field": mean_field,
            "measured": measured, "activation": activation}


# -- step 4: forwards and backwards with unequal widths -------------------------------------------

def fan_variance(n_in: int, n_out: int, mode: Mode) -> float:
    r"""The weight variance each fan mode asks for: :math:`1/n_\text{in}`, :math:`1/n_\text{out}`
    or :math:`2/(n_\text{in} + n_\text{out})`.

    >>> fan_variance(100, 400, "fan_in"), fan_variance(100, 400, "fan_out"), fan_variance(100, 400, "fan_avg")
    (0.01, 0.0025, 0.004)
    """
    n_in, n_out = _checks.positive_int("n_in", n_in), _checks.positive_int("n_out", n_out)
    fans = {"fan_in": n_in, "fan_out": n_out, "fan_avg": (n_in + n_out) / 2}
    return 1.0 / fans[_checks.one_of("mode", mode, MODES)]


def backward_variances(sizes: Sequence[int], rng: np.random.Generator, *,
                       modes: Sequence[Mode] = MODES, m: int = 128,
                       seeds: int = 8) -> dict[str, np.ndarray]:
    r"""Forward and back-propagated variances per layer of a linear network, for each fan mode.

    Each mode draws its weights with :data:`MODE_INITIALIZERS`. Forward: inputs with i.i.d.
    :math:`\mathcal{N}(0, 1)` entries, measured :math:`\mathrm{Var}(a^{[l]}) / \mathrm{Var}(x)`
    against :math:`\prod_{k=1}^{l} n^{[k-1]}\mathrm{Var}(W^{[k]})`. Backward: the cost is ``"mse"``
    against targets ``Y`` with i.i.d. :math:`\mathcal{N}(0, 1)` entries, and the gradients come from
    :meth:`Network.backward <xavier.network.Network.backward>`. The backward pass of a linear
    network does not depend on its input, so it is run on zero inputs: then the output gradient
    :math:`dZ^{[L]} = -Y/m` is independent of the weights, as the argument assumes. Measured
    :math:`\mathrm{Var}(dA^{[l]}) / \mathrm{Var}(dZ^{[L]})` against
    :math:`\prod_{k=l+1}^{L} n^{[k]}\mathrm{Var}(W^{[k]})`.

    Returns
    -------
    dict
        ``layers``: ``(L + 1,)``; ``sizes``; ``modes``: tuple of ``M`` names;
        ``forward_predicted``, ``backward_predicted``: ``(M, L + 1)``;
        ``forward_measured``, ``backward_measured``: ``(M, L + 1, S)`` (the backward value at
        ``l = L`` is :math:`dZ^{[L]}` itself, ratio 1, and at ``l = 0`` it is ``dA[0]``).

    Examples
    --------
    >>> r = backward_variances([64, 16], np.random.default_rng(0), seeds=4)
    >>> r["forward_predicted"][:, 1], r["backward_predicted"][:, 0]
    (array([1. , 4. , 1.6]), array([0.25, 1.  , 0.4 ]))
    >>> ratio = np.median(r["backward_measured"][:, 0], -1) / r["backward_predicted"][:, 0]
    >>> bool(np.all(np.abs(ratio - 1) < 0.1))
    True
    """
    _checks.generator("rng", rng)
    if isinstance(sizes, str) or len(sizes) < 2:
        raise ValueError(f"sizes must list at least two layer widths, got {sizes!r}")
    sizes = tuple(_checks.positive_int("sizes entry", k) for k in sizes)
    modes = tuple(modes)
    if not modes or any(mo not in MODES for mo in modes):
        raise ValueError(f"modes must be a non-empty sequence of {', '.join(MODES)}; got {modes!r}")
    m, seeds = _checks.positive_int("m", m), _checks.positive_int("seeds", seeds)
    L = len(sizes) - 1
    fwd_pred = np.ones((len(modes), L + 1))
    bwd_pred = np.ones((len(modes), L + 1))
    fwd_meas = np.ones((len(modes), L + 1, seeds))
    bwd_meas = np.ones((len(modes), L + 1, seeds))
    X = rng.standard_normal((sizes[0], m))
    Y = rng.standard_normal((sizes[-1], m))
    zeros = np.zeros_like(X)
    for i, mode in enumerate(modes):
        gain_in = [sizes[k - 1] * fan_variance(sizes[k - 1], sizes[k], mode) for k in range(1, L + 1)]
        gain_out = [sizes[k] * fan_variance(sizes[k - 1], sizes[k], mode) for k in range(1, L + 1)]
        fwd_pred[i, 1:] = np.cumprod(gain_in)
        bwd_pred[i, :-1] = np.cumprod(gain_out[::-1])[::-1]
        name, kwargs = MODE_INITIALIZERS[mode]
        net = Network(sizes, ["identity"] * L, name, rng=rng, seeds=seeds, init_kwargs=kwargs)
        _, A = net.forward(X)
        for l in range(1, L + 1):
            fwd_meas[i, l] = _var_per_seed(A[l]) / X.var()
        Z, A0 = net.forward(zeros)
        grads = net.backward(Z, A0, Y, "mse", input_grad=True)
        dZL = costs.gradient("mse", "identity", Z[L], A0[L], Y)
        for l in range(L):
            bwd_meas[i, l] = _var_per_seed(grads.dA[l]) / _var_per_seed(dZL)
    return {"layers": np.arange(L + 1), "sizes": sizes, "modes": modes,
            "forward_predicted": fwd_pred, "forward_measured": fwd_meas,
            "backward_predicted": bwd_pred, "backward_measured": bwd_meas}


# -- figures ---------------------------------------------------------------------------------------

class _PlainLogFormatter(mticker.LogFormatter):
    """Log-axis tick labels as plain numbers (``0.25``, ``4``, ``32``) instead of powers of 10;
    minor ticks are labelled only when the axis spans few decades (matplotlib's rule)."""

    def _num_to_string(self, x, vmin, vmax):
        return f"{x:.3g}"


def _measured(ax, x, Y, color, label=None, marker="o"):
    """Median over seeds as markers, with the 10-90 % band; ``Y`` is ``(T, S)``."""
    line = band(ax, x, Y, color=color, label=label)
    line.set_linestyle("none")
    line.set_marker(marker)
    line.set_markersize(4)
    return line


@styled
def plot_var_product(curve: dict) -> object:
    """Sampled :math:`\\mathrm{Var}(XY)` against the correlation of ``X`` and ``Y``, with the
    formula (which assumes independence) and the exact variance of jointly normal ``X, Y``.

    Parameters
    ----------
    curve : dict
        As returned by :func:`var_product_vs_correlation`.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> c = var_product_vs_correlation(1.0, 2.0, -3.0, 0.5, [0, 1], 1000, np.random.default_rng(0))
    >>> fig = plot_var_product(c); len(fig.axes)
    1
    """
    # 5 in wide with the legend below the axes: its text stays legible on a phone
    fig, ax = subplots(figsize=(5.0, 4.8))
    rho = curve["rho"]
    fine = np.linspace(rho.min(), rho.max(), 201)
    mx, vx, my, vy = curve["mx"], curve["vx"], curve["my"], curve["vy"]
    exact = curve["formula"] + 2 * fine * mx * my * math.sqrt(vx * vy) + fine**2 * vx * vy
    ax.axhline(curve["formula"], color=COLORS["appropriate"], ls="--", lw=1.6,
               label=r"formula $E[X]^2\mathrm{Var}(Y) + \mathrm{Var}(X)E[Y]^2$" "\n"
                     r"$+ \mathrm{Var}(X)\mathrm{Var}(Y)$")
    ax.plot(fine, exact, color="0.35", lw=1.0, label="exact variance for correlation $\\rho$")
    ax.errorbar(rho, curve["sampled"], yerr=2 * curve["se"], fmt="o", ms=4,
                color=COLORS["large"], label="sampled (± 2 standard errors)")
    ax.axvline(0.0, color="0.6", lw=0.8, zorder=0)
    ax.set_xlabel(r"correlation $\rho$ of $X$ and $Y$")
    ax.locator_params(axis="x", nbins=5)  # ticks that stay apart at this width
    ax.set_ylabel(r"$\mathrm{Var}(XY)$")
    ax.set_title(rf"$X\sim\mathcal{{N}}({mx:g}, {vx:g})$, $Y\sim\mathcal{{N}}({my:g}, {vy:g})$")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.2), borderaxespad=0.0)
    return fig


@styled
def plot_layer_variance_grid(grid: dict) -> object:
    """Measured against predicted :math:`\\mathrm{Var}(z)` on log axes, and their ratio against
    the fan-in ``n``.

    Parameters
    ----------
    grid : dict
        As returned by :func:`layer_variance_grid`.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> g = layer_variance_grid([16, 64], [0.01], [1.0], np.random.default_rng(0), m=8)
    >>> fig = plot_layer_variance_grid(g); len(fig.axes)
    3
    """
    import matplotlib as mpl

    fig, (ax, bx) = subplots(2, 1, figsize=(5.0, 7.4))  # one panel per row: readable on a phone
    ns = np.unique(grid["n"])
    norm = mpl.colors.LogNorm(ns.min(), max(ns.max(), ns.min() * 2))
    cmap = mpl.colormaps["viridis"]
    pred, meas = grid["predicted"], grid["measured"]
    lo, hi = min(pred.min(), meas.min()) / 2, max(pred.max(), meas.max()) * 2
    ax.plot([lo, hi], [lo, hi], color="0.4", lw=1, ls="--", label="measured = predicted")
    sc = ax.scatter(pred, meas, c=grid["n"], cmap=cmap, norm=norm, s=18, zorder=3)
    ax.set(xscale="log", yscale="log", xlim=(lo, hi), ylim=(lo, hi),
           xlabel=r"predicted $n\,\mathrm{Var}(W)\,\mathrm{Var}(a)$",
           ylabel=r"measured $\mathrm{Var}(z)$")
    ax.set_aspect("equal")
    ax.legend(loc="upper left")
    bx.axhline(1.0, color="0.4", lw=1, ls="--")
    bx.scatter(grid["n"], meas / pred, c=grid["n"], cmap=cmap, norm=norm, s=18, zorder=3)
    bx.set(xscale="log", xlabel=r"fan-in $n$", ylabel="measured / predicted")
    bx.set_xticks(ns, [str(k) for k in ns])
    bx.minorticks_off()
    cbar = fig.colorbar(sc, ax=bx, label=r"fan-in $n$")
    cbar.set_ticks(ns, labels=[str(k) for k in ns])
    cbar.minorticks_off()
    return fig


@styled
def plot_variance_through_layers(*results: dict) -> object:
    """One panel per result of :func:`variance_through_layers`: the predicted geometric lines
    (dashed), the tanh mean-field recursion (dotted) and the measured variances (median over
    seeds with a 10-90 % band), on a log scale.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> r = variance_through_layers([1.0], np.random.default_rng(0), width=8, depth=2, seeds=2, m=4)
    >>> fig = plot_variance_through_layers(r, r); len(fig.axes)
    2
    """
    if not results:
        raise ValueError("plot_variance_through_layers needs at least one result")
    fig, axes = subplots(len(results), 1, figsize=(5.0, 3.3 * len(results) + 0.9), sharex=True,
                         squeeze=False)  # one panel per row: readable on a phone
    for ax, r in zip(axes[:, 0], results):
        for i, g in enumerate(r["gains"]):
            color = (COLORS["small"] if g < 1 else COLORS["appropriate"] if g == 1
                     else COLORS["large"])
            ax.plot(r["layers"], r["predicted"][i], color=color, ls="--", lw=1.3)
            if r["activation"] == "tanh":
                ax.plot(r["layers"], r["mean_field"][i], color=color, ls=":", lw=1.6)
            _measured(ax, r["layers"], r["measured"][i], color, label=rf"$n\,\mathrm{{Var}}(W) = {g:g}$")
        name = "linear, $a = z$" if r["activation"] == "identity" else r"tanh, $a = \tanh(z)$"
        ax.set(yscale="log", title=name, ylabel=r"$\mathrm{Var}(a^{[l]})$")
        ax.set_xticks(r["layers"])
    axes[-1, 0].set_xlabel("layer $l$")
    handles, labels = axes[0, 0].get_legend_handles_labels()
    from matplotlib.lines import Line2D

    handles += [Line2D([], [], color="0.3", ls="--"), Line2D([], [], color="0.3", ls=":")]
    labels += ["linear-regime prediction", r"recursion $E[\tanh(z)^2]$"]
    if not any(r["activation"] == "tanh" for r in results):
        handles, labels = handles[:-1], labels[:-1]
    fig.legend(handles, labels, loc="outside lower center", ncol=2,
               columnspacing=1.2, handlelength=1.6)
    return fig


@styled
def plot_backward_variances(result: dict) -> object:
    """Forward :math:`\\mathrm{Var}(a^{[l]})/\\mathrm{Var}(x)` and backward
    :math:`\\mathrm{Var}(dA^{[l]})/\\mathrm{Var}(dZ^{[L]})` per layer for each fan mode:
    predictions dashed, measurements as markers with their band over seeds.

    Parameters
    ----------
    result : dict
        As returned by :func:`backward_variances`.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> fig = plot_backward_variances(backward_variances([8, 4], np.random.default_rng(0), seeds=2))
    >>> len(fig.axes)
    2
    """
    fig, (fx, bx) = subplots(2, 1, figsize=(5.0, 7.8), sharey=True)  # one panel per row: readable on a phone
    x = result["layers"]
    names = {"fan_in": r"fan_in: $1/n^{[l-1]}$", "fan_out": r"fan_out: $1/n^{[l]}$",
             "fan_avg": r"fan_avg: $2/(n^{[l-1]} + n^{[l]})$"}
    for i, mode in enumerate(result["modes"]):
        c = MODE_COLORS[mode]
        fx.plot(x, result["forward_predicted"][i], color=c, ls="--", lw=1.3)
        m = MODE_MARKERS[mode]
        _measured(fx, x, result["forward_measured"][i], c, label=names[mode], marker=m)
        bx.plot(x, result["backward_predicted"][i], color=c, ls="--", lw=1.3)
        _measured(bx, x, result["backward_measured"][i], c, marker=m)
    sizes = result["sizes"]
    for ax in (fx, bx):
        ax.set(yscale="log", xlabel="layer $l$ (width $n^{[l]}$)")
        ax.set_xticks(x, [f"{l}\n({n})" for l, n in zip(x, sizes)])
        ax.axhline(1.0, color="0.6", lw=0.8, zorder=0)
        ax.yaxis.set_major_formatter(_PlainLogFormatter())
        ax.yaxis.set_minor_formatter(_PlainLogFormatter(labelOnlyBase=False,
                                                        minor_thresholds=(1, 0.4)))
    fx.set_title(r"forward: $\mathrm{Var}(a^{[l]})\,/\,\mathrm{Var}(x)$")
    bx.set_title(r"backward: $\mathrm{Var}(dA^{[l]})\,/\,\mathrm{Var}(dZ^{[L]})$")
    fx.set_ylabel("variance ratio")
    bx.set_ylabel("variance ratio")
    handles, labels = fx.get_legend_handles_labels()
    from matplotlib.lines import Line2D

    handles.append(Line2D([], [], color="0.3", ls="--"))
    labels.append("prediction")
    fig.legend(handles, labels, loc="outside lower center", ncol=1)
    return fig


def correlated_inputs(X: np.ndarray, rng: np.random.Generator, *, units: int = 300,
                      draws: int = 10, width: int = 28) -> dict[str, float]:
    r"""One layer :math:`z = W x` on real, correlated inputs: does
    :math:`\mathrm{Var}(z) = n\,\mathrm{Var}(W)\,E[a^2]` still hold?

    With weights of zero mean drawn independently of each other and of the inputs, every cross
    term of :math:`E[z_k^2] = \sum_{i,j} E[w_{ki} w_{kj}]\,E[a_i a_j]` with :math:`i \ne j`
    vanishes, because :math:`E[w_{ki} w_{kj}] = E[w_{ki}]E[w_{kj}] = 0`; so
    :math:`E[z_k^2] = \mathrm{Var}(W) \sum_j E[a_j^2] = n\,\mathrm{Var}(W)\,\overline{E[a^2]}`
    whatever the correlation between the inputs. This draws ``draws`` matrices
    :math:`W \sim \mathcal{N}(0, 1/n)` of shape ``(units, n)`` and measures it.

    Parameters
    ----------
    X : ndarray of shape (n, m)
        Inputs as columns; for ``"neighbour_corr"`` they are ``width``-pixel-wide images.
    rng : numpy.random.Generator
    units, draws : int
    width : int, default 28
        Image width, to find horizontally neighbouring pixels.

    Returns
    -------
    dict
        ``"z_std"``: standard deviation of all entries of :math:`z` over the draws;
        ``"rms"``: :math:`\sqrt{E[x^2]}`, the predicted value for :math:`n\,\mathrm{Var}(W) = 1`;
        ``"x_std"``: the inputs' standard deviation :math:`\sqrt{\mathrm{Var}(x)}` (what the
        formula would give with the variance in place of the second moment);
        ``"neighbour_corr"``: the correlation across the examples between horizontally adjacent
        pixels, averaged over the pairs (pairs where both pixels vary).

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> x = rng.standard_normal((1, 200))
    >>> X = np.repeat(x, 16, axis=0) + 1.0           # 16 perfectly correlated inputs, mean 1
    >>> r = correlated_inputs(X, rng, units=400, draws=5, width=4)
    >>> round(r["neighbour_corr"], 3), bool(abs(r["z_std"] / r["rms"] - 1) < 0.05)
    (1.0, True)
    """
    X = np.asarray(X, dtype=float)
    if X.ndim != 2 or X.shape[0] % width:
        raise ValueError(f"X must have shape (n, m) with n a multiple of width={width}, got {X.shape}")
    units, draws = _checks.positive_int("units", units), _checks.positive_int("draws", draws)
    n = X.shape[0]
    z = np.stack([rng.normal(0.0, 1.0 / math.sqrt(n), (units, n)) @ X for _ in range(draws)])
    left = np.arange(n).reshape(-1, width)[:, :-1].ravel()
    a, b = X[left], X[left + 1]
    ok = (a.std(axis=1) > 0) & (b.std(axis=1) > 0)
    corr = [np.corrcoef(a[i], b[i])[0, 1] for i in np.flatnonzero(ok)]
    return {"z_std": float(z.std()), "rms": float(np.sqrt(np.mean(X**2))), "x_std": float(X.std()),
            "neighbour_corr": float(np.mean(corr))}

r"""Weight initializers: one general :func:`variance_scaling` and named presets.

Every initializer takes ``shape`` and ``rng`` and returns a float64 array of that shape. The
trailing two dimensions are one weight matrix ``(n_out, n_in)``, so ``fan_in = shape[-1]`` and
``fan_out = shape[-2]``; leading dimensions stack independent copies, e.g. ``(S, n_out, n_in)``.
Most presets are :func:`variance_scaling` with fixed arguments, as in JAX's
``jax.nn.initializers``. Pages ask for one by name through :data:`INITIALIZERS` and :func:`get`.

References: X. Glorot & Y. Bengio, "Understanding the difficulty of training deep feedforward
neural networks", AISTATS 2010. K. He, X. Zhang, S. Ren & J. Sun, "Delving Deep into Rectifiers",
ICCV 2015. Y. LeCun, L. Bottou, G. Orr & K.-R. Müller, "Efficient BackProp", 1998. A. Saxe,
J. McClelland & S. Ganguli, "Exact solutions to the nonlinear dynamics of learning in deep linear
neural networks", ICLR 2014.

>>> import numpy as np
>>> W = initialize("xavier_normal", (3, 300, 784), np.random.default_rng(0))
>>> W.shape, W.dtype
((3, 300, 784), dtype('float64'))
"""

from __future__ import annotations

import math
from typing import Any, Callable, Dict, Literal, Sequence, Tuple, Union

import numpy as np

Mode = Literal["fan_in", "fan_out", "fan_avg"]
Distribution = Literal["normal", "truncated_normal", "uniform"]
MODES = ("fan_in", "fan_out", "fan_avg")  #: the valid ``mode`` arguments
DISTRIBUTIONS = ("normal", "truncated_normal", "uniform")  #: the valid ``distribution`` arguments
TRUNCATED_STD = 0.87962566103423978  #: std of a standard normal truncated to (-2, 2)
_GAINS = {"linear": 1.0, "identity": 1.0, "sigmoid": 1.0, "tanh": 5.0 / 3, "relu": math.sqrt(2.0),
          "leaky_relu": None, "selu": 3.0 / 4}  # leaky_relu's gain depends on its slope


def _check_shape(shape: Sequence[int]) -> tuple[int, ...]:
    dims = tuple(shape) if isinstance(shape, Sequence) and not isinstance(shape, str) else ()
    ints = all(isinstance(d, (int, np.integer)) and not isinstance(d, bool) for d in dims)
    if len(dims) < 2 or not ints or min(dims) <= 0:
        raise ValueError(f"shape must be a sequence of at least 2 positive ints, got {shape!r}")
    return tuple(int(d) for d in dims)


def _check_rng(rng: object, optional: bool = False) -> None:
    if not (isinstance(rng, np.random.Generator) or (optional and rng is None)):
        raise TypeError(f"rng must be a np.random.Generator, got {type(rng).__name__}")


def _check_nonnegative(name: str, value: float) -> float:
    if not value >= 0:  # also rejects nan
        raise ValueError(f"{name} must be >= 0, got {value!r}")
    return float(value)


def variance_scaling(shape: Sequence[int], rng: np.random.Generator, scale: float = 1.0,
                     mode: Mode = "fan_in", distribution: Distribution = "normal") -> np.ndarray:
    r"""Draw i.i.d. weights with zero mean and variance ``scale / fan``.

    .. math::
        \mathrm{Var}(W) = \frac{\text{scale}}{n}, \qquad
        n \in \{n_\text{in},\; n_\text{out},\; \tfrac{1}{2}(n_\text{in} + n_\text{out})\}

    ``normal`` draws :math:`\mathcal{N}(0, \mathrm{Var})`; ``uniform`` draws
    :math:`\mathcal{U}(-\sqrt{3\,\mathrm{Var}}, \sqrt{3\,\mathrm{Var}})`; ``truncated_normal``
    draws a standard normal truncated to :math:`(-2, 2)` (out-of-range values are redrawn),
    divides it by its standard deviation :data:`TRUNCATED_STD` and multiplies by
    :math:`\sqrt{\mathrm{Var}}`, so the variance is exactly ``scale / fan``.

    Parameters
    ----------
    shape : sequence of int, length >= 2
        ``(..., n_out, n_in)``; leading dimensions are independent copies.
    rng : numpy.random.Generator
    scale : float, >= 0
        The target :math:`n \cdot \mathrm{Var}(W)`; 0 gives zeros.
    mode : {"fan_in", "fan_out", "fan_avg"}
        Which :math:`n`: ``shape[-1]``, ``shape[-2]`` or their mean.
    distribution : {"normal", "truncated_normal", "uniform"}

    Returns
    -------
    W : ndarray of shape ``shape``

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> W = variance_scaling((2000, 500), rng, scale=2.0, mode="fan_out", distribution="uniform")
    >>> W.shape, round(float(W.var() * 2000), 2), bool(np.abs(W).max() <= np.sqrt(6 / 2000))
    ((2000, 500), 2.0, True)
    >>> W = variance_scaling((2000, 500), rng, distribution="truncated_normal")
    >>> round(float(W.var() * 500), 2), bool(np.abs(W).max() < 2 / TRUNCATED_STD / np.sqrt(500))
    (1.0, True)
    """
    shape = _check_shape(shape)
    _check_rng(rng)
    scale = _check_nonnegative("scale", scale)
    fan_in, fan_out = shape[-1], shape[-2]
    fans = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2}
    if mode not in fans:
        raise ValueError(f"mode must be one of {', '.join(MODES)}; got {mode!r}")
    std = math.sqrt(scale / fans[mode])
    if distribution == "normal":
        return std * rng.standard_normal(shape)
    if distribution == "uniform":
        return math.sqrt(3.0) * std * rng.uniform(-1.0, 1.0, shape)
    if distribution == "truncated_normal":
        z = rng.standard_normal(shape).ravel()
        redraw = np.flatnonzero(np.abs(z) >= 2.0)
        while redraw.size:
            z[redraw] = rng.standard_normal(redraw.size)
            redraw = redraw[np.abs(z[redraw]) >= 2.0]
        return std / TRUNCATED_STD * z.reshape(shape)
    raise ValueError(f"distribution must be one of {', '.join(DISTRIBUTIONS)}; "
                     f"got {distribution!r}")


def zeros(shape: Sequence[int], rng: np.random.Generator | None = None) -> np.ndarray:
    r"""All weights zero, :math:`W = 0` (the article's "zero" case; ``rng`` is ignored).

    >>> zeros((2, 3))
    array([[0., 0., 0.],
           [0., 0., 0.]])
    """
    return constant(shape, rng, 0.0)


def constant(shape: Sequence[int], rng: np.random.Generator | None = None,
             value: float = 0.0) -> np.ndarray:
    r"""Every weight equal to ``value``, :math:`W_{kj} = \alpha`; units stay identical forever.

    >>> constant((2, 2), value=0.5)
    array([[0.5, 0.5],
           [0.5, 0.5]])
    """
    shape = _check_shape(shape)
    _check_rng(rng, optional=True)
    return np.full(shape, float(value))


def normal(shape: Sequence[int], rng: np.random.Generator, std: float = 1.0) -> np.ndarray:
    r"""Draw :math:`W \sim \mathcal{N}(0, \text{std}^2)`; ``std=1`` is the article's
    "standard normal" case.

    >>> round(float(normal((1000, 1000), np.random.default_rng(0), std=0.1).std()), 3)
    0.1
    """
    shape = _check_shape(shape)
    _check_rng(rng)
    return _check_nonnegative("std", std) * rng.standard_normal(shape)


def uniform(shape: Sequence[int], rng: np.random.Generator, limit: float = 1.0) -> np.ndarray:
    r"""Draw :math:`W \sim \mathcal{U}(-\text{limit}, \text{limit})`, variance
    :math:`\text{limit}^2 / 3`.

    >>> W = uniform((1000, 1000), np.random.default_rng(0), limit=3.0)
    >>> round(float(W.var()), 2), bool(np.abs(W).max() <= 3.0)
    (3.0, True)
    """
    shape = _check_shape(shape)
    _check_rng(rng)
    return _check_nonnegative("limit", limit) * rng.uniform(-1.0, 1.0, shape)


def standard_uniform(shape: Sequence[int], rng: np.random.Generator) -> np.ndarray:
    r"""Glorot & Bengio (2010)'s "standard" initialization, eq. (1); the article's "uniform".

    .. math:: W \sim \mathcal{U}\left(-\tfrac{1}{\sqrt{n_\text{in}}},
              \tfrac{1}{\sqrt{n_\text{in}}}\right), \qquad n_\text{in}\,\mathrm{Var}(W) = \tfrac13

    >>> W = standard_uniform((2000, 500), np.random.default_rng(0))
    >>> round(float(W.var() * 500 * 3), 2), bool(np.abs(W).max() <= 1 / np.sqrt(500))
    (1.0, True)
    """
    return variance_scaling(shape, rng, 1.0 / 3, "fan_in", "uniform")


def xavier_normal(shape: Sequence[int], rng: np.random.Generator,
                  mode: Mode = "fan_in") -> np.ndarray:
    r"""The article's Xavier initialization (after Glorot & Bengio, 2010).

    .. math:: W^{[l]} \sim \mathcal{N}\left(0, \frac{1}{n^{[l-1]}}\right), \qquad b^{[l]} = 0

    keeps :math:`\mathrm{Var}(a^{[l]}) = \mathrm{Var}(a^{[l-1]})` with ``mode="fan_in"``; the
    backward pass asks ``mode="fan_out"``, and :func:`glorot_normal` compromises between the two.

    >>> rng = np.random.default_rng(0)
    >>> round(float(xavier_normal((2000, 500), rng).var() * 500), 2)
    1.0
    >>> round(float(xavier_normal((2000, 500), rng, mode="fan_out").var() * 2000), 2)
    1.0
    """
    return variance_scaling(shape, rng, 1.0, mode, "normal")


def xavier_uniform(shape: Sequence[int], rng: np.random.Generator,
                   mode: Mode = "fan_in") -> np.ndarray:
    r"""Uniform weights with variance :math:`1/n`: :math:`\mathcal{U}(-\sqrt{3/n}, \sqrt{3/n})`.

    >>> W = xavier_uniform((2000, 500), np.random.default_rng(0))
    >>> round(float(W.var() * 500), 2), bool(np.abs(W).max() <= np.sqrt(3 / 500))
    (1.0, True)
    """
    return variance_scaling(shape, rng, 1.0, mode, "uniform")


def glorot_normal(shape: Sequence[int], rng: np.random.Generator) -> np.ndarray:
    r"""Glorot & Bengio (2010)'s normalized variance, drawn from a normal (PyTorch's
    ``xavier_normal_``; Keras's ``glorot_normal`` truncates, this does not).

    .. math:: W \sim \mathcal{N}\left(0, \frac{2}{n_\text{in} + n_\text{out}}\right), \text{ the
              harmonic mean of } \frac{1}{n_\text{in}} \text{ and } \frac{1}{n_\text{out}}

    >>> W = glorot_normal((2000, 500), np.random.default_rng(0))
    >>> round(float(W.var() * (2000 + 500) / 2), 2)
    1.0
    """
    return variance_scaling(shape, rng, 1.0, "fan_avg", "normal")


def glorot_uniform(shape: Sequence[int], rng: np.random.Generator) -> np.ndarray:
    r"""Glorot & Bengio (2010)'s normalized initialization, their eq. (16).

    .. math:: W \sim \mathcal{U}\left(-\frac{\sqrt 6}{\sqrt{n_\text{in} + n_\text{out}}},
              \frac{\sqrt 6}{\sqrt{n_\text{in} + n_\text{out}}}\right)

    >>> W = glorot_uniform((2000, 500), np.random.default_rng(0))
    >>> round(float(W.var() * 2500 / 2), 2), bool(np.abs(W).max() <= np.sqrt(6 / 2500))
    (1.0, True)
    """
    return variance_scaling(shape, rng, 1.0, "fan_avg", "uniform")


def he_normal(shape: Sequence[int], rng: np.random.Generator,
              mode: Mode = "fan_in") -> np.ndarray:
    r"""He et al. (2015)'s initialization for ReLU layers, :math:`W \sim \mathcal{N}(0, 2/n)`.

    ReLU zeroes half of its inputs, so the variance is doubled: :math:`n\,\mathrm{Var}(W) = 2`,
    the square of ``calculate_gain("relu")``.

    >>> W = he_normal((2000, 500), np.random.default_rng(0))
    >>> round(float(W.var() * 500), 2)
    2.0
    """
    return variance_scaling(shape, rng, 2.0, mode, "normal")


def he_uniform(shape: Sequence[int], rng: np.random.Generator,
               mode: Mode = "fan_in") -> np.ndarray:
    r"""He et al. (2015)'s variance, uniform: :math:`\mathcal{U}(-\sqrt{6/n}, \sqrt{6/n})`.

    >>> W = he_uniform((2000, 500), np.random.default_rng(0))
    >>> round(float(W.var() * 500), 2), bool(np.abs(W).max() <= np.sqrt(6 / 500))
    (2.0, True)
    """
    return variance_scaling(shape, rng, 2.0, mode, "uniform")


def lecun_normal(shape: Sequence[int], rng: np.random.Generator) -> np.ndarray:
    r"""LeCun et al. (1998)'s variance :math:`1/n_\text{in}` (their section 4.6), drawn from a
    truncated normal as Keras does.

    .. math:: W = \frac{Z}{0.8796\ldots\sqrt{n_\text{in}}}, \qquad
              Z \sim \mathcal{N}(0, 1) \text{ truncated to } (-2, 2)

    >>> W = lecun_normal((2000, 500), np.random.default_rng(0))
    >>> round(float(W.var() * 500), 2), round(float(np.abs(W).max() * np.sqrt(500)), 2)
    (1.0, 2.27)
    """
    return variance_scaling(shape, rng, 1.0, "fan_in", "truncated_normal")


def lecun_uniform(shape: Sequence[int], rng: np.random.Generator) -> np.ndarray:
    r"""LeCun et al. (1998)'s variance, uniform: :math:`\mathcal{U}(-\sqrt{3/n_\text{in}},
    \sqrt{3/n_\text{in}})`.

    >>> W = lecun_uniform((2000, 500), np.random.default_rng(0))
    >>> round(float(W.var() * 500), 2)
    1.0
    """
    return variance_scaling(shape, rng, 1.0, "fan_in", "uniform")


def orthogonal(shape: Sequence[int], rng: np.random.Generator, gain: float = 1.0) -> np.ndarray:
    r"""A random (semi-)orthogonal matrix times ``gain``, one per trailing ``(n_out, n_in)``.

    .. math:: W W^\top = \text{gain}^2 I \;\; (n_\text{out} \le n_\text{in}), \qquad
              W^\top W = \text{gain}^2 I \;\; (n_\text{out} > n_\text{in})

    ``Q`` of the QR decomposition of a Gaussian matrix, its columns multiplied by the signs of
    ``diag(R)`` so that the draw is uniform (Haar) over orthogonal matrices. Saxe et al. (2014).

    >>> W = orthogonal((2, 3, 5), np.random.default_rng(0), gain=2.0)
    >>> W.shape, bool(np.allclose(W @ W.transpose(0, 2, 1), 4 * np.eye(3)))
    ((2, 3, 5), True)
    """
    shape = _check_shape(shape)
    _check_rng(rng)
    gain = _check_nonnegative("gain", gain)
    n_out, n_in = shape[-2:]
    tall = shape[:-2] + (max(n_out, n_in), min(n_out, n_in))
    q, r = np.linalg.qr(rng.standard_normal(tall))
    q = q * np.sign(np.diagonal(r, axis1=-2, axis2=-1))[..., None, :]
    return gain * (q if n_out >= n_in else np.swapaxes(q, -1, -2))


def identity(shape: Sequence[int], rng: np.random.Generator | None = None,
             scale: float = 1.0) -> np.ndarray:
    r"""``scale`` times the identity on the trailing two dimensions (``rng`` is ignored).

    The :math:`sI` matrices of the article's section II: with :math:`L-1` such layers the signal
    is multiplied by :math:`s^{L-1}`. Non-square shapes give the rectangular identity (ones on
    the main diagonal), like ``torch.nn.init.eye_``.

    >>> identity((2, 3), scale=1.5)
    array([[1.5, 0. , 0. ],
           [0. , 1.5, 0. ]])
    """
    shape = _check_shape(shape)
    _check_rng(rng, optional=True)
    eye = _check_nonnegative("scale", scale) * np.eye(shape[-2], shape[-1])
    return np.broadcast_to(eye, shape).copy()


def calculate_gain(nonlinearity: str, param: float | None = None) -> float:
    r"""The recommended gain for a nonlinearity, PyTorch's ``torch.nn.init.calculate_gain`` table:

    ``linear``, ``identity``, ``sigmoid``: 1; ``tanh``: 5/3; ``relu``: :math:`\sqrt 2`;
    ``selu``: 3/4; ``leaky_relu``: :math:`\sqrt{2 / (1 + a^2)}` with ``a = param`` (default 0.01).

    >>> calculate_gain("tanh"), calculate_gain("relu"), calculate_gain("leaky_relu", 1.0)
    (1.6666666666666667, 1.4142135623730951, 1.0)
    """
    if nonlinearity not in _GAINS:
        raise ValueError(f"nonlinearity must be one of {', '.join(_GAINS)}; got {nonlinearity!r}")
    if nonlinearity != "leaky_relu":
        return _GAINS[nonlinearity]
    slope = 0.01 if param is None else param
    if isinstance(slope, bool) or not isinstance(slope, (int, float, np.integer, np.floating)):
        raise ValueError(f"leaky_relu param must be a number, got {param!r}")
    return math.sqrt(2.0 / (1 + slope**2))


#: Every initializer by name, for :func:`get` and :func:`initialize`.
#:
#: :meta hide-value:
INITIALIZERS: dict[str, Callable[..., np.ndarray]] = {f.__name__: f for f in (
    variance_scaling, zeros, constant, normal, uniform, standard_uniform, xavier_normal,
    xavier_uniform, glorot_normal, glorot_uniform, he_normal, he_uniform, lecun_normal,
    lecun_uniform, orthogonal, identity)}


def get(name: str) -> Callable[..., np.ndarray]:
    """The initializer called ``name`` in :data:`INITIALIZERS`.

    >>> get("he_normal") is he_normal
    True
    """
    if name not in INITIALIZERS:
        raise ValueError(f"unknown initializer {name!r}; valid names: "
                         f"{', '.join(sorted(INITIALIZERS))}")
    return INITIALIZERS[name]


def initialize(name: str, shape: Sequence[int], rng: np.random.Generator | None,
               **kwargs: object) -> np.ndarray:
    """``get(name)(shape, rng, **kwargs)``: draw weights with the initializer called ``name``.

    >>> initialize("identity", (2, 2), None, scale=0.5)
    array([[0.5, 0. ],
           [0. , 0.5]])
    """
    return get(name)(shape, rng, **kwargs)


Spec = Union[str, Tuple[str, Dict[str, Any]]]


def stacked(specs: Sequence[Spec], copies: int = 1, *,
            rngs: Sequence[np.random.Generator] | None = None) -> Callable[..., np.ndarray]:
    r"""An initializer that puts several initializations side by side on the seed axis.

    A :class:`~xavier.network.Network` built with ``init=stacked(specs, copies)`` and
    ``seeds=len(specs) * copies`` holds ``copies`` independent draws of every initialization, block
    after block (copy ``k * copies + j`` is drawn by ``specs[k]``), so they all train in one
    batched pass and can be compared on equal terms.

    Parameters
    ----------
    specs : sequence of str or (str, dict)
        Initializer names from :data:`INITIALIZERS`, or ``(name, kwargs)`` pairs such as
        ``("variance_scaling", {"scale": 0.01})``.
    copies : int, default 1
        Draws per initialization.
    rngs : sequence of numpy.random.Generator, optional
        One generator per entry of ``specs``. Block ``k`` then draws from ``rngs[k]`` instead of the
        generator the network passes, so it holds exactly the weights of a separate network built
        with ``rng=rngs[k]``.

    Returns
    -------
    callable
        ``init(shape, rng)`` for shapes ``(len(specs) * copies, n_out, n_in)``.

    Examples
    --------
    >>> draw = stacked(["xavier_normal", ("normal", {"std": 2.0})], copies=2)
    >>> W = draw((4, 500, 1000), np.random.default_rng(0))
    >>> (W.var(axis=(1, 2)) * [1000, 1000, 1, 1]).round(1)
    array([1., 1., 4., 4.])
    >>> draw((3, 2, 2), np.random.default_rng(0))
    Traceback (most recent call last):
    ...
    ValueError: this stacked initializer draws 2 x 2 = 4 copies on axis 0, got shape (3, 2, 2)
    """
    pairs = [(s, {}) if isinstance(s, str) else s for s in specs]
    if not pairs or not all(isinstance(p, tuple) and len(p) == 2 and isinstance(p[1], dict) for p in pairs):
        raise ValueError(f"specs must be a non-empty sequence of names or (name, kwargs) pairs, got {specs!r}")
    for name, _ in pairs:
        get(name)
    if not isinstance(copies, (int, np.integer)) or isinstance(copies, bool) or copies < 1:
        raise ValueError(f"copies must be a positive integer, got {copies!r}")
    if rngs is not None:
        rngs = list(rngs)
        if len(rngs) != len(pairs) or not all(isinstance(r, np.random.Generator) for r in rngs):
            raise ValueError(f"rngs must be {len(pairs)} numpy.random.Generator objects, one per spec, "
                             f"got {rngs!r}")
    total = len(pairs) * copies

    def init(shape: Sequence[int], rng: np.random.Generator | None = None) -> np.ndarray:
        shape = tuple(shape)
        if len(shape) != 3 or shape[0] != total:
            raise ValueError(f"this stacked initializer draws {len(pairs)} x {copies} = {total} copies "
                             f"on axis 0, got shape {shape}")
        block = (copies,) + shape[1:]
        gens = rngs if rngs is not None else [rng] * len(pairs)
        return np.concatenate([initialize(name, block, g, **kw) for (name, kw), g in zip(pairs, gens)])

    return init

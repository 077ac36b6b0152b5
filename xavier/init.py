r"""Weight initializers: one general :func:`variance_scaling` and named presets.

Every initializer takes ``shape`` and ``rng`` and returns a float64 array of that shape. The
trailing two dimensions are one weight matrix ``(n_out, n_in)``, so ``fan_in = shape[-1]`` and
``fan_out = shape[-2]``; leading dimensions stack independent copies, e.g. ``(S, n_out, n_in)``.
Most presets are :func:`variance_scaling` with fixed arguments, as in JAX's
``jax.nn.initializers``. Pages ask for one by name through :data:`INITIALIZERS` and :func:`get`.

Names as the other libraries use them
-------------------------------------
The names mean what they mean in PyTorch, Keras and JAX. In particular ``xavier_*`` is Glorot &
Bengio's fan-average rule, :math:`\mathrm{Var}(W) = 2/(n_\text{in} + n_\text{out})`. What the
article calls Xavier initialization, :math:`\mathcal{N}(0, 1/n^{[l-1]})`, is LeCun's fan-in rule:
``variance_scaling(shape, rng, scale=1.0, mode="fan_in")`` (``"normal"`` is the default
distribution), the default initializer of :class:`~xavier.network.Network`. Keras and JAX draw
their ``*_normal`` presets from a normal truncated to two standard deviations, with the variance
shown; PyTorch and this library draw from the plain normal, except ``lecun_normal`` (truncated, as
in Keras and JAX; PyTorch has no LeCun preset).

.. list-table::
   :header-rows: 1

   * - ``xavier.init``
     - PyTorch ``torch.nn.init``
     - Keras ``keras.initializers``
     - JAX ``jax.nn.initializers``
     - :math:`\mathrm{Var}(W)`
   * - ``variance_scaling(scale=1, mode="fan_in")``, the article's "Xavier"
     - ``kaiming_normal_(nonlinearity="linear")``
     - ``VarianceScaling(1.0, "fan_in", "untruncated_normal")``
     - ``variance_scaling(1.0, "fan_in", "normal")``
     - :math:`1/n_\text{in}`
   * - ``lecun_normal``, ``lecun_uniform``
     - (none)
     - ``LecunNormal``, ``LecunUniform``
     - ``lecun_normal``, ``lecun_uniform``
     - :math:`1/n_\text{in}`
   * - ``xavier_normal``, ``glorot_normal`` (``gain``)
     - ``xavier_normal_`` (``gain``)
     - ``GlorotNormal`` (truncated)
     - ``glorot_normal`` (truncated)
     - :math:`\text{gain}^2 \cdot 2/(n_\text{in} + n_\text{out})`
   * - ``xavier_uniform``, ``glorot_uniform`` (``gain``)
     - ``xavier_uniform_`` (``gain``)
     - ``GlorotUniform``
     - ``glorot_uniform``
     - :math:`\text{gain}^2 \cdot 2/(n_\text{in} + n_\text{out})`
   * - ``he_normal`` (``a``, ``mode``, ``nonlinearity``)
     - ``kaiming_normal_`` (same arguments)
     - ``HeNormal`` (truncated)
     - ``he_normal`` (truncated)
     - :math:`\text{gain}^2/n`, default :math:`2/n_\text{in}`
   * - ``he_uniform`` (``a``, ``mode``, ``nonlinearity``)
     - ``kaiming_uniform_`` (same arguments)
     - ``HeUniform``
     - ``he_uniform``
     - :math:`\text{gain}^2/n`, default :math:`2/n_\text{in}`
   * - ``standard_uniform``
     - ``nn.Linear``'s default, ``kaiming_uniform_(a=math.sqrt(5))``
     - ``VarianceScaling(1/3, "fan_in", "uniform")``
     - ``variance_scaling(1/3, "fan_in", "uniform")``
     - :math:`1/(3 n_\text{in})`
   * - ``normal(std)``
     - ``normal_(std=std)``
     - ``RandomNormal(stddev=std)``
     - ``normal(stddev=std)``
     - :math:`\text{std}^2`
   * - ``orthogonal(gain)``
     - ``orthogonal_(gain=gain)``
     - ``Orthogonal(gain)``
     - ``orthogonal(scale=gain)``
     - :math:`\text{gain}^2/n_\text{in}` (:math:`n_\text{out} \le n_\text{in}`)
   * - ``zeros``, ``constant``, ``identity``
     - ``zeros_``, ``constant_``, ``eye_``
     - ``Zeros``, ``Constant``, ``Identity``
     - ``zeros``, ``constant``, (none)
     - 0

References: X. Glorot & Y. Bengio, "Understanding the difficulty of training deep feedforward
neural networks", AISTATS 2010. K. He, X. Zhang, S. Ren & J. Sun, "Delving Deep into Rectifiers",
ICCV 2015. Y. LeCun, L. Bottou, G. Orr & K.-R. Müller, "Efficient BackProp", 1998. A. Saxe,
J. McClelland & S. Ganguli, "Exact solutions to the nonlinear dynamics of learning in deep linear
neural networks", ICLR 2014.

>>> import numpy as np
>>> rng = np.random.default_rng(0)
>>> W = initialize("variance_scaling", (3, 300, 784), rng, scale=1.0, mode="fan_in")  # the article's
>>> W.shape, W.dtype, round(float(W.var() * 784), 2)
((3, 300, 784), dtype('float64'), 1.0)
>>> W = xavier_normal((300, 784), rng)  # Glorot & Bengio's, as in PyTorch
>>> round(float(W.var() * (784 + 300) / 2), 2)
1.0
"""

from __future__ import annotations

import inspect
import math
from typing import Any, Callable, Dict, Literal, Sequence, Tuple, Union

import numpy as np

from xavier import _checks

Mode = Literal["fan_in", "fan_out", "fan_avg"]
Distribution = Literal["normal", "truncated_normal", "uniform"]
MODES = ("fan_in", "fan_out", "fan_avg")  #: the valid ``mode`` arguments
DISTRIBUTIONS = ("normal", "truncated_normal", "uniform")  #: the valid ``distribution`` arguments
TRUNCATED_STD = 0.87962566103423978  #: std of a standard normal truncated to (-2, 2)
_GAINS = {"linear": 1.0, "identity": 1.0, "sigmoid": 1.0, "tanh": 5.0 / 3, "relu": math.sqrt(2.0),
          "leaky_relu": None, "selu": 3.0 / 4}  # leaky_relu's gain depends on its slope


def _check_shape(shape: Sequence[int]) -> tuple[int, ...]:
    dims = tuple(shape) if isinstance(shape, Sequence) and not isinstance(shape, str) else ()
    try:
        if len(dims) < 2:
            raise ValueError
        return tuple(_checks.positive_int("dimension", d) for d in dims)
    except ValueError:
        raise ValueError(f"shape must be a sequence of at least 2 positive ints, got {shape!r}") from None


def _gain_squared(gain: float) -> float:
    gain = _checks.real("gain", gain, low=0)
    return gain * gain


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
    _checks.generator("rng", rng)
    scale = _checks.real("scale", scale, low=0)
    fan_in, fan_out = shape[-1], shape[-2]
    fans = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2}
    _checks.one_of("mode", mode, MODES)
    _checks.one_of("distribution", distribution, DISTRIBUTIONS)
    std = math.sqrt(scale / fans[mode])
    if distribution == "normal":
        return std * rng.standard_normal(shape)
    if distribution == "uniform":
        return math.sqrt(3.0) * std * rng.uniform(-1.0, 1.0, shape)
    z = rng.standard_normal(shape).ravel()  # truncated_normal
    redraw = np.flatnonzero(np.abs(z) >= 2.0)
    while redraw.size:
        z[redraw] = rng.standard_normal(redraw.size)
        redraw = redraw[np.abs(z[redraw]) >= 2.0]
    return std / TRUNCATED_STD * z.reshape(shape)


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
    _checks.generator("rng", rng, optional=True)
    return np.full(shape, _checks.real("value", value))


def normal(shape: Sequence[int], rng: np.random.Generator, std: float = 1.0) -> np.ndarray:
    r"""Draw :math:`W \sim \mathcal{N}(0, \text{std}^2)`; ``std=1`` is the article's
    "standard normal" case.

    >>> round(float(normal((1000, 1000), np.random.default_rng(0), std=0.1).std()), 3)
    0.1
    """
    shape = _check_shape(shape)
    _checks.generator("rng", rng)
    return _checks.real("std", std, low=0) * rng.standard_normal(shape)


def uniform(shape: Sequence[int], rng: np.random.Generator, limit: float = 1.0) -> np.ndarray:
    r"""Draw :math:`W \sim \mathcal{U}(-\text{limit}, \text{limit})`, variance
    :math:`\text{limit}^2 / 3`.

    >>> W = uniform((1000, 1000), np.random.default_rng(0), limit=3.0)
    >>> round(float(W.var()), 2), bool(np.abs(W).max() <= 3.0)
    (3.0, True)
    """
    shape = _check_shape(shape)
    _checks.generator("rng", rng)
    return _checks.real("limit", limit, low=0) * rng.uniform(-1.0, 1.0, shape)


def standard_uniform(shape: Sequence[int], rng: np.random.Generator) -> np.ndarray:
    r"""Glorot & Bengio (2010)'s "standard" initialization, eq. (1); the article's "uniform".

    .. math:: W \sim \mathcal{U}\left(-\tfrac{1}{\sqrt{n_\text{in}}},
              \tfrac{1}{\sqrt{n_\text{in}}}\right), \qquad n_\text{in}\,\mathrm{Var}(W) = \tfrac13

    >>> W = standard_uniform((2000, 500), np.random.default_rng(0))
    >>> round(float(W.var() * 500 * 3), 2), bool(np.abs(W).max() <= 1 / np.sqrt(500))
    (1.0, True)
    """
    return variance_scaling(shape, rng, 1.0 / 3, "fan_in", "uniform")


def xavier_normal(shape: Sequence[int], rng: np.random.Generator, gain: float = 1.0) -> np.ndarray:
    r"""Glorot & Bengio (2010)'s normalized variance from a normal, as ``torch.nn.init.xavier_normal_``.

    .. math:: W \sim \mathcal{N}\left(0,\; \text{gain}^2 \, \frac{2}{n_\text{in} + n_\text{out}}\right)

    The harmonic mean of the forward pass's :math:`1/n_\text{in}` and the backward pass's
    :math:`1/n_\text{out}` (Glorot & Bengio 2010, eq. 12), the meaning of ``xavier_normal`` in
    PyTorch, Keras and JAX (Keras and JAX truncate the normal; PyTorch and this function do not).
    The same draw as :func:`glorot_normal`. Not the article's "Xavier initialization"
    :math:`\mathcal{N}(0, 1/n^{[l-1]})`: that is ``variance_scaling(scale=1, mode="fan_in")``.

    Parameters
    ----------
    shape : sequence of int, length >= 2
        ``(..., n_out, n_in)``.
    rng : numpy.random.Generator
    gain : float, >= 0, default 1
        Multiplies the standard deviation, e.g. ``calculate_gain("tanh")``.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> round(float(xavier_normal((2000, 500), rng).var() * (2000 + 500) / 2), 2)
    1.0
    >>> round(float(xavier_normal((2000, 500), rng, gain=3.0).var() * (2000 + 500) / 2), 1)
    9.0
    """
    return variance_scaling(shape, rng, _gain_squared(gain), "fan_avg", "normal")


def xavier_uniform(shape: Sequence[int], rng: np.random.Generator, gain: float = 1.0) -> np.ndarray:
    r"""Glorot & Bengio (2010)'s normalized initialization, their eq. (16), times ``gain``, as
    ``torch.nn.init.xavier_uniform_``; the same draw as :func:`glorot_uniform`.

    .. math:: W \sim \mathcal{U}(-a, a), \qquad
              a = \text{gain}\,\sqrt{\frac{6}{n_\text{in} + n_\text{out}}}, \qquad
              \mathrm{Var}(W) = \text{gain}^2 \, \frac{2}{n_\text{in} + n_\text{out}}

    >>> W = xavier_uniform((2000, 500), np.random.default_rng(0))
    >>> round(float(W.var() * 2500 / 2), 2), bool(np.abs(W).max() <= np.sqrt(6 / 2500))
    (1.0, True)
    """
    return variance_scaling(shape, rng, _gain_squared(gain), "fan_avg", "uniform")


def glorot_normal(shape: Sequence[int], rng: np.random.Generator, gain: float = 1.0) -> np.ndarray:
    r"""Glorot & Bengio (2010)'s normalized variance from an (untruncated) normal: the same draw as
    :func:`xavier_normal`.

    .. math:: W \sim \mathcal{N}\left(0, \text{gain}^2\,\frac{2}{n_\text{in} + n_\text{out}}\right)

    Keras' and JAX's ``glorot_normal`` draw the same variance from a normal truncated to two
    standard deviations; for that use ``variance_scaling(scale=1, mode="fan_avg",
    distribution="truncated_normal")``.

    >>> W = glorot_normal((2000, 500), np.random.default_rng(0))
    >>> round(float(W.var() * (2000 + 500) / 2), 2)
    1.0
    >>> bool(np.array_equal(W, xavier_normal((2000, 500), np.random.default_rng(0))))
    True
    """
    return variance_scaling(shape, rng, _gain_squared(gain), "fan_avg", "normal")


def glorot_uniform(shape: Sequence[int], rng: np.random.Generator, gain: float = 1.0) -> np.ndarray:
    r"""Glorot & Bengio (2010)'s normalized initialization, their eq. (16): the same draw as
    :func:`xavier_uniform`.

    .. math:: W \sim \mathcal{U}\left(-\frac{\sqrt 6}{\sqrt{n_\text{in} + n_\text{out}}},
              \frac{\sqrt 6}{\sqrt{n_\text{in} + n_\text{out}}}\right)

    >>> W = glorot_uniform((2000, 500), np.random.default_rng(0))
    >>> round(float(W.var() * 2500 / 2), 2), bool(np.abs(W).max() <= np.sqrt(6 / 2500))
    (1.0, True)
    """
    return variance_scaling(shape, rng, _gain_squared(gain), "fan_avg", "uniform")


def _he_scale(a: float, nonlinearity: str, gain: float | None) -> float:
    # gain^2 of He's rule: 2 / (1 + a^2) for (leaky) ReLU, computed so that a = 0 gives exactly 2.
    if gain is not None:
        if nonlinearity != "leaky_relu" or a != 0:
            raise ValueError(f"give gain or (nonlinearity, a), not both; got gain={gain!r}, "
                             f"nonlinearity={nonlinearity!r}, a={a!r}")
        return _gain_squared(gain)
    a = _checks.real("a", a)
    _checks.one_of("nonlinearity", nonlinearity, _GAINS)
    if nonlinearity == "leaky_relu":
        return 2.0 / (1.0 + a * a)
    g = calculate_gain(nonlinearity)
    return 2.0 if nonlinearity == "relu" else g * g


def he_normal(shape: Sequence[int], rng: np.random.Generator, a: float = 0.0, mode: Mode = "fan_in",
              nonlinearity: str = "leaky_relu", gain: float | None = None) -> np.ndarray:
    r"""He et al. (2015)'s initialization, as ``torch.nn.init.kaiming_normal_`` (same arguments).

    .. math:: W \sim \mathcal{N}\left(0, \frac{\text{gain}^2}{n}\right), \qquad
              \text{gain}^2 = \frac{2}{1 + a^2} \text{ for (leaky) ReLU of negative slope } a

    With the defaults (``a = 0``: ReLU) :math:`\mathrm{Var}(W) = 2/n_\text{in}` (He et al. 2015,
    eq. 10): ReLU zeroes half of its inputs, so the variance is doubled.

    Parameters
    ----------
    shape : sequence of int, length >= 2
    rng : numpy.random.Generator
    a : float, default 0
        Negative slope of the leaky ReLU after the layer (used with ``nonlinearity="leaky_relu"``).
    mode : {"fan_in", "fan_out", "fan_avg"}
        Which :math:`n`: ``fan_in`` keeps the forward signal's variance, ``fan_out`` the gradients'.
    nonlinearity : str, default "leaky_relu"
        A name of :func:`calculate_gain`; the gain is ``calculate_gain(nonlinearity, a)``.
    gain : float, optional
        Give the gain directly instead (then leave ``a`` and ``nonlinearity`` at their defaults).

    Raises
    ------
    ValueError
        For an unknown ``mode`` or ``nonlinearity``, a ``gain`` or ``a`` that is not a finite
        number, or both ``gain`` and ``nonlinearity``/``a``.

    Examples
    --------
    >>> W = he_normal((2000, 500), np.random.default_rng(0))
    >>> round(float(W.var() * 500), 2)
    2.0
    >>> W = he_normal((2000, 500), np.random.default_rng(0), mode="fan_out", nonlinearity="tanh")
    >>> round(float(W.var() * 2000 / (5 / 3) ** 2), 2)
    1.0
    """
    return variance_scaling(shape, rng, _he_scale(a, nonlinearity, gain), mode, "normal")


def he_uniform(shape: Sequence[int], rng: np.random.Generator, a: float = 0.0, mode: Mode = "fan_in",
               nonlinearity: str = "leaky_relu", gain: float | None = None) -> np.ndarray:
    r"""He et al. (2015)'s variance, uniform, as ``torch.nn.init.kaiming_uniform_``:
    :math:`\mathcal{U}(-\text{gain}\sqrt{3/n}, \text{gain}\sqrt{3/n})`; the arguments are those
    of :func:`he_normal`.

    ``he_uniform(shape, rng, a=math.sqrt(5))`` is PyTorch's default for ``nn.Linear`` weights,
    :math:`\mathcal{U}(-1/\sqrt{n_\text{in}}, 1/\sqrt{n_\text{in}})`, i.e. :func:`standard_uniform`.

    >>> W = he_uniform((2000, 500), np.random.default_rng(0))
    >>> round(float(W.var() * 500), 2), bool(np.abs(W).max() <= np.sqrt(6 / 500))
    (2.0, True)
    """
    return variance_scaling(shape, rng, _he_scale(a, nonlinearity, gain), mode, "uniform")


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
    _checks.generator("rng", rng)
    gain = _checks.real("gain", gain, low=0)
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
    _checks.generator("rng", rng, optional=True)
    eye = _checks.real("scale", scale, low=0) * np.eye(shape[-2], shape[-1])
    return np.broadcast_to(eye, shape).copy()


def calculate_gain(nonlinearity: str, param: float | None = None) -> float:
    r"""The recommended gain for a nonlinearity, PyTorch's ``torch.nn.init.calculate_gain`` table:

    ``linear``, ``identity``, ``sigmoid``: 1; ``tanh``: 5/3; ``relu``: :math:`\sqrt 2`;
    ``selu``: 3/4; ``leaky_relu``: :math:`\sqrt{2 / (1 + a^2)}` with ``a = param`` (default 0.01).

    >>> calculate_gain("tanh"), calculate_gain("relu"), calculate_gain("leaky_relu", 1.0)
    (1.6666666666666667, 1.4142135623730951, 1.0)
    """
    _checks.one_of("nonlinearity", nonlinearity, _GAINS)
    if nonlinearity != "leaky_relu":
        return _GAINS[nonlinearity]
    slope = 0.01 if param is None else _checks.real("leaky_relu param", param)
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
    if not isinstance(name, str) or name not in INITIALIZERS:
        raise ValueError(f"unknown initializer {name!r}; valid names: "
                         f"{', '.join(sorted(INITIALIZERS))}")
    return INITIALIZERS[name]


def _check_kwargs(name: str, kwargs: dict) -> Callable[..., np.ndarray]:
    f = get(name)
    valid = list(inspect.signature(f).parameters)[2:]  # after shape and rng
    bad = [k for k in kwargs if k not in valid]
    if bad:
        raise ValueError(f"initializer {name!r} takes no argument {bad[0]!r}; valid: {', '.join(valid) or 'none'}")
    return f


def initialize(name: str, shape: Sequence[int], rng: np.random.Generator | None,
               **kwargs: object) -> np.ndarray:
    """``get(name)(shape, rng, **kwargs)``: draw weights with the initializer called ``name``.

    Raises ``ValueError`` for an unknown name or a keyword argument that initializer does not take.

    >>> initialize("identity", (2, 2), None, scale=0.5)
    array([[0.5, 0. ],
           [0. , 0.5]])
    >>> initialize("xavier_normal", (2, 2), np.random.default_rng(0), mode="fan_in")
    Traceback (most recent call last):
    ...
    ValueError: initializer 'xavier_normal' takes no argument 'mode'; valid: gain
    """
    return _check_kwargs(name, kwargs)(shape, rng, **kwargs)


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
    >>> draw = stacked([("variance_scaling", {"mode": "fan_in"}), ("normal", {"std": 2.0})], copies=2)
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
    for name, kw in pairs:
        _check_kwargs(name, kw)
    copies = _checks.positive_int("copies", copies)
    if rngs is not None:
        rngs = list(rngs)
        if len(rngs) != len(pairs):
            raise ValueError(f"rngs must be {len(pairs)} numpy.random.Generator objects, one per spec, "
                             f"got {len(rngs)}: {rngs!r}")
        for k, r in enumerate(rngs):
            _checks.generator(f"rngs[{k}]", r)
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

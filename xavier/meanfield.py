r"""The mean-field length map of a wide tanh network, its fixed point and its slope.

In a wide network with weights :math:`W_{ij} \sim \mathcal{N}(0, \sigma_w^2 / n)` and biases
:math:`b_i \sim \mathcal{N}(0, \sigma_b^2)`, the variance :math:`q^{[l]}` of a pre-activation
:math:`z^{[l]}` follows the *length map* (Poole et al. 2016, "Exponential expressivity in deep
neural networks through transient chaos", eq. 3; used by Schoenholz et al. 2017, "Deep
information propagation")

.. math::

    q^{[l]} = \sigma_w^2\, E\big[\tanh\big(\sqrt{q^{[l-1]}}\,\xi\big)^2\big] + \sigma_b^2,
    \qquad \xi \sim \mathcal{N}(0, 1),

whose fixed point is :math:`q^*` (Poole et al., eq. 4). A small perturbation of the input, and
the mean square of a gradient on its way back, is multiplied at every layer by

.. math::

    \chi_1 = \sigma_w^2\, E\big[\tanh'\big(\sqrt{q^*}\,\xi\big)^2\big]

(Poole et al., eq. 7; Schoenholz et al. 2017): :math:`\chi_1 < 1` is the ordered phase,
:math:`\chi_1 > 1` the chaotic one. The expectations are Gauss-Hermite quadrature with
``NODES`` = 101 nodes, as the site's pages computed them: against adaptive quadrature the
length map is off by about 1e-11 at :math:`q = 1`, 1e-6 at :math:`q = 3` and 5e-4 at :math:`q = 10`
(:math:`\tanh(\sqrt{q}\,\xi)^2` turns ever more sharply at 0 as :math:`q` grows;
``tests/lib/test_meanfield.py``).

Why a module of its own: this is the theory of random networks, not an initializer
(:mod:`xavier.init`) nor a network (:mod:`xavier.network`); three pages use it.

>>> import numpy as np
>>> from xavier import meanfield
>>> round(float(meanfield.q_star(5 / 3)), 4), round(float(meanfield.chi_1(5 / 3)), 4)
(1.1785, 1.2098)
>>> meanfield.chi_1(np.array([0.9, 1.0])).round(4)  # below gain 1, q* = 0: chi_1 = sigma_w^2
array([0.81  , 0.9975])

At gain 1 the map creeps to :math:`q^* = 0` like :math:`1/l`, so after 400 steps :math:`\chi_1`
is still below its limit 1.
"""

from __future__ import annotations

import numpy as np
from numpy.polynomial.hermite_e import hermegauss

from xavier import _checks

__all__ = ["NODES", "length_map", "q_star", "chi_1"]

NODES = 101  #: the number of Gauss-Hermite nodes of every expectation
_XI, _P = hermegauss(NODES)
_P = _P / _P.sum()  # E[f(xi)] = f(xi) @ _P for xi ~ N(0, 1)


def _tanh_square_mean(q: np.ndarray) -> np.ndarray:
    return np.tanh(np.sqrt(q)[..., None] * _XI) ** 2 @ _P


def length_map(q, sigma_w=1.0, sigma_b=0.0) -> np.ndarray:
    r"""One layer of the length map: :math:`\sigma_w^2 E[\tanh(\sqrt{q}\,\xi)^2] + \sigma_b^2`.

    Parameters
    ----------
    q : float or ndarray
        The variance of the previous layer's pre-activations, >= 0. With ``sigma_w=1`` and
        ``sigma_b=0`` the result is the variance of :math:`\tanh(z)` for :math:`z \sim
        \mathcal{N}(0, q)`.
    sigma_w, sigma_b : float or ndarray
        The weights' and the biases' standard deviations (:math:`n\,\mathrm{Var}(W) =
        \sigma_w^2`), finite; broadcast with ``q``.

    Returns
    -------
    ndarray
        The next layer's :math:`q`, of the broadcast shape of the three arguments.

    Raises
    ------
    ValueError
        If ``q`` is negative or non-finite, or ``sigma_w`` or ``sigma_b`` non-finite or not real;
        the message names the bad value.

    Examples
    --------
    >>> round(float(length_map(1.0)), 4)     # Var(tanh(xi)) for xi ~ N(0, 1)
    0.3943
    >>> length_map(np.zeros(2), sigma_b=np.array([0.0, 0.5]))
    array([0.  , 0.25])
    """
    q = _checks.real_array("q", q, low=0.0).astype(float)
    sw = _checks.real_array("sigma_w", sigma_w).astype(float)
    sb = _checks.real_array("sigma_b", sigma_b).astype(float)
    return np.square(sw) * _tanh_square_mean(q) + np.square(sb)


def q_star(sigma_w, sigma_b=0.0, iterations: int = 400) -> np.ndarray:
    r"""The fixed point :math:`q^*` of :func:`length_map`, by ``iterations`` steps from :math:`q = 1`.

    Parameters
    ----------
    sigma_w, sigma_b : float or ndarray
        As in :func:`length_map`, broadcast together (elementwise over a grid).
    iterations : int, default 400
        Steps of the map (a positive integer). Near :math:`\chi_1 = 1` the map converges slowly:
        at :math:`\sigma_w = 1, \sigma_b = 0` the fixed point 0 is reached like :math:`1/l`.

    Returns
    -------
    ndarray
        :math:`q^*`, of the broadcast shape of ``sigma_w`` and ``sigma_b`` (Poole et al. 2016, eq. 4).

    Raises
    ------
    ValueError
        If ``sigma_w`` or ``sigma_b`` is not a finite real number, or ``iterations`` not a positive
        integer; the message names the bad value.

    Examples
    --------
    >>> round(float(q_star(5 / 3)), 4)
    1.1785
    """
    sw2 = np.square(_checks.real_array("sigma_w", sigma_w).astype(float))
    sb2 = np.square(_checks.real_array("sigma_b", sigma_b).astype(float))
    iterations = _checks.positive_int("iterations", iterations)
    sw2, sb2 = np.broadcast_arrays(sw2, sb2)
    q = np.ones(sw2.shape)
    for _ in range(iterations):
        q = sw2 * _tanh_square_mean(q) + sb2
    return q


def chi_1(sigma_w, sigma_b=0.0, iterations: int = 400) -> np.ndarray:
    r""":math:`\chi_1 = \sigma_w^2 E[\tanh'(\sqrt{q^*}\,\xi)^2]` (Poole et al. 2016, eq. 7).

    The factor by which one layer multiplies the mean square of a small perturbation, and of a
    gradient on its way back (Schoenholz et al. 2017); their correlation depth scale is
    :math:`\xi_c = -1/\log \chi_1`.

    Parameters
    ----------
    sigma_w, sigma_b : float or ndarray
        As in :func:`q_star`, broadcast together.
    iterations : int, default 400
        The steps of :func:`q_star` (fewer for a map drawn on a grid).

    Returns
    -------
    ndarray
        :math:`\chi_1`, of the broadcast shape of ``sigma_w`` and ``sigma_b``.

    Raises
    ------
    ValueError
        As :func:`q_star`.

    Examples
    --------
    >>> round(float(chi_1(5 / 3)), 4)          # chaotic: gradients grow towards the input
    1.2098
    """
    q = q_star(sigma_w, sigma_b, iterations)
    sech2 = 1 - np.tanh(np.sqrt(q)[..., None] * _XI) ** 2
    return np.square(_checks.real_array("sigma_w", sigma_w).astype(float)) * (sech2**2 @ _P)

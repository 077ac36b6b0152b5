"""xavier.meanfield against computations written here: scipy's adaptive quadrature and root finding,
a closed form below the edge of chaos, and a wide random tanh network drawn in plain numpy."""

import math

import numpy as np
import pytest
from scipy import integrate, optimize

from xavier import meanfield


def gauss(f):
    """E[f(xi)], xi ~ N(0, 1), by adaptive quadrature."""
    return integrate.quad(lambda z: f(z) * math.exp(-z * z / 2) / math.sqrt(2 * math.pi), -np.inf, np.inf,
                          epsabs=1e-14, epsrel=1e-13)[0]


def fixed_point(sw, sb):
    """q* = sw^2 E[tanh(sqrt(q) xi)^2] + sb^2 by Brent's method on the adaptive-quadrature map."""
    def gap(q):
        return sw**2 * gauss(lambda z: math.tanh(math.sqrt(q) * z) ** 2) + sb**2 - q
    return optimize.brentq(gap, 1e-3, 10, xtol=1e-14)


@pytest.mark.parametrize("q, sw, sb", [(0.01, 1.0, 0.0), (0.5, 1.0, 0.0), (1.0, 5 / 3, 0.0), (1.5, 1.2, 0.3)])
def test_length_map_is_the_gaussian_mean_of_tanh_squared(q, sw, sb):
    expected = sw**2 * gauss(lambda z: math.tanh(math.sqrt(q) * z) ** 2) + sb**2
    assert float(meanfield.length_map(q, sw, sb)) == pytest.approx(expected, rel=1e-8)


def test_quadrature_error_grows_with_q_as_documented():
    for q, bound in ((1.0, 1e-10), (3.0, 1e-5), (10.0, 1e-3)):
        exact = gauss(lambda z: math.tanh(math.sqrt(q) * z) ** 2)
        assert abs(float(meanfield.length_map(q)) - exact) < bound


@pytest.mark.parametrize("sw, sb", [(5 / 3, 0.0), (1.5, math.sqrt(0.05)), (1.2, 0.3)])
def test_fixed_point_and_slope_against_root_finding(sw, sb):
    qs = fixed_point(sw, sb)
    chi = sw**2 * gauss(lambda z: (1 - math.tanh(math.sqrt(qs) * z) ** 2) ** 2)
    assert float(meanfield.q_star(sw, sb)) == pytest.approx(qs, rel=1e-8)
    assert float(meanfield.chi_1(sw, sb)) == pytest.approx(chi, rel=1e-8)


def test_ordered_side_without_biases_has_q_star_zero_and_chi_sigma_w_squared():
    sw = np.array([0.5, 0.8, 0.9])
    assert np.all(meanfield.q_star(sw) < 1e-12)
    np.testing.assert_allclose(meanfield.chi_1(sw), sw**2, rtol=1e-12)


def test_a_wide_random_tanh_network_settles_at_q_star():
    """Width 1000, 30 layers, sigma_w = 5/3, sigma_b = 0.3: Var(z) over the last 20 layers."""
    rng = np.random.default_rng(7)
    n, sw, sb = 1000, 5 / 3, 0.3
    x = rng.standard_normal((n, 20))
    measured = []
    for layer in range(30):
        z = rng.standard_normal((n, n)) * (sw / math.sqrt(n)) @ x + sb * rng.standard_normal((n, 1))
        if layer >= 10:
            measured.append(z.var())
        x = np.tanh(z)
    assert np.mean(measured) == pytest.approx(float(meanfield.q_star(sw, sb)), rel=0.02)


def test_broadcasts_over_a_grid():
    sw = np.sqrt(np.linspace(0.5, 4, 5))
    sb = np.sqrt(np.linspace(0, 0.5, 3))[:, None]
    chi = meanfield.chi_1(sw, sb, iterations=100)
    assert chi.shape == (3, 5)
    assert float(chi[2, 4]) == pytest.approx(float(meanfield.chi_1(sw[4], sb[2, 0], iterations=100)), rel=1e-15)
    assert meanfield.length_map(np.ones((2, 1)), sw).shape == (2, 5)


@pytest.mark.parametrize("call, message", [
    (lambda: meanfield.length_map(-1.0), "q must be finite and >= 0, got -1.0"),
    (lambda: meanfield.length_map(np.array([1.0, np.nan])), "q must be finite and >= 0, got nan"),
    (lambda: meanfield.length_map(1.0, "2"), "sigma_w must hold real numbers, got '2'"),
    (lambda: meanfield.q_star(np.inf), "sigma_w must be finite, got inf"),
    (lambda: meanfield.q_star(1.0, True), "sigma_b must hold real numbers, got True"),
    (lambda: meanfield.chi_1(1.0, 0.0, iterations=0), "iterations must be a positive integer"),
])
def test_bad_arguments_raise_value_errors_naming_the_value(call, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        call()

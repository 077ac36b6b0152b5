"""Tests of docs/justification.py and of the numbers glued into docs/justification.md (section IV).

Expected values come from formulas written out here (moments of products, the bivariate normal,
numerical integration with scipy, telescoping products of widths), never from the function under
test.
"""

import itertools
import math

import numpy as np
import pytest
from scipy import integrate

from xavier import init
import justification

PAGE = "justification"
PAGE_SEED = 4  # the seed stated on the page


def independent_product_variance(mx, vx, my, vy):
    """Var(XY) = E[X^2] E[Y^2] - E[X]^2 E[Y]^2 for independent X, Y."""
    return (mx**2 + vx) * (my**2 + vy) - mx**2 * my**2


def bivariate_product_variance(mx, vx, my, vy, rho):
    """Var(XY) for jointly normal X, Y (Isserlis): E[(XY)^2] - E[XY]^2 expanded by hand."""
    sx, sy = math.sqrt(vx), math.sqrt(vy)
    c = rho * sx * sy
    exy = mx * my + c
    # E[X^2 Y^2] with X = mx + a, Y = my + b: E[a^2 b^2] = vx vy + 2 c^2, odd moments vanish.
    ex2y2 = (mx**2 * my**2 + mx**2 * vy + my**2 * vx + 4 * mx * my * c + vx * vy + 2 * c**2)
    return ex2y2 - exy**2


def sample_variance_se(mx, vx, my, vy, rho, n, seed=12345):
    """Standard error of the sample variance of n products, from an independent large sample:
    sqrt((mu4 - sigma^4) / n)."""
    rng = np.random.default_rng(seed)
    e1, e2 = rng.standard_normal((2, 2_000_000))
    X = mx + math.sqrt(vx) * e1
    Y = my + math.sqrt(vy) * (rho * e1 + math.sqrt(1 - rho**2) * e2)
    d = X * Y - (X * Y).mean()
    return math.sqrt(((d**4).mean() - (d**2).mean() ** 2) / n)


def tanh_second_moment(q, gain):
    """E[tanh(z)^2] for z ~ N(0, gain * q), by adaptive quadrature."""
    s = math.sqrt(gain * q)
    f = lambda x: math.tanh(s * x) ** 2 * math.exp(-x * x / 2) / math.sqrt(2 * math.pi)  # noqa: E731
    return integrate.quad(f, -np.inf, np.inf)[0]


# -- step 1: the variance of a product ---------------------------------------------------------

@pytest.mark.parametrize("mx, vx, my, vy", [(1.0, 2.0, -3.0, 0.5), (0.0, 1.0, 0.0, 4.0),
                                            (2.5, 0.1, 0.3, 3.0)])
def test_product_variance_matches_moments(mx, vx, my, vy):
    assert justification.product_variance(mx, vx, my, vy) == pytest.approx(
        independent_product_variance(mx, vx, my, vy), rel=1e-12)


@pytest.mark.parametrize("rho", [0.0, 0.5, -1.0, 1.0])
def test_var_product_within_standard_errors(rho):
    mx, vx, my, vy, n = 1.0, 2.0, -3.0, 0.5, 200_000
    r = justification.var_product(mx, vx, my, vy, n, np.random.default_rng(7), rho=rho)
    truth = bivariate_product_variance(mx, vx, my, vy, rho)
    se = sample_variance_se(mx, vx, my, vy, rho, n)
    assert r["exact"] == pytest.approx(truth, rel=1e-12)
    assert r["se"] == pytest.approx(se, rel=0.1)
    assert abs(r["sampled"] - truth) < 4 * se
    assert r["formula"] == pytest.approx(independent_product_variance(mx, vx, my, vy))


def test_formula_fails_for_y_equal_x():
    mx, vx, n = 1.0, 2.0, 200_000
    r = justification.var_product(mx, vx, mx, vx, n, np.random.default_rng(3), rho=1.0)
    var_x_squared = 2 * vx**2 + 4 * mx**2 * vx  # Var(X^2) for a normal X
    se = sample_variance_se(mx, vx, mx, vx, 1.0, n)
    assert abs(r["sampled"] - var_x_squared) < 4 * se
    assert abs(r["sampled"] - r["formula"]) > 50 * se  # the formula is far off


def test_var_product_vs_correlation():
    rhos = [-1.0, -0.3, 0.0, 0.6]
    c = justification.var_product_vs_correlation(1.0, 2.0, -3.0, 0.5, rhos, 100_000, np.random.default_rng(1))
    expected = [bivariate_product_variance(1.0, 2.0, -3.0, 0.5, r) for r in rhos]
    np.testing.assert_allclose(c["exact"], expected, rtol=1e-12)
    assert np.all(np.abs(c["sampled"] - expected) < 4 * c["se"])
    assert c["formula"] == 19.5


# -- step 2: one layer ---------------------------------------------------------------------------

def test_layer_variance_grid():
    ns, vws, vas = [16, 100, 400], [0.01, 0.2], [0.5, 3.0]
    g = justification.layer_variance_grid(ns, vws, vas, np.random.default_rng(5), n_out=64, m=128)
    # z = sum of n independent products w a: n times the variance of one product (zero means)
    expected = [n * independent_product_variance(0.0, vw, 0.0, va) for n, vw, va in zip(g["n"], g["var_w"], g["var_a"])]
    np.testing.assert_allclose(g["predicted"], expected, rtol=1e-12)
    assert sorted(zip(g["n"], g["var_w"], g["var_a"])) == sorted(itertools.product(ns, vws, vas))  # every point once
    ratio = g["measured"] / g["predicted"]
    # Relative standard error of one point: row norms of W (2 / (n_out n)) plus the 8192 samples.
    se = np.sqrt(2 / (64 * g["n"]) + 2 / (64 * 128))
    assert np.all(np.abs(ratio - 1) < 5 * se)


# -- step 3: through the layers --------------------------------------------------------------

@pytest.mark.parametrize("q, gain", [(1.0, 1.0), (0.01, 1.0), (0.3, 1.5), (2.0, 0.5)])
def test_tanh_variance_map_matches_quadrature(q, gain):
    expected = tanh_second_moment(q, gain)
    assert float(justification.tanh_variance_map(q, gain)) == pytest.approx(expected, rel=1e-6)
    assert expected < gain * q  # tanh loses variance


def test_variance_through_layers_linear_and_tanh():
    gains = [0.5, 1.0, 1.5]
    rng = np.random.default_rng(11)
    lin = justification.variance_through_layers(gains, rng, width=128, depth=6, seeds=6, m=64)
    tanh = justification.variance_through_layers(gains, rng, activation="tanh", width=128, depth=6, seeds=6,
                                      m=64)
    expected = np.array([[g**l for l in range(7)] for g in gains])
    np.testing.assert_allclose(lin["predicted"], expected, rtol=1e-12)
    np.testing.assert_allclose(lin["mean_field"], expected, rtol=1e-12)
    med = np.median(lin["measured"], axis=-1) / lin["measured"][:, :1, 0]
    np.testing.assert_allclose(med, expected, rtol=0.15)
    # tanh: the recursion E[tanh(z)^2], iterated here with quad, and the measurements on it.
    mf = np.ones((3, 7))
    for i, g in enumerate(gains):
        for l in range(1, 7):
            mf[i, l] = tanh_second_moment(mf[i, l - 1], g)
    np.testing.assert_allclose(tanh["mean_field"], mf, rtol=1e-6)
    tmed = np.median(tanh["measured"], axis=-1)
    np.testing.assert_allclose(tmed[:, 1:], mf[:, 1:], rtol=0.15)
    assert np.all(tmed[:, 1:] < expected[:, 1:])


# -- step 4: backward, unequal widths ---------------------------------------------------------

@pytest.mark.parametrize("mode, expected", [("fan_in", 1 / 300), ("fan_out", 1 / 200),
                                            ("fan_avg", 2 / 500)])
def test_mode_initializers_draw_the_fan_variance(mode, expected):
    name, kwargs = justification.MODE_INITIALIZERS[mode]
    W = init.get(name)((200, 300), np.random.default_rng(0), **kwargs)  # (n_out, n_in)
    assert justification.fan_variance(300, 200, mode) == pytest.approx(expected)
    assert W.var() == pytest.approx(expected, rel=0.03)


def test_backward_variances_funnel():
    sizes = [256, 128, 64, 32]
    r = justification.backward_variances(sizes, np.random.default_rng(2), m=128, seeds=6)
    n = np.array(sizes, dtype=float)
    L = len(sizes) - 1
    # fan_in: forward factors n[l-1]/n[l-1] = 1; backward factors n[l]/n[l-1] telescope.
    # fan_out: the other way round; fan_avg: factors 2n[l-1]/(n[l-1]+n[l]) and 2n[l]/(...).
    fwd = {"fan_in": np.ones(L + 1), "fan_out": n[0] / n,
           "fan_avg": np.concatenate([[1], np.cumprod(2 * n[:-1] / (n[:-1] + n[1:]))])}
    bwd = {"fan_in": n[-1] / n, "fan_out": np.ones(L + 1),
           "fan_avg": np.concatenate([np.cumprod((2 * n[1:] / (n[:-1] + n[1:]))[::-1])[::-1], [1]])}
    for i, mode in enumerate(r["modes"]):
        np.testing.assert_allclose(r["forward_predicted"][i], fwd[mode], rtol=1e-12)
        np.testing.assert_allclose(r["backward_predicted"][i], bwd[mode], rtol=1e-12)
        np.testing.assert_allclose(np.median(r["forward_measured"][i], -1), fwd[mode], rtol=0.15)
        np.testing.assert_allclose(np.median(r["backward_measured"][i], -1), bwd[mode], rtol=0.15)


# -- argument checks -------------------------------------------------------------------------------

@pytest.mark.parametrize("call, message", [
    (lambda rng: justification.var_product(0, 1, 0, 1, 10, rng, rho=1.5), "rho must be in"),
    (lambda rng: justification.var_product(0, -1, 0, 1, 10, rng), "vx must be"),
    (lambda rng: justification.var_product(0, 1, 0, 1, 0, rng), "n must be a positive integer"),
    (lambda rng: justification.variance_through_layers([1.0], rng, activation="relu"), "identity, tanh"),
    (lambda rng: justification.backward_variances([4, 2], rng, modes=["fan_mid"]), "fan_in, fan_out, fan_avg"),
    (lambda rng: justification.fan_variance(4, 2, "fan_mid"), "fan_in, fan_out, fan_avg"),
    (lambda rng: justification.layer_variance_grid([0], [1.0], [1.0], rng), "n must be a positive integer"),
])
def test_bad_arguments_raise_value_error(call, message):
    with pytest.raises(ValueError, match=message):
        call(np.random.default_rng(0))


def test_correlated_inputs_cross_terms_vanish():
    """Var(z) = n Var(W) E[a^2] for independent and for strongly correlated inputs alike."""
    rng = np.random.default_rng(8)
    m, width = 300, 8
    base = rng.standard_normal((1, m))
    correlated = 0.5 + np.repeat(base, 64, axis=0) + 0.1 * rng.standard_normal((64, m))
    independent = 0.5 + rng.standard_normal((64, m))
    for X in (correlated, independent):
        r = justification.correlated_inputs(X, rng, units=500, draws=40, width=width)
        assert r["rms"] == pytest.approx(math.sqrt(np.mean(X**2)), rel=1e-12)
        assert r["z_std"] == pytest.approx(r["rms"], rel=0.05)   # 20,000 sums per case
        assert r["x_std"] < 0.95 * r["rms"]          # the mean 0.5 makes E[x^2] > Var(x)
    # Neighbour correlation: close to 1 for the shared signal, close to 0 for independent inputs.
    c = justification.correlated_inputs(correlated, rng, draws=1, width=width)["neighbour_corr"]
    i = justification.correlated_inputs(independent, rng, draws=1, width=width)["neighbour_corr"]
    assert c > 0.95 and abs(i) < 0.1
    with pytest.raises(ValueError, match="multiple of width"):
        justification.correlated_inputs(np.ones((10, 3)), rng, width=4)

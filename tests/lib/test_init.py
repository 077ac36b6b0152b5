"""Tests for xavier.init: moments and KS tests against formulas written here, not in the module."""

import itertools
import math
import re

import numpy as np
import pytest
from scipy import stats

from xavier import init

N_OUT, N_IN = 300, 160
STACKED = (3, N_OUT, N_IN)  # 144,000 draws, three independent (n_out, n_in) matrices
FLAT = (N_OUT, N_IN)
FAN = {"fan_in": N_IN, "fan_out": N_OUT, "fan_avg": (N_IN + N_OUT) / 2}
TRUNC_STD = stats.truncnorm(-2, 2).std()  # std of N(0, 1) truncated to (-2, 2), from scipy
RANDOM = ["variance_scaling", "normal", "uniform", "standard_uniform", "xavier_normal",
          "xavier_uniform", "glorot_normal", "glorot_uniform", "he_normal", "he_uniform",
          "lecun_normal", "lecun_uniform", "orthogonal"]
DETERMINISTIC = ["zeros", "constant", "identity"]


def reference(family, var):
    """The exact distribution with mean 0 and variance ``var`` (a frozen scipy distribution)."""
    if family == "normal":
        return stats.norm(scale=math.sqrt(var))
    if family == "uniform":
        a = math.sqrt(3 * var)
        return stats.uniform(loc=-a, scale=2 * a)
    return stats.truncnorm(-2, 2, scale=math.sqrt(var) / TRUNC_STD)


def check_draw(W, family, var):
    """Mean, variance (within 4 standard errors), support and KS test of the draw W."""
    x = W.ravel()
    n = x.size
    dist = reference(family, var)
    assert dist.var() == pytest.approx(var, rel=1e-12)  # the reference itself is right
    mu4 = dist.moment(4)  # central, since the mean is 0
    assert abs(x.mean()) < 4 * math.sqrt(var / n)
    assert abs(x.var() - var) < 4 * math.sqrt((mu4 - var**2) / n)
    lo, hi = dist.support()
    assert lo <= x.min() and x.max() <= hi
    assert stats.kstest(x, dist.cdf).pvalue > 1e-3


PRESETS = [  # (name, kwargs, family, variance from the formulas in the docstrings)
    ("normal", {"std": 0.3}, "normal", 0.09),
    ("uniform", {"limit": 0.5}, "uniform", 0.25 / 3),
    ("standard_uniform", {}, "uniform", (1 / math.sqrt(N_IN)) ** 2 / 3),
    ("xavier_normal", {}, "normal", 1 / N_IN),
    ("xavier_normal", {"mode": "fan_out"}, "normal", 1 / N_OUT),
    ("xavier_uniform", {}, "uniform", 1 / N_IN),
    ("xavier_uniform", {"mode": "fan_avg"}, "uniform", 2 / (N_IN + N_OUT)),
    ("glorot_normal", {}, "normal", 2 / (N_IN + N_OUT)),
    ("glorot_uniform", {}, "uniform", (math.sqrt(6) / math.sqrt(N_IN + N_OUT)) ** 2 / 3),
    ("he_normal", {}, "normal", 2 / N_IN),
    ("he_normal", {"mode": "fan_out"}, "normal", 2 / N_OUT),
    ("he_uniform", {}, "uniform", (math.sqrt(6 / N_IN)) ** 2 / 3),
    ("lecun_normal", {}, "truncated_normal", 1 / N_IN),
    ("lecun_uniform", {}, "uniform", 1 / N_IN),
]


@pytest.mark.parametrize("shape", [FLAT, STACKED])
@pytest.mark.parametrize("name, kwargs, family, var", PRESETS)
def test_preset_distribution(name, kwargs, family, var, shape):
    W = init.initialize(name, shape, np.random.default_rng(1), **kwargs)
    assert W.shape == shape and W.dtype == np.float64
    check_draw(W, family, var)


@pytest.mark.parametrize("shape", [FLAT, STACKED])
@pytest.mark.parametrize("mode, distribution",
                         list(itertools.product(FAN, ["normal", "truncated_normal", "uniform"])))
def test_variance_scaling(mode, distribution, shape):
    scale = 1.7
    W = init.variance_scaling(shape, np.random.default_rng(2), scale, mode, distribution)
    assert W.shape == shape and W.dtype == np.float64
    check_draw(W, distribution, scale / FAN[mode])


@pytest.mark.parametrize("distribution", ["normal", "truncated_normal", "uniform"])
def test_variance_scaling_scale_zero_gives_zeros(distribution):
    W = init.variance_scaling((4, 5), np.random.default_rng(0), 0.0, "fan_avg", distribution)
    assert np.array_equal(W, np.zeros((4, 5)))


def test_truncated_std_constant_matches_scipy():
    assert init.TRUNCATED_STD == pytest.approx(TRUNC_STD, rel=1e-14)


def test_ks_check_can_fail():
    """The checks above have power: a uniform draw is not accepted as a normal one, and a draw
    with the fan_avg variance is not accepted as fan_in."""
    W = init.xavier_uniform(STACKED, np.random.default_rng(3))
    with pytest.raises(AssertionError):
        check_draw(W, "normal", 1 / N_IN)
    W = init.glorot_normal(STACKED, np.random.default_rng(3))
    with pytest.raises(AssertionError):
        check_draw(W, "normal", 1 / N_IN)


@pytest.mark.parametrize("name", RANDOM)
def test_seeds(name):
    def draw(seed):
        return init.initialize(name, (2, 7, 5), np.random.default_rng(seed))
    assert np.array_equal(draw(5), draw(5))
    assert not np.allclose(draw(5), draw(6))


@pytest.mark.parametrize("name", RANDOM)
def test_stacked_slices_are_independent(name):
    W = init.initialize(name, (4, 100, 100), np.random.default_rng(4))
    for i, j in itertools.combinations(range(4), 2):
        r = np.corrcoef(W[i].ravel(), W[j].ravel())[0, 1]
        assert abs(r) < 4 / math.sqrt(100 * 100)


@pytest.mark.parametrize("shape", [(4, 4), (3, 7), (7, 3), (5, 6, 2), (5, 2, 6), (1, 1)])
@pytest.mark.parametrize("gain", [1.0, 2.5])
def test_orthogonal(shape, gain):
    W = init.orthogonal(shape, np.random.default_rng(5), gain=gain)
    assert W.shape == shape and W.dtype == np.float64
    n_out, n_in = shape[-2:]
    WT = np.swapaxes(W, -1, -2)
    gram = W @ WT if n_out <= n_in else WT @ W
    assert np.allclose(gram, gain**2 * np.eye(min(n_out, n_in)), atol=1e-12)


@pytest.mark.parametrize("shape", [(3, 3), (3, 5), (5, 3)])
def test_orthogonal_is_haar(shape):
    """An entry of a Haar-random orthogonal 3x3 matrix is uniform on (-1, 1); an entry of three
    orthonormal vectors in R^5 has (x + 1) / 2 ~ Beta(2, 2). Without the sign correction of QR,
    numpy's Q[0, 0] is always negative and both tests fail."""
    W = init.orthogonal((4000,) + shape, np.random.default_rng(6))
    n = max(shape)
    reference = stats.beta((n - 1) / 2, (n - 1) / 2, loc=-1, scale=2)
    for i, j in [(0, 0), (2, 1), (1, 2)]:
        assert stats.kstest(W[:, i, j], reference.cdf).pvalue > 1e-3


@pytest.mark.parametrize("shape", [(3, 3), (2, 4), (4, 2), (3, 2, 5)])
def test_identity(shape):
    W = init.identity(shape, scale=1.5)
    expected = np.zeros(shape)
    for index in np.ndindex(*shape):
        expected[index] = 1.5 if index[-1] == index[-2] else 0.0
    assert W.dtype == np.float64 and np.array_equal(W, expected)
    W[..., 0, 0] = 9.0  # a writable copy, not a broadcast view
    assert W.flags.writeable


def test_identity_scales_the_signal():
    """Section II of the article: nine layers of 1.5 I multiply x by 1.5^9 = 38.443359375."""
    W = init.identity((9, 2, 2), None, scale=1.5)
    a = np.array([[1.0], [-2.0]])
    for layer in W:
        a = layer @ a
    assert np.allclose(a, 38.443359375 * np.array([[1.0], [-2.0]]))


def test_zeros_and_constant():
    assert np.array_equal(init.zeros((2, 3, 4)), np.zeros((2, 3, 4)))
    W = init.constant((3, 2), np.random.default_rng(0), value=-0.25)
    assert W.dtype == np.float64 and np.array_equal(W, np.full((3, 2), -0.25))
    assert init.initialize("constant", (2, 2), None, value=3).dtype == np.float64


@pytest.mark.parametrize("nonlinearity, param, gain", [
    ("linear", None, 1.0), ("identity", None, 1.0), ("sigmoid", None, 1.0),
    ("tanh", None, 5 / 3), ("relu", None, math.sqrt(2)), ("selu", None, 0.75),
    ("leaky_relu", None, math.sqrt(2 / (1 + 0.01**2))),
    ("leaky_relu", 0.2, math.sqrt(2 / 1.04)), ("leaky_relu", 0, math.sqrt(2)),
    ("leaky_relu", 1.0, 1.0)])
def test_calculate_gain(nonlinearity, param, gain):
    assert init.calculate_gain(nonlinearity, param) == pytest.approx(gain, rel=1e-15)


def test_registry():
    expected = set(RANDOM + DETERMINISTIC)
    assert set(init.INITIALIZERS) == expected
    for name in expected:
        assert init.get(name) is getattr(init, name)
        assert init.get(name).__doc__ and ">>>" in init.get(name).__doc__
    a = init.initialize("he_uniform", (3, 4), np.random.default_rng(8), mode="fan_out")
    b = init.he_uniform((3, 4), np.random.default_rng(8), mode="fan_out")
    assert np.array_equal(a, b)


def test_every_public_function_has_a_doctest():
    for name in ["variance_scaling", "calculate_gain", "get", "initialize", *init.INITIALIZERS]:
        assert ">>>" in getattr(init, name).__doc__, name


# ---- errors ---------------------------------------------------------------------------------

def test_get_unknown_name():
    valid = ", ".join(sorted(RANDOM + DETERMINISTIC))
    with pytest.raises(ValueError, match=re.escape("'xavier'") + ".*" + re.escape(valid)):
        init.get("xavier")
    with pytest.raises(ValueError, match="'Xavier_Normal'"):
        init.initialize("Xavier_Normal", (2, 2), np.random.default_rng(0))


@pytest.mark.parametrize("shape", [(5,), (), (3, 0), (0, 3), (2, -1), (2.0, 3), (2, 3.5),
                                   (True, 3), 5, "ab", None])
@pytest.mark.parametrize("name", RANDOM + DETERMINISTIC)
def test_bad_shape(name, shape):
    with pytest.raises(ValueError, match=re.escape(repr(shape))):
        init.initialize(name, shape, np.random.default_rng(0))


def test_numpy_integer_shape_is_accepted():
    W = init.xavier_normal((np.int64(3), np.int32(2)), np.random.default_rng(0))
    assert W.shape == (3, 2)


@pytest.mark.parametrize("rng, type_name", [(np.random.RandomState(0), "RandomState"),
                                            (0, "int"), (None, "NoneType")])
@pytest.mark.parametrize("name", RANDOM)
def test_bad_rng(name, rng, type_name):
    with pytest.raises(TypeError, match=type_name):
        init.initialize(name, (3, 2), rng)


@pytest.mark.parametrize("name", DETERMINISTIC)
def test_bad_rng_for_deterministic(name):
    with pytest.raises(TypeError, match="int"):
        init.initialize(name, (3, 2), 0)


def test_bad_mode_and_distribution():
    rng = np.random.default_rng(0)
    with pytest.raises(ValueError, match="fan_in, fan_out, fan_avg; got 'fan_sum'"):
        init.variance_scaling((3, 2), rng, mode="fan_sum")
    with pytest.raises(ValueError, match=r"normal, truncated_normal, uniform.*'gaussian'"):
        init.variance_scaling((3, 2), rng, distribution="gaussian")
    for name in ["xavier_normal", "xavier_uniform", "he_normal", "he_uniform"]:
        with pytest.raises(ValueError, match="'in'"):
            init.initialize(name, (3, 2), rng, mode="in")


@pytest.mark.parametrize("name, kwargs", [
    ("variance_scaling", {"scale": -1.0}), ("variance_scaling", {"scale": float("nan")}),
    ("normal", {"std": -0.5}), ("uniform", {"limit": -2}), ("orthogonal", {"gain": -1.5}),
    ("identity", {"scale": -0.5})])
def test_negative_parameters(name, kwargs):
    (key, value), = kwargs.items()
    with pytest.raises(ValueError, match=f"{key} must be >= 0, got {re.escape(repr(value))}"):
        init.initialize(name, (3, 2), np.random.default_rng(0), **kwargs)


def test_calculate_gain_errors():
    with pytest.raises(ValueError, match="'swish'") as info:
        init.calculate_gain("swish")
    for name in ["linear", "identity", "sigmoid", "tanh", "relu", "leaky_relu", "selu"]:
        assert name in str(info.value)
    with pytest.raises(ValueError, match="'0.1'"):
        init.calculate_gain("leaky_relu", "0.1")

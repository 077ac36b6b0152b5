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


# The variances as PyTorch's documentation of torch.nn.init states them (std or bound a, and
# Var = std^2 or a^2 / 3), not as the module computes them (scale / fan):
#   xavier_normal_: std = gain * sqrt(2 / (fan_in + fan_out));  xavier_uniform_: a = gain * sqrt(6 / (fan_in + fan_out))
#   kaiming_normal_: std = gain / sqrt(fan_mode);  kaiming_uniform_: a = gain * sqrt(3 / fan_mode)
#   with gain = calculate_gain(nonlinearity, a): leaky_relu sqrt(2 / (1 + a^2)), tanh 5/3, linear 1.
PRESETS = [  # (name, kwargs, family, variance)
    ("normal", {"std": 0.3}, "normal", 0.09),
    ("uniform", {"limit": 0.5}, "uniform", 0.25 / 3),
    ("standard_uniform", {}, "uniform", (1 / math.sqrt(N_IN)) ** 2 / 3),
    ("xavier_normal", {}, "normal", (math.sqrt(2 / (N_IN + N_OUT))) ** 2),
    ("xavier_normal", {"gain": 5 / 3}, "normal", (5 / 3 * math.sqrt(2 / (N_IN + N_OUT))) ** 2),
    ("xavier_uniform", {}, "uniform", (math.sqrt(6 / (N_IN + N_OUT))) ** 2 / 3),
    ("xavier_uniform", {"gain": 0.5}, "uniform", (0.5 * math.sqrt(6 / (N_IN + N_OUT))) ** 2 / 3),
    ("glorot_normal", {}, "normal", 2 / (N_IN + N_OUT)),
    ("glorot_uniform", {}, "uniform", (math.sqrt(6) / math.sqrt(N_IN + N_OUT)) ** 2 / 3),
    ("he_normal", {}, "normal", (math.sqrt(2) / math.sqrt(N_IN)) ** 2),
    ("he_normal", {"mode": "fan_out"}, "normal", (math.sqrt(2) / math.sqrt(N_OUT)) ** 2),
    ("he_normal", {"a": 0.2}, "normal", (math.sqrt(2 / 1.04) / math.sqrt(N_IN)) ** 2),
    ("he_normal", {"nonlinearity": "tanh", "mode": "fan_out"}, "normal", (5 / 3 / math.sqrt(N_OUT)) ** 2),
    ("he_normal", {"nonlinearity": "linear"}, "normal", 1 / N_IN),
    ("he_normal", {"gain": 3.0}, "normal", 9 / N_IN),
    ("he_uniform", {}, "uniform", (math.sqrt(2) * math.sqrt(3 / N_IN)) ** 2 / 3),
    ("he_uniform", {"a": math.sqrt(5)}, "uniform", (1 / math.sqrt(N_IN)) ** 2 / 3),  # nn.Linear's default
    ("he_uniform", {"mode": "fan_out", "nonlinearity": "relu"}, "uniform", (math.sqrt(2) * math.sqrt(3 / N_OUT)) ** 2 / 3),
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
    with the fan_avg variance is not accepted as fan_in (the mix-up the names used to invite)."""
    W = init.xavier_uniform(STACKED, np.random.default_rng(3))
    with pytest.raises(AssertionError):
        check_draw(W, "normal", 2 / (N_IN + N_OUT))
    W = init.xavier_normal(STACKED, np.random.default_rng(3))
    with pytest.raises(AssertionError):
        check_draw(W, "normal", 1 / N_IN)


def test_xavier_is_glorot_and_the_articles_rule_is_fan_in():
    rng = np.random.default_rng
    assert np.array_equal(init.xavier_normal(FLAT, rng(0)), init.glorot_normal(FLAT, rng(0)))
    assert np.array_equal(init.xavier_uniform(FLAT, rng(0), gain=2.0), init.glorot_uniform(FLAT, rng(0), gain=2.0))
    # The article's N(0, 1/n_in): a standard normal divided by sqrt(n_in), draw for draw.
    article = init.variance_scaling(FLAT, rng(0), scale=1.0, mode="fan_in")
    np.testing.assert_allclose(article, rng(0).standard_normal(FLAT) / math.sqrt(N_IN), rtol=1e-15)
    # He's default is exactly 2 / n_in: sqrt(2) / sqrt(n_in) times the same standard normals.
    np.testing.assert_allclose(init.he_normal(FLAT, rng(0)), rng(0).standard_normal(FLAT) * math.sqrt(2 / N_IN),
                               rtol=1e-15)


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
    a = init.initialize("he_uniform", (3, 4), np.random.default_rng(8), mode="fan_out", a=0.1)
    b = init.he_uniform((3, 4), np.random.default_rng(8), mode="fan_out", a=0.1)
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
    # A ValueError like every bad argument, and a TypeError too (xavier._checks.ArgumentTypeError).
    with pytest.raises(TypeError, match=type_name):
        init.initialize(name, (3, 2), rng)
    with pytest.raises(ValueError, match=f"rng must be a numpy.random.Generator .*got {type_name}"):
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
    for name in ["he_normal", "he_uniform"]:
        with pytest.raises(ValueError, match="mode must be one of fan_in, fan_out, fan_avg; got 'in'"):
            init.initialize(name, (3, 2), rng, mode="in")
        with pytest.raises(ValueError, match="nonlinearity must be one of .*relu.*; got 'swish'"):
            init.initialize(name, (3, 2), rng, nonlinearity="swish")
        with pytest.raises(ValueError, match="gain or"):
            init.initialize(name, (3, 2), rng, gain=1.0, nonlinearity="tanh")
    for name in ["xavier_normal", "xavier_uniform", "glorot_normal", "glorot_uniform"]:
        with pytest.raises(ValueError, match="takes no argument 'mode'; valid: gain"):
            init.initialize(name, (3, 2), rng, mode="fan_in")


NONNEGATIVE = [("variance_scaling", "scale"), ("normal", "std"), ("uniform", "limit"), ("orthogonal", "gain"),
               ("identity", "scale"), ("xavier_normal", "gain"), ("xavier_uniform", "gain"),
               ("glorot_normal", "gain"), ("glorot_uniform", "gain"), ("he_normal", "gain"), ("he_uniform", "gain")]


BAD_VALUES = [-1.0, -2, float("nan"), float("inf"), -float("inf"), np.float64("nan"), np.inf, True,
              np.bool_(False), "1.0", None, 1 + 0j]


@pytest.mark.parametrize("name, key, value", [(n, k, v) for (n, k), v in itertools.product(NONNEGATIVE, BAD_VALUES)
                                              if not (v is None and n.startswith("he_"))])  # he's gain=None: use a
def test_bad_scale_parameters(name, key, value):
    """Negative, inf, nan, bool or non-numbers: a ValueError naming the argument and the value."""
    with pytest.raises(ValueError, match=f"{key} must be a finite number >= 0, got {re.escape(repr(value))}"):
        init.initialize(name, (3, 2), np.random.default_rng(0), **{key: value})


@pytest.mark.parametrize("name, key", NONNEGATIVE)
def test_numpy_scalar_parameters_are_accepted(name, key):
    a = init.initialize(name, (3, 2), np.random.default_rng(0), **{key: np.int64(2)})
    b = init.initialize(name, (3, 2), np.random.default_rng(0), **{key: np.float32(2.0)})
    c = init.initialize(name, (3, 2), np.random.default_rng(0), **{key: 2.0})
    assert np.array_equal(a, c) and np.array_equal(b, c) and np.isfinite(c).all()


@pytest.mark.parametrize("name, kwargs", [("constant", {"value": float("inf")}), ("constant", {"value": np.nan}),
                                          ("constant", {"value": True}), ("he_normal", {"a": float("nan")}),
                                          ("he_uniform", {"a": float("inf")})])
def test_non_finite_parameters(name, kwargs):
    (key, value), = kwargs.items()
    with pytest.raises(ValueError, match=f"{key} must be a finite number, got {re.escape(repr(value))}"):
        init.initialize(name, (3, 2), np.random.default_rng(0), **kwargs)


def test_calculate_gain_errors():
    with pytest.raises(ValueError, match="'swish'") as info:
        init.calculate_gain("swish")
    for name in ["linear", "identity", "sigmoid", "tanh", "relu", "leaky_relu", "selu"]:
        assert name in str(info.value)
    for param in ["0.1", float("nan"), float("inf"), True]:
        with pytest.raises(ValueError, match=re.escape(repr(param))):
            init.calculate_gain("leaky_relu", param)

"""xavier._checks: the one set of argument checks every module uses, and that every entry point
really uses it (bool and numpy scalars handled the same way everywhere)."""

import fractions
import re

import numpy as np
import pytest

import xavier
from xavier import _checks, datasets, init
from xavier.network import Network, train


@pytest.mark.parametrize("value", [1, 7, np.int64(3), np.int32(2), np.uint8(5)])
def test_positive_int_accepts_python_and_numpy_integers(value):
    out = _checks.positive_int("n", value)
    assert out == int(value) and type(out) is int


@pytest.mark.parametrize("value", [0, -1, True, False, np.bool_(True), 2.0, np.float64(3.0), "3", None, 1 + 0j])
def test_positive_int_rejects(value):
    with pytest.raises(ValueError, match=f"n must be a positive integer \\(not a bool\\), got {re.escape(repr(value))}"):
        _checks.positive_int("n", value)


def test_positive_int_lower_bound():
    assert _checks.positive_int("epochs", 0, low=0) == 0
    with pytest.raises(ValueError, match="L must be an integer >= 2"):
        _checks.positive_int("L", 1, low=2)


@pytest.mark.parametrize("value", [0.5, 1, np.int64(1), np.float32(0.25), np.float64(2.0), fractions.Fraction(1, 4)])
def test_real_accepts_python_and_numpy_numbers(value):
    out = _checks.real("lr", value, low=0, strict=True)
    assert out == float(value) and type(out) is float


@pytest.mark.parametrize("value", [True, np.bool_(True), float("nan"), float("inf"), -float("inf"), np.float64("nan"),
                                   "1", None, 1 + 0j, np.array([1.0]), 0, -1e-300])
def test_real_rejects(value):
    with pytest.raises(ValueError, match=f"lr must be a finite number > 0, got {re.escape(repr(value))}"):
        _checks.real("lr", value, low=0, strict=True)


def test_real_without_finiteness_still_rejects_nan():
    assert _checks.real("x", float("inf"), finite=False) == float("inf")
    with pytest.raises(ValueError, match="x must be a number, got nan"):
        _checks.real("x", float("nan"), finite=False)


@pytest.mark.parametrize("value", [np.random.RandomState(0), 0, None, np.random.default_rng(0).bit_generator])
def test_generator(value):
    with pytest.raises(TypeError, match="rng must be a numpy.random.Generator"):
        _checks.generator("rng", value)
    with pytest.raises(ValueError, match="rng must be a numpy.random.Generator"):
        _checks.generator("rng", value)
    _checks.generator("rng", np.random.default_rng(0))
    _checks.generator("rng", None, optional=True)


# -- every entry point uses them ----------------------------------------------------------------


def _xy(m=6):
    rng = np.random.default_rng(0)
    X = rng.standard_normal((2, m))
    return X, (X[:1] > 0) * 1.0


@pytest.mark.parametrize("lr", [np.int64(1), np.float32(0.5), 1, fractions.Fraction(1, 2)])
def test_numpy_and_integer_learning_rates_work(lr):
    X, Y = _xy()
    a = Network([2, 3, 1], ["tanh", "sigmoid"], rng=np.random.default_rng(1))
    b = a.copy()
    train(a, X, Y, "bce", lr=lr, epochs=3)
    train(b, X, Y, "bce", lr=float(lr), epochs=3)
    for l in (1, 2):
        assert np.array_equal(a.W[l], b.W[l])
    c = b.copy()
    c.step(X, Y, "bce", lr)  # the public step checks lr too
    assert not np.array_equal(c.W[1], b.W[1])


@pytest.mark.parametrize("lr", [True, np.bool_(True), 0, -0.1, float("inf"), float("nan"), "0.1", None])
def test_bad_learning_rates_raise(lr):
    X, Y = _xy()
    net = Network([2, 3, 1], ["tanh", "sigmoid"], rng=np.random.default_rng(1))
    with pytest.raises(ValueError, match=f"lr must be a finite number > 0, got {re.escape(repr(lr))}"):
        train(net, X, Y, "bce", lr=lr)
    with pytest.raises(ValueError, match="lr must be"):
        net.step(X, Y, "bce", lr)


@pytest.mark.parametrize("kwargs, name", [
    ({"epochs": True}, "epochs"), ({"epochs": -1}, "epochs"), ({"epochs": 2.0}, "epochs"),
    ({"batch_size": True}, "batch_size"), ({"batch_size": np.bool_(True)}, "batch_size"),
    ({"batch_size": 0}, "batch_size"), ({"every": True}, "every"), ({"every": 0}, "every"),
    ({"rng": np.random.RandomState(0), "batch_size": 2}, "rng"),
])
def test_train_integer_arguments_reject_bool(kwargs, name):
    X, Y = _xy()
    net = Network([2, 3, 1], ["tanh", "sigmoid"], rng=np.random.default_rng(1))
    with pytest.raises(ValueError, match=f"{name} must be"):
        train(net, X, Y, "bce", lr=0.1, **kwargs)


def test_train_accepts_numpy_integers():
    X, Y = _xy(8)
    net = Network([2, 3, 1], ["tanh", "sigmoid"], rng=np.random.default_rng(1), seeds=np.int64(2))
    h = train(net, X, Y, "bce", lr=0.1, epochs=np.int64(2), batch_size=np.int32(4), every=np.int64(2),
              rng=np.random.default_rng(0), callback=lambda t, n: t)
    assert h.cost.shape == (4, 2) and [t for t, _ in h.records] == [0, 2, 4]


@pytest.mark.parametrize("kwargs, match", [
    ({"seeds": True}, r"seeds must be a positive integer \(not a bool\), got True"),
    ({"seeds": np.bool_(True)}, "seeds must be a positive integer"),
    ({"seeds": 2.0}, "seeds must be a positive integer"),
    ({"sizes": [2, True, 1]}, r"sizes must be at least two positive integers .*\(2, True, 1\)"),
    ({"sizes": [True, 3, 1]}, r"sizes .*\(True, 3, 1\)"),
    ({"sizes": [2, 3.0, 1]}, r"sizes .*\(2, 3.0, 1\)"),
    ({"sizes": "231"}, "sizes"),
    ({"rng": np.random.RandomState(0)}, "rng must be a numpy.random.Generator"),
    ({"rng": None}, "rng must be a numpy.random.Generator"),
    ({"init": 3}, "init must be an initializer name"),
    ({"init": "variance_scaling", "init_kwargs": {"scal": 1.0}}, "takes no argument 'scal'; valid: scale, mode"),
    ({"init": "variance_scaling", "init_kwargs": {"scale": float("inf")}}, "scale must be a finite number >= 0"),
    ({"init": "normal", "init_kwargs": {"std": float("nan")}}, "std must be a finite number >= 0, got nan"),
    ({"init": "xavier_normal", "init_kwargs": {"gain": True}}, "gain must be a finite number >= 0, got True"),
])
def test_network_arguments(kwargs, match):
    args = dict(sizes=[2, 3, 1], activations=["tanh", "sigmoid"], rng=np.random.default_rng(0))
    args.update(kwargs)
    with pytest.raises(ValueError, match=match):
        Network(args.pop("sizes"), args.pop("activations"), **args)


def test_numpy_integer_sizes_are_accepted():
    net = Network(np.array([2, 3, 1]), ["tanh", "sigmoid"], rng=np.random.default_rng(0))
    assert net.sizes == (2, 3, 1) and all(type(n) is int for n in net.sizes)


def test_other_modules_share_the_checks():
    with pytest.raises(ValueError, match="copies must be a positive integer"):
        init.stacked(["zeros"], copies=True)
    with pytest.raises(ValueError, match=r"rngs\[1\] must be a numpy.random.Generator"):
        init.stacked(["zeros", "zeros"], rngs=[np.random.default_rng(0), 0])
    with pytest.raises(ValueError, match=r"k \(number of classes\) must be a positive integer"):
        datasets.one_hot(np.array([0, 1]), k=True)
    with pytest.raises(ValueError, match="rng must be a numpy.random.Generator"):
        datasets.playground("circle", np.random.RandomState(0))
    with pytest.raises(ValueError, match="n must be an even integer >= 2"):
        datasets.playground("circle", np.random.default_rng(0), n=True)
    assert xavier.network._checks is _checks and xavier.init._checks is _checks

"""Costs and the network at the edges: exact where float64 can be, clear errors on bad input.

Expected values come from :mod:`decimal` at 60 digits (the definitions of the costs evaluated
directly, no log-sum-exp or softplus rewriting) or from closed forms (log 2), never from the
library's own formulas.
"""

import decimal
import math
import re
import sys
import warnings

import numpy as np
import pytest

from xavier import activations, costs
from xavier.network import Network, train

# 450 digits: 1 + e^-z keeps e^-z for |z| up to 745 (e^-745 is float64's smallest subnormal).
D = decimal.Context(prec=450, Emax=10**9, Emin=-(10**9))


def _bce_exact(z, y):
    """-y log(sigma(z)) - (1 - y) log(1 - sigma(z)), sigma(z) = 1 / (1 + e^-z), in decimal."""
    with decimal.localcontext(D):
        z, y = decimal.Decimal(float(z)), decimal.Decimal(float(y))
        e = (-z).exp()
        total = decimal.Decimal(0)
        if y != 0:
            total -= y * (1 / (1 + e)).ln()
        if y != 1:
            total -= (1 - y) * (e / (1 + e)).ln()
        return float(total)


def _ce_exact(z, k):
    """-log(e^{z_k} / sum_j e^{z_j}), in decimal."""
    with decimal.localcontext(D):
        zs = [decimal.Decimal(float(v)) for v in z]
        total = sum(v.exp() for v in zs)
        return float(-(zs[k].exp() / total).ln())


SUBNORMAL = 2.0**-1074  # float64's smallest positive number


def assert_close(got, expected, rel):
    """``got`` within ``rel`` of ``expected`` relatively, with no absolute floor, so that a tiny
    expected value (4e-18) never passes on 0. Below float64's normal range (2.2e-308) only absolute
    accuracy is possible: within two subnormal steps, and non-zero when ``expected`` is."""
    got, expected = float(got), float(expected)
    if expected >= sys.float_info.min:
        assert math.isclose(got, expected, rel_tol=rel, abs_tol=0), (got, expected)
    else:
        assert abs(got - expected) <= 2 * SUBNORMAL and (got > 0) == (expected > 0), (got, expected)


# -- binary cross-entropy ------------------------------------------------------------------------


def test_bce_on_logits_z40_is_not_zero():
    J = costs.cost("bce", np.array([[40.0]]), None, np.array([[1.0]]))
    assert float(J) == pytest.approx(math.log1p(math.exp(-40)), rel=1e-12, abs=0)
    assert float(J) == pytest.approx(4.248354255291589e-18, rel=1e-12, abs=0)
    # the same loss the other way round: label 0, logit -40
    J = costs.cost("bce", np.array([[-40.0]]), None, np.array([[0.0]]))
    assert float(J) == pytest.approx(_bce_exact(-40.0, 0.0), rel=1e-15, abs=0)


@pytest.mark.parametrize("y", [0.0, 1.0, 0.25, 0.5, 0.9])
@pytest.mark.parametrize("z", [-745.0, -700.0, -300.0, -40.0, -36.7, -5.0, -1e-8, 0.0, 1e-300, 1e-8, 0.3, 5.0, 20.0,
                               36.7, 40.0, 100.0, 300.0, 700.0])
def test_bce_exact_to_1e_12_wherever_float64_can_represent_it(z, y):
    expected = _bce_exact(z, y)
    got = float(costs.cost("bce", np.array([[z]]), None, np.array([[y]])))
    assert_close(got, expected, rel=1e-12)


def test_bce_small_costs_keep_their_digits():
    """Costs of well-classified examples, where log(1 + e^-z) computed as such keeps no digit."""
    for z in (20.0, 36.7, 40.0, 100.0, 700.0):
        for zz, y in ((z, 1.0), (-z, 0.0)):
            got = costs.cost("bce", np.array([[zz]]), None, np.array([[y]]))
            assert_close(got, _bce_exact(zz, y), rel=4e-16)


# -- softmax cross-entropy -----------------------------------------------------------------------


@pytest.mark.parametrize("z", [1e8, 1e12, 1e16, 1e300, -1e300, 1.7e308, 0.0])
def test_cross_entropy_of_tied_logits_is_log_k(z):
    for k in (2, 3, 10):
        Z = np.full((k, 1), z)
        for label in (0, k - 1):
            Y = np.zeros((k, 1))
            Y[label] = 1
            with warnings.catch_warnings():
                warnings.simplefilter("error")
                assert float(costs.cost("cross_entropy", Z, None, Y)) == pytest.approx(math.log(k), rel=1e-15)


def test_cross_entropy_against_the_definition():
    rng = np.random.default_rng(0)
    for scale in (1e-3, 1.0, 30.0, 1e4):
        Z = rng.standard_normal((5, 7)) * scale
        labels = rng.integers(0, 5, 7)
        Y = np.eye(5)[:, labels]
        expected = sum(_ce_exact(Z[:, i], labels[i]) for i in range(7)) / 7
        assert float(costs.cost("cross_entropy", Z, None, Y)) == pytest.approx(expected, rel=1e-12, abs=0)


# Margins t of the label's logit over the others, up to where e^-t leaves float64 (745). The other
# logits are 0 and multiples of -1/4, so every difference z_j - z_k is exact in float64: what is
# left is the error of the cost itself.
MARGINS = [0.0, 1e-8, 0.5, 1.0, 5.0, 20.0, 36.7, 40.0, 100.0, 300.0, 700.0, 708.0, 709.5, 730.0, 745.0]


def _logits(t, K, dtype=np.float64):
    z = np.zeros(K, dtype=dtype)
    z[:-2] = -0.25 * np.arange(1, K - 1)
    z[-1] = t
    return z


@pytest.mark.parametrize("K", [2, 3, 10])
@pytest.mark.parametrize("t", MARGINS)
def test_cross_entropy_to_a_few_ulps_at_any_margin(t, K):
    """-log softmax(z)_k against decimal at 450 digits: the label at the top by t (the cost is
    log(1 + e^-t + ...), 4.25e-18 at t = 40, not 0) and the label at the bottom (the cost is about
    t): float64 within 4 ulps (rel 9e-16), subnormal costs within two subnormal steps."""
    z = _logits(t, K)
    for k in (K - 1, 0):
        Y = np.zeros((K, 1))
        Y[k] = 1.0
        got = costs.cost("cross_entropy", z[:, None], None, Y)
        assert_close(got, _ce_exact(z, k), rel=9e-16)


def test_cross_entropy_at_margin_40_is_the_bce_value_not_zero():
    Z, Y = np.array([[0.0], [40.0]]), np.array([[0.0], [1.0]])
    assert float(costs.cost("cross_entropy", Z, None, Y)) == pytest.approx(4.248354255291589e-18, rel=4e-16, abs=0)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_cross_entropy_of_two_logits_is_bce_exactly(dtype):
    """Softmax over [0, z] is sigmoid(z): the cross-entropy of label 1 (0) is the BCE of z with
    y = 1 (0), the same number, at every z, seed axis and batch included."""
    z = np.concatenate([-np.geomspace(1e-8, 740, 60), [0.0], np.geomspace(1e-8, 740, 60)]).astype(dtype)
    S, m = 3, z.size
    Z = np.stack([np.zeros((S, m), dtype), np.broadcast_to(z, (S, m))], axis=1)  # (S, 2, m)
    for label in (0.0, 1.0):
        Y = np.stack([np.full(m, 1 - label), np.full(m, label)]).astype(dtype)
        for i in range(m):
            ce = costs.cost("cross_entropy", Z[:, :, i:i + 1], None, Y[:, i:i + 1])
            bce = costs.cost("bce", Z[:, 1:, i:i + 1], None, Y[1:, i:i + 1])
            assert ce.dtype == bce.dtype == dtype
            np.testing.assert_array_equal(ce, bce)
        np.testing.assert_array_equal(costs.cost("cross_entropy", Z, None, Y), costs.cost("bce", Z[:, 1:], None, Y[1:]))


F32_EPS = 2.0**-23


@pytest.mark.parametrize("t", [0.0, 0.5, 1.0, 5.0, 20.0, 36.75, 40.0, 60.0, 80.0])
def test_float32_cross_entropy_to_float32_ulps(t):
    """A float32 network's cost: within 4 float32 ulps of the exact cost of its float32 logits
    (margin 20: 2.06e-9, not 0), wherever the cost is a normal float32 (t < 87)."""
    z = _logits(t, 3, np.float32)
    for k in (2, 0):
        Y = np.zeros((3, 1), np.float32)
        Y[k] = 1
        got = costs.cost("cross_entropy", z[:, None], None, Y)
        assert got.dtype == np.float32
        assert math.isclose(float(got), _ce_exact(z, k), rel_tol=4 * F32_EPS, abs_tol=0)


def test_cross_entropy_per_seed_and_example_against_decimal():
    """Shapes (S, K, m): each seed's mean over its examples, each example against decimal."""
    rng = np.random.default_rng(8)
    S, K, m = 4, 5, 6
    Z = rng.integers(-160, 160, (S, K, m)) * 0.25  # quarter-integers: exact differences
    Z[:, 2, :3] += 60.0  # well-classified examples of label 2
    labels = rng.integers(0, K, m)
    labels[:3] = 2
    Y = np.eye(K)[:, labels]
    got = costs.cost("cross_entropy", Z, None, Y)
    assert got.shape == (S,)
    for s in range(S):
        expected = math.fsum(_ce_exact(Z[s, :, i], labels[i]) for i in range(m)) / m
        assert got[s] == pytest.approx(expected, rel=4e-15, abs=0)


def test_cross_entropy_far_apart_logits_without_warnings():
    Z = np.array([[1.5e308], [-1.5e308]])  # z_1 - z_2 overflows
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert float(costs.cost("cross_entropy", Z, None, np.array([[1.0], [0.0]]))) == 0.0
        assert float(costs.cost("cross_entropy", Z, None, np.array([[0.0], [1.0]]))) == math.inf


# -- labels --------------------------------------------------------------------------------------


CE_Z = np.zeros((3, 2))


@pytest.mark.parametrize("Y, match", [
    (np.array([[1.0, 0], [1, 0], [0, 1]]), r"one-hot columns .* column 0 is \[1. 1. 0.\]"),
    (np.array([[1.0, 0], [0, 0], [0, 0]]), r"column 1 is \[0. 0. 0.\]"),
    (np.array([[0.5, 1], [0.5, 0], [0, 0]]), r"column 0 is \[0.5 0.5 0. \]"),
    (np.array([[2.0, 1], [-1, 0], [0, 0]]), r"column 0"),
])
def test_cross_entropy_labels_must_be_one_hot(Y, match):
    with pytest.raises(ValueError, match=match):
        costs.cost("cross_entropy", CE_Z, None, Y)
    with pytest.raises(ValueError, match=match):
        costs.gradient("cross_entropy", "softmax", CE_Z, None, Y)
    net = Network([2, 3], ["softmax"], rng=np.random.default_rng(0))
    X = np.zeros((2, 2))
    for call in (lambda: net.cost(X, Y, "cross_entropy"), lambda: net.step(X, Y, "cross_entropy", 0.1),
                 lambda: train(net, X, Y, "cross_entropy", lr=0.1),
                 lambda: net.backward(*net.forward(X), Y, "cross_entropy")):
        with pytest.raises(ValueError, match=match):
            call()


@pytest.mark.parametrize("y", [-0.5, 1.5, 2.0])
def test_bce_labels_must_lie_in_0_1(y):
    with pytest.raises(ValueError, match=f"bce needs targets in \\[0, 1\\].*{y}"):
        costs.cost("bce", np.zeros((1, 2)), None, np.array([[0.0, y]]))


def test_softmax_output_needs_two_units():
    with pytest.raises(ValueError, match=r"softmax output needs at least 2 units .* n\[L\] = 1"):
        Network([2, 3, 1], ["tanh", "softmax"], rng=np.random.default_rng(0))
    with pytest.raises(ValueError, match="cross_entropy needs at least 2 output units"):
        costs.cost("cross_entropy", np.zeros((1, 4)), None, np.ones((1, 4)))


SHAPES = [((3, 5), (5, 3)), ((3, 5), (1, 5)), ((3, 5), (3, 1)), ((3, 5), (3, 6)), ((3, 5), (3,)),
          ((2, 3, 5), (2, 3, 5)), ((1, 5), (5,)), ((1, 5), (1, 1, 5))]


@pytest.mark.parametrize("name, g", [("bce", "sigmoid"), ("cross_entropy", "softmax"), ("mse", "identity"),
                                     ("mse", "softmax")])
@pytest.mark.parametrize("zshape, yshape", SHAPES)
def test_every_cost_function_rejects_labels_of_another_shape(name, g, zshape, yshape):
    """No broadcasting: Y must be (n_L, m), the output's shape without the seed axis."""
    Z = np.zeros(zshape)
    A = activations.forward(g, Z)
    Y = np.zeros(yshape)
    if Y.ndim >= 2:
        Y[..., 0, :] = 1  # one-hot where the shape allows it
    for call in (lambda: costs.cost(name, Z, A, Y), lambda: costs.gradient(name, g, Z, A, Y),
                 lambda: costs.check_targets(name, Z, A, Y)):
        with pytest.raises(ValueError, match=r"Y has shape .*; expected the output's shape"):
            call()


def test_cost_functions_reject_an_output_activation_of_another_shape():
    with pytest.raises(ValueError, match=r"A has shape \(1, 4\); expected the shape of Z, \(1, 5\)"):
        costs.cost("mse", np.zeros((1, 5)), np.zeros((1, 4)), np.zeros((1, 5)))
    with pytest.raises(ValueError, match="mse needs the output activation A"):
        costs.cost("mse", np.zeros((1, 5)), None, np.zeros((1, 5)))


# -- m = 0 ---------------------------------------------------------------------------------------


def test_zero_examples_raise_a_value_error_naming_m_from_every_entry_point():
    net = Network([2, 3, 1], ["tanh", "sigmoid"], rng=np.random.default_rng(0), seeds=2)
    X, Y = np.zeros((2, 0)), np.zeros((1, 0))
    ok_Z, ok_A = net.forward(np.zeros((2, 1)))
    calls = {
        "forward": lambda: net.forward(X),
        "predict": lambda: net.predict(X),
        "cost": lambda: net.cost(X, Y, "bce"),
        "backward": lambda: net.backward([None, np.zeros((2, 3, 0)), np.zeros((2, 1, 0))],
                                         [X, np.zeros((2, 3, 0)), np.zeros((2, 1, 0))], Y, "bce"),
        "step": lambda: net.step(X, Y, "bce", 0.1),
        "train": lambda: train(net, X, Y, "bce", lr=0.1),
        "train mini-batches": lambda: train(net, X, Y, "bce", lr=0.1, batch_size=10, rng=np.random.default_rng(0)),
        "costs.cost": lambda: costs.cost("bce", np.zeros((1, 0)), None, Y),
        "costs.gradient": lambda: costs.gradient("bce", "sigmoid", np.zeros((1, 0)), None, Y),
    }
    for name, call in calls.items():
        with pytest.raises(ValueError, match=r"m = 0 examples"):
            call()
    assert ok_A[-1].shape == (2, 1, 1)  # one example is fine


# -- overflow --------------------------------------------------------------------------------------


@pytest.mark.parametrize("acts, cost", [(["identity", "identity", "identity"], "mse"),
                                        (["relu", "relu", "sigmoid"], "bce"),
                                        (["tanh", "tanh", "softmax"], "cross_entropy"),
                                        (["sigmoid", "identity", "softmax"], "mse")])
def test_forward_and_cost_on_an_overflowing_initialization_warn_nothing(acts, cost):
    rng = np.random.default_rng(0)
    net = Network([4, 50, 50, 3], acts, "normal", rng=rng, seeds=2)
    for l in (1, 2, 3):
        net.W[l][1] *= 1e200  # seed 0 sane, seed 1 overflows
    X = rng.standard_normal((4, 6)) * 1e110  # seed 1: |Z[1]| ~ 1e310 overflows
    Y = np.eye(3)[:, rng.integers(0, 3, 6)]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # any RuntimeWarning fails
        Z, A = net.forward(X)
        J = net.cost(X, Y, cost)
        g = net.backward(Z, A, Y, cost)
        P = net.predict(X)
    assert not all(np.isfinite(z[1]).all() for z in Z[1:])
    assert np.isfinite(J[0]) and np.isfinite(P[0]).all()
    assert g.dW[1].shape == net.W[1].shape


def test_huge_logits_alone_keep_the_cost_finite():
    net = Network([1, 2], ["softmax"], rng=np.random.default_rng(0))
    net.W[1][0] = [[1e300], [-1e300]]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        J = net.cost(np.array([[1.0]]), np.array([[1.0], [0.0]]), "cross_entropy")
    assert J[0] == 0.0


# -- a custom initializer -------------------------------------------------------------------------


@pytest.mark.parametrize("make, received", [
    (lambda shape, rng: np.zeros(shape[1:]), "(3, 2)"),                      # no seed axis
    (lambda shape, rng: np.zeros(shape).transpose(0, 2, 1), "(1, 2, 3)"),    # (S, n_in, n_out)
    (lambda shape, rng: np.zeros(shape[::-1]), "(2, 3, 1)"),
    (lambda shape, rng: 0.5, "()"),
])
def test_custom_initializer_of_the_wrong_shape_is_caught_at_construction(make, received):
    with pytest.raises(ValueError, match=re.escape(f"the initializer returned shape {received} for layer 1; "
                                                   "expected (S, n[1], n[0]) = (1, 3, 2)")):
        Network([2, 3, 1], ["tanh", "sigmoid"], make, rng=np.random.default_rng(0))


def test_custom_initializer_transposed_on_square_layers_is_caught():
    # (n, n) weights without the seed axis used to broadcast over the seeds and train unnoticed.
    def draw(shape, rng):
        return rng.standard_normal(shape[1:]).T
    with pytest.raises(ValueError, match=re.escape("shape (4, 4) for layer 1; expected (S, n[1], n[0]) = (2, 4, 4)")):
        Network([4, 4, 4], ["tanh", "tanh"], draw, rng=np.random.default_rng(0), seeds=2)


def test_custom_initializer_second_layer_and_bad_values():
    calls = []

    def draw(shape, rng):
        calls.append(shape)
        return np.zeros(shape if len(calls) == 1 else (shape[0], shape[2], shape[1]))
    with pytest.raises(ValueError, match=re.escape("layer 2; expected (S, n[2], n[1]) = (1, 1, 3)")):
        Network([2, 3, 1], ["tanh", "sigmoid"], draw, rng=np.random.default_rng(0))
    with pytest.raises(ValueError, match="non-finite weights for layer 1"):
        Network([2, 3, 1], ["tanh", "sigmoid"], lambda s, r: np.full(s, np.nan), rng=np.random.default_rng(0))
    with pytest.raises(ValueError, match="dtype complex128 for layer 1"):
        Network([2, 3, 1], ["tanh", "sigmoid"], lambda s, r: np.zeros(s, complex), rng=np.random.default_rng(0))


def test_the_network_owns_its_weights():
    shared = np.ones((1, 3, 2))
    net = Network([2, 3], ["identity"], lambda s, r: shared, rng=np.random.default_rng(0))
    net.W[1][...] = 5.0
    assert (shared == 1).all()


# -- activations ------------------------------------------------------------------------------------


def test_activation_backward_rejects_broadcasting():
    z = np.zeros((3, 4))
    with pytest.raises(ValueError, match=r"same shape, got \(3, 4\), \(3, 4\) and \(1, 4\)"):
        activations.backward("tanh", z, np.tanh(z), np.ones((1, 4)))
    with pytest.raises(ValueError, match="softmax needs Z with units on axis -2"):
        activations.forward("softmax", np.zeros(3))


@pytest.mark.parametrize("name", sorted(activations.ACTIVATIONS))
def test_activations_of_non_finite_input_warn_nothing(name):
    z = np.array([[np.inf, -np.inf, np.nan, 1e308], [np.inf, 0.0, 1.0, -1e308]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        a = activations.forward(name, z)
        activations.backward(name, z, a, np.full_like(z, np.inf))
    assert a.shape == z.shape


def test_cost_functions_take_nested_lists_like_arrays():
    expected = math.log(2) + math.log1p(math.e)  # z = 0, y = 0 and z = 1, y = 0
    assert float(costs.cost("bce", [[0.0, 1.0]], None, [[0.0, 0.0]])) == pytest.approx(expected / 2, rel=1e-15)
    np.testing.assert_array_equal(costs.gradient("bce", "sigmoid", [[0.0]], None, [[1.0]]), [[-0.5]])


def test_inputs_per_seed_must_match_the_seed_count():
    net = Network([2, 1], ["sigmoid"], rng=np.random.default_rng(0), seeds=3)
    with pytest.raises(ValueError, match=r"X has shape \(2, 2, 5\): inputs per seed need \(S, n\[0\], m\) with S = 3"):
        net.forward(np.zeros((2, 2, 5)))

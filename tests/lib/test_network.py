"""Network, activations, costs and training against independent references."""

import itertools
import math

import numpy as np
import pytest

from xavier import activations, costs, datasets
from xavier.network import Network, train

HIDDEN = ["identity", "tanh", "relu", "sigmoid"]
# (cost, output activation): every pairing the library accepts.
OUTPUTS = [("bce", "sigmoid"), ("cross_entropy", "softmax")] + [
    ("mse", g) for g in ["identity", "tanh", "relu", "sigmoid", "softmax"]
]


def _targets(cost, n_out, m, rng):
    if cost == "cross_entropy":
        return np.eye(n_out)[:, rng.integers(0, n_out, m)]
    if cost == "bce":
        return rng.integers(0, 2, (n_out, m)).astype(float)
    return rng.standard_normal((n_out, m))


def _rel_err(a, b):
    return np.linalg.norm(a - b) / max(np.linalg.norm(a) + np.linalg.norm(b), 1e-300)


def _numeric_grad(f, P, eps=1e-6):
    """Central differences of the scalar f() with respect to every entry of P (changed in place)."""
    G = np.zeros_like(P)
    for i in np.ndindex(P.shape):
        old = P[i]
        P[i] = old + eps
        up = f()
        P[i] = old - eps
        down = f()
        P[i] = old
        G[i] = (up - down) / (2 * eps)
    return G


@pytest.mark.parametrize("hidden,out", list(itertools.product(HIDDEN, OUTPUTS)))
def test_backward_matches_finite_differences(hidden, out):
    cost, g_out = out
    rng = np.random.default_rng(hash((hidden, cost, g_out)) % 2**32)
    sizes = [3, 5, 4, 3]
    net = Network(sizes, [hidden, hidden, g_out], "xavier_normal", rng=rng, seeds=2)
    for l in range(1, net.L + 1):  # non-zero biases, so db is tested too
        net.b[l][...] = 0.1 * rng.standard_normal(net.b[l].shape)
    X = rng.standard_normal((3, 7))
    Y = _targets(cost, 3, 7, rng)
    Z, A = net.forward(X)
    g = net.backward(Z, A, Y, cost, input_grad=True)
    for s in range(net.S):
        # Each seed's gradient is the gradient of that seed's own cost.
        def J(s=s):
            return float(net.cost(X, Y, cost)[s])

        for l in range(1, net.L + 1):
            assert _rel_err(g.dW[l][s], _numeric_grad(J, net.W[l][s])) < 1e-6
            assert _rel_err(g.db[l][s], _numeric_grad(J, net.b[l][s])) < 1e-6
    # dA[0]: the input is shared by the seeds, so the numeric gradient is of the sum of costs.
    num = _numeric_grad(lambda: float(net.cost(X, Y, cost).sum()), X)
    assert _rel_err(g.dA[0].sum(axis=0), num) < 1e-6


def test_cost_formulas_against_direct_evaluation():
    rng = np.random.default_rng(3)
    Z = rng.standard_normal((2, 4, 9)) * 3
    Y = np.eye(4)[:, rng.integers(0, 4, 9)]
    P = np.exp(Z) / np.exp(Z).sum(axis=1, keepdims=True)
    direct = -(Y * np.log(P)).sum(axis=(1, 2)) / 9
    np.testing.assert_allclose(costs.cost("cross_entropy", Z, P, Y), direct, rtol=1e-12)
    z = Z[:, :1]
    y = rng.integers(0, 2, (1, 9)).astype(float)
    a = 1 / (1 + np.exp(-z))
    direct = -(y * np.log(a) + (1 - y) * np.log(1 - a)).sum(axis=(1, 2)) / 9
    np.testing.assert_allclose(costs.cost("bce", z, a, y), direct, rtol=1e-12)
    np.testing.assert_allclose(costs.cost("mse", z, a, y), ((a - y) ** 2).sum(axis=(1, 2)) / 18, rtol=1e-12)


def test_costs_stay_finite_at_extreme_logits():
    Z = np.array([[[1e4, -1e4, 0.0]]])
    Y = np.array([[0.0, 1.0, 1.0]])
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        J = costs.cost("bce", Z, activations.sigmoid(Z), Y)
        np.testing.assert_allclose(J, [(1e4 + 1e4 + np.log(2)) / 3])
        Z2 = np.array([[[1e4], [-1e4]]])
        J2 = costs.cost("cross_entropy", Z2, activations.softmax(Z2), np.array([[0.0], [1.0]]))
        np.testing.assert_allclose(J2, [2e4])


@pytest.mark.parametrize("name", ["identity", "tanh", "relu", "sigmoid"])
def test_elementwise_derivatives(name):
    z = np.linspace(-3, 3, 13) + 0.05  # avoid relu's kink at 0
    a = activations.forward(name, z)
    eps = 1e-6
    num = (activations.forward(name, z + eps) - activations.forward(name, z - eps)) / (2 * eps)
    np.testing.assert_allclose(activations.backward(name, z, a, np.ones_like(z)), num, rtol=1e-7, atol=1e-10)


def test_seeds_are_independent_draws_and_match_single_networks():
    rng = np.random.default_rng(5)
    net = Network([4, 8, 2], ["tanh", "softmax"], rng=rng, seeds=3)
    assert not np.allclose(net.W[1][0], net.W[1][1])
    X = rng.standard_normal((4, 6))
    Y = np.eye(2)[:, rng.integers(0, 2, 6)]
    stacked = net.cost(X, Y, "cross_entropy")
    for s in range(3):
        one = Network([4, 8, 2], ["tanh", "softmax"], "zeros", rng=rng)
        one.W = [None] + [W[s : s + 1].copy() for W in net.W[1:]]
        one.b = [None] + [b[s : s + 1].copy() for b in net.b[1:]]
        assert one.cost(X, Y, "cross_entropy")[0] == pytest.approx(stacked[s], rel=1e-14)


# -- section I: symmetry ------------------------------------------------------------------


@pytest.mark.parametrize("alpha", [0.2, 0.5, 2.0])
def test_constant_initialization_keeps_hidden_units_identical(alpha):
    rng = np.random.default_rng(1)
    X, Y = datasets.playground("circle", rng)
    net = Network([2, 6, 3, 1], ["relu", "relu", "sigmoid"], "constant", rng=rng,
                  init_kwargs={"value": alpha})

    def rows_identical(step, net):
        # Identical up to floating-point rounding: BLAS may sum equal rows in different orders.
        return all(np.allclose(net.W[l][0], net.W[l][0, :1], rtol=1e-12, atol=1e-15) for l in (1, 2)) and all(
            np.allclose(net.b[l][0], net.b[l][0, 0], rtol=1e-12, atol=1e-15) for l in (1, 2)
        )

    h = train(net, X, Y, "bce", lr=0.1, epochs=50, callback=rows_identical)
    assert all(ok for _, ok in h.records)
    assert len(h.records) == 51
    # ...while the weights did move.
    assert not np.allclose(net.W[1], alpha)


def test_random_initialization_breaks_symmetry():
    rng = np.random.default_rng(1)
    X, Y = datasets.playground("circle", rng)
    net = Network([2, 6, 3, 1], ["relu", "relu", "sigmoid"], "xavier_normal", rng=rng)
    train(net, X, Y, "bce", lr=0.1, epochs=50)
    assert np.ptp(net.W[1][0], axis=0).min() > 1e-3


def test_zero_initialization_moves_only_the_output_bias():
    rng = np.random.default_rng(2)
    X, Y = datasets.playground("gaussian", rng)
    Y = Y.copy()
    Y[0, :30] = 1.0  # unbalanced labels, so the output bias has a gradient to follow
    net = Network([2, 6, 3, 1], ["relu", "relu", "sigmoid"], "zeros", rng=rng)
    train(net, X, Y, "bce", lr=0.1, epochs=100)
    for l in (1, 2, 3):
        assert np.all(net.W[l] == 0)
    assert np.all(net.b[1] == 0) and np.all(net.b[2] == 0)
    # The bias alone fits the base rate: sigmoid(b) -> mean(Y).
    p = 1 / (1 + np.exp(-net.b[3][0, 0, 0]))
    assert p > 0.5 and abs(p - Y.mean()) < abs(0.5 - Y.mean())


# -- training -----------------------------------------------------------------------------


@pytest.mark.parametrize("name", datasets.PLAYGROUND)
def test_training_lowers_the_cost_on_every_playground_dataset(name):
    rng = np.random.default_rng(7)
    X, Y = datasets.playground(name, rng)
    net = Network([2, 6, 3, 1], ["relu", "relu", "sigmoid"], "xavier_normal", rng=rng, seeds=8)
    h = train(net, X, Y, "bce", lr=0.1, epochs=300)
    assert not h.diverged.any()
    assert np.median(h.cost[-1]) < 0.75 * np.median(h.cost[0])
    np.testing.assert_allclose(net.cost(X, Y, "bce"), h.cost[-1], rtol=0.05)


def test_minibatches_cover_every_example_once_per_epoch():
    rng = np.random.default_rng(0)
    X = np.arange(10.0)[None, :].repeat(2, axis=0)
    seen = []

    class Spy(Network):
        def step(self, X, Y, cost, lr, alive=None, **kwargs):
            seen.append(X[0].copy())
            return super().step(X, Y, cost, lr, alive, **kwargs)

    net = Spy([2, 1], ["sigmoid"], "zeros", rng=rng)
    h = train(net, X, np.ones((1, 10)), "bce", lr=0.1, epochs=2, batch_size=4, rng=rng)
    assert [len(b) for b in seen] == [4, 4, 2, 4, 4, 2]
    assert sorted(np.concatenate(seen[:3])) == list(range(10))
    assert h.cost.shape == (6, 1)


def test_huge_initialization_is_reported_as_divergence_not_warnings():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((2, 64)) * 5
    Y = (X[:1] > 0) * 1.0
    net = Network([2, 32, 32, 1], ["identity", "identity", "identity"], "normal", rng=rng, seeds=4,
                  init_kwargs={"std": 30.0})
    h = train(net, X, Y, "mse", lr=0.1, epochs=50)  # runs under -W error: any RuntimeWarning fails
    assert h.diverged.all()
    assert np.all(h.diverged_at >= 0)
    assert np.isnan(h.cost[-1]).all()
    assert h.epochs < 50


def test_mnist_standard_normal_trains_or_diverges_quietly():
    rng = np.random.default_rng(0)
    X, labels = datasets.load_digits()
    X, Y = X[:, :1000], datasets.one_hot(labels[:1000])
    net = Network([784, 300, 300, 300, 300, 10], ["tanh"] * 4 + ["softmax"], "normal", rng=rng)
    h = train(net, X, Y, "cross_entropy", lr=0.1, epochs=1, batch_size=100, rng=rng)
    assert h.cost.shape == (10, 1)
    assert h.diverged[0] or np.isfinite(h.cost).all()


# -- bad input ----------------------------------------------------------------------------


def _net():
    return Network([2, 3, 1], ["relu", "sigmoid"], rng=np.random.default_rng(0))


@pytest.mark.parametrize(
    "kwargs,match",
    [
        (dict(sizes=[2]), r"sizes .*\(2,\)"),
        (dict(sizes=[2, 0, 1]), r"sizes .*\(2, 0, 1\)"),
        (dict(activations=["relu"]), r"one name per layer \(2"),
        (dict(activations="relu"), r"one name per layer"),
        (dict(activations=["softmax", "sigmoid"]), r"softmax is for the output layer"),
        (dict(activations=["relu", "gelu"]), r"'gelu'.*identity, relu, sigmoid, softmax, tanh"),
        (dict(init="kaiming"), r"'kaiming'"),
        (dict(seeds=0), r"seeds .* 0"),
    ],
)
def test_network_arguments_are_checked(kwargs, match):
    args = dict(sizes=[2, 3, 1], activations=["relu", "sigmoid"], rng=np.random.default_rng(0))
    args.update(kwargs)
    with pytest.raises(ValueError, match=match):
        Network(args.pop("sizes"), args.pop("activations"), **args)


X0, Y0 = np.zeros((2, 5)), np.zeros((1, 5))


@pytest.mark.parametrize(
    "X,Y,kwargs,match",
    [
        (np.zeros((3, 5)), Y0, {}, r"X has 3 rows .* n\[0\] = 2"),
        (X0, np.zeros((5, 1)), {}, r"Y has shape \(5, 1\); expected \(1, 5\)"),
        (X0, np.zeros(5), {}, r"Y has shape \(5,\)"),
        (np.full((2, 5), np.nan), Y0, {}, r"X must be finite, got nan \(one of its entries\)"),
        (X0, np.full((1, 5), np.inf), {}, r"Y must be finite, got inf \(one of its entries\)"),
        (X0, Y0, dict(lr=0.0), r"lr must be a finite number > 0, got 0.0"),
        (X0, Y0, dict(lr=-1), r"lr .* -1"),
        (X0, Y0, dict(batch_size=0), r"batch_size .* got 0"),
        (X0, Y0, dict(batch_size=2), r"pass rng"),
        (X0, Y0, dict(cost="hinge"), r"unknown cost 'hinge'; valid choices: bce, cross_entropy, mse"),
        (X0, Y0, dict(cost="cross_entropy"), r"'cross_entropy' needs output activation 'softmax'"),
    ],
)
def test_training_input_is_checked(X, Y, kwargs, match):
    args = dict(cost="bce", lr=0.1)
    args.update(kwargs)
    with pytest.raises(ValueError, match=match):
        train(_net(), X, Y, args.pop("cost"), **args)


# -- relu'(0) ---------------------------------------------------------------------------------------


def test_relu_derivative_at_zero_is_zero():
    z = np.array([[-1.0, 0.0, -0.0, 1e-300]])
    np.testing.assert_array_equal(activations.backward("relu", z, activations.forward("relu", z), np.ones_like(z)),
                                  [[0.0, 0.0, 0.0, 1.0]])
    # In a network: a hidden ReLU unit sitting exactly at z = 0 passes no gradient to its weights,
    # by backward() and by the fused step alike, while the output layer still learns.
    X = np.array([[1.0, -2.0, 3.0]])
    Y = np.array([[1.0, 0.0, 1.0]])
    net = Network([1, 1, 1], ["relu", "sigmoid"], "zeros", rng=np.random.default_rng(0))
    net.W[2][...] = 1.0
    g = net.backward(*net.forward(X), Y, "bce")
    assert g.dW[1][0, 0, 0] == 0.0 and g.db[1][0, 0, 0] == 0.0
    assert g.db[2][0, 0, 0] != 0.0
    net.step(X, Y, "bce", 0.5)
    assert net.W[1][0, 0, 0] == 0.0 and net.b[1][0, 0, 0] == 0.0 and net.b[2][0, 0, 0] != 0.0


# -- diverged_at ------------------------------------------------------------------------------------


def test_diverged_at_is_the_first_step_with_a_non_finite_cost():
    """One identity unit, x = 1, y = 0, mse: with s = w + b, J = s^2 / 2 and dJ/dw = dJ/db = s, so
    a step multiplies s by 1 - 2 lr = -1e10. Seed 0 starts at s = 1: the cost before step t is
    10^(20 t) / 2, and the first one beyond float64 is found with exact fractions. Seed 1 starts at
    s = 0 and never moves."""
    import fractions
    import itertools
    import sys

    largest = fractions.Fraction(sys.float_info.max)
    expected = next(t for t in itertools.count() if fractions.Fraction(10) ** (20 * t) / 2 > largest)
    net = Network([1, 1], ["identity"], "zeros", rng=np.random.default_rng(0), seeds=2)
    net.W[1][0] = 1.0
    h = train(net, np.ones((1, 1)), np.zeros((1, 1)), "mse", lr=(1 + 1e10) / 2, epochs=40)
    assert expected == 16
    assert h.diverged_at.tolist() == [expected, -1]
    assert h.diverged.tolist() == [True, False]
    assert np.isfinite(h.cost[:expected, 0]).all() and np.isnan(h.cost[expected:, 0]).all()
    assert h.cost[expected - 1, 0] == pytest.approx(0.5 * 1e300, rel=1e-6)
    assert (h.cost[:, 1] == 0).all() and h.cost.shape == (40, 2)
    # Frozen, not restored: seed 0 keeps what step 16's update left, s = (-1e10)^17, and nothing later.
    assert net.W[1][0, 0, 0] + net.b[1][0, 0, 0] == pytest.approx(-1e170, rel=1e-6)


def test_diverged_at_counts_weights_that_overflow_while_the_cost_is_finite():
    """x = 1, y = 0; a hidden identity unit with w1 = 1e300 and a sigmoid output with w2 = 1e-300, so
    z2 = 1 and the cost log(1 + e) is finite. The output's gradient is dw2 = sigma(1) * 1e300, and
    with lr = 1e10 the update takes w2 to -inf at step 0, although step 0's cost was finite."""
    net = Network([1, 1, 1], ["identity", "sigmoid"], "zeros", rng=np.random.default_rng(0), seeds=3)
    for s in range(3):
        net.W[1][s] = 1e300 if s < 2 else 1.0
        net.W[2][s] = 1e-300 if s < 2 else 1.0
    net.W[1][1] = 1.0  # seed 1: w1 = 1, w2 = 1e-300, a tiny finite gradient
    h = train(net, np.ones((1, 1)), np.zeros((1, 1)), "bce", lr=1e10, epochs=3)
    assert h.diverged_at.tolist() == [0, -1, -1]
    assert h.cost[0, 0] == pytest.approx(math.log1p(math.e), rel=1e-12)  # finite before the update
    assert np.isnan(h.cost[1:, 0]).all()
    assert net.W[2][0, 0, 0] == -np.inf  # kept, not restored
    assert np.isfinite(h.cost[:, 1:]).all()


def test_weights_set_non_finite_by_hand_are_diverged_before_step_0():
    net = Network([2, 2, 1], ["tanh", "sigmoid"], rng=np.random.default_rng(0), seeds=2)
    net.W[1][1, 0, 0] = np.inf
    X = np.ones((2, 3))
    h = train(net, X, np.ones((1, 3)), "bce", lr=0.1, epochs=2)
    assert h.diverged_at.tolist() == [-1, 0] and np.isnan(h.cost[:, 1]).all()


@pytest.mark.parametrize("value, diverged", [(np.nan, True), (np.inf, True), (-np.inf, True),
                                             (np.finfo(np.float32).max, False), (-np.finfo(np.float32).max, False)])
def test_a_seed_is_diverged_exactly_when_one_of_its_entries_is_not_finite(value, diverged):
    """nan, +inf or -inf in one weight of one seed, anywhere in the matrix, marks that seed alone;
    the largest finite numbers do not (float32, where they are nearest to overflowing)."""
    net = Network([3, 4, 1], ["tanh", "sigmoid"], rng=np.random.default_rng(0), seeds=3, dtype="float32")
    net.W[1][1, 2, 1] = value
    h = train(net, np.ones((3, 2)), np.ones((1, 2)), "bce", lr=0.1, epochs=1)
    assert h.diverged.tolist() == [False, diverged, False]


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_finite_entries_whose_sum_overflows_are_not_diverged(dtype):
    """Two of the largest finite numbers in one row of seed 1's weights: their sum overflows, but
    every entry is finite, so the seed trains on (train's check adds each seed's entries first and
    must not take an overflowing sum for a non-finite entry). That unit's z is inf, tanh gives 1
    and 1 - tanh^2 = 0, so those weights get no gradient and stay as set."""
    net = Network([3, 4, 1], ["tanh", "sigmoid"], rng=np.random.default_rng(0), seeds=3, dtype=dtype)
    big = np.finfo(dtype).max
    net.W[1][1, 2, :2] = big
    h = train(net, np.ones((3, 2)), np.ones((1, 2)), "bce", lr=0.1, epochs=3)
    assert h.diverged.tolist() == [False, False, False]
    assert np.isfinite(h.cost).all()
    assert (net.W[1][1, 2, :2] == big).all()


# -- the fused step against forward / backward / update -------------------------------------------------


def _update_reference(net, X, Y, cost, lr, alive):
    """J and W <- W - lr dW, b <- b - lr db from the public forward and backward, where alive."""
    Z, A = net.forward(X)
    J = net.cost(X, Y, cost)
    g = net.backward(Z, A, Y, cost)
    for l in range(1, net.L + 1):
        net.W[l][alive] -= lr * g.dW[l][alive]
        net.b[l][alive] -= lr * g.db[l][alive]
    return J


@pytest.mark.parametrize("S", [1, 3])
@pytest.mark.parametrize("hidden,out", list(itertools.product(HIDDEN, OUTPUTS)))
def test_fused_step_equals_forward_backward_update(hidden, out, S):
    cost, g_out = out
    rng = np.random.default_rng([HIDDEN.index(hidden), OUTPUTS.index(out), S])
    n_out = 3
    X = rng.standard_normal((4, 9))
    Y = _targets(cost, n_out, 9, rng)
    if cost == "bce":
        Y = rng.uniform(0, 1, (n_out, 9))  # soft labels too
    fused = Network([4, 5, 6, n_out], [hidden, hidden, g_out], rng=rng, seeds=S)
    for l in range(1, fused.L + 1):
        fused.b[l][...] = 0.1 * rng.standard_normal(fused.b[l].shape)
    if S == 3:  # seed 1 has diverged: frozen with a non-finite weight
        fused.W[2][1, 0, 0] = np.nan
    ref = fused.copy()
    alive = np.array([True, False, True]) if S == 3 else np.array([True])
    before = [W.copy() for W in fused.W[1:]]
    for t in range(4):
        mask = None if (S == 1 and t % 2) else alive  # S = 1: with and without a mask
        J_fused = fused.step(X, Y, cost, 0.3, mask)
        with np.errstate(invalid="ignore"):  # the frozen seed's nan, in the reference only
            J_ref = _update_reference(ref, X, Y, cost, 0.3, alive)
        np.testing.assert_allclose(J_fused[alive], J_ref[alive], rtol=1e-12, atol=0)
    for l in range(1, fused.L + 1):
        np.testing.assert_allclose(fused.W[l][alive], ref.W[l][alive], rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(fused.b[l][alive], ref.b[l][alive], rtol=1e-12, atol=1e-14)
        assert np.max(np.abs(fused.W[l][alive] - before[l - 1][alive])) > 1e-4  # the weights did move
        # the frozen seed is untouched, its nan included
        np.testing.assert_array_equal(fused.W[l][~alive], before[l - 1][~alive])


def _data(cost, rng, n_in=4, n_out=3, m=9):
    X = rng.standard_normal((n_in, m))
    if cost == "cross_entropy":
        return X, np.eye(n_out)[:, rng.integers(0, n_out, m)]
    if cost == "bce":
        return X, rng.integers(0, 2, (n_out, m)).astype(float)
    return X, rng.standard_normal((n_out, m))


def _reference_step(net, X, Y, cost, lr, alive=None):
    """W <- W - lr dW from the public forward/backward, seed by seed where alive."""
    Z, A = net.forward(X)
    J = net.cost(X, Y, cost)
    g = net.backward(Z, A, Y, cost)
    keep = np.ones(net.S, bool) if alive is None else alive
    for l in range(1, net.L + 1):
        net.W[l][keep] -= lr * g.dW[l][keep]
        net.b[l][keep] -= lr * g.db[l][keep]
    return J


def test_step_one_example_and_one_output_unit():
    # Products over a single term (one example, one output unit) take the broadcasting path.
    rng = np.random.default_rng(4)
    X = rng.standard_normal((2, 1))
    Y = np.ones((1, 1))
    fast = Network([2, 4, 1], ["tanh", "sigmoid"], rng=rng, seeds=2)
    ref = fast.copy()
    for _ in range(3):
        np.testing.assert_allclose(fast.step(X, Y, "bce", 0.5), _reference_step(ref, X, Y, "bce", 0.5), rtol=1e-12)
    for l in (1, 2):
        np.testing.assert_allclose(fast.W[l], ref.W[l], rtol=1e-12, atol=1e-15)


def test_step_on_copies_and_changing_batch_shapes_keeps_networks_apart():
    # Network.step reuses arrays between calls; a copy must not write into the original's.
    rng = np.random.default_rng(5)
    X, Y = _data("bce", rng, n_out=1, m=12)
    a = Network([4, 5, 1], ["relu", "sigmoid"], rng=rng, seeds=2)
    b = a.copy()
    ref_a, ref_b = a.copy(), a.copy()
    for t in range(3):
        m = 12 if t != 1 else 7  # a shorter (last) mini-batch in between
        a.step(X[:, :m], Y[:, :m], "bce", 0.1)
        _reference_step(ref_a, X[:, :m], Y[:, :m], "bce", 0.1)
        b.step(X[:, ::-1], Y[:, ::-1], "bce", 0.2)
        _reference_step(ref_b, X[:, ::-1], Y[:, ::-1], "bce", 0.2)
    for l in (1, 2):
        np.testing.assert_allclose(a.W[l], ref_a.W[l], rtol=1e-12)
        np.testing.assert_allclose(b.W[l], ref_b.W[l], rtol=1e-12)
    assert not np.allclose(a.W[1], b.W[1])


def test_step_with_inputs_per_seed_uses_the_general_path():
    rng = np.random.default_rng(6)
    net = Network([3, 4, 2], ["tanh", "softmax"], rng=rng, seeds=2)
    X3 = rng.standard_normal((2, 3, 5))
    Y = np.eye(2)[:, rng.integers(0, 2, 5)]
    ref = net.copy()
    J = net.step(X3, Y, "cross_entropy", 0.1)
    Z, A = ref.forward(X3)
    g = ref.backward(Z, A, Y, "cross_entropy")
    assert J.shape == (2,)
    np.testing.assert_allclose(net.W[1], ref.W[1] - 0.1 * g.dW[1], rtol=1e-12)


# -- dtype: float32 networks ------------------------------------------------------------------------


@pytest.mark.parametrize("S", [1, 3])
@pytest.mark.parametrize("hidden,out", list(itertools.product(HIDDEN, OUTPUTS)))
def test_float32_fused_step_equals_forward_backward_update(hidden, out, S):
    """The fused step of a float32 network stays float32 and equals the unfused one to float32 rounding."""
    cost, g_out = out
    rng = np.random.default_rng([7, HIDDEN.index(hidden), OUTPUTS.index(out), S])
    X, Y = _data(cost, rng, m=9)
    fused = Network([4, 5, 6, 3], [hidden, hidden, g_out], rng=rng, seeds=S, dtype="float32")
    ref = fused.copy()
    for t in range(4):
        # a learning rate at which no pairing diverges: a diverging run magnifies float32 rounding
        J_fused = fused.step(X, Y, cost, 0.05)
        J_ref = _reference_step(ref, X, Y, cost, 0.05)
        assert J_fused.dtype == np.float32 and J_ref.dtype == np.float32
        np.testing.assert_allclose(J_fused, J_ref, rtol=2e-5, atol=1e-6)  # float32: eps 6e-8 per operation
    for l in range(1, fused.L + 1):
        assert fused.W[l].dtype == fused.b[l].dtype == np.float32
        np.testing.assert_allclose(fused.W[l], ref.W[l], rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(fused.b[l], ref.b[l], rtol=1e-5, atol=1e-6)


def test_float32_network_is_the_float64_one_rounded():
    """Same draw, rounded once; the forward pass agrees to float32 precision; training works."""
    rng = np.random.default_rng(11)
    X = rng.uniform(0, 1, (784, 50))
    Y = np.eye(10)[:, rng.integers(0, 10, 50)]
    sizes, acts = [784, 300, 300, 10], ["tanh", "tanh", "softmax"]
    n64 = Network(sizes, acts, rng=np.random.default_rng(3), seeds=2)
    n32 = Network(sizes, acts, rng=np.random.default_rng(3), seeds=2, dtype="float32")
    assert n64.dtype == np.float64 and n32.dtype == np.float32
    for l in range(1, 4):
        np.testing.assert_array_equal(n32.W[l], n64.W[l].astype(np.float32))
    _, A32 = n32.forward(X)
    _, A64 = n64.forward(X)
    assert all(a.dtype == np.float32 for a in A32[1:])
    np.testing.assert_allclose(A32[-1], A64[-1], rtol=1e-4, atol=1e-6)
    h32 = train(n32, X, Y, "cross_entropy", lr=0.1, epochs=5, batch_size=10, rng=np.random.default_rng(0))
    h64 = train(n64, X, Y, "cross_entropy", lr=0.1, epochs=5, batch_size=10, rng=np.random.default_rng(0))
    assert h32.cost.dtype == np.float64 and not h32.diverged.any()
    np.testing.assert_allclose(h32.cost, h64.cost, rtol=1e-3)


def test_default_dtype_is_float64_throughout():
    """Without dtype every array is float64, as before the argument existed; "float64" is the same network."""
    rng = np.random.default_rng(2)
    X, Y = rng.standard_normal((3, 8)), np.eye(2)[:, rng.integers(0, 2, 8)]
    a = Network([3, 4, 2], ["tanh", "softmax"], rng=np.random.default_rng(5))
    b = Network([3, 4, 2], ["tanh", "softmax"], rng=np.random.default_rng(5), dtype="float64")
    for _ in range(3):
        ja, jb = a.step(X, Y, "cross_entropy", 0.5), b.step(X, Y, "cross_entropy", 0.5)
        assert ja.dtype == np.float64
        np.testing.assert_array_equal(ja, jb)
    for l in (1, 2):
        assert a.W[l].dtype == a.b[l].dtype == np.float64
        np.testing.assert_array_equal(a.W[l], b.W[l])


@pytest.mark.parametrize("dtype", ["float16", "double", np.float32, None, 32])
def test_dtype_is_checked(dtype):
    with pytest.raises(ValueError, match=r"dtype must be one of float64, float32, got"):
        Network([2, 1], ["sigmoid"], rng=np.random.default_rng(0), dtype=dtype)


# -- divergence through the biases; the callback's last record ---------------------------------------


def test_a_bias_set_non_finite_by_hand_is_diverged_before_step_0():
    """A ReLU unit with bias -inf outputs 0: the cost stays finite and nothing else shows the bias."""
    net = Network([2, 3, 1], ["relu", "sigmoid"], rng=np.random.default_rng(0), seeds=2)
    net.b[1][1, 0, 0] = -np.inf
    X = np.random.default_rng(1).standard_normal((2, 4))
    assert np.isfinite(net.cost(X, np.ones((1, 4)), "bce")).all()  # the case the cost cannot see
    h = train(net, X, np.ones((1, 4)), "bce", lr=0.1, epochs=3)
    assert h.diverged_at.tolist() == [-1, 0] and h.diverged.tolist() == [False, True]
    assert np.isnan(h.cost[:, 1]).all() and np.isfinite(h.cost[:, 0]).all()


def test_a_bias_that_overflows_while_the_cost_is_finite_diverges_at_that_step():
    """Two examples x = +1 and -1, y = 0; a hidden identity unit (w1 = b1 = 0, so a1 = 0) and a
    sigmoid output with w2 = 1e300, b2 = 0: z2 = 0 and the cost is log 2 at step 0. The two
    examples' dZ1 = w2 (sigma(0) - 0) / 2 are equal, so dW1 = dZ1 . x = 0 and dW2 = dZ2 . a1 = 0,
    while db1 = 2 dZ1, and lr = 4e8 takes b1 to -inf (lr db1 = 2e308) with every weight finite."""
    net = Network([1, 1, 1], ["identity", "sigmoid"], "zeros", rng=np.random.default_rng(0), seeds=2)
    net.W[2][0] = 1e300
    net.W[2][1] = 1.0  # seed 1: db1 = 0.5, finite
    h = train(net, np.array([[1.0, -1.0]]), np.zeros((1, 2)), "bce", lr=4e8, epochs=3)
    assert h.cost[0, 0] == pytest.approx(math.log(2), rel=1e-15, abs=0)
    assert net.b[1][0, 0, 0] == -np.inf and np.isfinite(net.W[1][0]).all() and np.isfinite(net.W[2][0]).all()
    assert h.diverged_at.tolist() == [0, -1]
    assert np.isnan(h.cost[1:, 0]).all() and np.isfinite(h.cost[:, 1]).all()


@pytest.mark.parametrize("epochs, every, steps", [(5, 2, [0, 2, 4, 5]), (6, 3, [0, 3, 6]), (1, 4, [0, 1]),
                                                  (7, 1, [0, 1, 2, 3, 4, 5, 6, 7])])
def test_callback_records_step_0_every_few_steps_and_the_end(epochs, every, steps):
    """Full batch, so step t is epoch t; the last record is taken after the last update, even when
    ``every`` does not divide the number of steps, and only once when it does."""
    rng = np.random.default_rng(3)
    X, Y = rng.standard_normal((2, 20)), rng.integers(0, 2, (1, 20)) * 1.0
    net = Network([2, 3, 1], ["tanh", "sigmoid"], rng=rng)
    replay = net.copy()
    h = train(net, X, Y, "bce", lr=0.5, epochs=epochs, every=every,
              callback=lambda t, n: n.W[1].copy())
    assert [t for t, _ in h.records] == steps
    weights = {0: replay.W[1].copy()}
    for t in range(1, epochs + 1):  # the same steps replayed one at a time
        replay.step(X, Y, "bce", 0.5)
        weights[t] = replay.W[1].copy()
    for t, W in h.records:
        np.testing.assert_array_equal(W, weights[t])
    np.testing.assert_array_equal(h.records[-1][1], net.W[1])  # the last record is the trained network


def test_a_constant_start_keeps_its_hidden_units_identical_and_a_random_one_does_not():
    """Symmetry: under a constant start every hidden unit of a layer gets the same gradient, so the
    units stay equal (to rounding) while they move; a random start's units differ. The largest
    difference between units that symmetry says are equal is computed here, seed by seed."""
    from xavier.network import concatenate

    def unit_spread(net, s):
        W1, W2, W3 = (W[s] for W in net.W[1:])
        b1, b2 = net.b[1][s], net.b[2][s]
        parts = [W1 - W1[:1], b1 - b1[:1], W2 - W2[:1], W2 - W2[:, :1], b2 - b2[:1], W3 - W3[:, :1]]
        return float(max(np.abs(p).max() for p in parts))

    X, Y = datasets.playground("circle", np.random.default_rng(6))
    rng = np.random.default_rng(7)
    sizes, acts = [2, 6, 3, 1], ["relu", "relu", "sigmoid"]
    pair = concatenate([Network(sizes, acts, "constant", rng=rng, init_kwargs={"value": 0.5}),
                        Network(sizes, acts, "variance_scaling", rng=rng)])
    h = train(pair, X, Y, "bce", lr=0.1, epochs=200,
              callback=lambda t, n: (n.W[1].copy(), unit_spread(n, 0), unit_spread(n, 1)))
    const = np.array([r[0][0] for _, r in h.records])
    rand = np.array([r[0][1] for _, r in h.records])
    assert np.all(const[0] == 0.5)
    assert np.abs(const - const[:, :1]).max() < 1e-12  # six identical rows at every step
    assert np.abs(const[-1] - const[0]).max() > 1e-3  # ... which did move
    assert np.ptp(rand[-1, :, 0]) > 0.1
    spreads = np.array([r[1] for _, r in h.records])
    assert spreads.max() < 1e-12 and h.records[-1][1][2] > 0.1   # the random start's units differ

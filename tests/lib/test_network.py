"""Network, activations, costs and training against independent references."""

import itertools

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
        def step(self, X, Y, cost, lr, alive=None):
            seen.append(X[0].copy())
            return super().step(X, Y, cost, lr, alive)

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
        (np.full((2, 5), np.nan), Y0, {}, r"X contains non-finite values \(e.g. nan\)"),
        (X0, np.full((1, 5), np.inf), {}, r"Y contains non-finite values \(e.g. inf\)"),
        (X0, Y0, dict(lr=0.0), r"lr must be a positive number, got 0.0"),
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

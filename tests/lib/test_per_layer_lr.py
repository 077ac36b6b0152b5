"""Per-layer learning rates in train and Network.step (issue 22, muP), against plain-numpy updates."""

import numpy as np
import pytest

from xavier.network import Network, learning_rates, train


def _net(S, rng, acts=("tanh", "relu", "softmax"), sizes=(4, 7, 5, 3)):
    net = Network(list(sizes), list(acts), rng=rng, seeds=S)
    for l in range(1, net.L + 1):
        net.b[l][...] = 0.1 * rng.standard_normal(net.b[l].shape)
    return net


def _data(rng, m=11, n_in=4, n_out=3):
    X = rng.standard_normal((n_in, m))
    Y = np.eye(n_out)[:, rng.integers(0, n_out, m)]
    return X, Y


def _plain_step(W, b, X, Y, rates):
    """One SGD step of a tanh-relu-softmax network with cross-entropy, written out in numpy for one
    seed: W[l] <- W[l] - rates[l-1] dW[l], likewise b. Lists indexed 1..3 (index 0 unused)."""
    m = X.shape[1]
    z1 = W[1] @ X + b[1]
    a1 = np.tanh(z1)
    z2 = W[2] @ a1 + b[2]
    a2 = np.maximum(z2, 0)
    z3 = W[3] @ a2 + b[3]
    p = np.exp(z3 - z3.max(axis=0))
    p /= p.sum(axis=0)
    dz3 = (p - Y) / m
    dz2 = (W[3].T @ dz3) * (z2 > 0)
    dz1 = (W[2].T @ dz2) * (1 - a1**2)
    grads = {3: (dz3 @ a2.T, dz3.sum(1, keepdims=True)), 2: (dz2 @ a1.T, dz2.sum(1, keepdims=True)),
             1: (dz1 @ X.T, dz1.sum(1, keepdims=True))}
    newW = [None] + [W[l] - rates[l - 1] * grads[l][0] for l in (1, 2, 3)]
    newb = [None] + [b[l] - rates[l - 1] * grads[l][1] for l in (1, 2, 3)]
    return newW, newb


@pytest.mark.parametrize("S", [1, 3])
@pytest.mark.parametrize("rates", [(0.5, 0.1, 0.02), (0.3, 0.0, 0.7), (0.2, 0.4, 0.0)])
def test_one_step_matches_plain_numpy(S, rates):
    rng = np.random.default_rng([S, int(1000 * rates[0])])
    net = _net(S, rng)
    X, Y = _data(rng)
    ref = [_plain_step([None] + [W[s] for W in net.W[1:]], [None] + [v[s] for v in net.b[1:]],
                       X, Y, rates) for s in range(S)]
    train(net, X, Y, "cross_entropy", lr=list(rates), epochs=1)
    for s in range(S):
        for l in range(1, 4):
            np.testing.assert_allclose(net.W[l][s], ref[s][0][l], rtol=1e-12, atol=1e-14)
            np.testing.assert_allclose(net.b[l][s], ref[s][1][l], rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("S", [1, 4])
def test_equal_rates_are_the_scalar_run_bit_for_bit(S):
    rng = np.random.default_rng(S)
    net = _net(S, rng)
    X, Y = _data(rng, m=40)
    a, b = net.copy(), net.copy()
    ha = train(a, X, Y, "cross_entropy", lr=0.3, epochs=5, batch_size=8, rng=np.random.default_rng(1))
    hb = train(b, X, Y, "cross_entropy", lr=np.array([0.3, 0.3, 0.3]), epochs=5, batch_size=8,
               rng=np.random.default_rng(1))
    assert np.array_equal(ha.cost, hb.cost)
    for l in range(1, 4):
        assert np.array_equal(a.W[l], b.W[l]) and np.array_equal(a.b[l], b.b[l])


@pytest.mark.parametrize("frozen", [0, 1, 2])
def test_a_zero_rate_leaves_its_layer_unchanged_and_trains_the_others(frozen):
    rng = np.random.default_rng(10 + frozen)
    net = _net(2, rng)
    X, Y = _data(rng, m=30)
    before = net.copy()
    rates = [0.2, 0.2, 0.2]
    rates[frozen] = 0.0
    h = train(net, X, Y, "cross_entropy", lr=rates, epochs=20)
    for l in range(1, 4):
        same = np.array_equal(net.W[l], before.W[l]) and np.array_equal(net.b[l], before.b[l])
        assert same == (l == frozen + 1)
    assert np.all(h.cost[-1] < h.cost[0])


def test_inputs_per_seed_take_the_general_path_with_per_layer_rates():
    rng = np.random.default_rng(5)
    net = _net(2, rng)
    X, Y = _data(rng)
    Xs = np.stack([X, X])
    ref = net.copy()
    net.step(Xs, Y, "cross_entropy", [0.1, 0.0, 0.3])       # (S, n0, m): the general path
    ref.step(X, Y, "cross_entropy", [0.1, 0.0, 0.3])        # shared X: the fused path
    for l in range(1, 4):
        np.testing.assert_allclose(net.W[l], ref.W[l], rtol=1e-12, atol=1e-15)
    assert np.array_equal(net.W[2], _net(2, np.random.default_rng(5)).W[2])


@pytest.mark.parametrize("lr, message", [
    ([0.1, 0.1], r"lr has 2 per-layer values but the network has L = 3 layers; give one number or 3"),
    ((0.1, 0.1, 0.1, 0.1), r"lr has 4 per-layer values .* L = 3"),
    ([0.1, -0.1, 0.1], r"lr\[1\] \(layer 2\) must be a finite number >= 0, got -0.1"),
    ([0.1, np.inf, 0.1], r"lr\[1\] \(layer 2\) must be a finite number >= 0, got inf"),
    ([0.1, "a", 0.1], r"lr\[1\] \(layer 2\)"),
    ([0.0, 0.0, 0.0], r"at least one per-layer value > 0"),
    (np.ones((3, 1)), r"1-D sequence of L = 3 numbers, got shape \(3, 1\)"),
    (0.0, r"lr must be a finite number > 0, got 0.0"),
])
def test_bad_rates_name_the_value(lr, message):
    rng = np.random.default_rng(0)
    net = _net(1, rng)
    X, Y = _data(rng)
    with pytest.raises(ValueError, match=message):
        train(net, X, Y, "cross_entropy", lr=lr)
    with pytest.raises(ValueError, match=message):
        net.step(X, Y, "cross_entropy", lr)


def test_learning_rates_returns_floats():
    assert learning_rates(np.float32(0.5), 2) == 0.5
    assert learning_rates(np.array([1, 0]), 2) == (1.0, 0.0)

"""xavier.residual.ResidualStack against plain loops over one seed at a time, central finite
differences of its cost, and xavier.train's divergence and per-layer rate rules."""

import math

import numpy as np
import pytest

import xavier
from xavier.network import Trainable
from xavier.residual import ResidualStack


def weights(B=3, S=2, n=4, seed=0):
    rng = np.random.default_rng(seed)
    return rng.standard_normal((B, S, n, n)) / math.sqrt(n), rng.standard_normal((B, S, n, n)) / math.sqrt(n)


def stream_by_hand(W1, W2, x, s, alpha, skip):
    for b in range(W1.shape[0]):
        f = alpha * (W2[b, s] @ np.maximum(W1[b, s] @ x, 0))
        x = x + f if skip else f
    return x


@pytest.mark.parametrize("skip, alpha", [(True, 1.0), (True, 0.3), (False, 1.0)])
def test_forward_is_the_block_loop_seed_by_seed(skip, alpha):
    W1, W2 = weights()
    x = np.random.default_rng(1).standard_normal((4, 5))
    xs = ResidualStack(W1, W2, alpha=alpha, skip=skip).forward(x)
    assert len(xs) == 4 and xs[0] is not None and xs[-1].shape == (2, 4, 5)
    for s in range(2):
        np.testing.assert_allclose(xs[-1][s], stream_by_hand(W1, W2, x, s, alpha, skip), rtol=1e-13)


@pytest.mark.parametrize("skip", [True, False])
def test_step_follows_the_gradient_of_the_cost_by_central_differences(skip):
    W1, W2 = weights(seed=2)
    rng = np.random.default_rng(3)
    X, Y = rng.standard_normal((2, 4, 6))
    lr = 1e-3
    net = ResidualStack(W1, W2, alpha=0.7, skip=skip)
    J = net.step(X, Y, "mse", lr)
    for s in range(2):
        x = stream_by_hand(W1, W2, X, s, 0.7, skip)
        assert J[s] == pytest.approx(0.5 * np.sum((x - Y) ** 2) / 6, rel=1e-12)
    for W, after in ((W1, net.W1), (W2, net.W2)):
        for index in [(0, 0, 1, 2), (2, 1, 3, 0), (1, 1, 0, 0)]:
            h = 1e-6
            costs = []
            for sign in (1, -1):
                Wh = W.copy()
                Wh[index] += sign * h
                A, C = (Wh, W2) if W is W1 else (W1, Wh)
                x = stream_by_hand(A, C, X, index[1], 0.7, skip)
                costs.append(0.5 * np.sum((x - Y) ** 2) / 6)
            grad = (costs[0] - costs[1]) / (2 * h)
            assert (W[index] - after[index]) / lr == pytest.approx(grad, rel=1e-5, abs=1e-9)


def test_trained_with_train_diverged_seeds_frozen_without_warnings():
    W1, W2 = weights(B=4, S=3, n=4, seed=4)
    W1[:, 0] *= 30.0                       # seed 0 starts enormous and diverges
    net = ResidualStack(W1, W2)
    assert isinstance(net, Trainable)
    X = np.random.default_rng(5).standard_normal((4, 8))
    h = xavier.train(net, X, np.zeros((4, 8)), "mse", lr=0.05, epochs=40)
    assert h.diverged.tolist() == [True, False, False]
    assert np.all(np.isfinite(h.cost[:, 1:]))


def test_a_layer_with_rate_zero_stays_and_the_others_move():
    W1, W2 = weights(B=2)
    net = ResidualStack(W1, W2)
    X = np.random.default_rng(6).standard_normal((4, 5))
    xavier.train(net, X, np.zeros((4, 5)), "mse", lr=[0.1, 0.0, 0.1, 0.1], epochs=2)
    assert np.array_equal(net.W2[0], W2[0])            # layer 2 is W2 of block 1
    assert not np.array_equal(net.W1[0], W1[0]) and not np.array_equal(net.W2[1], W2[1])


@pytest.mark.parametrize("call, message", [
    (lambda W1, W2: ResidualStack(W1[0], W2[0]), r"W1 must have shape \(B, S, n, n\)"),
    (lambda W1, W2: ResidualStack(W1, W2[:2]), "W1 and W2 must have one shape"),
    (lambda W1, W2: ResidualStack(W1, W2, alpha=float("nan")), "alpha must be a finite number"),
    (lambda W1, W2: ResidualStack(W1, W2, skip=1), "skip must be True or False, got 1"),
    (lambda W1, W2: ResidualStack(W1, W2).forward(np.zeros((5, 2))), r"X must have shape \(4, m\)"),
    (lambda W1, W2: ResidualStack(W1, W2).step(np.zeros((4, 2)), np.zeros((4, 2)), "bce", 0.1),
     "cost must be one of"),
])
def test_bad_arguments_raise_value_errors(call, message):
    W1, W2 = weights()
    with pytest.raises(ValueError, match=message):
        call(W1, W2)


def test_the_given_arrays_never_change_and_forward_does_not_copy_them():
    W1, W2 = weights()
    before = W1.copy(), W2.copy()
    net = ResidualStack(W1, W2)
    assert net.W1 is W1                      # forward only: no copy
    X = np.random.default_rng(7).standard_normal((4, 5))
    net.forward(X)
    xavier.train(net, X, np.zeros((4, 5)), "mse", lr=0.1, epochs=3)
    assert net.W1 is not W1 and not np.array_equal(net.W1, W1)
    np.testing.assert_array_equal(W1, before[0])
    np.testing.assert_array_equal(W2, before[1])

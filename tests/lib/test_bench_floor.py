"""The benchmark's contenders compute the same step; Network.step's fast path matches backward().

Correctness only, no timing: ``bench/`` compares the speed of xavier's step, the plain numpy floor
(:mod:`bench.floor`) and PyTorch, which is only fair if the three compute the same thing. And
``Network.step`` is written for speed (buffers, in-place activations, the learning rate folded into
the output gradient), so it is checked here against the update built from the public
``Network.backward``, for every activation and cost.
"""

import dataclasses
import doctest
import itertools
from pathlib import Path

import numpy as np
import pytest


import bench.core  # noqa: E402
import bench.floor  # noqa: E402
import bench.step  # noqa: E402
from bench.step import floor_step, problem, torch_step, xavier_step  # noqa: E402
from xavier.network import Network  # noqa: E402

STEPS = 3
LR = 0.1  # large enough that the weights move well beyond the 1e-12 tolerance


def _weights_moved(before, after):
    return max(float(np.abs(a - b).max()) for a, b in zip(before[1:], after[1:]))


@pytest.mark.parametrize("name", ["small", "large"])
def test_floor_step_gives_xavier_weights(name):
    p = dataclasses.replace(problem(name), lr=LR)
    net = p.network()
    start = [None] + [W[0].copy() for W in net.W[1:]]
    step_floor, W, b = floor_step(p, net)
    step_xavier = xavier_step(p, net)
    for _ in range(STEPS):
        J_floor = step_floor()
        J_xavier = step_xavier()
        assert J_xavier.shape == (1,)
        assert J_floor == pytest.approx(float(J_xavier[0]), rel=1e-12)
    assert _weights_moved(start, W) > 1e-4  # the comparison below is not between unchanged weights
    for l in range(1, net.L + 1):
        np.testing.assert_allclose(W[l], net.W[l][0], rtol=0, atol=1e-12)
        np.testing.assert_allclose(b[l], net.b[l][0], rtol=0, atol=1e-12)


@pytest.mark.parametrize("name", ["small", "large"])
def test_torch_step_gives_xavier_weights(name):
    pytest.importorskip("torch")
    p = dataclasses.replace(problem(name), lr=LR)
    net = p.network()
    step_torch, W, b = torch_step(p, net)
    step_xavier = xavier_step(p, net)
    for _ in range(STEPS):
        J_torch = float(step_torch())
        J_xavier = float(step_xavier()[0])
        assert J_torch == pytest.approx(J_xavier, rel=1e-12)
    for l in range(1, net.L + 1):
        np.testing.assert_allclose(W[l].detach().numpy(), net.W[l][0], rtol=0, atol=1e-12)
        np.testing.assert_allclose(b[l].detach().numpy(), net.b[l][0], rtol=0, atol=1e-12)


def test_floor_is_the_textbook_step_on_a_hand_computed_case():
    # One sigmoid unit, w = 0, b = 0: a = 1/2 everywhere, dZ = (a - y)/m, dW = dZ X^T.
    X = np.array([[1.0, 2.0, -1.0, 0.5]])
    Y = np.array([[1.0, 0.0, 1.0, 1.0]])
    W, b = [None, np.zeros((1, 1))], [None, np.zeros((1, 1))]
    J = bench.floor.step(W, b, X, Y, ["sigmoid"], "bce", 2.0)
    assert J == pytest.approx(np.log(2))
    dz = (0.5 - Y) / 4
    assert W[1][0, 0] == pytest.approx(-2.0 * float((dz * X).sum()))
    assert b[1][0, 0] == pytest.approx(-2.0 * float(dz.sum()))


HIDDEN = ["identity", "tanh", "relu", "sigmoid"]
OUTPUTS = [("bce", "sigmoid"), ("cross_entropy", "softmax"), ("mse", "identity"), ("mse", "tanh")]


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


@pytest.mark.parametrize("hidden,out,S", list(itertools.product(HIDDEN, OUTPUTS, [1, 3])))
def test_step_matches_backward(hidden, out, S):
    cost, g_out = out
    rng = np.random.default_rng([HIDDEN.index(hidden), OUTPUTS.index(out), S])
    X, Y = _data(cost, rng)
    fast = Network([4, 5, 6, 3], [hidden, hidden, g_out], "xavier_normal", rng=rng, seeds=S)
    for l in range(1, fast.L + 1):
        fast.b[l][...] = 0.1 * rng.standard_normal(fast.b[l].shape)
    ref = fast.copy()
    for t in range(4):
        alive = None if t < 2 or S == 1 else np.array([True, False, True])
        J_fast = fast.step(X, Y, cost, 0.3, alive)
        J_ref = _reference_step(ref, X, Y, cost, 0.3, alive)
        np.testing.assert_allclose(J_fast, J_ref, rtol=1e-12, atol=1e-14)
    for l in range(1, fast.L + 1):
        np.testing.assert_allclose(fast.W[l], ref.W[l], rtol=1e-11, atol=1e-13)
        np.testing.assert_allclose(fast.b[l], ref.b[l], rtol=1e-11, atol=1e-13)


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


@pytest.mark.parametrize("module", [bench.core, bench.floor, bench.step])
def test_bench_docstring_examples(module):
    # bench/ is not under pytest's testpaths; its examples are run from here.
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0


def test_rows_and_table():
    rows = [dict(bench.core.row("a", 0.5, "x", "<= 1.2"), bench="step"),
            dict(bench.core.row("b", 2.5, "x", ">= 3"), bench="step"),
            dict(bench.core.row("c", 7.0, "us"), bench="seeds")]
    assert [r["ok"] for r in rows] == [True, False, None]
    table = bench.core.format_table(rows).splitlines()
    assert table[2].split()[-1] == "PASS" and table[3].split()[-1] == "MISS" and table[4].split()[-1] == "us"
    assert bench.core.ratio([4.0, 6.0, 100.0], [2.0, 2.0, 1.0]) == 3.0

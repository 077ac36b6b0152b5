"""The benchmark's contenders compute the same step.

Correctness only, no timing: ``bench/`` compares the speed of xavier's step, the plain numpy floor
(:mod:`bench.floor`) and PyTorch, which is only fair if the three compute the same thing.
``Network.step`` itself is checked against forward, backward and update in ``test_network.py``.
"""

import dataclasses
import doctest
from pathlib import Path

import numpy as np
import pytest


import bench.core  # noqa: E402
import bench.floor  # noqa: E402
import bench.step  # noqa: E402
from bench.step import floor_step, problem, torch_step, xavier_step  # noqa: E402

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

"""docs/signals.py against formulas written here, and the numbers glued into docs/signals.md."""

import ast
from fractions import Fraction

import matplotlib.pyplot as plt
import numpy as np
import pytest

import signals


# -- the numbers glued into docs/signals.md ----------------------------------------------------------


@pytest.fixture
def page(glued):
    """The page's glued values, parsed from their text/plain reprs (plain Python numbers)."""
    values = {k: ast.literal_eval(v) for k, v in glued("signals").items() if not k.startswith("fig_")}
    if not values:
        pytest.fail("docs/signals.md glued no values: was the page built?")
    return values


def test_glued_powers_are_exact(page):
    # exact rationals, not the page's own float expressions: (3/2)^9 = 19683/512, (1/2)^9 = 1/512
    assert Fraction(page["sig_pow_large"]) == Fraction(3, 2) ** 9 == Fraction(19683, 512)
    assert Fraction(page["sig_pow_small"]) == Fraction(1, 512)
    assert Fraction(page["sig_pow8_large"]) == Fraction(6561, 256)
    assert Fraction(page["sig_pow8_small"]) == Fraction(1, 256)


def test_glued_measured_ratios(page):
    for name, s in [("large", 1.5), ("one", 1.0), ("small", 0.5)]:
        assert page[f"sig_ratio_{name}"] == pytest.approx(s**9, rel=1e-12)
    assert page["sig_gratio_large"] == pytest.approx(1.5**9, rel=1e-12)
    assert page["sig_gratio_small"] == pytest.approx(0.5**9, rel=1e-12)
    assert page["sig_dw_spread"] == pytest.approx(1.0, abs=1e-12)
    # "hundreds of times larger / smaller"
    assert 100 <= page["sig_dw_ratio_large"] < 1000 and 100 <= page["sig_dw_ratio_small"] < 1000


def test_glued_values_recomputed_with_the_library(page):
    """Replay the page's draws from np.random.default_rng(2) and recompute what it glued. The
    settings the prose quotes (m, the learning rates, steps, seeds, the sweep's rates) are the
    replay's arguments: the page's results come back only if they are the ones it ran."""
    rng = np.random.default_rng(2)
    m, S = page["sig_m"], page["sig_seeds"]
    X = rng.standard_normal((2, m))
    Y = np.array([[1.0, -2.0]]) @ X
    chain = signals.chain_network([1.5, 1.0, 0.5], rng=rng)
    size = signals.signal_sizes(chain, X, Y)
    assert page["sig_dw_ratio_large"] == pytest.approx(size["dW"][0, 1] / size["dW"][1, 1], rel=1e-12)
    run = signals.train_chain([1.5, 1.0, 0.5], lr=page["sig_lr"], steps=page["sig_steps"], rng=rng, seeds=S,
                              data=(X, Y))
    cost, div = run["cost"], run["diverged_at"]
    # One training set for the page: the cost of predicting 0 is (1/2m) sum (x1 - 2 x2)^2 on it.
    J_zero = sum((X[0, i] - 2 * X[1, i]) ** 2 for i in range(m)) / (2 * m)
    assert page["sig_J_zero"] == pytest.approx(J_zero, rel=1e-12)
    assert np.array_equal(run["X"], X)
    # The first update of W[1] in the runs themselves: lr * rms of dW[1] = lr * rms(dA[1] x^T),
    # written out for the chain: dZ[L] = (yhat - y)/m, back through W[L] and nine sI + noise layers.
    start = run["start"]
    sizes = []
    for j in range(S):                           # the W = 1.5 I copies come first
        Ws = [start.W[l][j] for l in range(1, 11)]
        a = [X]
        for W in Ws:
            a.append(W @ a[-1])
        d = (a[-1] - Y) / m
        for W in Ws[:0:-1]:                      # back to dA[1]
            d = W.T @ d
        sizes.append(np.sqrt(np.mean((d @ X.T) ** 2)))
    lr = page["sig_lr"]
    assert page["sig_first_step_large"] == pytest.approx(lr * np.median(sizes), rel=1e-9)
    assert page["sig_first_step_ratio"] == pytest.approx(lr * np.median(sizes) / 1.5, rel=1e-9)
    assert page["sig_div_n"] == (div[0] >= 0).sum() and page["sig_div_last"] == div[0].max()
    reach = [np.flatnonzero(cost[:, 1, j] < 1e-6)[0] for j in range(S)]
    assert page["sig_one_reach_median"] == int(np.median(reach))
    assert page["sig_one_final"] == pytest.approx(np.median(cost[-1, 1]), rel=1e-9)
    escaped = [np.flatnonzero(cost[:, 2, j] < J_zero / 2) for j in range(S)]
    first = [e[0] for e in escaped if e.size]
    assert page["sig_small_escaped"] == len(first)
    assert page["sig_small_escape_median"] == int(np.median(first))
    slow = signals.train_chain([1.5, 1.0, 0.5], lr=page["sig_slow_lr"], steps=page["sig_slow_steps"], rng=rng,
                               seeds=S, data=(X, Y))
    c, alive = slow["cost"][:, 0], slow["diverged_at"][0] < 0
    assert page["sig_slow_div_n"] == (~alive).sum()
    assert page["sig_slow_final_min"] == pytest.approx(c[-1, alive].min(), rel=1e-9)
    assert page["sig_slow_final_max"] == pytest.approx(c[-1, alive].max(), rel=1e-9)
    assert page["sig_slow_final_median"] == pytest.approx(np.median(c[-1, alive]), rel=1e-9)
    rises = [max(c[t + 1, j] / c[t, j] for t in range(9)) for j in np.flatnonzero(alive)]
    assert page["sig_slow_up_n"] == sum(r > 1 for r in rises)
    assert page["sig_slow_jump"] == pytest.approx(max(rises), rel=1e-12)
    # The sweep the captions describe (n rates evenly spaced in log from lr_min to lr_max, its
    # steps and seeds), run here; its medians per scale and rate, the best rates and costs.
    lrs = np.geomspace(page["sig_sw_lr_min"], page["sig_sw_lr_max"], page["sig_sw_n"])
    sweep = signals.lr_sweep([1.5, 1.0, 0.5], lrs, steps=page["sig_sw_steps"], rng=rng, seeds=page["sig_sw_seeds"],
                             noise=0.01, data=(X, Y))
    med = np.median(sweep["final"], axis=2)
    large, one = int(np.argmin(med[0])), int(np.argmin(med[1]))
    assert page["sig_sw_best_lr_large"] == pytest.approx(lrs[large], rel=1e-12)
    assert page["sig_sw_best_large"] == pytest.approx(med[0, large], rel=1e-9)
    assert page["sig_sw_best_lr_one"] == pytest.approx(lrs[one], rel=1e-12)
    assert page["sig_sw_best_one"] == pytest.approx(med[1, one], rel=1e-9)
    assert page["sig_sw_small_min"] == pytest.approx(med[2].min(), rel=1e-9)
    assert page["sig_sw_div_lr_large"] == pytest.approx(lrs[np.isinf(med[0])].min(), rel=1e-12)


def test_glued_values_support_the_prose(page):
    # "All N runs overflow", "several times the weights' own size of 1.5"
    assert page["sig_div_n"] == page["sig_seeds"]
    assert page["sig_first_step_ratio"] > 0.5   # a first step of the order of the weights themselves
    # The identity start reaches the minimum (0) up to rounding; the 0.5 I start is still near
    # the cost of predicting 0 after T_short steps.
    assert page["sig_one_final"] < 1e-20
    assert page["sig_small_at_short"] > 0.9 * page["sig_J_zero"]
    assert page["sig_small_escaped"] + page["sig_small_stuck"] == page["sig_seeds"]
    assert page["sig_small_escaped"] > 0 and page["sig_small_stuck"] > 0
    # Learning rate 0.002: some diverge, the survivors oscillate, and end either low or on the plateau.
    assert page["sig_slow_div_n"] + page["sig_slow_alive_n"] == page["sig_seeds"]
    assert page["sig_slow_up_n"] >= 1 and page["sig_slow_jump"] > 1
    assert page["sig_slow_low_n"] >= 1 and page["sig_slow_plateau_n"] >= 1
    assert page["sig_slow_low_n"] + page["sig_slow_plateau_n"] <= page["sig_slow_alive_n"]
    # The sweep: the large start's best learning rate is far below the identity's, where the
    # identity start has barely moved; the small start is past the identity's best learning rate.
    assert page["sig_sw_best_lr_large"] < page["sig_sw_best_lr_one"] / 10
    assert page["sig_sw_one_at_best_large"] > 0.05
    assert page["sig_sw_div_lr_large"] < page["sig_sw_best_lr_one"]
    assert page["sig_sw_small_min_lr"] > page["sig_sw_best_lr_one"]
    assert page["sig_sw_one_at_small_best"] > page["sig_sw_best_one"]

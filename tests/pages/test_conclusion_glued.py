"""docs/conclusion.py against formulas written here, and the numbers glued into docs/conclusion.md."""

import ast
from fractions import Fraction
import math

import matplotlib.pyplot as plt
import numpy as np
import pytest
from scipy import stats

from xavier import init

import conclusion
import signals

# Var(W) of each preset, written here from the papers (n_in = fan_in, n_out = fan_out).

# -- the numbers glued into docs/conclusion.md -------------------------------------------------------


@pytest.fixture
def page(glued):
    """The page's glued numbers, parsed from their text/plain reprs."""
    out = {}
    for k, v in glued("conclusion").items():
        try:
            out[k] = ast.literal_eval(v)
        except (ValueError, SyntaxError):  # figures and the Markdown table
            pass
    if not out:
        pytest.fail("docs/conclusion.md glued no values: was the page built?")
    return out


def test_glued_formulas(page):
    assert page["con_var_in"] == 1 / 784
    assert page["con_var_out"] == 1 / 300
    assert page["con_var_avg"] == 2 / (784 + 300)
    # The harmonic mean of 1/784 and 1/300, written out: 2 / (784 + 300).
    assert page["con_harmonic"] == pytest.approx(2 / (1 / (1 / 784) + 1 / (1 / 300)), rel=1e-14)
    assert Fraction(page["con_xavier_pred"]) == Fraction(1, 536_870_912)  # 1 / 2^29, exactly
    assert page["con_grad_pred"] == pytest.approx(16384 * math.sqrt(2), rel=1e-14)  # 2^(29/2) = 2^14 sqrt(2)
    assert page["con_log2"] == math.log(2)
    assert page["con_var_se"] == pytest.approx(math.sqrt(2 / 235_200), rel=1e-12)


def test_glued_values_support_the_prose(page):
    assert page["con_relu_ratio_normal"] == pytest.approx(0.5, abs=0.005)
    assert page["con_relu_ratio_uniform"] == pytest.approx(0.5, abs=0.005)
    assert page["con_ratio_max_dev"] < 4 * page["con_var_se"]
    assert 0.5 < page["con_xavier_q"] / page["con_xavier_pred"] < 2      # on the 2^-l line
    assert 0.1 < page["con_he_q"] < 2 and page["con_he_q"] < page["con_he_q_mean"]  # median below mean
    assert page["con_he_q_lo"] < 1 < page["con_he_q_hi"]
    assert 1000 < page["con_grad_ratio_min"] <= page["con_grad_ratio_max"] < 4 * page["con_grad_pred"]
    assert abs(page["con_xavier_final"] - math.log(2)) < 0.01 and page["con_xavier_final"] < math.log(2)
    assert page["con_xavier_move"] < 0.01
    assert page["con_he_final"] < 0.01 and page["con_he_final_hi"] < 0.1
    assert page["con_diverged"] == 0  # "no run of either kind diverged"


def test_glued_values_recomputed_with_the_library(page):
    """Replay the page's draws from np.random.default_rng(2015) in the page's order."""
    rng = np.random.default_rng(2015)
    W_in = init.variance_scaling((300, 784), rng, scale=1.0, mode="fan_in")
    W_avg = init.xavier_normal((300, 784), rng)
    assert page["con_sample_in"] == pytest.approx(W_in.var(), rel=1e-12)
    assert page["con_sample_avg"] == pytest.approx(W_avg.var(), rel=1e-12)
    rows = conclusion.preset_table(rng, n_in=784, n_out=300)
    assert page["con_ratio_max_dev"] == pytest.approx(max(abs(r["ratio"] - 1) for r in rows), rel=1e-12)
    assert page["con_relu_ratio_normal"] == pytest.approx(conclusion.relu_moment_ratio(rng.standard_normal(1_000_000)), rel=1e-12)
    rng.uniform(-1, 1, 1_000_000)
    names = [("variance_scaling", {"scale": 1.0, "mode": "fan_in"}), "he_normal"]
    run = conclusion.train_relu(names, depth=30, width=32, lr=0.03, steps=150, rng=rng, seeds=8)
    wide = conclusion.relu_network(names, depth=30, width=100, n_in=2, rng=rng, seeds=8)
    q = conclusion.second_moments(wide, run["X"])
    rel = q[:, -1] / q[:, 0]
    assert page["con_xavier_q"] == pytest.approx(np.median(rel[:8]), rel=1e-9)
    assert page["con_he_q"] == pytest.approx(np.median(rel[8:]), rel=1e-9)
    assert page["con_xavier_final"] == pytest.approx(np.median(run["cost"][-1, 0]), rel=1e-9)
    assert page["con_he_final"] == pytest.approx(np.median(run["cost"][-1, 1]), rel=1e-6)
    dW = signals.signal_sizes(wide, run["X"], run["Y"], "bce")["dW"][:, 1:]
    ratio = np.median(dW[8:], axis=0) / np.median(dW[:8], axis=0)
    assert page["con_grad_ratio_min"] == pytest.approx(ratio.min(), rel=1e-9)

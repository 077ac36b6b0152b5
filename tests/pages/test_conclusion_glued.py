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
    """Each number against another route to it: the stdlib's harmonic mean, exact powers of 2, the
    chi-square distribution of a normal sample variance, the library's cost of a coin-flip guess.
    The three variances are checked against draws in test_glued_values_recomputed_with_the_library."""
    import statistics

    from xavier import costs

    assert page["con_harmonic"] == pytest.approx(statistics.harmonic_mean([page["con_var_in"], page["con_var_out"]]),
                                                 rel=1e-14)
    assert page["con_harmonic"] == pytest.approx(page["con_var_avg"], rel=1e-14)  # the prose: "exactly"
    assert Fraction(page["con_xavier_pred"]) == Fraction(1, 536_870_912)  # 1 / 2^29, exactly
    assert page["con_grad_pred"] == pytest.approx(16384 * math.sqrt(2), rel=1e-14)  # 2^(29/2) = 2^14 sqrt(2)
    coin = costs.cost("bce", np.zeros((1, 1)), None, np.ones((1, 1)))  # predicting 1/2
    assert page["con_log2"] == pytest.approx(float(coin), rel=1e-15)
    N = page["con_draw_size"]  # the relative standard error of the variance of N normal numbers
    assert page["con_var_se"] == pytest.approx(stats.chi2(N - 1).std() / (N - 1), rel=1e-5)


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
    # the formulas' values against the draws, within 4 standard errors (sqrt(2 / N) relative)
    assert page["con_draw_size"] == W_in.size
    se = math.sqrt(2 / W_in.size)
    assert page["con_var_in"] == pytest.approx(W_in.var(), rel=4 * se)
    assert page["con_var_avg"] == pytest.approx(W_avg.var(), rel=4 * se)
    fan_out = init.variance_scaling((300, 784), np.random.default_rng(1), scale=1.0, mode="fan_out")
    assert page["con_var_out"] == pytest.approx(fan_out.var(), rel=4 * se)
    rows = conclusion.preset_table(rng, n_in=784, n_out=300)
    assert page["con_draws"] == len(rows)
    assert page["con_ratio_max_dev"] == pytest.approx(max(abs(r["ratio"] - 1) for r in rows), rel=1e-12)
    assert page["con_relu_ratio_normal"] == pytest.approx(conclusion.relu_moment_ratio(rng.standard_normal(1_000_000)), rel=1e-12)
    rng.uniform(-1, 1, 1_000_000)
    he = conclusion.he_modes([32, 64, 128, 256, 512, 10], rng, seeds=8)
    _check_he_modes(page, he)
    names = [("variance_scaling", {"scale": 1.0, "mode": "fan_in"}), "he_normal"]
    # the settings the captions quote, run here: the page's numbers come back only if they are the ones it ran
    S = page["con_seeds"]
    run = conclusion.train_relu(names, depth=30, width=page["con_width_train"], lr=page["con_lr"],
                                steps=page["con_steps"], rng=rng, seeds=S)
    wide = conclusion.relu_network(names, depth=30, width=page["con_width"], n_in=2, rng=rng, seeds=S)
    q = conclusion.second_moments(wide, run["X"])
    rel = q[:, -1] / q[:, 0]
    assert page["con_xavier_q"] == pytest.approx(np.median(rel[:S]), rel=1e-9)
    assert page["con_he_q"] == pytest.approx(np.median(rel[S:]), rel=1e-9)
    assert page["con_xavier_final"] == pytest.approx(np.median(run["cost"][-1, 0]), rel=1e-9)
    assert page["con_he_final"] == pytest.approx(np.median(run["cost"][-1, 1]), rel=1e-6)
    Z, A = wide.forward(run["X"])
    grads = wide.backward(Z, A, run["Y"], "bce")
    dW = np.array([[np.linalg.norm(grads.dW[l][s]) / np.sqrt(grads.dW[l][s].size) for l in range(1, wide.L + 1)]
                   for s in range(wide.S)])
    ratio = np.median(dW[S:], axis=0) / np.median(dW[:S], axis=0)
    assert page["con_grad_ratio_min"] == pytest.approx(ratio.min(), rel=1e-9)
    assert run["cost"].shape == (page["con_steps"], 2, S)


def _check_he_modes(page, he):
    """He's two conditions in the widening ReLU network, by a hand-written forward and backward pass."""
    sizes = [32, 64, 128, 256, 512, 10]
    # Predicted: fan_in keeps the forward moment and multiplies the backward one by n[l]/n[l-1] = 2
    # per hidden layer (4 of them); fan_out the other way round.
    assert page["con_he_fan_in_forward_pred"] == 1.0 and page["con_he_fan_in_backward_pred"] == 512 / 32
    assert page["con_he_fan_out_forward_pred"] == 32 / 512 and page["con_he_fan_out_backward_pred"] == 1.0
    X, Y, m = he["X"], he["Y"], he["X"].shape[1]
    for mode, net in zip(("fan_in", "fan_out"), he["nets"]):
        fwd, bwd = [], []
        for s in range(8):
            W = [net.W[l][s] for l in range(1, 6)]
            z, a = [None], [X]
            for l in range(5):
                z.append(W[l] @ a[-1])
                a.append(np.maximum(z[-1], 0.0) if l < 4 else z[-1])
            d = (a[5] - Y) / m                      # dZ[5] of the mse cost (1/2m) sum (yhat - y)^2
            dA = {4: W[4].T @ d}
            for l in (4, 3, 2, 1):                  # dA[l-1] = W[l]^T (dA[l] * relu'(z[l]))
                dA[l - 1] = W[l - 1].T @ (dA[l] * (z[l] > 0))
            fwd.append(np.mean(a[4] ** 2) / np.mean(X**2))
            bwd.append(np.mean(dA[0] ** 2) / np.mean(dA[4] ** 2))
            # the weights have He's variance for the mode
            n = sizes[:-1] if mode == "fan_in" else sizes[1:]
            assert np.var(W[2]) * n[2] == pytest.approx(2.0, rel=0.05)
        assert page[f"con_he_{mode}_forward"] == pytest.approx(np.median(fwd), rel=1e-9)
        assert page[f"con_he_{mode}_backward"] == pytest.approx(np.median(bwd), rel=1e-9)
        # The prose: measured within 15 % of predicted
        for way in ("forward", "backward"):
            assert page[f"con_he_{mode}_{way}"] == pytest.approx(page[f"con_he_{mode}_{way}_pred"], rel=0.15)

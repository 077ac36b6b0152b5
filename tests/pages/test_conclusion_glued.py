"""The numbers glued into docs/conclusion.md, against closed forms, quadrature-free counts, a plain
numpy convolution and a plain numpy forward and backward pass written here."""

import ast
from fractions import Fraction
import json
import math
import re

import numpy as np
import pytest
from scipy import signal, stats

from xavier import costs, datasets, init
from xavier.network import Network, train

import conftest


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
    chi-square distribution of a normal sample variance, the library's cost of a coin-flip guess."""
    import statistics

    assert page["con_harmonic"] == pytest.approx(statistics.harmonic_mean([page["con_var_in"], page["con_var_out"]]),
                                                 rel=1e-14)
    assert page["con_harmonic"] == pytest.approx(page["con_var_avg"], rel=1e-14)  # the prose: "exactly"
    assert page["con_var_avg"] == pytest.approx(2 / (784 + 300), rel=1e-15)
    assert Fraction(page["con_xavier_pred"]) == Fraction(1, 536_870_912)  # 1 / 2^29, exactly
    assert page["con_grad_pred"] == pytest.approx(16384 * math.sqrt(2), rel=1e-14)  # 2^(29/2) = 2^14 sqrt(2)
    coin = costs.cost("bce", np.zeros((1, 1)), None, np.ones((1, 1)))  # predicting 1/2
    assert page["con_log2"] == pytest.approx(float(coin), rel=1e-15)
    N = page["con_draw_size"]  # the relative standard error of the variance of N normal numbers
    assert page["con_var_se"] == pytest.approx(stats.chi2(N - 1).std() / (N - 1), rel=1e-5)
    # exercises: (1 + a^2)/2 and 2/(1 + a^2) at a = 0.2; 0.75^29; 2 / (128 * 9)
    assert page["con_ex_leaky_pred"] == pytest.approx(0.52, rel=1e-15)
    assert page["con_ex_leaky_gain2"] == pytest.approx(2 / 1.04, rel=1e-14)
    assert page["con_ex_scale_pred"] == pytest.approx(float(Fraction(3, 4) ** 29), rel=1e-14)
    assert page["con_ex_conv_var"] == pytest.approx(1 / 576, rel=1e-15)


def test_convolution_fans_counted_by_a_convolution(page):
    """The fan-in c_in k^2 and fan-out c_out k^2 of a (128, 64, 3, 3) kernel, counted by scipy:
    the inputs that one output unit reads, and the outputs that one input unit feeds."""
    c_out, c_in, k = 128, 64, 3
    ones = np.ones((c_in, 7, 7))
    window = signal.correlate(ones, np.ones((c_in, k, k)), mode="valid")   # one output channel
    assert page["con_conv_fan_in"] == int(window[0, 2, 2])
    assert page["con_conv_he"] == pytest.approx(2 / window[0, 2, 2], rel=1e-14)
    impulse = np.zeros((7, 7))
    impulse[3, 3] = 1                                                        # one input unit
    per_channel = int((signal.correlate(impulse, np.ones((k, k)), mode="same") != 0).sum())
    assert page["con_ex_conv_fan_out"] == c_out * per_channel


def test_he_variance_doubles_a_convolution_s_second_moment(page):
    """He's variance 2 / fan_in, on a plain scipy convolution of N(0, 1) inputs: the output's mean
    square is 2, which the ReLU then halves back to 1."""
    rng = np.random.default_rng(11)
    c_out, c_in, k = 16, 64, 3
    K = rng.normal(0, math.sqrt(page["con_conv_he"]), (c_out, c_in, k, k))
    x = rng.standard_normal((c_in, 24, 24))
    z = np.stack([signal.correlate(x, K[o], mode="valid")[0] for o in range(c_out)])
    assert np.mean(z**2) == pytest.approx(2.0, rel=0.05)
    assert np.mean(np.maximum(z, 0) ** 2) == pytest.approx(1.0, rel=0.05)


def test_glued_values_support_the_prose(page):
    se = page["con_var_se"]
    assert page["con_ratio_max_dev"] < 4 * se
    assert page["con_sample_in"] == pytest.approx(page["con_var_in"], rel=4 * se)
    assert page["con_sample_avg"] == pytest.approx(page["con_var_avg"], rel=4 * se)
    conv_se = math.sqrt(2 / (128 * 576))
    assert page["con_conv_var"] == pytest.approx(page["con_conv_he"], rel=4 * conv_se)
    assert page["con_ex_conv_drawn"] == pytest.approx(page["con_ex_conv_var"], rel=4 * conv_se)
    assert page["con_relu_ratio_normal"] == pytest.approx(0.5, abs=0.005)
    assert page["con_relu_ratio_uniform"] == pytest.approx(0.5, abs=0.005)
    assert page["con_ex_leaky_measured"] == pytest.approx(page["con_ex_leaky_pred"], abs=0.005)
    assert 0.5 < page["con_xavier_q"] / page["con_xavier_pred"] < 2      # on the 2^-l line
    assert 0.1 < page["con_he_q"] < 2 and page["con_he_q"] < page["con_he_q_mean"]  # median below mean
    assert page["con_he_q_lo"] < 1 < page["con_he_q_hi"]
    assert 1000 < page["con_grad_ratio_min"] <= page["con_grad_ratio_max"] < 4 * page["con_grad_pred"]
    assert abs(page["con_xavier_final"] - math.log(2)) < 0.01 and page["con_xavier_final"] < math.log(2)
    assert page["con_xavier_move"] < 0.01
    assert page["con_he_final"] < 0.01 and page["con_he_final_hi"] < 0.1
    assert page["con_diverged"] == 0
    # "the same order as the prediction": within a factor 3 of 0.75^29
    assert 1 / 3 < page["con_ex_scale_measured"] / page["con_ex_scale_pred"] < 3
    # the solution's "times the prediction", printed to one decimal
    assert page["con_ex_scale_ratio"] == pytest.approx(page["con_ex_scale_measured"] / page["con_ex_scale_pred"],
                                                       rel=1e-3)
    for mode in ("fan_in", "fan_out"):   # the table: measured within 15 % of predicted
        for way in ("forward", "backward"):
            assert page[f"con_he_{mode}_{way}"] == pytest.approx(page[f"con_he_{mode}_{way}_pred"], rel=0.15)


def _latex_to_python(formula):
    """The table's LaTeX formula as a Python expression in n_in and n_out (only the forms it uses)."""
    expr = formula.replace(r"n_\text{in}", "n_in").replace(r"n_\text{out}", "n_out").replace(r"\,", "*")
    expr = re.sub(r"\\frac\{([^{}]*)\}\{([^{}]*)\}", r"((\1)/(\2))", expr)
    assert "\\" not in expr and "{" not in expr, formula
    return expr


def test_preset_table_describes_what_the_library_draws():
    """Each row's formula against a large independent draw of its preset (not the page's draw), and
    its ratio against 1 within sampling error."""
    data = json.loads((conftest.EXECUTED / "conclusion.glue.json").read_text())
    table = data["con_presets_table"]["data"]["text/markdown"]
    rows = [line.strip("|").split(" | ") for line in table.splitlines()[2:]]
    assert len(rows) == 8
    rng = np.random.default_rng(5)
    n_in, n_out = 700, 300
    for shown, dist, formula, ratio, paper in (map(str.strip, r) for r in rows):
        name = shown.strip("`").split("(")[0].strip("`")
        kwargs = {"mode": "fan_in"} if "mode=" in shown else {}
        W = init.initialize(name, (8, n_out, n_in), rng, **kwargs)
        var = eval(_latex_to_python(formula.strip("$")), {"n_in": n_in, "n_out": n_out})
        assert abs(W.var() / var - 1) < 4 * math.sqrt(2 / W.size), shown
        assert abs(float(ratio) - 1) < 4 * math.sqrt(2 / (784 * 300)), shown
        if dist == "uniform":    # a uniform's range is sqrt(3 Var)
            assert np.abs(W).max() <= math.sqrt(3 * var) and np.abs(W).max() > 0.99 * math.sqrt(3 * var)


def test_glued_values_recomputed_with_a_plain_numpy_network(page):
    """Replay the page's draws from np.random.default_rng(2015) in the page's order with the
    library's initializers, then measure with forward and backward passes written here."""
    rng = np.random.default_rng(2015)
    W_in = init.variance_scaling((300, 784), rng, scale=1.0, mode="fan_in")
    W_avg = init.xavier_normal((300, 784), rng)
    assert page["con_sample_in"] == pytest.approx(W_in.var(), rel=1e-12)
    assert page["con_sample_avg"] == pytest.approx(W_avg.var(), rel=1e-12)
    for name in ("variance_scaling", "lecun_uniform", "lecun_normal", "standard_uniform", "xavier_normal",
                 "xavier_uniform", "he_normal", "he_uniform"):
        init.initialize(name, (300, 784), rng, **({"mode": "fan_in"} if name == "variance_scaling" else {}))
    K = init.he_normal((128, 576), rng)
    assert page["con_conv_var"] == pytest.approx(K.var(), rel=1e-12)
    rng.standard_normal(1_000_000), rng.uniform(-1, 1, 1_000_000)
    _check_he_modes(page, rng)
    # the thirty ReLU layers: the settings the captions quote, run here
    S, names = page["con_seeds"], [("variance_scaling", {"scale": 1.0, "mode": "fan_in"}), "he_normal"]
    X, Y = datasets.playground("circle", rng)
    X = X / X.std()
    sizes = lambda w: [2] + [w] * 29 + [1]  # noqa: E731
    wide = Network(sizes(page["con_width"]), ["relu"] * 29 + ["sigmoid"], init.stacked(names, S), rng=rng, seeds=2 * S)
    net = Network(sizes(page["con_width_train"]), ["relu"] * 29 + ["sigmoid"], init.stacked(names, S), rng=rng,
                  seeds=2 * S)
    rel, dW = [], []
    for s in range(2 * S):
        a, zs, acts = X, [], [X]
        for l in range(1, 31):
            z = wide.W[l][s] @ a
            a = np.maximum(z, 0.0) if l < 30 else 1 / (1 + np.exp(-z))
            zs.append(z)
            acts.append(a)
        rel.append(np.mean(acts[29] ** 2) / np.mean(X**2))
        dz = (acts[30] - Y) / X.shape[1]                # bce with a sigmoid output
        rms = []
        for l in range(30, 0, -1):
            rms.append(math.sqrt(np.mean((dz @ acts[l - 1].T) ** 2)))
            dz = (wide.W[l][s].T @ dz) * (zs[l - 2] > 0) if l > 1 else None
        dW.append(rms[::-1])
    rel, dW = np.array(rel), np.array(dW)
    assert page["con_xavier_q"] == pytest.approx(np.median(rel[:S]), rel=1e-9)
    assert page["con_he_q"] == pytest.approx(np.median(rel[S:]), rel=1e-9)
    assert page["con_he_q_mean"] == pytest.approx(np.mean(rel[S:]), rel=1e-9)
    ratio = np.median(dW[S:], axis=0) / np.median(dW[:S], axis=0)
    assert page["con_grad_ratio_min"] == pytest.approx(ratio.min(), rel=1e-9)
    assert page["con_grad_ratio_max"] == pytest.approx(ratio.max(), rel=1e-9)
    cost = train(net, X, Y, "bce", lr=page["con_lr"], epochs=page["con_steps"]).cost.reshape(-1, 2, S)
    assert page["con_xavier_final"] == pytest.approx(np.median(cost[-1, 0]), rel=1e-9)
    assert page["con_he_final"] == pytest.approx(np.median(cost[-1, 1]), rel=1e-6)


def _check_he_modes(page, rng):
    """He's two conditions in the widening ReLU network, by a hand-written forward and backward pass."""
    sizes = [32, 64, 128, 256, 512, 10]
    # Predicted: fan_in keeps the forward moment and multiplies the backward one by n[l]/n[l-1] = 2
    # per hidden layer (4 of them); fan_out the other way round.
    assert page["con_he_fan_in_forward_pred"] == 1.0 and page["con_he_fan_in_backward_pred"] == 512 / 32
    assert page["con_he_fan_out_forward_pred"] == 32 / 512 and page["con_he_fan_out_backward_pred"] == 1.0
    X = rng.standard_normal((32, 256))
    Y = 1e3 * rng.standard_normal((10, 256))
    m = X.shape[1]
    for mode in ("fan_in", "fan_out"):
        net = Network(sizes, ["relu"] * 4 + ["identity"], "variance_scaling", rng=rng, seeds=8,
                      init_kwargs={"scale": 2.0, "mode": mode})
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
            n = sizes[:-1] if mode == "fan_in" else sizes[1:]   # the weights have He's variance for the mode
            assert np.var(W[2]) * n[2] == pytest.approx(2.0, rel=0.05)
        assert page[f"con_he_{mode}_forward"] == pytest.approx(np.median(fwd), rel=1e-9)
        assert page[f"con_he_{mode}_backward"] == pytest.approx(np.median(bwd), rel=1e-9)

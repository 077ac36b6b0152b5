"""Tests of docs/justification.py and of the numbers glued into docs/justification.md (section IV).

Expected values come from formulas written out here (moments of products, the bivariate normal,
numerical integration with scipy, telescoping products of widths), never from the function under
test.
"""

import math

import numpy as np
import pytest
from scipy import integrate

from xavier import init
import justification

PAGE = "justification"
PAGE_SEED = 4  # the seed stated on the page
def independent_product_variance(mx, vx, my, vy):
    """Var(XY) = E[X^2] E[Y^2] - E[X]^2 E[Y]^2 for independent X, Y."""
    return (mx**2 + vx) * (my**2 + vy) - mx**2 * my**2


def tanh_second_moment(q, gain):
    """E[tanh(z)^2] for z ~ N(0, gain * q), by adaptive quadrature."""
    s = math.sqrt(gain * q)
    f = lambda x: math.tanh(s * x) ** 2 * math.exp(-x * x / 2) / math.sqrt(2 * math.pi)  # noqa: E731
    return integrate.quad(f, -np.inf, np.inf)[0]



# -- the page's glued numbers ----------------------------------------------------------------------

@pytest.fixture(scope="module")
def page_runs():
    """The page's experiments, recomputed with the library from the page's seed streams."""
    rng_product, rng_grid, rng_layers, rng_backward = np.random.default_rng(PAGE_SEED).spawn(4)
    runs = {"indep": justification.var_product(1.0, 2.0, -3.0, 0.5, 1_000_000, rng_product)}
    runs["same"] = justification.var_product(1.0, 2.0, 1.0, 2.0, 1_000_000, rng_product, rho=1.0)
    runs["grid"] = justification.layer_variance_grid(2 ** np.arange(4, 11), [1e-3, 1e-2, 1e-1],
                                          [0.25, 1.0, 4.0], rng_grid)
    for var_x in (1.0, 0.01):
        for activation in ("identity", "tanh"):
            runs[var_x, activation] = justification.variance_through_layers(
                [0.5, 1.0, 1.5], rng_layers, activation=activation, var_x=var_x)
    runs["funnel"] = justification.backward_variances([512, 256, 128, 64, 32, 16], rng_backward)
    runs["alt"] = justification.backward_variances([100, 400] * 3 + [100], rng_backward)
    return runs


def number(glued_page, name):
    return float(glued_page[name])


def test_glued_product(glued, page_runs):
    g = glued(PAGE)
    assert number(g, "iv_prod_formula") == independent_product_variance(1.0, 2.0, -3.0, 0.5)
    assert number(g, "iv_same_formula") == independent_product_variance(1.0, 2.0, 1.0, 2.0)
    assert number(g, "iv_same_exact") == 2 * 2.0**2 + 4 * 1.0 * 2.0
    indep, same = page_runs["indep"], page_runs["same"]
    assert number(g, "iv_prod_sampled") == pytest.approx(indep["sampled"], rel=1e-9)
    assert number(g, "iv_prod_se") == pytest.approx(indep["se"], rel=1e-9)
    assert number(g, "iv_prod_rel_error_pct") == pytest.approx(
        100 * (indep["sampled"] / independent_product_variance(1.0, 2.0, -3.0, 0.5) - 1), rel=1e-6)
    assert number(g, "iv_same_sampled") == pytest.approx(same["sampled"], rel=1e-9)
    assert number(g, "iv_prod_z") < 4  # what the prose calls sampling noise


def test_glued_grid(glued, page_runs):
    g, grid = glued(PAGE), page_runs["grid"]
    dev = np.abs(grid["measured"] / (grid["n"] * grid["var_w"] * grid["var_a"]) - 1)
    assert number(g, "iv_grid_points") == grid["measured"].size  # the points the page ran
    assert number(g, "iv_grid_max_dev_pct") == pytest.approx(100 * dev.max(), rel=1e-9)
    assert number(g, "iv_grid_max_dev_n") == grid["n"][dev.argmax()]
    assert number(g, "iv_grid_max_dev_1024_pct") == pytest.approx(
        100 * dev[grid["n"] == 1024].max(), rel=1e-9)
    assert number(g, "iv_grid_max_dev_pct") < 15


def test_glued_layers(glued, page_runs):
    g = glued(PAGE)
    lin, tanh, tanh_small = page_runs[1.0, "identity"], page_runs[1.0, "tanh"], page_runs[0.01, "tanh"]

    def measured(run, gain_index, layer):
        return float(np.median(run["measured"][gain_index, layer] / run["measured"][gain_index, 0]))

    assert number(g, "iv_lin_15_predicted") == pytest.approx(1.5**10, rel=1e-12)
    # "10 layers ... 8 seeds each": the depth and the seeds the page ran
    assert number(g, "iv_layers_depth") == 10 == lin["measured"].shape[1] - 1
    assert number(g, "iv_layers_seeds") == 8 == tanh["measured"].shape[2]
    assert number(g, "iv_lin_15_measured") == pytest.approx(measured(lin, 2, 10), rel=1e-9)
    assert number(g, "iv_lin_05_measured") == pytest.approx(measured(lin, 0, 10), rel=1e-9)
    assert number(g, "iv_lin_1_measured") == pytest.approx(measured(lin, 1, 10), rel=1e-9)
    assert number(g, "iv_tanh_1_first") == pytest.approx(measured(tanh, 1, 1), rel=1e-9)
    assert number(g, "iv_tanh_1_last") == pytest.approx(measured(tanh, 1, 10), rel=1e-9)
    assert number(g, "iv_tanh_15_last") == pytest.approx(
        float(np.median(tanh["measured"][2, 10])), rel=1e-9)
    assert number(g, "iv_tanh_05_last") == pytest.approx(measured(tanh, 0, 10), rel=1e-9)
    assert number(g, "iv_tanh_small_1_last") == pytest.approx(measured(tanh_small, 1, 10), rel=1e-9)
    assert number(g, "iv_tanh_small_15_last") == pytest.approx(measured(tanh_small, 2, 10),
                                                               rel=1e-9)
    # The tanh recursion from Var(x) = 1 at n Var(W) = 1, iterated here with quad.
    q = [1.0]
    for _ in range(10):
        q.append(tanh_second_moment(q[-1], 1.0))
    assert number(g, "iv_tanh_1_first_mf") == pytest.approx(q[1], rel=1e-6)
    assert number(g, "iv_tanh_1_last_mf") == pytest.approx(q[10], rel=1e-6)
    # What the prose says: linear points on their lines, tanh drifting down and saturating.
    assert number(g, "iv_lin_15_measured") == pytest.approx(1.5**10, rel=0.1)
    assert number(g, "iv_tanh_1_last") == pytest.approx(q[10], rel=0.1)
    assert number(g, "iv_tanh_1_last") < number(g, "iv_tanh_1_first") < 1
    assert number(g, "iv_tanh_15_last") < 1
    assert 0.5 < number(g, "iv_tanh_small_1_last") < 1


def test_glued_backward(glued, page_runs):
    g = glued(PAGE)
    assert number(g, "iv_backward_seeds") == 8 == page_runs["funnel"]["forward_measured"].shape[2]
    for name, sizes in (("funnel", [512, 256, 128, 64, 32, 16]), ("alt", [100, 400] * 3 + [100])):
        run = page_runs[name]
        n = np.array(sizes, dtype=float)
        predicted = {
            ("fan_in", "forward"): 1.0, ("fan_in", "backward"): n[-1] / n[0],
            ("fan_out", "forward"): n[0] / n[-1], ("fan_out", "backward"): 1.0,
            ("fan_avg", "forward"): np.prod(2 * n[:-1] / (n[:-1] + n[1:])),
            ("fan_avg", "backward"): np.prod(2 * n[1:] / (n[:-1] + n[1:])),
        }
        for (mode, direction), value in predicted.items():
            i = run["modes"].index(mode)
            layer = -1 if direction == "forward" else 0
            glued_pred = number(g, f"iv_{name}_{mode}_{direction}_predicted")
            glued_meas = number(g, f"iv_{name}_{mode}_{direction}_measured")
            assert glued_pred == pytest.approx(value, rel=1e-12)
            assert glued_meas == pytest.approx(
                float(np.median(run[f"{direction}_measured"][i, layer])), rel=1e-9)
            assert glued_meas == pytest.approx(value, rel=0.15)
    assert number(g, "iv_alt_fan_avg_pair") == pytest.approx(0.64, rel=1e-12)


def test_glued_correlated_inputs(glued, digits):
    """The footnote on assumption (ii): real, correlated pixels, and Var(z) = n Var(W) E[a^2] still."""
    g = {k: float(v) for k, v in glued("justification").items() if k.startswith("iv_real_")}
    X = digits[0][:, 9000:9100]
    n, m = X.shape
    assert g["iv_real_rms"] == pytest.approx(math.sqrt(sum(float(x) ** 2 for x in X.ravel()) / (n * m)), rel=1e-12)
    mean = X.sum() / (n * m)
    assert g["iv_real_x_std"] == pytest.approx(math.sqrt(((X - mean) ** 2).sum() / (n * m)), rel=1e-12)
    corrs = []
    for row in range(28):
        for col in range(27):
            a, b = X[28 * row + col], X[28 * row + col + 1]
            if a.std() > 0 and b.std() > 0:
                da, db = a - a.mean(), b - b.mean()
                corrs.append((da * db).sum() / math.sqrt((da**2).sum() * (db**2).sum()))
    assert g["iv_real_neighbour_corr"] == pytest.approx(np.mean(corrs), rel=1e-9)
    # The footnote's claims: strongly correlated neighbours, and yet std(z) within 3 % of the
    # pixel RMS, while the pixel std (the zero-mean formula) is further off.
    assert g["iv_real_neighbour_corr"] > 0.5
    assert g["iv_real_z_std"] == pytest.approx(g["iv_real_rms"], rel=0.03)
    assert abs(g["iv_real_x_std"] - g["iv_real_z_std"]) > 2 * abs(g["iv_real_rms"] - g["iv_real_z_std"])
    # The draws themselves, from the page's fifth stream.
    rng = np.random.default_rng(PAGE_SEED).spawn(5)[4]
    z = np.stack([rng.normal(0.0, 1 / math.sqrt(784), (300, 784)) @ X for _ in range(10)])
    assert g["iv_real_z_std"] == pytest.approx(z.std(), rel=1e-12)

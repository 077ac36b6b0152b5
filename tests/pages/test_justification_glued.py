"""Every number docs/justification.md glues, against an independent computation.

Two kinds of check, neither using the page's code or the library's network:

- closed forms: moments of normal variables, telescoping products of widths, the length map by
  adaptive quadrature (scipy), the second moment of a ReLU;
- the page's experiments re-implemented in plain numpy from the seeds the page states (its cells
  each start ``rng = np.random.default_rng(k)``): the weights drawn as ``std * standard_normal``
  per layer, the forward pass as matrix products, the backward pass as the transposed products.
  These give the glued values to rounding, and the measured values are also checked against the
  closed forms within their sampling error.
"""

import math

import numpy as np
import pytest
from scipy import integrate

PAGE = "justification"


@pytest.fixture
def g(glued):
    return {k: float(v) for k, v in glued(PAGE).items() if k.startswith("iv_")}


def normal_moment(mu, var, k):
    """E[X^k] for X ~ N(mu, var), k <= 4."""
    return [1.0, mu, mu**2 + var, mu**3 + 3 * mu * var, mu**4 + 6 * mu**2 * var + 3 * var**2][k]


def tanh_second_moment(q):
    """E[tanh(z)^2] for z ~ N(0, q), by adaptive quadrature."""
    s = math.sqrt(q)
    f = lambda t: math.tanh(s * t) ** 2 * math.exp(-t * t / 2) / math.sqrt(2 * math.pi)  # noqa: E731
    return integrate.quad(f, -np.inf, np.inf)[0]


def length_map(var_x, gain, depth):
    q = [var_x]
    for _ in range(depth):
        q.append(tanh_second_moment(gain * q[-1]))
    return q


# -- the variance of a product (Going deeper box) ------------------------------------------------

def sampled_product(mx, vx, my, vy, rho, n, rng):
    e1 = rng.standard_normal((2, n))
    X = mx + math.sqrt(vx) * e1[0]
    Y = my + math.sqrt(vy) * (rho * e1[0] + math.sqrt(1 - rho**2) * e1[1])
    P = X * Y
    return P.var(ddof=1), math.sqrt(np.var((P - P.mean()) ** 2) / n)


def test_product_formula_and_its_failure(g):
    mx, vx, my, vy = 1.0, 2.0, -3.0, 0.5
    # independent X, Y: Var(XY) = E[X^2] E[Y^2] - E[X]^2 E[Y]^2
    truth = normal_moment(mx, vx, 2) * normal_moment(my, vy, 2) - mx**2 * my**2
    assert g["iv_prod_formula"] == truth
    assert g["iv_same_formula"] == normal_moment(mx, vx, 2) ** 2 - mx**4  # the formula with Y = X
    assert g["iv_same_exact"] == normal_moment(mx, vx, 4) - normal_moment(mx, vx, 2) ** 2  # Var(X^2)
    rng = np.random.default_rng(5)
    sampled, se = sampled_product(mx, vx, my, vy, 0.0, 1_000_000, rng)
    same, same_se = sampled_product(mx, vx, mx, vx, 1.0, 1_000_000, rng)
    assert g["iv_prod_sampled"] == pytest.approx(sampled, rel=1e-9)
    assert g["iv_prod_se"] == pytest.approx(se, rel=1e-6)
    assert g["iv_same_sampled"] == pytest.approx(same, rel=1e-9)
    assert g["iv_prod_rel_error_pct"] == pytest.approx(100 * (sampled / truth - 1), rel=1e-6)
    assert g["iv_prod_z"] == pytest.approx(abs(sampled - truth) / se, rel=1e-6)
    # The prose: sampling noise for independent factors, off by a factor of two for Y = X.
    assert g["iv_prod_z"] < 4
    assert abs(same - g["iv_same_exact"]) < 4 * same_se
    assert same > 1.9 * g["iv_same_formula"]


# -- one layer: the grid and the digits (Going deeper box) ----------------------------------------

@pytest.fixture(scope="module")
def layer_runs(digits):
    rng = np.random.default_rng(6)
    rows = []
    for n in 2 ** np.arange(4, 11):
        for var_w in [1e-3, 1e-2, 1e-1]:
            for var_a in [0.25, 1.0, 4.0]:
                W = math.sqrt(var_w) * rng.standard_normal((128, n))
                a = math.sqrt(3 * var_a) * rng.uniform(-1, 1, (n, 256))
                rows.append((n, n * var_w * var_a, np.mean((W @ a - (W @ a).mean()) ** 2)))
    X = digits[0][:, 9000:9100]
    z = np.stack([rng.standard_normal((300, 784)) / 28 @ X for _ in range(10)])
    return np.array(rows), X, z


def test_grid(g, layer_runs):
    rows = layer_runs[0]
    n, predicted, measured = rows.T
    dev = np.abs(measured / predicted - 1)
    assert g["iv_grid_points"] == 7 * 3 * 3 == len(rows)
    assert g["iv_grid_max_dev_pct"] == pytest.approx(100 * dev.max(), rel=1e-6)
    assert g["iv_grid_max_dev_n"] == n[dev.argmax()]
    assert g["iv_grid_max_dev_1024_pct"] == pytest.approx(100 * dev[n == 1024].max(), rel=1e-6)
    # Relative standard error of one point: the row norms of W (2 / (128 n)) and 128 * 256 samples.
    se = np.sqrt(2 / (128 * n) + 2 / (128 * 256))
    assert np.all(dev < 5 * se)


def test_correlated_digits(g, layer_runs):
    _, X, z = layer_runs
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
    assert g["iv_real_z_std"] == pytest.approx(z.std(), rel=1e-9)
    # The box's claims: correlated neighbours, std(z) = the pixels' RMS, not their std.
    assert g["iv_real_neighbour_corr"] > 0.5
    assert g["iv_real_z_std"] == pytest.approx(g["iv_real_rms"], rel=0.03)
    assert abs(g["iv_real_x_std"] - g["iv_real_z_std"]) > 2 * abs(g["iv_real_rms"] - g["iv_real_z_std"])


# -- through the layers ---------------------------------------------------------------------------

GAINS, WIDTH, DEPTH, SEEDS = [0.5, 1.0, 1.5], 256, 10, 8


def layer_variances(activation, x, rng):
    """Var(a[l]) / Var(x) per gain, layer and seed: a stack of SEEDS networks drawn layer by layer."""
    out = np.empty((len(GAINS), DEPTH + 1, SEEDS))
    for i, gain in enumerate(GAINS):
        a = np.broadcast_to(x, (SEEDS,) + x.shape)
        out[i, 0] = 1.0
        for l in range(1, DEPTH + 1):
            W = math.sqrt(gain / WIDTH) * rng.standard_normal((SEEDS, WIDTH, WIDTH))
            z = W @ a
            a = z if activation == "identity" else np.tanh(z)
            out[i, l] = a.var(axis=(1, 2)) / x.var()
    return out


@pytest.fixture(scope="module")
def layers():
    rng = np.random.default_rng(2)
    x = rng.standard_normal((WIDTH, 64))
    runs = {}
    for var_x, shrink in ((1.0, 1), (0.01, 10)):  # the page feeds x, then x / 10
        for act in ("identity", "tanh"):
            runs[var_x, act] = layer_variances(act, x / shrink, rng)
    return runs


def test_layers_linear(g, layers):
    lin = np.median(layers[1.0, "identity"], axis=-1)
    assert g["iv_layers_depth"] == DEPTH and g["iv_layers_seeds"] == SEEDS
    assert g["iv_lin_15_predicted"] == pytest.approx(1.5**10, rel=1e-12)
    for key, i in (("iv_lin_05_measured", 0), ("iv_lin_1_measured", 1), ("iv_lin_15_measured", 2)):
        assert g[key] == pytest.approx(lin[i, 10], rel=1e-9)
        assert g[key] == pytest.approx(GAINS[i] ** 10, rel=0.15)  # "the measurements sit on it"


def test_layers_tanh(g, layers):
    tanh = np.median(layers[1.0, "tanh"], axis=-1)
    small = np.median(layers[0.01, "tanh"], axis=-1)
    q = length_map(1.0, 1.0, DEPTH)
    assert g["iv_tanh_1_first_mf"] == pytest.approx(q[1], rel=1e-6)
    assert g["iv_tanh_1_last_mf"] == pytest.approx(q[10], rel=1e-6)
    assert g["iv_tanh_1_first"] == pytest.approx(tanh[1, 1], rel=1e-9)
    assert g["iv_tanh_1_last"] == pytest.approx(tanh[1, 10], rel=1e-9)
    assert g["iv_tanh_15_last"] == pytest.approx(tanh[2, 10], rel=1e-9)
    assert g["iv_tanh_05_last"] == pytest.approx(tanh[0, 10], rel=1e-9)
    assert g["iv_tanh_small_1_last"] == pytest.approx(small[1, 10], rel=1e-9)
    assert g["iv_tanh_small_15_last"] == pytest.approx(small[2, 10], rel=1e-9)
    # What the prose and the box say: on the length map, drifting down at 1, levelling off at 1.5
    # (at the map's fixed point), vanishing faster than 0.5^10, and near-linear for small inputs.
    assert g["iv_tanh_1_last"] == pytest.approx(q[10], rel=0.1)
    assert g["iv_tanh_1_last"] < g["iv_tanh_1_first"] < 1
    assert g["iv_tanh_15_last"] == pytest.approx(length_map(1.0, 1.5, 200)[-1], rel=0.1)
    assert g["iv_tanh_05_last"] < 0.5**10
    assert g["iv_tanh_small_1_last"] == pytest.approx(length_map(0.01, 1.0, 10)[-1] / 0.01, rel=0.1)
    assert 0.5 < g["iv_tanh_small_1_last"] < 1
    assert g["iv_tanh_small_15_last"] < 0.5 * 1.5**10


# -- the backward pass ----------------------------------------------------------------------------

VAR_W = {"fan_in": lambda n_in, n_out: 1 / n_in, "fan_out": lambda n_in, n_out: 1 / n_out,
         "fan_avg": lambda n_in, n_out: 2 / (n_in + n_out)}


def forward_backward(sizes, rng, m=128):
    """Var(a[L]) / Var(x) and Var(dA[0]) / Var(dZ[L]) per rule and seed, mean squared error."""
    x, y = rng.standard_normal((sizes[0], m)), rng.standard_normal((sizes[-1], m))
    out = {}
    for mode, var_w in VAR_W.items():
        Ws = [math.sqrt(var_w(a, b)) * rng.standard_normal((SEEDS, b, a)) for a, b in zip(sizes, sizes[1:])]
        a = x
        for W in Ws:
            a = W @ a
        d = np.broadcast_to(-y / m, (SEEDS,) + y.shape)  # dZ[L] on zero inputs: (0 - y) / m
        dZL = d.var(axis=(1, 2))
        for W in Ws[::-1]:
            d = W.swapaxes(1, 2) @ d
        out[mode] = (a.var(axis=(1, 2)) / x.var(), d.var(axis=(1, 2)) / dZL)
    return out


def telescoped(sizes, mode):
    """The products of the per-layer factors n[l-1] Var(W[l]) and n[l] Var(W[l])."""
    fwd = bwd = 1.0
    for a, b in zip(sizes, sizes[1:]):
        fwd *= a * VAR_W[mode](a, b)
        bwd *= b * VAR_W[mode](a, b)
    return fwd, bwd


@pytest.fixture(scope="module")
def backward():
    rng = np.random.default_rng(3)
    funnel = forward_backward([512, 256, 128, 64, 32, 16], rng)
    return {"funnel": funnel, "alt": forward_backward([100, 400] * 3 + [100], rng)}


@pytest.mark.parametrize("name, sizes", [("funnel", [512, 256, 128, 64, 32, 16]),
                                         ("alt", [100, 400] * 3 + [100])])
def test_backward(g, backward, name, sizes):
    assert g["iv_backward_seeds"] == SEEDS
    closed = {"fan_in": (1.0, sizes[-1] / sizes[0]), "fan_out": (sizes[0] / sizes[-1], 1.0)}
    for mode in VAR_W:
        fwd, bwd = telescoped(sizes, mode)
        if mode in closed:
            assert (fwd, bwd) == pytest.approx(closed[mode], rel=1e-12)
        assert g[f"iv_{name}_{mode}_forward_predicted"] == pytest.approx(fwd, rel=1e-12)
        assert g[f"iv_{name}_{mode}_backward_predicted"] == pytest.approx(bwd, rel=1e-12)
        measured_fwd, measured_bwd = backward[name][mode]
        assert g[f"iv_{name}_{mode}_forward_measured"] == pytest.approx(np.median(measured_fwd), rel=1e-9)
        assert g[f"iv_{name}_{mode}_backward_measured"] == pytest.approx(np.median(measured_bwd), rel=1e-9)
        assert g[f"iv_{name}_{mode}_forward_measured"] == pytest.approx(fwd, rel=0.15)
        assert g[f"iv_{name}_{mode}_backward_measured"] == pytest.approx(bwd, rel=0.15)


def test_funnel_closed_forms(g):
    # The table's predictions in maths: (4/3)^5 and (2/3)^5 for the fan average of a halving funnel.
    assert g["iv_funnel_fan_avg_forward_predicted"] == pytest.approx((4 / 3) ** 5, rel=1e-12)
    assert g["iv_funnel_fan_avg_backward_predicted"] == pytest.approx((2 / 3) ** 5, rel=1e-12)
    # A pair of layers 100 -> 400 under the fan average: forward times backward factor.
    n_in, n_out = 100, 400
    assert g["iv_alt_fan_avg_pair"] == pytest.approx(
        (n_in * 2 / (n_in + n_out)) * (n_out * 2 / (n_in + n_out)), rel=1e-12)


# -- the exercises' solutions ---------------------------------------------------------------------

def test_exercise_uniform(g):
    limit = 1 / 16
    var_u = integrate.quad(lambda w: w * w / (2 * limit), -limit, limit)[0]  # Var of U(-c, c)
    assert g["iv_ex_uniform_pred"] == pytest.approx((256 * var_u) ** 5, rel=1e-9)
    rng = np.random.default_rng(7)
    x = rng.standard_normal((256, 64))
    a = x
    for _ in range(5):
        a = limit * rng.uniform(-1, 1, (8, 256, 256)) @ a
    assert g["iv_ex_uniform_measured"] == pytest.approx(a.var(axis=(1, 2)).mean() / x.var(), rel=1e-9)
    assert g["iv_ex_uniform_measured"] == pytest.approx(g["iv_ex_uniform_pred"], rel=0.15)


def test_exercise_correlated(g):
    rng = np.random.default_rng(8)
    u = 1 + rng.standard_normal((1, 2000))
    W = rng.standard_normal((4096, 256)) / 16
    z = W @ np.repeat(u, 256, axis=0)
    assert g["iv_ex_corr_mean"] == pytest.approx(z.mean(), rel=1e-9, abs=1e-12)
    assert g["iv_ex_corr_var"] == pytest.approx(z.var(), rel=1e-9)
    # Predicted: mean 0 and variance E[u^2] = Var(u) + E[u]^2 = 2, up to one draw's scatter.
    assert abs(g["iv_ex_corr_mean"]) < 4 / 64
    assert g["iv_ex_corr_var"] == pytest.approx(2.0, rel=0.1)


def test_exercise_relu(g):
    # E[relu(z)^2] / Var(z) for z ~ N(0, 1), by quadrature: one half.
    half = integrate.quad(lambda t: t * t * math.exp(-t * t / 2) / math.sqrt(2 * math.pi), 0, np.inf)[0]
    assert g["iv_ex_relu_pred"] == pytest.approx(half**10, rel=1e-9)
    rng = np.random.default_rng(9)
    x = rng.standard_normal((256, 16))
    for scale, key in ((1.0, "iv_ex_relu_1"), (2.0, "iv_ex_relu_2")):
        a = x
        for _ in range(10):
            a = np.maximum(math.sqrt(scale / 256) * rng.standard_normal((16, 256, 256)) @ a, 0)
        assert g[key] == pytest.approx((a**2).mean() / (x**2).mean(), rel=1e-9)
        assert g[key] == pytest.approx((scale * half) ** 10, rel=0.3)


# -- the lesson's claims on the built page (issue 19 item 5) --------------------------------------

def built_page():
    from pathlib import Path

    from bs4 import BeautifulSoup

    path = Path(__file__).resolve().parents[2] / "_build" / "html" / f"{PAGE}.html"
    if not path.is_file():
        pytest.fail(f"{path} is missing: build the site first (make html)")
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser").find("main").find("article")


def assumption_problems(article) -> list[str]:
    """The derivation states up front what it needs (zero-mean weights, independent of each other
    and of the inputs) and, outside the Going-deeper boxes, asks nothing of the inputs."""
    problems = []
    section = article.find(id="what-the-derivation-needs")
    if section is None:
        return ["no section 'What the derivation needs'"]
    text = " ".join(section.get_text(" ").split())
    for needed in ("mean zero", "independently of each other", "independently of the layer"):
        if needed not in text:
            problems.append(f"the assumptions do not say {needed!r}")
    if section.find_all_previous("div", class_="math"):
        problems.append("a displayed equation comes before the assumptions are stated")
    for box in article.select("details.going-deeper"):
        box.decompose()
    if "i.i.d." in article.get_text(" "):
        problems.append("the main line still asks for i.i.d. inputs")
    return problems


def test_derivation_states_its_assumptions_first():
    assert assumption_problems(built_page()) == []


def test_papers_are_cited_from_the_bibliography():
    years = {a.get_text(strip=True) for a in built_page().select('a[href^="references.html#"]')}
    assert {"2010", "2015", "2016"} <= years  # Glorot & Bengio, He et al., Poole et al.

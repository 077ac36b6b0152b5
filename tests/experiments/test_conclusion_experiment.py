"""docs/conclusion.py against formulas written here, and the numbers glued into docs/conclusion.md."""

import ast
import math
import re

import matplotlib.pyplot as plt
import numpy as np
import pytest
from scipy import stats

from xavier import init

import conclusion

XAVIER = ("variance_scaling", {"scale": 1.0, "mode": "fan_in"})  # the article's N(0, 1/n_in)


def _latex_to_python(formula):
    """The table's LaTeX formula as a Python expression in n_in and n_out (only the forms it uses)."""
    expr = formula.replace(r"n_\text{in}", "n_in").replace(r"n_\text{out}", "n_out").replace(r"\,", "*")
    expr = re.sub(r"\\frac\{([^{}]*)\}\{([^{}]*)\}", r"((\1)/(\2))", expr)
    assert "\\" not in expr and "{" not in expr, formula
    return expr


# -- module functions ----------------------------------------------------------------------------


def test_relu_moment_ratio_half_for_symmetric_inputs_and_not_otherwise():
    rng = np.random.default_rng(0)
    n = 2_000_000
    for z in (rng.standard_normal(n), rng.uniform(-2, 2, n), rng.laplace(0, 1, n)):
        assert conclusion.relu_moment_ratio(z) == pytest.approx(0.5, abs=0.005)
    # z ~ N(1, 1): E[relu(z)^2] = (mu^2 + 1) Phi(mu) + mu phi(mu) with mu = 1.
    expected = 2 * stats.norm.cdf(1) + stats.norm.pdf(1)
    assert conclusion.relu_moment_ratio(1 + rng.standard_normal(n)) == pytest.approx(expected, rel=0.01)
    with pytest.raises(ValueError, match="variance"):
        conclusion.relu_moment_ratio(np.zeros(3))


def test_stacked_draws_each_initializer_in_order():
    f = init.stacked([XAVIER, "he_normal", "xavier_normal"], copies=2)
    n_out, n_in = 300, 200
    W = f((6, n_out, n_in), np.random.default_rng(1))
    assert W.shape == (6, n_out, n_in)
    variances = [1 / n_in, 1 / n_in, 2 / n_in, 2 / n_in, 2 / (n_in + n_out), 2 / (n_in + n_out)]
    for w, var in zip(W, variances):
        se = var * math.sqrt(2 / w.size)  # standard error of the sample variance of a normal draw
        assert abs(w.var() - var) < 4 * se
    assert not np.allclose(W[0], W[1])  # two different draws, not one copied
    with pytest.raises(ValueError, match="copies"):
        f((5, 3, 3), np.random.default_rng(0))
    with pytest.raises(ValueError, match="unknown initializer"):
        init.stacked(["kaiming"], copies=1)
    with pytest.raises(ValueError, match="copies"):
        init.stacked(["he_normal"], copies=0)


def test_relu_network_architecture():
    net = conclusion.relu_network([XAVIER, "he_normal"], depth=6, width=20, n_in=3,
                            rng=np.random.default_rng(2), seeds=4)
    assert net.sizes == (3, 20, 20, 20, 20, 20, 1)
    assert net.activations == ("relu",) * 5 + ("sigmoid",)
    assert net.S == 8 and all(not b.any() for b in net.b[1:])
    with pytest.raises(ValueError, match="depth"):
        conclusion.relu_network(["he_normal"], depth=1, width=4, n_in=2, rng=np.random.default_rng(0))


def test_second_moments_match_a_hand_written_forward_pass():
    rng = np.random.default_rng(3)
    net = conclusion.relu_network(["he_normal"], depth=4, width=5, n_in=3, rng=rng, seeds=2)
    X = rng.standard_normal((3, 7))
    q = conclusion.second_moments(net, X)
    assert q.shape == (2, 4)
    for s in range(2):
        a = X
        expected = [np.mean(X**2)]
        for l in range(1, 4):
            a = np.maximum(net.W[l][s] @ a, 0.0)
            expected.append(np.mean(a**2))
        np.testing.assert_allclose(q[s], expected, rtol=1e-12)


def test_predicted_second_moments():
    """The mean-field recursion iterated here by quadrature: q[l] = E[relu(z)^2], z ~ N(0, c q[l-1])
    (n Var(W) = c), not the closed form (c/2)^l q[0] the function uses."""
    from scipy import integrate

    def relu_moment(var):
        f = lambda z: max(z, 0.0) ** 2 * math.exp(-z * z / (2 * var)) / math.sqrt(2 * math.pi * var)  # noqa: E731
        return integrate.quad(f, 0, np.inf)[0]

    for c in (1.0, 2.0):
        q = [3.0]
        for _ in range(4):
            q.append(relu_moment(c * q[-1]))
        np.testing.assert_allclose(conclusion.predicted_second_moments(c, 3.0, 5), q, rtol=1e-9)


def test_second_moments_follow_the_prediction_on_average():
    """E[q[l]] = (c/2)^l q[0]: the mean over many wide copies, within a few standard errors."""
    rng = np.random.default_rng(4)
    S, depth = 40, 7
    net = conclusion.relu_network([XAVIER, "he_normal"], depth=depth, width=200, n_in=50, rng=rng, seeds=S)
    X = rng.standard_normal((50, 40))
    rel = conclusion.second_moments(net, X)
    rel = rel / rel[:, :1]
    for k, c in enumerate([1.0, 2.0]):
        r = rel[k * S:(k + 1) * S, -1]
        predicted = (c / 2) ** (depth - 1)
        assert abs(r.mean() - predicted) < 4 * r.std(ddof=1) / math.sqrt(S)


def test_preset_variances_describe_what_the_library_draws():
    """Each row's variance against a large independent draw (not against a formula written twice),
    and its LaTeX formula against its variance function."""
    rng = np.random.default_rng(5)
    n_in, n_out = 700, 300
    for shown, p in conclusion.PRESETS.items():
        name, kwargs = (p.spec, {}) if isinstance(p.spec, str) else p.spec
        W = init.initialize(name, (8, n_out, n_in), rng, **kwargs)
        var = p.variance(n_in, n_out)
        # 4 standard errors of a sample variance, with the normal's 4th moment (the widest of the three)
        assert abs(W.var() / var - 1) < 4 * math.sqrt(2 / W.size), shown
        for a, b in [(700, 300), (3, 11), (50, 50)]:
            assert eval(_latex_to_python(p.formula), {"n_in": a, "n_out": b}) == pytest.approx(p.variance(a, b),
                                                                                               rel=1e-12)
        assert name in init.INITIALIZERS and shown.split(", ")[0].split("(")[0] in init.INITIALIZERS
    # the draws keep their distributions apart: the uniform's range is sqrt(3 Var), the normal's is not bounded
    W = init.initialize("lecun_uniform", (n_out, n_in), rng)
    assert np.abs(W).max() <= math.sqrt(3 / n_in)


def test_preset_table():
    rows = conclusion.preset_table(np.random.default_rng(5), n_in=700, n_out=300)
    assert [r["name"] for r in rows] == list(conclusion.PRESETS)
    rng = np.random.default_rng(6)
    for r in rows:
        # the row's variance against an independent large draw of that preset, within 4 standard errors
        p = conclusion.PRESETS[r["name"]]
        name, kwargs = (p.spec, {}) if isinstance(p.spec, str) else p.spec
        W = init.initialize(name, (8, 300, 700), rng, **kwargs)
        assert abs(W.var() / r["variance"] - 1) < 4 * math.sqrt(2 / W.size), r["name"]
        assert abs(r["ratio"] - 1) < 4 * math.sqrt(2 / (700 * 300))
    md = conclusion.preset_table_markdown(rows)
    lines = md.splitlines()
    assert len(lines) == 2 + len(rows)
    assert all(line.count("|") == 6 for line in lines)
    assert "He et al. 2015" in lines[-1] and "`he_uniform`" in lines[-1]
    assert "| `xavier_normal`, `glorot_normal` | normal |" in md


def test_train_relu_xavier_stalls_he_learns_small():
    res = conclusion.train_relu([XAVIER, "he_normal"], depth=20, width=16, lr=0.05, steps=80,
                          rng=np.random.default_rng(6), seeds=3)
    assert res["cost"].shape == (80, 2, 3)
    assert res["X"].std() == pytest.approx(1.0, rel=1e-12)
    assert np.all(np.abs(res["cost"][:, 0] - math.log(2)) < 0.02)
    assert np.median(res["cost"][-1, 1]) < 0.5


def test_plot_relu_depth():
    rng = np.random.default_rng(7)
    names = [XAVIER, "he_normal"]
    net = conclusion.relu_network(names, depth=5, width=8, n_in=2, rng=rng, seeds=2)
    res = conclusion.train_relu(names, depth=5, width=8, lr=0.1, steps=5, rng=rng, seeds=2)
    fig = conclusion.plot_relu_depth(conclusion.second_moments(net, res["X"]), names, res)
    assert len(fig.axes) == 2
    plt.close(fig)


def test_he_modes_predictions_and_measurements():
    sizes = [20, 60, 40, 80, 5]
    r = conclusion.he_modes(sizes, np.random.default_rng(3), m=400, seeds=6)
    # fan_in: forward factor 1 per hidden layer, backward n[l] / n[l-1]; fan_out the reverse.
    back_in = (60 / 20) * (40 / 60) * (80 / 40)
    assert r["forward_predicted"].tolist() == pytest.approx([1.0, 1 / back_in])
    assert r["backward_predicted"].tolist() == pytest.approx([back_in, 1.0])
    # The weights have variance 2 / fan for their mode.
    for net, mode in zip(r["nets"], r["modes"]):
        fan = 60 if mode == "fan_in" else 40                     # layer 2: 60 -> 40
        assert net.W[2].var() * fan == pytest.approx(2.0, rel=0.1)
    # The measurements follow the predictions within sampling error (median over 6 copies).
    for way in ("forward", "backward"):
        ratio = np.median(r[way], axis=1) / r[f"{way}_predicted"]
        assert np.all(np.abs(ratio - 1) < 0.25), (way, ratio)
    with pytest.raises(ValueError, match="fan_in, fan_out"):
        conclusion.he_modes(sizes, np.random.default_rng(0), modes=["fan_avg"])
    with pytest.raises(ValueError, match="three"):
        conclusion.he_modes([4, 4], np.random.default_rng(0))

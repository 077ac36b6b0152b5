"""docs/xavier_init.py against independent computations, and the numbers glued by docs/xavier_init.md."""

import math
import re
from pathlib import Path

import numpy as np
import pytest

from xavier import datasets, init

import xavier_init
from xavier.network import Network, train
from tests.reference import backward_reference, forward_reference

PAGE = Path(__file__).resolve().parents[2] / "docs" / "xavier_init.md"
SEED, EPOCHS, N_TRAIN, N_TEST = 3, 4, 9000, 1000  # the page's settings (checked below)
WIDGET_SEEDS, WIDGET_EPOCHS = 5, 1  # the draws per initialization trained for the widget, and for how long
SLUG = {"Zero": "zero", "Uniform": "uniform", "Xavier": "xavier", "Standard normal": "normal"}


# -- the page's glued numbers ----------------------------------------------------------------------


def test_page_settings_match_this_file():
    src = PAGE.read_text()
    assert f"default_rng({SEED})" in src
    assert f"epochs={EPOCHS}, n_train={N_TRAIN}, n_test={N_TEST}," in src
    assert f"seeds={WIDGET_SEEDS}, seeds_epochs={WIDGET_EPOCHS})" in src


@pytest.fixture(scope="module")
def page_run_rng():
    """The page's experiment, recomputed (about 20 s), and the page's generator after it."""
    rng = np.random.default_rng(SEED)
    run = xavier_init.run_widget(rng, epochs=EPOCHS, n_train=N_TRAIN, n_test=N_TEST, seeds=WIDGET_SEEDS,
                                 seeds_epochs=WIDGET_EPOCHS)
    return run, rng


@pytest.fixture(scope="module")
def page_run(page_run_rng):
    return page_run_rng[0]


def _num(text):
    return float(text.strip("'\""))


def test_glued_values_at_initialization(glued, digits):
    g = glued("xavier_init")
    X, labels = digits
    X_probe = X[:, 10000 - N_TEST:][:, :100]
    start = xavier_init.widget_network(np.random.default_rng(SEED))
    A = {s: forward_reference([start.W[l][s] for l in range(1, 6)], X_probe)[0] for s in range(4)}
    names = list(xavier_init.WIDGET_INITS)
    for s, name in enumerate(names):
        assert _num(g[f"xi_nvar_{SLUG[name]}"]) == pytest.approx(784 * start.W[1][s].var(), rel=1e-9)
        for l in range(1, 5):
            assert _num(g[f"xi_std_{SLUG[name]}_{l}"]) == pytest.approx(A[s][l].std(), rel=1e-9, abs=1e-15)
    u, x, n = 1, 2, 3
    std = {s: np.array([A[s][l].std() for l in range(1, 5)]) for s in range(4)}
    assert _num(g["xi_rms"]) == pytest.approx(math.sqrt(np.mean(X_probe**2)))
    assert _num(g["xi_z1_std_xavier"]) == pytest.approx((start.W[1][2] @ X_probe).std(), rel=1e-9)
    assert _num(g["xi_z1_std_xavier"]) == pytest.approx(_num(g["xi_rms"]), rel=0.1)  # the prose's claim
    assert _num(g["xi_inv_sqrt3"]) == pytest.approx(3**-0.5)
    assert _num(g["xi_uniform_ratio_min"]) == pytest.approx((std[u][1:] / std[u][:-1]).min())
    assert _num(g["xi_uniform_ratio_max"]) == pytest.approx((std[u][1:] / std[u][:-1]).max())
    assert _num(g["xi_uniform_shrink"]) == pytest.approx(std[u][0] / std[u][3])
    assert _num(g["xi_xavier_drift"]) == pytest.approx(std[x][3] / std[x][0])
    sat = {s: np.array([np.mean(np.abs(A[s][l]) > 0.99) for l in range(1, 5)]) for s in range(4)}
    assert _num(g["xi_sat_xavier_max"]) == pytest.approx(sat[x].max())
    assert _num(g["xi_mean_xavier_max"]) == pytest.approx(max(abs(A[x][l].mean()) for l in range(1, 5)))
    assert _num(g["xi_mean_xavier_max"]) < 0.05  # the prose: "near 0"
    assert _num(g["xi_sat_normal_min"]) == pytest.approx(sat[n].min())
    assert _num(g["xi_sat_normal_max"]) == pytest.approx(sat[n].max())
    # the prose's claims about these numbers
    assert 0.5 < (std[u][1:] / std[u][:-1]).min() and (std[u][1:] / std[u][:-1]).max() < 0.65
    assert sat[n].min() > 0.5 and sat[x].max() < 0.01
    # back-propagated gradients
    Y = datasets.one_hot(labels[10000 - N_TEST:][:100])
    for s, name in enumerate(names[1:], start=1):
        dA = backward_reference([start.W[l][s] for l in range(1, 6)], X_probe, Y)
        assert _num(g[f"xi_grad_ratio_{SLUG[name]}"]) == pytest.approx(dA[1].std() / dA[4].std(), rel=1e-9)
    assert _num(g["xi_grad_zero_max"]) == 0.0


def test_glued_values_after_training(glued, page_run):
    g = glued("xavier_init")
    run = page_run
    names = list(run["names"])
    h = run["history"]
    e1 = list(run["steps"]).index(N_TRAIN // 100)
    for s, name in enumerate(names):
        assert _num(g[f"xi_error_{SLUG[name]}_epoch1"]) == pytest.approx(100 * run["error"][e1, s])
        assert _num(g[f"xi_error_{SLUG[name]}_end"]) == pytest.approx(100 * run["error"][-1, s])
        assert _num(g[f"xi_cost_{SLUG[name]}_start"]) == pytest.approx(h.cost[0, s])
    u, x, n = 1, 2, 3
    assert _num(g["xi_std_uniform_4_end"]) == pytest.approx(run["std"][-1, u, 3])
    assert _num(g["xi_std_xavier_4_end"]) == pytest.approx(run["std"][-1, x, 3])
    assert _num(g["xi_sat_xavier_max_end"]) == pytest.approx(run["saturated"][-1, x].max())
    assert _num(g["xi_sat_normal_min_end"]) == pytest.approx(run["saturated"][-1, n].min())
    assert _num(g["xi_sat_normal_max_end"]) == pytest.approx(run["saturated"][-1, n].max())
    assert g["xi_diverged_text"].strip("'\"") == (
        "none of the four starts diverged" if not h.diverged.any() else
        "diverged: " + ", ".join(nm for nm, d in zip(names, h.diverged) if d))
    # Zero answers the most frequent training digit; its error is the share of other digits.
    X, labels = datasets.load_digits()
    majority = int(np.bincount(labels[:N_TRAIN]).argmax())
    assert int(g["xi_zero_class"]) == majority
    share = np.mean(labels[10000 - N_TEST:] == majority)
    assert _num(g["xi_zero_class_share"]) == pytest.approx(100 * share)
    assert run["error"][-1, 0] == pytest.approx(1 - share)
    # the trained Xavier network on the probe batch
    Xp, lp = X[:, 10000 - N_TEST:][:, :100], labels[10000 - N_TEST:][:100]
    net = run["net"]
    _, _, P = forward_reference([net.W[l][x] for l in range(1, 6)], Xp, [net.b[l][x] for l in range(1, 6)])
    assert int(g["xi_misclassified"]) == int(np.sum(P.argmax(axis=0) != lp))
    # claims of the prose: Xavier ends best, the standard normal far behind
    assert run["error"][-1, x] < run["error"][-1, u] < run["error"][-1, n] < run["error"][-1, 0]


def test_glued_normalized_start(glued, page_run_rng):
    """Glorot and Bengio's normalized start beside Xavier's, by a hand-written forward pass."""
    g = {k: _num(v) for k, v in glued("xavier_init").items() if k.startswith("xi_pair_")}
    run, rng = page_run_rng
    pair = {"Xavier": xavier_init.WIDGET_INITS["Xavier"], "normalized": ("glorot_uniform", {})}
    net = xavier_init.widget_network(rng, inits=pair)
    X = run["X_test"][:, :100]
    sizes = [784, 300, 300, 300, 300, 10]
    for s, key in enumerate(("xavier", "normalized")):
        Ws = [net.W[l][s] for l in range(1, 6)]
        if key == "normalized":   # U(-a, a) with a = sqrt(6 / (n_in + n_out)) (Glorot & Bengio, eq. 16)
            for l, W in enumerate(Ws, start=1):
                a = math.sqrt(6 / (sizes[l - 1] + sizes[l]))
                assert np.abs(W).max() <= a and np.abs(W).max() > 0.99 * a
                assert W.var() == pytest.approx(a**2 / 3, rel=0.02)
        A, _, _ = forward_reference(Ws, X)
        for l in range(1, 5):
            assert g[f"xi_pair_{key}_{l}"] == pytest.approx(A[l].std(), rel=1e-9)
    assert g["xi_pair_nvar1"] == pytest.approx(784 * 2 / 1084, rel=0.02)
    # The prose: wider at every layer, shrinking about as slowly as Xavier's (within 10 %).
    assert all(g[f"xi_pair_normalized_{l}"] > g[f"xi_pair_xavier_{l}"] for l in range(1, 5))
    shrink = {k: g[f"xi_pair_{k}_4"] / g[f"xi_pair_{k}_1"] for k in ("xavier", "normalized")}
    assert shrink["normalized"] == pytest.approx(shrink["xavier"], rel=0.1)


def test_glued_uniform_cost_and_error(glued, page_run):
    keys = ("xi_early_step", "xi_log10", "xi_uniform_early_cost", "xi_uniform_early_error",
            "xi_uniform_error_start", "xi_hist_top")
    g = {k: _num(v) for k, v in glued("xavier_init").items() if k in keys}
    run = page_run
    u = run["names"].index("Uniform")
    assert g["xi_early_step"] == 30 and g["xi_log10"] == pytest.approx(math.log(10), rel=1e-15)
    cost = run["history"].cost[:, u]
    assert g["xi_uniform_early_cost"] == pytest.approx(sum(cost[20:30]) / 10, rel=1e-9)
    row = list(run["steps"]).index(30)
    assert g["xi_uniform_early_error"] == pytest.approx(100 * run["error"][row, u], rel=1e-9)
    assert run["steps"][0] == 0
    assert g["xi_uniform_error_start"] == pytest.approx(100 * run["error"][0, u], rel=1e-9)
    # The prose: the cost still near log 10 (within 10 %), the error already well down.
    assert g["xi_uniform_early_cost"] > 0.9 * math.log(10)
    assert g["xi_uniform_early_error"] < 0.6 * g["xi_uniform_error_start"]
    # One vertical scale: the tallest Uniform or Xavier bin at any recorded step, plus 5 %.
    x = run["names"].index("Xavier")
    assert g["xi_hist_top"] == pytest.approx(1.05 * max(run["hist"][:, u].max(), run["hist"][:, x].max()))

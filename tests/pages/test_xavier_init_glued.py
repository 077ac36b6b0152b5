"""docs/xavier_init.py against independent computations, and the numbers glued by docs/xavier_init.md."""

import math
import re
from pathlib import Path

import numpy as np
import pytest

from scipy import stats

from xavier import costs, datasets, init

import xavier_init
from tests import widget_digits as wd
from xavier.network import Network, train
from tests.reference import backward_reference, forward_reference

PAGE = Path(__file__).resolve().parents[2] / "docs" / "xavier_init.md"
SEED, EPOCHS, N_TRAIN, N_TEST = 3, 3, 9000, 1000  # the page's settings (checked below)
SEEDS, ONCE, DTYPE = 4, ["Zero"], "float32"  # draws per initialization; Zero drawn once; single precision
F32 = 2e-5  # relative tolerance of a float32 run against float64 references
SLUG = {"Zero": "zero", "Uniform": "uniform", "Xavier": "xavier", "Standard normal": "normal"}


# -- the page's glued numbers ----------------------------------------------------------------------


def test_page_settings_match_this_file():
    src = PAGE.read_text()
    assert f"default_rng({SEED})" in src
    assert f"EPOCHS, BATCH, N_TRAIN = {EPOCHS}, 100, {N_TRAIN}" in src and "X[:, N_TRAIN:]" in src
    assert f"SEEDS = {SEEDS}" in src and f'dtype="{DTYPE}"' in src
    assert 'for k in range(4) if k or not j]' in src   # Zero (k = 0) drawn once


def test_glued_sum_of_n_terms(glued, digits):
    """The opening (issue 19 item 6): the spread of the first layer's sums on the 100 digits for an
    N(0, 1) start and for the fan-in rule, against Var(z) = n Var(w) E[x^2] (closed form), and
    against each other: the same standard normal draw, scaled by 1/sqrt(784)."""
    g = {k: _num(v) for k, v in glued("xavier_init").items() if k in ("xi_sum_normal", "xi_sum_fanin", "xi_rms")}
    X, _ = digits
    x = X[:, 9000:9100]
    rms = math.sqrt(np.mean(x**2))
    assert g["xi_rms"] == pytest.approx(rms, rel=1e-12)
    # one draw of 1000 x 784 weights: the sample spread is within a few per cent of the closed form
    assert g["xi_sum_normal"] == pytest.approx(math.sqrt(784) * rms, rel=0.1)
    assert g["xi_sum_fanin"] == pytest.approx(rms, rel=0.1)
    assert g["xi_sum_normal"] / g["xi_sum_fanin"] == pytest.approx(28.0, rel=1e-9)
    # the "near 9.7" and "near 0.35", and the prose: at that size tanh is near +-1 for most units
    assert round(g["xi_sum_normal"], 1) == pytest.approx(9.7, abs=0.4) and round(g["xi_sum_fanin"], 2) == pytest.approx(0.35, abs=0.02)
    assert 2 * stats.norm.sf(np.arctanh(0.99) / g["xi_sum_normal"]) > 0.5


def test_glued_data_and_training_settings(glued, digits):
    """The dataset's size, the split, the batch and the steps per epoch the prose states: against
    the library's dataset, this file's settings and the article's batch of 100 (ARTICLE.md)."""
    g = glued("xavier_init")
    X, _ = digits
    assert int(g["xi_n_digits"]) == X.shape[1]
    assert (int(g["xi_n_train"]), int(g["xi_n_test"])) == (N_TRAIN, N_TEST)
    assert int(g["xi_n_train"]) + int(g["xi_n_test"]) <= X.shape[1]
    assert int(g["xi_batch"]) == 100  # the article's widget: batches of 100
    assert int(g["xi_steps_per_epoch"]) == math.ceil(N_TRAIN / 100)


@pytest.fixture(scope="module")
def page_run_rng():
    """The page's experiment, recomputed (about 20 s), and the page's generator after it."""
    rng = np.random.default_rng(SEED)
    run = wd.run_widget(rng, epochs=EPOCHS, n_train=N_TRAIN, n_test=N_TEST, seeds=SEEDS, once=ONCE,
                                 dtype=DTYPE)
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
    start = wd.widget_network(np.random.default_rng(SEED))
    A = {s: forward_reference([start.W[l][s] for l in range(1, 6)], X_probe)[0] for s in range(4)}
    names = list(wd.WIDGET_INITS)
    for s, name in enumerate(names):
        assert _num(g[f"xi_nvar_{SLUG[name]}"]) == pytest.approx(784 * start.W[1][s].var(), rel=1e-5)  # float32 weights
        for l in range(1, 5):
            assert _num(g[f"xi_std_{SLUG[name]}_{l}"]) == pytest.approx(A[s][l].std(), rel=F32, abs=1e-15)
    u, x, n = 1, 2, 3
    std = {s: np.array([A[s][l].std() for l in range(1, 5)]) for s in range(4)}
    assert _num(g["xi_rms"]) == pytest.approx(math.sqrt(np.mean(X_probe**2)))
    assert _num(g["xi_z1_std_xavier"]) == pytest.approx((start.W[1][2] @ X_probe).std(), rel=F32)
    assert _num(g["xi_z1_std_xavier"]) == pytest.approx(_num(g["xi_rms"]), rel=0.1)  # the prose's claim
    # the prose's 1/sqrt(3): the std of U(-1, 1), the uniform of variance 1/3
    assert _num(g["xi_inv_sqrt3"]) == pytest.approx(stats.uniform(-1, 2).std(), rel=1e-15)
    # the ratios the prose states are those of the table's printed numbers, the glued stds
    # rounded to 3 decimals, so that a reader can check them by hand
    shown = {s: np.array([round(_num(g[f"xi_std_{SLUG[names[s]]}_{l}"]), 3) for l in range(1, 5)]) for s in (u, x)}
    assert np.allclose(shown[u], std[u], atol=5e-4 + 1e-6) and np.allclose(shown[x], std[x], atol=5e-4 + 1e-6)
    for l in range(2, 5):
        assert _num(g[f"xi_uniform_ratio_{l}"]) == pytest.approx(shown[u][l - 1] / shown[u][l - 2], rel=1e-12)
    assert _num(g["xi_uniform_shrink"]) == pytest.approx(shown[u][0] / shown[u][3], rel=1e-12)
    assert _num(g["xi_xavier_drift"]) == pytest.approx(shown[x][3] / shown[x][0], rel=1e-12)
    sat = {s: np.array([np.mean(np.abs(A[s][l]) > 0.99) for l in range(1, 5)]) for s in range(4)}
    assert _num(g["xi_sat_xavier_max"]) == pytest.approx(sat[x].max(), abs=2 / 30000)  # float32: a value or two may cross 0.99
    assert _num(g["xi_mean_xavier_max"]) == pytest.approx(max(abs(A[x][l].mean()) for l in range(1, 5)), rel=1e-3, abs=1e-6)
    assert _num(g["xi_mean_xavier_max"]) < 0.05  # the prose: "near 0"
    assert _num(g["xi_sat_normal_min"]) == pytest.approx(sat[n].min(), abs=5 / 30000)
    assert _num(g["xi_sat_normal_max"]) == pytest.approx(sat[n].max(), abs=5 / 30000)
    # the prose's claims about these numbers
    assert 0.5 < (std[u][1:] / std[u][:-1]).min() and (std[u][1:] / std[u][:-1]).max() < 0.65
    assert sat[n].min() > 0.5 and sat[x].max() < 0.01
    # "the spread drifts down slowly from layer to layer" (not "nearly the same"): every Xavier layer
    # narrower than the one before, by less than Uniform's 1/sqrt(3) a layer, yet 10 % or more in all
    assert np.all(np.diff(std[x]) < 0) and (std[x][1:] / std[x][:-1]).min() > 0.8
    assert std[x][3] / std[x][0] < 0.9
    # back-propagated gradients
    Y = datasets.one_hot(labels[10000 - N_TEST:][:100])
    for s, name in enumerate(names[1:], start=1):
        dA = backward_reference([start.W[l][s] for l in range(1, 6)], X_probe, Y)
        assert _num(g[f"xi_grad_ratio_{SLUG[name]}"]) == pytest.approx(dA[1].std() / dA[4].std(), rel=F32)
    assert _num(g["xi_grad_zero_max"]) == 0.0
    # Issue 19 item 5: the standard normal's early layers receive the largest gradients, not too
    # little; its logits are huge. Both measured here by a plain forward and backward pass.
    dAs = {s: backward_reference([start.W[l][s] for l in range(1, 6)], X_probe, Y) for s in range(1, 4)}
    grad = {s: np.array([dAs[s][l].std() for l in range(1, 5)]) for s in range(1, 4)}
    assert np.all(grad[n] > grad[u]) and np.all(grad[n] > grad[x])
    assert _num(g["xi_grad_normal_over_xavier"]) == pytest.approx(grad[n][0] / grad[x][0], rel=1e-3)
    assert _num(g["xi_grad_normal_over_xavier"]) > 5
    logits = {s: (start.W[5][s] @ A[s][4]).std() for s in (x, n)}
    assert _num(g["xi_logits_normal"]) == pytest.approx(logits[n], rel=1e-3)
    assert _num(g["xi_logits_xavier"]) == pytest.approx(logits[x], rel=1e-3)
    assert logits[n] > 20 * logits[x]   # "huge": tens of times Xavier's


def _batches():
    """The page's training batches, independently: train draws one permutation of the 9,000
    training digits per epoch from the page's generator, which spawning the draws does not move."""
    rng = np.random.default_rng(SEED)
    return [rng.permutation(N_TRAIN) for _ in range(EPOCHS)]


def test_glued_values_after_training(glued, page_run):
    g = glued("xavier_init")
    run = page_run
    names = list(run["names"])
    X, labels = datasets.load_digits()
    X_test, y_test = X[:, 10000 - N_TEST:], labels[10000 - N_TEST:]
    # Every run's held-out error at the end, by a plain forward pass of its trained weights; the
    # glued median and 10-90 % range over the seeds of each start (Zero: its one run).
    net = run["all"]["net"]
    slices = wd.seed_slices(names, SEEDS, ONCE)
    start = wd.widget_network(np.random.default_rng(SEED), seeds=SEEDS, once=ONCE, dtype=DTYPE)
    first = _batches()[0][:100]
    for k, name in enumerate(names):
        errs, costs0 = [], []
        for sl in np.unique(slices[k]):
            _, _, P = forward_reference([net.W[l][sl].astype(float) for l in range(1, 6)], X_test,
                                        [net.b[l][sl].astype(float) for l in range(1, 6)])
            errs.append(100 * np.mean(P.argmax(axis=0) != y_test))
            _, _, P0 = forward_reference([start.W[l][sl].astype(float) for l in range(1, 6)], X[:, first])
            costs0.append(-np.mean(np.log(P0[labels[first], np.arange(100)])))
        assert len(errs) == (1 if name in ONCE else SEEDS)
        lo, med, hi = np.percentile(errs, [10, 50, 90])
        # float32 against float64: a digit whose two largest outputs nearly tie may flip (0.1 % each)
        assert _num(g[f"xi_error_{SLUG[name]}_end"]) == pytest.approx(med, abs=0.25)
        assert _num(g[f"xi_error_{SLUG[name]}_end_lo"]) == pytest.approx(lo, abs=0.25)
        assert _num(g[f"xi_error_{SLUG[name]}_end_hi"]) == pytest.approx(hi, abs=0.25)
        lo, med, hi = np.percentile(costs0, [10, 50, 90])
        assert _num(g[f"xi_cost_{SLUG[name]}_start"]) == pytest.approx(med, rel=1e-4)
        assert _num(g[f"xi_cost_{SLUG[name]}_start_lo"]) == pytest.approx(lo, rel=1e-4)
        assert _num(g[f"xi_cost_{SLUG[name]}_start_hi"]) == pytest.approx(hi, rel=1e-4)
        # after one epoch: the recorded held-out error of every run (the recording is checked
        # against separate runs in tests/experiments/test_widgets_frames.py)
        e1 = list(run["all"]["steps"]).index(N_TRAIN // 100)
        lo, med, hi = np.percentile(100 * run["all"]["error"][e1, np.unique(slices[k])], [10, 50, 90])
        assert _num(g[f"xi_error_{SLUG[name]}_epoch1"]) == pytest.approx(med)
        assert _num(g[f"xi_error_{SLUG[name]}_epoch1_lo"]) == pytest.approx(lo)
        assert _num(g[f"xi_error_{SLUG[name]}_epoch1_hi"]) == pytest.approx(hi)
    assert int(g["xi_runs_zero"]) == 1 and int(g["xi_seeds"]) == SEEDS and int(g["xi_epochs"]) == EPOCHS
    assert int(g["xi_probe"]) == run["predicted"].shape[-1]  # the probe batch the run's grids were drawn on
    u, x, n = 1, 2, 3
    assert _num(g["xi_std_uniform_4_end"]) == pytest.approx(run["std"][-1, u, 3])
    assert _num(g["xi_std_xavier_4_end"]) == pytest.approx(run["std"][-1, x, 3])
    assert _num(g["xi_sat_xavier_max_end"]) == pytest.approx(run["saturated"][-1, x].max())
    assert _num(g["xi_sat_normal_min_end"]) == pytest.approx(run["saturated"][-1, n].min())
    assert _num(g["xi_sat_normal_max_end"]) == pytest.approx(run["saturated"][-1, n].max())
    # the prose: the standard normal's units stay saturated to the end (most values of every layer)
    assert run["saturated"][-1, n].min() > 0.5
    diverged = run["all"]["diverged"]
    assert g["xi_diverged_text"].strip("'\"") == (
        "no run of any start diverged" if not diverged.any() else
        "diverged: " + ", ".join(nm for k, nm in enumerate(names) if diverged[slices[k]].any()))
    # Zero answers the most frequent training digit; its error is the share of other digits.
    majority = int(np.bincount(labels[:N_TRAIN]).argmax())
    assert int(g["xi_zero_class"]) == majority
    share = np.mean(y_test == majority)
    assert _num(g["xi_zero_class_share"]) == pytest.approx(100 * share)
    assert run["error"][-1, 0] == pytest.approx(1 - share)
    # each trained network (first seed) on the probe batch: the grids' counts
    Xp, lp = X_test[:, :100], y_test[:100]
    for k, name in enumerate(names):
        sl = slices[k, 0]
        _, _, P = forward_reference([net.W[l][sl].astype(float) for l in range(1, 6)], Xp,
                                    [net.b[l][sl].astype(float) for l in range(1, 6)])
        assert int(g[f"xi_misclassified_{SLUG[name]}"]) == pytest.approx(np.sum(P.argmax(axis=0) != lp), abs=1)
    assert int(g["xi_misclassified_zero"]) == np.sum(lp != majority)   # one answer for every digit
    # claims of the prose: Xavier ends best, the standard normal far behind (medians over the seeds)
    med = {nm: _num(g[f"xi_error_{SLUG[nm]}_end"]) for nm in names}
    assert med["Xavier"] < med["Uniform"] < med["Standard normal"] < med["Zero"]
    # "Uniform approaches Xavier's": far closer to it than to the standard normal
    assert med["Uniform"] - med["Xavier"] < 0.2 * (med["Standard normal"] - med["Xavier"])
    assert g["xi_right_color"].strip("'\"") == "bluish green" and g["xi_wrong_color"].strip("'\"") == "vermillion"


def test_colour_names_agree(glued):
    """One source of the grid's colour names (xavier_init.GRID_COLORS): the page's text uses them."""
    src = PAGE.read_text()
    named = {name.replace(" ", "-") for name, _ in xavier_init.GRID_COLORS.values()}   # as adjectives
    for name in named:
        assert f"{name} frame" in src
    frames = {w for w in re.findall(r"([\w-]+) frame\b", src) if w.lower() not in {"a", "the", "its", "each", "one"}}
    assert frames == named, f"frames named otherwise: {frames - named}"


def test_glued_normalized_start(glued, page_run_rng):
    """Glorot and Bengio's normalized start beside Xavier's, by a hand-written forward pass."""
    page = glued("xavier_init")
    g = {k: _num(v) for k, v in page.items() if k.startswith("xi_pair_")}
    run, rng = page_run_rng
    net = wd.widget_network(rng, inits={"normalized": ("glorot_uniform", {})})
    X = run["X_test"][:, :100]
    sizes = [784, 300, 300, 300, 300, 10]
    Ws = [net.W[l][0] for l in range(1, 6)]
    for l, W in enumerate(Ws, start=1):   # U(-a, a) with a = sqrt(6 / (n_in + n_out)) (Glorot & Bengio, eq. 16)
        a = math.sqrt(6 / (sizes[l - 1] + sizes[l]))
        assert np.abs(W).max() <= a and np.abs(W).max() > 0.99 * a
        # the sample variance of N uniform draws has a relative standard error of sqrt(0.8 / N)
        assert W.var() == pytest.approx(a**2 / 3, rel=4 * math.sqrt(0.8 / W.size))
    A, _, _ = forward_reference(Ws, X)
    for l in range(1, 5):
        assert g[f"xi_pair_normalized_{l}"] == pytest.approx(A[l].std(), rel=1e-9)
    assert g["xi_pair_nvar1"] == pytest.approx(784 * Ws[0].var(), rel=1e-9)
    assert g["xi_pair_nvar1"] == pytest.approx(784 * 2 / 1084, rel=0.02)
    xav = {l: _num(page[f"xi_std_xavier_{l}"]) for l in range(1, 5)}
    # The prose: wider at every layer, shrinking about as slowly as Xavier's (within 10 %).
    assert all(g[f"xi_pair_normalized_{l}"] > xav[l] for l in range(1, 5))
    shrink = {"xavier": xav[4] / xav[1], "normalized": g["xi_pair_normalized_4"] / g["xi_pair_normalized_1"]}
    assert shrink["normalized"] == pytest.approx(shrink["xavier"], rel=0.1)


def test_glued_uniform_cost_and_error(glued, page_run):
    keys = ("xi_early_step", "xi_log10", "xi_uniform_early_cost", "xi_uniform_early_error",
            "xi_uniform_error_start", "xi_hist_top")
    g = {k: _num(v) for k, v in glued("xavier_init").items() if k in keys}
    run = page_run
    u = run["names"].index("Uniform")
    steps = list(run["steps"])
    assert g["xi_early_step"] == min(steps, key=lambda t: abs(t - 30))
    # the guessing level log 10: the cross-entropy of a uniform guess over 10 digits (equal logits)
    guess = costs.cost("cross_entropy", np.zeros((10, 1)), None, np.eye(10)[:, :1])
    assert g["xi_log10"] == pytest.approx(float(guess), rel=1e-15)
    cost = run["history"].cost[:, u]
    t = int(g["xi_early_step"])
    assert g["xi_uniform_early_cost"] == pytest.approx(sum(cost[t - 10:t]) / 10, rel=1e-9)
    row = steps.index(int(g["xi_early_step"]))
    assert g["xi_uniform_early_error"] == pytest.approx(100 * run["error"][row, u], rel=1e-9)
    assert run["steps"][0] == 0
    assert g["xi_uniform_error_start"] == pytest.approx(100 * run["error"][0, u], rel=1e-9)
    # The prose: the cost still near log 10 (within 10 %), the error already well down.
    assert g["xi_uniform_early_cost"] > 0.9 * math.log(10)
    assert g["xi_uniform_early_error"] < 0.6 * g["xi_uniform_error_start"]
    # One vertical scale: the tallest Uniform or Xavier bin at any recorded step, plus 5 %.
    x = run["names"].index("Xavier")
    assert g["xi_hist_top"] == pytest.approx(1.05 * max(run["hist"][:, u].max(), run["hist"][:, x].max()))

"""Every number glued into docs/scaling.md against an independent computation.

Nothing is imported from the page or its module (docs/scaling.py). The references:

* the mean-field quantities (q*, chi_1, the edge, 1/std(tanh xi)) by ``scipy.integrate.quad``
  over the normal density and ``scipy.optimize.brentq`` for the fixed point and the edge, where the
  page iterates the map with Gauss-Hermite quadrature;
* the width sweep by a hand-written full-batch gradient descent in numpy (float32, one hidden ReLU
  layer, squared error, per-layer rates), the weights drawn from the page's generators in the
  order ``xavier.Network`` draws them (``standard_normal((S, n_out, n_in)) / sqrt(n_in)`` per
  layer);
* the deep tanh networks by a numpy loop drawing in the page's order, with the slope of
  log(1 - c) fitted by ``scipy.stats.linregress``.
"""

import math

import numpy as np
import pytest
from scipy import integrate, optimize, stats

PAGE = "scaling"

# -- the mean-field theory by quad ------------------------------------------------------------------


def _normal_mean(f):
    return integrate.quad(lambda x: f(x) * math.exp(-x * x / 2) / math.sqrt(2 * math.pi), -np.inf,
                          np.inf, epsabs=1e-13, epsrel=1e-12)[0]


def _qstar(sw2, sb2):
    g = lambda q: sw2 * _normal_mean(lambda x: math.tanh(math.sqrt(q) * x) ** 2) + sb2 - q
    if sb2 == 0 and sw2 <= 1:
        return 0.0
    return optimize.brentq(g, 1e-12, 100.0, xtol=1e-14)


def _chi(sw2, sb2):
    q = _qstar(sw2, sb2)
    return sw2 * _normal_mean(lambda x: (1 - math.tanh(math.sqrt(q) * x) ** 2) ** 2)


# -- the width sweep in plain numpy -------------------------------------------------------------------

M, BASE, STEPS, SEEDS = 64, 64, 20, 3
WIDTHS = BASE * 2 ** np.arange(6)
ETAS = 2.0 ** np.arange(-9, -1)


def _data(digits):
    X, labels = digits
    X = X[:, :M].reshape(7, 4, 7, 4, M).mean(axis=(1, 3)).reshape(49, M)
    X = (X - X.mean()) / X.std()
    return X.astype(np.float32), np.eye(10)[:, labels[:M]].astype(np.float32)


def _sgd(W1, W2, X, Y, lr1, lr2):
    """STEPS full-batch steps on J = sum (a2 - y)^2 / (2 m); biases start at 0 and learn with their
    layer's rate. The last cost per seed, inf for a seed whose cost or weights stopped being finite."""
    f = np.float32
    W1, W2 = W1.copy(), W2.copy()
    S = W1.shape[0]
    b1, b2 = np.zeros((S, W1.shape[1], 1), f), np.zeros((S, 10, 1), f)
    dead = np.zeros(S, bool)
    J = np.zeros(S)
    with np.errstate(all="ignore"):
        for _ in range(STEPS):
            z1 = W1 @ X + b1
            a1 = np.maximum(z1, 0)
            out = W2 @ a1 + b2
            J = (0.5 * (out - Y) ** 2).sum(axis=(1, 2)) / M
            d2 = (out - Y) / f(M)
            d1 = (W2.transpose(0, 2, 1) @ d2) * (z1 > 0)
            live = ~dead
            W2[live] -= f(lr2) * (d2 @ a1.transpose(0, 2, 1))[live]
            b2[live] -= f(lr2) * d2.sum(axis=2, keepdims=True)[live]
            W1[live] -= f(lr1) * (d1 @ X.T)[live]
            b1[live] -= f(lr1) * d1.sum(axis=2, keepdims=True)[live]
            finite = np.isfinite(J)
            for A in (W1, W2, b1, b2):
                finite &= np.isfinite(A).all(axis=(1, 2))
            dead |= ~finite
    return np.where(dead, np.inf, J)


@pytest.fixture(scope="module")
def sweep(digits):
    X, Y = _data(digits)
    final = np.empty((2, len(WIDTHS), len(ETAS), SEEDS))
    for p, mup in enumerate([False, True]):
        for i, n in enumerate(WIDTHS):
            rng = np.random.default_rng(i)
            W1 = (rng.standard_normal((SEEDS, n, 49)) / math.sqrt(49)).astype(np.float32)
            W2 = (rng.standard_normal((SEEDS, 10, n)) / math.sqrt(n)).astype(np.float32)
            if mup:
                W2 = W2 * np.float32(math.sqrt(BASE / n))
            for j, eta in enumerate(ETAS):
                lr1, lr2 = (eta * n / BASE, eta * BASE / n) if mup else (eta, eta)
                final[p, i, j] = _sgd(W1, W2, X, Y, lr1, lr2)
    return final


# -- the deep tanh networks in plain numpy --------------------------------------------------------------

SB2, N, DEPTH, SEEDS_C = 0.05, 200, 50, 6
SW2_M = np.array([0.6, 0.8, 1.0, 1.2, 1.4])


@pytest.fixture(scope="module")
def correlations():
    rng = np.random.default_rng(7)
    S = len(SW2_M) * SEEDS_C
    sw2 = np.repeat(SW2_M, SEEDS_C)
    q0 = np.array([_qstar(s, SB2) for s in SW2_M]).repeat(SEEDS_C)
    u = rng.standard_normal((S, N, 2))
    x1 = u[..., 0]
    x2 = 0.5 * u[..., 0] + math.sqrt(0.75) * u[..., 1]
    h1, h2 = np.sqrt(q0)[:, None] * x1, np.sqrt(q0)[:, None] * x2
    c = np.empty((DEPTH, S))
    for l in range(DEPTH):
        W = np.sqrt(sw2)[:, None, None] * (rng.standard_normal((S, N, N)) / math.sqrt(N))
        b = math.sqrt(SB2) * rng.standard_normal((S, N, 1))
        h1 = np.einsum("sij,sj->si", W, np.tanh(h1)) + b[..., 0]
        h2 = np.einsum("sij,sj->si", W, np.tanh(h2)) + b[..., 0]
        c[l] = (h1 * h2).sum(1) / np.sqrt((h1 * h1).sum(1) * (h2 * h2).sum(1))
    return c


def _depth_scales(c):
    out = []
    for col in c.T:
        gap = 1 - col
        keep = (gap > 1e-10) & (gap < 0.05)
        out.append(-1 / stats.linregress(np.flatnonzero(keep), np.log(gap[keep])).slope)
    return np.array(out).reshape(len(SW2_M), SEEDS_C)


# -- the reference for every glued name ------------------------------------------------------------------


@pytest.fixture(scope="module")
def reference(sweep, correlations, digits):
    med = np.median(sweep, axis=3)
    p = np.bincount(digits[1][:M], minlength=10) / M          # class frequencies of the M digits
    best = np.argmin(med, axis=2)
    best_seed = np.argmin(sweep, axis=2)
    xi = _depth_scales(correlations)
    xi_med = np.median(xi, axis=1)
    xi_th = np.array([-1 / math.log(_chi(s, SB2)) for s in SW2_M])
    g = 5 / 3
    chi_g = _chi(g * g, 0.0)
    inv_std = 1 / math.sqrt(_normal_mean(lambda x: math.tanh(x) ** 2))
    crit = optimize.brentq(lambda s: _chi(s, SB2) - 1, 1.2, 3.0, xtol=1e-10)
    k = 2  # sigma_w^2 = 1
    return {
        "sc_steps": STEPS, "sc_m": M, "sc_seeds": SEEDS,
        "sc_sp_best_64": ETAS[best[0, 0]], "sc_sp_best_2048": ETAS[best[0, -1]],
        "sc_sp_shift": ETAS[best[0, 0]] / ETAS[best[0, -1]],
        "sc_mup_best_lo": ETAS[best[1]].min(), "sc_mup_best_hi": ETAS[best[1]].max(),
        "sc_sp_cost_2048_at_64best": med[0, -1, best[0, 0]], "sc_sp_cost_64": med[0, 0, best[0, 0]],
        "sc_mup_cost_2048": med[1, -1, best[1, -1]], "sc_sp_cost_2048": med[0, -1, best[0, -1]],
        "sc_width_ratio": WIDTHS[-1] / WIDTHS[0],
        "sc_seed_mup_lo": ETAS[best_seed[1]].min(), "sc_seed_mup_hi": ETAS[best_seed[1]].max(),
        "sc_mup_best_64": ETAS[best[1, 0]], "sc_mup_best_2048": ETAS[best[1, -1]],
        "sc_sp_cost_2048_above": med[0, -1, best[0, -1] + 1],
        "sc_diverged": int(np.isinf(sweep).sum()), "sc_runs": sweep.size,
        # Predicting each class's frequency: half the summed Bernoulli variances p (1 - p).
        "sc_j_mean": 0.5 * float(np.sum(p * (1 - p))),
        "sc_crit": crit, "sc_sb2": SB2, "sc_width_c": N, "sc_depth_c": DEPTH, "sc_seeds_c": SEEDS_C,
        "sc_xi_meas_1": xi_med[k], "sc_xi_theory_1": xi_th[k],
        "sc_xi_meas_hi": xi_med[-1], "sc_xi_theory_hi": xi_th[-1],
        "sc_xi_worst": np.max(np.abs(xi_med / xi_th - 1)),
        "sc_xi_seed_lo": xi[-1].min(), "sc_xi_seed_hi": xi[-1].max(),
        "sc_qstar": _qstar(g * g, 0.0), "sc_chi": chi_g,
        "sc_grow_20": chi_g**19, "sc_grow_100": chi_g**99,
        "sc_inv_std": inv_std, "sc_chi_inv_std": _chi(inv_std**2, 0.0),
        "sc_ex_chi_09": 0.81,
        "sc_ex_ratio": 1 / math.sqrt(32),
        "sc_ex_gap_meas": np.median(1 - correlations[39].reshape(len(SW2_M), SEEDS_C)[k]),
        "sc_ex_gap_pred": 0.5 * math.exp(-40 * -math.log(_chi(1.0, SB2))),
    }


# Tolerances: exact for counts and grid rates; the sweep's costs are float32 runs of the same
# arithmetic in another order; the mean-field values differ by the page's quadrature and
# iteration count; the measured depth scales by the page's q* (Gauss-Hermite) at the start.
RTOL = {"sc_sp_cost_2048_above": 1e-3, "sc_j_mean": 1e-6, "sc_sp_cost_2048_at_64best": 1e-3, "sc_sp_cost_64": 1e-3, "sc_mup_cost_2048": 1e-3,
        "sc_sp_cost_2048": 1e-3, "sc_ex_ratio": 1e-6, "sc_xi_meas_1": 1e-4, "sc_xi_meas_hi": 1e-4,
        "sc_xi_worst": 1e-3, "sc_xi_seed_lo": 1e-4, "sc_xi_seed_hi": 1e-4, "sc_ex_gap_meas": 1e-4,
        "sc_qstar": 1e-7, "sc_chi": 1e-7, "sc_chi_inv_std": 1e-7, "sc_grow_20": 1e-6,
        "sc_grow_100": 1e-5, "sc_crit": 1e-6, "sc_xi_theory_1": 1e-6, "sc_xi_theory_hi": 1e-6,
        "sc_ex_gap_pred": 1e-5}


def test_every_glued_number_is_checked(glued, reference):
    figures = {k for k in glued(PAGE) if k.startswith("fig_")}
    assert set(glued(PAGE)) - figures == set(reference)


def test_glued_numbers_match_the_reference(glued, reference):
    values = glued(PAGE)
    wrong = {name: (float(values[name]), float(ref)) for name, ref in reference.items()
             if float(values[name]) != pytest.approx(float(ref), rel=RTOL.get(name, 1e-8), abs=1e-12)}
    assert not wrong


def test_the_prose_holds(glued, reference):
    v = {k: float(x) for k, x in glued(PAGE).items() if not k.startswith("fig_")}
    # muP: the best rate moves by at most one grid step (a factor of 2) across all widths...
    assert v["sc_mup_best_hi"] / v["sc_mup_best_lo"] <= 2
    # ...its widest network ends below the narrow one ("the wide networks ended below the narrow
    # one"; at width 64 muP is SP) and below SP's widest at its best rate.
    assert v["sc_mup_cost_2048"] < v["sc_sp_cost_64"] and v["sc_mup_cost_2048"] < v["sc_sp_cost_2048"]
    # "16-fold, against at most 32-fold": the shift is 4 of the 5 doublings from 64 to 2048.
    assert v["sc_sp_shift"] == 16 and v["sc_width_ratio"] == 32
    # At the narrow network's best rate, SP's widest network does worse than at its own best.
    assert v["sc_sp_cost_2048_at_64best"] > v["sc_sp_cost_2048"]
    # The recap: muP's best moved by one grid step from width 64 to 2048, not "held".
    assert v["sc_mup_best_2048"] / v["sc_mup_best_64"] in (0.5, 1.0, 2.0)
    # "One grid step above its best, the widest network ends above the cost of predicting the mean."
    assert v["sc_sp_cost_2048_above"] > v["sc_j_mean"]
    # "It did not diverge": finite, and above the old figure's clip at 2 (drawn there as diverged).
    assert math.isfinite(v["sc_sp_cost_2048_above"]) and v["sc_sp_cost_2048_above"] > 2
    assert v["sc_diverged"] < v["sc_runs"] == 2 * 6 * 8 * 3
    # The gain 5/3 is chaotic, 1/std(tanh xi) is near it, and gain 0.9 is ordered.
    assert v["sc_chi"] > 1 and v["sc_chi_inv_std"] > 1 and v["sc_ex_chi_09"] < 1
    assert abs(v["sc_inv_std"] - 5 / 3) < 0.1
    # "Closer to the edge": the depth scale grows towards it, measured and in theory.
    assert v["sc_xi_meas_hi"] > v["sc_xi_meas_1"] and v["sc_xi_theory_hi"] > v["sc_xi_theory_1"]
    assert v["sc_crit"] > 1.4
    # The measurement falls below the theory, and more so near the edge (the box's explanation).
    assert v["sc_xi_meas_1"] < v["sc_xi_theory_1"] and v["sc_xi_meas_hi"] < v["sc_xi_theory_hi"]
    assert v["sc_xi_meas_hi"] / v["sc_xi_theory_hi"] < v["sc_xi_meas_1"] / v["sc_xi_theory_1"]


def test_the_shapes_the_prose_reads_off_the_sweep(sweep):
    med = np.median(sweep, axis=3)
    best = np.argmin(med, axis=2)
    # SP: "it held still from width 64 to 128, then halved with every doubling".
    assert best[0, 1] == best[0, 0] and np.all(np.diff(best[0, 1:]) == -1)
    # SP at width 2048: "every seed had that same best rate" (the median run's).
    best_seed = np.argmin(sweep, axis=2)
    assert np.all(best_seed[0, -1] == best[0, -1])
    # muP: "the wide networks ended below the narrow one", each at its best rate.
    at_best = med[1, np.arange(len(WIDTHS)), best[1]]
    assert np.all(at_best[1:] < at_best[0])


def test_at_the_base_width_sp_and_mup_are_the_same_runs(sweep, glued):
    # muP is taken relative to width 64: there its start and rates are SP's, so are the costs.
    assert np.array_equal(sweep[0, 0], sweep[1, 0])

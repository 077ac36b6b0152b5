"""Every number glued into docs/signals.md against an independent computation.

The reference here is plain numpy: the chain's weights drawn from the page's generator in the
page's order (``Network(..., "zeros")`` draws nothing; the hidden noise, then
``variance_scaling``'s output rows, ``standard_normal * sqrt(1/2)``), and a hand-written
full-batch gradient descent (forward products, mean squared error, back-propagation by hand,
the rule of ``xavier.train`` for a run that diverges). Closed forms where there are some:
exact rationals for the powers, ``s**9`` for the measured ratios, ``ln 1000 / ln s`` for the
exercise's depths. Nothing is imported from the page or its module.
"""

from fractions import Fraction
import math

import numpy as np
import pytest

L = 10
SCALES = (1.5, 1.0, 0.5)
I2 = np.eye(2)


def _draw_chain(rng, seeds, noise):
    """Hidden matrices (9, 3*seeds, 2, 2) and output rows (3*seeds, 1, 2), scale-major."""
    hidden = []
    for _ in range(1, L):
        E = rng.standard_normal((seeds, 2, 2)) if noise else np.zeros((seeds, 2, 2))
        hidden.append(np.concatenate([s * I2 + noise * E for s in SCALES]))
    out = rng.standard_normal((seeds, 1, 2)) * math.sqrt(1 / 2)
    return hidden, np.concatenate([out] * len(SCALES))


def _descend(hidden, out, X, Y, lr, steps):
    """Full-batch gradient descent on J = mean((yhat - y)^2) / 2, every copy at once, biases too.
    Returns (cost of shape (T, S), nan after a copy diverged; diverged_at of shape (S,))."""
    Ws = [W.copy() for W in hidden] + [out.copy()]
    bs = [np.zeros((W.shape[0], W.shape[1], 1)) for W in Ws]
    S, m = out.shape[0], X.shape[1]
    alive = np.ones(S, bool)
    diverged_at = np.full(S, -1)
    cost = np.full((steps, S), np.nan)
    with np.errstate(all="ignore"):
        for t in range(steps):
            acts = [np.broadcast_to(X, (S,) + X.shape)]
            for W, b in zip(Ws, bs):
                acts.append(W @ acts[-1] + b)
            J = 0.5 * np.mean((acts[-1] - Y) ** 2, axis=(1, 2))
            dZ = (acts[-1] - Y) / m
            for l in range(L - 1, -1, -1):
                dW, db = dZ @ np.swapaxes(acts[l], 1, 2), dZ.sum(axis=2, keepdims=True)
                dZ = np.swapaxes(Ws[l], 1, 2) @ dZ
                Ws[l][alive] -= lr * dW[alive]
                bs[l][alive] -= lr * db[alive]
            cost[t, alive] = J[alive]
            finite = np.array([all(np.isfinite(W[k]).all() for W in Ws + bs) for k in range(S)])
            bad = alive & ~(np.isfinite(J) & finite)
            cost[t, bad & ~np.isfinite(J)] = np.nan
            diverged_at[bad] = t
            alive &= ~bad
            if not alive.any():
                return cost[: t + 1], diverged_at
    return cost, diverged_at


def _first_below(series, level):
    hits = [t for t, c in enumerate(series) if c < level]
    return hits[0] if hits else -1


def _rms(a):
    return float(np.sqrt(np.mean(np.square(a))))


@pytest.fixture(scope="module")
def page():
    from conftest import glued_literals

    return glued_literals("signals")


@pytest.fixture(scope="module")
def reference():
    """Every glued value, recomputed: ``{name: (value, rel, abs)}``."""
    ref = {}

    def put(name, value, rel=1e-12, abs_=0.0):
        ref[name] = (value, rel, abs_)

    # The powers: exact rationals (3/2)^9 = 19683/512 and so on.
    for name, s, k in [("pow_large", Fraction(3, 2), 9), ("pow_small", Fraction(1, 2), 9),
                       ("pow8_large", Fraction(3, 2), 8), ("pow8_small", Fraction(1, 2), 8)]:
        put(f"sig_{name}", s**k, rel=0)
    # The measured ratios of the W = sI chain are s^9, forward and backward.
    for name, s in [("large", 1.5), ("one", 1.0), ("small", 0.5)]:
        put(f"sig_ratio_{name}", s**9)
    put("sig_gratio_large", 1.5**9)
    put("sig_gratio_small", 0.5**9)
    put("sig_dw_spread", 1.0, rel=0, abs_=1e-12)  # dW[l] = s^(L-2) W_L^T dZ_L x^T for every l

    rng = np.random.default_rng(2)
    X = rng.standard_normal((2, 100))
    Y = np.array([[1.0, -2.0]]) @ X
    m = X.shape[1]
    put("sig_m", m, rel=0)
    _, out1 = _draw_chain(rng, 1, 0.0)
    w_out = out1[0]
    # Weight gradients by the closed form s^(L-2) W_L^T dZ_L x^T, dZ_L = (W_L s^(L-1) x - y) / m.
    dw = {s: _rms(s ** (L - 2) * w_out.T @ ((w_out @ (s ** (L - 1) * X) - Y) / m) @ X.T) for s in SCALES}
    put("sig_dw_ratio_large", dw[1.5] / dw[1.0], rel=1e-10)
    put("sig_dw_ratio_small", dw[1.0] / dw[0.5], rel=1e-10)

    # Training at learning rate 0.01 for 3000 steps, 12 seeds.
    seeds, lr, steps = 12, 0.01, 3000
    hidden, out = _draw_chain(rng, seeds, 0.01)
    cost, div = _descend(hidden, out, X, Y, lr, steps)
    cost = cost.reshape(-1, 3, seeds)
    div = div.reshape(3, seeds)
    J_zero = sum((X[0, i] - 2 * X[1, i]) ** 2 for i in range(m)) / (2 * m)
    put("sig_lr", lr, rel=0)
    put("sig_steps", steps, rel=0)
    put("sig_seeds", seeds, rel=0)
    put("sig_J_zero", J_zero)
    # The first update of W[1]: lr * rms(dA[1] x^T), the chain's product written out per copy.
    first = []
    for c in range(3 * seeds):
        a = [X]
        for W in [h[c] for h in hidden] + [out[c]]:
            a.append(W @ a[-1])
        d = (a[-1] - Y) / m
        d = out[c].T @ d
        for h in hidden[:0:-1]:
            d = h[c].T @ d
        first.append(_rms(d @ X.T))
    first = np.array(first).reshape(3, seeds)
    put("sig_first_step_large", lr * np.median(first[0]), rel=1e-9)
    put("sig_first_step_small", lr * np.median(first[2]), rel=1e-9)
    put("sig_first_step_ratio", lr * np.median(first[0]) / 1.5, rel=1e-9)
    put("sig_div_n", int((div[0] >= 0).sum()), rel=0)
    put("sig_div_last", int(div[0].max()), rel=0)
    put("sig_J0_median", np.median(cost[0, 1]), rel=1e-9)
    reach = [_first_below(cost[:, 1, j], 1e-6) for j in range(seeds)]
    put("sig_one_reach_median", int(np.median(reach)), rel=0)
    put("sig_one_reach_max", max(reach), rel=0)
    put("sig_one_final", 0.0, rel=0, abs_=1e-28)          # zero up to rounding
    put("sig_T_short", 200, rel=0)
    put("sig_small_at_short", np.median(cost[200, 2]), rel=1e-9)
    put("sig_small_drop_short", np.median(1 - cost[200, 2] / cost[0, 2]), rel=1e-6)
    escape = [_first_below(cost[:, 2, j], J_zero / 2) for j in range(seeds)]
    left = [e for e in escape if e >= 0]
    put("sig_small_escaped", len(left), rel=0)
    put("sig_small_escape_min", min(left), rel=0)
    put("sig_small_escape_median", int(np.median(left)), rel=0)
    put("sig_small_escape_max", max(left), rel=0)
    put("sig_small_stuck", seeds - len(left), rel=0)
    # "then fall to the minimum in a small fraction of the time they spent on the plateau":
    # steps from J_zero/2 down to 1e-6.
    fall_small = [_first_below(cost[:, 2, j], 1e-6) - e for j, e in enumerate(escape) if e >= 0]
    ref["_fall"] = (fall_small, left)

    # Learning rate 0.002 for 400 steps, the next 12 seeds.
    hidden, out = _draw_chain(rng, seeds, 0.01)
    slow, sdiv = _descend(hidden, out, X, Y, 0.002, 400)
    slow = slow.reshape(-1, 3, seeds)
    sdiv = sdiv.reshape(3, seeds)
    put("sig_slow_lr", 0.002, rel=0)
    put("sig_slow_steps", 400, rel=0)
    alive = [j for j in range(seeds) if sdiv[0, j] < 0]
    put("sig_slow_div_n", seeds - len(alive), rel=0)
    put("sig_slow_alive_n", len(alive), rel=0)
    rises = [max(slow[t + 1, 0, j] / slow[t, 0, j] for t in range(9)) for j in alive]
    put("sig_slow_up_n", sum(r > 1 for r in rises), rel=0)
    put("sig_slow_jump", max(rises), rel=1e-9)
    last = [slow[-1, 0, j] for j in alive]
    put("sig_slow_low_n", sum(c < 1e-2 for c in last), rel=0)
    put("sig_slow_plateau_n", sum(c > J_zero / 2 for c in last), rel=0)
    put("sig_slow_between_n", sum(1e-2 <= c <= J_zero / 2 for c in last), rel=0)
    put("sig_slow_final_min", min(last), rel=1e-6)
    put("sig_slow_final_max", max(last), rel=1e-9)
    put("sig_slow_final_median", np.median(last), rel=1e-6)
    put("sig_slow_final_one", np.median(slow[-1, 1]), rel=1e-9)
    put("sig_slow_final_small", np.median(slow[-1, 2]), rel=1e-9)

    # 13 learning rates from 1e-4 to 0.1, 300 steps, 8 seeds, all from the same starts.
    lrs = [10 ** (-4 + 3 * i / 12) for i in range(13)]
    sw_seeds, sw_steps = 8, 300
    hidden, out = _draw_chain(rng, sw_seeds, 0.01)
    med = np.empty((3, len(lrs)))
    for i, rate in enumerate(lrs):
        c, d = _descend(hidden, out, X, Y, rate, sw_steps)
        final = np.where(d >= 0, np.inf, c[-1]).reshape(3, sw_seeds)
        med[:, i] = np.median(final, axis=1)
    put("sig_sw_steps", sw_steps, rel=0)
    put("sig_sw_seeds", sw_seeds, rel=0)
    put("sig_sw_n", len(lrs), rel=0)
    put("sig_sw_lr_min", lrs[0])
    put("sig_sw_lr_max", lrs[-1])
    b_large, b_one = int(np.argmin(med[0])), int(np.argmin(med[1]))
    put("sig_sw_best_lr_large", lrs[b_large])
    put("sig_sw_best_large", med[0, b_large], rel=1e-6)
    put("sig_sw_one_at_best_large", med[1, b_large], rel=1e-6)
    put("sig_sw_best_lr_one", lrs[b_one])
    put("sig_sw_best_one", 0.0, rel=0, abs_=1e-28)        # zero up to rounding
    put("sig_sw_div_lr_large", min(r for r, v in zip(lrs, med[0]) if np.isinf(v)))
    # At the largest rate the runs are chaotic: a relative change of 1e-15 in the starting weights
    # moves the 0.5 I start's median cost after 300 steps from 0.90 to 0.38 here, so this plain
    # numpy descent, which rounds differently from the library, cannot reproduce those two costs.
    # The page says so; checked is what it claims of them: the 0.5 I start has left the plateau
    # there (below 0.9 J_zero, where it is at every smaller rate), and so has the identity start
    # risen far above its best cost.
    put("sig_sw_small_min_lr", lrs[-1])
    ref["_chaotic"] = (J_zero, med[2, -1], med[1, -1])
    stuck_until = max(r for r, v in zip(lrs, med[2]) if all(u > 0.9 * J_zero for u in med[2][: lrs.index(r) + 1]))
    put("sig_sw_small_stuck_lr", stuck_until)

    # Exercises: 1.1^9, the depths of a thousandfold, the rotation.
    put("sig_ex_gain_pred", Fraction(11, 10) ** 9, rel=1e-15)
    put("sig_ex_gain_fwd", 1.1**9)
    put("sig_ex_gain_bwd", 1.1**9)
    up = next(k for k in range(1, 1000) if Fraction(11, 10) ** k >= 1000)
    down = next(k for k in range(1, 1000) if Fraction(9, 10) ** k <= Fraction(1, 1000))
    put("sig_ex_depth_up", up, rel=0)
    put("sig_ex_depth_down", down, rel=0)
    put("sig_ex_depth_ratio", 1.1**up, rel=1e-12)
    put("sig_ex_depth_ratio_before", 1.1 ** (up - 1), rel=1e-12)
    put("sig_ex_rot_fwd", 1.0, rel=0, abs_=1e-13)
    put("sig_ex_rot_bwd", 1.0, rel=0, abs_=1e-13)
    put("sig_ex_rot_err", 0.0, rel=0, abs_=1e-13)
    return ref


def test_every_glued_number_is_checked(page, reference):
    chaotic = {"sig_sw_small_min", "sig_sw_one_at_small_best"}    # test_the_chaotic_row_of_the_sweep
    assert set(page) == {k for k in reference if not k.startswith("_")} | chaotic


def test_glued_numbers_match_the_reference(page, reference):
    wrong = []
    for name, entry in reference.items():
        if name.startswith("_"):
            continue
        value, rel, abs_ = entry
        got = page[name]
        if isinstance(value, Fraction):
            ok = Fraction(got) == value if rel == 0 else math.isclose(got, float(value), rel_tol=rel)
        elif isinstance(value, int) and rel == 0 and abs_ == 0:
            ok = got == value
        else:
            ok = got == pytest.approx(float(value), rel=rel, abs=abs_)
        if not ok:
            wrong.append(f"{name}: page {got!r}, reference {value!r}")
    assert not wrong, "\n".join(wrong)


def test_the_chaotic_row_of_the_sweep(page, reference):
    J_zero, small, one = reference["_chaotic"]
    for value in (page["sig_sw_small_min"], small):          # off the plateau, page and reference
        assert value < 0.9 * J_zero
    for value in (page["sig_sw_one_at_small_best"], one):    # the identity far above its best
        assert value > 1e6 * page["sig_sw_best_one"] and value > 0.1


def test_glued_values_support_the_prose(page, reference):
    # "hundreds of times larger / smaller"
    assert 100 <= page["sig_dw_ratio_large"] < 1000 and 100 <= page["sig_dw_ratio_small"] < 1000
    # "All N runs overflow", "the first update is as large as the weights themselves"
    assert page["sig_div_n"] == page["sig_seeds"] and page["sig_first_step_ratio"] > 0.5
    # The 0.5 I start is still near the cost of predicting 0 after T_short steps.
    assert page["sig_small_at_short"] > 0.9 * page["sig_J_zero"]
    assert page["sig_small_escaped"] > 0 and page["sig_small_stuck"] > 0
    # "then fall to the minimum in a small fraction of the time they spent on the plateau"
    fall, plateau = reference["_fall"]
    assert min(f for f in fall if f > 0) and max(fall) <= 0.2 * min(plateau)
    # Learning rate 0.002: "most survive", "their cost goes up ... by an order of magnitude or more",
    # "some reach a low cost, and some end on the plateau".
    assert 2 * page["sig_slow_alive_n"] > page["sig_seeds"]
    assert page["sig_slow_up_n"] == page["sig_slow_alive_n"] and page["sig_slow_jump"] >= 10
    assert page["sig_slow_low_n"] >= 1 and page["sig_slow_plateau_n"] >= 1
    # The sweep: 1.5 I diverges well below the identity's best rate, and does best where the
    # identity start has barely moved; the small start is past the identity's best rate.
    assert page["sig_sw_div_lr_large"] <= page["sig_sw_best_lr_one"] / 3
    assert page["sig_sw_one_at_best_large"] > 0.1 * page["sig_J_zero"]
    assert page["sig_sw_small_min_lr"] > page["sig_sw_best_lr_one"]
    # Exercise 2: one layer fewer is still short of a thousandfold.
    assert page["sig_ex_depth_ratio_before"] < 1000 <= page["sig_ex_depth_ratio"]

"""Every number glued into docs/normalization.md against an independent computation.

Nothing is imported from the page or its module ``docs/normalization.py``. The references are
closed forms (layer normalization's scale invariance, ``grad f(cW) = grad f(W) / c``, the variance
``d * std**2`` of a layer, exact products) and plain-numpy re-implementations written here: the
weights drawn from the page's generators in the page's order (``xavier.init.variance_scaling``
is ``std * rng.standard_normal(shape)``, one layer after the other), a layer normalization whose
backward pass is its explicit Jacobian per example, a residual stack written block by block, and
attention computed query by query.
"""

import math

import numpy as np
import pytest

from xavier import datasets

EPS = 1e-5


# -- plain numpy references -----------------------------------------------------------------------------

def _ln(Z):
    """Each column of Z (..., n, m) over its units: (Zhat, sigma), biased variance, eps inside."""
    mu = Z.sum(axis=-2, keepdims=True) / Z.shape[-2]
    var = ((Z - mu) ** 2).sum(axis=-2, keepdims=True) / Z.shape[-2]
    sigma = np.sqrt(var + EPS)
    return (Z - mu) / sigma, sigma


def _ln_backward_jacobian(dY, Zhat, sigma):
    """dZ = J^T dY per example, J = (I - 1 1^T / n - zhat zhat^T / n) / sigma (symmetric)."""
    n = Zhat.shape[-2]
    # J[s, i, :, :] for every copy s and example i
    zh = np.moveaxis(Zhat, -1, -2)                       # (S, m, n)
    J = (np.eye(n) - 1.0 / n - zh[..., :, None] * zh[..., None, :] / n) / np.moveaxis(sigma, -1, -2)[..., None]
    return np.moveaxis(np.einsum("smij,smi->smj", J, np.moveaxis(dY, -1, -2)), -1, -2)


def _digits_run(W, X, Y, Xt, Yt, norm, lr, epochs, batch, rng):
    """Mini-batch descent; returns (cost at step 0, error at the end), both of shape (S,), and the
    trained weights."""
    W = [w.copy() for w in W]
    L = len(W)
    b = [np.zeros((w.shape[0], w.shape[1], 1)) for w in W]
    g = [np.ones((w.shape[0], w.shape[1], 1)) for w in W[:-1]]
    be = [np.zeros_like(x) for x in g]

    def forward(Xb):
        A, cache = [np.broadcast_to(Xb, (W[0].shape[0],) + Xb.shape)], []
        for l in range(L):
            Z = np.einsum("sij,sjm->sim", W[l], A[-1]) + b[l]
            if l < L - 1:
                if norm:
                    Zhat, sigma = _ln(Z)
                    cache.append((Zhat, sigma))
                    Z = g[l] * Zhat + be[l]
                A.append(np.tanh(Z))
            else:
                E = np.exp(Z - Z.max(axis=1, keepdims=True))
                A.append(E / E.sum(axis=1, keepdims=True))
        return A, cache

    def evaluate():
        A, _ = forward(Xt)
        cost = -np.mean(np.log(np.sum(A[-1] * Yt, axis=1)), axis=-1)
        return cost, np.mean(A[-1].argmax(axis=1) != Yt.argmax(axis=0), axis=-1)

    first = evaluate()[0]
    m = X.shape[1]
    for _ in range(epochs):
        order = rng.permutation(m)
        for k in range(0, m, batch):
            idx = order[k:k + batch]
            Xb, Yb = X[:, idx], Y[:, idx]
            A, cache = forward(Xb)
            dZ = (A[-1] - Yb) / len(idx)
            for l in range(L - 1, -1, -1):
                if l < L - 1:
                    dZ = dA * (1 - A[l + 1] ** 2)
                    if norm:
                        Zhat, sigma = cache[l]
                        dg, dbe = (dZ * Zhat).sum(axis=2, keepdims=True), dZ.sum(axis=2, keepdims=True)
                        dZ = _ln_backward_jacobian(g[l] * dZ, Zhat, sigma)
                        g[l] -= lr * dg
                        be[l] -= lr * dbe
                dW = np.einsum("sim,sjm->sij", dZ, A[l])
                dA = np.einsum("sij,sim->sjm", W[l], dZ)
                W[l] -= lr * dW
                b[l] -= lr * dZ.sum(axis=2, keepdims=True)
    return first, evaluate()[1], W


def _relu(x):
    return np.where(x > 0, x, 0.0)


def _stack(x, W1, W2, variant, scale=1.0, gain=1.0):
    """Mean square (over units and inputs) of the stream after every block, per seed, block by block."""
    S = W1.shape[1]
    out = []
    for s in range(S):
        h = x.copy()
        row = [np.mean(h**2)]
        for k in range(W1.shape[0]):
            if variant == "none":
                h = h + W2[k, s] @ _relu(W1[k, s] @ h)
            elif variant == "pre":
                h = h + scale * (W2[k, s] @ _relu(W1[k, s] @ _ln(h)[0]))
            elif variant == "post":
                h = _ln(h + W2[k, s] @ _relu(W1[k, s] @ h))[0]
            else:                                         # a normalization at the end of the branch
                h = h + gain * _ln(W2[k, s] @ _relu(W1[k, s] @ h))[0]
            row.append(np.mean(h**2))
        out.append(row)
    return np.array(out).T                                # (N + 1, S)


def _stack_gradients(x, W1, W2, variant, target):
    """Frobenius norm of dJ/dW2[k] per block and seed, (N, S), J = |y - target|^2 / (2m), y the
    stack's output (pre-LN: a final LN after the stack; post-LN: the last block's LN), one seed at
    a time, back-propagating through every LN with its explicit Jacobian."""
    N, S = W1.shape[:2]
    m = x.shape[1]
    out = np.empty((N, S))
    for s in range(S):
        h, keep = x.copy(), []
        for k in range(N):
            if variant == "pre":
                u, sig = _ln(h[None])
                pre = W1[k, s] @ u[0]
                a = _relu(pre)
                keep.append((pre, a, (u, sig)))
                h = h + W2[k, s] @ a
            else:
                pre = W1[k, s] @ h
                a = _relu(pre)
                zh, sig = _ln((h + W2[k, s] @ a)[None])
                keep.append((pre, a, (zh, sig)))
                h = zh[0]
        if variant == "pre":
            zh, sig = _ln(h[None])
            dh = _ln_backward_jacobian((zh - target[None]) / m, zh, sig)[0]
        else:
            dh = (h - target) / m
        for k in range(N - 1, -1, -1):
            pre, a, (zh, sig) = keep[k]
            dbranch = dh if variant == "pre" else _ln_backward_jacobian(dh[None], zh, sig)[0]
            out[k, s] = np.sqrt(np.sum((dbranch @ a.T) ** 2))
            du = W1[k, s].T @ ((W2[k, s].T @ dbranch) * (pre > 0))
            dh = dh + _ln_backward_jacobian(du[None], zh, sig)[0] if variant == "pre" else dbranch + du
    return out


def _attention_weights(X, Wq, Wk, scaled):
    """Softmax weights query by query: P[s, i, j] for the T tokens (columns) of X[s]."""
    S, _, T = X.shape
    P = np.empty((S, T, T))
    for s in range(S):
        Q, K = Wq[s] @ X[s], Wk[s] @ X[s]
        for i in range(T):
            e = np.array([Q[:, i] @ K[:, j] for j in range(T)])
            if scaled:
                e = e / math.sqrt(Q.shape[0])
            e = np.exp(e - e.max())
            P[s, i] = e / e.sum()
    return P


# -- fixtures ---------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def page():
    from conftest import glued_literals

    return glued_literals("normalization")


@pytest.fixture(scope="module")
def reference():
    """Every glued value, recomputed: ``{name: (value, rel, abs)}``."""
    ref = {}

    def put(name, value, rel=1e-9, abs_=0.0):
        ref[name] = (value, rel, abs_)

    # Experiment 1: the digits. Weights drawn as variance_scaling draws them, layer after layer.
    X, labels = datasets.load_digits()
    Y = np.eye(10)[labels].T
    sizes, stds, seeds = [784, 64, 64, 64, 10], np.array([0.1, 1.0, 10.0]), 3
    rng = np.random.default_rng(22)
    base = [math.sqrt(1 / sizes[l]) * rng.standard_normal((seeds, sizes[l + 1], sizes[l])) for l in range(4)]
    c = np.repeat(stds, seeds)[:, None, None]
    W = [np.concatenate([w] * 3) * (c if l < 3 else 1.0) for l, w in enumerate(base)]
    Xtr, Ytr, Xt, Yt = X[:, :1000], Y[:, :1000], X[:, -500:], Y[:, -500:]
    for norm, tag in [(False, "plain"), (True, "ln")]:
        first, err, trained = _digits_run(W, Xtr, Ytr, Xt, Yt, norm, 0.1, 3, 50, np.random.default_rng(1))
        first, err = first.reshape(3, seeds), err.reshape(3, seeds)
        for k, name in enumerate(["small", "right", "large"]):
            # One digit of the 500. The plain x10 start is the exception: its saturated tanh network
            # amplifies rounding, so summing in another order is a new draw. Measured (session 25,
            # and test_plain_large_start_amplifies_rounding below): relative perturbations of 1e-15
            # of its weights, 8 of them, moved the median over the 3 seeds between 0.462 and 0.494
            # (standard deviation 0.011; single seeds 0.446 to 0.526), against 0.466 unperturbed.
            # 0.045 is 4 of those standard deviations; the 0.02 before was 1.8, unverified.
            tol = 0.045 if (tag, name) == ("plain", "large") else 0.003
            put(f"nrm_err_{tag}_{name}", float(np.median(err[k])), rel=0, abs_=tol)
        if norm:
            put("nrm_start_spread_ln", float(np.ptp(first, axis=0).max()), rel=0, abs_=1e-6)
            # The hidden weights' norm, end over start, per layer and copy; median per start.
            grown = np.array([np.sqrt((trained[l] ** 2).sum(axis=(1, 2)) / (W[l] ** 2).sum(axis=(1, 2)))
                              for l in range(3)]).reshape(3, 3, seeds)
            put("nrm_wnorm_small", float(np.median(grown[:, 0])), rel=1e-6)
            others = [abs(float(np.median(grown[:, k])) - 1) for k in (1, 2)]
            put("nrm_wnorm_other_dev", max(others), rel=1e-3, abs_=1e-6)
        else:
            put("nrm_start_small", float(np.median(first[0])), rel=1e-9)
            put("nrm_start_large", float(np.median(first[2])), rel=1e-9)
    put("nrm_steps", 3 * 1000 // 50, rel=0)
    # grad f(cW) = grad f(W) / c for a layer followed by a normalization: the step relative to the
    # weights scales as 1 / c^2 (the normalization's eps leaves a relative error of order eps / Var(z)).
    put("nrm_rel_ratio_small", (1.0 / 0.1) ** 2, rel=2e-3)   # eps / Var(z) ~ 1e-3 at std x 0.1
    put("nrm_rel_ratio_large", 10.0**2, rel=1e-3)
    put("nrm_ex_scale", 10.0, rel=1e-4)
    # Adam's first step is lr g / (|g| + eps), about lr sign(g): gradients c times smaller leave it
    # unchanged, so relative to weights c times larger it is c times smaller, not c^2 (Kingma & Ba,
    # Algorithm 1 with m_hat = g, v_hat = g^2). Its 1e-8 against gradients near 1e-7 leaves ~1e-3.
    put("nrm_adam_ratio_small", 10.0, rel=1e-3)
    put("nrm_adam_ratio_large", 10.0, rel=2e-3)
    # Batch normalization of 7 z against z: only eps differs, |zhat| (1/sqrt(1 + eps/49v) - 1/sqrt(1 + eps/v)).
    Wb = rng.standard_normal((64, 784)) / 28
    Z = Wb @ Xtr[:, :50]
    v = Z.var(axis=1, keepdims=True)
    zc = Z - Z.mean(axis=1, keepdims=True)
    put("nrm_bn_diff", float(np.max(np.abs(zc) * np.abs(7 / np.sqrt(49 * v + EPS) - 1 / np.sqrt(v + EPS)))), rel=1e-6)

    # Experiment 2: the residual stack, block by block.
    D, NS = 64, np.array([1, 2, 4, 8, 16, 32, 64])
    rng7 = np.random.default_rng(7)
    W1, W2 = np.empty((2, 64, 8, D, D))
    for k in range(64):
        W1[k] = rng7.standard_normal((8, D, D)) * math.sqrt(2 / D)
        W2[k] = rng7.standard_normal((8, D, D)) * math.sqrt(1 / D)
    x0 = np.random.default_rng(8).standard_normal((D, 32))
    q0 = float(np.mean(x0**2))
    put("nrm_res_q0", q0)
    pre = np.median(_stack(x0, W1, W2, "pre")[NS], axis=1)
    none = np.median(_stack(x0, W1, W2, "none")[NS], axis=1)
    scaled = np.array([np.median(_stack(x0, W1[:n], W2[:n], "pre", 1 / math.sqrt(n))[-1]) for n in NS])
    put("nrm_res_pre_64", pre[-1])
    put("nrm_res_none_16", none[4])
    put("nrm_res_none_dev64", none[-1] / (q0 * 2.0**64))
    put("nrm_res_pre_dev", float(np.max(np.abs(pre / (q0 + NS) - 1))), rel=1e-7)
    put("nrm_res_scaled_max", float(np.max(np.abs(scaled / (q0 + 1) - 1))), rel=1e-7)
    q16 = _stack(x0, W1[:16], 2 * W2[:16], "pre")[-1]
    put("nrm_ex_branch_pred", q0 + 64.0)
    put("nrm_ex_branch", float(np.median(q16)))
    put("nrm_ex_zero_one", float(np.median(_stack(x0, W1, W2, "last", gain=1.0)[-1])))
    put("nrm_ex_zero_zero", 0.0, rel=0, abs_=1e-15)      # gamma = 0: the identity, exactly

    # The gradients of every block's W2, seed by seed (explicit LN Jacobians).
    target = np.random.default_rng(9).standard_normal((D, 32))
    grads = {(v, n): _stack_gradients(x0, W1[:n], W2[:n], v, target) for v in ("pre", "post") for n in (4, 16, 64)}
    last = {k: float(np.median(g[-1])) for k, g in grads.items()}
    for (v, n), value in last.items():
        put(f"nrm_xg_{v}_{n}", value, rel=1e-9)
    for n in (16, 64):
        put(f"nrm_xg_pred_{n}", last["pre", 4] * math.sqrt((q0 + 4) / (q0 + n)), rel=1e-9)
    put("nrm_xg_ratio_64", last["post", 64] / last["pre", 64], rel=1e-9)
    put("nrm_xg_post_drift", last["post", 64] / last["post", 4], rel=1e-9)
    for v in ("pre", "post"):
        put(f"nrm_xg_profile_{v}", float(np.median(grads[v, 64][0] / grads[v, 64][-1])), rel=1e-9)

    # Experiment 3: attention, query by query; the weights as variance_scaling draws them.
    dks, T = [8, 32, 128, 512], 32
    rng3 = np.random.default_rng(3)
    for dk in dks:
        Xa = rng3.standard_normal((4, dk, T))
        Wq, Wk, Wv = (math.sqrt(1 / dk) * rng3.standard_normal((4, dk, dk)) for _ in range(3))
    P = {s: _attention_weights(Xa, Wq, Wk, s) for s in (False, True)}
    put("nrm_att_dk", 512, rel=0)
    put("nrm_att_top_plain", float(np.median(P[False].max(axis=-1).mean(axis=-1))))
    put("nrm_att_top_scaled", float(np.median(P[True].max(axis=-1).mean(axis=-1))))
    for s, name in [(False, "plain"), (True, "scaled")]:
        p = np.clip(P[s], 1e-300, 1)
        put(f"nrm_ent_{name}", float(np.mean(-np.sum(P[s] * np.log(p), axis=-1)) / math.log(T)), rel=1e-7)
    scores = np.array([(Wq[s] @ Xa[s]).T @ (Wk[s] @ Xa[s]) for s in range(4)])
    put("nrm_att_var_ratio", float(np.median(scores.var(axis=(1, 2)))) / 512)
    put("nrm_att_var_scaled", float(np.median((scores / math.sqrt(512)).var(axis=(1, 2)))))
    put("nrm_att_out", 0.0, rel=0)                        # W_o = 0
    # W_o = 0: every gradient but W_o's passes through W_o, so it is 0 exactly; for the cost
    # sum(G * W_o V P^T), dJ/dW_o = G P V^T, with P from the query-by-query loop above.
    put("nrm_att_grad_qkv", 0.0, rel=0)
    G = np.random.default_rng(7).standard_normal((4, 512, T))
    dWo = [G[s] @ P[True][s] @ (Wv[s] @ Xa[s]).T for s in range(4)]
    put("nrm_att_grad_o", float(np.median([np.sqrt(np.sum(g**2)) for g in dWo])), rel=1e-9)

    # A layer's variance gain at std 0.02: d * 0.02^2 in expectation; re-drawn for the measurements.
    put("nrm_gain_002_768", 768 * 0.0004, rel=1e-12)
    put("nrm_gain_002_cross", 2500.0, rel=1e-12)
    rng4 = np.random.default_rng(4)
    gains = []
    for d in [64, 128, 256, 512, 1024]:
        x = rng4.standard_normal((d, 16))
        g002 = np.var(rng4.standard_normal((3, d, d)) * 0.02 @ x, axis=(1, 2)) / np.var(x)
        rng4.standard_normal((3, d, d))                   # the 1/sqrt(d) draw
        gains.append(float(np.median(g002)))
    put("nrm_gain_002_64", gains[0])
    put("nrm_gain_002_top", gains[-1])
    # GPT-2 small's MLP at std 0.02, by hand: 768 * 0.0004 = 0.3072 (up), 3072 * 0.0004 = 1.2288
    # (down), 0.3072 * 1.2288 = 0.37748736; the down-projection's one measured draw re-drawn.
    put("nrm_gain_002_down_pred", 1.2288, rel=1e-12)
    put("nrm_gain_002_mlp", 0.37748736, rel=1e-12)
    x4 = np.random.default_rng(5).standard_normal((3072, 16))
    down = 0.02 * np.random.default_rng(6).standard_normal((768, 3072))
    put("nrm_gain_002_down", float(np.var(down @ x4) / np.var(x4)), rel=1e-9)
    # Adam's rate multiplier of std 0.02 against 1/sqrt(d), simulated: one Adam step (Kingma & Ba,
    # Algorithm 1: m_hat = g, v_hat = g^2 after bias correction) on weights drawn at each std, the
    # step's norm relative to the weights', ratio of the two. Sampling error of the norms ~1 %.
    rng_adam = np.random.default_rng(11)
    for d in (64, 768):
        rel_step = []
        for std in (0.02, 1 / math.sqrt(d)):
            W = std * rng_adam.standard_normal((d, d))
            g = rng_adam.standard_normal((d, d)) * 1e-3
            step = 1e-3 * g / (np.sqrt(g**2) + 1e-8)
            rel_step.append(np.sqrt(np.sum(step**2)) / np.sqrt(np.sum(W**2)))
        put(f"nrm_adam_mult_{d}", rel_step[0] / rel_step[1], rel=0.05)
    return ref


# -- tests -----------------------------------------------------------------------------------------------

def test_every_glued_number_is_checked(page, reference):
    assert sorted(page) == sorted(reference)


def test_glued_numbers_match_the_reference(page, reference):
    bad = []
    for name, (value, rel, abs_) in reference.items():
        if not math.isclose(float(page[name]), float(value), rel_tol=rel, abs_tol=abs_):
            bad.append(f"{name}: page {page[name]!r}, reference {value!r}")
    assert not bad, "\n".join(bad)


def test_glued_values_support_the_prose(page):
    # Layer normalization: the three starts compute one function at step 0.
    assert page["nrm_start_spread_ln"] < 1e-3
    # Without it the too-small start stays near guessing, ln 10; the too-large one starts higher.
    assert abs(page["nrm_start_small"] - math.log(10)) < 0.05
    assert page["nrm_start_large"] > page["nrm_start_small"]
    # "rescued the forward pass, not the training": the article's start stays best with LN.
    assert page["nrm_err_ln_right"] < min(page["nrm_err_ln_small"], page["nrm_err_ln_large"])
    # Pre-LN on 1 + N; the unnormalized median below the mean 2^N q0; the scaled stack flat.
    assert page["nrm_res_pre_dev"] < 0.1 and page["nrm_res_scaled_max"] < 0.1
    assert page["nrm_res_none_dev64"] < 1
    # Xiong et al.'s Theorem 1: pre-LN's last gradient falls as the final LN's 1/sqrt(q0 + N), post-LN's
    # stays; "that much further": post-LN's is several times pre-LN's at 64 blocks; the profiles as told.
    for n in (16, 64):
        assert abs(page[f"nrm_xg_pre_{n}"] / page[f"nrm_xg_pred_{n}"] - 1) < 0.1
    assert 0.75 < page["nrm_xg_post_drift"] < 1.25 and page["nrm_xg_ratio_64"] > 3
    assert page["nrm_xg_profile_pre"] > 3 and 0.75 < page["nrm_xg_profile_post"] < 1.25
    # Attention: unscaled nearly one-hot ("nearly all of it"), scaled spread; variance d_k.
    assert page["nrm_att_top_plain"] > 0.8 and page["nrm_att_top_scaled"] < 0.5
    assert abs(page["nrm_att_var_ratio"] - 1) < 0.2
    # The weight norm drifts (grows) most from the small start, where steps are largest relative to it.
    assert page["nrm_wnorm_small"] > 2 and page["nrm_wnorm_other_dev"] < 0.05
    # Std 0.02: the gain is below 1 at every measured width ("below 1 for every width under 2,500").
    assert page["nrm_gain_002_top"] < 1
    # The MLP's down-projection (fan-in 4d) is above 1 at d = 768, measured and predicted; the MLP
    # as a whole still below 1.
    assert page["nrm_gain_002_down_pred"] > 1 and page["nrm_gain_002_mlp"] < 1
    assert abs(page["nrm_gain_002_down"] / page["nrm_gain_002_down_pred"] - 1) < 0.05
    # W_o = 0: W_o alone gets a gradient ("only W_o learns").
    assert page["nrm_att_grad_qkv"] == 0 and page["nrm_att_grad_o"] > 0
    # Std 0.02 is a larger relative Adam step than 1/sqrt(d) at both widths, more so when narrow.
    assert page["nrm_adam_mult_64"] > page["nrm_adam_mult_768"] > 1


def test_layer_norm_reference_is_scale_invariant_and_its_jacobian_a_finite_difference():
    """The test's own layer normalization: LN(cz) = LN(z) up to eps, and its explicit Jacobian
    against central differences (so that the digits reference rests on a checked backward)."""
    rng = np.random.default_rng(0)
    Z = rng.standard_normal((1, 6, 3))
    assert np.allclose(_ln(5 * Z)[0], _ln(Z)[0], atol=1e-4)
    dY = rng.standard_normal(Z.shape)
    Zhat, sigma = _ln(Z)
    analytic = _ln_backward_jacobian(dY, Zhat, sigma)
    numeric = np.zeros_like(Z)
    h = 1e-6
    for idx in np.ndindex(Z.shape):
        e = np.zeros_like(Z)
        e[idx] = h
        numeric[idx] = (np.sum(dY * _ln(Z + e)[0]) - np.sum(dY * _ln(Z - e)[0])) / (2 * h)
    assert np.allclose(analytic, numeric, rtol=1e-6, atol=1e-8)


def test_plain_large_start_amplifies_rounding():
    """Why the plain x10 start's error has a wider tolerance than the others: a perturbation of
    its weights at the level of rounding (relative 1e-15) changes its held-out errors by more
    than the 0.003 allowed elsewhere, while the article's start keeps every seed's error."""
    X, labels = datasets.load_digits()
    Y = np.eye(10)[labels].T
    rng = np.random.default_rng(22)
    sizes = [784, 64, 64, 64, 10]
    base = [math.sqrt(1 / sizes[l]) * rng.standard_normal((3, sizes[l + 1], sizes[l])) for l in range(4)]
    data = (X[:, :1000], Y[:, :1000], X[:, -500:], Y[:, -500:])
    moved = {}
    for c in (1.0, 10.0):
        W = [w * (c if l < 3 else 1.0) for l, w in enumerate(base)]
        noise = np.random.default_rng(100)
        Wp = [w * (1 + 1e-15 * noise.standard_normal(w.shape)) for w in W]
        errs = [_digits_run(V, *data, False, 0.1, 3, 50, np.random.default_rng(1))[1] for V in (W, Wp)]
        moved[c] = np.max(np.abs(errs[1] - errs[0]))
    assert moved[1.0] < 0.003 < moved[10.0]

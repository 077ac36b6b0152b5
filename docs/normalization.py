r"""The experiments' helpers and figures of docs/normalization.md (not library API).

Three small numpy models, every one with a leading seed axis ``S`` and examples (tokens) as
columns, as in :mod:`xavier`:

- :func:`layer_norm` / :func:`layer_norm_backward`: layer normalization (Ba et al., 2016,
  arXiv:1607.06450, eqs. 3-4) with PyTorch's ``torch.nn.LayerNorm`` meaning: each example
  (column) is normalized over its units with the *biased* variance,
  :math:`\hat z = (z - \mu) / \sqrt{\sigma^2 + \epsilon}`, then :math:`\gamma \hat z + \beta`,
  :math:`\epsilon = 10^{-5}` (PyTorch's default).
- :func:`train_digits`: mini-batch gradient descent on a tanh network with a softmax output whose
  weights come from a :class:`xavier.Network`, with or without layer normalization before each
  hidden activation (Linear, LayerNorm, tanh).
- :func:`residual_stream`: a stack of residual MLP blocks, unnormalized, pre-LN or post-LN.
- :func:`attention`: single-head dot-product attention (Vaswani et al., 2017, eq. 1).
"""

from __future__ import annotations

import numpy as np

from plotting import COLORS, band, marker_for, styled, subplots

EPS = 1e-5
"""The :math:`\\epsilon` of every layer normalization here (PyTorch's ``LayerNorm`` default)."""


# -- layer normalization -----------------------------------------------------------------------------

def layer_norm(Z, gain, bias, eps=EPS):
    """Normalize every column of ``Z`` (shape ``(S, n, m)``) over its ``n`` units.

    Returns ``(gain * Zhat + bias, cache)``; ``gain`` and ``bias`` broadcast against ``(S, n, 1)``.
    """
    Zc = Z - Z.mean(axis=-2, keepdims=True)
    inv = 1.0 / np.sqrt(np.mean(Zc * Zc, axis=-2, keepdims=True) + eps)
    Zhat = Zc * inv
    return gain * Zhat + bias, (Zhat, inv)


def layer_norm_backward(dY, gain, cache):
    """Back-propagate through :func:`layer_norm`: ``(dZ, dgain, dbias)`` from ``dY = dJ/dY``.

    :math:`dZ = \\frac{1}{\\sigma}\\big(d\\hat z - \\overline{d\\hat z} - \\hat z\\,
    \\overline{d\\hat z \\odot \\hat z}\\big)`, the means over the units (Ba et al., 2016).
    """
    Zhat, inv = cache
    dZhat = dY * gain
    dZ = inv * (dZhat - dZhat.mean(axis=-2, keepdims=True)
                - Zhat * np.mean(dZhat * Zhat, axis=-2, keepdims=True))
    return dZ, np.sum(dY * Zhat, axis=-1, keepdims=True), np.sum(dY, axis=-1, keepdims=True)


# -- the digit network, with and without layer normalization ------------------------------------------

def _matmul(W, A):
    """``W @ A`` for ``W`` of shape ``(S, n, k)``; an ``A`` shared by the copies (2-D) goes
    through one large product (numpy's broadcast ``@`` is several times slower)."""
    if A.ndim == 2:
        S, n, k = W.shape
        return (W.reshape(S * n, k) @ A).reshape(S, n, A.shape[1])
    return W @ A


def _forward(W, b, G, B, X, norm):
    """Hidden layers Linear (-> LayerNorm) -> tanh, output Linear -> softmax."""
    L = len(W) - 1
    A, caches = [X], [None]
    for l in range(1, L + 1):
        Z = _matmul(W[l], A[-1]) + b[l]
        cache = None
        if l < L and norm:
            Z, cache = layer_norm(Z, G[l], B[l])
        caches.append(cache)
        if l < L:
            A.append(np.tanh(Z))
        else:
            Z = Z - Z.max(axis=-2, keepdims=True)
            E = np.exp(Z)
            A.append(E / E.sum(axis=-2, keepdims=True))
    return A, caches


def _cost(P, Y):
    """Softmax cross-entropy per copy, shape ``(S,)``."""
    return -np.mean(np.sum(Y * np.log(np.maximum(P, 1e-300)), axis=-2), axis=-1)


def gradients(W, b, G, B, X, Y, norm):
    """``(cost, dW, db, dG, dB)`` of the cross-entropy, lists indexed like ``W``."""
    L = len(W) - 1
    A, caches = _forward(W, b, G, B, X, norm)
    m = X.shape[-1]
    dZ = (A[L] - Y) / m
    dW, db, dG, dB = [None] * (L + 1), [None] * (L + 1), [None] * (L + 1), [None] * (L + 1)
    for l in range(L, 0, -1):
        if l < L:
            dZ = dA * (1 - A[l] ** 2)
            if norm:
                dZ, dG[l], dB[l] = layer_norm_backward(dZ, G[l], caches[l])
        if A[l - 1].ndim == 2:
            S, n, _ = dZ.shape
            dW[l] = (dZ.reshape(S * n, m) @ A[l - 1].T).reshape(S, n, -1)
        else:
            dW[l] = dZ @ np.swapaxes(A[l - 1], -1, -2)
        db[l] = dZ.sum(axis=-1, keepdims=True)
        if l > 1:
            dA = np.swapaxes(W[l], -1, -2) @ dZ
    return _cost(A[L], Y), dW, db, dG, dB


def train_digits(net, X, Y, X_test, Y_test, *, norm, lr, epochs, batch_size, rng, every=1):
    """Train copies of ``net``'s weights (not ``net`` itself) with mini-batch gradient descent.

    Every copy sees the same shuffled mini-batches (one permutation per epoch from ``rng``). With
    ``norm`` each hidden layer is Linear, LayerNorm (gain 1, bias 0 at the start, both trained),
    tanh. Returns ``(steps, test_cost, test_error)``: the step numbers at which the held-out cost
    and misclassified fraction were measured (every ``every`` steps and at the end), and those of
    shape ``(len(steps), S)``.
    """
    W = [None] + [w.copy() for w in net.W[1:]]
    b = [None] + [v.copy() for v in net.b[1:]]
    L = len(W) - 1
    G = [None] + [np.ones((W[l].shape[0], W[l].shape[1], 1)) for l in range(1, L)]
    B = [None] + [np.zeros_like(g) for g in G[1:]]
    labels = Y_test.argmax(axis=0)
    steps, costs, errors = [], [], []

    def measure(t):
        A, _ = _forward(W, b, G, B, X_test, norm)
        steps.append(t)
        costs.append(_cost(A[L], Y_test))
        errors.append(np.mean(A[L].argmax(axis=-2) != labels, axis=-1))

    m, t = X.shape[1], 0
    measure(0)
    for _ in range(epochs):
        order = rng.permutation(m)
        for k in range(0, m, batch_size):
            idx = order[k:k + batch_size]
            _, dW, db, dG, dB = gradients(W, b, G, B, X[:, idx], Y[:, idx], norm)
            for l in range(1, L + 1):
                W[l] -= lr * dW[l]
                b[l] -= lr * db[l]
                if norm and l < L:
                    G[l] -= lr * dG[l]
                    B[l] -= lr * dB[l]
            t += 1
            if t % every == 0:
                measure(t)
    if steps[-1] != t:
        measure(t)
    return np.array(steps), np.array(costs), np.array(errors)


# -- a stack of residual MLP blocks --------------------------------------------------------------------

def residual_weights(N, d, rng, seeds):
    """The weights of ``N`` blocks, ``W1[k]`` ~ N(0, 2/d) (He) and ``W2[k]`` ~ N(0, 1/d), each of
    shape ``(N, seeds, d, d)``, drawn in that order, block after block."""
    W1, W2 = np.empty((2, N, seeds, d, d))
    for k in range(N):
        W1[k] = rng.standard_normal((seeds, d, d)) * np.sqrt(2 / d)
        W2[k] = rng.standard_normal((seeds, d, d)) * np.sqrt(1 / d)
    return W1, W2


def residual_stream(x, W1, W2, variant, *, branch_scale=1.0, last_gain=None):
    """Mean square of the residual stream after each block, shape ``(N + 1, S)`` (row 0: the input).

    ``x`` has shape ``(d, m)`` (shared) or ``(S, d, m)``; block ``k`` of ``variant``:

    - ``"none"``: :math:`x + f(x)`;
    - ``"pre"``: :math:`x + s\\,f(\\mathrm{LN}(x))` (pre-LN, GPT-2), ``s = branch_scale``;
    - ``"post"``: :math:`\\mathrm{LN}(x + f(x))` (post-LN, the original transformer);
    - ``"last"``: :math:`x + \\gamma\\,\\mathrm{LN}(f(x))`, a normalization at the end of the
      branch whose gain :math:`\\gamma` starts at ``last_gain`` (ResNet's last BN of a block);

    with :math:`f(u) = W_2\\,\\mathrm{relu}(W_1 u)`. LN has gain 1, bias 0 and :data:`EPS`.
    """
    ones = np.ones((1, 1, 1))
    x = np.broadcast_to(x, (W1.shape[1],) + x.shape[-2:]).copy()
    out = [np.mean(x * x, axis=(-2, -1))]
    for k in range(W1.shape[0]):
        def f(u):
            return W2[k] @ np.maximum(W1[k] @ u, 0.0)
        if variant == "none":
            x = x + f(x)
        elif variant == "pre":
            x = x + branch_scale * f(layer_norm(x, ones, 0.0)[0])
        elif variant == "post":
            x = layer_norm(x + f(x), ones, 0.0)[0]
        elif variant == "last":
            x = x + layer_norm(f(x), last_gain, 0.0)[0]
        else:
            raise ValueError(f"variant must be one of none, pre, post, last, got {variant!r}")
        out.append(np.mean(x * x, axis=(-2, -1)))
    return np.array(out)


# -- single-head attention -------------------------------------------------------------------------------

def attention(X, Wq, Wk, Wv, Wo, *, scaled=True):
    """Single-head dot-product attention over the ``T`` tokens (columns) of ``X``, shape ``(S, d, T)``.

    ``Q = Wq X``, ``K = Wk X``, ``V = Wv X`` (``Wq``, ``Wk`` of shape ``(S, d_k, d)``); the weights
    ``P = softmax(Q^T K / sqrt(d_k))`` (``scaled``) or ``softmax(Q^T K)``, row ``i`` over the keys
    for query ``i``; the output ``Wo V P^T``, shape ``(S, d, T)``. Returns ``(output, P, scores)``.
    """
    Q, K, V = Wq @ X, Wk @ X, Wv @ X
    scores = np.swapaxes(Q, -1, -2) @ K
    if scaled:
        scores = scores / np.sqrt(Q.shape[-2])
    z = scores - scores.max(axis=-1, keepdims=True)
    P = np.exp(z)
    P /= P.sum(axis=-1, keepdims=True)
    return Wo @ V @ np.swapaxes(P, -1, -2), P, scores


def entropy(P):
    """Entropy of every row of ``P`` in nats (``0 log 0 = 0``)."""
    return -np.sum(np.where(P > 0, P * np.log(np.where(P > 0, P, 1.0)), 0.0), axis=-1)


# -- figures ---------------------------------------------------------------------------------------------

STARTS = ("small", "appropriate", "large")


@styled
def plot_digits(steps, cost, stds, seeds):
    """Held-out cost against step, without (top) and with (bottom) layer normalization.

    ``cost[norm]`` has shape ``(T, len(stds) * seeds)``, scale-major.
    """
    fig, axes = subplots(2, 1, figsize=(5.2, 6.4), sharex=True, sharey=True)
    for ax, norm in zip(axes, (False, True)):
        c = cost[norm].reshape(len(steps), len(stds), seeds)
        for k, (s, name) in enumerate(zip(stds, STARTS)):
            band(ax, steps, c[:, k], color=COLORS[name], label=f"std × {s:g}")
        ax.set(yscale="log", ylabel="held-out cost",
               title="with layer normalization" if norm else "without normalization")
    axes[1].set_xlabel("gradient-descent step")
    fig.legend(*axes[0].get_legend_handles_labels(), loc="outside lower center", ncol=3)
    return fig


RESIDUAL_STYLE = {"none": ("large", "no normalization"), "pre": ("small", "pre-LN"),
                  "scaled": ("appropriate", r"pre-LN, branch × $1/\sqrt{N}$"),
                  "post": ("zero", "post-LN")}


@styled
def plot_residual(Ns, q, predicted):
    """Mean square of the stream after ``N`` blocks: markers (median, 10-90 % bars over seeds) and
    the prediction (dashed). ``q[v]`` has shape ``(len(Ns), S)``, ``predicted[v]`` ``(len(Ns),)``."""
    fig, ax = subplots(figsize=(5.2, 4.6))
    for v, (name, label) in RESIDUAL_STYLE.items():
        c = COLORS[name]
        lo, med, hi = np.quantile(q[v], [0.1, 0.5, 0.9], axis=1)
        ax.plot(Ns, predicted[v], "--", color=c, lw=1)
        ax.errorbar(Ns, med, yerr=[med - lo, hi - med], fmt=marker_for(c), color=c, ms=5,
                    capsize=2, label=label)
    ax.plot([], [], "--", color="0.4", lw=1, label="prediction")
    ax.set(xscale="log", yscale="log", xlabel="number of blocks $N$",
           ylabel="mean square of the stream")
    ax.set_xticks(Ns, [str(n) for n in Ns])
    fig.legend(loc="outside lower center", ncol=2)
    return fig


@styled
def plot_attention(dks, top, T, width, gain):
    """Top: mean largest attention weight against d_k, with and without 1/sqrt(d_k) (``top[scaled]``
    of shape ``(len(dks), S)``). Bottom: one layer's variance gain against the width for std 0.02
    and 1/sqrt(d) (``gain[name]`` of shape ``(len(width), S)``), beside d * std^2 (dashed)."""
    fig, (ax1, ax2) = subplots(2, 1, figsize=(5.2, 7.0))
    for scaled, name, label in [(False, "large", "scores $q^\\top k$"),
                                (True, "appropriate", "scores $q^\\top k/\\sqrt{d_k}$")]:
        c = COLORS[name]
        lo, med, hi = np.quantile(top[scaled], [0.1, 0.5, 0.9], axis=1)
        ax1.errorbar(dks, med, yerr=[med - lo, hi - med], fmt=marker_for(c) + "-", color=c, ms=5,
                     capsize=2, label=label)
    ax1.axhline(1 / T, color="0.4", ls=":", lw=1, label=f"uniform, 1/{T}")
    ax1.set(xscale="log", yscale="log", xlabel="$d_k$", ylabel="largest attention weight",
            title="softmax saturation (mean over queries)")
    ax1.set_xticks(dks, [str(d) for d in dks])
    ax1.set_ylim(0.01, 1.5)
    ax1.legend(loc="lower right", frameon=True, framealpha=1, edgecolor="none")  # over the dotted line
    for key, name, label, pred in [("0.02", "large", "std 0.02", 0.02**2 * width),
                                   ("fan_in", "appropriate", r"std $1/\sqrt{d}$", np.ones(len(width)))]:
        c = COLORS[name]
        lo, med, hi = np.quantile(gain[key], [0.1, 0.5, 0.9], axis=1)
        ax2.plot(width, pred, "--", color=c, lw=1)
        ax2.errorbar(width, med, yerr=[med - lo, hi - med], fmt=marker_for(c), color=c, ms=5,
                     capsize=2, label=label)
    ax2.set(xscale="log", yscale="log", xlabel="width $d$", ylabel="Var(Wx) / Var(x)",
            title="one layer's variance gain (dashed: $d\\,\\sigma^2$)")
    ax2.set_xticks(width, [str(d) for d in width])
    ax2.legend(loc="lower right")
    return fig

r"""The experiments' helpers and figures of docs/normalization.md (not library API).

Three small numpy models, every one with a leading seed axis ``S`` and examples (tokens) as
columns, as in :mod:`xavier`:

- :func:`layer_norm` / :func:`layer_norm_backward`: layer normalization (Ba et al., 2016,
  arXiv:1607.06450, eqs. 3-4) with PyTorch's ``torch.nn.LayerNorm`` meaning: each example
  (column) is normalized over its units with the *biased* variance,
  :math:`\hat z = (z - \mu) / \sqrt{\sigma^2 + \epsilon}`, then :math:`\gamma \hat z + \beta`,
  :math:`\epsilon = 10^{-5}` (PyTorch's default).
- :class:`LayerNormNetwork`: a :class:`xavier.Network`'s layers with a layer normalization before
  each hidden activation (Linear, LayerNorm, tanh), a model that :func:`xavier.train` trains;
  :func:`held_out`, the training's callback measuring the held-out cost and error.
- :func:`residual_stream`: a stack of residual MLP blocks, unnormalized, pre-LN or post-LN.
- :func:`attention`: single-head dot-product attention (Vaswani et al., 2017, eq. 1).
"""

from __future__ import annotations

import numpy as np

import xavier
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


# -- the digit network with layer normalization, a model xavier.train trains ---------------------------------

def _matmul(W, A):
    """``W @ A`` for ``W`` of shape ``(S, n, k)``; an ``A`` shared by the copies (2-D) goes
    through one large product (numpy's broadcast ``@`` is several times slower)."""
    if A.ndim == 2:
        S, n, k = W.shape
        return (W.reshape(S * n, k) @ A).reshape(S, n, A.shape[1])
    return W @ A


class LayerNormNetwork:
    """The layers of a :class:`xavier.Network` with a layer normalization before each hidden
    activation: Linear, LayerNorm, activation; the output layer Linear, softmax.

    :func:`xavier.train` trains it with the cost ``"cross_entropy"``: it has the members of
    :class:`xavier.network.Trainable`. It holds copies of ``net``'s weights ``W[l]`` and biases
    ``b[l]`` and, for every hidden layer, a gain ``G[l]`` (starting at 1) and a bias ``B[l]``
    (starting at 0) of shape ``(S, n[l], 1)``, updated with layer ``l``'s learning rate.
    Raises ``ValueError`` for a network whose output is not softmax.
    """

    def __init__(self, net: xavier.Network):
        if net.activations[-1] != "softmax":
            raise ValueError(f"the output activation must be softmax, got {net.activations[-1]!r}")
        self._net = net.copy()
        self.W, self.b = self._net.W, self._net.b
        self.S, self.L, self.dtype, self.activations = net.S, net.L, net.dtype, net.activations
        self.G = [None] + [np.ones((net.S, n, 1), dtype=net.dtype) for n in net.sizes[1:-1]]
        self.B = [None] + [np.zeros_like(g) for g in self.G[1:]]

    def parameters(self) -> list:
        return self.W[1:] + self.b[1:] + self.G[1:] + self.B[1:]

    def check_inputs(self, X, Y=None, cost=None):
        self._net.check_inputs(X, Y, cost)

    def _forward(self, X):
        # Z[l]: the activation's input (after the normalization); caches[l]: the normalization's
        A, Z, caches = [X], [None], [None]
        for l in range(1, self.L + 1):
            z = _matmul(self.W[l], A[-1]) + self.b[l]
            cache = None
            if l < self.L:
                z, cache = layer_norm(z, self.G[l], self.B[l])
            Z.append(z)
            caches.append(cache)
            A.append(xavier.activations.forward(self.activations[l - 1], z))
        return Z, A, caches

    def forward(self, X):
        """``(Z, A)`` as :meth:`xavier.Network.forward` returns them; ``Z[l]`` of a hidden layer is
        the activation's input, after the normalization."""
        return self._forward(X)[:2]

    def cost(self, X, Y, cost="cross_entropy"):
        """The cross-entropy of every copy on ``(X, Y)``, shape ``(S,)``."""
        Z, A, _ = self._forward(X)
        return xavier.costs.cost(cost, Z[-1], A[-1], Y)

    def gradients(self, X, Y):
        """``(cost, dW, db, dG, dB)`` of the cross-entropy on ``(X, Y)``, lists indexed like ``W``."""
        L = self.L
        Z, A, caches = self._forward(X)
        J = xavier.costs.cost("cross_entropy", Z[L], A[L], Y)
        dZ = xavier.costs.gradient("cross_entropy", "softmax", Z[L], A[L], Y)
        dW, db, dG, dB = ([None] * (L + 1) for _ in range(4))
        for l in range(L, 0, -1):
            if l < L:
                dZ = xavier.activations.backward(self.activations[l - 1], Z[l], A[l], dA)
                dZ, dG[l], dB[l] = layer_norm_backward(dZ, self.G[l], caches[l])
            if A[l - 1].ndim == 2:
                S, n, m = dZ.shape
                dW[l] = (dZ.reshape(S * n, m) @ A[l - 1].T).reshape(S, n, -1)
            else:
                dW[l] = dZ @ np.swapaxes(A[l - 1], -1, -2)
            db[l] = dZ.sum(axis=-1, keepdims=True)
            if l > 1:
                dA = np.swapaxes(self.W[l], -1, -2) @ dZ
        return J, dW, db, dG, dB

    def step(self, X, Y, cost, lr, alive=None, *, check=True):
        """One gradient-descent step on every parameter; each copy's cost before it, shape ``(S,)``."""
        if check:
            xavier.costs.check(cost, self.activations[-1])
            self.check_inputs(X, Y, cost)
            lr = xavier.network.learning_rates(lr, self.L)
        J, *grads = self.gradients(X, Y)
        rates = (lr,) * self.L if isinstance(lr, float) else lr
        where = True if alive is None else alive[:, None, None]
        for P, dP in zip((self.W, self.b, self.G, self.B), grads):
            for l in range(1, len(P)):
                np.subtract(P[l], rates[l - 1] * dP[l], out=P[l], where=where)
        return J


def held_out(X, Y):
    """A :func:`xavier.train` callback ``(step, model) -> (cost, error)``: the cross-entropy and the
    misclassified fraction of every copy on the held-out ``(X, Y)``, each of shape ``(S,)``."""
    labels = Y.argmax(axis=0)

    def measure(step, model):
        Z, A = model.forward(X)
        error = np.mean(A[-1].argmax(axis=-2) != labels, axis=-1)
        return xavier.costs.cost("cross_entropy", Z[-1], A[-1], Y), error
    return measure


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


def residual_gradients(x, W1, W2, variant, target):
    r"""The norm of the gradient with respect to every block's second weights, shape ``(N, S)``.

    The stack of :func:`residual_stream` (``variant`` "pre" or "post") with the output of the
    transformers of Xiong et al. (2020): a final LN after a pre-LN stack, none after a post-LN
    one (its last block ends with one). The cost is the squared error to ``target`` (shape
    ``(d, m)``), :math:`J = \lVert y - t\rVert^2 / (2m)` per seed; row ``k`` holds the Frobenius
    norm of :math:`\partial J / \partial W_2^{(k)}`, block 1 (nearest the input) first.
    """
    if variant not in ("pre", "post"):
        raise ValueError(f"variant must be one of pre, post, got {variant!r}")
    ones = np.ones((1, 1, 1))
    x = np.broadcast_to(x, (W1.shape[1],) + x.shape[-2:]).copy()
    saved = []
    for k in range(W1.shape[0]):                          # forward, keeping what backward needs
        u, cache = layer_norm(x, ones, 0.0) if variant == "pre" else (x, None)
        h = W1[k] @ u
        a = np.maximum(h, 0.0)
        if variant == "pre":
            x = x + W2[k] @ a
        else:
            x, cache = layer_norm(x + W2[k] @ a, ones, 0.0)
        saved.append((h > 0, a, cache))
    m = x.shape[-1]
    if variant == "pre":
        y, final = layer_norm(x, ones, 0.0)
        dx = layer_norm_backward((y - target) / m, ones, final)[0]
    else:
        dx = (x - target) / m
    norms = []
    for k in range(W1.shape[0] - 1, -1, -1):              # backward, last block first
        on, a, cache = saved[k]
        dbranch = dx if variant == "pre" else layer_norm_backward(dx, ones, cache)[0]
        norms.append(np.linalg.norm(dbranch @ np.swapaxes(a, -1, -2), axis=(-2, -1)))
        du = np.swapaxes(W1[k], -1, -2) @ ((np.swapaxes(W2[k], -1, -2) @ dbranch) * on)
        if variant == "pre":
            dx = dx + layer_norm_backward(du, ones, cache)[0]
        else:
            dx = dbranch + du
    return np.array(norms[::-1])


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


def attention_gradients(X, Wq, Wk, Wv, Wo, dOut, *, scaled=True):
    """The gradients ``(dWq, dWk, dWv, dWo)`` of a cost ``J`` through :func:`attention`, given
    ``dOut = dJ/d(output)`` (shape ``(S, d, T)``); each has its weight's shape.

    Back-propagation of ``O = Wo V P^T``: ``dWo = dO P V^T``, ``dV = Wo^T dO P``,
    ``dP = dO^T Wo V``; the softmax's ``dS = P (dP - rowsum(dP P))`` (divided by
    ``sqrt(d_k)`` when ``scaled``); ``dQ = K dS^T``, ``dK = Q dS``; ``dW = dQ X^T`` and so on.
    Every gradient but ``dWo`` passes through ``Wo``: with ``Wo = 0`` they are exactly 0.
    """
    out, P, _ = attention(X, Wq, Wk, Wv, Wo, scaled=scaled)
    Q, K, V = Wq @ X, Wk @ X, Wv @ X

    def T(A):                                             # transpose the last two axes
        return np.swapaxes(A, -1, -2)
    dWo = dOut @ P @ T(V)
    dV = T(Wo) @ dOut @ P
    dP = T(dOut) @ (Wo @ V)
    dS = P * (dP - np.sum(dP * P, axis=-1, keepdims=True))
    if scaled:
        dS = dS / np.sqrt(Q.shape[-2])
    dQ, dK = K @ T(dS), Q @ dS
    return dQ @ T(X), dK @ T(X), dV @ T(X), dWo


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
    the prediction (dashed). ``q[v]`` has shape ``(len(Ns), S)``, ``predicted[v]`` ``(len(Ns),)``.
    Top: every variant. Bottom: the same data without the unnormalized stack, whose :math:`2^N`
    squeezes the others into the top panel's lowest decades."""
    fig, axes = subplots(2, 1, figsize=(5.2, 7.6), sharex=True,
                         gridspec_kw={"height_ratios": [1, 1]})
    for ax in axes:
        for v, (name, label) in RESIDUAL_STYLE.items():
            if ax is axes[1] and v == "none":
                continue
            c = COLORS[name]
            lo, med, hi = np.quantile(q[v], [0.1, 0.5, 0.9], axis=1)
            ax.plot(Ns, predicted[v], "--", color=c, lw=1)
            ax.errorbar(Ns, med, yerr=[med - lo, hi - med], fmt=marker_for(c), color=c, ms=5,
                        capsize=2, label=label if ax is axes[0] else None)
        ax.set(xscale="log", yscale="log", ylabel="mean square of the stream")
    axes[0].plot([], [], "--", color="0.4", lw=1, label="prediction")
    axes[0].set_title("all four stacks")
    axes[1].set_title("without the unnormalized stack")
    axes[1].set_xlabel("number of blocks $N$")
    axes[1].set_xticks(Ns, [str(n) for n in Ns])
    axes[1].minorticks_off()
    fig.legend(*axes[0].get_legend_handles_labels(), loc="outside lower center", ncol=2)
    return fig


@styled
def plot_attention(dks, top, T, width, gain):
    """Top: mean largest attention weight against d_k, with and without 1/sqrt(d_k) (``top[scaled]``
    of shape ``(len(dks), S)``). Bottom: one layer's variance gain against the width for std 0.02
    and 1/sqrt(d) (``gain[name]`` of shape ``(len(width), S)``), beside d * std^2 (dashed)."""
    fig, (ax1, ax2) = subplots(2, 1, figsize=(5.2, 7.0))
    for scaled, name, label in [(False, "large", "scores $q \\cdot k$"),
                                (True, "appropriate", "scores $q \\cdot k$, scaled")]:
        c = COLORS[name]
        lo, med, hi = np.quantile(top[scaled], [0.1, 0.5, 0.9], axis=1)
        ax1.errorbar(dks, med, yerr=[med - lo, hi - med], fmt=marker_for(c) + "-", color=c, ms=5,
                     capsize=2, label=label)
    ax1.axhline(1 / T, color="0.4", ls=":", lw=1, label=f"uniform, 1/{T}")
    ax1.set(xscale="log", yscale="log", xlabel="$d_k$", ylabel="largest attention weight",
            title="softmax saturation (mean over queries)")
    ax1.set_xticks(dks, [str(d) for d in dks])
    ax1.set_ylim(0.002, 1.5)   # room under the dotted line for the legend, which stays clear of it
    ax1.legend(loc="lower right", frameon=True, framealpha=1, edgecolor="none")
    for key, name, label, pred in [("0.02", "large", "std 0.02", 0.02**2 * width),
                                   ("fan_in", "appropriate", r"std $1/\sqrt{d}$", np.ones(len(width)))]:
        c = COLORS[name]
        lo, med, hi = np.quantile(gain[key], [0.1, 0.5, 0.9], axis=1)
        ax2.plot(width, pred, "--", color=c, lw=1)
        ax2.errorbar(width, med, yerr=[med - lo, hi - med], fmt=marker_for(c), color=c, ms=5,
                     capsize=2, label=label)
    # the title on two lines, as PageFigure would wrap it after a first rendering
    ax2.set(xscale="log", yscale="log", xlabel="width $d$", ylabel="Var(Wx) / Var(x)",
            title="one layer's variance gain (dashed:\n$d\\,$Var($W$))")
    ax2.set_xticks(width, [str(d) for d in width])
    ax2.legend(loc="lower right")
    return fig

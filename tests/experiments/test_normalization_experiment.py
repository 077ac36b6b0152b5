"""docs/normalization.py's helpers against independent computations: layer normalization against
its definition written out per example, its backward pass and the whole network's gradient against
central differences, attention against a query-by-query loop, the residual stack's special cases,
and the figures drawing what they are given."""

import math

import numpy as np
import pytest

import normalization as nz


def _ln_per_example(z, eps=1e-5):
    """torch.nn.LayerNorm(n, eps) with gain 1 and bias 0 on one example: biased variance."""
    mu = sum(z) / len(z)
    var = sum((v - mu) ** 2 for v in z) / len(z)
    return [(v - mu) / math.sqrt(var + eps) for v in z]


def test_layer_norm_matches_its_definition_per_example():
    rng = np.random.default_rng(0)
    Z = rng.standard_normal((2, 5, 4)) * 3 + 1
    gain, bias = rng.standard_normal((2, 5, 1)), rng.standard_normal((2, 5, 1))
    Y, _ = nz.layer_norm(Z, gain, bias)
    for s in range(2):
        for i in range(4):
            expected = np.array(_ln_per_example(list(Z[s, :, i]))) * gain[s, :, 0] + bias[s, :, 0]
            np.testing.assert_allclose(Y[s, :, i], expected, rtol=1e-12, atol=1e-14)
    assert nz.EPS == 1e-5


def test_layer_norm_backward_against_central_differences():
    rng = np.random.default_rng(1)
    Z = rng.standard_normal((2, 4, 3))
    gain, bias = rng.standard_normal((2, 4, 1)), rng.standard_normal((2, 4, 1))
    dY = rng.standard_normal(Z.shape)
    _, cache = nz.layer_norm(Z, gain, bias)
    dZ, dgain, dbias = nz.layer_norm_backward(dY, gain, cache)

    def J(Z, gain, bias):
        return float(np.sum(dY * nz.layer_norm(Z, gain, bias)[0]))

    h = 1e-6
    for arr, grad in [(Z, dZ), (gain, dgain), (bias, dbias)]:
        for idx in np.ndindex(arr.shape):
            old = arr[idx]
            arr[idx] = old + h
            up = J(Z, gain, bias)
            arr[idx] = old - h
            down = J(Z, gain, bias)
            arr[idx] = old
            assert grad[idx] == pytest.approx((up - down) / (2 * h), rel=1e-5, abs=1e-8)


@pytest.mark.parametrize("norm", [False, True])
def test_network_gradients_against_central_differences(norm):
    rng = np.random.default_rng(2)
    sizes = [5, 4, 4, 3]
    W = [None] + [rng.standard_normal((2, sizes[l], sizes[l - 1])) for l in (1, 2, 3)]
    b = [None] + [rng.standard_normal((2, sizes[l], 1)) * 0.1 for l in (1, 2, 3)]
    G = [None] + [1 + 0.1 * rng.standard_normal((2, 4, 1)) for _ in (1, 2)]
    B = [None] + [0.1 * rng.standard_normal((2, 4, 1)) for _ in (1, 2)]
    X = rng.standard_normal((5, 6))
    Y = np.eye(3)[rng.integers(0, 3, 6)].T
    _, dW, db, dG, dB = nz.gradients(W, b, G, B, X, Y, norm)
    h = 1e-6
    params = [(W, dW), (b, db)] + ([(G, dG), (B, dB)] if norm else [])
    for P, dP in params:
        for l in range(1, len(P)):
            for idx in np.ndindex(P[l].shape):
                old = P[l][idx]
                P[l][idx] = old + h
                up = nz.gradients(W, b, G, B, X, Y, norm)[0][idx[0]]
                P[l][idx] = old - h
                down = nz.gradients(W, b, G, B, X, Y, norm)[0][idx[0]]
                P[l][idx] = old
                assert dP[l][idx] == pytest.approx((up - down) / (2 * h), rel=1e-5, abs=1e-9)


def test_attention_against_a_loop_over_queries():
    rng = np.random.default_rng(3)
    S, d, dk, T = 2, 6, 4, 5
    X = rng.standard_normal((S, d, T))
    Wq, Wk, Wv = (rng.standard_normal((S, dk, d)) for _ in range(3))
    Wo = rng.standard_normal((S, d, dk))
    for scaled in (False, True):
        out, P, _ = nz.attention(X, Wq, Wk, Wv, Wo, scaled=scaled)
        for s in range(S):
            for i in range(T):
                q = Wq[s] @ X[s, :, i]
                e = np.array([q @ (Wk[s] @ X[s, :, j]) for j in range(T)]) / (math.sqrt(dk) if scaled else 1)
                p = np.exp(e - e.max()) / np.exp(e - e.max()).sum()
                np.testing.assert_allclose(P[s, i], p, rtol=1e-12)
                o = Wo[s] @ sum(p[j] * (Wv[s] @ X[s, :, j]) for j in range(T))
                np.testing.assert_allclose(out[s, :, i], o, rtol=1e-10, atol=1e-12)


def test_entropy_of_uniform_and_one_hot():
    P = np.array([[0.25] * 4, [1.0, 0, 0, 0]])
    np.testing.assert_allclose(nz.entropy(P), [math.log(4), 0.0], atol=1e-15)


def test_residual_stream_special_cases():
    rng = np.random.default_rng(4)
    W1, W2 = nz.residual_weights(3, 8, rng, seeds=2)
    x = rng.standard_normal((8, 5))
    # A zero last gain: the identity, exactly.
    q = nz.residual_stream(x, W1, W2, "last", last_gain=0.0)
    np.testing.assert_array_equal(q, np.full((4, 2), np.mean(x * x)))
    # Zero second layers: every variant but post-LN is the identity; post-LN the LN of the input.
    q = nz.residual_stream(x, W1, 0 * W2, "pre")
    np.testing.assert_array_equal(q[-1], [np.mean(x * x)] * 2)
    post = nz.residual_stream(x, W1[:1], 0 * W2[:1], "post")[-1]   # one block: one LN
    var = x.var(axis=0)
    np.testing.assert_allclose(post, [np.mean(var / (var + nz.EPS))] * 2, rtol=1e-12)
    with pytest.raises(ValueError, match="none, pre, post, last"):
        nz.residual_stream(x, W1, W2, "sandwich")


def test_figures_draw():
    steps = np.array([0, 10, 20])
    cost = {k: np.ones((3, 6)) + np.arange(6) for k in (False, True)}
    assert len(nz.plot_digits(steps, cost, [0.1, 1, 10], 2).axes) == 2
    Ns = np.array([1, 2, 4])
    q = {v: np.ones((3, 4)) * Ns[:, None] for v in nz.RESIDUAL_STYLE}
    assert len(nz.plot_residual(Ns, q, {v: Ns * 1.0 for v in q}).axes) == 1
    top = {s: np.full((2, 3), 0.5) for s in (False, True)}
    gain = {k: np.ones((2, 3)) for k in ("0.02", "fan_in")}
    assert len(nz.plot_attention(np.array([8, 32]), top, 32, np.array([64, 128]), gain).axes) == 2

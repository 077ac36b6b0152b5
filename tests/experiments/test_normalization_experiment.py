"""docs/normalization.py's helpers against independent computations: layer normalization against
its definition written out per example, its backward pass and the whole network's gradient against
central differences, attention against a query-by-query loop, the residual stack's special cases,
and the figures drawing what they are given."""

import math

import numpy as np
import pytest

import normalization as nz
import xavier


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


def _small_ln_network(S=2):
    rng = np.random.default_rng(2)
    net = xavier.Network([5, 4, 4, 3], ["tanh", "tanh", "softmax"], rng=rng, seeds=S)
    model = nz.LayerNormNetwork(net)
    for l in (1, 2, 3):
        model.b[l][...] = 0.1 * rng.standard_normal(model.b[l].shape)
    for l in (1, 2):
        model.G[l][...] = 1 + 0.1 * rng.standard_normal(model.G[l].shape)
        model.B[l][...] = 0.1 * rng.standard_normal(model.B[l].shape)
    X = rng.standard_normal((5, 6))
    Y = np.eye(3)[rng.integers(0, 3, 6)].T
    return net, model, X, Y


def test_layer_norm_network_gradients_against_central_differences():
    _, model, X, Y = _small_ln_network()
    _, *grads = model.gradients(X, Y)
    h = 1e-6
    for P, dP in zip((model.W, model.b, model.G, model.B), grads):
        for l in range(1, len(P)):
            for idx in np.ndindex(P[l].shape):
                old = P[l][idx]
                P[l][idx] = old + h
                up = model.cost(X, Y)[idx[0]]
                P[l][idx] = old - h
                down = model.cost(X, Y)[idx[0]]
                P[l][idx] = old
                assert dP[l][idx] == pytest.approx((up - down) / (2 * h), rel=1e-5, abs=1e-9)


def test_layer_norm_network_copies_the_weights_and_trains_with_the_library():
    net, model, X, Y = _small_ln_network(S=3)
    assert isinstance(model, xavier.network.Trainable)
    assert not np.shares_memory(model.W[1], net.W[1])
    before = [p.copy() for p in model.parameters()]
    cost0 = model.cost(X, Y)
    h = xavier.train(model, X, Y, "cross_entropy", lr=[0.5, 0.5, 0.0], epochs=20)
    np.testing.assert_array_equal(h.cost[0], cost0)           # the cost before the first step
    assert np.all(h.cost[-1] < h.cost[0]) and not h.diverged.any()
    after = model.parameters()
    np.testing.assert_array_equal(after[2], before[2])          # W[3]: its rate was 0
    np.testing.assert_array_equal(after[5], before[5])          # b[3]
    assert not np.array_equal(after[6], before[6])              # G[1] is trained
    # One step by hand with the gradients, for the seeds left alive.
    model2 = nz.LayerNormNetwork(net)
    _, *grads = model2.gradients(X, Y)
    alive = np.array([True, False, True])
    model2.step(X, Y, "cross_entropy", 0.1, alive)
    for P, Q, dP in zip(nz.LayerNormNetwork(net).parameters(), model2.parameters(),
                        [g for G in grads for g in G[1:] if g is not None]):
        np.testing.assert_allclose(Q[alive], P[alive] - 0.1 * dP[alive], rtol=1e-13, atol=1e-15)
        np.testing.assert_array_equal(Q[~alive], P[~alive])
    with pytest.raises(ValueError, match="softmax"):
        nz.LayerNormNetwork(xavier.Network([5, 3], ["sigmoid"], rng=np.random.default_rng(0)))


def test_layer_norm_network_diverges_as_the_library_reports_it():
    net, model, X, Y = _small_ln_network(S=2)
    model.G[1][1] = np.inf                                       # seed 1 non-finite from the start
    h = xavier.train(model, X, Y, "cross_entropy", lr=0.1, epochs=3)
    assert h.diverged.tolist() == [False, True] and h.diverged_at.tolist() == [-1, 0]


def test_held_out_measures_cost_and_error():
    net, model, X, Y = _small_ln_network()
    cost, error = nz.held_out(X, Y)(0, model)
    P = model.forward(X)[1][-1]
    np.testing.assert_allclose(cost, -np.mean(np.log(np.sum(P * Y, axis=1)), axis=-1), rtol=1e-12)
    np.testing.assert_array_equal(error, [np.mean(P[s].argmax(0) != Y.argmax(0)) for s in range(2)])


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
    fig = nz.plot_residual(Ns, q, {v: Ns * 1.0 for v in q})
    assert len(fig.axes) == 2
    # The bottom panel leaves out the unnormalized stack: one marker series fewer than the top.
    top, bottom = fig.axes
    assert len(bottom.containers) == len(top.containers) - 1 == len(nz.RESIDUAL_STYLE) - 1
    top = {s: np.full((2, 3), 0.5) for s in (False, True)}
    gain = {k: np.ones((2, 3)) for k in ("0.02", "fan_in")}
    assert len(nz.plot_attention(np.array([8, 32]), top, 32, np.array([64, 128]), gain).axes) == 2


@pytest.mark.parametrize("variant", ["pre", "post"])
def test_residual_gradients_against_central_differences(variant):
    rng = np.random.default_rng(5)
    W1, W2 = nz.residual_weights(3, 4, rng, seeds=2)
    x, target = rng.standard_normal((2, 4, 3))

    def J(W2):                                    # the cost written out, per seed
        cost = []
        for s in range(2):
            h = x.copy()
            for k in range(3):
                if variant == "pre":
                    u = np.array([_ln_per_example(list(c)) for c in h.T]).T
                    h = h + W2[k, s] @ np.maximum(W1[k, s] @ u, 0)
                else:
                    h = h + W2[k, s] @ np.maximum(W1[k, s] @ h, 0)
                    h = np.array([_ln_per_example(list(c)) for c in h.T]).T
            if variant == "pre":
                h = np.array([_ln_per_example(list(c)) for c in h.T]).T
            cost.append(np.sum((h - target) ** 2) / (2 * 3))
        return np.array(cost)

    norms = nz.residual_gradients(x, W1, W2, variant, target)
    numeric = np.zeros_like(W2)
    h = 1e-6
    for idx in np.ndindex(W2.shape):
        old = W2[idx]
        W2[idx] = old + h
        up = J(W2)[idx[1]]
        W2[idx] = old - h
        down = J(W2)[idx[1]]
        W2[idx] = old
        numeric[idx] = (up - down) / (2 * h)
    np.testing.assert_allclose(norms, np.linalg.norm(numeric, axis=(-2, -1)), rtol=1e-6)
    with pytest.raises(ValueError, match="pre, post"):
        nz.residual_gradients(x, W1, W2, "none", target)


def test_attention_gradients_against_central_differences():
    """The cost J = sum(G * output) for a fixed G, differentiated numerically in every weight;
    then W_o = 0: the gradients of W_q, W_k, W_v vanish exactly and W_o's is G P V^T."""
    rng = np.random.default_rng(6)
    S, d, dk, T = 2, 5, 3, 4
    X = rng.standard_normal((S, d, T))
    Wq, Wk, Wv = (rng.standard_normal((S, dk, d)) for _ in range(3))
    Wo = rng.standard_normal((S, d, dk))
    G = rng.standard_normal((S, d, T))
    for scaled in (False, True):
        def J(ws):
            return np.sum(G * nz.attention(X, *ws, scaled=scaled)[0], axis=(-2, -1))
        ws = [Wq, Wk, Wv, Wo]
        grads = nz.attention_gradients(X, *ws, G, scaled=scaled)
        h = 1e-6
        for k, W in enumerate(ws):
            numeric = np.zeros_like(W)
            for idx in np.ndindex(W.shape[1:]):
                e = np.zeros_like(W)
                e[(slice(None),) + idx] = h
                plus = [w + e if j == k else w for j, w in enumerate(ws)]
                minus = [w - e if j == k else w for j, w in enumerate(ws)]
                numeric[(slice(None),) + idx] = (J(plus) - J(minus)) / (2 * h)
            np.testing.assert_allclose(grads[k], numeric, rtol=1e-5, atol=1e-7)
    zero = nz.attention_gradients(X, Wq, Wk, Wv, np.zeros_like(Wo), G)
    for g in zero[:3]:
        assert not g.any()
    P = nz.attention(X, Wq, Wk, Wv, Wo)[1]
    np.testing.assert_allclose(zero[3], [G[s] @ P[s] @ (Wv[s] @ X[s]).T for s in range(S)], rtol=1e-12)

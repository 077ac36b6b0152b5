"""xavier.lsuv against properties checked here with plain per-seed loops (Mishkin & Matas, 2016)."""

import numpy as np
import pytest

from xavier import Network, activations, init, lsuv, train
from xavier.lsuv import LSUVResult


def z_variances(W, b, acts, X):
    """Var(z[l]) of one network, written as a plain loop over its layers."""
    out, A = [], X
    for Wl, bl, g in zip(W, b, acts):
        Z = Wl @ A + bl
        out.append(float(np.var(Z)))
        A = activations.forward(g, Z)
    return out


def net_and_data(seed=0, sizes=(30, 40, 40, 40, 5), acts=("tanh", "relu", "tanh", "identity"), S=3, m=120):
    rng = np.random.default_rng(seed)
    X = 3.0 * rng.standard_normal((sizes[0], m))  # large inputs: no layer starts within tol
    net = Network(list(sizes), list(acts), rng=rng, seeds=S)
    return net, X, rng


def test_fixed_batch_gives_unit_variance_in_one_rescale_per_layer():
    net, X, rng = net_and_data()
    r = lsuv(net, X, rng, tol=1e-3)
    assert isinstance(r, LSUVResult)
    assert r.iterations.shape == r.variance.shape == r.converged.shape == r.initial.shape == (3, 4)
    assert (r.iterations == 1).all() and r.converged.all()
    for s in range(net.S):
        v = z_variances([W[s] for W in net.W[1:]], [b[s] for b in net.b[1:]], net.activations, X)
        assert v == pytest.approx([1.0] * 4, abs=1e-9)
        assert r.variance[s] == pytest.approx(v, abs=1e-12)


def test_orthonormal_start_survives_as_a_scaled_orthogonal_matrix():
    net, X, rng = net_and_data(sizes=(30, 20, 40, 5), acts=("tanh", "relu", "identity"))
    lsuv(net, X, rng)
    for W in net.W[1:]:
        for w in W:
            n_out, n_in = w.shape
            G = w @ w.T if n_out <= n_in else w.T @ w
            c2 = G[0, 0]
            assert c2 > 0 and np.allclose(G, c2 * np.eye(len(G)), atol=1e-10 * c2)


def test_without_orthonormal_start_the_draw_is_only_rescaled():
    net, X, rng = net_and_data()
    before = [W.copy() for W in net.W[1:]]
    lsuv(net, X, rng, orthonormal=False)
    for W0, W in zip(before, net.W[1:]):
        ratio = W / W0
        assert np.allclose(ratio, ratio[:, :1, :1])  # one factor per seed and layer


def test_each_seed_is_rescaled_as_if_it_were_alone():
    net, X, rng = net_and_data()
    alone = []
    for s in range(net.S):
        one = Network(list(net.sizes), list(net.activations), rng=np.random.default_rng(9))
        for l in range(1, net.L + 1):
            one.W[l] = net.W[l][s:s + 1].copy()
        lsuv(one, X, np.random.default_rng(1), orthonormal=False)
        alone.append([W[0] for W in one.W[1:]])
    lsuv(net, X, np.random.default_rng(1), orthonormal=False)
    for s in range(net.S):
        for l in range(net.L):
            assert np.allclose(net.W[l + 1][s], alone[s][l], rtol=1e-12)


def test_fresh_batches_need_more_iterations_and_stop_at_the_cap():
    net, X, rng = net_and_data(m=400)
    r = lsuv(net, X, rng, tol=0.05, batch_size=20)
    assert r.converged.all() and r.iterations.max() > 1
    assert (np.abs(r.variance - 1) < 0.05).all()
    net, X, rng = net_and_data(m=400)
    r = lsuv(net, X, rng, tol=1e-9, max_iter=3, batch_size=20)
    assert (r.iterations <= 3).all() and not r.converged.all()
    assert (r.iterations[~r.converged] == 3).all()


def test_nonzero_biases_are_handled_by_iterating():
    net, X, rng = net_and_data()
    for b in net.b[1:]:  # different per unit: Var(c W a + b) is not c^2 Var(W a)
        b += 0.5 * rng.standard_normal(b.shape)
    r = lsuv(net, X, rng, tol=1e-6, max_iter=50)
    assert r.converged.all() and r.iterations.max() > 1
    for s in range(net.S):
        v = z_variances([W[s] for W in net.W[1:]], [b[s] for b in net.b[1:]], net.activations, X)
        assert v == pytest.approx([1.0] * 4, abs=1e-6)


def test_a_layer_without_signal_is_reported_not_warned():
    net, X, rng = net_and_data()
    r = lsuv(net, np.zeros_like(X), rng)  # every z is 0: nothing to rescale
    assert not r.converged.any() and (r.iterations == 0).all() and (r.variance == 0).all()


def test_bad_arguments():
    net, X, rng = net_and_data()
    with pytest.raises(ValueError, match="tol must be a finite number > 0, got 0"):
        lsuv(net, X, rng, tol=0)
    with pytest.raises(ValueError, match="tol"):
        lsuv(net, X, rng, tol=float("nan"))
    for bad in (0, 1.5, True):
        with pytest.raises(ValueError, match=rf"max_iter must be a positive integer \(not a bool\), got {bad!r}"):
            lsuv(net, X, rng, max_iter=bad)
    for bad in (0, 2.0, True):
        with pytest.raises(ValueError, match=rf"batch_size must be a positive integer \(not a bool\), got {bad!r}"):
            lsuv(net, X, rng, batch_size=bad)
    with pytest.raises(ValueError, match=r"batch_size must be None or an integer in 1\.\.120"):
        lsuv(net, X, rng, batch_size=X.shape[1] + 1)
    with pytest.raises(ValueError, match="rows"):
        lsuv(net, X[:5], rng)
    with pytest.raises(TypeError, match="Generator"):
        lsuv(net, X, 0)


def test_exported_from_the_package():
    import xavier

    assert xavier.lsuv is lsuv and "lsuv" in xavier.__all__
    assert init.orthogonal  # the start it uses


@pytest.mark.parametrize("orthonormal", [True, False])
@pytest.mark.parametrize("batch_size", [None, 40])
def test_a_float32_network_stays_float32_through_lsuv_and_training(orthonormal, batch_size):
    """The orthonormal redraw used to come back float64 while the biases stayed float32, so the
    network then trained in float64. Every W and b keeps float32, after lsuv and after training;
    the weights are the float64 network's to float32 rounding (same draws, same batches)."""
    nets = {}
    for dtype in ("float32", "float64"):
        rng = np.random.default_rng(3)
        X = 3.0 * rng.standard_normal((30, 120))
        net = Network([30, 40, 40, 5], ["tanh", "relu", "softmax"], rng=rng, seeds=2, dtype=dtype)
        r = lsuv(net, X, rng, orthonormal=orthonormal, batch_size=batch_size)
        assert r.converged.all()
        nets[dtype] = net
        if dtype == "float32":
            assert all(W.dtype == np.float32 for W in net.W[1:]), [W.dtype for W in net.W[1:]]
            assert all(b.dtype == np.float32 for b in net.b[1:])
    for W32, W64 in zip(nets["float32"].W[1:], nets["float64"].W[1:]):
        np.testing.assert_allclose(W32, W64, rtol=1e-5, atol=0)
    net = nets["float32"]
    rng = np.random.default_rng(4)
    X, Y = rng.standard_normal((30, 50)), np.eye(5)[:, rng.integers(0, 5, 50)]
    h = train(net, X, Y, "cross_entropy", lr=0.1, epochs=2, batch_size=25, rng=rng)
    assert not h.diverged.any()
    assert all(W.dtype == np.float32 for W in net.W[1:]) and all(b.dtype == np.float32 for b in net.b[1:])
    assert all(a.dtype == np.float32 for a in net.forward(X)[1][1:])
    copy = net.copy()
    assert all(W.dtype == np.float32 for W in copy.W[1:]) and all(b.dtype == np.float32 for b in copy.b[1:])


@pytest.mark.parametrize("batch_size", [None, 120])
def test_initial_is_measured_before_the_layer_is_rescaled(batch_size):
    """initial[s, l-1] is Var(z[l]) with layer l's weights as they were and the layers before it
    already rescaled: recomputed here by a plain loop from a copy of the start and the final
    weights. (batch_size = m draws the whole batch in another order: the same variance.)"""
    net, X, rng = net_and_data()
    start = [W.copy() for W in net.W[1:]]
    r = lsuv(net, X, rng, orthonormal=False, batch_size=batch_size)
    assert (r.iterations >= 1).all()  # every layer was rescaled, so before and after differ
    for s in range(net.S):
        for l in range(1, net.L + 1):
            Ws = [W[s] for W in net.W[1:l]] + [start[l - 1][s]]  # rescaled before l, as it was at l
            bs = [b[s] for b in net.b[1:l + 1]]
            expected = z_variances(Ws, bs, net.activations[:l], X)[-1]
            assert r.initial[s, l - 1] == pytest.approx(expected, rel=1e-12, abs=0)
            assert abs(r.initial[s, l - 1] - 1) > 0.1  # not the value after the rescale

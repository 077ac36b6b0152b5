"""xavier.lsuv against properties checked here with plain per-seed loops (Mishkin & Matas, 2016)."""

import numpy as np
import pytest

from xavier import Network, activations, init, lsuv
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

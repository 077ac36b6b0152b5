"""Argument checks shared by every module of :mod:`xavier` (and by the pages' modules in ``docs/``).

One function per kind of argument, each returning the value converted to a plain Python type and
raising an error that names the argument, the value received and what is valid:

* :func:`positive_int` (``low`` for other lower bounds): Python or numpy integers, never ``bool``;
* :func:`real`: a real number (Python or numpy, not ``bool``), finite unless ``finite=False``,
  optionally bounded below (``low``, ``strict``);
* :func:`real_array`: an array (or number) of real numbers, all finite, optionally ``>= low``;
* :func:`generator`: a :class:`numpy.random.Generator`;
* :func:`one_of`: one of a fixed set of names.

Errors are :class:`ValueError`; a wrong ``rng`` raises :class:`ArgumentTypeError`, which is both a
:class:`ValueError` and a :class:`TypeError` (like numpy's ``AxisError``), so either ``except``
catches it.

>>> positive_int("seeds", np.int64(3))
3
>>> positive_int("seeds", True)
Traceback (most recent call last):
...
ValueError: seeds must be a positive integer (not a bool), got True
>>> real("lr", np.int64(1), low=0, strict=True)
1.0
>>> real("scale", float("inf"), low=0)
Traceback (most recent call last):
...
ValueError: scale must be a finite number >= 0, got inf
"""

from __future__ import annotations

import math
import numbers
from typing import Iterable

import numpy as np

__all__ = ["ArgumentTypeError", "positive_int", "real", "real_array", "generator", "one_of"]


class ArgumentTypeError(TypeError, ValueError):
    """An argument of the wrong type: both a ``TypeError`` and a ``ValueError``."""


def _is_bool(value: object) -> bool:
    return isinstance(value, (bool, np.bool_))


def positive_int(name: str, value: object, low: int = 1) -> int:
    """``int(value)`` if ``value`` is an integer (Python or numpy, not ``bool``) ``>= low``.

    >>> positive_int("epochs", 0, low=0)
    0
    >>> positive_int("n", 2.0)
    Traceback (most recent call last):
    ...
    ValueError: n must be a positive integer (not a bool), got 2.0
    """
    if _is_bool(value) or not isinstance(value, numbers.Integral) or value < low:
        what = "a positive integer" if low == 1 else f"an integer >= {low}"
        raise ValueError(f"{name} must be {what} (not a bool), got {value!r}")
    return int(value)


def real(name: str, value: object, *, low: float | None = None, strict: bool = False,
         finite: bool = True) -> float:
    """``float(value)`` if ``value`` is a real number (Python or numpy scalar, not ``bool``).

    Parameters
    ----------
    name : str
        The argument's name, for the error message.
    value : object
    low : float, optional
        Lower bound: ``value >= low`` (``value > low`` if ``strict``).
    strict : bool, default False
    finite : bool, default True
        Reject ``inf`` and ``nan`` (``nan`` is always rejected).

    Raises
    ------
    ValueError
        Naming ``name``, the valid range and the value received.

    >>> real("gain", np.float32(0.5), low=0)
    0.5
    >>> real("lr", True, low=0, strict=True)
    Traceback (most recent call last):
    ...
    ValueError: lr must be a finite number > 0, got True
    >>> real("std", float("nan"), low=0)
    Traceback (most recent call last):
    ...
    ValueError: std must be a finite number >= 0, got nan
    """
    ok = not _is_bool(value) and isinstance(value, numbers.Real) and not math.isnan(value)
    if ok and finite:
        ok = math.isfinite(value)
    if ok and low is not None:
        ok = value > low if strict else value >= low
    if not ok:
        bound = "" if low is None else f" {'>' if strict else '>='} {low:g}"
        raise ValueError(f"{name} must be a {'finite ' if finite else ''}number{bound}, got {value!r}")
    return float(value)


def real_array(name: str, value: object, *, low: float | None = None, bool_ok: bool = False) -> np.ndarray:
    """``np.asarray(value)`` if it holds real numbers (integers or floats; booleans only if
    ``bool_ok``: labels, masks), every one finite and ``>= low``. The dtype is kept.

    Raises
    ------
    ValueError
        Naming ``name``, what is valid and the value (an array: its dtype, or its first bad entry).

    >>> real_array("q", [0.5, 2])
    array([0.5, 2. ])
    >>> real_array("X", np.array([[1.0, np.nan]]))
    Traceback (most recent call last):
    ...
    ValueError: X must be finite, got nan (one of its entries)
    >>> real_array("q", -1, low=0)
    Traceback (most recent call last):
    ...
    ValueError: q must be finite and >= 0, got -1.0
    >>> real_array("sigma_w", "2")
    Traceback (most recent call last):
    ...
    ValueError: sigma_w must hold real numbers, got '2'
    """
    a = np.asarray(value)
    real = np.issubdtype(a.dtype, np.floating) or np.issubdtype(a.dtype, np.integer)
    if not (real or (bool_ok and a.dtype == bool)):
        got = repr(value) if a.ndim == 0 else f"dtype {a.dtype}"
        raise ValueError(f"{name} must hold real numbers, got {got}")
    ok = np.isfinite(a) if low is None else np.isfinite(a) & (a >= low)
    if not ok.all():
        bound = "" if low is None else f" and >= {low:g}"
        where = " (one of its entries)" if a.ndim else ""
        raise ValueError(f"{name} must be finite{bound}, got {float(a[~ok].flat[0])!r}{where}")
    return a


def generator(name: str, value: object, optional: bool = False) -> None:
    """Raise :class:`ArgumentTypeError` unless ``value`` is a :class:`numpy.random.Generator`
    (or ``None`` when ``optional``).

    >>> generator("rng", np.random.RandomState(0))
    Traceback (most recent call last):
    ...
    xavier._checks.ArgumentTypeError: rng must be a numpy.random.Generator (np.random.default_rng(seed)), got RandomState
    """
    if not (isinstance(value, np.random.Generator) or (optional and value is None)):
        also = " or None" if optional else ""
        raise ArgumentTypeError(f"{name} must be a numpy.random.Generator (np.random.default_rng(seed)){also}, "
                                f"got {type(value).__name__}")


def one_of(name: str, value: object, choices: Iterable[str]) -> str:
    """``value`` if it is one of ``choices``, else a ``ValueError`` listing them.

    >>> one_of("mode", "fan_sum", ("fan_in", "fan_out", "fan_avg"))
    Traceback (most recent call last):
    ...
    ValueError: mode must be one of fan_in, fan_out, fan_avg; got 'fan_sum'
    """
    choices = tuple(choices)
    if not isinstance(value, str) or value not in choices:
        raise ValueError(f"{name} must be one of {', '.join(choices)}; got {value!r}")
    return value

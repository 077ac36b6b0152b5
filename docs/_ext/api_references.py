"""Sphinx extension: the API pages' cross-references, every one checked, none needing the network.

The build is nitpicky (``-n``) and offline (no intersphinx), and the API pages' type hints name
objects outside xavier (``numpy.ndarray``, ``collections.abc.Sequence``):

* A Python reference to an existing object outside xavier is shown as code, without a link
  (``missing-reference``). Only names that resolve in an importable module pass
  (:func:`external_object_exists`), so a misspelt name, or a reference to an undocumented xavier
  object, still fails the build.
* napoleon renders a class's Attributes section as ``.. attribute::`` with a ``:type:`` field,
  which Sphinx would split into one class reference per word ("ndarray of shape (n, m)"); the field
  becomes the ordinary ``:Type:`` (``autodoc-process-docstring``, after napoleon). Module-level data
  keep their ``:type:``, so a first docstring line that napoleon misreads as "type: description"
  still shows up as a broken reference.
"""

from __future__ import annotations

import functools
import importlib
import re


def _plain_attribute_types(app, what, name, obj, options, lines) -> None:
    if what == "class":
        lines[:] = [re.sub(r"^(\s*):type: ", r"\1:Type: ", line) for line in lines]


def _unlinked_external(app, env, node, contnode):
    target = node.get("reftarget", "")
    if node.get("refdomain") != "py" or target.split(".")[0] in ("", "xavier"):
        return None
    return contnode if external_object_exists(target) else None


@functools.lru_cache(maxsize=None)  # the API pages name the same few objects hundreds of times
def external_object_exists(target: str) -> bool:
    """Whether the dotted name ``target`` (``np.`` read as ``numpy.``) is an object of an
    importable module.

    >>> external_object_exists("np.random.Generator"), external_object_exists("numpy.ndarrey")
    (True, False)
    """
    parts = target.split(".")
    if parts[0] == "np":  # unevaluated annotations keep the project's alias
        parts[0] = "numpy"
    for i in range(len(parts), 0, -1):
        try:  # imported here: an incremental build may not have imported the module yet
            obj = importlib.import_module(".".join(parts[:i]))
        except ImportError:
            continue
        for attr in parts[i:]:
            obj = getattr(obj, attr, None)
            if obj is None:
                return False
        return True
    return False


def setup(app):
    app.connect("autodoc-process-docstring", _plain_attribute_types, priority=600)
    app.connect("missing-reference", _unlinked_external)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}

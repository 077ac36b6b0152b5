"""Sphinx extension: a page executes again exactly when the code it runs changed.

Pages are text notebooks that MyST-NB executes at build time, their outputs cached by jupyter-cache,
which keys a notebook on the source of its code cells only. A page's code also lives in the library
(``xavier/``, whose folder is the configuration value ``xavier_library``) and in the modules beside
the pages (``docs/*.py``) that it imports, followed through their own imports. This extension

* computes the page's *execution key*, a digest of the library and of those modules, and writes it
  into a removed first code cell (``source-read``), so the cache misses exactly when the key
  changes;
* makes Sphinx read such a page again although its ``.md`` is unchanged (``env-get-outdated``):
  editing ``docs/why.py`` runs the "why" page again and no other, editing the library runs every
  page, and a rebuild with nothing changed runs nothing (``tests/build/test_execution_cache.py``).

Only public Sphinx events are used; the keys live in the environment as ``xavier_execution_keys``.
"""

from __future__ import annotations

import functools
import hashlib
import re
from pathlib import Path

_IMPORT = re.compile(r"^\s*(?:from\s+(\w+)[\w.]*\s+import|import\s+(\w+))|automodule::\s+(\w+)", re.M)
_FRONT_MATTER = re.compile(r"\A---\n.*?\n---\n", re.S)


def file_digest(paths, base: Path) -> str:
    """sha256 over the relative paths and contents of ``paths``."""
    h = hashlib.sha256()
    for path in sorted(paths, key=lambda p: p.relative_to(base).as_posix()):
        h.update(path.relative_to(base).as_posix().encode() + b"\0")
        h.update(path.read_bytes() + b"\0")
    return h.hexdigest()


@functools.lru_cache(maxsize=None)  # one digest per build process, not one per page
def library_digest(package: Path) -> str:
    """sha256 over ``<package>/**/*.py`` and ``<package>/_data/*``."""
    files = set(package.rglob("*.py")) | {p for p in package.glob("_data/*") if p.is_file()}
    return file_digest(files, package)


def page_modules(text: str, srcdir: Path) -> list[Path]:
    """The modules of ``srcdir`` that ``text`` imports, directly or through each other."""
    found: dict[str, Path] = {}
    todo = [text]
    while todo:
        for match in _IMPORT.finditer(todo.pop()):
            name = next(g for g in match.groups() if g)
            path = srcdir / f"{name}.py"
            if name not in found and path.is_file():
                found[name] = path
                todo.append(path.read_text(encoding="utf-8"))
    return list(found.values())


def execution_key(app, text: str) -> str:
    """The key of a page whose source is ``text``: the library's digest and its modules' digest."""
    srcdir = Path(app.srcdir)
    modules = page_modules(text, srcdir)
    names = ", ".join(sorted(p.name for p in modules)) or "none"
    library = library_digest(Path(app.config.xavier_library))[:16]
    return f"library {library}; modules {names}: {file_digest(modules, srcdir)[:16]}"


def _add_execution_key(app, docname: str, source: list[str]) -> None:
    """Record the page's execution key and, in a notebook page, add it as a removed first cell."""
    key = execution_key(app, source[0])
    app.env.xavier_execution_keys = getattr(app.env, "xavier_execution_keys", {})
    app.env.xavier_execution_keys[docname] = key
    front = _FRONT_MATTER.match(source[0])
    if front and "{code-cell}" in source[0] and "kernelspec:" in front.group(0):
        cell = f"```{{code-cell}} ipython3\n:tags: [remove-cell]\n# execution key: {key}\n```\n\n"
        source[0] = front.group(0) + "\n" + cell + source[0][front.end():]


def _outdated_by_key(app, env, added, changed, removed) -> list[str]:
    """Pages whose execution key changed since they were read (their modules or the library)."""
    keys = getattr(env, "xavier_execution_keys", {})
    outdated = []
    for docname, key in keys.items():
        if docname in added or docname in changed or docname in removed:
            continue
        path = Path(env.doc2path(docname))
        if path.is_file() and execution_key(app, path.read_text(encoding="utf-8")) != key:
            outdated.append(docname)
    return outdated


def _purge_key(app, env, docname) -> None:
    getattr(env, "xavier_execution_keys", {}).pop(docname, None)


def _merge_keys(app, env, docnames, other) -> None:
    env.xavier_execution_keys = getattr(env, "xavier_execution_keys", {})
    for docname in docnames:
        if docname in getattr(other, "xavier_execution_keys", {}):
            env.xavier_execution_keys[docname] = other.xavier_execution_keys[docname]


def setup(app):
    app.add_config_value("xavier_library", "", "env", types=[str])
    app.connect("source-read", _add_execution_key)
    app.connect("env-get-outdated", _outdated_by_key)
    app.connect("env-purge-doc", _purge_key)
    app.connect("env-merge-info", _merge_keys)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}

"""Sphinx extension: pybtex's plugins are found once per build, not once per citation.

sphinxcontrib-bibtex 2.7.0 looks up pybtex plugins by name while it resolves the citations: every
``{cite}`` asks ``pybtex.plugin.find_plugin("pybtex.backends", "plaintext")`` for a backend. pybtex
0.26.1 answers from its runtime registry when the name is there, otherwise by scanning the entry
points of every installed distribution (``importlib.metadata``): 6.7 ms a call with the 109
distributions of the build's environment, in the main process, which resolves the pages'
references one after the other while the writers wait for them.

At ``builder-inited`` each plugin of the groups the bibliography uses is registered with the two
packages' public ``register_plugin`` (the classes the entry points name, so nothing changes in what
is found): a lookup is then a dictionary access. ``tests/build/test_extensions.py`` checks that a
lookup no longer reads the entry points and finds the same class.
"""

from __future__ import annotations

from importlib.metadata import entry_points

# pybtex's plugin groups that sphinxcontrib-bibtex and pybtex's styles look up by name
PYBTEX_GROUPS = ("pybtex.backends", "pybtex.style.formatting", "pybtex.style.labels",
                 "pybtex.style.names", "pybtex.style.sorting")
REFERENCING_GROUP = "sphinxcontrib.bibtex.style.referencing"


def register_plugins(app=None) -> int:
    """Register every installed plugin of :data:`PYBTEX_GROUPS` with pybtex, and every referencing
    style with sphinxcontrib-bibtex; the number registered."""
    import pybtex.plugin
    from sphinxcontrib.bibtex import plugin

    count = 0
    for group in PYBTEX_GROUPS:
        for point in entry_points(group=group):
            pybtex.plugin.register_plugin(group, point.name, point.load(), force=True)
            count += 1
    for point in entry_points(group=REFERENCING_GROUP):
        plugin.register_plugin(REFERENCING_GROUP, point.name, point.load(), force=True)
        count += 1
    return count


def setup(app):
    app.connect("builder-inited", register_plugins)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}

"""The site's own Sphinx extensions (docs/_ext): each says what it does, does nothing when imported,
is listed in conf.py and in CONTRIBUTING.md's layout, and every patch of another package's internals stops the build
on any version but the one it was written against."""

import ast
import importlib.metadata
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXT = ROOT / "docs" / "_ext"
sys.path.insert(0, str(EXT))

import pinned  # noqa: E402
import theme_overrides  # noqa: E402

MODULES = sorted(p.stem for p in EXT.glob("*.py"))
EXTENSIONS = [m for m in MODULES if m != "pinned"]  # pinned is the guard the others call


def conf_extensions() -> list[str]:
    tree = ast.parse((ROOT / "conf.py").read_text())
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", "") == "extensions" for t in node.targets):
            return ast.literal_eval(node.value)
    raise AssertionError("conf.py has no extensions list")


def test_conf_py_is_settings():
    """conf.py defines no functions or classes: the code is in docs/_ext."""
    tree = ast.parse((ROOT / "conf.py").read_text())
    defined = [n.name for n in tree.body if isinstance(n, (ast.FunctionDef, ast.ClassDef, ast.AsyncFunctionDef))]
    assert defined == []


@pytest.mark.parametrize("name", MODULES)
def test_each_module_says_what_it_does(name):
    tree = ast.parse((EXT / f"{name}.py").read_text())
    doc = ast.get_docstring(tree)
    assert doc and len(doc.split()) >= 20, f"docs/_ext/{name}.py needs a module docstring"
    if name in EXTENSIONS:
        assert any(isinstance(n, ast.FunctionDef) and n.name == "setup" for n in tree.body)


def test_every_extension_is_listed_in_conf_py_and_the_contributors_guide():
    listed = conf_extensions()
    guide = (ROOT / "CONTRIBUTING.md").read_text()
    assert [m for m in EXTENSIONS if m not in listed] == []
    assert [m for m in MODULES if f"`{m}`" not in guide] == []


def test_importing_the_extensions_has_no_side_effects(tmp_path):
    """Importing every module leaves the environment, the working folder and sphinx alone."""
    script = (
        "import json, os, sys\n"
        f"sys.path.insert(0, {str(EXT)!r})\n"
        "before = dict(os.environ)\n"
        "import sphinx.builders, sphinx.search\n"
        "chunks, load = sphinx.builders.make_chunks, sphinx.search.IndexBuilder.load\n"
        f"for m in {MODULES!r}: __import__(m)\n"
        "print(json.dumps([dict(os.environ) == before, sphinx.builders.make_chunks is chunks,\n"
        "                  sphinx.search.IndexBuilder.load is load]))\n")
    out = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, capture_output=True, text=True, check=True)
    assert json.loads(out.stdout) == [True, True, True]
    assert list(tmp_path.iterdir()) == []


def test_a_patch_stops_the_build_on_another_version():
    from sphinx.errors import ExtensionError

    installed = importlib.metadata.version("sphinx")
    pinned.require("the patch", sphinx=installed)  # the installed version passes
    with pytest.raises(ExtensionError, match=r"docs/_ext/x\.py \(Thing\.method\) was written against "
                                             r"sphinx 0\.0\.1, but sphinx " + re.escape(installed)):
        pinned.require("docs/_ext/x.py (Thing.method)", sphinx="0.0.1")
    with pytest.raises(ExtensionError, match="no-such-dist not installed"):
        pinned.require("p", no_such_dist="1.0")


@pytest.mark.parametrize("module", ["samebytes", "parallel_pages", "plain_status", "lean_rebuild"])
def test_every_patch_of_internals_is_pinned(module):
    source = (EXT / f"{module}.py").read_text()
    setup = source[source.index("def setup("):]
    assert "require(" in setup


def test_copied_templates_are_tied_to_the_theme_files_they_copy(monkeypatch):
    assert theme_overrides.upstream_changed() == []
    ours = {p.relative_to(ROOT / "docs" / "_templates").as_posix()
            for p in (ROOT / "docs" / "_templates").rglob("*.html")}
    assert ours - {"layout.html"} == set(theme_overrides.COPIES)  # every copy is checked
    package, file, _ = theme_overrides.COPIES["macros/buttons.html"]
    monkeypatch.setitem(theme_overrides.COPIES, "macros/buttons.html", (package, file, "0" * 64))
    assert theme_overrides.upstream_changed() == [f"docs/_templates/macros/buttons.html (from {package}'s {file})"]


def test_without_removes_exactly_the_named_tags():
    from sphinx.errors import ThemeError

    html = ('<link href="a.css" />\n  <!-- So that users can add custom icons -->\n'
            '  <script defer src="../_static/scripts/fontawesome.js?digest=1"></script>\n'
            '  <link rel="preload" as="script" href="../_static/scripts/bootstrap.js?digest=1" />\n'
            '  <script src="../searchindex.js"></script>\n'
            '  <script src="../_static/my-searchindex.js"></script>\n')
    assert theme_overrides.without(html, "fontawesome.js", "bootstrap.js", "searchindex.js") == (
        '<link href="a.css" />\n  <script src="../_static/my-searchindex.js"></script>\n')
    with pytest.raises(ThemeError, match="removes the theme's other.js, but the theme's block has 0"):
        theme_overrides.without(html, "other.js")
    assert theme_overrides.without(html, "other.js", required=False) == html


def test_bibtex_plugins_are_found_without_reading_the_entry_points(monkeypatch):
    """bibtex_plugins: after it registered the plugins, the lookup sphinxcontrib-bibtex makes for
    every citation finds the class the entry point names without scanning the entry points."""
    import pybtex.plugin
    from sphinxcontrib.bibtex import plugin as bibtex_plugin

    import bibtex_plugins

    want = {(g, n): ep.load() for g in ("pybtex.backends", "pybtex.style.formatting")
            for ep in importlib.metadata.entry_points(group=g) for n in [ep.name]}
    assert ("pybtex.backends", "plaintext") in want and ("pybtex.style.formatting", "plain") in want
    assert bibtex_plugins.register_plugins() >= len(want)

    def no_scan(*args, **kwargs):
        raise AssertionError("entry points read")

    monkeypatch.setattr(pybtex.plugin, "entry_points", no_scan)
    monkeypatch.setattr(bibtex_plugin, "_entry_points", no_scan)
    for (group, name), klass in want.items():
        assert pybtex.plugin.find_plugin(group, name) is klass
    assert bibtex_plugin.find_plugin(bibtex_plugins.REFERENCING_GROUP, "author_year") is not None

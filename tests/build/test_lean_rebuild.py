"""docs/_ext/lean_rebuild.py: viewcode finds a module's file without importing it, and still
rewrites a module's source page exactly when the module changed."""

import json
import subprocess
import sys
import time
from pathlib import Path

from synthetic import build_site  # beside this file

ROOT = Path(__file__).resolve().parents[2]


def documented_modules() -> list[str]:
    """The modules the site's API pages document (``automodule``), whose source pages viewcode writes."""
    names = set()
    for page in (ROOT / "docs" / "api").rglob("*.md"):
        names.update(line.split("::", 1)[1].strip() for line in page.read_text().splitlines()
                     if "automodule::" in line)
    return sorted(names)


def test_module_file_is_the_file_sphinx_imports_and_imports_nothing():
    """For every documented module: the file ``module_file`` finds, without importing the module or
    matplotlib or numpy, is the file Sphinx's ``ModuleAnalyzer`` gets by importing it."""
    modules = documented_modules()
    assert "xavier.network" in modules, modules
    script = (
        "import json, sys\n"
        f"sys.path[:0] = [{str(ROOT / 'docs' / '_ext')!r}, {str(ROOT / 'docs')!r}, {str(ROOT)!r}]\n"
        "from lean_rebuild import module_file\n"
        "found = {m: str(module_file(m)) for m in sys.argv[1:]}\n"
        "imported = sorted(m for m in ('matplotlib', 'numpy', *sys.argv[1:]) if m in sys.modules)\n"
        "from sphinx.pycode import ModuleAnalyzer\n"
        "sphinx = {m: str(ModuleAnalyzer.get_module_source(m)[0]) for m in sys.argv[1:]}\n"
        "print(json.dumps([found, imported, sphinx]))\n"
    )
    proc = subprocess.run([sys.executable, "-c", script, *modules], capture_output=True, text=True,
                          cwd=ROOT / "tests", check=True)
    found, imported, sphinx = json.loads(proc.stdout)
    assert imported == []
    assert found == sphinx


def api_site(tmp_path: Path) -> tuple[Path, Path, Path, Path]:
    """A synthetic site whose API page documents the module ``code/tiny.py`` through an
    ``{eval-rst}`` automodule, as the real API pages do: ``(src, out, lib, code)``."""
    src, out, lib, code = tmp_path / "src", tmp_path / "out", tmp_path / "lib", tmp_path / "code"
    for folder in (src, lib, code):
        folder.mkdir()
    (lib / "core.py").write_text("X = 1\n")
    (src / "index.md").write_text("# Index\n\n```{toctree}\napi\n```\n")
    (src / "api.md").write_text("# API\n\n```{eval-rst}\n.. automodule:: tiny\n   :members:\n```\n")
    (code / "tiny.py").write_text('"""A tiny module."""\n\n\ndef first():\n    """The first function."""\n')
    return src, out, lib, code


def test_viewcode_rewrites_a_module_page_exactly_when_the_module_changed(tmp_path):
    src, out, lib, code = api_site(tmp_path)
    module = code / "tiny.py"

    page = build_site(src, out, lib, 2, pythonpath=code) / "_modules" / "tiny.html"
    # viewcode's block of each function (the theme's own markup has "second", as in its secondary sidebar)
    assert 'id="first"' in page.read_text() and 'id="second"' not in page.read_text()
    written = page.stat().st_mtime_ns

    time.sleep(0.01)
    build_site(src, out, lib, 2, pythonpath=code)  # the module unchanged: its page is left alone
    assert page.stat().st_mtime_ns == written

    time.sleep(0.01)
    module.write_text(module.read_text() + '\n\ndef second():\n    """The second function."""\n')
    build_site(src, out, lib, 2, pythonpath=code)  # changed: its page is written anew
    assert 'id="second"' in page.read_text()


def test_a_pickled_doctree_does_not_carry_the_environment(tmp_path):
    """An ``{eval-rst}`` block's nodes name the page's document, so the pickled doctree of an API
    page holds no BuildEnvironment (MyST-Parser parses the block into a document of its own that
    shares the page's settings, environment included)."""
    import pickle

    from docutils import nodes

    src, out, lib, code = api_site(tmp_path)
    build_site(src, out, lib, 1, pythonpath=code)

    data = (out / "doctrees" / "api.doctree").read_bytes()
    assert b"BuildEnvironment" not in data
    doctree = pickle.loads(data)
    foreign = {type(n).__name__ for n in doctree.findall(nodes.Node) if n.document is not doctree}
    assert not foreign, f"nodes naming another document: {sorted(foreign)}"
    assert "first" in (out / "html" / "api.html").read_text()


EXERCISE_PAGE = """# Page

A paragraph with enough words to make this page's doctree larger than any one exercise. """ + \
    "Filler sentence about the variance of a layer. " * 400 + """

:::{exercise}
:label: ex-one

Derive $n \\operatorname{Var}(W) = 1$.
:::

:::{solution} ex-one
:class: dropdown

The variance of a sum of $n$ independent terms.
:::

See {ref}`ex-one` and {ref}`the solution <ex-one-solution>`.
"""


def test_the_environment_does_not_carry_the_exercise_pages(tmp_path):
    """sphinx-exercise's registry holds copies that stand alone: pickled, an entry is its exercise,
    not its page's doctree (it was 320 kB a node on why); the page still numbers and titles them."""
    import pickle

    src, out, lib = tmp_path / "src", tmp_path / "out", tmp_path / "lib"
    for folder in (src, lib):
        folder.mkdir()
    (lib / "core.py").write_text("X = 1\n")
    (src / "index.md").write_text("# Index\n\n```{toctree}\npage\n```\n")
    (src / "page.md").write_text(EXERCISE_PAGE.replace("{ref}`the solution <ex-one-solution>`", "the solution"))
    html = build_site(src, out, lib, 2)

    doctree = len((out / "doctrees" / "page.doctree").read_bytes())
    env = pickle.loads((out / "doctrees" / "environment.pickle").read_bytes())
    registry = env.sphinx_exercise_registry
    assert sorted(entry["type"] for entry in registry.values()) == ["exercise", "solution"]
    for label, entry in registry.items():
        node = entry["node"]
        assert node.parent is None and node.document is None, label
        size = len(pickle.dumps(node))
        assert size < doctree / 5, f"{label}: {size} bytes pickled, the page's doctree {doctree}"
    page = (html / "page.html").read_text()
    assert "Exercise 1" in page and "Solution to" in page

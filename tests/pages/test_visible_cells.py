"""The code a reader sees runs when pasted in order (issue 19: "the code the reader sees is the
experiment"), checked on the built pages.

The s30 student reading pasted xavier_init's visible cells into a notebook and met a NameError:
the cell that builds the network used ``specs``, ``rngs`` and ``slices``, which only a collapsed
cell defined. Executing every page's visible cells again would cost as much as the build, so this
check is static: on each built page, a code cell the reader sees on the main line (not removed, not
collapsed behind a toggle, not inside a Going-deeper box or a solution) may use only names that an
earlier visible cell of the page binds, that it binds itself before the statement that uses them,
or builtins. The cells of an exercise's solution may use those names and their own solution's.

Names are found with :mod:`ast`: a statement's free names are the names it loads minus those it
binds anywhere inside it (assignments, loop and comprehension targets, function arguments,
imports, ``except ... as``). That is lenient (a name bound only inside a function counts as bound
for its whole statement) but it sees every name that comes from a cell the reader does not see.
"""

from __future__ import annotations

import ast
import builtins
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

ROOT = Path(__file__).resolve().parents[2]
SITE = ROOT / "_build" / "html"
PAGES = ["why", "signals", "xavier_init", "justification", "conclusion", "beyond", "normalization", "scaling"]
# what a Jupyter kernel binds besides Python's builtins
KERNEL = {"display", "get_ipython", "In", "Out", "exit", "quit"}
HIDDEN = ("details", ".solution", ".going-deeper", ".admonition.dropdown", ".admonition.toggle")


def _bound(node: ast.AST) -> set[str]:
    """Every name that ``node`` binds, in any scope inside it."""
    names = set()
    for n in ast.walk(node):
        if isinstance(n, ast.Name) and isinstance(n.ctx, (ast.Store, ast.Del)):
            names.add(n.id)
        elif isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(n.name)
        elif isinstance(n, ast.arg):
            names.add(n.arg)
        elif isinstance(n, ast.alias):
            names.add((n.asname or n.name).split(".")[0])
        elif isinstance(n, ast.ExceptHandler) and n.name:
            names.add(n.name)
        elif isinstance(n, (ast.MatchAs, ast.MatchStar)) and n.name:
            names.add(n.name)
    return names


def _top_level_bound(stmt: ast.stmt) -> set[str]:
    """The names a top-level statement leaves bound in the namespace (not those of inner scopes)."""
    if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return {stmt.name}
    names = set()
    stack = [stmt]
    while stack:
        n = stack.pop()
        if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(n.name)
            continue
        if isinstance(n, (ast.Lambda, ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)):
            names |= {w.target.id for w in ast.walk(n)
                      if isinstance(w, ast.NamedExpr) and isinstance(w.target, ast.Name)}
            continue
        if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store):
            names.add(n.id)
        elif isinstance(n, ast.alias):
            names.add((n.asname or n.name).split(".")[0])
        elif isinstance(n, ast.ExceptHandler) and n.name:
            names.add(n.name)
        stack.extend(ast.iter_child_nodes(n))
    return names


def unbound_names(source: str, known: set[str]) -> tuple[list[str], set[str]]:
    """(names the cell uses that neither ``known``, the cell itself before, nor builtins bind,
    ``known`` with the cell's bindings added)."""
    lines = [line for line in source.splitlines() if not line.lstrip().startswith(("%", "!"))]
    tree = ast.parse("\n".join(lines))
    known = set(known)
    missing = []
    for stmt in tree.body:
        loaded = {n.id for n in ast.walk(stmt) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}
        for name in sorted(loaded - _bound(stmt) - known - set(dir(builtins)) - KERNEL):
            if name not in missing:
                missing.append(name)
        known |= _top_level_bound(stmt)
    return missing, known


def _in(node, selectors) -> bool:
    for parent in node.parents:
        if parent.name == "details":
            return True
        classes = set(parent.get("class") or [])
        for sel in selectors:
            if sel != "details" and set(sel.strip(".").split(".")) <= classes:
                return True
    return False


def page_faults(html: str) -> list[str]:
    """One line per visible cell that uses a name no visible cell before it binds."""
    soup = BeautifulSoup(html, "html.parser")
    article = soup.find("main").find("article")
    known: set[str] = set()
    solutions: dict[int, set[str]] = {}  # each solution's own bindings
    faults = []
    for k, cell in enumerate(article.select("div.cell"), start=1):
        source = cell.select_one("div.cell_input pre")
        if source is None:
            continue
        code = source.get_text()
        in_details = _in(source, ("details",))
        solution = next((p for p in source.parents if "solution" in (p.get("class") or [])), None)
        if solution is not None and not in_details:
            # an exercise's solution: what the main line bound so far, plus its own cells before
            own = solutions.setdefault(id(solution), set())
            missing, scope = unbound_names(code, known | own)
            own |= scope - known
            where = "solution cell"
        elif _in(source, HIDDEN):
            continue
        else:
            missing, known = unbound_names(code, known)
            where = "cell"
        if missing:
            faults.append(f"{where} {k}: {', '.join(missing)} in {code[:60]!r}")
    return faults


# -- the check on snippets whose answer is known ----------------------------------------------------

def test_unbound_names_sees_a_name_bound_nowhere_visible():
    missing, known = unbound_names("net = Network(sizes, rng=rng)\nfirst = net.take(slices[0])", {"Network", "rng"})
    assert missing == ["sizes", "slices"]
    assert {"net", "first"} <= known


def test_unbound_names_accepts_what_the_cell_binds_itself():
    source = ("import numpy as np\nfrom xavier import init\nrng = np.random.default_rng(0)\n"
              "sq = [x * x for x in range(3)]\nfor k, v in enumerate(sq):\n    total = k + v\n"
              "def f(a, *, b=1):\n    return a + b + len(sq)\nprint(f(total), init)\n"
              "try:\n    pass\nexcept ValueError as e:\n    print(e)\n")
    assert unbound_names(source, set()) == ([], unbound_names(source, set())[1])
    assert unbound_names(source, set())[0] == []


def test_unbound_names_sees_a_use_before_the_binding():
    assert unbound_names("print(y)\ny = 1", set())[0] == ["y"]
    # a comprehension's variable does not leak into the namespace
    assert unbound_names("s = [i for i in range(3)]\nprint(i)", set())[0] == ["i"]


def test_page_faults_on_a_synthetic_page():
    html = """<html><body><main><article>
<div class="cell tag_hide-input"><details class="hide above-input"><summary>Show</summary>
<div class="cell_input"><pre>specs = [1, 2]</pre></div></details></div>
<div class="cell"><div class="cell_input"><pre>import numpy as np\nx = np.ones(3)</pre></div></div>
<div class="cell"><div class="cell_input"><pre>net = len(specs) + x.sum()</pre></div></div>
<details class="going-deeper"><div class="cell"><div class="cell_input"><pre>z = q</pre></div></div></details>
<div class="solution dropdown"><div class="cell"><div class="cell_input"><pre>w = x + 1</pre></div></div>
<div class="cell"><div class="cell_input"><pre>print(w, v)</pre></div></div></div>
</article></main></body></html>"""
    faults = page_faults(html)
    assert len(faults) == 2
    assert "cell 3: specs" in faults[0]
    assert "solution cell 6: v" in faults[1]


# -- the built pages ----------------------------------------------------------------------------------

@pytest.mark.parametrize("page", PAGES)
def test_visible_cells_use_only_names_visible_cells_bind(page):
    path = SITE / f"{page}.html"
    assert path.exists(), f"{path} is missing: build the site first (make html)"
    faults = page_faults(path.read_text(encoding="utf-8"))
    assert not faults, f"{page}: visible cells use names only hidden cells bind:\n" + "\n".join(faults)

"""A rebuild writes the same bytes as a clean build: nothing changed, or one page's module edited.

A small synthetic site is built with the repository's conf.py (so with ``docs/_ext``, MathJax and
the page-execution hooks), serially and with two processes (``-j 2``). It has what made rebuilds
differ: an execution table (``nb-exec-table``), an index entry and a formula on a page that a
one-page rebuild does not write, and the general index and search page, which every build writes.

* A rebuild with nothing changed rewrites some files (the index and search pages): every file
  must keep its bytes.
* After ``a.py`` is edited, only ``a.md`` runs again; the rebuilt site must equal, file for file, a
  clean build of the edited sources, and the files other than ``a.html`` and its executed notebook
  ``_sources/a.ipynb`` must keep their bytes (the notebooks are copied with cell ids numbered, not
  nbformat's random ones).
  A word that only the rewritten page had must leave the search index.
* A two-process clean build must equal the serial one.
"""

import re
from pathlib import Path

import pytest
from synthetic import FRONT, build_site  # beside this file


INDEX = """# Index

Pages, and how their execution went:

```{toctree}
a
b
```

```{nb-exec-table}
```
"""


def _page(name: str, extra: str = "") -> str:
    return FRONT + f"""
# Page {name}

{extra}

```{{code-cell}} ipython3
import {name}

{name}.VALUE
```
"""


B_EXTRA = """```{index} variance; of a layer's output
```

The variance of a layer, $\\operatorname{Var}(z) = n \\sigma^2$, is what the page is about.

```{code-cell} ipython3
import time

for step in range(3):  # each line flushed apart: three stream messages from the kernel
    print(f"step {step}", flush=True)
    time.sleep(0.3)
```
"""


def write_site(src: Path) -> None:
    src.mkdir(parents=True)
    (src / "index.md").write_text(INDEX)
    (src / "a.md").write_text(_page("a"))
    (src / "b.md").write_text(_page("b", B_EXTRA))
    (src / "a.py").write_text("VALUE = 1001\n")
    (src / "b.py").write_text("VALUE = 3003\n")


def build(src: Path, out: Path, lib: Path, jobs: int) -> dict[str, bytes]:
    """Build ``src`` into ``out`` (doctrees and cache beside it); every output file's bytes."""
    html = build_site(src, out, lib, jobs)
    return {p.relative_to(html).as_posix(): p.read_bytes() for p in sorted(html.rglob("*")) if p.is_file()}


def changed(before: dict[str, bytes], after: dict[str, bytes]) -> list[str]:
    return sorted(name for name in set(before) | set(after) if before.get(name) != after.get(name))


@pytest.fixture(scope="module")
def lib(tmp_path_factory):
    lib = tmp_path_factory.mktemp("lib")
    (lib / "core.py").write_text("X = 1\n")
    return lib


@pytest.mark.parametrize("jobs", [1, 2])
def test_rebuilds_write_the_bytes_of_a_clean_build(tmp_path, lib, jobs):
    src, out = tmp_path / "src", tmp_path / "out"
    write_site(src)
    clean = build(src, out, lib, jobs)
    assert "genindex.html" in clean and "searchindex.js" in clean
    assert b"variance" in clean["searchindex.js"] and b"1001" in clean["a.html"]
    assert b"Run Time" not in clean["index.html"], "the execution table shows build times"
    # the formulas typeset, and buildmath's sheet in the one the page links (docs/_ext/css_bundle.py)
    sheet = re.search(rb'href="(_static/styles/bundle-[0-9a-f]+\.css)\?v=', clean["b.html"])
    assert b"<mjx-container" in clean["b.html"] and sheet and b"/* buildmath.css */" in clean[sheet[1].decode()]

    assert changed(clean, build(src, out, lib, jobs)) == []  # nothing changed: not one byte

    # A number: the search index leaves digits out, so a.html (and a.ipynb) alone should change.
    (src / "a.py").write_text("VALUE = 2002\n")
    rebuilt = build(src, out, lib, jobs)
    assert b"2002" in rebuilt["a.html"]
    assert changed(build(src, tmp_path / "fresh", lib, jobs), rebuilt) == []
    # the page whose module changed and its executed notebook (the download menu's .ipynb), no other file
    assert changed(clean, rebuilt) == ["_sources/a.ipynb", "a.html"]


def test_a_page_read_from_the_cache_offers_the_notebook_an_execution_writes(tmp_path, lib):
    """After a prose edit the page is read again and its outputs come from the execution cache; its
    downloadable notebook ``_sources/<page>.ipynb`` must still hold the outputs, byte for byte as a
    clean build (which executes the page) writes it. MyST-NB's own copy of a page read from the
    cache has none."""
    src, out = tmp_path / "src", tmp_path / "out"
    write_site(src)
    clean = build(src, out, lib, 2)
    assert b"3003" in clean["_sources/b.ipynb"], "the executed notebook lacks its output"
    (src / "b.md").write_text((src / "b.md").read_text() + "\nA sentence added to the prose.\n")
    rebuilt = build(src, out, lib, 2)
    assert changed(build(src, tmp_path / "fresh", lib, 2), rebuilt) == []
    # the page, its sources (the notebook's markdown cell holds the prose) and the search index
    assert changed(clean, rebuilt) == ["_sources/b.ipynb", "_sources/b.md", "b.html", "searchindex.js"]


def _streams(notebook: bytes) -> list[str]:
    import json
    return [o["text"] if isinstance(o["text"], str) else "".join(o["text"])
            for cell in json.loads(notebook)["cells"] if cell["cell_type"] == "code"
            for o in cell["outputs"] if o["output_type"] == "stream"]


def test_the_downloaded_notebook_merges_a_cells_printed_lines(tmp_path, lib):
    """A loop's lines, sent by the kernel as one message or several depending on timing (here three,
    flushed apart), are one output in the downloaded notebook, as on the page (``nb_merge_streams``):
    unmerged, two clean builds of justification.md once differed in ``_sources/justification.ipynb``.
    Both ways of writing it, after an execution and from the cache, are checked."""
    src, out = tmp_path / "src", tmp_path / "out"
    write_site(src)
    clean = build(src, out, lib, 1)
    assert _streams(clean["_sources/b.ipynb"]) == ["step 0\nstep 1\nstep 2\n"]
    (src / "b.md").write_text((src / "b.md").read_text() + "\nA sentence added to the prose.\n")
    rebuilt = build(src, out, lib, 1)
    assert _streams(rebuilt["_sources/b.ipynb"]) == ["step 0\nstep 1\nstep 2\n"]


def test_a_word_gone_from_a_page_leaves_the_search_index(tmp_path, lib):
    """A word that only a rewritten page had is gone from searchindex.js, as after a clean build."""
    src, out = tmp_path / "src", tmp_path / "out"
    write_site(src)
    (src / "a.py").write_text("VALUE = 'zebra'\n")
    assert b"zebra" in build(src, out, lib, 1)["searchindex.js"]
    (src / "a.py").write_text("VALUE = 'okapi'\n")
    rebuilt = build(src, out, lib, 1)
    assert b"zebra" not in rebuilt["searchindex.js"] and b"okapi" in rebuilt["searchindex.js"]
    assert changed(build(src, tmp_path / "fresh", lib, 1), rebuilt) == []


def test_two_processes_build_what_one_builds(tmp_path, lib):
    src = tmp_path / "src"
    write_site(src)
    assert changed(build(src, tmp_path / "serial", lib, 1), build(src, tmp_path / "parallel", lib, 2)) == []

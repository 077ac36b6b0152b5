"""A page runs again exactly when its experiment module or the library changes.

A tiny synthetic site (two notebook pages, ``a.md`` and ``b.md``, each with its module ``a.py`` /
``b.py`` beside it, both importing a shared ``shared.py``) is built with the repository's conf.py
into a temporary folder, with its own execution cache and a copy of a "library" folder passed as
``-D xavier_library=...``. Each page's cell appends the page's name to a log file, so the log says
which pages ran on each build. The site is built serially and with two processes (``-j 2``, as the
Makefile builds: Sphinx merges the execution keys that the worker processes recorded).
"""

from pathlib import Path

import pytest
from synthetic import FRONT, build_site  # beside this file


def _page(name: str, log: Path) -> str:
    return FRONT + f"""
# Page {name}

```{{code-cell}} ipython3
import {name}

with open({str(log)!r}, "a") as f:
    f.write({name!r} + "\\n")
{name}.VALUE
```
"""


@pytest.fixture(scope="module", params=[1, 2], ids=["serial", "two processes"])
def site(tmp_path_factory, request):
    tmp = tmp_path_factory.mktemp("cache")
    src, lib, log = tmp / "src", tmp / "lib", tmp / "executed.log"
    src.mkdir()
    lib.mkdir()
    (lib / "core.py").write_text("X = 1\n")
    (src / "index.md").write_text("# Index\n\n```{toctree}\na\nb\n```\n")
    (src / "shared.py").write_text("BASE = 1\n")
    for name in ("a", "b"):
        (src / f"{name}.md").write_text(_page(name, log))
        (src / f"{name}.py").write_text("from shared import BASE\n\nVALUE = BASE + 1\n")

    def build() -> list[str]:
        """Build the site; the names of the pages that ran, in order."""
        log.write_text("")
        build_site(src, tmp, lib, request.param)
        return log.read_text().split()

    return build, src, lib


def test_execution_follows_the_page_modules_and_the_library(site):
    build, src, lib = site
    assert sorted(build()) == ["a", "b"]  # cold: both run
    assert build() == []  # nothing changed: nothing runs

    (src / "a.py").write_text("from shared import BASE\n\nVALUE = BASE + 2\n")
    assert build() == ["a"]  # a's module edited: a alone

    (src / "b.md").write_text((src / "b.md").read_text() + "\nSome prose.\n")
    assert build() == []  # prose edited: the page is read again, its cells come from the cache

    (src / "shared.py").write_text("BASE = 10\n")
    assert sorted(build()) == ["a", "b"]  # a module both import: both run

    (lib / "core.py").write_text("X = 2\n")
    assert sorted(build()) == ["a", "b"]  # the library: every page runs
    assert build() == []

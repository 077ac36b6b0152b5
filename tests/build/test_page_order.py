"""On a clean build the slowest notebook pages start first (docs/_ext/parallel_pages.py).

A clean build has no record of how long each page took, and Sphinx reads pages by name; the slowest
page (section 3) started last and was the build's critical path. conf.py's
``parallel_pages_heaviest`` lists the notebook pages slowest first. Checked here: that list names
every notebook page of the site and nothing else, and on a synthetic site built with ``-j 2`` the
pages start in its order (each page's cell logs when it starts; the two workers take the first two
pages, each next one starts when one of them has finished; Sphinx starts the waiting chunk added
last first, which parallel_pages undoes).
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from synthetic import FRONT, conf_namespace  # beside this file

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "docs" / "_ext"))

from parallel_pages import is_notebook  # noqa: E402


def _conf_list() -> list[str]:
    return list(conf_namespace()["parallel_pages_heaviest"])


def test_the_static_order_names_every_notebook_page():
    notebooks = sorted(p.stem for p in (ROOT / "docs").glob("*.md") if is_notebook(p))
    heaviest = _conf_list()
    assert len(heaviest) == len(set(heaviest))
    assert sorted(heaviest) == notebooks
    assert heaviest[0] == "xavier_init"  # 43.6 s of 98.6 s in the last idle build (note.md)


def _page(name: str, log: Path, seconds: float) -> str:
    return FRONT + f"""
# Page {name}

```{{code-cell}} ipython3
import time

with open({str(log)!r}, "a") as f:
    f.write(f"{name} {{time.time()}}\\n")
time.sleep({seconds})
```
"""


@pytest.mark.parametrize("heaviest", [["d", "b", "c", "a"], ["a", "b", "c", "d"]], ids=["d b c a", "a b c d"])
def test_a_clean_parallel_build_starts_the_listed_pages_first(tmp_path, heaviest):
    src, log = tmp_path / "src", tmp_path / "started.log"
    src.mkdir()
    (src / "index.md").write_text("# Index\n\n```{toctree}\na\nb\nc\nd\n```\n")
    # the first page ends long before the second, so the others start one by one, 1 s apart or more
    sleep = dict(zip(heaviest, [2.0, 8.0, 1.0, 1.0]))
    for name in "abcd":
        (src / f"{name}.md").write_text(_page(name, log, sleep[name]))
    env = {k: v for k, v in os.environ.items() if not k.startswith("SPHINX")}
    proc = subprocess.run(
        [sys.executable, "-m", "sphinx", "-b", "html", "-nW", "--keep-going", "-j", "2",
         "-c", str(ROOT), "-d", str(tmp_path / "doctrees"),
         "-D", f"nb_execution_cache_path={tmp_path / 'jupyter_cache'}",
         "-D", f"parallel_pages_heaviest={','.join(heaviest)}", str(src), str(tmp_path / "html")],
        capture_output=True, text=True, env=env, timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    started = sorted((float(t), name) for name, t in
                     (line.split() for line in log.read_text().splitlines()))
    order = [name for _, name in started]
    # two workers: the first two pages at once, then each next one when a worker is free
    assert set(order[:2]) == set(heaviest[:2]) and order[2:] == heaviest[2:], order
    assert started[2][0] - started[0][0] >= 2.0 and started[3][0] - started[2][0] >= 1.0
    assert f"notebook pages start in this order (parallel_pages_heaviest): {', '.join(heaviest)}" \
        in proc.stdout


def test_a_rebuild_orders_by_the_last_execution_times():
    from parallel_pages import heaviest_first

    assert heaviest_first(["a", "b"], {"a": 2.0, "b": 9.0}, ["a", "b"]) == ["b", "a"]
    # a page without a record (new, or a clean build): the static order for all
    assert heaviest_first(["a", "b", "new"], {"a": 2.0, "b": 9.0}, ["a", "b"]) == ["a", "b", "new"]


def test_pages_are_written_by_one_worker_per_process_the_costliest_first():
    """With ``-j N`` the pages are written by N workers (Sphinx alone uses N - 1), one page per
    chunk, the pages with the most images first, then the largest doctrees."""
    from types import SimpleNamespace

    import parallel_pages

    env = SimpleNamespace(images={"a.png": ({"fig"}, "a.png"), "b.png": ({"fig", "two"}, "b.png"),
                                  "c.png": ({"fig"}, "c.png"), "d.png": ({"two"}, "d.png")})
    weights = parallel_pages.write_weights(env, Path("/nonexistent"), ["fig", "two", "text", "api"])
    assert weights == {"fig": (3, 0), "two": (2, 0), "text": (0, 0), "api": (0, 0)}
    parallel_pages._plan["weights"] = weights
    try:
        chunks = parallel_pages.make_chunks(["api", "fig", "text", "two"], 2)
    finally:
        parallel_pages._plan.pop("weights")
    # the first two start at once; the others are started last-added first (Sphinx's popitem)
    assert chunks == [["fig"], ["two"], ["text"], ["api"]]


def test_a_parallel_build_writes_with_as_many_workers_as_processes(tmp_path, monkeypatch):
    """A synthetic site built with ``-j 2``: pages are written by two processes besides the main
    one (each page records the process that wrote it)."""
    from synthetic import build_site

    src, out, lib = tmp_path / "src", tmp_path / "out", tmp_path / "lib"
    for folder in (src, lib):
        folder.mkdir()
    names = [f"p{i}" for i in range(6)]
    (src / "index.md").write_text("# Index\n\n```{toctree}\n" + "\n".join(names) + "\n```\n")
    for name in names:
        (src / f"{name}.md").write_text(f"# {name}\n\nText.\n")
    (src / "pid_ext.py").write_text(
        "import os\n"
        "def record(app, pagename, templatename, context, doctree):\n"
        "    with open(os.environ['XAVIER_PID_LOG'], 'a') as f:\n"
        "        f.write(f'{pagename} {os.getpid()}\\n')\n"
        "def setup(app):\n"
        "    app.connect('html-page-context', record)\n"
        "    return {'parallel_read_safe': True, 'parallel_write_safe': True}\n")
    log = tmp_path / "pids.txt"
    monkeypatch.setenv("XAVIER_PID_LOG", str(log))
    build_site(src, out, lib, 2, pythonpath=src, extra_extensions=("pid_ext",))
    written = dict(line.split() for line in log.read_text().splitlines())
    assert set(names) <= set(written)
    assert len({written[n] for n in names}) >= 2, written

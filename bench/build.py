"""The ``build`` benchmark: how long ``make html`` takes, on a copy of the working tree.

The working tree is copied to a temporary directory (without ``.venv``, ``_build``,
``node_modules``, ``.git``; ``.venv`` and ``node_modules`` become symlinks to the real ones) so that
the repository's own ``_build`` and its execution cache are never touched. ``make`` runs there with
``-o`` on the two install stamps, so it never reinstalls into the shared ``.venv``, and with
``PYTHONPATH`` pointing at the copy, so the pages execute the copy's ``xavier``. Then, in order:

* **cold**: ``make html`` from nothing, every page executed;
* **no change**: ``make html`` again;
* **one page**: a code cell appended to the page whose execution took longest, ``make html``
  (that page is executed again, the others come from the cache);
* **library touched**: a comment appended to ``xavier/network.py``, ``make html`` (the library's
  digest is part of the cache path, so every page is executed again).

Every build is timed once (they are long; the spread between runs is small beside the targets).
Peak memory is the largest sum of the proportional set size (PSS: a page shared by forked
processes counted once in all) of ``make`` and all its descendants (Sphinx and the notebook
kernels), sampled every 0.1 s over all builds. The execution time of each
page comes from MyST-NB's record in the Sphinx environment after the cold build.
"""

from __future__ import annotations

import os
import pickle
import shutil
import subprocess
import tempfile
import threading
import time
from pathlib import Path

from bench.core import Config, Row, register, row

ROOT = Path(__file__).resolve().parent.parent
SKIP = (".venv", "_build", "node_modules", ".git", "__pycache__", ".pytest_cache", "*.egg-info", "results.json")
LINKED = (".venv", "node_modules")
STAMPS = (".venv/.installed", "node_modules/.installed")


def copy_tree(dest: Path) -> Path:
    """Copy the working tree (with uncommitted files) to ``dest/repo``; link ``.venv`` and ``node_modules``."""
    repo = dest / "repo"
    shutil.copytree(ROOT, repo, ignore=shutil.ignore_patterns(*SKIP), symlinks=True)
    for name in LINKED:
        if (ROOT / name).exists():
            (repo / name).symlink_to(ROOT / name, target_is_directory=True)
    return repo


class PeakMemory:
    """The largest summed PSS of a process and its descendants, sampled in a thread.

    PSS (proportional set size), not RSS: the pages' kernels are forked from one server
    (docs/_ext/warm_kernels.py) and share its pages until they write them; RSS counts a shared
    page in full in every process that maps it, PSS shares it out among them.
    """

    def __init__(self, interval: float = 0.1) -> None:
        self.interval = interval
        self.peak = 0

    def watch(self, proc: subprocess.Popen) -> threading.Thread:
        import psutil

        def run():
            try:
                root = psutil.Process(proc.pid)
            except psutil.NoSuchProcess:
                return
            while proc.poll() is None:
                total = 0
                try:
                    for p in [root, *root.children(recursive=True)]:
                        try:
                            total += p.memory_full_info().pss
                        except (psutil.NoSuchProcess, psutil.AccessDenied):
                            pass
                except psutil.NoSuchProcess:
                    break
                self.peak = max(self.peak, total)
                time.sleep(self.interval)

        thread = threading.Thread(target=run, daemon=True)
        thread.start()
        return thread


def make_html(repo: Path, memory: PeakMemory, log: Path) -> tuple[float, bool]:
    """Run ``make html`` in ``repo``; (seconds, succeeded). Output appended to ``log``."""
    cmd = ["make", "--no-print-directory", *[f"-o{s}" for s in STAMPS], "html"]
    env = dict(os.environ, PYTHONPATH=str(repo))
    env.pop("MAKEFLAGS", None)
    env.pop("MFLAGS", None)
    with log.open("a") as out:
        out.write(f"\n$ {' '.join(cmd)}\n")
        out.flush()
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=repo, env=env, stdout=out, stderr=subprocess.STDOUT)
        watcher = memory.watch(proc)
        proc.wait()
        seconds = time.perf_counter() - t0
        watcher.join()
    return seconds, proc.returncode == 0


def log_tail(log: Path, lines: int = 15) -> str:
    """The last ``lines`` lines of a build's ``log``: what a failed ``make html`` is reported with."""
    return "\n".join(log.read_text().splitlines()[-lines:])


def execution_times(repo: Path) -> dict[str, float]:
    """``{page: seconds}`` of the pages MyST-NB executed in the last build (from the pickled environment)."""
    candidates = [repo / "_build" / "doctrees", repo / "_build" / "html" / ".doctrees"]
    found = [d / "environment.pickle" for d in candidates if (d / "environment.pickle").exists()]
    if not found:
        return {}
    path = found[0]
    with path.open("rb") as f:
        env = pickle.load(f)
    times = {}
    for docname, data in getattr(env, "nb_metadata", {}).items():
        exec_data = data.get("exec_data") or {}
        if exec_data.get("runtime") is not None:
            times[docname] = float(exec_data["runtime"])
    return times


def append_code_cell(page: Path) -> None:
    page.write_text(page.read_text() + "\n```{code-cell} ipython3\n1 + 1  # bench: one page edited\n```\n")


@register("build", "make html on a copy of the working tree: cold, no change, one page, library touched")
def bench_build(config: Config) -> list[Row]:
    if config.against is not None:
        from bench.against import side_by_side

        return side_by_side(config)
    rows: list[Row] = []
    memory = PeakMemory()
    with tempfile.TemporaryDirectory(prefix="xavier-bench-") as tmp:
        repo = copy_tree(Path(tmp))
        log = Path(tmp) / "build.log"

        def build(label: str, target: str | None, unit_note: str = "") -> float | None:
            seconds, ok = make_html(repo, memory, log)
            if not ok:
                tail = log_tail(log)
                print(f"    make html ({label}) failed; the end of its output:\n{tail}", flush=True)
                rows.append(row(f"{label}", float("nan"), "s", None, note="make html failed"))
                return None
            print(f"    {label}: {seconds:.1f} s", flush=True)
            rows.append(row(label, seconds, "s", target, note=unit_note))
            return seconds

        if build("cold make html", "<= 120") is None:
            return rows
        runtimes = execution_times(repo)
        if runtimes:
            slowest = max(runtimes, key=runtimes.get)
            rows.append(row("pages executed (cold)", len(runtimes), "pages"))
            rows.append(row("execution, all pages (cold)", sum(runtimes.values()), "s"))
            rows.append(row("slowest page execution", runtimes[slowest], "s", "<= 30", note=f"docs/{slowest}.md"))
            for page in sorted(runtimes, key=runtimes.get, reverse=True):
                rows.append(row(f"execution: docs/{page}.md", runtimes[page], "s"))
        else:
            slowest = None
            rows.append(row("slowest page execution", float("nan"), "s", None, note="no execution data found"))
        if config.quick:
            rows.append(row("peak memory", memory.peak / 2**30, "GB", "<= 1.5"))
            return rows

        build("no-change make html", "<= 3")
        if slowest is not None:
            append_code_cell(repo / "docs" / f"{slowest}.md")
            build("one page edited", None, f"a code cell appended to docs/{slowest}.md")
        module = repo / "xavier" / "network.py"
        module.write_text(module.read_text() + "\n# bench: library touched\n")
        build("library touched", None, "a comment appended to xavier/network.py: every page runs again")
        rows.append(row("peak memory", memory.peak / 2**30, "GB", "<= 1.5", note="make + Sphinx + kernels"))
    return rows

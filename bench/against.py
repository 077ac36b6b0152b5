"""``python -m bench --against REV``: the site's build, REV and the working tree side by side.

Two trees are built on the same machine in alternation, each with its own ``.venv``,
``node_modules`` and ``_build``:

* **REV**: the commit exported with ``git archive`` (a clean tree: nothing uncommitted, nothing
  ignored) into ``_build/bench/<sha>/``. Its ``.venv`` and ``node_modules`` are made there by its own
  Makefile the first time (untimed; kept for the next run, ``make clean`` removes them);
* **working tree**: a copy of the working tree with its uncommitted files, as the ``build``
  benchmark makes it (:func:`bench.build.copy_tree`; ``.venv`` and ``node_modules`` are the
  repository's own, linked).

A round runs these steps, each on both trees one after the other (the order alternates from
round to round, so drift in the machine's load hits both alike):

1. **cold**: ``_build`` removed, ``make html``; the pages' execution times (MyST-NB's record in
   the Sphinx environment) give their sum and maximum;
2. **no change**: ``make html`` again;
3. **prose edited**: a sentence appended to ``docs/<page>.md``;
4. **module touched**: a comment appended to the page's experiment module, ``docs/<page>.py``;
   before the layout commit 491b5f8 these modules lived in the library (:data:`LEGACY_MODULES`:
   ``xavier/playground.py`` served ``why.md``), and there the same edit touches the library;
5. **library touched**: a comment appended to ``xavier/network.py``.

Between rounds the edited files are restored. ``<page>`` is ``--page``, or else the page whose
cold execution took longest on the working tree. After every build the pages that MyST-NB
executed (their execution record changed) are noted. Peak memory is the largest summed resident
memory of ``make`` and its descendants over all of a tree's builds.

Reported for both trees and as ratios (working tree / REV; with several rounds, the median of
the per-round ratios): the five build times, the sum and maximum of the pages' execution times,
peak memory. Targets (issue 11): cold <= 1.0x, no change <= 0.5x, module touched <= 1.15 x that
page's own execution time with no other page executed, peak memory <= 1.5 GB. The page's own
execution time is taken two ways: from the cold build of the first round (two pages execute at a
time there), and from the module-touched rebuild itself (MyST-NB's record of that execution), which
isolates what the rebuild adds from the drift between two executions of the same page.

``--quick`` builds a tiny subset instead (``index``, ``reproducibility`` and the page, ``signals``
unless ``--page``; the other pages excluded, so ``-W`` is dropped): a check of the mechanism,
not a measurement.
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import statistics
import subprocess
import tarfile
import tempfile
import time
from pathlib import Path

from bench.build import ROOT, STAMPS, PeakMemory, copy_tree, log_tail
from bench.core import Config, Row, ratio, row

# Where each page's experiment module lived before 491b5f8 moved them beside the pages, as docs/<page>.py.
LEGACY_MODULES = {
    "why": "playground",
    "signals": "signals",
    "xavier_init": "mnist",
    "justification": "variance",
    "conclusion": "relu",
}
STEPS = ("cold", "no change", "prose edited", "module touched", "library touched")
LIBRARY_FILE = "xavier/network.py"
QUICK_KEEP = ("index", "reproducibility")
# What conf.py excludes by itself (relative to docs/); kept when --quick adds the pages it leaves out.
BASE_EXCLUDES = ("_build", ".venv", "node_modules", "**.ipynb_checkpoints", "_static")


class BuildFailed(RuntimeError):
    """``make html`` failed in one of the trees."""


def page_module(tree: Path, page: str) -> Path:
    """The experiment module of ``docs/<page>.md`` in ``tree``: ``docs/<page>.py``, or in a tree from
    before 491b5f8, its counterpart in ``xavier/`` (:data:`LEGACY_MODULES`).

    Raises
    ------
    ValueError
        If neither exists; the message names the pages that have one.
    """
    new = tree / "docs" / f"{page}.py"
    if new.is_file():
        return new
    legacy = LEGACY_MODULES.get(page)
    if legacy is not None and (tree / "xavier" / f"{legacy}.py").is_file():
        return tree / "xavier" / f"{legacy}.py"
    valid = sorted({p.stem for p in (tree / "docs").glob("*.py") if (tree / "docs" / f"{p.stem}.md").is_file()}
                   | {p for p, m in LEGACY_MODULES.items() if (tree / "xavier" / f"{m}.py").is_file()})
    raise ValueError(f"page {page!r} has no experiment module in {tree} (neither docs/{page}.py nor a "
                     f"legacy xavier/ module); pages with one: {', '.join(valid) or 'none'}")


def resolve(rev: str) -> str:
    """The full sha of ``rev`` in the repository; ValueError naming ``rev`` if git does not know it."""
    proc = subprocess.run(["git", "rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}"],
                          cwd=ROOT, capture_output=True, text=True)
    if proc.returncode != 0:
        raise ValueError(f"--against {rev!r} is not a commit of {ROOT} (try a sha such as 3f23432, a "
                         "branch or a tag; a shallow clone may lack it: git fetch --unshallow)")
    return proc.stdout.strip()


def export(sha: str, dest: Path) -> Path:
    """``git archive`` of ``sha`` into ``dest``, emptied first except for ``.venv`` and ``node_modules``."""
    dest.mkdir(parents=True, exist_ok=True)
    for child in dest.iterdir():
        if child.name in (".venv", "node_modules"):
            continue
        if child.is_dir() and not child.is_symlink():
            shutil.rmtree(child)
        else:
            child.unlink()
    archive = subprocess.run(["git", "archive", "--format=tar", sha], cwd=ROOT, capture_output=True, check=True)
    with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
        tar.extractall(dest, filter="data")
    return dest


class Tree:
    """One side: a tree with its own ``.venv`` and ``_build``, its builds timed and their memory watched."""

    def __init__(self, label: str, path: Path, log: Path, sphinxopts: str | None = None) -> None:
        self.label, self.path, self.log, self.sphinxopts = label, path, log, sphinxopts
        self.memory = PeakMemory()
        self.originals: dict[Path, bytes] = {}

    def make(self, *targets: str, timed: bool = True) -> float:
        """Run ``make`` in the tree; seconds taken. Raises BuildFailed with the end of the log."""
        cmd = ["make", "--no-print-directory"]
        if timed:
            cmd += [f"-o{s}" for s in STAMPS]
        if self.sphinxopts is not None:
            cmd.append(f"SPHINXOPTS={self.sphinxopts}")
        cmd += list(targets)
        env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")}
        env["PYTHONPATH"] = str(self.path)  # the tree's own xavier, whatever .venv's editable install points at
        with self.log.open("a") as out:
            out.write(f"\n$ ({self.label}) {' '.join(cmd)}\n")
            out.flush()
            t0 = time.perf_counter()
            proc = subprocess.Popen(cmd, cwd=self.path, env=env, stdout=out, stderr=subprocess.STDOUT)
            watcher = self.memory.watch(proc) if timed else None
            proc.wait()
            seconds = time.perf_counter() - t0
            if watcher is not None:
                watcher.join()
        if proc.returncode != 0:
            tail = log_tail(self.log, 20)
            raise BuildFailed(f"make {' '.join(targets)} failed in {self.label} ({self.path}):\n{tail}")
        return seconds

    def executed(self) -> set[tuple[str, float]]:
        """``(notebook path, time stored)`` of every record in the tree's execution caches.

        A build that executes a page stores a new record; a page whose outputs come from the cache
        adds none (MyST-NB's own record in the environment cannot tell: its time is the execution's
        end when a page runs, the record's creation when it comes from the cache). REV kept one
        cache per library digest, so every ``global.db`` under ``_build`` is read.
        """
        script = (
            "import json, pathlib, sys\n"
            "from jupyter_cache import get_cache\n"
            "out = []\n"
            "for db in sorted(pathlib.Path(sys.argv[1]).rglob('global.db')):\n"
            "    out += [[r.uri, r.created.timestamp()] for r in get_cache(db.parent).list_cache_records()]\n"
            "print(json.dumps(out))\n"
        )
        if not (self.path / "_build").is_dir():
            return set()
        proc = subprocess.run([str(self.path / ".venv" / "bin" / "python"), "-c", script, str(self.path / "_build")],
                              capture_output=True, text=True, check=True)
        return {(uri, created) for uri, created in json.loads(proc.stdout)}

    def executions(self) -> dict[str, tuple[float, float]]:
        """``{page: (mtime, runtime)}`` of MyST-NB's execution records, read by the tree's own Python."""
        script = (
            "import json, pickle, sys\n"
            "env = pickle.load(open(sys.argv[1], 'rb'))\n"
            "out = {}\n"
            "for doc, data in getattr(env, 'nb_metadata', {}).items():\n"
            "    e = data.get('exec_data') or {}\n"
            "    if e.get('runtime') is not None:\n"
            "        out[doc] = [e.get('mtime') or 0.0, float(e['runtime'])]\n"
            "print(json.dumps(out))\n"
        )
        pickled = self.path / "_build" / "doctrees" / "environment.pickle"
        if not pickled.is_file():
            return {}
        proc = subprocess.run([str(self.path / ".venv" / "bin" / "python"), "-c", script, str(pickled)],
                              capture_output=True, text=True, check=True)
        return {doc: (float(m), float(r)) for doc, (m, r) in json.loads(proc.stdout).items()}

    def append(self, path: Path, text: str) -> None:
        self.originals.setdefault(path, path.read_bytes())
        path.write_bytes(path.read_bytes() + text.encode())

    def reset(self) -> None:
        """Restore the edited files and remove ``_build`` (its execution cache too)."""
        for path, data in self.originals.items():
            path.write_bytes(data)
        self.originals.clear()
        shutil.rmtree(self.path / "_build", ignore_errors=True)


def quick_opts(tree: Path, keep: set[str]) -> str:
    """The tree's own SPHINXOPTS (from its Makefile), without ``-W`` (the toctree misses the pages left
    out) and with every page but ``keep`` excluded."""
    match = re.search(r"^SPHINXOPTS\s*\?=\s*(.*)$", (tree / "Makefile").read_text(), re.M)
    if match is None:
        raise ValueError(f"no 'SPHINXOPTS ?=' line in {tree / 'Makefile'}")
    opts = [{"-nW": "-n"}.get(o, o) for o in match.group(1).replace("$(BUILD)", "_build").split() if o != "-W"]
    docs = tree / "docs"
    excluded = sorted(p.relative_to(docs).as_posix() for p in docs.rglob("*.md") if p.stem not in keep
                      or p.parent != docs)
    patterns = ",".join([*BASE_EXCLUDES, *excluded])
    return " ".join([*opts, "-D", f"exclude_patterns={patterns}"])


def side_by_side(config: Config) -> list[Row]:
    """The ``build`` benchmark with ``config.against``: see the module's docstring."""
    sha = resolve(config.against)
    short = sha[:7]
    ref_label = f"REV {short}"
    rounds = max(1, config.rounds)
    ref_dir = export(sha, ROOT / "_build" / "bench" / sha[:12])
    with tempfile.TemporaryDirectory(prefix="xavier-bench-") as tmp:
        log = Path(tmp) / "build.log"
        work_dir = copy_tree(Path(tmp))
        page = config.page or ("signals" if config.quick else None)
        sphinxopts = {}
        if config.quick:
            keep = {*QUICK_KEEP, page}
            sphinxopts = {"ref": quick_opts(ref_dir, keep), "work": quick_opts(work_dir, keep)}
        ref = Tree(ref_label, ref_dir, log, sphinxopts.get("ref"))
        work = Tree("working tree", work_dir, log, sphinxopts.get("work"))
        if page is not None:
            for tree in (ref, work):
                page_module(tree.path, page)  # ValueError now rather than after the cold builds
        print(f"    {ref_label} exported to {ref_dir}; build log: {log}", flush=True)
        if not (ref_dir / STAMPS[0]).is_file() or not (ref_dir / STAMPS[1]).is_file():
            print(f"    making {ref_label}'s .venv and node_modules with its Makefile (untimed, once)", flush=True)
        ref.make(*STAMPS, timed=False)

        times: dict[str, dict[str, list[float]]] = {s: {"ref": [], "work": []} for s in STEPS}
        execs: dict[str, dict[str, float]] = {}
        ran: dict[str, dict[str, list[str]]] = {s: {} for s in STEPS}
        # (wall time, the page's execution time in that same build) of each module-touched rebuild
        rebuilt: dict[str, list[tuple[float, float]]] = {"ref": [], "work": []}
        try:
            for r in range(rounds):
                order = [("ref", ref), ("work", work)] if r % 2 == 0 else [("work", work), ("ref", ref)]
                for tree in (ref, work):
                    tree.reset()
                for step in STEPS:
                    for key, tree in order:
                        if step == "prose edited":
                            tree.append(tree.path / "docs" / f"{page}.md",
                                        "\n\nA sentence the benchmark added to the prose.\n")
                        elif step == "module touched":
                            tree.append(page_module(tree.path, page), "\n# bench: the page's module touched\n")
                        elif step == "library touched":
                            tree.append(tree.path / LIBRARY_FILE, "\n# bench: the library touched\n")
                        before = tree.executed()
                        seconds = tree.make("html")
                        times[step][key].append(seconds)
                        executed = sorted(Path(uri).stem for uri, _ in tree.executed() - before)
                        ran[step][key] = executed
                        print(f"    round {r + 1}, {step}, {tree.label}: {seconds:.1f} s, "
                              f"{len(executed)} page(s) executed", flush=True)
                        if step == "cold" and r == 0:
                            execs[key] = {d: rt for d, (_, rt) in tree.executions().items()}
                        if step == "module touched" and page in executed:
                            rebuilt[key].append((seconds, tree.executions()[page][1]))
                    if step == "cold" and r == 0 and page is None:
                        both = [d for d in execs["work"] if _has_module(ref.path, d) and _has_module(work.path, d)]
                        if not both:
                            raise ValueError("no page with an experiment module in both trees: pass --page")
                        page = max(both, key=execs["work"].get)
                        print(f"    the edited page: docs/{page}.md (slowest on the working tree)", flush=True)
        except BuildFailed as err:
            print(f"    {err}", flush=True)
            return [row("side-by-side build", float("nan"), "s", None, note=str(err).splitlines()[0])]
        finally:
            for tree in (ref, work):
                for path, data in tree.originals.items():
                    path.write_bytes(data)
        modules = {key: page_module(tree.path, page).relative_to(tree.path).as_posix()
                   for key, tree in (("ref", ref), ("work", work))}
    return _rows(ref, work, times, execs, ran, page, modules, rounds, rebuilt)


def _has_module(tree: Path, page: str) -> bool:
    try:
        page_module(tree, page)
    except ValueError:
        return False
    return True


def _rows(ref: Tree, work: Tree, times, execs, ran, page, modules, rounds, rebuilt=None) -> list[Row]:
    rows: list[Row] = []
    targets = {"cold": "<= 1.0", "no change": "<= 0.5"}
    for step in STEPS:
        a, b = times[step]["ref"], times[step]["work"]
        note = {"prose edited": f"a sentence appended to docs/{page}.md",
                "module touched": f"a comment appended to {modules['work']} ({modules['ref']} in {ref.label})",
                "library touched": f"a comment appended to {LIBRARY_FILE}"}.get(step, "")
        rows.append(row(f"{step}: {ref.label}", statistics.median(a), "s", note=_ran_note(ran[step].get("ref"))))
        rows.append(row(f"{step}: working tree", statistics.median(b), "s", note=_ran_note(ran[step].get("work"))))
        rows.append(row(f"{step}: working tree / {ref.label}", ratio(b, a), "x", targets.get(step), note=note))
    for key, tree in (("ref", ref), ("work", work)):
        ex = execs.get(key, {})
        rows.append(row(f"execution, sum over pages: {tree.label}", sum(ex.values()) if ex else float("nan"), "s",
                        note=f"{len(ex)} pages executed in the cold build"))
        slowest = max(ex, key=ex.get) if ex else ""
        rows.append(row(f"execution, slowest page: {tree.label}", ex[slowest] if ex else float("nan"), "s",
                        note=f"docs/{slowest}.md" if slowest else ""))
    ea, eb = execs.get("ref", {}), execs.get("work", {})
    if ea and eb:
        rows.append(row(f"execution, sum: working tree / {ref.label}", sum(eb.values()) / sum(ea.values()), "x"))
        rows.append(row(f"execution, slowest: working tree / {ref.label}", max(eb.values()) / max(ea.values()), "x"))
    for key, tree in (("ref", ref), ("work", work)):
        for doc in sorted(execs.get(key, {})):
            rows.append(row(f"execution: docs/{doc}.md: {tree.label}", execs[key][doc], "s"))
    own = eb.get(page)
    touched = statistics.median(times["module touched"]["work"])
    others = [d for d in ran["module touched"].get("work", []) if d != page]
    rows.append(row("module touched / the page's own execution: working tree",
                    touched / own if own else float("nan"), "x", "<= 1.15",
                    note=f"docs/{page}.md executed in {own:.1f} s in the cold build" if own else "page not executed"))
    same = (rebuilt or {}).get("work") or []
    rows.append(row("module touched / the page's execution in that rebuild: working tree",
                    statistics.median(w / e for w, e in same) if same else float("nan"), "x", "<= 1.15",
                    note=("what the rebuild adds to the page's own execution, measured within one build, "
                          "so free of the drift between two executions; median of "
                          + ", ".join(f"{w:.1f} s / {e:.1f} s" for w, e in same)) if same else "page not executed"))
    rows.append(row("other pages executed after module touched: working tree", len(others), "pages", "<= 0",
                    note=", ".join(others)))
    rows.append(row(f"peak memory: {ref.label}", ref.memory.peak / 2**30, "GB"))
    rows.append(row("peak memory: working tree", work.memory.peak / 2**30, "GB", "<= 1.5",
                    note="make + Sphinx + kernels, the largest over all builds"))
    rows.append(row("peak memory: working tree / " + ref.label, work.memory.peak / max(ref.memory.peak, 1), "x"))
    rows.append(row("rounds", rounds, "", note="each step built on both trees in alternation; medians over rounds"))
    return rows


def _ran_note(executed: list[str] | None) -> str:
    if executed is None:
        return ""
    return f"pages executed: {', '.join(executed) if executed else 'none'}"

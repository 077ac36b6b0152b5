"""``python -m bench.pages PAGE [PAGE ...] [--profile N] [--glue PATH]``: where a page's execution goes.

Runs the code cells of ``docs/<PAGE>.md`` in this process, in an IPython shell (so that glued
figures are rendered to PNG exactly as in the kernel: ``format_display_data``), with the kernel's
environment (cwd ``docs/``, one BLAS thread, ``PYTHONHASHSEED=0``, ``SOURCE_DATE_EPOCH=0``), and
prints, per cell, its wall time and this process's CPU time, then the page's totals. CPU time is the
steadier of the two on a machine shared with other work; MyST-NB's "Executed notebook in X seconds"
also counts the kernel's start (about a second).

``--profile N`` runs the cells under :mod:`cProfile` and prints the N functions with the largest
cumulative time. ``--glue PATH`` writes every glued value (its ``text/plain``, and the sha256 of its
``image/png``) to a JSON file, so that two versions of a page module can be compared:
a faster computation must glue the same numbers.

Not part of ``make bench`` (which builds the site): a tool for profiling one page at a time.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
KERNEL_ENV = {"OPENBLAS_NUM_THREADS": "1", "SOURCE_DATE_EPOCH": "0", "PYTHONHASHSEED": "0",
              "MATPLOTLIBRC": str(ROOT / "_build" / "matplotlibrc")}
_CELL = re.compile(r"^```\{code-cell\}[^\n]*\n(.*?)^```\s*$", re.S | re.M)


def code_cells(page: str) -> list[str]:
    """The sources of the code cells of ``docs/<page>.md``, their ``:key: value`` options removed."""
    path = DOCS / f"{page}.md"
    if not path.is_file():
        choices = sorted(p.stem for p in DOCS.glob("*.md"))
        raise ValueError(f"page {page!r} not found; choose one of {choices}")
    cells = []
    for match in _CELL.finditer(path.read_text(encoding="utf-8")):
        lines = match.group(1).splitlines()
        while lines and re.match(r"^:\w[\w-]*:", lines[0]):
            lines.pop(0)
        cells.append("\n".join(lines))
    return cells


def run_page(page: str, profile: int = 0, glue_path: str | None = None) -> dict:
    """Run the page's cells; return per-cell and total wall and CPU seconds."""
    from IPython.core.interactiveshell import InteractiveShell
    import IPython.core.formatters
    import myst_nb

    shell = InteractiveShell.instance()
    glued: dict[str, dict] = {}
    render = [0.0, 0.0]  # wall and CPU seconds spent formatting glued objects (figures to PNG)
    formatters = IPython.core.formatters
    format_display_data = formatters.format_display_data
    original = myst_nb.glue

    def recording_glue(name, variable, display=True):
        def timed_format(obj, *args, **kwargs):
            w, c = time.perf_counter(), time.process_time()
            bundle, metadata = format_display_data(obj, *args, **kwargs)
            render[0] += time.perf_counter() - w
            render[1] += time.process_time() - c
            entry = {"text": bundle.get("text/plain"), "seconds": round(time.process_time() - c, 3)}
            if "image/png" in bundle:
                entry["png_sha256"] = hashlib.sha256(bundle["image/png"]).hexdigest()
            glued[name] = entry
            return bundle, metadata

        formatters.format_display_data = timed_format
        try:
            return original(name, variable, display)
        finally:
            formatters.format_display_data = format_display_data

    myst_nb.glue = recording_glue
    os.chdir(DOCS)
    sys.path.insert(0, str(DOCS))
    profiler = None
    if profile:
        import cProfile

        profiler = cProfile.Profile()
    cells = code_cells(page)
    rows = []
    w0, c0 = time.perf_counter(), time.process_time()
    for i, source in enumerate(cells):
        w, c = time.perf_counter(), time.process_time()
        if profiler:
            profiler.enable()
        result = shell.run_cell(source, silent=False, store_history=False)
        if profiler:
            profiler.disable()
        rows.append((i, time.perf_counter() - w, time.process_time() - c, source.splitlines()[:1]))
        if not result.success:
            raise RuntimeError(f"cell {i} of {page} failed: {result.error_in_exec or result.error_before_exec}")
    total = (time.perf_counter() - w0, time.process_time() - c0)
    myst_nb.glue = original
    report = {"page": page, "wall": total[0], "cpu": total[1], "glue_wall": render[0],
              "glue_cpu": render[1],
              "cells": [{"cell": i, "wall": w, "cpu": c, "first_line": (f or [""])[0]}
                        for i, w, c, f in rows]}
    if glue_path:
        Path(glue_path).write_text(json.dumps(glued, indent=1, sort_keys=True) + "\n")
    if profiler:
        import pstats

        pstats.Stats(profiler, stream=sys.stderr).sort_stats("cumulative").print_stats(profile)
    return report


def run_kernel(page: str, docs: Path = DOCS) -> tuple[float, float]:
    """Execute ``docs/<page>.md`` as the build does (a fresh kernel, MyST-NB's reader, jupyter-cache's
    ``single_nb_execution``, cwd ``docs``); return the seconds MyST-NB would log as "Executed
    notebook in X seconds", and the CPU seconds of the kernel process (steadier on a busy machine)."""
    import resource

    from jupyter_cache.executors.utils import single_nb_execution
    from myst_nb.core.read import read_myst_markdown_notebook

    path = docs / f"{page}.md"
    if not path.is_file():
        raise ValueError(f"page {page!r} not found in {docs}; choose one of "
                         f"{sorted(p.stem for p in docs.glob('*.md'))}")
    nb = read_myst_markdown_notebook(path.read_text(encoding="utf-8"))
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    result = single_nb_execution(nb, cwd=str(docs), timeout=300, allow_errors=False)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)  # the kernel has exited and been waited for
    if result.err is not None:
        raise RuntimeError(f"{page} failed:\n{result.exc_string}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return result.time, cpu


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.pages", description=__doc__.split("\n\n")[0])
    parser.add_argument("page", nargs="+")
    parser.add_argument("--kernel", action="store_true",
                        help="execute each page in a fresh kernel, as the build does, and print "
                             "only its time (no per-cell times, --profile or --glue)")
    parser.add_argument("--docs", default=str(DOCS), metavar="DIR",
                        help="with --kernel: the directory of the pages (default: docs/)")
    parser.add_argument("--repeat", type=int, default=1, help="with --kernel: runs of each page")
    parser.add_argument("--profile", type=int, default=0, metavar="N",
                        help="print the N functions with the largest cumulative time (to stderr)")
    parser.add_argument("--glue", default=None, metavar="PATH", help="write the glued values to PATH (JSON)")
    args = parser.parse_args(argv)
    if any(os.environ.get(k) != v for k, v in KERNEL_ENV.items()):  # before numpy loads: re-run
        env = {**os.environ, **KERNEL_ENV}
        os.execve(sys.executable, [sys.executable, "-m", "bench.pages", *(argv or sys.argv[1:])], env)
    if args.kernel:
        for page in args.page:
            times = [run_kernel(page, Path(args.docs).resolve()) for _ in range(args.repeat)]
            print(f"{page}: executed in {', '.join(f'{t:.2f}' for t, _ in times)} s wall, "
                  f"kernel cpu {', '.join(f'{c:.2f}' for _, c in times)} s "
                  f"(load average {os.getloadavg()[0]:.2f})", flush=True)
        return 0
    if len(args.page) != 1:
        parser.error("give one page (or --kernel)")
    report = run_page(args.page[0], args.profile, os.path.abspath(args.glue) if args.glue else None)
    print(f"{'cell':>4} {'wall s':>8} {'cpu s':>8}  first line", file=sys.stderr)
    for row in report["cells"]:
        print(f"{row['cell']:>4} {row['wall']:8.2f} {row['cpu']:8.2f}  {row['first_line'][:70]}",
              file=sys.stderr)
    load = os.getloadavg()[0]
    print(f"{report['page']}: wall {report['wall']:.2f} s, cpu {report['cpu']:.2f} s "
          f"of which glue (figures to PNG) wall {report['glue_wall']:.2f} s, cpu {report['glue_cpu']:.2f} s "
          f"(load average {load:.2f})", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

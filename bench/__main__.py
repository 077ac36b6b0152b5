"""``python -m bench [--only step,seeds] [--repeat K] [--quick] [--list] [--output PATH]``.

Runs the registered benchmarks (all of them unless ``--only``), prints a table with each target
and PASS/MISS, and writes the rows with the machine's description to ``bench/results.json`` (rows of
benchmarks not run this time are kept). Exit status 0 even when a target is missed: a benchmark
reports, it does not gate.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from bench import core
from bench import step, build  # noqa: F401, I001  (they register their benchmarks, in this order)

RESULTS = Path(__file__).resolve().parent / "results.json"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[1])
    parser.add_argument("--only", default="", help="comma-separated benchmarks to run (default: all); see --list")
    parser.add_argument("--repeat", type=int, default=core.Config.repeat, help="rounds per measurement (median)")
    parser.add_argument("--quick", action="store_true", help="a smoke run: 3 short rounds, not a measurement")
    parser.add_argument("--threads", type=int, default=None,
                        help="run numpy's BLAS and torch on this many threads (default: their own default)")
    parser.add_argument("--timer", choices=["wall", "cpu"], default="wall",
                        help="wall time (default), or this process's CPU time: steadier on a busy "
                             "machine, needs --threads 1")
    parser.add_argument("--list", action="store_true", help="list the benchmarks and exit")
    parser.add_argument("--output", type=Path, default=RESULTS, help=f"json file to write (default: {RESULTS})")
    args = parser.parse_args(argv)

    if args.list:
        for b in core.REGISTRY.values():
            print(f"{b.name:8s} {b.help}")
        return 0
    names = [n.strip() for n in args.only.split(",") if n.strip()] or list(core.REGISTRY)
    unknown = [n for n in names if n not in core.REGISTRY]
    if unknown:
        parser.error(f"unknown benchmark(s) {', '.join(unknown)}; valid choices: {', '.join(core.REGISTRY)}")
    if args.repeat < 1:
        parser.error(f"--repeat must be a positive integer, got {args.repeat}")

    if args.threads is not None:
        if args.threads < 1:
            parser.error(f"--threads must be a positive integer, got {args.threads}")
        core.set_threads(args.threads)

    if args.timer == "cpu" and args.threads != 1:
        parser.error("--timer cpu counts the CPU time of every thread (spinning ones too): add --threads 1")
    timer = time.process_time if args.timer == "cpu" else time.perf_counter
    config = core.Config(repeat=args.repeat, quick=args.quick, timer=timer)
    info = core.machine_info()
    print(f">>> {info['cpu']}, {info['cores']} cores; numpy {info['numpy']} with {info['blas']} "
          f"({info.get('blas_core', '?')} kernels, {info.get('blas_threads', '?')} threads); "
          f"torch {info['torch'] or 'not installed'}; {time.strftime('%Y-%m-%d %H:%M')}")
    others = core.OtherLoad()
    rows = core.run(names, config)
    busy = others.share()
    print()
    print(core.format_table(rows))
    missed = [r["name"] for r in rows if r["ok"] is False]
    print()
    print(f">>> {sum(r['ok'] is True for r in rows)} targets met, {len(missed)} missed"
          + (f": {', '.join(missed)}" if missed else ""))
    print(f">>> other processes used {busy:.0%} of the CPUs during the run"
          + (": times are inflated and ratios noisy; run again on an idle machine" if busy > 0.1 else ""))
    if not args.quick:
        run = {"other_processes_cpu": round(busy, 2), "timer": args.timer, "threads": args.threads or "default"}
        core.write_json(args.output, rows, names, run=run)
        print(f">>> wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

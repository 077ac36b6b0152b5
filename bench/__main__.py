"""``python -m bench [--only step,seeds] [--repeat K] [--quick] [--list] [--output PATH] [--against REV]``.

Runs the registered benchmarks (all of them unless ``--only``), prints a table with each target
and PASS/MISS, and writes the rows with the machine's description to ``bench/results.json`` (rows of
benchmarks not run this time are kept). Exit status 0 even when a target is missed: a benchmark
reports, it does not gate. ``--against REV`` runs the ``build`` benchmark (alone, unless ``--only``
names others) on REV and the working tree side by side (:mod:`bench.against`).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from bench import core
from bench import step, build, typesetting, widgets, reader  # noqa: F401, I001  (they register their benchmarks, in this order)
from bench import against

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
    parser.add_argument("--against", metavar="REV", default=None,
                        help="build REV (a clean export) and the working tree side by side, in alternation, "
                             "and report both and their ratios (the build benchmark)")
    parser.add_argument("--rounds", type=int, default=1,
                        help="with --against: rounds of builds (each: cold and four rebuilds of both trees); "
                             "typesetting: rounds of its two cold builds")
    parser.add_argument("--page", default=None,
                        help="with --against: the page whose prose and module are edited (default: the slowest)")
    parser.add_argument("--loads", type=int, default=core.Config.loads,
                        help="reader: cold loads of every page (the median is reported)")
    parser.add_argument("--list", action="store_true", help="list the benchmarks and exit")
    parser.add_argument("--output", type=Path, default=RESULTS, help=f"json file to write (default: {RESULTS})")
    args = parser.parse_args(argv)

    if args.list:
        for b in core.REGISTRY.values():
            print(f"{b.name:8s} {b.help}")
        return 0
    names = [n.strip() for n in args.only.split(",") if n.strip()] or (
        ["build"] if args.against else list(core.REGISTRY))
    unknown = [n for n in names if n not in core.REGISTRY]
    if unknown:
        parser.error(f"unknown benchmark(s) {', '.join(unknown)}; valid choices: {', '.join(core.REGISTRY)}")
    if args.repeat < 1:
        parser.error(f"--repeat must be a positive integer, got {args.repeat}")
    if args.loads < 1:
        parser.error(f"--loads must be a positive integer, got {args.loads}")
    if args.rounds < 1:
        parser.error(f"--rounds must be a positive integer, got {args.rounds}")
    if args.page and not args.against:
        parser.error("--page applies to the side-by-side build: add --against REV")
    if args.rounds != 1 and not (args.against or "typesetting" in names):
        parser.error("--rounds applies to the side-by-side build (add --against REV) and to typesetting")
    if args.against:
        if "build" not in names:
            parser.error(f"--against runs the build benchmark, which --only {args.only!r} leaves out")
        try:
            against.resolve(args.against)
        except ValueError as err:
            parser.error(str(err))

    if args.threads is not None:
        if args.threads < 1:
            parser.error(f"--threads must be a positive integer, got {args.threads}")
        core.set_threads(args.threads)

    if args.timer == "cpu" and args.threads != 1:
        parser.error("--timer cpu counts the CPU time of every thread (spinning ones too): add --threads 1")
    timer = time.process_time if args.timer == "cpu" else time.perf_counter
    config = core.Config(repeat=args.repeat, quick=args.quick, timer=timer, against=args.against,
                         rounds=args.rounds, page=args.page, loads=args.loads)
    info = core.machine_info()
    print(f">>> {info['cpu']}, {info['cores']} cores; numpy {info['numpy']} with {info['blas']} "
          f"({info.get('blas_core', '?')} kernels, {info.get('blas_threads', '?')} threads); "
          f"torch {info['torch'] or 'not installed'}; {time.strftime('%Y-%m-%d %H:%M')}")
    others = core.OtherLoad()
    try:
        rows = core.run(names, config)
    except ValueError as err:  # a bad --against or --page, found when the benchmark starts
        parser.error(str(err))
    busy = others.share()
    others.stop()
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
        if args.against:
            run.update(against=against.resolve(args.against), rounds=args.rounds)
        elif "typesetting" in names:
            run.update(rounds=args.rounds)
        core.write_json(args.output, rows, names, run=run)
        print(f">>> wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

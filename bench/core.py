"""The machinery of ``python -m bench``: a registry of benchmarks, side-by-side timing, rows, table, json.

A benchmark is a function ``(config) -> list of rows`` registered under a short name with
:func:`register`; ``python -m bench --only a,b`` runs a subset. A row is a plain dict::

    {"bench": "step", "name": "small: xavier / floor", "value": 1.04, "unit": "x",
     "target": "<= 1.2", "ok": True}

``target`` is ``None`` for a row that only informs (``ok`` is then ``None`` too); otherwise it is
``"<= v"`` or ``">= v"`` and ``ok`` says whether ``value`` meets it.

Timing follows :mod:`timeit`: a warm-up, then ``repeat`` rounds of ``number`` calls each; the time
per call of a round is the round's time over ``number``, and a benchmark reports the median over
rounds. Contenders are *interleaved*: every round times each of them once, in a rotating order,
so that drift (other processes, CPU frequency) hits them alike, and a ratio is the median of the
per-round ratios.

>>> r = row("demo", 1.5, "x", "<= 2")
>>> r["ok"], row("demo", 3.0, "x", ">= 4")["ok"], row("info", 7.0, "ms")["ok"]
(True, False, None)
"""

from __future__ import annotations

import dataclasses
import json
import os
import platform
import re
import statistics
import sys
import time
from pathlib import Path
from typing import Any, Callable

Row = dict[str, Any]


@dataclasses.dataclass
class Config:
    """Settings shared by all benchmarks (from the command line).

    Attributes
    ----------
    repeat : int
        Rounds per measurement (the median is taken over them).
    min_time : float
        Seconds one contender's block of calls should last at least; ``number`` is chosen to reach it.
    quick : bool
        Fewer rounds, shorter blocks: a smoke run, not a measurement.
    timer : callable
        The clock: ``time.perf_counter`` (wall time, the default) or ``time.process_time`` (this
        process's CPU time: steadier on a busy machine, meaningful only with one thread).
    against : str or None
        A git revision: the ``build`` benchmark builds it and the working tree side by side
        (:mod:`bench.against`) instead of the working tree alone.
    rounds : int
        Rounds of the side-by-side build (each is a cold build and four rebuilds of both trees).
    page : str or None
        The page whose prose and experiment module the build benchmark edits (default: the slowest).
    loads : int
        Cold loads of every page in the ``reader`` benchmark (it reports the median).
    """

    repeat: int = 11
    min_time: float = 0.05
    quick: bool = False
    timer: Callable[[], float] = time.perf_counter
    against: str | None = None
    rounds: int = 1
    page: str | None = None
    loads: int = 5


@dataclasses.dataclass
class Benchmark:
    name: str
    help: str
    run: Callable[[Config], list[Row]]


REGISTRY: dict[str, Benchmark] = {}
"""Every benchmark by name, in the order they run."""


def register(name: str, help: str) -> Callable:
    """Decorator: add ``fn(config) -> rows`` to :data:`REGISTRY` under ``name``."""

    def deco(fn: Callable[[Config], list[Row]]) -> Callable[[Config], list[Row]]:
        if name in REGISTRY:
            raise ValueError(f"benchmark {name!r} is registered twice")
        REGISTRY[name] = Benchmark(name, help, fn)
        return fn

    return deco


_TARGET = re.compile(r"^(<=|>=)\s*([0-9.eE+-]+)$")


def row(name: str, value: float, unit: str, target: str | None = None, note: str = "") -> Row:
    """A result row; ``ok`` is computed from ``target`` (``"<= v"`` or ``">= v"``, or ``None``).

    >>> row("cold build", 95.0, "s", "<= 120")
    {'name': 'cold build', 'value': 95.0, 'unit': 's', 'target': '<= 120', 'ok': True, 'note': ''}
    >>> row("x", 1.0, "s", "< 3")
    Traceback (most recent call last):
    ...
    ValueError: target must be '<= number' or '>= number' (or None), got '< 3'
    """
    ok = None
    if target is not None:
        match = _TARGET.match(target)
        if not match:
            raise ValueError(f"target must be '<= number' or '>= number' (or None), got {target!r}")
        bound = float(match.group(2))
        ok = bool(value <= bound) if match.group(1) == "<=" else bool(value >= bound)
    return {"name": name, "value": float(value), "unit": unit, "target": target, "ok": ok, "note": note}


# -- timing --------------------------------------------------------------------------------------


def _block(fn: Callable[[], Any], number: int, timer: Callable[[], float] = time.perf_counter) -> float:
    t0 = timer()
    for _ in range(number):
        fn()
    return timer() - t0


def calibrate(fn: Callable[[], Any], min_time: float, timer: Callable[[], float] = time.perf_counter) -> int:
    """Calls per block so that a block lasts at least ``min_time`` seconds (1, 2, 5, 10, 20, ...).

    >>> calibrate(lambda: None, 1e-4) >= 1
    True
    """
    number = 1
    while True:
        for k in (1, 2, 5):
            if _block(fn, number * k, timer) >= min_time:
                return number * k
        number *= 10


def interleaved(
    contenders: dict[str, Callable[[], Any]],
    *,
    repeat: int,
    min_time: float,
    warmup: int = 3,
    numbers: dict[str, int] | None = None,
    pause: float = 0.0,
    timer: Callable[[], float] = time.perf_counter,
) -> dict[str, list[float]]:
    """Time each contender ``repeat`` times, side by side; seconds per call of every round.

    Every contender is warmed up (``warmup`` calls), given its own ``number`` of calls per block
    (:func:`calibrate`, unless ``numbers`` says), then each round times one block of each contender,
    the order rotating from round to round; ``pause`` seconds of sleep precede every block.

    >>> t = interleaved({"a": lambda: None, "b": lambda: sum(range(100))}, repeat=3, min_time=1e-4)
    >>> sorted(t), len(t["a"])
    (['a', 'b'], 3)
    """
    names = list(contenders)
    for name in names:
        for _ in range(warmup):
            contenders[name]()
    numbers = dict(numbers or {})
    for name in names:
        numbers.setdefault(name, calibrate(contenders[name], min_time, timer))
    times: dict[str, list[float]] = {name: [] for name in names}
    for r in range(repeat):
        k = r % len(names)
        for name in names[k:] + names[:k]:
            if pause:
                time.sleep(pause)
            times[name].append(_block(contenders[name], numbers[name], timer) / numbers[name])
    return times


def median(times: list[float]) -> float:
    """The median of a list of times.

    >>> median([3.0, 1.0, 2.0])
    2.0
    """
    return statistics.median(times)


def ratio(slow: list[float], fast: list[float]) -> float:
    """The median over rounds of ``slow[r] / fast[r]``: a ratio of times measured side by side.

    >>> ratio([2.0, 4.0, 9.0], [1.0, 2.0, 3.0])
    2.0
    """
    if len(slow) != len(fast):
        raise ValueError(f"ratio needs times from the same rounds, got {len(slow)} and {len(fast)} rounds")
    return statistics.median(s / f for s, f in zip(slow, fast))


# -- machine, table, json -----------------------------------------------------------------------


def machine_info() -> dict[str, Any]:
    """What the numbers depend on: CPU, cores, Python, numpy and its BLAS, torch, OpenBLAS settings."""
    import numpy as np

    info: dict[str, Any] = {
        "cpu": _cpu_model(),
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "numpy": np.__version__,
    }
    try:
        blas = np.show_config(mode="dicts")["Build Dependencies"]["blas"]
        info["blas"] = f"{blas.get('name')} {blas.get('version')}"
        info["blas_config"] = " ".join(str(blas.get("openblas configuration", "")).split())
    except Exception as err:  # noqa: BLE001 - the file should be written anyway
        info["blas"] = f"unknown ({err.__class__.__name__})"
    info.update(_openblas_runtime())
    try:
        import torch
    except ImportError:
        info["torch"] = None
    else:
        info["torch"] = torch.__version__
        info["torch_threads"] = torch.get_num_threads()
    env = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")
    info["env"] = {k: os.environ.get(k) for k in env}
    return info


def _openblas() -> tuple[Any, str] | None:
    """numpy's OpenBLAS as a ctypes library and its symbol pattern (``"scipy_openblas_{}64_"`` for
    ``scipy_openblas_get_corename64_`` and the like), found among the loaded libraries as
    threadpoolctl would find it (threadpoolctl is not installed)."""
    import ctypes

    import numpy  # noqa: F401  (loads the library)

    try:
        maps = Path("/proc/self/maps").read_text().splitlines()
    except OSError:
        return None
    for path in sorted({ln.split()[-1] for ln in maps if "openblas" in ln.lower() and ln.split()[-1].startswith("/")}):
        lib = ctypes.CDLL(path)
        for pattern in ("scipy_openblas_{}64_", "openblas_{}64_", "openblas_{}"):
            if hasattr(lib, pattern.format("get_corename")):
                return lib, pattern
    return None


def _openblas_runtime() -> dict[str, Any]:
    """The kernel set OpenBLAS runs (``OPENBLAS_CORETYPE`` overrides the detected one) and its threads."""
    import ctypes

    found = _openblas()
    if found is None:
        return {}
    lib, pattern = found
    corename = getattr(lib, pattern.format("get_corename"))
    corename.restype = ctypes.c_char_p
    threads = getattr(lib, pattern.format("get_num_threads"))
    threads.restype = ctypes.c_int
    return {"blas_core": corename().decode(), "blas_threads": threads()}


def set_threads(n: int) -> None:
    """Run numpy's OpenBLAS and torch (if installed) on ``n`` threads, for this process."""
    import ctypes

    found = _openblas()
    if found is None:
        raise RuntimeError("cannot set the BLAS threads: numpy's OpenBLAS not found (set OPENBLAS_NUM_THREADS)")
    lib, pattern = found
    getattr(lib, pattern.format("set_num_threads")).argtypes = [ctypes.c_int]
    getattr(lib, pattern.format("set_num_threads"))(n)
    try:
        import torch
    except ImportError:
        return
    torch.set_num_threads(n)


def _proc_table() -> dict[tuple[int, int], tuple[int, float]]:
    """Every process now: ``{(pid, start tick): (parent pid, CPU seconds it used itself)}``, from
    ``/proc/<pid>/stat`` (utime + stime of all its threads; not its children's). The start tick
    tells a process from a later one that reuses its pid. Processes that vanish while read are
    left out."""
    tick = os.sysconf("SC_CLK_TCK")
    table = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            text = Path(entry.path, "stat").read_text()
        except OSError:
            continue
        # the command name (field 2) is in parentheses and may hold spaces or parentheses
        fields = text[text.rindex(")") + 2:].split()
        try:
            ppid, utime, stime, start = int(fields[1]), int(fields[11]), int(fields[12]), int(fields[19])
        except (IndexError, ValueError):
            continue
        table[(int(entry.name), start)] = (ppid, (utime + stime) / tick)
    return table


def descendants(parents: dict[int, int], root: int) -> set[int]:
    """``root`` and every process below it, from ``{pid: parent pid}``.

    >>> sorted(descendants({1: 0, 10: 1, 11: 10, 12: 11, 20: 1}, 10))
    [10, 11, 12]
    """
    children: dict[int, list[int]] = {}
    for pid, ppid in parents.items():
        children.setdefault(ppid, []).append(pid)
    found, todo = set(), [root]
    while todo:
        pid = todo.pop()
        if pid not in found:
            found.add(pid)
            todo += children.get(pid, [])
    return found


class OtherLoad:
    """How much CPU other processes took between start and :meth:`share`, on a shared machine:
    the busy time of all CPUs (``/proc/stat``) minus the CPU time of this process's own tree.

    The own tree is this process and every process below it (the browsers and Lighthouse a
    benchmark starts, and theirs), found by walking ``/proc`` every ``interval`` seconds from a
    background thread: each process's own CPU time is counted from its first sighting (or from
    zero when it started after the start) to its last. The count does not wait for children to
    be reaped (``os.times`` counts a child only once it has been waited for, and never a
    grandchild whose parent did not wait for it, so a run of the ``reader`` benchmark on an idle
    machine read as 42 % "other"). Time an own process used after its last sighting (at most
    ``interval`` s before it ended) is counted as other, so the share errs high, not low.
    """

    def __init__(self, interval: float = 0.2) -> None:
        import threading

        self._root = os.getpid()
        self._first: dict[tuple[int, int], float] = {}
        self._last: dict[tuple[int, int], float] = {}
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._start = self._now()
        self._sample(first=True)
        self._thread = threading.Thread(target=self._run, args=(interval,), daemon=True)
        self._thread.start()

    @staticmethod
    def _now() -> tuple[float, float]:
        """All CPUs' total and busy seconds since boot."""
        try:
            fields = [float(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
        except (OSError, ValueError):
            return (0.0, 0.0)
        tick = os.sysconf("SC_CLK_TCK")
        total = sum(fields[:8]) / tick
        idle = (fields[3] + fields[4]) / tick
        return total, total - idle

    def _sample(self, first: bool = False) -> None:
        table = _proc_table()
        ours = descendants({pid: ppid for (pid, _), (ppid, _) in table.items()}, self._root)
        with self._lock:
            for key, (_, cpu) in table.items():
                if key[0] in ours:
                    self._first.setdefault(key, cpu if first else 0.0)
                    self._last[key] = cpu

    def _run(self, interval: float) -> None:
        while not self._stop.wait(interval):
            self._sample()

    def own(self) -> float:
        """CPU seconds this process's tree used since the start (as last sampled)."""
        self._sample()
        with self._lock:
            return sum(self._last[k] - self._first[k] for k in self._last)

    def stop(self) -> None:
        """End the sampling thread (:meth:`share` still answers, from the last sample)."""
        self._stop.set()
        self._thread.join()

    def share(self) -> float:
        """The fraction of all CPUs' time used by other processes since the start (0 where unknown)."""
        own = self.own()
        total0, busy0 = self._start
        total1, busy1 = self._now()
        if total1 <= total0:
            return 0.0
        return max(0.0, min(1.0, ((busy1 - busy0) - own) / (total1 - total0)))


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def format_value(value: float, unit: str) -> str:
    """A number with 3 significant digits, and its unit.

    >>> format_value(1234.5678, "us"), format_value(1.0456, "x"), format_value(0.000123, "s")
    ('1235 us', '1.05 x', '0.000123 s')
    """
    if value != value:  # nan
        text = "nan"
    elif abs(value) >= 100:
        text = f"{value:.0f}"
    else:
        text = f"{value:.3g}"
    return f"{text} {unit}"


def format_table(rows: list[Row]) -> str:
    """The rows as a fixed-width table: benchmark, name, value, target, PASS/MISS (blank: no target).

    >>> print(format_table([dict(row("cold build", 95.0, "s", "<= 120"), bench="build")]))
    bench  name        value  target  result
    -----  ----------  -----  ------  ------
    build  cold build  95 s   <= 120  PASS
    """
    head = ("bench", "name", "value", "target", "result")
    lines = [
        (
            r.get("bench", ""),
            r["name"],
            format_value(r["value"], r["unit"]),
            r["target"] or "",
            "SKIP" if r["value"] != r["value"] else {True: "PASS", False: "MISS", None: ""}[r["ok"]],
        )
        for r in rows
    ]
    widths = [max(len(str(x)) for x in col) for col in zip(head, *lines)]
    out = []
    for cells in [head, tuple("-" * w for w in widths), *lines]:
        out.append("  ".join(str(c).ljust(w) for c, w in zip(cells, widths)).rstrip())
    notes = [f"  {r['name']}: {r['note']}" for r in rows if r.get("note")]
    if notes:
        out += ["", "notes:", *notes]
    return "\n".join(out)


def _rounded(value: float) -> float:
    return float(f"{value:.3g}") if value == value else value


def write_json(path: Path, rows: list[Row], ran: list[str], run: dict[str, Any] | None = None) -> None:
    """Write ``{"machine": ..., "runs": {bench: conditions}, "rows": [...]}`` to ``path``.

    Values are rounded to 3 significant digits and there is no date, so the file changes only
    where the numbers do. Rows and run conditions of benchmarks that did not run this time
    (``--only``) are kept from the existing file.
    """
    old: dict[str, Any] = {}
    if path.exists():
        try:
            old = json.loads(path.read_text())
        except ValueError:
            old = {}
    old_rows = [r for r in old.get("rows", []) if isinstance(r, dict) and r.get("bench") not in ran]
    runs = {k: v for k, v in old.get("runs", {}).items() if k not in ran} if isinstance(old.get("runs"), dict) else {}
    runs.update({name: dict(run or {}) for name in ran})
    order = list(REGISTRY)

    def rank(bench: str | None) -> int:
        return order.index(bench) if bench in order else len(order)

    new_rows = [dict(r, value=_rounded(r["value"])) for r in rows]
    all_rows = sorted(old_rows + new_rows, key=lambda r: rank(r.get("bench")))
    runs = dict(sorted(runs.items(), key=lambda kv: rank(kv[0])))
    # One row per line, so that a diff of the file shows which numbers changed; nan as null.
    text = "\n".join(
        [
            "{",
            f' "machine": {json.dumps(machine_info(), indent=2)},'.replace("\n", "\n "),
            f' "runs": {json.dumps(runs, indent=2)},'.replace("\n", "\n "),
            ' "rows": [',
            ",\n".join("  " + json.dumps(dict(r, value=None if r["value"] != r["value"] else r["value"])) for r in all_rows),
            " ]",
            "}",
        ]
    )
    json.loads(text)  # valid JSON, or fail here rather than leave a broken file
    path.write_text(text + "\n")


def run(names: list[str], config: Config, out=sys.stdout) -> list[Row]:
    """Run the benchmarks ``names`` in registry order; every row gets ``bench`` set to its benchmark."""
    rows: list[Row] = []
    for name in [n for n in REGISTRY if n in names]:
        bench = REGISTRY[name]
        print(f">>> {name}: {bench.help}", file=out, flush=True)
        t0 = time.perf_counter()
        got = bench.run(config)
        print(f"    ({time.perf_counter() - t0:.0f} s)", file=out, flush=True)
        rows += [{"bench": name, **r} for r in got]
    return rows

"""What a page's long main-thread tasks are made of, from a Chromium trace (issue 20).

:func:`tasks` reads a trace (the JSON of DevTools' ``devtools.timeline`` categories, as
Playwright's ``browser.start_tracing`` records it) and returns the top-level tasks of the
renderer main thread that parsed ``url``, each with its wall time (``dur``), its thread time
(``tdur``: the CPU the thread used, which neither other processes nor DevTools' CPU throttle,
which suspends the thread, add to) and the events it ran, as :func:`label` names them, with their
self times. ``python -m bench.tasks TRACE URL`` prints them.

>>> label({"name": "EvaluateScript", "args": {"data": {"url": "http://h/_static/a.js?v=1"}}})
'EvaluateScript a.js'
>>> label({"name": "Layout", "args": {}})
'Layout'
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

# Events that name their script or style sheet in args.data.url / args.data.styleSheetUrl
_URL_KEYS = ("url", "styleSheetUrl")


def label(event: dict) -> str:
    """The event's name, with the file it runs or parses (script, style sheet) and the function."""
    data = event.get("args", {}).get("data") or event.get("args", {}).get("beginData") or {}
    name = event["name"]
    for key in _URL_KEYS:
        if data.get(key):
            name += " " + data[key].rsplit("/", 1)[-1].split("?")[0]
            break
    if data.get("functionName"):
        name += f" {data['functionName']}"
    if name.startswith("EventDispatch") and data.get("type"):
        name += f" {data['type']}"
    return name


def _events(trace) -> list[dict]:
    return trace["traceEvents"] if isinstance(trace, dict) else trace


def main_thread(trace, url: str) -> tuple[int, int]:
    """(pid, tid) of the renderer main thread that parsed ``url`` (ValueError if none did)."""
    events = _events(trace)
    mains = {(e["pid"], e["tid"]) for e in events
             if e.get("name") == "thread_name" and e["args"].get("name") == "CrRendererMain"}
    for e in events:
        if e.get("name") == "ParseHTML" and (e["pid"], e["tid"]) in mains:
            if (e.get("args", {}).get("beginData", {}).get("url", "") or "").split("#")[0] == url:
                return e["pid"], e["tid"]
    raise ValueError(f"no renderer main thread parsed {url!r} in this trace")


def tasks(trace, url: str, top: int = 5, by: str = "dur") -> list[dict]:
    """The ``top`` longest top-level tasks (by wall time, or thread time with ``by="tdur"``) of the
    main thread that parsed ``url``:
    ``{"start": ms, "dur": ms, "tdur": ms, "parts": [(label, self ms), ...]}``, times in ms from
    the first event of the thread, parts by self time, largest first (those over 1 ms)."""
    pid, tid = main_thread(trace, url)
    spans = sorted((e for e in _events(trace)
                    if e.get("ph") == "X" and e["pid"] == pid and e["tid"] == tid and "dur" in e),
                   key=lambda e: (e["ts"], -e["dur"]))
    if not spans:
        return []
    t0 = spans[0]["ts"]
    out, stack = [], []  # stack of open events: [event, children's total]
    for e in spans:
        while stack and stack[-1][0]["ts"] + stack[-1][0]["dur"] <= e["ts"]:
            stack.pop()
        if not stack:
            if e["name"] not in ("RunTask", "ThreadControllerImpl::RunTask"):
                continue
            out.append({"start": (e["ts"] - t0) / 1e3, "dur": e["dur"] / 1e3,
                        "tdur": e.get("tdur", 0) / 1e3, "parts": {}, "_events": []})
        out[-1]["_events"].append(e)
        stack.append([e, 0])
    out.sort(key=lambda t: -t[by])
    out = out[:top]
    for task in out:
        parts: dict[str, float] = {}
        evs = task.pop("_events")
        # self time: an event's duration minus its direct children's
        for i, e in enumerate(evs):
            end = e["ts"] + e["dur"]
            child, j, own = 0.0, i + 1, e["dur"]
            while j < len(evs) and evs[j]["ts"] < end:
                c = evs[j]
                child += c["dur"]
                # skip the grandchildren of c
                cend = c["ts"] + c["dur"]
                j += 1
                while j < len(evs) and evs[j]["ts"] < cend:
                    j += 1
            key = label(e)
            parts[key] = parts.get(key, 0.0) + max(0.0, own - child) / 1e3
        task["parts"] = sorted(((k, round(v, 1)) for k, v in parts.items() if v >= 1.0), key=lambda kv: -kv[1])
    return out


def describe(task: dict, n: int = 4) -> str:
    """One line: wall and thread ms, then the ``n`` largest parts."""
    parts = ", ".join(f"{k} {v:.0f}" for k, v in task["parts"][:n])
    return f"{task['dur']:.0f} ms (thread {task['tdur']:.0f}) at {task['start']:.0f}: {parts}"


def main(argv: list[str] | None = None) -> None:
    """``python -m bench.tasks SITE PAGE [PAGE ...] [--loads N]``: each page loaded as the reader
    benchmark loads it, traced, and its longest tasks described."""
    import argparse
    import tempfile

    from bench import reader

    parser = argparse.ArgumentParser(prog="python -m bench.tasks")
    parser.add_argument("site", type=Path)
    parser.add_argument("pages", nargs="+")
    parser.add_argument("--loads", type=int, default=1)
    parser.add_argument("--top", type=int, default=3)
    args = parser.parse_args(argv)
    checks = reader._checks()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw, tempfile.TemporaryDirectory() as tmp, reader.serve_gzip(args.site.resolve()) as base:
        browser = checks.launch(pw)
        try:
            for page in args.pages:
                for _ in range(args.loads):
                    path = Path(tmp) / "trace.json"
                    got = reader.load(browser, base + page, trace=path)
                    print(f"{page}: longest task {got['longest']:.0f} ms (longtask API)")
                    for task in tasks(json.loads(path.read_text()), base + page, args.top):
                        print("   ", describe(task, 7))
        finally:
            browser.close()


if __name__ == "__main__":
    main()

"""The ``reader`` benchmark: every page as a phone reader on a slow network gets it (issue 20).

Reads the site ``make html`` built (``_build/html``, or ``$XAVIER_SITE``). Each page is opened
in a new, cold browser context of the system Chromium (as the browser tests) at 390 x 844 (a
phone: touch, 3x pixels), with the network throttled through the DevTools protocol to slow 4G
(150 ms latency, 1.6 Mbit/s down, 750 kbit/s up) and the CPU slowed 4x. It is served twice: as
files are (:func:`checks.serve`) and compressed as static hosts serve them (gzip, for HTML, CSS,
JavaScript, SVG, JSON and text, :class:`GzipHandler`). For each page and server:

* **first paint**: the first contentful paint (``performance`` paint entry);
* **maths typeset**: the first animation frame, at or after the first paint, at which every
  ``span.math``/``div.math`` parsed so far (at least one, or the whole page) holds a typeset
  formula (``mjx-container``) and no raw TeX: from then on no raw TeX is shown, whether the
  formulas were typeset when the site was built or by MathJax in the browser (pages without
  formulas: none). When no check (one per animation frame from the start) ever saw a formula
  untypeset, the maths was typeset when it was first painted: the first paint;
* **first figure**: once the page has painted, its first figure (an image in a ``<figure>`` or a
  cell output, in ``<main>``) is scrolled to, and the time is taken when it is loaded and decoded;
* **longest task**: the longest main-thread task from the start until the page has loaded,
  typeset its maths and shown its first figure, plus 1 s: the ``longtask`` entries, and the
  rendering of each long animation frame (``long-animation-frame`` entries, from its
  ``renderStart`` to its end), a task of its own that the ``longtask`` entries leave out (on
  justification the longest task is such a frame: 283-358 ms in the trace while the ``longtask``
  entries alone said 156 ms, stop 28);

each the median over ``--loads`` cold loads of the page on the gzip server (5 by default; one
load is noise: the same page gave 139 and 353 ms in two runs), the loads of all pages in rounds;
* **bytes before first paint**: what went over the wire (``transferSize``: headers and body,
  compressed when compressed) for the document and every resource that ended before the first
  paint.

Beside them, Lighthouse 12.2.3 (npm, installed apart in ``bench/lighthouse`` by ``make bench``,
driving the same Chromium) gives its mobile performance and accessibility scores for the article
pages (its default mobile profile: simulated slow 4G and 4x CPU).

``python -m bench.reader BEFORE AFTER [--loads N] [--pages a,b]`` loads the pages of two (or more)
built sites side by side, each page from every site in turn, the order rotating from round to
round, and prints each page's longest task as the median wall time (``longtask``) and the median
thread time of the longest task in a Chromium trace of the load, which other processes disturb
less, and what that task was made of (:mod:`bench.tasks`): compare variants in one run, not in
two runs at different times of a shared machine's load.

Targets (issue 20), on the gzip server: first paint and maths within 2 s, the first figure within
4 s, no task longer than 200 ms. A measurement: the numbers depend on the machine and its load;
nothing here is a timed test (tests/browser/test_maths.py checks the properties).
"""

from __future__ import annotations

import gzip
import http.server
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.core import Config, Row, register, row

ROOT = Path(__file__).resolve().parent.parent
SITE = Path(os.environ.get("XAVIER_SITE", ROOT / "_build" / "html")).resolve()
LIGHTHOUSE = ROOT / "bench" / "lighthouse" / "node_modules" / ".bin" / "lighthouse"
PHONE = {"width": 390, "height": 844}
NETWORK = {"offline": False, "latency": 150, "downloadThroughput": 1.6e6 / 8,
           "uploadThroughput": 750e3 / 8}
CPU_SLOWDOWN = 4
ARTICLE = ("index", "why", "signals", "xavier_init", "justification", "conclusion", "beyond")
TRACE_CATEGORIES = ["devtools.timeline", "disabled-by-default-devtools.timeline", "v8.execute", "loading"]
COMPRESSED = {".html", ".css", ".js", ".svg", ".json", ".txt", ".map", ".xml"}
TARGETS = {"first paint": "<= 2000", "maths typeset": "<= 2000", "first figure": "<= 4000",
           "longest task": "<= 200"}

# Runs in the page before its own scripts: records long tasks and the first frame, after the
# first paint, at which the maths is typeset (see the module docstring).
_PROBE = r"""
window.__reader = {tasks: [], maths: null, raw: false};
try {
  new PerformanceObserver(list => { for (const e of list.getEntries())
    window.__reader.tasks.push([e.startTime, e.duration]); })
    .observe({type: 'longtask', buffered: true});
} catch (e) {}
try {  // a frame's rendering (style, layout, paint) is a task the longtask entries leave out
  new PerformanceObserver(list => { for (const e of list.getEntries())
    if (e.renderStart > 0) window.__reader.tasks.push([e.renderStart, e.startTime + e.duration - e.renderStart]); })
    .observe({type: 'long-animation-frame', buffered: true});
} catch (e) {}
const rawTeX = /\\\(|\\\[|\$\$/;
const check = () => {
  const r = window.__reader;
  const painted = performance.getEntriesByType('paint').some(e => e.name === 'first-contentful-paint');
  const math = document.querySelectorAll('span.math, div.math');
  if (painted && (math.length || document.readyState !== 'loading')) {
    const done = [...math].every(e => e.querySelector('mjx-container') && !rawTeX.test(e.textContent));
    if (done) { r.maths = !math.length ? -1 : r.raw ? performance.now() : 0; return; }
  }
  r.raw = r.raw || [...math].some(e => !e.querySelector('mjx-container'));
  requestAnimationFrame(check);
};
requestAnimationFrame(check);
"""

_FIGURE = """async () => {
  const find = () => document.querySelector('main figure img, main .cell_output img');
  while (!find() && document.readyState === 'loading')  // not parsed yet at the first paint
    await new Promise(r => requestAnimationFrame(r));
  const img = find();
  if (!img) return null;
  img.loading = 'eager';
  img.scrollIntoView({block: 'center'});
  if (!img.complete) await new Promise(r => { img.addEventListener('load', r, {once: true});
                                              img.addEventListener('error', r, {once: true}); });
  try { await img.decode(); } catch (e) {}
  return performance.now();
}"""

_RESULT = """() => {
  const fcp = (performance.getEntriesByType('paint')
               .find(e => e.name === 'first-contentful-paint') || {}).startTime;
  const nav = performance.getEntriesByType('navigation')[0];
  let bytes = nav.transferSize;
  for (const e of performance.getEntriesByType('resource'))
    if (e.responseEnd <= fcp) bytes += e.transferSize;
  const r = window.__reader;
  return {fcp, maths: r.maths, bytes, tasks: r.tasks, load: nav.loadEventEnd};
}"""


class GzipHandler(http.server.SimpleHTTPRequestHandler):
    """Serve files as a static host does: text types gzip-compressed when the client accepts it."""

    _cache: dict[Path, bytes] = {}

    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        pass

    def do_GET(self):  # noqa: N802 - the base class's name
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        accepts = "gzip" in self.headers.get("Accept-Encoding", "")
        if not path.is_file() or path.suffix not in COMPRESSED or not accepts:
            return super().do_GET()
        if path not in self._cache:
            self._cache[path] = gzip.compress(path.read_bytes(), compresslevel=6, mtime=0)
        body = self._cache[path]
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def serve_gzip(directory: Path):
    """``checks.serve`` with :class:`GzipHandler`: yields the base URL."""
    return _checks().serve(directory, GzipHandler)


def _checks():
    sys.path.insert(0, str(ROOT / "tests" / "browser"))
    import checks

    return checks


def load(browser, url: str, trace: Path | None = None) -> dict:
    """One cold load of ``url`` on the throttled phone; the measures of the module docstring (ms).
    With ``trace``, a Chromium trace of the load (DevTools' timeline categories) is written there
    (for :mod:`bench.tasks`; tracing slows the page a little)."""
    context = browser.new_context(viewport=PHONE, device_scale_factor=3, is_mobile=True,
                                  has_touch=True, service_workers="block")
    context.set_default_timeout(120_000)
    context.add_init_script(_PROBE)
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    cdp.send("Network.emulateNetworkConditions", NETWORK)
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})
    if trace is not None:
        browser.start_tracing(page=page, categories=TRACE_CATEGORIES)
    try:
        page.goto(url, wait_until="commit", timeout=120_000)
        page.wait_for_function(
            "performance.getEntriesByType('paint').some(e => e.name === 'first-contentful-paint')",
            polling=50, timeout=120_000)
        figure = page.evaluate(_FIGURE)
        page.wait_for_load_state("load", timeout=120_000)
        page.wait_for_function("window.__reader.maths !== null", polling=100, timeout=120_000)
        page.wait_for_timeout(1000)
        out = page.evaluate(_RESULT)
        if trace is not None:
            trace.write_bytes(browser.stop_tracing())
    finally:
        context.close()
    out["figure"] = figure
    out["tasks"] = sorted(out["tasks"], key=lambda t: -t[1])[:5]
    out["longest"] = max((d for _, d in out["tasks"]), default=0.0)
    if out["maths"] is not None and out["maths"] >= 0:
        out["maths"] = max(out["maths"], out["fcp"])
    return out


def measure_site(site: Path, pages: list[str], loads: int = 1) -> dict[str, dict[str, dict]]:
    """``{server: {page: measures}}`` for the gzip server (``loads`` cold loads of every page, in
    rounds: each round loads every page once, so that a burst of load from other processes hits
    one load of several pages, not several loads of one) and the plain one (one load: its first
    paint and bytes only inform). Each measure is the median over the loads; ``"loads"`` keeps
    every load's longest task."""
    checks = _checks()
    from playwright.sync_api import sync_playwright

    out: dict[str, dict[str, dict]] = {}
    with sync_playwright() as pw:
        browser = checks.launch(pw)
        try:
            with serve_gzip(site) as base:
                runs: dict[str, list[dict]] = {name: [] for name in pages}
                for _ in range(loads):
                    for name in pages:
                        runs[name].append(load(browser, base + name))
                out["gzip"] = {name: summarize(got) for name, got in runs.items()}
            with checks.serve(site) as base:
                out["plain"] = {name: load(browser, base + name) for name in pages}
        finally:
            browser.close()
    return out


def _median(values: list) -> float | None:
    """The median of the values that are not None (None if all are); -1 (no formulas) stays -1.

    >>> _median([3.0, None, 1.0, 2.0]), _median([None]), _median([-1, -1])
    (2.0, None, -1)
    """
    import statistics

    got = [v for v in values if v is not None]
    if not got:
        return None
    return -1 if all(v == -1 for v in got) else statistics.median(v for v in got if v != -1)


def summarize(got: list[dict]) -> dict:
    """The median of each measure over several loads of one page; the longest tasks of every load
    in ``"loads"``.

    >>> s = summarize([{"fcp": 1.0, "maths": 0, "figure": None, "bytes": 5, "longest": 300.0},
    ...                {"fcp": 3.0, "maths": 0, "figure": None, "bytes": 5, "longest": 100.0},
    ...                {"fcp": 2.0, "maths": 0, "figure": None, "bytes": 7, "longest": 150.0}])
    >>> s["fcp"], s["longest"], s["bytes"], s["figure"], s["loads"]
    (2.0, 150.0, 5, None, [300.0, 100.0, 150.0])
    """
    out = {key: _median([g[key] for g in got]) for key in ("fcp", "maths", "figure", "bytes", "longest")}
    out["loads"] = [g["longest"] for g in got]
    return out


def lighthouse(site: Path, pages: list[str]) -> dict[str, dict[str, float]]:
    """Lighthouse's mobile performance and accessibility scores (0-100) of ``pages``, gzip-served."""
    if not LIGHTHOUSE.is_file():
        raise FileNotFoundError(f"{LIGHTHOUSE} is missing: `make bench` installs it "
                                "(npm ci --prefix bench/lighthouse)")
    checks = _checks()
    scores = {}
    with serve_gzip(site) as base, tempfile.TemporaryDirectory() as tmp:
        for name in pages:
            report = Path(tmp) / "report.json"
            flags = " ".join(["--headless=new", *checks.CHROMIUM_ARGS])
            subprocess.run([str(LIGHTHOUSE), base + name, "--quiet", "--output=json",
                            f"--output-path={report}", f"--chrome-flags={flags}",
                            "--only-categories=performance,accessibility"],
                           check=True, env={**os.environ, "CHROME_PATH": checks.CHROMIUM},
                           capture_output=True, timeout=300)
            categories = json.loads(report.read_text(encoding="utf-8"))["categories"]
            scores[name] = {k: round(100 * categories[k]["score"]) for k in ("performance", "accessibility")}
    return scores


def _pages(site: Path) -> list[str]:
    checks = _checks()
    return [f"{d}.html" for d in checks.docnames(site)]


def table(site: Path, quick: bool = False, loads: int = 1) -> list[Row]:
    pages = [f"{p}.html" for p in ARTICLE] if quick else _pages(site)
    measured = measure_site(site, pages, loads)
    scores = lighthouse(site, [p for p in pages if p.removesuffix(".html") in ARTICLE]) \
        if shutil.which("node") and LIGHTHOUSE.is_file() else {}
    rows = []
    for name in pages:
        g, p = measured["gzip"][name], measured["plain"][name]
        maths = g["maths"] if g["maths"] is not None and g["maths"] >= 0 else None
        rows += [
            row(f"{name}: first paint", g["fcp"], "ms", TARGETS["first paint"]),
            row(f"{name}: maths typeset", maths if maths is not None else g["fcp"], "ms",
                TARGETS["maths typeset"]),
            row(f"{name}: first figure", g["figure"], "ms", TARGETS["first figure"])
            if g["figure"] is not None else row(f"{name}: first figure (none)", 0.0, "ms"),
            row(f"{name}: longest task", g["longest"], "ms", TARGETS["longest task"],
                note=f"median of {len(g['loads'])} loads: " + ", ".join(f"{v:.0f}" for v in g["loads"])
                if len(g["loads"]) > 1 else ""),
            row(f"{name}: bytes before first paint (gzip)", g["bytes"] / 1000, "kB"),
            row(f"{name}: first paint, plain", p["fcp"], "ms"),
            row(f"{name}: bytes before first paint, plain", p["bytes"] / 1000, "kB"),
        ]
        if name in scores:
            rows += [row(f"{name}: Lighthouse mobile performance", scores[name]["performance"], "/100"),
                     row(f"{name}: Lighthouse mobile accessibility", scores[name]["accessibility"], "/100")]
    return rows


@register("reader", "every page on a throttled phone (390x844, slow 4G, CPU 4x): first paint, maths, "
                    "first figure, longest task, bytes; Lighthouse mobile scores")
def bench_reader(config: Config) -> list[Row]:
    if not (SITE / "searchindex.js").is_file():
        raise FileNotFoundError(f"no built site in {SITE}: run `make html` first")
    return table(SITE, quick=config.quick, loads=1 if config.quick else config.loads)


def side_by_side(sites: dict[str, Path], pages: list[str], loads: int) -> dict[str, dict[str, list[tuple]]]:
    """The longest task of ``loads`` cold loads of every page of every site (gzip-served),
    ``{page: {site: [(wall ms, thread ms, what), ...]}}``: wall time from the probe's tasks,
    thread time the longest top-level task's CPU time in a trace of the load, and what that task
    spent it on (:func:`bench.tasks.describe`). A round loads each page from every site one after
    the other, in an order rotating from round to round, so that other processes' load hits the
    variants alike; the thread time is what other processes disturb least."""
    import tempfile

    from bench import tasks
    checks = _checks()
    from contextlib import ExitStack

    from playwright.sync_api import sync_playwright

    names = list(sites)
    out = {page: {name: [] for name in names} for page in pages}
    with sync_playwright() as pw, ExitStack() as stack:
        browser = checks.launch(pw)
        stack.callback(browser.close)
        bases = {name: stack.enter_context(serve_gzip(site)) for name, site in sites.items()}
        for r in range(loads):
            for page in pages:
                k = r % len(names)
                for name in names[k:] + names[:k]:
                    with tempfile.TemporaryDirectory() as tmp:
                        got = load(browser, bases[name] + page, trace=Path(tmp) / "trace.json")
                        trace = json.loads((Path(tmp) / "trace.json").read_text())
                    top = tasks.tasks(trace, bases[name] + page, top=1, by="tdur")[0]
                    out[page][name].append((got["longest"], top["tdur"], tasks.describe(top, 3)))
    return out


def main(argv: list[str] | None = None) -> None:
    """``python -m bench.reader [SITE ...] [--quick] [--loads N] [--pages a,b]``: the table for one
    built site, or, for several, their longest tasks side by side (median of N loads each)."""
    import argparse
    import statistics

    parser = argparse.ArgumentParser(prog="python -m bench.reader")
    parser.add_argument("sites", nargs="*", type=Path, default=[SITE])
    parser.add_argument("--quick", action="store_true", help="the article's pages only")
    parser.add_argument("--loads", type=int, default=Config.loads)
    parser.add_argument("--pages", default="", help="comma-separated pages (default: all)")
    args = parser.parse_args(argv)
    sites = [s.resolve() for s in args.sites]
    if len(sites) == 1:
        for r in table(sites[0], quick=args.quick, loads=args.loads):
            print(f"{r['name']:60s} {r['value']:10.1f} {r['unit']}  {r['note']}")
        return
    pages = ([f"{p}.html" for p in args.pages.split(",")] if args.pages
             else [f"{p}.html" for p in ARTICLE] if args.quick else _pages(sites[0]))
    labels = {s.name: s for s in sites}
    if len(labels) < len(sites):  # e.g. two checkouts' _build/html: name them by the checkout
        labels = {str(s.relative_to(s.parents[2])) if len(s.parents) > 2 else str(s): s for s in sites}
    got = side_by_side(labels, pages, args.loads)
    print(f"longest task, median of {args.loads} loads, ms: wall (longtask and long-animation-frame APIs) / thread time (trace)")
    print(f"{'':28s}" + "".join(f"{name:>18s}" for name in labels))
    for page, by_site in got.items():
        cells = "".join(f"{statistics.median(w for w, _, _ in v):>10.0f} / {statistics.median(t for _, t, _ in v):<5.0f}"
                        for v in by_site.values())
        print(f"{page:28s}{cells}")
    print()
    for page, by_site in got.items():
        for name, v in by_site.items():
            for _, _, what in v:
                print(f"{page} {name}: {what}")


if __name__ == "__main__":
    main()

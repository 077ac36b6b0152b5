"""The ``widgets`` benchmark: bytes and redraw time of the two widgets of a built site.

Reads the site ``make html`` built (``_build/html``; build it first). For each widget page:

* **initial load added**: what the page loads on top of a page without a widget: the widget's
  HTML with its inline frame data, ``widgets.js``, ``widgets.css`` and the d3 modules (frames the
  widget loads on demand from a file beside the page are not part of it);
* **frames, uncompressed**: all of the widget's frames, inline and on demand, unpacked
  (:func:`framedata.read_widget_html`, :func:`framedata.read_side_file`);
* **redraw**: headless Chromium (the system one, as the browser tests) moves the slider ``moves``
  times to a pseudo-random frame by an ``input`` event; each move is timed from the event to the end
  of the next animation frame (drawing and layout included); median and 90th percentile.
* **redraw on a phone**: the same on the reader benchmark's phone (390 x 844, 3x pixels, touch) with
  the CPU slowed 4x through the DevTools protocol (issue 20: a widget answers a slider move within
  100 ms on that profile), once every frame file the widget loads on demand has arrived.

Targets (issue "Watch it train"): initial load grows by at most 500 kB, all frames of one widget at
most 2 MB, the median redraw within 100 ms. A measurement: the numbers depend on the machine and its
load; nothing here is a timed test.
"""

from __future__ import annotations

import sys
from pathlib import Path

from bench.core import Config, Row, register, row

ROOT = Path(__file__).resolve().parent.parent
SITE = ROOT / "_build" / "html"
PAGES = ("why.html", "xavier_init.html")
ASSETS = ("_static/widgets/widgets.js", "_static/widgets/widgets.css", "_static/widgets/d3-widgets.min.js")

_TIME = """async (moves) => {
  const slider = document.querySelector('.xw-slider');
  const F = Number(slider.max) + 1, times = [];
  let seed = 1;
  const next = () => (seed = (seed * 16807) % 2147483647) % F;
  for (let i = 0; i < moves; i++) {
    const f = next();
    const t0 = performance.now();
    slider.value = String(f);
    slider.dispatchEvent(new Event('input', {bubbles: true}));
    await new Promise(r => requestAnimationFrame(() => setTimeout(r, 0)));
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return {median: times[Math.floor(times.length / 2)], p90: times[Math.floor(times.length * 0.9)], n: times.length};
}"""


def _imports():
    sys.path[:0] = [str(ROOT / "docs"), str(ROOT / "tests" / "browser")]
    import checks
    import framedata

    return checks, framedata


def page_bytes(site: Path, name: str) -> dict[str, float]:
    """``{"initial": bytes added to the initial load, "frames": uncompressed bytes of all frames}``."""
    _, framedata = _imports()
    html = (site / name).read_text(encoding="utf-8")
    start = html.index('<div class="xw-widget"')
    end = html.index("</script>", start) + len("</script>")
    assets = sum((site / a).stat().st_size for a in ASSETS)
    frames = framedata.read_widget_html(html)["raw_bytes"]
    for extra in framedata.side_file_names(html):
        frames += framedata.read_side_file((site / name).parent.joinpath(extra).read_text(encoding="utf-8"))["raw_bytes"]
    return {"initial": len(html[start:end].encode()) + assets, "frames": frames}


def redraw(site: Path, moves: int, phone: bool = False) -> dict[str, dict[str, float]]:
    """Median and 90th percentile (ms) of ``moves`` slider moves, per widget page.

    ``phone``: on the reader benchmark's phone with the CPU slowed 4x (bench/reader.py).
    """
    checks, _ = _imports()
    from playwright.sync_api import sync_playwright

    from bench import reader

    out = {}
    with sync_playwright() as p, checks.serve(site) as base:
        browser = checks.launch(p)
        for name in PAGES:
            if phone:
                context = browser.new_context(viewport=reader.PHONE, device_scale_factor=3,
                                              is_mobile=True, has_touch=True)
            else:
                context = checks.new_context(browser, "light")
            page = context.new_page()
            page.goto(base + name, wait_until="load")
            page.wait_for_selector(".xw-widget[data-ready='true']")
            page.wait_for_load_state("networkidle")
            if phone:
                context.new_cdp_session(page).send("Emulation.setCPUThrottlingRate",
                                                   {"rate": reader.CPU_SLOWDOWN})
            out[name] = page.evaluate(_TIME, moves)
            context.close()
        browser.close()
    return out


@register("widgets", "the two widgets of the built site: bytes added to the page, frame bytes, redraw per slider move")
def bench_widgets(config: Config) -> list[Row]:
    if not all((SITE / name).is_file() for name in PAGES):
        raise FileNotFoundError(f"no built widget pages in {SITE}: run `make html` first")
    moves = 20 if config.quick else 200
    times = redraw(SITE, moves)
    phone = redraw(SITE, moves // 4, phone=True)
    rows = []
    for name in PAGES:
        size = page_bytes(SITE, name)
        rows += [
            row(f"{name}: initial load added", size["initial"] / 1000, "kB", "<= 500"),
            row(f"{name}: frames, uncompressed", size["frames"] / 1000, "kB", "<= 2000"),
            row(f"{name}: redraw, median of {times[name]['n']} moves", times[name]["median"], "ms", "<= 100"),
            row(f"{name}: redraw, 90th percentile", times[name]["p90"], "ms"),
            row(f"{name}: redraw on a phone, CPU 4x, median of {phone[name]['n']} moves",
                phone[name]["median"], "ms", "<= 100"),
            row(f"{name}: redraw on a phone, CPU 4x, 90th percentile", phone[name]["p90"], "ms"),
        ]
    return rows

"""Measure the two widgets of a built site: bytes per page and redraw time per slider move.

    .venv/bin/python scripts/measure_widgets.py [site dir, default _build/html] [moves, default 200]

Bytes: what each widget page loads on top of a page without a widget (the widget's HTML with its
frame data, widgets.js, widgets.css, the d3 modules), and the frames' uncompressed size. Redraw:
headless Chromium (the system one, as the browser tests), the slider moved ``moves`` times to a
random frame by an ``input`` event; each move is timed from the event to the end of the next
animation frame (drawing and layout included), median and 90th percentile reported. A
measurement, not a test: the numbers depend on the machine and its load.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "docs"), str(ROOT / "tests" / "browser")]

import checks  # noqa: E402
import framedata  # noqa: E402

PAGES = ("why.html", "xavier_init.html")
ASSETS = ("_static/widgets/widgets.js", "_static/widgets/widgets.css", "_static/widgets/d3-widgets.min.js")

_TIME = """async (moves) => {
  const w = window.xavierWidgets[0], slider = document.querySelector('.xw-slider');
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


def main(site: Path, moves: int) -> None:
    assets = sum((site / a).stat().st_size for a in ASSETS)
    print(f"shared assets (widgets.js, widgets.css, d3 modules): {assets / 1000:.1f} kB")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p, checks.serve(site) as base:
        browser = checks.launch(p)
        for name in PAGES:
            html = (site / name).read_text(encoding="utf-8")
            data = framedata.read_widget_html(html)
            start = html.index('<div class="xw-widget"')
            end = html.index("</script>", start) + len("</script>")
            widget = len(html[start:end].encode())
            print(f"{name}: widget HTML in the page {widget / 1000:.1f} kB, frames uncompressed "
                  f"{data['raw_bytes'] / 1000:.1f} kB; initial load grows by {(widget + assets) / 1000:.1f} kB")
            context = checks.new_context(browser, "light")
            page = context.new_page()
            page.goto(base + name, wait_until="load")
            page.wait_for_selector(".xw-widget[data-ready='true']")
            r = page.evaluate(_TIME, moves)
            print(f"  redraw after a slider move: median {r['median']:.1f} ms, 90th percentile "
                  f"{r['p90']:.1f} ms over {r['n']} moves")
            context.close()
        browser.close()


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "_build" / "html",
         int(sys.argv[2]) if len(sys.argv) > 2 else 200)

"""The cost of one full rendering frame of each page, side by side for several built sites (issue 20).

The reader benchmark's longest task is the frame that styles and lays out whatever the parser
added since the last frame; how much that is depends on how the page arrived over the network,
so it varies by a factor of two between loads of the same site, more than most changes to the
page move it. Here each page is loaded (phone viewport, 390 x 844, 3x pixels, no throttling),
and then its whole body is hidden and shown again (``display: none`` and back, each followed by
a forced layout), which restyles and lays out every element, as the first frames of a load do
for the parts they get. The time of the showing, taken ``--reps`` times per load in three loads
of each page, the sites in turn, is reported as its minimum (ms): the least disturbed by the
other processes of a shared machine.

With ``--no-scripts`` the pages are loaded with JavaScript off: the page as it arrives, before a
script changes it (lazy_layout.js shows the code blocks that ``content-visibility`` skipped while
the page arrived, widgets are built): what the frames of a load lay out.

``python -m bench.frame SITE [SITE ...] [--pages a,b] [--reps N] [--no-scripts]``
"""

from __future__ import annotations

import sys
from contextlib import ExitStack
from pathlib import Path

from bench.reader import PHONE, _checks

_FRAME = """(n) => { const out = [];
  for (let i = 0; i < n; i++) {
    document.body.style.display = 'none'; document.body.offsetHeight;
    const t = performance.now(); document.body.style.display = ''; document.body.offsetHeight;
    out.push(performance.now() - t);
  } return out; }"""


def frames(sites: list[Path], pages: list[str], reps: int = 10, rounds: int = 3,
           scripts: bool = True) -> dict:
    """``{(page, site): [ms, ...]}``: the times of a full style and layout of each page (the first
    of each load's ``reps`` left out: it also builds caches)."""
    checks = _checks()
    from playwright.sync_api import sync_playwright

    out: dict[tuple[str, Path], list[float]] = {}
    with sync_playwright() as pw, ExitStack() as stack:
        browser = checks.launch(pw)
        stack.callback(browser.close)
        bases = {site: stack.enter_context(checks.serve(site)) for site in sites}
        context = browser.new_context(viewport=PHONE, device_scale_factor=3, is_mobile=True, has_touch=True,
                                      java_script_enabled=scripts)
        for r in range(rounds):
            for page in pages:
                for site in sites if r % 2 == 0 else sites[::-1]:
                    tab = context.new_page()
                    tab.goto(bases[site] + page, wait_until="load")
                    tab.wait_for_timeout(300)
                    out.setdefault((page, site), []).extend(tab.evaluate(_FRAME, reps)[1:])
                    tab.close()
    return out


def main(argv: list[str] | None = None) -> None:
    import argparse

    parser = argparse.ArgumentParser(prog="python -m bench.frame")
    parser.add_argument("sites", nargs="+", type=Path)
    parser.add_argument("--pages", default="why,signals,xavier_init,justification,conclusion")
    parser.add_argument("--reps", type=int, default=10)
    parser.add_argument("--no-scripts", action="store_true", help="the pages as they arrive (JavaScript off)")
    args = parser.parse_args(argv)
    sites = [s.resolve() for s in args.sites]
    pages = [f"{p}.html" for p in args.pages.split(",")]
    got = frames(sites, pages, args.reps, scripts=not args.no_scripts)
    print("full style + layout of the page, min ms (phone viewport, unthrottled"
          + (", JavaScript off)" if args.no_scripts else ")"))
    print(f"{'':24s}" + "".join(f"{s.name:>16s}" for s in sites))
    for page in pages:
        print(f"{page:24s}" + "".join(f"{min(got[(page, s)]):16.1f}" for s in sites))


if __name__ == "__main__":
    sys.exit(main())

"""Readability measures of one opened page, shared by the checks and the before/after table.

Each function takes a playwright ``page`` that has loaded (its formulas come typeset) and
returns plain data; ``checks.py`` turns them into problems and
``python tests/browser/readability.py SITE_DIR`` prints them per page as a table.

Clipped formula
    A display formula (``mjx-container[display]``) is clipped when its typeset box is wider than
    the box it is shown in: the formula, or an ancestor that hides or scrolls its overflow, has a
    ``scrollWidth`` larger than its ``clientWidth`` (plus 1 px of rounding), or the formula's
    right edge is past the right edge of ``<main>``'s article. Formulas in tabs are measured with
    their tab shown: every tab label is clicked in turn.
Overlapping equation number
    A Sphinx equation number (``span.eqno``) whose box intersects the box of a glyph or rule of the
    maths (``use``/``rect`` of the formula's SVG; ``mjx-mi`` and the like in MathJax's CHTML) of
    the same ``div.math``.
Smallest figure text
    For each figure image, the size of its smallest text as the reader sees it, in CSS px:
    ``text_px * displayed_width / natural_width``, where ``text_px`` is the height in image
    pixels of the smallest font in the figure, written by ``plotting.PageFigure`` into the PNG's
    ``xavier:min-text-px`` text chunk (the font's size in points times dpi / 72; for images
    without the chunk, ``None``), ``displayed_width`` the image's CSS width in the layout and
    ``natural_width`` its width in pixels. The caption's smallest text is the smallest computed
    font size of a ``figcaption`` element holding text, formulas left out (their sub- and
    superscripts are smaller by design).
"""

from __future__ import annotations

import sys
import time
from io import BytesIO
from pathlib import Path
from urllib.parse import unquote, urlsplit

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"

_CLIPPED = """() => {
  const article = document.querySelector('main') || document.body;
  const right = article.getBoundingClientRect().right;
  const out = [];
  document.querySelectorAll('mjx-container[display="true"]').forEach((c, i) => {
    if (!c.checkVisibility() || c.getBoundingClientRect().width === 0) return;
    let clipped = null;
    for (let e = c; e && e !== document.body; e = e.parentElement) {
      const st = getComputedStyle(e);
      const hides = e === c || /(auto|scroll|hidden|clip)/.test(st.overflowX);
      if (hides && e.scrollWidth > e.clientWidth + 1) {
        clipped = `${e.tagName.toLowerCase()} shows ${e.clientWidth} of ${e.scrollWidth} px`;
        break;
      }
    }
    const math = c.querySelector('mjx-math, svg') || c;
    const r = math.getBoundingClientRect();
    if (!clipped && r.right > right + 1)
      clipped = `right edge ${Math.round(r.right)} px past the article's ${Math.round(right)} px`;
    const tex = (c.closest('.math') || c).getAttribute('data-tex')
                || (c.parentElement.closest('div.math') || {}).textContent || '';
    let eqno = null;
    const div = c.closest('div.math');
    const num = div && div.querySelector('span.eqno');
    if (num) {
      const n = num.getBoundingClientRect();
      // the first row of the maths: the number sits beside it
      for (const part of math.querySelectorAll('mjx-mtd, mjx-mrow, mjx-mi, mjx-mo, mjx-mn, use, rect')) {
        const p = part.getBoundingClientRect();
        if (p.width && n.left < p.right - 1 && p.left < n.right - 1 && n.top < p.bottom - 1
            && p.top < n.bottom - 1) {
          eqno = `${num.textContent.trim()} overlaps the maths`; break;
        }
      }
    }
    out.push({i, clipped, eqno, text: (c.querySelector('mjx-assistive-mml') || c).textContent
              .replace(/\\s+/g, ' ').slice(0, 60), scale: parseFloat(getComputedStyle(c).fontSize)});
  });
  return out;
}"""


def display_math(page) -> list[dict]:
    """Every display formula shown, over every tab: ``{i, clipped, eqno, text, scale}``.

    ``clipped`` and ``eqno`` are ``None`` or a description; ``scale`` is the container's
    computed font size in px. Tab labels are clicked in turn (and the first again at the end).
    """
    seen: dict[int, dict] = {}
    for item in page.evaluate(_CLIPPED):
        seen[item["i"]] = item
    labels = page.locator(".sd-tab-set > label.sd-tab-label")
    for k in range(labels.count()):
        try:
            labels.nth(k).click(timeout=3000)
        except Exception:  # noqa: BLE001 - a label that cannot be clicked is the tabs check's
            continue
        for item in page.evaluate(_CLIPPED):
            seen.setdefault(item["i"], item)
    firsts = page.locator(".sd-tab-set > label.sd-tab-label:first-of-type")
    for k in range(firsts.count()):
        firsts.nth(k).click(timeout=3000, force=True)
    return [seen[i] for i in sorted(seen)]


def axe_violations(page, impacts=("serious", "critical")) -> list[dict]:
    """axe-core (from ``node_modules``, injected as a script) violations of ``impacts``.

    Returns ``[{id, impact, help, nodes: [target, ...]}]``.
    """
    if not AXE.is_file():
        raise FileNotFoundError(f"{AXE} is missing: run `npm ci` (make html does)")
    page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    result = page.evaluate("""async () => {
      const r = await axe.run(document, {resultTypes: ['violations']});
      return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                     nodes: v.nodes.map(n => n.target.join(' '))}));
    }""")
    return [v for v in result if v["impact"] in impacts]


_FIGURES = """() => [...document.querySelectorAll('main figure img, main .cell_output img')]
  .filter(img => img.checkVisibility() && img.getBoundingClientRect().width > 0)
  .map(img => ({src: img.currentSrc || img.src, shown: img.getBoundingClientRect().width,
                natural: img.naturalWidth, id: (img.closest('figure') || {}).id || null}))"""

_CAPTION = """() => {
  let min = null;
  for (const cap of document.querySelectorAll('main figcaption')) {
    for (const e of [cap, ...cap.querySelectorAll('*')]) {
      if (e.closest('mjx-container')) continue;  // a formula's sub- and superscripts are smaller
      if (![...e.childNodes].some(n => n.nodeType === 3 && n.textContent.trim())) continue;
      const size = parseFloat(getComputedStyle(e).fontSize);
      if (min === null || size < min) min = size;
    }
  }
  return min;
}"""


ASSUME_PT: float | None = None
"""For a PNG without the chunk (a site built before it existed): its smallest text in points,
converted with the PNG's dpi. None: such images are not measured."""


def png_text_px(data: bytes, key: str = "xavier:min-text-px") -> float | None:
    """The ``xavier:min-text-px`` text chunk of a PNG (see ``plotting.PageFigure``), or None
    (or, when :data:`ASSUME_PT` is set, that size in points at the PNG's dpi). ``key``
    ``"xavier:min-glyph-px"`` reads the smallest glyph's size instead (scripts at their size)."""
    from PIL import Image

    info = Image.open(BytesIO(data)).info
    value = info.get(key)
    if value is None and ASSUME_PT is not None:
        return ASSUME_PT * info.get("dpi", (72, 72))[0] / 72
    return float(value) if value is not None else None


def figure_text(page, site_dir: Path) -> tuple[list[dict], float | None]:
    """Smallest text of each visible figure in CSS px, and the captions' smallest font size.

    Returns ``([{src, shown, natural, id, text_px, css_px, glyph_px, css_glyph_px}], caption_px)``
    (``id``: the id of the ``<figure>`` holding the image, or None);
    ``css_px`` is None for an image without the ``xavier:min-text-px`` chunk, ``css_glyph_px``
    (the smallest glyph, a formula's scripts at their own size) without ``xavier:min-glyph-px``.
    """
    out = []
    for fig in page.evaluate(_FIGURES):
        path = site_dir / unquote(urlsplit(fig["src"]).path).lstrip("/")
        if path.suffix == ".webp":  # served as WebP, the same pixels as the PNG beside it, which
            path = path.with_suffix(".png")  # keeps the text chunk (tests/build/test_webp.py)
        data = path.read_bytes() if path.suffix == ".png" and path.is_file() else None
        for key, name in (("xavier:min-text-px", "text_px"), ("xavier:min-glyph-px", "glyph_px")):
            px = png_text_px(data, key) if data is not None else None
            fig[name] = px
            fig["css_" + name.replace("text_", "")] = (None if px is None or not fig["natural"]
                                                       else px * fig["shown"] / fig["natural"])
        out.append(fig)
    return out, page.evaluate(_CAPTION)


_PRINT_TABS = """() => [...document.querySelectorAll('.sd-tab-set')].map(set => {
  const kids = [...set.children].filter(e => e.checkVisibility());
  return [...set.querySelectorAll(':scope > .sd-tab-content')].map(c => {
    const label = c.previousElementSibling;
    const cr = c.getBoundingClientRect(), lr = label.getBoundingClientRect();
    return {label: label.textContent.trim(), shown: c.checkVisibility() && cr.height > 0,
            labelShown: label.checkVisibility(), below: lr.bottom <= cr.top + 1,
            order: kids.indexOf(label) + 1 === kids.indexOf(c)};
  });
})"""

PRINT_CHROME = (".bd-sidebar-primary, .bd-sidebar-secondary, .bd-header-article, button, "
                "details.hide:not([open])")
"""What must not print: the sidebars, the article header, every button, and a collapsed "Show code
cell source" (paper cannot open it)."""


def print_problems(page) -> list[str]:
    """Problems of the page in print media: a tab's content not printed, or not right under its
    label; sidebars or buttons printed. Leaves the page in print media."""
    page.emulate_media(media="print")
    problems = [f"tab set {s + 1}, tab {t['label']!r}: {what}"
                for s, tabs in enumerate(page.evaluate(_PRINT_TABS)) for t in tabs
                for what, ok in (("not printed", t["shown"]),
                                 ("label not printed", t["labelShown"]),
                                 ("not under its label", t["below"]),
                                 ("not next to its label", t["order"])) if not ok]
    chrome = page.evaluate("(sel) => [...document.querySelectorAll(sel)]"
                           ".filter(e => e.checkVisibility()).map(e => e.className)", PRINT_CHROME)
    return problems + [f"printed: <{c}>" for c in chrome]


_SIDEBAR_SHOWN = """(shown) => { const e = document.querySelector('.bd-sidebar-primary');
  const r = e ? e.getBoundingClientRect() : null;
  return (!!e && e.checkVisibility() && r.width > 0 && r.height > 0
          && getComputedStyle(e).visibility !== 'hidden' && r.right > 0) === shown; }"""
_NAVIGATION_OPEN = """() => { const d = document.querySelector('dialog[open]');
  return !!d && [...d.querySelectorAll('a[href]')].some(a => a.checkVisibility()); }"""


def navigation_problems(page, wide: bool, timeout_ms: int | None = None) -> list[str]:
    """Press the one visible navigation button (``.primary-toggle``) and see it work.

    On a narrow screen (``wide`` False) it must open a ``<dialog>`` holding visible links; on a
    wide one it must hide the primary sidebar, and show it again when pressed a second time.
    The first press is made with the keyboard (focus, Enter), the others with the mouse. After each
    press the state is checked once it is reached, or after ``timeout_ms`` (``checks.WAIT_MS``):
    the theme's drawer and sidebar may move with a transition, slow on a busy machine.
    """
    import checks

    timeout_ms = checks.WAIT_MS if timeout_ms is None else timeout_ms
    toggles = page.locator(".primary-toggle")
    visible = [k for k in range(toggles.count()) if toggles.nth(k).is_visible()]
    if len(visible) != 1:
        return [f"{len(visible)} visible navigation buttons, not 1"]
    button = toggles.nth(visible[0])
    sidebar = page.locator(".bd-sidebar-primary").first
    shown = lambda: sidebar.count() > 0 and sidebar.is_visible() and page.evaluate(  # noqa: E731
        "e => getComputedStyle(e).visibility !== 'hidden' && e.getBoundingClientRect().right > 0",
        sidebar.element_handle())
    problems = []
    button.focus()
    page.keyboard.press("Enter")
    if wide:
        checks.wait_until(page, _SIDEBAR_SHOWN, False, timeout_ms)
        checks.settle(page)  # the end of its transition, if any
        if shown():
            problems.append("pressing the navigation button did not hide the sidebar")
        button.click()
        checks.wait_until(page, _SIDEBAR_SHOWN, True, timeout_ms)
        checks.settle(page)
        if not shown():
            problems.append("pressing the navigation button again did not show the sidebar")
    else:
        checks.wait_until(page, _NAVIGATION_OPEN, None, timeout_ms)
        links = page.evaluate("""() => { const d = document.querySelector('dialog[open]');
            return d ? [...d.querySelectorAll('a[href]')].filter(a => a.checkVisibility()).length
                     : null; }""")
        if links is None:
            problems.append("pressing the navigation button opened no navigation")
        elif links == 0:
            problems.append("the navigation opened without a visible link")
    return problems


def initial_bytes(requests: dict[str, int]) -> int:
    """The bytes transferred for a page's initial load (``{url: bytes}`` of its responses)."""
    return sum(requests.values())


def record_sizes(page) -> tuple[dict[str, int], set]:
    """Record, from now on, the body size of each response of ``page`` (``{url: bytes}``, filled in
    as each request finishes) and the requests not finished or failed yet (a set); for
    :func:`initial_bytes` and :func:`wait_for_requests`."""
    sizes: dict[str, int] = {}
    pending: set = set()

    def finished(request):
        pending.discard(request)
        sizes[request.url] = (request.sizes() or {}).get("responseBodySize", 0)

    page.on("request", lambda request: pending.add(request))  # (playwright takes no built-in method)
    page.on("requestfinished", finished)
    page.on("requestfailed", lambda request: pending.discard(request))
    return sizes, pending


def wait_for_requests(page, pending: set, timeout_ms: int | None = None) -> bool:
    """Whether every request in ``pending`` (of :func:`record_sizes`) finished or failed within
    ``timeout_ms`` (``checks.WAIT_MS``). At "load" some may still run (a face or an image the first
    layouts asked for) or have their "requestfinished" event still on its way: counted at a fixed
    time after "load", which ones are in would depend on how busy the machine is."""
    import checks

    timeout_ms = checks.WAIT_MS if timeout_ms is None else timeout_ms
    deadline = time.monotonic() + timeout_ms / 1000
    while pending and time.monotonic() < deadline:
        page.wait_for_timeout(50)  # polling the set: playwright delivers the events while it waits
    return not pending


# -- The table of the report ------------------------------------------------------------------


def measure_site(site_dir: Path, pages: list[str]) -> dict[str, dict]:
    """Per page: clipped formulas at 1280 and 375 px, overlapping numbers, axe (light and dark),
    the smallest figure text and the caption's at 1280 px, and the bytes of the initial load."""
    from playwright.sync_api import sync_playwright

    import checks

    rows: dict[str, dict] = {}
    with checks.serve(site_dir) as base, sync_playwright() as pw:
        browser = checks.launch(pw)
        for name in pages:
            row = rows.setdefault(name, {})
            for width in (1280, 375):
                for mode in ("light", "dark") if width == 1280 else ("light",):
                    context = checks.new_context(browser, mode)
                    context.set_default_timeout(60_000)
                    page = context.new_page()
                    page.set_viewport_size({"width": width, "height": 900})
                    sizes, pending = record_sizes(page)
                    page.goto(base + name, wait_until="load")
                    wait_for_requests(page, pending)
                    if width == 1280 and mode == "light":
                        row["bytes"] = initial_bytes(sizes)  # before any tab is clicked
                    if mode == "light":
                        maths = display_math(page)
                        row[f"clipped_{width}"] = sum(1 for m in maths if m["clipped"])
                        row[f"eqno_{width}"] = sum(1 for m in maths if m["eqno"])
                    if width == 1280:
                        if mode == "light":
                            checks.wait_for_images(page)
                            figs, caption = figure_text(page, site_dir)
                            labels = page.locator(".sd-tab-set > label.sd-tab-label")
                            for k in range(labels.count()):
                                labels.nth(k).click()
                                figs += figure_text(page, site_dir)[0]
                            sizes_px = [f["css_px"] for f in figs if f["css_px"] is not None]
                            row["fig_text"] = min(sizes_px) if sizes_px else None
                            row["caption"] = caption
                            row["figures"] = len(figs)
                        row[f"axe_{mode}"] = sum(len(v["nodes"]) for v in axe_violations(page))
                        row[f"axe_ids_{mode}"] = sorted({v["id"] for v in axe_violations(page)})
                    context.close()
        browser.close()
    return rows


def main(argv: list[str]) -> None:
    sys.path.insert(0, str(Path(__file__).parent))
    import checks

    global ASSUME_PT
    if len(argv) > 2 and argv[1] == "--assume-pt":
        ASSUME_PT = float(argv[2])
        argv = argv[:1] + argv[3:]
    site = Path(argv[1]).resolve()
    pages = argv[2:] or [f"{d}.html" for d in checks.docnames(site)]
    rows = measure_site(site, pages)
    cols = ["clipped_1280", "clipped_375", "eqno_1280", "eqno_375", "axe_light", "axe_dark",
            "fig_text", "caption", "bytes"]
    print("| page | " + " | ".join(cols) + " | axe rules |")
    print("|" + "---|" * (len(cols) + 2))
    for name, row in rows.items():
        cells = []
        for c in cols:
            v = row.get(c)
            cells.append("-" if v is None else f"{v:.1f}" if isinstance(v, float) else str(v))
        ids = sorted(set(row.get("axe_ids_light", [])) | set(row.get("axe_ids_dark", [])))
        print(f"| {name} | " + " | ".join(cells) + f" | {', '.join(ids)} |")


if __name__ == "__main__":
    main(sys.argv)


# -- Collapsed boxes (issue 19): Going-deeper boxes and solutions, closed on screen, open on paper --

COLLAPSED_BOXES = "main details.going-deeper, main .solution.dropdown"
"""The boxes a reader opens: sphinx-design dropdowns of class going-deeper, and the solutions that
sphinx-togglebutton collapses (docs/_ext/lesson.py)."""

_BOX_CONTENT = """(sel) => [...document.querySelectorAll(sel)].map(box => {
  const body = box.matches('details') ? box.querySelector(':scope > .sd-summary-content')
                                      : box.querySelector(':scope > .admonition-title ~ *');
  const r = body ? body.getBoundingClientRect() : {height: 0};
  const title = (box.querySelector('summary, .admonition-title') || box).textContent.trim();
  return {title: title.slice(0, 60), shown: !!body && body.checkVisibility({visibilityProperty: true,
          opacityProperty: true}) && r.height > 0};
})"""


def collapsed_box_problems(page) -> tuple[int, list[str]]:
    """``(number of boxes, problems)``: a box open on screen before the reader opens it, a box whose
    content does not print, or one that ``beforeprint`` does not open and ``afterprint`` close again.
    Leaves the page in print media. Each change the page makes by itself (a box opening or closing,
    perhaps with a transition) is checked once reached, or after ``checks.WAIT_MS``."""
    import checks

    shown_count = f"(sel) => ({_BOX_CONTENT})(sel).filter(b => b.shown).length"
    page.emulate_media(media="screen")
    # nothing is to open on screen: let lesson.js's media-change handler (run at the next frame)
    # and any transition have their turn, then look
    checks.settle(page)
    screen = page.evaluate(_BOX_CONTENT, COLLAPSED_BOXES)
    problems = [f"{b['title']!r}: open on screen before the reader opens it" for b in screen if b["shown"]]
    # By keyboard: the first box of each kind opens with Enter on its control, and closes again.
    for kind, control in (("Going deeper", "main details.going-deeper > summary"),
                          ("solution", "main .solution.dropdown button.toggle-button")):
        handle = page.query_selector(control)
        if handle is None:
            continue
        index = page.evaluate("(c) => document.querySelectorAll(c).length", control)
        handle.focus()
        page.keyboard.press("Enter")
        checks.wait_until(page, f"(sel) => ({shown_count})(sel) === 1", COLLAPSED_BOXES)
        shown = [b for b in page.evaluate(_BOX_CONTENT, COLLAPSED_BOXES) if b["shown"]]
        if len(shown) != 1:
            problems.append(f"Enter on the first {kind}'s control showed {len(shown)} boxes, not 1 (of {index})")
        page.keyboard.press("Enter")
        checks.wait_until(page, f"(sel) => ({shown_count})(sel) === 0", COLLAPSED_BOXES)
        if any(b["shown"] for b in page.evaluate(_BOX_CONTENT, COLLAPSED_BOXES)):
            problems.append(f"a second Enter on the first {kind}'s control did not close it")
    page.evaluate("window.dispatchEvent(new Event('beforeprint'))")
    opened = page.evaluate("(sel) => [...document.querySelectorAll(sel)].filter(d => !d.open).length",
                           "main details.going-deeper")
    if opened:
        problems.append(f"{opened} Going-deeper boxes still closed after beforeprint")
    page.evaluate("window.dispatchEvent(new Event('afterprint'))")
    reclosed = page.evaluate("(sel) => [...document.querySelectorAll(sel)].filter(d => d.open).length",
                             "main details.going-deeper")
    if reclosed:
        problems.append(f"{reclosed} Going-deeper boxes left open after afterprint")
    page.emulate_media(media="print")
    checks.wait_until(page, f"(sel) => ({_BOX_CONTENT})(sel).every(b => b.shown)", COLLAPSED_BOXES)
    printed = page.evaluate(_BOX_CONTENT, COLLAPSED_BOXES)
    problems += [f"{b['title']!r}: content not printed" for b in printed if not b["shown"]]
    return len(screen), problems


# -- Stacked tables (docs/_ext/phone_tables.py) ---------------------------------------------------

UNSTACK = """() => { document.querySelectorAll('table.xv-stack').forEach(t => t.classList.remove('xv-stack'));
  window.dispatchEvent(new Event('resize')); }"""
"""Lays the tables stacked on a phone out as tables again (and lets the theme, on resize, make a
box that now scrolls focusable): wide ones are wider than a phone's column, so the scroll shades
and focus of such a table are still checked on them."""

_SCROLLING_BOXES_FOCUSABLE = """() => [...document.querySelectorAll('main .pst-scrollable-table-container')]
  .filter(c => c.checkVisibility() && c.scrollWidth > c.clientWidth + 1).every(c => c.tabIndex >= 0)"""


def unstack(page) -> None:
    """:data:`UNSTACK`, then wait until every table box that now scrolls is a Tab stop: the theme's
    check runs 300 ms after the resize, in an idle moment (``lazy_layout.js``), later on a busy
    machine. A box still not focusable after ``checks.WAIT_MS`` is left for the caller to report."""
    import checks  # it imports this module

    page.evaluate(UNSTACK)
    checks.wait_until(page, _SCROLLING_BOXES_FOCUSABLE)

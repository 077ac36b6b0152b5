"""Faults a fresh reader found (issue 19, session 24), each measured in headless Chromium on the
built site (``$XAVIER_SITE``, default ``_build/html``):

1. the footer's previous and next links fit a 375 px phone: nothing in them is cut off;
2. Table 2.1 (signals) fits a 375 px column without scrolling, and the scroll shades of a table
   that does scroll leave its caption alone in dark mode (the caption's pixels are the same with
   the shades painted and with them made transparent);
3. links in exercise statements reach 4.5:1 against the exercise box's tint, light and dark;
4. on a phone a solution's toggle is a target at least 44 px square that shows and is named
   "Show the solution", beside the title's words and not over them;
5. the site says how to install ``xavier``: the reproducibility page, and the first cell of every
   downloadable notebook, which imports the page's modules from ``docs/``.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

import checks
import readability
from test_readable import base, browser  # noqa: F401 (fixtures: one Chromium, the site served)

ROOT = Path(__file__).resolve().parents[2]
SITE = Path(os.environ.get("XAVIER_SITE", ROOT / "_build" / "html")).resolve()
BUILT = (SITE / "searchindex.js").is_file()
PAGES = [f"{d}.html" for d in checks.docnames(SITE) if not d.startswith("api")] if BUILT else []
PHONE = {"width": 375, "height": 800}


def opened(browser, url: str, *, mode="light", viewport=PHONE, open_boxes=False):
    context = checks.new_context(browser, mode)
    page = context.new_page()
    page.set_viewport_size(viewport)
    page.goto(url, wait_until="load")
    page.evaluate("document.fonts.ready.then(() => true)")
    if open_boxes:
        page.evaluate("document.querySelectorAll('details').forEach(d => { d.open = true; })")
    return page


# -- 1. the footer ------------------------------------------------------------------------------

_FOOTER = """() => {
  const out = [];
  for (const a of document.querySelectorAll('.prev-next-area a')) {
    const box = a.getBoundingClientRect();
    if (a.scrollWidth > a.clientWidth + 0.5)
      out.push(`${a.className}: content ${a.scrollWidth} px in a ${a.clientWidth} px box`);
    for (const e of a.querySelectorAll('*')) {
      const r = e.getBoundingClientRect();
      if (!r.width) continue;
      if (r.left < Math.max(box.left, 0) - 0.5 || r.right > Math.min(box.right, innerWidth) + 0.5)
        out.push(`${a.className} <${e.tagName.toLowerCase()} ${e.className}> spans ${r.left.toFixed(1)}..` +
                 `${r.right.toFixed(1)}, link ${box.left.toFixed(1)}..${box.right.toFixed(1)}, screen ${innerWidth}`);
    }
  }
  return {links: document.querySelectorAll('.prev-next-area a').length, out};
}"""


@pytest.mark.parametrize("name", PAGES)
def test_footer_links_fit_a_phone(browser, base, name):
    page = opened(browser, base + name)
    try:
        state = page.evaluate(_FOOTER)
        assert state["links"] > 0
        assert not state["out"], "\n".join(state["out"])
    finally:
        page.context.close()


# -- 2. tables ----------------------------------------------------------------------------------

_SCROLL = """(id) => { const c = document.getElementById(id).closest('.pst-scrollable-table-container');
  return [c.scrollWidth, c.clientWidth]; }"""


def test_table_2_1_fits_a_phone(browser, base):
    page = opened(browser, base + "signals.html", open_boxes=True)
    try:
        scroll, width = page.evaluate(_SCROLL, "tab-signals-sweep")
        assert scroll <= width, f"Table 2.1 is {scroll} px wide in a {width} px column: it scrolls"
    finally:
        page.context.close()


def test_scroll_shades_leave_the_caption_alone_in_dark_mode(browser, base):
    """conclusion's table of He's two conditions scrolls on a phone; its caption's pixels are the
    same with the shades painted and with them transparent."""
    page = opened(browser, base + "conclusion.html", mode="dark", open_boxes=True)
    try:
        # the table is stacked on a phone (docs/_ext/phone_tables.py): laid out as a table again,
        # it scrolls, as a table wider than a phone's column would
        readability.unstack(page)
        scroll, width = page.evaluate(_SCROLL, "tab-conclusion-he-modes")
        assert scroll > width, "the table no longer scrolls: pick another one that does"
        # two screenshots compared pixel for pixel: nothing is to change between them but the
        # shade. The sections lazy_layout.js shows in idle moments may move the caption (by fractions
        # of a pixel, which change its rasterised pixels), and a face first used by the caption
        # loads once it is laid out (font-display: swap): both over before the first shot.
        page.wait_for_function(checks.ALL_SHOWN, timeout=checks.WAIT_MS)
        caption = page.locator("#tab-conclusion-he-modes > caption")
        caption.scroll_into_view_if_needed()
        page.evaluate("document.fonts.ready.then(() => true)")
        checks.settle(page)
        shaded = caption.screenshot(animations="disabled")
        page.evaluate("""() => document.querySelector('#tab-conclusion-he-modes')
            .closest('.pst-scrollable-table-container').style.setProperty('--xv-scroll-shade', 'transparent')""")
        plain = caption.screenshot(animations="disabled")
        shade_seen = page.evaluate("""() => getComputedStyle(document.querySelector('#tab-conclusion-he-modes')
            .closest('.pst-scrollable-table-container')).backgroundImage""")
        assert "gradient" in shade_seen
        assert shaded == plain, "the scroll shades change the caption's pixels"
    finally:
        page.context.close()


# -- 3. links in exercises ------------------------------------------------------------------------

_LINKS = """() => {
  const canvas = document.createElement('canvas'); canvas.width = canvas.height = 1;
  const ctx = canvas.getContext('2d', {willReadFrequently: true});
  const rgba = (c) => { ctx.clearRect(0, 0, 1, 1); ctx.fillStyle = '#000'; ctx.fillStyle = c;
    ctx.fillRect(0, 0, 1, 1); return [...ctx.getImageData(0, 0, 1, 1).data]; };
  const page = rgba(getComputedStyle(document.body).backgroundColor);
  const ground = (e) => {  // the composited background under e: its own and its ancestors', over the page
    const layers = [];
    for (let x = e; x; x = x.parentElement) {
      const c = rgba(getComputedStyle(x).backgroundColor);
      if (c[3] > 0) layers.push(c);
      if (c[3] === 255) break;
    }
    let out = layers.length && layers[layers.length - 1][3] === 255 ? layers.pop().slice(0, 3) : page.slice(0, 3);
    for (const c of layers.reverse()) out = out.map((v, k) => v + (c[k] - v) * c[3] / 255);
    return out;
  };
  const out = [];
  for (const a of document.querySelectorAll('.exercise a[href]')) {
    for (const e of [a, ...a.querySelectorAll('*')]) {
      if (![...e.childNodes].some(n => n.nodeType === 3 && n.textContent.trim())) continue;
      out.push({text: e.textContent.trim().slice(0, 30), fg: rgba(getComputedStyle(e).color).slice(0, 3), bg: ground(e)});
    }
  }
  return out;
}"""


@pytest.mark.parametrize("mode", ["light", "dark"])
def test_links_in_exercises_have_contrast(browser, base, mode):
    page = opened(browser, base + "conclusion.html", mode=mode, viewport={"width": 1280, "height": 900})
    try:
        links = page.evaluate(_LINKS)
        assert links, "no link in conclusion's exercises to measure"
        low = [(k["text"], round(float(checks.contrast_ratio(k["fg"], k["bg"])), 2), k["fg"], k["bg"])
               for k in links if checks.contrast_ratio(k["fg"], k["bg"]) < 4.5]
        assert not low, low
    finally:
        page.context.close()


# -- 4. the solution's toggle ---------------------------------------------------------------------

_TOGGLES = """() => [...document.querySelectorAll('.admonition.solution button.toggle-button')].map(b => {
  const r = b.getBoundingClientRect();
  const title = b.closest('.admonition-title');
  const words = document.createRange();
  const text = [...title.childNodes].filter(n => n.nodeType === 3 && n.textContent.trim());
  words.setStartBefore(text[0]); words.setEndAfter(text[text.length - 1]);
  const w = words.getBoundingClientRect();
  return {width: r.width, height: r.height, left: r.left, right: r.right, top: r.top, bottom: r.bottom,
          shown: getComputedStyle(b, '::before').content, name: b.getAttribute('aria-label'),
          words: [w.left, w.right, w.top, w.bottom], screen: innerWidth};
})"""


@pytest.mark.parametrize("name", ["signals.html", "conclusion.html"])
def test_solution_toggle_is_a_labelled_44px_target_on_a_phone(browser, base, name):
    page = opened(browser, base + name)
    try:
        toggles = page.evaluate(_TOGGLES)
        assert toggles, f"{name} has no solution"
        for t in toggles:
            assert t["height"] >= 44 and t["width"] >= 44, t
            assert t["shown"] == '"Show the solution"', t
            assert t["name"] == "Show the solution", t
            assert 0 <= t["left"] and t["right"] <= t["screen"], t
            wl, wr, wt, wb = t["words"]
            overlap = min(wr, t["right"]) > max(wl, t["left"]) and min(wb, t["bottom"]) > max(wt, t["top"])
            assert not overlap, f"the toggle lies over the title's words: {t}"
        button = page.locator(".admonition.solution button.toggle-button").first
        button.click()
        assert button.get_attribute("aria-expanded") == "true"
        assert button.get_attribute("aria-label") == "Hide the solution"
    finally:
        page.context.close()


# -- 5. installing xavier -------------------------------------------------------------------------


def test_the_site_says_how_to_install_xavier(browser, base):
    page = opened(browser, base + "reproducibility.html", viewport={"width": 1280, "height": 900})
    try:
        text = page.locator("main").inner_text()
        assert "pip install -e" in text, "the reproducibility page does not say how to install xavier"
        page.goto(base + "conclusion.html", wait_until="load")
        href = page.evaluate("""() => [...document.querySelectorAll('.dropdown-download-buttons a[href]')]
            .map(a => a.getAttribute('href')).find(h => h.endsWith('.ipynb'))""")
        assert href, "conclusion.html offers no notebook"
        notebook = json.loads(page.evaluate("(h) => fetch(h).then(r => r.text())", href))
        first = notebook["cells"][0]
        source = "".join(first["source"])
        assert first["cell_type"] == "markdown", source
        assert "pip install -e" in source and "docs" in source, source
        imports = "".join("".join(c["source"]) for c in notebook["cells"] if c["cell_type"] == "code")
        assert "import conclusion" in imports  # the reason the notebook must run from docs/
    finally:
        page.context.close()

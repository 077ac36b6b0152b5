"""Code blocks and sections laid out after the page has loaded (``docs/_ext/lazy_layout.py``,
issue 20).

While a page arrives, its code blocks (``div.highlight``) and its sections of the second level
are skipped by the frames that lay it out (``content-visibility: auto``); once it has loaded, they
are shown one at a time when the browser is idle, and the theme's Tab stops for scrollable blocks
are found block by block. What a reader gets must be what the site gave before:

* far blocks are skipped at first (the point of it; fails without lazy_layout.css);
* a skipped block is as tall as the block shown (its estimate from its lines), so nothing moves
  when it is shown and a link into the page lands at its target;
* a few seconds after the load every block is shown: its code is in the accessibility tree, as
  Chromium leaves a skipped block's text out of it;
* every scrollable block is a Tab stop and no other one, as the theme's own scan decides with
  every block laid out (computed here with the blocks forced visible), whether the blocks were
  checked when idle or at the first Tab key;
* find-in-page finds code in a skipped block, and print lays out every block;
* far sections are skipped at first; the page's height with them skipped is within a quarter of
  its height laid out (their estimates), a link into the page still lands at its target once
  every section is shown, and print lays out every section. (``test_maths.py`` checks that every
  formula is in the accessibility tree once they are shown.)
* in a section laid out, its large blocks (``data-xl``) far below the screen are skipped, those on
  it are not; the page's height counts their estimates (the height test above shows them too).
"""

import os
import re
from pathlib import Path

import pytest

import checks
from test_readable import base, browser  # noqa: F401 - the same fixtures: one Chromium, the site served

ROOT = Path(__file__).resolve().parents[2]
SITE = Path(os.environ.get("XAVIER_SITE", ROOT / "_build" / "html")).resolve()
BUILT = (SITE / "searchindex.js").is_file()
PAGES = [f"{d}.html" for d in checks.docnames(SITE)] if BUILT else []
# pages with at least six code blocks: long enough that some start far below the first screen
CODE_PAGES = [p for p in PAGES if (SITE / p).read_text(encoding="utf-8").count('<div class="highlight"') >= 6]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
SCROLLABLE = checks.SCROLLABLE  # the theme's selector of blocks that may scroll
ALL_SHOWN = checks.ALL_SHOWN
# every block that may scroll has been checked by lazy_layout.js (it sets tabIndex, 0 or -1)
_ALL_CHECKED = f"() => [...document.querySelectorAll({SCROLLABLE!r})].every(e => e.hasAttribute('tabindex'))"
# every block laid out (evaluate, not add_style_tag: that waits for an onload no page without
# scripts fires)
_FORCE_VISIBLE = """() => { const s = document.createElement('style');
  s.textContent = 'div.highlight > pre { content-visibility: visible !important; }';
  document.head.append(s); }"""


@pytest.fixture
def tab(browser):
    made = []

    def make(url, viewport=PHONE, until="load", script=True, init=None, lazy=True):
        """``script=False``: as the page arrives, before any script shows a block; ``lazy=False``:
        every script of the page runs but lazy_layout.js, which would show them; ``init``: a script
        run in the page before its own."""
        ctx = browser.new_context(viewport=viewport, service_workers="block", java_script_enabled=script)
        ctx.set_default_timeout(checks.PAGE_TIMEOUT_MS)
        if not lazy:
            ctx.route("**/lazy_layout.js*", lambda route: route.abort())
        if init:
            ctx.add_init_script(init)
        made.append(ctx)
        page = ctx.new_page()
        page.goto(url, wait_until=until)
        return page

    yield make
    for ctx in made:
        ctx.close()


_SKIPPED = """() => [...document.querySelectorAll('div.highlight')].map(h => ({
  skipped: !h.firstElementChild.firstElementChild.checkVisibility({contentVisibilityAuto: true}),
  top: h.getBoundingClientRect().top, height: h.getBoundingClientRect().height}))"""


def test_far_code_blocks_are_skipped_while_the_page_arrives(tab, base):
    page = tab(base + "beyond.html", script=False)
    blocks = page.evaluate(_SKIPPED)
    far = [b for b in blocks if b["top"] > 3 * PHONE["height"]]  # Chromium lays out 1.5 screens ahead
    assert far, "beyond.html has no code block three screens down"
    assert all(b["skipped"] for b in far), f"{sum(not b['skipped'] for b in far)} far blocks laid out"


@pytest.mark.parametrize("name", CODE_PAGES)
def test_a_skipped_block_is_as_tall_as_shown(tab, base, name):
    page = tab(base + name, script=False)
    before = page.evaluate(_SKIPPED)
    page.evaluate(_FORCE_VISIBLE)
    after = page.evaluate(_SKIPPED)
    skipped = [(b["height"], a["height"]) for b, a in zip(before, after) if b["skipped"]]
    assert skipped, f"{name}: no code block skipped as the page arrived"
    off = [(round(b, 1), round(a, 1)) for b, a in skipped if abs(b - a) > 2]
    assert not off, f"{name}: estimated vs laid-out heights (px) differ by over 2 px: {off}"


# Safari as lazy_layout.js sees it: no overflow-anchor (its stylesheet's @supports still holds in
# Chromium, so the sections arrive skipped and the script must show them at once)
_NO_ANCHORING = """CSS.supports = ((supports) => (...a) =>
  a.join(' ').includes('overflow-anchor') ? false : supports.apply(CSS, a))(CSS.supports);"""


@pytest.mark.parametrize("anchoring", [True, False], ids=["scroll anchoring", "none (Safari)"])
@pytest.mark.parametrize("name", ["signals.html", "justification.html"])
def test_a_link_lands_at_its_target(tab, base, name, anchoring):
    """The target, a section in the middle of the page, has code blocks and skipped sections above
    and below, which take their real height once shown; the theme's header (and scroll-padding)
    put it 60-70 px from the top, with or without lazy layout, with or without the browser's
    scroll anchoring (Safari has none: lazy_layout.js scrolls by the difference itself)."""
    page = tab(base + name)
    target = page.evaluate("""() => { const hs = [...document.querySelectorAll('div.highlight')];
      const after = hs[Math.floor(hs.length / 2)];
      return [...document.querySelectorAll('main section[id]')].find(e =>
        after.compareDocumentPosition(e) & Node.DOCUMENT_POSITION_FOLLOWING).id; }""")
    page = tab(f"{base}{name}#{target}", init=None if anchoring else _NO_ANCHORING)
    page.wait_for_function(ALL_SHOWN, timeout=20_000)
    # the last sections shown move what is above the target, and scroll anchoring (or the script)
    # moves the page back: where it lands, once it is the same at two frames in a row
    top = checks.wait_stable(page, f"() => document.getElementById({target!r}).getBoundingClientRect().top")
    assert 0 <= top <= 100, f"#{target} is {top:.0f} px from the top of the window"


_SECTIONS = """() => [...document.querySelectorAll('article.bd-article > section > section')].map(s => ({
  skipped: !s.firstElementChild.checkVisibility({contentVisibilityAuto: true}),
  top: s.getBoundingClientRect().top}))"""
_SHOW_SECTIONS = """() => { for (const s of document.querySelectorAll('article.bd-article > section > section, article.bd-article [data-xl]'))
  s.classList.add('xl-shown'); return document.documentElement.scrollHeight; }"""
_BLOCKS = """() => [...document.querySelectorAll('article.bd-article [data-xl]')].map(b => ({
  skipped: !b.firstElementChild.checkVisibility({contentVisibilityAuto: true}),
  top: b.getBoundingClientRect().top}))"""
LONG_PAGES = ["why.html", "signals.html", "xavier_init.html", "justification.html", "beyond.html"]


def test_far_sections_are_skipped_while_the_page_arrives(tab, base):
    page = tab(base + "justification.html", script=False)
    far = [s for s in page.evaluate(_SECTIONS) if s["top"] > 3 * PHONE["height"]]
    assert len(far) >= 3, "justification.html has fewer than three sections three screens down"
    assert all(s["skipped"] for s in far), f"{sum(not s['skipped'] for s in far)} far sections laid out"


def test_far_blocks_of_a_shown_section_are_skipped_while_the_page_arrives(tab, base):
    """In a section that is laid out (it comes into view), its large blocks far below the screen
    are not: the frame that lays out the section lays out only what is near the viewport."""
    page = tab(base + "conclusion.html", script=False)
    page.evaluate("""() => { for (const s of document.querySelectorAll('article.bd-article > section > section'))
      s.classList.add('xl-shown'); }""")
    blocks = page.evaluate(_BLOCKS)
    far = [b for b in blocks if b["top"] > 3 * PHONE["height"]]
    near = [b for b in blocks if 0 <= b["top"] < PHONE["height"]]
    assert len(far) >= 5, f"conclusion.html has {len(far)} large blocks three screens down"
    assert all(b["skipped"] for b in far), f"{sum(not b['skipped'] for b in far)} far blocks laid out"
    assert near and not any(b["skipped"] for b in near), f"blocks on the screen skipped: {near}"


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
@pytest.mark.parametrize("name", LONG_PAGES)
def test_a_page_with_sections_skipped_is_about_as_tall(tab, base, name, viewport):
    """The scroll bar tells the reader about where they are: the page's height with its far
    sections at their estimated heights is within a quarter of its height with every section
    laid out. Measured as a reader's browser has it before lazy_layout.js shows the sections: the
    other scripts ran, so the exercises' solutions are collapsed (sphinx-togglebutton), as the
    estimates count them. (Without scripts every solution is open, and the exercises of
    justification are 2,211 px tall against 772: the page came out at 0.73 of its height on one
    machine, 0.79 on another, depending on which sections were near enough to be laid out.)"""
    page = tab(base + name, viewport=viewport, lazy=False)
    assert any(s["skipped"] for s in page.evaluate(_SECTIONS)), f"{name}: no section skipped"
    estimated = page.evaluate("() => document.documentElement.scrollHeight")
    real = page.evaluate(_SHOW_SECTIONS)
    assert abs(estimated / real - 1) <= 0.25, f"{name}: {estimated} px estimated, {real} px laid out"


def _ax_names(page) -> str:
    cdp = page.context.new_cdp_session(page)
    nodes = cdp.send("Accessibility.getFullAXTree")["nodes"]
    return "\n".join(n.get("name", {}).get("value", "") for n in nodes if not n.get("ignored"))


# the longest word of each code block a reader can see (not in a closed box)
_WORDS = """() => [...document.querySelectorAll('div.highlight pre')].filter(p => p.checkVisibility()).map(p =>
  (p.textContent.match(/[A-Za-z_][A-Za-z_0-9]{5,}/g) || []).sort((a, b) => b.length - a.length)[0])
  .filter(Boolean)"""


@pytest.mark.parametrize("name", ["signals.html", "beyond.html"])
def test_every_code_block_reaches_the_accessibility_tree(tab, base, name):
    """Once the blocks are shown, the tree holds the code that it holds with every block forced
    visible (Chromium leaves a few words of a long page out of the tree either way)."""
    page = tab(base + name)
    page.wait_for_function(ALL_SHOWN, timeout=20_000)
    got = _ax_names(page)
    page.evaluate(_FORCE_VISIBLE)
    want = _ax_names(page)
    words = page.evaluate(_WORDS)
    there = [w for w in words if re.search(rf"\b{w}\b", want)]
    missing = [w for w in there if not re.search(rf"\b{w}\b", got)]
    assert len(there) >= len(words) / 2, f"{name}: {there} of {words} in the tree"
    assert not missing, f"{name}: code words not in the accessibility tree: {missing}"


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
@pytest.mark.parametrize("when", ["idle", "first Tab"])
@pytest.mark.parametrize("name", CODE_PAGES)
def test_scrollable_blocks_are_the_tab_stops(tab, base, name, when, viewport):
    page = tab(base + name, viewport=viewport)
    if when == "idle":
        page.wait_for_function(ALL_SHOWN, timeout=20_000)
        # the checks follow the blocks, each in an idle moment: until each block has been checked
        # (given a tabindex), however long that takes
        page.wait_for_function(_ALL_CHECKED, timeout=checks.WAIT_MS)
    else:
        page.keyboard.press("Tab")
    got = page.evaluate(f"() => [...document.querySelectorAll({SCROLLABLE!r})].map(e => e.tabIndex)")
    page.evaluate(_FORCE_VISIBLE)
    want = page.evaluate(f"""() => [...document.querySelectorAll({SCROLLABLE!r})].map(e =>
      e.scrollWidth > e.clientWidth || e.scrollHeight > e.clientHeight ? 0 : -1)""")
    assert len(want) == len(got) > 0, f"{name}: {len(got)} blocks, then {len(want)}"
    wrong = [i for i, (g, w) in enumerate(zip(got, want)) if g != w]
    assert not wrong, f"{name}, {when}: Tab stops {[got[i] for i in wrong]}, should be {[want[i] for i in wrong]} (blocks {wrong})"


def test_find_in_page_finds_code_in_a_skipped_block(tab, base):
    page = tab(base + "beyond.html", script=False)
    word, skipped = page.evaluate("""() => { const hs = [...document.querySelectorAll('div.highlight')];
      const h = hs.reverse().find(h => /[A-Za-z_][A-Za-z_0-9]{5,}/.test(h.textContent));
      const w = h.textContent.match(/[A-Za-z_][A-Za-z_0-9]{5,}/g).sort((a, b) => b.length - a.length)[0];
      return [w, !h.firstElementChild.firstElementChild.checkVisibility({contentVisibilityAuto: true})]; }""")
    assert skipped, "beyond.html's last code block with a word was laid out as the page arrived"
    assert page.evaluate(f"() => window.find({word!r}, true)"), f"find-in-page does not find {word!r}"


@pytest.mark.parametrize("name", ["signals.html", "beyond.html"])
def test_print_lays_out_every_block_and_section(tab, base, name):
    page = tab(base + name, script=False)
    page.emulate_media(media="print")
    skipped = [b for b in page.evaluate(_SKIPPED) if b["skipped"]]
    assert not skipped, f"{name}: {len(skipped)} code blocks skipped in print"
    sections = [s for s in page.evaluate(_SECTIONS) if s["skipped"]]
    assert not sections, f"{name}: {len(sections)} sections skipped in print"

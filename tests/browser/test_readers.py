"""Every reader, every tool (issue 21): copying code, the keyboard, reduced motion, phones, paper.

Each test opens pages of the built site (``$XAVIER_SITE``, default ``_build/html``) in headless
Chromium and acts as a reader would:

* every copy button of every page, pressed from the keyboard, puts exactly the block's input lines
  on the clipboard (read back with ``navigator.clipboard``): for a doctest block the sources of its
  examples as Python's own ``doctest`` parser reads them, for a console block the commands after
  ``$``, otherwise the whole block; Python code copied parses. The button keeps the focus and its
  tooltip shows;
* on why.html at 1280 px, with a full-width figure in view, every Tab stop in the contents sidebar
  is visible (the topmost element at its centre); Escape in a phone's navigation drawer gives the
  focus back to the button that opened it;
* under ``prefers-reduced-motion: reduce`` nothing on a page has a transition or an animation;
* at 390 px no page is wider than the screen;
* printed from dark mode, text is dark ink on white paper and figures are not dimmed;
* printed (``page.pdf``, A4), every figure's caption is on the page of its image, no tab label ends
  a page, no page but the last is nearly empty, and the sentence in a widget's place gives the
  address of the live page.
"""

from __future__ import annotations

import ast
import doctest
import os
import re
from pathlib import Path

import pytest

import checks
import pdfpages
from test_readable import base, browser  # noqa: F401 (fixtures: one Chromium, the site served)

ROOT = Path(__file__).resolve().parents[2]
SITE = Path(os.environ.get("XAVIER_SITE", ROOT / "_build" / "html")).resolve()
BUILT = (SITE / "searchindex.js").is_file()
PAGES = checks.site_pages(SITE) if BUILT else []
PHONE = {"width": 390, "height": 844}
NARROW_PHONE = {"width": 375, "height": 667}
TIMEOUT = 60_000


def opened(browser, url: str, *, mode="light", viewport=None, clipboard=False):
    """A page of a fresh context (``checks.new_context``: reduced motion asked for), loaded."""
    context = checks.new_context(browser, mode)
    context.set_default_timeout(TIMEOUT)
    if clipboard:
        origin = re.match(r"https?://[^/]+", url).group()
        context.grant_permissions(["clipboard-read", "clipboard-write"], origin=origin)
    page = context.new_page()
    if viewport:
        page.set_viewport_size(viewport)
    page.goto(url, wait_until="load")  # the maths is typeset already (docs/_ext/buildmath.py)
    page.evaluate("document.fonts.ready.then(() => true)")
    return page


# -- 1. Copy buttons ---------------------------------------------------------------------------

_BLOCKS = """() => [...document.querySelectorAll('button.copybtn')].map(b => {
  const pre = document.querySelector(b.getAttribute('data-clipboard-target'));
  const box = pre.closest('div[class*="highlight-"]');
  const language = box ? [...box.classList].find(c => c.startsWith('highlight-')) : '';
  return {text: pre.textContent, language: (language || '').replace('highlight-', ''),
          prompts: pre.querySelectorAll('.gp').length};
})"""

_AFTER_COPY = """(k) => {
  const b = document.querySelectorAll('button.copybtn')[k];
  const tip = getComputedStyle(b, '::after');
  return {focused: document.activeElement === b, active: document.activeElement.tagName,
          tip: tip.content, opacity: tip.opacity, visibility: tip.visibility};
}"""

PYTHON = {"python", "python3", "ipython", "ipython3", "pycon", "default"}


def input_lines(text: str, prompts: bool = True) -> str:
    """What a reader means to copy from a code block's text (prompts and all, as displayed).

    In a block with prompts (``prompts``: Pygments marked some, as in a doctest or a console
    session, not in a module's source whose docstrings hold examples): for a doctest (a line
    starting ``>>>``) the source of each example, as :class:`doctest.DocTestParser` reads it
    (prompts removed, outputs and tracebacks left out); for a console session (lines starting
    ``$ ``) the commands. Otherwise the whole text. No final newline (a pasted newline would run
    the last line at once).
    """
    if prompts and re.search(r"^\s*>>>", text, re.M):
        return "".join(e.source for e in doctest.DocTestParser().get_examples(text)).rstrip("\n")
    if prompts and re.search(r"^\$ ", text, re.M):
        commands, going_on = [], False
        for line in text.splitlines():
            if line.startswith("$ ") or going_on:
                commands.append(line[2:] if line.startswith("$ ") and not going_on else line)
                going_on = line.endswith("\\")
        return "\n".join(commands)
    return text.removesuffix("\n")


def python_parses(code: str) -> str | None:
    """``None`` if ``code`` is valid Python (IPython's ``%`` magics translated first), else why."""
    from IPython.core.inputtransformer2 import TransformerManager

    try:
        ast.parse(TransformerManager().transform_cell(code))
    except SyntaxError as exc:
        return f"{exc.msg} at line {exc.lineno}"
    return None


def test_input_lines_reads_doctests_as_doctest_does():
    """The expected text is computed independently of sphinx-copybutton (a check on the check)."""
    block = (">>> x = [1,\n...      2]\n>>> x\n[1, 2]\n\n>>> 1 / 0\nTraceback (most recent call last):\n"
             "    ...\nZeroDivisionError: division by zero\n")
    assert input_lines(block) == "x = [1,\n     2]\nx\n1 / 0"
    assert input_lines("$ make html \\\n  -j 2\n$ make test\nok\n") == "make html \\\n  -j 2\nmake test"
    assert input_lines('"""Doc.\n\n>>> f()\n1\n"""\n', prompts=False) == '"""Doc.\n\n>>> f()\n1\n"""'
    assert python_parses("Traceback (most recent call last):") is not None


@pytest.mark.parametrize("name", PAGES)
def test_copy_buttons_copy_the_input_lines(browser, base, name):
    """Enter on each copy button puts the block's input lines on the clipboard, nothing else;
    Python parses what it copies; the button keeps the focus and shows "Copied!"."""
    page = opened(browser, base + name, clipboard=True)
    try:
        # a hidden cell's code and its button show once its "Show code cell source" is opened
        page.evaluate("() => document.querySelectorAll('details').forEach(d => { d.open = true; })")
        # and an exercise's solution once its toggle button is pressed (sphinx-togglebutton)
        page.evaluate("() => document.querySelectorAll('.toggle.toggle-hidden')"
                      ".forEach(a => a.querySelector('button.toggle-button').click())")
        blocks = page.evaluate(_BLOCKS)
        if not blocks:
            pytest.skip(f"{name} has no copy button")
        problems = []
        for k, block in enumerate(blocks):
            page.evaluate("() => navigator.clipboard.writeText('(nothing copied)')")
            button = page.locator("button.copybtn").nth(k)
            button.focus()
            page.keyboard.press("Enter")
            copied = page.evaluate("() => navigator.clipboard.readText()")
            after = page.evaluate(_AFTER_COPY, k)
            where = f"block {k + 1} ({block['language']}, {block['text'][:40]!r})"
            wanted = input_lines(block["text"], block["prompts"] > 0)
            if copied != wanted:
                problems.append(f"{where} copies {copied!r}, not its input lines {wanted!r}")
            if block["language"] in PYTHON and (why := python_parses(copied)):
                problems.append(f"{where}: the copied code is not Python: {why}")
            if not after["focused"]:
                problems.append(f"{where}: after Enter the focus is on <{after['active']}>")
            if after["tip"] != '"Copied!"' or after["opacity"] != "1" or after["visibility"] != "visible":
                problems.append(f"{where}: the tooltip is not shown to the keyboard ({after})")
        assert not problems, f"{len(problems)} problems in {len(blocks)} blocks:\n" + "\n".join(problems)
    finally:
        page.context.close()


# -- 2. Focus never on something hidden ---------------------------------------------------------

_FOCUS_SEEN = """() => {
  const e = document.activeElement;
  const r = e.getBoundingClientRect();
  if (!r.width || !r.height) return {seen: false, why: 'no box', text: e.textContent.trim()};
  const x = r.left + r.width / 2, y = r.top + r.height / 2;
  if (y < 0 || y > innerHeight || x < 0 || x > innerWidth)
    return {seen: false, why: 'off the screen', text: e.textContent.trim()};
  let opacity = 1;
  for (let a = e; a; a = a.parentElement) opacity *= parseFloat(getComputedStyle(a).opacity);
  const top = document.elementFromPoint(x, y);
  const covered = !(top === e || e.contains(top));
  return {seen: !covered && opacity > 0.5,
          why: covered ? `under <${top.tagName.toLowerCase()} class="${top.className}">` : `opacity ${opacity}`,
          text: e.textContent.trim()};
}"""


def test_contents_sidebar_links_seen_when_focused(browser, base):
    """On why.html at 1280 px, with each full-width figure in turn in view, every Tab stop in the
    right-hand contents sidebar is visible when it has the focus (not under the figure, not in
    the theme's collapsed, transparent table of contents)."""
    page = opened(browser, base + "why.html")
    try:
        shown = page.evaluate("() => [...document.querySelectorAll('main figure.full-width')]"
                              ".filter(f => f.checkVisibility()).length")
        assert shown > 0, "no full-width figure shown"
        hidden, stops = [], 0
        for k in range(min(shown, 4)):
            page.evaluate("(k) => [...document.querySelectorAll('main figure.full-width')]"
                          ".filter(f => f.checkVisibility())[k].scrollIntoView({block: 'center'})", k)
            checks.settle(page)  # the theme's IntersectionObserver collapses the contents, at a frame
            page.evaluate("() => document.querySelector('.bd-sidebar-secondary a[href]')"
                          ".focus({preventScroll: true})")
            for step in range(60):
                if step:
                    page.keyboard.press("Tab")
                if not page.evaluate("() => !!document.activeElement.closest('.bd-sidebar-secondary')"):
                    break
                stops += 1
                state = page.evaluate(_FOCUS_SEEN)
                if not state["seen"]:
                    hidden.append(f"figure {k + 1}: {state['text']!r} {state['why']}")
        assert stops > 0, "no Tab stop in the contents sidebar"
        assert not hidden, f"{len(hidden)} of {stops} Tab stops hidden:\n" + "\n".join(hidden)
    finally:
        page.context.close()


_ICON_FONTS = """() => {
  const declared = new Set([...document.fonts].map(f => f.family.replace(/["']/g, '')));
  const wrong = [];
  for (const e of document.querySelectorAll('body *')) {
    for (const pseudo of ['::before', '::after']) {
      const style = getComputedStyle(e, pseudo);
      if (!style.content || style.content === 'none' || style.content === 'normal') continue;
      const family = style.fontFamily.split(',')[0].trim().replace(/["']/g, '');
      if (/awesome/i.test(family) && !declared.has(family)) {
        wrong.push(`${e.className || e.tagName}${pseudo}: ${family}`);
      }
    }
  }
  return {wrong, declared: [...declared].filter(f => /awesome/i.test(f))};
}"""


def test_icons_drawn_in_a_font_the_page_has(browser, base):
    """On why.html at 1280 px, with a full-width figure in view (the theme collapses the contents
    sidebar to its title and a caret), every icon drawn by CSS (``::before``/``::after``) names a
    Font Awesome family that the page declares: the theme's caret asked for "Font Awesome 6 Free",
    not shipped, and showed a missing-glyph box."""
    page = opened(browser, base + "why.html")
    try:
        page.evaluate("() => [...document.querySelectorAll('main figure.full-width')]"
                      ".find(f => f.checkVisibility()).scrollIntoView({block: 'center'})")
        checks.settle(page)  # the theme's IntersectionObserver collapses the contents, at a frame
        assert page.evaluate("() => !!document.querySelector('.bd-sidebar-secondary.hide')"), \
            "the contents sidebar did not collapse with a full-width figure in view"
        state = page.evaluate(_ICON_FONTS)
        assert state["declared"], "no Font Awesome family declared"
        assert not state["wrong"], f"icons in a family the page lacks {state['declared']}: {state['wrong']}"
    finally:
        page.context.close()


def test_escape_in_the_phone_drawer_returns_focus(browser, base):
    """On a phone, Enter on the navigation button opens the drawer; Escape closes it and the focus
    is back on the button (not on <body>)."""
    page = opened(browser, base + "signals.html", viewport=PHONE)
    try:
        problems = []
        for toggle in (".primary-toggle", ".secondary-toggle"):
            buttons = page.locator(toggle)
            shown = [k for k in range(buttons.count()) if buttons.nth(k).is_visible()]
            if toggle == ".primary-toggle":
                assert len(shown) == 1, f"{len(shown)} visible navigation buttons"
            for k in shown:
                buttons.nth(k).focus()
                page.keyboard.press("Enter")
                checks.wait_until(page, "() => !!document.querySelector('dialog[open]')")
                assert page.evaluate("() => !!document.querySelector('dialog[open]')"), \
                    f"{toggle} opened no drawer"
                page.keyboard.press("Escape")
                checks.wait_until(page, "(b) => !document.querySelector('dialog[open]')"
                                  " && document.activeElement === b", buttons.nth(k).element_handle())
                if page.evaluate("() => !!document.querySelector('dialog[open]')"):
                    problems.append(f"Escape did not close the drawer of {toggle}")
                focused = page.evaluate("(b) => document.activeElement === b ? 'the button' : "
                                        "document.activeElement.tagName", buttons.nth(k).element_handle())
                if focused != "the button":
                    problems.append(f"after Escape in the drawer of {toggle} the focus is on <{focused}>")
        assert not problems, "\n".join(problems)
    finally:
        page.context.close()


# -- 3. Reduced motion ---------------------------------------------------------------------------

_MOVING = """() => {
  const seconds = s => Math.max(...s.split(',').map(v => parseFloat(v) * (v.trim().endsWith('ms') ? 0.001 : 1)));
  const out = [];
  for (const e of document.querySelectorAll('*')) {
    for (const pseudo of [null, '::before', '::after']) {
      const st = getComputedStyle(e, pseudo);
      if (pseudo && st.content === 'none') continue;
      const moves = (seconds(st.transitionDuration) > 0 && st.transitionProperty !== 'none')
                    || (st.animationName !== 'none' && seconds(st.animationDuration) > 0);
      if (moves) out.push(`<${e.tagName.toLowerCase()} class="${String(e.className).slice(0, 40)}">`
                          + `${pseudo || ''}: transition ${st.transitionProperty} ${st.transitionDuration},`
                          + ` animation ${st.animationName} ${st.animationDuration}`);
    }
  }
  return out;
}"""


@pytest.mark.parametrize("viewport", [None, PHONE], ids=["1280", "390"])
@pytest.mark.parametrize("name", ["why.html", "api/init.html"])
def test_reduced_motion_stops_every_transition(browser, base, name, viewport):
    """With ``prefers-reduced-motion: reduce`` no element (nor its ::before/::after) has a
    transition or an animation that takes time."""
    page = opened(browser, base + name, viewport=viewport)
    try:
        assert page.evaluate("matchMedia('(prefers-reduced-motion: reduce)').matches")
        moving = page.evaluate(_MOVING)
        assert not moving, f"{len(moving)} elements still move:\n" + "\n".join(moving[:20])
    finally:
        page.context.close()


# -- 4. Phones -----------------------------------------------------------------------------------

_WIDEST = """() => {
  const width = document.documentElement.clientWidth;
  const out = [];
  for (const e of document.body.querySelectorAll('*')) {
    const r = e.getBoundingClientRect();
    if (r.right > width + 1 && e.checkVisibility({visibilityProperty: true})) {
      let clipped = false;  // inside a box that scrolls or clips: the page itself does not widen
      for (let a = e.parentElement; a && a !== document.body; a = a.parentElement)
        if (/(auto|scroll|hidden|clip)/.test(getComputedStyle(a).overflowX)
            && a.getBoundingClientRect().right <= width + 1) { clipped = true; break; }
      if (!clipped) out.push([Math.round(r.right), `<${e.tagName.toLowerCase()} class="${String(e.className).slice(0, 40)}"> ${e.textContent.trim().slice(0, 40)}`]);
    }
  }
  return {scroll: document.documentElement.scrollWidth, width, widest: out.sort((a, b) => b[0] - a[0]).slice(0, 5)};
}"""


@pytest.mark.parametrize("name", PAGES)
def test_no_page_wider_than_a_phone(browser, base, name):
    """At 375 px (the narrowest phones in use; the other phone tests take 390) the page does not
    scroll sideways: long code and signatures wrap or scroll in their own box. At 375 px
    api/network was 379 px wide (a field list as wide as a cross-reference, session 32's reader)."""
    page = opened(browser, base + name, viewport=NARROW_PHONE)
    try:
        state = page.evaluate(_WIDEST)
        assert state["scroll"] <= state["width"], \
            f"{state['scroll']} px wide on a {state['width']} px screen; widest: {state['widest']}"
    finally:
        page.context.close()


# -- 5. and 6. Paper -----------------------------------------------------------------------------


def printed(page) -> None:
    """Print media from now on, as when the reader prints: the page's listeners for a change of
    media (``matchMedia('print')``) run at the next frame, so two frames are waited for."""
    page.emulate_media(media="print")
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")

_INK = """() => {
  const out = {texts: 0, pale: [], filtered: []};
  const parse = c => (c.match(/[\\d.]+/g) || []).map(Number);
  for (const e of document.querySelectorAll('main *')) {
    if (!e.checkVisibility()) continue;
    const own = [...e.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
    if (own) {
      out.texts += 1;
      const [r, g, b, a = 1] = parse(getComputedStyle(e).color);
      out.pale.push([r, g, b, a, e.tagName.toLowerCase(), e.textContent.trim().slice(0, 30)]);
    }
    if (e.tagName === 'IMG') {
      let filter = [];
      for (let a = e; a; a = a.parentElement) {
        const f = getComputedStyle(a).filter;
        if (f && f !== 'none') filter.push(f);
      }
      if (filter.length) out.filtered.push([e.getAttribute('src'), filter.join(' ')]);
    }
  }
  return out;
}"""


@pytest.mark.parametrize("name", ["why.html", "api/init.html"])
def test_print_from_dark_mode_is_dark_on_white(browser, base, name):
    """Printed from dark mode, all text contrasts at least 4.5:1 with white paper (alpha
    composited on white), and no figure keeps the dark mode's dimming filter."""
    page = opened(browser, base + name, mode="dark")
    try:
        printed(page)
        state = page.evaluate(_INK)
        assert state["texts"] > 20
        pale = []
        for r, g, b, a, tag, text in state["pale"]:
            rgb = [a * c + (1 - a) * 255 for c in (r, g, b)]
            ratio = float(checks.contrast_ratio(rgb, [255, 255, 255]))
            if ratio < 4.5:
                pale.append(f"<{tag}> {text!r}: {ratio:.2f}:1")
        assert not pale, f"{len(pale)} of {state['texts']} texts pale on paper:\n" + "\n".join(pale[:15])
        assert not state["filtered"], f"figures printed through a filter: {state['filtered'][:5]}"
    finally:
        page.context.close()


_NOTES = """() => ({
  canonical: (document.querySelector('link[rel=canonical]') || {}).href || null,
  notes: [...document.querySelectorAll('p.xw-print')].map(p => ({
      text: p.textContent, links: [...p.querySelectorAll('a[href]')].map(a => a.href),
      printed: p.checkVisibility()})),
})"""


_PRINTED_LINKS = """() => ({
  text: document.querySelector('main').innerText,
  links: [...document.querySelectorAll('main a[href]')].filter(a => a.checkVisibility())
    .map(a => ({text: a.textContent.trim(), href: a.href, internal: a.host === location.host})),
})"""


@pytest.mark.parametrize("name", ["why.html", "xavier_init.html", "conclusion.html"])
def test_print_shows_only_true_addresses(browser, base, name):
    """Printed, a page shows no address that does not exist: no placeholder host (the site printed
    xavier.example.org as its widgets' live address, a fresh reader's finding in session 27); a
    link within the site prints as its text, never as an absolute address; a link whose text is an
    address (a DOI, an arXiv id's page) prints the address it goes to."""
    page = opened(browser, base + name)
    try:
        printed(page)
        state = page.evaluate(_PRINTED_LINKS)
        problems = [f"placeholder host printed: ...{state['text'][max(0, i - 60):i + 40]!r}"
                    for i in [state["text"].find("example.org")] if i >= 0]
        for link in state["links"]:
            shown = link["text"]
            if link["internal"] and re.match(r"https?://", shown):
                problems.append(f"a link within the site prints an address: {shown!r}")
            if not link["internal"] and re.match(r"https?://", shown) \
                    and shown.rstrip("/") != link["href"].rstrip("/"):
                problems.append(f"a link prints {shown!r} but goes to {link['href']!r}")
        assert not problems, "\n".join(problems)
    finally:
        page.context.close()


@pytest.mark.parametrize("name", ["why.html", "xavier_init.html"])
def test_print_layout(browser, base, name):
    """Printed on A4: each figure's caption on the page of its image, right below it; no tab
    label alone at the foot of a page; no nearly empty page but the last; the sentence in a
    widget's place printed, with a link to the live page at the site's address."""
    page = opened(browser, base + name)
    try:
        checks.wait_for_images(page)
        printed(page)
        state = page.evaluate(_NOTES)
        pdf = page.pdf(format="A4", margin={"top": "15mm", "bottom": "15mm", "left": "15mm",
                                            "right": "15mm"})
        pages = pdfpages.layout(pdf)
        captions, labels = pdfpages.captions_and_labels((SITE / name).read_text(encoding="utf-8"))
        assert captions, f"no figure caption found in {name}"
        problems = pdfpages.print_layout_problems(pages, captions, labels)
        for note in state["notes"]:
            wanted = state["canonical"]  # html_baseurl + the page's name, written by Sphinx
            if wanted is None:  # not published: the sentence names the page itself
                if f"open this page of the site, {name}," not in note["text"]:
                    problems.append(f"the widget's printed sentence does not name its page: {note}")
            elif wanted not in note["links"] or wanted not in note["text"]:
                problems.append(f"the widget's printed sentence gives no address: {note}")
            if not note["printed"]:
                problems.append("the widget's sentence is not printed")
        assert not problems, f"{len(pages)} pages:\n" + "\n".join(problems)
    finally:
        page.context.close()

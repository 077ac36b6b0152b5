"""Readable everywhere (issue 9): the site's pages at 1280, 900 and 375 px, light and dark, printed.

Each test opens pages of the built site (``$XAVIER_SITE``, default ``_build/html``) in headless
Chromium and measures with ``readability.py``: formulas not clipped and equation numbers clear of
the maths at every width, the navigation button working at every width, zero serious or critical
axe-core violations in both modes, every tab printed under its label, dark mode from the first
paint, copy buttons on code (not on outputs), glued numbers in the text's weight, lazy figures.
Screenshots of each viewport and of print go to ``$XAVIER_SCREENSHOTS/readable``. Each article
page is opened once per width (the ``measured`` fixture) and the tests read the results; axe-core
runs in ``checks.audit_page``, on every page in both modes (test_site.py).
"""

import os
from pathlib import Path

import pytest

import checks
import readability

ROOT = Path(__file__).resolve().parents[2]
SITE = Path(os.environ.get("XAVIER_SITE", ROOT / "_build" / "html")).resolve()
SHOTS = Path(os.environ.get("XAVIER_SCREENSHOTS", ROOT / "_build" / "screenshots")) / "readable"
BUILT = (SITE / "searchindex.js").is_file()
DOCS = [f"{d}.html" for d in checks.docnames(SITE)] if BUILT else []
ARTICLE = [p for p in DOCS if not p.startswith("api")]  # the pages with figures, maths and tabs
WIDTHS = (1280, 900, 375)
TIMEOUT = 60_000


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        try:
            b = checks.launch(pw)
        except FileNotFoundError as exc:
            pytest.fail(str(exc), pytrace=False)
        yield b
        b.close()


@pytest.fixture(scope="module")
def base():
    if not BUILT:
        pytest.fail(f"{SITE} holds no site: build it first (make html)", pytrace=False)
    with checks.serve(SITE) as url:
        yield url


def open_page(browser, url, *, width=1280, mode="light", stored_mode=True):
    """A page at ``width`` px in ``mode``, loaded and typeset; close its context when done."""
    context = (checks.new_context(browser, mode) if stored_mode else
               browser.new_context(color_scheme=mode, reduced_motion="reduce"))
    context.set_default_timeout(TIMEOUT)
    page = context.new_page()
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(url, wait_until="load")
    checks.wait_for_mathjax(page)
    page.evaluate("document.fonts.ready.then(() => true)")
    return page


_STATE = """() => ({
  code: document.querySelectorAll('div.highlight pre:not(.cell_output pre)').length,
  buttons: document.querySelectorAll('button.copybtn').length,
  onOutputs: document.querySelectorAll('.cell_output button.copybtn').length,
  heavy: [...document.querySelectorAll('span.pasted-text')].filter(e =>
      getComputedStyle(e).fontWeight !== getComputedStyle(e.parentElement).fontWeight)
      .map(e => e.textContent).slice(0, 5),
  eager: [...document.querySelectorAll('main img')].filter(i => i.loading !== 'lazy')
      .map(i => i.getAttribute('src')).slice(0, 5),
  downloads: [...document.querySelectorAll('.dropdown-download-buttons a[href]')]
      .map(a => [a.getAttribute('href'), a.hasAttribute('download')]),
  executed: document.querySelectorAll('.cell').length > 0,
  // Controls a pointer can use that the keyboard cannot reach (tabindex -1, or not focusable).
  unfocusable: [...document.querySelectorAll('a[href], button, summary, input, select, textarea, '
                                             + '[role=button], [onclick], label.sd-tab-label')]
      .filter(e => e.checkVisibility())
      .filter(e => e.matches('label.sd-tab-label')
                   ? (document.getElementById(e.htmlFor) || {tabIndex: -1}).tabIndex < 0
                   : e.tabIndex < 0 && !e.matches('input[type=radio]'))
      .map(e => e.outerHTML.slice(0, 80)).slice(0, 5),
})"""

_KEY_TABS = """() => { const set = document.querySelector('.sd-tab-set');
  return set ? [...set.querySelectorAll(':scope > .sd-tab-content')]
                 .map(c => c.checkVisibility()) : null; }"""


def measure(browser, url: str, name: str, width: int) -> dict:
    """Everything the tests below check on one page at one width (one page load)."""
    context = checks.new_context(browser, "light")
    context.set_default_timeout(TIMEOUT)
    page = context.new_page()
    page.set_viewport_size({"width": width, "height": 900})
    sizes: dict[str, int] = {}
    page.on("requestfinished", lambda r: sizes.__setitem__(r.url, r.sizes()["responseBodySize"]))
    out: dict = {}
    try:
        page.goto(url, wait_until="load")
        checks.wait_for_mathjax(page)
        page.evaluate("document.fonts.ready.then(() => true)")
        page.wait_for_timeout(300)
        out["bytes"] = readability.initial_bytes(sizes)
        out["largest"] = sorted(sizes.items(), key=lambda kv: -kv[1])[:3]
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"{name[:-5]}-{width}.png"), full_page=True)
        out["maths"] = readability.display_math(page)
        if width == 1280:
            out["state"] = page.evaluate(_STATE)
            if page.locator(".sd-tab-set > input").count():  # a tab set works from the keyboard
                page.locator(".sd-tab-set > input").first.focus()
                page.keyboard.press("ArrowRight")
                out["state"]["keyboard_tabs"] = page.evaluate(_KEY_TABS)
                page.keyboard.press("ArrowLeft")
            checks.wait_for_images(page)  # the lazy figures load now, to be measured
            figures, out["caption"] = readability.figure_text(page, SITE)
            labels = page.locator(".sd-tab-set > label.sd-tab-label")
            for k in range(labels.count()):
                labels.nth(k).click()
                figures += readability.figure_text(page, SITE)[0]
            out["figures"] = figures
            out["print"] = readability.print_problems(page)
            page.screenshot(path=str(SHOTS / f"{name[:-5]}-print.png"), full_page=True)
    except Exception as exc:  # reported by every test of this page and width
        out["error"] = f"{type(exc).__name__}: {exc}"
    finally:
        context.close()
    return out


@pytest.fixture(scope="module")
def measured(browser, base):
    """``measured(name, width)`` -> :func:`measure`'s results, each page and width measured once."""
    cache: dict[tuple[str, int], dict] = {}

    def get(name: str, width: int) -> dict:
        if (name, width) not in cache:
            cache[(name, width)] = measure(browser, base + name, name, width)
        result = cache[(name, width)]
        if "error" in result:
            pytest.fail(f"{name} at {width} px: {result['error']}", pytrace=False)
        return result

    return get


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", ARTICLE)
def test_display_formulas_fit(measured, name, width):
    """No display formula is clipped, no equation number overlaps its formula (all tabs shown in
    turn), and all display maths has one size (none smaller in a tab hidden at load)."""
    maths = measured(name, width)["maths"]
    problems = [f"{m['text']!r}: {m['clipped']}" for m in maths if m["clipped"]]
    problems += [f"{m['text']!r}: {m['eqno']}" for m in maths if m["eqno"]]
    assert not problems, "\n".join(problems)
    sizes = {m["scale"] for m in maths}
    assert len(sizes) <= 1, f"display maths in several sizes: {sorted(sizes)} px"


@pytest.mark.parametrize("name", ARTICLE)
def test_print_shows_every_tab_under_its_label(measured, name):
    """Printed, every tab's content shows, right after its own label; no sidebar, no button."""
    problems = measured(name, 1280)["print"]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("name", ARTICLE)
def test_figure_text_at_least_caption_size(measured, name):
    """On the desktop layout every figure's smallest text is at least the captions' text size.

    Measured as the module docstring of ``readability`` says: the text's pixel size in the PNG
    (its ``xavier:min-text-px`` chunk) times the image's displayed width over its pixel width.
    Figures in tabs are measured with their tab shown.
    """
    result = measured(name, 1280)
    figures, caption = result["figures"], result["caption"]
    if not figures:
        pytest.skip(f"{name} shows no figure")
    assert caption, "figures without a caption"
    small = sorted({(None if f["css_px"] is None else round(f["css_px"], 1),
                     f["src"].rsplit("/", 1)[-1]) for f in figures
                    if f["css_px"] is None or f["css_px"] < caption - 0.05}, key=str)
    assert not small, f"figure text smaller than the captions' {caption} px: {small}"


@pytest.mark.parametrize("name", ARTICLE)
def test_copy_buttons_glued_numbers_lazy_figures(measured, name):
    """Copy buttons on code cells and blocks, none on outputs; glued numbers in the text's weight;
    every figure loads lazily."""
    state = measured(name, 1280)["state"]
    assert state["buttons"] == state["code"], state
    assert state["onOutputs"] == 0, state
    assert not state["heavy"], f"glued numbers in bold: {state['heavy']}"
    assert not state["eager"], f"figures not lazy: {state['eager']}"


@pytest.mark.parametrize("name", ARTICLE)
def test_download_menu_saves_the_sources(measured, name):
    """The download menu saves (``download`` attribute) the page's .md, and the executed .ipynb
    of a page with code cells; both files exist."""
    state = measured(name, 1280)["state"]
    links = dict(state["downloads"])
    stem = name[:-5]
    wanted = [f"_sources/{stem}.md"] + ([f"_sources/{stem}.ipynb"] if state["executed"] else [])
    for href in wanted:
        assert links.get(href) is True, f"{href} not offered to save: {state['downloads']}"
        assert (SITE / href).is_file(), f"{href} is missing"


@pytest.mark.parametrize("name", ARTICLE)
def test_keyboard_reaches_every_control(measured, name):
    """Every visible link, button, expander and tab can be focused, and the arrow keys switch
    tabs (the first tab set: the second tab is shown after ArrowRight)."""
    state = measured(name, 1280)["state"]
    assert not state["unfocusable"], state["unfocusable"]
    shown = state.get("keyboard_tabs")
    if shown is not None:
        assert shown[:2] == [False, True], f"after ArrowRight the tabs shown are {shown}"


MAX_INITIAL_BYTES = 2_500_000


@pytest.mark.parametrize("width", [1280, 375])
@pytest.mark.parametrize("name", ARTICLE)
def test_initial_page_weight(measured, name, width):
    """What a page loads before the reader scrolls (lazy figures not yet) is at most 2.5 MB."""
    result = measured(name, width)
    assert result["bytes"] <= MAX_INITIAL_BYTES, \
        f"{result['bytes']:,} bytes; the largest: {result['largest']}"


@pytest.mark.parametrize("width", WIDTHS)
def test_navigation_button_works(browser, base, width):
    """The one visible navigation button opens the navigation (a dialog below 992 px) or hides and
    shows the sidebar (from 992 px); it works from the keyboard too."""
    page = open_page(browser, base + "signals.html", width=width)
    try:
        problems = readability.navigation_problems(page, wide=width >= 992)
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"navigation-{width}.png"))
        assert not problems, "\n".join(problems)
    finally:
        page.context.close()


def test_dark_mode_from_the_first_paint(browser, base):
    """A first visit with the system in dark mode is dark before the theme's script has run."""
    context = browser.new_context(color_scheme="dark")
    context.set_default_timeout(TIMEOUT)
    page = context.new_page()
    try:
        # The theme's own script never runs: what is dark then is dark from the first paint.
        page.route("**/pydata-sphinx-theme.js*", lambda route: route.abort())
        page.goto(base + "why.html", wait_until="domcontentloaded")
        theme = page.evaluate("document.documentElement.dataset.theme")
        background = page.evaluate("getComputedStyle(document.body).backgroundColor")
        assert theme == "dark", theme
        rgb = [float(v) for v in background[background.index("(") + 1:-1].split(",")[:3]]
        assert checks.relative_luminance(rgb) < 0.2, background
    finally:
        context.close()

"""Page checks run in headless Chromium, as plain functions.

The site's tests (``test_site.py``) and the tests that show these checks can fail
(``test_checks_catch_breakage.py``) both go through :func:`audit_page`, which opens one page in a
browser context, runs every check that applies to the context's colour mode and returns the
problems found, by check:

``load``
    the page loads and every check runs to its end (an exception or a time-out is reported here).
``console``
    messages of type ``error`` and uncaught exceptions (``pageerror``).
``requests``
    requests to any host but 127.0.0.1. Every request is routed: local ones go through, the others
    are recorded and aborted, so nothing is ever fetched from another host.
``resources``
    local requests that failed or were answered with an HTTP error (a missing script or font).
``math``
    as the page arrives (the formulas are typeset when the site is built): every
    ``span.math``/``div.math`` holds a typeset formula, no TeX error, MathML beside each formula
    for assistive technology, no formula a Tab stop, every glyph defined, no MathJax script, and
    no raw TeX delimiter (``\\(``, ``\\)``, ``\\[``, ``\\]``, ``$$``, ``\\begin{``, or ``$...$``
    holding a backslash, ``^``, ``_`` or a brace) left in the page's text outside code.
``markup``
    no source markup is shown as prose: a doctest prompt ``>>>`` outside a code block, a MyST
    role (``{numref}`...```), an reStructuredText role (``:math:`...```) or a code fence.
``images``
    every ``<img>`` is decoded (``naturalWidth > 0``, after lazy images were made eager) and has
    non-empty alt text.
``links``
    every link to this server points to a file that exists, and its ``#fragment`` is an ``id``
    (or ``<a name>``) in that file.
``tabs``
    in each sphinx-design tab set, clicking a tab's label shows that tab's content and hides the
    others; in a tab set that holds figures every tab shows a visible, decoded figure, and no two
    tabs show the same image file (the site's images are named by a hash of their content).
``theme``
    the page is really in the colour mode asked for (``<html data-theme>`` and a dark or light
    page background), so that the dark-mode checks are not vacuous.
``contrast``
    every visible piece of text has a WCAG contrast ratio of at least 4.5 (3 for large text)
    against the background it is drawn on (background colours of its ancestors, composited).
``axe`` (both modes)
    axe-core (npm ``axe-core``, read from ``node_modules`` and injected as a script, so served
    locally) finds no violation of impact serious or critical (``readability.axe_violations``).
``dark_figures`` (dark mode only)
    each figure (an image in a ``<figure>`` or a cell output, in ``<main>``) is readable on the
    dark page: its own pixels have an opaque, light ground in the corners and dark ink (drawn
    into a canvas), no ``invert()`` filter applies to it or its ancestors, and, as the reader sees
    it (a screenshot of the image, after the theme's filters), its ground is still light and
    enough of its pixels contrast with that ground.

Math, images, links and tabs are checked in light mode (the same DOM in both modes); theme and
contrast in both. A full-page screenshot can be saved once images have loaded.
"""

from __future__ import annotations

import functools
import html.parser
import http.server
import os
import re
import threading
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path
from typing import Literal
from urllib.parse import unquote, urlsplit

import numpy as np

import readability

CHROMIUM = os.environ.get("XAVIER_CHROMIUM", "/usr/bin/chromium")
"""The system browser driven by playwright (Debian's ``chromium``; never a downloaded build)."""

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
"""Flags for running as root without a GPU, and without Chromium's own calls to other hosts."""

LOCAL_HOST = "127.0.0.1"
VIEWPORT = {"width": 1280, "height": 900}
PAGE_TIMEOUT_MS = 60_000  # loading a page (and its images), and a screenshot: a minute on a busy machine
# lazy_layout (issue 20): code blocks, sections and a section's large blocks (data-xl) skipped while
# a page arrives are all shown once the browser has been idle: until then their text and formulas
# are not in the accessibility tree
LAZY = ("div.highlight:not(.xl-shown), article.bd-article > section > section:not(.xl-shown), "
        "article.bd-article [data-xl]:not(.xl-shown)")
ALL_SHOWN = f"document.querySelectorAll({LAZY!r}).length === 0"
# ...and the blocks that may scroll (the theme's selector) are Tab stops only once lazy_layout.js has
# checked them, each in an idle moment (it sets tabIndex, 0 or -1): axe's scrollable-region-focusable
# run before that finds code cells that scroll and are no Tab stop (api/init.html, dark, on a busy
# machine). Pages without lazy_layout.js (window.xavierTabStops) have nothing to wait for.
SCROLLABLE = ", ".join(["pre", ".nboutput > .output_area", ".cell_output > .output",
                        ".jp-RenderedHTMLCommon", ".pst-scrollable-table-container"])
LAID_OUT = (f"() => !window.xavierTabStops || ({ALL_SHOWN} && [...document.querySelectorAll({SCROLLABLE!r})]"
            ".every(e => e.hasAttribute('tabindex')))")
CHECKS = ("load", "console", "requests", "resources", "math", "markup", "images", "links", "tabs",
          "theme", "contrast", "dark_figures", "axe")

Mode = Literal["light", "dark"]

# Thresholds, explained in the docstrings of the functions that use them.
MIN_TEXT_CONTRAST = 4.5  # WCAG 2 AA, normal text
MIN_LARGE_TEXT_CONTRAST = 3.0  # WCAG 2 AA, text of at least 24 px, or 18.66 px bold
MIN_GROUND_LUMINANCE = 0.4  # a figure's ground, as rendered, is "light" above this
MIN_INK_CONTRAST = 4.5  # a pixel is ink when it contrasts this much with the ground
MIN_INK_FRACTION = 0.001  # at least 0.1 % of a figure's pixels are ink


# -- Colour arithmetic -------------------------------------------------------------------------


def relative_luminance(rgb) -> np.ndarray:
    """WCAG 2 relative luminance of sRGB colours given as 0..255 values.

    Parameters
    ----------
    rgb : array_like of shape (..., 3)
        Red, green and blue in 0..255.

    Returns
    -------
    ndarray of shape (...)
        Luminance in 0..1: 0 for black, 1 for white.

    Examples
    --------
    >>> float(relative_luminance([255, 255, 255])), float(relative_luminance([0, 0, 0]))
    (1.0, 0.0)
    >>> round(float(relative_luminance([128, 128, 128])), 4)
    0.2159
    """
    c = np.asarray(rgb, dtype=float)[..., :3] / 255.0
    linear = np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    return linear @ np.array([0.2126, 0.7152, 0.0722])


def contrast_ratio(fg, bg) -> np.ndarray:
    """WCAG 2 contrast ratio ``(L1 + 0.05) / (L2 + 0.05)`` of two sRGB colours, L1 the lighter.

    Examples
    --------
    >>> float(contrast_ratio([0, 0, 0], [255, 255, 255]))
    21.0
    >>> float(contrast_ratio([255, 255, 255], [255, 255, 255]))
    1.0
    >>> round(float(contrast_ratio([118, 118, 118], [255, 255, 255])), 2)
    4.54
    """
    a, b = relative_luminance(fg), relative_luminance(bg)
    return (np.maximum(a, b) + 0.05) / (np.minimum(a, b) + 0.05)


# -- Serving a directory -----------------------------------------------------------------------


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        pass


@contextmanager
def serve(directory: Path, handler_class=_QuietHandler) -> Iterator[str]:
    """Serve ``directory`` over HTTP on 127.0.0.1 at a free port; yield the base URL.

    A ``ThreadingHTTPServer`` in a daemon thread, shut down and closed on exit; ``handler_class``
    is a ``SimpleHTTPRequestHandler`` (default: one that logs nothing).
    """
    handler = functools.partial(handler_class, directory=str(directory))
    server = http.server.ThreadingHTTPServer((LOCAL_HOST, 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://{LOCAL_HOST}:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


# -- Browser -----------------------------------------------------------------------------------


def launch(playwright):
    """Launch the system Chromium headless with :data:`CHROMIUM_ARGS`."""
    if not Path(CHROMIUM).is_file():
        raise FileNotFoundError(
            f"{CHROMIUM} is missing: run scripts/ensure_browser.sh (apt-get install chromium), "
            "or point XAVIER_CHROMIUM at a Chromium binary")
    return playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)


def new_context(browser, mode: Mode):
    """A browser context whose pages open in ``mode``.

    pydata-sphinx-theme 0.20 (under sphinx-book-theme) reads the mode from ``localStorage``
    before the page is drawn: ``mode`` (light, dark or auto) and ``theme`` (light or dark) become
    ``<html data-mode>`` and ``<html data-theme>``. Both keys are set before any page script runs,
    and the context's ``prefers-color-scheme`` agrees with them.
    """
    if mode not in ("light", "dark"):
        raise ValueError(f"mode must be 'light' or 'dark', not {mode!r}")
    context = browser.new_context(viewport=VIEWPORT, color_scheme=mode, reduced_motion="reduce",
                                  service_workers="block")
    context.set_default_timeout(10_000)  # a stuck element fails in seconds, not after 30 s
    # ...but loading a page and taking a screenshot get a minute: on a busy machine they can take
    # well over 10 s, and a check must fail because the page is wrong, not because the CPU is.
    context.set_default_navigation_timeout(PAGE_TIMEOUT_MS)
    context.add_init_script(
        f"try {{ localStorage.setItem('mode', '{mode}');"
        f" localStorage.setItem('theme', '{mode}'); }} catch (e) {{}}")
    return context


# -- The audit ---------------------------------------------------------------------------------


@dataclass
class Audit:
    """What :func:`audit_page` found on one page in one mode."""

    url: str
    mode: str
    problems: dict[str, list[str]] = field(default_factory=lambda: {c: [] for c in CHECKS})
    requests: dict[str, str] = field(default_factory=dict)
    """Every URL requested, with its fate: an HTTP status, ``aborted``, or ``failed: <reason>``."""

    def add(self, check: str, messages) -> None:
        self.problems[check].extend(messages)


def audit_page(context, url: str, site_dir: Path, mode: Mode, *,
               screenshot: Path | None = None) -> Audit:
    """Open ``url`` in ``context`` (made by :func:`new_context` for ``mode``) and check it.

    ``site_dir`` is the directory the server serves (to resolve links and their anchors).
    In light mode: console, requests, resources, math, markup, images, links, tabs, theme,
    contrast. In dark mode: console, requests, resources, theme, contrast, dark_figures. The
    screenshot, full page, is taken after the images have loaded, before any tab is clicked.
    """
    audit = Audit(url=url, mode=mode)
    page = context.new_page()
    _record(page, audit)
    try:
        page.goto(url, wait_until="load", timeout=PAGE_TIMEOUT_MS)
        wait_for_images(page, PAGE_TIMEOUT_MS)
        page.evaluate("document.fonts.ready.then(() => true)")
        wait_until(page, LAID_OUT)  # every block shown and its Tab stop set, as a reader finds them
        if screenshot is not None:
            screenshot.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(screenshot), full_page=True, animations="disabled",
                            timeout=PAGE_TIMEOUT_MS)
        audit.add("theme", check_theme(page, mode))
        audit.add("contrast", check_text_contrast(page))
        audit.add("axe", [f"{v['impact']} {v['id']} ({v['help']}): {len(v['nodes'])} elements, "
                          f"e.g. {v['nodes'][:3]}" for v in readability.axe_violations(page)])
        if mode == "light":
            audit.add("math", check_math(page))
            audit.add("markup", check_markup(page))
            audit.add("images", check_images(page))
            audit.add("links", check_links(page, site_dir))
            audit.add("tabs", check_tabs(page))
        else:
            audit.add("dark_figures", check_dark_figures(page))
        settle(page)  # console messages of the last frames and idle tasks arrive too
    except Exception as exc:  # a page that does not load or hangs fails its own test only
        audit.add("load", [f"the audit stopped: {type(exc).__name__}: {exc}"])
    finally:
        page.close()
    return audit


def _record(page, audit: Audit) -> None:
    """Route every request of ``page`` (abort non-local ones) and record console errors."""

    def route(route):
        request = route.request
        host = urlsplit(request.url).hostname
        if host == LOCAL_HOST:
            route.continue_()
        else:
            audit.requests[request.url] = "aborted"
            audit.add("requests", [f"request to another host, aborted: {request.url} "
                                   f"({request.resource_type})"])
            route.abort()

    def on_console(msg):
        if msg.type == "error":
            loc = msg.location or {}
            where = f" [{loc.get('url', '')}:{loc.get('lineNumber', '')}]" if loc.get("url") else ""
            audit.add("console", [f"console error: {msg.text}{where}"])

    def on_response(response):
        audit.requests[response.url] = str(response.status)
        if response.status >= 400 and urlsplit(response.url).hostname == LOCAL_HOST:
            audit.add("resources", [f"HTTP {response.status} for {response.url}"])

    def on_failed(request):
        if audit.requests.get(request.url) == "aborted":
            return
        audit.requests[request.url] = f"failed: {request.failure}"
        audit.add("resources", [f"request failed ({request.failure}): {request.url}"])

    page.route("**/*", route)
    page.on("console", on_console)
    page.on("pageerror", lambda exc: audit.add("console", [f"uncaught exception: {exc}"]))
    page.on("response", on_response)
    page.on("requestfailed", on_failed)


def audit_site(site_dir: Path, base_url: str, jobs: Sequence[tuple[str, Mode, Path | None]], *,
               workers: int = 2) -> dict[tuple[str, str], Audit]:
    """Audit pages with ``workers`` browsers side by side; ``{(page, mode): Audit}``.

    ``jobs`` lists ``(page relative to base_url, mode, screenshot path or None)``. They are dealt
    to the workers in turn; each worker is a thread with its own playwright instance (the sync
    API is not thread-safe) and one Chromium, launched once, with one context per mode.
    """

    def run(share: Sequence[tuple[str, Mode, Path | None]]) -> dict[tuple[str, str], Audit]:
        from playwright.sync_api import sync_playwright

        with sync_playwright() as playwright:
            browser = launch(playwright)
            try:
                contexts = {mode: new_context(browser, mode) for mode in {m for _, m, _ in share}}
                return {(name, mode): audit_page(contexts[mode], base_url + name, site_dir, mode,
                                                 screenshot=shot)
                        for name, mode, shot in share}
            finally:
                browser.close()

    shares = [jobs[k::workers] for k in range(workers) if jobs[k::workers]]
    results: dict[tuple[str, str], Audit] = {}
    with ThreadPoolExecutor(max_workers=max(1, len(shares))) as pool:
        for future in [pool.submit(run, share) for share in shares]:
            results.update(future.result())
    return results


# -- Waiting -----------------------------------------------------------------------------------

_WAIT_IMAGES = """async (timeout) => {
  const imgs = [...document.images];
  for (const img of imgs) img.loading = 'eager';  // lazy images load now, seen or not
  const settle = img => img.complete ? Promise.resolve() : new Promise(resolve => {
    img.addEventListener('load', resolve, {once: true});
    img.addEventListener('error', resolve, {once: true});
  });
  const all = Promise.all(imgs.map(img => settle(img).then(() => img.decode()).catch(() => null)));
  await Promise.race([all, new Promise(r => setTimeout(r, timeout))]);
  return imgs.length;
}"""


def wait_for_images(page, timeout_ms: int = 15000) -> int:
    """Make every image eager (no lazy loading), wait until each has loaded or failed, decode it."""
    return page.evaluate(_WAIT_IMAGES, timeout_ms)


WAIT_MS = 20_000
"""How long a test waits for something the page does by itself (a timer, an idle callback, an
observer, a transition) before it reports it missing: long enough for a 2-core machine busy with
other work, and a wait on the condition itself costs nothing on an idle one."""


def wait_until(page, condition: str, arg=None, timeout_ms: int = WAIT_MS) -> bool:
    """Whether the JavaScript function ``condition`` (called with ``arg``) became true within
    ``timeout_ms``, checked at every animation frame; never raises on a time-out, so that the caller's
    own check, made after, names what is wrong."""
    try:
        page.wait_for_function(condition, arg=arg, timeout=timeout_ms)
        return True
    except Exception as error:  # playwright's TimeoutError (not importable without playwright)
        if "Timeout" not in type(error).__name__:
            raise
        return False


_SETTLE = """async (timeout) => {
  const t0 = performance.now();
  // (a page not drawn, hidden, gets no frame: 5 s then count as one, not a wait for ever)
  const frame = () => new Promise(r => { requestAnimationFrame(() => r()); setTimeout(r, 5000); });
  await frame(); await frame();
  const moving = () => document.getAnimations().some(a => a.playState === 'running'
      && a.effect && a.effect.getComputedTiming().endTime !== Infinity);
  while (moving() && performance.now() - t0 < timeout) await frame();
  if (window.requestIdleCallback) await new Promise(r => requestIdleCallback(r, {timeout: 2000}));
  await frame();
  return Math.round(performance.now() - t0);
}"""


def settle(page, timeout_ms: int = WAIT_MS) -> int:
    """Let the page settle before checking that something did NOT happen; the milliseconds it took.

    Two animation frames (what runs at a frame has run: an IntersectionObserver's or a
    ResizeObserver's report, a media query's change event, the first frame of a transition), then
    frames until no finite CSS transition or animation runs, then one idle moment (tasks those
    queued, like a script they loaded), then a frame. Unlike a fixed sleep, each step waits for the
    page's own clock: on a busy machine it takes longer, so a late change is still seen.
    """
    return page.evaluate(_SETTLE, timeout_ms)


def wait_stable(page, measure: str, arg=None, timeout_ms: int = WAIT_MS):
    """The value of the JavaScript function ``measure`` once it is the same at two animation
    frames in a row (layout that a ResizeObserver, a scroll or a shown section still changes), or
    its last value after ``timeout_ms``."""
    deadline = page.evaluate("() => performance.now()") + timeout_ms
    last = page.evaluate(measure, arg)
    while True:
        now = page.evaluate("""() => new Promise(r => { requestAnimationFrame(() => r(performance.now()));
                                                       setTimeout(() => r(performance.now()), 5000); })""")
        value = page.evaluate(measure, arg)
        if value == last or now > deadline:
            return value
        last = value


def in_page_delay(page, ms: float) -> None:
    """Wait ``ms`` by the page's own timers (``setTimeout`` inside the page). A timer or interval
    the page set earlier that is due by then runs first, however busy the machine is: so "nothing
    moved in ``ms``" holds for the page's timers, not only for the wall clock."""
    page.evaluate("(ms) => new Promise(r => setTimeout(r, ms))", ms)


# -- Math --------------------------------------------------------------------------------------

_PROSE = """() => {
  const clone = document.body.cloneNode(true);
  // Code is shown literally by design (MathJax skips it too); typeset math, scripts: not prose.
  clone.querySelectorAll('script, style, noscript, template, textarea, pre, code, kbd, samp, '
                         + '.highlight, mjx-container').forEach(e => e.remove());
  return clone.textContent;
}"""


def prose_text(page) -> str:
    """The page's text outside code, scripts and typeset math, hidden parts included."""
    return " ".join(page.evaluate(_PROSE).split())


def _find(pattern: re.Pattern, text: str, what: str, limit: int = 10) -> list[str]:
    """One problem per match of ``pattern`` in ``text`` (the first ``limit``, then a count)."""
    matches = list(pattern.finditer(text))
    found = []
    for m in matches[:limit]:
        snippet = text[max(0, m.start() - 30):m.end() + 30]
        found.append(f"{what} {m.group().strip()[:20]!r} left in the text: ...{snippet}...")
    if len(matches) > limit:
        found.append(f"... and {len(matches) - limit} more {what} like these")
    return found


_MATH_STATE = """() => {
  const math = [...document.querySelectorAll('span.math, div.math')];
  const focusable = 'a[href], button, input, select, textarea, [tabindex], [contenteditable]';
  const described = e => e.textContent.replace(/\\s+/g, ' ').trim().slice(0, 80);
  // A stacked table's cell labels (docs/_ext/phone_tables.py) repeat their column header's
  // formulas for sight only (aria-hidden: a screen reader announces the header itself); the
  // header's own formula is checked like any other.
  const containers = [...document.querySelectorAll('mjx-container')].filter(c => !c.closest('.xv-cell-label'));
  return {
    math: math.length,
    untypeset: math.filter(e => !e.querySelector('mjx-container svg'))
                   .map(e => e.textContent.trim().slice(0, 80)),
    errors: [...document.querySelectorAll('[data-mjx-error], mjx-merror')]
                .map(e => (e.getAttribute('data-mjx-error') || e.textContent).slice(0, 80)),
    scripts: [...document.scripts].map(s => s.src).filter(src => /mathjax/i.test(src)),
    // MathML for assistive technology: a <math> with content, not hidden from it, beside an
    // SVG that is (or a formula read twice).
    noMathml: containers.filter(c => {
      const m = c.querySelector('math');
      return !m || !m.textContent.trim() || m.closest('[aria-hidden="true"]');
    }).map(described),
    svgRead: containers.filter(c => [...c.querySelectorAll('svg')]
                                      .some(svg => !svg.closest('[aria-hidden="true"]')))
                       .map(described),
    tabStops: containers.filter(c => (c.matches(focusable) && c.tabIndex >= 0)
                                      || [...c.querySelectorAll(focusable)].some(e => e.tabIndex >= 0))
                        .map(described),
    // every glyph a formula draws is defined in the page (the SVG refers to it by id)
    glyphs: [...new Set([...document.querySelectorAll('mjx-container use')]
                          .map(u => u.getAttribute('href') || u.getAttribute('xlink:href'))
                          .filter(h => !h || !h.startsWith('#') || !document.getElementById(h.slice(1))))],
  };
}"""

RAW_TEX = re.compile(
    r"\\\(|\\\)|\\\[|\\\]|\$\$|\\begin\{|\$[^$\n]{0,200}?[\\^_{}][^$\n]{0,200}?\$")
"""Delimiters of TeX that MathJax would have replaced, and ``$...$`` that looks like TeX."""

RAW_MARKUP = re.compile(r"(?:^|\s)>>>\s|\{[a-z][\w:-]*\}`|(?<![\w`]):[a-z][\w:-]*:`|```")
"""Source markup shown as text: a doctest prompt ``>>>`` outside a code block (a docstring
example that napoleon read as part of another section), a MyST role ``{name}`...```, an
reStructuredText role ``:name:`...``` or a code fence."""


def check_math(page) -> list[str]:
    """Problems with the page's formulas, typeset when the site was built (docs/_ext/buildmath.py).

    Every ``span.math``/``div.math`` holds a typeset formula (an ``mjx-container`` with its SVG);
    no TeX error; each formula carries MathML that assistive technology reads (not under
    ``aria-hidden``, not empty) while its SVG is ``aria-hidden``; no formula is, or holds, a Tab
    stop; every glyph a formula refers to (``<use href="#...">``) is defined in the page; the page
    loads no MathJax script (it would typeset again in the reader's browser); and no raw TeX
    delimiter is left in the text outside code (:data:`RAW_TEX`).
    """
    state = page.evaluate(_MATH_STATE)
    problems = [f"formula not typeset: {tex!r}" for tex in state["untypeset"][:10]]
    problems += [f"TeX error: {err!r}" for err in state["errors"][:10]]
    problems += [f"formula without MathML for assistive technology: {m!r}"
                 for m in state["noMathml"][:10]]
    problems += [f"formula whose SVG a screen reader reads too (not aria-hidden): {m!r}"
                 for m in state["svgRead"][:10]]
    problems += [f"formula is a Tab stop: {m!r}" for m in state["tabStops"][:10]]
    problems += [f"glyph {href!r} is not defined in the page" for href in state["glyphs"][:10]]
    problems += [f"the page loads MathJax in the browser: {src}" for src in state["scripts"]]
    return problems + _find(RAW_TEX, prose_text(page), "raw TeX")


def check_markup(page) -> list[str]:
    """No source markup (:data:`RAW_MARKUP`) is shown as prose."""
    return _find(RAW_MARKUP, prose_text(page), "raw markup")


# -- Images ------------------------------------------------------------------------------------

_IMAGES = """() => [...document.images].map((img, i) => ({
  i, src: img.getAttribute('src'), alt: img.getAttribute('alt'),
  complete: img.complete, width: img.naturalWidth, height: img.naturalHeight}))"""


def check_images(page) -> list[str]:
    """Every image decoded (``naturalWidth > 0``) with non-empty alt text."""
    problems = []
    for img in page.evaluate(_IMAGES):
        name = f"image {img['i']} (src={img['src']!r})"
        if not img["src"]:
            problems.append(f"{name}: no src")
        elif img["width"] == 0 or img["height"] == 0:
            problems.append(f"{name}: not decoded (naturalWidth {img['width']})")
        if not (img["alt"] or "").strip():
            problems.append(f"{name}: no alt text")
    return problems


# -- Links -------------------------------------------------------------------------------------


class _Anchors(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        for key, value in attrs:
            if value and (key == "id" or (key == "name" and tag == "a")):
                self.ids.add(value)


@functools.lru_cache(maxsize=None)
def anchors(path: Path) -> frozenset[str]:
    """The ``id`` attributes (and ``<a name>``) of an HTML file, as served."""
    parser = _Anchors()
    parser.feed(path.read_text(encoding="utf-8", errors="replace"))
    return frozenset(parser.ids)


def check_links(page, site_dir: Path) -> list[str]:
    """Every link to this server resolves to a file of ``site_dir``, and its anchor exists there.

    Links to other hosts are not followed (they are not requests; ``make linkcheck`` is for them).
    """
    base = urlsplit(page.url)
    hrefs = page.evaluate(
        "() => [...document.querySelectorAll('a[href], area[href]')]"
        ".map(a => [a.getAttribute('href'), a.href])")
    problems = []
    seen = set()
    for raw, absolute in hrefs:
        parts = urlsplit(absolute)
        if parts.scheme not in ("http", "https") or parts.netloc != base.netloc:
            continue
        if (parts.path, parts.fragment) in seen:
            continue
        seen.add((parts.path, parts.fragment))
        target = site_dir / unquote(parts.path).lstrip("/")
        if target.is_dir():
            target = target / "index.html"
        if not target.is_file():
            problems.append(f"dead link {raw!r}: {target.relative_to(site_dir)} does not exist")
        elif parts.fragment and target.suffix == ".html":
            fragment = unquote(parts.fragment)
            if fragment not in anchors(target):
                problems.append(f"dead anchor {raw!r}: no id {fragment!r} in "
                                f"{target.relative_to(site_dir)}")
    return problems


# -- Tabs --------------------------------------------------------------------------------------

_TAB_STATE = """(set) => {
  const contents = [...set.children].filter(e => e.classList.contains('sd-tab-content'));
  const visible = e => e.checkVisibility() && e.getBoundingClientRect().height > 0;
  return contents.map(c => ({
    shown: visible(c),
    images: c.querySelectorAll('img').length,
    visible: [...c.querySelectorAll('img')].filter(visible)
               .map(img => ({src: img.getAttribute('src'), width: img.naturalWidth})),
  }));
}"""


def check_tabs(page) -> list[str]:
    """Each tab label shows its own content; tab sets with figures show a different one per tab.

    Every label of every ``.sd-tab-set`` is clicked in turn. After a click exactly the clicked
    tab's content must be visible. If any tab of the set holds an image, the clicked tab must show
    at least one visible, decoded image, and the first visible image's file must differ from
    every other tab's. The first tab is clicked again at the end.
    """
    problems = []
    sets = page.locator(".sd-tab-set")
    for s in range(sets.count()):
        tab_set = sets.nth(s)
        labels = tab_set.locator(":scope > label.sd-tab-label")
        names = [" ".join(t.split()) for t in labels.all_inner_texts()]
        where = f"tab set {s + 1} ({' / '.join(names)})"
        shown_src: dict[str, str] = {}
        has_figures = False
        for j, name in enumerate(names):
            try:
                labels.nth(j).click(timeout=3000)
            except Exception as exc:  # playwright's TimeoutError: covered, hidden, disabled
                problems.append(f"{where}: tab {name!r} cannot be clicked: "
                                f"{str(exc).splitlines()[0]}")
                continue
            state = tab_set.evaluate(_TAB_STATE)
            if len(state) != len(names):
                problems.append(f"{where}: {len(names)} labels but {len(state)} contents")
                break
            has_figures = has_figures or any(c["images"] for c in state)
            shown = [k for k, c in enumerate(state) if c["shown"]]
            if shown != [j]:
                problems.append(f"{where}: clicking {name!r} shows contents {shown}, not [{j}]")
                continue
            if has_figures or state[j]["images"]:
                visible = [img for img in state[j]["visible"] if img["width"] > 0]
                if not visible:
                    problems.append(f"{where}: tab {name!r} shows no decoded figure")
                    continue
                src = visible[0]["src"]
                same = [other for other, other_src in shown_src.items() if other_src == src]
                if same:
                    problems.append(f"{where}: tabs {same[0]!r} and {name!r} show the same "
                                    f"figure {src}")
                shown_src[name] = src
        if has_figures:  # a tab visited before the first figure was seen is checked here
            for name in names:
                if name not in shown_src and not any(name in p for p in problems):
                    problems.append(f"{where}: tab {name!r} shows no figure")
        if names:
            labels.nth(0).click(timeout=3000, force=True)
    return problems


# -- Theme and text contrast -------------------------------------------------------------------

_COLOUR_JS = r"""
  const canvas = document.createElement('canvas'); canvas.width = canvas.height = 1;
  const ctx = canvas.getContext('2d', {willReadFrequently: true});
  const rgba = css => {  // a computed CSS colour as [r, g, b] in 0..255 and alpha in 0..1
    let m = css.match(/^rgba?\(([\d.]+),\s*([\d.]+),\s*([\d.]+)(?:,\s*([\d.]+))?\)$/);
    if (m) return [+m[1], +m[2], +m[3], m[4] === undefined ? 1 : +m[4]];
    m = css.match(/^color\(srgb\s+([\d.e-]+)\s+([\d.e-]+)\s+([\d.e-]+)(?:\s*\/\s*([\d.]+))?\)$/);
    if (m) return [255 * m[1], 255 * m[2], 255 * m[3], m[4] === undefined ? 1 : +m[4]];
    ctx.clearRect(0, 0, 1, 1); ctx.fillStyle = 'rgba(0, 0, 0, 0)'; ctx.fillStyle = css;
    ctx.fillRect(0, 0, 1, 1);  // any other colour space, through the canvas (8 bits)
    const [r, g, b, a] = ctx.getImageData(0, 0, 1, 1).data;
    return [r, g, b, a / 255];
  };
  const over = (top, under) => {  // top (RGBA) composited over an opaque colour
    const a = top[3];
    return [0, 1, 2].map(k => top[k] * a + under[k] * (1 - a)).concat([1]);
  };
  // The opaque colour that el's text is drawn on (the browser's canvas is white when no
  // ancestor has an opaque background), or null over a background image or gradient.
  const memo = new Map();
  const background = el => {
    if (!el) return [255, 255, 255, 1];
    if (memo.has(el)) return memo.get(el);
    const style = getComputedStyle(el);
    let result = null;
    if (style.backgroundImage === 'none') {
      const c = rgba(style.backgroundColor);
      if (c[3] >= 1) result = c;
      else {
        const under = background(el.parentElement);
        result = under === null ? null : c[3] > 0 ? over(c, under) : under;
      }
    }
    memo.set(el, result);
    return result;
  };
  const lum = c => [0, 1, 2].map(k => {
    const v = c[k] / 255; return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  }).reduce((s, v, k) => s + v * [0.2126, 0.7152, 0.0722][k], 0);
  const ratio = (a, b) => {
    const [x, y] = [lum(a), lum(b)]; return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05);
  };
"""

_THEME = "() => {" + _COLOUR_JS + """
  return {theme: document.documentElement.dataset.theme || null,
          background: background(document.body), luminance: lum(background(document.body))};
}"""

_CONTRAST = "(limits) => {" + _COLOUR_JS + """
  const [normal, large] = limits;
  const failures = new Map();
  let checked = 0;
  const skip = 'script, style, noscript, template, mjx-assistive-mml, .visually-hidden, .sr-only';
  for (const el of document.body.querySelectorAll('*')) {
    if (el.closest(skip)) continue;
    const text = [...el.childNodes].filter(n => n.nodeType === Node.TEXT_NODE)
                   .map(n => n.textContent).join('').trim();
    if (!text) continue;
    if (!el.checkVisibility({opacityProperty: true, visibilityProperty: true})) continue;
    const box = el.getBoundingClientRect();
    if (box.width < 2 || box.height < 2) continue;
    const style = getComputedStyle(el);
    const bg = background(el);
    if (bg === null) continue;
    const fg = over(rgba(style.color), bg);
    const size = parseFloat(style.fontSize), bold = parseInt(style.fontWeight) >= 700;
    const limit = size >= 24 || (bold && size >= 18.66) ? large : normal;
    const r = ratio(fg, bg);
    checked += 1;
    if (r < limit) {
      const key = fg.slice(0, 3).map(Math.round) + ' on ' + bg.slice(0, 3).map(Math.round);
      if (!failures.has(key))
        failures.set(key, {ratio: r, limit, count: 0, tag: el.tagName.toLowerCase(),
                           cls: el.className && el.className.baseVal === undefined
                                ? el.className : '', text: text.slice(0, 40)});
      failures.get(key).count += 1;
    }
  }
  return {checked, failures: [...failures.entries()]};
}"""


def check_theme(page, mode: Mode) -> list[str]:
    """The page is in ``mode``: ``<html data-theme>`` says so and the page background agrees.

    Dark means a body background of relative luminance below 0.2, light above 0.5.
    """
    state = page.evaluate(_THEME)
    problems = []
    if state["theme"] != mode:
        problems.append(f"<html data-theme> is {state['theme']!r}, not {mode!r}")
    lum = state["luminance"]
    if (mode == "dark" and lum >= 0.2) or (mode == "light" and lum <= 0.5):
        problems.append(f"{mode} mode asked for but the page background "
                        f"{[round(v) for v in state['background'][:3]]} has luminance {lum:.2f}")
    return problems


def check_text_contrast(page) -> list[str]:
    """Every visible text has enough contrast with the background it is drawn on.

    For each element with text of its own, its computed ``color`` is composited over the
    composited ``background-color`` of it and its ancestors (up to the first opaque one) and the
    WCAG 2 contrast ratio must be at least :data:`MIN_TEXT_CONTRAST` (4.5), or
    :data:`MIN_LARGE_TEXT_CONTRAST` (3) for large text. Elements drawn over a background image or
    gradient are skipped (their background is not a colour). Failures are grouped by colour pair.
    """
    result = page.evaluate(_CONTRAST, [MIN_TEXT_CONTRAST, MIN_LARGE_TEXT_CONTRAST])
    problems = []
    if result["checked"] == 0:
        problems.append("no visible text found to check")
    for key, f in result["failures"]:
        problems.append(
            f"text {key} has contrast {f['ratio']:.2f} < {f['limit']} ({f['count']} elements, "
            f"e.g. <{f['tag']} class={f['cls']!r}> {f['text']!r})")
    return problems


# -- Figures in dark mode ----------------------------------------------------------------------

_FIGURES = """(selector) => [...document.querySelectorAll(selector)].map(img => {
  const w = img.naturalWidth, h = img.naturalHeight;
  const filters = [];
  for (let e = img; e; e = e.parentElement) {
    const f = getComputedStyle(e).filter;
    if (f && f !== 'none') filters.push(e.tagName.toLowerCase() + ': ' + f);
  }
  // The content box, relative to the border box (inside the padding the theme may add).
  const st = getComputedStyle(img), px = v => parseFloat(v) || 0;
  const box = {x: px(st.borderLeftWidth) + px(st.paddingLeft),
               y: px(st.borderTopWidth) + px(st.paddingTop),
               width: img.clientWidth - px(st.paddingLeft) - px(st.paddingRight),
               height: img.clientHeight - px(st.paddingTop) - px(st.paddingBottom)};
  const visible = img.checkVisibility({opacityProperty: true, visibilityProperty: true})
                  && box.width > 0 && box.height > 0;
  const out = {src: img.getAttribute('src'), w, h, filters, box, visible};
  if (!w || !h) return out;
  const canvas = document.createElement('canvas'); canvas.width = w; canvas.height = h;
  const ctx = canvas.getContext('2d', {willReadFrequently: true});
  ctx.drawImage(img, 0, 0);
  const d = ctx.getImageData(0, 0, w, h).data;
  const at = (x, y) => { const k = 4 * (y * w + x); return [d[k], d[k + 1], d[k + 2], d[k + 3]]; };
  out.corners = [at(0, 0), at(w - 1, 0), at(0, h - 1), at(w - 1, h - 1)];
  let ink = 0;
  for (let k = 0; k < d.length; k += 4)
    if (d[k + 3] === 255 && 0.2126 * d[k] + 0.7152 * d[k + 1] + 0.0722 * d[k + 2] < 64) ink += 1;
  out.ink = ink / (w * h);
  return out;
})"""


def _invert_amount(filters: list[str]) -> float:
    """The largest ``invert()`` amount among computed filter values (0 when none).

    >>> _invert_amount(["img: brightness(0.8) contrast(1.2)"])
    0.0
    >>> _invert_amount(["div: invert(1) hue-rotate(180deg)", "img: invert(50%)"])
    1.0
    """
    amounts = [0.0]
    for f in filters:
        for value, percent in re.findall(r"invert\(\s*([\d.]+)\s*(%?)\s*\)", f):
            amounts.append(float(value) / (100 if percent else 1))
    return max(amounts)


def rendered_readability(rgb: np.ndarray) -> dict:
    """Ground and ink of a figure as the reader sees it (its pixels on screen).

    Parameters
    ----------
    rgb : ndarray of shape (height, width, 3)
        The figure cropped from a screenshot, 0..255.

    Returns
    -------
    dict
        ``ground`` (the median colour of 3x3 patches inset 6 px from the four corners, inside the
        theme's rounded corners), ``ground_luminance``, ``ink_fraction`` (the fraction of pixels
        whose contrast ratio with the ground is at least :data:`MIN_INK_CONTRAST`) and
        ``max_contrast``.

    Examples
    --------
    A grey ground (128) with a black square on a tenth of it:

    >>> rgb = np.full((20, 50, 3), 128.0); rgb[5:15, 20:30] = 0
    >>> seen = rendered_readability(rgb)
    >>> seen["ground"], round(seen["ground_luminance"], 3), seen["ink_fraction"]
    ([128, 128, 128], 0.216, 0.1)
    """
    rgb = np.asarray(rgb, dtype=float)[..., :3]
    h, w, _ = rgb.shape
    i = min(6, h // 4, w // 4)
    patches = [rgb[y:y + 3, x:x + 3].reshape(-1, 3)
               for y in (i, max(i, h - i - 3)) for x in (i, max(i, w - i - 3))]
    ground = np.median(np.concatenate(patches), axis=0)
    contrast = contrast_ratio(rgb, ground)
    return {"ground": [round(float(v)) for v in ground],
            "ground_luminance": float(relative_luminance(ground)),
            "ink_fraction": float(np.mean(contrast >= MIN_INK_CONTRAST)),
            "max_contrast": float(contrast.max())}


def png_pixels(png: bytes) -> np.ndarray:
    """An RGB array of shape (height, width, 3) from PNG bytes."""
    from PIL import Image

    return np.asarray(Image.open(BytesIO(png)).convert("RGB"))


FIGURES = "main figure img, main .cell_output img"
"""The images that are figures: in a ``<figure>`` (``glue:figure``) or in a cell's output."""


def check_dark_figures(page, selector: str = FIGURES) -> list[str]:
    """Each figure stays readable on the dark page.

    The figures are drawn with an opaque white background (``xavier.plotting.STYLE``), so on a
    dark page they must show as a light card with dark ink, never as dark ink on the dark page
    (a transparent figure) nor inverted. For each image matched by ``selector``:

    1. its own pixels, drawn into a canvas: the four corner pixels are opaque (alpha 255) and
       light (luminance > 0.8 on 0..1), and at least :data:`MIN_INK_FRACTION` of the pixels are
       dark ink (luminance below 64/255);
    2. no ``invert()`` filter is computed for the image or any ancestor (the theme's
       ``brightness(.8) contrast(1.2)`` is allowed: the rendered check below measures it);
    3. as rendered (a screenshot of the image, cropped to its content box, so after the theme's
       filters and backgrounds), its ground has relative luminance of at least
       :data:`MIN_GROUND_LUMINANCE` and at least :data:`MIN_INK_FRACTION` of its pixels contrast
       with that ground by :data:`MIN_INK_CONTRAST` or more.

    Step 3 applies to the figures shown when the page opens; those in tabs not selected are
    styled by the same rules and get steps 1 and 2.
    """
    problems = []
    figures = page.evaluate(_FIGURES, selector)
    images = page.locator(selector)
    for k, fig in enumerate(figures):
        name = f"figure {k + 1} ({fig['src']})"
        if not fig["w"]:
            problems.append(f"{name}: not decoded")
            continue
        for corner in fig["corners"]:
            if corner[3] < 255 or relative_luminance(corner[:3]) <= 0.8:
                problems.append(f"{name}: corner pixel {corner} is not opaque and light (the "
                                "figure needs an opaque white background)")
                break
        if fig["ink"] < MIN_INK_FRACTION:
            problems.append(f"{name}: only {fig['ink']:.4%} dark pixels (no ink?)")
        if _invert_amount(fig["filters"]) > 0:
            problems.append(f"{name}: inverted by CSS filter {fig['filters']}")
        if not fig["visible"]:
            continue
        box = fig["box"]
        x0, y0 = int(np.ceil(box["x"])), int(np.ceil(box["y"]))
        x1, y1 = int(box["x"] + box["width"]), int(box["y"] + box["height"])
        # A figure taller than the window below the sticky header came out with its bottom
        # rows unpainted (the page's dark ground): the window is made tall enough for it.
        viewport = page.viewport_size
        tall = viewport is not None and box["height"] + 200 > viewport["height"]
        if tall:
            page.set_viewport_size({"width": viewport["width"], "height": int(box["height"]) + 200})
        try:
            shot = images.nth(k).screenshot(animations="disabled", timeout=PAGE_TIMEOUT_MS)
        finally:
            if tall:
                page.set_viewport_size(viewport)
        crop = png_pixels(shot)[y0:y1, x0:x1]
        if crop.shape[0] < 8 or crop.shape[1] < 8:
            problems.append(f"{name}: shown at {x1 - x0}x{y1 - y0} px, too small to check")
            continue
        seen = rendered_readability(crop)
        if seen["ground_luminance"] < MIN_GROUND_LUMINANCE:
            problems.append(f"{name}: rendered ground {seen['ground']} is dark (luminance "
                            f"{seen['ground_luminance']:.2f} < {MIN_GROUND_LUMINANCE})")
        if seen["ink_fraction"] < MIN_INK_FRACTION:
            problems.append(f"{name}: rendered, only {seen['ink_fraction']:.4%} of pixels "
                            f"contrast >= {MIN_INK_CONTRAST} with the ground "
                            f"(max {seen['max_contrast']:.1f})")
    return problems


# -- Pages of a built site ---------------------------------------------------------------------


def docnames(site_dir: Path) -> list[str]:
    """The documents Sphinx built, from ``searchindex.js``."""
    import json

    text = (site_dir / "searchindex.js").read_text(encoding="utf-8")
    match = re.search(r"Search\.setIndex\((.*)\)\s*;?\s*$", text, re.S)
    if match is None:
        raise ValueError(f"{site_dir / 'searchindex.js'} holds no Search.setIndex(...)")
    return list(json.loads(match.group(1))["docnames"])


def site_pages(site_dir: Path) -> list[str]:
    """Every HTML page of the site, relative to ``site_dir``, in a stable order.

    The documents from ``docs/`` first, then the pages Sphinx generates (``genindex``,
    ``py-modindex``, ``search``, the highlighted sources under ``_modules/``). HTML files under
    ``_static`` (theme template fragments) and ``_sources`` are not pages.
    """
    docs = [f"{name}.html" for name in docnames(site_dir)]
    others = sorted(p.relative_to(site_dir).as_posix() for p in site_dir.rglob("*.html")
                    if p.relative_to(site_dir).parts[0] not in ("_static", "_sources", "_images"))
    return docs + [p for p in others if p not in docs]

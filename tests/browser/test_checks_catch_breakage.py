"""The page checks can fail: small, deliberately broken pages are served and each fault is found.

The pages are written to a temporary directory and go through the same server, browser settings
and ``checks.audit_page`` as the site. ``good.html`` holds one working instance of everything
(typeset math, a lazy image, figures in tabs, links with anchors, a dark mode) and must pass every
check: the checks do not simply fail everywhere. Each other page breaks one thing.
"""

import os
import re
import sys
from pathlib import Path

import numpy as np
import pytest
import sphinx_design
from PIL import Image

import checks
import readability

ROOT = Path(__file__).resolve().parents[2]
SITE = Path(os.environ.get("XAVIER_SITE", ROOT / "_build" / "html")).resolve()
sys.path.insert(0, str(ROOT / "docs" / "_ext"))
import buildmath  # noqa: E402 - the site's own typesetting, for the test pages' formulas

PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title>
{theme}
<link rel="stylesheet" href="sphinx-design.min.css">
<style>
  html[data-theme=light] body {{ background: #fff; color: #222; }}
  html[data-theme=dark] body {{ background: #121212; color: #ddd; }}
  html[data-theme=dark] a {{ color: #8ab4f8; }}
  html[data-theme=dark] img {{ filter: brightness(.8) contrast(1.2); }}  /* as the real theme */
  :root {{ --sd-color-tabs-label-active: #1a4fd0; --sd-color-tabs-label-inactive: #555; }}
  html[data-theme=dark] {{ --sd-color-tabs-label-active: #8ab4f8;
                          --sd-color-tabs-label-inactive: #bbb; }}
  .always > .sd-tab-content {{ display: block; }}  /* a tab set whose tabs do not switch */
</style>
{head}
</head><body><main>
{body}
</main></body></html>
"""
# The real theme reads the mode from localStorage (checks.new_context sets it) into data-theme.
THEME = ("<script>document.documentElement.dataset.theme = "
         "localStorage.getItem('theme') || 'light';</script>")
# Formulas typeset as the site's build typesets them (docs/_ext/buildmath.py, MathJax in Node), put
# in the pages' bodies where they name them (@name@), with the glyphs they use and the style sheet.
MATH = '<link rel="stylesheet" href="buildmath.css">'
FORMULAS = {  # name: (display, TeX)
    "inline": (False, r"\sigma^2 = \frac{1}{n}"),
    "display": (True, r"W^{[l]} \sim \mathcal{N}(0, 1/n^{[l-1]})"),
    "error": (False, r"\frac{1}"),
    "wide": (True, r"\mathrm{Var}(a^{[L]}) = \Big[\prod_{l=1}^{L} n^{[l-1]}\,\mathrm{Var}(W^{[l]})\Big]"
                   r"\,\mathrm{Var}(x) + \sum_{k=1}^{K} \beta_k"),
    "numbered": (True, r"n\,\mathrm{Var}(W) + m\,\mathrm{Var}(V) + p\,\mathrm{Var}(U) = \frac{1}{3}"),
}


# A navigation button that opens a <dialog> of links (as pydata-sphinx-theme's does on a narrow
# screen), bound by its script to the first `.primary-toggle` of the page (handler: which one).
NAV = """{first}<button class="primary-toggle">Site navigation</button>
<dialog id="nav"><a href="good.html">A page</a></dialog>
<script>document.querySelectorAll('.primary-toggle')[{handler}]
  .addEventListener('click', () => document.getElementById('nav').showModal());</script>"""
DEAD = '<button class="primary-toggle" style="display: none">hidden header button</button>'


def tab_set(name: str, tabs: list[tuple[str, str]], cls: str = "") -> str:
    """HTML of a sphinx-design tab set: ``tabs`` is ``[(label, content html), ...]``."""
    parts = [f'<div class="sd-tab-set {cls}">']
    for k, (label, content) in enumerate(tabs):
        checked = ' checked="checked"' if k == 0 else ""
        parts.append(f'<input{checked} id="{name}-{k}" name="{name}" type="radio">'
                     f'<label class="sd-tab-label" for="{name}-{k}">{label}</label>'
                     f'<div class="sd-tab-content">{content}</div>')
    parts.append("</div>")
    return "\n".join(parts)


def figure(src: str, alt: str = "A test figure", style: str = "") -> str:
    return (f'<figure><img src="{src}" alt="{alt}" style="{style}">'
            f'<figcaption>{alt}</figcaption></figure>')


def write_images(where: Path) -> None:
    """Figures like the site's (white, opaque, dark ink) and broken ones."""
    def ink(at):
        rgb = np.full((80, 120, 3), 255, np.uint8)
        rgb[at:at + 20, 20:60] = 0
        return rgb

    Image.fromarray(ink(10)).save(where / "fig_a.png")
    Image.fromarray(ink(40)).save(where / "fig_b.png")
    Image.fromarray(np.full((80, 120, 3), 255, np.uint8)).save(where / "blank.png")
    rgba = np.zeros((80, 120, 4), np.uint8)  # transparent ground, black ink
    rgba[30:50, 20:60, 3] = 255
    Image.fromarray(rgba, "RGBA").save(where / "transparent.png")


PAGES = {
    "good.html": dict(head=MATH, body=r"""
<h1 id="target">A working page</h1>
<p>Inline <span class="math notranslate nohighlight">@inline@</span>,
and display:</p>
<div class="math notranslate nohighlight">@display@</div>
<p><code>r"$\sigma$"</code> is code, shown literally. Links: <a href="good.html#target">here</a>,
<a href="other.html">other</a>, <a href="#target">top</a>,
<a href="https://example.org/">away</a>.</p>
""" + tab_set("t", [("A", figure("fig_a.png", "Figure A")), ("B", figure("fig_b.png", "Figure B"))])
        + '<div style="height: 3000px"></div>'
        + '<figure><img loading="lazy" src="fig_b.png" alt="A lazy figure far below"></figure>'),
    "other.html": dict(body="<p>Another page.</p>"),
    "raw_math.html": dict(body=r"""
<p>The energy is $$E = mc^2$$ in display and $\sigma^2$ inline, never typeset.</p>
<p><span class="math notranslate nohighlight">\(a + b\)</span></p>"""),
    "raw_markup.html": dict(body="""
<p>Returns: <em>&gt;&gt;&gt; fig = plot(x)</em>, see {numref}`fig-x` and :math:`x^2`.</p>
<p>```python</p>
<pre>&gt;&gt;&gt; 1 + 1  # in a code block: fine</pre>"""),
    "tex_error.html": dict(head=MATH, body=r"""
<p><span class="math notranslate nohighlight">@error@</span></p>"""),
    # Formulas broken one way each: no MathML, a Tab stop, an SVG a screen reader reads, a glyph
    # not defined (the page has no glyphs at all), and MathJax loaded in the browser.
    "bad_math.html": dict(head='<script defer src="mathjax-tex-chtml.js"></script>', glyphs=False,
                          body=r"""
<p>No MathML: <span class="math notranslate nohighlight">@inline:no-mathml@</span>.</p>
<p>A Tab stop: <span class="math notranslate nohighlight">@inline:tabindex@</span>.</p>
<div class="math notranslate nohighlight">@display:svg-read@</div>"""),
    "images.html": dict(body="""
<figure><img src="missing.png" alt="A figure whose file is missing"></figure>
<figure><img alt="A figure without src"></figure>
<figure><img src="fig_a.png"></figure>
<figure><img src="fig_b.png" alt="  "></figure>"""),
    "external.html": dict(head="""
<script src="https://example.com/x.js"></script>
<link rel="stylesheet" href="https://cdn.example.org/x.css">""",
                          body='<img src="http://example.net/a.png" alt="A remote image">'),
    "links.html": dict(body="""
<h1 id="here">Links</h1>
<a href="nowhere.html">dead page</a> <a href="good.html#no-such-id">dead anchor</a>
<a href="#missing-here">dead local anchor</a> <a href="good.html#target">good</a>
<a href="#here">good local</a> <a href="https://example.org/x">external, not followed</a>"""),
    "console.html": dict(head="""
<script>console.error("boom: a deliberate console error");</script>
<script>throw new Error("a deliberate uncaught exception");</script>""", body="<p>Console.</p>"),
    "tabs.html": dict(body="\n".join([
        tab_set("same", [("A", figure("fig_a.png", "A")), ("B", figure("fig_a.png", "B"))]),
        tab_set("none", [("A", figure("fig_a.png", "A")), ("B", "<p>No figure here.</p>")]),
        tab_set("stuck", [("A", "<p>one</p>"), ("B", "<p>two</p>")], cls="always"),
    ])),
    "dark.html": dict(body="""
<figure><img src="transparent.png" alt="A figure without background"></figure>
<figure><img src="fig_a.png" alt="An inverted figure" style="filter: invert(1)"></figure>
<figure><img src="blank.png" alt="A figure without ink"></figure>
<p style="color: #333">Dim text on the dark page.</p>"""),
    "no_theme.html": dict(theme="", body="<p>This page ignores the colour mode.</p>"),
    # -- Readable everywhere (readability.py) --
    "clipped_math.html": dict(head=MATH, body=r"""
<div style="width: 220px; overflow: hidden">
<div class="math notranslate nohighlight">@wide@</div>
</div>
<div style="width: 420px"><div class="math notranslate nohighlight" style="position: relative">
<span class="eqno" style="position: absolute; left: 45%; top: 1.2em">(3.4)</span>@numbered@</div></div>"""),
    "nav.html": dict(body=NAV.format(first="", handler=0)),
    "dead_toggle.html": dict(body=NAV.format(first=DEAD, handler=0)),
    "print_tabs.html": dict(body=tab_set("p", [("First", "<p>one</p>"), ("Second", "<p>two</p>")])
                            + "<button>Copy</button>"),
    "print_tabs_fixed.html": dict(head='<link rel="stylesheet" href="custom.css">',
                                  body=tab_set("p", [("First", "<p>one</p>"),
                                                     ("Second", "<p>two</p>")])),
    # -- Waits (checks.settle, wait_stable, wait_until, in_page_delay) --
    "late.html": dict(body="""
<p id="fade" style="opacity: 0; transition: opacity 800ms linear">Fades in after the load.</p>
<div id="box" style="width: 50%; height: 400px"><div id="bar" style="height: 10px"></div></div>
<script>
  addEventListener("load", () => requestAnimationFrame(() => { document.getElementById("fade").style.opacity = 1; }));
  // the bar's height follows the box's width, as a widget's charts do (a ResizeObserver)
  new ResizeObserver(([e]) => { document.getElementById("bar").style.height = Math.round(e.contentRect.width / 2) + "px"; })
    .observe(document.getElementById("box"));
  window.ticks = 0; setInterval(() => { window.ticks++; }, 100);
</script>"""),
    "axe.html": dict(body="""
<button aria-label="Close">Open the menu</button>
<details><summary></summary><p>Hidden</p></details>"""),
}


@pytest.fixture(scope="module")
def contexts():
    """``{"light": context, "dark": context}`` of one headless Chromium (``checks.launch``)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        try:
            browser = checks.launch(playwright)
        except FileNotFoundError as exc:
            pytest.fail(str(exc), pytrace=False)
        yield {mode: checks.new_context(browser, mode) for mode in ("light", "dark")}
        browser.close()


@pytest.fixture(scope="module")
def broken_site(tmp_path_factory):
    """Serve the pages above from a temporary directory; yield ``(directory, base_url)``."""
    where = tmp_path_factory.mktemp("broken_site")
    typeset = buildmath.Typeset(ROOT, where / "buildmath.json")
    typeset.ensure(FORMULAS.values())
    formulas = {name: typeset.get(*f)["html"] for name, f in FORMULAS.items()}
    wide = [int(m.group(1)) for html in formulas.values() if (m := buildmath._WIDE.match(html))]
    (where / "buildmath.css").write_text(typeset.css + buildmath.narrow_css(wide), encoding="utf-8")
    (where / "mathjax-tex-chtml.js").write_text("window.typesetInTheBrowser = true;\n")
    broken = {  # a formula broken one way
        "no-mathml": lambda h: re.sub(r"<mjx-assistive-mml.*</mjx-assistive-mml>", "", h, flags=re.S),
        "tabindex": lambda h: h.replace("<mjx-container ", '<mjx-container tabindex="0" ', 1),
        "svg-read": lambda h: h.replace(' aria-hidden="true"', ""),
    }

    def formula(match: re.Match) -> str:
        html = formulas[match.group(1)]
        return broken[match.group(2)](html) if match.group(2) else html

    write_images(where)
    (where / "custom.css").symlink_to(ROOT / "docs" / "_static" / "custom.css")  # print rules
    (where / "sphinx-design.min.css").symlink_to(  # the tab sets' real style sheet
        Path(sphinx_design.__file__).parent / "static" / "sphinx-design.min.css")
    for name, parts in PAGES.items():
        body = re.sub(r"@(\w+)(?::([\w-]+))?@", formula, parts["body"])
        if "<mjx-container" in body and parts.get("glyphs", True):
            body = buildmath.glyph_defs(body, typeset.glyphs) + body
        page = PAGE.format(title=name, theme=parts.get("theme", THEME),
                           head=parts.get("head", ""), body=body)
        (where / name).write_text(page, encoding="utf-8")
    with checks.serve(where) as base_url:
        yield where, base_url


@pytest.fixture(scope="module")
def audit(broken_site, contexts):
    """``audit(page, mode="light")`` -> the ``checks.Audit`` of one test page."""
    where, base_url = broken_site

    def run(page: str, mode: str = "light") -> checks.Audit:
        return checks.audit_page(contexts[mode], base_url + page, where, mode)

    return run


def found(audit_result, check):
    return "\n".join(audit_result.problems[check])


@pytest.mark.parametrize("mode", ["light", "dark"])
def test_good_page_passes_every_check(audit, mode):
    result = audit("good.html", mode)
    problems = {check: p for check, p in result.problems.items() if p}
    assert not problems, problems


def test_raw_math_is_reported(audit):
    math = found(audit("raw_math.html"), "math")
    assert "formula not typeset: '\\\\(a + b\\\\)'" in math
    assert "raw TeX '$$'" in math
    assert "raw TeX '\\\\('" in math
    assert "raw TeX '$\\\\sigma^2$'" in math


def test_source_markup_in_prose_is_reported(audit):
    markup = audit("raw_markup.html").problems["markup"]
    text = "\n".join(markup)
    assert len(markup) == 4, markup
    for shown in ["'>>>'", "'{numref}`'", "':math:`'", "'```'"]:
        assert f"raw markup {shown} left in the text" in text


def test_tex_error_is_reported(audit):
    assert "TeX error: 'Missing argument for \\\\frac'" in found(audit("tex_error.html"), "math")


def test_formulas_screen_readers_cannot_read_or_that_take_focus_are_reported(audit):
    math = found(audit("bad_math.html"), "math")
    assert "formula without MathML for assistive technology" in math
    assert "formula is a Tab stop: 'σ2=1n'" in math
    assert "formula whose SVG a screen reader reads too (not aria-hidden): 'W[l]∼N(0,1/n[l−1])'" in math
    assert "glyph '#MJX-NCM-I-1D70E' is not defined in the page" in math
    assert "the page loads MathJax in the browser: " in math


def test_broken_images_are_reported(audit):
    images = found(audit("images.html"), "images")
    assert "src='missing.png'): not decoded" in images
    assert "src=None): no src" in images
    assert "src='fig_a.png'): no alt text" in images
    assert "src='fig_b.png'): no alt text" in images
    assert len(audit("images.html").problems["images"]) == 4


def test_requests_to_other_hosts_are_aborted_and_reported(audit):
    result = audit("external.html")
    requests = found(result, "requests")
    external = ["https://example.com/x.js", "https://cdn.example.org/x.css",
                "http://example.net/a.png"]
    for url in external:
        assert url in requests
        # aborted by the route: no response ever came back (it would have replaced "aborted")
        assert result.requests[url] == "aborted"
    local = [url for url in result.requests if url not in external]
    assert local and all(result.requests[url] == "200" for url in local)


def test_dead_links_are_reported(audit):
    links = audit("links.html").problems["links"]
    assert len(links) == 3, links
    text = "\n".join(links)
    assert "dead link 'nowhere.html'" in text
    assert "dead anchor 'good.html#no-such-id'" in text
    assert "dead anchor '#missing-here'" in text


def test_console_errors_are_reported(audit):
    console = found(audit("console.html"), "console")
    assert "console error: boom: a deliberate console error" in console
    assert "uncaught exception: a deliberate uncaught exception" in console


def test_tab_problems_are_reported(audit):
    tabs = found(audit("tabs.html"), "tabs")
    assert "tabs 'A' and 'B' show the same figure fig_a.png" in tabs
    assert "tab 'B' shows no decoded figure" in tabs
    assert "clicking 'A' shows contents [0, 1], not [0]" in tabs


def test_unreadable_dark_figures_and_text_are_reported(audit):
    result = audit("dark.html", "dark")
    figures = found(result, "dark_figures")
    # transparent: its own corners are transparent, and rendered its ground is the dark page
    assert "figure 1 (transparent.png): corner pixel [0, 0, 0, 0] is not opaque" in figures
    assert "figure 1 (transparent.png): rendered ground" in figures
    # inverted by CSS: the filter is found, and rendered it shows white ink on a black ground
    assert "figure 2 (fig_a.png): inverted by CSS filter" in figures
    assert "figure 2 (fig_a.png): rendered ground" in figures
    # a white image: no ink in the file, nothing that contrasts on screen
    assert "figure 3 (blank.png): only 0.0000% dark pixels" in figures
    assert "figure 3 (blank.png): rendered, only 0.0000% of pixels contrast" in figures
    assert "e.g. <p class=''> 'Dim text on the dark page.'" in found(result, "contrast")


def test_a_page_not_in_dark_mode_is_reported(audit):
    theme = found(audit("no_theme.html", "dark"), "theme")
    assert "<html data-theme> is None, not 'dark'" in theme
    assert "dark mode asked for but the page background [255, 255, 255]" in theme


def test_a_missing_page_is_reported(audit):
    assert "HTTP 404 for " in found(audit("no_such_page.html"), "resources")


# -- Readable everywhere -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def opened(broken_site, contexts):
    """``opened(page, width)`` -> a playwright page of the broken site, typeset (close it after)."""
    where, base_url = broken_site

    def run(name: str, width: int = 1280):
        page = contexts["light"].new_page()
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(base_url + name, wait_until="load")
        return page

    return run


def test_clipped_formula_and_overlapping_number_are_found(opened):
    page = opened("clipped_math.html")
    maths = readability.display_math(page)
    page.close()
    assert len(maths) == 2
    assert maths[0]["clipped"] and "shows 220 of" in maths[0]["clipped"], maths[0]
    assert maths[1]["eqno"] == "(3.4) overlaps the maths", maths[1]
    good = opened("good.html")
    assert not any(m["clipped"] or m["eqno"] for m in readability.display_math(good))
    good.close()


@pytest.mark.parametrize("width", [375, 900])
def test_dead_navigation_button_is_found(opened, width):
    page = opened("nav.html", width)
    assert readability.navigation_problems(page, wide=False) == []
    page.close()
    page = opened("dead_toggle.html", width)
    # the dead button opens nothing, however long one waits: 2 s, not WAIT_MS, before saying so
    assert readability.navigation_problems(page, wide=False, timeout_ms=2000) == [
        "pressing the navigation button opened no navigation"]
    page.close()


def test_tab_hidden_in_print_is_found(opened):
    page = opened("print_tabs.html")
    problems = readability.print_problems(page)
    page.close()
    assert "tab set 1, tab 'Second': not printed" in problems
    assert "printed: <>" in problems  # the button
    page = opened("print_tabs_fixed.html")  # the same tab set with the site's print rules
    assert readability.print_problems(page) == []
    page.close()


def test_serious_axe_violations_are_found(opened):
    page = opened("axe.html")
    found = {v["id"] for v in readability.axe_violations(page)}
    page.close()
    assert {"label-content-name-mismatch", "summary-name"} <= found, found
    page = opened("other.html")
    assert readability.axe_violations(page) == []
    page.close()


# -- Waits ---------------------------------------------------------------------------------------


def test_waits_follow_what_the_page_does(opened):
    """The waits of checks.py wait for the page, not for a fixed time: settle until a transition
    started at the first frame has ended, wait_stable until a ResizeObserver has redrawn, wait_until
    until a condition holds (False, not an exception, when it never does), in_page_delay until a
    running interval has ticked."""
    page = opened("late.html")
    try:
        took = checks.settle(page)
        opacity = page.evaluate("() => getComputedStyle(document.getElementById('fade')).opacity")
        assert opacity == "1" and took >= 500, (opacity, took)  # an 800 ms transition, begun at load
        page.set_viewport_size({"width": 600, "height": 900})
        height = checks.wait_stable(page, "() => document.getElementById('bar').offsetHeight")
        width = page.evaluate("() => document.getElementById('box').getBoundingClientRect().width")
        assert width < 320 and height == round(width / 2), (width, height)
        assert checks.wait_until(page, "(n) => window.ticks >= n", 3)
        assert checks.wait_until(page, "() => false", timeout_ms=300) is False
        before = page.evaluate("() => window.ticks")
        checks.in_page_delay(page, 250)
        assert page.evaluate("() => window.ticks") > before
    finally:
        page.close()

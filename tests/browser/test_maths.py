"""The formulas as a phone reader and a screen-reader user get them (issue 20): properties, not timings.

The formulas are typeset when the site is built (``docs/_ext/buildmath.py``), so:

* the page as it arrives, before any script runs, already shows every formula typeset and no raw
  TeX: the pages are opened with JavaScript off, which is what a first paint has to work with;
* each formula carries MathML that reaches the accessibility tree as maths (role ``math``, with its
  fractions and scripts), while its drawing does not;
* no formula is a Tab stop: Tab goes through the whole page without landing in one;
* no MathJax menu is offered, and a reader who once saved a renderer choice in MathJax's menu
  (the choice that broke every page) still gets every formula and no failed request;
* in dark mode a formula is drawn in the text's colour.

Every page with formulas is checked (``$XAVIER_SITE``, default ``_build/html``). Against the site as it
was (MathJax typesetting in the browser) the first four fail.
"""

import os
from pathlib import Path

import pytest

import checks
from test_readable import base, browser  # noqa: F401 - the same fixtures: one Chromium, the site served

ROOT = Path(__file__).resolve().parents[2]
SITE = Path(os.environ.get("XAVIER_SITE", ROOT / "_build" / "html")).resolve()
BUILT = (SITE / "searchindex.js").is_file()
PAGES = [f"{d}.html" for d in checks.docnames(SITE)] if BUILT else []
# The pages with formulas (the article's and the API reference's)
MATH_PAGES = [p for p in PAGES if 'class="math' in (SITE / p).read_text(encoding="utf-8")]
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def context(browser):
    made = []

    def make(mode="light", **options):
        ctx = browser.new_context(viewport=PHONE, color_scheme=mode, service_workers="block",
                                  **options)
        ctx.set_default_timeout(checks.PAGE_TIMEOUT_MS)
        made.append(ctx)
        return ctx

    yield make
    for ctx in made:
        ctx.close()


_SHOWN = """() => [...document.querySelectorAll('span.math, div.math')].map(e => {
  const svgs = [...e.querySelectorAll('mjx-container svg')].filter(s => s.checkVisibility());
  const box = svgs.map(s => s.getBoundingClientRect()).reduce((a, r) => a + r.width * r.height, 0);
  return {text: e.textContent.replace(/\\s+/g, ' ').trim().slice(0, 60), drawn: svgs.length > 0,
          area: box, hidden: !e.checkVisibility()};
})"""


@pytest.mark.parametrize("name", MATH_PAGES)
def test_formulas_are_typeset_before_any_script_runs(context, base, name):
    """With JavaScript off the page shows every formula drawn (an SVG with an area) and no raw TeX."""
    page = context(java_script_enabled=False).new_page()
    page.goto(base + name, wait_until="load")
    # Sections and large blocks far from the screen are skipped from layout (lazy_layout.css), their
    # formulas drawn once they come near it; whether the browser counts one near the screen edge as
    # skipped at "load" varies from run to run (1 in 6 on why.html). Typesetting is what this test
    # checks (the skipping has its own tests, test_lazy_layout): every block is laid out here.
    page.evaluate("""() => {
        const style = document.createElement('style');
        style.textContent = '* { content-visibility: visible !important; }';
        document.head.append(style);
        document.body.getBoundingClientRect();  // a layout with it
    }""")
    formulas = page.evaluate(_SHOWN)
    assert formulas, f"{name} has no formula"
    undrawn = [f["text"] for f in formulas if not f["hidden"] and not (f["drawn"] and f["area"] > 0)]
    assert not undrawn, f"{len(undrawn)} formulas not drawn without scripts, e.g. {undrawn[:3]}"
    raw = checks._find(checks.RAW_TEX, checks.prose_text(page), "raw TeX")
    assert not raw, "\n".join(raw)


def _math_nodes(page) -> list[dict]:
    """The accessibility tree's maths (Chromium's role ``MathMLMath``), each with the roles under it."""
    cdp = page.context.new_cdp_session(page)
    nodes = cdp.send("Accessibility.getFullAXTree")["nodes"]
    by_id = {n["nodeId"]: n for n in nodes}

    def role(n):
        return (n.get("role") or {}).get("value")

    def below(n):
        for child in n.get("childIds", []):
            if child in by_id:
                yield by_id[child]
                yield from below(by_id[child])

    return [{"roles": {role(d) for d in below(n) if not d.get("ignored")},
             "text": " ".join((d.get("name") or {}).get("value", "") for d in below(n))}
            for n in nodes if role(n) == "MathMLMath" and not n.get("ignored")]


@pytest.mark.parametrize("name", MATH_PAGES)
def test_each_formula_reaches_assistive_technology_as_maths(context, base, name):
    """Each formula is one ``math`` node of the accessibility tree (its MathML), and its drawing is
    not in the tree: no image, no glyph read one by one."""
    page = context().new_page()
    page.goto(base + name, wait_until="load")
    # sections skipped while the page arrived are shown when the browser is idle (lazy_layout):
    # from then on the tree is whole
    page.wait_for_function(checks.ALL_SHOWN, timeout=20_000)
    count = page.evaluate("""[...document.querySelectorAll('span.math, div.math')]
                             .filter(e => e.checkVisibility({visibilityProperty: true}))
                             .filter(e => !e.closest('.xv-cell-label')).length""")  # not in a hidden tab or a collapsed solution; a stacked table's cell labels repeat their header's formulas for sight only (aria-hidden)
    maths = _math_nodes(page)
    assert len(maths) == count, f"{count} formulas shown but {len(maths)} math nodes in the tree"
    drawn = page.evaluate("""() => [...document.querySelectorAll('mjx-container svg')]
        .filter(s => !s.closest('[aria-hidden="true"]')).length""")
    assert drawn == 0, f"{drawn} formula drawings are exposed to assistive technology"


def test_a_fraction_under_a_root_keeps_its_structure(context, base):
    """Equation (1.1), ``W = randn * sqrt(c / n^[l-1])``: its MathML has the root, the fraction and
    the superscript, and the accessibility tree has them as such (not flat glyphs)."""
    page = context().new_page()
    page.goto(base + "why.html", wait_until="load")
    # blocks skipped while the page arrived (lazy_layout: the equation is a large block three screens
    # down) are laid out when the browser is idle; Chromium gives a skipped block's MathML its roles
    # once it is laid out
    page.wait_for_function(checks.ALL_SHOWN, timeout=20_000)
    mathml = page.evaluate("""() => { const eq = document.querySelector('div.math:has(span.eqno)');
        return [...eq.querySelectorAll('math *')].map(e => e.localName); }""")
    for element in ("msqrt", "mfrac", "msup", "msubsup"):
        assert element in mathml, f"no <{element}> in equation (1.1)'s MathML: {sorted(set(mathml))}"
    wanted = {"MathMLSquareRoot", "MathMLFraction", "MathMLSup", "MathMLSubSup"}
    assert any(wanted <= m["roles"] for m in _math_nodes(page)), \
        f"no formula of the accessibility tree has {sorted(wanted)}"


@pytest.mark.parametrize("name", MATH_PAGES)
def test_no_formula_is_a_tab_stop(context, base, name):
    """Tab from the top of the page to its end never lands in a formula."""
    page = context().new_page()
    page.goto(base + name, wait_until="load")
    stops = page.evaluate("""() => [...document.querySelectorAll('a[href], button, input, select,'
        + ' textarea, summary, [tabindex]')].filter(e => e.tabIndex >= 0).length""")
    landed = []
    seen = set()
    for _ in range(stops + 5):
        page.keyboard.press("Tab")
        where = page.evaluate("""() => { const e = document.activeElement;
            return [e.outerHTML.slice(0, 80), !!e.closest('mjx-container, span.math, div.math')]; }""")
        if where[1]:
            landed.append(where[0])
        if where[0] in seen and where[0].startswith("<body"):
            break
        seen.add(where[0])
    assert not landed, f"{len(landed)} Tab stops in formulas, e.g. {landed[:3]}"


@pytest.mark.parametrize("name", MATH_PAGES)
def test_no_maths_menu_and_a_saved_choice_breaks_nothing(context, base, name):
    """A right-click on a formula opens no MathJax menu, and a reader who once chose "SVG" in it
    (MathJax keeps the choice in localStorage, for every page) gets every formula typeset and no
    failed request: the site asks for no MathJax file at all."""
    ctx = context()
    ctx.add_init_script("localStorage.setItem('MathJax-Menu-Settings',"
                        " JSON.stringify({renderer: 'SVG', speech: true, braille: true}));")
    page = ctx.new_page()
    failed = []
    page.on("response", lambda r: r.status >= 400 and failed.append(f"{r.status} {r.url}"))
    page.on("requestfailed", lambda r: failed.append(f"failed {r.url}"))
    requested = []
    page.on("request", lambda r: requested.append(r.url))
    page.goto(base + name, wait_until="load")
    formula = page.locator("span.math, div.math").first
    formula.scroll_into_view_if_needed()
    formula.click(button="right")
    checks.settle(page)  # no menu is to open: its frames and an idle moment pass first
    menus = page.evaluate("document.querySelectorAll('.CtxtMenu_Menu, .CtxtMenu_MenuFrame').length")
    assert menus == 0, "a MathJax menu opened"
    page.reload(wait_until="load")
    checks.settle(page)  # no script is to undo the typesetting later either
    untypeset = page.evaluate("""() => [...document.querySelectorAll('span.math, div.math')]
        .filter(e => !e.querySelector('mjx-container svg')).length""")
    assert untypeset == 0, f"{untypeset} formulas not typeset after a saved menu choice"
    assert not failed, failed
    mathjax = [u for u in requested if "mathjax" in u.lower()]
    assert not mathjax, f"MathJax files requested: {mathjax[:3]}"


def test_formulas_take_the_text_colour_in_dark_mode(context, base):
    """In dark mode a formula's glyphs are filled with the colour of the text around them."""
    ctx = context("dark")
    ctx.add_init_script("localStorage.setItem('mode', 'dark'); localStorage.setItem('theme', 'dark');")
    page = ctx.new_page()
    page.goto(base + "justification.html", wait_until="load")
    colours = page.evaluate("""() => [...document.querySelectorAll('p span.math')].slice(0, 20).map(s => [
        getComputedStyle(s.querySelector('svg g')).fill, getComputedStyle(s.parentElement).color])""")
    assert colours
    assert all(fill == text for fill, text in colours), colours[:3]
    assert page.evaluate("document.documentElement.dataset.theme") == "dark"


# -- The rest of the first view (docs/_ext/firstpaint.py, docs/_templates) ------------------------

_HEAD_SCRIPTS = """() => [...document.head.querySelectorAll('script[src]')]
  .filter(s => !s.defer && !s.async && s.type !== 'module').map(s => s.getAttribute('src'))"""


@pytest.mark.parametrize("name", ["index.html", "why.html", "api/init.html"])
def test_first_view_waits_for_no_script_and_no_search_index(context, base, name):
    """No script in ``<head>`` stops the parser but the half-kilobyte documentation_options.js, and
    a page other than the search page does not load the search index or the search scripts."""
    page = context().new_page()
    requested = []
    page.on("request", lambda r: requested.append(r.url))
    page.goto(base + name, wait_until="load")
    blocking = [src for src in page.evaluate(_HEAD_SCRIPTS)
                if "_static/documentation_options.js" not in src]
    assert not blocking, f"parser-blocking scripts: {blocking}"
    search = [u for u in requested if "searchindex.js" in u or "searchtools.js" in u]
    assert not search, search


def test_the_search_page_still_finds(context, base):
    page = context().new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(base + "search.html?q=variance", wait_until="load")
    page.wait_for_selector("#search-results li", timeout=checks.PAGE_TIMEOUT_MS)
    assert page.locator("#search-results li").count() > 3
    assert not errors, errors


@pytest.mark.parametrize("name", MATH_PAGES)
def test_images_carry_their_intrinsic_size(context, base, name):
    """Every image has ``width`` and ``height`` attributes in the ratio of its pixels (to 1 px), so
    its box is laid out before the file arrives."""
    page = context().new_page()
    page.goto(base + name, wait_until="load")
    checks.wait_for_images(page)
    images = page.evaluate("""() => [...document.querySelectorAll('main img')].map(i => ({
        src: i.getAttribute('src'), w: +i.getAttribute('width'), h: +i.getAttribute('height'),
        nw: i.naturalWidth, nh: i.naturalHeight}))""")
    wrong = [i["src"] for i in images
             if not (i["w"] and i["h"] and abs(i["h"] - i["w"] * i["nh"] / i["nw"]) <= 1)]
    assert not wrong, f"{len(wrong)} of {len(images)} images without their size, e.g. {wrong[:2]}"


# Punctuation after an inline formula: the formula is an atomic box, so the browser may break the
# line between it and a following ", and", leaving the comma to start the next line (issue 22's
# reader saw one at 1280 px), or a closing ")" (issue 20's reader, why's Fig. 1.2 caption at 375 px).
# The pages reviewed for issues 20 and 22 are checked, collapsed boxes opened.
_ORPHANS = r"""() => {
  document.querySelectorAll('details').forEach(d => d.open = true);
  const out = [];
  for (const m of document.querySelectorAll('article mjx-container:not([display="true"])')) {
    const n = m.closest('span.math') || m, t = n.nextSibling;
    if (!t || t.nodeType !== 3 || !/^[,.;:)\]]/.test(t.data) || !m.checkVisibility()) continue;
    const r = document.createRange(); r.setStart(t, 0); r.setEnd(t, 1);
    const c = r.getBoundingClientRect(), f = m.getBoundingClientRect();
    if (c.width > 0 && (c.top > f.bottom - 2 || c.left < f.left))
      out.push(n.textContent.slice(0, 40) + ' | ' + t.data.slice(0, 20));
  }
  return out;
}"""


@pytest.mark.parametrize("width", [375, 1280])
@pytest.mark.parametrize("name", ["why.html", "normalization.html", "scaling.html", "beyond.html"])
def test_no_punctuation_starts_a_line_after_a_formula(context, base, name, width):
    page = context().new_page()
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(base + name, wait_until="load")
    orphans = page.evaluate(_ORPHANS)
    assert not orphans, f"punctuation alone at a line start after a formula: {orphans}"

"""The themes' style sheets cut to the rules the pages use (docs/_ext/unused_css.py, issue 20) keep
every rule that styles something on a page, and the pages link the files they are served.

Each page of the built site (``$XAVIER_SITE``, default ``_build/html``) is opened in headless
Chromium on a phone (390 px, light mode) and on a desktop (1280 px, dark mode), and once its
scripts have run and its lazily laid-out blocks are all shown, every rule of each sheet as Sphinx
copied it, whole (kept by the build in ``<doctrees>/unused_css``), is looked for in the cut sheet
served, with a header button's tooltip shown and the download menu open (classes and attributes
that scripts add). The browser parses both sheets; a selector list is taken selector by selector. A rule
missing from the cut sheet fails the test if its selector, without its pseudo-elements and state
pseudo-classes (``:hover``, ``:focus``...), matches an element of the page, whatever its media (a
rule for print, or for another width, counts too). The check is the browser's own selector
matching, not PurgeCSS's reading of the pages' words.

The same check covers the joining of a page's sheets into one (docs/_ext/css_bundle.py): the rules
are looked for in what the page is served, and every sheet the page's bundle joins (the site's own
too, and Sphinx's ``basic.css``, which the theme's ``theme.css`` imports) is checked the same way.

The links: every page's style sheet link carries, in its ``?v=``, the checksum Sphinx's own
function gives for the file served, so that a browser holding an older version fetches the new one;
and a page links one local style sheet, its bundle.
"""

from __future__ import annotations

import json
import os
import posixpath
import re
from pathlib import Path

import pytest

import checks
from test_readable import base, browser  # noqa: F401 (fixtures: one Chromium, the site served)

ROOT = Path(__file__).resolve().parents[2]
SITE = Path(os.environ.get("XAVIER_SITE", ROOT / "_build" / "html")).resolve()
WHOLE = SITE.parent / "doctrees" / "unused_css"  # conf.py/Makefile: -d _build/doctrees
BUILT = (SITE / "searchindex.js").is_file()
PAGES = checks.site_pages(SITE) if BUILT else []
CUT = sorted(p.relative_to(WHOLE).as_posix() for p in WHOLE.rglob("*.css")) if WHOLE.is_dir() else []
BUNDLES = SITE.parent / "doctrees" / "css_bundle"  # each bundle's list of sheets, under _static
_IMPORT = re.compile(r"""@import\s+(?:url\()?["']?([^"')\s;]+)""")


def _sources(href: str) -> list[str]:
    """The sheets (paths under the site) whose rules the served sheet ``href`` (a path under the
    site) must hold: a bundle's sheets, each with what it imports."""
    names = [href]
    bundle = re.fullmatch(r"_static/styles/bundle-([0-9a-f]+)\.css", href)
    if bundle:
        names = ["_static/" + f for f in json.loads((BUNDLES / f"{bundle[1]}.json").read_text(encoding="utf-8"))]
    out = []
    for name in names:
        text = (SITE / name).read_text(encoding="utf-8")
        out += [posixpath.normpath(posixpath.join(posixpath.dirname(name), url)) for url in _IMPORT.findall(text)]
        out.append(name)
    return out

# In the page: each rule of a whole sheet (``whole``, its text) that styles an element of the page
# must be in the cut sheet (``cut``, its text) as it is, under the same at-rules. The sheets are
# parsed by the browser (constructed style sheets); a selector list is taken selector by selector
# (the cut may drop the selectors of a list that match nothing); a selector styles an element if it
# matches one once its pseudo-elements and state pseudo-classes (:hover, :focus...) are taken off,
# whatever the media: a rule for print or for another width counts too.
_MISSING = r"""([whole, cut]) => {
  const split = (list) => {  // a selector list at its top-level commas
    const out = []; let depth = 0, start = 0;
    for (let i = 0; i < list.length; i++) {
      const c = list[i];
      if (c === '(' || c === '[') depth++;
      else if (c === ')' || c === ']') depth--;
      else if (c === ',' && depth === 0) { out.push(list.slice(start, i).trim()); start = i + 1; }
    }
    out.push(list.slice(start).trim());
    return out;
  };
  const rules = (text) => {
    const sheet = new CSSStyleSheet(); sheet.replaceSync(text);
    const out = [];
    const walk = (list, context) => {
      for (const rule of list) {
        if (rule instanceof CSSStyleRule) {
          for (const sel of split(rule.selectorText)) out.push([context, sel, rule.style.cssText]);
        } else if (rule.cssRules) {
          const head = rule.cssText.slice(0, rule.cssText.indexOf('{')).trim();
          walk(rule.cssRules, context + head + ' / ');
        }
      }
    };
    walk(sheet.cssRules, '');
    return out;
  };
  const kept = new Set(rules(cut).map(r => JSON.stringify(r)));
  const bare = (sel) => sel.replace(/::?(before|after|marker|placeholder|selection|backdrop|-webkit-[\w-]+|-moz-[\w-]+|hover|focus-visible|focus-within|focus|active|visited|target|checked|disabled|open|popover-open|modal)\b(?!\()/g, '').trim() || '*';
  const missing = [];
  for (const r of rules(whole)) {
    if (kept.has(JSON.stringify(r))) continue;
    let styles;
    try { styles = document.querySelector(bare(r[1])) !== null; } catch (e) { styles = false; }
    if (styles) missing.push(`${r[0]}${r[1]} { ${r[2].slice(0, 80)} }`);
  }
  return missing;
}"""


def _missing(browser, url: str, mode: str, width: int) -> list[str]:
    context = checks.new_context(browser, mode)
    try:
        page = context.new_page()
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(url, wait_until="load")
        assert checks.wait_until(page, checks.LAID_OUT), f"{url}: the lazily laid-out blocks never all showed"
        # what scripts add as a reader acts: the download menu opened, and a header button's
        # tooltip shown (Bootstrap adds its placement's class, Popper its attribute)
        for selector, shown in ((".dropdown-download-buttons button", ".dropdown-menu.show"),
                                ("[data-bs-toggle=tooltip]", ".tooltip.show")):
            control = page.locator(selector).filter(visible=True).first
            if control.count():
                control.focus() if selector.startswith("[") else control.click()
                page.wait_for_selector(shown)
        hrefs = page.evaluate("""() => [...document.querySelectorAll('link[rel=stylesheet]')]
                                 .map(l => new URL(l.href).pathname)""")
        served_names = [h.lstrip("/") for h in hrefs]  # checks.serve serves the site at the root
        served = "\n".join((SITE / name).read_text(encoding="utf-8") for name in served_names)
        found = []
        for name in [s for href in served_names for s in _sources(href)]:
            whole = WHOLE / name if (WHOLE / name).is_file() else SITE / name
            found += [f"{name}: {rule}" for rule in
                      page.evaluate(_MISSING, [whole.read_text(encoding="utf-8"), served])]
        return found
    finally:
        context.close()


def test_the_build_kept_the_whole_sheets():
    if not BUILT:
        pytest.fail(f"{SITE} holds no site: build it first (make html)", pytrace=False)
    assert {"_static/styles/pydata-sphinx-theme.css", "_static/styles/sphinx-book-theme.css",
            "_static/sphinx-design.min.css"} <= set(CUT), f"{WHOLE} holds {CUT}"
    for name in CUT:
        assert (SITE / name).stat().st_size < (WHOLE / name).stat().st_size, f"{name} was not cut"

    # the themes ship a source map of each whole sheet: it would point a maintainer's developer tools
    # at rules the served sheet no longer has
    stale = [name for name in CUT if (SITE / f"{name}.map").exists() or "sourceMappingURL" in
             (SITE / name).read_text(encoding="utf-8")]
    assert (WHOLE / "_static/styles/pydata-sphinx-theme.css").read_text(encoding="utf-8").count("sourceMappingURL")
    assert not stale, f"cut sheets with a source map of the whole sheet: {stale}"


@pytest.mark.parametrize("mode, width", [("light", 390), ("dark", 1280)])
@pytest.mark.parametrize("page", PAGES)
def test_cut_sheets_keep_every_rule_that_styles_the_page(browser, base, page, mode, width):  # noqa: F811
    found = _missing(browser, base + page, mode, width)
    assert not found, (f"{page} ({mode}, {width} px): {len(found)} rules that style the page were cut, "
                       "e.g.\n" + "\n".join(found[:8]))


def test_links_carry_the_checksum_of_the_file_served():
    from sphinx.builders.html import _file_checksum

    if not BUILT:
        pytest.fail(f"{SITE} holds no site: build it first (make html)", pytrace=False)
    wrong = []
    for page in PAGES:
        html = (SITE / page).read_text(encoding="utf-8")
        links = re.findall(r'<link[^>]*rel="stylesheet"[^>]*>', html)
        local = [re.search(r'href="(?:\.\./)*(_static/[^"?]+)\?([^"]*)"', link) for link in links]
        if len(links) != 1 or None in local:
            wrong.append(f"{page}: {len(links)} style sheet links, one to a file under _static expected: {links}")
            continue
        name, query = local[0].groups()
        want = _file_checksum(SITE, name)
        if query != f"v={want}":
            wrong.append(f"{page}: {name}?{query}, the file's checksum is {want}")
    assert not wrong, "\n".join(wrong[:10])

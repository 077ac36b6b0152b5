"""Sphinx extension: code blocks and sections are laid out after the page has loaded, one at a time
(issue 20).

On the throttled phone (CPU 4x) a big page's longest task is a rendering frame that styles and
lays out everything the parser has added; code blocks are a large share of that (Pygments gives
every token a ``<span>``: 1,100 of signals' 5,400 elements, 2,500 of beyond's 7,400), and none of
them is on the first screen. So:

* ``lazy_layout/lazy_layout.css``: the ``<pre>`` of every ``div.highlight`` (code cells, their
  printed output, the API pages' examples) has ``content-visibility: auto``: Chromium skips the
  style, layout and paint of its contents until it comes near the viewport. Its height meanwhile
  is ``contain-intrinsic-block-size: auto``, its number of lines (``--lines``, counted here when
  the page is written: :func:`count_lines`) times its line height, so the page is as tall as when
  rendered and nothing visible moves when a block is rendered. Screen only: print lays out
  everything as before. A code block holds no formula, so no MathML is concerned.
* ``lazy_layout/lazy_layout.js`` shows every block for good (class ``xl-shown``), one at a time
  when the browser is idle after the page's "load": Chromium leaves a skipped block's text out of
  the accessibility tree (a skipped ``<pre>`` is "ignored: notRendered"), so the skipping lasts
  only while the page loads; find-in-page finds skipped code all the same.
* The same script, with a patch of the theme's script (:func:`patch_theme_script`):
  pydata-sphinx-theme's "load" handler ``addTabStopsToScrollableElements`` reads ``scrollWidth``
  of every code block, cell output and table container to make the ones that scroll Tab stops:
  a forced layout of the whole page, and of every skipped block one by one, in one task (up to
  400 ms on the phone). The theme's function hands over to ``window.xavierTabStops``, which makes
  the same check block by block, as each comes within a screen of the viewport, when the browser
  is idle, and for all the rest before a Tab key moves the focus, so a keyboard user still reaches
  every scrollable block in document order (each checked with its block shown: a skipped
  ``<pre>`` has its estimated size). Without that script the theme's own scan runs.

* The article's sections (each ``<section>`` of a heading of the second level, ``h2``) are
  skipped the same way while the page arrives, and shown the same way, one per idle moment, in
  document order, from the page's "load" on: on the phone the frame that laid out the whole of a
  long page was its longest task (justification: 8,951 elements, two thirds of them the formulas'
  SVG and MathML), and a section is a fraction of it. A skipped section's MathML is not in the
  accessibility tree until it is shown, a few seconds after the load (stop 27 had measured 38 of
  justification's 114 formulas missing with sections skipped for good; shown when idle, every one
  is there). Its height meanwhile is an estimate made when the page is written
  (:func:`estimate_sections`: its text, figures, formulas and code at the column's width on a
  desktop and on a phone), so the scroll bar is about right; the browser's scroll anchoring keeps
  what the reader sees in place while sections above it take their real height.
  Only where there is scroll anchoring (``@supports (overflow-anchor: auto)``; the script checks
  it too): Safari has none, and there the sections are laid out with the page, as before.
* Each large block of a section (a direct child of the page's section, as an API page's entries,
  or of a section of the second level, with at least :data:`BLOCK_ELEMENTS` elements: a paragraph
  with formulas, a display formula, a figure, a cell, a list, an exercise) is skipped on its own
  the same way (:func:`mark_blocks`: ``data-xl`` and its own estimates) and shown the same way
  after its section: a section is up to 2,200 elements (conclusion's 5.2), and the frames that
  laid out a section coming into view, as it arrived, were the longest tasks; with its blocks
  skipped, a frame lays out only those near the viewport. Side by side (bench.reader, one run of
  3 loads on a busy machine, session 31), the longest task's median wall / thread time went from
  702 / 533 ms to 300 / 210 on conclusion, 444 / 375 to 403 / 181 on signals, 773 / 451 to
  392 / 252 on api/init. Where there is no scroll anchoring, these are not skipped either.

The patch is made to the copy of the theme's script in the built site, against
pydata-sphinx-theme 0.20.0 only (``pinned``): on any other version the build stops, and on this
version it stops too unless the patched text is found exactly once.
"""

from __future__ import annotations

import re
from pathlib import Path

SCRIPT = Path("_static") / "scripts" / "pydata-sphinx-theme.js"
# the start of the minified addTabStopsToScrollableElements (its scan's selector follows)
ORIGINAL = 'function I(){const e=()=>{document.querySelectorAll(["pre",".nboutput > .output_area"'
PATCHED = ('function I(){if(window.xavierTabStops)return window.xavierTabStops();'
           'const e=()=>{document.querySelectorAll(["pre",".nboutput > .output_area"')
_BLOCK = re.compile(r'<div class="highlight"><pre>(.*?)</pre></div>', re.S)


def count_lines(body: str) -> str:
    """``body`` with each Pygments block (``<div class="highlight"><pre>``) given its number of
    lines as ``style="--lines: N"``, which lazy_layout.css turns into its estimated height.

    >>> count_lines('<div class="highlight"><pre><span></span>a\\nb\\n</pre></div>')
    '<div class="highlight" style="--lines: 2"><pre><span></span>a\\nb\\n</pre></div>'
    """
    def one(match: re.Match) -> str:
        text = match.group(1)
        lines = text.count("\n") + (not text.endswith("\n"))
        return f'<div class="highlight" style="--lines: {lines}"><pre>{text}</pre></div>'

    return _BLOCK.sub(one, body)


_SECTION = re.compile(r"<(/?)section\b([^>]*)>")
_DROP = re.compile(r"<(svg|mjx-assistive-mml|pre|script|style)\b.*?</\1>", re.S)
_TAG = re.compile(r"<[^>]+>")
_IMG = re.compile(r"<img\b[^>]*>")
# the article's column (CSS px) and characters per line of its 16 px text, on a desktop (1280 px
# window) and on a phone (375 px); a line of text is 1.65 em high
COLUMN = {"desktop": (730, 78), "phone": (343, 40)}
LINE_PX = 26.4


_COLLAPSED = re.compile(r'<details(?![^>]*\bopen\b)[^>]*>|<div class="[^"]*\bdropdown admonition\b[^"]*"[^>]*>')
_TABS = re.compile(r'<div class="sd-tab-set\b[^>]*>')
_TAB = re.compile(r'<div class="sd-tab-content\b[^>]*>')
BOX_PX = 60  # a collapsed box: its title line and its margins


def _end(html: str, start: int) -> int:
    """The index after the element whose start tag begins at ``start`` (nested ones of its name
    counted).

    >>> html = '<div><div>a</div></div><p>'
    >>> html[:_end(html, 0)]
    '<div><div>a</div></div>'
    """
    name = re.match(r"<(\w+)", html[start:]).group(1)
    depth = 0
    for m in re.compile(rf"<(/?){name}\b[^>]*>").finditer(html, start):
        depth += -1 if m.group(1) else 1
        if depth == 0:
            return m.end()
    return len(html)


def shown_at_first(html: str) -> str:
    """``html`` without what a reader does not see until they open it: a collapsed box (a
    ``<details>`` not ``open``, an exercise's solution) becomes a line of :data:`BOX_PX`, and a
    tab set keeps its first tab only.

    >>> shown_at_first('<p>a</p><details class="x"><summary>s</summary><p>b</p></details><p>c</p>')
    '<p>a</p><div style="height: 60px"></div><p>c</p>'
    """
    while m := _COLLAPSED.search(html):
        html = html[:m.start()] + f'<div style="height: {BOX_PX}px"></div>' + html[_end(html, m.start()):]
    out, last = [], 0
    for m in _TABS.finditer(html):
        if m.start() < last:
            continue
        end = _end(html, m.start())
        tabs = [(t.start(), _end(html, t.start())) for t in _TAB.finditer(html, m.start(), end)]
        keep, pos = [html[last:m.start()]], m.start()
        for i, (a, b) in enumerate(tabs):
            keep.append(html[pos:a] if i else html[pos:b])
            pos = b
        out += keep + [html[pos:end]]
        last = end
    return "".join(out) + html[last:]


def section_height(html: str, where: str) -> int:
    """An estimate, in CSS px, of the height of the section ``html`` on a ``where`` ("desktop" or
    "phone") screen, as it is shown at first (:func:`shown_at_first`): its text wrapped at the column's characters per line, its figures at their
    ``width``/``height`` scaled to the column, its display formulas and code lines, and the gaps
    between its blocks.

    A heading (40 px) and a paragraph of 181 characters, 181 / 40 + 1 lines of 26.4 px on a phone;
    a figure 1,000 px wide drawn in the 730 px column, and its gap:

    >>> section_height('<section><h2>A</h2><p>' + 'word ' * 36 + '</p></section>', "phone")
    186
    >>> section_height('<section><img width="1000" height="500"></section>', "desktop")
    397
    """
    column, per_line = COLUMN[where]
    html = shown_at_first(html)
    code_lines = sum(m.group(0).count("\n") for m in re.finditer(r"<pre\b.*?</pre>", html, re.S))
    formulas = html.count('display="true"')
    inline = html.count("<mjx-container") - formulas
    text = " ".join(_TAG.sub(" ", _DROP.sub(" ", html)).split())
    lines = (len(text) + 6 * inline) / per_line + html.count("<p") + html.count("<li")
    height = lines * LINE_PX + html.count("<h") * 40 + formulas * 64 + code_lines * 21
    height += html.count('<div class="highlight"') * 40 + html.count("<tr") * 36
    height += html.count(f'<div style="height: {BOX_PX}px">') * BOX_PX + html.count("sd-tab-set") * 48
    for img in _IMG.findall(html):
        w, h = re.search(r'\bwidth="(\d+)"', img), re.search(r'\bheight="(\d+)"', img)
        if w and h and int(w.group(1)) > 0:
            height += int(h.group(1)) * min(1.0, column / int(w.group(1))) + 32
    return round(height)


def estimate_sections(body: str) -> str:
    """``body`` with each section of the second level (``<section>`` inside the page's top
    section) given its estimated heights (:func:`section_height`) as ``style="--xl-h: ...px;
    --xl-hn: ...px"``, desktop and phone, which lazy_layout.css uses while it is skipped.

    >>> estimate_sections('<section id="t"><h1>T</h1><section id="a"><h2>A</h2></section></section>')
    '<section id="t"><h1>T</h1><section id="a" style="--xl-h: 40px; --xl-hn: 41px"><h2>A</h2></section></section>'
    """
    out, depth, last, opened = [], 0, 0, []
    for m in _SECTION.finditer(body):
        if m.group(1):
            depth -= 1
            if depth == 1 and opened:
                start, tag_end = opened.pop()
                inner = body[start:m.end()]
                style = (f' style="--xl-h: {section_height(inner, "desktop")}px; '
                         f'--xl-hn: {section_height(inner, "phone")}px"')
                out.append(body[last:tag_end - 1] + style + ">")
                last = tag_end
        else:
            depth += 1
            if depth == 2 and "style=" not in m.group(2):
                opened.append((m.start(), m.end()))
    out.append(body[last:])
    return "".join(out)


# a block of a section is skipped on its own when it holds at least this many elements (a
# paragraph with a few inline formulas, a display formula, a figure, a cell); smaller ones only
# with their section
BLOCK_ELEMENTS = 30
_VOID = {"area", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}
_START = re.compile(r"<(\w+)\b[^>]*>|<!--.*?-->", re.S)


def _children(body: str, pos: int, end: int):
    """The direct child elements between ``pos`` and ``end``: (name, start tag match, end index)."""
    while (child := _START.search(body, pos, end)) is not None:
        if child.group(0).startswith("<!--"):
            pos = child.end()
            continue
        name = child.group(1).lower()
        stop = child.end() if name in _VOID else _end(body, child.start())
        yield name, child, stop
        pos = stop


def _mark_children(body: str, pos: int, end: int, marks: list) -> None:
    """Mark the large children between ``pos`` and ``end`` (see :func:`mark_blocks`); within an API
    entry marked (``<dl class="py ...">``), the large children of its description (``<dd>``) too."""
    for name, child, stop in _children(body, pos, end):
        if name in _VOID or name == "section":  # a section: its blocks are marked on its own
            continue
        inner = body[child.start():stop]
        if (name not in ("h1", "h2", "h3", "h4", "h5", "h6") and "style=" not in child.group(0)
                and inner.count("<") // 2 >= BLOCK_ELEMENTS):
            marks.append((child.end() - 1, f' data-xl style="--xl-h: {section_height(inner, "desktop")}px; '
                                            f'--xl-hn: {section_height(inner, "phone")}px"'))
            if name == "dl" and re.search(r'\bclass="py\b', child.group(0)):
                for part, tag, part_stop in _children(body, child.end(), stop):
                    if part == "dd":
                        _mark_children(body, tag.end(), part_stop, marks)


def mark_blocks(body: str) -> str:
    """``body`` with each large block of the page's section or of a section of the second level (a
    direct child of it, not its heading nor a section, with at least :data:`BLOCK_ELEMENTS`
    elements: an API page's entries are in the page's section) marked ``data-xl``
    with its estimated heights (:func:`section_height`) as ``style="--xl-h: ...px; --xl-hn:
    ...px"``: lazy_layout.css skips it on its own, so that the frame that lays out a section
    coming into view lays out only its blocks near the viewport (a section is up to 2,200
    elements: conclusion's 5.2). A block that has a ``style`` already is left as it is. In an API
    entry marked (``<dl class="py ...">``, up to 1,800 elements: api/network's ``Network``, which
    lazy_layout.js showed in one idle task of up to 265 ms on the phone), the large blocks of its
    description (``<dd>``: paragraphs, field lists, examples, its methods' entries) are marked
    too, and shown after it, one at a time.

    A paragraph of 30 elements is marked, the short one before it is not, nor one in a section of
    the third level:

    >>> p = '<p>' + '<b>x</b>' * 30 + '</p>'
    >>> print(mark_blocks('<section><h1>T</h1>' + p + '<section><h2>A</h2><p>b</p>' + p + '<section><h3>B</h3>'
    ...                   + p + '</section></section></section>').replace('<b>x</b>' * 30, '...'))
    <section><h1>T</h1><p data-xl style="--xl-h: ...px; --xl-hn: ...px">...</p><section><h2>A</h2><p>b</p><p data-xl style="--xl-h: ...px; --xl-hn: ...px">...</p><section><h3>B</h3><p>...</p></section></section></section>

    An API entry and the large paragraph of its description are marked, not its signature:

    >>> entry = '<dl class="py class"><dt>' + '<b>x</b>' * 30 + '</dt><dd>' + p + '</dd></dl>'
    >>> mark_blocks('<section><h1>T</h1>' + entry + '</section>').count('data-xl')
    2
    """
    marks, depth = [], 0  # (the index of a block's start tag's ">", its attributes)
    for m in _SECTION.finditer(body):
        depth += -1 if m.group(1) else 1
        if m.group(1) or depth > 2:
            continue
        _mark_children(body, m.end(), _end(body, m.start()), marks)
    out, last = [], 0
    for at, attributes in sorted(marks):
        out += [body[last:at], attributes]
        last = at
    out.append(body[last:])
    return "".join(out)


def _count_lines(app, pagename, templatename, context, doctree) -> None:
    if "body" in context:
        context["body"] = count_lines(context["body"])


def _estimate_sections(app, pagename, templatename, context, doctree) -> None:
    if "body" in context:
        context["body"] = estimate_sections(mark_blocks(context["body"]))


def patch_theme_script(text: str) -> str:
    """The theme's script with its Tab-stop scan handing over to ``window.xavierTabStops``.

    Raises ``sphinx.errors.ExtensionError`` unless the scan's start is found exactly once (or the
    script is already patched: a rebuild that kept the copy).

    >>> patch_theme_script("a" + ORIGINAL + "b") == "a" + PATCHED + "b" == patch_theme_script("a" + PATCHED + "b")
    True
    >>> patch_theme_script("function I(){const e=()=>{}}")
    Traceback (most recent call last):
    sphinx.errors.ExtensionError: docs/_ext/lazy_layout.py: the start of the theme's Tab-stop scan is found 0 times ...
    """
    from sphinx.errors import ExtensionError

    if text.count(PATCHED) == 1 and ORIGINAL not in text:
        return text
    if text.count(ORIGINAL) != 1:
        raise ExtensionError(f"docs/_ext/lazy_layout.py: the start of the theme's Tab-stop scan is "
                             f"found {text.count(ORIGINAL)} times in {SCRIPT}, not once: re-read "
                             f"addTabStopsToScrollableElements and adapt the patch")
    return text.replace(ORIGINAL, PATCHED)


def _patch(app, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    path = Path(app.outdir) / SCRIPT
    text = path.read_text(encoding="utf-8")
    patched = patch_theme_script(text)
    if patched != text:
        path.write_text(patched, encoding="utf-8")


def setup(app):
    from pinned import require

    require("docs/_ext/lazy_layout.py: pydata-sphinx-theme's addTabStopsToScrollableElements",
            pydata_sphinx_theme="0.20.0")
    app.add_css_file("lazy_layout/lazy_layout.css")
    app.add_js_file("lazy_layout/lazy_layout.js", defer="defer")
    app.connect("html-page-context", _count_lines)
    # after figure_images and firstpaint (900, 950) gave the images their width and height
    app.connect("html-page-context", _estimate_sections, priority=990)
    app.connect("build-finished", _patch)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}

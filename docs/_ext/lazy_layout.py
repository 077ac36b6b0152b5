"""Sphinx extension: code blocks are laid out after the page has loaded, one at a time (issue 20).

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

Not done, measured and dropped (stop 27): ``content-visibility: auto`` on the article's sections:
Chromium then leaves the skipped sections' MathML out of the accessibility tree (38 of
justification's 114 formulas missing).

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


def _count_lines(app, pagename, templatename, context, doctree) -> None:
    if "body" in context:
        context["body"] = count_lines(context["body"])


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
    app.connect("build-finished", _patch)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}

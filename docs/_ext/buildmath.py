"""Sphinx extension: every formula typeset when the site is built, as SVG with MathML beside it.

Replaces ``sphinx.ext.mathjax``, which wrote the TeX into the page (``\\(...\\)``) for MathJax to
typeset in the reader's browser: on a phone (CPU 4x slower, slow 4G) the formulas showed as raw TeX
for 5-13 s while MathJax (1 MB) typeset them in one long task of up to 5.6 s that froze the page,
every formula was a Tab stop, and its menu could switch to a renderer whose file is not shipped.

Here MathJax 4 (npm ``mathjax`` 4.1.3 and its New Computer Modern font, already in package.json)
runs in Node when the site is built (``buildmath.cjs`` beside this file), as Jupyter Book 2
(mystmd) does: the page arrives with its formulas drawn, and loads no script for them.

* **SVG, not CHTML.** A CHTML formula needs the font's CSS and its woff2 files before its glyphs
  show (text drawn in a web font is invisible until the font arrives, or drawn in a fallback
  font); an SVG formula is drawn with the page. Each glyph's outline is written once per page, in
  a hidden ``<svg><defs>`` at the top of the article, and every formula refers to it by id
  (MathJax's "global" font cache), so a page carries the outlines of the glyphs it uses, once.
  The glyphs are drawn in ``currentColor``: the text's colour in light and dark mode, and black
  in print.
* **For assistive technology** each formula holds its MathML (``<mjx-assistive-mml>``, visually
  hidden, read by screen readers), and the SVG is ``aria-hidden``. No formula is focusable.
* **Line breaks.** An inline formula is cut into pieces at its top-level operators (MathJax 4's
  in-line breaking), which the browser wraps like words on a narrow screen; one narrower than
  :data:`UNBROKEN_EM` is kept whole (a line starting "= 100." read badly). Display formulas keep
  the lines their TeX gives them: those too wide for a phone are broken by hand in the pages.
* **One batch per build**, for the formulas not typeset before: the TeX of every formula
  is collected when a page is read (``doctree-read``, kept in the environment), and when reading
  ends (``env-updated``) the ones missing from the cache (``<doctrees>/buildmath.json``, keyed by
  display flag and TeX, and invalidated when MathJax's version or this code changes) are typeset
  in one batch, by one Node process per core when there are at least :data:`MIN_PER_PROCESS`
  formulas per process (a clean build), else by one. A rebuild with no new formula starts none. The output depends only on the
  TeX, so builds stay byte for byte the same whatever the cache held.

A TeX error (``\\frac{1}``) is a build warning at the formula's source line, so the strict build
fails. MathJax's stylesheet for the SVG output (the hidden MathML, display layout) is written to
``_static/buildmath.css``, linked by the pages that have formulas.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from docutils import nodes

NODE_SCRIPT = Path(__file__).with_name("buildmath.cjs")
CSS_FILE = "buildmath.css"
# Where the theme (pydata-sphinx-theme's _math.scss) makes an inline formula a clipped inline-flex
# box, the pieces of a long inline formula could not wrap: an inline formula flows with the text.
# Its pieces wrap at MathJax's <mjx-break> elements alone (white-space: normal on them, nowrap on the
# formula, MathJax's own stylesheet). The formula keeps that nowrap: Chromium takes the break
# opportunity after an inline box from the box's own style, so a formula whose white-space was
# normal let a following ")." or "," start the next line.
CSS_EXTRA = """
span.math { display: inline; overflow: visible; }
mjx-assistive-mml math, mjx-assistive-mml math * { display: inline !important; }
"""
# The last rule: the MathML beside each formula is for assistive technology only (clipped to one
# pixel), yet Chromium laid it out as maths (operator tables, stretchy operators, the maths font's
# fallback): without any MathML a big page's full style and layout took a third less (a diagnostic,
# issue 20). Laid out as plain inline boxes it takes 5-14 % less than as maths (justification 63 ->
# 60 ms, conclusion 34 -> 29 ms, unthrottled), and its accessibility tree is the same, node for node
# (roles and names); content-visibility or display: contents on it would drop it from the tree.
# A display formula wider than NARROW_EM does not fit a phone's column (343 px at 375 px, the text
# at 16 px): it is typeset a second time, broken into lines by MathJax for a column of NARROW_PX,
# and the page shows that version while the formula's column is narrower than the formula (a
# container query per width, in em, in buildmath.css).
NARROW_PX = 340
# An inline formula narrower than this (in em, the text's size) is not cut at its operators: moved
# whole to the next line it leaves at most about a quarter of a phone's line (343 px, 21 em) empty.
# Not wider: at 8 em a table header, n^[l-1] Var(W^[l]) (6.6 em), kept whole made xavier_init's
# table of starts 367 px wide in its 343 px column (test_readable).
UNBROKEN_EM = 5
# Formulas per Node process at least: starting one (MathJax and its font loaded) costs about 0.35 s
# of CPU, as much as typesetting 70 formulas.
MIN_PER_PROCESS = 200
NARROW_EM = NARROW_PX / 16
_WIDE = re.compile(r'^<mjx-container data-wide="(\d+)"')
_GLYPH = re.compile(r' href="#(MJX-[^"]+)"')


def display_tex(node: nodes.math_block) -> str:
    """The TeX that ``sphinx.ext.mathjax`` (and MyST's amsmath override of it) would have put
    between ``\\[`` and ``\\]`` for ``node``: an amsmath environment as it is, several equations
    separated by blank lines aligned in one ``aligned``, an equation with ``\\\\`` in ``split``."""
    text = node.astext()
    if "amsmath" in node.get("classes", []):
        return text
    parts = [part for part in text.split("\n\n") if part.strip()]
    parts = [r"\begin{split}" + part + r"\end{split}" if r"\\" in part else part for part in parts]
    if len(parts) > 1:
        return r" \begin{align}\begin{aligned}" + r"\\".join(parts) + r"\end{aligned}\end{align} "
    return "".join(parts)


def _formulas(doctree) -> set[tuple[bool, str]]:
    found = {(False, node.astext()) for node in doctree.findall(nodes.math)}
    for node in doctree.findall(nodes.math_block):
        if not node.get("no-wrap", node.get("nowrap", False)) or "amsmath" in node.get("classes", []):
            found.add((True, display_tex(node)))
    return found


def collect(app, doctree) -> None:
    """Record the TeX of every formula of the page just read."""
    env = app.env
    if not hasattr(env, "buildmath_formulas"):
        env.buildmath_formulas = {}
    env.buildmath_formulas[env.docname] = _formulas(doctree)


def purge(app, env, docname) -> None:
    getattr(env, "buildmath_formulas", {}).pop(docname, None)


def merge(app, env, docnames, other) -> None:
    if not hasattr(env, "buildmath_formulas"):
        env.buildmath_formulas = {}
    for docname in docnames:
        if docname in getattr(other, "buildmath_formulas", {}):
            env.buildmath_formulas[docname] = other.buildmath_formulas[docname]


def outdated(app, env, added, changed, removed) -> list[str]:
    """Every page with formulas, when MathJax or this extension changed since the last build."""
    key = _cache_key(Path(app.confdir))
    if getattr(env, "buildmath_key", key) == key:
        env.buildmath_key = key
        return []
    env.buildmath_key = key
    return sorted(d for d, found in getattr(env, "buildmath_formulas", {}).items() if found)


def _cache_key(root: Path) -> str:
    """Changes when MathJax, its font or this extension's code change."""
    h = hashlib.sha256()
    for path in (root / "node_modules" / "mathjax" / "package.json",
                 root / "node_modules" / "@mathjax" / "mathjax-newcm-font" / "package.json",
                 NODE_SCRIPT, Path(__file__)):
        h.update(path.read_bytes() if path.is_file() else b"missing")
    return h.hexdigest()


class Typeset:
    """The typeset formulas, by ``(display, tex)``, and the glyph outlines they refer to."""

    def __init__(self, root: Path, cache: Path):
        self.root, self.cache = root, cache
        self.key = _cache_key(root)
        self.formulas: dict[str, dict] = {}
        self.glyphs: dict[str, str] = {}
        self.css = ""
        if cache.is_file():
            data = json.loads(cache.read_text(encoding="utf-8"))
            if data.get("key") == self.key:
                self.formulas, self.glyphs, self.css = data["formulas"], data["glyphs"], data["css"]

    @staticmethod
    def name(display: bool, tex: str) -> str:
        return json.dumps([display, tex])

    def ensure(self, wanted) -> int:
        """Typeset the formulas of ``wanted`` not in the cache, in one batch; how many."""
        missing = sorted({(d, t) for d, t in wanted if self.name(d, t) not in self.formulas})
        if not missing and self.css:
            return 0
        if not (self.root / "node_modules" / "mathjax").is_dir():
            raise FileNotFoundError(f"{self.root / 'node_modules' / 'mathjax'} is missing: run "
                                    "`npm ci` (make html does)")
        # One Node process per core when there are many (a clean build: every formula of the
        # site, typeset while the other core would otherwise wait); each formula's output
        # depends only on its TeX, and the glyph ids on the font, so the split changes no byte.
        jobs = max(1, min(len(os.sched_getaffinity(0)), len(missing) // MIN_PER_PROCESS))
        chunks = [missing[i::jobs] for i in range(jobs)]

        def run(chunk):
            return subprocess.run(["node", str(NODE_SCRIPT)], cwd=self.root, check=False,
                                  input=json.dumps({"formulas": chunk, "narrowEm": NARROW_EM,
                                                    "narrowPx": NARROW_PX, "unbrokenEm": UNBROKEN_EM}), capture_output=True,
                                  text=True, encoding="utf-8")

        with ThreadPoolExecutor(jobs) as pool:  # threads that wait on the Node processes
            done = list(pool.map(run, chunks))
        outs = []
        for proc in done:
            if proc.returncode != 0:
                raise RuntimeError(f"MathJax (node {NODE_SCRIPT.name}) failed:\n{proc.stderr}")
            outs.append(json.loads(proc.stdout))
        if len({out["css"] for out in outs}) != 1:
            raise RuntimeError("MathJax gave two Node processes different stylesheets: typeset the "
                               "formulas in one process (MIN_PER_PROCESS)")
        for chunk, out in zip(chunks, outs, strict=True):
            for (display, tex), result in zip(chunk, out["formulas"], strict=True):
                self.formulas[self.name(display, tex)] = result
            self.glyphs.update(out["glyphs"])
        self.css = outs[0]["css"] + CSS_EXTRA
        self.cache.parent.mkdir(parents=True, exist_ok=True)
        partial = self.cache.with_suffix(f".{os.getpid()}.tmp")
        partial.write_text(json.dumps({"key": self.key, "formulas": self.formulas,
                                       "glyphs": self.glyphs, "css": self.css},
                                      sort_keys=True), encoding="utf-8")
        partial.replace(self.cache)  # whole or not at all, should a writer process also write
        return len(missing)

    def get(self, display: bool, tex: str) -> dict:
        name = self.name(display, tex)
        if name not in self.formulas:  # not seen when the page was read: typeset it now
            self.ensure([(display, tex)])
        return self.formulas[name]


_TYPESET: dict[str, Typeset] = {}  # by doctree directory: one per build, in the writers too


def _typeset(builder) -> Typeset:
    key = str(builder.doctreedir)
    if key not in _TYPESET:
        _TYPESET[key] = Typeset(Path(builder.confdir), Path(builder.doctreedir) / "buildmath.json")
    return _TYPESET[key]


def typeset_all(app, env) -> None:
    """After reading: typeset, in one batch, every formula of the site not typeset before."""
    if app.builder.format != "html":
        return
    wanted = set().union(*getattr(env, "buildmath_formulas", {}).values())
    count = _typeset(app.builder).ensure(wanted)
    if count:
        from sphinx.util import logging

        logging.getLogger(__name__).info(f"buildmath: typeset {count} formulas with MathJax")


def _formula(self, node, display: bool, tex: str) -> str:
    result = _typeset(self.builder).get(display, tex)
    if result["error"]:
        from sphinx.util import logging

        logging.getLogger(__name__).warning(f"TeX error in {tex!r}: {result['error']}",
                                            location=node)
    return result["html"]


def visit_math(self, node) -> None:
    self.body.append(self.starttag(node, "span", "", CLASS="math notranslate nohighlight"))
    self.body.append(_formula(self, node, False, node.astext()) + "</span>")
    raise nodes.SkipNode


def visit_displaymath(self, node) -> None:
    from sphinx.locale import _
    from sphinx.util.math import get_node_equation_number

    amsmath = "amsmath" in node.get("classes", [])
    css = "math notranslate nohighlight" + (" amsmath" if amsmath else "")
    self.body.append(self.starttag(node, "div", CLASS=css))
    if node.get("no-wrap", node.get("nowrap", False)) and not amsmath:
        self.body.append(self.encode(node.astext()) + "</div>")
        raise nodes.SkipNode
    if node["number"]:
        self.body.append(f'<span class="eqno">({get_node_equation_number(self, node)})')
        self.add_permalink_ref(node, _("Link to this equation"))
        self.body.append("</span>")
    self.body.append(_formula(self, node, True, display_tex(node)) + "</div>\n")
    raise nodes.SkipNode


def narrow_css(widths) -> str:
    """CSS that shows a formula's lines broken for a phone (``svg.mjx-narrow``) instead of its one
    line (``svg.mjx-wide``) while its container is narrower than the one line, ``widths`` in em."""
    rules = ["mjx-container[data-wide] { container-type: inline-size; }",
             "mjx-container[data-wide] > svg.mjx-narrow { display: none; }"]
    for w in sorted(set(widths)):
        sel = f'mjx-container[data-wide="{w}"] > svg'
        rules.append(f"@container (max-width: {w}em) {{ {sel}.mjx-wide {{ display: none; }} "
                     f"{sel}.mjx-narrow {{ display: inline; }} }}")
    return "\n".join(rules) + "\n"


def write_css(app, builder) -> None:
    """MathJax's stylesheet and :func:`narrow_css` for the site's formulas, in ``_static`` before
    the first page is written (its link then carries the same checksum in every page,
    docs/_ext/samebytes.py)."""
    if builder.format != "html":
        return
    static = Path(builder.outdir) / "_static"
    static.mkdir(parents=True, exist_ok=True)
    target = static / CSS_FILE
    typeset = _typeset(builder)
    site = set().union(*getattr(app.env, "buildmath_formulas", {}).values())
    widths = [int(m.group(1)) for d, t in site
              if (m := _WIDE.match(typeset.formulas[typeset.name(d, t)]["html"]))]
    css = typeset.css + narrow_css(widths)
    if not target.is_file() or target.read_text(encoding="utf-8") != css:
        target.write_text(css, encoding="utf-8")


def glyph_defs(html: str, glyphs: dict[str, str]) -> str:
    """The hidden ``<svg>`` that defines every glyph ``html``'s formulas refer to, once each."""
    paths = "".join(f'<path id="{g}" d="{glyphs[g]}"></path>' for g in sorted(set(_GLYPH.findall(html))))
    return f'<svg id="MJX-SVG-global-cache" aria-hidden="true" style="display: none"><defs>{paths}</defs></svg>\n'


def page_glyphs(app, pagename, templatename, context, doctree) -> None:
    """A page with formulas links the stylesheet and holds the outlines of the glyphs it uses."""
    body = context.get("body", "")
    if "<mjx-container" not in body:
        return
    app.builder.add_css_file(CSS_FILE)
    context["body"] = glyph_defs(body, _typeset(app.builder).glyphs) + body


def setup(app):
    app.add_html_math_renderer("buildmath", inline_renderers=(visit_math, None),
                               block_renderers=(visit_displaymath, None))
    app.connect("doctree-read", collect)
    app.connect("env-purge-doc", purge)
    app.connect("env-merge-info", merge)
    app.connect("env-get-outdated", outdated)
    app.connect("env-updated", typeset_all)
    app.connect("write-started", write_css)
    app.connect("html-page-context", page_glyphs)
    return {"parallel_read_safe": True, "parallel_write_safe": True}

"""Sphinx extension: each page links one style sheet, the site's sheets joined in the page's order.

A page of this site links 14 style sheets (the two themes', Pygments', myst-nb's, sphinx-design's,
the copy and toggle buttons', the exercises', ours), and the first of them, the theme's
``theme.css``, imports Sphinx's ``basic.css``: 15 requests before the first paint. On a phone
(issue 20: slow 4G, CPU 4x) each one costs the navigation's first task its share of
``HTMLDocumentParser::MaybeFetchQueuedPreloads`` (50-200 ms for all the page's preloads, in
Chromium traces), and each sheet that arrives is a style sheet more for the first frame to collect
rules from. Side by side (bench.reader, 7 pages x 5 loads, run twice), joining them lowered the
median longest task on 11 of 14 page-runs, and the sum of the medians by 19 % in each run.

When the HTML builder finishes (after ``unused_css`` has cut the themes' sheets), every page's
run of ``<link rel="stylesheet">`` to files under ``_static`` is replaced by one link to
``_static/styles/bundle-KEY.css``: the same files joined in the same order, so the cascade is
unchanged; ``KEY`` names the list of files (pages with widgets add ``widgets.css``, the search
page has no formula and no ``buildmath.css``), and the link's ``?v=`` is the joined file's
checksum, as Sphinx computes it. The list is kept in ``<doctrees>/css_bundle/KEY.json``, so that a
rebuild, which writes only the pages that changed, joins the current sheets again for the pages it
did not write, and writes the same bytes as a clean build.

Joining: an ``@import`` of a local file (``theme.css``'s of ``../basic.css``) is replaced by that
file; ``@charset`` is dropped (every sheet is UTF-8, and it is valid only first); a relative
``url()`` is rewritten relative to ``_static/styles``. The joined file lives in ``_static/styles``,
beside pydata-sphinx-theme's sheet, whose three ``url()`` (Font Awesome's fonts) are the site's
only ones. Bundlers do this too, but lightningcss's (the maintained one on npm that bundles
``@import``) leaves the ``url()`` of an imported file as written (parcel-bundler/lightningcss#181,
open), which here would break the fonts' paths; the joining of 14 files in a fixed order is a
few lines. A link with any other attribute (``media``, ``title``...) or to another host is left
as it is.
"""

from __future__ import annotations

import hashlib
import json
import posixpath
import re
from pathlib import Path

from unused_css import checksum, relink

KEEP = "css_bundle"  # <doctrees>/css_bundle/KEY.json: the files each bundle joins
FOLDER = "styles"  # under _static
_LINK = re.compile(r'<link (?:rel="stylesheet" type="text/css" href="([^"]+)"|href="([^"]+)" rel="stylesheet")\s*/>')
_BUNDLED = re.compile(rf'<link rel="stylesheet" href="(?:\.\./)*_static/{FOLDER}/bundle-([0-9a-f]+)\.css\?v=[0-9a-f]{{8}}" />')
_ELSEWHERE = re.compile(r"^(?:[a-z][a-z0-9+.-]*:|//)", re.I)  # another host (or data:): left as written
_IMPORT = re.compile(r"""@import\s+(?:url\()?\s*["']?([^"')\s;]+)["']?\s*\)?\s*;""")
_CHARSET = re.compile(r'@charset\s+"[^"]*"\s*;')
_URL = re.compile(r"""url\(\s*(["']?)([^"')]+)\1\s*\)""")


def key(files: list[str]) -> str:
    """The bundle's name for an ordered list of files (paths under ``_static``).

    >>> key(["a.css", "b.css"]) != key(["b.css", "a.css"])
    True
    """
    return hashlib.sha256("\n".join(files).encode()).hexdigest()[:12]


def rebase(css: str, source: str, target: str) -> str:
    """``css``, a sheet at ``source`` (a path under ``_static``), with every relative ``url()``
    rewritten for a sheet at ``target``.

    >>> rebase('a{b:url("../x/f.woff2")} c{d:url(data:,1)}', "styles/t.css", "styles/bundle.css")
    'a{b:url("../x/f.woff2")} c{d:url(data:,1)}'
    >>> rebase("a{b:url(img/i.png)}", "lesson/lesson.css", "styles/bundle.css")
    'a{b:url(../lesson/img/i.png)}'
    """
    def one(match: re.Match) -> str:
        quote, url = match.groups()
        if _ELSEWHERE.match(url) or url.startswith(("/", "#")):  # data:, https:, absolute, fragment
            return match.group(0)
        resolved = posixpath.normpath(posixpath.join(posixpath.dirname(source), url))
        return f"url({quote}{posixpath.relpath(resolved, posixpath.dirname(target))}{quote})"
    return _URL.sub(one, css)


def join(static: Path, files: list[str], target: str) -> str:
    """The sheets ``files`` (paths under ``static``) joined in order into one for ``target``:
    local ``@import`` inlined, ``@charset`` dropped, relative ``url()`` rebased. Raises
    ``FileNotFoundError`` for a missing file and ``ValueError`` for an ``@import`` of another
    host."""
    parts = []
    for name in files:
        css = _CHARSET.sub("", (static / name).read_text(encoding="utf-8"))

        def inline(match: re.Match, name=name) -> str:
            url = match.group(1)
            if _ELSEWHERE.match(url):
                raise ValueError(f"css_bundle: {name} imports {url!r} from another host")
            return join(static, [posixpath.normpath(posixpath.join(posixpath.dirname(name), url))], target)
        parts.append(f"/* {name} */\n" + rebase(_IMPORT.sub(inline, css), name, target).strip() + "\n")
    return "".join(parts)


def _local(href: str) -> str | None:
    """The path under ``_static`` of a link's ``href``, or None for another host."""
    path = href.split("?")[0]
    if _ELSEWHERE.match(path) or "_static/" not in path:
        return None
    return path.split("_static/", 1)[1]


def bundle_page(html: str, prefix: str, manifests: Path) -> str:
    """``html`` with its run of local style sheet links replaced by one link to their bundle
    (``prefix``: the page's way up to the site's root), the list kept in ``manifests``. Raises
    ``ValueError`` when anything but white space stands between two of the links (a ``<style>``
    there would change places with the sheets after it).

    >>> page = '<link href="_static/a.css?v=1" rel="stylesheet" />\\n  <link rel="stylesheet" type="text/css" href="_static/b.css?v=2" />\\n<script>'
    >>> import tempfile; bundle_page(page, "", Path(tempfile.mkdtemp())) == (
    ...     f'<link rel="stylesheet" href="_static/styles/bundle-{key(["a.css", "b.css"])}.css?v=00000000" />\\n<script>')
    True
    """
    links = [(m.start(), m.end(), _local(m.group(1) or m.group(2))) for m in _LINK.finditer(html)]
    links = [(start, end, f) for start, end, f in links if f is not None]
    if len(links) < 2:
        return html
    between = [html[a[1]:b[0]] for a, b in zip(links, links[1:])]
    if any(text.strip() for text in between):
        raise ValueError(f"css_bundle: something stands between two style sheet links: {between!r}")
    files = [f for _, _, f in links]
    name = key(files)
    manifests.mkdir(parents=True, exist_ok=True)
    (manifests / f"{name}.json").write_text(json.dumps(files, indent=1) + "\n", encoding="utf-8")
    link = f'<link rel="stylesheet" href="{prefix}_static/{FOLDER}/bundle-{name}.css?v=00000000" />'
    return html[:links[0][0]] + link + html[links[-1][1]:]


def bundle_site(site: Path, manifests: Path) -> dict[str, int]:
    """Bundle every page of ``site`` and write the bundles; ``{bundle: bytes}``. Bundles no page
    links are removed."""
    # every page, the highlighted sources under _modules too; not the templates under _static
    pages = [p for p in sorted(site.rglob("*.html")) if p.relative_to(site).parts[0] != "_static"]
    texts = {}
    for page in pages:
        prefix = "../" * (len(page.relative_to(site).parts) - 1)
        texts[page] = bundle_page(page.read_text(encoding="utf-8"), prefix, manifests)
    used = sorted({k for text in texts.values() for k in _BUNDLED.findall(text)})
    static, sizes, crcs = site / "_static", {}, {}
    for name in used:
        target = f"{FOLDER}/bundle-{name}.css"
        files = json.loads((manifests / f"{name}.json").read_text(encoding="utf-8"))
        data = join(static, files, target).encode("utf-8")
        path = static / target
        if not path.is_file() or path.read_bytes() != data:
            path.write_bytes(data)
        sizes[target], crcs[target] = len(data), checksum(data)
    for old in (static / FOLDER).glob("bundle-*.css"):
        if old.relative_to(static).as_posix() not in sizes:
            old.unlink()
    for page, text in texts.items():
        new = relink(text, crcs)
        if new != page.read_text(encoding="utf-8"):
            page.write_text(new, encoding="utf-8")
    return sizes


def _bundle(app, exception) -> None:
    if exception is not None or app.builder.format != "html" or not app.config.css_bundle:
        return
    from sphinx.util import logging

    sizes = bundle_site(Path(app.outdir), Path(app.doctreedir) / KEEP)
    logging.getLogger(__name__).info(
        f"css_bundle: {len(sizes)} bundle(s), " + ", ".join(f"{k} {v // 1000} kB" for k, v in sizes.items()))


def setup(app):
    app.add_config_value("css_bundle", True, "html", types=[bool])
    # after unused_css has cut the themes' sheets (build-finished, priority 900)
    app.connect("build-finished", _bundle, priority=950)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}

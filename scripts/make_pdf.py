"""Print the built site into one PDF, the PDF edition: ``make pdf`` -> ``_build/pdf/xavier.pdf``.

Usage: ``python scripts/make_pdf.py [SITE_DIR [PDF]]`` (defaults ``_build/html``,
``_build/pdf/xavier.pdf``); the site must be built (``make html``).

How: the site's own print stylesheet, printed by Chromium (playwright's ``page.pdf``), rather
than Sphinx's LaTeX builder. The LaTeX route needs a TeX installation (about a gigabyte of Debian
packages on every machine that runs ``make test``) and would set the pages a second time, in
another layout: the notebooks' figures, the tabs, the widgets' printed sentence and the print
rules of ``docs/_static/custom.css`` would all need LaTeX counterparts. Printing the HTML gives
on paper what the reader sees on the site.

The pages are put, in reading order (the toctree's: each page's ``<link rel="next">``, from the
index), into one HTML document, after a title page and a table of contents, and Chromium prints
that document once. One document rather than one PDF per page merged: Chromium then makes the
links between sections internal links of the PDF (a named destination for each target) and
numbers the pages through (its footer); a tagged PDF too. The ``id``\\ s of each page are
prefixed with the page's name (``why--sec-zero``) and every link between pages rewritten to
them; links to what the PDF does not hold (the highlighted sources, the index) go to the site's
web address (``html_baseurl``, read from the pages' ``<link rel="canonical">``). Tabs print one
under the other (the print stylesheet), collapsed boxes are opened, widgets print as the sentence
that gives their live page's address beside their static figures, and the maths is already
typeset (``docs/_ext/buildmath.py``, when the site was built). pypdf (a maintained, pure-Python PDF library) then adds what
Chromium does not: the bookmarks (title page, contents, every page and its sections, from the
named destinations of the contents' links), each contents entry's page number, and the
metadata.
"""

from __future__ import annotations

import re
import sys
import time
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "browser"))  # checks.py: serve, launch, wait for images

import checks  # noqa: E402

TITLE = "xavier: initializing neural networks"
MARGIN = "16mm"
FOOTER = ('<div style="width:100%;font-size:8pt;text-align:center;color:#333;'
          'font-family:sans-serif"><span class="pageNumber"></span></div>')


def reading_order(site: Path) -> list[str]:
    """The site's pages in reading order: ``index.html`` and each page's ``rel="next"``."""
    order, name = [], "index.html"
    while name and name not in order:
        order.append(name)
        text = (site / name).read_text(encoding="utf-8")
        m = re.search(r'<link rel="next"[^>]*href="([^"]+)"', text)
        name = urljoin(name, m.group(1)) if m else None
    return order


def anchor(page: str, fragment: str = "") -> str:
    """The id in the combined document of ``fragment`` of ``page`` (``page`` alone: its start)."""
    stem = page.removesuffix(".html").replace("/", "--")
    return f"{stem}--{fragment}" if fragment else stem


def combined(site: Path, order: list[str], baseurl: str) -> str:
    """The one HTML document printed: the index page's frame, holding a title page, a table of
    contents (its page numbers are written into the PDF afterwards) and every page's article."""
    from bs4 import BeautifulSoup

    pages = set(order)
    shell = BeautifulSoup((site / "index.html").read_text(encoding="utf-8"), "html.parser")
    head_seen = {str(t) for t in shell.head.find_all(["link", "script", "style"])}
    articles, contents = [], []
    for name in order:
        soup = BeautifulSoup((site / name).read_text(encoding="utf-8"), "html.parser")
        for tag in soup.head.find_all(["link", "script", "style"]):  # a widget page's extra CSS
            if str(tag) not in head_seen and tag.name != "script" and not tag.get("rel") == ["canonical"]:
                head_seen.add(str(tag))
                _absolute(tag, name, site, pages, baseurl)
                shell.head.append(tag)
        article = soup.select_one("article.bd-article")
        for tag in article.select("script.xw-data, .xw-widget, .headerlink"):
            tag.decompose()
        for details in article.find_all("details"):
            details["open"] = ""
        for img in article.find_all("img"):
            img.attrs.pop("loading", None)
        for tag in article.find_all(True):
            _rename(tag, name, pages, baseurl, site)
        section = soup.new_tag("section", attrs={"id": anchor(name), "class": "pdf-page"})
        section.extend(list(article.children))
        articles.append(section)
        heads = [(h, level) for level in (1, 2) for h in section.find_all(f"h{level}")]
        heads.sort(key=lambda hl: hl[0].sourceline or 0)
        for head, level in heads:
            target = head.find_parent("section")
            ident = target.get("id") if target is not None else None
            if level == 1:
                ident = anchor(name)
            if ident:
                contents.append((level, head.get_text(" ", strip=True), ident))
    for tag in shell.select(".bd-sidebar-primary, .bd-sidebar-secondary, .bd-header-article, "
                            "header, footer, dialog, .prev-next-area, .skip-link, #pst-back-to-top, "
                            "#jb-print-docs-body"):
        tag.decompose()  # what the site around the article shows; paper shows the articles alone
    article = shell.select_one("article.bd-article")
    article.clear()
    article.append(BeautifulSoup(_front(contents, baseurl), "html.parser"))
    for section in articles:
        article.append(section)
    for tag in shell.head.find_all(["link", "script"]):
        _absolute(tag, "index.html", site, pages, baseurl)
    for tag in shell.select("script[src*='widgets/']"):
        tag.decompose()
    style = shell.new_tag("style")
    style.string = PRINT_CSS
    shell.head.append(style)
    return str(shell)


PRINT_CSS = """
@page { size: A4; }
.pdf-page { break-before: page; }
/* sphinx-book-theme hides a printed page's first h1 (it prints its own title block instead) */
.bd-main .bd-content .bd-article h1:first-of-type { display: block; }
.pdf-title { break-after: page; text-align: center; padding-top: 30%; }
.pdf-title h1 { font-size: 2.4rem; }
.pdf-contents { break-after: page; }
.pdf-contents ol { list-style: none; padding-left: 0; }
.pdf-contents li { display: flex; gap: 0.5em; margin: 0.15em 0; }
.pdf-contents li.level-1 { font-weight: 600; margin-top: 0.5em; }
.pdf-contents li.level-2 { padding-left: 1.5em; }
.pdf-contents li a { color: inherit; text-decoration: none; }
.pdf-contents li .num { flex: 1; min-width: 3em; }
"""


def _front(contents: list[tuple[int, str, str]], baseurl: str) -> str:
    """The title page and the table of contents (each entry a link to its page or section)."""
    from html import escape

    items = "".join(f'<li class="level-{level}" data-level="{level}"><a href="#{ident}">'
                    f'{escape(text)}</a><span class="num"></span></li>'
                    for level, text, ident in contents)
    url = escape(baseurl)
    site = f'the site at <a href="{url}">{url}</a>' if baseurl else "the site"
    return (f'<section class="pdf-title" id="pdf-title"><h1>{escape(TITLE)}</h1>'
            f'<p>The PDF edition of {site}, '
            f'where the widgets play.</p><p><a href="#pdf-contents">Contents</a></p></section>'
            f'<section class="pdf-contents" id="pdf-contents"><h1>Contents</h1>'
            f'<ol>{items}</ol></section>')


_REF_ATTRS = ("for", "aria-labelledby", "aria-describedby", "aria-controls", "headers")


def _rename(tag, page: str, pages: set[str], baseurl: str, site: Path) -> None:
    """Prefix ``tag``'s id (and id references) with the page's name; rewrite its links."""
    if tag.get("id"):
        tag["id"] = anchor(page, tag["id"])
    for attr in _REF_ATTRS:
        if tag.get(attr):
            value = tag[attr]
            tokens = value if isinstance(value, list) else value.split()
            tag[attr] = " ".join(anchor(page, t) for t in tokens)
    if tag.name == "input" and tag.get("name"):
        tag["name"] = anchor(page, tag["name"])
    _absolute(tag, page, site, pages, baseurl)


def _absolute(tag, page: str, site: Path, pages: set[str], baseurl: str) -> None:
    """Links between the PDF's pages become internal; other links to the site go to its web
    address; the sources of images, styles and scripts become paths from the server's root."""
    for attr in ("href", "src"):
        value = tag.get(attr)
        if not value or value.startswith(("data:", "mailto:")):
            continue
        parts = urlsplit(value)
        if parts.scheme or parts.netloc:
            continue
        if not parts.path:  # "#x": in this page
            if attr == "href":
                tag[attr] = "#" + anchor(page, unquote(parts.fragment))
            continue
        target = urlsplit(urljoin(page, value)).path
        if attr == "href" and tag.name == "a":
            if target in pages:
                frag = unquote(parts.fragment)
                tag[attr] = "#" + anchor(target, frag)
            elif baseurl:
                tag[attr] = baseurl.rstrip("/") + "/" + target + (f"#{parts.fragment}" if parts.fragment else "")
            else:  # no published address to send the reader to: the link's text alone
                del tag[attr]
        else:
            tag[attr] = f"/{site.name}/{target}" + (f"?{parts.query}" if parts.query else "")


def _pdf(page) -> bytes:
    return page.pdf(format="A4", print_background=True, display_header_footer=True,
                    header_template="<span></span>", footer_template=FOOTER, tagged=True,
                    margin={"top": MARGIN, "bottom": MARGIN, "left": MARGIN, "right": MARGIN})


def print_site(site: Path, pdf_path: Path, baseurl: str) -> Path:
    """Print the site into ``pdf_path``; return it."""
    from playwright.sync_api import sync_playwright

    order = reading_order(site)
    work = pdf_path.parent
    work.mkdir(parents=True, exist_ok=True)
    doc = work / "xavier-edition.html"
    doc.write_text(combined(site, order, baseurl), encoding="utf-8")
    clock = time.perf_counter()
    with checks.serve(site.parent) as base, sync_playwright() as pw:
        browser = checks.launch(pw)
        try:
            context = browser.new_context(color_scheme="light", reduced_motion="reduce")
            context.add_init_script("try { localStorage.setItem('mode', 'light');"
                                    " localStorage.setItem('theme', 'light'); } catch (e) {}")
            context.set_default_timeout(checks.PAGE_TIMEOUT_MS * 10)
            page = context.new_page()
            page.route("**/*", lambda route: route.continue_()
                       if urlsplit(route.request.url).hostname == checks.LOCAL_HOST else route.abort())
            page.goto(f"{base}{work.name}/{doc.name}", wait_until="load")
            page.emulate_media(media="print")
            checks.wait_for_images(page, checks.PAGE_TIMEOUT_MS)
            page.evaluate("document.fonts.ready.then(() => true)")
            contents = page.evaluate("""() => [...document.querySelectorAll('.pdf-contents li')]
                .map(li => [+li.dataset.level, li.querySelector('a').getAttribute('href').slice(1),
                            li.querySelector('a').textContent.replace(/\\s+/g, ' ').trim()])""")
            print(f"  loaded and typeset in {time.perf_counter() - clock:.0f} s", file=sys.stderr)
            pdf = _pdf(page)
            print(f"  printed in {time.perf_counter() - clock:.0f} s", file=sys.stderr)
        finally:
            browser.close()
    _finish(pdf, pdf_path, contents)
    print(f"  bookmarks and contents' page numbers in {time.perf_counter() - clock:.0f} s", file=sys.stderr)
    return pdf_path


def _finish(pdf: bytes, pdf_path: Path, contents: list) -> None:
    """Bookmarks (the title page, the contents, every page and its sections), the contents'
    page numbers, metadata; written to ``pdf_path``.

    Chromium names a destination after the ``id`` of every element a link points to; the
    contents link to each page and section, so their names give the pages.
    """
    import io

    from pypdf import PdfReader, PdfWriter

    reader = PdfReader(io.BytesIO(pdf))
    writer = PdfWriter(clone_from=reader)
    where = {name.lstrip("/"): reader.get_destination_page_number(dest)
             for name, dest in reader.named_destinations.items()}
    where["pdf-title"] = 0
    missing = [ident for _, ident, _ in contents if ident not in where]
    if missing:
        raise RuntimeError(f"no destination in the PDF for the contents' entries {missing[:5]}")
    parents: dict[int, object] = {}
    for level, ident, text in [(1, "pdf-title", TITLE), (1, "pdf-contents", "Contents")] + contents:
        parents[level] = writer.add_outline_item(title=text, page_number=where[ident],
                                                  parent=parents.get(level - 1))
    _number_contents(writer, where)
    writer.add_metadata({"/Title": TITLE, "/Author": "the xavier authors",
                         "/Subject": "The PDF edition of the xavier site"})
    writer.page_mode = "/UseOutlines"
    with pdf_path.open("wb") as fh:
        writer.write(fh)


def _number_contents(writer, where: dict[str, int]) -> None:
    """Write each contents entry's page number at the right margin of its line: the contents'
    links (annotations with a named destination) on the pages before the first page's start."""
    from pypdf import PageObject
    from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

    size = 10.0
    font = DictionaryObject({NameObject("/Type"): NameObject("/Font"),
                             NameObject("/Subtype"): NameObject("/Type1"),
                             NameObject("/BaseFont"): NameObject("/Helvetica")})
    first = min(k for name, k in where.items() if name not in ("pdf-title", "pdf-contents")
                and not name.startswith("pdf-") and k > where["pdf-contents"])
    for index in range(where["pdf-contents"], first):
        page = writer.pages[index]
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        right = width - _points(MARGIN)
        text = []
        for annot in page.get("/Annots") or []:
            annot = annot.get_object()
            dest = str(annot.get("/Dest", "")).lstrip("/")
            if annot.get("/Subtype") != "/Link" or dest not in where:
                continue
            x0, y0, x1, y1 = (float(v) for v in annot["/Rect"])
            number = str(where[dest] + 1)
            x = right - 0.556 * size * len(number)  # Helvetica's digits are 0.556 em wide
            y = y0 + (y1 - y0 - size * 0.7) / 2
            text.append(f"1 0 0 1 {x:.2f} {y:.2f} Tm ({number}) Tj")
        if not text:
            continue
        overlay = PageObject.create_blank_page(width=width, height=height)
        overlay[NameObject("/Resources")] = DictionaryObject(
            {NameObject("/Font"): DictionaryObject({NameObject("/FXvNum"): font})})
        stream = DecodedStreamObject()
        stream.set_data(("BT /FXvNum %.1f Tf 0.2 g " % size + " ".join(text) + " ET").encode("ascii"))
        overlay[NameObject("/Contents")] = writer._add_object(stream)
        page.merge_page(overlay)


def _points(length: str) -> float:
    """A CSS length in mm as PDF points."""
    return float(length.removesuffix("mm")) / 25.4 * 72


def main(argv: list[str]) -> None:
    site = Path(argv[0] if argv else ROOT / "_build" / "html").resolve()
    out = Path(argv[1] if len(argv) > 1 else ROOT / "_build" / "pdf" / "xavier.pdf").resolve()
    if not (site / "index.html").is_file():
        sys.exit(f"{site} holds no site: run make html first")
    baseurl = re.search(r'<link rel="canonical" href="([^"]+)"',
                        (site / "index.html").read_text(encoding="utf-8"))
    # No address (html_baseurl unset until the site is published): links to what the PDF does not
    # hold print as their text, and the title page names no address.
    path = print_site(site, out, baseurl.group(1).rsplit("/", 1)[0] + "/" if baseurl else "")
    print(f"PDF edition written: {path}")


if __name__ == "__main__":
    main(sys.argv[1:])

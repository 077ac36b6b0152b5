"""The PDF edition (``make pdf`` -> ``_build/pdf/xavier.pdf``; ``make test`` makes it first).

Read with pypdf (bookmarks, links, named destinations) and pdfplumber (``tests/browser/
pdfpages.py``: each page's text lines and images with their boxes), against the built site
(``$XAVIER_SITE``, default ``_build/html``) it was printed from: every page of the site in reading
order has its bookmark on the page where its title is printed; every figure's caption is printed
right below an image, on the same page; no tab label ends a page; no page is nearly empty; no text
runs into the margins; every link inside the PDF leads to a destination; equations are typeset
with their numbers; a widget's place gives the address of the live page.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "browser"))
sys.path.insert(0, str(ROOT / "scripts"))

import pdfpages  # noqa: E402
from make_pdf import reading_order  # noqa: E402  (the toctree's order, from rel="next")

SITE = Path(os.environ.get("XAVIER_SITE", ROOT / "_build" / "html")).resolve()
PDF = Path(os.environ.get("XAVIER_PDF", ROOT / "_build" / "pdf" / "xavier.pdf")).resolve()
MARGIN_PT = 16 / 25.4 * 72  # scripts/make_pdf.py prints with 16 mm margins
EDGE_PT = 2.0  # rounding of a glyph's box


@pytest.fixture(scope="module")
def pdf():
    if not PDF.is_file():
        pytest.fail(f"{PDF} is missing: run make pdf", pytrace=False)
    from pypdf import PdfReader

    return PdfReader(PDF)


@pytest.fixture(scope="module")
def pages():
    if not PDF.is_file():
        pytest.fail(f"{PDF} is missing: run make pdf", pytrace=False)
    return pdfpages.layout(PDF)


@pytest.fixture(scope="module")
def order():
    if not (SITE / "index.html").is_file():
        pytest.fail(f"{SITE} holds no site: run make html", pytrace=False)
    return reading_order(SITE)


def titles(order: list[str]) -> list[str]:
    """Each page's title, its first ``<h1>``'s text without the permalink sign."""
    from bs4 import BeautifulSoup

    out = []
    for name in order:
        h1 = BeautifulSoup((SITE / name).read_text(encoding="utf-8"), "html.parser").select_one(
            "article.bd-article h1")
        for link in h1.select(".headerlink"):
            link.decompose()
        out.append(re.sub(r"\s+", " ", h1.get_text(" ", strip=True)).strip())
    return out


def test_page_count(pages, order):
    """At least a page for each page of the site and for the title and contents; at most 15 on
    average (the longest page of the site prints on about 40)."""
    import checks

    built = sorted(f"{d}.html" for d in checks.docnames(SITE))
    assert sorted(order) == built, f"the reading order {order} is not every page Sphinx built: {built}"
    assert len(order) + 2 <= len(pages) <= 15 * len(order), f"{len(pages)} pages for {len(order)}"


def test_a_bookmark_for_every_page(pdf, pages, order):
    """Every page of the site, in reading order, has a top-level bookmark with its title, which
    opens the PDF page where that title is printed; the bookmarks go forward."""
    marks = [(item.title, pdf.get_destination_page_number(item))
             for item in pdf.outline if not isinstance(item, list)]
    problems, last = [], -1
    for title in titles(order):
        found = [k for t, k in marks if re.sub(r"\s+", " ", t) == title and k >= last]
        if not found:
            problems.append(f"no bookmark {title!r} after PDF page {last + 1}")
            continue
        last = found[0]
        if pdfpages.squeeze(title) not in pdfpages.squeeze(pages[last].text):
            problems.append(f"bookmark {title!r} opens page {last + 1}, which does not show it")
    assert not problems, "\n".join(problems)


def test_figures_with_their_captions_and_tabs(pdf, pages, order):
    """Every figure of every page (every tab's too) is printed: its caption's start is on a page
    with an image right above it. No tab label ends a page; no page is nearly empty but the last
    of a page of the site (the next starts on a new sheet, where its top-level bookmark opens)."""
    captions, labels = [], []
    for name in order:
        c, t = pdfpages.captions_and_labels((SITE / name).read_text(encoding="utf-8"))
        captions += c
        labels += t
    assert len(captions) >= 20, f"only {len(captions)} figures found in the site"
    images = sum(len(p.images) for p in pages)
    assert images >= len(captions), f"{images} images in the PDF for {len(captions)} figures"
    starts = {pdf.get_destination_page_number(item) + 1 for item in pdf.outline if not isinstance(item, list)}
    problems = pdfpages.print_layout_problems(pages[1:], captions, labels,  # not the title page
                                              frozenset(n - 1 for n in starts))
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems[:30])


def test_no_text_cut_at_the_page_edge(pages):
    """No line of text starts in the left margin or runs into the right one (text clipped by a
    box, or wider than the page, would)."""
    cut = [f"page {p.number}: {line[4][:60]!r} spans x {line[0]:.0f}-{line[2]:.0f} of {p.width:.0f}"
           for p in pages for line in p.lines
           if line[0] < MARGIN_PT - EDGE_PT or line[2] > p.width - MARGIN_PT + EDGE_PT
           or line[1] < 0 or line[3] > p.height]
    assert not cut, f"{len(cut)} lines past the margins:\n" + "\n".join(cut[:20])


def test_links_between_sections_work(pdf):
    """Links inside the PDF are many and each leads to a named destination that exists."""
    names = set(pdf.named_destinations)
    internal, dead = 0, []
    for k, page in enumerate(pdf.pages):
        for annot in page.get("/Annots") or []:
            annot = annot.get_object()
            if annot.get("/Subtype") != "/Link" or "/Dest" not in annot:
                continue
            internal += 1
            if str(annot["/Dest"]) not in names:
                dead.append(f"page {k + 1}: {annot['/Dest']}")
    assert internal >= 100, f"only {internal} internal links"
    assert not dead, f"{len(dead)} links to no destination: {dead[:10]}"


_TEX = re.compile(r"(?<!\\)\\(?:frac|sqrt|begin|mathrm|operatorname)\b|\$\$")


def test_equations_typeset_with_numbers(pages, order):
    """Numbered equations print their numbers, and no TeX source is left in the text but what the
    pages' code cells show (a table's formulas kept as TeX strings in a cell's source)."""
    from bs4 import BeautifulSoup

    text = "\n".join(p.text for p in pages)
    numbers = re.findall(r"\((\d+)\.(\d+)\)", text)
    assert len(numbers) >= 10, f"only {len(numbers)} equation numbers like (1.1) in the PDF"
    # (a TeX command in a printed Python string shows its backslash doubled, and is left alone)
    raw = _TEX.findall(text)
    in_code = sum(len(_TEX.findall(pre.get_text()))
                  for name in order
                  for pre in BeautifulSoup((SITE / name).read_text(encoding="utf-8"), "html.parser").select("pre"))
    assert len(raw) <= in_code, f"TeX source left in the PDF: {raw[:10]} ({in_code} in the pages' code)"


def test_widgets_give_their_live_address(pages):
    """Where a page has a widget, the PDF gives the address of the live page (once the site is
    published, ``html_baseurl``), or else the page's own name on the site; never a host that the
    site does not name (the placeholder xavier.example.org printed before session 27)."""
    text = pdfpages.squeeze("\n".join(p.text for p in pages))
    for page in ("why.html", "xavier_init.html"):
        if 'class="xw-print"' not in (SITE / page).read_text(encoding="utf-8"):
            continue
        canonical = re.search(r'<link rel="canonical" href="([^"]+)"',
                              (SITE / page).read_text(encoding="utf-8"))
        wanted = (f"The live version is at {canonical.group(1)}" if canonical
                  else f"open this page of the site, {page}, in a web browser")
        assert pdfpages.squeeze(wanted) in text, f"no live address for the widget of {page}"
    assert "example.org" not in text


def test_every_page_offers_the_pdf():
    """Every page of the site (the highlighted sources and the index too) offers the PDF in its
    header's download menu, to save (``download``), and the file linked is the PDF edition."""
    from bs4 import BeautifulSoup

    if not PDF.is_file():
        pytest.fail(f"{PDF} is missing: run make pdf", pytrace=False)
    pages = sorted(p for p in SITE.rglob("*.html") if not p.relative_to(SITE).parts[0] == "_static")
    assert len(pages) >= 20
    problems = []
    for path in pages:
        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        links = [a for a in soup.select(".article-header-buttons .dropdown-download-buttons a[href]")
                 if a["href"].endswith("xavier.pdf")]
        name = path.relative_to(SITE).as_posix()
        if len(links) != 1 or not links[0].has_attr("download"):
            problems.append(f"{name}: {len(links)} links to the PDF in the download menu")
            continue
        target = (path.parent / links[0]["href"]).resolve()
        if not target.is_file() or target.read_bytes() != PDF.read_bytes():
            problems.append(f"{name}: {links[0]['href']} is not the PDF edition")
    assert not problems, f"{len(problems)} of {len(pages)} pages:\n" + "\n".join(problems[:20])

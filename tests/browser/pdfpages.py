"""What is on each page of a PDF, for the print and PDF-edition checks (pdfplumber).

:func:`layout` reads a PDF into plain data: per page, its text lines (words grouped by their
baseline) and its images, each with its box in PDF points measured from the page's top. The checks
in ``tests/browser/test_readers.py`` (one printed page) and ``tests/pdf/`` (the whole edition) use
it to find a caption on another page than its figure, a tab label alone at the foot of a page, a
page left nearly empty, and text past the page's edges.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Page:
    number: int  # 1-based
    width: float
    height: float
    lines: list[tuple[float, float, float, float, str]] = field(default_factory=list)
    """``(x0, top, x1, bottom, text)`` of each line of text, top to bottom."""
    images: list[tuple[float, float, float, float]] = field(default_factory=list)
    """``(x0, top, x1, bottom)`` of each image drawn on the page."""

    @property
    def text(self) -> str:
        return "\n".join(line[4] for line in self.lines)

    def used(self) -> float:
        """The fraction of the page's height covered by its text lines and images (the union of
        their vertical extents): near 0 for a page holding a line or two."""
        spans = sorted([line[1], line[3]] for line in self.lines)
        spans += sorted([img[1], img[3]] for img in self.images)
        spans.sort()
        covered, end = 0.0, float("-inf")
        for top, bottom in spans:
            top = max(top, end)
            if bottom > top:
                covered += bottom - top
                end = bottom
        return covered / self.height


def layout(pdf: Path | bytes) -> list[Page]:
    """Every page of ``pdf`` (a path, or the bytes of a PDF) as a :class:`Page`."""
    import io
    import logging

    import pdfplumber

    # pdfminer logs a warning for every font without a bounding box (Chromium's subsets)
    logging.getLogger("pdfminer").setLevel(logging.ERROR)

    source = io.BytesIO(pdf) if isinstance(pdf, bytes) else pdf
    pages = []
    with pdfplumber.open(source) as doc:
        for k, p in enumerate(doc.pages):
            page = Page(k + 1, float(p.width), float(p.height))
            # a line: words whose vertical middles fall within the first word's height (a word in
            # code font or a formula sits a little higher or lower than the text around it)
            rows: list[list[dict]] = []
            for word in sorted(p.extract_words(keep_blank_chars=False), key=lambda w: w["top"]):
                middle = (word["top"] + word["bottom"]) / 2
                if rows and rows[-1][0]["top"] <= middle <= rows[-1][0]["bottom"]:
                    rows[-1].append(word)
                else:
                    rows.append([word])
            for row in rows:
                words = sorted(row, key=lambda w: w["x0"])
                page.lines.append((min(w["x0"] for w in words), min(w["top"] for w in words),
                                   max(w["x1"] for w in words), max(w["bottom"] for w in words),
                                   " ".join(w["text"] for w in words)))
            page.images = [(float(i["x0"]), float(i["top"]), float(i["x1"]), float(i["bottom"]))
                           for i in p.images]
            pages.append(page)
    return pages


def squeeze(text: str) -> str:
    """``text`` without white space, for finding a caption whatever its line breaks."""
    return re.sub(r"\s+", "", text)


def page_of(pages: list[Page], text: str, start: int = 0) -> int | None:
    """The index of the first page from ``start`` whose text holds ``text`` (white space ignored);
    text that runs over a page break counts where it starts."""
    want = squeeze(text)
    for k in range(start, len(pages)):
        here = squeeze(pages[k].text)
        if want in here:
            return k
        if k + 1 < len(pages):
            joined = here + squeeze(pages[k + 1].text)
            at = joined.find(want)
            if 0 <= at < len(here):
                return k
    return None


def captions_and_labels(html_text: str) -> tuple[list[str], list[str]]:
    """The figure captions and tab labels of a built page's article, in order.

    A caption is given by its text up to its first formula or inline code (typeset maths reads
    differently in a PDF's text), without the permalink sign; only captions of figures that hold
    an image.
    """
    from bs4 import BeautifulSoup, NavigableString

    article = BeautifulSoup(html_text, "html.parser").select_one("article.bd-article")
    if article is None:
        return [], []
    captions = []
    for figure in article.find_all("figure"):
        caption = figure.find("figcaption")
        if caption is None or figure.find("img") is None:
            continue
        text = []
        for node in caption.descendants:
            if not isinstance(node, NavigableString):
                if set(node.get("class") or []) & {"math", "headerlink", "literal"} or node.name == "code":
                    break
                continue
            if not any(set(p.get("class") or []) & {"headerlink"} for p in node.parents if p.name):
                text.append(str(node))
        captions.append(re.sub(r"\s+", " ", "".join(text)).strip())
    labels = [label.get_text(strip=True) for label in article.select(".sd-tab-set > label")]
    return captions, labels


NEARLY_EMPTY = 0.08
"""A printed page (but the last) whose text lines and images cover less than this fraction of its
height: a few lines (a full page of text covers about 0.55, its lines' boxes without the leading)."""


def print_layout_problems(pages: list[Page], captions: list[str], labels: list[str],
                          chapter_ends: frozenset[int] = frozenset()) -> list[str]:
    """Captions on another page than the image right above them, tab labels that end a page, and
    nearly empty pages (see :data:`NEARLY_EMPTY`), in a printed PDF read by :func:`layout`.

    A page in ``chapter_ends`` (page numbers, 1-based), the last of a page of the site, may be
    short: the next page of the site starts on a new sheet, as a book's chapter does."""
    problems = []
    start = 0
    for caption in captions:
        head = caption[:60]
        # The caption is the line that starts with its head: a caption that opens with a formula
        # has a head of "Fig. 4.3" alone, which prose naming the figure, "(Fig. 4.3)", also holds.
        key = squeeze(head)[:24]
        k = next((j for j in range(start, len(pages))
                  if any(squeeze(ln[4]).startswith(key) for ln in pages[j].lines)), None)
        if k is None:
            problems.append(f"caption {head!r} not found in the PDF")
            continue
        start = k
        line = next((ln for ln in pages[k].lines if squeeze(ln[4]).startswith(key)), None)
        top = line[1] if line else 0
        above = [img for img in pages[k].images if img[3] <= top + 2 and top - img[3] < 60]
        if not above:
            problems.append(f"caption {head!r} on page {k + 1} without its image right above it")
    wanted = set(labels)
    for page in pages[:-1]:
        if page.lines and page.lines[-1][4].strip() in wanted:
            last = page.lines[-1]
            if not any(img[1] >= last[3] for img in page.images):
                problems.append(f"tab label {last[4]!r} alone at the foot of page {page.number}")
        if page.used() < NEARLY_EMPTY and page.number not in chapter_ends:
            problems.append(f"page {page.number} nearly empty ({page.used():.0%} used): "
                            f"{page.text[:80]!r}")
    return problems

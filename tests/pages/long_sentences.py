"""Count the long sentences of the built pages (issue 13, reading level).

    python tests/pages/long_sentences.py [SITE_DIR] [--limit 35] [--list PAGE]

Reads ``_build/html/<page>.html``, takes the text of the article's paragraphs and list items
(main line: figure captions, tables, footnotes, code and admonition titles left out; captions are
counted apart), replaces every inline formula by one word, splits it into sentences at '.', '?'
or '!' followed by a space and a capital, digit or formula (after abbreviations such as 'Fig.',
'e.g.', 'et al.' it does not split) and counts the words of each sentence.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from bs4 import BeautifulSoup

PAGES = ["index", "why", "signals", "xavier_init", "justification", "conclusion", "beyond",
         "normalization", "scaling", "reproducibility"]
ABBREV = re.compile(r"(?:\b(?:Fig|Figs|Eq|Eqs|e\.g|i\.e|al|vs|cf|approx|No|Sec|etc)\.)$")


def sentences(text: str) -> list[str]:
    text = re.sub(r"\s+", " ", text).strip()
    out, start = [], 0
    for m in re.finditer(r"[.?!][)\"”’]?\s+(?=[A-Z0-9(“\"]|MATH)", text):
        head = text[start:m.start() + 1]
        if ABBREV.search(head):
            continue
        out.append(head.strip())
        start = m.end()
    tail = text[start:].strip()
    if tail:
        out.append(tail)
    return out


def blocks(html: str):
    soup = BeautifulSoup(html, "html.parser")
    art = soup.select_one("article.bd-article") or soup.select_one("main") or soup
    for m in art.select("span.math"):   # an inline formula reads as one word
        m.replace_with(" MATH ")
    for bad in art.select("div.cell_input, div.highlight, pre, div.math, table, "
                          "aside.footnote, div.footnote, .footnote-list, p.admonition-title, "
                          "span.eqno, a.headerlink"):
        bad.decompose()
    for cap in art.select("figcaption"):
        yield "caption", cap.get_text(" ")
        cap.decompose()
    for el in art.select("p, li"):
        if el.find(["p", "li"]):       # a list item holding paragraphs: its paragraphs count
            continue
        yield "main", el.get_text(" ")


def words(s: str) -> int:
    return len([w for w in s.split() if re.search(r"\w", w)])


def main(argv: list[str]) -> None:
    site = Path(argv[1]) if len(argv) > 1 and not argv[1].startswith("-") else Path("_build/html")
    limit = int(argv[argv.index("--limit") + 1]) if "--limit" in argv else 35
    show = argv[argv.index("--list") + 1] if "--list" in argv else None
    print(f"{'page':16} {'sentences':>9} {'>' + str(limit) + ' main':>9} {'>' + str(limit) + ' capt':>9} {'longest':>7}")
    for page in PAGES:
        f = site / f"{page}.html"
        if not f.exists():
            continue
        n = long_main = long_cap = longest = 0
        for kind, text in blocks(f.read_text()):
            for s in sentences(text):
                w = words(s)
                n += 1
                longest = max(longest, w) if kind == "main" else longest
                if w > limit:
                    long_main += kind == "main"
                    long_cap += kind == "caption"
                    if show in (page, "all"):
                        print(f"  [{page} {kind} {w}] {s}")
        print(f"{page:16} {n:9d} {long_main:9d} {long_cap:9d} {longest:7d}")


if __name__ == "__main__":
    main(sys.argv)

"""Reading level of the built pages (issue 13, kind 9): main-line sentences under about 35 words.

Counted by ``tests/pages/long_sentences.py`` on ``_build/html``. Every page listed in ``CLEAN`` (all
of the site's pages but the API reference) has no main-line or caption sentence over 35 words.
"""

from pathlib import Path

import long_sentences  # beside this file
import pytest

ROOT = Path(__file__).resolve().parents[2]
SITE = ROOT / "_build" / "html"
CLEAN = ["index", "why", "signals", "xavier_init", "justification", "conclusion", "beyond",
         "normalization", "scaling", "reproducibility"]


def long_ones(html: str, limit: int = 35) -> list[tuple[str, int, str]]:
    return [(kind, n, s) for kind, text in long_sentences.blocks(html)
            for s in long_sentences.sentences(text) if (n := long_sentences.words(s)) > limit]


def test_the_counter_finds_a_long_sentence_and_splits_at_full_stops():
    words = " ".join(["word"] * 36)
    html = (f'<main><p>Short one, see Fig. 2.1 and e.g. this. {words.capitalize()}.</p>'
            f'<figure><figcaption><p>{words}.</p></figcaption></figure>'
            f'<p>An inline <span class="math">\\(a^{{[l]}} = s^l x\\)</span> formula counts as one word.</p></main>')
    found = long_ones(html)
    assert [(k, n) for k, n, _ in found] == [("caption", 36), ("main", 36)]
    sents = long_sentences.sentences("Short one, see Fig. 2.1 and e.g. this. Next one? Yes.")
    assert sents == ["Short one, see Fig. 2.1 and e.g. this.", "Next one?", "Yes."]
    assert long_sentences.words(long_sentences.sentences(
        "An inline  MATH  formula counts as one word.")[0]) == 8


@pytest.mark.parametrize("page", CLEAN)
def test_no_sentence_over_35_words(page):
    path = SITE / f"{page}.html"
    if not path.exists():
        pytest.fail(f"{path} is missing: build the site first (make html)")
    found = long_ones(path.read_text())
    assert not found, "\n".join(f"{kind}, {n} words: {s}" for kind, n, s in found)

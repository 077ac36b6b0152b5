"""Printed, a figure is as wide as the text unless that would make it taller than a page leaves
room for (21 cm, with its caption on an A4 page): capped at 12 cm tall, the tall figures (Figs.
7.1, 7.3, 8.2, 8.3) printed at 308-371 px of an 800 px page, 40-50 % of the text width, their
legends at 5-6 pt (issue 22's practitioner reader)."""

import pytest

from test_readable import ARTICLE, base, browser, open_page  # noqa: F401 (fixtures)

PAGES = [p for p in ("normalization.html", "scaling.html", "beyond.html") if p in ARTICLE]
PAGE_HEIGHT_PX = 21 / 2.54 * 96  # the print stylesheet's cap, 21 cm, in CSS px


@pytest.mark.parametrize("name", PAGES)
def test_printed_figures_fill_the_text_width(browser, base, name):  # noqa: F811
    page = open_page(browser, base + name, width=800)
    try:
        page.emulate_media(media="print")
        page.evaluate("""() => Promise.all([...document.querySelectorAll('main figure img')].map(i => {
            i.loading = 'eager'; return i.decode().catch(() => null); }))""")
        # The drawn image's width: the element's box, or less where object-fit letterboxes it.
        shown = page.evaluate("""() => [...document.querySelectorAll('main figure img')]
            .filter(i => i.checkVisibility() && i.naturalWidth > 0)
            .map(i => { const r = i.getBoundingClientRect();
                        const drawn = Math.min(r.width, r.height * i.naturalWidth / i.naturalHeight);
                        return {src: i.getAttribute('src').split('/').pop().slice(0, 12),
                                share: drawn / i.closest('figure').parentElement.getBoundingClientRect().width,
                                height: r.height}; })""")
        assert len(shown) >= 3, f"only {len(shown)} printed figures found on {name}"
        narrow = [f for f in shown if f["share"] < 0.9 and f["height"] < PAGE_HEIGHT_PX - 2]
        assert not narrow, f"printed figures narrower than 90 % of the text, yet not a page tall: {narrow}"
        small = [f for f in shown if f["share"] < 0.6]
        assert not small, f"printed figures under 60 % of the text width: {small}"
    finally:
        page.context.close()

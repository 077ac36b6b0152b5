"""Sphinx extension: what the themes leave undone for keyboard users and for paper (issue 21).

One script in every page's ``<head>`` (``READERS_JS``), through Sphinx's ``add_js_file``:

* **Copy buttons keep the focus.** sphinx-copybutton copies through clipboard.js, which selects
  the text in a hidden ``<textarea>`` and removes it, so after Enter on a copy button the focus
  fell to ``<body>`` and the next Tab started again at the top of the page. The button gets the
  focus back, and what its tooltip says ("Copied!") is spoken through a polite live region (the
  tooltip itself is shown on keyboard focus by ``custom.css``).
* **Escape in the navigation drawer returns to its button.** On a phone pydata-sphinx-theme opens
  the sidebars as ``<dialog>``\\ s and, on closing, focuses what had the focus when the button was
  pressed; sphinx-book-theme blurs the button on that same click (to hide its tooltip), so that
  was ``<body>``. When a drawer closes and the focus is nowhere, the button that opens it gets it.
* **Print is always light.** The dark theme's colours (text, code highlighting, the dimming filter
  on images) printed as pale ink on white paper. While printing (``beforeprint``, or a print media
  query matching, as in print emulation) the page is switched to the light theme, and back after.

And, in each page, the sentence printed in a widget's place (``p.xw-print``) says where the widget
plays (paper and the PDF edition cannot play one): once the site is published (``html_baseurl``
set), the web address of the live page, ``html_baseurl`` + the page's name, as a link; before, the
page's own file name on the site, so that paper never shows an address that does not exist.
"""

from __future__ import annotations

import html
import re

READERS_JS = r"""
(() => {
  const live = () => {
    let region = document.getElementById('xv-live');
    if (!region) {
      region = document.createElement('div');
      region.id = 'xv-live';
      region.className = 'visually-hidden';
      region.setAttribute('aria-live', 'polite');
      document.body.append(region);
    }
    return region;
  };
  // After clipboard.js (listening on <body>) has copied: the button keeps the focus.
  document.addEventListener('click', (event) => {
    const button = event.target.closest && event.target.closest('button.copybtn');
    if (!button) return;
    if (!document.activeElement || document.activeElement === document.body)
      button.focus({preventScroll: true});
    live().textContent = button.getAttribute('data-tooltip') || '';
  });
  const visible = (sel) => [...document.querySelectorAll(sel)].find(e => e.checkVisibility());
  const drawers = [['#pst-primary-sidebar-modal', '.primary-toggle'],
                   ['#pst-secondary-sidebar-modal', '.secondary-toggle']];
  document.addEventListener('DOMContentLoaded', () => {
    for (const [dialog, toggle] of drawers) {
      const d = document.querySelector(dialog);
      if (d) d.addEventListener('close', () => setTimeout(() => {
        const button = visible(toggle);
        if (button && (!document.activeElement || document.activeElement === document.body))
          button.focus();
      }, 0));
    }
  });
  // Paper is white: print in the light theme, whatever the screen shows.
  const root = document.documentElement;
  let screenTheme = null;
  const toPaper = () => {
    if (screenTheme === null) { screenTheme = root.dataset.theme || ''; root.dataset.theme = 'light'; }
  };
  const toScreen = () => {
    if (screenTheme !== null) { root.dataset.theme = screenTheme; screenTheme = null; }
  };
  window.addEventListener('beforeprint', toPaper);
  window.addEventListener('afterprint', toScreen);
  const print = matchMedia('print');
  const follow = () => (print.matches ? toPaper() : toScreen());
  print.addEventListener('change', follow);
  follow();
})();
"""

_PRINT_NOTE = re.compile(r'(<p class="xw-print">)(.*?)(</p>)', re.S)


def live_url(app, pagename: str) -> str:
    """The web address of ``pagename`` on the published site (``html_baseurl``)."""
    base = app.config.html_baseurl
    if not base:
        raise ValueError("html_baseurl is not set: the printed pages need the site's address")
    return base.rstrip("/") + "/" + app.builder.get_target_uri(pagename)


def _print_note_address(app, pagename, templatename, context, doctree) -> None:
    """Add the live page's address to the sentence printed where a widget is."""
    body = context.get("body", "")
    if 'class="xw-print"' not in body:
        return
    if app.config.html_baseurl:
        url = html.escape(live_url(app, pagename))
        sentence = f' The live version is at <a class="reference external" href="{url}">{url}</a>.'
    else:  # not published: no address to give, the page itself plays it
        name = html.escape(app.builder.get_target_uri(pagename))
        sentence = f" To play it, open this page of the site, {name}, in a web browser."
    context["body"] = _PRINT_NOTE.sub(lambda m: m.group(1) + m.group(2) + sentence + m.group(3), body)


def setup(app):
    app.add_js_file(None, body=READERS_JS, priority=400)
    app.connect("html-page-context", _print_note_address)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}

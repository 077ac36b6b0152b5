/* Code blocks and sections laid out after the page has loaded, one at a time, when the browser is
 * idle; the theme's Tab stops for scrollable blocks found the same way (docs/_ext/lazy_layout.py,
 * issue 20).
 *
 * lazy_layout.css gives each code block (div.highlight), each section of the second level and
 * each large block of a section (data-xl, lazy_layout.py) content-visibility: auto, so the frames
 * that lay out the page as it arrives skip their contents.
 * Chromium also leaves a skipped block's text and a skipped section's MathML out of the
 * accessibility tree, so here every one is shown for good (content-visibility: visible, class
 * xl-shown), in document order, one per idle moment, from the page's "load" on: a few seconds
 * later the page's accessibility tree is the one without this file. One that comes near the
 * viewport first is rendered by the browser itself.
 *
 * pydata-sphinx-theme, at "load", reads scrollWidth/scrollHeight of every code block, cell output
 * and table container and makes those that overflow Tab stops (tabIndex 0, the others -1): a
 * forced layout of the whole page and of each skipped block, in one task of up to 400 ms on a
 * phone (CPU 4x). Its patched script hands that to window.xavierTabStops: the same check, block
 * by block, as each comes within a screen of the viewport or when the browser is idle; before a
 * Tab key moves the focus, every block not shown or checked yet is, so a keyboard user reaches each
 * scrollable block in document order as before. As the theme does, the blocks are checked again
 * after a resize and when the article's content changes (widgets). */
(() => {
  "use strict";
  // the theme's own selector (pydata-sphinx-theme 0.20.0, addTabStopsToScrollableElements)
  const SELECTOR = ["pre", ".nboutput > .output_area", ".cell_output > .output",
                    ".jp-RenderedHTMLCommon", ".pst-scrollable-table-container"].join(", ");
  const SECTIONS = "article.bd-article > section > section:not(.xl-shown)";
  // a section's large blocks, skipped on their own (marked data-xl by lazy_layout.py)
  const PARTS = "article.bd-article [data-xl]:not(.xl-shown)";
  const BLOCKS = `div.highlight:not(.xl-shown), ${SECTIONS}, ${PARTS}`;
  // Without scroll anchoring (Safari), a section above the reader's place (a link into the page)
  // taking its real height in place of its estimate would move the text they read: there the
  // sections are not skipped (lazy_layout.css: only where overflow-anchor is supported), and any
  // still skipped are shown at once.
  if (!(window.CSS && CSS.supports("overflow-anchor", "auto"))) {
    for (const section of document.querySelectorAll(`${SECTIONS}, ${PARTS}`)) section.classList.add("xl-shown");
  }
  const check = (el) => {
    el.tabIndex = el.scrollWidth > el.clientWidth || el.scrollHeight > el.clientHeight ? 0 : -1;
  };
  const whenIdle = window.requestIdleCallback
    || ((fn) => setTimeout(() => fn({ timeRemaining: () => 20 }), 100));
  const pending = new Set();  // elements whose Tab stop is to be checked
  const near = new IntersectionObserver((entries) => {
    for (const e of entries) if (e.isIntersecting && pending.has(e.target)) done(e.target);
  }, { rootMargin: "100% 0px" });
  // shown for good, and laid out now (offsetHeight), in this idle moment, not in the next frame
  const show = (block) => { block.classList.add("xl-shown"); return block.offsetHeight; };
  // a skipped <pre> has its estimated size, not its content's: the blocks in or around an
  // element are shown before it is checked
  const done = (el) => {
    pending.delete(el); near.unobserve(el);
    const around = [];  // the section and block around it, outermost first
    for (let a = el.closest(BLOCKS); a; a = a.parentElement && a.parentElement.closest(BLOCKS)) around.unshift(a);
    for (const a of around) show(a);
    for (const block of el.querySelectorAll(BLOCKS)) show(block);
    check(el);
  };
  const step = () => {  // one block or section, or one check: each lays out up to a few thousand elements
    const block = document.querySelector(BLOCKS);
    if (block) return show(block), true;
    const el = pending.values().next().value;
    if (el) done(el);
    return el !== undefined;
  };

  let idle = null;
  const onIdle = (deadline) => {
    idle = null;
    do { if (!step()) return; } while (deadline.timeRemaining() >= 25);
    idle = whenIdle(onIdle);
  };
  const start = () => { if (idle === null) idle = whenIdle(onIdle); };
  const all = () => { while (step()); };
  document.addEventListener("keydown", (event) => { if (event.key === "Tab") all(); }, true);
  window.addEventListener("load", start);

  window.xavierTabStops = () => {
    const queue = () => {
      for (const el of document.querySelectorAll(SELECTOR)) {
        if (!pending.has(el)) { pending.add(el); near.observe(el); }
      }
      start();
    };
    let timer = null;
    const later = () => { clearTimeout(timer); timer = setTimeout(queue, 300); };
    window.addEventListener("resize", later);
    new MutationObserver(later).observe(document.getElementById("main-content"),
                                        { subtree: true, childList: true });
    queue();
  };
})();

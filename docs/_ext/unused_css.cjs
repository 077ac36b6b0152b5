// The theme's style sheets without the rules no page of the site can use (docs/_ext/unused_css.py).
// node unused_css.cjs SITE CSS...  (CSS paths relative to SITE): PurgeCSS 8 reads every page and
// every script of SITE, drops each rule whose selector names a class, id, tag or attribute found
// in none of them, and rewrites each style sheet in place. Prints {"path": [bytes before, after]}.
"use strict";
const fs = require("fs");
const path = require("path");
const { PurgeCSS } = require("purgecss");

const [site, ...sheets] = process.argv.slice(2);
(async () => {
  const results = await new PurgeCSS().purge({
    content: [`${site}/**/*.html`, `${site}/_static/**/*.js`],
    css: sheets.map((sheet) => path.join(site, sheet)),
    // @font-face, @keyframes and custom properties are kept whole: PurgeCSS can only see their
    // uses in the style sheets themselves
    fontFace: false, keyframes: false, variables: false,
    // PurgeCSS 8 keeps a selector when each of its classes, ids, tags and attributes is found, and
    // skips its pseudo-classes; a selector that is a pseudo-class alone (pydata-sphinx-theme's
    // `:focus-visible { outline: ... }`, the keyboard's focus ring on every control) has nothing
    // found, and was dropped. Every pseudo-class and pseudo-element counts as found: a selector is
    // judged by its other parts, and one with no other part applies to the whole page.
    // Bootstrap names a shown tooltip's or popover's class from its own name in a template string,
    // `bs-${this.constructor.NAME}-auto`: no script holds the word, and the rules that draw the
    // tooltip's arrow (`.bs-tooltip-auto[data-popper-placement^=bottom] .tooltip-arrow`) were cut.
    safelist: { standard: [/^::?[\w-]+$/, /^bs-(tooltip|popover)-/] },
  });
  const out = {};
  for (const result of results) {
    const before = fs.statSync(result.file).size;
    fs.writeFileSync(result.file, result.css);
    out[path.relative(site, result.file)] = [before, Buffer.byteLength(result.css)];
  }
  process.stdout.write(JSON.stringify(out));
})().catch((err) => { console.error(err); process.exit(1); });

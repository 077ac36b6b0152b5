// Typeset TeX formulas with MathJax 4 (npm `mathjax`, its New Computer Modern font) into SVG with
// assistive MathML, for docs/_ext/buildmath.py: one process per build, every formula in one batch.
//
// stdin:  {"formulas": [[display, tex], ...], "narrowEm", "narrowPx", "unbrokenEm"} ("flat": false, for a test, leaves
//         the SVG as MathJax wrote it, see `flatten`)
// stdout: {"formulas": [{"html", "glyphs", "error"}, ...], "glyphs": {id: path data}, "css"}
//
// Each formula is an <mjx-container> whose SVG refers to the font's glyphs by id (`<use
// xlink:href="#MJX-NCM-I-1D44E">`, MathJax's global font cache; the ids are the font's variant and
// code point, the same in every run); "glyphs" holds each glyph's path once, and the page that
// shows the formulas holds the paths it uses. Attributes that nothing reads are dropped (a
// quarter of the bytes): `data-latex` (the TeX of every node, twice), `data-c`, `data-mml-node`,
// the SVG's `role` (it is aria-hidden), `focusable` (for IE) and `xmlns` (an <svg> in HTML needs
// none), and `xlink:href` is written `href` (SVG 2). The SVG is also flattened (`flatten`): a
// `<g>` left with no attribute is replaced by its children, and a `<g transform>` around a single
// glyph (`<use>`) becomes that `<use>` with the transform; the drawing is the same, with about half
// the SVG elements (a big page's formulas were 2,500-3,400 of its 7,000-8,000 nodes, which every
// rendering frame styles and lays out: issue 20). A TeX error becomes "error" (MathJax's
// message), which fails the build.
"use strict";

const path = require("path");

const EM = 16, EX = 8;  // px: the sizes MathJax lays out with (a container width is in px)

async function main() {
  const input = JSON.parse(require("fs").readFileSync(0, "utf-8"));
  const MathJax = await require(path.join(process.cwd(), "node_modules", "mathjax")).init({
    loader: {load: ["input/tex", "output/svg", "adaptors/liteDOM", "a11y/assistive-mml"]},
    tex: {packages: {"[+]": ["ams"]}},
    // Inline formulas are cut at their top-level operators into pieces the browser wraps like
    // words (a long inline formula on a phone); display formulas keep the lines they are given.
    svg: {fontCache: "global", linebreaks: {inline: true, width: "100%"}, displayOverflow: "linebreak"},
    startup: {typeset: false},
  });
  const adaptor = MathJax.startup.adaptor;
  // MathJax sizes an SVG in ex, which the browser takes from the text's font: 9 px in Chromium's
  // sans-serif here, 8.4 px in Roboto, while the font's own x-height is 0.442 em (7.1 px at 16 px).
  // So formulas came out 10-27 % larger than the text's em, and their width depended on the
  // reader's fonts. In em they have the text's size everywhere, as MathJax's CHTML output had.
  const xHeight = MathJax.startup.output.font.params.x_height;
  const toEm = (v) => `${+(v * xHeight).toFixed(3)}em`;
  const UNREAD = "data-(?:latex|c|mml-node|mjx-texclass)";  // attributes no reader, style or script reads
  const unread = new RegExp(`^${UNREAD}$`);
  const kept = (node) => adaptor.allAttributes(node).filter((a) => !unread.test(a.name));
  const flatten = (node) => {
    for (const child of [...adaptor.childNodes(node)]) {
      if (adaptor.kind(child).startsWith("#")) continue;  // text, comment
      flatten(child);
      if (adaptor.kind(child) !== "g") continue;
      const attributes = kept(child), children = [...adaptor.childNodes(child)];
      if (attributes.length === 0) {
        for (const grandchild of children) adaptor.insert(grandchild, child);
        adaptor.remove(child);
      } else if (attributes.length === 1 && attributes[0].name === "transform" && children.length === 1
                 && adaptor.kind(children[0]) === "use" && kept(children[0]).every((a) => /^(?:xlink:)?href$/.test(a.name))) {
        adaptor.setAttribute(children[0], "transform", attributes[0].value);
        adaptor.insert(children[0], child);
        adaptor.remove(child);
      }
    }
  };
  const typeset = async (tex, display, width) => {
    MathJax.texReset();
    const options = {display, em: EM, ex: EX, containerWidth: width || 10000};
    const node = await MathJax.tex2svgPromise(tex, options);
    if (input.flat !== false) for (const svg of adaptor.tags(node, "svg")) flatten(svg);  // false: for a test
    let html = adaptor.outerHTML(node);
    const error = html.match(/data-mjx-error="([^"]*)"/);
    html = html
      .replace(new RegExp(` ${UNREAD}="[^"]*"`, "g"), "")
      .replace(/ (?:role="img"|focusable="false"|xmlns(?::xlink)?="http:\/\/www\.w3\.org\/(?:2000\/svg|1999\/xlink)")/g, "")
      .replace(/xlink:href=/g, "href=")
      .replace(/<svg [^>]*>/g, (tag) => tag.replace(/(-?[\d.]+)ex\b/g, (_, v) => toEm(v)));
    return {html, error: error ? error[1] : null};
  };
  const formulas = [];
  for (const [display, tex] of input.formulas) {
    let {html, error} = await typeset(tex, display);
    if (!display && html.includes("<mjx-break")) {
      // A short formula cut at its "=" put "c" at a line's end and "= 100." at the next one's start:
      // narrower than unbrokenEm it is set again as one TeX group (a single atom: no break), and
      // the browser moves it whole to the next line.
      const width = [...html.matchAll(/<svg [^>]*width="([\d.]+)em"/g)].reduce((sum, m) => sum + +m[1], 0);
      if (width < input.unbrokenEm) ({html, error} = await typeset(`{${tex}}`, display));
    }
    const wide = display && +html.match(/<svg[^>]*width="([\d.]+)em"/)[1];
    if (wide > input.narrowEm) {
      // Too wide for a phone: the same formula broken into lines by MathJax, shown instead when
      // the column is narrower than the formula (buildmath.css's container queries).
      const narrow = (await typeset(tex, display, input.narrowPx)).html.match(/<svg[^]*<\/svg>/)[0];
      html = html
        .replace(/^<mjx-container /, `<mjx-container data-wide="${Math.ceil(wide)}" `)
        .replace(/^([^]*?)<svg /, '$1<svg class="mjx-wide" ')
        .replace(/<mjx-assistive-mml/, narrow.replace(/^<svg /, '<svg class="mjx-narrow" ') + "<mjx-assistive-mml");
    }
    const glyphs = [...new Set([...html.matchAll(/ href="#(MJX-[^"]+)"/g)].map((m) => m[1]))];
    formulas.push({html, glyphs: glyphs.sort(), error});
  }
  const glyphs = {};
  const cache = adaptor.outerHTML(MathJax.startup.output.fontCache.getCache());
  for (const m of cache.matchAll(/<path id="(MJX-[^"]+)" d="([^"]*)"/g)) glyphs[m[1]] = m[2];
  const css = adaptor.textContent(MathJax.svgStylesheet());
  process.stdout.write(JSON.stringify({formulas, glyphs, css}));
}

main().catch((e) => {
  process.stderr.write(String(e && e.stack || e) + "\n");
  process.exit(1);
});

/* The pages' interactive widgets: draw frames computed at build time (docs/why.py,
 * docs/xavier_init.py, packed by docs/framedata.py). Nothing is computed here but drawing, and
 * nothing is fetched: the frames are in the page, or (section 1's other choices) in a classic
 * script beside it, inflated with DecompressionStream, so the page also works opened from the file
 * system. Needs d3 (selection, scale, shape, axis), served from
 * _static/widgets/d3-widgets.min.js.
 *
 * Every widget is a classic player: native radio groups / select for the choices, a range input
 * for the frame, buttons for play/pause and one step back/forward, a readout showing each frame's
 * sentence, and the widget's one live region, visually hidden, which speaks when the reader acts,
 * not every frame (see player).
 * window.xavierWidgets lists the widgets ({kind, meta, arrays, state, show(i)}) for tests.
 */
(function () {
  "use strict";

  window.xavierWidgets = window.xavierWidgets || [];
  const PLAY_MS = 150;

  // -- Frame data --------------------------------------------------------------------------------

  /** Unpack frames: {zlib: base64 of deflated (JSON head + arrays), size, head} (docs/framedata.py). */
  async function unpack(outer) {
    const packed = Uint8Array.from(atob(outer.zlib), (c) => c.charCodeAt(0));
    const stream = new Blob([packed]).stream().pipeThrough(new DecompressionStream("deflate"));
    const buf = new Uint8Array(await new Response(stream).arrayBuffer());
    if (buf.length !== outer.size) throw new Error(`frames inflate to ${buf.length} bytes, not ${outer.size}`);
    const head = JSON.parse(new TextDecoder().decode(buf.subarray(0, outer.head)));
    const types = { int8: Int8Array, uint8: Uint8Array, uint16: Uint16Array };
    const arrays = {};
    for (const [name, spec] of Object.entries(head.arrays)) {
      const n = spec.shape.reduce((a, b) => a * b, 1);
      arrays[name] = { shape: spec.shape, data: new types[spec.dtype](buf.buffer, outer.head + spec.offset, n) };
    }
    return { kind: head.kind, meta: head.meta, arrays };
  }

  const decode = (script) => unpack(JSON.parse(script.textContent));

  /** The arrays a widget keeps in a classic script beside its page (docs/framedata.py side_file):
   * a <script> tag loads from file://, where fetch is blocked. */
  function loadSide(extra) {
    return new Promise((resolve, reject) => {
      const tag = document.createElement("script");
      tag.src = new URL(extra, document.baseURI).href;
      tag.onload = () => {
        const outer = (window.xavierFrames || {})[extra];
        if (!outer) { reject(new Error(`${extra} holds no frames`)); return; }
        unpack(outer).then((d) => resolve(d.arrays), reject);
      };
      tag.onerror = () => reject(new Error(`could not load ${extra}`));
      document.head.append(tag);
    });
  }

  /** Offset of index (i0, i1, ...) in an array of `shape` (row-major). */
  function at(shape, ...idx) {
    let k = 0;
    for (let d = 0; d < shape.length; d++) k = k * shape[d] + (idx[d] || 0);
    return k;
  }

  // -- DOM helpers -------------------------------------------------------------------------------

  let uid = 0;
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === "text") node.textContent = v;
      else node.setAttribute(k, v);
    }
    for (const c of children) node.append(c);
    return node;
  }

  /** A fieldset of radio buttons; onChange(value) when the choice changes. */
  function radios(legend, name, options, checked, onChange) {
    const fs = el("fieldset", { class: `xw-choice xw-${name}` }, el("legend", { text: legend }));
    const group = `xw-${name}-${++uid}`;
    for (const o of options) {
      const id = `${group}-${String(o.value).replace(/\s+/g, "-")}`;  // an id has no spaces
      const input = el("input", { type: "radio", name: group, id, value: o.value });
      input.checked = o.value === checked;
      input.addEventListener("change", () => input.checked && onChange(o.value));
      fs.append(el("label", { for: id }, input, o.label));
    }
    return fs;
  }

  /** Play/pause, step back, slider, step forward; onFrame(i) whenever the frame changes.
   *  playMs (optional): milliseconds per frame while playing (default PLAY_MS).
   *
   *  Two elements say the frame. The readout (a plain paragraph, not a live region) shows each
   *  frame's sentence, written by the widget with say(text), at every frame, playing or not: a
   *  sighted reader watches the numbers change as the network trains. What a screen reader speaks
   *  is a separate visually hidden live region (role=status, atomic), `live`, made here with the
   *  widget (the widget puts it after its readout) and empty until the reader acts (the ARIA practice: a live region in the page before
   *  its first message). It says "Playing" once when playing starts, not a sentence a frame (which
   *  flooded screen readers), the frame where playing stops (a pause, the end), the frame a step
   *  or a slider key moves to, and the slider's frame at the release of a drag (change), not while
   *  dragged (input). speak() says the shown frame (a widget calls it after the reader's choice);
   *  announce(text) says a text (a load failure). Building and loading say nothing. */
  function player(count, label, onFrame, readout, playMs) {
    const state = { frame: 0, timer: null, text: "" };
    const live = el("p", { class: "xw-live", role: "status", "aria-atomic": "true" });
    // never written with the text it holds: a rewrite can be spoken again
    const announce = (text) => { if (live.textContent !== text) live.textContent = text; };
    const speak = () => { if (state.timer === null) announce(state.text); };
    function say(text) {
      state.text = text;
      if (readout.textContent !== text) readout.textContent = text;
    }
    const play = el("button", { type: "button", class: "xw-play", "aria-label": "Play" }, "▶ Play");
    const back = el("button", { type: "button", class: "xw-back", "aria-label": "−1 frame: one frame back" }, "−1");
    const fwd = el("button", { type: "button", class: "xw-fwd", "aria-label": "+1 frame: one frame forward" }, "+1");
    const slider = el("input", { type: "range", class: "xw-slider", min: "0", max: String(count - 1),
                                 step: "1", value: "0", "aria-label": label });
    const box = el("div", { class: "xw-player" }, play, back, slider, fwd);

    function show(i) {
      state.frame = Math.max(0, Math.min(count - 1, i));
      slider.value = String(state.frame);
      onFrame(state.frame);
    }
    /** Stop playing; with `spoken`, the live region says the frame where it stopped. */
    function stop(spoken = true) {
      if (state.timer === null) return;
      clearInterval(state.timer);
      state.timer = null;
      play.textContent = "▶ Play";
      play.setAttribute("aria-label", "Play");
      box.dataset.playing = "false";
      if (spoken) speak();
    }
    function start() {
      if (state.frame >= count - 1) show(0);
      play.textContent = "❚❚ Pause";
      play.setAttribute("aria-label", "Pause");
      box.dataset.playing = "true";
      state.timer = setInterval(() => {
        show(state.frame + 1);
        if (state.frame >= count - 1) stop();
      }, playMs || PLAY_MS);
      announce("Playing");
    }
    play.addEventListener("click", () => (state.timer === null ? start() : stop()));
    back.addEventListener("click", () => { stop(false); show(state.frame - 1); speak(); });
    fwd.addEventListener("click", () => { stop(false); show(state.frame + 1); speak(); });
    // input: every position while dragged (shown, not spoken); change: the release, or a key
    slider.addEventListener("input", () => { stop(false); show(Number(slider.value)); });
    slider.addEventListener("change", speak);
    box.dataset.playing = "false";
    return { box, show, stop, state, slider, say, speak, announce, live };
  }

  function svg(width, height, cls) {
    return d3.create("svg").attr("viewBox", `0 0 ${width} ${height}`).attr("class", cls || null)
      .attr("role", "img");
  }

  const fmt = (v) => (v === null || v === undefined ? "not finite" : String(v));

  const SUP = { "-": "⁻", 0: "⁰", 1: "¹", 2: "²", 3: "³", 4: "⁴", 5: "⁵", 6: "⁶", 7: "⁷", 8: "⁸", 9: "⁹" };
  /** A tick label: a power of ten outside 0.01..1000 as 10ⁿ (short), anything else as "~g". */
  function tickText(v, base) {
    const e = Math.round(Math.log10(Math.abs(v)));
    if (v > 0 && (e > 3 || e < -2) && Math.abs(v / 10 ** e - 1) < 1e-9) return "10" + [...String(e)].map((c) => SUP[c]).join("");
    return base(v);
  }
  /** The charts' text size in CSS px: widgets.css's --xw-chart-font (16 px, 13 px on a phone).
   *  Charts are drawn in CSS px (their viewBox is their size on screen), so text keeps that size. */
  function chartFont(node) {
    return parseFloat(getComputedStyle(node).getPropertyValue("--xw-chart-font")) || 16;
  }
  let measurer = null;
  /** Width in px of `text` in the charts' font (`px` px, the page's family). */
  function textWidth(text, px) {
    measurer = measurer || document.createElement("canvas").getContext("2d");
    measurer.font = `${px}px ${getComputedStyle(document.body).fontFamily || "sans-serif"}`;
    return measurer.measureText(text).width;
  }

  /** Call draw(width) with box's width in CSS px now, and again whenever that width changes. */
  function fitWidth(box, draw) {
    let last = -1;
    const fit = () => {
      const w = Math.floor(box.getBoundingClientRect().width) || 320;
      if (w !== last) { last = w; draw(w); }
    };
    if ("ResizeObserver" in window) new ResizeObserver(() => { if (box.isConnected) fit(); }).observe(box);
    return fit;
  }

  /** A chart's height for its width: wide enough to read, short enough for a phone's screen. */
  const chartHeight = (width, font) => Math.round(Math.max(8.5 * font + 40, Math.min((font < 16 ? 0.5 : 0.85) * width, 300)));

  /** matplotlib's symlog scale (base 10) as a d3 continuous scale, for the axes of a page's figure
   *  drawn with ``ax.set_xscale("symlog", linthresh=..., linscale=...)``: linear up to linthresh,
   *  logarithmic after (matplotlib.scale.SymmetricalLogTransform). Has what curveChart and d3's axis
   *  use of a scale: calling it, range(), copy(), domain(). */
  function symlogScale(domain, { linthresh, linscale }) {
    const adj = linscale / (1 - 1 / 10);
    const T = (v) => (Math.abs(v) <= linthresh ? v * adj
      : Math.sign(v) * linthresh * (adj + Math.log10(Math.abs(v) / linthresh)));
    const lin = d3.scaleLinear().domain(domain.map(T));
    const scale = (v) => lin(T(v));
    scale.range = (r) => (r === undefined ? lin.range() : (lin.range(r), scale));
    scale.domain = () => domain.slice();
    scale.copy = () => symlogScale(domain, { linthresh, linscale }).range(lin.range());
    return scale;
  }

  /** The ticks matplotlib's symlog locator puts on [0, last] when linthresh is a power of ten:
   *  0 and the powers of ten from linthresh. */
  const symlogTicks = (last, { linthresh }) =>
    [0, ...d3.range(Math.round(Math.log10(linthresh)), Math.floor(Math.log10(last) + 1e-9) + 1).map((e) => 10 ** e)];

  /** A line chart over frames: band [lo, hi], median, the shown line, a dot at the current frame.
   *  yFormat (optional): the y ticks' text; valueFormat (optional): the shown value's. */
  function curveChart({ width = 320, height, font = 16, xLabel, yLabel, xScale, yScale, title, xTicks, yFormat: yText, valueFormat }) {
    height = height || chartHeight(width, font);
    // y ticks first: the left margin holds the rotated axis label (one line), the widest tick
    // label (measured), the tick and its padding (9 px), so that the label never covers a tick label
    const yTicks = yScale.ticks(4), yBase = yScale.tickFormat(4, "~g");
    const yFormat = yText || ((v) => tickText(v, yBase));
    const widest = Math.max(0, ...yTicks.map((v) => textWidth(yFormat(v), font)));
    const m = { l: Math.ceil(1.3 * font + 4 + widest + 9), r: Math.ceil(font * 0.6), t: Math.ceil(font * 1.4), b: Math.ceil(2.6 * font + 8) };
    const root = svg(width, height, "xw-curve");
    root.append("title").text(title);
    const x = xScale.range([m.l, width - m.r]);
    const y = yScale.range([height - m.b, m.t]);
    const xt = xTicks ? xTicks.filter((t, i) => i === 0 || x(t) - x(xTicks[i - 1]) > 2.2 * font) : null;
    root.append("g").attr("transform", `translate(0,${height - m.b})`).call(xt ? d3.axisBottom(x).tickValues(xt).tickFormat(d3.format("d")) : d3.axisBottom(x).ticks(Math.max(2, Math.floor(width / (4 * font)))));
    root.append("g").attr("class", "xw-yaxis").attr("transform", `translate(${m.l},0)`).call(d3.axisLeft(y).tickValues(yTicks).tickFormat(yFormat));
    root.append("text").attr("x", (m.l + width - m.r) / 2).attr("y", height - 4).attr("text-anchor", "middle").text(xLabel);
    root.append("text").attr("transform", `translate(${Math.ceil(font)},${(m.t + height - m.b) / 2}) rotate(-90)`)
      .attr("text-anchor", "middle").text(yLabel);
    const band = root.append("path").attr("class", "xw-band");
    const median = root.append("path").attr("class", "xw-median");
    const line = root.append("path").attr("class", "xw-line");
    const dot = root.append("circle").attr("class", "xw-now").attr("r", 4);
    const label = root.append("text").attr("class", "xw-value").attr("text-anchor", "end");
    const ok = (v) => v !== null && v !== undefined && Number.isFinite(v) && Number.isFinite(y(v));
    function draw(xs, series, f) {
      const upto = (arr) => xs.slice(0, f + 1).map((xv, i) => [xv, arr[i]]).filter((p) => ok(p[1]));
      const lo = series.lo, hi = series.hi;
      const pts = xs.slice(0, f + 1).map((xv, i) => [xv, lo[i], hi[i]]).filter((p) => ok(p[1]) && ok(p[2]));
      band.attr("d", d3.area().x((p) => x(p[0])).y0((p) => y(p[1])).y1((p) => y(p[2]))(pts) || "");
      median.attr("d", d3.line().x((p) => x(p[0])).y((p) => y(p[1]))(upto(series.median)) || "");
      line.attr("d", d3.line().x((p) => x(p[0])).y((p) => y(p[1]))(upto(series.value)) || "");
      const v = series.value[f];
      if (ok(v)) {
        dot.attr("cx", x(xs[f])).attr("cy", y(v)).attr("visibility", "visible");
      } else {
        dot.attr("visibility", "hidden");
      }
      label.attr("x", width - m.r).attr("y", font).text(`${series.name} ${(valueFormat || fmt)(v)}`);
      label.attr("data-value", v === null ? "" : String(v));
    }
    return { node: root.node(), draw };
  }

  function finiteExtent(...arrays) {
    let lo = Infinity, hi = -Infinity;
    for (const a of arrays) for (const v of a) if (v !== null && Number.isFinite(v)) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
    return [lo, hi];
  }

  function logDomain(lo, hi) {
    lo = Math.max(lo, 1e-6);
    if (!(hi > lo)) hi = lo * 10;
    return [lo / 1.3, hi * 1.3];
  }

  // -- Widget 1: the playground ------------------------------------------------------------------

  function playground(container, data) {
    const { meta } = data;
    const F = meta.epochs.length, k = meta.k, sizes = meta.sizes;
    const def = meta.default || { dataset: meta.datasets[0], scale: "appropriate", seed: "median" };
    const kinds = meta.seed_kinds || ["median"];
    const state = { dataset: def.dataset, scale: def.scale, seed: def.seed, show: "weights", frame: 0 };
    const script = container.nextElementSibling;
    const extra = script && script.dataset ? script.dataset.extra : undefined;
    // The page holds the default choice's frames (arrays of shape (1, 1, 1, F, ...)); every
    // choice's frames are in the file `extra` beside the page, loaded with a classic <script>
    // (which works from file://, where fetch does not) when the widget comes into view or another
    // choice is picked.
    let arrays = data.arrays, full = !extra, loading = null;
    const di = () => meta.datasets.indexOf(state.dataset);
    const ci = () => meta.scales.findIndex((s) => s.key === state.scale);
    const ki = () => kinds.indexOf(state.seed);
    const isDefault = () => state.dataset === def.dataset && state.scale === def.scale && state.seed === def.seed;
    const index = () => (full ? [di(), ci(), ki()] : [0, 0, 0]);
    const run = () => meta.runs[state.dataset][state.scale];

    function loadAll() {
      if (full) return Promise.resolve();
      if (loading) return loading;
      container.dataset.full = "loading";
      loading = loadSide(extra).then((all) => { arrays = all; full = true; container.dataset.full = "true"; }).catch((err) => {
        container.dataset.full = "failed";
        status.textContent = `The frames of the other choices could not be loaded (${err.message}); the default choice still plays.`;
        play.announce(status.textContent);
        throw err;
      });
      return loading;
    }
    function choose(key, value) {
      state[key] = value;
      if (full || isDefault()) { redraw(true); play.speak(); return; }
      status.textContent = "Loading the frames of every choice…";
      loadAll().then(() => { status.textContent = ""; redraw(true); play.speak(); }, () => {});
    }

    // the name of a scale (too small, ...) beside its value, on a phone too (widgets.css)
    const scaleLabel = (s) => (s.label ? el("span", {}, String(s.c), el("span", { class: "xw-aside", text: ` (${s.label})` })) : String(s.c));
    const kindLabel = { median: "median", best: "lowest cost", worst: "highest cost" };
    // what the readout says of the shown seed: its number, then its rank by final cost (not by the
    // current cost); the median is the lower of the two middle ones, as on the page
    const rankOf = { median: (n) => Math.floor((n - 1) / 2) + 1, best: () => 1, worst: (n) => n };
    const ordinal = (k) => `${k}${[11, 12, 13].includes(k % 100) ? "th" : ["th", "st", "nd", "rd"][k % 10] || "th"}`;
    const controls = el("div", { class: "xw-controls" },
      radios("Dataset", "dataset", meta.datasets.map((d) => ({ value: d, label: d })), state.dataset,
             (v) => choose("dataset", v)),
      radios("Initialization scale c", "scale", meta.scales.map((s) => ({ value: s.key, label: scaleLabel(s) })),
             state.scale, (v) => choose("scale", v)),
      radios("Seed (by final cost)", "seed", kinds.map((s) => ({ value: s, label: kindLabel[s] || s })), state.seed,
             (v) => choose("seed", v)),
      radios("Links show", "links", [{ value: "weights", label: "weights W" },
                                      { value: "gradients", label: "gradients dW" }], state.show,
             (v) => { state.show = v; redraw(false); }));
    // loading and its failure, shown; not a live region of its own: a failure is also said through
    // the player's live region
    const status = el("p", { class: "xw-status" });
    const readout = el("p", { class: "xw-readout" });
    const play = player(F, "Epoch", (f) => { state.frame = f; redraw(false); }, readout);

    // decision map: a k x k canvas scaled by CSS, the points on top in an SVG
    const canvas = el("canvas", { width: String(k), height: String(k), "aria-hidden": "true" });
    const ctx = canvas.getContext("2d");
    const image = ctx.createImageData(k, k);
    const half = meta.lim + (2 * meta.lim) / (k - 1) / 2;
    const px = d3.scaleLinear([-half, half], [0, 300]);
    const py = d3.scaleLinear([-half, half], [300, 0]);
    const pts = svg(300, 300);
    pts.append("title").text("Decision map");
    const ptsG = pts.append("g");
    const mapBox = el("div", { class: "xw-map" }, canvas, pts.node());
    // the classes' and the map's colours are the static figures' (docs/why.py CLASS_COLORS), in both modes
    const [c0, c1] = meta.classes, stops = meta.map_colors.map((h) => d3.rgb(h));
    const mapCaption = el("p", { class: "xw-legend" },
      `ŷ from 0 (${c0.name}, class 0: circles) through 0.5 (white) to 1 (${c1.name}, class 1: squares), on [−5, 5]².`);
    const mapColor = (p) => {   // piecewise linear between the stops
      const t = Math.max(0, Math.min(1, p)) * (stops.length - 1), i = Math.min(Math.floor(t), stops.length - 2);
      return d3.rgb(d3.interpolateRgb(stops[i], stops[i + 1])(t - i));
    };

    // network diagram, in the colours of Fig. 1.7 and 1.8 (docs/diagram.py's palette, from the
    // page): on a white ground in both modes, where the colour map's white middle means 0
    const pal = meta.diagram, lut = pal.lut, N = lut.length;
    /** matplotlib's pick of a colour for value w on the symmetric scale [-v, v] (diagram.palette). */
    const colourOf = (w, v) => lut[Math.max(0, Math.min(N - 1, Math.floor(N * Math.max(0, Math.min(1, (w + v) / (2 * v))))))];
    const NW = 320, NH = 190;
    const net = svg(NW, NH, "xw-net");
    const netTitle = net.append("title");
    net.append("rect").attr("width", NW).attr("height", NH).attr("fill", "#ffffff");
    const cols = sizes.map((n, l) => (l + 0.5) * NW / sizes.length);
    const pos_ = sizes.map((n, l) => d3.range(n).map((j) => [cols[l], NH / 2 + (j - (n - 1) / 2) * 26]));
    const links = [];
    for (let l = 1; l < sizes.length; l++)
      for (let j = 0; j < sizes[l]; j++)
        for (let i = 0; i < sizes[l - 1]; i++) links.push({ l, j, i });
    const ends = (sel) => sel.attr("x1", (d) => pos_[d.l - 1][d.i][0]).attr("y1", (d) => pos_[d.l - 1][d.i][1])
      .attr("x2", (d) => pos_[d.l][d.j][0]).attr("y2", (d) => pos_[d.l][d.j][1]);
    // a thin grey line under every link, as in the figures, so that a zero weight still shows
    ends(net.append("g").selectAll("line").data(links).join("line").attr("stroke", pal.base).attr("stroke-width", 0.5));
    const linkSel = ends(net.append("g").selectAll("line").data(links).join("line").attr("class", "xw-link"));
    const nodes = [];
    sizes.forEach((n, l) => d3.range(n).forEach((j) => nodes.push({ l, j })));
    const nodeSel = net.append("g").selectAll("circle").data(nodes).join("circle").attr("class", "xw-node")
      .attr("stroke", pal.edge).attr("fill", (d) => (d.l === 0 ? pal.input : "#ffffff"))
      .attr("cx", (d) => pos_[d.l][d.j][0]).attr("cy", (d) => pos_[d.l][d.j][1]).attr("r", 8);
    const netNote = el("p", { class: "xw-netnote" });
    const ramp = el("span", { class: "xw-ramp", "aria-hidden": "true",
                              style: `background: linear-gradient(to right, ${d3.range(11).map((t) => lut[Math.min(N - 1, Math.floor(t * N / 10))]).join(", ")})` });
    const rampEnds = [el("span"), el("span")];
    const netLegend = el("p", { class: "xw-legend" }, "Each link is one weight: red when positive, blue and dashed when " +
      "negative, darker and wider the larger it is, white when 0 (", rampEnds[0], ramp, rampEnds[1], "). Values past " +
      "either end of this bar get the end colour. The bar is set for this seed: it ends at the " +
      `${Math.round(100 * meta.scale_quantile)}th percentile of the sizes of its weights at the first and the last epoch, ` +
      "so the largest weights are past it. Each unit's colour is its bias.");
    // offsets of W[l] and b[l] in a frame's flattened parameters
    const wOff = [], bOff = [];
    let off = 0;
    for (let l = 1; l < sizes.length; l++) { wOff[l] = off; off += sizes[l] * sizes[l - 1]; }
    for (let l = 1; l < sizes.length; l++) { bOff[l] = off; off += sizes[l]; }

    // cost chart (epoch on the figure's symlog axis: the first epochs linear, then log), drawn at
    // the width it is shown at (redrawn when that changes), so that its text keeps the page's size
    let chart = null;
    const chartBox = el("div", { class: "xw-chart" });
    const chartLegend = el("p", { class: "xw-legend" });

    // the cost first: on a phone it sits right under the player, so Play and the cost fit one screen
    const views = el("div", { class: "xw-views" },
      el("div", { class: "xw-view xw-main" }, el("p", { class: "xw-caption", text: "Cost (mean binary cross-entropy)" }), chartBox,
         chartLegend),
      el("div", { class: "xw-view" }, el("p", { class: "xw-caption", text: "Decision map ŷ and the 100 points" }), mapBox, mapCaption),
      el("div", { class: "xw-view xw-netview" }, el("p", { class: "xw-caption xw-net-caption" }), el("div", { class: "xw-netbox" }, net.node()),
         netNote, netLegend));
    container.replaceChildren(controls, play.box, status, readout, play.live, views);

    function drawPoints() {
      const p = meta.points[state.dataset];
      const data_ = p.y.map((y, i) => ({ x1: p.x[0][i], x2: p.x[1][i], y }));
      ptsG.selectAll("*").remove();
      ptsG.selectAll("circle").data(data_.filter((d) => d.y === 0)).join("circle").attr("class", "xw-pt0").attr("fill", c0.hex)
        .attr("cx", (d) => px(d.x1)).attr("cy", (d) => py(d.x2)).attr("r", 4);
      ptsG.selectAll("rect").data(data_.filter((d) => d.y === 1)).join("rect").attr("class", "xw-pt1").attr("fill", c1.hex)
        .attr("x", (d) => px(d.x1) - 3.5).attr("y", (d) => py(d.x2) - 3.5).attr("width", 7).attr("height", 7);
    }

    let chartWidth = 320;
    function newChart() {
      const r = run();
      const [lo, hi] = finiteExtent(...kinds.map((s) => r.cost[s]), r.q10, r.q90, r.median);
      chart = curveChart({
        width: chartWidth, font: chartFont(container),
        xLabel: `epoch (linear to ${meta.epoch_axis.linthresh}, log after)`, yLabel: "cost (log scale)", title: "Cost against epoch",
        // the epoch axis of the page's figure of the same training (meta.epoch_axis)
        xScale: symlogScale([0, meta.epochs[F - 1]], meta.epoch_axis),
        xTicks: symlogTicks(meta.epochs[F - 1], meta.epoch_axis),
        yScale: d3.scaleLog().domain(logDomain(lo, hi)).clamp(true),
      });
      chartBox.replaceChildren(chart.node);
      const most = Math.max(...meta.scales.map((s) => s.seeds || 0));
      chartLegend.textContent = `Solid: the shown seed; dashed: median; band: 10–90 % of the ${r.n} seeds of this scale.` +
        (r.n < most ? ` The article's four scales were each trained ${most} times; the widget's added scales only ` +
                      `${r.n} times, so that the page builds quickly. Their band is rougher for it.` : "");
    }

    function drawMap(f) {
      const maps = arrays.maps, base = at(maps.shape, ...index(), f, 0, 0);
      const px_ = image.data;
      for (let i = 0; i < k; i++) {           // row i goes up in x2: canvas row k - 1 - i
        let q = 0;
        for (let j = 0; j < k; j++) {
          q = (q + maps.data[base + i * k + j]) & 255;   // undo the row differences
          const c = mapColor(q / 255), o = 4 * ((k - 1 - i) * k + j);
          px_[o] = c.r; px_[o + 1] = c.g; px_[o + 2] = c.b; px_[o + 3] = 255;
        }
      }
      ctx.putImageData(image, 0, 0);
    }

    function drawNet(f) {
      const r = run(), grads = state.show === "gradients", kind = state.seed;
      const arr = grads ? arrays.grads : arrays.weights;
      const base = at(arr.shape, ...index(), f, 0);
      // each part on its own scale per frame: the largest |W| (or |dW|) and |b| (|db|) of the frame
      const wmax = (grads ? r.gmax : r.wmax)[kind][f], bmax = (grads ? r.gbmax : r.bmax)[kind][f];
      const v = (grads ? r.gmax_colour : r.wmax_colour)[kind] || 1;   // this seed's colour scale (link_scale of its first and last frames)
      const value = (k_, scale) => (arr.data[base + k_] / 127) * (scale || 0);
      linkSel.each(function (d) {
        const w = value(wOff[d.l] + d.j * sizes[d.l - 1] + d.i, wmax);
        this.setAttribute("stroke", colourOf(w, v));
        this.setAttribute("stroke-width", String(0.4 + 3.6 * Math.min(1, Math.abs(w) / v)));
        this.setAttribute("stroke-dasharray", w < 0 ? "4 2" : "none");
        this.dataset.value = String(w);
      });
      nodeSel.each(function (d) {
        if (d.l === 0) return;
        const b = value(bOff[d.l] + d.j, bmax);
        this.setAttribute("fill", colourOf(b, v));
        this.dataset.value = String(b);
      });
      const what = grads ? "gradients dW, db" : "weights W, biases b", sym = grads ? "dW" : "W";
      netNote.textContent = `Largest |${sym}| (${grads ? "gradients of the weights" : "weights"} only, this seed, epoch ${meta.epochs[f]}): ${fmt(wmax)}`;
      netNote.dataset.value = wmax === null ? "" : String(wmax);
      rampEnds[0].textContent = `−${fmt(v)} `;
      rampEnds[1].textContent = ` ${fmt(v)}`;
      container.querySelector(".xw-net-caption").textContent = `Network [${sizes.join(", ")}]: ${what}`;
      netTitle.text(`Network diagram showing the ${what} at epoch ${meta.epochs[f]}`);
    }

    function redraw(choiceChanged) {
      if (!full && !isDefault()) return;  // the frames of this choice are still loading
      const f = state.frame, r = run(), cost = r.cost[state.seed];
      if (choiceChanged || !chart) { drawPoints(); newChart(); }
      drawMap(f);
      drawNet(f);
      chart.draw(meta.epochs, { name: "cost", value: cost, median: r.median, lo: r.q10, hi: r.q90 }, f);
      play.say(`Epoch ${meta.epochs[f]} of ${meta.epochs[F - 1]} (frame ${f + 1} of ${F}) · ` +
        `cost ${fmt(cost[f])} (seed #${r.seed[state.seed] + 1}, ${ordinal(rankOf[state.seed](r.n))} of ${r.n} ` +
        `by final cost) · ` +
        `median cost of the ${r.n} seeds at this epoch ${fmt(r.median[f])}`);
      play.slider.setAttribute("aria-valuetext", `epoch ${meta.epochs[f]}`);
      readout.dataset.frame = String(f);
      readout.dataset.epoch = String(meta.epochs[f]);
      readout.dataset.cost = cost[f] === null ? "" : String(cost[f]);
      readout.dataset.choice = `${state.dataset} ${state.scale} ${state.seed}`;
    }
    // the chart follows its box's width: on a resize, drawn again at the new width
    const fitChart = fitWidth(chartBox, (w) => { chartWidth = w; if (chart) { newChart(); redraw(false); } });

    container.dataset.full = full ? "true" : "false";
    if (!full && "IntersectionObserver" in window) {
      const seen = new IntersectionObserver((entries) => {
        if (entries.some((e) => e.isIntersecting)) { seen.disconnect(); loadAll().catch(() => {}); }
      });
      seen.observe(container);
    }
    fitChart();
    redraw(true);
    return { state, show: play.show, player: play, loadAll };
  }

  // -- Widget 2: the digits ----------------------------------------------------------------------

  function digits(container, data) {
    const { meta, arrays } = data;
    /** A fraction in %, one decimal, as the page's table of held-out errors (Table "seeds"). */
    const percent = (v) => (v === null || v === undefined ? "not finite" : `${(100 * v).toFixed(1)} %`);
    const F = meta.steps.length, names = meta.inits, S = meta.seeds;
    const state = { init: meta.default_init, seed: 0, frame: 0 };
    const ii = () => names.indexOf(state.init);
    const slice = () => meta.slices[ii()][state.seed];   // the stack's slice of this init and seed
    const colors = meta.colors;                           // {right, wrong}: {name, hex}, from the page module

    const seedSelect = el("select", { class: "xw-seed", "aria-label": "Seed" });
    for (let s = 0; s < S; s++) seedSelect.append(el("option", { value: String(s), text: `seed ${s + 1}` }));
    seedSelect.addEventListener("change", () => { state.seed = Number(seedSelect.value); redraw(true); play.speak(); });
    const controls = el("div", { class: "xw-controls" },
      radios("Initialization", "init", names.map((n) => ({ value: n, label: meta.labels[n] })), state.init,
             (v) => { state.init = v; redraw(true); play.speak(); }),
      el("fieldset", { class: "xw-choice" }, el("legend", { text: "Seed" }), seedSelect));
    const readout = el("p", { class: "xw-readout" });
    const play = player(F, "SGD step", (f) => { state.frame = f; redraw(false); }, readout, meta.play_ms);

    // histograms: one panel per hidden layer side by side in one chart, y on a square-root scale
    // shared by every choice (its axis on the left panel only); the page stores each bar's height
    // already on that scale (8 bits of the panel's height). Drawn at the width it is shown at.
    const bins = meta.bins, [lo, hi] = meta.range, layers = meta.layers, binWidth = (hi - lo) / bins;
    let panels = [];
    const histBox = el("div", { class: "xw-chart" });
    function newHistograms(width) {
      const font = chartFont(container), gap = Math.round(font * 1.5);
      const yTicks = d3.ticks(0, meta.hist_max, 3), yFormat = d3.format("~g");
      const left = Math.ceil(Math.max(...yTicks.map((v) => textWidth(yFormat(v), font))) + 9);
      const pw = (width - left - (layers - 1) * gap - 4) / layers;
      const HH = Math.round(Math.max(9 * font, Math.min(0.9 * pw + 5 * font, 240)));
      const m = { t: Math.ceil(1.5 * font), b: Math.ceil(1.4 * font + 8) };
      const root = svg(width, HH, "xw-hist-chart");
      root.append("title").text("Histograms of A[1] to A[4] over the step's batch");
      const hy = d3.scaleSqrt([0, meta.hist_max], [HH - m.b, m.t]).clamp(true);
      root.append("g").attr("transform", `translate(${left},0)`).call(d3.axisLeft(hy).tickValues(yTicks).tickFormat(yFormat));
      panels = d3.range(layers).map((l) => {
        const x0 = left + l * (pw + gap);
        const hx = d3.scaleLinear([lo, hi], [x0, x0 + pw]);
        root.append("g").attr("transform", `translate(0,${HH - m.b})`).call(d3.axisBottom(hx).tickValues([-1, 0, 1]).tickFormat(d3.format("~g")));
        root.append("text").attr("x", x0 + pw / 2).attr("y", font).attr("text-anchor", "middle").text(`A[${l + 1}]`);
        return { hx, y0: HH - m.b, yspan: HH - m.b - m.t, bars: root.append("path").attr("class", "xw-hist") };
      });
      histBox.replaceChildren(root.node());
    }

    // the step's batch of digits: 10 x 10 cells of 28 px and a 2 px frame, right or wrong
    const cell = 32, ncol = 10, nrow = Math.ceil(meta.batch / ncol);
    const digitCanvas = el("canvas", { class: "xw-digits", width: String(ncol * cell), height: String(nrow * cell),
                                       role: "img", "aria-label": `The step's batch of digits, framed ${colors.right.name} when right and ${colors.wrong.name} when wrong` });
    const dctx = digitCanvas.getContext("2d");
    // not a live region: the player's live region already says the count
    const counter = el("p", { class: "xw-misclassified" });

    let costChart = null, errChart = null, chartWidth = 320;
    const costBox = el("div", { class: "xw-chart" }), errBox = el("div", { class: "xw-chart" });
    const views = el("div", { class: "xw-views" },
      el("div", { class: "xw-view xw-wide xw-main" },
         el("p", { class: "xw-caption", text: "Activations over this step's batch" }), histBox,
         el("p", { class: "xw-legend", text: "Fraction of the values of A[1] to A[4] per bin, on a square-root scale shared by every choice; a taller bin is cut at the top (Zero's spike at 0)." })),
      el("div", { class: "xw-view xw-main" }, el("p", { class: "xw-caption", text: "Held-out cost (cross-entropy, 1,000 digits)" }), costBox),
      el("div", { class: "xw-view" }, el("p", { class: "xw-caption", text: "Held-out error" }), errBox,
         el("p", { class: "xw-legend" }, `Solid: the shown seed; dashed: median; band: 10–90 % of the ${S} seeds` +
            (meta.once.length ? ` (${meta.once.join(", ")}: one run, its draws are all the same).` : "."))),
      el("div", { class: "xw-view" }, el("p", { class: "xw-caption", text: `The step's batch: right (${colors.right.name} frame) or wrong (${colors.wrong.name} frame, predicted digit in the corner)` }),
         digitCanvas, counter));
    container.replaceChildren(controls, play.box, readout, play.live, views);

    // The digits' pixels are in the file beside the page (`extra`), loaded when the widget comes
    // into view; until then the grid shows each digit's frame, right or wrong, on white.
    const script = container.nextElementSibling;
    const extra = script && script.dataset ? script.dataset.extra : undefined;
    let pixels = arrays.digits || null, loading = null;
    const status = el("p", { class: "xw-status" });   // not a live region: see the playground's
    counter.after(status);
    function loadDigits() {
      if (pixels || !extra) return Promise.resolve();
      if (loading) return loading;
      container.dataset.full = "loading";
      status.textContent = "Loading the digit images…";
      loading = loadSide(extra).then((side) => {
        pixels = side.digits; container.dataset.full = "true"; status.textContent = ""; redraw(false);
      }, (err) => {
        container.dataset.full = "failed";
        status.textContent = `The digit images could not be loaded (${err.message}); the rest of the widget still plays.`;
        play.announce(status.textContent);
      });
      return loading;
    }
    const bits = meta.pixel_bits, per = 8 / bits, levels = (1 << bits) - 1;
    const base = dctx.createImageData(ncol * cell, nrow * cell);
    function pixel(f, n, i) {   // pixel i of digit n of frame f, 0 (white) .. 1 (ink)
      if (!pixels) return 0;
      const byte = pixels.data[(f * meta.batch + n) * pixels.shape[2] + Math.floor(i / per)];
      return ((byte >> (bits * (per - 1 - (i % per)))) & levels) / levels;
    }
    function drawDigits(f) {
      const pred = arrays.pred, off = at(pred.shape, slice(), f, 0);
      const labels = arrays.labels, loff = at(labels.shape, f, 0);
      const rc = d3.rgb(colors.right.hex), wc = d3.rgb(colors.wrong.hex);
      const img = base.data, W = ncol * cell;
      let miss = 0;
      for (let n = 0; n < meta.batch; n++) {
        const ok = pred.data[off + n] === labels.data[loff + n];
        if (!ok) miss++;
        const c = ok ? rc : wc, r0 = Math.floor(n / ncol) * cell, c0 = (n % ncol) * cell;
        for (let y = 0; y < cell; y++) for (let x = 0; x < cell; x++) {
          const o = 4 * ((r0 + y) * W + c0 + x);
          if (y < 2 || y >= cell - 2 || x < 2 || x >= cell - 2) { img[o] = c.r; img[o + 1] = c.g; img[o + 2] = c.b; img[o + 3] = 255; continue; }
          const v = (y - 2 >= 28 || x - 2 >= 28) ? 255 : Math.round(255 * (1 - pixel(f, n, (y - 2) * 28 + (x - 2))));
          img[o] = v; img[o + 1] = v; img[o + 2] = v; img[o + 3] = 255;
        }
      }
      dctx.putImageData(base, 0, 0);
      // the predicted digit on a white patch, large enough to read when the grid is shown narrow
      const fs = 16;
      dctx.font = `bold ${fs}px sans-serif`;
      dctx.textAlign = "right";
      dctx.textBaseline = "top";
      for (let n = 0; n < meta.batch; n++) {
        const p = pred.data[off + n];
        if (p !== labels.data[loff + n]) {
          const xr = (n % ncol) * cell + cell - 2, yt = Math.floor(n / ncol) * cell + 2;
          dctx.fillStyle = "#ffffff";
          dctx.fillRect(xr - 0.65 * fs, yt, 0.65 * fs, fs);
          dctx.fillStyle = colors.wrong.hex;
          dctx.fillText(String(p), xr - 1, yt + 1);
        }
      }
      return miss;
    }

    function newCharts() {
      const r = meta.runs[state.init], font = chartFont(container);
      const steps = meta.steps, last = steps[F - 1];
      // the first steps one by one, then spaced out: the step axis of the page's Fig. "training"
      // (meta.step_axis, matplotlib's symlog), with its ticks, 0 and the powers of ten past linthresh
      const axis = meta.step_axis, xLabel = `step (linear to ${axis.linthresh}, log after)`;
      const xTicks = symlogTicks(last, axis);
      const [clo, chi] = finiteExtent(...r.cost, r.cost_q10, r.cost_q90);
      costChart = curveChart({ width: chartWidth, font, xLabel, yLabel: "cost (log)", title: "Held-out cost against step",
        xScale: symlogScale([0, last], axis), xTicks,
        yScale: d3.scaleLog().domain(logDomain(clo, chi)).clamp(true) });
      // the error in %, as the page's table gives it (one decimal)
      errChart = curveChart({ width: chartWidth, font, xLabel, yLabel: "error (%)", title: "Held-out error against step",
        xScale: symlogScale([0, last], axis), xTicks, yScale: d3.scaleLinear().domain([0, 1]),
        yFormat: (v) => String(Math.round(100 * v)), valueFormat: percent });
      costBox.replaceChildren(costChart.node);
      errBox.replaceChildren(errChart.node);
    }

    const pct = (v) => (v === null || v === undefined ? "not finite" : `${+(100 * v).toPrecision(2)} %`);
    /** The histograms' lesson in words: how wide each layer's activations are over the step's batch. */
    function spread(sl, f) {
      const std = meta.std[sl][f], sat = meta.saturated[sl][f];
      return `spread of A[1] to A[${layers}] over this batch: standard deviation ${std.map(fmt).join(", ")}; ` +
        `saturated (|a| > ${meta.saturation}) ${sat.map(pct).join(", ")}`;
    }

    function redraw(choiceChanged) {
      const f = state.frame, r = meta.runs[state.init], s = state.seed;
      if (choiceChanged || !costChart) newCharts();
      const h = arrays.hist;
      for (let l = 0; l < layers; l++) {
        const o = at(h.shape, slice(), f, l, 0), { hx, y0, yspan } = panels[l];
        let d = `M${hx(lo)},${y0}`;
        for (let b = 0; b < bins; b++) {
          const yv = y0 - (h.data[o + b] / 255) * yspan;
          d += `L${hx(lo + b * binWidth)},${yv}L${hx(lo + (b + 1) * binWidth)},${yv}`;
        }
        panels[l].bars.attr("d", d + `L${hx(hi)},${y0}Z`);
      }
      const miss = drawDigits(f);
      counter.textContent = `misclassified ${miss}/${meta.batch}`;
      counter.dataset.value = String(miss);
      costChart.draw(meta.steps, { name: "cost", value: r.cost[s], median: r.cost_median, lo: r.cost_q10, hi: r.cost_q90 }, f);
      errChart.draw(meta.steps, { name: "error", value: r.error[s], median: r.error_median, lo: r.error_q10, hi: r.error_q90 }, f);
      const step = meta.steps[f], epoch = Math.floor(step / meta.steps_per_epoch) + 1;
      const inEpoch = (step % meta.steps_per_epoch) + 1;
      play.say(`After ${step} of ${meta.last_step} updates (epoch ${epoch}, batch ${inEpoch} of ${meta.steps_per_epoch}; frame ${f + 1} of ${F}) · ` +
        `held-out cost ${fmt(r.cost[s][f])} · held-out error ${percent(r.error[s][f])} · of the ${meta.batch} digits shown, ${miss} misclassified · ` +
        spread(slice(), f));
      play.slider.setAttribute("aria-valuetext", `after ${step} of ${meta.last_step} updates`);
      readout.dataset.frame = String(f);
      readout.dataset.step = String(step);
      readout.dataset.cost = r.cost[s][f] === null ? "" : String(r.cost[s][f]);
      readout.dataset.error = r.error[s][f] === null ? "" : String(r.error[s][f]);
    }

    container.dataset.full = pixels || !extra ? "true" : "false";
    if (!pixels && extra) {
      if ("IntersectionObserver" in window) {
        const seen = new IntersectionObserver((entries) => {
          if (entries.some((e) => e.isIntersecting)) { seen.disconnect(); loadDigits(); }
        });
        seen.observe(container);
      } else loadDigits();
    }
    // the charts follow their boxes' widths: on a resize, drawn again at the new width
    const fitHist = fitWidth(histBox, (w) => { newHistograms(w); if (costChart) redraw(false); });
    const fitCharts = fitWidth(costBox, (w) => { chartWidth = w; if (costChart) redraw(true); });
    fitHist();
    fitCharts();
    redraw(true);
    return { state, show: play.show, player: play, loadAll: loadDigits };
  }

  // -- Start -------------------------------------------------------------------------------------

  const KINDS = { playground, digits };

  /** Build a widget when it is needed, not while the page loads: decoding its frames and drawing
   * its charts is one task of about 200-350 ms on a phone (CPU 4x, issue 20), the longest of the
   * page's load when run at DOMContentLoaded. It is needed (whichever comes first):
   * - when it comes within a screen of the viewport (IntersectionObserver);
   * - at the first Tab key pressed on the page: a keyboard user then finds its controls in the
   *   Tab order, without scrolling to it first;
   * - when its place gets the focus: until built, the container is a Tab stop itself (named, and
   *   busy), which hands the focus to the widget's first control (its last, coming back with
   *   Shift+Tab) once built. */
  function whenNeeded(container, build) {
    let started = null, focusTo = "first";
    const go = () => {
      if (started) return started;
      document.removeEventListener("keydown", onTab, true);
      if (near) near.disconnect();
      started = build().finally(() => {
        // the focus moves on before the container stops being a Tab stop, or it would fall to <body>
        const focused = document.activeElement === container;
        for (const name of ["tabindex", "role", "aria-label", "aria-busy"]) container.removeAttribute(name);
        if (!focused) return;
        const controls = [...container.querySelectorAll("input, button, select")].filter((c) => !c.disabled);
        const to = focusTo === "last" ? controls[controls.length - 1]
          : controls.find((c) => c.type !== "radio" || c.checked);
        if (to) to.focus();
      });
      return started;
    };
    const onTab = (event) => { if (event.key === "Tab") go(); };
    document.addEventListener("keydown", onTab, true);
    const near = "IntersectionObserver" in window ? new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting)) go();
    }, { rootMargin: "100% 0px" }) : null;
    container.tabIndex = 0;
    container.setAttribute("role", "group");
    container.setAttribute("aria-label", "Interactive figure, starting");
    container.setAttribute("aria-busy", "true");
    container.addEventListener("focus", (event) => {
      if (!container.hasAttribute("aria-busy")) return;  // built: a focus given by a script stays
      const back = event.relatedTarget
        && container.compareDocumentPosition(event.relatedTarget) & Node.DOCUMENT_POSITION_FOLLOWING;
      focusTo = back ? "last" : "first";
      go();
    });
    if (near) near.observe(container); else go();
  }

  async function startOne(script, container) {
    try {
      const data = await decode(script);
      const widget = KINDS[data.kind](container, data);
      window.xavierWidgets.push({ kind: data.kind, meta: data.meta, arrays: data.arrays, container, ...widget });
      container.dataset.ready = "true";
    } catch (err) {
      container.append(el("p", { class: "xw-error", text: `The widget could not start: ${err.message}` }));
      throw err;
    }
  }

  function start() {
    for (const script of document.querySelectorAll('script.xw-data[type="application/json"]')) {
      const container = script.previousElementSibling;
      if (!container || !container.classList.contains("xw-widget")) continue;
      // the sentence for readers without JavaScript goes; the widget takes its place when needed
      for (const note of container.querySelectorAll(".xw-nojs")) note.remove();
      whenNeeded(container, () => startOne(script, container));
    }
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();

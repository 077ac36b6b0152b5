"""The two widgets in headless Chromium, driven by the keyboard only.

For each widget page, in light and dark mode, at 1280 and 375 px wide: every choice is selected
with the arrow keys of its radio group (or select), the slider is moved with Home, the arrow keys
and End to the first, a middle and the last frame, and the numbers the page draws (the aria-live
readout, the value at the slider in the cost chart, "misclassified k/100") are compared with the
frame data decoded *in Python* from the built HTML (docs/framedata.py), not with the page's own
JavaScript. Play must run and stop at the last frame. No console error, no request to another host.
The same page opened from the file system (file://) must start its widget too. The playground's
page holds only its default choice's frames; the others are in a file beside the page, which must
not be loaded with the page, and must load (also from file://) when another choice is picked.
"""

from __future__ import annotations

import os
import re
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pytest

import checks
import framedata

ROOT = Path(__file__).resolve().parents[2]
SITE = Path(os.environ.get("XAVIER_SITE", ROOT / "_build" / "html")).resolve()
PAGES = {"why.html": "playground", "xavier_init.html": "digits"}
WIDTHS = (1280, 375)


def frames(page: str) -> dict:
    """The page's frames decoded in Python; with ``"side"``, those of the file it loads on demand."""
    html = (SITE / page).read_text(encoding="utf-8")
    data = framedata.read_widget_html(html)
    for extra in framedata.side_file_names(html):
        data["side"] = framedata.read_side_file((SITE / extra).read_text(encoding="utf-8"))
        data["extra"] = extra
    return data


def js(v) -> str:
    """A number as JavaScript's String(v) writes it (positional from 1e-6 to 1e21: 2180, 0.00001234)."""
    if v is None:
        return "not finite"
    if v == 0 or 1e-6 <= abs(v) < 1e21:
        return np.format_float_positional(v, trim="-")
    return repr(v).replace("e-0", "e-").replace("e+0", "e+")


def play_timeout(frames: int, play_ms: int) -> int:
    """How long to wait for ``frames`` frames to play: twice their time, plus :data:`checks.WAIT_MS`
    (each frame is drawn in a task of its own, later than its timer on a busy machine)."""
    return frames * play_ms * 2 + checks.WAIT_MS


def wait_full(page) -> None:
    """Until the widget has every choice's frames (the file beside the page has been loaded)."""
    page.wait_for_function("() => document.querySelector('.xw-widget').dataset.full === 'true'", timeout=checks.WAIT_MS)


@pytest.fixture(scope="module")
def browser():
    if not (SITE / "why.html").is_file():
        pytest.fail(f"{SITE} holds no site: build it first (make html)", pytrace=False)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright, checks.serve(SITE) as base_url:
        b = checks.launch(playwright)
        try:
            yield b, base_url
        finally:
            b.close()


def open_widget(b, url: str, mode: str, width: int):
    context = checks.new_context(b, mode)
    page = context.new_page()
    page.set_viewport_size({"width": width, "height": 900})
    audit = checks.Audit(url=url, mode=mode)
    checks._record(page, audit)
    page.goto(url, wait_until="load")
    near_widget(page)
    return context, page, audit


def near_widget(page) -> None:
    """Scroll to the widget, which is built only once it comes near the viewport, and wait for it."""
    page.locator(".xw-widget").first.scroll_into_view_if_needed()
    page.wait_for_selector(".xw-widget[data-ready='true']", timeout=checks.WAIT_MS)


def keyboard_to(page, selector: str) -> None:
    """Move the keyboard focus into the widget, then Tab until ``selector`` has it."""
    page.evaluate("""() => { const w = document.querySelector('.xw-widget');
                               w.setAttribute('tabindex', '-1'); w.focus(); }""")
    for _ in range(30):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement && document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"Tab never reached {selector}")


def drawn(page) -> dict:
    return page.evaluate("""() => {
      const r = document.querySelector('.xw-readout');
      const v = [...document.querySelectorAll('.xw-value')].map(t => t.textContent);
      const m = document.querySelector('.xw-misclassified');
      return {text: r.textContent, frame: Number(r.dataset.frame), values: v,
              slider: Number(document.querySelector('.xw-slider').value),
              missed: m ? m.textContent : null};
    }""")


def checked(page, group: str) -> str:
    return page.evaluate(f"() => document.querySelector('.xw-{group} input:checked').value")


def slide(page, F: int) -> list[dict]:
    """Home, ArrowRight to the middle, End; what is drawn after each (see :func:`drawn`)."""
    keyboard_to(page, ".xw-slider")
    seen = []
    page.keyboard.press("Home")
    seen.append(drawn(page))
    for _ in range(F // 2):
        page.keyboard.press("ArrowRight")
    seen.append(drawn(page))
    page.keyboard.press("End")
    seen.append(drawn(page))
    return seen


def check_playground(page, data) -> int:
    meta = data["meta"]
    F = len(meta["epochs"])
    checks_done = 0
    for group, values in (("dataset", meta["datasets"]), ("scale", [s["key"] for s in meta["scales"]]),
                          ("seed", meta["seed_kinds"]), ("links", ["weights", "gradients"])):
        keyboard_to(page, f".xw-{group} input:checked")
        chosen = set()
        for n in range(len(values)):
            if n:
                page.keyboard.press("ArrowRight")  # the next radio of the group, selected
                wait_full(page)
            chosen.add(checked(page, group))
            dataset, scale, kind = checked(page, "dataset"), checked(page, "scale"), checked(page, "seed")
            run = meta["runs"][dataset][scale]
            # the decision map drawn at the last frame is the one in the file beside the page
            for expect, d in zip((0, F // 2, F - 1), slide(page, F)):
                f = d["frame"]
                assert f == expect == d["slider"]
                e, cost = meta["epochs"][f], js(run["cost"][kind][f])
                assert d["text"].startswith(f"Epoch {e} of {meta['epochs'][-1]} ")
                # the shown seed is chosen by its final cost, which the readout says (not "median"
                # beside the current cost); the median is of the current costs
                # s29: "seed 24 of 24, the median" read as a rank; the seed's number and its rank
                # by final cost (the median: the lower middle one, why.representative_seed)
                n = run["n"]
                rank = {"median": (n - 1) // 2 + 1, "best": 1, "worst": n}[kind]
                suffix = "th" if rank % 100 in (11, 12, 13) else {1: "st", 2: "nd", 3: "rd"}.get(rank % 10, "th")
                assert (f"cost {cost} (seed #{run['seed'][kind] + 1}, {rank}{suffix} of {n} "
                        f"by final cost) · ") in d["text"]
                assert f"median cost of the {run['n']} seeds at this epoch {js(run['median'][f])}" in d["text"]
                assert d["values"] == [f"cost {cost}"]
                checks_done += 1
            assert drawn_map(page) == expected_map(data, dataset, scale, kind, F - 1)
            keyboard_to(page, f".xw-{group} input:checked")
        assert chosen == set(values), f"the {group} choices reached by keyboard: {chosen}"
    return checks_done


def drawn_map(page) -> list[int]:
    """The red channel of the decision map's canvas, row by row from the top."""
    return page.evaluate("""() => { const c = document.querySelector('.xw-map canvas');
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        return Array.from({length: d.length / 4}, (_, i) => d[4 * i]); }""")


def expected_map(data, dataset, scale, kind, f) -> list[int]:
    """The same, from the frames decoded in Python and the page's colour stops (purple, white,
    orange: the static maps' colours, checked against them in tests/experiments), linear between."""
    meta, arrays = data["meta"], data["side"]["arrays"]
    idx = (meta["datasets"].index(dataset), [s["key"] for s in meta["scales"]].index(scale),
           meta["seed_kinds"].index(kind), f)
    q = framedata.undo_row_delta(arrays["maps"][idx])[::-1]  # rows go up in x2; the canvas's go down
    p = q.astype(float) / 255
    stops = np.array([int(h[1:3], 16) for h in meta["map_colors"]], dtype=float)  # their red channels
    t = p * (len(stops) - 1)
    i = np.minimum(np.floor(t).astype(int), len(stops) - 2)
    red = stops[i] + (stops[i + 1] - stops[i]) * (t - i)
    return [int(v) for v in np.rint(red).ravel()]


def check_digits(page, data) -> int:
    meta, arrays = data["meta"], data["arrays"]
    F = len(meta["steps"])
    checks_done = 0

    def verify(init, seed):
        k = meta["inits"].index(init)
        sl = meta["slices"][k][seed]   # the stack's slice of this initialization and seed
        run = meta["runs"][init]
        nonlocal checks_done
        for expect, d in zip((0, F // 2, F - 1), slide(page, F)):
            f = d["frame"]
            assert f == expect == d["slider"]
            # the step's own batch: its labels and the slice's predictions, decoded in Python
            missed = int(np.sum(arrays["pred"][sl, f] != arrays["labels"][f]))
            assert d["missed"] == f"misclassified {missed}/{meta['batch']}"
            # steps count updates: the last frame is the batch of the last update, before it
            assert meta["last_step"] == meta["steps"][-1] + 1
            # the last frame reads "After T - 1 of T updates", not "Step T - 1 of T": a reader took the
            # latter for a widget that stops one step short
            assert d["text"].startswith(f"After {meta['steps'][f]} of {meta['last_step']} updates ")
            # the error in %, one decimal, as the page's table of held-out errors (finding 5 of
            # session 27: the widget said 0.12 beside a page in %)
            error = f"{100 * run['error'][seed][f]:.1f} %"
            assert f"held-out cost {run['cost'][seed][f]} · held-out error {error}" in d["text"]
            # the histograms' lesson in words: each layer's spread over the step's batch
            std = ", ".join(js(v) for v in meta["std"][sl][f])
            saturated = ", ".join(f"{js(float(f'{100 * v:.2g}'))} %" for v in meta["saturated"][sl][f])
            assert (f"spread of A[1] to A[{meta['layers']}] over this batch: standard deviation {std}; "
                    f"saturated (|a| > {js(meta['saturation'])}) {saturated}") in d["text"]
            assert d["values"] == [f"cost {run['cost'][seed][f]}", f"error {error}"]
            checks_done += 1

    # the error chart's axis in % too: its ticks 0 to 100, its label says so
    ticks = page.evaluate("""() => { const svg = [...document.querySelectorAll('svg.xw-curve')]
        .find(s => s.querySelector(':scope > title').textContent.startsWith('Held-out error'));
      return [[...svg.querySelectorAll('.xw-yaxis .tick text')].map(t => t.textContent),
              [...svg.querySelectorAll(':scope > text')].map(t => t.textContent)]; }""")
    assert [float(t) for t in ticks[0]] == [float(v) for v in np.linspace(0, 100, len(ticks[0]))], ticks
    assert "error (%)" in ticks[1], ticks
    keyboard_to(page, ".xw-init input:checked")
    chosen = set()
    for n in range(len(meta["inits"])):
        if n:
            page.keyboard.press("ArrowRight")
        chosen.add(checked(page, "init"))
        verify(checked(page, "init"), 0)
        keyboard_to(page, ".xw-init input:checked")
    assert chosen == set(meta["inits"]), f"the initializations reached by keyboard: {chosen}"
    keyboard_to(page, ".xw-seed")
    for s in range(meta["seeds"]):
        if s:
            keyboard_to(page, ".xw-seed")
            page.keyboard.press("ArrowDown")
        assert page.evaluate("() => document.querySelector('.xw-seed').value") == str(s)
        verify(checked(page, "init"), s)
    return checks_done


def check_play(page, F: int, play_ms: int = 400) -> None:
    keyboard_to(page, ".xw-slider")
    page.keyboard.press("Home")
    keyboard_to(page, ".xw-play")
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.querySelector('.xw-player').dataset.playing") == "true"
    page.wait_for_function("() => document.querySelector('.xw-player').dataset.playing === 'false'",
                           timeout=play_timeout(F, max(play_ms, 150)))
    assert drawn(page)["frame"] == F - 1


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("mode", ["light", "dark"])
@pytest.mark.parametrize("name", list(PAGES))
def test_widget_by_keyboard(browser, name, mode, width):
    b, base_url = browser
    data = frames(name)
    assert data["kind"] == PAGES[name]
    context, page, audit = open_widget(b, base_url + name, mode, width)
    try:
        if data["kind"] == "playground":
            done = check_playground(page, data)
            F = len(data["meta"]["epochs"])
        else:
            done = check_digits(page, data)
            F = len(data["meta"]["steps"])
        assert done >= 9
        check_play(page, F, data["meta"].get("play_ms", 150))
        # nothing in the widget is wider than the page (375 px phones)
        overflow = page.evaluate("""() => { const w = document.querySelector('.xw-widget');
            return [...w.querySelectorAll('*')].filter(e => e.getBoundingClientRect().right > w.getBoundingClientRect().right + 1)
                   .map(e => e.tagName + '.' + e.className.baseVal ?? e.className).slice(0, 5); }""")
        assert overflow == [], f"wider than the widget: {overflow}"
        checks.settle(page)  # a late console error, from a frame or an idle task, is in the audit
    finally:
        context.close()
    assert audit.problems["console"] == []
    assert audit.problems["requests"] == []
    assert audit.problems["resources"] == []


@pytest.mark.parametrize("name", list(PAGES))
def test_widget_works_from_the_file_system(browser, name):
    b, _ = browser
    context = checks.new_context(b, "light")
    page = context.new_page()
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        page.goto((SITE / name).as_uri(), wait_until="load")
        near_widget(page)
        keyboard_to(page, ".xw-slider")
        page.keyboard.press("End")
        assert drawn(page)["frame"] == drawn(page)["slider"] > 0
        if PAGES[name] == "playground":  # another choice: its frames come from the file beside the page
            keyboard_to(page, ".xw-scale input:checked")
            page.keyboard.press("ArrowRight")
            wait_full(page)
            meta = frames(name)["meta"]
            run = meta["runs"][checked(page, "dataset")][checked(page, "scale")]
            d = drawn(page)
            assert d["values"] == [f"cost {js(run['cost']['median'][d['frame']])}"]
            assert drawn_map(page) == expected_map(frames(name), checked(page, "dataset"),
                                                   checked(page, "scale"), "median", d["frame"])
    finally:
        context.close()
    assert errors == []


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", list(PAGES))
def test_tab_from_the_top_reaches_the_widget(browser, name, width):
    """The widget is built when needed, not with the page (issue 20), yet a keyboard user who
    Tabs from the top of the page, without scrolling first, lands on its first control (the
    checked radio of its first group, or its first button), in document order."""
    b, base_url = browser
    context = checks.new_context(b, "light")
    page = context.new_page()
    page.set_viewport_size({"width": width, "height": 900})
    try:
        page.goto(base_url + name, wait_until="load")
        # the widget must NOT be built: the IntersectionObserver that would build it reports at the
        # first frames; let them and an idle moment pass (a fixed sleep, on a busy machine, could
        # end before them)
        checks.settle(page)
        assert page.evaluate("() => document.querySelector('.xw-widget').dataset.ready") is None, \
            "the widget was built with the page, far from the screen"
        stops = page.evaluate("""() => [...document.querySelectorAll('a[href], button, input, select,'
            + ' textarea, summary, [tabindex]')].filter(e => e.tabIndex >= 0).length""")
        where = None
        for _ in range(stops + 40):
            page.keyboard.press("Tab")
            where = page.evaluate("""() => { const e = document.activeElement, w = e.closest('.xw-widget');
                return w && w !== e ? e.outerHTML.slice(0, 120) : null; }""")
            if where:
                break
            if page.evaluate("() => document.activeElement.classList.contains('xw-widget')"):
                page.wait_for_function("() => !document.activeElement.classList.contains('xw-widget')",
                                       timeout=checks.WAIT_MS)
                where = page.evaluate("() => document.activeElement.outerHTML.slice(0, 120)")
                break
        assert where, "Tab went through the page without reaching the widget"
        first = page.evaluate("""() => { const w = document.querySelector('.xw-widget');
            const c = [...w.querySelectorAll('input, button, select')].find(c => !c.disabled && (c.type !== 'radio' || c.checked));
            return c === document.activeElement; }""")
        assert first, f"Tab reached the widget at {where}, not its first control"
    finally:
        context.close()


@pytest.mark.parametrize("name", list(PAGES))
def test_tab_into_a_widget_not_built_yet(browser, name):
    """A keyboard user faster than the widget's start: the focus is on the last Tab stop before the
    widget, the page not scrolled there (the widget not built), and one Tab lands on the widget's
    first control, not on the first Tab stop after it."""
    b, base_url = browser
    context = checks.new_context(b, "light")
    page = context.new_page()
    page.set_viewport_size({"width": 1280, "height": 900})
    try:
        page.goto(base_url + name, wait_until="load")
        before = page.evaluate("""() => { const w = document.querySelector('.xw-widget');
            const stops = [...document.querySelectorAll('a[href], button, input, select, textarea, summary, [tabindex]')]
              .filter(e => e.tabIndex >= 0 && e.checkVisibility({visibilityProperty: true}) && !w.contains(e) && e !== w
                           && (e.compareDocumentPosition(w) & Node.DOCUMENT_POSITION_FOLLOWING));
            const last = stops[stops.length - 1];
            last.focus({preventScroll: true});
            return [document.activeElement === last, w.dataset.ready || null, last.outerHTML.slice(0, 80)]; }""")
        assert before[0], f"could not focus {before[2]}"
        assert before[1] is None, "the widget was built with the page"
        page.keyboard.press("Tab")
        page.wait_for_function("() => !document.activeElement.classList.contains('xw-widget')", timeout=checks.WAIT_MS)
        first = page.evaluate("""() => { const w = document.querySelector('.xw-widget');
            const c = [...w.querySelectorAll('input, button, select')].find(c => !c.disabled && (c.type !== 'radio' || c.checked));
            return [c === document.activeElement, document.activeElement.outerHTML.slice(0, 80)]; }""")
        assert first[0], f"Tab from {before[2]} went to {first[1]}, not the widget's first control"
    finally:
        context.close()


def test_no_widget_without_its_data(browser):
    """The fallback sentence is there for readers without JavaScript, and hidden once it runs."""
    html = (SITE / "why.html").read_text(encoding="utf-8")
    assert 'class="xw-nojs"' in html
    b, base_url = browser
    context, page, audit = open_widget(b, base_url + "why.html", "light", 1280)
    try:
        assert page.locator(".xw-nojs").count() == 0
    finally:
        context.close()


@contextmanager
def loaded_on_view(browser, name: str, data: dict):
    """Open ``name`` at 1280 px; check that the widget is not built and the file beside it
    (``data["extra"]``) not requested with the page, then that the widget is built and the file
    requested once when the widget scrolls into view; yield the page."""
    b, base_url = browser
    context = checks.new_context(b, "light")
    page = context.new_page()
    page.set_viewport_size({"width": 1280, "height": 900})
    requested = []
    page.on("request", lambda r: requested.append(r.url))
    try:
        page.goto(base_url + name, wait_until="load")
        checks.settle(page)  # NOT built, nothing requested, once the observer has had its frames
        assert not [u for u in requested if u.endswith(data["extra"])]
        assert page.evaluate("() => document.querySelector('.xw-widget').dataset.ready") is None
        page.evaluate("() => document.querySelector('.xw-widget').scrollIntoView()")
        page.wait_for_selector(".xw-widget[data-ready='true']", timeout=checks.WAIT_MS)
        wait_full(page)
        assert len([u for u in requested if u.endswith(data["extra"])]) == 1
        yield page
    finally:
        context.close()


def test_playground_loads_the_other_choices_on_demand(browser):
    """The file with every choice's frames is not part of the page's initial load: it is requested
    once the widget comes into view, and its frames then draw another choice."""
    with loaded_on_view(browser, "why.html", frames("why.html")) as page:
        legend = page.locator(".xw-widget .xw-legend").first
        assert "trained" not in legend.text_content()  # an article scale: no note on its seeds
        # an added scale says in words why it has fewer seeds than the article's (a reader asked)
        page.locator(".xw-widget .xw-scale label[for$='-c0.1']").click()
        meta = frames("why.html")["meta"]
        seeds = {s["key"]: s["seeds"] for s in meta["scales"]}
        checks.wait_until(page, "(s) => document.querySelector('.xw-widget .xw-legend').textContent.includes(s)",
                          f"of the {seeds['c0.1']} seeds")
        text = legend.text_content()
        assert f"of the {seeds['c0.1']} seeds" in text and f"trained {seeds['appropriate']} times" in text, text
        assert "builds quickly" in text, text


def _luminance(rgb) -> float:
    """WCAG relative luminance of sRGB 0..255."""
    c = np.asarray(rgb, dtype=float) / 255
    lin = np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    return float(lin @ [0.2126, 0.7152, 0.0722])


def _rgba(text: str) -> tuple[list[float], float]:
    nums = [float(v) for v in re.findall(r"[\d.]+", text)]
    return nums[:3], (nums[3] if len(nums) > 3 else 1.0)


@pytest.mark.parametrize("mode", ["light", "dark"])
def test_playground_colours_band_and_axis(browser, mode):
    """Section 1's widget at 375 px: the points take the static figures' class colours (from the
    page's meta) in both modes; in dark mode the 10-90 % band stands 3:1 against the ground; with the
    largest c the rotated y label covers no tick label; printed, a line replaces the widget."""
    b, base_url = browser
    data = frames("why.html")
    meta = data["meta"]
    context, page, _ = open_widget(b, base_url + "why.html", mode, 375)
    try:
        page.evaluate("() => document.querySelector('.xw-widget').scrollIntoView()")
        wait_full(page)
        fills = page.evaluate("""() => ['.xw-pt0', '.xw-pt1'].map(s =>
            getComputedStyle(document.querySelector('.xw-map ' + s)).fill)""")
        for fill, cls in zip(fills, meta["classes"]):
            h = cls["hex"]
            assert _rgba(fill)[0] == [int(h[i:i + 2], 16) for i in (1, 3, 5)], (mode, fill, cls)
        caption = page.evaluate("() => document.querySelector('.xw-map').nextElementSibling.textContent")
        assert f"0 ({meta['classes'][0]['name']}, class 0" in caption and "blue" not in caption
        band, ground = page.evaluate("""() => [getComputedStyle(document.querySelector('.xw-band')).fill,
            getComputedStyle(document.querySelector('.xw-widget')).backgroundColor]""")
        (rgb, alpha), (bg, _) = _rgba(band), _rgba(ground)
        seen = alpha * np.asarray(rgb) + (1 - alpha) * np.asarray(bg)
        hi, lo = sorted([_luminance(seen), _luminance(bg)], reverse=True)
        if mode == "dark":
            assert (hi + 0.05) / (lo + 0.05) >= 3, (band, ground)
        largest = max(meta["scales"], key=lambda s: s["c"])["key"]
        page.click(f".xw-scale input[value='{largest}']")
        page.wait_for_function(f"() => document.querySelector('.xw-readout').dataset.choice.includes(' {largest} ')")
        clash = page.evaluate("""() => { const svg = document.querySelector('.xw-widget svg.xw-curve');
            const label = [...svg.querySelectorAll(':scope > text')].find(t => (t.getAttribute('transform') || '').includes('rotate'));
            const box = label.getBoundingClientRect();
            const ticks = [...svg.querySelectorAll('.xw-yaxis .tick text')];
            return {n: ticks.length, texts: ticks.map(t => t.textContent),
                    hits: ticks.filter(t => { const r = t.getBoundingClientRect();
                      return r.left < box.right && r.right > box.left && r.top < box.bottom && r.bottom > box.top; })
                      .map(t => t.textContent)}; }""")
        assert clash["n"] >= 2 and clash["hits"] == [], clash
        page.emulate_media(media="print")
        shown = page.evaluate("""() => [getComputedStyle(document.querySelector('.xw-widget')).display,
            getComputedStyle(document.querySelector('.xw-print')).display]""")
        assert shown == ["none", "block"]
    finally:
        context.close()
    assert framedata.PRINT_NOTE in (SITE / "why.html").read_text(encoding="utf-8")


def test_digits_load_their_images_on_demand(browser):
    """Section 3's digit images are not part of the page's initial load: the file beside the page is
    requested once the widget comes into view, and the grid then draws the step's digits, pixel for
    pixel as the file holds them (decoded here with numpy's own bit unpacking)."""
    data = frames("xavier_init.html")
    bits = data["meta"]["pixel_bits"]
    with loaded_on_view(browser, "xavier_init.html", data) as page:
        f = page.evaluate("() => Number(document.querySelector('.xw-slider').value)")
        # the first digit of the grid: its cell's left 16 columns (the predicted digit's patch is
        # drawn over the right-hand ones), inside the 2 px frame
        grey = np.array(page.evaluate("""() => {
            const d = document.querySelector('canvas.xw-digits').getContext('2d').getImageData(2, 2, 16, 28).data;
            const out = []; for (let i = 0; i < d.length; i += 4) out.push(d[i]); return out; }""")).reshape(28, 16)
        packed = data["side"]["arrays"]["digits"][f, 0]
        levels = np.unpackbits(packed).reshape(-1, bits) @ (2 ** np.arange(bits - 1, -1, -1))
        expect = np.rint(255 * (1 - levels / (2**bits - 1))).reshape(28, 28)[:, :16]
        assert np.abs(grey - expect).max() <= 1
        assert (expect < 128).any()  # the digit has ink there, so a blank grid would fail


# -- issue 21: the widgets on a phone, and what they say -------------------------------------------

# Each widget's main charts, found by their titles (what a reader watches after pressing Play):
# section 1's cost; section 3's activation histograms (its lesson) and held-out cost.
MAIN_CHARTS = {"why.html": ("Cost against epoch",),
               "xavier_init.html": ("Histogram", "Held-out cost against step")}

_LAYOUT = """(titles) => {
  const w = document.querySelector('.xw-widget');
  const box = (e) => { const r = e.getBoundingClientRect(); return {top: r.top, bottom: r.bottom, left: r.left, right: r.right}; };
  const svgs = [...w.querySelectorAll('svg')].filter(s => s.querySelector(':scope > title'));
  const charts = titles.map(t => svgs.filter(s => s.querySelector(':scope > title').textContent.startsWith(t)).map(box));
  // the bottom of whatever stays fixed at the top of the screen (the theme's sticky header)
  let top = 0;
  for (const e of document.querySelectorAll('body *')) {
    const st = getComputedStyle(e);
    if ((st.position === 'sticky' || st.position === 'fixed') && e.checkVisibility()) {
      const r = e.getBoundingClientRect();
      if (r.top <= 1 && r.height > 0 && r.height < innerHeight / 3) top = Math.max(top, r.bottom);
    }
  }
  return {controls: box(w.querySelector('.xw-controls')), charts, header: top, height: innerHeight,
          player: [...w.querySelector('.xw-player').children].map(box)};
}"""


@pytest.mark.parametrize("name", list(PAGES))
def test_widget_fits_a_phone_screen(browser, name):
    """Issue 21, fault 7: on a 390 x 844 phone, the widget's controls, Play and its main charts fit
    one screen below the sticky header, and the player's four controls share one line (today's
    main: section 1's controls-to-cost span is 1,500 px, "+1" on a line of its own)."""
    b, base_url = browser
    context, page, audit = open_widget(b, base_url + name, "light", 390)
    try:
        page.set_viewport_size({"width": 390, "height": 844})
        page.evaluate("() => document.querySelector('.xw-widget').scrollIntoView()")
        # the charts are drawn again for the new width (a ResizeObserver): measured once the
        # layout is the same at two frames in a row
        layout = checks.wait_stable(page, _LAYOUT, list(MAIN_CHARTS[name]))
        # put the controls' top right under the header, as a reader scrolling to them would
        page.evaluate("(dy) => window.scrollBy(0, dy)", layout["controls"]["top"] - layout["header"] - 4)
        layout = checks.wait_stable(page, _LAYOUT, list(MAIN_CHARTS[name]))
    finally:
        context.close()
    assert layout["controls"]["top"] >= layout["header"]
    for title, found in zip(MAIN_CHARTS[name], layout["charts"]):
        assert found, f"no chart titled {title!r}"
        for chart in found:
            assert chart["bottom"] <= layout["height"], (
                f"{name}: {title!r} ends {chart['bottom'] - layout['controls']['top']:.0f} px below the "
                f"controls' top, which sit at {layout['controls']['top']:.0f} px of a {layout['height']} px screen")
    tops = [round(b_["top"]) for b_ in layout["player"]]
    assert max(tops) - min(tops) <= 2, f"the player wraps: its controls' tops {tops}"


# The size on screen, in CSS px, of every text drawn in the widget's charts (the font size times the
# chart's scale: its width on screen over its viewBox width).
_CHART_TEXT_PX = """() => [...document.querySelectorAll('.xw-widget svg text')]
  .filter(t => t.getBoundingClientRect().height > 0 && t.textContent.trim()).map(t => {
    const svg = t.ownerSVGElement, vb = svg.viewBox.baseVal;
    const k = vb && vb.width ? svg.getBoundingClientRect().width / vb.width : 1;
    return parseFloat(getComputedStyle(t).fontSize) * k; })"""


@pytest.mark.parametrize("name", list(PAGES))
def test_chart_text_matches_the_figures(browser, name):
    """Issue 21, fault 7: the charts' text is about the static figures' 16 px on a laptop and at
    least 12 px on a phone (today's main: 10.6-11.4 px at every width)."""
    b, base_url = browser
    sizes = {}
    for width in (1280, 390):
        context, page, _ = open_widget(b, base_url + name, "light", width)
        try:
            page.evaluate("() => document.querySelector('.xw-widget').scrollIntoView()")
            sizes[width] = checks.wait_stable(page, _CHART_TEXT_PX)  # drawn at their final width
        finally:
            context.close()
    assert len(sizes[1280]) >= 10 and len(sizes[390]) >= 10
    assert 15 <= min(sizes[1280]) and max(sizes[1280]) <= 17, (min(sizes[1280]), max(sizes[1280]))
    assert min(sizes[390]) >= 12, min(sizes[390])


def _choose(page, group: str, value: str) -> None:
    page.click(f".xw-{group} input[value='{value}']")
    page.wait_for_function("(v) => document.querySelector('.xw-readout').dataset.choice.includes(v)",
                           arg=f" {value} ")


def _net_drawn(page) -> dict:
    return page.evaluate("""() => {
      const rgb = (e, p) => getComputedStyle(e)[p];
      const links = [...document.querySelectorAll('.xw-net line.xw-link')];
      const nodes = [...document.querySelectorAll('.xw-net circle.xw-node')];
      const note = document.querySelector('.xw-netnote');
      return {links: links.map(e => rgb(e, 'stroke')), nodes: nodes.map(e => rgb(e, 'fill')),
              note: note ? note.textContent : document.querySelector('.xw-netnote, text.xw-netnote').textContent,
              frame: Number(document.querySelector('.xw-readout').dataset.frame)}; }""")


def _frame_values(data, dataset, scale, kind, f, part="weights"):
    """The shown seed's W (flattened layer after layer) and b at frame f, decoded in Python from the
    page's frames: signed bytes over 127 times the frame's scale of each part."""
    meta, arrays = data["meta"], data["side"]["arrays"]
    sizes = meta["sizes"]
    nw = sum(a * b for a, b in zip(sizes[1:], sizes[:-1]))
    idx = (meta["datasets"].index(dataset), [s["key"] for s in meta["scales"]].index(scale),
           meta["seed_kinds"].index(kind), f)
    q = arrays[part][idx].astype(float) / 127
    run = meta["runs"][dataset][scale]
    wkey, bkey = ("wmax", "bmax") if part == "weights" else ("gmax", "gbmax")
    return q[:nw] * (run[wkey][kind][f] or 0), q[nw:] * (run[bkey][kind][f] or 0)


@pytest.mark.parametrize("mode", ["light", "dark"])
def test_largest_weight_and_link_colours(browser, mode):
    """Issue 21, fault 8: "largest |W|" is the largest |weight| of the shown seed at the shown epoch
    (today's main: 4.066 at every epoch of c = 0.01, biases and the whole run included), and links
    and nodes take Fig. 1.7's colours: the colour map of the static diagrams (read from a drawing by
    diagram.draw_network, as Fig. 1.7 is drawn) on the seed's symmetric scale, in both modes."""
    from matplotlib.colors import Normalize, to_hex

    from diagram import draw_network
    from plotting import subplots

    data = frames("why.html")
    meta = data["meta"]
    fig, ax = subplots()
    cmap = draw_network(ax, meta["sizes"], weights=[None] + [np.ones((n, m)) for n, m in
                                                              zip(meta["sizes"][1:], meta["sizes"][:-1])]).mappable.cmap
    b, base_url = browser
    context, page, audit = open_widget(b, base_url + "why.html", mode, 1280)
    seen, ends = {}, {}
    try:
        page.evaluate("() => document.querySelector('.xw-widget').scrollIntoView()")
        wait_full(page)
        dataset = checked(page, "dataset")
        for scale in ("small", "appropriate"):
            _choose(page, "scale", scale)
            keyboard_to(page, ".xw-slider")
            F = len(meta["epochs"])
            for key, f in (("Home", 0), ("End", F - 1)):
                page.keyboard.press(key)
                d = _net_drawn(page)
                assert d["frame"] == f
                W, bias = _frame_values(data, dataset, scale, "median", f)
                run = meta["runs"][dataset][scale]
                largest = run["wmax"]["median"][f]
                # weights only: the largest decoded |W|, not the biases' (the scale is exact: the
                # largest weight is stored as +-127)
                assert np.abs(W).max() == pytest.approx(largest, rel=1e-12)
                assert f"Largest |W| (weights only, this seed, epoch {meta['epochs'][f]}): {js(largest)}" in d["note"]
                seen[(scale, f)] = largest
                ends.setdefault(scale, []).append(np.abs(W))
                v = run["wmax_colour"]["median"]
                want = [to_hex(cmap(Normalize(-v, v)(w))) for w in W]
                got = [to_hex(tuple(x / 255 for x in _rgba(c)[0])) for c in d["links"]]
                assert got == want, (scale, f)
                want_nodes = [to_hex(cmap(Normalize(-v, v)(x))) for x in bias]
                got_nodes = [to_hex(tuple(x / 255 for x in _rgba(c)[0])) for c in d["nodes"][meta["sizes"][0]:]]
                assert got_nodes == want_nodes, (scale, f)
            # the legend's account of the bar: it ends at the stated percentile of the sizes of this
            # seed's weights at the first and the last epoch (decoded weights: to within their step)
            legend = " ".join(page.locator(".xw-widget .xw-legend").all_text_contents())
            pct = re.search(r"ends at the (\d+)th percentile of the sizes of its weights at the first and the last epoch",
                            legend)
            assert pct, legend
            step = max(a.max() for a in ends[scale]) / 127
            assert run["wmax_colour"]["median"] == pytest.approx(
                np.percentile(np.concatenate(ends[scale]), int(pct.group(1))), abs=step), scale
    finally:
        context.close()
        import matplotlib.pyplot as plt
        plt.close(fig)
    # one number per frame, not per run: training moves the largest weight
    assert seen[("small", 0)] != seen[("small", len(meta["epochs"]) - 1)]
    assert audit.problems["console"] == []


def test_home_page_links_the_widgets(browser):
    """Issue 21, fault 8: the home page links both widgets (by their labels' anchors, which land on
    the sections holding them) and shows readers no maintainer commands (`make ...`)."""
    b, base_url = browser
    context = checks.new_context(b, "light")
    page = context.new_page()
    try:
        page.goto(base_url + "index.html", wait_until="load")
        hrefs = page.evaluate("() => [...document.querySelectorAll('main a[href]')].map(a => a.getAttribute('href'))")
        text = page.evaluate("() => document.querySelector('main').innerText")
        for target in ("why.html#why-widget", "xavier_init.html#xavier-init-widget"):
            assert target in hrefs, f"no link to {target} in {hrefs}"
            page.goto(base_url + target, wait_until="load")
            section = page.evaluate("""(id) => { const s = document.getElementById(id);
                return s && s.tagName === 'SECTION' && !!s.querySelector('.xw-widget'); }""", target.split("#")[1])
            assert section, f"{target} does not land on the section holding the widget"
    finally:
        context.close()
    assert not re.search(r"(^|\$ )make \w", text, re.M), "the home page shows make commands"


@pytest.mark.parametrize("name", list(PAGES))
def test_every_control_is_a_large_enough_target_on_a_phone(browser, name):
    """WCAG 2.2's Target Size (Minimum), 2.5.8 (AA): every control of the widget (buttons, the
    slider, selects, and the labels a tap selects a radio through) is at least 24 x 24 CSS px on a
    390 px phone (a fresh reader measured the seed select at 23 px)."""
    b, base_url = browser
    context, page, _ = open_widget(b, base_url + name, "light", 390)
    try:
        small = page.evaluate("""() => [...document.querySelectorAll(
            '.xw-widget button, .xw-widget select, .xw-widget input[type=range], .xw-widget label')]
            .filter(e => e.checkVisibility())
            .map(e => { const r = e.getBoundingClientRect();
                        return [e.tagName + ' ' + e.textContent.trim().slice(0, 20), r.width, r.height]; })
            .filter(([, w, h]) => w < 24 || h < 24)""")
    finally:
        context.close()
    assert not small, f"{name}: controls under 24 x 24 px: {small}"


# -- session 27: what the widgets say to a screen reader, and what they show ------------------------

# What a screen reader hears: every change of text inside a live region (aria-live other than off,
# or role status / alert / log), in order, as [text of the region, ms]. A region's attributes are
# taken as they were at the change (a later attribute record in the same batch gives the old value),
# and text that a region gets in the same task as it is put in the page is its first content, which
# screen readers do not announce.
LIVE_WATCH = """(() => {
  window.__said = [];
  const ROLES = ['status', 'alert', 'log'];
  const attrAt = (e, name, i, recs) => {
    for (let j = i; j < recs.length; j++)
      if (recs[j].type === 'attributes' && recs[j].target === e && recs[j].attributeName === name) return recs[j].oldValue;
    return e.getAttribute(name);
  };
  const liveAt = (e, i, recs) => {
    const live = attrAt(e, 'aria-live', i, recs);
    return (live !== null && live !== 'off') || ROLES.includes(attrAt(e, 'role', i, recs));
  };
  const watch = new MutationObserver((recs) => {
    recs.forEach((r, i) => {
      if (r.type === 'attributes') return;
      const added = recs.slice(0, i).flatMap((q) => [...q.addedNodes]);
      for (let e = r.type === 'characterData' ? r.target.parentElement : r.target; e; e = e.parentElement) {
        if (added.includes(e)) return;           // put in the page in this task: its first content
        if (liveAt(e, i, recs)) { window.__said.push([e.textContent, Math.round(performance.now())]); return; }
      }
    });
  });
  const go = () => watch.observe(document.body, {subtree: true, childList: true, characterData: true,
                                                 attributes: true, attributeOldValue: true,
                                                 attributeFilter: ['aria-live', 'role']});
  if (document.body) go(); else document.addEventListener('DOMContentLoaded', go);
})();"""


def said(page, clear: bool = False) -> list[str]:
    texts = page.evaluate("() => window.__said.map(s => s[0])")
    if clear:
        page.evaluate("() => { window.__said = []; }")
    return texts


def said_once(page) -> None:
    """Until the live region has said something (or ``checks.WAIT_MS``), then a settle, so that a
    second saying, if any, is in :func:`said` too."""
    checks.wait_until(page, "() => window.__said.length > 0")
    checks.settle(page)


def open_watched(b, url: str, width: int = 1280):
    context = checks.new_context(b, "light")
    context.add_init_script(LIVE_WATCH)
    page = context.new_page()
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(url, wait_until="load")
    return context, page


# The widget's live regions, as [class, text, width, height]: elements with aria-live (not off) or
# role status / alert / log, and the size they take on the screen.
LIVE_REGIONS = """() => [...document.querySelectorAll('.xw-widget *')].filter(e => {
    const live = e.getAttribute('aria-live');
    return (live && live !== 'off') || ['status', 'alert', 'log'].includes(e.getAttribute('role')); })
  .map(e => { const r = e.getBoundingClientRect(); return [e.className, e.textContent, r.width, r.height]; })"""


@pytest.mark.parametrize("name", list(PAGES))
def test_one_live_region_silent_until_the_reader_acts(browser, name):
    """Finding 1 of session 27: the widget has one live region, visually hidden (the readout, shown,
    is not one: it changes every frame), put in the page empty when the widget is built (the ARIA
    practice: a region present before its first message); building the widget (when it comes near
    the screen, or at the first Tab) or loading its other frames says nothing. A slider key says
    the new frame, once; a drag of the slider says nothing while dragged and the frame at the
    release. On main an empty role=status sat beside the readout, and the readout was written again
    after the build (its charts fitted to their width)."""
    b, base_url = browser
    context, page = open_watched(b, base_url + name)
    try:
        near_widget(page)
        wait_full(page)
        # nothing is to be said: let the frames, ResizeObserver fits and idle tasks that follow the
        # build and the load have their turn before looking
        checks.settle(page)
        regions = page.evaluate(LIVE_REGIONS)
        assert len(regions) == 1, f"the widget's live regions: {regions}"
        cls, text, width, height = regions[0]
        assert "xw-readout" not in cls and text == "" and width <= 1 and height <= 1, regions
        assert said(page) == [], f"said while the reader did nothing: {said(page)}"
        keyboard_to(page, ".xw-slider")
        said(page, clear=True)
        page.keyboard.press("ArrowRight")
        said_once(page)
        assert said(page) == [drawn(page)["text"]]
        assert drawn(page)["frame"] == 1
        # a drag: the readout follows the thumb, the live region waits for the release
        said(page, clear=True)
        box = page.locator(".xw-slider").bounding_box()
        y = box["y"] + box["height"] / 2
        page.mouse.move(box["x"] + 0.1 * box["width"], y)
        page.mouse.down()
        page.mouse.move(box["x"] + 0.5 * box["width"], y, steps=8)
        dragging = drawn(page)
        assert dragging["frame"] > 1 and f"frame {dragging['frame'] + 1} of " in dragging["text"], dragging
        assert said(page) == [], f"said while the slider was dragged: {said(page)}"
        page.mouse.up()
        said_once(page)
        assert said(page) == [drawn(page)["text"]], said(page)
    finally:
        context.close()


def _to_play(page) -> None:
    """The slider at its first frame, the keyboard focus on Play."""
    near_widget(page)
    keyboard_to(page, ".xw-slider")
    page.keyboard.press("Home")
    keyboard_to(page, ".xw-play")


@pytest.mark.parametrize("name", list(PAGES))
def test_playing_says_playing_then_where_it_stops(browser, name):
    """Findings 2 and 3 of session 27: while playing, the live region says "Playing" once, not one
    sentence a frame (a screen reader was flooded), and where it stops when it stops: at a pause by
    Enter on the Pause button, which holds the frame it paused on (a reader saw Enter step one frame
    more; not reproduced on main, kept as a check), and at the last frame."""
    b, base_url = browser
    data = frames(name)
    meta = data["meta"]
    F = len(meta.get("epochs") or meta["steps"])
    play_ms = meta.get("play_ms", 150)
    context, page = open_watched(b, base_url + name)
    try:
        _to_play(page)
        said(page, clear=True)
        page.keyboard.press("Enter")
        page.wait_for_function("(f) => Number(document.querySelector('.xw-readout').dataset.frame) >= f", arg=3,
                               timeout=play_timeout(5, play_ms))
        page.keyboard.press("Enter")                      # the same button, now Pause
        paused = drawn(page)
        assert page.evaluate("() => document.querySelector('.xw-player').dataset.playing") == "false"
        # nothing is to move: three frames' time by the page's own timers, so that the player's
        # interval, had it not been cleared, would have ticked first even on a busy machine
        checks.in_page_delay(page, 3 * play_ms)
        assert drawn(page)["frame"] == drawn(page)["slider"] == paused["frame"] >= 3
        while_playing = said(page, clear=True)
        assert len(while_playing) == 2 and while_playing[0] == "Playing", while_playing
        assert f"frame {paused['frame'] + 1} of {F})" in while_playing[-1] == drawn(page)["text"]
        page.keyboard.press("Enter")                      # play on to the end
        page.wait_for_function("() => document.querySelector('.xw-player').dataset.playing === 'false'",
                               timeout=play_timeout(F, play_ms))
        end = said(page)
        assert len(end) == 2 and end[0] == "Playing", end
        assert f"frame {F} of {F})" in end[-1] == drawn(page)["text"], end
    finally:
        context.close()


@pytest.mark.parametrize("name", list(PAGES))
def test_readout_shows_every_frame_while_playing(browser, name):
    """The readout is what a sighted reader watches while the network trains: playing from the
    first frame, it shows each frame's own sentence (its frame number and its cost, the cost decoded
    in Python from the page), frame after frame to the last, in plain sight. After the live-region
    change of session 27 it showed "Playing…" until the stop."""
    b, base_url = browser
    data = frames(name)
    meta = data["meta"]
    F = len(meta.get("epochs") or meta["steps"])
    play_ms = meta.get("play_ms", 150)
    context, page, audit = open_widget(b, base_url + name, "light", 1280)
    try:
        _to_play(page)
        if name == "why.html":
            run = meta["runs"][checked(page, "dataset")][checked(page, "scale")]
            cost = [f"cost {js(c)} " for c in run["cost"][checked(page, "seed")]]
        else:
            seed = int(page.evaluate("() => document.querySelector('.xw-seed').value"))
            cost = [f"held-out cost {c} " for c in meta["runs"][checked(page, "init")]["cost"][seed]]
        # every text the readout takes, with its frame and whether the widget was playing
        page.evaluate("""() => { window.__shown = [];
            const r = document.querySelector('.xw-readout'), p = document.querySelector('.xw-player');
            new MutationObserver(() => window.__shown.push([r.textContent, Number(r.dataset.frame), p.dataset.playing]))
              .observe(r, {childList: true, characterData: true, subtree: true, attributes: true,
                           attributeFilter: ['data-frame']}); }""")
        page.keyboard.press("Enter")
        page.wait_for_function("() => document.querySelector('.xw-player').dataset.playing === 'false'",
                               timeout=play_timeout(F, play_ms))
        shown = page.evaluate("() => window.__shown")
        playing = [(text, f) for text, f, p in shown if p == "true"]
        end = drawn(page)
        for text, f in playing + [(end["text"], end["frame"])]:
            assert f"frame {f + 1} of {F})" in text and cost[f] in text, (f, cost[f], text)
        # one sentence a frame, every frame in turn; the last one shown once playing has stopped
        assert [f for _, f in playing] == list(range(1, F - 1)), [f for _, f in playing]
        assert end["frame"] == F - 1
        box = page.evaluate("""() => { const r = document.querySelector('.xw-readout'), b = r.getBoundingClientRect();
            return [r.checkVisibility({opacityProperty: true, visibilityProperty: true}), b.width, b.height]; }""")
        assert box[0] and box[1] > 100 and box[2] > 10, box
    finally:
        context.close()
    assert audit.problems["console"] == [] and audit.problems["requests"] == []


def test_scale_names_stay_on_a_phone(browser):
    """Finding 4 of session 27: at 375 px the playground's scale labels keep their names ("too
    small", "too large"), shown, not clipped to one pixel, and the page does not scroll sideways."""
    b, base_url = browser
    meta = frames("why.html")["meta"]
    for width in WIDTHS:
        context, page, _ = open_widget(b, base_url + "why.html", "light", width)
        try:
            shown = page.evaluate("""() => { const ctx = document.createElement('canvas').getContext('2d');
                return [...document.querySelectorAll('.xw-scale label')].map(l => {
                  const st = getComputedStyle(l); ctx.font = `${st.fontSize} ${st.fontFamily}`;
                  const r = l.getBoundingClientRect();
                  const aside = l.querySelector('.xw-aside'), a = aside && aside.getBoundingClientRect();
                  return {text: l.textContent.trim(), need: ctx.measureText(l.textContent.trim()).width,
                          width: r.width, aside: a ? Math.min(a.width, a.height) : null,
                          inside: r.left >= 0 && r.right <= innerWidth}; }); }""")
            scroll = page.evaluate("() => document.documentElement.scrollWidth - innerWidth")
        finally:
            context.close()
        named = {s["key"]: s["label"] for s in meta["scales"] if s.get("label")}
        assert {"too small", "too large"} <= set(named.values())
        for s in shown:
            if "(" in s["text"]:
                assert s["text"].split("(", 1)[1].rstrip(")") in named.values()
                # the radio and its gap come on top of the text's own width
                assert s["aside"] > 5 and s["width"] >= s["need"], (width, s)
            assert s["inside"], (width, s)
        assert sum("(" in s["text"] for s in shown) == len(named)
        assert scroll <= 0, f"at {width} px the page scrolls {scroll} px sideways"


# each widget's time axis, as its page module gives the static figure of the same training
TIME_AXES = {"why.html": ("why", "EPOCH_AXIS", "epochs", 1), "xavier_init.html": ("xavier_init", "STEP_AXIS", "steps", 2)}


@pytest.mark.parametrize("name", list(PAGES))
def test_time_axis_is_the_figures(browser, name):
    """Finding 6 of session 27: a widget's time axis is that of its page's static figure of the same
    training (xavier_init's Fig. "training", why's cost against epoch): matplotlib's symlog with the
    page module's STEP_AXIS / EPOCH_AXIS, the same ticks (those matplotlib's locator puts on the
    figure) at the same places, and the current frame's dot where that transform puts its step or
    epoch (on main: log(1 + step), ticks 0, 1, 10, 100)."""
    import importlib

    import matplotlib.pyplot as plt
    from matplotlib.scale import SymmetricalLogTransform

    module, key, times, charts = TIME_AXES[name]
    axis = getattr(importlib.import_module(module), key)
    meta = frames(name)["meta"]
    steps, last = meta[times], meta[times][-1]
    fig, ax = plt.subplots()
    try:
        ax.set_xscale("symlog", **axis)
        ax.set_xlim(0, last)
        figure_ticks = [float(t) for t in ax.get_xticks() if 0 <= t <= last]
    finally:
        plt.close(fig)
    T = SymmetricalLogTransform(10, axis["linthresh"], axis["linscale"])
    where = lambda s: (T.transform(np.array([float(s)]))[0] - T.transform(np.array([0.0]))[0]) / (
        T.transform(np.array([float(last)]))[0] - T.transform(np.array([0.0]))[0])  # noqa: E731
    b, base_url = browser
    context, page, _ = open_widget(b, base_url + name, "light", 1280)
    try:
        axes = page.evaluate("""() => [...document.querySelectorAll('svg.xw-curve')].map(svg => {
            const g = svg.querySelector(':scope > g:not(.xw-yaxis)'), range = g.querySelector('.domain').getBBox();
            return {x0: range.x, x1: range.x + range.width,
                    ticks: [...g.querySelectorAll('.tick')].map(t => [t.textContent,
                      Number(/translate\\(([-\\d.]+)/.exec(t.getAttribute('transform'))[1])])}; })""")
        keyboard_to(page, ".xw-slider")
        page.keyboard.press("Home")
        dots = []
        for f in range(len(steps)):
            dots.append(page.evaluate("() => [...document.querySelectorAll('svg.xw-curve .xw-now')].map(d => Number(d.getAttribute('cx')))"))
            page.keyboard.press("ArrowRight")
    finally:
        context.close()
    assert len(axes) == charts
    for k, a in enumerate(axes):
        assert [float(t) for t, _ in a["ticks"]] == figure_ticks, a["ticks"]
        span = a["x1"] - a["x0"]
        # within a pixel (d3 sets an axis half a pixel off the line's, for a crisp line)
        for t, x in a["ticks"]:
            assert (x - a["x0"]) / span == pytest.approx(where(float(t)), abs=1 / span), (t, x)
        for s, d in zip(steps, dots):
            assert (d[k] - a["x0"]) / span == pytest.approx(where(s), abs=1 / span), (s, d[k])


def test_frame_schedule_text_matches_the_widget():
    """Finding 7 of session 27: the Going-deeper box on the widget's steps lists the later frames,
    which are the widget's own (decoded from the page), and says of their gaps only what those are:
    not "further and further apart" (90 -> 104 after 65 -> 90) but growing, save after an epoch's
    start."""
    html = (SITE / "xavier_init.html").read_text(encoding="utf-8")
    meta = framedata.read_widget_html(html)["meta"]
    steps = meta["steps"]
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html))
    m = re.search(r"the later frames are steps ([\d, and]+)\.", text)
    assert m, "the box does not list the later frames"
    listed = [int(v) for v in re.findall(r"\d+", m.group(1))]
    dense = next(i for i in range(1, len(steps)) if steps[i] - steps[i - 1] > 1)
    assert listed == steps[dense:]
    gaps = np.diff(listed)
    shrinks = [i for i in range(1, len(gaps)) if gaps[i] < gaps[i - 1]]
    assert ("further and further apart" in text) == (not shrinks)
    assert shrinks and len(shrinks) < len(gaps) / 2
    # each gap that shrinks starts at an epoch's first step
    assert all(listed[i] % meta["steps_per_epoch"] == 0 for i in shrinks), (listed, shrinks)

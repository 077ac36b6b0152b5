"""docs/_ext/buildmath.py: typesetting split over several Node processes gives the same bytes as one."""

import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "docs" / "_ext"))

FORMULAS = [(False, r"n^{[l-1]}"), (True, r"\mathrm{Var}(W^{[l]}) = \frac{1}{n^{[l-1]}}"),
            (False, r"\sqrt{2/n}"), (True, r"a^{[l]} = \tanh(z^{[l]})"), (False, r"\chi_1 > 1"),
            (True, r"\begin{aligned} z &= Wa + b \\ a &= g(z) \end{aligned}")]


@pytest.mark.skipif(not (ROOT / "node_modules" / "mathjax").is_dir(), reason="npm ci not run")
def test_several_processes_write_what_one_writes(tmp_path, monkeypatch):
    import buildmath

    monkeypatch.setattr(buildmath.os, "sched_getaffinity", lambda pid: {0, 1, 2})
    caches, real = {}, buildmath.subprocess.run
    for per_process in (len(FORMULAS), 2):  # one process, then three
        monkeypatch.setattr(buildmath, "MIN_PER_PROCESS", per_process)
        calls = []
        monkeypatch.setattr(buildmath.subprocess, "run", 
                            lambda *a, **k: calls.append(1) or real(*a, **k))
        cache = tmp_path / f"{per_process}.json"
        assert buildmath.Typeset(ROOT, cache).ensure(FORMULAS) == len(FORMULAS)
        assert len(calls) == len(FORMULAS) // per_process
        caches[per_process] = json.loads(cache.read_text())
    one, three = caches[len(FORMULAS)], caches[2]
    assert one == three
    assert len(one["formulas"]) == len(FORMULAS) and one["glyphs"] and one["css"]


# Wide, nested and scripted formulas, a matrix and a formula too wide for a phone (two drawings)
DRAWN = FORMULAS + [(True, r"W^{[l]} = \mathrm{randn} \cdot \sqrt{\frac{c}{n^{[l-1]}}}"),
                    (False, r"\hat{y} = \sigma\left(\sum_{i=1}^{n} w_i x_i + b\right)"),
                    (True, r"\begin{pmatrix} a_{11} & a_{12} \\ a_{21} & a_{22} \end{pmatrix}"),
                    (True, r"\mathrm{Var}(z^{[l]}) = n^{[l-1]} \mathrm{Var}(W^{[l]}) \mathrm{Var}(a^{[l-1]})"
                           r" = n^{[l-1]} \mathrm{Var}(W^{[l]}) \mathrm{Var}(a^{[l-1]}) = \prod_{k=1}^{l} n^{[k-1]} \mathrm{Var}(W^{[k]})")]


def _typeset(formulas, **options) -> dict:
    import subprocess

    import buildmath

    proc = subprocess.run(["node", str(buildmath.NODE_SCRIPT)], cwd=ROOT, check=True, capture_output=True,
                          text=True, input=json.dumps({"formulas": formulas, "narrowEm": buildmath.NARROW_EM,
                                                       "narrowPx": buildmath.NARROW_PX,
                                                       "unbrokenEm": buildmath.UNBROKEN_EM, **options}))
    return json.loads(proc.stdout)


@pytest.mark.skipif(not (ROOT / "node_modules" / "mathjax").is_dir(), reason="npm ci not run")
def test_flattened_formulas_draw_what_mathjax_drew(tmp_path):
    """buildmath.cjs's ``flatten`` (fewer SVG elements per formula, issue 20) changes no pixel: each
    formula, as MathJax wrote it and flattened, drawn by Chromium at 390 and 1280 px."""
    import re

    from playwright.sync_api import sync_playwright

    sys.path.insert(0, str(ROOT / "tests" / "browser"))
    import checks
    from buildmath import glyph_defs

    pages = {}
    for flat in (False, True):
        out = _typeset(DRAWN, flat=flat)
        assert not [f["error"] for f in out["formulas"] if f["error"]]
        body = "".join(f"<p id='f{i}'>{f['html']}</p>" for i, f in enumerate(out["formulas"]))
        pages[flat] = body
        html = (f"<!doctype html><meta charset='utf-8'><style>{out['css']} body {{ font-size: 40px }}</style>"
                + glyph_defs(body, out["glyphs"]) + body)
        (tmp_path / f"{flat}.html").write_text(html, encoding="utf-8")
    elements = {flat: len(re.findall(r"<(?:g|use|rect|path|svg)\b", body)) for flat, body in pages.items()}
    assert elements[True] < 0.75 * elements[False], elements  # flattened: fewer elements
    with sync_playwright() as playwright:
        browser = checks.launch(playwright)
        try:
            for width in (390, 1280):
                shots = {}
                for flat in (False, True):
                    page = browser.new_page(viewport={"width": width, "height": 800})
                    page.goto((tmp_path / f"{flat}.html").as_uri())
                    shots[flat] = [page.locator(f"#f{i}").screenshot() for i in range(len(DRAWN))]
                    page.close()
                changed = [DRAWN[i][1] for i in range(len(DRAWN)) if shots[False][i] != shots[True][i]]
                assert not changed, f"at {width} px these formulas are drawn differently: {changed}"
        finally:
            browser.close()


@pytest.mark.skipif(not (ROOT / "node_modules" / "mathjax").is_dir(), reason="npm ci not run")
def test_a_short_inline_formula_is_not_cut_a_long_one_is():
    """A short formula cut at its "=" left "= 100." to start a line (issue 20's reader): one
    narrower than UNBROKEN_EM has no break; a long one keeps its breaks; the MathML is the same."""
    import re

    short, long = r"c = 100", r"\mathrm{Var}(z) = n \,\mathrm{Var}(W)\,\mathrm{Var}(a) + \mu^2 + \sigma^2 + \dots + 1"
    out = _typeset([(False, short), (False, long)])["formulas"]
    assert "<mjx-break" not in out[0]["html"]
    assert out[1]["html"].count("<mjx-break") >= 3
    unbroken = _typeset([(False, short)], unbrokenEm=0)["formulas"][0]["html"]  # the rule off
    assert "<mjx-break" in unbroken

    def tokens(html):
        mml = re.search(r"<mjx-assistive-mml.*</mjx-assistive-mml>", html, re.S).group(0)
        return re.findall(r"<(m[ion])[^>]*>([^<]*)</m[ion]>", mml)

    assert tokens(out[0]["html"]) == tokens(unbroken) == [("mi", "c"), ("mo", "="), ("mn", "100")]

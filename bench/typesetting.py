"""The ``typesetting`` benchmark: what typesetting the maths when the site is built costs a cold build.

Issue 20 moved the typesetting from the reader's browser to the build (``docs/_ext/buildmath.py``:
MathJax 4 in Node) and set a limit: that must not make the build slower than 1.1x. The side-by-side
build against the commit before it (``--against 45c7286``) mixes in everything else the tree
gained since, two executed pages among them; this benchmark measures the typesetting alone.

Two copies of the working tree (:func:`bench.build.copy_tree`) are built cold (``_build``
removed, ``make html``) in alternation, ``--rounds`` rounds, the order alternating from round to
round so that drift in the machine's load hits both alike:

* **at build time**: the tree as it is;
* **in the browser**: the same tree with conf.py's ``"buildmath"`` extension replaced by Sphinx's
  ``sphinx.ext.mathjax`` (:func:`in_the_browser`), which writes each formula's TeX into the page
  for MathJax to typeset when the page is read, as the site did before issue 20. That site is
  only timed, never served.

Both execute the same pages, so their difference is the typesetting (and what reads its output:
the glyph outlines per page, ``buildmath.css`` in the style-sheet cut). Reported: each tree's
median cold build, and the median of the per-round ratios (at build time / in the browser),
target <= 1.1.
"""

from __future__ import annotations

import shutil
import statistics
import tempfile
from pathlib import Path

from bench.build import PeakMemory, copy_tree, log_tail, make_html
from bench.core import Config, Row, register, row

# conf.py's lines that the "in the browser" tree changes, each found exactly once
SWAPS = {
    '    "buildmath",': '    "sphinx.ext.mathjax",  # bench.typesetting: formulas typeset in the browser\n'
                       '    # "buildmath",',
    'html_math_renderer = "buildmath"': 'html_math_renderer = "mathjax"',
}


def in_the_browser(conf: Path) -> None:
    """Rewrite ``conf`` (a copy's conf.py) to typeset in the browser; ``ValueError`` when a line
    of :data:`SWAPS` is not found exactly once (conf.py changed: update the benchmark)."""
    text = conf.read_text()
    for old, new in SWAPS.items():
        if text.count(old) != 1:
            raise ValueError(f"{conf}: {old!r} found {text.count(old)} times, not once: update "
                             "bench/typesetting.py's SWAPS to conf.py")
        text = text.replace(old, new)
    conf.write_text(text)


@register("typesetting", "cold make html with the maths typeset at build time vs in the browser (same tree)")
def bench_typesetting(config: Config) -> list[Row]:
    rounds = 1 if config.quick else config.rounds
    memory = PeakMemory()
    labels = ("at build time", "in the browser")
    times: dict[str, list[float]] = {label: [] for label in labels}
    with tempfile.TemporaryDirectory(prefix="xavier-bench-typesetting-") as tmp:
        repos = {}
        for label in labels:
            (Path(tmp) / label).mkdir()
            repos[label] = copy_tree(Path(tmp) / label)
        in_the_browser(repos["in the browser"] / "conf.py")
        for r in range(rounds):
            for label in labels if r % 2 == 0 else labels[::-1]:
                repo = repos[label]
                log = Path(tmp) / f"{label}.log"
                shutil.rmtree(repo / "_build", ignore_errors=True)
                seconds, ok = make_html(repo, memory, log)
                if not ok:
                    tail = log_tail(log)
                    raise RuntimeError(f"make html ({label}) failed; the end of its output:\n{tail}")
                print(f"    round {r + 1}, {label}: cold make html {seconds:.1f} s", flush=True)
                times[label].append(seconds)
    built, browser = times["at build time"], times["in the browser"]
    ratios = [a / b for a, b in zip(built, browser, strict=True)]
    each = ", ".join(f"{a:.1f} / {b:.1f} s" for a, b in zip(built, browser, strict=True))
    return [
        row("cold make html, maths typeset at build time", statistics.median(built), "s",
            note=f"median of {rounds} round(s)"),
        row("cold make html, maths typeset in the browser (sphinx.ext.mathjax)", statistics.median(browser), "s",
            note=f"median of {rounds} round(s); the same tree and pages"),
        row("cold build: typesetting at build time / in the browser", statistics.median(ratios), "x", "<= 1.1",
            note=f"median of the per-round ratios, side by side in alternation: {each}"),
    ]

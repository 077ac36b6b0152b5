"""The numbers the two widget sections glue into their prose, against the widgets' own frame data.

The frame data are decoded from the built pages (docs/framedata.py reads the HTML), so these tests
check that the prose describes what the widget actually plays.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

import framedata
import why
from tests import why_run

ROOT = Path(__file__).resolve().parents[2]
SITE = Path(os.environ.get("XAVIER_SITE", ROOT / "_build" / "html"))


def widget_meta(page: str) -> dict:
    path = SITE / f"{page}.html"
    if not path.is_file():
        pytest.fail(f"{path} is missing: build the site first (make html)")
    return framedata.read_widget_html(path.read_text(encoding="utf-8"))["meta"]


def test_why_widget_numbers(glued):
    g = glued("why")
    meta = widget_meta("why")
    epochs = meta["epochs"]
    assert int(g["why_frames"]) == len(epochs)
    # up to why_frames_first every epoch is a frame; right after it the frames spread out
    first = int(g["why_frames_first"])
    assert epochs[: first + 1] == list(range(first + 1))
    assert epochs[first + 1] > first + 1
    assert epochs[-1] == int(g["why_epochs"])
    assert sorted(meta["datasets"]) == ["circle", "gaussian", "moon", "square"]
    # c on a log grid 10^-3 .. 10^3 (and 0); the article's four scales with why_S seeds each,
    # the others with why_S_extra
    cs = [s["c"] for s in meta["scales"]]
    assert cs == [0.0] + [10.0 ** e for e in range(-3, 4)]
    article = {0.0, 0.01, 1.0, 100.0}
    for d in meta["datasets"]:
        for s in meta["scales"]:
            n = meta["runs"][d][s["key"]]["n"]
            assert n == int(g["why_S" if s["c"] in article else "why_S_extra"]), (d, s)
    assert meta["default"] == {"dataset": "circle", "scale": "appropriate", "seed": "median"}


def test_xavier_init_widget_numbers(glued):
    g = glued("xavier_init")
    meta = widget_meta("xavier_init")
    steps = meta["steps"]
    assert meta["seeds"] == int(g["xi_seeds"]) >= 4
    assert len(steps) == int(g["xi_frames"])
    # the first xi_dense steps one by one, then spread out, to the last step of the last epoch
    dense = int(g["xi_dense"])
    assert steps[:dense] == list(range(dense)) and steps[dense] > dense
    epochs, batch = int(g["xi_epochs"]), int(g["xi_batch"])
    per_epoch = -(-int(g["xi_n_train"]) // batch)  # the training digits in batches, the last one shorter
    assert epochs >= 3 and steps[-1] == int(g["xi_widget_last"]) == epochs * per_epoch - 1
    assert {e * per_epoch for e in range(epochs)} <= set(steps)   # the first step of every epoch
    assert meta["batch"] == batch and meta["steps_per_epoch"] == per_epoch == int(g["xi_steps_per_epoch"])
    assert meta["once"] == ["Zero"]
    # the whole run plays in about 8-15 s
    assert 8000 <= meta["play_ms"] * (len(steps) - 1) <= 15000


def test_why_widget_largest_weight_per_frame():
    """The built page's "largest |W|" at its first and last frames, decoded from the page, is the
    largest |weight| of the shown (median) seed of each of the article's scales on the circle, from
    that seed's weights recomputed with the library from the page's seed (the circle is the page's
    first run); and its colour scale is the 90th percentile of those links' sizes (Fig. 1.7's)."""
    meta = widget_meta("why")
    assert meta["datasets"][0] == "circle" and meta["epochs"][0] == 0
    S = 24
    _, _, start, net, history = why_run.playground("circle", np.random.default_rng(2019), seeds=S,
                                                   epochs=meta["epochs"][-1], extra_seeds=6)
    for k, name in enumerate(why.SCALES):
        r = meta["runs"]["circle"][name]
        final = history.cost[-1, k * S:(k + 1) * S]
        seed = int(np.argsort(final, kind="stable")[(S - 1) // 2])   # the lower middle by final cost
        assert r["seed"]["median"] == seed
        i = k * S + seed
        Ws = {f: [n.W[l][i] for l in (1, 2, 3)] for f, n in ((0, start), (-1, net))}
        for f, W in Ws.items():
            largest = max(float(np.max(np.abs(w))) for w in W)
            assert r["wmax"]["median"][f] == pytest.approx(largest, rel=5e-4, abs=1e-300), (name, f)
        if name != "zero":
            links = np.abs(np.concatenate([w.ravel() for W in Ws.values() for w in W]))
            assert r["wmax_colour"]["median"] == pytest.approx(np.percentile(links, 90), rel=5e-4), name
    # one number per frame: at c = 0.01 training moves the largest weight
    assert len(set(meta["runs"]["circle"]["small"]["wmax"]["median"])) > 1

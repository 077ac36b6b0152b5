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

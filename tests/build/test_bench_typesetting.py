"""``make bench BENCHOPTS="--only typesetting"``: the "in the browser" tree is this one, maths aside.

The builds are too long for the test suite; these tests check the rewrite of conf.py that makes
the second tree: Sphinx's MathJax in place of ``buildmath``, nothing else changed, and a loud
failure once conf.py no longer has the lines it rewrites.
"""

import runpy
import shutil

import pytest

from bench import typesetting
from bench.build import ROOT


def _settings(conf):
    return runpy.run_path(str(conf))


def test_the_browser_tree_differs_in_the_maths_alone(tmp_path):
    shutil.copy(ROOT / "conf.py", tmp_path / "conf.py")
    typesetting.in_the_browser(tmp_path / "conf.py")
    # run from the copy's folder, conf.py's ROOT is tmp_path: compare the settings that do not name it
    here, there = _settings(ROOT / "conf.py"), _settings(tmp_path / "conf.py")
    assert here["html_math_renderer"] == "buildmath" and there["html_math_renderer"] == "mathjax"
    assert "buildmath" in here["extensions"] and "buildmath" not in there["extensions"]
    swapped = [e if e != "buildmath" else "sphinx.ext.mathjax" for e in here["extensions"]]
    assert there["extensions"] == swapped
    same = {k for k in here if not k.startswith("__") and isinstance(here[k], (str, int, float, bool, list, dict))
            and str(ROOT) not in repr(here[k])} - {"html_math_renderer", "extensions"}
    assert same and {k: there.get(k) for k in same} == {k: here[k] for k in same}


def test_a_changed_conf_fails_loudly(tmp_path):
    conf = tmp_path / "conf.py"
    conf.write_text((ROOT / "conf.py").read_text().replace('html_math_renderer = "buildmath"', ""))
    with pytest.raises(ValueError, match="found 0 times, not once"):
        typesetting.in_the_browser(conf)

"""A cell's printed output is merged the same way whatever messages the kernel cut it into."""

from __future__ import annotations

import copy
import sys
from pathlib import Path

from nbformat.v4 import new_output

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "docs" / "_ext"))

import stream_merge  # noqa: E402

LINE = "1.5925374197341002 0.9999999999999999 1.1778072331563438\n"


def _stdout(*texts):
    return [new_output("stream", name="stdout", text=t) for t in texts]


def test_a_line_cut_between_values_merges_as_one_line():
    """The cut CI met (stop 27): print(a, b, c) sent as "a" then " b c\\n". MyST-NB 1.4.0's own merge
    makes two lines of it (so two clean builds differed); ours gives the line as printed."""
    from myst_nb.core.utils import coalesce_streams as myst

    whole, cut = _stdout(LINE), _stdout(LINE[:18], LINE[18:])
    assert myst(copy.deepcopy(cut))[0]["text"] != myst(copy.deepcopy(whole))[0]["text"]
    assert stream_merge.coalesce_streams(copy.deepcopy(cut))[0]["text"] == LINE
    assert stream_merge.coalesce_streams(copy.deepcopy(whole))[0]["text"] == LINE


def test_lines_in_several_messages_and_the_other_outputs_keep_their_order():
    outputs = _stdout("a\n", "b\n") + [new_output("execute_result", data={"text/plain": "1"},
                                                  execution_count=1)] + _stdout("c\n")
    merged = stream_merge.coalesce_streams(copy.deepcopy(outputs))
    assert [o["output_type"] for o in merged] == ["stream", "execute_result"]
    assert merged[0]["text"] == "a\nb\nc\n"


def test_the_renderer_calls_ours_once_the_extension_is_set_up():
    from myst_nb.core import render

    class App:  # setup only reads nothing from the app
        pass

    before = render.coalesce_streams
    try:
        stream_merge.setup(App())
        assert render.coalesce_streams is stream_merge.coalesce_streams
        stream_merge.setup(App())  # twice (a second build in one process): still MyST-NB's underneath
        assert stream_merge._myst_coalesce is not stream_merge.coalesce_streams
        assert render.coalesce_streams(copy.deepcopy(_stdout(LINE[:18], LINE[18:])))[0]["text"] == LINE
    finally:
        render.coalesce_streams = before

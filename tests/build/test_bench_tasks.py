"""``bench.tasks``: a long task's parts from a Chromium trace, on a trace written by hand.

The task below runs 100 ms: a layout of 50 ms that contains a 10 ms style recalculation, then a
script of 20 ms; its self times are 30 (the task), 40 (layout), 10 (style) and 20 (script). A
second renderer's thread, which parsed another page, is not read.
"""

import pytest

from bench.tasks import main_thread, tasks

URL = "http://127.0.0.1:8000/why.html"


def _x(name, start_ms, dur_ms, tid=1, tdur_ms=None, **data):
    event = {"name": name, "ph": "X", "pid": 7, "tid": tid, "ts": start_ms * 1000, "dur": dur_ms * 1000,
             "args": {"data": data} if data else {}}
    if tdur_ms is not None:
        event["tdur"] = tdur_ms * 1000
    return event


TRACE = {"traceEvents": [
    {"name": "thread_name", "ph": "M", "pid": 7, "tid": 1, "args": {"name": "CrRendererMain"}},
    {"name": "thread_name", "ph": "M", "pid": 7, "tid": 2, "args": {"name": "CrRendererMain"}},
    {"name": "ParseHTML", "ph": "X", "pid": 7, "tid": 2, "ts": 0, "dur": 5000,
     "args": {"beginData": {"url": "http://127.0.0.1:8000/other.html"}}},
    {"name": "ParseHTML", "ph": "X", "pid": 7, "tid": 1, "ts": 1000, "dur": 4000,
     "args": {"beginData": {"url": URL}}},
    _x("RunTask", 1000, 100, tdur_ms=80),
    _x("Layout", 1010, 50),
    _x("UpdateLayoutTree", 1020, 10),
    _x("EvaluateScript", 1070, 20, url="http://127.0.0.1:8000/_static/a.js?v=3"),
    _x("RunTask", 1200, 30, tdur_ms=29),
    _x("RunTask", 1200, 300, tid=2, tdur_ms=300),  # the other page's thread
]}


def test_the_thread_that_parsed_the_page():
    assert main_thread(TRACE, URL) == (7, 1)
    with pytest.raises(ValueError, match="no renderer main thread parsed 'http://x/'"):
        main_thread(TRACE, "http://x/")


def test_self_times_of_the_longest_task():
    longest, other = tasks(TRACE, URL)
    assert (longest["dur"], longest["tdur"], other["dur"]) == (100, 80, 30)
    assert dict(longest["parts"]) == {"Layout": 40, "RunTask": 30, "EvaluateScript a.js": 20, "UpdateLayoutTree": 10}
    assert [k for k, _ in longest["parts"]] == ["Layout", "RunTask", "EvaluateScript a.js", "UpdateLayoutTree"]

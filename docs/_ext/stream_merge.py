"""Sphinx extension: a cell's printed output is the same in every build, however the kernel sent it.

A kernel sends what a cell prints in messages cut by a timer (ipykernel flushes every 0.2 s), so
one build may get ``print(a, b, c)`` as one message and the next as two, cut between the values
(``print`` writes each value and each separator on its own). With ``nb_merge_streams`` MyST-NB
1.4.0 merges a cell's stream messages (``myst_nb.core.utils.coalesce_streams``), but it strips each
later message and ends it with a newline, which is right only when messages end at line ends: the
message cut after "1.5925374197341002" came out as two lines, and two clean builds of beyond
differed (CI, stop 27). Here the messages of each stream are first joined exactly as sent, so
MyST-NB's merge sees one message per stream, cut nowhere; the rest of what it does (the carriage
returns and backspaces, stderr after stdout) is unchanged. Used on the page (MyST-NB's renderer)
and in the notebook offered for download (``notebook_downloads``).
"""

from __future__ import annotations

_myst_coalesce = None  # MyST-NB's own function, kept when the renderer's name is replaced


def join_streams(outputs: list) -> list:
    """``outputs`` with each stream's messages joined, exactly, into its first message.

    >>> from nbformat.v4 import new_output
    >>> out = join_streams([new_output("stream", name="stdout", text="1.59"),
    ...                     new_output("stream", name="stdout", text=" 0.99\\n")])
    >>> [o["text"] for o in out]
    ['1.59 0.99\\n']
    """
    joined, first = [], {}
    for output in outputs or []:
        if output.get("output_type") == "stream":
            name = output["name"]
            if name in first:
                first[name]["text"] += output["text"]
                continue
            output = output.copy()
            first[name] = output
        joined.append(output)
    return joined


def coalesce_streams(outputs: list) -> list:
    """MyST-NB's merge of a cell's streams, on the messages joined exactly (module docstring)."""
    from myst_nb.core import utils

    return (_myst_coalesce or utils.coalesce_streams)(join_streams(outputs))


def setup(app):
    global _myst_coalesce
    from pinned import require

    require("docs/_ext/stream_merge.py (myst_nb.core.render's coalesce_streams, the name its "
            "renderer calls)", myst_nb="1.4.0")
    from myst_nb.core import render

    if render.coalesce_streams is not coalesce_streams:
        _myst_coalesce = render.coalesce_streams
        render.coalesce_streams = coalesce_streams
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}

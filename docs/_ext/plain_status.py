"""Sphinx extension: myst-nb's execution table says "succeeded" or "failed" in words.

myst-nb's ``nb-exec-table`` (on the reproducibility page) marks each page's status with the emoji
U+2705 or U+274C. Both have emoji presentation, and Chromium without an emoji font (Debian's,
without fonts-noto-color-emoji) draws them as empty boxes. Words read the same in every font.
``tests/browser/test_readable.py::test_no_emoji_in_main_text`` keeps emoji out of every page.
"""

from __future__ import annotations

STATUS = {True: "succeeded", False: "failed"}


def plain_status(app, config) -> None:
    """Replace myst-nb's emoji in the execution table's status column by words."""
    from myst_nb.ext import execution_tables

    if "succeeded" not in execution_tables._key2transform:  # myst-nb renamed the column
        raise RuntimeError("myst-nb's execution table has no 'succeeded' column: "
                           "update docs/_ext/plain_status.py")
    execution_tables._key2transform["succeeded"] = lambda x: STATUS[x is True]


def setup(app):
    from pinned import require

    require("docs/_ext/plain_status.py (myst_nb.ext.execution_tables._key2transform)", myst_nb="1.4.0")
    app.connect("config-inited", plain_status)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}

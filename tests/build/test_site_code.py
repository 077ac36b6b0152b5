"""A change in the site's own extensions rewrites the pages (docs/_ext/samebytes.py, site_code).

A synthetic site is built with the repository's conf.py and one more extension, ``stamp``, kept
in a folder named as the site's code (``-D site_code=...``): it writes a line into every page.
Sphinx by itself rebuilds for a changed page or setting, not for a changed extension: after the
extension's line changes, the pages must show the new line.
"""

from pathlib import Path

from synthetic import build_site  # beside this file

STAMP = """
def _stamp(app, pagename, templatename, context, doctree):
    if "body" in context:
        context["body"] += "<p>stamp: {line}</p>"


def setup(app):
    app.connect("html-page-context", _stamp)
    return {{"parallel_read_safe": True, "parallel_write_safe": True}}
"""


def test_an_edited_extension_rewrites_the_pages(tmp_path):
    src, code, lib = tmp_path / "src", tmp_path / "code", tmp_path / "lib"
    for folder in (src, code, lib):
        folder.mkdir()
    (src / "index.md").write_text("# Index\n\nSome text.\n")
    (code / "stamp.py").write_text(STAMP.format(line="first"))

    def build() -> str:
        html = build_site(src, tmp_path, lib, 1, pythonpath=code, extra_extensions=("stamp",),
                          defines=(f"site_code={code}",))
        return (Path(html) / "index.html").read_text()

    assert "stamp: first" in build()
    (code / "stamp.py").write_text(STAMP.format(line="second"))
    page = build()
    assert "stamp: second" in page and "stamp: first" not in page

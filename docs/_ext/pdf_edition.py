"""Sphinx extension: every page's download menu offers the PDF edition, once it has been built.

``make pdf`` (``scripts/make_pdf.py``) prints the built site into one PDF,
``pdf_edition_file`` (``_build/pdf/xavier.pdf``). An HTML build that finds that file copies it
beside the site (``xavier.pdf`` in the output folder) and adds an entry for it to
sphinx-book-theme's download menu on every page ("xavier.pdf", saved, not shown). An HTML build
without it (``make html`` before any ``make pdf``, or after ``make clean``) offers no PDF and
links to nothing that is missing; it costs nothing either.

Whether the PDF exists is a configuration value of the HTML output (``pdf_edition_available``,
set when the configuration is read), so when it changes Sphinx writes every page again (it does
not read or execute them again): ``make pdf`` builds the site, prints it, and runs the HTML
build once more, which adds the entry in a few seconds (and writes viewcode's module pages again,
which viewcode would otherwise keep: see :func:`_module_pages`). The PDF linked is the last one
made; the pages are not printed again by ``make html``.
"""

from __future__ import annotations

import shutil
from pathlib import Path

TARGET = "xavier.pdf"
"""The PDF's name beside the site (``_build/html/xavier.pdf``)."""


def _available(app, config) -> None:
    path = Path(app.confdir, config.pdf_edition_file)
    config.pdf_edition_available = path.is_file()


def _module_pages(app) -> None:
    """On the first HTML build that finds the PDF, remove viewcode's pages (``_modules/``).

    viewcode writes a module's highlighted source again only when the module is newer than its
    page, so the pages written before the PDF existed would never offer it. Their being
    written again costs a second or two, once.
    """
    if (app.builder.format == "html" and app.config.pdf_edition_available
            and not Path(app.outdir, TARGET).is_file()):
        shutil.rmtree(Path(app.outdir, "_modules"), ignore_errors=True)


def _menu_entry(app, pagename, templatename, context, doctree) -> None:
    """Add the PDF edition to the download menu (after sphinx-book-theme has made it)."""
    if not app.config.pdf_edition_available or "header_buttons" not in context:
        return
    entry = {
        "type": "link",
        "url": context["pathto"](TARGET, 1),
        "text": TARGET,
        "tooltip": "Download the whole site as one PDF (the PDF edition)",
        "icon": "fas fa-book",
        "label": "download-pdf-edition-button",  # "download-": saved, not opened (macros/buttons.html)
    }
    buttons = context["header_buttons"]
    group = next((b for b in buttons if b.get("label") == "download-buttons"), None)
    if group is None:  # a page without a source (the index, search): a menu with the PDF alone
        group = {"type": "group", "tooltip": "Download", "icon": "fas fa-download", "buttons": [],
                 "label": "download-buttons"}
        buttons.insert(0, group)
    group["buttons"].append(entry)


def _copy_pdf(app, exception) -> None:
    """Copy the PDF beside the site when it is newer (or of another size) than the copy there."""
    if exception is not None or app.builder.format != "html" or not app.config.pdf_edition_available:
        return
    src = Path(app.confdir, app.config.pdf_edition_file)
    dest = Path(app.outdir, TARGET)
    have, want = (dest.stat() if dest.is_file() else None), src.stat()
    if have is None or (have.st_size, have.st_mtime_ns) != (want.st_size, want.st_mtime_ns):
        shutil.copy2(src, dest)


def setup(app):
    app.add_config_value("pdf_edition_file", "_build/pdf/xavier.pdf", "html", types=[str])
    app.add_config_value("pdf_edition_available", False, "html", types=[bool])
    app.connect("config-inited", _available)
    app.connect("builder-inited", _module_pages)
    app.connect("html-page-context", _menu_entry, priority=502)  # after the book theme's 501
    app.connect("build-finished", _copy_pdf)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}

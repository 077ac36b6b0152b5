"""Every page of the built site, opened in headless Chromium, in light and dark mode.

The site is read from ``$XAVIER_SITE`` (default ``_build/html``; ``make test`` builds it first)
and served on 127.0.0.1. Each page is opened once per mode; each check is then reported as its own
test, ``test_<check>[<page>]``. Screenshots, full page, go to ``$XAVIER_SCREENSHOTS`` (default
``_build/screenshots``) as ``<page>-light.png`` and ``<page>-dark.png`` (``/`` in a page's path
becomes ``-``).
"""

import os
from pathlib import Path

import pytest

import checks

ROOT = Path(__file__).resolve().parents[2]
SITE = Path(os.environ.get("XAVIER_SITE", ROOT / "_build" / "html")).resolve()
SCREENSHOTS = Path(os.environ.get("XAVIER_SCREENSHOTS", ROOT / "_build" / "screenshots"))
PAGES = checks.site_pages(SITE) if (SITE / "searchindex.js").is_file() else []
# The highlighted sources (viewcode, _modules/) are checked in light mode only and without a
# screenshot (a third of the run's time otherwise): they hold no figure and no math, and their
# code is highlighted by the same styles as the code on the documents, which are checked in both
# modes. The documents and the other generated pages get both passes and their screenshots.
SOURCES = [p for p in PAGES if p.startswith("_modules/")]


def jobs() -> list[tuple[str, str, Path | None]]:
    """``(page, mode, screenshot path or None)`` for every audit, page by page."""
    out = []
    for page in PAGES:
        stem = page.removesuffix(".html").replace("/", "-")
        for mode in ("light",) if page in SOURCES else ("light", "dark"):
            shot = None if page in SOURCES else SCREENSHOTS / f"{stem}-{mode}.png"
            out.append((page, mode, shot))
    return out


def test_site_is_built():
    """The site exists and every document Sphinx indexed has its page (all of them are checked)."""
    assert (SITE / "index.html").is_file(), f"{SITE} holds no site: build it first (make html)"
    names = checks.docnames(SITE)
    missing = [n for n in names if not (SITE / f"{n}.html").is_file()]
    assert not missing, f"indexed documents without a page: {missing}"
    assert "index.html" in PAGES and len(PAGES) >= len(names)


@pytest.fixture(scope="session")
def audits():
    """``audits(page)`` -> ``{check: [problems]}`` over both modes; every page is audited once.

    The first test to ask audits the whole site (two browsers side by side, see
    ``checks.audit_site``); the other tests read the results.
    """
    found: dict[str, dict[str, list[str]]] = {}
    failure: list[str] = []  # why the audit could not run, so that it is tried only once

    def get(page: str) -> dict[str, list[str]]:
        if failure:
            pytest.fail(failure[0], pytrace=False)
        if not found:
            for mode in ("light", "dark"):  # no screenshot left over from a page that is gone
                for old in SCREENSHOTS.glob(f"*-{mode}.png"):
                    old.unlink()
            try:
                with checks.serve(SITE) as base_url:
                    results = checks.audit_site(SITE, base_url, jobs())
            except Exception as exc:  # no browser, or playwright itself failed
                failure.append(f"the site could not be audited: {type(exc).__name__}: {exc}")
                pytest.fail(failure[0], pytrace=False)
            for name in PAGES:
                found[name] = {check: [] for check in checks.CHECKS}
            for (name, mode), audit in results.items():
                for check, problems in audit.problems.items():
                    found[name][check] += [f"[{mode}] {p}" for p in problems]
        return found[page]

    return get


def _report(audits, page, check):
    problems = audits(page)[check]
    assert not problems, f"{page}: {len(problems)} problem(s):\n  " + "\n  ".join(problems)


@pytest.mark.parametrize("page", PAGES)
def test_page_loads(audits, page):
    """The page loads and every check runs to its end."""
    _report(audits, page, "load")


@pytest.mark.parametrize("page", PAGES)
def test_no_console_errors(audits, page):
    """No console error and no uncaught exception."""
    _report(audits, page, "console")


@pytest.mark.parametrize("page", PAGES)
def test_no_request_to_other_hosts(audits, page):
    """Nothing is requested from any host but 127.0.0.1 (such requests are aborted)."""
    _report(audits, page, "requests")


@pytest.mark.parametrize("page", PAGES)
def test_local_resources_load(audits, page):
    """Every script, style sheet, font and image the page asks the server for is there."""
    _report(audits, page, "resources")


@pytest.mark.parametrize("page", PAGES)
def test_math_typeset(audits, page):
    """Every formula typeset (at build time), with its MathML, no Tab stop, no raw TeX left."""
    _report(audits, page, "math")


@pytest.mark.parametrize("page", PAGES)
def test_no_source_markup_in_prose(audits, page):
    """No doctest prompt, MyST or reST role, or code fence is shown as prose."""
    _report(audits, page, "markup")


@pytest.mark.parametrize("page", PAGES)
def test_images_decoded_with_alt(audits, page):
    """Every image is decoded and has alt text."""
    _report(audits, page, "images")


@pytest.mark.parametrize("page", PAGES)
def test_internal_links_resolve(audits, page):
    """Every link to the site reaches an existing page and anchor."""
    _report(audits, page, "links")


@pytest.mark.parametrize("page", PAGES)
def test_tabs_switch_figures(audits, page):
    """Each tab of a tab set shows its own content; widget tabs each show a different figure."""
    _report(audits, page, "tabs")


@pytest.mark.parametrize("page", PAGES)
def test_colour_mode_applied(audits, page):
    """The page really is light in light mode and dark in dark mode."""
    _report(audits, page, "theme")


@pytest.mark.parametrize("page", PAGES)
def test_text_contrast(audits, page):
    """All visible text contrasts with its background, in both modes (WCAG AA)."""
    _report(audits, page, "contrast")


@pytest.mark.parametrize("page", PAGES)
def test_figures_readable_in_dark_mode(audits, page):
    """Figures keep their opaque light ground and dark ink on the dark page, never inverted."""
    _report(audits, page, "dark_figures")


@pytest.mark.parametrize("page", PAGES)
def test_no_serious_accessibility_violations(audits, page):
    """axe-core finds no serious or critical violation, in light and in dark mode."""
    _report(audits, page, "axe")

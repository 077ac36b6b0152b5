"""The figures are served as lossless WebP (docs/_ext/figure_images.py): every image a page shows
from ``_images`` is a WebP, and each WebP holds exactly the pixels of the PNG the page's code drew."""

import os
import re
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[2]
SITE = Path(os.environ.get("XAVIER_SITE", ROOT / "_build" / "html"))
IMAGES = SITE / "_images"


def _webps() -> list[Path]:
    if not IMAGES.is_dir():
        pytest.fail(f"{IMAGES} is missing: build the site first (make html)")
    return sorted(IMAGES.glob("*.webp"))


def test_pages_show_webp_not_png():
    shown = set()
    for page in SITE.rglob("*.html"):
        shown |= set(re.findall(r'<img [^>]*?src="(?:\.\./)*_images/([^"]+)"', page.read_text(encoding="utf-8")))
    assert shown, "no page shows an image from _images"
    assert not [s for s in shown if s.endswith(".png")], "pages still show PNGs"
    assert all((IMAGES / s).is_file() for s in shown)


def test_webp_holds_the_png_pixels():
    from PIL import Image

    webps = _webps()
    assert len(webps) >= 40  # every figure of the site
    for webp in webps:
        png = webp.with_suffix(".png")
        assert png.is_file(), png
        with Image.open(webp) as a, Image.open(png) as b:
            assert a.format == "WEBP" and a.size == b.size
            assert np.array_equal(np.asarray(a.convert("RGBA")), np.asarray(b.convert("RGBA"))), webp.name
        assert webp.stat().st_size < png.stat().st_size, webp.name

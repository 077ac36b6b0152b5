"""The digits widget's experiment as the tests rebuild it, independently of docs/xavier_init.md.

The page builds its network draw by draw (``Network`` per seed, then ``concatenate``); this module
draws the same starts in one call of :func:`xavier.init.stacked` from the same children of the
generator, so a test comparing the two checks the page's construction. ``run_widget`` trains like
the page (``train`` with the widget's frame recorder, ``callback_batch=True``) for the tests of the
frames and of the recorder.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

import xavier_init
from xavier import datasets
from xavier import init as xinit
from xavier.network import Network, train

WIDGET_SIZES = xavier_init.WIDGET_SIZES
WIDGET_ACTIVATIONS = ("tanh",) * 4 + ("softmax",)
WIDGET_INITS: dict[str, tuple[str, dict[str, Any]]] = {
    "Zero": ("zeros", {}),
    "Uniform": ("standard_uniform", {}),
    "Xavier": ("variance_scaling", {"scale": 1.0, "mode": "fan_in"}),
    "Standard normal": ("normal", {"std": 1.0}),
}


def seed_slices(names: Sequence[str], seeds: int, once: Sequence[str] = ()) -> np.ndarray:
    """``slices[k, j]``: the seed of the stack holding draw ``j`` of start ``k`` (seed-major order)."""
    if not isinstance(seeds, (int, np.integer)) or isinstance(seeds, bool) or seeds < 1:
        raise ValueError(f"seeds must be a positive integer, got {seeds!r}")
    unknown = [n for n in once if n not in names]
    if unknown:
        raise ValueError(f"once names {unknown!r}, not among the initializations {list(names)!r}")
    out = np.zeros((len(names), seeds), dtype=int)
    s = 0
    for j in range(seeds):
        for k, name in enumerate(names):
            if j and name in once:
                out[k, j] = out[k, 0]
            else:
                out[k, j] = s
                s += 1
    return out


def widget_network(rng: np.random.Generator, inits: Mapping[str, tuple[str, dict]] = WIDGET_INITS,
                   seeds: int = 1, *, once: Sequence[str] = (), dtype: str = "float64") -> Network:
    """Draw ``j`` of start ``k`` from child ``j * K + k`` of ``rng.spawn(K) + rng.spawn(K * (seeds - 1))``."""
    if not isinstance(inits, Mapping) or not inits:
        raise ValueError(f"inits must be a non-empty mapping name -> (initializer, kwargs), got {inits!r}")
    slices = seed_slices(list(inits), seeds, once)
    K = len(inits)
    rngs = rng.spawn(K) + (rng.spawn(K * (seeds - 1)) if seeds > 1 else [])
    specs, gens = [], []
    for j in range(seeds):
        for k, (name, spec) in enumerate(inits.items()):
            if j == 0 or name not in once:
                specs.append(spec)
                gens.append(rngs[j * K + k])
    assert len(specs) == int(slices.max()) + 1
    draw = xinit.stacked(specs, rngs=gens)
    acts = ("tanh",) * (len(WIDGET_SIZES) - 2) + ("softmax",)
    return Network(WIDGET_SIZES, acts, draw, rng=rng, seeds=len(specs), dtype=dtype)


def run_widget(rng: np.random.Generator, *, inits: Mapping[str, tuple[str, dict]] = WIDGET_INITS,
               epochs: int = 3, n_train: int = 9000, n_test: int = 1000, batch_size: int = 100,
               lr: float = 0.1, frames: Sequence[int] | None = None, probe: int = 100, seeds: int = 1,
               once: Sequence[str] = (), dtype: str = "float64") -> dict[str, Any]:
    """Train like the page, and collect the run as the figures and the widget read it."""
    X, labels = datasets.load_digits()
    m = X.shape[1]
    if n_train + n_test > m:
        raise ValueError(f"n_train + n_test must be <= {m} digits, got {n_train} + {n_test}")
    X_train, y_train = X[:, :n_train], labels[:n_train]
    X_test, y_test = X[:, m - n_test:], labels[m - n_test:]
    per_epoch = -(-n_train // batch_size)
    T = epochs * per_epoch
    steps = xavier_init.frame_steps(T, per_epoch=per_epoch) if frames is None else np.asarray(frames)
    rec = xavier_init.WidgetFrames(X_test, y_test, steps, end=T, probe=probe)
    net = widget_network(rng, inits, seeds=seeds, once=once, dtype=dtype)
    slices = seed_slices(list(inits), seeds, once)
    history = train(net, X_train, datasets.one_hot(y_train, 10), "cross_entropy", lr=lr, epochs=epochs,
                    batch_size=batch_size, rng=rng, callback=rec.record, callback_batch=True)
    return rec.collect(history, net, list(inits), slices, {"X_train": X_train, "labels_train": y_train},
                       per_epoch=per_epoch)

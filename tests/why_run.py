"""Section 1's experiment as docs/why.md runs it, for the tests: the same library calls in the same
order from the same generator, so that a test gets the page's networks back (and checks the page's
glued numbers against its own computations on them)."""

from __future__ import annotations

import numpy as np

import why
from xavier import datasets, init
from xavier.network import Network, concatenate, train


def stack(scales, seeds, rng):
    draws = init.stacked([("variance_scaling", {"scale": c}) for c in scales.values()], seeds)
    return Network(why.SIZES, why.ACTIVATIONS, draws, rng=rng, seeds=len(scales) * seeds)


def playground(name, rng, *, seeds, epochs, extra_seeds=0, record=()):
    """The page's ``experiment(name, rng)``: (X, Y, start, net, history) of one dataset."""
    X, Y = datasets.playground(name, rng)
    parts = [stack(why.SCALES, seeds, rng)]
    if extra_seeds:
        parts.append(stack(why.EXTRA_SCALES, extra_seeds, rng.spawn(1)[0]))
    net = concatenate(parts)
    start = net.copy()
    keep = set(int(e) for e in record)
    history = train(net, X, Y, "bce", lr=why.LR, epochs=epochs,
                    callback=lambda t, n: ([W.copy() for W in n.W[1:]], [b.copy() for b in n.b[1:]])
                    if t in keep else None)
    return X, Y, start, net, history


def result(name, rng, *, seeds, epochs, extra_seeds=0, record=()):
    """One dataset's run gathered by the page's ``why.collect`` (for the widget's and figures' tests)."""
    X, Y, start, net, history = playground(name, rng, seeds=seeds, epochs=epochs, extra_seeds=extra_seeds,
                                           record=record)
    return why.collect(name, X, Y, start, net, history, seeds=seeds, extra_seeds=extra_seeds)

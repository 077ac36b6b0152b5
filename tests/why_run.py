"""Section 1's experiment as docs/why.md runs it, for the tests: the same library calls in the same
order from the same generator, so that a test gets the page's networks back (and checks the page's
glued numbers against its own computations on them)."""

from __future__ import annotations

import numpy as np

import why
from xavier import datasets, init
from xavier.network import Network, train


def stack(scales, seeds, rng):
    draws = init.stacked([("variance_scaling", {"scale": c}) for c in scales.values()], seeds)
    return Network(why.SIZES, why.ACTIVATIONS, draws, rng=rng, seeds=len(scales) * seeds)


def playground(name, rng, *, seeds, epochs, extra_seeds=0, record=()):
    """The page's ``experiment(name, rng)``: (X, Y, start, net, history) of one dataset; with
    ``extra_seeds``, the widget's run of the extra scales on the same data (the page trains it
    alone, after all the datasets' experiments, from the generator's next child: called once per
    dataset in the page's order, this takes the same child) joined after them by ``why.join_runs``."""
    X, Y = datasets.playground(name, rng)
    keep = set(int(e) for e in record)

    def run(net):
        start = net.copy()
        history = train(net, X, Y, "bce", lr=why.LR, epochs=epochs,
                        callback=lambda t, n: ([W.copy() for W in n.W[1:]], [b.copy() for b in n.b[1:]])
                        if t in keep else None)
        return start, net, history

    main = (X, Y) + run(stack(why.SCALES, seeds, rng))
    if not extra_seeds:
        return main
    return why.join_runs(main, run(stack(why.EXTRA_SCALES, extra_seeds, rng.spawn(1)[0])))


def result(name, rng, *, seeds, epochs, extra_seeds=0, record=()):
    """One dataset's run gathered by the page's ``why.collect`` (for the widget's and figures' tests)."""
    X, Y, start, net, history = playground(name, rng, seeds=seeds, epochs=epochs, extra_seeds=extra_seeds,
                                           record=record)
    return why.collect(name, X, Y, start, net, history, seeds=seeds, extra_seeds=extra_seeds)

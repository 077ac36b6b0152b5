"""Benchmarks of one training step: ``xavier`` against the plain numpy floor and PyTorch.

Two problems, the article's two widgets:

* ``small``: ``[2, 6, 3, 1]``, ReLU, ReLU, sigmoid, binary cross-entropy, the 100 points of the
  gaussian playground set, full batch;
* ``large``: ``[784, 300, 300, 300, 300, 10]``, four tanh layers, softmax cross-entropy, a batch of
  100 MNIST digits.

One step is forward, cost, backward and update. Every contender starts from the same weights (a
``Network`` drawn with the article's N(0, 1/n_in), its default) and computes the same thing
(``tests/lib/test_bench_floor.py`` checks that the weights after a step agree to 1e-12):

* ``xavier``: :meth:`xavier.network.Network.step` with ``S = 1`` and ``check=False``, the step
  :func:`xavier.network.train` runs once it has checked its arguments;
* ``floor``: :func:`bench.floor.step`, plain numpy written the obvious way;
* ``torch``: PyTorch on the CPU in float64, the ordinary way (tensors with ``requires_grad``,
  autograd, ``torch.optim.SGD``); skipped when torch is not installed (``pip install torch``);
* ``matmul-only``: only the matrix products of one step, into preallocated arrays: what BLAS alone
  takes, the floor under any numpy implementation.

Times are per step (median over rounds); a ratio ``a / b`` is the median over rounds of the time
of ``a`` over the time of ``b`` measured in the same round, so ``torch / xavier = 1.3`` means
PyTorch's step takes 1.3 times as long as xavier's.
"""

from __future__ import annotations

import dataclasses
from typing import Any, Callable

import numpy as np

from bench import floor
from bench.core import Config, Row, interleaved, median, ratio, register, row
from xavier import datasets
from xavier.network import Network

LR = 0.01  # small, so the thousands of timed steps leave the weights in the same regime
PAUSE = 0.3  # seconds of sleep before each timed block when torch takes part (see bench_step)
NO_TORCH = "torch is not installed: the PyTorch comparison is skipped (pip install torch: the optional 'bench' extra)"


@dataclasses.dataclass
class Problem:
    """A network architecture with its data: everything one training step needs."""

    name: str
    sizes: tuple[int, ...]
    activations: tuple[str, ...]
    cost: str
    X: np.ndarray
    Y: np.ndarray
    lr: float = LR

    def network(self, seeds: int = 1, seed: int = 0) -> Network:
        """A fresh ``Network`` for this problem, the article's N(0, 1/n_in) weights, zero biases."""
        return Network(self.sizes, self.activations, "variance_scaling", rng=np.random.default_rng(seed), seeds=seeds,
                       init_kwargs={"scale": 1.0, "mode": "fan_in"})

    @property
    def flops(self) -> int:
        """Multiply-adds x 2 of the matrix products of one step (``S = 1``): the forward
        :math:`W A`, the backward :math:`dZ\\,A^\\top` for every layer and :math:`W^\\top dZ` for
        layers 2..L (no gradient for the input)."""
        m = self.X.shape[1]
        per_layer = [2 * a * b * m for a, b in zip(self.sizes[1:], self.sizes[:-1])]
        return 2 * sum(per_layer) + sum(per_layer[1:])


def problem(name: str) -> Problem:
    """The ``small`` or ``large`` problem (see the module docstring).

    >>> p = problem("large")
    >>> p.X.shape, p.Y.shape, p.flops
    ((784, 100), (10, 100), 257880000)
    """
    if name == "small":
        X, Y = datasets.playground("gaussian", np.random.default_rng(0))
        return Problem("small", (2, 6, 3, 1), ("relu", "relu", "sigmoid"), "bce", X, Y)
    if name == "large":
        X, labels = datasets.load_digits()
        X = np.ascontiguousarray(X[:, :100])  # a mini-batch, as train() makes one: a fresh copy
        Y = datasets.one_hot(labels[:100])
        return Problem("large", (784, 300, 300, 300, 300, 10), ("tanh",) * 4 + ("softmax",), "cross_entropy", X, Y)
    raise ValueError(f"unknown problem {name!r}; valid choices: large, small")


# -- contenders: each a function of no argument doing one step -----------------------------------


def xavier_step(p: Problem, net: Network) -> Callable[[], Any]:
    return lambda: net.step(p.X, p.Y, p.cost, p.lr, check=False)


def floor_step(p: Problem, net: Network) -> tuple[Callable[[], Any], list, list]:
    """The floor's step, on copies of ``net``'s (first seed's) weights; also returns them."""
    W = [None] + [w[0].copy() for w in net.W[1:]]
    b = [None] + [v[0].copy() for v in net.b[1:]]
    return (lambda: floor.step(W, b, p.X, p.Y, p.activations, p.cost, p.lr)), W, b


def torch_available() -> bool:
    try:
        import torch  # noqa: F401
    except ImportError:
        return False
    return True


def torch_step(p: Problem, net: Network) -> tuple[Callable[[], Any], list, list]:
    """PyTorch's step on copies of ``net``'s (first seed's) weights, which it also returns (as tensors).

    Same layout as xavier (columns are examples, ``Z = W @ A + b``); the cost from the logits with
    ``binary_cross_entropy_with_logits`` or ``cross_entropy`` (mean over the batch); autograd;
    ``torch.optim.SGD``.
    """
    import torch
    import torch.nn.functional as F

    W = [torch.tensor(w[0], dtype=torch.float64, requires_grad=True) for w in net.W[1:]]
    b = [torch.tensor(v[0], dtype=torch.float64, requires_grad=True) for v in net.b[1:]]
    X = torch.tensor(p.X, dtype=torch.float64)
    Y = torch.tensor(p.Y, dtype=torch.float64)
    g = {"relu": torch.relu, "tanh": torch.tanh}
    hidden = [g[name] for name in p.activations[:-1]]
    opt = torch.optim.SGD(W + b, lr=p.lr)

    def step():
        A = X
        for Wl, bl, gl in zip(W, b, hidden):
            A = gl(Wl @ A + bl)
        Z = W[-1] @ A + b[-1]
        if p.cost == "bce":
            J = F.binary_cross_entropy_with_logits(Z, Y)
        else:
            J = F.cross_entropy(Z.T, Y.T)  # rows are examples for torch; Y as class probabilities
        opt.zero_grad(set_to_none=True)
        J.backward()
        opt.step()
        return J.detach()

    return step, [None] + W, [None] + b


def matmul_step(p: Problem, net: Network) -> Callable[[], Any]:
    """Only the products of one step (forward, dW for every layer, dA for layers 2..L), into
    preallocated C-contiguous arrays: the BLAS time of a step, and nothing else."""
    W = [None] + [np.ascontiguousarray(w[0]) for w in net.W[1:]]
    m = p.X.shape[1]
    A = [p.X] + [np.zeros((n, m)) for n in p.sizes[1:]]
    dZ = [None] + [np.ones((n, m)) for n in p.sizes[1:]]
    dW = [None] + [np.empty_like(w) for w in W[1:]]
    L = len(p.sizes) - 1

    def step():
        for l in range(1, L + 1):
            np.matmul(W[l], A[l - 1], out=A[l])
        for l in range(L, 0, -1):
            np.matmul(dZ[l], A[l - 1].T, out=dW[l])
            if l > 1:
                np.matmul(W[l].T, dZ[l], out=dZ[l - 1])

    return step


# -- benchmarks -------------------------------------------------------------------------------


def _rounds(config: Config) -> dict:
    repeat, min_time = (3, 0.01) if config.quick else (config.repeat, config.min_time)
    return dict(repeat=repeat, min_time=min_time, timer=config.timer)


@register("step", "one training step (forward, cost, backward, update), S = 1: xavier vs floor vs torch")
def bench_step(config: Config) -> list[Row]:
    timing = _rounds(config)
    have_torch = torch_available()
    if not have_torch:
        print(f"    {NO_TORCH}", flush=True)
    rows: list[Row] = []
    targets = {"small": ">= 3", "large": ">= 1"}
    for name in ("small", "large"):
        p = problem(name)
        net = p.network()
        contenders = {
            "xavier": xavier_step(p, net.copy()),
            "floor": floor_step(p, net)[0],
            "matmul-only": matmul_step(p, net),
        }
        if have_torch:
            contenders["torch"] = torch_step(p, net)[0]
        # With torch in the same process, a pause before each block lets the other library's
        # idle threads stop spinning (OpenBLAS spins ~0.1 s after a call): without it PyTorch
        # measured up to 2.5 times slower here, and numpy 1.4 times.
        pause = PAUSE if have_torch else 0.0
        t = interleaved(contenders, pause=pause, **timing)
        for who in contenders:
            rows.append(row(f"{name}: {who} step", median(t[who]) * 1e6, "us"))
        rows.append(row(f"{name}: xavier / floor", ratio(t["xavier"], t["floor"]), "x", "<= 1.2"))
        if have_torch:
            rows.append(row(f"{name}: torch / xavier", ratio(t["torch"], t["xavier"]), "x", targets[name]))
        else:
            rows.append(row(f"{name}: torch / xavier", float("nan"), "x", None, note=NO_TORCH))
        rows.append(row(f"{name}: xavier / matmul-only", ratio(t["xavier"], t["matmul-only"]), "x"))
        if name == "large":
            gflop = p.flops / 1e9
            rows.append(row("large: FLOP per step", gflop * 1e3, "MFLOP"))
            for who in contenders:
                rows.append(row(f"large: {who} GFLOP/s", gflop / median(t[who]), "GFLOP/s"))
    return rows


@register("seeds", "32 seeds of the small network trained at once vs one seed (Network(seeds=32).step)")
def bench_seeds(config: Config) -> list[Row]:
    timing = _rounds(config)
    p = problem("small")
    one, many = p.network(seeds=1), p.network(seeds=32)
    t = interleaved({"1": xavier_step(p, one), "32": xavier_step(p, many)}, **timing)
    r = ratio(t["32"], t["1"])
    return [
        row("small, S = 1: step", median(t["1"]) * 1e6, "us"),
        row("small, S = 32: step", median(t["32"]) * 1e6, "us"),
        row("S = 32 / S = 1", r, "x", "<= 4"),
        row("S = 32 speed-up over 32 single steps", 32 / r, "x"),
    ]

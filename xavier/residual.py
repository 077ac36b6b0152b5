r"""A stack of residual blocks, trainable with :func:`xavier.network.train`.

Block :math:`b = 1, \dots, B` maps the stream :math:`x^{[b-1]}` of width :math:`n` to

.. math::

    x^{[b]} = x^{[b-1]} + \alpha\, W_2^{[b]}\, \mathrm{relu}\big(W_1^{[b]} x^{[b-1]}\big)

(He et al. 2016, "Deep residual learning for image recognition", eq. 1, with a branch of two
layers and no biases). ``skip=False`` drops the skip path, :math:`x^{[b]} = \alpha\, W_2^{[b]}
\mathrm{relu}(W_1^{[b]} x^{[b-1]})`: a plain network of :math:`2B` layers, for comparison. A branch
scale :math:`\alpha = 1/\sqrt{B}` keeps the stream's mean square below :math:`e` times the input's
at the start; zero last layers :math:`W_2^{[b]} = 0` start every block as the identity (Fixup,
Zhang et al. 2019; SkipInit, De & Smith 2020).

The weights are given, not drawn: draw them with :mod:`xavier.init` on a leading block axis, so
that the stack holds exactly the draws the caller made. The cost is the mean squared error of the
last stream against a target, :math:`J = \lVert x^{[B]} - Y \rVert^2 / (2m)` per seed, the cost
``"mse"`` of :mod:`xavier.costs`.

>>> import numpy as np, xavier
>>> rng = np.random.default_rng(0)
>>> W1 = xavier.init.he_normal((10, 4, 16, 16), rng)        # 10 blocks, 4 seeds, width 16
>>> W2 = xavier.init.variance_scaling((10, 4, 16, 16), rng)  # fan-in, N(0, 1/n)
>>> net = ResidualStack(W1, W2, alpha=1 / np.sqrt(10))
>>> x0 = rng.standard_normal((16, 32))
>>> xs = net.forward(x0)
>>> len(xs), xs[-1].shape
(11, (4, 16, 32))
>>> h = xavier.train(net, x0, np.zeros((16, 32)), "mse", lr=0.01, epochs=5)
>>> h.cost.shape, bool(np.all(h.cost[-1] < h.cost[0]))
((5, 4), True)
"""

from __future__ import annotations

import numpy as np

from xavier import _checks, costs, network

__all__ = ["ResidualStack"]


class ResidualStack:
    r"""``B`` residual blocks :math:`x \mapsto x + \alpha\, W_2\, \mathrm{relu}(W_1 x)` for ``S`` seeds.

    It has the members of :class:`xavier.network.Trainable`, so :func:`xavier.network.train` trains it
    with the cost ``"mse"`` (batches, divergence checks, callbacks and :class:`~xavier.network.History`
    as for a :class:`~xavier.network.Network`).

    Parameters
    ----------
    W1, W2 : ndarray of shape (B, S, n, n)
        Each block's first and second weights, block first, then the seed (the shape
        :mod:`xavier.init` draws with ``shape=(B, S, n, n)``), as float64. The arrays given are
        never changed: :meth:`step` copies them before its first update (so a stack that only
        runs :meth:`forward` costs no copy of its weights).
    alpha : float, default 1.0
        The branch scale :math:`\alpha`, a finite number.
    skip : bool, default True
        ``False`` drops the skip path: a plain stack of ``2 B`` layers.

    Attributes
    ----------
    W1, W2 : ndarray of shape (B, S, n, n)
        The weights; :meth:`step` updates its own copies in place.
    B, S, n : int
        Blocks, seeds and the stream's width.
    L : int
        ``2 B``, the number of weight layers: a per-layer learning rate (see
        :func:`xavier.network.learning_rates`) gives ``W1[b]`` rate ``lr[2b]`` and ``W2[b]``
        rate ``lr[2b + 1]``.

    Raises
    ------
    ValueError
        If ``W1`` and ``W2`` are not of one shape ``(B, S, n, n)`` with ``B, S, n >= 1``, hold a
        non-finite or non-real entry, or if ``alpha`` is not a finite number or ``skip`` not a bool.
    """

    def __init__(self, W1: np.ndarray, W2: np.ndarray, *, alpha: float = 1.0, skip: bool = True) -> None:
        W1, W2 = np.asarray(W1), np.asarray(W2)
        for name, W in (("W1", W1), ("W2", W2)):
            if W.ndim != 4 or W.shape[-1] != W.shape[-2] or 0 in W.shape:
                raise ValueError(f"{name} must have shape (B, S, n, n) with B, S, n >= 1, got {W.shape}")
            _checks.real_array(name, W)
        if W1.shape != W2.shape:
            raise ValueError(f"W1 and W2 must have one shape (B, S, n, n), got {W1.shape} and {W2.shape}")
        if not isinstance(skip, (bool, np.bool_)):
            raise ValueError(f"skip must be True or False, got {skip!r}")
        self.alpha = _checks.real("alpha", alpha)
        self.skip = bool(skip)
        self.W1, self.W2 = np.asarray(W1, dtype=float), np.asarray(W2, dtype=float)
        self._own = False  # the arrays are still the caller's: step copies them first
        self.B, self.S, self.n = W1.shape[:3]
        self.L = 2 * self.B
        self.dtype = np.dtype(float)
        self.activations = ("relu", "identity") * self.B

    def parameters(self) -> list:
        """The ``2 B`` arrays :meth:`step` updates, each a view of shape ``(S, n, n)``."""
        return [W for b in range(self.B) for W in (self.W1[b], self.W2[b])]

    def check_inputs(self, X: np.ndarray, Y: np.ndarray | None = None, cost: str | None = None) -> None:
        """Raise ``ValueError`` unless ``X`` is finite of shape ``(n, m)`` or ``(S, n, m)``, ``m >= 1``,
        ``Y`` (if given) finite of shape ``(n, m)`` and ``cost`` (if given) ``"mse"``."""
        X = np.asarray(X)
        if X.ndim not in (2, 3) or X.shape[-2] != self.n or (X.ndim == 3 and X.shape[0] != self.S):
            raise ValueError(f"X must have shape ({self.n}, m) or ({self.S}, {self.n}, m), got {X.shape}")
        if X.shape[-1] == 0:
            raise ValueError(f"m = 0 examples (X has shape {X.shape}); need at least one column")
        _checks.real_array("X", X)
        if cost is not None:
            _checks.one_of("cost", cost, ("mse",))
        if Y is not None:
            Y = np.asarray(Y)
            if Y.shape != (self.n, X.shape[-1]):
                raise ValueError(f"Y has shape {Y.shape}; expected ({self.n}, {X.shape[-1]}) to match X")
            _checks.real_array("Y", Y)

    def _forward(self, X):
        xs, us = [X], []
        for b in range(self.B):
            us.append(self.W1[b] @ xs[-1])
            branch = self.alpha * (self.W2[b] @ np.maximum(us[-1], 0.0))
            xs.append(xs[-1] + branch if self.skip else branch)
        return xs, us

    def forward(self, X: np.ndarray) -> list:
        """The stream ``[x[0], ..., x[B]]``, each of shape ``(S, n, m)`` (``x[0]`` is ``X``
        itself, ``(n, m)`` or ``(S, n, m)``). Raises ``ValueError`` as :meth:`check_inputs`."""
        self.check_inputs(X)
        return self._forward(np.asarray(X, dtype=float))[0]

    def cost(self, X: np.ndarray, Y: np.ndarray) -> np.ndarray:
        """:math:`\\lVert x^{[B]} - Y\\rVert^2 / (2m)` per seed, shape ``(S,)``."""
        self.check_inputs(X, Y)
        xs = self.forward(X)
        return costs.cost("mse", xs[-1], xs[-1], np.asarray(Y, dtype=float))

    def step(self, X: np.ndarray, Y: np.ndarray, cost: str, lr, alive: np.ndarray | None = None, *,
             check: bool = True) -> np.ndarray:
        """One gradient-descent step on every weight of the seeds in ``alive`` (all if ``None``);
        returns each seed's cost before it, shape ``(S,)`` (see :class:`xavier.network.Trainable`)."""
        if check:
            self.check_inputs(X, Y, cost)
            lr = network.learning_rates(lr, self.L)
        rates = (lr,) * self.L if isinstance(lr, float) else lr
        if not self._own:
            self.W1, self.W2, self._own = self.W1.copy(), self.W2.copy(), True
        xs, us = self._forward(X)
        m = X.shape[-1]
        J = 0.5 * ((xs[-1] - Y) ** 2).sum(axis=(-2, -1)) / m
        g = (xs[-1] - Y) / m                                   # dJ/dx[B]
        dW1, dW2 = np.empty_like(self.W1), np.empty_like(self.W2)
        for b in range(self.B - 1, -1, -1):                    # back through block b
            dW2[b] = self.alpha * g @ np.maximum(us[b], 0.0).swapaxes(-1, -2)
            du = self.alpha * (self.W2[b].swapaxes(-1, -2) @ g) * (us[b] > 0)
            dW1[b] = du @ xs[b].swapaxes(-1, -2)
            g = (g if self.skip else 0.0) + self.W1[b].swapaxes(-1, -2) @ du
        keep = slice(None) if alive is None else alive
        for b in range(self.B):
            self.W1[b, keep] -= rates[2 * b] * dW1[b, keep]
            self.W2[b, keep] -= rates[2 * b + 1] * dW2[b, keep]
        return J

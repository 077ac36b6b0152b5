r"""A dense feed-forward network, many seeds at once, and gradient-descent training.

A :class:`Network` always carries a leading seed axis ``S``: it is ``S`` independent copies of one
architecture, each drawn from its own initialization, trained together with numpy's batched
``@``. ``S = 1`` is one network. Shapes follow the package convention (see :mod:`xavier`):

==========  =======================  ================================================
array       shape                    meaning
==========  =======================  ================================================
``W[l]``    ``(S, n[l], n[l-1])``    weights of layer ``l = 1..L``
``b[l]``    ``(S, n[l], 1)``         biases (start at 0)
``X``       ``(n[0], m)``            inputs, shared by all seeds
``Z[l]``    ``(S, n[l], m)``         :math:`Z^{[l]} = W^{[l]} A^{[l-1]} + b^{[l]}`
``A[l]``    ``(S, n[l], m)``         :math:`A^{[l]} = g^{[l]}(Z^{[l]})`, ``A[0] = X``
==========  =======================  ================================================

Back-propagation, for :math:`l = L, \dots, 1`, starting from :math:`dZ^{[L]}` given by the cost:

.. math::

    dW^{[l]} = dZ^{[l]} A^{[l-1]\top}, \qquad db^{[l]} = \textstyle\sum_i dZ^{[l]}_{:,i}, \qquad
    dA^{[l-1]} = W^{[l]\top} dZ^{[l]}, \qquad dZ^{[l-1]} = dA^{[l-1]} \odot g^{[l-1]\prime}(Z^{[l-1]}).

>>> import numpy as np
>>> rng = np.random.default_rng(0)
>>> X = rng.standard_normal((2, 5)); Y = (X[:1] > 0).astype(float)
>>> net = Network([2, 3, 1], ["tanh", "sigmoid"], "xavier_normal", rng=rng, seeds=2)
>>> Z, A = net.forward(X)
>>> [a.shape for a in A]
[(2, 5), (2, 3, 5), (2, 1, 5)]
>>> g = net.backward(Z, A, Y, "bce")
>>> g.dW[1].shape, g.db[2].shape, g.dA[1].shape
((2, 3, 2), (2, 1, 1), (2, 3, 5))
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Callable, NamedTuple, Protocol, Sequence, runtime_checkable

import numpy as np

from xavier import _checks
from xavier import activations as acts
from xavier import costs
from xavier import init as inits


class Gradients(NamedTuple):
    """Gradients of the cost, lists indexed by layer like the weights.

    ``dW[l]`` and ``db[l]`` for ``l = 1..L`` (index 0 is ``None``); ``dA[l]`` is
    :math:`\\partial J/\\partial A^{[l]}` for ``l = 1..L-1``, and ``dA[0]`` with respect to the input
    when asked for (``dA[L]`` is ``None``: the cost gives :math:`dZ^{[L]}` directly).
    """

    dW: list
    """``dW[l]`` of shape ``(S, n[l], n[l-1])``, :math:`\\partial J/\\partial W^{[l]}`, for ``l = 1..L``."""
    db: list
    """``db[l]`` of shape ``(S, n[l], 1)``, :math:`\\partial J/\\partial b^{[l]}`, for ``l = 1..L``."""
    dA: list
    """``dA[l]`` of shape ``(S, n[l], m)``, :math:`\\partial J/\\partial A^{[l]}`, for ``l = 1..L-1``
    (``dA[0]`` when asked for, else None)."""


DTYPES: tuple[str, ...] = ("float64", "float32")
"""The floating-point types a :class:`Network` computes in (its ``dtype`` argument)."""


def _seed_indices(seeds: object, S: int) -> np.ndarray:
    """``seeds`` (an int, a sequence of ints, or a bool mask of shape ``(S,)``) as an int array."""
    bad = ValueError(f"seeds must be indices in 0..{S - 1} (S = {S}) or a boolean mask of shape ({S},), "
                     f"got {seeds!r}")
    try:
        idx = np.asarray(seeds)
    except (ValueError, TypeError):
        raise bad from None
    if idx.dtype == bool:
        if idx.shape != (S,) or not idx.any():
            raise bad
        return np.flatnonzero(idx)
    if idx.ndim > 1 or idx.size == 0 or not np.issubdtype(idx.dtype, np.integer):
        raise bad
    if idx.min() < 0 or idx.max() >= S:
        raise bad
    return idx.reshape(-1)


def learning_rates(lr: object, L: int) -> float | tuple[float, ...]:
    r"""Check a learning rate for :func:`train` and :meth:`Network.step`: one for every layer, or one per layer.

    A scalar :math:`\alpha > 0` is returned as a float. A sequence (or 1-D array) of ``L`` numbers
    :math:`\alpha^{[1]}, \dots, \alpha^{[L]}` gives layer ``l``'s weights and bias their own rate:
    :math:`W^{[l]} \leftarrow W^{[l]} - \alpha^{[l]} dW^{[l]}`,
    :math:`b^{[l]} \leftarrow b^{[l]} - \alpha^{[l]} db^{[l]}`. Each is finite and >= 0 (a layer
    with rate 0 is not updated: frozen), and at least one is > 0. It is returned as a tuple of floats.

    Per-layer rates are what the maximal-update parametrization (muP) needs with SGD: Yang et al.
    (2022), "Tensor Programs V", arXiv:2203.03466, Table 3, give the input layer (and all biases)
    :math:`\eta\,\mathrm{fan\_out}`, hidden layers :math:`\eta` and the output layer
    :math:`\eta / \mathrm{fan\_in}`.

    Raises
    ------
    ValueError
        For a scalar that is not a finite number > 0; a sequence whose length is not ``L``
        (naming both), or with an entry that is not a finite number >= 0 (naming its layer), or
        all of whose entries are 0.

    Examples
    --------
    >>> learning_rates(0.1, 3), learning_rates([0.5, 0.1, 0.0], 3)
    (0.1, (0.5, 0.1, 0.0))
    >>> learning_rates([0.1, 0.1], 3)
    Traceback (most recent call last):
    ...
    ValueError: lr has 2 per-layer values but the network has L = 3 layers; give one number or 3
    """
    if isinstance(lr, (str, bytes)) or not (isinstance(lr, Sequence) or (isinstance(lr, np.ndarray) and lr.ndim)):
        return _checks.real("lr", lr, low=0, strict=True)
    values = list(np.asarray(lr).reshape(-1)) if isinstance(lr, np.ndarray) else list(lr)
    if isinstance(lr, np.ndarray) and lr.ndim != 1:
        raise ValueError(f"lr must be one number or a 1-D sequence of L = {L} numbers, got shape {lr.shape}")
    if len(values) != L:
        raise ValueError(f"lr has {len(values)} per-layer values but the network has L = {L} layers; "
                         f"give one number or {L}")
    rates = tuple(_checks.real(f"lr[{l}] (layer {l + 1})", v, low=0) for l, v in enumerate(values))
    if not any(rates):
        raise ValueError(f"lr must have at least one per-layer value > 0, got {tuple(values)!r}")
    return rates


class Network:
    """``S`` dense networks of one architecture, initialized independently, computed together.

    Parameters
    ----------
    sizes : sequence of int
        Layer widths ``[n[0], n[1], ..., n[L]]``; ``n[0]`` is the number of inputs.
    activations : sequence of str
        One activation per layer ``1..L`` (names in :data:`xavier.activations.ACTIVATIONS`);
        ``softmax`` only on the output layer.
    init : str or callable, default "variance_scaling"
        An initializer name from :data:`xavier.init.INITIALIZERS` (called with ``init_kwargs``), or a
        function ``(shape, rng) -> ndarray``. It is called once per layer with the stacked shape
        ``(S, n[l], n[l-1])``, so every seed gets its own draw, and must return that shape. Biases
        start at 0. The default, ``variance_scaling`` with its defaults, is the article's
        :math:`W^{[l]} \\sim \\mathcal{N}(0, 1/n^{[l-1]})` (LeCun's fan-in rule; the libraries'
        ``"xavier_normal"`` is Glorot & Bengio's fan average, see :mod:`xavier.init`).
    rng : numpy.random.Generator
        The only source of randomness.
    seeds : int, default 1
        ``S``, the number of independent copies.
    init_kwargs : dict, optional
        Keyword arguments for a named initializer, e.g. ``{"scale": 0.01}`` for ``"variance_scaling"``.
    dtype : {"float64", "float32"}, default "float64"
        The floating-point type of the weights, biases and every computed array (the names of
        ``torch.float32``/``torch.float64`` and of Keras' ``dtype`` argument). The initializer still
        draws in float64; the draw is then rounded to ``dtype``, so a float32 network starts from
        the float64 network's weights rounded to float32. Inputs and targets are converted to
        ``dtype``. float32 halves the time of the matrix products of a wide network, at a relative
        rounding error of about :math:`6 \\times 10^{-8}` per operation instead of
        :math:`1.1 \\times 10^{-16}`.

    Attributes
    ----------
    W, b : list of ndarray
        ``W[l]`` of shape ``(S, n[l], n[l-1])`` and ``b[l]`` of shape ``(S, n[l], 1)``; index 0 is
        ``None``. Read them, or set them by hand: ``net.W[3][...] = 1.5 * np.eye(2)``.

    Raises
    ------
    ValueError
        For a ``dtype`` other than "float64" or "float32", sizes that are not at least two positive integers (``bool`` is not an integer),
        activations that do not match them, ``softmax`` on a hidden layer or on a single output
        unit, ``seeds`` not a positive integer, an ``rng`` that is not a
        :class:`numpy.random.Generator`, an unknown initializer or keyword argument, and an
        initializer that returns another shape than ``(S, n[l], n[l-1])`` or non-finite weights.

    Examples
    --------
    >>> net = Network([2, 6, 3, 1], ["relu", "relu", "sigmoid"], "variance_scaling",
    ...               rng=np.random.default_rng(1), init_kwargs={"scale": 0.0})
    >>> net.sizes, net.L, net.S, float(abs(net.W[2]).sum())
    ((2, 6, 3, 1), 3, 1, 0.0)
    >>> Network([2, 1], ["swish"], rng=np.random.default_rng(0))
    Traceback (most recent call last):
    ...
    ValueError: unknown activation 'swish'; valid choices: identity, relu, sigmoid, softmax, tanh
    """

    def __init__(
        self,
        sizes: Sequence[int],
        activations: Sequence[str],
        init: str | Callable[..., np.ndarray] = "variance_scaling",
        *,
        rng: np.random.Generator,
        seeds: int = 1,
        init_kwargs: dict[str, Any] | None = None,
        dtype: str = "float64",
    ) -> None:
        if not isinstance(dtype, str) or dtype not in DTYPES:
            raise ValueError(f"dtype must be one of {', '.join(DTYPES)}, got {dtype!r}")
        if isinstance(sizes, np.ndarray) and sizes.ndim == 1:
            sizes = sizes.tolist()
        if isinstance(sizes, (str, bytes)) or not isinstance(sizes, Sequence) or len(sizes) < 2:
            shown = tuple(sizes) if isinstance(sizes, Sequence) and not isinstance(sizes, (str, bytes)) else sizes
            raise ValueError(f"sizes must be at least two positive integers [n0, ..., nL], got {shown!r}")
        try:
            sizes = tuple(_checks.positive_int("size", n) for n in sizes)
        except ValueError:
            raise ValueError(f"sizes must be at least two positive integers [n0, ..., nL], got {tuple(sizes)!r}") from None
        if isinstance(activations, str) or not isinstance(activations, Sequence) or len(activations) != len(sizes) - 1:
            raise ValueError(
                f"activations must list one name per layer ({len(sizes) - 1} for sizes {sizes!r}), "
                f"got {activations!r}"
            )
        for a in activations:
            acts.get(a)
        if "softmax" in activations[:-1]:
            raise ValueError(f"softmax is for the output layer only, got activations {tuple(activations)!r}")
        if activations[-1] == "softmax" and sizes[-1] < 2:
            raise ValueError(f"a softmax output needs at least 2 units (classes), got n[L] = {sizes[-1]}: "
                             "a softmax over one unit is always 1; use sigmoid for one unit")
        S = _checks.positive_int("seeds", seeds)
        _checks.generator("rng", rng)
        kwargs = {} if init_kwargs is None else init_kwargs
        if not isinstance(kwargs, dict):
            raise ValueError(f"init_kwargs must be a dict of keyword arguments, got {init_kwargs!r}")
        if isinstance(init, str):
            draw = inits._check_kwargs(init, kwargs)
        elif callable(init):
            draw = init
        else:
            raise ValueError(f"init must be an initializer name ({', '.join(sorted(inits.INITIALIZERS))}) "
                             f"or a function (shape, rng) -> ndarray, got {init!r}")
        self.sizes = sizes
        self.dtype = np.dtype(dtype)
        self.activations = tuple(activations)
        self.S = S
        self.W: list = [None]
        self.b: list = [None]
        for l, (n_in, n_out) in enumerate(zip(self.sizes[:-1], self.sizes[1:]), start=1):
            expected = (self.S, n_out, n_in)
            W = draw(expected, rng, **kwargs)
            shape = np.shape(W)
            if shape != expected:
                raise ValueError(f"the initializer returned shape {shape} for layer {l}; expected "
                                 f"(S, n[{l}], n[{l - 1}]) = {expected}")
            W = np.asarray(W)
            if W.dtype != bool and (not np.issubdtype(W.dtype, np.number) or np.issubdtype(W.dtype, np.complexfloating)):
                raise ValueError(f"the initializer returned dtype {W.dtype} for layer {l}; expected real numbers")
            W = np.array(W, dtype=np.float64, order="C")  # a copy: the network owns its weights
            if not np.isfinite(W).all():
                raise ValueError(f"the initializer returned non-finite weights for layer {l} "
                                 f"(e.g. {W[~np.isfinite(W)].flat[0]}); expected finite numbers")
            self.W.append(W if self.dtype == np.float64 else W.astype(self.dtype))
            self.b.append(np.zeros((self.S, n_out, 1), dtype=self.dtype))

    @property
    def L(self) -> int:
        """The number of layers with weights (the output layer is ``L``)."""
        return len(self.sizes) - 1

    def parameters(self) -> list:
        """The arrays :meth:`step` updates: ``W[1..L]`` then ``b[1..L]`` (the arrays themselves, not
        copies), as :func:`train` reads them (:class:`Trainable`)."""
        return self.W[1:] + self.b[1:]

    def copy(self) -> Network:
        """An independent copy (weights copied), to train one start in several ways."""
        return self._with(self.W[1:], self.b[1:])

    def _with(self, W: list, b: list) -> Network:
        # A network like this one holding copies of the per-layer arrays W[1..L], b[1..L].
        new = object.__new__(type(self))
        new.__dict__.update(self.__dict__)
        new.__dict__.pop("_workspaces", None)  # step's work arrays belong to one network
        new.W = [None] + [np.array(w, dtype=self.dtype, order="C") for w in W]
        new.b = [None] + [np.array(v, dtype=self.dtype, order="C") for v in b]
        new.S = new.W[1].shape[0]
        return new

    def take(self, seeds: int | Sequence[int] | np.ndarray) -> Network:
        """A new network holding the stacked copies ``seeds`` of this one (weights copied).

        The seed-axis counterpart of :func:`numpy.take`: ``W[l]`` of the result is
        ``self.W[l][seeds]``, of shape ``(S', n[l], n[l-1])``, and likewise ``b[l]``; sizes,
        activations and ``dtype`` are this network's.

        Parameters
        ----------
        seeds : int, sequence of int, or ndarray of bool of shape (S,)
            Seed indices in ``0..S-1`` (an int gives a network of one seed, ``S' = 1``; a
            sequence keeps its order and may repeat a seed), or a boolean mask over the ``S`` seeds
            with at least one True.

        Returns
        -------
        Network
            ``S'`` seeds: 1 for an int, ``len(seeds)`` for a sequence, the number of True for a mask.

        Raises
        ------
        ValueError
            For an index outside ``0..S-1`` (negative ones included), an empty selection, a mask
            of another length than ``S``, or indices that are not integers (``bool`` included).

        Examples
        --------
        >>> net = Network([2, 3, 1], ["tanh", "sigmoid"], rng=np.random.default_rng(0), seeds=4)
        >>> few = net.take([3, 1])
        >>> few.S, few.W[1].shape, bool(np.array_equal(few.W[1][0], net.W[1][3]))
        (2, (2, 3, 2), True)
        >>> net.take(np.array([True, False, False, True])).S, net.take(2).S
        (2, 1)
        >>> net.take([0, 4])
        Traceback (most recent call last):
        ...
        ValueError: seeds must be indices in 0..3 (S = 4) or a boolean mask of shape (4,), got [0, 4]
        """
        keep = _seed_indices(seeds, self.S)
        return self._with([W[keep] for W in self.W[1:]], [b[keep] for b in self.b[1:]])

    # -- forward ---------------------------------------------------------------------------

    def check_inputs(self, X: np.ndarray, Y: np.ndarray | None = None, cost: costs.Name | None = None) -> None:
        """Raise ``ValueError`` unless ``X`` is ``(n[0], m)`` (or ``(S, n[0], m)``) with ``m >= 1``
        and finite, and ``Y`` (if given) is ``(n[L], m)`` and valid targets for ``cost`` (see
        :func:`xavier.costs.check_targets`).

        >>> net = Network([2, 1], ["sigmoid"], rng=np.random.default_rng(0))
        >>> net.check_inputs(np.zeros((3, 4)))
        Traceback (most recent call last):
        ...
        ValueError: X has 3 rows but the network has n[0] = 2 inputs; expected shape (2, m)
        >>> net.check_inputs(np.zeros((2, 0)))
        Traceback (most recent call last):
        ...
        ValueError: m = 0 examples (X has shape (2, 0)); need at least one column
        """
        X = np.asarray(X)
        if X.ndim not in (2, 3) or X.shape[-2] != self.sizes[0]:
            rows = X.shape[-2] if X.ndim >= 2 else f"shape {X.shape} and no"
            raise ValueError(
                f"X has {rows} rows but the network has n[0] = {self.sizes[0]} inputs; "
                f"expected shape ({self.sizes[0]}, m)"
            )
        if X.ndim == 3 and X.shape[0] != self.S:
            raise ValueError(f"X has shape {X.shape}: inputs per seed need (S, n[0], m) with S = {self.S}")
        if X.shape[-1] == 0:
            raise ValueError(f"m = 0 examples (X has shape {X.shape}); need at least one column")
        _checks.real_array("X", X, bool_ok=True)
        if Y is not None:
            Y = np.asarray(Y)
            expected = (self.sizes[-1], X.shape[-1])
            if Y.shape != expected:
                raise ValueError(f"Y has shape {Y.shape}; expected {expected} (n[L], m) to match X")
            if cost is None:
                _checks.real_array("Y", Y, bool_ok=True)
            else:
                costs.check_targets(cost, np.empty(expected), None if cost != "mse" else np.empty(expected), Y)

    def forward(self, X: np.ndarray) -> tuple[list, list]:
        """Forward pass, keeping every layer.

        An initialization so large that the products overflow gives ``inf``/``nan`` in ``Z`` and
        ``A``, without a ``RuntimeWarning``.

        Parameters
        ----------
        X : ndarray of shape (n[0], m), m >= 1

        Returns
        -------
        Z, A : list of ndarray
            ``Z[l]`` and ``A[l]`` of shape ``(S, n[l], m)`` for ``l = 1..L``; ``Z[0]`` is ``None``
            and ``A[0]`` is ``X``.

        Raises
        ------
        ValueError
            From :meth:`check_inputs`.
        """
        self.check_inputs(X)
        return self._forward(np.asarray(X, dtype=self.dtype))

    def _forward(self, X):
        Z, A = [None], [X]
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            for W, b, g in zip(self.W[1:], self.b[1:], self.activations):
                z = W @ A[-1]
                z += b
                Z.append(z)
                A.append(acts.ACTIVATIONS[g].forward(z))
        return Z, A

    def predict(self, X: np.ndarray) -> np.ndarray:
        """The output ``A[L]``, of shape ``(S, n[L], m)``.

        >>> net = Network([2, 1], ["sigmoid"], "zeros", rng=np.random.default_rng(0), seeds=3)
        >>> net.predict(np.ones((2, 4))).shape
        (3, 1, 4)
        """
        return self.forward(X)[1][-1]

    def cost(self, X: np.ndarray, Y: np.ndarray, cost: costs.Name) -> np.ndarray:
        """The cost of every seed on ``(X, Y)``, shape ``(S,)``; ``inf`` or ``nan`` (no warning) for
        a seed whose output overflowed.

        Raises ``ValueError`` for a cost that does not go with the output activation, and from
        :meth:`check_inputs`.

        >>> net = Network([2, 1], ["sigmoid"], "zeros", rng=np.random.default_rng(0), seeds=2)
        >>> net.cost(np.ones((2, 4)), np.ones((1, 4)), "bce").round(4)   # log 2 at z = 0
        array([0.6931, 0.6931])
        """
        costs.check(cost, self.activations[-1])
        self.check_inputs(X, Y, cost)
        Z, A = self._forward(np.asarray(X, dtype=self.dtype))
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            return costs._cost(cost, Z[-1], A[-1], np.asarray(Y, dtype=self.dtype))

    # -- backward --------------------------------------------------------------------------

    def backward(self, Z: list, A: list, Y: np.ndarray, cost: costs.Name, *, input_grad: bool = False) -> Gradients:
        """Back-propagate ``cost`` through the layers kept by :meth:`forward`.

        Parameters
        ----------
        Z, A : list of ndarray
            As returned by :meth:`forward`.
        Y : ndarray of shape (n[L], m)
        cost : {"bce", "cross_entropy", "mse"}
        input_grad : bool, default False
            Also compute ``dA[0]``, the gradient with respect to the input.

        Returns
        -------
        Gradients
            ``dW[l]``, ``db[l]`` (shapes of ``W[l]``, ``b[l]``) and ``dA[l]`` (shape of ``A[l]``),
            each seed's gradient of its own cost.

        Raises
        ------
        ValueError
            For a cost that does not go with the output activation, ``Z``/``A`` lists that do not
            fit the network, and the target checks of :meth:`check_inputs`.
        """
        costs.check(cost, self.activations[-1])
        L = self.L
        if not (isinstance(Z, (list, tuple)) and isinstance(A, (list, tuple)) and len(Z) == len(A) == L + 1):
            raise ValueError(f"Z and A must be the lists of L + 1 = {L + 1} arrays returned by forward()")
        self.check_inputs(A[0])
        m = np.shape(A[0])[-1]
        for l in range(1, L + 1):
            for name, arr in (("Z", Z[l]), ("A", A[l])):
                if np.shape(arr) != (self.S, self.sizes[l], m):
                    raise ValueError(f"{name}[{l}] has shape {np.shape(arr)}; expected (S, n[{l}], m) = "
                                     f"{(self.S, self.sizes[l], m)}")
        self.check_inputs(A[0], Y, cost)
        return self._backward(Z, A, np.asarray(Y, dtype=self.dtype), cost, input_grad)

    def _backward(self, Z, A, Y, cost, input_grad=False):
        L = self.L
        dW, db, dA = [None] * (L + 1), [None] * (L + 1), [None] * (L + 1)
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            dZ = costs._gradient(cost, self.activations[-1], Z[L], A[L], Y)
            for l in range(L, 0, -1):
                dW[l] = dZ @ A[l - 1].swapaxes(-1, -2)
                db[l] = dZ.sum(axis=-1, keepdims=True)
                if l > 1 or input_grad:
                    dA[l - 1] = self.W[l].swapaxes(-1, -2) @ dZ
                if l > 1:
                    dZ = acts.ACTIVATIONS[self.activations[l - 2]].backward(Z[l - 1], A[l - 1], dA[l - 1])
        return Gradients(dW, db, dA)

    # -- one step of gradient descent --------------------------------------------------------

    def step(self, X: np.ndarray, Y: np.ndarray, cost: costs.Name, lr: float | Sequence[float],
             alive: np.ndarray | None = None,
             *, check: bool = True) -> np.ndarray:
        """One gradient-descent step on ``(X, Y)``; returns each seed's cost *before* the step.

        The same numbers as :meth:`forward`, :meth:`backward` and
        :math:`W^{[l]} \\leftarrow W^{[l]} - \\alpha\\, dW^{[l]}`,
        :math:`b^{[l]} \\leftarrow b^{[l]} - \\alpha\\, db^{[l]}` (to rounding), computed in
        place with reused arrays: this is :func:`train`'s inner loop.

        Parameters
        ----------
        X : ndarray of shape (n[0], m), or (S, n[0], m) for inputs per seed
        Y : ndarray of shape (n[L], m)
        cost : {"bce", "cross_entropy", "mse"}
        lr : float or sequence of float
            The learning rate :math:`\\alpha > 0`, or one rate per layer (see :func:`learning_rates`).
        alive : ndarray of bool, shape (S,), optional
            Seeds where it is False are left unchanged (their cost is still computed).
        check : bool, default True
            Check the arguments (as :meth:`check_inputs`); :func:`train` checks them once and
            passes False.

        Returns
        -------
        ndarray of shape (S,)

        Raises
        ------
        ValueError
            With ``check``, for the cases of :meth:`cost`, a learning rate that is not a finite
            number > 0 or a valid per-layer sequence (:func:`learning_rates`), or ``alive`` not of
            shape ``(S,)``.

        Examples
        --------
        >>> rng = np.random.default_rng(0)
        >>> X = rng.standard_normal((2, 50)); Y = (X.sum(0, keepdims=True) > 0) * 1.0
        >>> net = Network([2, 1], ["sigmoid"], "zeros", rng=rng)
        >>> c0 = net.step(X, Y, "bce", 1.0); c1 = net.step(X, Y, "bce", 1.0)
        >>> bool(c1[0] < c0[0])
        True
        """
        if check:
            costs.check(cost, self.activations[-1])
            self.check_inputs(X, Y, cost)
            lr = learning_rates(lr, self.L)
            if alive is not None:
                alive = np.asarray(alive)
                if alive.shape != (self.S,) or alive.dtype != bool:
                    raise ValueError(f"alive must be a bool array of shape (S,) = ({self.S},), got {alive!r}")
            X = np.asarray(X, dtype=self.dtype)
            Y = np.asarray(Y, dtype=self.dtype)
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            return self._step(X, Y, cost, lr, alive)

    def _step(self, X, Y, cost, lr, alive):
        # The same arithmetic as forward, cost, backward and the update written out plainly, made
        # fast for the inner loop: arrays reused from step to step (a _Workspace, so no allocation,
        # no page faults), products written in place with out=, no dA[0], and dZ^[L] multiplied by
        # lr once, so the products give lr * dW and lr * db directly. For S = 1 the seed axis is
        # dropped (2-D views), which halves numpy's per-call cost on small layers.
        if X.ndim != 2:  # inputs per seed, (S, n[0], m): the general path
            return self._step_general(X, Y, cost, lr, alive)
        ws = self._workspace(X)
        L, g, S = self.L, self.activations, self.S
        one = S == 1
        W = [None] + [w[0] if one else w for w in self.W[1:]]  # views: updating them updates self.W
        b = [None] + [v[0] if one else v for v in self.b[1:]]

        # forward; a hidden layer's activation overwrites its Z where the backward step needs only A
        Z, A = ws.Z, [X] + [None] * L
        for l in range(1, L + 1):
            if l == 1 and not one:  # X is shared: all seeds' first layers in one product
                np.matmul(W[1].reshape(-1, X.shape[0]), X, out=Z[1].reshape(-1, X.shape[1]))
            else:
                _matmul(W[l], A[l - 1], Z[l])
            Z[l] += b[l]
            inplace = _FORWARD_INPLACE.get(g[l - 1]) if l < L else None
            A[l] = inplace(Z[l], ws.zeros[l]) if inplace else acts.ACTIVATIONS[g[l - 1]].forward(Z[l])

        J = costs._cost(cost, Z[L], A[L], Y)
        dZ = costs._gradient(cost, g[-1], Z[L], A[L], Y)
        # Per-layer rates: dZ carries the output layer's rate (1 if that is 0), and layer l's
        # products are rescaled by lr[l] / that rate, skipped when it is 1 (equal rates give the
        # scalar path's numbers bit for bit); a layer with rate 0 is not updated.
        rates = (lr,) * L if isinstance(lr, float) else lr
        carried = rates[-1] if rates[-1] > 0 else 1.0
        dZ *= carried

        # backward and update, layer by layer: W[l] is used for dA[l-1] before it changes
        for l in range(L, 0, -1):
            if l == 1 and not one:
                np.matmul(dZ.reshape(-1, X.shape[1]), X.T, out=ws.dW[1].reshape(-1, X.shape[0]))
            else:
                _matmul(dZ, A[l - 1].swapaxes(-1, -2), ws.dW[l])
            np.matmul(dZ, ws.ones, out=ws.db[l])  # the sum over examples
            if l > 1:
                dA = _matmul(W[l].swapaxes(-1, -2), dZ, ws.dA[l - 1])
                inplace = _BACKWARD_INPLACE.get(g[l - 2]) if A[l - 1] is Z[l - 1] else None
                if inplace:
                    dZ = inplace(A[l - 1], dA, ws.tmp[l - 1], ws.mask[l - 1])
                else:
                    dZ = acts.ACTIVATIONS[g[l - 2]].backward(Z[l - 1], A[l - 1], dA)
            if rates[l - 1] == 0:
                continue
            if rates[l - 1] != carried:
                ws.dW[l] *= rates[l - 1] / carried
                ws.db[l] *= rates[l - 1] / carried
            if alive is None:
                W[l] -= ws.dW[l]
                b[l] -= ws.db[l]
            elif one:
                if alive[0]:
                    W[l] -= ws.dW[l]
                    b[l] -= ws.db[l]
            else:
                np.subtract(W[l], ws.dW[l], out=W[l], where=alive[:, None, None])
                np.subtract(b[l], ws.db[l], out=b[l], where=alive[:, None, None])
        return np.reshape(J, (1,)) if one else J

    def _step_general(self, X, Y, cost, lr, alive):
        Z, A = self._forward(X)
        J = costs._cost(cost, Z[-1], A[-1], Y)
        g = self._backward(Z, A, Y, cost)
        rates = (lr,) * self.L if isinstance(lr, float) else lr
        for l, lr in enumerate(rates, start=1):
            if lr == 0:
                continue
            if alive is None:
                self.W[l] -= lr * g.dW[l]
                self.b[l] -= lr * g.db[l]
            else:
                np.subtract(self.W[l], lr * g.dW[l], out=self.W[l], where=alive[:, None, None])
                np.subtract(self.b[l], lr * g.db[l], out=self.b[l], where=alive[:, None, None])
        return J

    def _workspace(self, X: np.ndarray) -> _Workspace:
        # Kept on the instance for the next step, one per batch shape. copy() does not copy them,
        # so two networks never write into the same arrays.
        key = (X.shape, tuple(W.shape for W in self.W[1:]))
        spaces = self.__dict__.setdefault("_workspaces", {})
        ws = spaces.get(key)
        if ws is None:
            if len(spaces) >= 3:  # a few batch shapes (the last mini-batch is often shorter)
                spaces.clear()
            ws = spaces[key] = _Workspace(self, X.shape[-1])
        return ws


def concatenate(nets: Sequence[Network]) -> Network:
    """One network holding the seeds of ``nets`` one after the other, along the seed axis.

    The counterpart of :func:`numpy.concatenate` (``torch.cat``) and the inverse of
    :meth:`Network.take`: ``W[l]`` of the result is ``np.concatenate([n.W[l] for n in nets])``, of
    shape ``(S_1 + ... + S_k, n[l], n[l-1])``, and likewise ``b[l]`` (weights copied). Networks
    initialized in different ways then train together, in one batched pass.

    Parameters
    ----------
    nets : sequence of Network
        At least one, all with the same ``sizes``, ``activations`` and ``dtype``.

    Returns
    -------
    Network
        Of the type of ``nets[0]``.

    Raises
    ------
    ValueError
        If ``nets`` is empty or holds something else than a :class:`Network`, or a network whose
        sizes, activations or dtype differ from those of ``nets[0]`` (the message names it).

    Examples
    --------
    >>> a = Network([2, 3, 1], ["relu", "sigmoid"], "zeros", rng=np.random.default_rng(0))
    >>> b = Network([2, 3, 1], ["relu", "sigmoid"], rng=np.random.default_rng(1), seeds=2)
    >>> both = concatenate([a, b])
    >>> both.S, both.W[1].shape, float(abs(both.W[1][0]).sum()), bool(np.array_equal(both.W[1][1:], b.W[1]))
    (3, (3, 3, 2), 0.0, True)
    >>> concatenate([a, Network([2, 4, 1], ["relu", "sigmoid"], rng=np.random.default_rng(0))])
    Traceback (most recent call last):
    ...
    ValueError: nets[1] has sizes (2, 4, 1), nets[0] has (2, 3, 1): only networks of one architecture and dtype concatenate
    """
    if isinstance(nets, (Network, str)) or not isinstance(nets, Sequence) or len(nets) == 0:
        raise ValueError(f"nets must be a non-empty sequence of Network objects, got {nets!r}")
    first = nets[0]
    for i, net in enumerate(nets):
        if not isinstance(net, Network):
            raise ValueError(f"nets[{i}] is a {type(net).__name__}, not a Network")
        for what in ("sizes", "activations", "dtype"):
            mine, theirs = getattr(net, what), getattr(first, what)
            if mine != theirs:
                show = (lambda v: str(v)) if what == "dtype" else repr
                raise ValueError(f"nets[{i}] has {what} {show(mine)}, nets[0] has {show(theirs)}: only networks "
                                 "of one architecture and dtype concatenate")
    return first._with([np.concatenate([n.W[l] for n in nets]) for l in range(1, first.L + 1)],
                       [np.concatenate([n.b[l] for n in nets]) for l in range(1, first.L + 1)])


def _matmul(a, b, out):
    # A product over one term (a single output unit, a single example) is an outer product:
    # broadcasting gives the same numbers without one BLAS call per seed.
    if a.shape[-1] == 1:
        return np.multiply(a, b, out=out)
    return np.matmul(a, b, out=out)


# In-place versions of the hidden activations whose backward step needs only A = g(Z): the same
# arithmetic as in xavier.activations (checked by tests/test_bench_floor.py), writing A over Z and
# dZ over dA. Other activations go through xavier.activations.
_FORWARD_INPLACE: dict[str, Callable[[np.ndarray, np.ndarray], np.ndarray]] = {
    "identity": lambda Z, zeros: Z,
    "tanh": lambda Z, zeros: np.tanh(Z, out=Z),
    # max(Z, 0) against an array of zeros: numpy's vector loop (4x faster than against 0.0)
    "relu": lambda Z, zeros: np.maximum(Z, zeros, out=Z),
}


def _tanh_backward(A, dA, tmp, mask):
    t = np.multiply(A, A, out=tmp)  # dA * (1 - A^2), tanh' = 1 - tanh^2
    np.subtract(1.0, t, out=t)
    return np.multiply(dA, t, out=dA)


def _relu_backward(A, dA, tmp, mask):
    # dA * (Z > 0); relu(z) > 0 exactly where z > 0
    return np.multiply(dA, np.greater(A, 0.0, out=mask), out=dA)


_BACKWARD_INPLACE: dict[str, Callable[..., np.ndarray]] = {
    "identity": lambda A, dA, tmp, mask: dA,
    "tanh": _tanh_backward,
    "relu": _relu_backward,
}


class _Workspace:
    r"""The arrays one network's :meth:`Network.step` reuses on batches of ``m`` examples.

    Shapes drop the seed axis when ``S = 1``. ``Z[l]`` holds :math:`Z^{[l]}` (then :math:`A^{[l]}`
    for in-place activations), ``dA[l]`` holds :math:`dA^{[l]}` then :math:`dZ^{[l]}` (both times
    :math:`\alpha`), ``dW[l]`` and ``db[l]`` hold :math:`\alpha\, dW^{[l]}` and
    :math:`\alpha\, db^{[l]}`; ``tmp[l]``, ``mask[l]`` and ``zeros[l]`` (never written), shaped
    like ``dA[l]``, are views of one array each.
    """

    def __init__(self, net: Network, m: int) -> None:
        lead = () if net.S == 1 else (net.S,)
        n, f = net.sizes, net.dtype
        self.Z = [None] + [np.empty(lead + (k, m), dtype=f) for k in n[1:]]
        self.dA = [None] + [np.empty(lead + (k, m), dtype=f) for k in n[1:-1]]
        self.dW = [None] + [np.empty(lead + tuple(W.shape[-2:]), dtype=f) for W in net.W[1:]]
        self.db = [None] + [np.empty(lead + (k, 1), dtype=f) for k in n[1:]]
        self.ones = np.ones((m, 1), dtype=f)
        size = max((a.size for a in self.dA[1:]), default=0)
        tmp, mask, zeros = np.empty(size, dtype=f), np.empty(size, dtype=bool), np.zeros(size, dtype=f)
        self.tmp = [None] + [tmp[: a.size].reshape(a.shape) for a in self.dA[1:]]
        self.mask = [None] + [mask[: a.size].reshape(a.shape) for a in self.dA[1:]]
        self.zeros = [None] + [zeros[: a.size].reshape(a.shape) for a in self.dA[1:]] + [None]


@dataclass
class History:
    """What :func:`train` returns.

    Attributes
    ----------
    cost : ndarray of shape (T, S)
        ``cost[t, s]``: seed ``s``'s cost on the batch of step ``t``, before that step's update;
        ``nan`` once the seed has diverged (from ``diverged_at`` on if its cost was the non-finite
        value, from ``diverged_at + 1`` if its weights were).
    diverged : ndarray of bool, shape (S,)
        Seeds whose cost or weights became non-finite; they were frozen and left out from then on.
        A frozen seed keeps the weights it had after its last update, non-finite values included.
    diverged_at : ndarray of int, shape (S,)
        For each seed the first step ``t`` whose cost (computed before the update) was not finite
        or after whose update a weight or bias was not finite; 0 for a seed whose weights were
        already non-finite when training started; ``-1`` if it did not diverge.
    epochs : int
        Epochs run (fewer than asked if every seed diverged).
    records : list of (int, object)
        ``(step, callback(step, net))`` for every step the callback was called at
        (``callback(step, net, batch)`` with ``callback_batch=True``).
    """

    cost: np.ndarray
    diverged: np.ndarray
    diverged_at: np.ndarray
    epochs: int
    records: list = field(default_factory=list)

    def first_below(self, level: float) -> np.ndarray:
        """For each seed the first step whose cost is below ``level``, ``-1`` if none:
        :func:`first_below` of :attr:`cost`, shape ``(S,)``.

        >>> h = History(cost=np.array([[0.9, 0.9], [0.5, 0.8], [0.05, np.nan]]), diverged=np.array([False, True]),
        ...             diverged_at=np.array([-1, 2]), epochs=3)
        >>> h.first_below(0.6)
        array([ 1, -1])
        """
        return first_below(self.cost, level)


def first_below(cost: np.ndarray, level: float) -> np.ndarray:
    """The first index along axis 0 at which ``cost`` is below ``level``; ``-1`` where it never is.

    For :attr:`History.cost`, shape ``(T, S)``: each seed's first step ``t`` with
    ``cost[t, s] < level`` (strictly below), e.g. the steps a run takes to reach a cost. A ``nan``
    (a seed after it diverged) is never below any level, so a seed that diverges before it gets
    there gives ``-1``.

    Parameters
    ----------
    cost : array_like of shape (T, ...)
        Costs along axis 0 (``T = 0`` gives ``-1`` everywhere).
    level : float
        A number, not ``nan`` (``inf`` is allowed: every finite cost is below it).

    Returns
    -------
    ndarray of int, shape ``cost.shape[1:]``
        A 0-d array for a one-dimensional ``cost``.

    Raises
    ------
    ValueError
        If ``cost`` has no axis or does not hold real numbers, or ``level`` is not a number.

    Examples
    --------
    >>> first_below(np.array([[0.9, 0.9], [0.5, 0.8], [0.05, np.nan]]), 0.6)
    array([ 1, -1])
    >>> int(first_below([3.0, 1.0, 0.5], 1.0))   # strictly below: 1.0 is not
    2
    """
    level = _checks.real("level", level, finite=False)
    cost = np.asarray(cost)
    if cost.ndim == 0 or cost.dtype == bool or not np.issubdtype(cost.dtype, np.number) \
            or np.issubdtype(cost.dtype, np.complexfloating):
        raise ValueError(f"cost must be an array of real numbers with steps on axis 0, shape (T, ...), "
                         f"got {'dtype ' + str(cost.dtype) if cost.ndim else 'a scalar'}")
    if cost.shape[0] == 0:
        return np.full(cost.shape[1:], -1, dtype=np.intp)
    below = cost < level  # nan < level is False, and warns nothing
    return np.where(below.any(axis=0), below.argmax(axis=0), -1)


class Batch(NamedTuple):
    """The batch a step of :func:`train` trains on, as given to a callback with ``callback_batch=True``.

    ``X`` of shape ``(n[0], b)`` and ``Y`` of shape ``(n[L], b)`` are the columns ``index`` (shape
    ``(b,)``, into the ``X`` and ``Y`` given to :func:`train`) in the network's dtype; for full-batch
    training ``index`` is ``0..m-1`` and ``X``, ``Y`` are all of them.
    """

    X: np.ndarray
    """The batch's inputs, shape ``(n[0], b)``."""
    Y: np.ndarray
    """The batch's targets, shape ``(n[L], b)``."""
    index: np.ndarray
    """Which columns of ``train``'s ``X`` and ``Y`` they are, shape ``(b,)``."""


@runtime_checkable
class Trainable(Protocol):
    """What :func:`train` needs of a model: a :class:`Network`, or any object with these members.

    A model of another architecture (a page's network with a normalization layer, say) trains
    with :func:`train`, and gets its batching, shuffling, divergence checks, callbacks and
    :class:`History`, by providing them. Every array has the seed axis ``S`` first.

    Attributes
    ----------
    S : int
        The number of independent copies.
    L : int
        The number of layers, the length of a per-layer learning rate (:func:`learning_rates`).
    dtype : numpy.dtype
        ``X`` and ``Y`` are converted to it before the first step.
    activations : sequence of str
        Its last entry, the output activation, is checked against the cost
        (:func:`xavier.costs.check`); the others are not read.

    Methods
    -------
    check_inputs(X, Y, cost)
        Raise ``ValueError`` for inputs or targets the model cannot take (as
        :meth:`Network.check_inputs`).
    step(X, Y, cost, lr, alive, *, check)
        One update on the batch ``(X, Y)``, returning each seed's cost before it, shape ``(S,)``,
        as :meth:`Network.step`. :func:`train` passes ``check=False``, ``lr`` as
        :func:`learning_rates` returns it, and ``alive`` (``None``, or a bool array of shape
        ``(S,)``): a seed where it is False must be left unchanged.
    parameters()
        The arrays ``step`` updates, each of shape ``(S, ...)``; a seed with a non-finite entry in
        one of them has diverged.
    """

    S: int
    L: int
    dtype: Any
    activations: Sequence[str]

    def check_inputs(self, X: np.ndarray, Y: np.ndarray | None = None, cost: costs.Name | None = None) -> None: ...

    def step(self, X: np.ndarray, Y: np.ndarray, cost: costs.Name, lr: float | Sequence[float],
             alive: np.ndarray | None = None, *, check: bool = True) -> np.ndarray: ...

    def parameters(self) -> list: ...


def _finite_seeds(net: Trainable, among: np.ndarray | None = None) -> np.ndarray:
    """Seeds whose parameters are all finite, shape ``(S,)``; with ``among`` (bool, ``(S,)``) only
    those seeds are examined, the others come out False."""
    # A sum is finite only when every term is: an infinity makes it infinite or nan, a nan makes it
    # nan. So one sum per seed and parameter, added up, clears the seeds whose total is finite;
    # a seed whose total is not (a non-finite entry, or finite entries whose sum overflows) is
    # decided exactly, by its largest and smallest entries, which are finite exactly when all its
    # entries are (the reductions propagate nan, an infinity is the largest or smallest entry).
    # train calls this after every step, among the seeds still training: one reduction per
    # parameter, where two per parameter took a fifth of the step on the pages' small networks.
    params = [P.reshape(net.S, -1) for P in net.parameters()]
    total = np.zeros(net.S)
    with np.errstate(over="ignore", invalid="ignore"):  # the sums that are not finite are the news
        for flat in params:
            total += flat.sum(axis=1)
    ok = np.isfinite(total)
    unsure = ~ok if among is None else among & ~ok
    if among is not None:
        ok &= among
    if unsure.any():
        exact = np.ones(int(unsure.sum()), dtype=bool)
        for flat in params:
            rows = flat[unsure]
            exact &= np.isfinite(rows.max(axis=1)) & np.isfinite(rows.min(axis=1))
        ok[unsure] = exact
    return ok


def train(
    net: Network | Trainable,
    X: np.ndarray,
    Y: np.ndarray,
    cost: costs.Name,
    *,
    lr: float | Sequence[float],
    epochs: int = 1,
    batch_size: int | None = None,
    rng: np.random.Generator | None = None,
    callback: Callable[..., Any] | None = None,
    every: int = 1,
    callback_batch: bool = False,
) -> History:
    r"""Train every seed of ``net`` in place by (mini-batch) gradient descent.

    Each step takes one batch and updates :math:`W^{[l]} \leftarrow W^{[l]} - \alpha\, dW^{[l]}`
    and :math:`b^{[l]} \leftarrow b^{[l]} - \alpha\, db^{[l]}` for every seed.

    Parameters
    ----------
    net : Network or Trainable
        Trained in place; any model with the members of :class:`Trainable` (its ``step`` then
        defines the update).
    X : ndarray of shape (n[0], m), m >= 1
    Y : ndarray of shape (n[L], m)
        Targets (see :func:`xavier.costs.check_targets`).
    cost : {"bce", "cross_entropy", "mse"}
    lr : float or sequence of float
        The learning rate :math:`\alpha`, a finite number > 0 (Python or numpy), or one rate per
        layer, ``L`` finite numbers >= 0 not all 0: layer ``l``'s weights and bias are updated
        with ``lr[l - 1]``, and a layer with rate 0 stays as it is (see :func:`learning_rates`;
        muP's per-layer rates for SGD are Tensor Programs V's Table 3, Yang et al. 2022).
    epochs : int, default 1
        Passes over the data (0 runs none).
    batch_size : int, optional
        Examples per step; ``None`` (default) is full-batch gradient descent. Mini-batches are drawn
        from a fresh permutation every epoch (the same for all seeds), so they need ``rng``.
    rng : numpy.random.Generator, optional
        Shuffles the mini-batches: one ``rng.permutation(m)`` per epoch run, drawn before the
        epoch's first step (and before the callback at that step is called), nothing else.
    callback : callable, optional
        ``callback(step, net)``, called at step 0 (before any update), every ``every`` steps, and
        after the last update; ``step`` is the number of updates made so far, so ``net`` is the
        network that :attr:`History.cost` ``[step]`` is computed with. Its return values are kept
        in :attr:`History.records`.
    every : int, default 1
    callback_batch : bool, default False
        Call ``callback(step, net, batch)`` instead, ``batch`` a :class:`Batch` ``(X, Y, index)``:
        the batch of step ``step``, the one ``net`` is about to be trained on and that
        ``History.cost[step]`` is computed on (at step 0 the first batch). After the last update
        (``step`` = the number of steps run) it is the last batch trained on. ``None`` only when
        no step is run (``epochs = 0``, or every seed non-finite from the start).

    Returns
    -------
    History
        A seed whose cost or weights become non-finite (an initialization or a learning rate that
        is far too large) is marked diverged at that step and frozen; training goes on for the
        others and stops when none is left. No exception and no ``RuntimeWarning`` is raised for it.

    Raises
    ------
    ValueError
        For bad arguments: the cases of :meth:`Network.cost`, ``m = 0``, ``lr``, ``epochs``,
        ``batch_size`` or ``every`` out of range, mini-batches without ``rng``, a callback that
        is not callable, ``callback_batch`` not a bool.

    Examples
    --------
    >>> from xavier import datasets
    >>> rng = np.random.default_rng(0)
    >>> X, Y = datasets.playground("gaussian", rng)
    >>> net = Network([2, 6, 3, 1], ["relu", "relu", "sigmoid"], rng=rng, seeds=8)
    >>> h = train(net, X, Y, "bce", lr=0.1, epochs=200)
    >>> h.cost.shape, bool(np.all(h.cost[-1] < h.cost[0])), int(h.diverged.sum())
    ((200, 8), True, 0)

    The batch each record was taken on, 30 examples in steps of 10:

    >>> h = train(net, X[:, :30], Y[:, :30], "bce", lr=0.1, batch_size=10, rng=np.random.default_rng(1),
    ...           callback=lambda t, n, batch: sorted(batch.index)[:3], callback_batch=True)
    >>> [t for t, _ in h.records], len({i for _, first in h.records[:3] for i in first})
    ([0, 1, 2, 3], 9)
    """
    if not isinstance(net, Trainable):
        raise ValueError(f"net must be a Network or a model with the members of xavier.network.Trainable "
                         f"(S, L, dtype, activations, check_inputs, step, parameters), got {type(net).__name__}")
    costs.check(cost, net.activations[-1])
    X_ = np.asarray(X)
    if X_.ndim == 3:
        raise ValueError(f"train takes X of shape (n[0], m) shared by all seeds, got {X_.shape}")
    net.check_inputs(X, Y, cost)
    X = np.asarray(X, dtype=net.dtype)
    Y = np.asarray(Y, dtype=net.dtype)
    m = X.shape[-1]
    lr = learning_rates(lr, net.L)
    epochs = _checks.positive_int("epochs", epochs, low=0)
    every = _checks.positive_int("every", every)
    batch_size = m if batch_size is None else _checks.positive_int("batch_size", batch_size)
    _checks.generator("rng", rng, optional=True)
    if batch_size < m and rng is None:
        raise ValueError(f"batch_size {batch_size} < m = {m} draws mini-batches: pass rng")
    if callback is not None and not callable(callback):
        raise ValueError(f"callback must be callable(step, net), got {callback!r}")
    if not isinstance(callback_batch, (bool, np.bool_)):
        raise ValueError(f"callback_batch must be True or False, got {callback_batch!r}")

    batches = math.ceil(m / batch_size)
    steps = epochs * batches
    S = net.S
    J = np.full((steps, S), np.nan)
    alive = _finite_seeds(net)  # weights set by hand may be non-finite already: frozen from the start
    diverged_at = np.where(alive, -1, 0)
    everyone = bool(alive.all())
    records = []
    order = np.arange(m)

    def batch_of(t: int) -> Batch:
        # the batch of step t; a new epoch's permutation is drawn at its first step
        nonlocal order
        k = t % batches
        if k == 0 and batch_size < m:
            order = rng.permutation(m)
        if batch_size >= m:
            return Batch(X, Y, order)
        idx = order[k * batch_size : (k + 1) * batch_size]
        return Batch(X[:, idx], Y[:, idx], idx)

    def call(t: int, batch: Batch | None) -> None:
        records.append((t, callback(t, net, batch) if callback_batch else callback(t, net)))

    t = 0
    with np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore"):
        batch = batch_of(0) if steps and alive.any() else None
        if callback is not None:
            call(0, batch)
        while batch is not None:
            cost_t = net.step(batch.X, batch.Y, cost, lr, None if everyone else alive, check=False)
            if everyone:
                J[t] = cost_t
            else:
                J[t, alive] = cost_t[alive]
            # Diverged at step t: a non-finite cost before the update, or a non-finite weight or
            # bias after it. The seed is frozen from here on and keeps those weights.
            bad = alive & ~(np.isfinite(cost_t) & _finite_seeds(net, alive))
            t += 1
            if bad.any():
                J[t - 1, bad & ~np.isfinite(cost_t)] = np.nan
                diverged_at[bad] = t - 1
                alive &= ~bad
                everyone = False
            last = batch
            batch = batch_of(t) if t < steps and alive.any() else None
            if callback is not None and (t % every == 0 or batch is None):
                call(t, last if batch is None else batch)
    getattr(net, "__dict__", {}).pop("_workspaces", None)  # step's work arrays: not kept once training is over
    return History(cost=J[:t], diverged=~alive, diverged_at=diverged_at, epochs=math.ceil(t / batches),
                   records=records)

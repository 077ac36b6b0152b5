r"""xavier: the networks and initializers of "Initializing neural networks", in numpy.

A compact library behind the site that re-tells K. Katanforoosh & D. Kunin, "Initializing neural
networks", deeplearning.ai AI Notes (2019). Every figure of the site is computed with it.

Notation (stated once, used everywhere)
---------------------------------------
The network has layers :math:`l = 1, \dots, L`; layer :math:`l` has :math:`n^{[l]}` units and
:math:`n^{[0]}` is the number of inputs.

* ``W[l]`` has shape ``(n[l], n[l-1])`` and ``b[l]`` has shape ``(n[l], 1)``.
* Activations are **columns**: ``A[l]`` has shape ``(n[l], m)`` for ``m`` examples and
  ``A[0] = X``.
* One layer computes ``Z[l] = W[l] @ A[l-1] + b[l]`` and ``A[l] = g[l](Z[l])``.
* So for an initializer ``fan_in = shape[-1]`` and ``fan_out = shape[-2]``.
* Many seeds at once: a leading axis of size ``S`` stacks independent copies of the network,
  ``W[l]`` is ``(S, n[l], n[l-1])``, ``b[l]`` is ``(S, n[l], 1)`` and ``A[l]`` is
  ``(S, n[l], m)``; numpy's batched ``@`` does the rest. Costs are reported per seed, shape ``(S,)``.
* Lists of per-layer arrays are indexed like the article: ``W[1]`` is :math:`W^{[1]}` and
  ``W[0]`` is ``None``.
* Everything is float64, unless a :class:`~xavier.network.Network` is made with
  ``dtype="float32"`` (then its weights, biases and activations are float32 throughout, training
  and :func:`~xavier.lsuv.lsuv` included). Randomness comes only from an explicit
  :class:`numpy.random.Generator`.

Modules
-------
:mod:`xavier.init`
    Weight initializers: one general :func:`~xavier.init.variance_scaling` and named presets.
:mod:`xavier.activations`
    identity, tanh, relu, sigmoid and softmax, each with its backward step.
:mod:`xavier.costs`
    binary cross-entropy, softmax cross-entropy and mean squared error, with gradients.
:mod:`xavier.network`
    :class:`~xavier.network.Network` (forward, backward, stacked seeds; seeds taken out with
    :meth:`~xavier.network.Network.take` and joined with :func:`~xavier.network.concatenate`),
    :func:`~xavier.network.train` and :func:`~xavier.network.first_below`.
:mod:`xavier.datasets`
    The four playground datasets and the 10,000 MNIST digits.
:mod:`xavier.lsuv`
    :func:`~xavier.lsuv.lsuv`, layer-sequential unit-variance initialization (Mishkin & Matas, 2016).
:mod:`xavier.meanfield`
    The length map of a wide tanh network, its fixed point and slope (Poole et al., 2016).
:mod:`xavier.residual`
    :class:`~xavier.residual.ResidualStack`, residual blocks trained with :func:`~xavier.network.train`.

Initializers
------------
:class:`~xavier.network.Network` draws its weights with ``init="variance_scaling"`` unless told
otherwise, whose defaults (``scale=1``, ``mode="fan_in"``, ``distribution="normal"``) give the
article's :math:`W^{[l]} \sim \mathcal{N}(0, 1/n^{[l-1]})`, and starts its biases at 0. The
names follow PyTorch, Keras and JAX: ``"xavier_normal"`` is Glorot & Bengio's fan average
:math:`\mathcal{N}(0, 2/(n^{[l-1]} + n^{[l]}))`, ``"he_normal"`` is :math:`\mathcal{N}(0, 2/n^{[l-1]})`
(see the table in :mod:`xavier.init`).

Example: the article's digits network
--------------------------------------
Four tanh layers of 300 units and a softmax over the 10 classes, ``[784, 300, 300, 300, 300,
10]``, initialized the article's way (the same as the default) and, for comparison, Glorot &
Bengio's way, then trained for one epoch of mini-batches:

>>> import numpy as np, xavier
>>> sizes, acts = [784, 300, 300, 300, 300, 10], ["tanh"] * 4 + ["softmax"]
>>> net = xavier.Network(sizes, acts, "variance_scaling", rng=np.random.default_rng(0),
...                      init_kwargs={"scale": 1.0, "mode": "fan_in"})
>>> [W.shape for W in net.W[1:]]
[(1, 300, 784), (1, 300, 300), (1, 300, 300), (1, 300, 300), (1, 10, 300)]
>>> round(float(net.W[1].var() * 784), 2), round(float(net.W[5].var() * 300), 2)   # n[l-1] Var(W[l])
(1.0, 1.0)
>>> glorot = xavier.Network(sizes, acts, "xavier_normal", rng=np.random.default_rng(0))
>>> round(float(glorot.W[1].var() * (784 + 300) / 2), 2)
1.0
>>> X, labels = xavier.datasets.load_digits()
>>> Y = xavier.datasets.one_hot(labels)
>>> h = xavier.train(net, X[:, :1000], Y[:, :1000], "cross_entropy", lr=0.1, batch_size=100,
...                  rng=np.random.default_rng(1))
>>> h.cost.shape, bool(h.cost[-1, 0] < h.cost[0, 0] < 3.0), int(h.diverged.sum())
((10, 1), True, 0)

Many seeds at once: ``seeds=S`` stacks ``S`` independent draws on a leading axis.

>>> net = xavier.Network([2, 6, 3, 1], ["relu", "relu", "sigmoid"], rng=np.random.default_rng(0), seeds=4)
>>> net.W[1].shape, net.b[1].shape
((4, 6, 2), (4, 6, 1))
"""

from xavier import activations, costs, datasets, init, meanfield, network, residual
from xavier.lsuv import LSUVResult, lsuv  # the function; the module stays importable as xavier.lsuv
from xavier.network import History, Network, train

__all__ = ["activations", "costs", "datasets", "init", "meanfield", "network", "residual", "History",
           "Network", "train", "lsuv", "LSUVResult"]
__version__ = "0.1.0"

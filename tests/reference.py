"""Independent reference computations shared by tests/experiments and tests/pages.

Plain numpy, one seed at a time, written without the library: the playground's [2, 6, 3, 1]
ReLU-ReLU-sigmoid network, and the digit network's tanh layers with a softmax output.
"""

import numpy as np


def relu(z):
    return np.maximum(z, 0.0)


def sigmoid(z):
    return 0.5 * (1.0 + np.tanh(0.5 * z))  # an identity, independent of the library's formula


def playground_forward(Ws, bs, X):
    """[2, 6, 3, 1] ReLU-ReLU-sigmoid for one seed, written out."""
    a1 = relu(Ws[0] @ X + bs[0])
    a2 = relu(Ws[1] @ a1 + bs[1])
    return sigmoid(Ws[2] @ a2 + bs[2])


def forward_reference(Ws, X, bs=None):
    """tanh hidden layers and a softmax output, written out with plain numpy for one seed."""
    bs = bs or [0.0] * len(Ws)
    A = [X]
    for W, b in zip(Ws[:-1], bs[:-1]):
        A.append(np.tanh(W @ A[-1] + b))
    Z = Ws[-1] @ A[-1] + bs[-1]
    E = np.exp(Z - Z.max(axis=0))
    return A, Z, E / E.sum(axis=0)


def backward_reference(Ws, X, Y):
    """dJ/dA[l] for the mean softmax cross-entropy, l = 1..L-1, by the chain rule (one seed)."""
    A, Z, P = forward_reference(Ws, X)
    m = X.shape[1]
    dZ = (P - Y) / m
    dA = {}
    for l in range(len(Ws), 1, -1):
        dA[l - 1] = Ws[l - 1].T @ dZ
        dZ = dA[l - 1] * (1 - A[l - 1] ** 2)
    return dA


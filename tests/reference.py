"""Independent reference computations shared by tests/experiments and tests/pages.

Plain numpy, one seed at a time, written without the library: the playground's [2, 6, 3, 1]
ReLU-ReLU-sigmoid network, and the digit network's tanh layers with a softmax output.
"""

import math

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



def isometry_ratio_limit(activation, weights, depth):
    """Var(s^2) / E[s^2]^2 of the singular values s of J = D[L] W[L] ... D[1] W[1] in the
    wide-network limit, from free probability rather than from the pages' table.

    The squared singular values of J are distributed as the free multiplicative convolution of
    its factors' spectra, W W^T and D^2 for every layer. For free factors of mean 1 the second
    moments combine as m2(a b) = m2(a) + m2(b) - 1 (the S-transform's first coefficient, Voiculescu;
    J. Mingo & R. Speicher, "Free Probability and Random Matrices", 2017, ch. 2), so
    m2(J J^T) = 1 + sum over factors of (m2 - 1) and the ratio is m2 - 1. Each factor's m2 comes
    from its own distribution: a square Gaussian W of variance 1/n gives Marchenko-Pastur with
    ratio 1, m2 = 2 (the Catalan number C_2); an orthogonal W gives 1; ReLU at gain^2 = 2 gives
    D^2 = 2 with probability P(z > 0) and 0 otherwise; tanh near the origin D = 1.
    """
    from scipy import stats

    m2_weights = {"gaussian": math.comb(4, 2) / 3, "orthogonal": 1.0}[weights]  # C_2 = binom(4, 2) / 3
    f = stats.norm.sf(0.0)  # the fraction of ReLU units with z > 0
    m2_act = {"identity": 1.0, "tanh": 1.0, "relu": (2.0**2 * f) / (2.0 * f) ** 2}[activation]
    return depth * ((m2_weights - 1) + (m2_act - 1))


def fuss_catalan_m2(depth):
    """E[s^2 ^2] / E[s^2]^2 for a product of ``depth`` square Gaussian matrices, wide limit: the
    Fuss-Catalan number binom(2 (L + 1), 2) / (2 L + 1) (K. Penson & K. Zyczkowski, "Product of Ginibre
    matrices: Fuss-Catalan and Raney distributions", Phys. Rev. E 83, 2011)."""
    return math.comb(2 * (depth + 1), 2) / (2 * depth + 1)

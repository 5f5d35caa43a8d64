"""Reference solutions for the exercises of notebook 04 (forward propagation, lecture §4.3).

Each function is what a student writes in the exercise cell of the same name; each needs only
numpy as ``np``. Rows are samples and W^(l) has the lecture's shape (N_l, N_{l-1}). See
README.md in this folder for how to use them.
"""

import numpy as np


def dense_forward(h_prev, W, b):
    """Compute z = h_prev Wᵀ + b, one row per sample (Eq. 11)."""
    return h_prev @ W.T + b


def l2_penalty(weights, lam):
    """Compute s = λ/2 Σ_l ‖W^(l)‖²_F over the weight matrices (Eq. 15)."""
    total = 0.0
    for W in weights:
        total += np.sum(W ** 2)
    return lam / 2 * total


def forward_pass(X, weights, biases, activation):
    """ŷ = z^(L+1): σ after every hidden layer, a linear output layer (Eqs. 11-13)."""
    h = X
    for W, b in zip(weights[:-1], biases[:-1]):
        h = activation(h @ W.T + b)  # Eqs. (11)-(12)
    return h @ weights[-1].T + biases[-1]  # Eq. (13)

"""Reference solutions for the exercises of notebook 05 (backpropagation, lecture §4.4).

Each function is what a student writes in the exercise cell of the same name; each needs only
numpy as ``np``. Error terms have one row per sample and are not divided by n; the batch mean
enters in the gradient. See README.md in this folder for how to use them.
"""

import numpy as np


def mse_output_delta(y_hat, y):
    """δ^(L+1) = ŷ − y per sample, for l = ½ ‖ŷ − y‖² (Eq. 21)."""
    return y_hat - y


def softmax_cross_entropy_delta(scores, labels):
    """δ^(L+1) = softmax(scores) − onehot(labels) per sample, not divided by n."""
    shifted = scores - scores.max(axis=1, keepdims=True)  # exp never overflows
    probabilities = np.exp(shifted) / np.exp(shifted).sum(axis=1, keepdims=True)
    onehot = np.zeros_like(probabilities)
    onehot[np.arange(len(scores)), labels] = 1
    return probabilities - onehot


def hidden_delta(delta_next, W_next, z, derivative):
    """δ^(l) = (δ^(l+1) W^(l+1)) ⊙ σ'(z^(l)) (Eq. 22)."""
    return (delta_next @ W_next) * derivative(z)


def weight_gradient(delta, h_prev, W, lam):
    """∂J/∂W^(l) = δᵀ h_prev / n + λ W, averaged over the batch (Eqs. 23-24)."""
    n = delta.shape[0]
    return delta.T @ h_prev / n + lam * W

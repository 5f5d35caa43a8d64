"""The fastest plain-numpy training loop we could write for the classroom workload.

Not part of mlp_core and not for students: a yardstick. It trains the same network as
``mlp_core.fit`` in bench_classroom.py (64-128-128-10, ReLU, softmax cross-entropy, SGD,
lr 0.05, batch 32, λ 1e-4, float32) with one matrix product per layer and direction, like
mlp_core, but with every numpy call that can be left out left out:

- one-hot targets, so δ^(L+1) = softmax(ŷ) − y is one subtraction (no fancy indexing);
- δ^(L+1) divided by the batch size once, so no ∂J/∂W or ∂J/∂b is rescaled afterwards
  (mlp_core keeps δ per sample, as the lecture defines it, and averages each gradient);
- the training loss recorded as the running mean of the batch losses, as scikit-learn does,
  instead of mlp_core's exact pass over the training set after each epoch;
- no input checks, no divergence check, no weight copies, no History, one BLAS thread.

What it reaches against scikit-learn and PyTorch shows how far a clear numpy implementation
can go at batch 32, where every step is about 60 numpy calls of a few microseconds each.
"""

from __future__ import annotations

import time

import numpy as np
from threadpoolctl import threadpool_limits


def train_floor(X, y, layer_sizes, *, lr, lam, batch_size, epochs, seed):
    """Train an MLP by SGD with the fewest numpy calls; return (weights, biases, seconds/epoch).

    Parameters
    ----------
    X : ndarray of shape (n, layer_sizes[0]), float32
    y : ndarray of shape (n,), integer class labels
    layer_sizes : list of int
    lr, lam : float
    batch_size, epochs, seed : int
    """
    rng = np.random.default_rng(seed)
    weights = [
        (rng.standard_normal((n_out, n_in)) * np.sqrt(2.0 / n_in)).astype(np.float32)
        for n_in, n_out in zip(layer_sizes[:-1], layer_sizes[1:])
    ]
    biases = [np.zeros(n_out, dtype=np.float32) for n_out in layer_sizes[1:]]
    Y = np.eye(layer_sizes[-1], dtype=np.float32)[y]  # one-hot targets
    n, last = len(X), len(weights) - 1
    start = time.perf_counter()
    with threadpool_limits(1, user_api="blas"):
        for _ in range(epochs):
            order = rng.permutation(n)
            loss_sum = 0.0  # running sum of batch losses (recorded, as sklearn does)
            for first in range(0, n, batch_size):
                batch = order[first:first + batch_size]
                h, Yb = X[batch], Y[batch]
                hs, zs = [h], []
                for W, b in zip(weights[:-1], biases[:-1]):
                    z = h @ W.T + b
                    h = np.maximum(z, 0)
                    zs.append(z)
                    hs.append(h)
                y_hat = h @ weights[-1].T + biases[-1]
                shifted = y_hat - y_hat.max(axis=1, keepdims=True)
                e = np.exp(shifted)
                e_sum = e.sum(axis=1, keepdims=True)
                loss_sum += float(np.log(e_sum).sum() - (shifted * Yb).sum())
                delta = e / e_sum - Yb
                delta *= 1.0 / len(batch)  # the batch mean, once
                for i in range(last, -1, -1):
                    grad_W = delta.T @ hs[i]
                    grad_W += lam * weights[i]
                    grad_b = delta.sum(axis=0)
                    if i > 0:
                        delta = (delta @ weights[i]) * (zs[i - 1] > 0).astype(np.float32)
                    weights[i] -= lr * grad_W
                    biases[i] -= lr * grad_b
    seconds = (time.perf_counter() - start) / epochs
    return weights, biases, seconds


def predict_floor(weights, biases, X):
    """ŷ for each row of X."""
    h = X
    for W, b in zip(weights[:-1], biases[:-1]):
        h = np.maximum(h @ W.T + b, 0)
    return h @ weights[-1].T + biases[-1]

"""Loss functions l(ŷ, y) and their error term at the output, δ^(L+1) = ∂l/∂ŷ (Eqs. 14, 21).

The network's output layer is linear (Eq. 13), so ŷ = z^(L+1) holds raw scores. Each loss
pairs its value with its δ^(L+1), one row per sample (not divided by n):

========================  ============================  ================================
name                      l(ŷ, y) for one sample         δ^(L+1) = ∂l/∂ŷ
========================  ============================  ================================
``"mse"``                 ½ ‖ŷ − y‖²                     ŷ − y
``"cross_entropy"``       −log softmax(ŷ)_y              softmax(ŷ) − onehot(y)
``"binary_cross_entropy"`` −y log σ(ŷ) − (1−y) log(1−σ(ŷ))  σ(ŷ) − y
========================  ============================  ================================

All three are computed from the raw scores without exponentiating a large positive number,
so logits of ±1e4 neither overflow nor warn.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ._checks import as_dtype, lookup
from .activations import sigmoid

__all__ = ["LOSSES", "Loss", "get_loss", "log_softmax", "softmax"]


def log_softmax(scores):
    """log softmax along the last axis, shifted by the row maximum so exp never overflows.

    Parameters
    ----------
    scores : ndarray of shape (n_samples, n_classes)

    Returns
    -------
    ndarray of shape (n_samples, n_classes)
    """
    shifted = scores - scores.max(axis=-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


def softmax(scores):
    """softmax along the last axis: exp(s_k) / Σ_j exp(s_j), computed stably.

    Parameters
    ----------
    scores : ndarray of shape (n_samples, n_classes)

    Returns
    -------
    ndarray of shape (n_samples, n_classes), rows summing to 1
    """
    shifted = scores - scores.max(axis=-1, keepdims=True)
    e = np.exp(shifted)
    return e / e.sum(axis=-1, keepdims=True)


# --- mean squared error ------------------------------------------------------------------

def _mse_targets(y, n_outputs, dtype):
    y = np.asarray(y)
    if y.ndim == 1 and n_outputs == 1:
        y = y[:, None]
    if y.ndim != 2 or y.shape[1] != n_outputs:
        raise ValueError(
            f"y must have shape (n_samples, {n_outputs})"
            + (" or (n_samples,)" if n_outputs == 1 else "")
            + f" for loss 'mse', got shape {y.shape}"
        )
    return as_dtype(y, dtype, "y")  # a value that overflows dtype (1e39 in float32) is refused


def _mse_value(y_hat, y):
    diff = y_hat - y
    return 0.5 * np.einsum("ij,ij->i", diff, diff)


def _mse_delta(y_hat, y):
    return y_hat - y


# --- softmax cross-entropy ---------------------------------------------------------------

def class_labels(y, n_classes, loss_name, classes):
    """y as int64 labels in 0..n_classes-1; errors name the loss and ``classes`` (its rule)."""
    y = np.asarray(y)
    if y.ndim == 2 and y.shape[1] == 1:
        y = y[:, 0]
    if y.ndim != 1:
        raise ValueError(
            f"y must be integer class labels of shape (n_samples,) for loss {loss_name!r}, "
            f"got shape {y.shape}"
        )
    if y.size and not np.all(np.equal(np.mod(y, 1), 0)):
        bad = y[np.mod(y, 1) != 0][0]
        raise ValueError(
            f"y must hold integer class labels for loss {loss_name!r}, got {bad.item()!r}"
        )
    outside = (y < 0) | (y >= n_classes)  # checked before the cast, which would wrap 1e19
    if outside.any():
        bad = y[outside][0].item()
        if isinstance(bad, float) and abs(bad) < 2**53:
            bad = int(bad)  # 7.0 reads as the label 7
        raise ValueError(
            f"y labels must be in 0..{n_classes - 1} for loss {loss_name!r} "
            f"({classes}), got {bad}"
        )
    return y.astype(np.int64)


def _ce_targets(y, n_outputs, dtype):
    if n_outputs < 2:
        raise ValueError(
            "loss 'cross_entropy' needs at least 2 output units (one score per class), "
            f"got {n_outputs}; use 'binary_cross_entropy' for a single output"
        )
    return class_labels(y, n_outputs, "cross_entropy", "one class per output unit")


def _ce_value(y_hat, y):
    return -log_softmax(y_hat)[np.arange(len(y)), y]


def _ce_delta(y_hat, y):
    delta = softmax(y_hat)
    delta[np.arange(len(y)), y] -= 1
    return delta


# --- binary cross-entropy on one sigmoid output ------------------------------------------

def _bce_targets(y, n_outputs, dtype):
    if n_outputs != 1:
        raise ValueError(
            f"loss 'binary_cross_entropy' needs exactly 1 output unit, got {n_outputs}"
        )
    labels = class_labels(y, 2, "binary_cross_entropy", "two classes, one sigmoid output")
    return labels[:, None].astype(dtype)


def _bce_value(y_hat, y):
    # -y log σ(s) - (1-y) log(1-σ(s)) = max(s, 0) - y s + log(1 + exp(-|s|))
    s = y_hat[:, 0]
    return np.maximum(s, 0) - y[:, 0] * s + np.log1p(np.exp(-np.abs(s)))


def _bce_delta(y_hat, y):
    return sigmoid(y_hat) - y


@dataclass(frozen=True)
class Loss:
    """A loss l(ŷ, y) paired with its output error term δ^(L+1) = ∂l/∂ŷ (Eq. 21).

    Attributes
    ----------
    name : str
        The key in ``LOSSES``.
    targets : callable (y, n_outputs, dtype) -> ndarray
        Checks y and brings it into the form ``value`` and ``delta`` expect.
    value : callable (y_hat, y) -> ndarray of shape (n_samples,)
        l for each sample.
    delta : callable (y_hat, y) -> ndarray of shape (n_samples, n_outputs)
        ∂l/∂ŷ for each sample.
    link : callable (y_hat) -> ndarray
        Turns scores into what the loss models: the value itself (mse), class
        probabilities (softmax), or P(y = 1) (sigmoid).
    """

    name: str
    targets: Callable
    value: Callable
    delta: Callable
    link: Callable


LOSSES: dict[str, Loss] = {
    "mse": Loss("mse", _mse_targets, _mse_value, _mse_delta, lambda s: s),
    "cross_entropy": Loss("cross_entropy", _ce_targets, _ce_value, _ce_delta, softmax),
    "binary_cross_entropy": Loss(
        "binary_cross_entropy", _bce_targets, _bce_value, _bce_delta, sigmoid
    ),
}


def get_loss(name):
    """Return the ``Loss`` registered under ``name``.

    Raises
    ------
    TypeError
        If ``name`` is neither a string nor a ``Loss``.
    ValueError
        If ``name`` is not a key of ``LOSSES`` (the message lists the valid names).
    """
    return lookup(name, LOSSES, "loss", Loss)

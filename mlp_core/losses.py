"""Loss functions l(ŷ, y) and their output error terms δ^(L+1) = ∂l/∂ŷ (Eqs. 14, 21).

The network's output layer is linear (Eq. 13), so ŷ = z^(L+1) holds raw scores. Each loss
below is a pair of public functions, like the activations and their derivatives: the value
l for every sample, and δ^(L+1) for every sample, one row per sample and not divided by n
(``MLP.backward`` averages the gradients over the batch, Eqs. 23-25).

============================  ==================================  ==========================
function (``LOSSES`` key)     l(ŷ, y) for one sample               δ^(L+1) = ∂l/∂ŷ
============================  ==================================  ==========================
``mean_squared_error``        ½ ‖ŷ − y‖²                           ŷ − y
(``"mse"``)
``cross_entropy``             −log softmax(ŷ)_y                    softmax(ŷ) − onehot(y)
(``"cross_entropy"``)
``binary_cross_entropy``      −y log σ(ŷ) − (1−y) log(1−σ(ŷ))      σ(ŷ) − y
(``"binary_cross_entropy"``)
============================  ==================================  ==========================

All three are computed from the raw scores without exponentiating a large positive number,
so logits of ±1e4 neither overflow nor warn. The functions take targets in the form that
``mlp_core._checks.check_targets`` returns (real values of shape (n, N_O) for the squared
error, int64 labels of shape (n,) for the cross-entropy, 0/1 of shape (n, 1) for the binary
one); checking them is not their business.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ._checks import lookup
from .activations import sigmoid

__all__ = [
    "LOSSES",
    "Loss",
    "binary_cross_entropy",
    "binary_cross_entropy_delta",
    "cross_entropy",
    "cross_entropy_delta",
    "get_loss",
    "log_softmax",
    "mean_squared_error",
    "mean_squared_error_delta",
    "softmax",
]


def log_softmax(scores):
    """Compute log softmax(s)_k = s_k − log Σ_j exp(s_j) along the last axis.

    The row maximum is subtracted first (which leaves the result unchanged), so exp never
    sees a positive number and never overflows.

    Parameters
    ----------
    scores : array_like of shape (n_samples, n_classes) or (n_classes,)
        A list works too, as for every activation. Integer (and boolean) scores are
        converted to float64 first, since integer arithmetic would wrap (int8: −100 − 100
        = 56); float scores keep their dtype.

    Returns
    -------
    ndarray of the shape of ``scores``
    """
    scores = _float_array(scores)
    shifted = scores - scores.max(axis=-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


def softmax(scores):
    """softmax(s)_k = exp(s_k) / Σ_j exp(s_j) = exp(log softmax(s)_k), along the last axis.

    Parameters
    ----------
    scores : array_like of shape (n_samples, n_classes) or (n_classes,)
        As for ``log_softmax``: lists work, integers are taken in float64.

    Returns
    -------
    ndarray of the shape of ``scores``, summing to 1 along the last axis
    """
    return np.exp(log_softmax(scores))


def _float_array(scores):
    """``scores`` as an ndarray of a float dtype: float stays as it is, the rest is float64."""
    scores = np.asarray(scores)
    if not np.issubdtype(scores.dtype, np.floating):
        scores = scores.astype(np.float64)
    return scores


# --- squared error -------------------------------------------------------------------------

def mean_squared_error(y_hat, y):
    """l(ŷ, y) = ½ ‖ŷ − y‖² for every sample (Eq. 14); ``MLP.loss`` takes the mean.

    Parameters
    ----------
    y_hat : ndarray of shape (n_samples, n_outputs)
    y : ndarray of shape (n_samples, n_outputs)

    Returns
    -------
    ndarray of shape (n_samples,)
    """
    diff = y_hat - y
    return 0.5 * np.einsum("ij,ij->i", diff, diff)  # Σ_k (ŷ_k − y_k)² per row


def mean_squared_error_delta(y_hat, y):
    """δ^(L+1) = ∂l/∂ŷ = ŷ − y for every sample (Eq. 21), not divided by n.

    Parameters
    ----------
    y_hat : ndarray of shape (n_samples, n_outputs)
    y : ndarray of shape (n_samples, n_outputs)

    Returns
    -------
    ndarray of shape (n_samples, n_outputs)
    """
    return y_hat - y


# --- softmax cross-entropy -----------------------------------------------------------------

def cross_entropy(scores, labels):
    """l(ŷ, y) = −log softmax(ŷ)_y for every sample (Eq. 14), from raw scores.

    Parameters
    ----------
    scores : ndarray of shape (n_samples, n_classes)
        ŷ = z^(L+1).
    labels : ndarray of shape (n_samples,), int
        The class of each sample, 0 .. n_classes − 1.

    Returns
    -------
    ndarray of shape (n_samples,)
    """
    return -log_softmax(scores)[np.arange(len(labels)), labels]


def cross_entropy_delta(scores, labels):
    """δ^(L+1) = ∂l/∂ŷ = softmax(ŷ) − onehot(y) for every sample (Eq. 21), not divided by n.

    Parameters
    ----------
    scores : ndarray of shape (n_samples, n_classes)
    labels : ndarray of shape (n_samples,), int

    Returns
    -------
    ndarray of shape (n_samples, n_classes)
    """
    delta = softmax(scores)
    delta[np.arange(len(labels)), labels] -= 1  # − onehot(y), without building the one-hot
    return delta


# --- binary cross-entropy on one sigmoid output --------------------------------------------

def binary_cross_entropy(scores, y):
    """l(ŷ, y) = −y log σ(ŷ) − (1 − y) log(1 − σ(ŷ)) for every sample (Eq. 14).

    Computed as max(ŷ, 0) − y ŷ + log(1 + exp(−|ŷ|)), the same number written so that exp
    only sees −|ŷ| <= 0.

    Parameters
    ----------
    scores : ndarray of shape (n_samples, 1)
        ŷ = z^(L+1), the score whose sigmoid is P(y = 1).
    y : ndarray of shape (n_samples, 1)
        Labels 0 or 1, as floats.

    Returns
    -------
    ndarray of shape (n_samples,)
    """
    s = scores[:, 0]
    return np.maximum(s, 0) - y[:, 0] * s + np.log1p(np.exp(-np.abs(s)))


def binary_cross_entropy_delta(scores, y):
    """δ^(L+1) = ∂l/∂ŷ = σ(ŷ) − y for every sample (Eq. 21), not divided by n.

    Parameters
    ----------
    scores : ndarray of shape (n_samples, 1)
    y : ndarray of shape (n_samples, 1)

    Returns
    -------
    ndarray of shape (n_samples, 1)
    """
    return sigmoid(scores) - y


# --- the registry ----------------------------------------------------------------------------

@dataclass(frozen=True)
class Loss:
    """A loss l(ŷ, y) paired with its output error term δ^(L+1) = ∂l/∂ŷ (Eq. 21).

    Attributes
    ----------
    name : str
        The key in ``LOSSES`` (what a user types).
    value : callable (y_hat, y) -> ndarray of shape (n_samples,)
        l for each sample.
    delta : callable (y_hat, y) -> ndarray of shape (n_samples, n_outputs)
        ∂l/∂ŷ for each sample.
    link : callable (y_hat) -> ndarray
        Turns scores into what the loss models: the value itself (mse), class
        probabilities (softmax), or P(y = 1) (sigmoid).
    """

    name: str
    value: Callable
    delta: Callable
    link: Callable


def _identity_link(scores):
    """Return the scores unchanged: the squared error models ŷ itself."""
    return scores


LOSSES: dict[str, Loss] = {
    "mse": Loss("mse", mean_squared_error, mean_squared_error_delta, _identity_link),
    "cross_entropy": Loss("cross_entropy", cross_entropy, cross_entropy_delta, softmax),
    "binary_cross_entropy": Loss(
        "binary_cross_entropy", binary_cross_entropy, binary_cross_entropy_delta, sigmoid
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

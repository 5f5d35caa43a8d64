"""Gradient checking: backpropagation against centred finite differences.

For every parameter θ_k the centred difference

    ∂J/∂θ_k ≈ (J(θ + ε e_k) − J(θ − ε e_k)) / (2 ε)

has a truncation error of order ε² and a rounding error of order 1e-16/ε, both tiny with
ε = 1e-6 in float64. We compare whole arrays with the relative error

    ‖g_backprop − g_numeric‖ / (‖g_backprop‖ + ‖g_numeric‖),

which is about 1e-11 .. 1e-8 when backpropagation is right (measured on small ReLU, tanh and
sigmoid networks with every loss; a sigmoid network, whose gradients are small, now and then
reaches 1e-7) and 1e-3 or more when it is wrong.
With dropout the mask is drawn once and held fixed, so J is a deterministic function of θ.

A float32 network is checked on a float64 copy of itself: the same weights (every float32
number is exact in float64), activation and code, so the check tests the formulas, which do
not depend on the dtype. In float32 itself the rounding of J (about 6e-8 relative) divided by
2ε would swamp the finite differences: correct code then scores 0.02 .. 1, which says
nothing about the code.
"""

from __future__ import annotations

import copy

import numpy as np

from ._checks import check_dropout, check_real, check_seed, check_targets, check_X
from .losses import get_loss
from .network import MLP
from .regularization import l2_penalty

__all__ = ["gradient_check", "gradient_check_layers", "numerical_gradient", "relative_error"]


def relative_error(a, b):
    """Return ‖a − b‖ / (‖a‖ + ‖b‖), or 0 when both are zero.

    Parameters
    ----------
    a, b : array_like of the same shape

    Returns
    -------
    float

    Raises
    ------
    ValueError
        If the shapes differ (two zero arrays of different shapes are no match).
    """
    a, b = np.asarray(a), np.asarray(b)
    if a.shape != b.shape:
        raise ValueError(f"a and b must have the same shape, got {a.shape} and {b.shape}")
    denominator = np.linalg.norm(a) + np.linalg.norm(b)
    if denominator == 0:
        return 0.0
    return float(np.linalg.norm(a - b) / denominator)


def numerical_gradient(f, theta, eps=1e-6):
    """Centred-difference gradient of the scalar function ``f()`` with respect to ``theta``.

    ``theta`` is changed in place one entry at a time and restored afterwards, also when
    ``f`` raises.

    Parameters
    ----------
    f : callable () -> float
        Reads ``theta`` (e.g. a network's weight array).
    theta : ndarray of floats
        The very array ``f`` reads. An integer array is refused: it cannot hold θ ± ε
        (1 + 1e-6 is stored as 1), so every difference would be 0. In float32 the step
        and f are rounded to about 6e-8 relative, so the result is good to a few digits only;
        ``gradient_check`` works in float64 for that reason.
    eps : float > 0

    Returns
    -------
    ndarray of the same shape as ``theta``, float64
    """
    if not callable(f):
        raise TypeError(f"f must be a callable () -> float, got {type(f).__name__}")
    if not isinstance(theta, np.ndarray):
        raise TypeError(
            "theta must be a numpy array that f reads (it is changed in place), "
            f"got {type(theta).__name__}"
        )
    if not np.issubdtype(theta.dtype, np.floating):
        raise TypeError(
            "theta must be an array of floats (an integer array cannot hold theta ± eps, so "
            f"every difference would be 0), got dtype {theta.dtype}"
        )
    eps = check_real(eps, "eps", low=0.0, low_open=True)
    grad = np.zeros(theta.shape, dtype=np.float64)
    for k in np.ndindex(theta.shape):
        original = theta[k]
        try:
            theta[k] = original + eps
            f_plus = f()
            theta[k] = original - eps
            f_minus = f()
        finally:
            theta[k] = original
        grad[k] = (f_plus - f_minus) / (2 * eps)
    return grad


def gradient_check_layers(net, X, y, *, loss="mse", lam=0.0, dropout=0.0, seed=None,
                          eps=1e-6):
    """Relative error of backpropagation for each W^(l) and b^(l).

    Parameters
    ----------
    net : MLP
        A float32 network is checked on a float64 copy of itself (same weights, activation
        and class); ``net`` itself is never changed.
    X : ndarray of shape (n, layer_sizes[0])
    y : ndarray of shape (n,) or (n, N_O)
    loss : str
    lam : float >= 0
    dropout : float in [0, 1)
        Draw one mask with this rate (from ``seed``) and keep it fixed; for a float32
        network it is the mask its float64 copy draws.
    seed : int or None
    eps : float > 0

    Returns
    -------
    dict
        ``{"W^(1)": error, "b^(1)": error, ..., "b^(L+1)": error}``.
    """
    if not isinstance(net, MLP):
        raise TypeError(f"net must be an MLP, got {type(net).__name__}")
    loss_fn = get_loss(loss)
    lam = check_real(lam, "lam", low=0.0)
    dropout = check_dropout(dropout)
    eps = check_real(eps, "eps", low=0.0, low_open=True)
    seed = check_seed(seed)
    if net.dtype != np.float64:  # refuse what the network itself refuses (1e39 in float32)
        X_net = check_X(X, net.layer_sizes[0], dtype=net.dtype)
        check_targets(y, loss_fn.name, net.layer_sizes[-1], net.dtype, X=X_net)
    X = check_X(X, net.layer_sizes[0], dtype=np.float64)
    y = check_targets(y, loss_fn.name, net.layer_sizes[-1], np.float64, X=X)
    # Arguments checked once, here; the passes below skip the checks (check=False).
    if net.dtype != np.float64:
        net = _float64_copy(net)
    cache = net.forward(X, dropout, np.random.default_rng(seed), check=False)
    masks = cache.masks
    grads = net.backward(cache, y, loss_fn, lam, check=False)

    def objective():  # J = (1/n) Σ l + λ/2 Σ ‖W‖², with the dropout mask held fixed
        y_hat = net.forward(X, masks=masks, check=False).output
        return float(np.mean(loss_fn.value(y_hat, y))) + l2_penalty(net.weights, lam)

    errors = {}
    for i in range(len(net.weights)):
        for name, param, analytic in (
            (f"W^({i + 1})", net.weights[i], grads.weights[i]),
            (f"b^({i + 1})", net.biases[i], grads.biases[i]),
        ):
            errors[name] = relative_error(analytic, numerical_gradient(objective, param, eps))
    return errors


def _float64_copy(net):
    """Return a shallow copy of ``net`` (same class and activation) holding float64 weights."""
    net64 = copy.copy(net)
    net64.dtype = np.dtype(np.float64)
    net64.weights = [W.astype(np.float64) for W in net.weights]
    net64.biases = [b.astype(np.float64) for b in net.biases]
    return net64


def gradient_check(net, X, y, *, loss="mse", lam=0.0, dropout=0.0, seed=None, eps=1e-6):
    """Return the largest relative error between backpropagation and finite differences.

    Takes the same arguments as ``gradient_check_layers``.

    Returns
    -------
    float
        For a correct implementation typically 1e-11 .. 1e-8, for float32 networks too
        (they are checked in float64, see ``gradient_check_layers``). Larger values do
        not always mean a bug: a ReLU input within ``eps`` of its kink at 0 (e.g. zero
        biases and a fully dropped previous layer), or a gradient smaller than the rounding
        noise of the differences (deep sigmoid networks), also spoil the finite difference.
    """
    errors = gradient_check_layers(
        net, X, y, loss=loss, lam=lam, dropout=dropout, seed=seed, eps=eps
    )
    return max(errors.values())

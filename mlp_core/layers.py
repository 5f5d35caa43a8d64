"""One fully connected layer, forward and backward: Eq. (11) and Eqs. (22)-(25).

``MLP.forward`` and ``MLP.backward`` are these two functions applied layer by layer, l = 1 ..
L+1 and back. Rows are samples (the shape convention of ``mlp_core.network``): a batch of n
inputs to layer l is h^(l-1) of shape (n, N_{l-1}), and W^(l) keeps the lecture's shape
(N_l, N_{l-1}).

Where the transposes come from. The lecture writes one sample as a column vector,
z = W h + b. Stacking n samples as *rows* of h turns every product around:

- forward, Eq. (11): the rows of z are (W h_i)ᵀ = h_iᵀ Wᵀ, so z = h_prev @ W.T + b;
- backward, Eqs. (23)-(24): for one sample ∂l/∂W = δ_i h_iᵀ (a column times a row, of
  shape (N_l, N_{l-1})); summed over the rows this is δ.T @ h_prev, divided by n for the
  batch mean;
- backward, Eq. (22): δ^(l) W^(l) with δ a row per sample is already the lecture's
  δ^(l+1) · W^(l+1) (a row times a matrix), so delta @ W needs no transpose.

With ``check=True`` (the default) each function checks its arguments first; a caller that
has checked them already (``MLP.forward``, ``MLP.backward``) passes ``check=False``.
"""

from __future__ import annotations

import numpy as np

from ._checks import check_array, check_real

__all__ = ["dense_backward", "dense_forward"]


def dense_forward(h_prev, W, b, check=True):
    """z^(l) = h^(l-1) W^(l)ᵀ + b^(l) for every row of ``h_prev``, Eq. (11).

    Parameters
    ----------
    h_prev : ndarray of shape (n, N_{l-1})
        h^(l-1), one row per sample (h^(0) = X).
    W : ndarray of shape (N_l, N_{l-1}), float
        W^(l) in the lecture's shape.
    b : ndarray of shape (N_l,)
        b^(l), added to every row.
    check : bool
        Check the arguments first (``h_prev`` and ``b`` are converted to ``W``'s dtype).
        False skips every check: for callers that checked them already.

    Returns
    -------
    ndarray of shape (n, N_l)
        z^(l), the pre-activations.
    """
    if check:
        h_prev, W, b = _check_layer(h_prev, W, b)
    # Eq. (11), rows are samples: W.T because each row of z is (W h_i)ᵀ = h_iᵀ Wᵀ.
    z = h_prev @ W.T
    z += b  # + b^(l) in every row, added in place: no second (n, N_l) array is made
    return z


def dense_backward(delta, h_prev, W, lam=0.0, check=True, *, propagate=True):
    """Gradients of J for W^(l) and b^(l), averaged over the batch, and δ^(l) W^(l).

    Parameters
    ----------
    delta : ndarray of shape (n, N_l)
        δ^(l) = ∂l/∂z^(l), one row per sample, not divided by n (Eqs. 20-22).
    h_prev : ndarray of shape (n, N_{l-1})
        h^(l-1), what the forward pass fed into the layer (h^(0) = X).
    W : ndarray of shape (N_l, N_{l-1}), float
        W^(l).
    lam : float >= 0
        λ of the L2 penalty (Eq. 15); biases are not penalised.
    check : bool
        Check the arguments first (``delta`` and ``h_prev`` are converted to ``W``'s dtype).
        False skips every check: for callers that checked them already.
    propagate : bool
        Also compute delta_W = δ^(l) W^(l) for the layer below. ``MLP.backward`` passes
        False at l = 1, where there is no layer below (x has no error term).

    Returns
    -------
    grad_W : ndarray of shape (N_l, N_{l-1})
        ∂J/∂W^(l) = (1/n) Σ_i δ_i h_iᵀ + λ W^(l) = δ.T @ h_prev / n + λ W   (Eqs. 23-24).
    grad_b : ndarray of shape (N_l,)
        ∂J/∂b^(l) = (1/n) Σ_i δ_i   (Eq. 25).
    delta_W : ndarray of shape (n, N_{l-1}), or None if ``propagate`` is False
        δ^(l) W^(l): the caller multiplies it by σ'(z^(l-1)) to get δ^(l-1) (Eq. 22).
    """
    if check:
        delta, h_prev, W, lam = _check_layer_backward(delta, h_prev, W, lam)
    n = delta.shape[0]
    # Eqs. (23)-(24), averaged: δ.T @ h_prev sums the outer products δ_i h_iᵀ over the rows,
    grad_W = delta.T @ h_prev
    grad_W /= n  # then / n for the batch mean (in place, as the next lines: no new arrays)
    if lam:
        grad_W += lam * W  # the derivative λ W^(l) of s = λ/2 Σ ‖W^(l)‖², Eq. (15)
    grad_b = delta.sum(axis=0)  # Eq. (25), summed over the batch ...
    grad_b /= n  # ... and averaged
    # Eq. (22), the first factor: δ^(l) · W^(l), rows times W, no transpose (see above).
    delta_W = delta @ W if propagate else None
    return grad_W, grad_b, delta_W


# --- the checks (check=True) -----------------------------------------------------------------

def _check_weights(W):
    """W as a 2-D float array (the layer's dtype)."""
    W = check_array(W, "W", ndim=2)
    if W.dtype not in (np.float32, np.float64):
        raise TypeError(f"W must be a float32 or float64 array, got dtype {W.dtype}")
    return W


def _check_rows(a, name, W, columns, rule):
    """Return ``a`` as a 2-D array of W's dtype with ``columns`` columns (``rule`` says which)."""
    a = check_array(a, name, ndim=2, dtype=W.dtype)
    if a.shape[1] != columns:
        raise ValueError(
            f"{name} must have {columns} columns ({rule}, W has shape {W.shape}), "
            f"got shape {a.shape}"
        )
    return a


def _check_layer(h_prev, W, b):
    W = _check_weights(W)
    h_prev = _check_rows(h_prev, "h_prev", W, W.shape[1], "N_{l-1} = W.shape[1]")
    b = check_array(b, "b", ndim=1, dtype=W.dtype)
    if b.shape != (W.shape[0],):
        raise ValueError(
            f"b must have shape (N_l,) = ({W.shape[0]},) (W has shape {W.shape}), "
            f"got shape {b.shape}"
        )
    return h_prev, W, b


def _check_layer_backward(delta, h_prev, W, lam):
    W = _check_weights(W)
    delta = _check_rows(delta, "delta", W, W.shape[0], "N_l = W.shape[0]")
    h_prev = _check_rows(h_prev, "h_prev", W, W.shape[1], "N_{l-1} = W.shape[1]")
    if len(h_prev) != len(delta):
        raise ValueError(
            f"h_prev must have one row per row of delta ({len(delta)} samples), "
            f"got {len(h_prev)} rows"
        )
    return delta, h_prev, W, check_real(lam, "lam", low=0.0)

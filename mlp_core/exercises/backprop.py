"""Exercises of notebook 05 (lecture §4.4, Eqs. 20-25): error terms and gradients.

Error terms are stacked as rows, one per sample and not divided by n: δ^(l) has shape
(n, N_l). The batch mean enters once, in the gradients: ∂J/∂W^(l) = δᵀ h^(l-1) / n + λ W^(l)
(Eqs. 23-24 averaged over the batch). The references are the kit's
``mean_squared_error_delta``, ``cross_entropy_delta`` and ``dense_backward``.
"""

from __future__ import annotations

import numpy as np

from ..activations import relu_derivative, sigmoid_derivative, tanh_derivative
from ..layers import dense_backward
from ..losses import cross_entropy_delta, mean_squared_error_delta
from .checking import Case, Exercise, Mistake

__all__ = ["EXERCISES"]


def _label(dtype, **shapes):
    return f"{np.dtype(dtype).name}, " + ", ".join(f"{k} {v.shape}" for k, v in shapes.items())


# --- mse_output_delta ---------------------------------------------------------------------

def _mse_cases():
    rng = np.random.default_rng(501)
    cases = [Case((np.array([[2.5], [0.0]]), np.array([[1.0], [1.0]])),
                  label="2 samples, 1 output")]
    for n, n_out, dtype in [(5, 1, np.float64), (4, 3, np.float64), (1, 2, np.float64),
                            (8, 1, np.float32), (6, 4, np.float32)]:
        y_hat = rng.standard_normal((n, n_out)).astype(dtype)
        y = rng.standard_normal((n, n_out)).astype(dtype)
        cases.append(Case((y_hat, y), dtype, _label(dtype, y_hat=y_hat)))
    return cases


MSE_OUTPUT_DELTA = Exercise(
    name="mse_output_delta",
    notebook="05_backpropagation",
    params=("y_hat", "y"),
    returns="δ^(L+1) = ŷ − y of shape (n, N_O), one row per sample",
    equation="Eq. (21) for l = ½ ‖ŷ − y‖²",
    reference=mean_squared_error_delta,
    cases=_mse_cases,
    mistakes=(
        Mistake(
            "sign_flipped",
            "Your δ has the wrong sign. For l = ½ ‖ŷ − y‖², ∂l/∂ŷ = ŷ − y (Eq. 21), "
            "not y − ŷ.",
            lambda y_hat, y: y - y_hat,
        ),
        Mistake(
            "divided_by_n",
            "You divided by the number of samples n. δ^(L+1) is per sample (Eq. 21); the "
            "1/n of the batch mean comes in once, in the gradients (Eqs. 23-25).",
            lambda y_hat, y: (y_hat - y) / len(y_hat),
        ),
        Mistake(
            "factor_two",
            "Your δ is twice too large. The ½ in l = ½ ‖ŷ − y‖² cancels the 2 of the "
            "square: ∂l/∂ŷ = ŷ − y (Eq. 21).",
            lambda y_hat, y: 2 * (y_hat - y),
        ),
        Mistake(
            "returns_loss",
            "You returned the loss ½ (ŷ − y)², not its derivative ∂l/∂ŷ = ŷ − y (Eq. 21).",
            lambda y_hat, y: 0.5 * (y_hat - y) ** 2,
        ),
    ),
)


# --- softmax_cross_entropy_delta ----------------------------------------------------------

def softmax_cross_entropy_delta_reference(scores, labels):
    """softmax(scores) − onehot(labels), one row per sample, by ``cross_entropy_delta``."""
    return cross_entropy_delta(np.array(scores), np.asarray(labels, dtype=np.int64))


def _ce_cases():
    rng = np.random.default_rng(502)
    cases = [Case((np.array([[2.0, 1.0, 0.1], [0.0, 0.0, 0.0]]), np.array([0, 2])),
                  label="2 samples, 3 classes")]
    for n, k, scale, dtype, as_list in [(4, 2, 2.0, np.float64, False),
                                        (6, 5, 3.0, np.float64, True),
                                        (1, 3, 1.0, np.float64, False),
                                        (5, 4, 800.0, np.float64, False),
                                        (7, 3, 2.0, np.float32, False),
                                        (4, 3, 100.0, np.float32, False)]:
        scores = (rng.standard_normal((n, k)) * scale).astype(dtype)
        labels = rng.integers(0, k, n)
        label = _label(dtype, scores=scores)
        if scale > 10:
            label += f", scores up to ±{np.abs(scores).max():.0f}"
        if as_list:
            labels, label = labels.tolist(), label + ", labels as a list"
        cases.append(Case((scores, labels), dtype, label))
    return cases


def _onehot(labels, k):
    return np.eye(k)[np.asarray(labels)]


def _softmax_over(scores, axis):
    e = np.exp(scores - scores.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def _naive_softmax(scores):
    e = np.exp(scores)
    return e / e.sum(axis=1, keepdims=True)


SOFTMAX_CROSS_ENTROPY_DELTA = Exercise(
    name="softmax_cross_entropy_delta",
    notebook="05_backpropagation",
    params=("scores", "labels"),
    returns="softmax(scores) − onehot(labels) of shape (n, n_classes), not divided by n",
    equation="Eq. (21) for l = −log softmax(ŷ)_y",
    reference=softmax_cross_entropy_delta_reference,
    cases=_ce_cases,
    mistakes=(
        Mistake(
            "divided_by_n",
            "You divided by the number of samples n. δ^(L+1) is per sample (Eq. 21); the "
            "1/n of the batch mean comes in once, in the gradients (Eqs. 23-25).",
            lambda scores, labels: (_softmax_over(scores, 1) - _onehot(labels, scores.shape[1]))
            / len(scores),
        ),
        Mistake(
            "sign_flipped",
            "Your δ has the wrong sign: ∂l/∂ŷ = softmax(ŷ) − onehot(y), not "
            "onehot(y) − softmax(ŷ).",
            lambda scores, labels: _onehot(labels, scores.shape[1]) - _softmax_over(scores, 1),
        ),
        Mistake(
            "no_softmax",
            "You subtracted the one-hot vector from the raw scores. Turn the scores into "
            "probabilities first: δ = softmax(ŷ) − onehot(y).",
            lambda scores, labels: scores - _onehot(labels, scores.shape[1]),
        ),
        Mistake(
            "softmax_over_samples",
            "Your softmax normalises each column (over the samples, axis 0). Each row is a "
            "sample whose class probabilities must sum to 1: normalise along axis 1.",
            lambda scores, labels: _softmax_over(scores, 0) - _onehot(labels, scores.shape[1]),
        ),
        Mistake(
            "overflow",
            "Your softmax overflows for large scores (exp(800) is inf, and inf/inf is nan). "
            "Subtract each row's maximum before exp: softmax(s) = softmax(s − max(s)).",
            lambda scores, labels: _naive_softmax(scores) - _onehot(labels, scores.shape[1]),
        ),
    ),
)


# --- hidden_delta -------------------------------------------------------------------------

def hidden_delta_reference(delta_next, W_next, z, derivative):
    """δ^(l) = (δ^(l+1) W^(l+1)) ⊙ σ'(z^(l)) (Eq. 22), with ``dense_backward``'s delta_W.

    ``dense_backward`` also wants h^(l), the input of layer l+1; it only enters the weight
    gradient, which is not used here.
    """
    h_unused = np.zeros_like(z)
    _, _, delta_W = dense_backward(delta_next, h_unused, W_next)
    return delta_W * derivative(z)


def _hidden_cases():
    rng = np.random.default_rng(503)
    cases = []
    for n, n_next, n_l, derivative, dtype in [
        (1, 1, 3, relu_derivative, np.float64),
        (4, 2, 5, relu_derivative, np.float64),
        (5, 3, 3, tanh_derivative, np.float64),
        (3, 4, 2, sigmoid_derivative, np.float64),
        (6, 3, 4, relu_derivative, np.float32),
        (4, 5, 5, sigmoid_derivative, np.float32),
    ]:
        delta_next = rng.standard_normal((n, n_next)).astype(dtype)
        W_next = rng.standard_normal((n_next, n_l)).astype(dtype)
        z = rng.standard_normal((n, n_l))
        z[rng.random(z.shape) < 0.2] = 0.0
        z = z.astype(dtype)
        cases.append(Case((delta_next, W_next, z, derivative), dtype,
                          _label(dtype, delta_next=delta_next, W_next=W_next)
                          + f", {derivative.__name__}"))
    return cases


HIDDEN_DELTA = Exercise(
    name="hidden_delta",
    notebook="05_backpropagation",
    params=("delta_next", "W_next", "z", "derivative"),
    returns="δ^(l) = (δ^(l+1) W^(l+1)) ⊙ σ'(z^(l)) of shape (n, N_l)",
    equation="Eq. (22)",
    reference=hidden_delta_reference,
    cases=_hidden_cases,
    mistakes=(
        Mistake(
            "transposed_W",
            "You multiplied by W^(l+1)ᵀ. With one row per sample, δ^(l+1) (n × N_{l+1}) "
            "times W^(l+1) (N_{l+1} × N_l) itself gives n × N_l: delta_next @ W_next (Eq. 22).",
            lambda delta_next, W_next, z, derivative: (delta_next @ W_next.T) * derivative(z),
        ),
        Mistake(
            "no_derivative",
            "You left out the factor σ'(z^(l)): δ^(l) = δ^(l+1) W^(l+1) ⊙ σ'(z^(l)) (Eq. 22); "
            "call derivative(z) and multiply elementwise.",
            lambda delta_next, W_next, z, derivative: delta_next @ W_next,
        ),
        Mistake(
            "added_derivative",
            "You added σ'(z^(l)). It multiplies, entry by entry (⊙): "
            "δ^(l) = (δ^(l+1) W^(l+1)) * derivative(z) (Eq. 22).",
            lambda delta_next, W_next, z, derivative: delta_next @ W_next + derivative(z),
        ),
    ),
)


# --- weight_gradient ----------------------------------------------------------------------

def weight_gradient_reference(delta, h_prev, W, lam):
    """∂J/∂W^(l) = δᵀ h^(l-1) / n + λ W^(l) (Eqs. 23-24), by ``dense_backward``."""
    grad_W, _, _ = dense_backward(delta, h_prev, W, lam)
    return grad_W


def _gradient_cases():
    rng = np.random.default_rng(504)
    cases = []
    for n, n_l, n_prev, lam, dtype in [
        (4, 3, 2, 0.1, np.float64),
        (6, 2, 5, 0.0, np.float64),
        (5, 3, 3, 0.5, np.float64),
        (1, 2, 4, 0.1, np.float64),
        (8, 4, 3, 0.01, np.float32),
        (7, 5, 5, 0.2, np.float32),
    ]:
        delta = rng.standard_normal((n, n_l)).astype(dtype)
        h_prev = rng.standard_normal((n, n_prev)).astype(dtype)
        W = rng.standard_normal((n_l, n_prev)).astype(dtype)
        cases.append(Case((delta, h_prev, W, lam), dtype,
                          _label(dtype, delta=delta, h_prev=h_prev) + f", lam = {lam}"))
    return cases


WEIGHT_GRADIENT = Exercise(
    name="weight_gradient",
    notebook="05_backpropagation",
    params=("delta", "h_prev", "W", "lam"),
    returns="∂J/∂W^(l) = δᵀ h_prev / n + λ W, the shape of W",
    equation="Eqs. (23)-(24), averaged over the batch",
    reference=weight_gradient_reference,
    cases=_gradient_cases,
    mistakes=(
        Mistake(
            "sum_not_mean",
            "Your gradient is n times too large: average over the batch (Eqs. 23-25), "
            "δᵀ h_prev / n + λ W with n = the number of rows.",
            lambda delta, h_prev, W, lam: delta.T @ h_prev + lam * W,
        ),
        Mistake(
            "no_penalty",
            "You left out λ W, the derivative of the penalty s = λ/2 Σ ‖W‖² "
            "(Eqs. 15, 23): add lam * W.",
            lambda delta, h_prev, W, lam: delta.T @ h_prev / len(delta),
        ),
        Mistake(
            "transposed",
            "Your data term is transposed. ∂J/∂W^(l) has the shape of W^(l), (N_l, N_{l-1}): "
            "delta.T @ h_prev, not h_prev.T @ delta (Eq. 23).",
            lambda delta, h_prev, W, lam: h_prev.T @ delta / len(delta) + lam * W,
        ),
        Mistake(
            "half_lambda",
            "Your penalty term is λW/2. The derivative of λ/2 ‖W‖² is λ W (Eq. 23).",
            lambda delta, h_prev, W, lam: delta.T @ h_prev / len(delta) + lam / 2 * W,
        ),
        Mistake(
            "penalty_averaged",
            "You divided λ W by n too. Only the data term is a batch mean; the penalty is "
            "added once: δᵀ h_prev / n + λ W (Eqs. 16, 23).",
            lambda delta, h_prev, W, lam: (delta.T @ h_prev + lam * W) / len(delta),
        ),
    ),
)

EXERCISES = [MSE_OUTPUT_DELTA, SOFTMAX_CROSS_ENTROPY_DELTA, HIDDEN_DELTA, WEIGHT_GRADIENT]

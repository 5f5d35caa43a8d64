"""Exercises of notebook 04 (lecture §4.3, Eqs. 11-16): one layer, the penalty, the forward pass.

Rows are samples: h_prev has shape (n, N_{l-1}), W^(l) the lecture's shape (N_l, N_{l-1}),
so z^(l) = h_prev @ W.T + b (Eq. 11). The references are ``mlp_core.layers.dense_forward``,
``mlp_core.regularization.l2_penalty`` and ``MLP.predict`` with the given parameters.
"""

from __future__ import annotations

import numpy as np

from ..activations import ACTIVATIONS, relu, sigmoid, tanh
from ..layers import dense_forward
from ..network import MLP
from ..regularization import l2_penalty
from .checking import Case, Exercise, Mistake

__all__ = ["EXERCISES"]


def _layer(rng, n_in, n_out, dtype):
    W = (rng.standard_normal((n_out, n_in)) * 0.8).astype(dtype)
    b = (rng.standard_normal(n_out) * 0.5).astype(dtype)
    return W, b


# --- dense_forward ------------------------------------------------------------------------

def _dense_cases():
    rng = np.random.default_rng(401)
    cases = [Case((np.array([[1.0, 2.0]]), np.array([[0.5, -1.0], [1.0, 0.0], [0.0, 2.0]]),
                   np.array([0.1, 0.2, 0.3])), label="one sample, 2 inputs, 3 units")]
    for n, n_in, n_out, dtype in [(4, 3, 5, np.float64), (1, 4, 2, np.float64),
                                  (6, 3, 3, np.float64), (5, 2, 4, np.float32),
                                  (3, 6, 6, np.float32)]:
        h_prev = rng.standard_normal((n, n_in)).astype(dtype)
        W, b = _layer(rng, n_in, n_out, dtype)
        cases.append(Case((h_prev, W, b), dtype,
                          f"{np.dtype(dtype).name}, h_prev {h_prev.shape}, W {W.shape}"))
    return cases


DENSE_FORWARD = Exercise(
    name="dense_forward",
    notebook="04_forward_propagation",
    params=("h_prev", "W", "b"),
    returns="z of shape (n, N_l): z = h_prev Wᵀ + b, one row per sample",
    equation="Eq. (11)",
    reference=dense_forward,
    cases=_dense_cases,
    mistakes=(
        Mistake(
            "no_transpose",
            "You multiplied by W instead of Wᵀ. W^(l) has the lecture's shape "
            "(N_l, N_{l-1}) and the rows of h_prev are samples, so z = h_prev @ W.T + b "
            "(Eq. 11).",
            lambda h_prev, W, b: h_prev @ W + b,
        ),
        Mistake(
            "no_bias",
            "You left out the bias: z^(l) = W^(l) h^(l-1) + b^(l) (Eq. 11), so add b to "
            "every row.",
            lambda h_prev, W, b: h_prev @ W.T,
        ),
        Mistake(
            "applies_activation",
            "You applied ReLU. dense_forward returns the pre-activation z^(l) (Eq. 11); "
            "the activation h^(l) = σ(z^(l)) is the next step (Eq. 12).",
            lambda h_prev, W, b: relu(h_prev @ W.T + b),
        ),
        Mistake(
            "samples_as_columns",
            "Your z has one column per sample. In the kit rows are samples: z has shape "
            "(n, N_l), z = h_prev @ W.T + b (Eq. 11 for each row).",
            lambda h_prev, W, b: W @ h_prev.T + b[:, None],
        ),
    ),
)


# --- l2_penalty ---------------------------------------------------------------------------

def _penalty_cases():
    rng = np.random.default_rng(402)
    a = np.array
    cases = [Case(([a([[1.0, 2.0], [3.0, 4.0]])], 0.1), label="one W, lam = 0.1")]
    for shapes, lam, dtype, as_tuple in [
        ([(3, 2), (1, 3)], 0.01, np.float64, False),
        ([(4, 3), (5, 4), (2, 5)], 0.5, np.float64, True),
        ([(6, 2), (6, 6), (1, 6)], 1.0, np.float32, False),
        ([(2, 2)], 0.25, np.float32, False),
        ([(3, 4), (2, 3)], 0.0, np.float64, False),
    ]:
        weights = [rng.standard_normal(s).astype(dtype) for s in shapes]
        if as_tuple:
            weights = tuple(weights)
        kind = "tuple" if as_tuple else "list"
        cases.append(Case((weights, lam), dtype,
                          f"{np.dtype(dtype).name}, a {kind} of {len(shapes)} matrices, "
                          f"lam = {lam}"))
    return cases


def _last_only(weights, lam):
    s = 0.0
    for W in weights:
        s = lam / 2 * np.sum(W ** 2)
    return s


L2_PENALTY = Exercise(
    name="l2_penalty",
    notebook="04_forward_propagation",
    params=("weights", "lam"),
    returns="s = λ/2 Σ_l ‖W^(l)‖²_F, a float",
    equation="Eq. (15)",
    reference=l2_penalty,
    cases=_penalty_cases,
    mistakes=(
        Mistake(
            "no_half",
            "Your penalty is twice too large: s = λ/2 Σ_l ‖W^(l)‖²_F (Eq. 15) has the "
            "factor 1/2.",
            lambda weights, lam: lam * sum(np.sum(W ** 2) for W in weights),
        ),
        Mistake(
            "norm_not_squared",
            "You used the norm ‖W‖_F (np.linalg.norm) without squaring it. Eq. (15) adds the "
            "squared norms, ‖W‖²_F = the sum of all squared entries.",
            lambda weights, lam: lam / 2 * sum(np.linalg.norm(W) for W in weights),
        ),
        Mistake(
            "last_only",
            "You kept only the last matrix's term. Eq. (15) adds up ‖W^(l)‖²_F over all "
            "layers l = 1 .. L+1 (in a loop: s += ..., not s = ...).",
            _last_only,
        ),
        Mistake(
            "absolute_values",
            "You summed |W| (an L1 penalty). Eq. (15) squares the entries: "
            "‖W‖²_F = Σ_ij W_ij².",
            lambda weights, lam: lam / 2 * sum(np.sum(np.abs(W)) for W in weights),
        ),
        Mistake(
            "mean_of_squares",
            "You averaged the squared entries. ‖W‖²_F in Eq. (15) is their sum.",
            lambda weights, lam: lam / 2 * sum(np.mean(W ** 2) for W in weights),
        ),
    ),
)


# --- forward_pass -------------------------------------------------------------------------

_NAME_OF = {act.function: name for name, act in ACTIVATIONS.items()}


def forward_pass_reference(X, weights, biases, activation):
    """ŷ = z^(L+1) of an ``MLP`` holding these parameters (Eqs. 11-13), by ``MLP.predict``."""
    sizes = [weights[0].shape[1], *(W.shape[0] for W in weights)]
    net = MLP(sizes, activation=_NAME_OF[activation], dtype=weights[0].dtype)
    net.set_parameters(weights, biases)
    return net.predict(X)


def _forward_cases():
    rng = np.random.default_rng(403)
    cases = []
    for sizes, n, sigma, dtype in [
        ([2, 3, 1], 1, relu, np.float64),
        ([3, 4, 5, 2], 6, tanh, np.float64),
        ([4, 1], 5, sigmoid, np.float64),
        ([3, 3, 3, 3], 4, relu, np.float64),
        ([2, 8, 8, 1], 10, sigmoid, np.float32),
        ([5, 6, 3], 7, relu, np.float32),
    ]:
        X = rng.standard_normal((n, sizes[0])).astype(dtype)
        layers = [_layer(rng, a, b, dtype) for a, b in zip(sizes[:-1], sizes[1:])]
        weights = [W for W, _ in layers]
        biases = [b for _, b in layers]
        cases.append(Case((X, weights, biases, sigma), dtype,
                          f"{np.dtype(dtype).name}, layer sizes {sizes}, {sigma.__name__}, "
                          f"{n} samples"))
    return cases


def _forward_with(X, weights, biases, activation, *, hidden=True, output=False, last=True,
                  transpose=True):
    h = X
    L1 = len(weights)
    for l in range(1, L1 + 1):
        W, b = weights[l - 1], biases[l - 1]
        if l == L1 and not last:
            return h
        z = (h @ W.T if transpose else h @ W) + b  # Eq. (11)
        is_output = l == L1
        h = activation(z) if (output if is_output else hidden) else z
    return h


FORWARD_PASS = Exercise(
    name="forward_pass",
    notebook="04_forward_propagation",
    params=("X", "weights", "biases", "activation"),
    returns="ŷ = z^(L+1) of shape (n, N_O); σ on the hidden layers, a linear output layer",
    equation="Eqs. (11)-(13)",
    reference=forward_pass_reference,
    cases=_forward_cases,
    mistakes=(
        Mistake(
            "activation_on_output",
            "You applied σ to the output layer too. The output layer is linear: "
            "ŷ = z^(L+1) (Eq. 13); only hidden layers apply h^(l) = σ(z^(l)) (Eq. 12).",
            lambda X, weights, biases, activation: _forward_with(
                X, weights, biases, activation, output=True),
        ),
        Mistake(
            "no_activation",
            "You never applied σ, so the network is linear. Each hidden layer computes "
            "h^(l) = σ(z^(l)) (Eq. 12) before the next layer.",
            lambda X, weights, biases, activation: _forward_with(
                X, weights, biases, activation, hidden=False),
        ),
        Mistake(
            "no_transpose",
            "You multiplied by W instead of Wᵀ. With rows as samples, "
            "z^(l) = h^(l-1) @ W^(l).T + b^(l) (Eq. 11).",
            lambda X, weights, biases, activation: _forward_with(
                X, weights, biases, activation, transpose=False),
        ),
        Mistake(
            "stops_before_output",
            "You returned the last hidden layer h^(L). The output layer still follows: "
            "ŷ = z^(L+1) = h^(L) W^(L+1)ᵀ + b^(L+1) (Eqs. 11, 13).",
            lambda X, weights, biases, activation: _forward_with(
                X, weights, biases, activation, last=False),
        ),
    ),
)

EXERCISES = [DENSE_FORWARD, L2_PENALTY, FORWARD_PASS]

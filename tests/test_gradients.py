"""Backpropagation against centred finite differences (``mlp_core.gradient_check``).

Two preconditions make a finite-difference check meaningful; each draw that violates one is
set aside with ``assume`` (a rejected draw, not a pass), and both are explained where used:

1. No pre-activation z may sit at (or within the step ε of) ReLU's kink at 0 (Eq. 6).
2. The finite-difference reference must itself be accurate: every block of the gradient large
   enough to resolve above rounding, and the truncation error small.
"""

import dataclasses

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose

from mlp_core import (
    ACTIVATIONS,
    LOSSES,
    MLP,
    gradient_check,
    gradient_check_layers,
    l2_penalty,
    numerical_gradient,
    relative_error,
)
from mlp_core._checks import check_targets

# The centred-difference step. For the smooth activations the best step balances rounding
# (≈ machine-eps · |J| / ε) against truncation (≈ ε² J'''), which gives ε ≈ ∛(2.2e-16) ≈ 6e-6;
# we use 1e-5 everywhere, and keep ReLU's pre-activations at least 100 ε away from 0.
EPS = 1e-5
KINK_MARGIN = 100 * EPS

# Finite differences in float64 measure each derivative only to an absolute accuracy of about
# 1e-10 · max(1, |J|) (the rounding of J, divided by 2ε). A relative error below 1e-7 is only
# possible when the gradient is well above that. With λ = 0, the first layers of a deep
# sigmoid network have vanishing gradients (σ' <= 1/4 per layer, Eq. 8) that fall below it,
# and then the "error" measures rounding noise, not backpropagation; likewise a block whose
# true gradient is exactly 0 (e.g. every path through it dropped) gives finite differences of
# exactly 0 but backpropagation's rounding residue of ~1e-16, a relative error of 1.
# So a block is checked only if the finite-difference or the backpropagated gradient has a
# root-mean-square entry of at least RESOLVABLE · max(1, |J|), or both are exactly zero.
# A wrong backpropagation cannot hide behind this filter: if either gradient is large the
# block is kept.
RESOLVABLE = 3e-4

# The centred difference also has a truncation error c ε² (from the ε² J'''/6 term). It is
# tiny unless a block's gradient is small compared with the curvature, e.g. when λ W and the
# data term nearly cancel. A second step size shows it: with step 2ε the difference is
# g + 4cε², so relative_error(g(ε), g(2ε)) ≈ 3 × the truncation error of g(ε). We require
# this estimate to stay below CONSISTENT, so the reference itself is good to ~3e-9.
CONSISTENT = 1e-8

# Measured on 20 000 draws of this strategy: 0.5 % set aside for the kink, 7 % as unresolvable
# (mostly deep sigmoid networks), 0.4 % for truncation; on the 18 452 kept draws the largest
# error was 1.2e-8, a factor 8 below the 1e-7 asserted.

N_OUTPUTS = {  # output sizes each loss allows
    "mse": st.integers(1, 3),
    "cross_entropy": st.integers(2, 4),
    "binary_cross_entropy": st.just(1),
}


@st.composite
def problems(draw):
    """Draw a random network, batch, loss, λ and dropout rate for a gradient check."""
    loss = draw(st.sampled_from(sorted(LOSSES)))
    hidden = draw(st.lists(st.integers(1, 6), min_size=1, max_size=4))  # 1-4 hidden layers
    sizes = [draw(st.integers(1, 4)), *hidden, draw(N_OUTPUTS[loss])]
    return {
        "sizes": sizes,
        "activation": draw(st.sampled_from(sorted(ACTIVATIONS))),
        "loss": loss,
        "lam": draw(st.sampled_from([0.0, 0.1, 1.0])),
        "dropout": draw(st.sampled_from([0.0, 0.3, 0.6])),
        "n": draw(st.integers(1, 5)),
        "seed": draw(st.integers(0, 2**32 - 1)),
    }


def build(problem):
    """Network, inputs and targets of a drawn problem (float64)."""
    rng = np.random.default_rng(problem["seed"])
    sizes, n = problem["sizes"], problem["n"]
    net = MLP(sizes, activation=problem["activation"], seed=problem["seed"])
    # Biases start at 0. With ReLU, a sample whose whole previous layer is zero (all of it
    # dropped by dropout, or all of it dead) then gets z = b = 0 exactly: ReLU's kink, where
    # the centred difference sees slope 1/2 and backpropagation (Eq. 6) sees 0. Biases of
    # magnitude 0.05-0.2 with random signs keep every such z far from the kink.
    for b in net.biases:
        b[:] = rng.choice([-1.0, 1.0], b.shape) * rng.uniform(0.05, 0.2, b.shape)
    X = rng.normal(size=(n, sizes[0]))
    if problem["loss"] == "mse":
        y = rng.normal(size=(n, sizes[-1]))
    else:
        y = rng.integers(0, max(sizes[-1], 2), n)
    return net, X, y


def fixed_mask_objective(net, X, y, problem, mask_seed):
    """J with the dropout masks that ``gradient_check(seed=mask_seed)`` draws, held fixed."""
    loss = LOSSES[problem["loss"]]
    cache = net.forward(X, dropout=problem["dropout"], rng=np.random.default_rng(mask_seed))
    targets = check_targets(y, problem["loss"], net.layer_sizes[-1], net.dtype)

    def J():
        y_hat = net.forward(X, masks=cache.masks).output
        return float(np.mean(loss.value(y_hat, targets))) + l2_penalty(net.weights, problem["lam"])

    return cache, J


def _rms(a):
    return float(np.sqrt(np.mean(np.square(a))))


@given(problems())
@settings(max_examples=120, deadline=None)
def test_backpropagation_matches_finite_differences(problem):
    net, X, y = build(problem)
    mask_seed = problem["seed"] + 1
    cache, J = fixed_mask_objective(net, X, y, problem, mask_seed)
    if problem["activation"] == "relu":
        # Precondition 1: the centred difference is wrong within ε of the kink.
        assume(min(np.abs(z).min() for z in cache.z[:-1]) >= KINK_MARGIN)
    # Precondition 2 (see RESOLVABLE and CONSISTENT).
    floor = RESOLVABLE * max(1.0, abs(J()))
    grads = net.backward(cache, y, loss=problem["loss"], lam=problem["lam"])
    for param, analytic in zip(net.weights + net.biases, grads.weights + grads.biases):
        numeric = numerical_gradient(J, param, EPS)
        both_zero = not np.any(numeric) and not np.any(analytic)
        assume(both_zero or max(_rms(numeric), _rms(analytic)) >= floor)
        assume(relative_error(numeric, numerical_gradient(J, param, 2 * EPS)) <= CONSISTENT)

    error = gradient_check(
        net, X, y, loss=problem["loss"], lam=problem["lam"], dropout=problem["dropout"],
        seed=mask_seed, eps=EPS,
    )
    assert error < 1e-7


def test_relu_kink_pitfall_and_why_the_biases_are_set_non_zero():
    # The pitfall behind build(): with the initial zero biases, a sample whose whole first
    # hidden layer is dropped gets z^(2) = 0 + b^(2) = 0 exactly, at ReLU's kink; the centred
    # difference there sees slope 1/2, backpropagation 0 (Eq. 6), and the check "fails".
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(4, 3)), rng.normal(size=(4, 1))
    net = MLP([3, 2, 3, 1], activation="relu", seed=1)
    cache = net.forward(X, dropout=0.6, rng=np.random.default_rng(2))
    dropped = np.all(cache.masks[0] == 0, axis=1)
    assert dropped.any()
    assert np.all(cache.z[1][dropped] == 0.0)
    assert gradient_check(net, X, y, dropout=0.6, seed=2) > 1e-3
    for b in net.biases:  # away from the kink, backpropagation is right after all
        b[:] = 0.1
    assert gradient_check(net, X, y, dropout=0.6, seed=2) < 1e-7


def test_gradient_check_holds_the_mask_that_forward_draws_from_the_same_seed(monkeypatch):
    # fixed_mask_objective relies on this: gradient_check(seed=s) draws its masks as
    # forward(dropout=p, rng=default_rng(s)) does, then keeps them fixed for every J(θ ± ε).
    problem = {"sizes": [3, 5, 5, 2], "activation": "tanh", "loss": "cross_entropy",
               "lam": 0.1, "dropout": 0.5, "n": 4, "seed": 11}
    net, X, y = build(problem)
    expected = net.forward(X, dropout=0.5, rng=np.random.default_rng(12)).masks
    used = []
    real_forward = net.forward

    def spy(X, *args, **kwargs):
        cache = real_forward(X, *args, **kwargs)
        used.append(cache.masks)
        return cache

    monkeypatch.setattr(net, "forward", spy)
    error = gradient_check(net, X, y, loss="cross_entropy", lam=0.1, dropout=0.5, seed=12,
                           eps=EPS)
    assert error < 1e-7
    assert len(used) > 1
    for masks in used:  # the first pass draws them, every later pass reuses them
        for m, e in zip(masks, expected):
            np.testing.assert_array_equal(m, e)


def test_gradient_check_layers_reports_every_block(rng):
    net = MLP([2, 3, 3, 1], activation="tanh", seed=0)
    errors = gradient_check_layers(net, rng.normal(size=(4, 2)), rng.normal(size=4))
    assert list(errors) == ["W^(1)", "b^(1)", "W^(2)", "b^(2)", "W^(3)", "b^(3)"]


def test_gradient_check_leaves_the_parameters_unchanged(rng):
    net = MLP([2, 3, 1], activation="sigmoid", seed=0)
    before = net.get_parameters()
    gradient_check(net, rng.normal(size=(4, 2)), rng.normal(size=4), lam=0.1)
    for a, b in zip(before[0] + before[1], net.weights + net.biases):
        assert np.array_equal(a, b)


# --- float32 networks -------------------------------------------------------------------------

def float32_problem(seed):
    """Return a float32 network (activation, loss vary with the seed), inputs and targets."""
    rng = np.random.default_rng(seed)
    activation = sorted(ACTIVATIONS)[seed % 4]
    loss = sorted(LOSSES)[seed % 3]
    n_out = {"mse": 2, "cross_entropy": 3, "binary_cross_entropy": 1}[loss]
    net = MLP([3, 5, 4, n_out], activation=activation, seed=seed, dtype=np.float32)
    for b in net.biases:  # away from ReLU's kink, as in build()
        b[:] = rng.choice([-1.0, 1.0], b.shape) * rng.uniform(0.05, 0.2, b.shape)
    X = rng.normal(size=(6, 3))
    y = rng.normal(size=(6, n_out)) if loss == "mse" else rng.integers(0, max(n_out, 2), 6)
    return net, X, y, loss


@pytest.mark.parametrize("seed", range(24))
def test_a_float32_network_is_checked_in_float64_and_passes_when_correct(seed):
    # In float32 itself, rounding (~6e-8 per operation) divided by 2ε swamped the finite
    # differences: correct code scored 0.02-1.0. The check now runs on a float64 copy of the
    # same weights (each float32 value is exact in float64) and scores like float64 code.
    net, X, y, loss = float32_problem(seed)
    before = net.get_parameters()
    error = gradient_check(net, X, y, loss=loss, lam=0.1, dropout=0.3 * (seed % 2), seed=seed,
                           eps=EPS)
    assert error < 1e-7  # measured: at most 6e-9 over these 24 seeds
    assert net.dtype == np.float32  # the network itself is untouched
    for a, b in zip(before[0] + before[1], net.weights + net.biases):
        assert b.dtype == np.float32 and np.array_equal(a, b)


@pytest.mark.parametrize("seed", range(24))
def test_a_float32_network_with_a_wrong_derivative_still_fails_the_check(seed):
    net, X, y, loss = float32_problem(seed)
    right = net.activation.derivative
    net.activation = dataclasses.replace(net.activation, derivative=lambda z: 1.5 * right(z))
    assert gradient_check(net, X, y, loss=loss, lam=0.1, eps=EPS) > 1e-3  # measured >= 0.38


def test_a_float32_check_equals_the_check_of_a_float64_copy_made_by_hand():
    net, X, y, loss = float32_problem(5)
    copy = MLP(net.layer_sizes, activation=net.activation.name, dtype=np.float64)
    copy.set_parameters(net.weights, net.biases)
    kwargs = {"loss": loss, "lam": 0.1, "dropout": 0.3, "seed": 7}
    assert gradient_check_layers(net, X, y, **kwargs) == gradient_check_layers(copy, X, y,
                                                                               **kwargs)


# --- the check can fail -----------------------------------------------------------------------

@pytest.mark.parametrize("name", ["relu", "sigmoid", "tanh", "identity"])
def test_gradient_check_detects_a_wrong_activation_derivative(name, rng):
    net = MLP([3, 4, 4, 2], activation=name, seed=4)
    for b in net.biases:
        b[:] = rng.uniform(0.05, 0.2, b.shape)
    X, y = rng.normal(size=(5, 3)), rng.normal(size=(5, 2))
    assert gradient_check(net, X, y, eps=EPS) < 1e-7  # correct as it stands
    right = net.activation.derivative
    net.activation = dataclasses.replace(net.activation, derivative=lambda z: 1.5 * right(z))
    assert gradient_check(net, X, y, eps=EPS) > 1e-3


def test_gradient_check_detects_a_wrong_output_delta(rng):
    net = MLP([3, 4, 3], activation="tanh", seed=4)
    X, y = rng.normal(size=(5, 3)), rng.integers(0, 3, 5)
    assert gradient_check(net, X, y, loss="cross_entropy") < 1e-7
    # softmax − onehot with the sign of the one-hot part flipped
    ce = LOSSES["cross_entropy"]
    wrong = dataclasses.replace(ce, delta=lambda y_hat, t: ce.delta(y_hat, t) + 2 * np.eye(3)[t])
    assert gradient_check(net, X, y, loss=wrong) > 1e-3


def test_gradient_check_detects_a_backward_pass_that_ignores_the_dropout_mask(
    rng, monkeypatch
):
    net = MLP([3, 6, 2], activation="tanh", seed=4)
    X, y = rng.normal(size=(5, 3)), rng.normal(size=(5, 2))
    assert gradient_check(net, X, y, dropout=0.5, seed=1) < 1e-7
    real_backward = net.backward

    def backward_without_masks(cache, *args, **kwargs):
        cache = dataclasses.replace(cache, masks=[None] * len(cache.masks))
        return real_backward(cache, *args, **kwargs)

    monkeypatch.setattr(net, "backward", backward_without_masks)
    assert gradient_check(net, X, y, dropout=0.5, seed=1) > 1e-3


# --- the building blocks ----------------------------------------------------------------------

def test_relative_error_by_hand():
    assert relative_error(np.array([3.0, 4.0]), np.array([3.0, 4.0])) == 0.0
    assert relative_error(np.zeros(3), np.zeros(3)) == 0.0
    # ‖(1, -1)‖ / (1 + 1) = √2 / 2
    assert relative_error(np.array([1.0, 0.0]), np.array([0.0, 1.0])) == pytest.approx(
        np.sqrt(2) / 2
    )
    # a vs 2a: ‖a‖ / 3‖a‖ = 1/3
    assert relative_error(np.array([1.0, 2.0]), np.array([2.0, 4.0])) == pytest.approx(1 / 3)


def test_relative_error_refuses_arrays_of_different_shapes():
    # zeros(2) against zeros(3) gave 0.0, "a perfect match"; (3,) against (1, 3) broadcast
    with pytest.raises(ValueError, match=r"a and b must have the same shape, got \(2,\) and "
                                         r"\(3,\)"):
        relative_error(np.zeros(2), np.zeros(3))
    with pytest.raises(ValueError, match=r"got \(3,\) and \(1, 3\)"):
        relative_error(np.ones(3), np.ones((1, 3)))
    assert relative_error([3.0, 4.0], [3.0, 4.0]) == 0.0  # lists are fine


@pytest.mark.parametrize("dtype", [np.int64, np.int32, bool])
def test_numerical_gradient_refuses_an_integer_theta(dtype):
    # theta[k] = 1 + 1e-6 is stored as 1 in an integer array: every difference was 0, a
    # silently wrong gradient of zeros
    theta = np.array([1, 2], dtype=dtype)
    with pytest.raises(TypeError, match=rf"theta must be an array of floats .*got dtype "
                                        rf"{np.dtype(dtype)}"):
        numerical_gradient(lambda: float(np.sum(theta**2)), theta)
    assert np.array_equal(theta, np.array([1, 2], dtype=dtype))


def test_numerical_gradient_refuses_a_theta_that_f_cannot_read_and_a_bad_eps():
    with pytest.raises(TypeError, match=r"theta must be a numpy array .*got list"):
        numerical_gradient(lambda: 0.0, [1.0, 2.0])
    with pytest.raises(TypeError, match=r"f must be a callable .*got ndarray"):
        numerical_gradient(np.zeros(2), np.zeros(2))
    with pytest.raises(ValueError, match=r"eps must be a finite number > 0, got -1e-06"):
        numerical_gradient(lambda: 0.0, np.zeros(2), eps=-1e-6)


def test_numerical_gradient_of_a_quadratic_and_restores_theta():
    theta = np.array([[1.0, -2.0], [0.5, 3.0]])
    original = theta.copy()
    # f = Σ θ² + 3 θ_00, ∂f/∂θ = 2θ + 3 e_00
    grad = numerical_gradient(lambda: float(np.sum(theta**2) + 3 * theta[0, 0]), theta)
    assert_allclose(grad, [[5.0, -4.0], [1.0, 6.0]], rtol=0, atol=1e-8)
    assert np.array_equal(theta, original)


@pytest.mark.parametrize("fail_on_call", [1, 2, 3, 4])
def test_numerical_gradient_restores_theta_when_f_raises(fail_on_call):
    # f fails on its n-th call: on the +ε or the −ε side, of the first or the second entry
    theta = np.array([1.0, -2.0])
    original = theta.copy()
    calls = []

    def f():
        calls.append(1)
        if len(calls) == fail_on_call:
            raise RuntimeError("f failed")
        return float(np.sum(theta**2))

    with pytest.raises(RuntimeError, match="f failed"):
        numerical_gradient(f, theta)
    assert np.array_equal(theta, original)

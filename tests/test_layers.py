"""One layer forward and backward (``dense_forward``, ``dense_backward``): Eqs. (11), (22)-(25).

The expected numbers come from the 2-2-1 network worked out by hand in test_network.py; the
other tests compose the two functions by hand, layer by layer, and compare the result with
``MLP.backward`` and with centred finite differences.
"""

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

import mlp_core
from mlp_core import (
    LOSSES,
    MLP,
    dense_backward,
    dense_forward,
    l2_penalty,
    numerical_gradient,
    relative_error,
)
from mlp_core._checks import check_targets

# The hand network of test_network.py: W1 = [[1, -1], [2, 0.5]], b1 = [0, -1],
# W2 = [[1, -2]], b2 = [0.5], X = [[1, 2], [3, -1]], y = [-3, -5], mse, λ = 0.1.
W1, b1 = np.array([[1.0, -1.0], [2.0, 0.5]]), np.array([0.0, -1.0])
W2, b2 = np.array([[1.0, -2.0]]), np.array([0.5])
X = np.array([[1.0, 2.0], [3.0, -1.0]])
LAM = 0.1


def test_dense_forward_by_hand():
    # z1 = X W1ᵀ + b1 = (-1, 2), (4, 4.5)   (test_network.py)
    assert_allclose(dense_forward(X, W1, b1), [[-1.0, 2.0], [4.0, 4.5]], rtol=1e-15)
    h1 = np.array([[0.0, 2.0], [4.0, 4.5]])
    assert_allclose(dense_forward(h1, W2, b2), [[-3.5], [-4.5]], rtol=1e-15)


def test_dense_backward_by_hand():
    # Output layer: δ2 = [[-0.5], [0.5]], h1 as above: ∂J/∂W2 = (1.1, 0.425), ∂J/∂b2 = 0;
    # δ2 W2 = (-0.5, 1), (0.5, -1), which ReLU'(z1) = (0, 1), (1, 1) turns into δ1.
    h1 = np.array([[0.0, 2.0], [4.0, 4.5]])
    grad_W, grad_b, delta_W = dense_backward(np.array([[-0.5], [0.5]]), h1, W2, LAM)
    assert_allclose(grad_W, [[1.1, 0.425]], rtol=1e-14)
    assert_allclose(grad_b, [0.0], atol=1e-15)
    assert_allclose(delta_W, [[-0.5, 1.0], [0.5, -1.0]], rtol=1e-15)
    # First layer: δ1 = (0, 1), (0.5, -1): ∂J/∂W1 = [[0.85, -0.35], [-0.8, 1.55]], ∂J/∂b1.
    grad_W, grad_b, delta_W = dense_backward(np.array([[0.0, 1.0], [0.5, -1.0]]), X, W1, LAM)
    assert_allclose(grad_W, [[0.85, -0.35], [-0.8, 1.55]], rtol=1e-14)
    assert_allclose(grad_b, [0.25, 0.0], atol=1e-15)
    # δ1 W1: (0, 1) W1 = (2, 0.5) and (0.5, -1) W1 = (0.5 − 2, −0.5 − 0.5) = (−1.5, −1)
    assert_allclose(delta_W, [[2.0, 0.5], [-1.5, -1.0]], rtol=1e-15)


def test_dense_backward_without_propagation_returns_no_delta_W(rng):
    delta, h_prev, W = rng.normal(size=(4, 3)), rng.normal(size=(4, 2)), rng.normal(size=(3, 2))
    with_delta_W = dense_backward(delta, h_prev, W, 0.5)
    grad_W, grad_b, delta_W = dense_backward(delta, h_prev, W, 0.5, propagate=False)
    assert delta_W is None
    assert_array_equal(grad_W, with_delta_W[0])
    assert_array_equal(grad_b, with_delta_W[1])


# --- composed by hand through the layers ------------------------------------------------------

def backward_by_hand(net, X, y, loss, lam):
    """Eqs. (21)-(25) written out with dense_forward / dense_backward, layer by layer."""
    sigma, sigma_prime = net.activation.function, net.activation.derivative
    L = net.n_hidden
    W, b = [None, *net.weights], [None, *net.biases]
    h, z = [X.astype(net.dtype)], [None]
    for l in range(1, L + 2):
        z.append(dense_forward(h[l - 1], W[l], b[l]))
        h.append(sigma(z[l]))  # h[L+1] is not used: the output layer is linear
    targets = check_targets(y, loss, net.layer_sizes[-1], net.dtype)
    delta = LOSSES[loss].delta(z[L + 1], targets)  # Eq. (21)
    grads_W, grads_b = {}, {}
    for l in range(L + 1, 0, -1):
        grads_W[l], grads_b[l], delta_W = dense_backward(delta, h[l - 1], W[l], lam)
        delta = delta_W * sigma_prime(z[l - 1]) if l > 1 else None  # Eq. (22)
    return [grads_W[l] for l in range(1, L + 2)], [grads_b[l] for l in range(1, L + 2)]


def problem(loss, dtype, rng):
    n_out = {"mse": 2, "cross_entropy": 3, "binary_cross_entropy": 1}[loss]
    net = MLP([3, 5, 4, n_out], activation="tanh", seed=7, dtype=dtype)
    for b in net.biases:
        b[:] = rng.uniform(-0.2, 0.2, b.shape)
    X = rng.normal(size=(6, 3))
    y = rng.normal(size=(6, 2)) if loss == "mse" else rng.integers(0, max(n_out, 2), 6)
    return net, X, y


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("loss", sorted(LOSSES))
def test_layers_composed_by_hand_agree_with_mlp_backward(loss, dtype, rng):
    net, X, y = problem(loss, dtype, rng)
    by_hand_W, by_hand_b = backward_by_hand(net, X, y, loss, lam=0.3)
    grads = net.backward(net.forward(X), y, loss=loss, lam=0.3)
    for a, b in zip(by_hand_W + by_hand_b, grads.weights + grads.biases):
        assert a.dtype == dtype
        assert_array_equal(a, b)  # the same operations in the same order


@pytest.mark.parametrize(("dtype", "tolerance"), [(np.float64, 1e-7), (np.float32, 1e-3)])
@pytest.mark.parametrize("loss", sorted(LOSSES))
def test_layers_composed_by_hand_agree_with_finite_differences(loss, dtype, tolerance, rng):
    # The reference J is evaluated in float64 on a float64 copy of the weights: in float32
    # the centred difference itself would be mostly rounding. Float32 backpropagation is then
    # right to float32 precision (~1e-7 per operation), far below 1e-3; a wrong formula gives
    # errors of order 1.
    net, X, y = problem(loss, dtype, rng)
    by_hand_W, by_hand_b = backward_by_hand(net, X, y, loss, lam=0.3)
    exact = MLP(net.layer_sizes, activation="tanh")
    exact.set_parameters(*net.get_parameters())

    def J():
        return exact.loss(X, y, loss=loss, lam=0.3)

    for analytic, param in zip(by_hand_W + by_hand_b, exact.weights + exact.biases):
        numeric = numerical_gradient(J, param, 1e-6)
        assert relative_error(analytic.astype(np.float64), numeric) < tolerance


def test_finite_difference_check_fails_for_a_wrong_layer_gradient(rng):
    # The comparison above can fail: grad_W without the 1/n of the batch mean is caught.
    net, X, y = problem("mse", np.float64, rng)
    by_hand_W, _ = backward_by_hand(net, X, y, "mse", lam=0.0)
    numeric = numerical_gradient(lambda: net.loss(X, y), net.weights[0], 1e-6)
    assert relative_error(by_hand_W[0], numeric) < 1e-7
    assert relative_error(by_hand_W[0] * len(X), numeric) > 0.5


def test_l2_term_is_lam_W_as_the_derivative_of_the_penalty(rng):
    delta, h_prev, W = rng.normal(size=(5, 3)), rng.normal(size=(5, 4)), rng.normal(size=(3, 4))
    plain = dense_backward(delta, h_prev, W)[0]
    with_lam = dense_backward(delta, h_prev, W, lam=0.5)[0]
    numeric = numerical_gradient(lambda: l2_penalty([W], 0.5), W)
    assert_allclose(with_lam - plain, numeric, rtol=1e-7, atol=1e-9)


# --- checks, and check=False ------------------------------------------------------------------

@pytest.mark.parametrize(
    ("args", "error", "pattern"),
    [
        ((np.ones((2, 3)), W1, b1), ValueError,
         r"h_prev must have 2 columns \(N_\{l-1\} = W\.shape\[1\], W has shape \(2, 2\)\), "
         r"got shape \(2, 3\)"),
        ((np.ones(2), W1, b1), ValueError, r"h_prev must be 2-D, got an array of shape \(2,\)"),
        ((X, W1, np.zeros(3)), ValueError,
         r"b must have shape \(N_l,\) = \(2,\) \(W has shape \(2, 2\)\), got shape \(3,\)"),
        ((X, np.ones((2, 2), dtype=int), b1), TypeError,
         r"W must be a float32 or float64 array, got dtype int64"),
        ((np.array([[1.0, np.nan], [0.0, 0.0]]), W1, b1), ValueError,
         r"h_prev must contain only finite numbers, got nan at index \(0, 1\)"),
    ],
)
def test_dense_forward_refuses_bad_arguments(args, error, pattern):
    with pytest.raises(error, match=pattern):
        dense_forward(*args)


@pytest.mark.parametrize(
    ("args", "error", "pattern"),
    [
        ((np.ones((2, 3)), X, W1), ValueError,
         r"delta must have 2 columns \(N_l = W\.shape\[0\], W has shape \(2, 2\)\), "
         r"got shape \(2, 3\)"),
        ((np.ones((2, 2)), np.ones((3, 2)), W1), ValueError,
         r"h_prev must have one row per row of delta \(2 samples\), got 3 rows"),
        ((np.ones((2, 2)), X, W1, -0.1), ValueError,
         r"lam must be a finite number >= 0, got -0\.1"),
    ],
)
def test_dense_backward_refuses_bad_arguments(args, error, pattern):
    with pytest.raises(error, match=pattern):
        dense_backward(*args)


def test_check_converts_to_the_dtype_of_W_and_check_false_does_not():
    W32, b32 = W1.astype(np.float32), b1.astype(np.float32)
    assert dense_forward(X, W32, b32).dtype == np.float32  # X converted to W's dtype
    assert dense_forward(X, W32, b32, check=False).dtype == np.float64  # numpy's promotion


def test_check_false_skips_every_check(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("a check ran with check=False")

    monkeypatch.setattr(mlp_core.layers, "check_array", refuse)
    monkeypatch.setattr(mlp_core.layers, "check_real", refuse)
    bad = np.array([[np.nan, 1.0], [0.0, 0.0]])  # refused with check=True
    assert np.isnan(dense_forward(bad, W1, b1, check=False)).any()
    grad_W, _, _ = dense_backward(bad, X, W1, 0.1, check=False)
    assert np.isnan(grad_W).any()
    with pytest.raises(AssertionError, match="a check ran"):
        dense_forward(bad, W1, b1)

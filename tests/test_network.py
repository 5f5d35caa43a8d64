"""The MLP of lecture §4.1-§4.4: structure, initialisation, forward pass, loss, backward pass.

The 2-2-1 ReLU network of ``hand_net`` is worked out on paper below; every expected number
in these tests comes from that working, not from the code.
"""

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from mlp_core import LOSSES, MLP, ForwardCache, Gradients, fit

# --- a 2-2-1 ReLU network computed by hand ----------------------------------------------------
#
#   W1 = [[1, -1], [2, 0.5]]   b1 = [0, -1]      W2 = [[1, -2]]   b2 = [0.5]
#   X  = [[1, 2], [3, -1]]     y = [-3, -5]      (mse, λ = 0.1)
#
# Forward (Eqs. 11-13), one row per sample:
#   z1 = X W1ᵀ + b1:  sample 1: (1 - 2 + 0, 2 + 1 - 1) = (-1, 2)
#                     sample 2: (3 + 1 + 0, 6 - 0.5 - 1) = (4, 4.5)
#   h1 = ReLU(z1)   = (0, 2), (4, 4.5)
#   ŷ = z2 = h1 W2ᵀ + b2 = 0 - 4 + 0.5 = -3.5,  4 - 9 + 0.5 = -4.5     (negative: no ReLU)
# Loss (Eqs. 14-16):
#   l = ½ (ŷ - y)² = ½ (-0.5)² = 0.125 and ½ (0.5)² = 0.125, mean 0.125
#   s = λ/2 (‖W1‖² + ‖W2‖²) = 0.05 (1 + 1 + 4 + 0.25 + 1 + 4) = 0.05 · 11.25 = 0.5625
#   J = 0.6875   (with the biases also penalised it would be 0.05 · 12.5 + 0.125 = 0.75)
# Backward (Eqs. 21-25), averaged over n = 2:
#   δ2 = ŷ - y = [[-0.5], [0.5]]
#   ∂J/∂W2 = ½ δ2ᵀ h1 + λ W2 = ½ ((0, -1) + (2, 2.25)) + (0.1, -0.2) = (1.1, 0.425)
#   ∂J/∂b2 = ½ (-0.5 + 0.5) = 0
#   δ1 = δ2 W2 ⊙ ReLU'(z1):  sample 1: (-0.5, 1) ⊙ (0, 1) = (0, 1)
#                           sample 2: (0.5, -1) ⊙ (1, 1) = (0.5, -1)
#   ∂J/∂W1 = ½ δ1ᵀ X + λ W1 = ½ [[1.5, -0.5], [-2, 3]] + [[0.1, -0.1], [0.2, 0.05]]
#          = [[0.85, -0.35], [-0.8, 1.55]]
#   ∂J/∂b1 = ½ ((0, 1) + (0.5, -1)) = (0.25, 0)      (no λ b term: biases are not penalised)

HAND_X = np.array([[1.0, 2.0], [3.0, -1.0]])
HAND_Y = np.array([-3.0, -5.0])
HAND_LAM = 0.1


def hand_net(dtype=np.float64):
    net = MLP([2, 2, 1], activation="relu", seed=0, dtype=dtype)
    net.set_parameters(
        [np.array([[1.0, -1.0], [2.0, 0.5]]), np.array([[1.0, -2.0]])],
        [np.array([0.0, -1.0]), np.array([0.5])],
    )
    return net


# --- structure and initialisation -------------------------------------------------------------

def test_weight_and_bias_shapes_follow_the_lecture():
    sizes = [3, 5, 4, 2]
    net = MLP(sizes, seed=0)
    assert len(net.weights) == len(net.biases) == 3
    for i in range(3):
        # weights[i] is W^(i+1) of shape (N_{i+1}, N_i)
        assert net.weights[i].shape == (sizes[i + 1], sizes[i])
        assert net.biases[i].shape == (sizes[i + 1],)
        assert_array_equal(net.biases[i], 0.0)  # biases start at 0
    assert net.n_hidden == 2
    assert net.layer_sizes == sizes


def test_n_parameters():
    # (3·5 + 5) + (5·4 + 4) + (4·2 + 2) = 20 + 24 + 10 = 54
    assert MLP([3, 5, 4, 2]).n_parameters == 54
    assert MLP([1, 1]).n_parameters == 2


def test_repr_shows_the_architecture():
    net = MLP([2, 16, 16, 1], activation="relu")
    assert repr(net) == "MLP(layer_sizes=[2, 16, 16, 1], activation='relu')"
    assert repr(MLP((3, 1), activation="tanh")) == "MLP(layer_sizes=[3, 1], activation='tanh')"


HE = {(800, 200): np.sqrt(2 / 800), (200, 800): np.sqrt(2 / 200)}  # σ² = 2 / fan_in
GLOROT = {(800, 200): np.sqrt(2 / 1000), (200, 800): np.sqrt(2 / 1000)}  # 2 / (fan_in + fan_out)


@pytest.mark.parametrize("shape", [(800, 200), (200, 800)])
@pytest.mark.parametrize("activation", ["relu", "sigmoid", "tanh", "identity"])
def test_initial_weight_scale_is_he_for_relu_and_glorot_otherwise(activation, shape):
    W = MLP(list(shape), activation=activation, seed=1).weights[0]
    expected, other = (HE, GLOROT) if activation == "relu" else (GLOROT, HE)
    # 160 000 draws: the sample std has relative standard error 1/sqrt(2n) ≈ 0.18 %,
    # so 2 % is 11 standard errors; the two rules differ by at least 12 % for these shapes.
    assert abs(W.std() / expected[shape] - 1) < 0.02
    assert abs(W.std() / other[shape] - 1) > 0.1
    assert abs(W.mean()) < 5 * expected[shape] / np.sqrt(W.size)


def test_same_seed_same_weights_different_seed_different_weights():
    a, b, c = (MLP([3, 4, 2], seed=s) for s in (7, 7, 8))
    for Wa, Wb, Wc in zip(a.weights, b.weights, c.weights):
        assert_array_equal(Wa, Wb)
        assert not np.array_equal(Wa, Wc)


# --- forward propagation ----------------------------------------------------------------------

def test_forward_cache_has_l_plus_1_z_and_h_and_one_mask_per_hidden_layer(rng):
    sizes = [3, 4, 5, 2]  # L = 2 hidden layers
    net = MLP(sizes, seed=0)
    X = rng.normal(size=(6, 3))
    cache = net.forward(X)
    assert isinstance(cache, ForwardCache)
    assert len(cache.z) == 3  # z^(1) .. z^(L+1)
    assert len(cache.h) == 3  # h^(0) = X .. h^(L)
    assert_array_equal(cache.h[0], X)
    for i in range(3):
        assert cache.z[i].shape == (6, sizes[i + 1])
        assert cache.h[i].shape == (6, sizes[i])
    assert cache.masks == [None, None]
    with_dropout = net.forward(X, dropout=0.5, rng=np.random.default_rng(0))
    assert len(with_dropout.masks) == 2
    assert [m.shape for m in with_dropout.masks] == [(6, 4), (6, 5)]


def test_forward_by_hand_on_the_2_2_1_network():
    cache = hand_net().forward(HAND_X)
    assert_allclose(cache.z[0], [[-1.0, 2.0], [4.0, 4.5]], rtol=1e-15)
    assert_allclose(cache.h[1], [[0.0, 2.0], [4.0, 4.5]], rtol=1e-15)
    assert_allclose(cache.z[1], [[-3.5], [-4.5]], rtol=1e-15)
    assert_array_equal(cache.output, cache.z[1])  # ŷ = z^(L+1), Eq. (13)


def test_output_layer_is_linear_for_every_hidden_activation():
    # Sigmoid hidden layer, W1 = I, b1 = 0, x = (0, ln 3): h1 = (1/2, 3/4).
    # W2 = [[4, 4]], b2 = -1: ŷ = 2 + 3 - 1 = 4, outside sigmoid's (0, 1).
    net = MLP([2, 2, 1], activation="sigmoid")
    net.set_parameters([np.eye(2), np.array([[4.0, 4.0]])], [np.zeros(2), np.array([-1.0])])
    assert_allclose(net.predict(np.array([[0.0, np.log(3.0)]])), [[4.0]], rtol=1e-14)


def test_network_without_hidden_layers_is_affine():
    # layer_sizes [2, 1]: ŷ = W x + b with no activation at all, Eq. (4) with L = 0.
    net = MLP([2, 1], activation="relu")
    net.set_parameters([np.array([[2.0, -3.0]])], [np.array([1.0])])
    cache = net.forward(np.array([[1.0, 1.0]]))
    assert cache.masks == []
    assert_allclose(cache.output, [[0.0]])  # 2 - 3 + 1
    assert_allclose(net.predict(np.array([[0.0, 1.0]])), [[-2.0]])  # negative: no ReLU


def test_predict_equals_forward_output(rng):
    net = MLP([3, 6, 6, 2], activation="tanh", seed=3)
    X = rng.normal(size=(7, 3))
    assert_array_equal(net.predict(X), net.forward(X).output)
    assert net.predict(X).shape == (7, 2)


def test_predict_after_training_with_dropout_uses_every_unit_unscaled(rng):
    # Inverted dropout scales during training, so prediction is the plain forward pass,
    # Eqs. (11)-(13) with all units and no (1 - p) factor, written out here.
    X, y = rng.normal(size=(40, 3)), rng.normal(size=(40, 2))
    net = MLP([3, 6, 2], seed=3)
    fit(net, X, y, loss="mse", lr=0.05, epochs=5, batch_size=8, dropout=0.5, seed=0)
    (W1, W2), (b1, b2) = net.weights, net.biases
    expected = np.maximum(X @ W1.T + b1, 0) @ W2.T + b2
    assert_allclose(net.predict(X), expected, rtol=1e-12, atol=1e-12)


# --- loss -------------------------------------------------------------------------------------

def test_loss_by_hand_is_mean_l_plus_half_lambda_sum_of_squared_weights():
    net = hand_net()
    assert net.loss(HAND_X, HAND_Y, loss="mse", lam=0.0) == pytest.approx(0.125, abs=1e-15)
    assert net.loss(HAND_X, HAND_Y, loss="mse", lam=HAND_LAM) == pytest.approx(0.6875, abs=1e-14)


def test_loss_does_not_penalise_biases():
    net = hand_net()
    J0 = net.loss(HAND_X, HAND_Y, loss="mse", lam=HAND_LAM)
    data0 = net.loss(HAND_X, HAND_Y, loss="mse", lam=0.0)
    W, b = net.get_parameters()
    net.set_parameters(W, [b[0] + 100.0, b[1] - 50.0])  # huge biases, same weights
    J1 = net.loss(HAND_X, HAND_Y, loss="mse", lam=HAND_LAM)
    data1 = net.loss(HAND_X, HAND_Y, loss="mse", lam=0.0)
    # s = 0.5625 in both cases
    assert J0 - data0 == pytest.approx(0.5625, abs=1e-12)
    assert J1 - data1 == pytest.approx(0.5625, abs=1e-9)


@pytest.mark.parametrize("name", sorted(LOSSES))
def test_loss_is_the_mean_of_the_per_sample_losses(name, rng):
    n_out = {"mse": 2, "cross_entropy": 3, "binary_cross_entropy": 1}[name]
    net = MLP([2, 4, n_out], activation="tanh", seed=5)
    X = rng.normal(size=(6, 2))
    y = rng.normal(size=(6, 2)) if name == "mse" else rng.integers(0, max(n_out, 2), 6)
    per_sample = [net.loss(X[i:i + 1], y[i:i + 1], loss=name) for i in range(6)]
    assert net.loss(X, y, loss=name) == pytest.approx(np.mean(per_sample), rel=1e-12)


# --- backpropagation --------------------------------------------------------------------------

def test_backward_by_hand_on_the_2_2_1_network():
    net = hand_net()
    grads = net.backward(net.forward(HAND_X), HAND_Y, loss="mse", lam=HAND_LAM)
    assert isinstance(grads, Gradients)
    assert_allclose(grads.delta[1], [[-0.5], [0.5]], rtol=1e-15)
    assert_allclose(grads.delta[0], [[0.0, 1.0], [0.5, -1.0]], rtol=1e-15)
    assert_allclose(grads.weights[1], [[1.1, 0.425]], rtol=1e-14)
    assert_allclose(grads.biases[1], [0.0], atol=1e-15)
    assert_allclose(grads.weights[0], [[0.85, -0.35], [-0.8, 1.55]], rtol=1e-14)
    assert_allclose(grads.biases[0], [0.25, 0.0], rtol=1e-15, atol=1e-15)


def test_backward_with_lambda_zero_has_no_penalty_term():
    net = hand_net()
    grads = net.backward(net.forward(HAND_X), HAND_Y, loss="mse", lam=0.0)
    # The λ W terms removed from the hand values: (1.1, 0.425) - (0.1, -0.2) etc.
    assert_allclose(grads.weights[1], [[1.0, 0.625]], rtol=1e-14)
    assert_allclose(grads.weights[0], [[0.75, -0.25], [-1.0, 1.5]], rtol=1e-14)


def test_gradients_are_averaged_but_deltas_are_per_sample():
    # Doubling the batch (each sample twice) leaves the averaged gradients unchanged and
    # repeats the δ rows: δ is one row per sample and is not divided by n.
    net = hand_net()
    X2, y2 = np.vstack([HAND_X, HAND_X]), np.concatenate([HAND_Y, HAND_Y])
    g1 = net.backward(net.forward(HAND_X), HAND_Y, loss="mse", lam=HAND_LAM)
    g2 = net.backward(net.forward(X2), y2, loss="mse", lam=HAND_LAM)
    for a, b in zip(g1.weights + g1.biases, g2.weights + g2.biases):
        assert_allclose(a, b, rtol=1e-14, atol=1e-15)
    for d1, d2 in zip(g1.delta, g2.delta):
        assert_array_equal(d2, np.vstack([d1, d1]))


@pytest.mark.parametrize("name", sorted(LOSSES))
def test_backward_formulas_dW_equals_mean_delta_h_plus_lambda_W(name, rng):
    # Eqs. (23)-(25) averaged: ∂J/∂W^(l) = (1/n) δ^(l)ᵀ h^(l-1) + λ W^(l), ∂J/∂b^(l) = mean δ^(l)
    n_out = {"mse": 2, "cross_entropy": 3, "binary_cross_entropy": 1}[name]
    net = MLP([3, 5, 4, n_out], activation="sigmoid", seed=2)
    X = rng.normal(size=(7, 3))
    y = rng.normal(size=(7, 2)) if name == "mse" else rng.integers(0, max(n_out, 2), 7)
    lam = 0.3
    cache = net.forward(X)
    grads = net.backward(cache, y, loss=name, lam=lam)
    assert len(grads.delta) == 3
    for i in range(3):
        assert grads.delta[i].shape == (7, net.layer_sizes[i + 1])
        assert grads.weights[i].shape == net.weights[i].shape
        assert grads.biases[i].shape == net.biases[i].shape
        expected_W = sum(np.outer(grads.delta[i][k], cache.h[i][k]) for k in range(7)) / 7
        assert_allclose(grads.weights[i], expected_W + lam * net.weights[i], rtol=1e-12)
        assert_allclose(grads.biases[i], grads.delta[i].mean(axis=0), rtol=1e-12)


# --- parameters -------------------------------------------------------------------------------

def test_get_parameters_returns_copies():
    net = hand_net()
    W, b = net.get_parameters()
    W[0][0, 0] = 99.0
    b[1][0] = 99.0
    assert net.weights[0][0, 0] == 1.0
    assert net.biases[1][0] == 0.5


def test_set_parameters_copies_its_arguments():
    net = MLP([2, 2, 1], seed=0)
    W = [np.ones((2, 2)), np.ones((1, 2))]
    b = [np.zeros(2), np.zeros(1)]
    net.set_parameters(W, b)
    W[0][0, 0] = 5.0
    b[0][0] = 5.0
    assert net.weights[0][0, 0] == 1.0
    assert net.biases[0][0] == 0.0
    assert_allclose(net.predict(np.array([[1.0, 1.0]])), [[4.0]])  # (2, 2) -> 2 + 2


def test_get_then_set_parameters_round_trips(rng):
    a = MLP([3, 4, 2], seed=1)
    b = MLP([3, 4, 2], seed=2)
    b.set_parameters(*a.get_parameters())
    X = rng.normal(size=(5, 3))
    assert_array_equal(a.predict(X), b.predict(X))


# --- float32 ----------------------------------------------------------------------------------

@pytest.mark.parametrize("name", sorted(LOSSES))
def test_float32_network_stays_float32_through_forward_and_backward(name, rng):
    n_out = {"mse": 2, "cross_entropy": 3, "binary_cross_entropy": 1}[name]
    net = MLP([3, 4, 4, n_out], activation="relu", seed=0, dtype=np.float32)
    assert all(W.dtype == np.float32 for W in net.weights)
    assert all(b.dtype == np.float32 for b in net.biases)
    X = rng.normal(size=(5, 3))  # float64 input is converted
    y = rng.normal(size=(5, 2)) if name == "mse" else rng.integers(0, max(n_out, 2), 5)
    cache = net.forward(X, dropout=0.25, rng=np.random.default_rng(0))
    for a in [*cache.z, *cache.h, *cache.masks]:
        assert a.dtype == np.float32
    grads = net.backward(cache, y, loss=name, lam=0.1)
    for a in [*grads.weights, *grads.biases, *grads.delta]:
        assert a.dtype == np.float32
    assert net.predict(X).dtype == np.float32
    assert isinstance(net.loss(X, y, loss=name, lam=0.1), float)


def test_float32_hand_network_gives_the_hand_values():
    net = hand_net(np.float32)
    grads = net.backward(net.forward(HAND_X), HAND_Y, loss="mse", lam=HAND_LAM)
    assert_allclose(grads.weights[0], [[0.85, -0.35], [-0.8, 1.55]], rtol=1e-6)
    assert net.loss(HAND_X, HAND_Y, loss="mse", lam=HAND_LAM) == pytest.approx(0.6875, rel=1e-6)


# --- one public forward and backward, checked once -----------------------------------------

def test_the_equations_live_in_public_methods_only():
    # forward / backward / predict / loss hold the equations; no private twins remain.
    for name in ("_forward", "_backward", "_loss", "_predict", "_check_targets"):
        assert not hasattr(MLP, name), name


def test_check_false_skips_the_checks_of_forward_backward_predict_and_loss(monkeypatch):
    import mlp_core.network

    net = hand_net()
    X, y = HAND_X, HAND_Y[:, None]  # already what the checks would return
    cache = net.forward(X)
    grads = net.backward(cache, y, loss="mse", lam=HAND_LAM)
    expected = (net.predict(X), net.loss(X, y, loss="mse", lam=HAND_LAM))

    def refuse(*args, **kwargs):
        raise AssertionError("a check ran with check=False")

    for name in ("check_X", "check_array", "check_dropout", "check_real", "check_rng",
                 "check_targets"):
        monkeypatch.setattr(mlp_core.network, name, refuse)
    unchecked = net.forward(X, check=False)
    for a, b in zip(unchecked.z + unchecked.h, cache.z + cache.h):
        assert_array_equal(a, b)
    again = net.backward(unchecked, y, loss="mse", lam=HAND_LAM, check=False)
    for a, b in zip(again.weights + again.biases, grads.weights + grads.biases):
        assert_array_equal(a, b)
    assert_array_equal(net.predict(X, check=False), expected[0])
    assert net.loss(X, y, loss="mse", lam=HAND_LAM, check=False) == expected[1]
    with pytest.raises(AssertionError, match="a check ran"):
        net.forward(X)  # and with check=True they do run


def test_backward_without_check_leaves_bad_targets_to_numpy():
    # check=False trusts its caller: targets of the wrong shape get numpy's error, from deep
    # inside the pass, instead of the message that names y, the rule and the shape.
    net = hand_net()
    cache = net.forward(HAND_X)
    bad = np.ones((2, 3))
    with pytest.raises(ValueError, match=r"y must have shape \(n_samples, 1\) or \(n_samples,\) "
                                         r"for loss 'mse', got shape \(2, 3\)"):
        net.backward(cache, bad)
    with pytest.raises(ValueError, match="matmul"):
        net.backward(cache, bad, check=False)

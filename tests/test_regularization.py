"""Regularization (lecture Eq. 15, §4.6): the L2 penalty, inverted dropout, early stopping."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose, assert_array_equal

from mlp_core import MLP, EarlyStopping, dropout_mask, l2_penalty

# --- L2 penalty, Eq. (15) ---------------------------------------------------------------------

def test_l2_penalty_by_hand():
    weights = [np.array([[1.0, 2.0], [3.0, 4.0]]), np.array([[1.0]])]
    # ‖W1‖² = 1 + 4 + 9 + 16 = 30, ‖W2‖² = 1; s = λ/2 · 31
    assert l2_penalty(weights, 0.5) == pytest.approx(7.75, abs=1e-15)
    assert l2_penalty(weights, 2.0) == pytest.approx(31.0, abs=1e-15)
    assert l2_penalty(weights, 0.0) == 0.0


# --- dropout masks (§4.6.2) -------------------------------------------------------------------

N_DRAWS = (400, 500)  # 200 000 mask entries


@pytest.mark.parametrize("p", [0.1, 0.5, 0.8])
def test_dropout_mask_values_are_exactly_zero_or_one_over_keep_probability(p, rng):
    mask = dropout_mask((50, 40), p, rng)
    assert mask.shape == (50, 40)
    assert set(np.unique(mask)) <= {0.0, 1.0 / (1.0 - p)}


@pytest.mark.parametrize("p", [0.1, 0.5, 0.8])
def test_dropout_mask_keeps_the_expected_activation(p, rng):
    mask = dropout_mask(N_DRAWS, p, rng)
    n = mask.size
    # Each entry is 1/(1-p) with probability 1-p, else 0: mean 1, variance p/(1-p).
    standard_error = np.sqrt(p / (1 - p) / n)
    assert abs(mask.mean() - 1.0) < 5 * standard_error
    # The fraction of zeros is a binomial proportion with mean p.
    zeros = np.mean(mask == 0)
    assert abs(zeros - p) < 5 * np.sqrt(p * (1 - p) / n)


def test_dropout_mask_with_p_zero_keeps_everything(rng):
    assert_array_equal(dropout_mask((3, 4), 0.0, rng), np.ones((3, 4)))


def test_dropout_mask_float32(rng):
    mask = dropout_mask((20, 30), 0.25, rng, np.float32)
    assert mask.dtype == np.float32
    assert set(np.unique(mask)) <= {np.float32(0.0), np.float32(1 / 0.75)}


@pytest.mark.parametrize("p", [0.1, 0.5, 0.8])
def test_float32_and_float64_drop_the_same_units_from_the_same_seed(p):
    rng32, rng64 = np.random.default_rng(3), np.random.default_rng(3)
    m32 = dropout_mask((50, 40), p, rng32, np.float32)
    m64 = dropout_mask((50, 40), p, rng64, np.float64)
    assert m32.dtype == np.float32 and m64.dtype == np.float64
    assert_array_equal(m32 == 0, m64 == 0)
    assert_array_equal(m32, m64.astype(np.float32))
    # and the generators are left in the same state: the draws after the mask agree too
    assert rng32.random() == rng64.random()


def test_float32_and_float64_networks_drop_the_same_units_in_training():
    X = np.random.default_rng(0).normal(size=(8, 3))
    caches = [MLP([3, 6, 5, 1], seed=0, dtype=dtype).forward(X, 0.5, np.random.default_rng(1))
              for dtype in (np.float32, np.float64)]
    for m32, m64 in zip(caches[0].masks, caches[1].masks):
        assert_array_equal(m32 == 0, m64 == 0)


def test_dropout_mask_depends_only_on_the_generator():
    a = dropout_mask((10, 10), 0.5, np.random.default_rng(3))
    b = dropout_mask((10, 10), 0.5, np.random.default_rng(3))
    c = dropout_mask((10, 10), 0.5, np.random.default_rng(4))
    assert_array_equal(a, b)
    assert not np.array_equal(a, c)


# --- dropout in the network -------------------------------------------------------------------

def test_forward_with_dropout_keeps_the_expected_hidden_values(rng):
    # One input row repeated N times: each row is an independent dropout draw. Inverted
    # dropout scales the kept units by 1/(1-p), so E[h^(1)] equals h^(1) without dropout; the
    # next pre-activation z^(2) = h^(1) W^(2)ᵀ + b^(2) is linear in h^(1), so its mean matches too.
    p, N = 0.5, 40_000
    net = MLP([3, 6, 2], activation="tanh", seed=2)
    X = np.repeat(rng.normal(size=(1, 3)), N, axis=0)
    plain = net.forward(X[:1])
    dropped = net.forward(X, dropout=p, rng=rng)
    h, W2 = plain.h[1][0], net.weights[1]
    se_h = np.abs(h) * np.sqrt(p / (1 - p) / N)
    assert np.all(np.abs(dropped.h[1].mean(axis=0) - h) < 5 * se_h + 1e-12)
    se_z = np.sqrt((W2**2 * h**2).sum(axis=1) * p / (1 - p) / N)
    assert np.all(np.abs(dropped.z[1].mean(axis=0) - plain.z[1][0]) < 5 * se_z)
    # about a fraction p of the hidden units are zero, each row independently
    assert abs(np.mean(dropped.h[1] == 0) - p) < 5 * np.sqrt(p * (1 - p) / dropped.h[1].size)


def test_dropout_touches_hidden_layers_only(rng):
    net = MLP([3, 4, 4, 2], seed=0)
    X = rng.normal(size=(5, 3))
    cache = net.forward(X, dropout=0.5, rng=rng)
    assert_array_equal(cache.h[0], X)  # the input is never dropped
    assert len(cache.masks) == net.n_hidden == 2
    # the output is the linear function of the masked last hidden layer, not masked itself
    assert_allclose(cache.output, cache.h[2] @ net.weights[2].T + net.biases[2], rtol=1e-14)
    for i, mask in enumerate(cache.masks):
        assert_allclose(cache.h[i + 1], np.maximum(cache.z[i], 0) * mask, rtol=1e-14)


def test_forward_with_given_masks_reproduces_the_drawn_pass(rng):
    net = MLP([3, 5, 5, 2], activation="sigmoid", seed=0)
    X = rng.normal(size=(6, 3))
    drawn = net.forward(X, dropout=0.4, rng=rng)
    again = net.forward(X, masks=drawn.masks)
    for a, b in zip(drawn.z + drawn.h, again.z + again.h):
        assert_array_equal(a, b)


def test_backward_uses_the_dropout_mask_by_hand():
    # The 2-2-1 ReLU network of test_network.py (z1 = (-1, 2), (4, 4.5)) with masks for
    # p = 1/2: sample 1 keeps unit 1 only, sample 2 keeps unit 2 only.
    #   h1 = ReLU(z1) ⊙ mask = (0, 2) ⊙ (2, 0) = (0, 0);  (4, 4.5) ⊙ (0, 2) = (0, 9)
    #   ŷ = h1 W2ᵀ + b2 = 0.5;  -18 + 0.5 = -17.5;   y = (-3, -5)  ->  δ2 = (3.5, -12.5)
    #   δ1 = δ2 W2 ⊙ ReLU'(z1) ⊙ mask:
    #        sample 1: (3.5, -7) ⊙ (0, 1) ⊙ (2, 0) = (0, 0)
    #        sample 2: (-12.5, 25) ⊙ (1, 1) ⊙ (0, 2) = (0, 50)
    #   ∂J/∂W1 = ½ δ1ᵀ X = ½ [[0, 0], [150, -50]] = [[0, 0], [75, -25]]
    net = MLP([2, 2, 1], activation="relu")
    net.set_parameters(
        [np.array([[1.0, -1.0], [2.0, 0.5]]), np.array([[1.0, -2.0]])],
        [np.array([0.0, -1.0]), np.array([0.5])],
    )
    X, y = np.array([[1.0, 2.0], [3.0, -1.0]]), np.array([-3.0, -5.0])
    cache = net.forward(X, masks=[np.array([[2.0, 0.0], [0.0, 2.0]])])
    assert_allclose(cache.h[1], [[0.0, 0.0], [0.0, 9.0]], rtol=1e-15)
    assert_allclose(cache.output, [[0.5], [-17.5]], rtol=1e-15)
    grads = net.backward(cache, y, loss="mse")
    assert_allclose(grads.delta[1], [[3.5], [-12.5]], rtol=1e-15)
    assert_allclose(grads.delta[0], [[0.0, 0.0], [0.0, 50.0]], rtol=1e-15)
    assert_allclose(grads.weights[0], [[0.0, 0.0], [75.0, -25.0]], rtol=1e-15)


@pytest.mark.parametrize("activation", ["relu", "sigmoid", "tanh"])
def test_dropped_units_get_zero_error_term(activation, rng):
    net = MLP([4, 8, 8, 3], activation=activation, seed=1)
    X, y = rng.normal(size=(10, 4)), rng.integers(0, 3, 10)
    cache = net.forward(X, dropout=0.5, rng=rng)
    grads = net.backward(cache, y, loss="cross_entropy")
    for delta, mask in zip(grads.delta[:-1], cache.masks):
        assert np.any(mask == 0)
        assert np.all(delta[mask == 0] == 0.0)


# --- early stopping (§4.6.1) ------------------------------------------------------------------
#
# Rule: an epoch improves when its validation loss is lower than the best so far by at least
# min_delta (an improvement smaller than min_delta counts as none; equal or greater resets the
# count; a loss that only equals the best is no improvement, even with min_delta = 0).
# Training stops after `patience` consecutive epochs without improvement.
# All losses below are multiples of 1/16, so every difference is exact in binary.

def stopping_epoch(losses, patience, min_delta):
    """Apply the reference rule, written from the specification above.

    Returns (epoch at which training stops or None, best epoch, best loss).
    """
    best, best_epoch, bad = np.inf, None, 0
    for epoch, loss in enumerate(losses, start=1):
        if best - loss > 0 and best - loss >= min_delta:
            best, best_epoch, bad = loss, epoch, 0
        else:
            bad += 1
            if bad == patience:
                return epoch, best_epoch, best
    return None, best_epoch, best


def run_stopper(losses, patience, min_delta):
    stopper = EarlyStopping(patience, min_delta)
    decisions = [stopper.update(epoch, loss) for epoch, loss in enumerate(losses, start=1)]
    return stopper, decisions


def test_early_stopping_scripted_improvements_smaller_than_min_delta():
    losses = [1.0, 0.875, 0.75, 0.625, 0.5625, 0.5]
    # patience 2, min_delta 0.25; the improvement is measured against the best so far:
    # e1 1.0    first epoch: best = 1.0 (epoch 1)
    # e2 0.875  1.0 - 0.875 = 0.125 < 0.25: no improvement (1)
    # e3 0.75   1.0 - 0.75  = 0.25 = min_delta: improvement, best = 0.75 (epoch 3), count reset
    # e4 0.625  0.125 < 0.25: no improvement (1)
    # e5 0.5625 0.1875 < 0.25: no improvement (2) -> stop at epoch 5
    stopper, decisions = run_stopper(losses[:5], patience=2, min_delta=0.25)
    assert decisions == [False, False, False, False, True]
    assert stopper.best_epoch == 3
    assert stopper.best_loss == 0.75


def test_early_stopping_scripted_plain_patience():
    # patience 3, min_delta 0: best 2.0 at epoch 2, then 3 epochs that are worse -> stop at 5
    stopper, decisions = run_stopper([4.0, 2.0, 3.0, 2.5, 5.0], patience=3, min_delta=0.0)
    assert decisions == [False, False, False, False, True]
    assert stopper.best_epoch == 2 and stopper.best_loss == 2.0


def test_early_stopping_a_new_best_resets_the_count():
    # patience 2: e2 and e3 worse than e1 would stop at e3, but e3 is a new best.
    stopper, decisions = run_stopper([1.0, 1.5, 0.5, 0.75, 0.625], patience=2, min_delta=0.0)
    assert decisions == [False, False, False, False, True]
    assert stopper.best_epoch == 3


def test_early_stopping_a_plateau_is_no_improvement_even_with_min_delta_zero():
    # a run whose validation loss stays exactly flat (e.g. every ReLU unit dead) must stop
    stopper, decisions = run_stopper([1.0, 0.5, 0.5, 0.5, 0.5], patience=3, min_delta=0.0)
    assert decisions == [False, False, False, False, True]
    assert stopper.best_epoch == 2


def test_early_stopping_patience_one_stops_at_the_first_non_improvement():
    _, decisions = run_stopper([3.0, 2.0, 1.0, 1.5], patience=1, min_delta=0.0)
    assert decisions == [False, False, False, True]


def test_early_stopping_improved_flag():
    stopper = EarlyStopping(patience=5)
    stopper.update(1, 1.0)
    assert stopper.improved
    stopper.update(2, 2.0)
    assert not stopper.improved
    stopper.update(3, 0.5)
    assert stopper.improved
    assert repr(stopper) == "EarlyStopping(patience=5, min_delta=0.0)"


@given(
    losses=st.lists(st.integers(0, 64).map(lambda k: k / 16), min_size=1, max_size=30),
    patience=st.integers(1, 5),
    min_delta=st.sampled_from([0.0, 0.0625, 0.25, 0.5]),
)
@settings(max_examples=300, deadline=None)
def test_early_stopping_agrees_with_the_rule_on_random_sequences(losses, patience, min_delta):
    expected_stop, expected_best, expected_best_loss = stopping_epoch(losses, patience, min_delta)
    stopper = EarlyStopping(patience, min_delta)
    stop = None
    for epoch, loss in enumerate(losses, start=1):
        if stopper.update(epoch, loss):
            stop = epoch
            break
    assert stop == expected_stop
    assert stopper.best_epoch == expected_best
    assert stopper.best_loss == expected_best_loss
    if stop is not None:
        assert stop == stopper.best_epoch + patience

"""Losses l(ŷ, y) and the output error term δ^(L+1) = ∂l/∂ŷ (Eqs. 14, 21), plus softmax.

Scores are chosen so that every value is exact on paper: e.g. scores (0, ln 2, ln 5) have
softmax (1, 2, 5) / 8.
"""

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from numpy.testing import assert_allclose, assert_array_equal

from mlp_core import LOSSES, MLP, Loss, get_loss, log_softmax, softmax
from mlp_core._checks import check_targets

LN2, LN3, LN5 = np.log(2.0), np.log(3.0), np.log(5.0)


def _targets(name, y, n_outputs, dtype=np.float64):
    return check_targets(np.asarray(y), name, n_outputs, dtype)


def _value_and_delta(name, y_hat, y, dtype=np.float64):
    loss = LOSSES[name]
    y_hat = np.asarray(y_hat, dtype=dtype)
    t = check_targets(np.asarray(y), name, y_hat.shape[1], dtype)
    return loss.value(y_hat, t), loss.delta(y_hat, t)


# --- softmax ----------------------------------------------------------------------------------

def test_softmax_and_log_softmax_by_hand():
    s = np.array([[0.0, LN2, LN5], [7.0, 7.0, 7.0]])
    # exp(s) = (1, 2, 5) sums to 8; equal scores give 1/3 each.
    expected = np.array([[1 / 8, 2 / 8, 5 / 8], [1 / 3, 1 / 3, 1 / 3]])
    assert_allclose(softmax(s), expected, rtol=1e-14)
    assert_allclose(log_softmax(s), np.log(expected), rtol=1e-14)


def test_softmax_is_shift_invariant_and_stable_for_huge_scores():
    s = np.array([[0.0, LN2, LN5]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(over="raise", invalid="raise", divide="raise"):
            shifted = softmax(s + 1e4)
    assert_allclose(shifted, [[1 / 8, 2 / 8, 5 / 8]], rtol=1e-12)


@given(
    arrays(
        np.float64,
        st.tuples(st.integers(1, 5), st.integers(1, 6)),
        elements=st.floats(-1e4, 1e4),
    )
)
@settings(max_examples=100, deadline=None)
def test_softmax_rows_sum_to_one(scores):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(over="raise", invalid="raise", divide="raise"):
            p = softmax(scores)
    assert p.shape == scores.shape
    assert np.all((p >= 0) & (p <= 1))
    assert_allclose(p.sum(axis=1), 1.0, rtol=0, atol=1e-12)


def test_softmax_and_log_softmax_accept_lists_like_every_activation():
    # one sample as a list, and a batch as nested lists: the same numbers as the arrays
    row = [0.0, LN2, LN5]
    assert_allclose(softmax(row), [1 / 8, 2 / 8, 5 / 8], rtol=1e-14)
    assert_allclose(log_softmax(row), np.log([1 / 8, 2 / 8, 5 / 8]), rtol=1e-14)
    assert_array_equal(softmax([row, row]), softmax(np.array([row, row])))
    assert softmax([2.0, 1.0, 0.1]).argmax() == 0  # the example


@pytest.mark.parametrize("scores", [
    np.array([[100, -100, 100]], dtype=np.int8),  # -100 - 100 wrapped to 56 in int8
    np.array([[200, 0, 200]], dtype=np.uint8),  # 0 - 200 wrapped to 56 in uint8
    np.array([[30, -50, 30]], dtype=np.int64),
])
def test_softmax_of_integers_is_taken_in_float64_without_wrapping(scores):
    # Small integers misbehaved: int8 arithmetic wraps (-100 - 100 = 56) and numpy's exp of
    # int8 is float16, which overflowed to softmax [0, 0, 0]. Integers are converted to
    # float64 first.
    as_float = scores.astype(np.float64)
    assert softmax(scores).dtype == np.float64
    assert_array_equal(softmax(scores), softmax(as_float))
    assert_array_equal(log_softmax(scores), log_softmax(as_float))
    assert_allclose(softmax(scores)[0, [0, 2]], 0.5)  # the two large scores share it all


# --- hand examples: value and δ^(L+1) ---------------------------------------------------------

def test_mse_value_and_delta_by_hand():
    y_hat = [[1.0, 2.0], [0.0, 0.0]]
    y = [[0.0, 4.0], [1.0, 1.0]]
    value, delta = _value_and_delta("mse", y_hat, y)
    # l = ½‖ŷ − y‖²: ½(1 + 4) = 2.5 and ½(1 + 1) = 1; δ = ŷ − y
    assert_allclose(value, [2.5, 1.0], rtol=1e-15)
    assert_allclose(delta, [[1.0, -2.0], [-1.0, -1.0]], rtol=1e-15)


def test_cross_entropy_value_and_delta_by_hand():
    y_hat = [[0.0, 0.0, 0.0], [0.0, LN2, LN5]]
    y = [1, 2]
    value, delta = _value_and_delta("cross_entropy", y_hat, y)
    # Sample 1: softmax = (1/3, 1/3, 1/3), l = −ln(1/3) = ln 3, δ = p − onehot(1).
    # Sample 2: softmax = (1/8, 2/8, 5/8), l = −ln(5/8) = ln(8/5), δ = p − onehot(2).
    assert_allclose(value, [LN3, np.log(8 / 5)], rtol=1e-14)
    assert_allclose(delta, [[1 / 3, -2 / 3, 1 / 3], [1 / 8, 2 / 8, -3 / 8]], rtol=1e-14)


def test_binary_cross_entropy_value_and_delta_by_hand():
    y_hat = [[0.0], [LN3], [-LN3]]
    y = [1, 0, 0]
    value, delta = _value_and_delta("binary_cross_entropy", y_hat, y)
    # σ(ŷ) = 1/2, 3/4, 1/4.
    # l = −ln(1/2) = ln 2; −ln(1 − 3/4) = ln 4; −ln(1 − 1/4) = ln(4/3). δ = σ(ŷ) − y.
    assert_allclose(value, [LN2, np.log(4.0), np.log(4 / 3)], rtol=1e-14)
    assert_allclose(delta, [[-0.5], [0.75], [0.25]], rtol=1e-14)


@pytest.mark.parametrize("name", sorted(LOSSES))
def test_value_has_one_entry_and_delta_one_row_per_sample(name):
    n_out = 1 if name != "cross_entropy" else 3
    y = [0, 1, 0, 1] if name != "mse" else np.zeros((4, 1))
    value, delta = _value_and_delta(name, np.zeros((4, n_out)), y)
    assert value.shape == (4,)
    assert delta.shape == (4, n_out)


def test_delta_is_not_divided_by_n():
    # The same sample twice gives the same δ row twice: δ is per sample, not averaged.
    one = _value_and_delta("mse", [[3.0]], [[1.0]])[1]
    two = _value_and_delta("mse", [[3.0], [3.0]], [[1.0], [1.0]])[1]
    assert_array_equal(one, [[2.0]])
    assert_array_equal(two, [[2.0], [2.0]])


# --- δ is the derivative of the value (an independent numerical check) ------------------------

@pytest.mark.parametrize("name", sorted(LOSSES))
def test_delta_matches_centred_difference_of_value(name, rng):
    n, k = 5, (1 if name != "cross_entropy" else 4)
    y_hat = rng.normal(0, 2, (n, k))
    if name == "mse":
        y = rng.normal(size=(n, k))
    else:
        y = rng.integers(0, max(k, 2), n)
    loss = LOSSES[name]
    t = check_targets(y, name, k, np.float64)
    h = 1e-6
    numeric = np.zeros_like(y_hat)
    for i, j in np.ndindex(y_hat.shape):
        plus, minus = y_hat.copy(), y_hat.copy()
        plus[i, j] += h
        minus[i, j] -= h
        # l of sample i depends only on row i of ŷ
        numeric[i, j] = (loss.value(plus, t)[i] - loss.value(minus, t)[i]) / (2 * h)
    assert_allclose(loss.delta(y_hat, t), numeric, rtol=0, atol=1e-8)


# --- the stable forms agree with the textbook formulas on moderate scores ---------------------

def test_cross_entropy_equals_naive_formula_for_moderate_scores(rng):
    s = rng.normal(0, 3, (6, 4))
    y = rng.integers(0, 4, 6)
    p = np.exp(s) / np.exp(s).sum(axis=1, keepdims=True)
    naive = -np.log(p[np.arange(6), y])
    value, _ = _value_and_delta("cross_entropy", s, y)
    assert_allclose(value, naive, rtol=1e-12)


def test_binary_cross_entropy_equals_naive_formula_for_moderate_scores(rng):
    s = rng.normal(0, 3, (8, 1))
    y = rng.integers(0, 2, 8)
    p = 1 / (1 + np.exp(-s[:, 0]))
    naive = -y * np.log(p) - (1 - y) * np.log(1 - p)
    value, _ = _value_and_delta("binary_cross_entropy", s, y)
    assert_allclose(value, naive, rtol=1e-12)


# --- stability for logits of ±1e4 -------------------------------------------------------------

STABLE_CASES = {
    # name: (scores, targets, expected l, expected δ)
    "cross_entropy": (
        [[1e4, -1e4], [1e4, -1e4]],
        [0, 1],
        [0.0, 2e4],  # −log softmax: 0 for the right class, the score gap 2e4 for the wrong one
        [[0.0, 0.0], [1.0, -1.0]],  # softmax = (1, 0)
    ),
    "binary_cross_entropy": (
        [[1e4], [1e4], [-1e4], [-1e4]],
        [1, 0, 0, 1],
        [0.0, 1e4, 0.0, 1e4],  # −log σ(1e4) → 0, −log(1 − σ(1e4)) → 1e4, ...
        [[0.0], [1.0], [0.0], [-1.0]],  # σ(±1e4) = 1, 0
    ),
    "mse": (
        [[1e4], [-1e4]],
        [[0.0], [0.0]],
        [5e7, 5e7],  # ½ (1e4)²
        [[1e4], [-1e4]],
    ),
}


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("name", sorted(STABLE_CASES))
def test_losses_are_finite_and_silent_for_huge_logits(name, dtype):
    scores, y, expected_value, expected_delta = STABLE_CASES[name]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(over="raise", invalid="raise", divide="raise"):
            value, delta = _value_and_delta(name, scores, y, dtype)
    assert value.dtype == dtype and delta.dtype == dtype
    assert np.all(np.isfinite(value)) and np.all(np.isfinite(delta))
    assert_allclose(value, expected_value, rtol=1e-6, atol=0)
    assert_allclose(delta, expected_delta, rtol=0, atol=1e-6)


@pytest.mark.parametrize("name", sorted(LOSSES))
def test_value_and_delta_keep_float32(name):
    n_out = 3 if name == "cross_entropy" else 1
    y = [0, 2] if name == "cross_entropy" else [0, 1]
    value, delta = _value_and_delta(name, np.full((2, n_out), 0.5), y, np.float32)
    assert value.dtype == np.float32
    assert delta.dtype == np.float32


# --- targets ----------------------------------------------------------------------------------

def test_mse_accepts_y_of_shape_n_when_there_is_one_output():
    t = _targets("mse", [1.0, 2.0, 3.0], 1)
    assert t.shape == (3, 1)
    assert_array_equal(t[:, 0], [1.0, 2.0, 3.0])


def test_mse_with_1d_y_gives_the_same_loss_and_gradients_as_a_column(rng):
    net = MLP([2, 3, 1], activation="tanh", seed=0)
    X = rng.normal(size=(5, 2))
    y = rng.normal(size=5)
    assert net.loss(X, y, loss="mse") == net.loss(X, y[:, None], loss="mse")
    g1 = net.backward(net.forward(X), y, loss="mse")
    g2 = net.backward(net.forward(X), y[:, None], loss="mse")
    for a, b in zip(g1.weights + g1.biases, g2.weights + g2.biases):
        assert_array_equal(a, b)


def test_class_losses_accept_a_column_of_labels():
    assert_array_equal(_targets("cross_entropy", [[0], [2]], 3), [0, 2])
    assert_array_equal(_targets("binary_cross_entropy", [[1], [0]], 1), [[1.0], [0.0]])


def test_float_labels_that_are_whole_numbers_are_accepted():
    assert_array_equal(_targets("cross_entropy", [0.0, 2.0, 1.0], 3), [0, 2, 1])


# --- link functions and the registry ----------------------------------------------------------

def test_links_turn_scores_into_what_each_loss_models():
    s = np.array([[0.0, LN3]])
    assert_array_equal(LOSSES["mse"].link(s), s)
    assert_allclose(LOSSES["cross_entropy"].link(s), [[0.25, 0.75]], rtol=1e-14)
    assert_allclose(LOSSES["binary_cross_entropy"].link(np.array([[LN3]])), [[0.75]])


def test_registry_and_get_loss():
    assert set(LOSSES) == {"mse", "cross_entropy", "binary_cross_entropy"}
    for name, loss in LOSSES.items():
        assert isinstance(loss, Loss)
        assert loss.name == name
        assert get_loss(name) is loss
        assert get_loss(loss) is loss


# --- the public functions are the registry's ----------------------------------------------

def test_public_loss_functions_are_the_registry_entries():
    import mlp_core

    pairs = {
        "mse": (mlp_core.mean_squared_error, mlp_core.mean_squared_error_delta),
        "cross_entropy": (mlp_core.cross_entropy, mlp_core.cross_entropy_delta),
        "binary_cross_entropy": (mlp_core.binary_cross_entropy,
                                 mlp_core.binary_cross_entropy_delta),
    }
    assert set(pairs) == set(LOSSES)
    for name, (value, delta) in pairs.items():
        assert LOSSES[name].value is value
        assert LOSSES[name].delta is delta


def test_softmax_is_exp_of_log_softmax(rng):
    s = rng.normal(0, 5, (6, 4))
    assert_array_equal(softmax(s), np.exp(log_softmax(s)))

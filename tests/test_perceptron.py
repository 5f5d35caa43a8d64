"""Rosenblatt's perceptron (lecture §3, Eq. 1) and its learning rule."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose, assert_array_equal

from mlp_core import Perceptron, step

CORNERS = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
AND = np.array([0, 0, 0, 1])
OR = np.array([0, 1, 1, 1])
XOR = np.array([0, 1, 1, 0])


def test_step_is_one_at_and_above_zero():
    assert_array_equal(step(np.array([-2.0, -1e-12, 0.0, 1e-12, 3.0])), [0, 0, 1, 1, 1])


def test_update_rule_by_hand():
    p = Perceptron(2, lr=0.5)  # seed None: w = 0, b = 0
    assert_array_equal(p.w, [0.0, 0.0])
    assert p.b == 0.0
    # x = (1, 2), y = 0: ŷ = step(0) = 1, error y − ŷ = −1
    #   w ← w + η (y − ŷ) x = (0, 0) − 0.5 (1, 2) = (−0.5, −1);  b ← 0 − 0.5 = −0.5
    assert p.update(np.array([1.0, 2.0]), 0) is True
    assert_allclose(p.w, [-0.5, -1.0])
    assert p.b == -0.5
    # Same sample again: w x + b = −0.5 − 2 − 0.5 = −3 < 0, ŷ = 0 = y: no change.
    assert p.update(np.array([1.0, 2.0]), 0) is False
    assert_allclose(p.w, [-0.5, -1.0])
    assert p.b == -0.5
    # x = (2, 1), y = 1: w x + b = −1 − 1 − 0.5 = −2.5, ŷ = 0, error +1
    #   w = (−0.5 + 1, −1 + 0.5) = (0.5, −0.5);  b = −0.5 + 0.5 = 0
    assert p.update(np.array([2.0, 1.0]), 1) is True
    assert_allclose(p.w, [0.5, -0.5])
    assert p.b == 0.0


def test_decision_function_and_predict_follow_eq_1():
    p = Perceptron(2)
    p.w, p.b = np.array([1.0, -1.0]), 0.5
    X = np.array([[0.0, 0.0], [0.0, 1.0], [2.0, 3.0], [-1.0, -1.0]])
    # w x + b = 0.5, −0.5, −0.5, 0.5
    assert_allclose(p.decision_function(X), [0.5, -0.5, -0.5, 0.5])
    assert_array_equal(p.predict(X), [1, 0, 0, 1])


@pytest.mark.parametrize(("name", "y"), [("AND", AND), ("OR", OR)])
@pytest.mark.parametrize("seed", [None, 0, 1])
def test_converges_on_linearly_separable_logic_gates(name, y, seed):
    p = Perceptron(2, lr=1.0, seed=seed).fit(CORNERS, y, epochs=100)
    assert p.converged
    assert p.mistakes[-1] == 0
    assert len(p.mistakes) < 100
    assert_array_equal(p.predict(CORNERS), y)


def test_converges_on_a_random_linearly_separable_set():
    rng = np.random.default_rng(3)
    w_true, b_true = np.array([2.0, -1.0, 0.5]), 0.3
    X = rng.uniform(-1, 1, (300, 3))
    margin = X @ w_true + b_true
    keep = np.abs(margin) > 0.2  # a margin bounds the number of mistakes (Novikoff)
    X, y = X[keep], (margin[keep] > 0).astype(int)
    p = Perceptron(3, lr=0.1, seed=0).fit(X, y, epochs=1000)
    assert p.converged
    assert_array_equal(p.predict(X), y)
    assert len(p.mistakes) < 1000


def test_mistakes_counts_misclassified_samples_per_epoch():
    # From w = 0, b = 0 every AND point is first predicted 1 (step(0) = 1); the first epoch
    # therefore makes at least one mistake, and the last epoch none.
    p = Perceptron(2).fit(CORNERS, AND, epochs=50)
    assert p.mistakes[0] >= 1
    assert all(0 <= m <= 4 for m in p.mistakes)
    assert p.mistakes[-1] == 0 and all(m > 0 for m in p.mistakes[:-1])


@pytest.mark.parametrize("seed", [None, 0, 1, 2])
def test_never_converges_on_xor(seed):
    p = Perceptron(2, lr=1.0, seed=seed).fit(CORNERS, XOR, epochs=500)
    assert not p.converged
    assert len(p.mistakes) == 500
    assert all(m >= 1 for m in p.mistakes)
    accuracy = np.mean(p.predict(CORNERS) == XOR)
    assert accuracy <= 0.75


@given(
    w=st.tuples(st.floats(-10, 10), st.floats(-10, 10)),
    b=st.floats(-10, 10),
)
@settings(max_examples=300, deadline=None)
def test_no_line_classifies_all_four_xor_points(w, b):
    # If a line separated XOR, (0,1) and (1,0) would need w2 + b >= 0 and w1 + b >= 0,
    # (0,0) and (1,1) b < 0 and w1 + w2 + b < 0; adding the first two gives
    # w1 + w2 + 2b >= 0, i.e. w1 + w2 + b >= −b > 0: a contradiction.
    p = Perceptron(2)
    p.w, p.b = np.array(w), b
    assert np.sum(p.predict(CORNERS) != XOR) >= 1


def test_same_seed_same_run():
    a = Perceptron(2, seed=5).fit(CORNERS, AND)
    b = Perceptron(2, seed=5).fit(CORNERS, AND)
    assert_array_equal(a.w, b.w)
    assert a.b == b.b and a.mistakes == b.mistakes


def test_repr():
    assert repr(Perceptron(3, lr=0.5)) == "Perceptron(n_features=3, lr=0.5)"

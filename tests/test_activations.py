"""Activation functions σ and their derivatives σ' (lecture §4.2, Eqs. 5-10).

Expected values are worked out by hand in the comments, never taken from the code under test.
"""

import dataclasses
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose, assert_array_equal

from mlp_core import (
    ACTIVATIONS,
    Activation,
    get_activation,
    identity,
    identity_derivative,
    relu,
    relu_derivative,
    sigmoid,
    sigmoid_derivative,
    tanh,
    tanh_derivative,
)

LN2, LN3 = np.log(2.0), np.log(3.0)

# Points kept away from ReLU's kink at 0, for finite differences.
SMOOTH_POINTS = np.arange(-60, 61) / 10 + 0.05


def _strict_numerics():
    """Turn numpy's overflow/invalid/divide events and every warning into errors."""
    return np.errstate(over="raise", invalid="raise", divide="raise")


# --- ReLU, Eqs. (5)-(6) -----------------------------------------------------------------------

def test_relu_values():
    z = np.array([-2.0, -0.5, 0.0, 0.5, 2.0])
    # Eq. (5): max(z, 0)
    assert_array_equal(relu(z), [0.0, 0.0, 0.0, 0.5, 2.0])


def test_relu_derivative_is_step_with_zero_at_the_kink():
    z = np.array([-2.0, -1e-300, 0.0, -0.0, 1e-300, 2.0])
    # Eq. (6): 1 for z > 0, 0 for z <= 0; at exactly 0 the lecture takes the left derivative, 0.
    assert_array_equal(relu_derivative(z), [0.0, 0.0, 0.0, 0.0, 1.0, 1.0])
    assert relu_derivative(np.array(0.0)) == 0.0


# --- sigmoid, Eqs. (7)-(8) --------------------------------------------------------------------

def test_sigmoid_values():
    # sigmoid(0) = 1/2; sigmoid(ln 3) = 1 / (1 + 1/3) = 3/4; sigmoid(-ln 3) = 1 / (1 + 3) = 1/4
    z = np.array([0.0, LN3, -LN3])
    assert_allclose(sigmoid(z), [0.5, 0.75, 0.25], rtol=1e-14)


def test_sigmoid_derivative_values():
    # Eq. (8): s (1 - s); at 0: 1/2 * 1/2 = 1/4; at ±ln 3: 3/4 * 1/4 = 3/16
    z = np.array([0.0, LN3, -LN3])
    assert_allclose(sigmoid_derivative(z), [0.25, 3 / 16, 3 / 16], rtol=1e-14)


def test_sigmoid_derivative_has_its_maximum_0_25_at_zero():
    z = np.arange(-1000, 1001) / 100  # -10 .. 10 in steps of 0.01, with exactly 0 in the middle
    d = sigmoid_derivative(z)
    assert d[1000] == 0.25
    assert np.all(np.delete(d, 1000) < 0.25)
    assert np.argmax(d) == 1000


@given(st.floats(-30, 30))
@settings(max_examples=200, deadline=None)
def test_sigmoid_range_is_open_unit_interval(z):
    # For |z| <= 30, 1 - sigmoid(z) >= e^-30 ≈ 1e-13 is far above float64 rounding.
    s = sigmoid(np.array([z]))[0]
    assert 0.0 < s < 1.0


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_sigmoid_does_not_overflow_or_warn_for_huge_inputs(dtype):
    z = np.array([-1e4, -1000.0, -100.0, 0.0, 100.0, 1000.0, 1e4], dtype=dtype)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with _strict_numerics():
            s = sigmoid(z)
            d = sigmoid_derivative(z)
    assert s.dtype == dtype and d.dtype == dtype
    assert np.all(np.isfinite(s)) and np.all(np.isfinite(d))
    # Limits: sigmoid(-1e4) = 0 and sigmoid(1e4) = 1 to machine precision; s'(±1e4) = 0.
    assert s[0] == 0.0 and s[-1] == 1.0
    assert s[3] == 0.5
    assert d[0] == 0.0 and d[-1] == 0.0
    assert np.all((s >= 0) & (s <= 1))
    assert np.all(np.diff(s) >= 0)  # monotone


def test_sigmoid_accepts_integer_input():
    assert_allclose(sigmoid(np.array([0, 0])), [0.5, 0.5])


# --- tanh, Eqs. (9)-(10) ----------------------------------------------------------------------

def test_tanh_values():
    # Eq. (9) at ln 2: (1 - 1/4) / (1 + 1/4) = 3/5; tanh is odd; tanh(0) = 0
    z = np.array([0.0, LN2, -LN2])
    assert_allclose(tanh(z), [0.0, 0.6, -0.6], rtol=1e-14, atol=0)


def test_tanh_derivative_values():
    # Eq. (10): 1 - tanh^2; at 0: 1; at ±ln 2: 1 - 9/25 = 16/25
    z = np.array([0.0, LN2, -LN2])
    assert_allclose(tanh_derivative(z), [1.0, 0.64, 0.64], rtol=1e-14)
    assert tanh_derivative(np.array(0.0)) == 1.0


def test_tanh_derivative_has_its_maximum_1_at_zero():
    z = np.arange(-1000, 1001) / 100
    d = tanh_derivative(z)
    assert d[1000] == 1.0
    assert np.all(np.delete(d, 1000) < 1.0)


@given(st.floats(-15, 15))
@settings(max_examples=200, deadline=None)
def test_tanh_range_is_open_interval_minus_one_one(z):
    # The lecture's §4.2.3 says (0, 1); the range is (-1, 1). For |z| <= 15,
    # 1 - |tanh z| ≈ 2 e^-30 ≈ 2e-13 is far above float64 rounding.
    t = tanh(np.array([z]))[0]
    assert -1.0 < t < 1.0
    if z < 0:
        assert t < 0


def test_tanh_takes_negative_values():
    # So its range is not the lecture's (0, 1).
    assert tanh(np.array([-1.0]))[0] < 0


# --- identity (the linear output layer, Eq. 13) -----------------------------------------------

def test_identity_and_its_derivative():
    z = np.array([[-3.0, 0.0], [0.5, 7.0]])
    assert_array_equal(identity(z), z)
    assert_array_equal(identity_derivative(z), np.ones((2, 2)))


# --- dtype ------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_activation_and_derivative_keep_float_dtype_and_shape(name, dtype):
    z = np.array([[-1.5, 0.0, 2.0], [0.25, -3.0, 4.0]], dtype=dtype)
    act = ACTIVATIONS[name]
    assert act.function(z).dtype == dtype
    assert act.derivative(z).dtype == dtype
    assert act.function(z).shape == z.shape
    assert act.derivative(z).shape == z.shape


# --- the registry -----------------------------------------------------------------------------

def test_registry_holds_the_lecture_activations():
    assert {"relu", "sigmoid", "tanh", "identity"} <= set(ACTIVATIONS)
    assert ACTIVATIONS["relu"].function is relu
    assert ACTIVATIONS["relu"].derivative is relu_derivative
    assert ACTIVATIONS["sigmoid"].function is sigmoid
    assert ACTIVATIONS["sigmoid"].derivative is sigmoid_derivative
    assert ACTIVATIONS["tanh"].function is tanh
    assert ACTIVATIONS["tanh"].derivative is tanh_derivative
    assert ACTIVATIONS["identity"].function is identity
    assert ACTIVATIONS["identity"].derivative is identity_derivative


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_registry_entry_is_a_frozen_record_named_by_its_key(name):
    act = ACTIVATIONS[name]
    assert isinstance(act, Activation)
    assert act.name == name
    assert callable(act.function) and callable(act.derivative)
    with pytest.raises(dataclasses.FrozenInstanceError):
        act.derivative = act.function
    z = np.array([-0.7, 0.3])
    assert_array_equal(act(z), act.function(z))  # calling the record applies σ


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_registry_derivative_matches_centred_difference(name):
    act = ACTIVATIONS[name]
    z = SMOOTH_POINTS  # never within 0.05 of ReLU's kink
    h = 1e-6
    numeric = (act.function(z + h) - act.function(z - h)) / (2 * h)
    # Truncation error ~h^2 = 1e-12, rounding ~1e-16 / h = 1e-10.
    assert_allclose(act.derivative(z), numeric, rtol=0, atol=1e-8)


def test_get_activation_returns_the_registered_record():
    for name, act in ACTIVATIONS.items():
        assert get_activation(name) is act
        assert get_activation(act) is act

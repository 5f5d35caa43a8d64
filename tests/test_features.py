"""Test the input features of a 2-D point (``mlp_core.data.features``): values and refusals."""

from __future__ import annotations

import doctest

import numpy as np
import pytest

import mlp_core.data.features as features_module
from mlp_core.data import DEFAULT_FEATURES, FEATURES, check_features, feature_map

X = np.array([[1.0, 2.0], [-3.0, 0.5], [0.0, -np.pi / 2]])


def test_features_are_listed_in_the_playgrounds_order_with_labels():
    assert list(FEATURES) == ["x1", "x2", "x1^2", "x2^2", "x1*x2", "sin(x1)", "sin(x2)"]
    assert [f.label for f in FEATURES.values()] == ["x₁", "x₂", "x₁²", "x₂²", "x₁x₂",
                                                    "sin x₁", "sin x₂"]
    assert all(name == f.name for name, f in FEATURES.items())
    assert DEFAULT_FEATURES == ("x1", "x2")


def test_each_feature_has_its_value_by_hand():
    expected = {"x1": [1.0, -3.0, 0.0], "x2": [2.0, 0.5, -np.pi / 2],
                "x1^2": [1.0, 9.0, 0.0], "x2^2": [4.0, 0.25, np.pi ** 2 / 4],
                "x1*x2": [2.0, -1.5, -0.0], "sin(x1)": [np.sin(1.0), np.sin(-3.0), 0.0],
                "sin(x2)": [np.sin(2.0), np.sin(0.5), -1.0]}
    for name, column in expected.items():
        np.testing.assert_allclose(feature_map(X, [name])[:, 0], column, rtol=1e-15)
    out = feature_map(X, list(FEATURES))
    assert out.shape == (3, 7) and out.dtype == np.float64 and out.flags.c_contiguous
    np.testing.assert_allclose(out, np.column_stack(list(expected.values())), rtol=1e-15)


def test_the_default_gives_the_points_unchanged_and_order_is_kept():
    np.testing.assert_array_equal(feature_map(X), X)
    np.testing.assert_array_equal(feature_map(X, ("x2", "x1")), X[:, ::-1])
    np.testing.assert_array_equal(feature_map(X.tolist(), ("x1",)), X[:, :1])  # array_like


@pytest.mark.parametrize(("features", "error", "message"), [
    ((), ValueError, r"features must name at least one feature of \['x1', .*got \(\)"),
    (("x1", "x3"), ValueError, r"features must be names from \['x1', .*got 'x3' in "
                               r"\('x1', 'x3'\)"),
    (("x1", "x2", "x1"), ValueError, r"features must name each feature at most once, got "
                                     r"\('x1', 'x2', 'x1'\) \('x1' repeated\)"),
    ("x1", TypeError, r"features must be a sequence of names from FEATURES, such as "
                      r"\('x1', 'x2'\), got 'x1'"),
    (("x1", 2), TypeError, r"features must hold names \(str\) from FEATURES, got 2"),
    (None, TypeError, r"features must be a sequence of names .* got None"),
])
def test_bad_features_are_refused_naming_the_rule(features, error, message):
    with pytest.raises(error, match=message):
        feature_map(X, features)
    with pytest.raises(error, match=message):
        check_features(features)


@pytest.mark.parametrize(("points", "error", "message"), [
    (np.zeros((4, 3)), ValueError, r"X must have 2 columns \(x₁, x₂\), got 3 \(shape \(4, 3\)\)"),
    (np.zeros(4), ValueError, r"X must be 2-D, got an array of shape \(4,\)"),
    (np.zeros((0, 2)), ValueError, r"X must not be empty"),
    ([[0.0, np.nan]], ValueError, r"X must contain only finite numbers, got nan"),
    ([["a", "b"]], TypeError, r"X must be a numeric array"),
])
def test_bad_points_are_refused_naming_the_rule(points, error, message):
    with pytest.raises(error, match=message):
        feature_map(points, ("x1",))


def test_the_docstring_example_runs():
    result = doctest.testmod(features_module)
    assert result.attempted >= 1 and result.failed == 0

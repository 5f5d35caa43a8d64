"""Real-data proof: the recipes of mlp_core.recipes reach their goals on held-out test data.

Each test trains a small MLP with mlp_core.fit (a few seconds) on a seeded 20 % test split.
"""

import pytest

from mlp_core.recipes import concrete_regression, digits_classification

pytestmark = pytest.mark.slow


def test_concrete_regression_reaches_r2_goal():
    result = concrete_regression(seed=0)
    assert result["r2"] >= 0.88, f"test R² {result['r2']:.4f} below the goal 0.88"
    # early stopping ended the run and restored the best epoch's weights
    assert result["history"].stopped_early
    assert result["history"].best_epoch < result["history"].stopped_epoch


def test_digits_classification_reaches_accuracy_goal():
    result = digits_classification(seed=0)
    assert result["accuracy"] >= 0.97, (
        f"test accuracy {result['accuracy']:.4f} below the goal 0.97"
    )
    assert (result["n_train"], result["n_test"]) == (1438, 359)  # 20 % of 1797 held out

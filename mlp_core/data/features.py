"""Input features of a 2-D point: x₁, x₂ and the products and sines made from them.

A network on the toy sets sees a point x = (x₁, x₂). Feeding it more columns computed from x
(x₁², x₂², x₁x₂, sin x₁, sin x₂), as TensorFlow Playground's FEATURES panel does, is feature
engineering: with x₁² and x₂² the circles set is separated by a *line* in feature space
(x₁² + x₂² = r² is linear in them), so a network without hidden layers (logistic regression)
learns what otherwise needs a hidden layer. ``FEATURES`` maps each name to its
:class:`Feature` (name, label, formula), in the order the lab's toggles show them;
:func:`feature_map` turns points into the chosen columns. Only numpy is used.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .._checks import check_array, short_repr

__all__ = ["DEFAULT_FEATURES", "FEATURES", "Feature", "check_features", "feature_map"]


@dataclass(frozen=True)
class Feature:
    """One input feature: its name, how it is shown, and its formula.

    Attributes
    ----------
    name : str
        The key in ``FEATURES`` (what code types: ``"x1^2"``).
    label : str
        What a diagram or a toggle shows (``"x₁²"``).
    formula : callable (ndarray of shape (n, 2)) -> ndarray of shape (n,)
        The feature's value at each point.
    """

    name: str
    label: str
    formula: Callable[[np.ndarray], np.ndarray]


#: The features a network can be given, in the order of TensorFlow Playground's panel.
FEATURES = {feature.name: feature for feature in (
    Feature("x1", "x₁", lambda X: X[:, 0]),
    Feature("x2", "x₂", lambda X: X[:, 1]),
    Feature("x1^2", "x₁²", lambda X: X[:, 0] * X[:, 0]),
    Feature("x2^2", "x₂²", lambda X: X[:, 1] * X[:, 1]),
    Feature("x1*x2", "x₁x₂", lambda X: X[:, 0] * X[:, 1]),
    Feature("sin(x1)", "sin x₁", lambda X: np.sin(X[:, 0])),
    Feature("sin(x2)", "sin x₂", lambda X: np.sin(X[:, 1])),
)}

#: The point itself: ``feature_map(X, DEFAULT_FEATURES)`` has the values of ``X``.
DEFAULT_FEATURES = ("x1", "x2")


def check_features(features, name="features"):
    """Return ``features`` as a tuple of names of ``FEATURES``, or raise naming the rule.

    Parameters
    ----------
    features : sequence of str
        Names from ``FEATURES``, each at most once, at least one.
    name : str
        The argument's name, for the message.

    Returns
    -------
    tuple of str

    Raises
    ------
    TypeError
        If ``features`` is a single string or not a sequence of strings.
    ValueError
        If it is empty, repeats a name or holds a name not in ``FEATURES``.
    """
    if isinstance(features, (str, bytes)) or not hasattr(features, "__iter__"):
        raise TypeError(f"{name} must be a sequence of names from FEATURES, such as "
                        f"('x1', 'x2'), got {short_repr(features)}")
    features = tuple(features)
    if not features:
        raise ValueError(f"{name} must name at least one feature of {list(FEATURES)}, got "
                         f"{features!r}")
    for feature in features:
        if not isinstance(feature, str):
            raise TypeError(f"{name} must hold names (str) from FEATURES, got "
                            f"{short_repr(feature)} in {short_repr(features)}")
        if feature not in FEATURES:
            raise ValueError(f"{name} must be names from {list(FEATURES)}, got {feature!r} "
                             f"in {features!r}")
    repeated = sorted({f for f in features if features.count(f) > 1}, key=features.index)
    if repeated:
        raise ValueError(f"{name} must name each feature at most once, got {features!r} "
                         f"({', '.join(map(repr, repeated))} repeated)")
    return features


def feature_map(X, features=DEFAULT_FEATURES):
    """Map 2-D points to the chosen features: the columns a network is given.

    Parameters
    ----------
    X : array_like of shape (n, 2)
        Points (x₁, x₂), finite numbers.
    features : sequence of str, default ("x1", "x2")
        Names from ``FEATURES``, each at most once; column k of the result is
        ``FEATURES[features[k]]``. The default gives the values of ``X`` unchanged.

    Returns
    -------
    ndarray of shape (n, len(features)), float64 (C order)

    Raises
    ------
    TypeError, ValueError
        For features that ``check_features`` refuses, or ``X`` that is not a finite
        numeric array of shape (n, 2).

    Examples
    --------
    >>> feature_map([[1.0, 2.0], [-3.0, 0.5]], ("x1^2", "x1*x2"))
    array([[ 1. ,  2. ],
           [ 9. , -1.5]])
    """
    features = check_features(features)
    X = check_array(X, "X", ndim=2, dtype=np.float64)
    if X.shape[1] != 2:
        raise ValueError(f"X must have 2 columns (x₁, x₂), got {X.shape[1]} "
                         f"(shape {X.shape})")
    out = np.empty((len(X), len(features)))
    for k, name in enumerate(features):
        out[:, k] = FEATURES[name].formula(X)
    return out

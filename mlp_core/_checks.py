"""Argument checks shared by the package.

Each check raises before any work is done, with a message that names the argument, the
rule and the value received, e.g. ``ValueError: dropout must be in [0, 1), got 1.0``.
"""

from __future__ import annotations

import numbers

import numpy as np


def _short(value):
    """A short repr of a value for an error message."""
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def check_array(a, name, *, ndim=None, dtype=None):
    """Return ``a`` as a finite numeric ndarray, or raise naming ``name``.

    Parameters
    ----------
    a : array_like
    name : str
        The argument's name, for the message.
    ndim : int or tuple of int, optional
        Allowed numbers of dimensions.
    dtype : numpy dtype, optional
        Convert to this dtype (no copy when it already is).
    """
    if isinstance(a, (str, bytes)) or a is None:
        raise TypeError(f"{name} must be a numeric array, got {_short(a)}")
    arr = np.asarray(a)
    if arr.dtype == object or not (
        np.issubdtype(arr.dtype, np.number) or arr.dtype == bool
    ):
        raise TypeError(f"{name} must be a numeric array, got dtype {arr.dtype}")
    if ndim is not None:
        allowed = (ndim,) if isinstance(ndim, int) else tuple(ndim)
        if arr.ndim not in allowed:
            rule = " or ".join(f"{d}-D" for d in allowed)
            raise ValueError(f"{name} must be {rule}, got an array of shape {arr.shape}")
    if arr.size == 0:
        raise ValueError(f"{name} must not be empty, got an array of shape {arr.shape}")
    if dtype is not None:
        arr = arr.astype(dtype, copy=False)
    if np.issubdtype(arr.dtype, np.inexact) and not np.all(np.isfinite(arr)):
        bad = np.argwhere(~np.isfinite(arr))[0]
        where = tuple(int(i) for i in bad)
        raise ValueError(
            f"{name} must contain only finite numbers, got {arr[where]} at index {where}"
        )
    return arr


def check_X(X, n_features, *, name="X", dtype=None):
    """Check a design matrix: 2-D, non-empty, finite, ``n_features`` columns."""
    X = check_array(X, name, ndim=2, dtype=dtype)
    if X.shape[1] != n_features:
        raise ValueError(
            f"{name} must have {n_features} columns (layer_sizes[0]), "
            f"got {X.shape[1]} (shape {X.shape})"
        )
    return X


def check_same_length(X, y, x_name="X", y_name="y"):
    """Raise unless ``len(y) == len(X)``."""
    if len(y) != len(X):
        raise ValueError(
            f"len({y_name}) must equal len({x_name}) = {len(X)} (one target per sample), "
            f"got {len(y)}"
        )


def check_int(value, name, *, minimum):
    """Return ``value`` as int, requiring an integer >= ``minimum``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer >= {minimum}, got {_short(value)}")
    if value < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value}")
    return int(value)


def check_real(value, name, *, low=None, high=None, low_open=False, high_open=False):
    """Return ``value`` as float, requiring a finite real in the stated interval."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {_short(value)}")
    value = float(value)
    left = "(" if low_open else "["
    right = ")" if high_open else "]"
    interval = f"{left}{'-inf' if low is None else low}, {'inf' if high is None else high}{right}"
    ok = np.isfinite(value)
    if low is not None:
        ok = ok and (value > low if low_open else value >= low)
    if high is not None:
        ok = ok and (value < high if high_open else value <= high)
    if not ok:
        if low is not None and high is None:
            rule = f"> {low}" if low_open else f">= {low}"
            raise ValueError(f"{name} must be {rule}, got {value}")
        raise ValueError(f"{name} must be in {interval}, got {value}")
    return value


def check_dropout(p, name="dropout"):
    """Dropout probability p: the chance that a hidden unit is dropped, in [0, 1)."""
    return check_real(p, name, low=0.0, high=1.0, high_open=True)

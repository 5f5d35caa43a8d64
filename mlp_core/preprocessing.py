"""Splitting data into training, validation and test parts, and standardizing features.

The order matters and is the lesson: split first, then fit the :class:`Standardizer` on the
training part alone and apply it unchanged to the validation and test parts, so that nothing
about held-out data leaks into training. Rows are samples throughout. Splits are seeded
permutations (``np.random.default_rng(seed)``); ``stratify=True`` keeps class proportions.
"""

from __future__ import annotations

import numpy as np

from ._checks import check_real


def _largest_remainder(counts: np.ndarray, fraction: float) -> np.ndarray:
    """Share ``round(fraction * counts.sum())`` samples among classes in proportion to counts."""
    quota = fraction * counts
    share = np.floor(quota).astype(np.int64)
    short = int(round(fraction * counts.sum())) - int(share.sum())
    share[np.argsort(share - quota, kind="stable")[:short]] += 1
    return share


def train_val_test_split(X, y, *, val_size=0.2, test_size=0.2, seed=None, stratify=False):
    """Split samples at random into training, validation and test parts.

    Parameters
    ----------
    X : ndarray of shape (n_samples, ...)
    y : ndarray of shape (n_samples, ...)
    val_size, test_size : float in [0, 1), default 0.2
        Fractions of the samples for validation and test; their sum must be below 1. The
        counts are rounded to the nearest integer; ``val_size=0`` gives empty validation
        arrays of shape (0, ...).
    seed : int, np.random.Generator or None
        Seed for ``np.random.default_rng``.
    stratify : bool, default False
        If True, ``y`` must be a 1-D array of integer class labels, and every part gets (as
        nearly as rounding allows) the class proportions of the whole.

    Returns
    -------
    X_train, X_val, X_test : ndarrays of shape (n_train, ...), (n_val, ...), (n_test, ...)
    y_train, y_val, y_test : ndarrays of shape (n_train, ...), (n_val, ...), (n_test, ...)
        New arrays (copies); every sample lands in exactly one part, in random order.
    """
    X, y = np.asarray(X), np.asarray(y)
    if X.ndim == 0 or y.ndim == 0 or len(X) != len(y):
        raise ValueError(
            f"X and y must have the same number of samples (rows), got X of shape {X.shape} "
            f"and y of shape {y.shape}"
        )
    val_size = check_real(val_size, "val_size", low=0.0, high=1.0, high_open=True)
    test_size = check_real(test_size, "test_size", low=0.0, high=1.0, high_open=True)
    if val_size + test_size >= 1:
        raise ValueError(
            f"val_size + test_size must be < 1, got {val_size} + {test_size} = "
            f"{val_size + test_size}"
        )
    rng = np.random.default_rng(seed)
    n = len(y)
    if stratify:
        if y.ndim != 1 or not np.issubdtype(y.dtype, np.integer):
            raise ValueError(
                f"stratify=True needs y to be a 1-D array of integer class labels, "
                f"got dtype {y.dtype} and shape {y.shape}"
            )
        classes, codes = np.unique(y, return_inverse=True)
        members = [rng.permutation(np.flatnonzero(codes == k)) for k in range(len(classes))]
        counts = np.array([len(m) for m in members])
        n_test = _largest_remainder(counts, test_size)
        n_val = np.minimum(_largest_remainder(counts, val_size), counts - n_test)
        test = np.concatenate([m[:t] for m, t in zip(members, n_test)])
        val = np.concatenate([m[t:t + v] for m, t, v in zip(members, n_test, n_val)])
        train = np.concatenate([m[t + v:] for m, t, v in zip(members, n_test, n_val)])
        train, val, test = rng.permutation(train), rng.permutation(val), rng.permutation(test)
    else:
        order = rng.permutation(n)
        n_test, n_val = round(test_size * n), round(val_size * n)
        test, val, train = np.split(order, [n_test, n_test + n_val])
    if len(train) == 0:
        raise ValueError(
            f"the training part would be empty: {n} samples with val_size={val_size} and "
            f"test_size={test_size}; use more samples or smaller fractions"
        )
    return X[train], X[val], X[test], y[train], y[val], y[test]


def train_test_split(X, y, *, test_size=0.2, seed=None, stratify=False):
    """Split samples at random into a training and a test part.

    Same rules as :func:`train_val_test_split` with ``val_size=0``.

    Returns
    -------
    X_train, X_test : ndarrays of shape (n_train, ...), (n_test, ...)
    y_train, y_test : ndarrays of shape (n_train, ...), (n_test, ...)
    """
    X_train, _, X_test, y_train, _, y_test = train_val_test_split(
        X, y, val_size=0.0, test_size=test_size, seed=seed, stratify=stratify
    )
    return X_train, X_test, y_train, y_test


class Standardizer:
    """Rescale each feature to zero mean and unit standard deviation: ``z = (x - mean) / scale``.

    Fit on the training data only. A constant column (standard deviation 0) gets
    ``scale = 1``, so it becomes all zeros instead of a division by zero. Outputs are float32
    for float32 input and float64 for any other numeric input.

    Attributes
    ----------
    mean_ : ndarray of shape (n_features,), float64, or None before ``fit``
    scale_ : ndarray of shape (n_features,), float64, or None before ``fit``
    """

    def __init__(self):
        self.mean_ = None
        self.scale_ = None

    def __repr__(self) -> str:
        if self.mean_ is None:
            return "Standardizer(not fitted)"
        return f"Standardizer(n_features={self.mean_.shape[0]})"

    @staticmethod
    def _as_matrix(X, name: str) -> np.ndarray:
        """Return ``X`` as a 2-D float32/float64 array.

        Raises TypeError naming ``name`` for a non-numeric dtype (strings, objects, complex)
        and ValueError for an array that is not 2-D.
        """
        X = np.asarray(X)
        real = X.dtype == bool or np.issubdtype(X.dtype, np.integer) or np.issubdtype(
            X.dtype, np.floating
        )
        if not real:
            raise TypeError(
                f"{name} must be a numeric array of shape (n_samples, n_features), "
                f"got dtype {X.dtype}"
            )
        if X.ndim != 2:
            raise ValueError(
                f"{name} must be a 2-D numeric array of shape (n_samples, n_features), "
                f"got shape {X.shape} and dtype {X.dtype}"
            )
        return X if X.dtype in (np.float32, np.float64) else X.astype(np.float64)

    def fit(self, X) -> Standardizer:
        """Learn the mean and standard deviation of each column of ``X``.

        Parameters
        ----------
        X : ndarray of shape (n_samples, n_features)
            Training data, at least one row, all values finite.

        Returns
        -------
        self : Standardizer
        """
        X = self._as_matrix(X, "X")
        if X.shape[0] == 0 or not np.isfinite(X).all():
            raise ValueError(
                f"X must have at least one row and only finite values, got shape {X.shape} "
                f"with {X.size - np.isfinite(X).sum()} NaN/inf values"
            )
        # A constant column keeps its exact value as mean (the computed mean can be off in the
        # last bit) and scale 1, so it maps to exact zeros and back without rounding.
        constant = X.max(axis=0) == X.min(axis=0)
        self.mean_ = np.where(constant, X[0], X.mean(axis=0, dtype=np.float64)).astype(np.float64)
        std = X.std(axis=0, dtype=np.float64)
        self.scale_ = np.where(constant | (std == 0), 1.0, std)
        return self

    def _checked(self, X, name: str) -> np.ndarray:
        """Return ``X`` as a float matrix after checking that we are fitted and widths match."""
        if self.mean_ is None:
            raise RuntimeError("this Standardizer is not fitted yet: call fit(X_train) first")
        X = self._as_matrix(X, name)
        if X.shape[1] != self.mean_.shape[0]:
            raise ValueError(
                f"{name} has {X.shape[1]} columns, but this Standardizer was fitted on "
                f"{self.mean_.shape[0]} columns (expected {self.mean_.shape[0]})"
            )
        return X

    def transform(self, X) -> np.ndarray:
        """Return ``(X - mean_) / scale_``, an array of shape (n_samples, n_features)."""
        X = self._checked(X, "X")
        return (X - self.mean_.astype(X.dtype)) / self.scale_.astype(X.dtype)

    def fit_transform(self, X) -> np.ndarray:
        """Fit on ``X`` and return it standardized, shape (n_samples, n_features)."""
        return self.fit(X).transform(X)

    def inverse_transform(self, Z) -> np.ndarray:
        """Undo :meth:`transform`: return ``Z * scale_ + mean_``, shape (n_samples, n_features)."""
        Z = self._checked(Z, "Z")
        return Z * self.scale_.astype(Z.dtype) + self.mean_.astype(Z.dtype)

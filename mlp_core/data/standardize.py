"""Standardizing features: ``z = (x - mean) / scale``, fitted on the training part only.

The order matters and is the lesson: split first (``splits.py``), then fit the
:class:`Standardizer` on the training part alone and apply it unchanged to the validation and
test parts, so that nothing about held-out data leaks into training.
"""

from __future__ import annotations

import numpy as np

__all__ = ["Standardizer"]

#: A column whose standard deviation is at most this many float steps (``np.finfo(dtype).eps``
#: of the data's dtype: 2.2e-16 for float64, 1.2e-7 for float32) times its largest
#: magnitude is constant up to rounding. Data measured with any real resolution spreads
#: thousands of steps (1e6 ± 1e-6 is about 4000 float64 steps).
CONSTANT_RTOL = 10


def _check_finite(A, name):
    """Raise ValueError naming ``name``, the count and the first NaN/inf with its place."""
    bad = ~np.isfinite(A)
    if bad.any():
        i, j = np.argwhere(bad)[0]
        count = int(bad.sum())
        raise ValueError(
            f"{name} must contain only finite values, got {count} NaN/inf "
            f"value{'s' if count > 1 else ''}, the first {A[i, j]} at row {i}, column {j}"
        )


class Standardizer:
    """Rescale each feature to zero mean and unit standard deviation: ``z = (x - mean) / scale``.

    Fit on the training data only. A constant column gets ``scale = 1``, so it becomes all
    zeros instead of a division by zero. "Constant" includes constant up to rounding: a
    standard deviation of at most ``CONSTANT_RTOL`` float steps (eps of the data's dtype)
    times the column's largest magnitude, e.g. 0.3 next to 0.1 + 0.2, whose difference would
    otherwise be blown up to ±1. Outputs are float32 for float32 input and float64 for any
    other numeric input. NaN and ±inf are refused by every method, as is a result that
    overflows.

    Attributes
    ----------
    mean_ : ndarray of shape (n_features,), float64, or None before ``fit``
    scale_ : ndarray of shape (n_features,), float64, or None before ``fit``
    """

    def __init__(self):
        self.mean_ = None
        self.scale_ = None

    def __repr__(self) -> str:
        """Return ``Standardizer(n_features=...)``, or say that it is not fitted yet."""
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
            Training data, at least one row, all values finite, none so large that a
            column's mean or standard deviation overflows float64 (ValueError naming the
            column).

        Returns
        -------
        self : Standardizer
        """
        X = self._as_matrix(X, "X")
        if X.shape[0] == 0:
            raise ValueError(f"X must have at least one row, got shape {X.shape}")
        _check_finite(X, "X")
        with np.errstate(over="ignore", invalid="ignore"):  # overflow is reported below
            mean = X.mean(axis=0, dtype=np.float64)
            std = X.std(axis=0, dtype=np.float64)
        overflow = ~(np.isfinite(mean) & np.isfinite(std))
        if overflow.any():
            j = int(np.flatnonzero(overflow)[0])
            raise ValueError(
                f"X column {j} is too large to standardize: its mean or standard deviation "
                f"overflows float64 (largest magnitude {np.abs(X[:, j]).max():.3g}); "
                f"rescale it first (e.g. change its unit)"
            )
        # An exactly constant column keeps its value as mean (the computed mean can be off in
        # the last bit) and scale 1, so it maps to exact zeros and back without rounding. A
        # column constant up to rounding keeps scale 1 too: its Z are rounding-sized, not ±1.
        exact = X.max(axis=0) == X.min(axis=0)
        dtype = X.dtype if X.dtype == np.float32 else np.float64  # ints were made float64
        rounding = std <= CONSTANT_RTOL * np.finfo(dtype).eps * np.abs(X).max(axis=0)
        self.mean_ = np.where(exact, X[0], mean).astype(np.float64)
        self.scale_ = np.where(exact | rounding, 1.0, std)
        return self

    def _checked(self, X, name: str) -> np.ndarray:
        """Return ``X`` as a finite float matrix of the fitted width.

        Raises RuntimeError before ``fit`` and ValueError when the widths do not match.
        """
        if self.mean_ is None:
            raise RuntimeError("this Standardizer is not fitted yet: call fit(X_train) first")
        X = self._as_matrix(X, name)
        if X.shape[1] != self.mean_.shape[0]:
            raise ValueError(
                f"{name} has {X.shape[1]} columns, but this Standardizer was fitted on "
                f"{self.mean_.shape[0]} columns (expected {self.mean_.shape[0]})"
            )
        _check_finite(X, name)
        return X

    def transform(self, X) -> np.ndarray:
        """Return ``(X - mean_) / scale_``, an array of shape (n_samples, n_features).

        ``X`` must be finite, like the data of ``fit``; a value so far from the training
        data that its standardized value overflows is refused too (ValueError naming the
        column).
        """
        X = self._checked(X, "X")
        with np.errstate(over="ignore"):  # overflow is reported below
            Z = (X - self.mean_.astype(X.dtype)) / self.scale_.astype(X.dtype)
        self._no_overflow(Z, "X", "standardized")
        return Z

    def _no_overflow(self, result, name, what):
        """Raise ValueError if ``result`` (from finite input) holds an inf."""
        bad = ~np.isfinite(result)
        if bad.any():
            j = int(np.argwhere(bad)[0][1])
            raise ValueError(
                f"{name} column {j} overflows {result.dtype} when {what} (mean_ "
                f"{self.mean_[j]:.3g}, scale_ {self.scale_[j]:.3g}); it lies far outside the "
                f"data this Standardizer was fitted on"
            )

    def fit_transform(self, X) -> np.ndarray:
        """Fit on ``X`` and return it standardized, shape (n_samples, n_features)."""
        return self.fit(X).transform(X)

    def inverse_transform(self, Z) -> np.ndarray:
        """Undo :meth:`transform`: return ``Z * scale_ + mean_``, shape (n_samples, n_features)."""
        Z = self._checked(Z, "Z")
        with np.errstate(over="ignore"):  # overflow is reported below
            X = Z * self.scale_.astype(Z.dtype) + self.mean_.astype(Z.dtype)
        self._no_overflow(X, "Z", "transformed back")
        return X

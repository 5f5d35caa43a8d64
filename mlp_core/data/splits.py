"""Splitting data into training, validation and test parts.

Split first, then fit the :class:`~mlp_core.data.Standardizer` on the training part alone
(see ``standardize.py``), so that nothing about held-out data leaks into training. Rows are
samples throughout. Splits are seeded permutations (``np.random.default_rng(seed)``);
``stratify=True`` keeps class proportions.

A split never fails silently: a part asked for (a fraction above 0) that would be empty, or
a stratified split that would leave a class without a single training sample, is refused
with a ValueError naming the sizes (or the class), before anything is drawn.
"""

from __future__ import annotations

import numpy as np

from .._checks import check_real, check_seed

__all__ = ["train_test_split", "train_val_test_split"]


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
        arrays of shape (0, ...). A fraction above 0 that rounds to 0 samples is refused
        (ValueError): ask for 0, or use more samples.
    seed : int, np.random.Generator or None
        Seed for ``np.random.default_rng``.
    stratify : bool, default False
        If True, ``y`` must be a 1-D array of integer class labels, and every part gets (as
        nearly as rounding allows) the class proportions of the whole. A class so small that
        validation and test would take all of its samples is refused (ValueError naming the
        class): a model cannot learn a class it never sees. A small class may still be
        missing from the validation or test part.

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
    n = len(y)
    for size, name, part in ((val_size, "val_size", "validation"), (test_size, "test_size",
                                                                      "test")):
        if size > 0 and round(size * n) == 0:
            raise ValueError(
                f"{name}={size} of {n} samples gives an empty {part} part ({size * n:g} "
                f"rounds to 0); use {name}=0 for no {part} part, a larger {name} or more "
                f"samples"
            )
    rng = np.random.default_rng(check_seed(seed))
    if stratify:
        if y.ndim != 1 or not np.issubdtype(y.dtype, np.integer):
            raise ValueError(
                f"stratify=True needs y to be a 1-D array of integer class labels, "
                f"got dtype {y.dtype} and shape {y.shape}"
            )
        classes, codes, counts = np.unique(y, return_inverse=True, return_counts=True)
        n_test = _largest_remainder(counts, test_size)
        n_val = np.minimum(_largest_remainder(counts, val_size), counts - n_test)
        left_out = np.flatnonzero(counts - n_test - n_val == 0)
        if len(left_out):
            k = left_out[0]
            raise ValueError(
                f"stratify=True would leave class {classes[k]} ({counts[k]} "
                f"sample{'s' if counts[k] > 1 else ''}) out of the training part: "
                f"{n_val[k]} would go to validation and {n_test[k]} to test (val_size="
                f"{val_size}, test_size={test_size}); use smaller fractions, more samples of "
                f"that class, or stratify=False"
            )
        members = [rng.permutation(np.flatnonzero(codes == k)) for k in range(len(classes))]
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

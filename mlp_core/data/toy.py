"""Two-dimensional toy problems for drawing decision lines and decision boundaries.

Each generator returns ``(X, y)`` with ``X`` of shape (n, 2), float64, roughly inside
[-2, 2] x [-2, 2], and ``y`` of shape (n,), int64 labels 0/1. The two classes differ in size by
at most one sample, rows come in random order, and the result depends only on the arguments:
the same ``seed`` gives the same data (``np.random.default_rng(seed)``, never the global RNG).
``noise`` is the standard deviation of Gaussian noise added to both coordinates, in the units
of ``X``; each default is chosen so that a small MLP (one or two hidden layers of 8-16 units)
can learn the set while the noise stays visible.

None of the sets is linearly separable: that is the point. ``TOY_DATASETS`` maps the names a
widget dropdown shows to the generators; ``make_toy(name, ...)`` dispatches on that name.
The one linearly separable set, for the perceptron (§3), is :func:`separable_data`.
"""

from __future__ import annotations

import numpy as np

from .._checks import check_int, check_real, check_seed

__all__ = [
    "TOY_DATASETS",
    "make_circles",
    "make_moons",
    "make_spirals",
    "make_toy",
    "make_xor",
    "separable_data",
]


def _check(n, noise):
    """Check the arguments shared by all generators; return them as (int, float).

    Raises TypeError for a value of the wrong type (``n="10"``, ``noise=None``) and
    ValueError for one out of range (``n=1``, ``noise=-0.1``), naming the argument.
    """
    return check_int(n, "n", minimum=2), check_real(noise, "noise", low=0.0)


def _finish(points: list, rng: np.random.Generator, noise: float):
    """Stack per-class point arrays, add noise, label them 0, 1, ... and shuffle the rows."""
    X = np.concatenate(points).astype(np.float64)
    y = np.concatenate([np.full(len(p), k, dtype=np.int64) for k, p in enumerate(points)])
    X = X + noise * rng.standard_normal(X.shape)
    order = rng.permutation(len(y))
    return X[order], y[order]


def _class_sizes(n: int) -> tuple[int, int]:
    """Split ``n`` into two class sizes that differ by at most one."""
    return n // 2, n - n // 2


def make_moons(n: int = 200, noise: float = 0.15, seed=None):
    """Two interleaving half circles ("moons"), centred on the origin.

    Parameters
    ----------
    n : int, default 200
        Number of points, at least 2.
    noise : float, default 0.15
        Standard deviation of the Gaussian noise; the moons have radius 1.
    seed : int, np.random.Generator or None
        Seed for ``np.random.default_rng``; None gives fresh randomness.

    Returns
    -------
    X : ndarray of shape (n, 2), float64
        Without noise, x in [-1.5, 1.5] and y in [-0.75, 0.75].
    y : ndarray of shape (n,), int64
        0 for the upper moon, 1 for the lower one.
    """
    n, noise = _check(n, noise)
    rng = np.random.default_rng(check_seed(seed))
    n0, n1 = _class_sizes(n)
    t0, t1 = rng.uniform(0, np.pi, n0), rng.uniform(0, np.pi, n1)
    upper = np.column_stack([np.cos(t0) - 0.5, np.sin(t0) - 0.25])
    lower = np.column_stack([0.5 - np.cos(t1), 0.25 - np.sin(t1)])
    return _finish([upper, lower], rng, noise)


def make_circles(n: int = 200, noise: float = 0.1, seed=None):
    """Make a small ring (radius 0.6) inside a larger ring (radius 1.5), both centred on 0.

    Parameters
    ----------
    n : int, default 200
        Number of points, at least 2.
    noise : float, default 0.1
        Standard deviation of the Gaussian noise; the rings are 0.9 apart.
    seed : int, np.random.Generator or None
        Seed for ``np.random.default_rng``.

    Returns
    -------
    X : ndarray of shape (n, 2), float64
    y : ndarray of shape (n,), int64
        0 for the outer ring, 1 for the inner ring.
    """
    n, noise = _check(n, noise)
    rng = np.random.default_rng(check_seed(seed))
    rings = []
    for size, radius in zip(_class_sizes(n), (1.5, 0.6)):
        angle = rng.uniform(0, 2 * np.pi, size)
        rings.append(radius * np.column_stack([np.cos(angle), np.sin(angle)]))
    return _finish(rings, rng, noise)


def make_xor(n: int = 200, noise: float = 0.3, seed=None):
    """Four blobs at (+-1, +-1); the label is the XOR of the two signs.

    With ``noise=0`` the points sit exactly on the four corners: the classic XOR problem that
    a single perceptron cannot solve.

    Parameters
    ----------
    n : int, default 200
        Number of points, at least 2.
    noise : float, default 0.3
        Standard deviation of each blob.
    seed : int, np.random.Generator or None
        Seed for ``np.random.default_rng``.

    Returns
    -------
    X : ndarray of shape (n, 2), float64
    y : ndarray of shape (n,), int64
        0 for the blobs at (1, 1) and (-1, -1), 1 for (-1, 1) and (1, -1).
    """
    n, noise = _check(n, noise)
    rng = np.random.default_rng(check_seed(seed))
    corners = (np.array([[1.0, 1.0], [-1.0, -1.0]]), np.array([[-1.0, 1.0], [1.0, -1.0]]))
    # Each class alternates between its two corners, so the blobs differ by at most one point.
    blobs = [c[np.arange(size) % 2] for c, size in zip(corners, _class_sizes(n))]
    return _finish(blobs, rng, noise)


def make_spirals(n: int = 200, noise: float = 0.1, seed=None, turns: float = 1.5):
    """Two interleaved spiral arms, one per class.

    Parameters
    ----------
    n : int, default 200
        Number of points, at least 2.
    noise : float, default 0.1
        Standard deviation of the Gaussian noise; neighbouring arms are about 0.6 apart.
    seed : int, np.random.Generator or None
        Seed for ``np.random.default_rng``.
    turns : float, default 1.5
        How many full turns each arm makes; more turns make a harder problem.

    Returns
    -------
    X : ndarray of shape (n, 2), float64
        Without noise, every point lies within radius 1.8 of the origin.
    y : ndarray of shape (n,), int64
        The arm: 0 or 1 (the second arm is the first one rotated by 180 degrees).
    """
    n, noise = _check(n, noise)
    turns = check_real(turns, "turns", low=0.0, low_open=True)
    rng = np.random.default_rng(check_seed(seed))
    arms = []
    for k, size in enumerate(_class_sizes(n)):
        # sqrt spreads the points evenly along the arm instead of crowding the centre.
        t = np.sqrt(rng.uniform(0.02, 1.0, size))
        angle = 2 * np.pi * turns * t + k * np.pi
        arms.append(1.8 * t[:, None] * np.column_stack([np.cos(angle), np.sin(angle)]))
    return _finish(arms, rng, noise)


TOY_DATASETS = {
    "moons": make_moons,
    "circles": make_circles,
    "xor": make_xor,
    "spirals": make_spirals,
}


def make_toy(name: str, n: int = 200, noise: float | None = None, seed=None):
    """Generate the toy data set called ``name`` (a key of ``TOY_DATASETS``).

    Parameters
    ----------
    name : {"moons", "circles", "xor", "spirals"}
    n : int, default 200
        Number of points, at least 2.
    noise : float or None, default None
        Standard deviation of the Gaussian noise; None uses the generator's own default
        (moons 0.15, circles 0.1, xor 0.3, spirals 0.1).
    seed : int, np.random.Generator or None
        Seed for ``np.random.default_rng``.

    Returns
    -------
    X : ndarray of shape (n, 2), float64
    y : ndarray of shape (n,), int64 labels 0/1
    """
    if name not in TOY_DATASETS:
        raise ValueError(f"name must be one of {sorted(TOY_DATASETS)}, got {name!r}")
    if noise is None:
        return TOY_DATASETS[name](n, seed=seed)
    return TOY_DATASETS[name](n, noise, seed=seed)


def separable_data(n=40, seed=0, margin=0.1):
    """Make a linearly separable 2-D set: uniform points on either side of x2 = -0.5 x1 + 0.9.

    Points closer than ``margin`` to that line are left out, so a separating line with
    margin ``margin`` exists and the perceptron rule is sure to converge.

    Parameters
    ----------
    n : int
        Number of points.
    seed : int or None
        Seed for ``np.random.default_rng``.
    margin : float
        Smallest distance of any point from the true line.

    Returns
    -------
    X : ndarray of shape (n, 2), float64
    y : ndarray of shape (n,), int64 labels 0/1 (1 above the line)
    """
    rng = np.random.default_rng(check_seed(seed))
    X = rng.uniform(-2.0, 2.0, size=(4 * n, 2))
    a = X[:, 1] + 0.5 * X[:, 0] - 0.9  # signed, unnormalised distance from the true line
    keep = np.abs(a) / np.hypot(1.0, 0.5) > margin
    return X[keep][:n], (a[keep][:n] > 0).astype(np.int64)

"""Argument checks shared by the package.

Each check raises before any work is done, with a message that names the argument, the
rule and the value received, e.g. ``ValueError: dropout must be in [0.0, 1.0), got 1.0``.

Checks run once, where data enters (``MLP.forward``, ``MLP.loss``, ``fit``, ...). A caller
that has already checked its arguments, such as ``fit``'s inner loop, passes ``check=False``
to the functions it calls (scikit-learn's ``check_input=False`` idiom), so that nothing is
checked once per mini-batch.
"""

from __future__ import annotations

import numbers

import numpy as np


def short_repr(value):
    """Return a short repr of a value for an error message."""
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def check_array(a, name, *, ndim=None, dtype=None):
    """Return ``a`` as a finite, real numeric ndarray, or raise naming ``name``.

    Parameters
    ----------
    a : array_like
    name : str
        The argument's name, for the message.
    ndim : int or tuple of int, optional
        Allowed numbers of dimensions.
    dtype : numpy dtype, optional
        Convert to this dtype (no copy when it already is); the values are checked after
        the conversion, so one that overflows it (1e39 in float32) is refused too.

    Raises
    ------
    TypeError
        If ``a`` is not numeric (strings, objects) or is complex.
    ValueError
        If ``a`` is a ragged nested sequence (rows of different lengths), has the wrong
        number of dimensions, is empty, or holds NaN, ±inf or a value that does not fit in
        ``dtype``.
    """
    if isinstance(a, (str, bytes)) or a is None:
        raise TypeError(f"{name} must be a numeric array, got {short_repr(a)}")
    arr = _as_rectangular_array(a, name)
    if arr.dtype == object or not (
        np.issubdtype(arr.dtype, np.number) or arr.dtype == bool
    ):
        raise TypeError(f"{name} must be a numeric array, got dtype {arr.dtype}")
    if np.issubdtype(arr.dtype, np.complexfloating):
        raise TypeError(f"{name} must hold real numbers, got complex dtype {arr.dtype}")
    if ndim is not None:
        allowed = (ndim,) if isinstance(ndim, int) else tuple(ndim)
        if arr.ndim not in allowed:
            rule = " or ".join(f"{d}-D" for d in allowed)
            raise ValueError(f"{name} must be {rule}, got an array of shape {arr.shape}")
    if arr.size == 0:
        raise ValueError(f"{name} must not be empty, got an array of shape {arr.shape}")
    if dtype is None:
        return _check_finite(arr, arr, name)
    return as_dtype(arr, dtype, name)


def _as_rectangular_array(a, name):
    """``np.asarray(a)``, refusing a ragged nested sequence (rows of different lengths)."""
    try:
        return np.asarray(a)
    except ValueError as error:  # numpy: "... has an inhomogeneous shape after 1 dimensions"
        if "inhomogeneous" not in str(error) and "with a sequence" not in str(error):
            raise
        try:
            lengths = [len(row) for row in a]
        except TypeError:  # a number among the rows: [[1, 2], 3]
            lengths = None
        rows = ""
        if lengths is not None:
            shown = ", ".join(str(n) for n in lengths[:8]) + (", ..." if len(lengths) > 8 else "")
            rows = f" with rows of lengths [{shown}]"
        raise ValueError(
            f"{name} must be a rectangular array (rows of equal length), got a ragged "
            f"sequence{rows}: {short_repr(a)}"
        ) from None


def as_dtype(arr, dtype, name):
    """Convert a real ndarray to ``dtype``; raise if a value is not finite there.

    A finite float64 value can overflow float32 (its largest value is about 3.4e38), so the
    check runs on the converted array and the message tells NaN or ±inf in the input apart
    from a value that does not fit in ``dtype``.
    """
    dtype = np.dtype(dtype)
    with np.errstate(over="ignore", invalid="ignore"):  # overflow is reported below
        converted = arr.astype(dtype, copy=False)
    return _check_finite(converted, arr, name)


def _check_finite(converted, original, name):
    if not np.issubdtype(converted.dtype, np.inexact) or np.all(np.isfinite(converted)):
        return converted
    where = tuple(int(i) for i in np.argwhere(~np.isfinite(converted))[0])
    value = original[where]
    if np.issubdtype(original.dtype, np.inexact) and not np.isfinite(value):
        raise ValueError(
            f"{name} must contain only finite numbers, got {value} at index {where}"
        )
    limit = np.finfo(converted.dtype).max
    raise ValueError(
        f"{name} must contain only numbers that fit in {converted.dtype} "
        f"(|x| <= {limit:.4g}), got {value} at index {where}, which does not fit"
    )


def check_X(X, n_features, *, name="X", dtype=None, source="layer_sizes[0]"):
    """Check a design matrix: 2-D, non-empty, finite, ``n_features`` columns.

    ``source`` names where ``n_features`` comes from, for the message (``layer_sizes[0]``
    for an MLP, ``n_features`` for a perceptron).
    """
    X = check_array(X, name, ndim=2, dtype=dtype)
    if X.shape[1] != n_features:
        raise ValueError(
            f"{name} must have {n_features} columns ({source}), "
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


def check_int(value, name, *, minimum, maximum=None):
    """Return ``value`` as int, requiring an integer >= ``minimum`` (and <= ``maximum``).

    With ``maximum`` every message states both ends: ``an integer in [minimum, maximum]``.
    """
    rule = f">= {minimum}" if maximum is None else f"in [{minimum}, {maximum}]"
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer {rule}, got {short_repr(value)}")
    if value < minimum or (maximum is not None and value > maximum):
        raise ValueError(f"{name} must be {'an integer ' if maximum is not None else ''}"
                         f"{rule}, got {value}")
    return int(value)


def check_real(value, name, *, low=None, high=None, low_open=False, high_open=False):
    """Return ``value`` as float, requiring a finite real in the stated interval.

    The message states the rule: ``in [low, high)`` when both ends are given (finite by
    construction), otherwise ``a finite number > low`` (or ``>= low``, ``<= high``, ...).
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {short_repr(value)}")
    value = float(value)
    ok = bool(np.isfinite(value))
    if low is not None:
        ok = ok and (value > low if low_open else value >= low)
    if high is not None:
        ok = ok and (value < high if high_open else value <= high)
    if ok:
        return value
    if low is not None and high is not None:
        rule = f"in {'(' if low_open else '['}{low}, {high}{')' if high_open else ']'}"
    else:
        rule = "a finite number"
        if low is not None:
            rule += f" {'>' if low_open else '>='} {low:g}"
        if high is not None:
            rule += f" {'<' if high_open else '<='} {high:g}"
    raise ValueError(f"{name} must be {rule}, got {value}")


def check_dropout(p, name="dropout"):
    """Dropout probability p: the chance that a hidden unit is dropped, in [0, 1)."""
    return check_real(p, name, low=0.0, high=1.0, high_open=True)


def check_rng(rng, name="rng"):
    """Require a ``numpy.random.Generator`` (e.g. ``np.random.default_rng(seed)``)."""
    if not isinstance(rng, np.random.Generator):
        raise TypeError(
            f"{name} must be a numpy.random.Generator (np.random.default_rng(seed)), "
            f"got {short_repr(rng)}"
        )
    return rng


def lookup(name, registry, what, kind):
    """``registry[name]``, or ``name`` itself if it is already a ``kind`` (e.g. an Activation).

    The messages list the valid names: ``what must be one of [...], got 'x'``.
    """
    if isinstance(name, kind):
        return name
    article = "an" if kind.__name__[0] in "AEIOU" else "a"
    if not isinstance(name, str):
        raise TypeError(
            f"{what} must be a name, one of {sorted(registry)}, or {article} {kind.__name__}, "
            f"got {short_repr(name)}"
        )
    if name not in registry:
        raise ValueError(f"{what} must be one of {sorted(registry)}, got {name!r}")
    return registry[name]


# --- targets y, by loss ----------------------------------------------------------------------

def check_targets(y, loss, n_outputs, dtype, X=None):
    """Check targets ``y`` for a loss; return them in the form the loss functions take.

    The rules, by loss (the name of a ``Loss`` in ``mlp_core.losses.LOSSES``):

    - ``"mse"``: real values of shape (n, N_O), or (n,) when N_O = 1; returned as an
      array of ``dtype`` of shape (n, N_O) (a value that overflows ``dtype`` is refused).
    - ``"cross_entropy"``: integer class labels 0 .. N_O - 1 (N_O >= 2) of shape (n,) or
      (n, 1); returned as int64 of shape (n,).
    - ``"binary_cross_entropy"``: labels 0 or 1 for one output unit (N_O = 1); returned as
      an array of ``dtype`` of shape (n, 1).

    Parameters
    ----------
    y : array_like of shape (n,) or (n, N_O)
    loss : str
        The loss's name.
    n_outputs : int
        N_O, the network's output units.
    dtype : numpy float dtype
        The network's dtype.
    X : ndarray of shape (n, N_I), optional
        The inputs; if given, ``len(y)`` must equal ``len(X)``.

    Returns
    -------
    ndarray
    """
    y = check_array(y, "y", ndim=(1, 2))
    if X is not None:
        check_same_length(X, y)
    if loss == "mse":
        return _real_targets(y, n_outputs, dtype)
    if loss == "cross_entropy":
        if n_outputs < 2:
            raise ValueError(
                "loss 'cross_entropy' needs at least 2 output units (one score per class), "
                f"got {n_outputs}; use 'binary_cross_entropy' for a single output"
            )
        return class_labels(y, n_outputs, "cross_entropy", "one class per output unit")
    if loss == "binary_cross_entropy":
        if n_outputs != 1:
            raise ValueError(
                f"loss 'binary_cross_entropy' needs exactly 1 output unit, got {n_outputs}"
            )
        labels = class_labels(y, 2, "binary_cross_entropy", "two classes, one sigmoid output")
        return labels[:, None].astype(dtype)
    raise ValueError(
        "loss must be 'mse', 'cross_entropy' or 'binary_cross_entropy' to check targets for "
        f"it, got {short_repr(loss)}"
    )


def _real_targets(y, n_outputs, dtype):
    """Real-valued targets for 'mse' as an (n, N_O) array of ``dtype``."""
    if y.ndim == 1 and n_outputs == 1:
        y = y[:, None]
    if y.ndim != 2 or y.shape[1] != n_outputs:
        raise ValueError(
            f"y must have shape (n_samples, {n_outputs})"
            + (" or (n_samples,)" if n_outputs == 1 else "")
            + f" for loss 'mse', got shape {y.shape}"
        )
    return as_dtype(y, dtype, "y")  # a value that overflows dtype (1e39 in float32) is refused


def class_labels(y, n_classes, loss_name, classes):
    """Return y as int64 labels 0..n_classes-1; errors name the loss and ``classes`` (its rule).

    Parameters
    ----------
    y : ndarray of shape (n,) or (n, 1)
    n_classes : int
    loss_name : str
        Named in the messages.
    classes : str
        What the classes are, for the message (e.g. "one class per output unit").

    Returns
    -------
    ndarray of shape (n,), int64
    """
    y = np.asarray(y)
    if y.ndim == 2 and y.shape[1] == 1:
        y = y[:, 0]
    if y.ndim != 1:
        raise ValueError(
            f"y must be integer class labels of shape (n_samples,) for loss {loss_name!r}, "
            f"got shape {y.shape}"
        )
    if y.size and not np.all(np.equal(np.mod(y, 1), 0)):
        bad = y[np.mod(y, 1) != 0][0]
        raise ValueError(
            f"y must hold integer class labels for loss {loss_name!r}, got {bad.item()!r}"
        )
    outside = (y < 0) | (y >= n_classes)  # checked before the cast, which would wrap 1e19
    if outside.any():
        bad = y[outside][0].item()
        if isinstance(bad, float) and abs(bad) < 2**53:
            bad = int(bad)  # 7.0 reads as the label 7
        raise ValueError(
            f"y labels must be in 0..{n_classes - 1} for loss {loss_name!r} "
            f"({classes}), got {bad}"
        )
    return y.astype(np.int64)


def check_seed(seed, name="seed"):
    """Require a seed for ``np.random.default_rng``: None, an integer >= 0 or a Generator.

    numpy's own message for ``default_rng(-1)`` or ``default_rng("abc")`` does not name the
    argument; this one does, and it runs before any work. ``True`` is refused although numpy
    would read it as 1: a flag passed by mistake should not silently seed a run.

    Returns
    -------
    None, int or numpy.random.Generator
        ``seed``, with a numpy integer turned into an int.
    """
    if seed is None or isinstance(seed, np.random.Generator):
        return seed
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral):
        raise TypeError(
            f"{name} must be None, an integer >= 0 or a numpy.random.Generator, "
            f"got {short_repr(seed)}"
        )
    if seed < 0:
        raise ValueError(f"{name} must be an integer >= 0 (or None), got {seed}")
    return int(seed)

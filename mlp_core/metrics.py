"""How good a trained network is: class accuracy and R², the numbers the notebooks report.

The confusion matrix ``confusion_counts(y_true, y_pred, n_classes)`` counts which class
each true class was taken for (arrays only; the regularization lab shows it).

Two forms of every metric
-------------------------
- On a network: ``accuracy(net, X, y, loss)`` and ``predict_classes(net, X, loss)`` run the
  network on X and read classes from its scores as the training loss defines them.
- On arrays, in scikit-learn's order (true values first, predictions second):
  ``accuracy_score(y_true, y_pred)``, ``r2_score(y_true, y_pred)`` and
  ``predict_classes(scores, loss)`` for scores ŷ = ``net.predict(X)`` computed already.

``accuracy`` and ``predict_classes`` choose their form by the first argument: an ``MLP``
gives the network form, anything else the array form, so ``accuracy(y, y_pred)`` works as
a scikit-learn user expects. A network in another place, or three arguments without a
network first, is refused with a message naming both forms.

Classes from scores
-------------------
Classes come from the output scores ŷ = z^(L+1) in the way the loss the network was
trained with reads them:

- ``"cross_entropy"``: the class with the largest score (softmax keeps the order);
- ``"binary_cross_entropy"``: class 1 where ŷ > 0, i.e. where σ(ŷ) > 0.5;
- ``"mse"`` on 0/1 targets with one output: class 1 where ŷ > 0.5.

The last two are the boundaries the decision-boundary plots draw (the 0.5 contour of
P(y = 1) or of ŷ itself).
"""

from __future__ import annotations

import numpy as np

from ._checks import check_array, check_int, check_same_length, check_X, class_labels
from .losses import Loss, get_loss
from .network import MLP

__all__ = ["accuracy", "accuracy_score", "confusion_counts", "predict_classes", "r2_score"]

#: Score above which a single-output network predicts class 1, by loss.
BINARY_THRESHOLD = {"binary_cross_entropy": 0.0, "mse": 0.5}


# --- classes ------------------------------------------------------------------------------

def predict_classes(net, X=None, loss=None):
    """Predicted class of every sample, read from the scores ŷ as the training loss defines it.

    Two forms, chosen by the first argument:

    - ``predict_classes(net, X, loss)``: run the ``MLP`` ``net`` on X first;
    - ``predict_classes(scores, loss=None)``: scores ŷ = ``net.predict(X)`` computed already
      (raw scores, not probabilities). With two or more columns the largest score wins and
      ``loss`` may be left out; one column needs ``loss``, which sets the threshold.

    Parameters
    ----------
    net : MLP, or array_like of shape (n, N_O) or (n,)
        The network, or the scores.
    X : ndarray of shape (n, layer_sizes[0])
        The inputs (network form only; in the scores form the second argument is ``loss``).
    loss : str
        The loss the network was trained with: 'cross_entropy' (2 or more outputs),
        'binary_cross_entropy' (class 1 where ŷ > 0) or 'mse' (class 1 where ŷ > 0.5; one
        output, 0/1 targets).

    Returns
    -------
    ndarray of shape (n,), int64

    Raises
    ------
    TypeError
        If a network is not the first argument, or the network form lacks X or loss.
    ValueError
        If a score is NaN or infinite (weights of a diverged run): no class can be read.
    """
    if not isinstance(net, MLP):
        return _classes_of_scores(net, X, loss)
    _require(("X", X), ("loss", loss), form="predict_classes(net, X, loss)")
    loss_fn = _check_outputs(loss, net.layer_sizes[-1])
    X = check_X(X, net.layer_sizes[0], dtype=net.dtype)
    y_hat = _scores(net, X)
    broken = ~np.isfinite(y_hat).all(axis=1)
    if broken.any():
        raise ValueError(
            f"net gives NaN or infinite scores for {broken.sum()} of {len(X)} rows of X "
            "(weights of a diverged run?); no class can be read from them"
        )
    return _classes(y_hat, loss_fn)


def _classes_of_scores(scores, second, loss):
    """Handle the scores form of ``predict_classes``: ``(scores, loss)``."""
    _refuse_misplaced_net("predict_classes(net, X, loss)", second, loss)
    if second is not None:
        if loss is None and isinstance(second, (str, Loss)):
            loss = second  # predict_classes(scores, "mse")
        else:
            raise TypeError(
                f"net must be an MLP, got {type(scores).__name__}: predict_classes takes "
                "(net, X, loss), or (scores, loss) with scores = net.predict(X)"
            )
    scores = check_array(scores, "scores", ndim=(1, 2))
    if scores.ndim == 1:
        scores = scores[:, None]  # one output, one score per sample
    if loss is None:
        if scores.shape[1] == 1:
            raise ValueError(
                "loss must be given for scores with one column: 'binary_cross_entropy' "
                "(class 1 where the score > 0) or 'mse' (class 1 where the score > 0.5), "
                "got None"
            )
        loss = "cross_entropy"
    return _classes(scores, _check_outputs(loss, scores.shape[1]))


# --- accuracy -----------------------------------------------------------------------------

def accuracy(net, X, y=None, loss=None):
    """Share of samples whose predicted class equals the true label.

    Two forms, chosen by the first argument:

    - ``accuracy(net, X, y, loss)``: the classes ``predict_classes(net, X, loss)`` against
      the labels y;
    - ``accuracy(y_true, y_pred)``: two arrays of labels, as scikit-learn's
      ``accuracy_score`` (which see).

    Parameters
    ----------
    net : MLP, or array_like of shape (n,)
        The network, or the true labels.
    X : ndarray of shape (n, layer_sizes[0]), or array_like of shape (n,)
        The inputs, or the predicted labels.
    y : ndarray of shape (n,) or (n, 1)
        Integer class labels: 0 .. layer_sizes[-1] - 1 for 'cross_entropy', 0/1 otherwise
        (network form only).
    loss : str
        The loss the network was trained with (see ``predict_classes``; network form only).

    Returns
    -------
    float
        In [0, 1]; in the network form NaN if a score is NaN or infinite (a diverged network
        predicts no class, and counting its NaNs as class 0 would give a number that means
        nothing).

    Raises
    ------
    TypeError
        If a network is not the first argument, three or four arguments come without a
        network first, or the network form lacks y or loss.
    """
    if not isinstance(net, MLP):
        _refuse_misplaced_net("accuracy(net, X, y, loss)", X, y, loss)
        if y is None and loss is None:
            return accuracy_score(net, X)
        raise TypeError(
            f"net must be an MLP, got {type(net).__name__}: accuracy takes (net, X, y, loss), "
            "or (y_true, y_pred) with two arguments, as scikit-learn's accuracy_score"
        )
    _require(("y", y), ("loss", loss), form="accuracy(net, X, y, loss)")
    loss_fn = _check_outputs(loss, net.layer_sizes[-1])
    X = check_X(X, net.layer_sizes[0], dtype=net.dtype)
    y = check_array(y, "y", ndim=(1, 2))
    check_same_length(X, y)
    n_classes = net.layer_sizes[-1] if loss_fn.name == "cross_entropy" else 2
    labels = class_labels(y, n_classes, loss_fn.name, f"{n_classes} classes")
    y_hat = _scores(net, X)
    if not np.isfinite(y_hat).all():
        return float("nan")
    return float(np.mean(_classes(y_hat, loss_fn) == labels))


def accuracy_score(y_true, y_pred):
    """Share of samples whose predicted label equals the true one, as in scikit-learn.

    Parameters
    ----------
    y_true : array_like of shape (n,) or (n, 1)
        The true class labels: whole numbers (any, e.g. 0 .. K-1 or ±1) or booleans.
    y_pred : array_like of shape (n,) or (n, 1)
        The predicted labels, e.g. ``predict_classes(net.predict(X), loss)``; not scores or
        probabilities, which are refused.

    Returns
    -------
    float
        In [0, 1].

    Raises
    ------
    TypeError
        If either argument is an MLP (use ``accuracy(net, X, y, loss)``).
    ValueError
        If a value is not a whole number, an array has several columns (scores?), or the
        lengths differ.
    """
    y_true = _labels(y_true, "y_true")
    y_pred = _labels(y_pred, "y_pred")
    if len(y_true) != len(y_pred):
        raise ValueError(
            "y_true and y_pred must have the same length (one label per sample), "
            f"got {len(y_true)} and {len(y_pred)}"
        )
    return float(np.mean(y_true == y_pred))


def confusion_counts(y_true, y_pred, n_classes=2):
    """Count the samples of each true class predicted as each class: a confusion matrix.

    ``C[i, j]`` is the number of samples of true class i predicted as class j, so the
    diagonal holds the right answers and ``trace(C) / C.sum()`` is ``accuracy_score``.

    Parameters
    ----------
    y_true : array_like of shape (n,) or (n, 1)
        The true class labels, whole numbers 0 .. n_classes − 1 (or booleans).
    y_pred : array_like of shape (n,) or (n, 1)
        The predicted labels, e.g. ``predict_classes(net, X, loss)``, in the same range.
    n_classes : int >= 1
        K, the number of classes: the matrix is K × K.

    Returns
    -------
    ndarray of shape (n_classes, n_classes), int

    Raises
    ------
    TypeError
        If ``n_classes`` is not an integer, or a label argument is an MLP.
    ValueError
        If a label is not a whole number in [0, n_classes − 1], an array has several
        columns (scores?), or the lengths differ.
    """
    n_classes = check_int(n_classes, "n_classes", minimum=1)
    y_true = _labels(y_true, "y_true")
    y_pred = _labels(y_pred, "y_pred")
    if len(y_true) != len(y_pred):
        raise ValueError("y_true and y_pred must have the same length (one label per sample), "
                         f"got {len(y_true)} and {len(y_pred)}")
    for name, y in (("y_true", y_true), ("y_pred", y_pred)):
        outside = (y < 0) | (y >= n_classes)
        if outside.any():
            where = int(np.argmax(outside))
            raise ValueError(f"{name} must hold class labels in [0, {n_classes - 1}] "
                             f"(n_classes={n_classes}), got {y[where].item():g} at index {where}")
    counts = np.zeros((n_classes, n_classes), dtype=int)
    np.add.at(counts, (y_true.astype(np.int64), y_pred.astype(np.int64)), 1)
    return counts


def _labels(y, name):
    """Labels as an array of shape (n,), refusing a network, scores and probabilities."""
    if isinstance(y, MLP):
        raise TypeError(
            f"{name} must be class labels, got an MLP: accuracy_score(y_true, y_pred) compares "
            "labels; for a network use accuracy(net, X, y, loss)"
        )
    y = check_array(y, name, ndim=(1, 2))
    if y.ndim == 2:
        if y.shape[1] != 1:
            raise ValueError(
                f"{name} must be class labels of shape (n_samples,), got shape {y.shape}: "
                "one row of scores per sample? read the classes with predict_classes(scores)"
            )
        y = y[:, 0]
    if y.dtype == bool:
        return y.astype(np.int64)
    fractional = np.mod(y, 1) != 0
    if fractional.any():
        where = int(np.argmax(fractional))
        raise ValueError(
            f"{name} must hold class labels (whole numbers), got {y[where].item():g} at index "
            f"{where}: scores or probabilities? read the classes with predict_classes(scores, "
            "loss)"
        )
    return y


# --- R² -----------------------------------------------------------------------------------

def r2_score(y_true, y_pred):
    """Coefficient of determination R² = 1 − Σ(y − ŷ)² / Σ(y − ȳ)², as in scikit-learn.

    The order matters: ȳ is the mean of ``y_true``, so the true values come first.

    Parameters
    ----------
    y_true : array_like of shape (n,) or (n, n_outputs)
    y_pred : array_like of shape (n,) or (n, n_outputs)
        E.g. ``net.predict(X)``: a column (n, 1) and a vector (n,) of the same length are
        the same one output. With several outputs the result is the mean of the R² of each
        (scikit-learn's default, ``multioutput="uniform_average"``).

    Returns
    -------
    float
        1 for a perfect fit, 0 for always predicting the mean of ``y_true``.

    Raises
    ------
    TypeError
        If an argument is an MLP (pass ``net.predict(X)``).
    ValueError
        If ``y_true`` (a column of it) is constant (R² is undefined), the shapes differ, or a
        value is not finite.
    """
    for name, value in (("y_true", y_true), ("y_pred", y_pred)):
        if isinstance(value, MLP):
            kind = "true" if name == "y_true" else "predicted"
            raise TypeError(
                f"{name} must be an array of {kind} values, got an MLP: r2_score compares "
                "values, true ones first, e.g. r2_score(y, net.predict(X))"
            )
    y_true = _columns(check_array(y_true, "y_true", ndim=(1, 2), dtype=np.float64))
    y_pred = _columns(check_array(y_pred, "y_pred", ndim=(1, 2), dtype=np.float64))
    if y_true.shape != y_pred.shape:
        raise ValueError(
            f"y_true and y_pred must have the same shape, got {y_true.shape} and {y_pred.shape}"
        )
    scores = []
    for k in range(y_true.shape[1]):
        truth, prediction = y_true[:, k], y_pred[:, k]
        residual = np.sum((truth - prediction) ** 2)
        total = np.sum((truth - truth.mean()) ** 2)
        if total == 0:
            column = "" if y_true.shape[1] == 1 else f" (column {k})"
            raise ValueError(
                f"y_true{column} must not be constant (R² divides by Σ(y − ȳ)², which is then "
                f"0), got every value equal to {truth[0]:g}"
            )
        scores.append(1.0 - residual / total)
    return float(np.mean(scores))


def _columns(a):
    """Return a vector (n,) as one column (n, 1) and a matrix as it is."""
    return a[:, None] if a.ndim == 1 else a


# --- shared checks --------------------------------------------------------------------------

_WHAT = {
    "X": "X (the inputs)",
    "y": "y (the true labels)",
    "loss": "loss (the loss the network was trained with: 'cross_entropy', "
            "'binary_cross_entropy' or 'mse')",
}


def _require(*named, form):
    """Raise naming every argument of ``named`` = (name, value) pairs that is None."""
    missing = [_WHAT[name] for name, value in named if value is None]
    if missing:
        raise TypeError(f"{form} needs {' and '.join(missing)}, got None")


def _refuse_misplaced_net(form, *rest):
    """Raise if an MLP is among the arguments after the first."""
    for position, value in enumerate(rest, start=2):
        if isinstance(value, MLP):
            raise TypeError(
                f"net must be the first argument of {form}, got an MLP as argument {position}"
            )


def _check_outputs(loss, n_outputs):
    """Return the Loss for ``loss`` once ``n_outputs`` scores are known to give its classes."""
    loss_fn = get_loss(loss)
    if loss_fn.name == "cross_entropy" and n_outputs < 2:
        raise ValueError(
            f"classes from loss 'cross_entropy' need at least 2 output units, got {n_outputs}"
        )
    if loss_fn.name != "cross_entropy" and n_outputs != 1:
        raise ValueError(
            f"classes from loss {loss_fn.name!r} need exactly 1 output unit "
            f"(class 1 where ŷ > {BINARY_THRESHOLD[loss_fn.name]:g}), got {n_outputs}"
        )
    return loss_fn


def _scores(net, X):
    """ŷ for checked X; overflow in a diverged net gives inf or NaN, which callers check."""
    with np.errstate(over="ignore", invalid="ignore"):
        return net.predict(X, check=False)


def _classes(y_hat, loss_fn):
    """Classes from finite scores."""
    if loss_fn.name == "cross_entropy":
        return y_hat.argmax(axis=1)
    return (y_hat[:, 0] > BINARY_THRESHOLD[loss_fn.name]).astype(np.int64)

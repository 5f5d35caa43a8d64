"""How good a trained network is: class accuracy and R², the numbers the notebooks report.

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

from ._checks import check_array, check_same_length, check_X, class_labels
from .losses import get_loss
from .network import MLP

__all__ = ["accuracy", "predict_classes", "r2_score"]

#: Score above which a single-output network predicts class 1, by loss.
BINARY_THRESHOLD = {"binary_cross_entropy": 0.0, "mse": 0.5}


def predict_classes(net, X, loss):
    """Predicted class of every row of X, read from ŷ as the training loss defines it.

    Parameters
    ----------
    net : MLP
    X : ndarray of shape (n, layer_sizes[0])
    loss : str
        The loss the network was trained with: 'cross_entropy' (2 or more outputs),
        'binary_cross_entropy' or 'mse' (one output, 0/1 targets).

    Returns
    -------
    ndarray of shape (n,), int64

    Raises
    ------
    ValueError
        If a score is NaN or infinite (weights of a diverged run): no class can be read.
    """
    loss_fn = _check_net_and_loss(net, loss)
    X = check_X(X, net.layer_sizes[0], dtype=net.dtype)
    y_hat = _scores(net, X)
    broken = ~np.isfinite(y_hat).all(axis=1)
    if broken.any():
        raise ValueError(
            f"net gives NaN or infinite scores for {broken.sum()} of {len(X)} rows of X "
            "(weights of a diverged run?); no class can be read from them"
        )
    return _classes(y_hat, loss_fn)


def accuracy(net, X, y, loss):
    """Share of rows of X whose predicted class (``predict_classes``) equals the label in y.

    Parameters
    ----------
    net : MLP
    X : ndarray of shape (n, layer_sizes[0])
    y : ndarray of shape (n,) or (n, 1)
        Integer class labels: 0 .. layer_sizes[-1] - 1 for 'cross_entropy', 0/1 otherwise.
    loss : str
        The loss the network was trained with (see ``predict_classes``).

    Returns
    -------
    float
        In [0, 1]; NaN if a score is NaN or infinite (a diverged network predicts no class,
        and counting its NaNs as class 0 would give a number that means nothing).
    """
    loss_fn = _check_net_and_loss(net, loss)
    X = check_X(X, net.layer_sizes[0], dtype=net.dtype)
    y = check_array(y, "y", ndim=(1, 2))
    check_same_length(X, y)
    n_classes = net.layer_sizes[-1] if loss_fn.name == "cross_entropy" else 2
    labels = class_labels(y, n_classes, loss_fn.name, f"{n_classes} classes")
    y_hat = _scores(net, X)
    if not np.isfinite(y_hat).all():
        return float("nan")
    return float(np.mean(_classes(y_hat, loss_fn) == labels))


def _check_net_and_loss(net, loss):
    """The Loss for ``loss``, after checking that ``net`` has the outputs it reads classes from."""
    if not isinstance(net, MLP):
        raise TypeError(f"net must be an MLP, got {type(net).__name__}")
    loss_fn = get_loss(loss)
    n_outputs = net.layer_sizes[-1]
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


def r2_score(y_true, y_pred):
    """Coefficient of determination R² = 1 − Σ(y − ŷ)² / Σ(y − ȳ)².

    Parameters
    ----------
    y_true, y_pred : ndarray of shape (n_samples,)

    Returns
    -------
    float
        1 for a perfect fit, 0 for always predicting the mean of ``y_true``.

    Raises
    ------
    ValueError
        If ``y_true`` is constant (R² is undefined), the shapes differ, or a value is not
        finite.
    """
    y_true = check_array(y_true, "y_true", dtype=np.float64)
    y_pred = check_array(y_pred, "y_pred", dtype=np.float64)
    if y_true.shape != y_pred.shape:
        raise ValueError(
            f"y_true and y_pred must have the same shape, got {y_true.shape} and {y_pred.shape}"
        )
    residual = np.sum((y_true - y_pred) ** 2)
    total = np.sum((y_true - y_true.mean()) ** 2)
    if total == 0:
        raise ValueError(
            "y_true must not be constant (R² divides by Σ(y − ȳ)², which is then 0), "
            f"got every value equal to {y_true.flat[0]:g}"
        )
    return float(1.0 - residual / total)

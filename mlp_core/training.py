"""Training by mini-batch stochastic gradient descent (lecture §4.5) with early stopping (§4.6.1).

One epoch shuffles the training set, then for each mini-batch alternates forward
propagation (which stores z and h), backpropagation (which reuses them) and the update

    W^(l) ← W^(l) − η ∂J/∂W^(l),      b^(l) ← b^(l) − η ∂J/∂b^(l).

With ``momentum`` μ > 0 (off by default) the update is v ← μ v − η ∂J/∂θ, θ ← θ + v.
What a run records, ``History``, and ``TrainingDivergedError`` live in ``mlp_core.history``
(importable from here too); the progress bar lives in ``mlp_core.progress``.
"""

from __future__ import annotations

import numpy as np

from ._checks import (
    check_array,
    check_dropout,
    check_int,
    check_real,
    check_same_length,
    check_targets,
    check_X,
)
from .history import History, TrainingDivergedError
from .losses import get_loss
from .progress import ProgressBar
from .regularization import EarlyStopping, l2_penalty
from .threads import blas_threads_for

__all__ = ["History", "TrainingDivergedError", "fit"]


def _check_validation(net, validation, loss_fn):
    if not (isinstance(validation, (tuple, list)) and len(validation) == 2):
        raise ValueError(
            f"validation must be None or a pair (X_val, y_val), got {type(validation).__name__}"
            + (f" of length {len(validation)}" if hasattr(validation, "__len__") else "")
        )
    X_val = check_X(validation[0], net.layer_sizes[0], name="validation X_val", dtype=net.dtype)
    y_val = check_array(validation[1], "validation y_val", ndim=(1, 2))
    check_same_length(X_val, y_val, "X_val", "y_val")
    try:
        y_val = check_targets(y_val, loss_fn.name, net.layer_sizes[-1], net.dtype)
    except ValueError as err:  # the loss's message says "y"; name the argument it came from
        raise ValueError(f"validation y_val: {err}") from None
    return X_val, y_val


def _sgd_step(net, grads, lr, momentum, velocity):
    """θ ← θ − η ∂J/∂θ (or the momentum form), in place on the network's arrays."""
    params = [*net.weights, *net.biases]
    steps = [*grads.weights, *grads.biases]
    if momentum:
        for i, (theta, g) in enumerate(zip(params, steps)):
            velocity[i] = momentum * velocity[i] - lr * g
            theta += velocity[i]
    else:
        for theta, g in zip(params, steps):
            theta -= lr * g


def fit(net, X, y, *, loss, lr, epochs, batch_size=None, lam=0.0, dropout=0.0,
        momentum=0.0, validation=None, patience=None, min_delta=0.0, restore_best=True,
        seed=None, callback=None, progress="auto"):
    """Train ``net`` in place by mini-batch SGD; return the per-epoch ``History``.

    Parameters
    ----------
    net : MLP
    X : ndarray of shape (n, layer_sizes[0])
    y : ndarray of shape (n,) or (n, N_O)
    loss : str
        'mse', 'cross_entropy' or 'binary_cross_entropy'.
    lr : float > 0
        Learning rate η.
    epochs : int >= 1
        Passes over the training set (the most; early stopping may end sooner).
    batch_size : int >= 1 or None
        Samples per update; None uses the whole set (full-batch gradient descent).
    lam : float >= 0
        λ of the L2 penalty (Eq. 15).
    dropout : float in [0, 1)
        Probability of dropping each hidden unit during training (§4.6.2).
    momentum : float in [0, 1)
        0 (default) is plain SGD as in §4.5.
    validation : (X_val, y_val) or None
        Evaluated after every epoch; needed for early stopping.
    patience : int >= 1 or None
        Early stopping (§4.6.1): stop after ``patience`` consecutive epochs whose
        validation loss did not improve on the best by at least ``min_delta``.
    min_delta : float >= 0
        The smallest drop below the best validation loss that counts as an improvement;
        only with ``patience`` (a value > 0 without it is an error).
    restore_best : bool
        With early stopping, put back the weights of the best epoch at the end.
    seed : int or None
        Seed for shuffling and dropout masks (``np.random.default_rng(seed)``).
    callback : callable (epoch, history) -> bool or None, optional
        Called after every epoch; returning True stops training.
    progress : True, False or 'auto'
        Show a progress bar; 'auto' shows one when the run will take more than
        a few seconds.

    Returns
    -------
    History
        Its ``best_epoch`` follows the ``min_delta`` rule with ``patience`` and is the
        argmin of the validation loss without it (see ``History``).

    Raises
    ------
    TrainingDivergedError
        If the loss becomes NaN or infinite; ``net`` keeps its last finite weights.

    Notes
    -----
    While a run's matrix products are small (batch_size · N_l · N_{l-1} below
    ``mlp_core.threads.SMALL_PRODUCT`` for every layer), numpy's BLAS runs on one thread,
    the callback included; the previous setting is back when ``fit`` returns or raises.
    """
    loss_fn = get_loss(loss)
    X = check_X(X, net.layer_sizes[0], dtype=net.dtype)
    y = check_targets(y, loss_fn.name, net.layer_sizes[-1], net.dtype, X=X)
    n = X.shape[0]
    lr = check_real(lr, "lr", low=0.0, low_open=True)
    epochs = check_int(epochs, "epochs", minimum=1)
    batch_size = n if batch_size is None else check_int(batch_size, "batch_size", minimum=1)
    lam = check_real(lam, "lam", low=0.0)
    dropout = check_dropout(dropout)
    momentum = check_real(momentum, "momentum", low=0.0, high=1.0, high_open=True)
    min_delta = check_real(min_delta, "min_delta", low=0.0)
    if validation is not None:
        X_val, y_val = _check_validation(net, validation, loss_fn)
    stopper = None
    if patience is not None:
        stopper = EarlyStopping(patience, min_delta)
        if validation is None:
            raise ValueError(
                f"patience={patience} needs validation=(X_val, y_val) to watch, got None"
            )
    elif min_delta > 0:
        raise ValueError(
            f"min_delta={min_delta:g} needs patience (early stopping) to apply to, got None"
        )
    if callback is not None and not callable(callback):
        raise TypeError(f"callback must be callable, got {callback!r}")
    progress_bar = ProgressBar(progress, epochs)

    rng = np.random.default_rng(seed)
    velocity = [np.zeros_like(p) for p in [*net.weights, *net.biases]] if momentum else None
    history = History()
    best_parameters = None
    try:
        # Overflow is expected when a run diverges; we detect it below, after each epoch.
        # Small products run on one BLAS thread (see mlp_core.threads).
        with np.errstate(over="ignore", invalid="ignore"), \
                blas_threads_for(batch_size, net.layer_sizes):
            for epoch in range(1, epochs + 1):
                last_good = net.get_parameters()
                order = rng.permutation(n)
                for start in range(0, n, batch_size):
                    batch = order[start:start + batch_size]
                    cache = net.forward(X[batch], dropout, rng, check=False)  # Eqs. (11)-(13)
                    grads = net.backward(cache, y[batch], loss_fn, lam, check=False)  # (21)-(25)
                    _sgd_step(net, grads, lr, momentum, velocity)
                train_loss = net.loss(X, y, loss_fn, 0.0, check=False)
                val_loss = net.loss(X_val, y_val, loss_fn, 0.0, check=False) if validation else None
                if not np.isfinite(train_loss) or (validation and not np.isfinite(val_loss)):
                    net.set_parameters(*last_good)
                    raise TrainingDivergedError(epoch, lr, history)
                _record(history, net, train_loss, val_loss, lam, epoch)
                stop = False
                if stopper is not None:  # before the callback, so it sees the final best_epoch
                    stop = stopper.update(epoch, val_loss)
                    history.best_epoch = stopper.best_epoch  # best by at least min_delta
                    if stopper.improved:
                        best_parameters = net.get_parameters()
                progress_bar.update(epoch, history)
                if callback is not None:
                    stop = bool(callback(epoch, history)) or stop
                if stop:
                    history.stopped_early = epoch < epochs
                    break
    finally:
        progress_bar.close()
    if stopper is not None and restore_best and best_parameters is not None:
        net.set_parameters(*best_parameters)
    return history


def _record(history, net, train_loss, val_loss, lam, epoch):
    """Append one epoch to ``history``; best_epoch is the argmin (early stopping overrides it)."""
    history.train_loss.append(train_loss)
    history.objective.append(train_loss + l2_penalty(net.weights, lam))
    if val_loss is not None:
        history.val_loss.append(val_loss)
        history.best_epoch = int(np.argmin(history.val_loss)) + 1
    history.stopped_epoch = epoch

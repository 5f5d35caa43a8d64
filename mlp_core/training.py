"""Training by mini-batch stochastic gradient descent (lecture §4.5) with early stopping (§4.6.1).

Three public steps, from the inside out:

- ``sgd_step`` applies one update to every parameter θ (a W^(l) or b^(l)), in place:
  θ ← θ − η ∂J/∂θ, or with momentum μ > 0 (off by default) v ← μ v − η ∂J/∂θ, θ ← θ + v;
- ``train_one_epoch`` shuffles the training set and, for each mini-batch, alternates forward
  propagation (which stores z and h), backpropagation (which reuses them) and ``sgd_step``;
- ``fit`` checks its arguments once, then calls ``train_one_epoch`` epoch after epoch and
  records the losses in a ``History``, with early stopping and a guard against divergence.

Also here: ``History``; what ends a run early, ``DivergenceCheck`` with its
``TrainingDivergedError`` and ``TrainingInterrupted`` (Ctrl-C); ``ScaleWarning`` for inputs
that are not standardized; the optional progress bar (tqdm) and the rule that holds numpy's
BLAS to one thread while a run's matrix products are small.
"""

from __future__ import annotations

import warnings
from contextlib import nullcontext
from dataclasses import dataclass, field

import numpy as np

from ._checks import (
    check_array,
    check_dropout,
    check_int,
    check_real,
    check_rng,
    check_same_length,
    check_seed,
    check_targets,
    check_X,
)
from .losses import get_loss
from .network import MLP
from .regularization import EarlyStopping, l2_penalty

__all__ = [
    "DIVERGENCE_FACTOR",
    "PROGRESS_DELAY_SECONDS",
    "SCALE_LIMIT",
    "SMALL_PRODUCT",
    "DivergenceCheck",
    "History",
    "ScaleWarning",
    "TrainingDivergedError",
    "TrainingInterrupted",
    "blas_threads_for",
    "fit",
    "largest_product",
    "one_blas_thread",
    "sgd_step",
    "train_one_epoch",
]


# --- one update, one epoch --------------------------------------------------------------------

def sgd_step(params, grads, lr, momentum=0.0, velocity=None):
    """One gradient-descent update of every parameter, in place (§4.5).

    θ ← θ − η ∂J/∂θ for each θ; with momentum μ > 0, v ← μ v − η ∂J/∂θ and θ ← θ + v.
    The arrays in ``params`` (and ``velocity``) are changed in place, so passing the
    network's own arrays, ``[*net.weights, *net.biases]``, trains the network. Nothing is
    checked: the caller (``train_one_epoch``, ``fit``) has checked ``lr`` and ``momentum``.

    Parameters
    ----------
    params : list of ndarray
        The parameters θ, e.g. ``[*net.weights, *net.biases]``.
    grads : list of ndarray
        ∂J/∂θ in the same order and shapes, e.g. ``[*grads.weights, *grads.biases]``.
    lr : float > 0
        Learning rate η.
    momentum : float in [0, 1)
        μ; 0 is plain SGD.
    velocity : list of ndarray, optional
        v, one array per parameter (zeros at the start of training); needed when
        ``momentum`` > 0.

    Returns
    -------
    None
    """
    if momentum:
        for theta, g, v in zip(params, grads, velocity):
            v *= momentum
            v -= lr * g  # v ← μ v − η ∂J/∂θ
            theta += v  # θ ← θ + v
    else:
        for theta, g in zip(params, grads):
            theta -= lr * g  # θ ← θ − η ∂J/∂θ


def train_one_epoch(net, X, y, *, loss, lr, batch_size, lam=0.0, dropout=0.0, momentum=0.0,
                    velocity=None, rng, check=True):
    """One pass over the training set in shuffled mini-batches, updating ``net`` in place.

    For each mini-batch: forward propagation (Eqs. 11-13), backpropagation (Eqs. 21-25) and
    one ``sgd_step``. The order of the samples is a fresh permutation drawn from ``rng``; the
    last batch is smaller when ``batch_size`` does not divide n.

    Parameters
    ----------
    net : MLP
    X : ndarray of shape (n, layer_sizes[0])
    y : ndarray of shape (n,) or (n, N_O)
    loss : str or Loss
        'mse', 'cross_entropy' or 'binary_cross_entropy'.
    lr : float > 0
        Learning rate η.
    batch_size : int >= 1
        Samples per update.
    lam : float >= 0
        λ of the L2 penalty (Eq. 15).
    dropout : float in [0, 1)
        Probability of dropping each hidden unit (§4.6.2).
    momentum : float in [0, 1)
        0 is plain SGD.
    velocity : list of ndarray, optional
        One array per parameter, laid out as ``[*net.weights, *net.biases]`` and kept from
        epoch to epoch by the caller; needed when ``momentum`` > 0 and updated in place.
    rng : numpy.random.Generator
        Source of the shuffling and of the dropout masks.
    check : bool
        Check the arguments first. ``fit`` checks them once and passes False; X must then
        be an array of the network's dtype and y in the form ``check_targets`` returns
        (``mlp_core._checks``).

    Returns
    -------
    None
    """
    loss_fn = get_loss(loss)
    if check:
        X, y, lr, batch_size, lam, dropout, momentum = _check_training(
            net, X, y, loss_fn, lr, batch_size, lam, dropout, momentum
        )
        rng = check_rng(rng)
        if momentum and not _is_velocity_for(velocity, net):
            raise ValueError(
                f"velocity must be a list of {len(net.weights) + len(net.biases)} arrays "
                "shaped like [*net.weights, *net.biases] when momentum > 0 (zeros at the "
                f"start of training), got {type(velocity).__name__}"
            )
    params = [*net.weights, *net.biases]  # the network's own arrays: sgd_step updates them
    order = rng.permutation(len(X))
    for start in range(0, len(X), batch_size):
        batch = order[start:start + batch_size]
        cache = net.forward(X[batch], dropout, rng, check=False)  # Eqs. (11)-(13)
        grads = net.backward(cache, y[batch], loss_fn, lam, check=False)  # Eqs. (21)-(25)
        sgd_step(params, [*grads.weights, *grads.biases], lr, momentum, velocity)


def _is_velocity_for(velocity, net):
    shapes = [p.shape for p in [*net.weights, *net.biases]]
    return isinstance(velocity, (list, tuple)) and [np.shape(v) for v in velocity] == shapes


def _check_training(net, X, y, loss_fn, lr, batch_size, lam, dropout, momentum):
    """Check the arguments ``fit`` and ``train_one_epoch`` share; batch_size None -> n."""
    if not isinstance(net, MLP):
        raise TypeError(f"net must be an MLP, got {type(net).__name__}")
    X = check_X(X, net.layer_sizes[0], dtype=net.dtype)
    y = check_targets(y, loss_fn.name, net.layer_sizes[-1], net.dtype, X=X)
    lr = check_real(lr, "lr", low=0.0, low_open=True)
    batch_size = len(X) if batch_size is None else check_int(batch_size, "batch_size", minimum=1)
    lam = check_real(lam, "lam", low=0.0)
    dropout = check_dropout(dropout)
    momentum = check_real(momentum, "momentum", low=0.0, high=1.0, high_open=True)
    return X, y, lr, batch_size, lam, dropout, momentum


# --- fit --------------------------------------------------------------------------------------

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
    seed : int >= 0, numpy.random.Generator or None
        Seed for shuffling and dropout masks (``np.random.default_rng(seed)``).
    callback : callable (epoch, history) -> bool or None, optional
        Called after every epoch; returning True stops training.
    progress : True, False or 'auto'
        Show a progress bar (if tqdm is installed): always, never, or ('auto') once the
        run has lasted ``PROGRESS_DELAY_SECONDS``.

    Returns
    -------
    History
        Its ``best_epoch`` follows the ``min_delta`` rule with ``patience`` and is the
        argmin of the validation loss without it (see ``History``).

    Warns
    -----
    ScaleWarning
        Once, before training, if the columns of X are far from one common scale
        (``SCALE_LIMIT``): standardize them first with ``mlp_core.data.Standardizer``.

    Raises
    ------
    TrainingDivergedError
        If the run diverges (``DivergenceCheck``: the loss becomes NaN or infinite, or the
        objective or a weight matrix grows ``DIVERGENCE_FACTOR`` times its start); ``net``
        keeps the weights of the last good epoch and the error's ``history`` its epochs.
    TrainingInterrupted
        On Ctrl-C (a KeyboardInterrupt, which it is too): ``net`` keeps the weights of the
        last finished epoch (the best one with early stopping and ``restore_best``), and the
        exception's ``history`` the finished epochs, with ``interrupted=True``.

    Notes
    -----
    The arguments are checked once, here; every epoch, mini-batch and loss evaluation
    after that runs with ``check=False``. While a run's matrix products are small
    (``largest_product`` below ``SMALL_PRODUCT``), numpy's BLAS runs on one thread, the
    callback included; the previous setting is back when ``fit`` returns or raises.
    """
    loss_fn = get_loss(loss)
    X, y, lr, batch_size, lam, dropout, momentum = _check_training(
        net, X, y, loss_fn, lr, batch_size, lam, dropout, momentum
    )
    epochs, validation, stopper, rng = _check_fit(net, loss_fn, epochs, validation, patience,
                                                  min_delta, callback, seed, progress)
    _warn_if_not_standardized(X)  # once per call, before any work

    velocity = [np.zeros_like(p) for p in [*net.weights, *net.biases]] if momentum else None
    history = History()
    epoch, last_good, best = 0, None, None  # best: (epoch, weights) with early stopping
    bar = _progress_bar(progress, epochs)  # last: a refused argument leaves no bar behind
    try:
        # Overflow is expected when a run diverges; we detect it below, after each epoch.
        with np.errstate(over="ignore", invalid="ignore"), \
                blas_threads_for(batch_size, net.layer_sizes):
            diverged = DivergenceCheck(net, X, y, loss_fn, lam)
            last_good = net.get_parameters()  # the weights of the History's last epoch
            for epoch in range(1, epochs + 1):
                train_one_epoch(net, X, y, loss=loss_fn, lr=lr, batch_size=batch_size,
                                lam=lam, dropout=dropout, momentum=momentum,
                                velocity=velocity, rng=rng, check=False)
                # The exact data loss L on the whole set, without dropout (Eq. 14), and J:
                train_loss = net.loss(X, y, loss_fn, check=False)
                objective = train_loss + l2_penalty(net.weights, lam, check=False)  # Eq. (16)
                val_loss = _validation_loss(net, validation, loss_fn)
                reason = diverged(net, objective, val_loss)
                if reason is not None:
                    net.set_parameters(*last_good)
                    raise TrainingDivergedError(epoch, lr, history, lam=lam, momentum=momentum,
                                                reason=reason)
                _record(history, train_loss, objective, val_loss, epoch)
                last_good = net.get_parameters()
                stop, improved = _end_of_epoch(epoch, history, stopper, bar, callback)
                best = (epoch, last_good) if improved else best
                if stop:
                    history.stopped_early = epoch < epochs
                    break
    except KeyboardInterrupt:  # Ctrl-C, or a notebook's stop button
        stopped = _stop_cleanly(net, history, epoch, epochs, last_good, best,
                                early_stopping=stopper is not None, restore_best=restore_best)
        raise stopped from None
    finally:
        if bar is not None:
            bar.close()
    if stopper is not None and restore_best and best is not None:
        net.set_parameters(*best[1])
    return history


def _check_fit(net, loss_fn, epochs, validation, patience, min_delta, callback, seed,
               progress):
    """Check the arguments only ``fit`` has, before any work.

    Returns
    -------
    epochs : int
    validation : (X_val, y_val) as arrays of the network's dtype, or None
    stopper : EarlyStopping or None
        None without ``patience``.
    rng : numpy.random.Generator
    """
    epochs = check_int(epochs, "epochs", minimum=1)
    min_delta = check_real(min_delta, "min_delta", low=0.0)
    if validation is not None:
        validation = _check_validation(net, validation, loss_fn)
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
    rng = np.random.default_rng(check_seed(seed))
    if progress not in (True, False, "auto"):
        raise ValueError(f"progress must be True, False or 'auto', got {progress!r}")
    return epochs, validation, stopper, rng


def _validation_loss(net, validation, loss_fn):
    """Return the data loss L on the validation pair (Eq. 14), or None without one."""
    if validation is None:
        return None
    X_val, y_val = validation
    return net.loss(X_val, y_val, loss_fn, check=False)


def _end_of_epoch(epoch, history, stopper, bar, callback):
    """Return (stop, improved) after an epoch is recorded: early stopping, the bar, the callback.

    Early stopping is asked first, so that the callback sees the final ``best_epoch``;
    ``improved`` is True when early stopping counts this epoch as the new best (its weights
    are the ones ``restore_best`` puts back). ``stop`` is True when early stopping or the
    callback ends the run.
    """
    stop = improved = False
    if stopper is not None:
        stop = stopper.update(epoch, history.val_loss[-1])
        history.best_epoch = stopper.best_epoch  # best by at least min_delta
        improved = stopper.improved
    if bar is not None:
        _show_losses(bar, history)
    if callback is not None:
        stop = bool(callback(epoch, history)) or stop
    return stop, improved


def _stop_cleanly(net, history, epoch, epochs, last_good, best, *, early_stopping,
                  restore_best):
    """After a KeyboardInterrupt in epoch ``epoch``: the network and History of the run so far.

    The History keeps the epochs recorded in full (``objective`` is appended last); the network
    gets the weights of the last of them back if the interrupt came before the epoch was
    recorded (mid-epoch, its weights are newer than the History), or those of ``best`` =
    (epoch, weights), the best epoch of early stopping, with ``restore_best``.

    Returns
    -------
    TrainingInterrupted
    """
    done = len(history.objective)
    del history.train_loss[done:], history.val_loss[done:]
    history.stopped_epoch, history.interrupted = done, True
    if done < epoch and last_good is not None:
        net.set_parameters(*last_good)  # undo the unfinished epoch
    if early_stopping:
        history.best_epoch = None if best is None else best[0]
    elif history.val_loss:
        history.best_epoch = int(np.argmin(history.val_loss)) + 1
    if early_stopping and restore_best and best is not None:
        net.set_parameters(*best[1])
        kept = f"the weights of the best epoch, {best[0]} (restore_best)"
    elif done == 0:
        kept = "its initial weights"
    else:
        kept = f"the weights from the end of epoch {done}"
    return TrainingInterrupted(epoch, epochs, history, kept)


def _warn_if_not_standardized(X):
    """Warn (``ScaleWarning``) if the columns of X are far from one common, unit scale.

    A column's scale is its root mean square sqrt(mean_i x_ij²), so that an offset counts
    (values near 1000 are large however little they spread). Columns below 1e-6 of the
    largest are taken as constant (a standardized constant column is 0, or rounding noise).
    The warning comes when the largest scale exceeds ``SCALE_LIMIT``, or exceeds the
    smallest by that factor.
    """
    rms = np.sqrt(np.mean(np.square(X, dtype=np.float64), axis=0))
    big = int(np.argmax(rms))
    varying = np.flatnonzero(rms > 1e-6 * rms[big])
    small = int(varying[np.argmin(rms[varying])]) if len(varying) else big
    if rms[big] <= SCALE_LIMIT and rms[big] <= SCALE_LIMIT * rms[small]:
        return
    scales = (f"from {rms[small]:.3g} (column {small}) to {rms[big]:.3g} (column {big})"
              if rms[big] > SCALE_LIMIT * rms[small] else f"up to {rms[big]:.3g} (column {big})")
    warnings.warn(
        f"X is not standardized: its columns' root mean squares run {scales}, far from one "
        "common scale near 1. One learning rate cannot suit them all, and training can blow "
        "up (concrete's raw columns give a first-epoch loss of 1e24). Standardize the inputs "
        "first: scaler = mlp_core.data.Standardizer().fit(X_train), then train on "
        "scaler.transform(X_train) and pass validation and test data through the same "
        "scaler.transform.",
        ScaleWarning, stacklevel=3)


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


def _record(history, train_loss, objective, val_loss, epoch):
    """Append one epoch to ``history``; best_epoch is the argmin (early stopping overrides it).

    ``objective`` is appended last: an epoch is recorded once it is there (``_stop_cleanly``).
    """
    history.train_loss.append(train_loss)
    if val_loss is not None:
        history.val_loss.append(val_loss)
    history.objective.append(objective)
    if val_loss is not None:
        history.best_epoch = int(np.argmin(history.val_loss)) + 1
    history.stopped_epoch = epoch


# --- what a run records -----------------------------------------------------------------------

@dataclass(repr=False)
class History:
    """What ``fit`` records, one entry per epoch (epochs count from 1).

    Its repr is one line, e.g. ``History(epochs=60, train_loss=0.0673, val_loss=0.1452,
    best_epoch=60)``; the lists hold every epoch.

    Attributes
    ----------
    train_loss : list of float
        Data loss L = (1/n) Σ l(ŷ_i, y_i) on the whole training set after each epoch,
        without dropout and without the penalty s.
    val_loss : list of float
        The same on the validation set (empty without validation).
    objective : list of float
        J = L + s on the training set (Eq. 16): what SGD minimises.
    best_epoch : int or None
        None without validation. With early stopping (``patience`` set) it is the last
        epoch that *improved*, i.e. whose validation loss was below the best before it by
        at least ``min_delta`` (``EarlyStopping.best_epoch``); these are the weights that
        ``restore_best`` puts back. Without early stopping it is the epoch with the lowest
        validation loss, ``argmin(val_loss) + 1`` (the first one on a tie).
    stopped_epoch : int
        The last epoch that was trained.
    stopped_early : bool
        True if early stopping (or the callback) ended the run before ``epochs``.
    interrupted : bool
        True if Ctrl-C (a notebook's stop button) ended the run: the History then comes with
        the ``TrainingInterrupted`` that ``fit`` raises, as its ``history``.
    """

    train_loss: list = field(default_factory=list)
    val_loss: list = field(default_factory=list)
    objective: list = field(default_factory=list)
    best_epoch: int | None = None
    stopped_epoch: int = 0
    stopped_early: bool = False
    interrupted: bool = False

    def __repr__(self):
        """One line: epochs run, the final losses, the best epoch, how the run ended."""
        parts = [f"epochs={len(self.train_loss)}"]
        if self.train_loss:
            parts.append(f"train_loss={self.train_loss[-1]:.4g}")
        if self.val_loss:
            parts.append(f"val_loss={self.val_loss[-1]:.4g}")
        if self.best_epoch is not None:
            parts.append(f"best_epoch={self.best_epoch}")
        parts += [f"{flag}=True" for flag in ("stopped_early", "interrupted")
                  if getattr(self, flag)]
        return f"History({', '.join(parts)})"

    @property
    def epochs(self):
        """[1, 2, ..., stopped_epoch], the x-axis of a loss curve."""
        return list(range(1, len(self.train_loss) + 1))

    @property
    def generalization_gap(self):
        """Validation loss minus training loss at the last epoch (None without validation)."""
        if not self.val_loss:
            return None
        return self.val_loss[-1] - self.train_loss[-1]


# --- divergence -------------------------------------------------------------------------------
#
# A diverging run does not always overflow. With the squared error the output error term
# δ^(L+1) = ŷ − y grows with ŷ, so the weights grow geometrically until the numbers overflow.
# With the cross-entropies δ^(L+1) = softmax(ŷ) − y stays between −1 and 1: a learning rate
# that is far too large throws the weights to 1e5 .. 1e95 within the first epoch, the ReLU
# units die, and the loss stays finite, so a test for NaN alone let 17 of 24 such runs pass
# (issue 10). fit therefore also calls a run diverged once it has moved far from where it
# started: its objective or one of its weight matrices DIVERGENCE_FACTOR times its start.
#
# The factor, measured over every fit of the test suite, the notebooks and the panels (about
# 300 runs): a healthy run's objective J never rose above 4 times its start (the training
# panel at η = 3.2 with binary cross-entropy, whose loss goes up) and no ‖W^(l)‖ grew beyond
# 7.3 times its start (the XOR network of Neural_Networks, 500 epochs); the slowest of the
# runs that blow up (binary cross-entropy at lr=10 on the moons, 200 points) grows its weights
# 74 000-fold in the first epoch. 1000 lies two orders of magnitude above the first and nearly
# two below the second. A run whose hidden units all switch off after a moderate jump (weights
# 7 .. 43 times their start, then frozen: the training panel with binary cross-entropy at
# lr >= 5.6) is not a divergence by this rule; it predicts one class for every point.

#: How far a run may move from its start before ``fit`` calls it diverged (``DivergenceCheck``).
DIVERGENCE_FACTOR = 1e3


class DivergenceCheck:
    """``fit``'s rule for a diverging run, measured against the run's start.

    After an epoch the run has diverged if

    1. the training objective J (Eq. 16) or the validation loss is NaN or infinite; or
    2. J > ``DIVERGENCE_FACTOR`` · J_start, where J_start is the larger of J of the network at
       the start and the loss of a network whose output is 0 (ln 2 for binary
       cross-entropy, ln K for K classes, ½ mean ‖y‖² for the squared error), so that a run
       that starts near J = 0 (a network that already fits) may still move; or
    3. ‖W^(l)‖_F > ``DIVERGENCE_FACTOR`` · max(‖W^(l)‖_F at the start, 1) for a layer l (a
       layer that starts at 0 may grow to norm ``DIVERGENCE_FACTOR``).

    The comment above ``DIVERGENCE_FACTOR`` in the source says how the factor was chosen.

    Parameters
    ----------
    net : MLP
        The network before its first epoch.
    X : ndarray of shape (n, layer_sizes[0])
        The training inputs, an array of the network's dtype.
    y : ndarray
        The training targets in the form ``check_targets`` returns (``mlp_core._checks``).
    loss : str or Loss
    lam : float >= 0
        λ of the L2 penalty in J.

    Attributes
    ----------
    J_start : float
    W_start : list of float
        max(‖W^(l)‖_F, 1) at the start, one per layer.
    """

    def __init__(self, net, X, y, loss, lam=0.0):
        loss_fn = get_loss(loss)
        chunk = np.zeros((min(len(y), net.LOSS_CHUNK), net.layer_sizes[-1]), dtype=net.dtype)
        zero_output = 0.0  # Σ_i l(0, y_i), chunk by chunk as in MLP.loss
        for start in range(0, len(y), net.LOSS_CHUNK):
            y_rows = y[start:start + net.LOSS_CHUNK]
            zero_output += float(np.sum(loss_fn.value(chunk[:len(y_rows)], y_rows),
                                        dtype=np.float64))
        with np.errstate(over="ignore", invalid="ignore"):
            J_net = net.loss(X, y, loss_fn, lam, check=False)
        self.J_start = max(J_net, zero_output / len(y))
        self.W_start = [max(float(np.linalg.norm(W)), 1.0) for W in net.weights]

    def __call__(self, net, objective, val_loss=None):
        """Why the run has diverged (the reason, a clause), or None if it has not.

        Parameters
        ----------
        net : MLP
            The network after the epoch.
        objective : float
            J on the training set after the epoch.
        val_loss : float or None

        Returns
        -------
        str or None
        """
        if not np.isfinite(objective) or (val_loss is not None and not np.isfinite(val_loss)):
            return "the loss became NaN or infinite"
        if objective > DIVERGENCE_FACTOR * self.J_start:
            return (f"the training objective J rose to {objective:.3g}, more than "
                    f"{DIVERGENCE_FACTOR:g} times its start ({self.J_start:.3g})")
        for l, (W, start) in enumerate(zip(net.weights, self.W_start), start=1):
            norm = float(np.linalg.norm(W))
            if norm > DIVERGENCE_FACTOR * start:
                return (f"the weights W^({l}) grew to norm {norm:.3g}, more than "
                        f"{DIVERGENCE_FACTOR:g} times their start ({start:.3g})")
        return None


class TrainingDivergedError(FloatingPointError):
    """Training diverged (``DivergenceCheck``); the network keeps the last good weights.

    Parameters
    ----------
    epoch : int
    lr : float
    history : History
    lam, momentum : float
        The run's λ and μ: the message says whether λ is the cause.
    reason : str
        What ``DivergenceCheck`` found.

    Attributes
    ----------
    epoch : int
        The epoch that diverged; the network keeps the weights from the end of the epoch
        before (its initial weights after epoch 1).
    history : History
        The epochs before it.
    reason : str
        What happened, e.g. "the loss became NaN or infinite".
    advice : str
        Which setting to lower: the learning rate, or λ when the L2 term alone makes the
        weights grow (lr·lam >= 2(1 + momentum)).
    """

    def __init__(self, epoch, lr, history, *, lam=0.0, momentum=0.0,
                 reason="the loss became NaN or infinite"):
        self.epoch = epoch
        self.history = history
        self.lr, self.lam, self.momentum = lr, lam, momentum
        self.reason = reason
        self.advice = _advice(lr, lam, momentum)
        kept = (
            "its initial weights" if epoch == 1
            else f"the weights from the end of epoch {epoch - 1}"
        )
        settings = f"lr={lr:g}" + (f", lam={lam:g}" if lam else "")
        super().__init__(
            f"training diverged in epoch {epoch} ({settings}): {reason}. The network keeps "
            f"{kept}; this error's history holds the epochs before it. {self.advice}"
        )


def _advice(lr, lam, momentum):
    """Return which setting to lower, as a sentence of advice.

    Gradient descent on the L2 term alone, W ← W − lr·lam·W, grows W once lr·lam >= 2 (with
    momentum μ: 2(1 + μ)), whatever the data; below that the learning rate is to blame (the
    data term's curvature adds to λ's).
    """
    if not lam:
        return "Lower the learning rate (lr)."
    product, bound = lr * lam, 2.0 * (1.0 + momentum)
    if product < bound:
        return (f"Lower the learning rate (lr); lam={lam:g} is not the cause on its own "
                f"(lr·lam = {product:.3g} < {bound:g}).")
    step = (f"W ← (1 − lr·lam) W = {1 - product:.3g} W every step" if not momentum else
            f"its step −lr·lam·W, with momentum {momentum:g}, every step")
    return (f"Lower lam: with lr·lam = {product:.3g} the L2 term alone grows the weights "
            f"({step}), whatever the data; keep lr·lam below {bound:g}.")


class TrainingInterrupted(KeyboardInterrupt):
    """Ctrl-C (a notebook's stop button) stopped ``fit``; the run up to there is kept.

    ``fit`` catches the KeyboardInterrupt, gives the network back the weights of the last
    finished epoch (with early stopping and ``restore_best``, those of the best epoch, as at
    a normal end) and raises this instead. It is a KeyboardInterrupt, so it still stops a
    script or a notebook cell, loops included, as Ctrl-C always does; the History is its
    ``history`` (after an interrupted notebook cell: ``import sys; sys.last_value.history``).

    Parameters
    ----------
    epoch : int
        The epoch that was running.
    epochs : int
        The epochs asked for.
    history : History
        The finished epochs, ``interrupted=True``.
    kept : str
        Which weights the network keeps, for the message.

    Attributes
    ----------
    epoch : int
    history : History
    """

    def __init__(self, epoch, epochs, history, kept):
        self.epoch = epoch
        self.history = history
        super().__init__(
            f"training interrupted in epoch {epoch} of {epochs}. The network keeps {kept}; "
            f"this exception's history holds the {len(history.train_loss)} finished epochs "
            "(in a notebook: import sys; history = sys.last_value.history)"
        )


# --- inputs far from a common scale ---------------------------------------------------------

#: ``fit`` warns (``ScaleWarning``) when an input column's root mean square exceeds this, or
#: exceeds another column's by this factor: two orders of magnitude. Standardized columns
#: have 1 (or 0 if constant), the toy sets about 1; raw concrete has 8.6 to 976, raw
#: penguins 17 to 4277, raw digits 0.024 to 12.9.
SCALE_LIMIT = 100.0


class ScaleWarning(UserWarning):
    """The inputs given to ``fit`` are far from one common scale: standardize them first."""


# --- the progress bar -------------------------------------------------------------------------

#: With ``progress='auto'`` the bar appears once a run has lasted this long (tqdm's ``delay``).
PROGRESS_DELAY_SECONDS = 2.0


def _progress_bar(progress, epochs):
    """Return a tqdm bar over ``epochs``, or None (no bar wanted, or tqdm not installed).

    tqdm draws nothing before ``delay`` seconds have passed, so with 'auto' a quick run
    prints nothing at all.
    """
    if progress is False:
        return None
    try:
        from tqdm.auto import tqdm
    except ImportError:  # tqdm is optional: no bar, training goes on
        return None
    delay = PROGRESS_DELAY_SECONDS if progress == "auto" else 0.0
    return tqdm(total=epochs, unit="epoch", desc="fit", delay=delay)


def _show_losses(bar, history):
    """Advance the bar by one epoch and show the latest losses of ``history``."""
    losses = {"train": f"{history.train_loss[-1]:.4g}"}
    if history.val_loss:
        losses["val"] = f"{history.val_loss[-1]:.4g}"
    bar.set_postfix(losses, refresh=False)
    bar.update(1)


# --- BLAS threads -----------------------------------------------------------------------------
#
# A classroom step multiplies a batch of 32 rows through layers of about 128 units: each
# product is about half a million multiply-adds and lasts microseconds. A second BLAS thread
# then gains nothing on the product itself, and between the 50-odd small numpy calls of a step
# it has to be woken again and again, which costs more than it saves (more so on machines with
# more cores). Large products do gain from several threads. So ``fit`` holds BLAS to one
# thread while every product of a step is small and leaves it alone otherwise
# (benchmarks/README.md has the measurements). threadpoolctl, if installed, sets the limit for
# OpenBLAS, MKL and Apple's Accelerate alike; without it BLAS is left as it is.

#: Multiply-adds per matrix product below which one BLAS thread is as fast as several.
SMALL_PRODUCT = 2**22


def largest_product(batch_size, layer_sizes):
    """Multiply-adds of the largest matrix product in a step, batch_size · N_l · N_{l-1}.

    Parameters
    ----------
    batch_size : int
    layer_sizes : sequence of int
        [N_I, N_1, ..., N_O].

    Returns
    -------
    int
    """
    return batch_size * max(a * b for a, b in zip(layer_sizes[:-1], layer_sizes[1:]))


def one_blas_thread():
    """Return a context that keeps BLAS (numpy's matrix products) on one thread.

    Needs threadpoolctl (imported here, when first needed); without it the context does
    nothing and BLAS keeps its threads. The widget panels draw every redraw inside it:
    their matrices are small.

    Returns
    -------
    context manager
    """
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # threadpoolctl is optional
        return nullcontext()
    return threadpool_limits(1, user_api="blas")


def blas_threads_for(batch_size, layer_sizes):
    """One BLAS thread if every product of a step is small, else BLAS as it is.

    Returns
    -------
    context manager
    """
    if largest_product(batch_size, layer_sizes) < SMALL_PRODUCT:
        return one_blas_thread()
    return nullcontext()

"""Training by mini-batch stochastic gradient descent (lecture §4.5) with early stopping (§4.6.1).

Three public steps, from the inside out:

- ``sgd_step`` applies one update to every parameter θ (a W^(l) or b^(l)), in place:
  θ ← θ − η ∂J/∂θ, or with momentum μ > 0 (off by default) v ← μ v − η ∂J/∂θ, θ ← θ + v;
- ``train_one_epoch`` shuffles the training set and, for each mini-batch, alternates forward
  propagation (which stores z and h), backpropagation (which reuses them) and ``sgd_step``;
- ``fit`` checks its arguments once, then calls ``train_one_epoch`` epoch after epoch and
  records the losses in a ``History``, with early stopping and a guard against divergence.

Also here: ``History``, ``TrainingDivergedError``, the optional progress bar (tqdm) and the
rule that holds numpy's BLAS to one thread while a run's matrix products are small.
"""

from __future__ import annotations

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
    "PROGRESS_DELAY_SECONDS",
    "SMALL_PRODUCT",
    "History",
    "TrainingDivergedError",
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
    """The arguments ``fit`` and ``train_one_epoch`` share, checked; batch_size None -> n."""
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

    Raises
    ------
    TrainingDivergedError
        If the loss becomes NaN or infinite; ``net`` keeps its last finite weights.

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
    epochs = check_int(epochs, "epochs", minimum=1)
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
    rng = np.random.default_rng(check_seed(seed))
    if progress not in (True, False, "auto"):
        raise ValueError(f"progress must be True, False or 'auto', got {progress!r}")

    velocity = [np.zeros_like(p) for p in [*net.weights, *net.biases]] if momentum else None
    history = History()
    best_parameters = None
    bar = _progress_bar(progress, epochs)  # last: a refused argument leaves no bar behind
    try:
        # Overflow is expected when a run diverges; we detect it below, after each epoch.
        with np.errstate(over="ignore", invalid="ignore"), \
                blas_threads_for(batch_size, net.layer_sizes):
            for epoch in range(1, epochs + 1):
                last_good = net.get_parameters()
                train_one_epoch(net, X, y, loss=loss_fn, lr=lr, batch_size=batch_size,
                                lam=lam, dropout=dropout, momentum=momentum,
                                velocity=velocity, rng=rng, check=False)
                # The exact data loss L on the whole set, without dropout (Eq. 14):
                train_loss = net.loss(X, y, loss_fn, check=False)
                val_loss = net.loss(X_val, y_val, loss_fn, check=False) if validation else None
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
                if bar is not None:
                    _show_losses(bar, history)
                if callback is not None:
                    stop = bool(callback(epoch, history)) or stop
                if stop:
                    history.stopped_early = epoch < epochs
                    break
    finally:
        if bar is not None:
            bar.close()
    if stopper is not None and restore_best and best_parameters is not None:
        net.set_parameters(*best_parameters)
    return history


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


def _record(history, net, train_loss, val_loss, lam, epoch):
    """Append one epoch to ``history``; best_epoch is the argmin (early stopping overrides it)."""
    history.train_loss.append(train_loss)
    history.objective.append(train_loss + l2_penalty(net.weights, lam, check=False))
    if val_loss is not None:
        history.val_loss.append(val_loss)
        history.best_epoch = int(np.argmin(history.val_loss)) + 1
    history.stopped_epoch = epoch


# --- what a run records -----------------------------------------------------------------------

@dataclass
class History:
    """What ``fit`` records, one entry per epoch (epochs count from 1).

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
    """

    train_loss: list = field(default_factory=list)
    val_loss: list = field(default_factory=list)
    objective: list = field(default_factory=list)
    best_epoch: int | None = None
    stopped_epoch: int = 0
    stopped_early: bool = False

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


class TrainingDivergedError(FloatingPointError):
    """The loss became NaN or infinite; the network keeps its last finite weights.

    Attributes
    ----------
    epoch : int
        The epoch whose loss was not finite.
    history : History
        The epochs before it.
    """

    def __init__(self, epoch, lr, history):
        self.epoch = epoch
        self.history = history
        kept = (
            "its initial weights" if epoch == 1
            else f"the weights from the end of epoch {epoch - 1}"
        )
        super().__init__(
            f"training diverged: the loss became NaN or infinite in epoch {epoch} "
            f"(lr={lr:g}). The network keeps {kept}. Try a smaller learning rate (lr)."
        )


# --- the progress bar -------------------------------------------------------------------------

#: With ``progress='auto'`` the bar appears once a run has lasted this long (tqdm's ``delay``).
PROGRESS_DELAY_SECONDS = 2.0


def _progress_bar(progress, epochs):
    """A tqdm bar over ``epochs``, or None (no bar wanted, or tqdm not installed).

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
    """A context that keeps BLAS (numpy's matrix products) on one thread.

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

"""Worked training runs, "data -> split -> MLP -> fit", in one place.

Two recipes on the real data of ``NNData/``. Each holds out a seeded 20 % test split, fits
its preprocessing on the training part only, trains a small MLP with :func:`mlp_core.fit`
and reports the test metric. The script ``scripts/real_data_report.py`` prints them;
``tests/test_real_data.py`` checks the goals.

- :func:`concrete_regression`: compressive strength of concrete (regression), goal test
  R² >= 0.88.
- :func:`digits_classification`: 8x8 handwritten digits (10 classes), goal test accuracy
  >= 0.97.

One routine for the 2-D toy sets, which every training panel of ``mlp_core.widgets`` calls
with its own settings:

- :func:`train_toy_network`: toy data -> stratified training/validation split -> a fresh
  seeded MLP -> ``fit``; it never raises for a run whose loss overflows, since a panel must
  draw something at every slider position. It returns a :class:`ToyRun`, the one record of
  a panel's run.
- :class:`SteppingRun`: the same run trained a few epochs at a time (the live regularization
  lab): ``advance(epochs)`` in any chunking gives bit for bit what one
  ``train_toy_network`` call gives, and λ, dropout and the learning rate may change between
  two calls.

Both take ``features``: the network is given those columns of ``data.feature_map`` (x₁²,
sin x₁, ...) instead of the point (x₁, x₂) itself; the run's ``inputs(X)`` is that map, and
everything that feeds the network goes through it. ``X_train`` and ``X_val`` stay the raw
points, for the plots.

Non-goals: hyper-parameter search, cross-validation. The real-data settings below were
chosen by hand and checked on the seeds 0-9 (``scripts/real_data_report.py --seeds 0 1 ...
9`` prints the spread). Only numpy is needed here.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from ._checks import check_targets, check_X
from .data import (
    DEFAULT_FEATURES,
    Standardizer,
    check_features,
    feature_map,
    load_concrete,
    load_digits,
    make_toy,
    train_test_split,
    train_val_test_split,
)
from .losses import get_loss
from .metrics import accuracy, r2_score
from .network import MLP
from .regularization import l2_penalty
from .training import (
    DivergenceCheck,
    History,
    TrainingDivergedError,
    blas_threads_for,
    fit,
    train_one_epoch,
)

__all__ = ["CONCRETE", "DIGITS", "SteppingRun", "ToyRun", "concrete_regression",
           "digits_classification",
           "toy_split", "train_toy_network"]

#: Concrete: 8 inputs -> 64 -> 64 -> 1, mse on the standardized target, early stopping.
CONCRETE = dict(hidden=(64, 64), lr=0.05, batch_size=16, lam=1e-3, epochs=1000, patience=50,
                val_size=0.15)

#: Digits: 64 pixels -> 256 -> 10 classes, softmax cross-entropy, dropout, fixed epochs.
DIGITS = dict(hidden=(256,), lr=0.1, batch_size=32, lam=1e-4, dropout=0.3, epochs=60)


def concrete_regression(seed=0):
    """Train an MLP to predict concrete strength (MPa) and score it on a held-out 20 %.

    Preprocessing: ``age`` becomes log(1 + age) (strength grows roughly with log age, see
    ``NNData/concrete.md``); inputs and target are standardized with statistics of the
    training part only. A validation split (15 % of the training part) drives early stopping,
    which restores the weights of the best epoch. R² and RMSE are computed on the original
    scale (MPa), after undoing the target standardization.

    Parameters
    ----------
    seed : int
        Seeds the splits, the initial weights and the shuffling.

    Returns
    -------
    dict
        ``r2`` and ``rmse`` (test set), ``history`` (:class:`~mlp_core.History`), ``net``
        (the trained :class:`~mlp_core.MLP`), ``x_scaler`` and ``y_scaler``
        (:class:`~mlp_core.data.Standardizer`) and the part sizes ``n_train``, ``n_val``,
        ``n_test``.
    """
    ds = load_concrete()
    X = ds.X.copy()
    age = ds.feature_names.index("age")
    X[:, age] = np.log1p(X[:, age])
    X_train, X_test, y_train, y_test = train_test_split(X, ds.y, test_size=0.2, seed=seed)
    X_fit, X_val, y_fit, y_val = train_test_split(
        X_train, y_train, test_size=CONCRETE["val_size"], seed=seed
    )
    x_scaler = Standardizer().fit(X_fit)
    y_scaler = Standardizer().fit(y_fit[:, None])
    net = MLP([X.shape[1], *CONCRETE["hidden"], 1], activation="relu", seed=seed,
              dtype=np.float32)
    history = fit(
        net, x_scaler.transform(X_fit), y_scaler.transform(y_fit[:, None]), loss="mse",
        lr=CONCRETE["lr"], epochs=CONCRETE["epochs"], batch_size=CONCRETE["batch_size"],
        lam=CONCRETE["lam"], patience=CONCRETE["patience"], seed=seed, progress=False,
        validation=(x_scaler.transform(X_val), y_scaler.transform(y_val[:, None])),
    )
    y_pred = y_scaler.inverse_transform(net.predict(x_scaler.transform(X_test)))[:, 0]
    return {
        "r2": r2_score(y_test, y_pred),
        "rmse": float(np.sqrt(np.mean((y_test - y_pred) ** 2))),
        "history": history,
        "net": net,
        "x_scaler": x_scaler,
        "y_scaler": y_scaler,
        "n_train": len(X_fit),
        "n_val": len(X_val),
        "n_test": len(X_test),
    }


def digits_classification(seed=0):
    """Train an MLP on the 8x8 digits and score it on a held-out, stratified 20 %.

    Preprocessing: pixels standardized with statistics of the training part only. Training
    runs a fixed number of epochs with inverted dropout on the hidden layer and a small L2
    penalty; no validation split is needed.

    Parameters
    ----------
    seed : int
        Seeds the split, the initial weights, the shuffling and the dropout masks.

    Returns
    -------
    dict
        ``accuracy`` (test set), ``history``, ``net``, ``x_scaler`` and the part sizes
        ``n_train``, ``n_test``.
    """
    ds = load_digits()
    X_train, X_test, y_train, y_test = train_test_split(
        ds.X, ds.y, test_size=0.2, seed=seed, stratify=True
    )
    x_scaler = Standardizer().fit(X_train)
    net = MLP([X_train.shape[1], *DIGITS["hidden"], len(ds.target_names)], activation="relu",
              seed=seed, dtype=np.float32)
    history = fit(
        net, x_scaler.transform(X_train), y_train, loss="cross_entropy", lr=DIGITS["lr"],
        epochs=DIGITS["epochs"], batch_size=DIGITS["batch_size"], lam=DIGITS["lam"],
        dropout=DIGITS["dropout"], seed=seed, progress=False,
    )
    return {
        "accuracy": accuracy(net, x_scaler.transform(X_test), y_test, "cross_entropy"),
        "history": history,
        "net": net,
        "x_scaler": x_scaler,
        "n_train": len(X_train),
        "n_test": len(X_test),
    }


@dataclass
class ToyRun:
    """One training run on a 2-D toy set: the network, its history and the data it saw.

    Attributes
    ----------
    net : MLP
        The trained network (after a divergence: its last finite weights).
    history : History
        The epochs trained (after a divergence: those before it).
    X_train, X_val : ndarray of shape (n_train, 2) and (n_val, 2)
    y_train, y_val : ndarray of shape (n_train,) and (n_val,), int64 labels 0/1
    loss : str
        The loss the network was trained with (a key of ``LOSSES``).
    error : TrainingDivergedError or None
        Set if the run diverged (``training.DivergenceCheck``: the loss became NaN or
        infinite, or J or a weight matrix grew ``DIVERGENCE_FACTOR`` times its start).
    seconds : float
        Wall-clock time of ``fit``.
    features : tuple of str
        The names of ``data.FEATURES`` the network is given: ``inputs(X)``.
    """

    net: MLP
    history: History
    X_train: np.ndarray
    y_train: np.ndarray
    X_val: np.ndarray
    y_val: np.ndarray
    loss: str
    error: TrainingDivergedError | None = None
    seconds: float = 0.0
    features: tuple = DEFAULT_FEATURES

    def inputs(self, X):
        """Return what the network is given for the points ``X``: their ``features``.

        Parameters
        ----------
        X : ndarray of shape (n, 2)
            Points (x₁, x₂).

        Returns
        -------
        ndarray of shape (n, len(features))
        """
        return feature_map(X, self.features)

    def data_loss(self, X, y):
        """Return the data loss L of the final network on (X, y): no penalty or dropout (Eq. 14)."""
        with np.errstate(all="ignore"):
            return self.net.loss(self.inputs(X), y, self.loss)

    def accuracy(self, X, y):
        """Share of points on the right side of the decision boundary (``mlp_core.accuracy``)."""
        return accuracy(self.net, self.inputs(X), y, self.loss)


def toy_split(dataset, *, n, noise=None, val_size, seed=0):
    """``n`` points of a toy set, split (stratified) into training and validation parts.

    Parameters
    ----------
    dataset : str
        A key of ``TOY_DATASETS``.
    n : int >= 2
        Number of points.
    noise : float >= 0 or None
        Standard deviation of the noise; None uses the generator's default.
    val_size : float in (0, 1)
        Share of the points held out for validation.
    seed : int
        Seeds the data and the split.

    Returns
    -------
    X_train : ndarray of shape (n_train, 2)
    X_val : ndarray of shape (n_val, 2)
    y_train : ndarray of shape (n_train,), int64 labels 0/1
    y_val : ndarray of shape (n_val,), int64 labels 0/1
    """
    X, y = make_toy(dataset, n=n, noise=noise, seed=seed)
    X_train, X_val, _, y_train, y_val, _ = train_val_test_split(
        X, y, val_size=val_size, test_size=0.0, seed=seed, stratify=True)
    return X_train, X_val, y_train, y_val


def train_toy_network(dataset, *, n, noise=None, val_size, hidden, activation="relu",
                      loss, lr, epochs, batch_size=None, lam=0.0, dropout=0.0, momentum=0.0,
                      patience=None, min_delta=0.0, dtype=np.float64, seed=0,
                      features=DEFAULT_FEATURES):
    """Make a toy set, split it and train a fresh seeded MLP on it; never raises on divergence.

    Parameters
    ----------
    dataset, n, noise, val_size :
        The data and its split, see :func:`toy_split`.
    hidden : sequence of int
        Hidden-layer sizes: ``layer_sizes = [d, *hidden, 1]`` with d = ``len(features)``;
        empty: no hidden layer (logistic regression on the features with the
        binary cross-entropy).
    activation : str
        Hidden-layer activation, a key of ``ACTIVATIONS``.
    loss : {'mse', 'binary_cross_entropy'}
    lr, epochs, lam, dropout, momentum, patience, min_delta :
        As in :func:`mlp_core.fit`.
    batch_size : int >= 1 or None
        Samples per update; None, or more than the training set, means full-batch gradient
        descent.
    dtype : numpy float type
        Of the network's parameters.
    seed : int
        Seeds the data, the split, the initial weights, the shuffling and the dropout masks:
        the same arguments give the same run.
    features : sequence of str, default ("x1", "x2")
        Names of ``data.FEATURES``: the network's inputs are ``data.feature_map(X,
        features)`` (the default: the points themselves).

    Returns
    -------
    ToyRun
        ``error`` holds the ``TrainingDivergedError`` if the loss overflowed (then
        ``history`` has the epochs before it and ``net`` the last finite weights).
    """
    features = check_features(features)
    X_train, X_val, y_train, y_val = toy_split(dataset, n=n, noise=noise, val_size=val_size,
                                               seed=seed)
    if batch_size is not None:
        batch_size = min(batch_size, len(X_train))
    net = MLP([len(features), *hidden, 1], activation=activation, seed=seed, dtype=dtype)
    error = None
    start = time.perf_counter()
    try:
        history = fit(net, feature_map(X_train, features), y_train, loss=loss, lr=lr,
                      epochs=epochs, batch_size=batch_size, lam=lam, dropout=dropout,
                      momentum=momentum, validation=(feature_map(X_val, features), y_val),
                      patience=patience, min_delta=min_delta, seed=seed, progress=False)
    except TrainingDivergedError as diverged:
        history, error = diverged.history, diverged
    seconds = time.perf_counter() - start
    return ToyRun(net, history, X_train, y_train, X_val, y_val, loss, error, seconds,
                  features)


class SteppingRun:
    """A toy-network run trained a few epochs at a time; λ, p and η may change in between.

    Built like :func:`train_toy_network` (same data, split, seeded network) and trained
    like ``fit``: it keeps what ``fit`` keeps from one epoch to the next, ONE
    ``default_rng(seed)`` (shuffling, dropout masks) and the momentum velocities, so
    ``advance(300)``, or ``advance`` in any chunks adding up to 300, leaves bit for bit the
    weights and the History of ``train_toy_network(..., epochs=300)``. (Calling ``fit`` once
    per epoch would not: each call starts a fresh generator and zero velocity.)

    Parameters
    ----------
    dataset, n, noise, val_size, hidden, activation, loss, momentum, dtype, seed, features :
        As in :func:`train_toy_network` (no early stopping).
    batch_size : int >= 1 or None
        Samples per update; None, or more than the training set, means full batch.
    lr, lam, dropout : float
        η, λ and p of the next epoch; attributes that may be changed between two
        ``advance`` calls (the running lab's sliders set them).
    extra_points : sequence of (x1, x2, label), optional
        Points added to the training set after the generated ones (students' own points).

    Attributes
    ----------
    net, history, X_train, y_train, X_val, y_val, loss, error, features :
        As in :class:`ToyRun` (``X_train``, ``X_val``: the points; the network is given
        ``inputs(X)``); ``error`` is the ``TrainingDivergedError`` once the run
        diverged by ``training.DivergenceCheck``'s rule (the run then keeps the weights of
        its last good epoch and stops).
    applied : list of (float, float, float)
        (λ, p, η) used by each epoch trained, in order: ``applied[k]`` is epoch k + 1's.
    """

    def __init__(self, dataset, *, n, noise=None, val_size, hidden, activation="relu", loss,
                 lr, lam=0.0, dropout=0.0, momentum=0.0, batch_size=None, dtype=np.float64,
                 seed=0, extra_points=(), features=DEFAULT_FEATURES):
        self.features = check_features(features)
        self.X_train, self.X_val, self.y_train, self.y_val = toy_split(
            dataset, n=n, noise=noise, val_size=val_size, seed=seed)
        points = np.asarray(list(extra_points), dtype=float).reshape(-1, 3)
        if len(points):
            self.X_train = np.vstack([self.X_train, points[:, :2]])
            self.y_train = np.concatenate([self.y_train, points[:, 2].astype(np.int64)])
        self.loss = loss
        self.lr, self.lam, self.dropout, self.momentum = lr, lam, dropout, momentum
        d = len(self.features)
        self.net = MLP([d, *hidden, 1], activation=activation, seed=seed, dtype=dtype)
        self._loss_fn = get_loss(loss)
        # the conversions fit makes once, before its first epoch (of the features, as fit
        # is given them by train_toy_network)
        self._X = check_X(self.inputs(self.X_train), d, dtype=self.net.dtype)
        self._y = check_targets(self.y_train, self._loss_fn.name, 1, self.net.dtype, X=self._X)
        self._X_val = check_X(self.inputs(self.X_val), d, name="X_val", dtype=self.net.dtype)
        self._y_val = check_targets(self.y_val, self._loss_fn.name, 1, self.net.dtype)
        n_train = len(self._X)
        self.batch_size = n_train if batch_size is None else min(batch_size, n_train)
        self.rng = np.random.default_rng(seed)  # fit's generator: permutations, masks
        params = [*self.net.weights, *self.net.biases]
        self.velocity = [np.zeros_like(p) for p in params] if momentum else None
        with np.errstate(over="ignore", invalid="ignore"), \
                blas_threads_for(self.batch_size, self.net.layer_sizes):
            # fit's rule, measured against the start (with the λ of the start, as fit)
            self._diverged = DivergenceCheck(self.net, self._X, self._y, self._loss_fn, lam)
        self._last_good = self.net.get_parameters()
        self.history = History()
        self.applied = []
        self.error = None
        self.seconds = 0.0

    @property
    def epoch(self):
        """Epochs trained so far (0 after construction)."""
        return len(self.history.train_loss)

    def advance(self, epochs=1):
        """Train up to ``epochs`` more epochs with the current λ, p and η; return how many.

        Fewer than ``epochs`` only after a divergence (``fit``'s rule,
        ``training.DivergenceCheck``): that epoch is undone (the last good weights are kept,
        as ``fit`` does), ``error`` is set and every later call trains nothing.
        """
        done = 0
        start = time.perf_counter()
        # as in fit: BLAS on one thread while the products are small (same sums, same bits)
        with np.errstate(over="ignore", invalid="ignore"), \
                blas_threads_for(self.batch_size, self.net.layer_sizes):
            while done < epochs and self.error is None:
                self._one_epoch()
                done += self.error is None
        self.seconds += time.perf_counter() - start
        return done

    def _one_epoch(self):
        """``fit``'s loop body for one epoch (Eqs. 11-16 via train_one_epoch)."""
        net = self.net
        train_one_epoch(net, self._X, self._y, loss=self._loss_fn, lr=self.lr,
                        batch_size=self.batch_size, lam=self.lam, dropout=self.dropout,
                        momentum=self.momentum, velocity=self.velocity, rng=self.rng,
                        check=False)
        train_loss = net.loss(self._X, self._y, self._loss_fn, check=False)  # Eq. (14)
        objective = train_loss + l2_penalty(net.weights, self.lam, check=False)  # Eq. (16)
        val_loss = net.loss(self._X_val, self._y_val, self._loss_fn, check=False)
        epoch = self.epoch + 1
        reason = self._diverged(net, objective, val_loss)
        if reason is not None:
            net.set_parameters(*self._last_good)
            self.error = TrainingDivergedError(epoch, self.lr, self.history, lam=self.lam,
                                               momentum=self.momentum, reason=reason)
            return
        self._last_good = net.get_parameters()
        h = self.history
        h.train_loss.append(train_loss)
        h.objective.append(objective)
        h.val_loss.append(val_loss)
        h.best_epoch = int(np.argmin(h.val_loss)) + 1
        h.stopped_epoch = epoch
        self.applied.append((self.lam, self.dropout, self.lr))

    inputs = ToyRun.inputs  # the same map: points (n, 2) -> the network's inputs (n, d)

    def data_loss(self, X, y):
        """Return the data loss L of the current network on (X, y), no penalty/dropout (Eq. 14)."""
        with np.errstate(all="ignore"):
            return self.net.loss(self.inputs(X), y, self.loss)

    def accuracy(self, X, y):
        """Share of points on the right side of the decision boundary (``mlp_core.accuracy``)."""
        return accuracy(self.net, self.inputs(X), y, self.loss)

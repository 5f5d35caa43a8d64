"""Two worked training recipes on the real data of ``NNData/``: what works, in one place.

Each recipe holds out a seeded 20 % test split, fits its preprocessing on the training part
only, trains a small MLP with :func:`mlp_core.fit` and reports the test metric. The script
``scripts/real_data_report.py`` prints them; ``tests/test_real_data.py`` checks the goals.

- :func:`concrete_regression`: compressive strength of concrete (regression), goal test
  R² >= 0.88.
- :func:`digits_classification`: 8x8 handwritten digits (10 classes), goal test accuracy
  >= 0.97.

Non-goals: hyper-parameter search, cross-validation. The settings below were chosen by hand
and checked on the seeds 0-9 (``scripts/real_data_report.py --seeds 0 1 ... 9`` prints the
spread).
"""

from __future__ import annotations

import numpy as np

from .data import Standardizer, load_concrete, load_digits, train_test_split
from .metrics import accuracy, r2_score
from .network import MLP
from .training import fit

__all__ = ["CONCRETE", "DIGITS", "concrete_regression", "digits_classification"]

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

"""Training panel (lecture §4.5): retrain a small MLP whenever a slider moves.

Every redraw trains ``MLP([2, 16, 16, 1])`` from the same seeded start on a 2-D toy set
(150 training and 50 validation points) with ``mlp_core.fit``, then shows the training and
validation loss per epoch and the decision regions. A learning rate that is too large makes
the loss overflow; ``fit`` raises ``TrainingDivergedError`` and the panel draws the epochs
before it, says in the summary that training diverged and shows "—" for the losses and
accuracies.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from ..metrics import accuracy
from ..network import MLP
from ..plotting.training_run import training_figure
from ..data import train_test_split
from ..data import TOY_DATASETS, make_toy
from ..training import History, TrainingDivergedError
from .base import Panel, diverged_message, fit_without_raising, number_or_dash
from .controls import dropdown, int_slider, log_slider

__all__ = ["TrainingRun", "train_toy", "training_panel"]

#: Points per toy set, and the share held out for validation.
N_POINTS, VAL_SIZE = 200, 0.25


@dataclass
class TrainingRun:
    """One training run of the panel: the network, its history and the data it saw."""

    net: MLP
    history: History
    error: TrainingDivergedError | None
    X_train: np.ndarray
    y_train: np.ndarray
    X_val: np.ndarray
    y_val: np.ndarray
    seconds: float

    def accuracy(self, X, y, loss):
        """Share of points on the right side of the boundary drawn (``mlp_core.accuracy``)."""
        return accuracy(self.net, X, y, loss)


def train_toy(dataset, lr, batch_size, epochs, *, loss="mse", hidden=(16, 16), seed=0):
    """Train a fresh seeded MLP on a toy set; never raises for a diverging run.

    Parameters
    ----------
    dataset : str
        A key of ``TOY_DATASETS``.
    lr : float > 0
    batch_size : int >= 1
        Larger than the training set means full-batch gradient descent.
    epochs : int >= 1
    loss : {'mse', 'binary_cross_entropy'}
    hidden : tuple of int
        Hidden-layer sizes.
    seed : int
        Seeds the data, the split, the weights and the shuffling.

    Returns
    -------
    TrainingRun
        ``error`` holds the ``TrainingDivergedError`` if the loss overflowed (then
        ``history`` has the epochs before it and ``net`` the last finite weights).
    """
    X, y = make_toy(dataset, n=N_POINTS, seed=seed)
    X_train, X_val, y_train, y_val = train_test_split(X, y, test_size=VAL_SIZE, seed=seed,
                                                      stratify=True)
    net = MLP([2, *hidden, 1], activation="relu", seed=seed)
    start = time.perf_counter()
    history, error = fit_without_raising(
        net, X_train, y_train, loss=loss, lr=lr, epochs=epochs,
        batch_size=min(batch_size, len(X_train)), validation=(X_val, y_val), seed=seed,
        progress=False)
    seconds = time.perf_counter() - start
    return TrainingRun(net, history, error, X_train, y_train, X_val, y_val, seconds)


def _summary(run, loss, lr, batch_size):
    n = len(run.X_train)
    updates = -(-n // min(batch_size, n))  # ceil(n / batch_size)
    lines = [f"{n} training points, batch size {min(batch_size, n)} → {updates} updates per "
             f"epoch; trained in {run.seconds:.2f} s."]
    h = run.history
    if run.error is not None:
        lines.insert(0, diverged_message(run.error))
        lines.append("Training loss —, validation loss —; accuracy — (training), "
                     "— (validation).")
    elif h.train_loss:
        acc_train = run.accuracy(run.X_train, run.y_train, loss)
        acc_val = run.accuracy(run.X_val, run.y_val, loss)
        lines.append(
            f"After epoch {h.stopped_epoch}: training loss "
            f"{number_or_dash(h.train_loss[-1], '.4g')}, validation loss "
            f"{number_or_dash(h.val_loss[-1], '.4g')}; accuracy "
            f"{number_or_dash(acc_train, '.0%')} (training), {number_or_dash(acc_val, '.0%')} "
            f"(validation)."
        )
        if len(h.train_loss) > 1 and h.train_loss[-1] > h.train_loss[0]:
            lines.append(f"<b>The loss went up</b> (from {h.train_loss[0]:.3g} after epoch 1): "
                         f"η = {lr:.3g} overshoots; try a smaller learning rate.")
    return "<br>".join(lines)


def training_panel(seed=0):
    """A panel that retrains on every change of learning rate, batch size, epochs or data.

    Parameters
    ----------
    seed : int
        Seeds the data, the weights and the shuffling: the same settings give the same run.

    Returns
    -------
    Panel
    """
    n_train = N_POINTS - int(round(N_POINTS * VAL_SIZE))
    controls = {
        "lr": log_slider("learning rate η", 0.1, -3, 1),
        "batch_size": int_slider("batch size", 16, 1, n_train),
        "epochs": int_slider("epochs", 30, 1, 100),
        "dataset": dropdown("data set", list(TOY_DATASETS)),
        "loss": dropdown("loss", ["mse", "binary_cross_entropy"]),
    }

    def draw(lr, batch_size, epochs, dataset, loss):
        run = train_toy(dataset, lr, batch_size, epochs, loss=loss, seed=seed)
        title = f"{dataset}: η = {lr:.3g}, batch size {batch_size}, {epochs} epochs"
        if run.error is not None:  # the title changes with every setting, even then
            title += f"\n(diverged in epoch {run.error.epoch})"
        fig = training_figure(run.history, run.net, run.X_train, run.y_train, run.X_val,
                              run.y_val, loss=loss, title=title,
                              diverged_epoch=None if run.error is None else run.error.epoch)
        return fig, _summary(run, loss, lr, batch_size)

    return Panel(controls, draw, css_class="training-panel",
                 title="Training by mini-batch SGD (§4.5)")

"""Training panel (lecture §4.5): retrain a small MLP whenever a slider moves.

Every redraw trains ``MLP([2, 16, 16, 1])`` from the same seeded start on a 2-D toy set
(150 training and 50 validation points) with ``mlp_core.recipes.train_toy_network``, then
shows the training and validation loss per epoch and the decision regions. A learning rate
that is too large makes the run blow up; ``fit`` raises ``TrainingDivergedError`` and the
panel draws the epochs before it, says in the summary that training diverged and why, and
shows "—" for the losses and accuracies. A run that ends with a network whose output no
longer depends on its input (every ReLU unit of a hidden layer 0 for every training point,
or a constant ŷ), which ``fit`` does not call diverged, gets a note in the same place.
"""

from __future__ import annotations

import numpy as np

from .._checks import check_seed
from ..data import TOY_DATASETS
from ..plotting.training import training_figure
from ..recipes import train_toy_network
from .base import Panel, diverged_message, number_or_dash, switched_off_message
from .controls import dropdown, int_slider, log_slider

__all__ = ["training_panel"]

#: Points per toy set, and the share held out for validation.
N_POINTS, VAL_SIZE = 200, 0.25
#: Hidden-layer sizes of the panel's network, MLP([2, 16, 16, 1]).
HIDDEN = (16, 16)


def _train(dataset, lr, batch_size, epochs, *, loss="mse", seed=0):
    """Return the panel's run: ``train_toy_network`` at the panel's settings (a ``ToyRun``)."""
    return train_toy_network(dataset, n=N_POINTS, val_size=VAL_SIZE, hidden=HIDDEN,
                             loss=loss, lr=lr, epochs=epochs, batch_size=batch_size,
                             seed=seed)


def _switched_off(run):
    """Whether the trained network gives every training point the same output, and why.

    Returns
    -------
    (bool, int or None)
        (True, l) if every unit of hidden layer l is 0 for every training point (the first
        such layer); (True, None) if no layer is but ŷ is the same for every point;
        (False, None) otherwise.
    """
    with np.errstate(over="ignore", invalid="ignore"):  # a run near its limit is large
        cache = run.net.forward(run.X_train)
    for l in range(1, run.net.n_hidden + 1):
        if not np.any(cache.h[l]):  # h^(l) = 0 for every point and unit: all ReLUs are off
            return True, l
    output = cache.output  # equal rows can differ in the last bit after a matrix product
    return bool(np.ptp(output) <= 1e-9 * max(1.0, float(np.max(np.abs(output))))), None


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
        silent, layer = _switched_off(run)
        if silent:
            lines.insert(0, switched_off_message(layer))
        acc_train = run.accuracy(run.X_train, run.y_train)
        acc_val = run.accuracy(run.X_val, run.y_val)
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
    """Make a panel that retrains on every change of learning rate, batch size, epochs or data.

    Parameters
    ----------
    seed : int
        Seeds the data, the weights and the shuffling: the same settings give the same run.

    Returns
    -------
    Panel
    """
    check_seed(seed)
    n_train = N_POINTS - int(round(N_POINTS * VAL_SIZE))
    controls = {
        "lr": log_slider("learning rate η", 0.1, -3, 1),
        "batch_size": int_slider("batch size", 16, 1, n_train),
        "epochs": int_slider("epochs", 30, 1, 100),
        "dataset": dropdown("data set", list(TOY_DATASETS)),
        "loss": dropdown("loss", ["mse", "binary_cross_entropy"]),
    }

    def draw(lr, batch_size, epochs, dataset, loss):
        run = _train(dataset, lr, batch_size, epochs, loss=loss, seed=seed)
        title = f"{dataset}: η = {lr:.3g}, batch size {batch_size}, {epochs} epochs"
        if run.error is not None:  # the title changes with every setting, even then
            title += f"\n(diverged in epoch {run.error.epoch})"
        fig = training_figure(run.history, run.net, run.X_train, run.y_train, run.X_val,
                              run.y_val, loss=loss, title=title,
                              diverged_epoch=None if run.error is None else run.error.epoch)
        return fig, _summary(run, loss, lr, batch_size)

    return Panel(controls, draw, css_class="training-panel",
                 title="Training by mini-batch SGD (§4.5)")

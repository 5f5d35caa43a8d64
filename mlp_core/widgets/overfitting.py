"""Panels for notebook 07 (lecture §4.6.1 early stopping, §4.6.2 dropout).

``early_stopping_panel`` trains the regularization lab's over-sized network with a patience
criterion and shows where the validation loss was lowest, where training stopped and what
the run would have done without stopping. ``dropout_panel`` draws one dropout mask on the
network diagram (lecture Fig. 7) and counts the units each hidden layer kept.

As in every panel, the controls are keyed by the names the code uses
(``panel.controls["patience"].value = 5`` redraws; ``panel.set(patience=5, min_delta=0.01)``
changes both with one redraw).
"""

from __future__ import annotations

import numpy as np

from ..plotting.regularization import dropout_figure, early_stopping_figure
from ..regularization import dropout_mask
from .base import Panel
from .controls import float_slider, int_slider
from .regularization_lab import LOSS, _lab_data, _lab_run

__all__ = ["DROPOUT_LAYER_SIZES", "dropout_masks", "dropout_panel", "early_stopping_panel"]

#: The network drawn by the dropout panel: [N_I, N_1, N_2, N_O].
DROPOUT_LAYER_SIZES = (4, 10, 10, 3)


def _early_stopping_summary(net, history, full, patience, min_delta, seed):
    if not history.val_loss:
        return "Training diverged in the first epoch: nothing to show."
    _, X_val, _, y_val = _lab_data(seed=seed)
    restored = net.loss(X_val, y_val, LOSS)
    lowest = min(history.val_loss)
    argmin = int(np.argmin(history.val_loss)) + 1
    same = abs(restored - lowest) <= 1e-9 * max(1.0, lowest)
    verdict = ("yes: they give the lowest validation loss recorded" if same else
               f"no: epoch {argmin} was lower ({lowest:.4f}) by less than min_delta, "
               "so it did not count as an improvement")
    stopped = (f"stopped after epoch {history.stopped_epoch} ({patience} epochs without an "
               f"improvement of at least {min_delta:g})" if history.stopped_early else
               f"never stopped early: ran all {history.stopped_epoch} epochs")
    return "<br>".join([
        f"<b>best epoch {history.best_epoch}</b>, {stopped}.",
        f"Restored weights: validation loss {restored:.4f}. Are they the best? {verdict}.",
        f"Without early stopping: validation loss {full.val_loss[-1]:.4f} after "
        f"{len(full.val_loss)} epochs (gap {full.generalization_gap:.3f}).",
    ])


def early_stopping_panel(seed=0):
    """Patience, min_delta and max epochs of early stopping, with the curves they produce.

    Returns
    -------
    Panel
        CSS class ``early-stopping-panel``.
    """
    controls = {
        "patience": int_slider("patience", 10, 1, 50),
        "min_delta": float_slider("min_delta", 0.0, 0.0, 0.05, 0.001, readout_format=".3f"),
        "epochs": int_slider("max epochs", 300, 20, 500, 10),
    }

    full_runs = {}  # max epochs -> History without stopping (patience does not change it)

    def draw(patience, min_delta, epochs):
        if epochs not in full_runs:
            full_runs[epochs] = _lab_run(epochs=epochs, seed=seed).history
        full = full_runs[epochs]
        # the lab's default network (circles, 2 × 32 ReLU), weights restored to the best epoch
        run = _lab_run(patience=patience, min_delta=min_delta, epochs=epochs, seed=seed)
        net, history = run.net, run.history
        title = f"patience {patience}, min_delta {min_delta:.3f}, at most {epochs} epochs"
        return (early_stopping_figure(history, full, title),
                _early_stopping_summary(net, history, full, patience, min_delta, seed))

    return Panel(controls, draw, css_class="early-stopping-panel",
                 title="Early stopping (§4.6.1)", columns=3)


def dropout_masks(p, seed, layer_sizes=DROPOUT_LAYER_SIZES):
    """One inverted-dropout mask per hidden layer: 0 (dropped) or 1/(1 − p) (kept).

    Returns
    -------
    list of ndarray, one of shape (N_l,) per hidden layer
    """
    rng = np.random.default_rng(seed)
    return [dropout_mask((n,), p, rng) for n in layer_sizes[1:-1]]


def dropout_panel(seed=0, layer_sizes=DROPOUT_LAYER_SIZES):
    """A dropout rate and a mask seed: the dropped units of one mask and the count kept.

    Returns
    -------
    Panel
        CSS class ``dropout-panel``.
    """
    controls = {"p": float_slider("dropout p", 0.5, 0.0, 0.8, 0.05),
                "mask_seed": int_slider("mask seed", seed, 0, 20)}

    def draw(p, mask_seed):
        masks = dropout_masks(p, mask_seed, layer_sizes)
        kept = sum(int(np.count_nonzero(m)) for m in masks)
        total = sum(m.size for m in masks)
        entries = ", ".join(f"{v:.3g}" for v in np.unique(np.concatenate(masks)))
        text = (f"Each hidden unit is kept with probability <b>1 − p = {1 - p:.2f}</b>; a kept "
                f"unit is scaled by <b>1/(1 − p) = {1 / (1 - p):.2f}</b> (inverted dropout), so "
                f"every mask entry has expected value 1. This mask keeps {kept} of {total} "
                f"hidden units ({kept / total:.0%}); its entries take the values {entries}.")
        return dropout_figure(masks, p, mask_seed, layer_sizes), text

    return Panel(controls, draw, css_class="dropout-panel",
                 title="Dropout (§4.6.2): one mask at a time", columns=2)

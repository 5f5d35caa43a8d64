"""Panels for overfitting and regularization (lecture §4.6, notebook 07).

- ``regularization_lab``: overfitting against L2, dropout and model size.
- ``early_stopping_panel``: patience and min_delta of early stopping (§4.6.1).
- ``dropout_panel``: one dropout mask at a time (§4.6.2).

The regularization lab
----------------------
Each change of a control retrains a seeded MLP with ``mlp_core.fit`` (binary cross-entropy on
one output, full-batch gradient descent with momentum 0.9) on a small noisy toy set, half of
it held out for validation, and redraws the decision boundary with the training and
validation points, the two loss curves, and the generalization gap (validation loss −
training loss) in the summary.

The defaults are chosen to overfit: 100 noisy points of the circles set (50 to train on) and
2 × 32 hidden units trained for 300 epochs. Raising ``λ (L2)`` (Eq. 15) or ``dropout``
(§4.6.2) shrinks the gap; more ``hidden layers``, ``epochs`` or ``noise`` widen it. The same
settings always give the same picture. The controls are keyed by the keyword arguments of
the lab's call of ``mlp_core.recipes.train_toy_network`` (``lam``, ``dropout``,
``hidden_layers``, ``width``, ``lr``, ``epochs``, ``activation``, ``dataset``, ``noise``), so
``lab.controls["lam"].value = 0.01`` retrains and redraws, and
``lab.set(lam=0.01, dropout=0.5)`` changes both with one redraw.

Early stopping and dropout
--------------------------
``early_stopping_panel`` trains the lab's over-sized default network with a patience
criterion and shows where the validation loss was lowest, where training stopped and what
the run would have done without stopping. ``dropout_panel`` draws one dropout mask on the
network diagram (lecture Fig. 7) and counts the units each hidden layer kept. As in the
lab, the controls are keyed by the names the code uses (``panel.set(patience=5,
min_delta=0.01)`` changes both with one redraw).
"""

from __future__ import annotations

import numpy as np

from .._checks import check_int, short_repr
from ..data import TOY_DATASETS
from ..plotting.regularization import boundary_figure, dropout_figure, early_stopping_figure
from ..recipes import toy_split, train_toy_network
from ..regularization import dropout_mask, l2_penalty
from .base import Panel, diverged_message, number_or_dash
from .controls import dropdown, float_slider, int_slider, log_slider

__all__ = ["RegularizationLab", "dropout_panel", "early_stopping_panel", "regularization_lab"]

LOSS = "binary_cross_entropy"
#: Points per data set and the share held out for validation: few points overfit easily.
N_POINTS, VAL_SIZE = 100, 0.5
#: Full-batch gradient descent with momentum reaches the overfitted state in a few hundred
#: epochs; plain gradient descent would need thousands.
MOMENTUM = 0.9
#: Grid points per axis of the probability shading.
RESOLUTION = 100
#: Dropdown labels for the keys of TOY_DATASETS.
_DATASET_LABELS = {"xor": "XOR"}
#: The network drawn by the dropout panel: [N_I, N_1, N_2, N_O].
DROPOUT_LAYER_SIZES = (4, 10, 10, 3)


def _lab_data(dataset="circles", noise=0.35, seed=0):
    """The lab's ``N_POINTS`` toy points split (stratified) into training and validation halves.

    Returns
    -------
    X_train : ndarray of shape (50, 2)
    X_val : ndarray of shape (50, 2)
    y_train, y_val : ndarray of shape (50,), labels 0/1
    """
    return toy_split(dataset, n=N_POINTS, noise=noise, val_size=VAL_SIZE, seed=seed)


def _lab_run(*, dataset="circles", noise=0.35, hidden_layers=2, width=32, activation="relu",
             lr=0.1, epochs=300, lam=0.0, dropout=0.0, patience=None, min_delta=0.0, seed=0):
    """The lab's run for its control values: ``train_toy_network`` at the lab's settings.

    The keywords are the keys of the lab's controls (plus ``patience`` and ``min_delta`` of
    early stopping); L = ``hidden_layers`` hidden layers of ``width`` units each, trained
    full-batch with momentum ``MOMENTUM`` on binary cross-entropy, in float32.

    Returns
    -------
    ToyRun
    """
    return train_toy_network(
        dataset, n=N_POINTS, noise=noise, val_size=VAL_SIZE, hidden=(width,) * hidden_layers,
        activation=activation, loss=LOSS, lr=lr, epochs=epochs, lam=lam, dropout=dropout,
        momentum=MOMENTUM, patience=patience, min_delta=min_delta, dtype=np.float32, seed=seed)


def _lab_summary(run):
    """HTML: the generalization gap, both losses and accuracies, and Σ‖W‖².

    After a diverged run the network shown is the last finite one, but its losses are
    meaningless (1e27 and more at the largest learning rate) and so are its accuracies, so
    the summary says first that training diverged and shows "—" for them and the gap.
    """
    lines = []
    if run.error is None:
        L_train = run.data_loss(run.X_train, run.y_train)
        L_val = run.data_loss(run.X_val, run.y_val)
        acc_train, acc_val = run.accuracy(run.X_train, run.y_train), run.accuracy(run.X_val,
                                                                                 run.y_val)
        gap = L_val - L_train
    else:
        L_train = L_val = acc_train = acc_val = gap = None  # printed as "—"
        lines.append(diverged_message(run.error))
    weights_sq = 2 * l2_penalty(run.net.weights, 1.0)  # Σ_l ‖W^(l)‖²_F
    lines += [
        f"<b>generalization gap</b> (validation − training loss): "
        f"<b>{number_or_dash(gap)}</b> &nbsp;·&nbsp; loss: training "
        f"{number_or_dash(L_train)}, validation {number_or_dash(L_val)}",
        f"accuracy: training {number_or_dash(acc_train, '.0%')}, validation "
        f"{number_or_dash(acc_val, '.0%')} &nbsp;·&nbsp; Σ‖W‖² = "
        f"{number_or_dash(weights_sq, '.4g')} &nbsp;·&nbsp; {len(run.y_train)} training / "
        f"{len(run.y_val)} validation points, network {run.net.layer_sizes}, full-batch "
        f"gradient descent with momentum {MOMENTUM}",
    ]
    return "<br>".join(lines)


class RegularizationLab(Panel):
    """The lab's Panel; ``run`` (and ``net``, ``history``) hold the last training run."""

    def __init__(self, seed=0):
        self.seed = seed
        self.run = None
        datasets = [(_DATASET_LABELS.get(name, name), name) for name in TOY_DATASETS]
        controls = {  # keyword of _lab_run -> the control students see
            "lam": float_slider("λ (L2)", 0.0, 0.0, 0.05, 0.001, readout_format=".3f"),
            "dropout": float_slider("dropout", 0.0, 0.0, 0.8, 0.05),
            "hidden_layers": int_slider("hidden layers", 2, 1, 4),
            "width": int_slider("width", 32, 2, 128, 2),
            "lr": log_slider("learning rate", 0.1, -3, 0, step=0.1),
            "epochs": int_slider("epochs", 300, 10, 1000, 10),
            "activation": dropdown("activation", ["relu", "sigmoid", "tanh"]),
            "dataset": dropdown("data set", datasets, value="circles"),
            "noise": float_slider("noise", 0.35, 0.0, 0.6, 0.05),
        }
        super().__init__(controls, self._draw,
                         css_class="regularization-lab", columns=3,
                         title="Regularization lab (§4.6): overfitting, L2 and dropout")

    @property
    def net(self):
        """The network trained by the last redraw."""
        return self.run.net

    @property
    def history(self):
        """The ``History`` of the last redraw."""
        return self.run.history

    def _draw(self, **s):
        title = (f"{s['dataset']}, noise {s['noise']:.2f} · {s['hidden_layers']}×{s['width']} "
                 f"{s['activation']} · λ {s['lam']:.3g} · p {s['dropout']:.2f} · η {s['lr']:.2g}")
        self.run = run = _lab_run(**s, seed=self.seed)  # Panel.redraw: one BLAS thread
        if run.error is not None:
            title += " (diverged)"
        fig = boundary_figure(run.net, run.history, run.X_train, run.y_train, run.X_val,
                              run.y_val, loss=LOSS, title=title, resolution=RESOLUTION)
        return fig, _lab_summary(run)


def regularization_lab(seed=0):
    """The regularization lab panel (retrains on every change; see the module docstring).

    Parameters
    ----------
    seed : int
        Seeds the data, the split, the weights and the dropout masks.

    Returns
    -------
    RegularizationLab
        A ``Panel`` with CSS class ``regularization-lab``.
    """
    return RegularizationLab(seed=seed)


# --- early stopping (§4.6.1) and dropout (§4.6.2) ----------------------------------------

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


def _dropout_masks(p, seed, layer_sizes=DROPOUT_LAYER_SIZES):
    """One inverted-dropout mask per hidden layer: 0 (dropped) or 1/(1 − p) (kept).

    Returns
    -------
    list of ndarray, one of shape (N_l,) per hidden layer
    """
    rng = np.random.default_rng(seed)
    return [dropout_mask((n,), p, rng) for n in layer_sizes[1:-1]]


def dropout_panel(seed=0, layer_sizes=DROPOUT_LAYER_SIZES):
    """A dropout rate and a mask seed: the dropped units of one mask and the count kept.

    Parameters
    ----------
    seed : int in [0, 20]
        The mask seed the panel starts at (the mask seed slider's range).
    layer_sizes : sequence of int >= 1
        [N_I, N_1, ..., N_O] with at least one hidden layer, the network drawn.

    Returns
    -------
    Panel
        CSS class ``dropout-panel``.
    """
    seed = check_int(seed, "seed", minimum=0, maximum=20)  # refused, never clamped
    if isinstance(layer_sizes, (str, bytes)) or not hasattr(layer_sizes, "__len__"):
        raise TypeError("layer_sizes must be a sequence of integers [N_I, N_1, ..., N_O], "
                        f"got {short_repr(layer_sizes)}")
    if len(layer_sizes) < 3:
        raise ValueError("layer_sizes must list an input size, at least one hidden layer and "
                         f"an output size [N_I, N_1, ..., N_O], got {short_repr(layer_sizes)}")
    layer_sizes = [check_int(n, f"layer_sizes[{i}]", minimum=1)
                   for i, n in enumerate(layer_sizes)]
    controls = {"p": float_slider("dropout p", 0.5, 0.0, 0.8, 0.05),
                "mask_seed": int_slider("mask seed", seed, 0, 20)}

    def draw(p, mask_seed):
        masks = _dropout_masks(p, mask_seed, layer_sizes)
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

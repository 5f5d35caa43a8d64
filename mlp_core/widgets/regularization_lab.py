"""The regularization lab (lecture §4.6): overfitting against L2, dropout and model size.

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
"""

from __future__ import annotations

import numpy as np

from ..data import TOY_DATASETS
from ..plotting.regularization import boundary_figure
from ..recipes import toy_split, train_toy_network
from ..regularization import l2_penalty
from .base import Panel, diverged_message, number_or_dash
from .controls import dropdown, float_slider, int_slider, log_slider

__all__ = ["RegularizationLab", "regularization_lab"]

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

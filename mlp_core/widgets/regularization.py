"""Panels for overfitting and regularization (lecture §4.6, notebook 07).

- ``regularization_lab``: overfitting against L2, dropout and model size.
- ``early_stopping_panel``: patience and min_delta of early stopping (§4.6.1).
- ``dropout_panel``: one dropout mask at a time (§4.6.2).

The regularization lab
----------------------
A seeded MLP (binary cross-entropy on one output, full-batch gradient descent with momentum
0.9) learns a small noisy toy set, half of it held out for validation. **Play** trains it
continuously and redraws as it goes, **Step** trains 25 epochs, **Reset** goes back to epoch
0; the readout shows the epoch. The picture (``plotting.regularization.LabFigure``) shows
every neuron as a small map of its activation over the input plane on the network diagram
(Fig. 3), the weights by sign (colour) and size (width), the decision boundary with the
training and validation points, and the two loss curves; the summary gives the
generalization gap (validation loss − training loss). While playing, λ, dropout and the
learning rate apply from the next epoch on; the other controls start again at epoch 0. When
not playing, each change of a control shows the whole run with the new settings (retrained
from scratch, the same numbers as ``mlp_core.recipes.train_toy_network``).

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

import asyncio
import time

import ipywidgets as widgets
import numpy as np

from .._checks import check_int, check_seed, short_repr
from ..data import TOY_DATASETS
from ..plotting.regularization import LabFigure, dropout_figure, early_stopping_figure
from ..recipes import SteppingRun, toy_split, train_toy_network
from ..regularization import dropout_mask, l2_penalty
from . import base as _base
from .base import Panel, diverged_message, number_or_dash, one_blas_thread
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


def _lab_stepper(*, dataset="circles", noise=0.35, hidden_layers=2, width=32,
                 activation="relu", lr=0.1, lam=0.0, dropout=0.0, seed=0, points=()):
    """The lab's run at epoch 0, to be trained a few epochs at a time (``advance``).

    The same data, network and training as ``_lab_run`` (``advance(epochs)`` gives its
    numbers bit for bit); ``points`` are (x1, x2, label) rows added to the training set.

    Returns
    -------
    SteppingRun
    """
    return SteppingRun(
        dataset, n=N_POINTS, noise=noise, val_size=VAL_SIZE, hidden=(width,) * hidden_layers,
        activation=activation, loss=LOSS, lr=lr, lam=lam, dropout=dropout, momentum=MOMENTUM,
        dtype=np.float32, seed=seed, extra_points=points)


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


#: Epochs trained per picture while playing, and per press of Step.
EPOCHS_PER_FRAME = 5
STEP_EPOCHS = 25
#: Time between two pictures while playing (s): at most ~15 pictures per second.
FRAME_PERIOD = 1 / 15
#: Play stops by itself here, so a forgotten tab does not keep a laptop busy.
EPOCH_CAP = 5000
#: After a slider move in the browser (not playing), the first picture shows the run after
#: this much training (s); the whole run follows in a few pictures (budgets grow 3x).
REPLAY_BUDGET = 0.035
#: Controls that change the data or the network: a change starts again at epoch 0.
STRUCTURAL = ("dataset", "noise", "hidden_layers", "width", "activation")
#: Controls the running training picks up from its next epoch on.
LIVE = ("lam", "dropout", "lr")


class RegularizationLab(Panel):
    """The lab's Panel: a run that trains as you watch (Play / Pause / Step / Reset).

    ``run`` (a ``recipes.SteppingRun``; also ``net``, ``history``) is the run shown. When
    not playing, a change of a control shows the whole run of ``epochs`` epochs with the new
    settings, the same numbers as ``train_toy_network`` (``_lab_run``). While playing, λ,
    dropout and the learning rate apply from the next epoch on; the data set, noise, depth,
    width and activation start again at epoch 0 (playing goes on); ``epochs`` sets the loss
    axis.

    Why asyncio: ipykernel runs an asyncio loop, and widget callbacks (a button, a slider)
    run on it. ``play()`` starts ``asyncio.ensure_future(self._play_loop())``; the loop trains
    ``EPOCHS_PER_FRAME`` epochs, draws one picture and then *awaits* a short sleep, during
    which the kernel handles the next slider message. No thread: numpy, matplotlib and the
    widgets are used from one thread, so nothing needs a lock, and cancelling the task stops
    it at the next await (ipywidgets' "Asynchronous Widgets" page describes this pattern).
    """

    def __init__(self, seed=0):
        check_seed(seed)
        self.seed = seed
        self.run = None
        self.figure_maker = LabFigure()
        self.frames = 0  # pictures drawn, for tests and benchmarks
        self.frame_times = []  # perf_counter() when each picture's bytes were ready
        self._task = None  # the play loop or a replay: an asyncio.Task
        self._playing = False
        self._from_browser = False
        self.play_button = widgets.ToggleButton(description="Play", icon="play",
                                                tooltip="Play / Pause: train continuously")
        self.step_button = widgets.Button(description=f"Step ({STEP_EPOCHS} epochs)",
                                          tooltip=f"Step: train {STEP_EPOCHS} epochs")
        self.reset_button = widgets.Button(description="Reset", icon="undo",
                                           tooltip="Reset: back to epoch 0, same seed")
        self.epoch_label = widgets.HTML("epoch 0")
        self.epoch_label.add_class("lab-epoch")
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
        super().__init__(controls, None, css_class="regularization-lab", columns=3,
                         title="Regularization lab (§4.6): overfitting, L2 and dropout")
        transport = widgets.HBox([self.play_button, self.step_button, self.reset_button,
                                  self.epoch_label])
        header, *rest = self.widget.children
        self.widget.children = [header, transport, *rest]
        self.play_button.observe(self._on_play_button, names="value")
        self.step_button.on_click(lambda _: self.step())
        self.reset_button.on_click(lambda _: self.reset())

    @property
    def net(self):
        """The network shown."""
        return self.run.net

    @property
    def history(self):
        """The ``History`` of the run shown."""
        return self.run.history

    @property
    def epoch(self):
        """Epochs trained by the run shown."""
        return self.run.epoch

    @property
    def playing(self):
        """True while Play trains continuously."""
        return self._playing

    # --- Play / Pause / Step / Reset ----------------------------------------------------

    def play(self):
        """Train continuously, a picture every ``EPOCHS_PER_FRAME`` epochs, until paused.

        Needs a running asyncio loop (a Jupyter kernel has one); outside one it raises
        Python's own ``RuntimeError: no running event loop``. Returns the asyncio task.
        """
        if self._playing:
            return self._task
        asyncio.get_running_loop()
        self._cancel_task()
        self._playing = True
        self._show_play_button(True)
        self._task = asyncio.ensure_future(self._play_loop())
        return self._task

    def pause(self):
        """Stop training; the picture stays at the current epoch."""
        self._playing = False
        self._cancel_task()
        self._show_play_button(False)

    def step(self, epochs=STEP_EPOCHS):
        """Train ``epochs`` more epochs and show them (a playing lab pauses first)."""
        self.pause()
        start = time.perf_counter()
        with one_blas_thread():
            self.run.advance(epochs)
        self._show(start)

    def reset(self):
        """Back to epoch 0: the same seed, the current settings (playing goes on)."""
        if not self._playing:
            self._cancel_task()
        self.run = self._new_run()
        self._show()

    # --- what a change of a control does ------------------------------------------------

    def _on_change(self, change):
        # a change sent by the browser arrives while ipywidgets holds the property lock
        self._from_browser = bool(getattr(change["owner"], "_property_lock", None))
        super()._on_change(change)

    def redraw(self):
        """Panel's hook, called after every change of a control (or ``set``)."""
        from_browser, self._from_browser = self._from_browser, False
        start = time.perf_counter()
        values = self.values
        if self._playing and self.run is not None:
            if any(values[k] != v for k, v in self._structure.items()):
                self.run = self._new_run()  # epoch 0, playing goes on
            else:
                for key in LIVE:  # used by the play loop's next epoch
                    setattr(self.run, key, values[key])
            return
        self._cancel_task()
        self.run = self._new_run()
        if from_browser and _loop_running():
            self._task = asyncio.ensure_future(self._replay(values["epochs"], start))
            return
        with one_blas_thread():
            self.run.advance(values["epochs"])
        self._show(start)

    def _new_run(self):
        values = self.values
        self._structure = {k: values[k] for k in STRUCTURAL}
        return _lab_stepper(**{k: values[k] for k in (*STRUCTURAL, *LIVE)}, seed=self.seed)

    async def _play_loop(self):
        try:
            while self._playing and self.run.epoch < EPOCH_CAP and self.run.error is None:
                start = time.perf_counter()
                with one_blas_thread():
                    self.run.advance(EPOCHS_PER_FRAME)
                self._show(start)
                await asyncio.sleep(max(0.005, FRAME_PERIOD - (time.perf_counter() - start)))
        finally:
            if self._playing and asyncio.current_task() is self._task:
                self._task = None  # stopped by itself (cap, divergence): Play shows again
                self.pause()

    async def _replay(self, epochs, start):
        """The whole run in a few pictures: the first after REPLAY_BUDGET s of training."""
        budget = REPLAY_BUDGET
        while self.run.epoch < epochs and self.run.error is None:
            budget_end = time.perf_counter() + budget
            budget *= 3
            with one_blas_thread():
                while self.run.epoch < epochs and time.perf_counter() < budget_end:
                    if not self.run.advance(min(EPOCHS_PER_FRAME, epochs - self.run.epoch)):
                        break
            self._show(start)
            start = time.perf_counter()
            await asyncio.sleep(0.005)
        if self.run.epoch == 0:
            self._show(start)  # diverged in the first epoch: still one picture

    # --- the picture ----------------------------------------------------------------------

    def _show(self, start=None):
        """Draw the run's current state into the image, the epoch readout and the summary."""
        start = time.perf_counter() if start is None else start
        run, v = self.run, self.values
        maker = self.figure_maker
        maker.dpi = _base._figure_dpi if self.dpi is None else self.dpi
        with one_blas_thread():
            png = maker.frame(run, epochs=v["epochs"],
                              data_key=(v["dataset"], v["noise"], self.seed))
        self.figure = maker.fig
        self.image.value = png
        self.epoch_label.value = (
            f"epoch <b>{run.epoch}</b>" + (" (diverged)" if run.error is not None else "")
            + f" &nbsp;·&nbsp; λ {run.lam:.3g}, dropout {run.dropout:.2f}, η {run.lr:.2g}")
        self.summary.value = (_lab_summary(run) if run.epoch or run.error is not None else
                              "<b>epoch 0</b>: not trained yet. Press Play or Step.")
        self.redraws += 1
        self.frames += 1
        now = time.perf_counter()
        self.last_seconds = now - start
        self.frame_times.append(now)

    def _cancel_task(self):
        task, self._task = self._task, None
        if task is not None and not task.done() and task is not _current_task():
            task.cancel()

    def _on_play_button(self, change):
        if change["new"] != self._playing:
            self.play() if change["new"] else self.pause()

    def _show_play_button(self, playing):
        button = self.play_button
        button.value = playing  # _on_play_button sees no difference: nothing happens
        button.description, button.icon = ("Pause", "pause") if playing else ("Play", "play")


def _loop_running():
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


def _current_task():
    try:
        return asyncio.current_task()
    except RuntimeError:  # no running loop
        return None


def regularization_lab(seed=0):
    """The regularization lab panel, which trains as you watch (see the module docstring).

    Parameters
    ----------
    seed : int
        Seeds the data, the split, the weights and the dropout masks.

    Returns
    -------
    RegularizationLab
        A ``Panel`` with CSS class ``regularization-lab``; ``play()``, ``pause()``,
        ``step()``, ``reset()`` and ``epoch`` drive it from code.
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
    check_seed(seed)
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

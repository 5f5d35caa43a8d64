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

The row of **inputs** (x₁, x₂, x₁², x₂², x₁x₂, sin x₁, sin x₂, as in TensorFlow Playground)
chooses the features the network is given (``lab.set(features=("x1^2", "x2^2"))``); each
is an input unit of the diagram, drawn as its own map over the plane. With x₁² and x₂² and
no hidden layer (``hidden_layers=0``: logistic regression) the circles are separated, which
x₁, x₂ alone need a hidden layer for: feature engineering stands in for depth.

For the lecture hall: one click loads a named scenario of §4.6 (``lab.presets``,
``lab.load_preset(name)``) with a line of what to look at; ``lab.state()`` (shown as a short
string, saved and loaded as a .json file) rebuilds the identical run with
``regularization_lab(state=...)``; students add their own training points with a click on
the boundary (through ipyevents, if installed) or ``lab.add_point(x1, x2, label)``, and
``lab.clear_points()`` returns to the generated data.

The defaults are chosen to overfit: 100 noisy points of the circles set (50 to train on) and
2 × 32 hidden units trained for 300 epochs. Raising ``λ (L2)`` (Eq. 15) or ``dropout``
(§4.6.2) shrinks the gap; more ``hidden layers``, ``epochs`` or ``noise`` widen it. The same
settings always give the same picture. The controls are keyed by the keyword arguments of
the lab's call of ``mlp_core.recipes.train_toy_network`` (``lam``, ``dropout``,
``hidden_layers``, ``width``, ``lr``, ``epochs``, ``activation``, ``dataset``, ``noise``), so
``lab.controls["lam"].value = 0.01`` retrains and redraws (``features``, the row of input
toggles, takes a tuple of names of ``mlp_core.data.FEATURES``), and
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
import base64
import json
import time
import zlib

import ipywidgets as widgets
import numpy as np

from .._checks import check_int, check_seed, short_repr
from ..data import DEFAULT_FEATURES, FEATURES, TOY_DATASETS
from ..metrics import confusion_counts, predict_classes
from ..plotting.regularization import LabFigure, dropout_figure, early_stopping_figure
from ..recipes import SteppingRun, toy_split, train_toy_network
from ..regularization import dropout_mask, l2_penalty
from . import base as _base
from .base import OwnThread, Panel, diverged_message, number_or_dash, one_blas_thread
from .controls import (
    ToggleRow,
    check_control_value,
    dropdown,
    float_slider,
    int_slider,
    log_slider,
)

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
    """Split the lab's ``N_POINTS`` toy points (stratified) into training and validation halves.

    Returns
    -------
    X_train : ndarray of shape (50, 2)
    X_val : ndarray of shape (50, 2)
    y_train, y_val : ndarray of shape (50,), labels 0/1
    """
    return toy_split(dataset, n=N_POINTS, noise=noise, val_size=VAL_SIZE, seed=seed)


def _lab_run(*, dataset="circles", noise=0.35, hidden_layers=2, width=32, activation="relu",
             lr=0.1, epochs=300, lam=0.0, dropout=0.0, n_train=N_POINTS // 2, batch_size=0,
             features=DEFAULT_FEATURES, patience=None, min_delta=0.0, seed=0):
    """Train the lab's run for its control values: ``train_toy_network`` at its settings.

    The keywords are the keys of the lab's controls (plus ``patience`` and ``min_delta`` of
    early stopping); L = ``hidden_layers`` hidden layers of ``width`` units each, trained
    with momentum ``MOMENTUM`` on binary cross-entropy, in float32, on ``n_train`` points
    (as many held out for validation), in mini-batches of ``batch_size`` (0 or None: the
    whole training set, full-batch gradient descent); the network is given ``features``
    (names of ``mlp_core.data.FEATURES``).

    Returns
    -------
    ToyRun
    """
    return train_toy_network(
        dataset, n=2 * n_train, noise=noise, val_size=VAL_SIZE,
        hidden=(width,) * hidden_layers, activation=activation, loss=LOSS, lr=lr,
        epochs=epochs, batch_size=batch_size or None, lam=lam, dropout=dropout, momentum=MOMENTUM,
        patience=patience, min_delta=min_delta, dtype=np.float32, seed=seed, features=features)


def _lab_stepper(*, dataset="circles", noise=0.35, hidden_layers=2, width=32,
                 activation="relu", lr=0.1, lam=0.0, dropout=0.0, n_train=N_POINTS // 2,
                 batch_size=0, features=DEFAULT_FEATURES, seed=0, points=()):
    """Build the lab's run at epoch 0, to be trained a few epochs at a time (``advance``).

    The same data, network and training as ``_lab_run`` (``advance(epochs)`` gives its
    numbers bit for bit); ``points`` are (x1, x2, label) rows added to the training set.

    Returns
    -------
    SteppingRun
    """
    return SteppingRun(
        dataset, n=2 * n_train, noise=noise, val_size=VAL_SIZE,
        hidden=(width,) * hidden_layers, activation=activation, loss=LOSS, lr=lr, lam=lam,
        dropout=dropout, momentum=MOMENTUM, batch_size=batch_size or None, dtype=np.float32,
        seed=seed, extra_points=points, features=features)


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
        f"{len(run.y_val)} validation points, network {run.net.layer_sizes} on "
        f"{', '.join(FEATURES[name].label for name in run.features)}, "
        f"{_batches(run)} gradient descent with momentum {MOMENTUM}",
    ]
    if run.error is None:
        lines.append(_confusion_line(run))
    return "<br>".join(lines)


def _batches(run):
    """'full-batch', or 'mini-batch (B points)' when a step sees part of the training set."""
    size = getattr(run, "batch_size", None)
    return "full-batch" if size is None or size >= len(run.y_train) else \
        f"mini-batch ({size} points)"


def _confusion_line(run):
    """HTML: the validation set's confusion matrix, one row per true class, in words."""
    predicted = predict_classes(run.net, run.inputs(run.X_val), LOSS)
    counts = confusion_counts(run.y_val, predicted)
    rows = [f"class {k}: {counts[k, k]} right, {counts[k, 1 - k]} taken for class {1 - k}"
            for k in (0, 1)]
    return "validation confusion matrix (true class → predicted): " + "; ".join(rows)


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
STRUCTURAL = ("dataset", "noise", "hidden_layers", "width", "activation", "n_train",
              "batch_size", "features")
#: Controls the running training picks up from its next epoch on.
LIVE = ("lam", "dropout", "lr")
#: Named scenarios of §4.6 (issue 13): name -> (what to look at, the controls it changes
#: from the defaults). Each caption's claim is checked on a fresh run by the tests.
PRESETS = {
    "overfitting": (
        "3 hidden layers, no regularization: 100% right on the training points, the "
        "boundary bends around single points and the validation loss ends far above the "
        "training loss (a large gap).", {"hidden_layers": 3}),
    "L2 to the rescue": (
        "The same network with λ = 0.01: smaller weights (thinner lines), a smoother "
        "boundary and a gap several times smaller.", {"hidden_layers": 3, "lam": 0.01}),
    "dropout to the rescue": (
        "The same network with dropout 0.5: training loss higher and noisier, the gap "
        "several times smaller.", {"hidden_layers": 3, "dropout": 0.5}),
    "early stopping": (
        "The overfitting network again: watch the validation loss (dashed) fall, reach its "
        "lowest within the first 100 epochs (dotted line), then climb while the training "
        "loss keeps falling. Early stopping keeps that best epoch.", {"hidden_layers": 3}),
    "too much λ (underfitting)": (
        "λ = 0.05: the penalty wins, the boundary is too simple, and both losses stay high "
        "and close together (a small gap, but a poor fit).", {"lam": 0.05}),
    "learning rate too large": (
        "η = 1 on 3 hidden layers: the first steps jump out of the valley, the loss goes up "
        "and the network ends up predicting one class everywhere (50% accuracy).",
        {"hidden_layers": 3, "lr": 1.0}),
    "no hidden layer": (
        "0 hidden layers on x₁, x₂ is logistic regression: the boundary is a straight line, "
        "which cannot separate the two rings, so about half of the validation points end "
        "up on the wrong side.", {"hidden_layers": 0}),
    "features instead of depth": (
        "The same network without hidden layers, given x₁² and x₂² instead of x₁, x₂: a line "
        "in (x₁², x₂²) is an ellipse around the origin of the plane. It gets about as many "
        "validation points right as the default 2 × 32 network (a couple fewer at some "
        "seeds, more at others) with 3 parameters instead of 1185, and a much smaller gap.",
        {"hidden_layers": 0, "features": ("x1^2", "x2^2")}),
}
#: Version of the dict ``state()`` returns.
STATE_VERSION = 1


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
    which the kernel handles the next slider message. No thread of ours: numpy, matplotlib
    and the widgets are used from one thread, the one that built the lab (a callback that a
    kernel subshell delivers on another thread is handed to it: ``base.OwnThread``), so
    cancelling the task stops it at the next await (ipywidgets' "Asynchronous Widgets" page
    describes this pattern).
    """

    def __init__(self, seed=0, state=None):
        check_seed(seed)
        self.seed = seed
        self.own_thread = OwnThread()  # every callback below runs there (base module doc)
        self.run = None
        self.points = []  # students' own points: [x1, x2, label], added to the training set
        self.figure_maker = LabFigure()
        self.frames = 0  # pictures drawn, for tests and benchmarks
        self.frame_times = []  # perf_counter() when each picture's bytes were ready
        self._task = None  # the play loop or a replay: an asyncio.Task
        self._playing = False
        self._replaying = False  # True between the pictures of a replayed change
        self._from_browser = False
        auto = {"width": "auto"}  # the whole text on every button, however narrow the cell
        self.play_button = widgets.ToggleButton(description="Play", icon="play",
                                                tooltip="Play / Pause: train continuously",
                                                layout=auto)
        self.step_button = widgets.Button(description=f"Step ({STEP_EPOCHS} epochs)",
                                          tooltip=f"Step: train {STEP_EPOCHS} epochs",
                                          layout=auto)
        self.reset_button = widgets.Button(description="Reset", icon="undo",
                                           tooltip="Reset: back to epoch 0, same seed",
                                           layout=auto)
        self.epoch_label = widgets.HTML("epoch 0", layout={"width": "auto",
                                                           "margin": "0 12px"})
        self.epoch_label.add_class("lab-epoch")
        datasets = [(_DATASET_LABELS.get(name, name), name) for name in TOY_DATASETS]
        controls = {  # keyword of _lab_run -> the control students see
            "lam": float_slider("λ (L2)", 0.0, 0.0, 0.05, 0.001, readout_format=".3f"),
            "dropout": float_slider("dropout", 0.0, 0.0, 0.8, 0.05),
            "hidden_layers": int_slider("hidden layers", 2, 0, 4),  # 0: logistic regression
            "width": int_slider("width", 32, 2, 128, 2),
            "lr": log_slider("learning rate", 0.1, -3, 0, step=0.1),
            "epochs": int_slider("epochs", 300, 10, 1000, 10),
            "activation": dropdown("activation", ["relu", "sigmoid", "tanh"]),
            "dataset": dropdown("data set", datasets, value="circles"),
            "noise": float_slider("noise", 0.35, 0.0, 0.6, 0.05),
            "n_train": int_slider("training points", N_POINTS // 2, 10, 200, 10),
            "batch_size": dropdown("batch size", [("full", 0), ("8", 8), ("16", 16),
                                                  ("32", 32)], value=0),  # 0: all points
            "features": ToggleRow("inputs", [(f.label, name) for name, f in FEATURES.items()],
                                  DEFAULT_FEATURES),
        }
        controls["features"].add_class("lab-features")
        self._defaults = {name: control.value for name, control in controls.items()}
        self._build_extras()
        super().__init__(controls, None, css_class="regularization-lab", columns=3,
                         title="Regularization lab (§4.6): overfitting, L2 and dropout")
        transport = widgets.HBox([self.play_button, self.step_button, self.reset_button,
                                  self.epoch_label, self.ghost_box],
                                 layout={"flex_flow": "row wrap", "align_items": "center"})
        header, *rest = self.widget.children
        *control_rows, image, summary = rest
        features = self.controls["features"]  # a row of its own, below the sliders
        for row in control_rows:
            row.children = [c for c in row.children if c is not features]
        # the summary stays the last child: the browser tests watch it there
        self.widget.children = [header, transport, self.preset_row, self.preset_caption,
                                *control_rows, features, self.point_row, self.state_row,
                                image, summary]
        own = self.own_thread.wrap
        self.play_button.observe(own(self._on_play_button), names="value")
        self.step_button.on_click(own(lambda _: self.step()))
        self.reset_button.on_click(own(lambda _: self.reset()))
        self._connect_clicks()
        if state is not None:
            self.load_state(state)

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
        if self.run is not None:
            self._show_state()  # not sent while playing

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
        self.run = self._next_run()
        self._show()

    # --- what a change of a control does ------------------------------------------------

    def _on_change(self, change, from_browser):
        self._from_browser = from_browser
        super()._on_change(change, from_browser)

    def redraw(self):
        """Panel's hook, called after every change of a control (or ``set``)."""
        from_browser, self._from_browser = self._from_browser, False
        start = time.perf_counter()
        values = self.values
        if self._playing and self.run is not None:
            if self._structure_now() != self._structure:
                self.run = self._next_run()  # epoch 0, playing goes on
            else:
                for key in LIVE:  # used by the play loop's next epoch
                    setattr(self.run, key, values[key])
            return
        self._cancel_task()
        self.run = self._next_run()
        if from_browser and _loop_running():
            self._task = asyncio.ensure_future(self._replay(values["epochs"], start))
            return
        with one_blas_thread():
            self.run.advance(values["epochs"])
        self._show(start)

    def _next_run(self):
        """Return a new run at epoch 0; the one shown becomes the ghost if ghosts are kept."""
        if self.ghost_box.value and self.run is not None and self.run.epoch:
            self.figure_maker.ghost = self.run.history
        return self._new_run()

    def _on_ghost_box(self, change):
        if not change["new"]:
            self.figure_maker.ghost = None
            self._show()

    def _new_run(self):
        values = self.values
        self._structure = self._structure_now()
        return _lab_stepper(**{k: values[k] for k in (*STRUCTURAL, *LIVE)}, seed=self.seed,
                            points=self.points)

    def _structure_now(self):
        """Return what a new run is built from: the structural controls and added points."""
        values = self.values
        return {**{k: values[k] for k in STRUCTURAL}, "points": _point_tuple(self.points)}

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
        """Show the whole run in a few pictures: the first after REPLAY_BUDGET s of training."""
        budget = REPLAY_BUDGET
        while True:
            budget_end = time.perf_counter() + budget
            budget *= 3
            with one_blas_thread():
                while self.run.epoch < epochs and time.perf_counter() < budget_end:
                    if not self.run.advance(min(EPOCHS_PER_FRAME, epochs - self.run.epoch)):
                        break
            done = self.run.epoch >= epochs or self.run.error is not None
            self._replaying = not done  # the state row shows only the whole run
            self._show(start)
            if done:
                return
            start = time.perf_counter()
            await asyncio.sleep(0.005)

    # --- the picture ----------------------------------------------------------------------

    def _show(self, start=None):
        """Draw the run's current state into the image, the epoch readout and the summary."""
        start = time.perf_counter() if start is None else start
        run, v = self.run, self.values
        maker = self.figure_maker
        maker.dpi = _base._figure_dpi if self.dpi is None else self.dpi
        with one_blas_thread():
            png = maker.frame(run, epochs=v["epochs"],
                              data_key=(v["dataset"], v["noise"], v["n_train"], self.seed,
                                        _point_tuple(self.points)))
        self.figure = maker.fig
        self.image.value = png
        self.epoch_label.value = (
            f"epoch <b>{run.epoch}</b>" + (" (diverged)" if run.error is not None else "")
            + f" &nbsp;·&nbsp; λ {run.lam:.3g}, dropout {run.dropout:.2f}, η {run.lr:.2g}")
        self.summary.value = (_lab_summary(run) if run.epoch or run.error is not None else
                              "<b>epoch 0</b>: not trained yet. Press Play or Step.")
        if self.points:
            self.summary.value += (f"<br>your points: <b>{len(self.points)}</b> (added to "
                                   "the training set)")
        if not (self._playing or self._replaying):  # only the picture and epoch meanwhile
            self._show_state()
        self.redraws += 1
        self.frames += 1
        now = time.perf_counter()
        self.last_seconds = now - start
        self.frame_times.append(now)

    def _cancel_task(self):
        self._replaying = False
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


    # --- presets, shareable state, students' own points (issue 13) ----------------------

    def _build_extras(self):
        """Make the preset row, the point tools and the state row (before Panel's box)."""
        own = self.own_thread.wrap
        buttons = []
        for name, (caption, _) in PRESETS.items():
            button = widgets.Button(description=name, tooltip=caption,
                                    layout={"width": "auto"})
            button.on_click(own(lambda _, name=name: self.load_preset(name,
                                                                      _from_browser=True)))
            buttons.append(button)
        self.preset_row = widgets.HBox([widgets.HTML("scenarios:"), *buttons],
                                       layout={"flex_flow": "row wrap"})
        self.preset_row.add_class("lab-presets")
        self.preset_caption = widgets.HTML("")
        self.preset_caption.add_class("lab-preset-caption")
        self.point_class = widgets.ToggleButtons(
            options=[("add class 0 (blue ●)", 0), ("add class 1 (orange ■)", 1),
                     ("remove nearest", "remove")], value=0,
            tooltips=["a click on the boundary adds a point of class 0",
                      "a click on the boundary adds a point of class 1",
                      "a click removes the nearest of your points (or shift-click)"],
            style={"button_width": "auto"})
        self.point_class.add_class("lab-point-class")
        self.clear_button = widgets.Button(description="Clear points", icon="eraser",
                                           tooltip="Clear points: back to the generated data")
        self.clear_button.on_click(own(lambda _: self.clear_points()))
        self.point_row = widgets.HBox([widgets.HTML("click the boundary:"), self.point_class,
                                       self.clear_button], layout={"flex_flow": "row wrap"})
        self.state_text = widgets.Text(
            description="state", continuous_update=False, layout={"width": "60%"},
            tooltip="regularization_lab(state=\"...\") rebuilds this run; paste one here")
        self.state_text.add_class("lab-state")
        self.state_text.observe(own(self._on_state_text), names="value")
        self.save_link = widgets.HTML("")
        self.save_link.add_class("lab-save")
        self.load_upload = widgets.FileUpload(accept=".json", multiple=False,
                                              description="Load .json")
        self.load_upload.observe(own(self._on_upload), names="value")
        self.state_row = widgets.HBox([self.state_text, self.save_link, self.load_upload])
        self._state_shown = None
        self.ghost_box = widgets.Checkbox(
            value=False, description="keep the previous run as a ghost", indent=False,
            layout={"width": "auto"},
            tooltip="the loss curves of the run before a change stay in grey")
        self.ghost_box.add_class("lab-ghost")
        self.ghost_box.observe(own(self._on_ghost_box), names="value")

    @property
    def presets(self):
        """The named scenarios: name -> one line of what to look at."""
        return {name: caption for name, (caption, _) in PRESETS.items()}

    def load_preset(self, name, *, _from_browser=False):
        """Apply the scenario ``name`` (a key of ``presets``).

        Every control goes back to the defaults as the scenario sets them, the data to the
        generated set (your points are cleared), and the scenario's caption shows above the
        controls. Not playing: the whole run is shown.
        """
        if name not in PRESETS:
            raise ValueError(f"name must be one of {list(PRESETS)}, got {name!r}")
        caption, changes = PRESETS[name]
        self.pause()
        self.points = []
        self.preset_caption.value = f"<b>{name}</b>: {caption}"
        self._set_quietly({**self._defaults, **changes})
        self._from_browser = _from_browser
        self.redraw()

    def state(self):
        """Every setting, the seed, your points and how the run shown was trained.

        Returns
        -------
        dict
            JSON-serialisable; ``regularization_lab(state=...)`` rebuilds the identical run
            (the same weights and losses to the last digit), also after playing with λ,
            dropout or η changed mid-run: ``trained_with`` lists [first epoch, λ, p, η]
            for each stretch of epochs.
        """
        trained_with = []
        for k, applied in enumerate(self.run.applied):
            if not trained_with or trained_with[-1][1:] != list(applied):
                trained_with.append([k + 1, *applied])
        settings = {**self.values, "features": list(self.values["features"])}  # JSON: a list
        return {"version": STATE_VERSION, "seed": self.seed, "settings": settings,
                "points": [list(p) for p in self.points], "epoch": self.run.epoch,
                "trained_with": trained_with}

    def state_string(self):
        """``state()`` as a short string (base64 of compressed JSON), for pasting."""
        return _encode_state(self.state())

    def load_state(self, state):
        """Rebuild the run ``state`` describes (a dict from ``state()`` or its string).

        Raises
        ------
        ValueError, TypeError
            If ``state`` is not such a dict or string, naming what is wrong.
        """
        state = _decode_state(state) if isinstance(state, str) else state
        _check_state(state, self.seed)
        # a state saved before the feature toggles gave the network x₁, x₂
        settings = {"features": DEFAULT_FEATURES, **state["settings"]}
        trained_with = state["trained_with"]
        for name, value in settings.items():
            if name not in self.controls:
                raise ValueError(f"state: {name!r} is not a control of the lab; its controls "
                                 f"are {', '.join(self.controls)}")
            check_control_value(name, self.controls[name], value)
        self.pause()
        self.preset_caption.value = (f"<b>saved state</b>: epoch {state['epoch']}, "
                                     f"{len(state['points'])} added points")
        self.points = [[float(x1), float(x2), int(label)] for x1, x2, label in state["points"]]
        self._set_quietly(settings)
        start = time.perf_counter()
        self.run = self._next_run()
        ends = [first - 1 for first, *_ in trained_with[1:]] + [state["epoch"]]
        with one_blas_thread():
            for (_, lam, dropout, lr), end in zip(trained_with, ends):
                self.run.lam, self.run.dropout, self.run.lr = lam, dropout, lr
                self.run.advance(end - self.run.epoch)
            for key in LIVE:  # what the controls show, for the next epochs
                setattr(self.run, key, settings[key])
        self._show(start)

    def add_point(self, x1, x2, label):
        """Add a training point of class ``label`` (0 or 1) at (x1, x2); the network retrains.

        Training starts again at epoch 0 (the whole run is shown when not playing).
        """
        if label not in (0, 1) or isinstance(label, bool):
            raise ValueError(f"label must be 0 or 1, got {label!r}")
        x1, x2 = (float(v) for v in (x1, x2))
        if not (np.isfinite(x1) and np.isfinite(x2)):
            raise ValueError(f"x1 and x2 must be finite numbers, got {x1!r}, {x2!r}")
        self.points.append([x1, x2, int(label)])
        self.redraw()

    def remove_point(self, x1, x2):
        """Remove the added point nearest to (x1, x2), if there is one; retrain."""
        if not self.points:
            return
        d = [(p[0] - x1) ** 2 + (p[1] - x2) ** 2 for p in self.points]
        del self.points[int(np.argmin(d))]
        self.redraw()

    def clear_points(self):
        """Remove every added point: back to the generated data; retrain."""
        if self.points:
            self.points = []
            self.redraw()

    def _set_quietly(self, values):
        with self.held():
            for name in self._selections_first(values):
                self.controls[name].value = values[name]

    def _show_state(self):
        text = _encode_state(self.state())
        if text == self._state_shown:
            return
        self._state_shown = text
        self.state_text.value = text
        data = base64.b64encode(json.dumps(self.state(), indent=1).encode()).decode()
        self.save_link.value = (f"<a download='regularization-lab.json' "
                                f"href='data:application/json;base64,{data}'>Save .json</a>")

    def _on_state_text(self, change):
        if change["new"] and change["new"] != self._state_shown:
            try:
                self.load_state(change["new"])
            except (ValueError, TypeError) as error:
                self.preset_caption.value = f"<b>That state was not loaded</b>: {error}"

    def _on_upload(self, change):
        files = change["new"]
        if not files:
            return
        content = files[0]["content"]
        try:
            self.load_state(json.loads(bytes(content).decode()))
        except (ValueError, TypeError) as error:
            self.preset_caption.value = f"<b>That file was not loaded</b>: {error}"

    def _connect_clicks(self):
        """Clicks on the picture, through ipyevents (if installed; else no clicks)."""
        try:
            from ipyevents import Event
        except ImportError:
            self.click_events = None
            return
        self.click_events = Event(source=self.image, watched_events=["click"],
                                  prevent_default_action=True)
        self.click_events.on_dom_event(self.own_thread.wrap(self._on_click))

    def _on_click(self, event):
        """Add a point of the selected class where the boundary was clicked, or remove one."""
        point = self.figure_maker.data_point(
            event["relativeX"] / event["boundingRectWidth"],
            event["relativeY"] / event["boundingRectHeight"])
        if point is None:  # not on the boundary map
            return
        x1, x2 = round(point[0], 2), round(point[1], 2)
        self._from_browser = True
        if self.point_class.value == "remove" or event.get("shiftKey"):
            self.remove_point(x1, x2)
        else:
            self.add_point(x1, x2, self.point_class.value)


def _point_tuple(points):
    return tuple(tuple(p) for p in points)


def _encode_state(state):
    """Encode a lab state as a short string: URL-safe base64 of zlib-compressed JSON."""
    compact = json.dumps(state, separators=(",", ":"), ensure_ascii=False)
    return base64.urlsafe_b64encode(zlib.compress(compact.encode(), 9)).decode()


def _decode_state(text):
    """Return the dict ``_encode_state`` made ``text`` from."""
    try:
        return json.loads(zlib.decompress(base64.urlsafe_b64decode(text.strip().encode())))
    except (ValueError, zlib.error) as error:
        raise ValueError(f"state must be the string a lab shows (lab.state_string()), got "
                         f"{short_repr(text)} ({error})") from None


def _check_state(state, seed):
    if not isinstance(state, dict):
        raise TypeError(f"state must be a dict from lab.state() or its string, got "
                        f"{type(state).__name__}")
    missing = [key for key in ("version", "seed", "settings", "points", "epoch",
                               "trained_with") if key not in state]
    if missing:
        raise ValueError(f"state must have the keys of lab.state(); missing {missing}")
    if state["version"] != STATE_VERSION:
        raise ValueError(f"state version must be {STATE_VERSION}, got {state['version']!r}")
    if state["seed"] != seed:
        raise ValueError(f"state was made with seed {state['seed']!r}; this lab has seed "
                         f"{seed}: use regularization_lab(state=...), which takes the seed "
                         "from the state")
    epoch = check_int(state["epoch"], "state epoch", minimum=0)
    firsts = [row[0] for row in state["trained_with"]]
    if epoch and (not firsts or firsts[0] != 1 or firsts != sorted(firsts)
                  or firsts[-1] > epoch):
        raise ValueError(f"state trained_with must start at epoch 1 and rise to at most "
                         f"epoch {epoch}, got first epochs {firsts}")


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


def regularization_lab(seed=0, state=None):
    """Make the regularization lab panel, which trains as you watch (see the module docstring).

    Parameters
    ----------
    seed : int
        Seeds the data, the split, the weights and the dropout masks.
    state : dict or str, optional
        A lab's ``state()`` or the string it shows (``state_string()``): the lab rebuilds
        that run (settings, seed, added points, epochs and mid-run changes); its seed wins.

    Returns
    -------
    RegularizationLab
        A ``Panel`` with CSS class ``regularization-lab``; ``play()``, ``pause()``,
        ``step()``, ``reset()`` and ``epoch`` drive it from code, ``presets`` /
        ``load_preset(name)`` the scenarios, ``add_point`` / ``clear_points`` the added
        points.
    """
    if isinstance(state, str):
        state = _decode_state(state)
    if isinstance(state, dict) and "seed" in state:
        seed = state["seed"]
    return RegularizationLab(seed=seed, state=state)


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
    """Make a panel of one dropout mask (a rate and a seed): its dropped units, the count kept.

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

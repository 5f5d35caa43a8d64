"""Panels of lecture §4.4-§4.5: every control at its extremes and between redraws the figure."""

import re

import numpy as np
import pytest
from panel_checks import sweep

from mlp_core import MLP, TrainingDivergedError, accuracy, fit
from mlp_core.plotting import new_figure, plot_loss_curves, training_figure
from mlp_core.plotting.training import LOSS_CAP
from mlp_core.recipes import toy_split, train_toy_network
from mlp_core.widgets import backprop_panel, training_panel
from mlp_core.widgets.backprop import _backprop_state
from mlp_core.widgets.base import switched_off_message
from mlp_core.widgets.training import _switched_off, _train


@pytest.fixture(scope="module")
def bp_panel():
    return backprop_panel()


@pytest.fixture(scope="module")
def tr_panel():
    return training_panel()


@pytest.mark.parametrize("name", ["l", "loss", "lam", "activation"])
def test_backprop_panel_controls(bp_panel, name):
    sweep(bp_panel, name)


def test_backprop_panel_css_and_summary(bp_panel):
    assert "backprop-panel" in bp_panel.widget._dom_classes
    assert "mlp-panel" in bp_panel.widget._dom_classes
    bp_panel.controls["l"].value = 1
    assert "(12, 6)" in bp_panel.summary.value and "(6, 2)" in bp_panel.summary.value


@pytest.mark.parametrize("loss", ["mse", "cross_entropy", "binary_cross_entropy"])
def test_backprop_state_shapes_and_lambda(loss):
    n_out = 2 if loss == "cross_entropy" else 1
    sizes = [2, 6, 5, n_out]
    for l in (1, 2, 3):
        plain = _backprop_state(l, loss, 0.0, "tanh")
        reg = _backprop_state(l, loss, 0.5, "tanh")
        assert plain["delta"].shape == (12, sizes[l])
        assert plain["grad_W"].shape == (sizes[l], sizes[l - 1])
        np.testing.assert_allclose(plain["delta"], reg["delta"])  # λ leaves δ alone
        np.testing.assert_allclose(reg["grad_W"] - plain["grad_W"], 0.5 * plain["W"])


@pytest.mark.parametrize("name", ["lr", "batch_size", "epochs", "dataset", "loss"])
def test_training_panel_controls(tr_panel, name):
    sweep(tr_panel, name)


def test_training_panel_css(tr_panel):
    assert "training-panel" in tr_panel.widget._dom_classes
    assert "mlp-panel" in tr_panel.widget._dom_classes


@pytest.mark.parametrize("dataset", ["moons", "circles", "xor", "spirals"])
def test_too_large_learning_rate_says_diverged(tr_panel, dataset):
    tr_panel.controls["dataset"].value = dataset
    tr_panel.controls["lr"].value = 10.0
    try:
        assert "Training diverged" in tr_panel.summary.value
        assert "Lower the learning rate" in tr_panel.summary.value
    finally:
        tr_panel.controls["lr"].value = 0.1
    assert "diverged" not in tr_panel.summary.value


def test_epochs_change_the_figure_after_an_early_divergence(tr_panel):
    tr_panel.controls["lr"].value = 10.0
    tr_panel.controls["batch_size"].value = 149
    try:
        tr_panel.controls["epochs"].value = 100
        assert "Training diverged" in tr_panel.summary.value
        before = hash(tr_panel.image.value)
        tr_panel.controls["epochs"].value = 99  # same run, diverged before epoch 99
        assert hash(tr_panel.image.value) != before
    finally:
        tr_panel.controls["lr"].value = 0.1
        tr_panel.controls["batch_size"].value = 16
        tr_panel.controls["epochs"].value = 30


def test_diverged_run_keeps_finite_weights():
    run = _train("moons", 10.0, 16, 30)
    assert run.error is not None
    assert len(run.history.train_loss) == run.error.epoch - 1
    assert all(np.all(np.isfinite(W)) for W in run.net.weights)


@pytest.mark.parametrize("loss, label", [("mse", "ŷ (clipped to [0, 1])"),
                                         ("binary_cross_entropy", "P(y = 1 | x)")])
def test_training_figure_colour_bar_names_what_it_shows(loss, label):
    run = _train("moons", 0.1, 16, 3, loss=loss)
    fig = training_figure(run.history, run.net, run.X_train, run.y_train, run.X_val,
                          run.y_val, loss=loss)
    colour_bar = fig.axes[-1]  # loss curves, decision map, then its colour bar
    assert colour_bar.get_ylabel() == label


def _silent_second_layer(run):
    """Return True if no unit of the second hidden layer is positive for any point."""
    (W1, W2, _), (b1, b2, _) = run.net.weights, run.net.biases
    X = np.vstack([run.X_train, run.X_val])
    z2 = np.maximum(X @ W1.T + b1, 0) @ W2.T + b2
    return not np.any(z2 > 0)


def test_learning_rates_of_notebook_06_what_to_try():
    """Keeps notebook 06's 'what to try' list and section 5 true (moons, batch 16, 30 epochs).

    The notebook's prose states what happens at the slider's learning rates; the expected
    outcomes here are those statements, observed in the seeded runs, not derived from
    theory. A change in mlp_core that alters them must come with a change of the text.
    The bookkeeping of fit itself is tested in test_training_epochs.py.
    """
    runs = {}
    for loss in ("mse", "binary_cross_entropy"):
        for k in (-1, 0, 1, 2, 3, 4):  # the slider's steps 10^(k/4): 0.562, 1, ..., 5.62, 10
            run = _train("moons", 10 ** (k / 4), 16, 30, loss=loss)
            runs[loss, k] = run, run.accuracy(run.X_val, run.y_val)
    # mse: learns at 0.56; from lr=1 on every run is reported diverged, at 1 in epoch 1
    assert runs["mse", -1][0].error is None and runs["mse", -1][1] >= 0.9
    assert all(runs["mse", k][0].error is not None for k in (0, 1, 2, 3, 4))
    assert runs["mse", 0][0].error.epoch == 1
    # the section 5 run: full batches at lr=1 get past epoch 1 before they diverge
    full = _train("moons", 1.0, 150, 30)
    assert full.error is not None and full.error.epoch > 1
    assert len(full.history.train_loss) == full.error.epoch - 1
    # cross-entropy: learns at 1, erratic at 1.78; at 5.62 and 10 never diverged, but the
    # second hidden layer is silent: one class for every point
    assert runs["binary_cross_entropy", 0][1] >= 0.9
    erratic = runs["binary_cross_entropy", 1][0].history.train_loss
    assert erratic[-1] > 2 * min(erratic) and runs["binary_cross_entropy", 1][1] < 0.9
    for k in (3, 4):
        top, accuracy_val = runs["binary_cross_entropy", k]
        assert top.error is None and _silent_second_layer(top) and accuracy_val == 0.5


@pytest.mark.parametrize("lr", [10 ** 0.75, 10.0])  # the slider's 5.62 and its top
def test_a_network_that_switched_off_gets_a_note(tr_panel, lr):
    tr_panel.set(dataset="moons", batch_size=16, epochs=30)  # notebook 06's settings
    tr_panel.controls["loss"].value = "binary_cross_entropy"
    tr_panel.controls["lr"].value = lr
    try:
        run = _train("moons", lr, 16, 30, loss="binary_cross_entropy")
        assert run.error is None and _silent_second_layer(run)  # what the note says
        summary = tr_panel.summary.value
        assert summary.startswith("<b style='color:#bd1f01'>The network switched off</b>: "
                                  "every unit of h^(2) is switched off"), summary
        assert "one class for every input" in summary and "Lower the learning rate" in summary
        assert "diverged" not in summary
        assert "accuracy 50% (training), 50% (validation)" in summary
    finally:
        tr_panel.controls["loss"].value = "mse"
        tr_panel.controls["lr"].value = 0.1
    assert "switched off" not in tr_panel.summary.value


@pytest.mark.parametrize("loss", ["mse", "binary_cross_entropy"])
def test_healthy_runs_get_no_switched_off_note(tr_panel, loss):
    tr_panel.set(lr=0.1, batch_size=16, epochs=30)  # the panel's defaults
    tr_panel.controls["loss"].value = loss
    try:
        for dataset in ("moons", "circles", "xor", "spirals"):
            tr_panel.controls["dataset"].value = dataset
            assert "switched off" not in tr_panel.summary.value, (dataset, loss)
    finally:
        tr_panel.controls["dataset"].value = "moons"
        tr_panel.controls["loss"].value = "mse"


def test_switched_off_finds_the_dead_layer_or_the_constant_output():
    run = _train("moons", 0.1, 16, 3)
    assert _switched_off(run) == (False, None)
    W2, b2 = run.net.weights[1], run.net.biases[1]
    W2_kept, b2_kept = W2.copy(), b2.copy()
    W2[:] = 0.0
    b2[:] = -1.0  # z^(2) = -1 for every point: every ReLU of h^(2) is 0
    assert _switched_off(run) == (True, 2)
    b2[:] = 1.0  # h^(2) = 1 for every point: no layer dead, but ŷ is constant
    assert _switched_off(run) == (True, None)
    W2[:], b2[:] = W2_kept, b2_kept
    assert _switched_off(run) == (False, None)
    note = switched_off_message(None)
    assert "the output ŷ is the same for every training point" in note
    assert "gets no gradient" not in note  # that reason is for dead ReLU units only
    assert "every unit of h^(1) is switched off" in switched_off_message(1)


def test_plot_loss_curves_variants():
    history = {"train_loss": [1.0, 0.5, 0.2, 0.1], "val_loss": [1.1, 0.7, 0.4, 0.45]}
    for kwargs in ({}, {"best_epoch": 3, "title": "t", "log_y": True}):
        fig, ax = new_figure()
        plot_loss_curves(ax, history, **kwargs)
        assert len(ax.lines) == 2 + ("best_epoch" in kwargs)
        assert ax.get_yscale() == ("log" if kwargs else "linear")
    fig, ax = new_figure()
    plot_loss_curves(ax, {"train_loss": [1e250, 1e300], "val_loss": []}, log_y=True)
    fig.canvas.draw()  # a nearly overflowing loss must still draw, without warnings
    fig, ax = new_figure()
    plot_loss_curves(ax, {"train_loss": []})  # a run that diverged in epoch 1
    fig.canvas.draw()


def test_divergence_in_epoch_1_shows_dashes_and_the_initial_weights(tr_panel):
    tr_panel.controls["dataset"].value = "moons"
    tr_panel.controls["lr"].value = 10.0
    tr_panel.controls["batch_size"].value = 1  # diverges in epoch 1
    try:
        summary = tr_panel.summary.value
        assert summary.startswith("<b style='color:#bd1f01'>Training diverged</b> in epoch 1")
        assert "Training loss —, validation loss —; accuracy — (training), — (validation)" \
            in summary
        assert re.search(r"\d%|e\+\d", summary) is None  # no accuracy, no runaway loss
        ax_map = tr_panel.figure.axes[1]
        assert ax_map.get_title() == "initial weights (diverged in epoch 1)"
    finally:
        tr_panel.controls["lr"].value = 0.1
        tr_panel.controls["batch_size"].value = 16
    assert tr_panel.figure.axes[1].get_title() == "decision boundary after training"


def test_training_figure_names_the_weights_after_a_later_divergence():
    run = _train("moons", 1.0, 150, 30)  # full batches: diverges after a few epochs
    assert run.error is not None and run.error.epoch > 1
    fig = training_figure(run.history, run.net, run.X_train, run.y_train,
                          diverged_epoch=run.error.epoch)
    assert fig.axes[1].get_title() == (f"decision boundary after epoch {run.error.epoch - 1} "
                                       f"(diverged in epoch {run.error.epoch})")


@pytest.mark.parametrize("log_y", [True, False])
def test_losses_above_the_cap_are_drawn_at_the_top_and_marked(log_y):
    fig, ax = new_figure()
    plot_loss_curves(ax, {"train_loss": [1.0, 1e150, 1e250, 1e300],
                          "val_loss": [1.0, 1e150, 1e210, 1e300]}, log_y=log_y)
    fig.canvas.draw()
    top = ax.get_ylim()[1]
    assert top >= LOSS_CAP
    for line in ax.lines:
        assert np.max(line.get_ydata()) <= LOSS_CAP < top  # every point on the axis
    capped = [line for line in ax.lines if line.get_marker() == "^"]
    assert [list(line.get_xdata()) for line in capped] == [[3, 4], [3, 4]]
    assert [t.get_text() for t in ax.texts] == ["▲ values above 1e200 drawn at the top"]
    fig, ax = new_figure()
    plot_loss_curves(ax, {"train_loss": [1.0, 1e199], "val_loss": [1.0, 1e199]},
                     log_y=log_y)
    assert not ax.texts and all(line.get_marker() != "^" for line in ax.lines)


def test_loss_curve_legend_sits_below_the_axes():
    run = _train("moons", 0.1, 16, 30)
    fig = training_figure(run.history, run.net, run.X_train, run.y_train, run.X_val,
                          run.y_val)
    fig.canvas.draw()
    ax_loss = fig.axes[0]
    legend = ax_loss.get_legend().get_window_extent()
    assert legend.y1 < ax_loss.get_window_extent().y0  # under the axes: it hides no curve
    assert legend.y0 >= 0  # and inside the figure


# --- the one routine behind every training panel (mlp_core.recipes) ---------------------

def test_train_toy_network_is_data_split_mlp_fit():
    """The routine does exactly toy_split -> MLP -> fit, so its run can be redone by hand."""
    settings = dict(lr=0.3, epochs=12, batch_size=20, lam=0.001, momentum=0.5, seed=4)
    run = train_toy_network("moons", n=80, noise=0.2, val_size=0.25, hidden=(6,),
                            activation="tanh", loss="binary_cross_entropy", **settings)
    X_train, X_val, y_train, y_val = toy_split("moons", n=80, noise=0.2, val_size=0.25,
                                               seed=4)
    np.testing.assert_array_equal(run.X_train, X_train)
    np.testing.assert_array_equal(run.y_val, y_val)
    assert (len(X_train), len(X_val)) == (60, 20)
    assert np.bincount(y_val).tolist() == [10, 10]  # stratified
    net = MLP([2, 6, 1], activation="tanh", seed=4)
    history = fit(net, X_train, y_train, loss="binary_cross_entropy",
                  validation=(X_val, y_val), progress=False, **settings)
    assert run.history.train_loss == history.train_loss
    assert run.history.val_loss == history.val_loss
    assert run.error is None and run.seconds > 0 and run.loss == "binary_cross_entropy"
    assert run.data_loss(X_val, y_val) == pytest.approx(history.val_loss[-1])
    assert run.accuracy(X_val, y_val) == accuracy(net, X_val, y_val, "binary_cross_entropy")


def test_train_toy_network_reports_a_divergence_instead_of_raising():
    run = train_toy_network("moons", n=200, val_size=0.25, hidden=(16, 16), loss="mse",
                            lr=10.0, epochs=30, batch_size=16)
    assert isinstance(run.error, TrainingDivergedError)
    assert len(run.history.train_loss) == run.error.epoch - 1
    assert all(np.all(np.isfinite(W)) for W in run.net.weights)


def test_train_toy_network_batch_larger_than_the_set_is_full_batch():
    common = dict(n=40, val_size=0.25, hidden=(4,), loss="mse", lr=0.1, epochs=5)
    full = train_toy_network("xor", batch_size=None, **common)
    large = train_toy_network("xor", batch_size=1000, **common)
    assert large.history.train_loss == full.history.train_loss

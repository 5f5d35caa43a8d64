"""Panels of lecture §4.4-§4.5: every control at its extremes and between redraws the figure."""

import numpy as np
import pytest
from panel_checks import sweep

from mlp_core.plotting import new_figure, plot_loss_curves
from mlp_core.widgets import backprop_panel, training_panel
from mlp_core.widgets.backprop import backprop_state
from mlp_core.widgets.training import train_toy


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
        plain = backprop_state(l, loss, 0.0, "tanh")
        reg = backprop_state(l, loss, 0.5, "tanh")
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
        assert "Diverged" in tr_panel.summary.value
        assert "smaller learning rate" in tr_panel.summary.value
    finally:
        tr_panel.controls["lr"].value = 0.1
    assert "Diverged" not in tr_panel.summary.value


def test_epochs_change_the_figure_after_an_early_divergence(tr_panel):
    tr_panel.controls["lr"].value = 10.0
    tr_panel.controls["batch_size"].value = 149
    try:
        tr_panel.controls["epochs"].value = 100
        assert "Diverged" in tr_panel.summary.value
        before = hash(tr_panel.image.value)
        tr_panel.controls["epochs"].value = 99  # same run, diverged before epoch 99
        assert hash(tr_panel.image.value) != before
    finally:
        tr_panel.controls["lr"].value = 0.1
        tr_panel.controls["batch_size"].value = 16
        tr_panel.controls["epochs"].value = 30


def test_diverged_run_keeps_finite_weights():
    run = train_toy("moons", 10.0, 16, 30)
    assert run.error is not None
    assert len(run.history.train_loss) == run.error.epoch - 1
    assert all(np.all(np.isfinite(W)) for W in run.net.weights)


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

"""Widget tests for lecture §4.6: the regularization lab, early stopping and dropout panels.

Every control of every panel is set to its extremes and to values between; each change must
redraw without error (or warning: run with ``-W error``) and change the PNG. The lab must
retrain with exactly the settings shown, and the same settings must give the same bytes.
"""

from __future__ import annotations

import re

import ipywidgets as widgets
import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")

from matplotlib.contour import ContourSet  # noqa: E402
from panel_checks import dropdown_values, sweep  # noqa: E402

from mlp_core import MLP, EarlyStopping, l2_penalty  # noqa: E402
from mlp_core.data import TOY_DATASETS  # noqa: E402
from mlp_core.plotting import new_figure  # noqa: E402
from mlp_core.plotting.training import plot_decision_boundary, probability_grid  # noqa: E402
from mlp_core.widgets import (  # noqa: E402
    dropout_panel,
    early_stopping_panel,
    regularization_lab,
)
from mlp_core.widgets.controls import ToggleRow  # noqa: E402
from mlp_core.widgets.regularization import (  # noqa: E402
    _dropout_masks,
    _lab_data,
    _lab_run,
    _lab_summary,
)

LAB_DESCRIPTIONS = ["λ (L2)", "dropout", "hidden layers", "width", "learning rate", "epochs",
                    "activation", "data set", "noise", "training points", "batch size"]
#: The keys: the keyword arguments of _lab_run, in the same order as the labels above.
LAB_KEYS = ["lam", "dropout", "hidden_layers", "width", "lr", "epochs", "activation",
            "dataset", "noise", "n_train", "batch_size"]


@pytest.fixture(scope="module")
def lab():
    return regularization_lab()


def test_lab_controls_are_exactly_as_specified(lab):
    # the input-feature toggles, one control of buttons, are tested in test_live_lab
    assert list(lab.controls) == [*LAB_KEYS, "features"]
    assert [c.description for c in lab.controls.values()] == [*LAB_DESCRIPTIONS, "inputs"]
    assert "regularization-lab" in lab.widget._dom_classes
    assert "mlp-panel" in lab.widget._dom_classes
    for control in lab.controls.values():
        if not isinstance(control, (widgets.Dropdown, ToggleRow)):  # clicks: no dragging
            assert control.continuous_update is False
    assert lab.controls["lam"].min == 0.0
    assert (lab.controls["dropout"].min, lab.controls["dropout"].max) == (0.0, 0.8)
    assert (lab.controls["hidden_layers"].min, lab.controls["hidden_layers"].max) == (0, 4)
    assert dropdown_values(lab.controls["activation"]) == ["relu", "sigmoid", "tanh"]
    assert [label for label, _ in lab.controls["dataset"].options] == [
        "moons", "circles", "XOR", "spirals"]
    assert dropdown_values(lab.controls["dataset"]) == list(TOY_DATASETS)


@pytest.mark.parametrize("name", LAB_KEYS)
def test_lab_every_control_redraws(lab, name):
    sweep(lab, name)
    assert lab.last_seconds > 0


def test_lab_defaults_overfit_and_regularization_shrinks_the_gap():
    def gap(**settings):
        run = _lab_run(**settings)
        return run.data_loss(run.X_val, run.y_val) - run.data_loss(run.X_train, run.y_train)

    base = gap()
    assert base > 0.5
    assert gap(lam=0.01) < base / 2
    assert gap(dropout=0.5) < base / 2
    assert gap(hidden_layers=3) > base


def test_lab_retrains_with_the_settings_shown():
    lab = regularization_lab()
    assert lab.net.layer_sizes == [2, 32, 32, 1]
    lab.controls["hidden_layers"].value = 3
    assert lab.net.n_hidden == 3
    lab.controls["width"].value = 16
    assert lab.net.layer_sizes == [2, 16, 16, 16, 1]
    lab.controls["epochs"].value = 50
    assert len(lab.history.train_loss) == 50
    lab.controls["activation"].value = "tanh"
    assert lab.net.activation.name == "tanh"
    lab.controls["dataset"].value = "xor"
    np.testing.assert_array_equal(lab.run.X_train, _lab_data("xor", 0.35, 0)[0])
    weights_sq = l2_penalty(lab.net.weights, 1.0)
    lab.controls["lam"].value = 0.03
    assert l2_penalty(lab.net.weights, 1.0) < weights_sq
    assert "generalization gap" in lab.summary.value


def test_lab_same_settings_give_the_same_image():
    first, second = regularization_lab(), regularization_lab()
    assert first.image.value == second.image.value
    start = first.image.value
    first.controls["lam"].value = 0.01
    assert first.image.value != start
    first.controls["lam"].value = 0.0
    assert first.image.value == start


def test_lab_divergence_is_drawn_and_reported():
    lab = regularization_lab()
    lab.controls["width"].value = 128
    lab.controls["hidden_layers"].value = 4
    lab.controls["lr"].value = 1.0
    assert lab.run.error is not None
    assert "diverged" in lab.summary.value
    assert np.all([np.isfinite(W).all() for W in lab.net.weights])


def test_lab_summary_after_divergence_shows_no_losses():
    # the last finite network of a diverged run has losses of 1e27 and more: print "—" instead
    run = _lab_run(hidden_layers=4, width=128, lr=1.0)
    assert run.error is not None
    summary = _lab_summary(run)
    assert summary.startswith("<b style='color:#bd1f01'>Training diverged</b>")
    assert "(validation − training loss): <b>—</b>" in summary
    assert "loss: training —, validation —" in summary
    assert "accuracy: training —, validation —" in summary  # not 50 % of a broken net
    assert f"in epoch {run.error.epoch}" in summary and "Lower the learning rate" in summary
    assert re.search(r"\d{7,}", summary) is None  # no runaway numbers
    healthy = _lab_summary(_lab_run())
    assert "diverged" not in healthy and "—" not in healthy
    assert re.search(r"training loss\): <b>\d\.\d{3}</b>", healthy)


def test_lab_harsh_combinations_do_not_raise():
    lab = regularization_lab()
    for name, value in [("epochs", 10), ("activation", "sigmoid"), ("dropout", 0.8),
                        ("width", 2), ("hidden_layers", 4), ("noise", 0.0),
                        ("dataset", "xor"), ("lr", 1.0), ("lam", 0.05)]:
        lab.controls[name].value = value
        assert lab.image.value


@pytest.mark.parametrize("name", ["patience", "min_delta", "epochs"])
def test_early_stopping_panel_every_control_redraws(name):
    panel = early_stopping_panel()
    assert "early-stopping-panel" in panel.widget._dom_classes
    sweep(panel, name)


def test_early_stopping_restores_the_best_weights():
    X_train, X_val, y_train, y_val = _lab_data()
    run = _lab_run(patience=5, min_delta=0.0, epochs=300)
    net, history = run.net, run.history
    assert history.stopped_early
    assert history.stopped_epoch - history.best_epoch == 5
    assert history.best_epoch == int(np.argmin(history.val_loss)) + 1
    restored = net.loss(X_val, y_val, "binary_cross_entropy")
    assert restored == pytest.approx(history.val_loss[history.best_epoch - 1], rel=1e-6)


def test_early_stopping_counts_improvements_not_errors():
    # a loss that keeps falling by 0.001 per epoch never "improves" by min_delta = 0.01
    stopper = EarlyStopping(patience=3, min_delta=0.01)
    stops = [stopper.update(epoch, 0.5 - 0.001 * epoch) for epoch in range(1, 10)]
    assert stops.index(True) + 1 == 4
    assert stopper.best_epoch == 1


@pytest.mark.parametrize("name", ["p", "mask_seed"])
def test_dropout_panel_every_control_redraws(name):
    panel = dropout_panel()
    assert "dropout-panel" in panel.widget._dom_classes
    sweep(panel, name)


@pytest.mark.parametrize("p", [0.0, 0.25, 0.5, 0.8])
def test_dropout_masks_are_inverted(p):
    masks = _dropout_masks(p, seed=3)
    assert [m.shape for m in masks] == [(10,), (10,)]
    for m in masks:
        assert set(np.unique(m)) <= {0.0, 1 / (1 - p)}
    mean = np.mean([np.concatenate(_dropout_masks(p, seed=s)) for s in range(2000)])
    assert mean == pytest.approx(1.0, abs=0.05)


@pytest.mark.parametrize("kwargs, error, message", [
    ({"layer_sizes": (4, 3)}, ValueError,
     r"layer_sizes must list an input size, at least one hidden layer and an output size "
     r"\[N_I, N_1, \.\.\., N_O\], got \(4, 3\)"),
    ({"layer_sizes": (4, 0, 3)}, ValueError, r"layer_sizes\[1\] must be >= 1, got 0"),
    ({"layer_sizes": (4, 10, -2, 3)}, ValueError, r"layer_sizes\[2\] must be >= 1, got -2"),
    ({"layer_sizes": (4, 2.5, 3)}, TypeError, r"layer_sizes\[1\] must be an integer >= 1, "
                                              r"got 2\.5"),
    ({"layer_sizes": "abc"}, TypeError, r"layer_sizes must be a sequence of integers "
                                        r"\[N_I, N_1, \.\.\., N_O\], got 'abc'"),
    ({"layer_sizes": None}, TypeError, r"layer_sizes must be a sequence .*got None"),
    ({"seed": 25}, ValueError, r"seed must be an integer in \[0, 20\], got 25"),
    ({"seed": -1}, ValueError, r"seed must be an integer in \[0, 20\], got -1"),
    ({"seed": "a"}, TypeError, r"seed must be an integer in \[0, 20\], got 'a'"),
    ({"seed": True}, TypeError, r"seed must be an integer in \[0, 20\], got True"),
])
def test_dropout_panel_refuses_bad_arguments_before_building_a_widget(kwargs, error, message):
    from ipywidgets.widgets.widget import _instances

    before = len(_instances)
    with pytest.raises(error, match=message):
        dropout_panel(**kwargs)
    assert len(_instances) == before


def test_dropout_panel_takes_any_valid_network_and_the_slider_ends():
    panel = dropout_panel(seed=20, layer_sizes=(1, 1, 1))
    assert panel.values["mask_seed"] == 20
    assert "of 1 hidden units" in panel.summary.value
    assert dropout_panel(seed=np.int64(0), layer_sizes=[4, 50, 3]).values["mask_seed"] == 0


def test_plot_decision_boundary_labels_and_checks():
    X_train, X_val, y_train, y_val = _lab_data()
    net = MLP([2, 8, 1], seed=0)
    fig, ax = new_figure()
    image = plot_decision_boundary(ax, net, X_train, y_train, X_val, y_val, resolution=30)
    assert image.get_array().shape == (30, 30)
    assert ax.get_xlabel().startswith("x₁") and ax.get_ylabel().startswith("x₂")
    assert len(ax.get_legend().get_texts()) == 4
    with pytest.raises(ValueError, match="together"):
        plot_decision_boundary(ax, net, X_train, y_train, X_val)
    with pytest.raises(ValueError, match="2 inputs"):
        probability_grid(MLP([3, 1]), X_train)
    with pytest.raises(ValueError, match="two classes"):
        probability_grid(MLP([2, 3]), X_train, loss="cross_entropy")


def test_plot_decision_boundary_one_class_everywhere_has_no_contour():
    X_train, _, y_train, _ = _lab_data()
    net = MLP([2, 4, 1], seed=0)
    net.biases[-1][:] = 50.0  # P(y = 1) ≈ 1 everywhere: no 0.5 level to draw, no warning
    extent, prob = probability_grid(net, X_train, resolution=20)
    assert prob.min() > 0.5
    fig, ax = new_figure()
    plot_decision_boundary(ax, net, X_train, y_train, colorbar=False, legend=False)
    assert not any(isinstance(c, ContourSet) for c in ax.collections)


def _legend_clear_of_curves(fig, ax):
    """Return True if the legend of ``ax`` lies below the axes and inside the figure."""
    fig.canvas.draw()
    legend = ax.get_legend().get_window_extent()
    return legend.y1 < ax.get_window_extent().y0 and legend.y0 >= 0


@pytest.mark.parametrize("dataset", ["circles", "spirals"])
def test_lab_loss_legend_hides_no_curve(dataset):
    lab = regularization_lab()
    lab.controls["dataset"].value = dataset
    ax_net, ax_map, ax_loss = lab.figure.axes
    assert ax_loss.get_xlabel() == "epoch"
    assert _legend_clear_of_curves(lab.figure, ax_loss)


@pytest.mark.parametrize("patience, epochs", [(10, 300), (50, 20), (50, 50)])
def test_early_stopping_legend_hides_no_curve_or_line(patience, epochs):
    panel = early_stopping_panel()
    panel.controls["patience"].value = patience
    panel.controls["epochs"].value = epochs
    ax = panel.figure.axes[0]
    assert _legend_clear_of_curves(panel.figure, ax)
    assert len(ax.get_legend().get_texts()) == 5  # both curves, full run, best, stopped


def test_divergence_helpers():
    from mlp_core.training import History, TrainingDivergedError
    from mlp_core.widgets.base import diverged_message, number_or_dash

    assert [number_or_dash(v) for v in (0.12345, float("nan"), float("inf"), None)] == \
        ["0.123", "—", "—", "—"]
    assert number_or_dash(0.5, ".0%") == "50%"
    first = diverged_message(TrainingDivergedError(1, 10.0, History()))
    assert "in epoch 1" in first and "initial weights" in first
    later = diverged_message(TrainingDivergedError(7, 10.0, History()))
    assert "the network after epoch 6" in later and "Lower the learning rate" in later


def test_lab_set_trains_once_with_all_the_settings():
    lab = regularization_lab()
    redraws = lab.redraws
    lab.set(lam=0.01, dropout=0.2, hidden_layers=1, lr=0.3)
    assert lab.redraws == redraws + 1
    assert lab.net.layer_sizes == [2, 32, 1]
    expected = _lab_run(lam=0.01, dropout=0.2, hidden_layers=1, lr=0.3)
    assert lab.history.train_loss == expected.history.train_loss
    with pytest.raises(ValueError, match=r"lr must be in \[0.001, 1.0\], got 3.0"):
        lab.set(lr=3.0)  # the log slider's range is 10^-3 .. 10^0
    with pytest.raises(ValueError, match=r"lam must be in \[0.0, 0.05\], got 0.1"):
        lab.set(lam=0.1)  # a float slider would clamp it to 0.05
    with pytest.raises(ValueError, match=r"hidden_layers must be an integer in \[0, 4\], got 5"):
        lab.set(hidden_layers=5)
    assert lab.redraws == redraws + 1  # none of the refused calls redrew
    with pytest.raises(ValueError, match=r"dataset must be one of \['moons', 'circles', "
                                         r"'xor', 'spirals'\], got 'XOR'"):
        lab.set(dataset="XOR")  # the label, not the value

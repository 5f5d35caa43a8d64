"""Branches the main tests do not reach: rare messages and refusals, each with its text.

Found by running coverage over the unit tests; every line here was unexecuted before.
"""

import tracemalloc

import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")

from mlp_core import MLP, History  # noqa: E402
from mlp_core._checks import check_real, check_targets  # noqa: E402
from mlp_core.memory import peak_bytes  # noqa: E402
from mlp_core.plotting import draw_network, new_figure  # noqa: E402
from mlp_core.plotting.activations import vanishing_figure  # noqa: E402
from mlp_core.plotting.training import probability_grid  # noqa: E402
from mlp_core.widgets import forward_panel  # noqa: E402
from mlp_core.widgets.regularization import _early_stopping_summary  # noqa: E402
from mlp_core.widgets.training import _summary  # noqa: E402
from mlp_core.widgets.training import _train as train_toy  # noqa: E402


def test_check_real_with_an_upper_end_only_states_it():
    with pytest.raises(ValueError, match="x must be a finite number <= 1, got 5.0"):
        check_real(5, "x", high=1)
    with pytest.raises(ValueError, match="x must be a finite number < 1, got 1.0"):
        check_real(1, "x", high=1, high_open=True)


def test_class_labels_of_the_wrong_shape_and_a_float_label_outside():
    with pytest.raises(ValueError, match=r"integer class labels of shape \(n_samples,\) for "
                                         r"loss 'cross_entropy', got shape \(4, 3\)"):
        check_targets(np.zeros((4, 3)), "cross_entropy", 3, np.float64)
    with pytest.raises(ValueError, match=r"labels must be in 0..2 .* got 7$"):
        check_targets(np.array([0.0, 7.0]), "cross_entropy", 3, np.float64)  # 7.0: label 7


def test_peak_bytes_refuses_to_run_inside_another_trace():
    tracemalloc.start()
    try:
        with pytest.raises(RuntimeError, match="peak_bytes needs tracemalloc to be off"):
            peak_bytes(lambda: None)
    finally:
        tracemalloc.stop()


def test_probability_grid_refuses_bad_points_and_resolution():
    net = MLP([2, 1], seed=0)
    with pytest.raises(ValueError, match=r"X must have shape \(n, 2\) with n >= 1, got \(3, 3\)"):
        probability_grid(net, np.zeros((3, 3)))
    with pytest.raises(ValueError, match="resolution must be >= 2, got 1"):
        probability_grid(net, np.zeros((3, 2)), resolution=1)


def test_draw_network_needs_room_for_the_ellipsis():
    fig, ax = new_figure()
    with pytest.raises(ValueError, match="max_units must be >= 4, got 3"):
        draw_network(ax, [2, 20, 1], max_units=3)


def test_vanishing_figure_clips_at_its_floor_and_says_so():
    note = "values below 1e-60 are drawn at 1e-60"
    curves = {"max sigmoid": 0.25 ** np.arange(1, 121)}  # 0.25^120 ≈ 6e-73 < 1e-60
    ax = vanishing_figure(curves, depth=120).axes[0]
    curve = ax.get_lines()[0]  # the semilogy line of the only curve
    assert curve.get_label() == "max sigmoid" and np.min(curve.get_ydata()) == 1e-60
    assert note in [t.get_text() for t in ax.texts]
    shallow = vanishing_figure({"max sigmoid": 0.25 ** np.arange(1, 21)}, depth=20).axes[0]
    assert note not in [t.get_text() for t in shallow.texts]  # nothing clipped, no note


def test_forward_panel_wants_a_pair():
    with pytest.raises(ValueError, match=r"x must be a pair \(x1, x2\) of numbers, got \(1.0,\)"):
        forward_panel(x=(1.0,))


def test_early_stopping_summary_after_a_first_epoch_divergence():
    assert _early_stopping_summary(None, History(), None, 5, 0.0, 0) == (
        "Training diverged in the first epoch: nothing to show.")


def test_training_summary_warns_when_the_loss_went_up():
    # moons with binary cross-entropy at η = 3.16 stays finite but ends above its first epoch
    run = train_toy("moons", 3.16, 16, 30, loss="binary_cross_entropy")
    assert run.error is None and run.history.train_loss[-1] > run.history.train_loss[0]
    text = _summary(run, "binary_cross_entropy", 3.16, 16)
    assert "<b>The loss went up</b>" in text and "try a smaller learning rate" in text
    calm = train_toy("moons", 0.1, 16, 30, loss="binary_cross_entropy")
    assert "went up" not in _summary(calm, "binary_cross_entropy", 0.1, 16)

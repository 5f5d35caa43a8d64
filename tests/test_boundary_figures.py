"""The two figures that put a decision boundary beside loss curves share one implementation.

``boundary_figure`` (notebook 07, the regularization lab) has the boundary on the left,
``training_figure`` (notebook 06, the training panel) on the right; both switch the loss
axis to a log scale when the finite losses span more than two orders of magnitude.
"""

import numpy as np
import pytest

from mlp_core import MLP, History
from mlp_core.data import make_moons
from mlp_core.plotting import boundary_figure, figure_to_png, training_figure
from mlp_core.plotting.regularization import dropout_figure
from mlp_core.plotting.training import boundary_and_loss_figure
from mlp_core.widgets.regularization import _dropout_masks


@pytest.fixture(scope="module")
def run():
    X, y = make_moons(60, seed=0)
    net = MLP([2, 6, 1], seed=0)
    history = History(train_loss=[0.7, 0.5, 0.4], val_loss=[0.72, 0.55, 0.5], best_epoch=3)
    return net, history, X[:40], y[:40], X[40:], y[40:]


def panels(fig):
    """(boundary axes, loss axes): the one with the shading image, the one with curves."""
    (ax_map,) = [ax for ax in fig.axes if ax.images]
    (ax_loss,) = [ax for ax in fig.axes if ax.get_xlabel() == "epoch"]
    return ax_map, ax_loss


def test_boundary_figure_has_the_boundary_left_and_training_figure_right(run):
    net, history, *data = run
    ax_map, ax_loss = panels(boundary_figure(net, history, *data, title="lab"))
    assert ax_map.get_position().x0 < ax_loss.get_position().x0
    assert ax_map.get_title() == "lab" and ax_loss.get_title() == "data loss L per epoch"
    ax_map, ax_loss = panels(training_figure(history, net, *data, title="run"))
    assert ax_loss.get_position().x0 < ax_map.get_position().x0
    assert ax_loss.get_title() == "run"
    assert ax_map.get_title() == "decision boundary after training"


@pytest.mark.parametrize("losses, scale", [
    ([1000.0, 10.0, 1.0, 0.5], "log"),  # spans more than two decades
    ([1.0, 0.5, 0.2, 0.1], "linear"),
    ([1.0, 0.5, 0.2, float("inf")], "linear"),  # a non-finite loss does not count
])
def test_both_figures_choose_the_loss_scale_alike(run, losses, scale):
    net, _, *data = run
    history = History(train_loss=losses, val_loss=losses)
    for fig in (boundary_figure(net, history, *data), training_figure(history, net, *data)):
        assert panels(fig)[1].get_yscale() == scale


def test_shared_builder_draws_the_same_panels_in_either_order(run):
    net, history, *data = run
    left = boundary_and_loss_figure(net, history, *data, resolution=30)
    right = boundary_and_loss_figure(net, history, *data, resolution=30, boundary_left=False)
    for fig, ax_map, ax_loss in (left, right):
        assert panels(fig) == (ax_map, ax_loss)
    assert left[1].get_position().x0 < left[2].get_position().x0
    assert right[2].get_position().x0 < right[1].get_position().x0
    np.testing.assert_array_equal(left[1].images[0].get_array(), right[1].images[0].get_array())


def test_dropout_figure_names_hidden_layers_with_superscripts():
    masks = _dropout_masks(0.5, 0, (4, 10, 10, 10, 3))
    fig = dropout_figure(masks, 0.5, 0, (4, 10, 10, 10, 3))
    labels = [t.get_text() for t in fig.axes[1].get_xticklabels()]
    assert labels == ["h⁽¹⁾", "h⁽²⁾", "h⁽³⁾"]
    assert figure_to_png(fig)[:8] == b"\x89PNG\r\n\x1a\n"

"""The figure of the training panel (lecture §4.5): loss curves beside the decision boundary.

It is ``boundaries.boundary_and_loss_figure`` (``plot_decision_boundary`` beside
``plot_loss_curves``) with the panels the other way round from notebook 07's
``boundary_figure``, wider, and titled for a single run. The loss axis switches to a log
scale when the loss spans more than two orders of magnitude, as it does when a too-large
learning rate makes training diverge.
"""

from __future__ import annotations

from .boundaries import boundary_and_loss_figure
from .style import styled

__all__ = ["training_figure"]


@styled
def training_figure(history, net, X_train, y_train, X_val=None, y_val=None, *,
                    loss="binary_cross_entropy", title=None, resolution=80,
                    diverged_epoch=None):
    """Loss curves per epoch (left) and the decision boundary after training (right).

    Parameters
    ----------
    history : mlp_core.History
        ``best_epoch`` (lowest validation loss) is marked when it is set.
    net : mlp_core.MLP
        Two inputs; one output ('mse', 'binary_cross_entropy') or two ('cross_entropy').
    X_train : ndarray of shape (n_train, 2)
    y_train : ndarray of shape (n_train,), labels 0/1
    X_val, y_val : ndarrays of shape (n_val, 2) and (n_val,), optional
        Drawn as white markers.
    loss : str
        The loss the network was trained with (it says how to read the output).
    title : str or None
        Title of the loss-curve axes.
    resolution : int
        Grid points per axis of the decision map.
    diverged_epoch : int or None
        The epoch in which training diverged, if it did: the boundary then shows the weights
        after the epoch before (the initial weights for a divergence in epoch 1).

    Returns
    -------
    matplotlib.figure.Figure
    """
    fig, ax_map, ax_loss = boundary_and_loss_figure(
        net, history, X_train, y_train, X_val, y_val, loss=loss, resolution=resolution,
        boundary_left=False, figsize=(10, 4),
        margins=dict(left=0.08, right=0.95, bottom=0.22, top=0.88, wspace=0.22))
    if title is not None:
        ax_loss.set_title(title)
    ax_map.set_title(_boundary_title(diverged_epoch))
    return fig


def _boundary_title(diverged_epoch):
    if diverged_epoch is None:
        return "decision boundary after training"
    if diverged_epoch == 1:
        return "initial weights (diverged in epoch 1)"
    return (f"decision boundary after epoch {diverged_epoch - 1} "
            f"(diverged in epoch {diverged_epoch})")

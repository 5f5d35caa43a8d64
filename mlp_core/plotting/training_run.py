"""The figure of the training panel (lecture §4.5): loss curves beside the decision boundary.

It combines ``plot_loss_curves`` (training_plots) with ``plot_decision_boundary``
(boundaries). The loss axis switches to a log scale when the loss spans more than two
orders of magnitude, as it does when a too-large learning rate makes training diverge.
"""

from __future__ import annotations

import numpy as np

from .boundaries import plot_decision_boundary
from .style import new_figure, styled
from .training_plots import plot_loss_curves

__all__ = ["training_figure"]


@styled
def training_figure(history, net, X_train, y_train, X_val=None, y_val=None, *,
                    loss="binary_cross_entropy", title=None, resolution=80):
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

    Returns
    -------
    matplotlib.figure.Figure
    """
    fig, (ax_loss, ax_map) = new_figure(figsize=(10, 4), ncols=2)
    fig.set_layout_engine(None)  # a fixed layout renders about twice as fast as constrained
    fig.subplots_adjust(left=0.08, right=0.95, bottom=0.13, top=0.87, wspace=0.22)
    values = np.asarray([*history.train_loss, *history.val_loss], dtype=float)
    values = values[np.isfinite(values)]
    spread = values.max() / values.min() if values.size and values.min() > 0 else 1.0
    plot_loss_curves(ax_loss, history, best_epoch=history.best_epoch, title=title,
                     log_y=spread > 100)
    plot_decision_boundary(ax_map, net, X_train, y_train, X_val, y_val, loss=loss,
                           resolution=resolution)
    ax_map.set_title("decision boundary after training")
    return fig

"""Figures for training (lecture §4.5): loss curves and the memory the forward cache needs.

``plot_loss_curves`` draws on an ``Axes`` the caller owns (made with ``new_figure``), so a
panel can put it beside a decision boundary (``boundaries.boundary_figure`` does);
``memory_figure`` builds a whole (pyplot-free) Figure.
"""

from __future__ import annotations

import numpy as np
from matplotlib.ticker import MaxNLocator

from .style import MARKERS, new_figure, styled

__all__ = ["memory_figure", "plot_loss_curves"]


def _as_curves(history):
    """(train, val) loss lists from a ``History`` or a dict with the same keys."""
    if isinstance(history, dict):
        return list(history.get("train_loss", [])), list(history.get("val_loss", []))
    return list(history.train_loss), list(history.val_loss)


def plot_loss_curves(ax, history, *, best_epoch=None, title=None, log_y=False):
    """Training and validation loss against the epoch.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        Where to draw.
    history : mlp_core.History or dict
        ``train_loss`` (list of float, one per epoch, epochs count from 1) and, optionally,
        ``val_loss`` of the same length.
    best_epoch : int or None
        Marked with a dotted vertical line (e.g. ``history.best_epoch`` of early stopping).
    title : str or None
        Axes title.
    log_y : bool
        Logarithmic loss axis (useful when the loss falls by orders of magnitude).

    Returns
    -------
    matplotlib.axes.Axes
        ``ax``, for chaining.
    """
    train, val = _as_curves(history)
    every = max(1, max(len(train), len(val)) // 15)  # about 15 markers per curve
    if train:
        ax.plot(np.arange(1, len(train) + 1), train, linestyle="-", marker="o",
                markersize=4, markevery=every, label="training loss")
    if val:
        ax.plot(np.arange(1, len(val) + 1), val, linestyle="--", marker="s",
                markersize=4, markevery=every, label="validation loss")
    if best_epoch is not None:
        ax.axvline(best_epoch, color="0.3", linestyle=":", linewidth=1.5,
                   label=f"best epoch ({best_epoch})")
    _set_loss_limits(ax, np.asarray([*train, *val], dtype=float), log_y)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))  # epochs are whole numbers
    ax.set_xlabel("epoch")
    ax.set_ylabel("loss (log scale)" if ax.get_yscale() == "log" else "loss")
    if title is not None:
        ax.set_title(title)
    if train or val or best_epoch is not None:
        ax.legend(loc="upper right", fontsize="small")
    else:
        ax.text(0.5, 0.5, "no epochs recorded", ha="center", va="center",
                transform=ax.transAxes)
    return ax


def _set_loss_limits(ax, values, log_y):
    """Fixed y-limits (at most 1e200), so a run whose loss nearly overflowed still draws."""
    values = values[np.isfinite(values)]
    if values.size == 0:
        return
    hi = min(float(values.max()), 1e200)  # log tick locators overflow near 1e308
    if log_y and values.min() > 0:
        lo = float(values.min())
        ax.set_ylim(lo / 1.5, hi * 1.5)  # limits first: autoscaling a log axis near 1e308
        ax.set_yscale("log")             # would overflow
    elif hi > 1e100:
        ax.set_ylim(min(0.0, float(values.min())), hi * 1.05)


@styled
def memory_figure(depths, batch_sizes, table, prediction=None):
    """Forward-cache memory against the number of layers (left) and the batch size (right).

    Parameters
    ----------
    depths : sequence of int
        Numbers of hidden layers L, the rows of ``table``.
    batch_sizes : sequence of int
        Batch sizes n, the columns of ``table``.
    table : ndarray of shape (len(depths), len(batch_sizes))
        Bytes, e.g. from ``mlp_core.memory.memory_table``.
    prediction : ndarray of the same shape, optional
        Bytes that prediction needs, drawn as dotted lines for comparison.

    Returns
    -------
    matplotlib.figure.Figure
    """
    fig, (ax_depth, ax_batch) = new_figure(figsize=(10, 4), ncols=2)
    kib = np.asarray(table, dtype=float) / 1024
    for j, n in enumerate(batch_sizes):
        ax_depth.plot(depths, kib[:, j], marker=MARKERS[j % len(MARKERS)], label=f"n = {n}")
    for i, L in enumerate(depths):
        ax_batch.plot(batch_sizes, kib[i], marker=MARKERS[i % len(MARKERS)], label=f"L = {L}")
    if prediction is not None:
        pred = np.asarray(prediction, dtype=float) / 1024
        ax_depth.plot(depths, pred[:, -1], "k:", marker="x",
                      label=f"prediction, n = {batch_sizes[-1]}")
        ax_batch.plot(batch_sizes, pred[-1], "k:", marker="x",
                      label=f"prediction, L = {depths[-1]}")
    ax_depth.set_xlabel("hidden layers L")
    ax_batch.set_xlabel("batch size n (samples)")
    ax_depth.set_title("training cache vs depth")
    ax_batch.set_title("training cache vs batch size")
    for ax in (ax_depth, ax_batch):
        ax.set_ylabel("memory (KiB)")
        ax.set_ylim(bottom=0)
        ax.legend(fontsize="small")
    return fig

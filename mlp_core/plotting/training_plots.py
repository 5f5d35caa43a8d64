"""Figures for training (lecture §4.5): loss curves and the memory the forward cache needs.

``plot_loss_curves`` draws on an ``Axes`` the caller owns (made with ``new_figure``), so a
panel can put it beside a decision boundary (``boundaries.boundary_figure`` does);
``memory_figure`` builds a whole (pyplot-free) Figure.
"""

from __future__ import annotations

import numpy as np
from matplotlib.ticker import MaxNLocator
from matplotlib.transforms import ScaledTranslation

from .style import MARKERS, new_figure, styled

__all__ = ["LOSS_CAP", "legend_below", "memory_figure", "plot_loss_curves"]

#: Highest loss drawn: log tick locators overflow near 1e308. Larger losses (a diverging
#: run) are drawn at the cap with a triangle marker.
LOSS_CAP = 1e200
#: Points between the bottom of the axes and the top of the legend: room for the tick
#: labels and the x label.
LEGEND_DROP = 31


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
        ``val_loss`` of the same length. Losses above ``LOSS_CAP`` are drawn at it, marked
        with a triangle and a note in the axes.
    best_epoch : int or None
        Marked with a dotted vertical line (e.g. ``history.best_epoch`` of early stopping).
    title : str or None
        Axes title.
    log_y : bool
        Logarithmic loss axis (useful when the loss falls by orders of magnitude).

    The legend sits below the axes (see ``legend_below``), where it hides no curve: the
    caller leaves about 0.7 inch under the axes for it.

    Returns
    -------
    matplotlib.axes.Axes
        ``ax``, for chaining.
    """
    train, val = _as_curves(history)
    every = max(1, max(len(train), len(val)) // 15)  # about 15 markers per curve
    clipped = False
    for losses, style, marker, label in ((train, "-", "o", "training loss"),
                                         (val, "--", "s", "validation loss")):
        if not losses:
            continue
        epochs, losses = np.arange(1, len(losses) + 1), np.asarray(losses, dtype=float)
        above = losses > LOSS_CAP
        (line,) = ax.plot(epochs, np.minimum(losses, LOSS_CAP), linestyle=style,
                          marker=marker, markersize=4, markevery=every, label=label)
        if above.any():
            clipped = True
            ax.plot(epochs[above], np.full(above.sum(), LOSS_CAP), linestyle="none",
                    marker="^", markersize=7, color=line.get_color(),
                    markeredgecolor="black", zorder=4)
    if best_epoch is not None:
        ax.axvline(best_epoch, color="0.3", linestyle=":", linewidth=1.5,
                   label=f"best epoch ({best_epoch})")
    _set_loss_limits(ax, np.asarray([*train, *val], dtype=float), log_y)
    if clipped:
        cap = f"1e{np.log10(LOSS_CAP):.0f}"
        ax.annotate(f"▲ values above {cap} drawn at the top", (0.01, 0.97),
                    xycoords="axes fraction", va="top", fontsize=8)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))  # epochs are whole numbers
    ax.set_xlabel("epoch")
    ax.set_ylabel("loss (log scale)" if ax.get_yscale() == "log" else "loss")
    if title is not None:
        ax.set_title(title)
    if train or val or best_epoch is not None:
        legend_below(ax)
    else:
        ax.text(0.5, 0.5, "no epochs recorded", ha="center", va="center",
                transform=ax.transAxes)
    return ax


def legend_below(ax, ncols=2):
    """The legend of ``ax`` under its x label, outside the axes, so it covers no curve.

    Its top sits ``LEGEND_DROP`` points below the axes whatever the figure size; the caller
    leaves room for it (``Figure.subplots_adjust(bottom=...)``).
    """
    drop = ScaledTranslation(0, -LEGEND_DROP / 72, ax.figure.dpi_scale_trans)
    return ax.legend(loc="upper center", bbox_to_anchor=(0.5, 0.0),
                     bbox_transform=ax.transAxes + drop, ncols=ncols, fontsize="small",
                     frameon=False, borderaxespad=0.0, columnspacing=1.2, handlelength=2.2)


def _set_loss_limits(ax, values, log_y):
    """Fixed y-limits (at most ``LOSS_CAP``), so a run whose loss nearly overflowed still draws."""
    values = values[np.isfinite(values)]
    if values.size == 0:
        return
    hi = min(float(values.max()), LOSS_CAP)
    if log_y and values.min() > 0:
        lo = float(values.min())
        decades = np.log10(hi) - np.log10(lo)  # headroom for the markers drawn at the cap:
        top = hi * 10.0 ** max(0.18, 0.04 * decades)  # 4 % of the axis, at least a factor 1.5
        ax.set_ylim(lo / 1.5, top)  # limits first: autoscaling a log axis near 1e308
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

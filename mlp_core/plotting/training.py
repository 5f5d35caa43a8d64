"""Figures for training (lecture §4.5, notebook 06): loss curves, decision boundaries, memory.

- ``plot_loss_curves``: training and validation loss against the epoch, on an ``Axes`` the
  caller owns (made with ``new_figure``), with the legend below the axes
  (``legend_below``).
- The decision boundary of a two-input classifier: ``probability_grid`` and
  ``plot_decision_boundary``. It lives here because notebook 06's training panel is where
  the kit first shows what a trained MLP does to the plane; notebook 07 reuses it
  (``plotting.regularization.boundary_figure``) to show overfitting. The plane is shaded by
  the network's probability P(y = 1 | x) on the cividis map (for a network trained with
  'mse', which gives no probability, by ŷ clipped to [0, 1]; the colour bar says which), the
  boundary at 0.5 is drawn as a dashed line, and the points are drawn on top: training
  points as filled markers with a solid black edge, validation points as white markers of
  another shape with a thick edge in the class colour.
- ``boundary_and_loss_figure``: the two side by side, shared by ``training_figure`` (the
  training panel: loss curves left, boundary right) and notebook 07's ``boundary_figure``.
- ``memory_figure``: the memory the forward cache needs against depth and batch size.
"""

from __future__ import annotations

import numpy as np
from matplotlib.ticker import MaxNLocator
from matplotlib.transforms import ScaledTranslation

from ..losses import get_loss
from .style import CMAP, MARKERS, new_figure, styled

__all__ = [
    "LOSS_CAP",
    "boundary_and_loss_figure",
    "legend_below",
    "memory_figure",
    "plot_decision_boundary",
    "plot_loss_curves",
    "probability_grid",
    "training_figure",
]

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
    caller leaves about an inch under the axes for it.

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
                    xycoords="axes fraction", va="top")
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
    """Place the legend of ``ax`` under its x label, outside the axes, so it covers no curve.

    Its top sits ``LEGEND_DROP`` points below the axes whatever the figure size; the caller
    leaves room for it (``Figure.subplots_adjust(bottom=...)``).
    """
    drop = ScaledTranslation(0, -LEGEND_DROP / 72, ax.figure.dpi_scale_trans)
    return ax.legend(loc="upper center", bbox_to_anchor=(0.5, 0.0),
                     bbox_transform=ax.transAxes + drop, ncols=ncols,
                     frameon=False, borderaxespad=0.0, columnspacing=1.2, handlelength=2.2)


def _set_loss_limits(ax, values, log_y):
    """Fix the y-limits (at most ``LOSS_CAP``), so a run whose loss nearly overflowed draws."""
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

# --- decision boundaries ------------------------------------------------------------------

#: petroff10's first two colours: class 0 blue, class 1 orange (also differ by marker).
CLASS_COLOURS = ("#3f90da", "#ffa90e")
_TRAIN_MARKERS = MARKERS[:2]  # "o", "s"
_VAL_MARKERS = MARKERS[2:4]  # "^", "D"


def _shading_label(loss):
    """Return what the shading of ``probability_grid`` shows for a network trained with ``loss``.

    Parameters
    ----------
    loss : str
        A key of ``LOSSES``.

    Returns
    -------
    str
        "ŷ (clipped to [0, 1])" for 'mse', whose output is no probability; otherwise
        "P(y = 1 | x)".
    """
    return "ŷ (clipped to [0, 1])" if get_loss(loss).name == "mse" else "P(y = 1 | x)"


def probability_grid(net, X, *, loss="binary_cross_entropy", resolution=100, margin=0.5):
    """P(y = 1 | x) of ``net`` (ŷ clipped to [0, 1] for 'mse') on a grid covering ``X``.

    Parameters
    ----------
    net : mlp_core.MLP
        Two inputs; one output for 'binary_cross_entropy' (σ(ŷ)) and 'mse' (ŷ clipped to
        [0, 1]), two outputs for 'cross_entropy' (softmax(ŷ)₂).
    X : ndarray of shape (n, 2)
        The points the grid must cover.
    loss : str
        The loss the network was trained with; it says how to read the output.
    resolution : int >= 2
        Grid points per axis.
    margin : float
        Added on every side of the points' bounding box, in the units of x.

    Returns
    -------
    extent : tuple (x1_min, x1_max, x2_min, x2_max)
    prob : ndarray of shape (resolution, resolution)
        Row i holds x₂ = i-th grid value, column j x₁ = j-th grid value; NaN-free, in [0, 1].
    """
    X = np.asarray(X, dtype=float)
    if X.ndim != 2 or X.shape[1] != 2 or len(X) == 0:
        raise ValueError(f"X must have shape (n, 2) with n >= 1, got {X.shape}")
    if net.layer_sizes[0] != 2:
        raise ValueError(f"net must have 2 inputs to draw a boundary, got {net.layer_sizes[0]}")
    if int(resolution) < 2:
        raise ValueError(f"resolution must be >= 2, got {resolution}")
    loss_fn = get_loss(loss)
    n_out = net.layer_sizes[-1]
    if (loss_fn.name == "cross_entropy") != (n_out == 2) or n_out > 2:
        raise ValueError(
            f"plot_decision_boundary draws two classes: one output with "
            f"'binary_cross_entropy' or 'mse', two with 'cross_entropy'; got {n_out} "
            f"output(s) with {loss_fn.name!r}"
        )
    lo, hi = X.min(axis=0) - margin, X.max(axis=0) + margin
    g1, g2 = np.linspace(lo[0], hi[0], resolution), np.linspace(lo[1], hi[1], resolution)
    grid = np.stack(np.meshgrid(g1, g2), axis=-1).reshape(-1, 2)
    with np.errstate(all="ignore"):  # a network at the edge of divergence may overflow
        prob = loss_fn.link(net.predict(grid))[:, -1]
    prob = np.clip(np.nan_to_num(prob, nan=0.5), 0.0, 1.0).reshape(resolution, resolution)
    return (lo[0], hi[0], lo[1], hi[1]), prob


def _scatter(ax, X, y, *, validation):
    X, y = np.asarray(X), np.asarray(y).ravel()
    part = "validation" if validation else "training"
    markers = _VAL_MARKERS if validation else _TRAIN_MARKERS
    for k in (0, 1):
        pts = X[y == k]
        if validation:  # hollow-looking: white face, thick class-coloured edge
            style = {"facecolors": "white", "edgecolors": CLASS_COLOURS[k], "linewidths": 1.8,
                     "s": 32}
        else:  # filled with the class colour, thin solid black edge
            style = {"facecolors": CLASS_COLOURS[k], "edgecolors": "black", "linewidths": 0.6,
                     "s": 24}
        ax.scatter(pts[:, 0], pts[:, 1], marker=markers[k], zorder=3,
                   label=f"{part}, y = {k}", **style)


@styled
def plot_decision_boundary(ax, net, X_train, y_train, X_val=None, y_val=None, *,
                           loss="binary_cross_entropy", resolution=100, colorbar=True,
                           legend=True):
    """Shade P(y = 1 | x) (ŷ for 'mse') over the plane, draw the 0.5 boundary and the points.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
    net : mlp_core.MLP
        Two inputs (see ``probability_grid`` for the outputs it accepts).
    X_train : ndarray of shape (n_train, 2)
    y_train : ndarray of shape (n_train,), labels 0/1
    X_val : ndarray of shape (n_val, 2), optional
    y_val : ndarray of shape (n_val,), optional
    loss : str
        The loss the network was trained with.
    resolution : int
        Grid points per axis.
    colorbar : bool
        Add a colour bar labelled with what the shading shows: "P(y = 1 | x)", or
        "ŷ (clipped to [0, 1])" for 'mse'.
    legend : bool
        Add a legend naming the four kinds of points, below the axes (``legend_below``),
        where it hides no point: leave about an inch under the axes for it.

    Returns
    -------
    matplotlib.image.AxesImage
        The probability shading (e.g. for a shared colour bar).
    """
    if (X_val is None) != (y_val is None):
        raise ValueError("X_val and y_val must be given together (or both left out)")
    points = X_train if X_val is None or len(X_val) == 0 else np.vstack([X_train, X_val])
    extent, prob = probability_grid(net, points, loss=loss, resolution=resolution)
    image = ax.imshow(prob, extent=extent, origin="lower", cmap=CMAP, vmin=0.0, vmax=1.0,
                      alpha=0.5, aspect="auto", interpolation="bilinear")
    if prob.min() < 0.5 < prob.max():  # no contour (and no warning) if one class everywhere
        ax.contour(prob, levels=[0.5], extent=extent, origin="lower", colors="black",
                   linestyles="--", linewidths=1.3)
    _scatter(ax, X_train, y_train, validation=False)
    if X_val is not None and len(X_val):
        _scatter(ax, X_val, y_val, validation=True)
    ax.xaxis.set_major_locator(MaxNLocator(5, integer=True))  # few labels: fast to render
    ax.yaxis.set_major_locator(MaxNLocator(5, integer=True))
    ax.set_xlim(extent[0], extent[1])
    ax.set_ylim(extent[2], extent[3])
    ax.set_xlabel("x₁ (input 1)")
    ax.set_ylabel("x₂ (input 2)")
    ax.grid(False)
    if legend:
        legend_below(ax)
    if colorbar:
        ax.figure.colorbar(image, ax=ax, label=_shading_label(loss), fraction=0.05, pad=0.02,
                           ticks=[0.0, 0.5, 1.0])
    return image


@styled
def boundary_and_loss_figure(net, history, X_train, y_train, X_val=None, y_val=None, *,
                             loss="binary_cross_entropy", resolution=100, boundary_left=True,
                             figsize=(8.6, 3.5), margins=None):
    """Draw the decision boundary in one panel, the loss curves of ``history`` in the other.

    ``training_figure`` (notebook 06) and ``plotting.regularization.boundary_figure``
    (notebook 07) are made here and add their own titles. The layout is fixed, not
    constrained, which renders faster for a panel that redraws on every slider change. The
    loss axis is logarithmic when the finite losses span more than two orders of magnitude.

    Parameters
    ----------
    net, X_train, y_train, X_val, y_val, loss, resolution : see ``plot_decision_boundary``
    history : mlp_core.History
        Its ``best_epoch`` (lowest validation loss) is marked on the curves.
    boundary_left : bool
        True: boundary left, loss curves right; False: the other way round.
    figsize : (float, float)
        In inches.
    margins : dict or None
        Keyword arguments of ``Figure.subplots_adjust``.

    Returns
    -------
    fig : matplotlib.figure.Figure
    ax_map, ax_loss : matplotlib.axes.Axes
        The boundary panel and the loss-curve panel.
    """
    fig, axes = new_figure(figsize=figsize, ncols=2)
    fig.set_layout_engine(None)
    fig.subplots_adjust(**(margins or {}))
    ax_map, ax_loss = axes if boundary_left else axes[::-1]
    plot_decision_boundary(ax_map, net, X_train, y_train, X_val, y_val, loss=loss,
                           resolution=resolution)
    values = np.asarray([*history.train_loss, *history.val_loss], dtype=float)
    values = values[np.isfinite(values)]
    spread = values.max() / values.min() if values.size and values.min() > 0 else 1.0
    plot_loss_curves(ax_loss, history, best_epoch=history.best_epoch, log_y=spread > 100)
    return fig, ax_map, ax_loss


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
        margins=dict(left=0.08, right=0.95, bottom=0.27, top=0.91, wspace=0.22))  # legends below
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

# --- memory -------------------------------------------------------------------------------

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
        ax.legend()
    return fig

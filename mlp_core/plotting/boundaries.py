"""Decision boundaries of a two-input classifier, with training and validation points (§4.6).

The plane is shaded by the network's probability P(y = 1 | x) on the cividis map (for a
network trained with 'mse', which gives no probability, by ŷ clipped to [0, 1]; the colour
bar says which), the boundary at 0.5 is drawn as a dashed line, and the points are drawn
on top: training points as filled markers with a solid black edge, validation points as
white markers of another shape with a thick edge in the class colour. Overfitting shows as
a boundary that bends around single training points while the validation points fall on
the wrong side.
"""

from __future__ import annotations

import numpy as np
from matplotlib.ticker import MaxNLocator

from ..losses import get_loss
from .style import CMAP, MARKERS, new_figure, styled
from .training_plots import plot_loss_curves

__all__ = ["boundary_and_loss_figure", "boundary_figure", "plot_decision_boundary",
           "probability_grid"]

#: petroff10's first two colours: class 0 blue, class 1 orange (also differ by marker).
CLASS_COLOURS = ("#3f90da", "#ffa90e")
_TRAIN_MARKERS = MARKERS[:2]  # "o", "s"
_VAL_MARKERS = MARKERS[2:4]  # "^", "D"


def _shading_label(loss):
    """What the shading of ``probability_grid`` shows for a network trained with ``loss``.

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
        Grid points per axis (100 × 100 draws in a few milliseconds).
    colorbar : bool
        Add a colour bar labelled with what the shading shows: "P(y = 1 | x)", or
        "ŷ (clipped to [0, 1])" for 'mse'.
    legend : bool
        Add a legend naming the four kinds of points.

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
        ax.legend(loc="lower left", fontsize="x-small", ncol=2, framealpha=0.85,
                  handletextpad=0.3, columnspacing=0.8)
    if colorbar:
        ax.figure.colorbar(image, ax=ax, label=_shading_label(loss), fraction=0.05, pad=0.02,
                           ticks=[0.0, 0.5, 1.0])
    return image


@styled
def boundary_and_loss_figure(net, history, X_train, y_train, X_val=None, y_val=None, *,
                             loss="binary_cross_entropy", resolution=100, boundary_left=True,
                             figsize=(8.6, 3.5), margins=None):
    """The decision boundary in one panel, the loss curves of ``history`` in the other.

    ``boundary_figure`` (notebook 07) and ``training_figure`` (notebook 06) are made here and
    add their own titles. The layout is fixed, not constrained: that halves the time to
    render the PNG of a panel that redraws on every slider change. The loss axis is
    logarithmic when the finite losses span more than two orders of magnitude.

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
def boundary_figure(net, history, X_train, y_train, X_val=None, y_val=None, *,
                    loss="binary_cross_entropy", title="", resolution=100):
    """Decision boundary with the points (left) and the loss curves of ``history`` (right).

    Parameters
    ----------
    net, history, X_train, y_train, X_val, y_val, loss, resolution :
        See ``boundary_and_loss_figure``.
    title : str
        Title of the boundary axes.

    Returns
    -------
    matplotlib.figure.Figure
    """
    fig, ax_map, ax_loss = boundary_and_loss_figure(
        net, history, X_train, y_train, X_val, y_val, loss=loss, resolution=resolution,
        figsize=(8.6, 3.8), margins=dict(left=0.08, right=0.98, bottom=0.23, top=0.91,
                                         wspace=0.42))  # room below for the loss legend
    ax_map.set_title(title, fontsize="small")
    ax_loss.set_title("data loss L per epoch", fontsize="medium")
    ax_loss.xaxis.set_major_locator(MaxNLocator(5, steps=[1, 2, 5, 10], integer=True))
    if ax_loss.get_yscale() == "linear":
        ax_loss.yaxis.set_major_locator(MaxNLocator(5))  # few tick labels: faster PNG
    return fig

"""Figures for overfitting and regularization (lecture §4.6, notebook 07).

- ``boundary_figure``: the regularization lab's decision boundary with the training and
  validation points beside the two loss curves (built by ``training.boundary_and_loss_figure``;
  the decision boundary itself is taught first in notebook 06, so it lives in
  ``training.py``). Overfitting shows as a boundary that bends around single training points
  while the validation points fall on the wrong side.
- ``early_stopping_figure``: the loss curves of an early-stopped run, its best and stopped
  epochs, and the validation loss of the same run without stopping (§4.6.1).
- ``dropout_figure``: one dropout mask on the network diagram of Fig. 7 and the units each
  hidden layer kept (§4.6.2).
"""

from __future__ import annotations

import numpy as np
from matplotlib.ticker import MaxNLocator

from .structure import draw_network
from .style import MARKERS, layer_sup, new_figure, styled
from .training import boundary_and_loss_figure, legend_below, plot_loss_curves

__all__ = ["boundary_figure", "dropout_figure", "early_stopping_figure"]


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
        figsize=(8.6, 3.8), margins=dict(left=0.08, right=0.98, bottom=0.28, top=0.92,
                                         wspace=0.42))  # room below for both legends
    ax_map.set_title(title, fontsize="medium")
    ax_loss.set_title("data loss L per epoch", fontsize="medium")
    ax_loss.xaxis.set_major_locator(MaxNLocator(5, steps=[1, 2, 5, 10], integer=True))
    if ax_loss.get_yscale() == "linear":
        ax_loss.yaxis.set_major_locator(MaxNLocator(5))  # few tick labels: faster PNG
    return fig


@styled
def early_stopping_figure(history, full, title):
    """Loss curves of an early-stopped run, its best and stopped epochs, and the full run.

    Parameters
    ----------
    history : History
        The run with early stopping.
    full : History
        The same run without stopping (its validation loss is drawn grey and dotted).
    title : str

    Returns
    -------
    matplotlib.figure.Figure
    """
    fig, ax = new_figure(figsize=(7.0, 3.7))
    fig.set_layout_engine(None)  # fixed layout: faster to render
    fig.subplots_adjust(left=0.1, right=0.98, bottom=0.27, top=0.91)  # legend below the axes
    ax.plot(full.epochs, full.val_loss, color="0.6", linestyle=":", linewidth=1.5,
            label="validation loss without stopping")
    plot_loss_curves(ax, history, best_epoch=history.best_epoch,
                     title=title)
    ax.axvline(history.stopped_epoch, color="#bd1f01", linestyle="-.", linewidth=1.5,
               label=f"stopped ({history.stopped_epoch})")
    ax.set_xlim(0, len(full.epochs) + 1)
    ax.xaxis.set_major_locator(MaxNLocator(6, steps=[1, 2, 5, 10], integer=True))
    legend_below(ax, ncols=3)  # outside the axes: it hides no curve and no marker line
    return fig


@styled
def dropout_figure(masks, p, mask_seed, layer_sizes):
    """One dropout mask on the network diagram (left) and the units each layer kept (right).

    Parameters
    ----------
    masks : list of ndarray
        One inverted-dropout mask of shape (N_l,) per hidden layer: 0 (dropped) or
        1/(1 − p) (kept), e.g. from ``mlp_core.dropout_mask``.
    p : float in [0, 1)
        The dropout rate the masks were drawn with.
    mask_seed : int
        The seed of the masks, for the title.
    layer_sizes : sequence of int
        [N_I, N_1, ..., N_L, N_O].

    Returns
    -------
    matplotlib.figure.Figure
    """
    fig, (ax_net, ax_bar) = new_figure(figsize=(8.6, 3.8), ncols=2,
                                       gridspec_kw={"width_ratios": [1.7, 1]})
    fig.set_layout_engine(None)  # fixed layout: faster to render
    fig.subplots_adjust(left=0.01, right=0.98, bottom=0.22, top=0.86, wspace=0.15)
    draw_network(ax_net, layer_sizes, dropped=[m == 0 for m in masks])
    ax_net.set_title(f"one dropout mask (seed {mask_seed}), p = {p:.2f} (Fig. 7)",
                     fontsize="medium", pad=26)  # above the layer names
    names = [f"h{layer_sup(l)}" for l in range(1, len(masks) + 1)]
    kept = [int(np.count_nonzero(m)) for m in masks]
    sizes = np.array(layer_sizes[1:-1])
    x = np.arange(len(masks))
    ax_bar.bar(x, sizes, color="0.88", edgecolor="0.5", hatch="//", label="layer size N")
    ax_bar.bar(x, kept, color="#3f90da", edgecolor="black", width=0.6, label="kept")
    ax_bar.plot(x, (1 - p) * sizes, linestyle="none", marker=MARKERS[5], markersize=11,
                color="#ffa90e", markeredgecolor="black", label="expected kept (1 − p) N")
    ax_bar.set_xticks(x, names)
    ax_bar.set_xlabel("hidden layer")
    ax_bar.set_ylabel("units (count)")
    ax_bar.set_ylim(0, sizes.max() * 1.15)  # room above a full layer's marker (p = 0)
    # One row under both axes: inside the bars' axes it covered a full layer's marker.
    handles, labels = ax_bar.get_legend_handles_labels()
    order = [labels.index(name) for name in ("layer size N", "kept", "expected kept (1 − p) N")]
    fig.legend([handles[i] for i in order], [labels[i] for i in order], loc="lower center",
               ncols=3, frameon=False, bbox_to_anchor=(0.5, 0.01))
    ax_bar.set_title("units kept by this mask", fontsize="medium")
    return fig


# --- the projector grid (issue 13, item 5) -------------------------------------------------

#: Columns and rows of ``regularization_grid_figure``: λ from none to too much, and three
#: data sets of growing difficulty.
GRID_LAMS = (0.0, 0.003, 0.03, 0.1)
GRID_DATASETS = ("moons", "circles", "spirals")


@styled
def regularization_grid_figure(datasets=GRID_DATASETS, lams=GRID_LAMS, *, n=100, noise=0.35,
                               val_size=0.5, hidden=(32, 32), activation="relu", lr=0.1,
                               epochs=300, momentum=0.9, dropout=0.0, dtype=np.float32,
                               seed=0, resolution=60):
    """Decision boundaries for λ across the columns and data sets down the rows (Eq. 15).

    Each cell trains a fresh network with ``mlp_core.recipes.train_toy_network`` (the
    defaults are the regularization lab's: 100 noisy points, half held out, 2 × 32 ReLU
    units, 300 full-batch epochs with momentum 0.9, binary cross-entropy, float32) and shows
    its decision boundary, the training and validation points, and its validation accuracy
    in the corner, as scikit-learn's "Varying regularization in Multi-layer Perceptron"
    example does. Read a row left to right: the boundary smooths, the training accuracy
    falls, the validation accuracy first holds or rises, then falls when λ is too large.

    Parameters
    ----------
    datasets : sequence of str
        Keys of ``mlp_core.data.TOY_DATASETS``, one row each.
    lams : sequence of float >= 0
        The L2 strengths λ, one column each.
    n, noise, val_size, hidden, activation, lr, epochs, momentum, dropout, dtype, seed :
        Passed to ``train_toy_network`` for every cell (the same seed: the same data and the
        same initial weights along a row, so only λ differs).
    resolution : int
        Grid points per axis of each cell's shading.

    Returns
    -------
    fig : matplotlib.figure.Figure
    accuracy : ndarray of shape (len(datasets), len(lams))
        Validation accuracy of each cell's network (NaN where training diverged).
    """
    # The grid trains its cells, so it needs the recipes (data flows downward: recipes ->
    # plotting); imported here so the figures above do not load them.
    from ..recipes import train_toy_network
    from .training import plot_decision_boundary

    if len(datasets) == 0 or len(lams) == 0:
        raise ValueError(f"datasets and lams must each name at least one row or column, got "
                         f"{len(datasets)} data sets and {len(lams)} values of λ")
    fig, axes = new_figure(figsize=(2.35 * len(lams) + 0.6, 2.1 * len(datasets) + 0.9),
                           nrows=len(datasets), ncols=len(lams))
    axes = np.asarray(axes).reshape(len(datasets), len(lams))
    accuracy = np.full((len(datasets), len(lams)), np.nan)
    for i, dataset in enumerate(datasets):
        for j, lam in enumerate(lams):
            run = train_toy_network(dataset, n=n, noise=noise, val_size=val_size,
                                    hidden=hidden, activation=activation,
                                    loss="binary_cross_entropy", lr=lr, epochs=epochs,
                                    lam=lam, dropout=dropout, momentum=momentum, dtype=dtype,
                                    seed=seed)
            ax = axes[i, j]
            plot_decision_boundary(ax, run.net, run.X_train, run.y_train, run.X_val,
                                   run.y_val, loss=run.loss, resolution=resolution,
                                   colorbar=False, legend=False)
            if run.error is None:
                accuracy[i, j] = run.accuracy(run.X_val, run.y_val)
                text = (f"val {accuracy[i, j]:.0%}\n"
                        f"train {run.accuracy(run.X_train, run.y_train):.0%}")
            else:
                text = f"diverged\n(epoch {run.error.epoch})"
            ax.text(0.97, 0.03, text, transform=ax.transAxes, ha="right", va="bottom",
                    fontweight="bold", bbox=dict(boxstyle="round", fc="white", alpha=0.85))
            ax.set(xlabel="", ylabel="", xticks=[], yticks=[])
            if i == 0:
                ax.set_title(f"λ = {lam:g}", fontsize="medium")
        axes[i, 0].set_ylabel(dataset, fontsize="medium")
    handles, labels = axes[0, 0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncols=4, frameon=False)
    sizes = ", ".join(map(str, [2, *hidden, 1]))
    fig.suptitle(f"L2 regularization (Eq. 15): network [{sizes}], {activation}, {epochs} "
                 f"epochs, {n} points ({val_size:.0%} for validation), noise {noise:g}",
                 fontsize="medium")
    return fig, accuracy

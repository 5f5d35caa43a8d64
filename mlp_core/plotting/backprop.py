"""Figures for backpropagation (lecture §4.4): heatmaps of δ^(l) and ∂J/∂W^(l).

Both are signed, so they use the diverging colour map centred at 0: a white cell is an
exact zero (e.g. a ReLU unit whose z^(l) ≤ 0 for that sample), the two hues are the signs.
"""

from __future__ import annotations

import numpy as np
from matplotlib.colors import Normalize
from matplotlib.ticker import MaxNLocator

from .style import DIVERGING_CMAP, layer_sup, new_figure, styled

__all__ = ["backprop_figure", "plot_signed_matrix"]


def _symmetric_limit(*arrays):
    """Return max |entry| over the finite entries (1 if all are 0): the colour scale's ±limit."""
    finite = np.concatenate([np.abs(a[np.isfinite(a)]).ravel() for a in arrays])
    return float(finite.max()) if finite.size and finite.max() > 0 else 1.0


def plot_signed_matrix(ax, M, *, title=None, xlabel=None, ylabel=None, colorbar_label=None,
                       vmax=None):
    """Draw a heatmap of a signed matrix, coloured symmetrically around 0.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
    M : ndarray of shape (rows, columns)
    title, xlabel, ylabel : str or None
    colorbar_label : str or None
        With a label a colour bar is drawn; None draws none (e.g. when two heatmaps share
        one scale).
    vmax : float or None
        Colours run from -vmax to +vmax; None uses max |M|.

    Returns
    -------
    matplotlib.image.AxesImage
    """
    M = np.atleast_2d(np.asarray(M, dtype=float))
    vmax = _symmetric_limit(M) if vmax is None else vmax
    image = ax.imshow(M, cmap=DIVERGING_CMAP, norm=Normalize(-vmax, vmax), aspect="auto",
                      interpolation="nearest")
    rows, columns = M.shape  # ticks count units and samples from 1, as the lecture does
    ax.set_xticks(np.arange(columns), labels=[str(j + 1) for j in range(columns)])
    ax.set_yticks(np.arange(rows), labels=[str(i + 1) for i in range(rows)])
    ax.tick_params(length=0)
    ax.grid(False)
    if title is not None:
        ax.set_title(title)
    ax.set_xlabel(xlabel or "")
    ax.set_ylabel(ylabel or "")
    if colorbar_label is not None:
        bar = ax.figure.colorbar(image, ax=ax, label=colorbar_label)
        bar.locator = MaxNLocator(5, symmetric=True)
        bar.update_ticks()
    return image


@styled
def backprop_figure(delta, grad_W, grad_b, l):
    """δ^(l) (samples × units), ∂J/∂W^(l) (N_l × N_{l-1}) and ∂J/∂b^(l) side by side.

    Parameters
    ----------
    delta : ndarray of shape (n, N_l)
        Error terms of layer l, one row per sample (Eqs. 21-22).
    grad_W : ndarray of shape (N_l, N_{l-1})
        ∂J/∂W^(l) (Eqs. 23-24, averaged over the batch).
    grad_b : ndarray of shape (N_l,)
        ∂J/∂b^(l) (Eq. 25, averaged over the batch).
    l : int
        The layer, 1 .. L+1, for the titles.

    Returns
    -------
    matplotlib.figure.Figure
    """
    fig, (ax_delta, ax_W, ax_b) = new_figure(figsize=(9, 3.6), ncols=3,
                                             gridspec_kw={"width_ratios": [4, 4, 1]})
    fig.set_layout_engine(None)  # a fixed layout renders much faster than constrained
    fig.subplots_adjust(left=0.06, right=0.9, bottom=0.14, top=0.9, wspace=0.5)
    n, units = delta.shape
    plot_signed_matrix(ax_delta, delta, title=f"δ{layer_sup(l)}  ({n}×{units})",
                       xlabel=f"unit of layer {l}", ylabel="sample",
                       colorbar_label="error term δ")
    scale = _symmetric_limit(grad_W, grad_b)  # one colour scale for both gradients
    plot_signed_matrix(ax_W, grad_W,
                       title=f"∂J/∂W{layer_sup(l)}  ({grad_W.shape[0]}×{grad_W.shape[1]})",
                       xlabel=f"unit of layer {l - 1}" + (" = input x" if l == 1 else ""),
                       ylabel=f"unit of layer {l}", vmax=scale)
    plot_signed_matrix(ax_b, grad_b[:, None], title=f"∂J/∂b{layer_sup(l)}", vmax=scale,
                       colorbar_label="gradient")
    ax_b.set_xticks([])
    return fig

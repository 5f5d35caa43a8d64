"""Figures for the perceptron (lecture §3, Eq. 1): data, decision line, half-planes, mistakes.

A perceptron with weights w = (w1, w2) and bias b predicts class 1 where w1 x1 + w2 x2 + b >= 0
and class 0 elsewhere, so its decision boundary is the straight line w1 x1 + w2 x2 + b = 0 and
the two predicted classes fill the two half-planes on either side of it.
"""

from __future__ import annotations

import matplotlib as mpl
import numpy as np
from matplotlib.colors import ListedColormap

from .style import MARKERS, new_figure, styled

__all__ = ["draw_perceptron", "perceptron_figure", "perceptron_learning_figure"]

_GRID = 160


def _class_colours():
    """Return the first two colours of the current (colour-blind-safe) cycle."""
    return mpl.rcParams["axes.prop_cycle"].by_key()["color"][:2]


def _line_points(w, b, lim):
    """Two points of w1 x1 + w2 x2 + b = 0 spanning the square [-lim, lim]², or None if w = 0."""
    w1, w2 = float(w[0]), float(w[1])
    if w1 == 0.0 and w2 == 0.0:
        return None
    t = np.array([-lim, lim])
    if abs(w2) >= abs(w1):  # solve for x2: the line is closer to horizontal
        return t, -(w1 * t + b) / w2
    return -(w2 * t + b) / w1, t


def draw_perceptron(ax, X, y, w, b, *, lim=2.5, highlight=None):
    """Draw the data, the decision line, the shaded half-planes and the misclassified points.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
    X : ndarray of shape (n, 2)
    y : ndarray of shape (n,), labels 0/1
    w : ndarray of shape (2,)
    b : float
    lim : float
        The axes show [-lim, lim]².
    highlight : int, optional
        Index of a sample to circle (e.g. the one that caused the last update).

    Returns
    -------
    ndarray of bool, shape (n,)
        True where the perceptron's prediction step(w x + b) differs from y.
    """
    colours = _class_colours()
    grid = np.linspace(-lim, lim, _GRID)
    g1, g2 = np.meshgrid(grid, grid)
    region = (w[0] * g1 + w[1] * g2 + b >= 0).astype(float)  # step(w x + b), Eq. (1)
    ax.imshow(region, extent=(-lim, lim, -lim, lim), origin="lower", vmin=0, vmax=1,
              cmap=ListedColormap(colours), alpha=0.18, interpolation="nearest", aspect="auto")
    wrong = (X @ np.asarray(w, float) + b >= 0).astype(int) != y
    for k in (0, 1):
        ax.scatter(*X[y == k].T, marker=MARKERS[k], s=36, color=colours[k],
                   edgecolors="black", linewidths=0.5, label=f"class {k}", zorder=3)
    if wrong.any():
        ax.scatter(*X[wrong].T, marker="o", s=150, facecolors="none", edgecolors="black",
                   linewidths=1.6, label="misclassified", zorder=4)
    if highlight is not None:
        ax.scatter(*X[highlight], marker="*", s=260, color="black", zorder=5,
                   label="sample of this update")
    line = _line_points(w, b, lim)
    if line is not None:
        ax.plot(*line, color="black", linewidth=2, label="w₁x₁ + w₂x₂ + b = 0")
        # w points into the half-plane predicted as class 1
        foot = -b * np.asarray(w, float) / float(np.dot(w, w))
        if np.all(np.abs(foot) < lim):
            ax.annotate("", xy=foot + 0.8 * np.asarray(w) / np.linalg.norm(w), xytext=foot,
                        arrowprops={"arrowstyle": "->", "linewidth": 1.5}, zorder=5)
    ax.set_xlim(-lim, lim)
    ax.set_ylim(-lim, lim)
    ax.set_xlabel("x₁ (feature 1)")
    ax.set_ylabel("x₂ (feature 2)")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.16), ncol=2, frameon=False)
    return wrong


@styled
def perceptron_figure(X, y, w, b, *, lim=2.5):
    """One panel: the perceptron's decision line over the data (see ``draw_perceptron``).

    Returns
    -------
    (Figure, ndarray of bool of shape (n,))
        The figure and the misclassified mask.
    """
    fig, ax = new_figure(figsize=(4.8, 4.2))
    wrong = draw_perceptron(ax, X, y, w, b, lim=lim)
    ax.set_title(f"w = ({w[0]:.2f}, {w[1]:.2f}), b = {b:.2f}", fontsize="medium")
    return fig, wrong


@styled
def perceptron_learning_figure(X, y, w, b, mistakes, *, epoch=None, highlight=None, lim=2.5):
    """Draw the line after some updates (left) and the mistakes in each epoch (right).

    Parameters
    ----------
    X : ndarray of shape (n, 2)
    y : ndarray of shape (n,)
    w : ndarray of shape (2,)
    b : float
    mistakes : sequence of int
        Misclassified samples in each epoch of the whole run.
    epoch : int, optional
        The (1-based) epoch the current update belongs to, marked on the right.
    highlight : int, optional
        Index of the sample that caused the current update.

    Returns
    -------
    (Figure, ndarray of bool of shape (n,))
    """
    fig, (ax, ax_m) = new_figure(figsize=(8.4, 3.8), ncols=2, width_ratios=(1.1, 1))
    wrong = draw_perceptron(ax, X, y, w, b, lim=lim, highlight=highlight)
    epochs = np.arange(1, len(mistakes) + 1)
    bars = ax_m.bar(epochs, mistakes, color="0.65", edgecolor="black", linewidth=0.5)
    if epoch is not None and 1 <= epoch <= len(mistakes):
        bars[epoch - 1].set_facecolor(_class_colours()[1])
        ax_m.annotate("now", (epoch, mistakes[epoch - 1]), xytext=(0, 3),
                      textcoords="offset points", ha="center", va="bottom")
    ax_m.set_title("mistakes (= updates) in each epoch", fontsize="medium")
    ax_m.set_xlabel("epoch (one pass over the data)")
    ax_m.set_ylabel("misclassified samples (count)")
    ax_m.set_xlim(0.4, max(len(mistakes), 1) + 0.6)
    ax_m.set_ylim(0, max(max(mistakes, default=0), 1) * 1.15)
    return fig, wrong

"""Figures for the notebooks (matplotlib; the rest of mlp_core needs numpy alone).

All figures are pyplot-free ``Figure`` objects in a colour-blind-safe style (``style.py``).
"""

from .activation_plots import activation_figure, vanishing_figure
from .backprop_plots import backprop_figure, plot_signed_matrix
from .basics import draw_perceptron, perceptron_figure, perceptron_learning_figure
from .boundaries import boundary_figure, plot_decision_boundary, probability_grid
from .diagrams import draw_network, network_figure
from .forward_plots import forward_figure
from .style import CMAP, DIVERGING_CMAP, MARKERS, STYLE, figure_to_png, new_figure, styled
from .training_plots import memory_figure, plot_loss_curves
from .training_run import training_figure

__all__ = [
    "CMAP",
    "DIVERGING_CMAP",
    "MARKERS",
    "STYLE",
    "activation_figure",
    "backprop_figure",
    "boundary_figure",
    "draw_network",
    "draw_perceptron",
    "figure_to_png",
    "forward_figure",
    "memory_figure",
    "network_figure",
    "new_figure",
    "perceptron_figure",
    "perceptron_learning_figure",
    "plot_decision_boundary",
    "plot_loss_curves",
    "plot_signed_matrix",
    "probability_grid",
    "styled",
    "training_figure",
    "vanishing_figure",
]

"""Figures for the notebooks (matplotlib; the rest of mlp_core needs numpy alone).

One module per lecture section, named like the widget modules and the notebooks:
``perceptron`` (§3), ``structure`` (§4.1, the network diagram), ``activations`` (§4.2),
``forward`` (§4.3), ``backprop`` (§4.4), ``training`` (§4.5: loss curves, decision
boundaries, memory) and ``regularization`` (§4.6: the lab's figure, early stopping, dropout,
the grid of boundaries over λ), plus ``style``. All figures are pyplot-free ``Figure``
objects in a colour-blind-safe style.
"""

from .activations import activation_figure, vanishing_figure
from .backprop import backprop_figure, plot_signed_matrix
from .forward import forward_figure
from .perceptron import draw_perceptron, perceptron_figure, perceptron_learning_figure
from .regularization import (
    GRID_DATASETS,
    GRID_LAMS,
    LabFigure,
    boundary_figure,
    dropout_figure,
    early_stopping_figure,
    regularization_grid_figure,
)
from .structure import draw_network, network_figure
from .style import CMAP, DIVERGING_CMAP, MARKERS, STYLE, figure_to_png, new_figure, styled
from .training import (
    memory_figure,
    plot_decision_boundary,
    plot_loss_curves,
    probability_grid,
    training_figure,
)

__all__ = [
    "CMAP",
    "DIVERGING_CMAP",
    "GRID_DATASETS",
    "GRID_LAMS",
    "LabFigure",
    "MARKERS",
    "STYLE",
    "activation_figure",
    "backprop_figure",
    "boundary_figure",
    "draw_network",
    "draw_perceptron",
    "dropout_figure",
    "early_stopping_figure",
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
    "regularization_grid_figure",
    "styled",
    "training_figure",
    "vanishing_figure",
]

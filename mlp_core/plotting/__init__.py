"""Figures for the notebooks (matplotlib; the rest of mlp_core needs numpy alone)."""

from .diagrams import draw_network, network_figure
from .style import CMAP, DIVERGING_CMAP, MARKERS, STYLE, figure_to_png, new_figure, styled
from .training_plots import plot_loss_curves

__all__ = ["CMAP", "DIVERGING_CMAP", "MARKERS", "STYLE", "figure_to_png", "new_figure", "styled"]
__all__ += ["plot_loss_curves"]
__all__ += ["draw_network", "network_figure"]

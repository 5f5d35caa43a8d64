"""Figures for the notebooks (matplotlib; the rest of mlp_core needs numpy alone)."""

from .style import CMAP, DIVERGING_CMAP, MARKERS, STYLE, figure_to_png, new_figure, styled

__all__ = ["CMAP", "DIVERGING_CMAP", "MARKERS", "STYLE", "figure_to_png", "new_figure", "styled"]

"""Live ipywidgets panels for the notebooks; each notebook makes one call and says what to try."""

from .base import Panel, dropdown, float_slider, int_slider, log_slider

__all__ = ["Panel", "dropdown", "float_slider", "int_slider", "log_slider"]

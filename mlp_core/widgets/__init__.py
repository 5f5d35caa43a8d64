"""Live ipywidgets panels for the notebooks; each notebook makes one call and says what to try."""

from .activations import activation_panel, vanishing_panel
from .backprop import backprop_panel
from .base import Panel, dropdown, float_slider, int_slider, log_slider
from .forward import forward_panel
from .overfitting import dropout_panel, early_stopping_panel
from .perceptron import perceptron_learning_panel, perceptron_panel
from .regularization_lab import regularization_lab
from .structure import structure_panel
from .training import training_panel

__all__ = ["Panel", "dropdown", "float_slider", "int_slider", "log_slider"]
__all__ += ["backprop_panel", "training_panel"]
__all__ += ["activation_panel", "forward_panel", "perceptron_learning_panel", "perceptron_panel",
            "structure_panel", "vanishing_panel"]
__all__ += ["dropout_panel", "early_stopping_panel", "regularization_lab"]

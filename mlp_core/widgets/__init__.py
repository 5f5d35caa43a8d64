"""Live ipywidgets panels for the notebooks; each notebook makes one call and says what to try.

Every panel is a ``Panel`` (``base.py``): named controls and one figure redrawn when any of
them changes. One module per lecture section. ``set_figure_dpi`` and ``presenter_mode`` set how
large every panel draws (``PRESENTER_DPI`` for a projector).
"""

from .activations import activation_panel, vanishing_panel
from .backprop import backprop_panel
from .base import PRESENTER_DPI, Panel, one_blas_thread, presenter_mode, set_figure_dpi
from .controls import dropdown, float_slider, int_slider, log_slider
from .forward import forward_panel
from .perceptron import perceptron_learning_panel, perceptron_panel
from .questions import PredictReveal, predict_then_reveal
from .regularization import dropout_panel, early_stopping_panel, regularization_lab
from .structure import structure_panel
from .training import training_panel

__all__ = [
    "PRESENTER_DPI",
    "Panel",
    "PredictReveal",
    "activation_panel",
    "backprop_panel",
    "dropdown",
    "dropout_panel",
    "early_stopping_panel",
    "float_slider",
    "forward_panel",
    "int_slider",
    "log_slider",
    "one_blas_thread",
    "perceptron_learning_panel",
    "perceptron_panel",
    "predict_then_reveal",
    "presenter_mode",
    "regularization_lab",
    "set_figure_dpi",
    "structure_panel",
    "training_panel",
    "vanishing_panel",
]

"""mlp_core: the mathematics of the neural-networks lecture as a small numpy package.

Read it beside the lecture: activations (§4.2), the perceptron (§3), the MLP's forward
pass and backpropagation (§4.3-§4.4), training (§4.5), regularization (§4.6), gradient
checking, and the accuracy and R² the notebooks report. The mathematics needs numpy alone;
``mlp_core.plotting`` and ``mlp_core.widgets`` add matplotlib and ipywidgets for the notebooks.
"""

from . import data
from .activations import (
    ACTIVATIONS,
    Activation,
    derivative_products,
    get_activation,
    identity,
    identity_derivative,
    relu,
    relu_derivative,
    sigmoid,
    sigmoid_derivative,
    tanh,
    tanh_derivative,
)
from .gradient_check import (
    gradient_check,
    gradient_check_layers,
    numerical_gradient,
    relative_error,
)
from .layers import dense_backward, dense_forward
from .losses import (
    LOSSES,
    Loss,
    binary_cross_entropy,
    binary_cross_entropy_delta,
    cross_entropy,
    cross_entropy_delta,
    get_loss,
    log_softmax,
    mean_squared_error,
    mean_squared_error_delta,
    softmax,
)
from .metrics import accuracy, accuracy_score, confusion_counts, predict_classes, r2_score
from .network import MLP, ForwardCache, Gradients, parameter_table
from .perceptron import Perceptron, step
from .regularization import EarlyStopping, dropout_mask, l2_penalty
from .training import (
    History,
    ScaleWarning,
    TrainingDivergedError,
    TrainingInterrupted,
    fit,
    sgd_step,
    train_one_epoch,
)

__version__ = "0.1.0"

__all__ = [
    "ACTIVATIONS",
    "LOSSES",
    "MLP",
    "Activation",
    "EarlyStopping",
    "ForwardCache",
    "Gradients",
    "History",
    "Loss",
    "Perceptron",
    "ScaleWarning",
    "TrainingDivergedError",
    "TrainingInterrupted",
    "accuracy",
    "accuracy_score",
    "binary_cross_entropy",
    "binary_cross_entropy_delta",
    "confusion_counts",
    "cross_entropy",
    "cross_entropy_delta",
    "data",
    "dense_backward",
    "dense_forward",
    "derivative_products",
    "dropout_mask",
    "fit",
    "get_activation",
    "get_loss",
    "gradient_check",
    "gradient_check_layers",
    "identity",
    "identity_derivative",
    "l2_penalty",
    "log_softmax",
    "mean_squared_error",
    "mean_squared_error_delta",
    "numerical_gradient",
    "parameter_table",
    "predict_classes",
    "r2_score",
    "relative_error",
    "relu",
    "relu_derivative",
    "sgd_step",
    "sigmoid",
    "sigmoid_derivative",
    "softmax",
    "step",
    "tanh",
    "tanh_derivative",
    "train_one_epoch",
]

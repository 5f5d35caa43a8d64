"""Reference solutions for the exercises of notebook 03 (activation functions, lecture §4.2).

Each function is what a student writes in the exercise cell of the same name; each needs only
numpy as ``np``. See README.md in this folder for how to use them.
"""

import numpy as np


def relu_derivative(z):
    """ReLU'(z) = 1 where z > 0, else 0 (Eq. 6; 0 at z = 0)."""
    return np.where(z > 0, 1.0, 0.0)


def sigmoid_derivative(z):
    """sigmoid'(z) = sigmoid(z) (1 − sigmoid(z)) (Eq. 8)."""
    s = 1 / (1 + np.exp(-z))
    return s * (1 - s)


def tanh_derivative(z):
    """tanh'(z) = 1 − tanh(z)² (Eq. 10)."""
    return 1 - np.tanh(z) ** 2

"""Activation functions σ and their derivatives σ' (lecture §4.2, Eqs. 5-10).

Each activation is stored with its derivative in one frozen record, so the registry
``ACTIVATIONS`` can never hold a function without its derivative. Derivatives are written
in terms of the pre-activation ``z``, as the lecture writes them (σ'(z^(l)) in Eq. 19).

Every function works elementwise on an array of any shape and keeps its dtype.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ._checks import check_seed, lookup

__all__ = [
    "ACTIVATIONS",
    "Activation",
    "derivative_products",
    "get_activation",
    "identity",
    "identity_derivative",
    "relu",
    "relu_derivative",
    "sigmoid",
    "sigmoid_derivative",
    "tanh",
    "tanh_derivative",
]


def relu(z):
    """ReLU(z) = max(z, 0), Eq. (5)."""
    return np.maximum(z, 0)


def relu_derivative(z):
    """ReLU'(z) = 1 if z > 0 else 0, Eq. (6); at z = 0 we take the left derivative, 0."""
    z = np.asarray(z)
    return (z > 0).astype(z.dtype if z.dtype.kind == "f" else np.float64)  # float keeps dtype


def sigmoid(z):
    """sigmoid(z) = 1 / (1 + exp(-z)), Eq. (7), computed without overflow.

    ``exp(-z)`` overflows for z < -709 in float64 (and z < -88 in float32). We only ever
    exponentiate ``-|z|`` (which lies in (0, 1]) and use the identity
    sigmoid(z) = exp(z) / (1 + exp(z)) for negative z.
    """
    z = np.asarray(z)
    if not np.issubdtype(z.dtype, np.floating):
        z = z.astype(np.float64)
    e = np.exp(-np.abs(z))  # in (0, 1]: never overflows
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))


def sigmoid_derivative(z):
    """sigmoid'(z) = sigmoid(z) (1 - sigmoid(z)), Eq. (8); largest value 0.25 at z = 0.

    The lecture labels Eq. (8) as ReLU's derivative; it is the sigmoid's.
    """
    s = sigmoid(z)
    return s * (1 - s)


def tanh(z):
    """tanh(z) = (1 - exp(-2z)) / (1 + exp(-2z)), Eq. (9); maps R onto (-1, 1).

    The lecture says (0, 1); the range is (-1, 1). ``np.tanh`` is the stable form of Eq. (9).
    """
    return np.tanh(z)


def tanh_derivative(z):
    """tanh'(z) = 1 - tanh(z)^2, Eq. (10); largest value 1 at z = 0."""
    t = np.tanh(z)
    return 1 - t * t


def identity(z):
    """identity(z) = z: the linear output layer of Eq. (13)."""
    return np.asarray(z)


def identity_derivative(z):
    """identity'(z) = 1."""
    z = np.asarray(z)
    return np.ones_like(z, dtype=z.dtype if np.issubdtype(z.dtype, np.floating) else np.float64)


@dataclass(frozen=True)
class Activation:
    """An activation σ together with its derivative σ'.

    Attributes
    ----------
    name : str
        The key in ``ACTIVATIONS`` (what a user types).
    function : callable
        σ(z), elementwise.
    derivative : callable
        σ'(z), elementwise, in terms of the pre-activation z.
    equations : str
        Where the lecture defines them.
    output_range : str
        The range of σ, for display.
    """

    name: str
    function: Callable[[np.ndarray], np.ndarray]
    derivative: Callable[[np.ndarray], np.ndarray]
    equations: str
    output_range: str

    def __call__(self, z):
        """Return σ(z), elementwise.

        Parameters
        ----------
        z : ndarray of any shape
            Pre-activations.

        Returns
        -------
        ndarray of the same shape as z
        """
        return self.function(z)


ACTIVATIONS: dict[str, Activation] = {
    "relu": Activation("relu", relu, relu_derivative, "Eqs. (5)-(6)", "[0, ∞)"),
    "sigmoid": Activation("sigmoid", sigmoid, sigmoid_derivative, "Eqs. (7)-(8)", "(0, 1)"),
    "tanh": Activation("tanh", tanh, tanh_derivative, "Eqs. (9)-(10)", "(-1, 1)"),
    "identity": Activation("identity", identity, identity_derivative, "Eq. (13)", "(-∞, ∞)"),
}


def get_activation(name):
    """Return the ``Activation`` registered under ``name``.

    Raises
    ------
    TypeError
        If ``name`` is neither a string nor an ``Activation``.
    ValueError
        If ``name`` is not a key of ``ACTIVATIONS`` (the message lists the valid names).
    """
    return lookup(name, ACTIVATIONS, "activation", Activation)


def derivative_products(name, spread, d_max=20, n_draws=2000, seed=0):
    """Typical product Π_{l=1..d} σ'(z^(l)) for random pre-activations z^(l) ~ N(0, spread²).

    The chain rule (Eq. 22) multiplies one σ'(z^(l)) per layer into an error term; this is
    how large that product typically is after d layers (vanishing gradients).

    Parameters
    ----------
    name : str
        A key of ``ACTIVATIONS``.
    spread : float >= 0
        Standard deviation of the pre-activations (0 puts every z at 0).
    d_max : int
        Largest depth.
    n_draws : int
        Independent chains of d_max pre-activations.
    seed : int
        Seed for ``np.random.default_rng``.

    Returns
    -------
    ndarray of shape (d_max,)
        The median over the draws of the product after d = 1 .. d_max layers.
    """
    z = np.random.default_rng(check_seed(seed)).normal(0.0, spread, size=(n_draws, d_max))
    products = np.cumprod(get_activation(name).derivative(z), axis=1)
    return np.median(products, axis=0)

"""Exercises of notebook 02 (lecture §4.1, Eqs. 2-4): shapes and parameter counts.

``layer_sizes`` is [N_I, N_1, ..., N_L, N_O]; W^(l) has the lecture's shape (N_l, N_{l-1})
and b^(l) the shape (N_l,), for l = 1 .. L+1. With rows as samples, a batch of n inputs
gives z^(l) and h^(l) of shape (n, N_l). The references read the shapes off a real ``MLP``.
"""

from __future__ import annotations

import numpy as np

from ..network import MLP
from .checking import Case, Exercise, Mistake

__all__ = ["EXERCISES"]

_SIZES = [
    ([3, 4, 5, 2], "[3, 4, 5, 2]"),
    ((2, 1), "(2, 1) as a tuple: no hidden layer"),
    ([784, 128, 10], "[784, 128, 10]"),
    ([1, 16, 16, 16, 1], "[1, 16, 16, 16, 1]"),
    ((5, 3, 3), "(5, 3, 3) as a tuple"),
]


def _size_cases():
    return [Case((sizes,), label=label) for sizes, label in _SIZES]


def _pairs(sizes):
    """(N_l, N_{l-1}) for l = 1 .. L+1."""
    sizes = list(sizes)
    return list(zip(sizes[1:], sizes[:-1]))


# --- weight_shapes ------------------------------------------------------------------------

def weight_shapes_reference(layer_sizes):
    """[W^(1).shape, ..., W^(L+1).shape] of ``MLP(layer_sizes)``."""
    return [W.shape for W in MLP(layer_sizes, seed=0).weights]


WEIGHT_SHAPES = Exercise(
    name="weight_shapes",
    notebook="02_network_structure",
    params=("layer_sizes",),
    returns="a list of the shapes (N_l, N_{l-1}) of W^(1), ..., W^(L+1)",
    equation="Eqs. (2)-(4)",
    reference=weight_shapes_reference,
    cases=_size_cases,
    mistakes=(
        Mistake(
            "transposed",
            "Your shapes are transposed. W^(l) has one row per unit of layer l and one "
            "column per unit of layer l-1: shape (N_l, N_{l-1}), so that W^(l) h^(l-1) "
            "works (Eqs. 2-4).",
            lambda layer_sizes: [(a, b) for b, a in _pairs(layer_sizes)],
        ),
        Mistake(
            "hidden_only",
            "You left out the output layer. A network with L hidden layers has L + 1 "
            "weight matrices; the last, W^(L+1), has shape (N_O, N_L) (Eq. 4).",
            lambda layer_sizes: _pairs(layer_sizes)[:-1],
        ),
        Mistake(
            "bias_column",
            "Your matrices have one column too many. The lecture keeps the bias b^(l) as a "
            "separate vector (Eq. 2), so W^(l) has shape (N_l, N_{l-1}).",
            lambda layer_sizes: [(a, b + 1) for a, b in _pairs(layer_sizes)],
        ),
    ),
)


# --- count_parameters ---------------------------------------------------------------------

def count_parameters_reference(layer_sizes):
    """Σ_l N_l N_{l-1} + N_l, the ``n_parameters`` of ``MLP(layer_sizes)``."""
    return MLP(layer_sizes, seed=0).n_parameters


COUNT_PARAMETERS = Exercise(
    name="count_parameters",
    notebook="02_network_structure",
    params=("layer_sizes",),
    returns="the number of weights and biases, an int",
    equation="Eqs. (2)-(4)",
    reference=count_parameters_reference,
    cases=_size_cases,
    mistakes=(
        Mistake(
            "weights_only",
            "You counted only the weights. Every layer l = 1 .. L+1 also has N_l biases "
            "b^(l) (Eq. 2): add Σ_l N_l.",
            lambda layer_sizes: sum(a * b for a, b in _pairs(layer_sizes)),
        ),
        Mistake(
            "counts_neurons",
            "You counted neurons, not parameters. The parameters are the entries of every "
            "W^(l) (N_l × N_{l-1}) and b^(l) (N_l) (Eqs. 2-4).",
            lambda layer_sizes: sum(layer_sizes),
        ),
        Mistake(
            "input_biases",
            "You gave the input layer biases too. Only layers l = 1 .. L+1 have a b^(l); "
            "the input x is given, not computed (Eq. 2).",
            lambda layer_sizes: sum(a * b + a for a, b in _pairs(layer_sizes))
            + list(layer_sizes)[0],
        ),
    ),
)


# --- layer_output_shapes ------------------------------------------------------------------

def layer_output_shapes_reference(layer_sizes, n_samples):
    """[z^(1).shape, ..., z^(L+1).shape] of ``MLP(layer_sizes).forward`` on n_samples rows."""
    net = MLP(layer_sizes, seed=0)
    cache = net.forward(np.zeros((n_samples, net.layer_sizes[0])))
    return [z.shape for z in cache.z]


def _output_shape_cases():
    return [
        Case(([3, 4, 5, 2], 6), label="[3, 4, 5, 2], 6 samples"),
        Case(((2, 1), 10), label="(2, 1), 10 samples"),
        Case(([784, 128, 10], 32), label="[784, 128, 10], 32 samples"),
        Case(([2, 8, 8, 8, 3], 1), label="[2, 8, 8, 8, 3], 1 sample"),
        Case(((4, 7, 7), 5), label="(4, 7, 7), 5 samples"),
    ]


LAYER_OUTPUT_SHAPES = Exercise(
    name="layer_output_shapes",
    notebook="02_network_structure",
    params=("layer_sizes", "n_samples"),
    returns="a list of the shapes of z^(1), ..., z^(L+1) for a batch of n_samples rows",
    equation="Eqs. (2)-(4), rows are samples",
    reference=layer_output_shapes_reference,
    cases=_output_shape_cases,
    mistakes=(
        Mistake(
            "transposed",
            "Your shapes are transposed. The kit stores samples as rows, so a batch of n "
            "inputs gives z^(l) of shape (n, N_l): one row per sample, one column per unit.",
            lambda layer_sizes, n_samples: [(a, n_samples) for a, _ in _pairs(layer_sizes)],
        ),
        Mistake(
            "includes_input",
            "Your list starts with the input's shape. z^(l) exists for the computed layers "
            "l = 1 .. L+1 only; the input x = h^(0) is given, not computed.",
            lambda layer_sizes, n_samples: [(n_samples, s) for s in layer_sizes],
        ),
        Mistake(
            "one_sample",
            "Your shapes are those of one sample. For a batch each z^(l) has one row per "
            "sample: shape (n_samples, N_l).",
            lambda layer_sizes, n_samples: [(a,) for a, _ in _pairs(layer_sizes)],
        ),
    ),
)

EXERCISES = [WEIGHT_SHAPES, COUNT_PARAMETERS, LAYER_OUTPUT_SHAPES]

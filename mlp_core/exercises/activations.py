"""Exercises of notebook 03 (lecture §4.2, Eqs. 5-10): the derivatives σ'(z).

Each answer takes the pre-activation z (an array of any shape) and returns σ'(z) of the same
shape, as the lecture writes the derivatives (σ'(z^(l)) in Eq. 22). The references are the
kit's own ``relu_derivative``, ``sigmoid_derivative`` and ``tanh_derivative``. The test
arrays include exact zeros (where ReLU's derivative is a choice) and come in float64 and
float32.
"""

from __future__ import annotations

import numpy as np

from ..activations import (
    relu,
    relu_derivative,
    sigmoid,
    sigmoid_derivative,
    tanh,
    tanh_derivative,
)
from .checking import Case, Exercise, Mistake

__all__ = ["EXERCISES"]


def _z_cases(seed):
    rng = np.random.default_rng(seed)
    cases = [Case((np.array([-2.0, -0.5, 0.0, 0.5, 2.0]),), label="z = [-2, -0.5, 0, 0.5, 2]")]
    for shape, dtype in [((7,), np.float64), ((4, 3), np.float64), ((2, 3, 4), np.float64),
                         ((6,), np.float32), ((5, 4), np.float32)]:
        z = rng.uniform(-6, 6, shape)
        z[rng.random(shape) < 0.2] = 0.0  # exact zeros
        z = z.astype(dtype)
        cases.append(Case((z,), dtype, f"{np.dtype(dtype).name}, z of shape {shape}"))
    return cases


RELU_DERIVATIVE = Exercise(
    name="relu_derivative",
    notebook="03_activation_functions",
    params=("z",),
    returns="ReLU'(z), same shape as z: 1 where z > 0, else 0",
    equation="Eq. (6)",
    reference=relu_derivative,
    cases=lambda: _z_cases(301),
    mistakes=(
        Mistake(
            "one_at_zero",
            "At z = 0 your derivative is 1. The lecture takes the left derivative there, "
            "0: ReLU'(z) = 1 if z > 0, 0 if z <= 0 (Eq. 6).",
            lambda z: (z >= 0).astype(float),
        ),
        Mistake(
            "returns_relu",
            "You returned ReLU(z) = max(z, 0) itself, not its derivative, which is 1 where "
            "z > 0 and 0 elsewhere (Eq. 6).",
            relu,
        ),
        Mistake(
            "sign",
            "Your derivative is -1 for z < 0 (np.sign). ReLU is flat there, so its slope is "
            "0: ReLU'(z) = 1 if z > 0, 0 if z <= 0 (Eq. 6).",
            np.sign,
        ),
    ),
)


SIGMOID_DERIVATIVE = Exercise(
    name="sigmoid_derivative",
    notebook="03_activation_functions",
    params=("z",),
    returns="sigmoid'(z) = sigmoid(z) (1 − sigmoid(z)), same shape as z",
    equation="Eq. (8)",
    reference=sigmoid_derivative,
    cases=lambda: _z_cases(302),
    mistakes=(
        Mistake(
            "formula_on_z",
            "You computed z (1 − z). Eq. (8) applies the formula to the sigmoid's value: "
            "s = sigmoid(z) first, then s (1 − s).",
            lambda z: z * (1 - z),
        ),
        Mistake(
            "returns_sigmoid",
            "You returned sigmoid(z) itself. Its derivative is sigmoid(z) (1 − sigmoid(z)) "
            "(Eq. 8), at most 0.25.",
            sigmoid,
        ),
        Mistake(
            "tanh_form",
            "You used tanh's form 1 − s². For the sigmoid the derivative is s (1 − s) with "
            "s = sigmoid(z) (Eq. 8).",
            lambda z: 1 - sigmoid(z) ** 2,
        ),
    ),
)


TANH_DERIVATIVE = Exercise(
    name="tanh_derivative",
    notebook="03_activation_functions",
    params=("z",),
    returns="tanh'(z) = 1 − tanh²(z), same shape as z",
    equation="Eq. (10)",
    reference=tanh_derivative,
    cases=lambda: _z_cases(303),
    mistakes=(
        Mistake(
            "not_squared",
            "You forgot to square: tanh'(z) = 1 − tanh(z)² (Eq. 10), not 1 − tanh(z).",
            lambda z: 1 - np.tanh(z),
        ),
        Mistake(
            "formula_on_z",
            "You computed 1 − z². Eq. (10) squares tanh(z), not z: 1 − tanh(z)².",
            lambda z: 1 - z ** 2,
        ),
        Mistake(
            "returns_tanh",
            "You returned tanh(z) itself. Its derivative is 1 − tanh(z)² (Eq. 10), at most 1.",
            tanh,
        ),
        Mistake(
            "sigmoid_form",
            "You used the sigmoid's form t (1 − t). For tanh the derivative is 1 − t² "
            "with t = tanh(z) (Eq. 10).",
            lambda z: np.tanh(z) * (1 - np.tanh(z)),
        ),
    ),
)

EXERCISES = [RELU_DERIVATIVE, SIGMOID_DERIVATIVE, TANH_DERIVATIVE]

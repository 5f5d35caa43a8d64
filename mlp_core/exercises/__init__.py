"""Exercises with automatic checks that name the mistake (issue 11).

A notebook asks the student to write a function, e.g. ``relu_derivative(z)``, and checks it
right below::

    from mlp_core.exercises import check
    check("relu_derivative", relu_derivative)

``check`` runs the answer on seeded test cases (several shapes, float64 and float32) and
compares it with the kit's own function: the shape first, then the values. A wrong answer
is compared with the exercise's catalogued mistakes, and a recognised mistake is named with
the equation to read again ("your gradient is n times too large: average over the batch
(Eqs. 23-25)"). The result shows itself in a notebook as a green, red or grey box with one
example input and the expected and received outputs. An answer that still raises
``NotImplementedError`` is "not done yet".

``EXERCISES`` maps each name to its ``Exercise`` record (notebook, signature, equation,
reference, catalogued mistakes), in the order of the notebooks.

This package needs numpy alone.
"""

from __future__ import annotations

from . import activations, backprop, forward, perceptron, regularization, structure, training
from .checking import CheckResult, Example, Exercise, Mistake, run_check

__all__ = ["EXERCISES", "CheckResult", "Example", "Exercise", "Mistake", "check",
           "exercises_for"]

#: Every exercise by name, in the order of the notebooks 01-07.
EXERCISES: dict[str, Exercise] = {
    exercise.name: exercise
    for module in (perceptron, structure, activations, forward, backprop, training,
                   regularization)
    for exercise in module.EXERCISES
}


def check(name, answer):
    """Check the function ``answer`` for the exercise ``name``.

    Parameters
    ----------
    name : str
        A key of ``EXERCISES``, e.g. ``"relu_derivative"``.
    answer : callable
        The student's function, with the exercise's parameters (``EXERCISES[name].params``).

    Returns
    -------
    CheckResult
        ``passed`` (bool), ``message`` (str), ``status`` ("passed", "failed" or
        "not done"), ``mistake`` (the catalogued mistake recognised, or None) and
        ``example``. It displays itself as a coloured box in a notebook.

    Raises
    ------
    TypeError
        If ``name`` is not a string.
    ValueError
        If ``name`` is not an exercise (the message lists them).
    """
    if not isinstance(name, str):
        raise TypeError(f"name must be the exercise's name, one of {list(EXERCISES)}, "
                        f"got {name!r}")
    if name not in EXERCISES:
        raise ValueError(f"name must be one of {list(EXERCISES)}, got {name!r}")
    return run_check(EXERCISES[name], answer)


def exercises_for(notebook):
    """Return the exercises a notebook asks for, e.g. ``exercises_for("01_perceptron")``.

    Returns
    -------
    list of Exercise
    """
    found = [e for e in EXERCISES.values() if e.notebook == notebook]
    if not found:
        notebooks = sorted({e.notebook for e in EXERCISES.values()})
        raise ValueError(f"notebook must be one of {notebooks}, got {notebook!r}")
    return found

"""Exercises of notebook 01 (lecture §3, Eq. 1): the perceptron's output and learning rule.

The perceptron outputs ŷ = step(w x + b) with step(z) = 1 where z >= 0, else 0 (Eq. 1), and
learns one sample at a time: w ← w + η (y − ŷ) x, b ← b + η (y − ŷ). The references run
``mlp_core.perceptron.Perceptron`` itself.

Test inputs are multiples of 1/2 or 1/4, so w x + b is exact in float32 and float64 and the
boundary case z = 0 really occurs.
"""

from __future__ import annotations

import numpy as np

from ..perceptron import Perceptron, step
from .checking import Case, Exercise, Mistake

__all__ = ["EXERCISES"]


def _perceptron(w, b, lr=1.0):
    """Return a kit ``Perceptron`` holding the weights w and bias b."""
    p = Perceptron(n_features=len(w), lr=lr)
    p.w = np.array(w, dtype=np.float64)
    p.b = float(b)
    return p


def _grid(rng, size, low=-4, high=4, scale=2):
    """Random multiples of 1/scale in [low/scale, high/scale] (exact in float32)."""
    return rng.integers(low, high + 1, size=size) / scale


# --- perceptron_output --------------------------------------------------------------------

def perceptron_output_reference(w, b, X):
    """ŷ = step(X w + b), one 0/1 per row (Eq. 1), by ``Perceptron.predict``."""
    return _perceptron(w, b).predict(X)


def _output_cases():
    rng = np.random.default_rng(101)
    X_and = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float64)
    cases = [Case((np.array([1.0, 1.0]), -1.0, X_and), label="z = 0 for two rows")]
    for n, N, dtype in [(6, 2, np.float64), (10, 3, np.float64), (1, 1, np.float64),
                        (8, 2, np.float32), (12, 4, np.float32)]:
        X = _grid(rng, (n, N)).astype(dtype)
        w = _grid(rng, N, -3, 3).astype(dtype)
        b = float(_grid(rng, None, -4, 4)) or 0.5
        cases.append(Case((w, b, X), dtype, f"{np.dtype(dtype).name}, X of shape {X.shape}"))
    return cases


PERCEPTRON_OUTPUT = Exercise(
    name="perceptron_output",
    notebook="01_perceptron",
    params=("w", "b", "X"),
    returns="ŷ of shape (n_samples,): 1 where w x + b >= 0, else 0",
    equation="Eq. (1)",
    reference=perceptron_output_reference,
    cases=_output_cases,
    mistakes=(
        Mistake(
            "strict_inequality",
            "Where w x + b = 0 exactly, your output is 0. The step function fires at "
            "z >= 0: step(z) = 1 where z >= 0 (Eq. 1 with the step as g).",
            lambda w, b, X: (X @ w + b > 0).astype(int),
        ),
        Mistake(
            "no_bias",
            "You left out the bias: ŷ = g(w x + b) (Eq. 1), so add b before the step.",
            lambda w, b, X: step(X @ w),
        ),
        Mistake(
            "returns_z",
            "You returned w x + b itself. Apply the step g to it: ŷ = 1 where "
            "w x + b >= 0, else 0 (Eq. 1).",
            lambda w, b, X: X @ w + b,
        ),
        Mistake(
            "sign_outputs",
            "Your outputs are -1, 0 or +1 (np.sign). This perceptron outputs 0 or 1: "
            "step(z) = 1 where z >= 0, else 0 (Eq. 1).",
            lambda w, b, X: np.sign(X @ w + b),
        ),
    ),
)


# --- perceptron_update --------------------------------------------------------------------

def perceptron_update_reference(w, b, x, y, lr):
    """(w, b) after one step of the learning rule on (x, y), by ``Perceptron.update``."""
    p = _perceptron(w, b, lr)
    p.update(x, y)
    return p.w, p.b


def _update_cases():
    rng = np.random.default_rng(102)
    a = np.array
    cases = [
        Case((a([0.5, -1.0]), 0.0, a([1.0, 1.0]), 1, 1.0), label="y = 1 but ŷ = 0"),
        Case((a([1.0, 1.0]), -1.0, a([0.0, 1.0]), 0, 0.5), label="y = 0, z = 0 so ŷ = 1"),
        Case((a([1.0, 2.0, -1.0]), 0.5, a([1.0, 0.0, 0.0]), 1, 0.25),
             label="correctly classified (y = 1)"),
        Case((a([1.0, -1.0]), -0.5, a([0.5, 1.0]), 0, 1.0), label="correctly classified (y = 0)"),
    ]
    for N, dtype, lr in [(2, np.float64, 0.5), (3, np.float64, 0.25), (4, np.float32, 0.5),
                         (3, np.float32, 1.0), (5, np.float64, 2.0), (2, np.float32, 0.25)]:
        w = _grid(rng, N, -3, 3).astype(dtype)
        x = _grid(rng, N).astype(dtype)
        b = float(_grid(rng, None))
        y = int(rng.integers(0, 2))
        cases.append(Case((w, b, x, y, lr), dtype, f"{np.dtype(dtype).name}, {N} features"))
    return cases


def _update_with(w, b, x, y, lr, fires=lambda z: z >= 0, sign=1):
    error = sign * (y - int(fires(x @ w + b)))
    return w + lr * error * x, b + lr * error


def _update_in_place(w, b, x, y, lr):
    error = y - int(x @ w + b >= 0)
    w += lr * error * x
    return w, b + lr * error


PERCEPTRON_UPDATE = Exercise(
    name="perceptron_update",
    notebook="01_perceptron",
    params=("w", "b", "x", "y", "lr"),
    returns="the new (w, b) after one step of the rule on the sample (x, y)",
    equation="Eq. (1) and the rule w ← w + η (y − ŷ) x, b ← b + η (y − ŷ) (notebook 01, §4)",
    reference=perceptron_update_reference,
    cases=_update_cases,
    parts=("w", "b"),
    mistakes=(
        Mistake(
            "sign_flipped",
            "You moved w and b the wrong way. The rule adds the error: "
            "w ← w + η (y − ŷ) x and b ← b + η (y − ŷ).",
            lambda w, b, x, y, lr: _update_with(w, b, x, y, lr, sign=-1),
        ),
        Mistake(
            "bias_not_updated",
            "Your w is right but b did not change. The bias learns too: b ← b + η (y − ŷ).",
            lambda w, b, x, y, lr: (_update_with(w, b, x, y, lr)[0], b),
        ),
        Mistake(
            "no_learning_rate",
            "Your step is not scaled by the learning rate: w ← w + η (y − ŷ) x and "
            "b ← b + η (y − ŷ), with η = lr.",
            lambda w, b, x, y, lr: _update_with(w, b, x, y, 1.0),
        ),
        Mistake(
            "target_not_error",
            "You used the target y where the rule has the error y − ŷ: a correctly "
            "classified sample must leave w and b unchanged, w ← w + η (y − ŷ) x.",
            lambda w, b, x, y, lr: (w + lr * y * x, b + lr * y),
        ),
        Mistake(
            "strict_inequality",
            "Your ŷ is 0 where w x + b = 0 exactly. The step fires at z >= 0 (Eq. 1), so "
            "there ŷ = 1.",
            lambda w, b, x, y, lr: _update_with(w, b, x, y, lr, fires=lambda z: z > 0),
        ),
        Mistake(
            "in_place",
            "Your w is right, but you changed the caller's w in place (w += ...). Return a "
            "new array: w_new = w + lr * (y - y_hat) * x.",
            _update_in_place,
        ),
    ),
)


# --- perceptron_epoch ---------------------------------------------------------------------

def perceptron_epoch_reference(w, b, X, y, lr):
    """(w, b, mistakes) after one pass over the rows of X in order, by ``Perceptron.fit``."""
    p = _perceptron(w, b, lr)
    p.fit(X, y, epochs=1)  # without a seed, fit visits the samples in order
    return p.w, p.b, p.mistakes[0]


def _epoch_cases():
    rng = np.random.default_rng(103)
    X_and = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float64)
    cases = [
        Case((np.zeros(2), 0.0, X_and, np.array([0, 0, 0, 1]), 1.0), label="AND, from zero"),
        Case((np.array([1.0, 1.0]), -1.5, X_and, [0, 0, 0, 1], 0.5),
             label="AND, already right; y as a list"),
    ]
    for n, N, dtype, lr in [(6, 2, np.float64, 1.0), (8, 3, np.float64, 0.5),
                            (10, 2, np.float32, 0.25), (5, 4, np.float32, 1.0),
                            (12, 2, np.float64, 0.5)]:
        X = _grid(rng, (n, N)).astype(dtype)
        w = _grid(rng, N, -2, 2).astype(dtype)
        b = float(_grid(rng, None, -2, 2))
        y = rng.integers(0, 2, n)
        cases.append(Case((w, b, X, y, lr), dtype, f"{np.dtype(dtype).name}, {n} samples"))
    return cases


def _epoch_with(w, b, X, y, lr, fires=lambda z: z >= 0, update_b=True):
    mistakes = 0
    for x_i, y_i in zip(X, y):
        error = y_i - int(fires(x_i @ w + b))
        w = w + lr * error * x_i
        if update_b:
            b = b + lr * error
        mistakes += error != 0
    return w, b, mistakes


def _epoch_batch_predictions(w, b, X, y, lr):
    y_hat = (X @ w + b >= 0).astype(int)  # every prediction with the starting weights
    mistakes = 0
    for x_i, y_i, y_hat_i in zip(X, y, y_hat):
        error = y_i - y_hat_i
        w = w + lr * error * x_i
        b = b + lr * error
        mistakes += error != 0
    return w, b, mistakes


def _epoch_final_mistakes(w, b, X, y, lr):
    w, b, _ = _epoch_with(w, b, X, y, lr)
    return w, b, int(np.sum((X @ w + b >= 0).astype(int) != np.asarray(y)))


PERCEPTRON_EPOCH = Exercise(
    name="perceptron_epoch",
    notebook="01_perceptron",
    params=("w", "b", "X", "y", "lr"),
    returns="(w, b, mistakes) after one pass over the rows of X in order",
    equation="the learning rule of notebook 01, §4, applied to each sample in turn",
    reference=perceptron_epoch_reference,
    cases=_epoch_cases,
    parts=("w", "b", "mistakes"),
    mistakes=(
        Mistake(
            "predictions_from_start",
            "You predicted every sample with the weights from the start of the pass. The "
            "rule updates after each sample, so sample i+1 is predicted with the w and b "
            "that sample i left behind.",
            _epoch_batch_predictions,
        ),
        Mistake(
            "final_mistakes",
            "Your w and b are right, but your count is the mistakes of the final weights. "
            "Count the updates made during the pass: each sample that was wrong when it "
            "was visited.",
            _epoch_final_mistakes,
        ),
        Mistake(
            "strict_inequality",
            "Your ŷ is 0 where w x + b = 0 exactly. The step fires at z >= 0 (Eq. 1), so "
            "there ŷ = 1.",
            lambda w, b, X, y, lr: _epoch_with(w, b, X, y, lr, fires=lambda z: z > 0),
        ),
        Mistake(
            "bias_not_updated",
            "Your bias never changes. The rule updates it with every mistake: "
            "b ← b + η (y − ŷ).",
            lambda w, b, X, y, lr: _epoch_with(w, b, X, y, lr, update_b=False),
        ),
    ),
)

EXERCISES = [PERCEPTRON_OUTPUT, PERCEPTRON_UPDATE, PERCEPTRON_EPOCH]

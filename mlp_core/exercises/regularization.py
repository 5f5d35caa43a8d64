"""Exercises of notebook 07 (lecture §4.6, Eq. 15): dropout, early stopping, weight decay.

- ``dropout_mask``: an inverted-dropout mask, each entry 0 with probability p and 1/(1 − p)
  otherwise, drawn from the given rng. It is checked by its properties: shape, values, the
  share of zeros (within a statistical tolerance), independent entries, and that the same
  rng seed gives the same mask. The kit's version is ``mlp_core.regularization.dropout_mask``.
- ``should_stop``: the patience rule of ``EarlyStopping`` after a list of validation losses.
- ``weight_decay_step``: one gradient step on J = L + s, W − η (g + λ W) (Eqs. 15, 23).
"""

from __future__ import annotations

import math

import numpy as np

from ..regularization import EarlyStopping, dropout_mask
from ..training import sgd_step
from .checking import Case, Example, Exercise, Finding, Mistake, call, fmt

__all__ = ["EXERCISES"]


# --- dropout_mask -------------------------------------------------------------------------

def _mask_example(shape, p, seed, received, expected):
    inputs = (("shape", repr(shape)), ("p", repr(p)),
              ("rng", f"np.random.default_rng({seed})"))
    return Example(inputs, expected, received)


def _run_mask(answer, params, shape, p, seed):
    """Call the answer once; return ``((mask, example), None)`` or ``(None, finding)``.

    Parameters
    ----------
    answer : callable
        The student's ``dropout_mask(shape, p, rng)``.
    params : tuple of str
        The exercise's parameter names.
    shape : tuple or list of int
    p : float in [0, 1)
    seed : int
        Seed of the rng handed to the answer.

    Returns
    -------
    ((ndarray of float64 of shape ``shape``, Example), None) or (None, Finding)
    """
    out = call(answer, (shape, p, np.random.default_rng(seed)), params)
    expected = f"an array of shape {tuple(shape)} holding 0 and {1 / (1 - p):g}"
    if out.error is not None:
        err = out.error
        text = f"{type(err).__name__}: {err}"
        return None, Finding(f"Your function raised {text} (shape = {shape!r}, p = {p}).",
                             example=_mask_example(shape, p, seed, text, expected))
    value = out.value
    if value is None:
        return None, Finding("Your function returned None: did you forget the `return`?",
                             example=_mask_example(shape, p, seed, "None", expected))
    mask = np.asarray(value)
    example = _mask_example(shape, p, seed, fmt(mask), expected)
    if mask.dtype.kind not in "biuf":
        return None, Finding(f"Could not read your mask as numbers: got {fmt(value)}.",
                             example=example)
    if mask.shape != tuple(shape):
        return None, Finding(f"Wrong shape: your mask has shape {mask.shape}, expected "
                             f"{tuple(shape)} (the shape argument).", example=example)
    return (mask.astype(np.float64), example), None


def _independence_finding(mask, example):
    """Return a Finding if whole samples or whole units share one value, else None.

    Parameters
    ----------
    mask : ndarray of shape (n_samples, n_units)
    example : Example
    """
    # independent entries: rows (samples) and columns (units) must differ
    if np.all(mask == mask[:1]):
        return Finding("", "same_for_every_sample", example)
    if np.all(mask == mask[:, :1]):
        return Finding(
            "Every unit of a sample gets the same mask value (whole samples are dropped). "
            "Draw one value per entry: rng.random(shape) >= p.", example=example)
    return None


def _share_of_zeros_finding(mask, example, p):
    """Return a Finding if the share of zeros in a large mask is not about p, else None.

    Parameters
    ----------
    mask : ndarray of any shape (large: the tolerance shrinks with its size)
    example : Example
    p : float in [0, 1)
    """
    zeros = float(np.mean(mask == 0))
    tolerance = 8 * math.sqrt(p * (1 - p) / mask.size)  # 8 sd: a correct mask fails ~1e-15
    if abs(zeros - p) > tolerance:
        if abs(zeros - (1 - p)) <= tolerance:
            return Finding("", "keep_probability", example)
        return Finding(
            f"With p = {p}, {zeros:.1%} of your mask's entries are 0; each entry should "
            f"be 0 with probability p, so about {p:.0%} (± {tolerance:.1%}) of them.",
            example=example)
    return None


def _kept_value_finding(mask, example, p):
    """Return a Finding if the kept (non-zero) entries are not all 1/(1 − p), else None.

    Parameters
    ----------
    mask : ndarray of any shape
    example : Example
    p : float in [0, 1)
    """
    kept = mask[mask != 0]
    if np.allclose(kept, 1.0):
        return Finding("", "not_scaled", example)
    if np.allclose(kept, 1 - p):
        return Finding("", "times_keep", example)
    if not np.allclose(kept, 1 / (1 - p), rtol=1e-6):
        wrong = kept[~np.isclose(kept, 1 / (1 - p), rtol=1e-6)][0]
        return Finding(
            f"With p = {p} your kept entries include {wrong:g}; every kept entry must be "
            f"1/(1 − p) = {1 / (1 - p):g}, so that each entry's expected value is 1.",
            example=example)
    return None


def _seed_finding(run):
    """Return a Finding unless the same seed gives the same mask and another seed another.

    Parameters
    ----------
    run : callable
        ``run(shape, p, seed)`` as built by ``_dropout_properties``.
    """
    (first, example), _ = run((50, 40), 0.5, 30)
    (again, _), _ = run((50, 40), 0.5, 30)
    if not np.array_equal(first, again):
        return Finding("", "global_rng", example)
    (other, _), _ = run((50, 40), 0.5, 31)
    if np.array_equal(first, other):
        return Finding("", "fixed_seed", example)
    return None


def _dropout_properties(exercise, answer):
    """Check a ``dropout_mask`` answer by its properties.

    Parameters
    ----------
    exercise : Exercise
    answer : callable
        The student's ``dropout_mask(shape, p, rng)``.

    Returns
    -------
    Finding or Example
        The first thing found wrong, or (when nothing is) the example a passing answer shows.
    """
    def run(shape, p, seed):
        return _run_mask(answer, exercise.params, shape, p, seed)

    # 1. shape (a tuple and a list) on small cases
    shown = None  # the example a passing answer shows: the first case
    for shape, p, seed in [((4, 5), 0.5, 0), ([3, 7], 0.2, 1), ((10,), 0.5, 2)]:
        result, finding = run(shape, p, seed)
        if finding:
            return finding
        shown = shown or result[1]
    # 2. on a large mask (1000 x 200 = 200 000 entries): independence, the share of zeros,
    #    then the kept value
    for p, seed in [(0.2, 10), (0.5, 11), (0.8, 12)]:
        result, finding = run((1000, 200), p, seed)
        if finding:
            return finding
        mask, example = result
        finding = (_independence_finding(mask, example)
                   or _share_of_zeros_finding(mask, example, p)
                   or _kept_value_finding(mask, example, p))
        if finding:
            return finding
    # 3. p = 0 drops nothing
    result, finding = run((6, 4), 0.0, 20)
    if finding:
        return finding
    mask, example = result
    if not np.allclose(mask, 1.0):
        return Finding("With p = 0 nothing is dropped: every entry must be 1 / (1 − 0) = 1.",
                       example=example)
    # 4. the same seed gives the same mask, another seed another mask
    return _seed_finding(run) or shown


def _global_rng_mask(shape, p, rng):
    # the catalogued mistake itself: numpy's global generator instead of rng
    return (np.random.random(shape) >= p) / (1 - p)  # noqa: NPY002


def _fixed_seed_mask(shape, p, rng):
    return (np.random.default_rng(0).random(shape) >= p) / (1 - p)


DROPOUT_MASK = Exercise(
    name="dropout_mask",
    notebook="07_overfitting_and_regularization",
    params=("shape", "p", "rng"),
    returns="an array of the given shape: each entry 0 with probability p, else 1/(1 − p)",
    equation="inverted dropout, §4.6.2",
    reference=dropout_mask,
    properties=_dropout_properties,
    checked="the shape, the values 0 and 1/(1 − p), the share of zeros (within 8 standard "
            "deviations of p), independent entries, the same mask for the same rng seed and "
            "another mask for another seed all hold",
    mistakes=(
        Mistake(
            "keep_probability",
            "About a share 1 − p of your entries are 0: you used p as the probability of "
            "keeping a unit (as CS231n does). Here p is the probability of dropping one: "
            "keep where rng.random(shape) >= p.",
            lambda shape, p, rng: (rng.random(shape) < p) / p,
        ),
        Mistake(
            "not_scaled",
            "Your kept entries are 1. Inverted dropout scales them by 1/(1 − p), so that "
            "every entry has expected value 1 and prediction needs no rescaling (§4.6.2).",
            lambda shape, p, rng: (rng.random(shape) >= p).astype(float),
        ),
        Mistake(
            "times_keep",
            "Your kept entries are 1 − p. Inverted dropout divides by the keep probability: "
            "kept entries are 1/(1 − p), so that each entry's expected value is 1.",
            lambda shape, p, rng: (rng.random(shape) >= p) * (1 - p),
        ),
        Mistake(
            "same_for_every_sample",
            "Every sample (row) got the same mask. Each entry is dropped independently: "
            "draw one random number per entry, rng.random(shape) >= p.",
            lambda shape, p, rng: np.broadcast_to(
                (rng.random(shape[-1]) >= p) / (1 - p), tuple(shape)).copy(),
        ),
        Mistake(
            "global_rng",
            "Two calls with the same rng seed gave different masks: you used numpy's global "
            "random numbers (np.random....). Draw from the rng you are given: "
            "rng.random(shape).",
            _global_rng_mask,
        ),
        Mistake(
            "fixed_seed",
            "You get the same mask whatever rng you are given, so every mini-batch would "
            "drop the same units. Draw from the rng argument instead of making a new "
            "generator with a fixed seed.",
            _fixed_seed_mask,
        ),
    ),
)


# --- should_stop --------------------------------------------------------------------------

def should_stop_reference(val_losses, patience, min_delta):
    """Return what ``EarlyStopping(patience, min_delta).update`` returns after the last epoch."""
    stopper = EarlyStopping(patience, min_delta)
    stop = False
    for epoch, loss in enumerate(val_losses, start=1):
        stop = stopper.update(epoch, loss)
    return stop


def _stop_cases():
    rng = np.random.default_rng(701)
    cases = [
        Case(([0.9, 0.6, 0.5, 0.55, 0.52], 2, 0.0), label="two epochs without improvement"),
        Case(([0.9, 0.6, 0.5, 0.55, 0.45], 2, 0.0), label="improved at the last epoch"),
        Case(([0.5, 0.5, 0.5], 2, 0.0), label="a plateau"),
        Case(([1.0, 0.75, 0.5], 1, 0.25), label="improvements of exactly min_delta"),
        Case(([1.0], 1, 0.0), label="one epoch"),
        Case(([1.0, 0.875, 0.75], 2, 0.5), label="decreases smaller than min_delta"),
        Case(([2.0, 1.875, 1.75, 1.625], 3, 0.5), label="decreases smaller than min_delta"),
        Case(([1.0, 0.5, 0.5], 2, 0.5), label="a decrease of exactly min_delta"),
    ]
    steps = np.array([-0.5, -0.25, -0.125, 0.0, 0.0, 0.125, 0.25])  # exact in binary
    for i in range(60):
        length = int(rng.integers(2, 20))
        losses = 4.0 + np.cumsum(rng.choice(steps, length))
        patience = int(rng.integers(1, 6))
        min_delta = float(rng.choice([0.0, 0.0, 0.125, 0.25]))
        losses = losses if i % 5 == 0 else losses.tolist()
        kind = "an array" if i % 5 == 0 else "a list"
        cases.append(Case((losses, patience, min_delta),
                          label=f"{kind} of {length} losses, patience {patience}, "
                                f"min_delta {min_delta}"))
    return cases


def _improves(gain, min_delta):
    return gain > 0 and gain >= min_delta


def _stop_rule(val_losses, patience, min_delta, improves=_improves, against_best=True,
               late=False, reset=True):
    """Run the patience rule with one thing changed (for the catalogued mistakes)."""
    best = previous = math.inf
    wait, stop = 0, False
    for loss in val_losses:
        if improves((best if against_best else previous) - loss, min_delta):
            best, stop = loss, False
            if reset:
                wait = 0
        else:
            wait += 1
            stop = wait > patience if late else wait >= patience
        previous = loss
    return stop


STOP_MISTAKES = (
    Mistake(
        "against_previous",
        "You compared each loss with the previous epoch's. The patience rule compares with "
        "the best loss so far: an epoch improves when best − loss > 0 and >= min_delta.",
        lambda val_losses, patience, min_delta: _stop_rule(
            val_losses, patience, min_delta, against_best=False),
    ),
    Mistake(
        "tie_improves",
        "You counted a loss equal to the best as an improvement. It must be lower: "
        "best − loss > 0 (and >= min_delta), so a plateau runs out of patience.",
        lambda val_losses, patience, min_delta: _stop_rule(
            val_losses, patience, min_delta, lambda g, d: g >= d),
    ),
    Mistake(
        "ignores_min_delta",
        "You counted every decrease as an improvement. With min_delta > 0 the loss must "
        "fall below the best by at least min_delta: best − loss >= min_delta.",
        lambda val_losses, patience, min_delta: _stop_rule(
            val_losses, patience, min_delta, lambda g, d: g > 0),
    ),
    Mistake(
        "strict_min_delta",
        "A decrease of exactly min_delta counts as an improvement (>=), but yours did not "
        "(you wrote >).",
        lambda val_losses, patience, min_delta: _stop_rule(
            val_losses, patience, min_delta, lambda g, d: g > 0 and g > d),
    ),
    Mistake(
        "one_late",
        "You stop one epoch late. Stop as soon as `patience` epochs in a row have not "
        "improved (wait >= patience, not wait > patience).",
        lambda val_losses, patience, min_delta: _stop_rule(
            val_losses, patience, min_delta, late=True),
    ),
    Mistake(
        "never_resets",
        "You counted all epochs without improvement since the start. The count must go "
        "back to 0 after an epoch that improves: patience counts epochs in a row.",
        lambda val_losses, patience, min_delta: _stop_rule(
            val_losses, patience, min_delta, reset=False),
    ),
)

SHOULD_STOP = Exercise(
    name="should_stop",
    notebook="07_overfitting_and_regularization",
    params=("val_losses", "patience", "min_delta"),
    returns="True when the patience rule stops training after the last epoch",
    equation="early stopping, §4.6.1 (EarlyStopping.update)",
    reference=should_stop_reference,
    cases=_stop_cases,
    mistakes=STOP_MISTAKES,
)


# --- weight_decay_step --------------------------------------------------------------------

def weight_decay_step_reference(W, grad_data, lr, lam):
    """W − η (g + λ W): ``sgd_step`` with the gradient of J = L + s (Eqs. 15-16, 23)."""
    return sgd_step_one(W, np.asarray(grad_data) + lam * np.asarray(W), lr)


def sgd_step_one(theta, g, lr):
    """``mlp_core.training.sgd_step`` (which works in place) on a copy of one array."""
    new = [np.array(theta, copy=True)]
    sgd_step(new, [g], lr)
    return new[0]


def _decay_cases():
    rng = np.random.default_rng(702)
    a = np.array
    cases = [Case((a([[1.0, -2.0], [0.5, 4.0]]), a([[0.1, 0.0], [0.0, 0.2]]), 0.5, 0.1),
                  label="2 × 2, lr = 0.5, lam = 0.1")]
    for shape, lr, lam, dtype in [((3, 2), 0.1, 0.01, np.float64), ((4, 4), 0.5, 0.2, np.float64),
                                  ((1, 5), 1.0, 0.0, np.float64), ((5, 3), 0.05, 0.5, np.float32),
                                  ((2, 6), 0.2, 0.1, np.float32)]:
        W = rng.standard_normal(shape).astype(dtype)
        g = rng.standard_normal(shape).astype(dtype)
        cases.append(Case((W, g, lr, lam), dtype,
                          f"{np.dtype(dtype).name}, W {shape}, lr = {lr}, lam = {lam}"))
    return cases


def _decay_in_place(W, grad_data, lr, lam):
    W -= lr * (grad_data + lam * W)
    return W


WEIGHT_DECAY_STEP = Exercise(
    name="weight_decay_step",
    notebook="07_overfitting_and_regularization",
    params=("W", "grad_data", "lr", "lam"),
    returns="the new W − η (g + λ W), the shape of W; W itself unchanged",
    equation="Eqs. (15), (23): ∂J/∂W = g + λ W",
    reference=weight_decay_step_reference,
    cases=_decay_cases,
    mistakes=(
        Mistake(
            "no_decay",
            "You left out the penalty's gradient λ W: the step uses ∂J/∂W = g + λ W "
            "(Eqs. 15, 23), so W − η (g + λ W).",
            lambda W, grad_data, lr, lam: W - lr * grad_data,
        ),
        Mistake(
            "half_lambda",
            "Your decay term is λW/2. The derivative of s = λ/2 ‖W‖² is λ W (Eq. 23): "
            "W − η (g + λ W).",
            lambda W, grad_data, lr, lam: W - lr * (grad_data + lam / 2 * W),
        ),
        Mistake(
            "decay_not_scaled",
            "You subtracted λ W without the learning rate. Both parts of the gradient are "
            "scaled by η: W − η (g + λ W).",
            lambda W, grad_data, lr, lam: W - lr * grad_data - lam * W,
        ),
        Mistake(
            "decay_sign",
            "Your decay pushes W away from 0. The penalty's gradient λ W is added to g, "
            "and the step subtracts both: W − η (g + λ W).",
            lambda W, grad_data, lr, lam: W - lr * (grad_data - lam * W),
        ),
        Mistake(
            "in_place",
            "Your values are right, but you changed the caller's W in place (W -= ...). "
            "Return a new array: W - lr * (grad_data + lam * W).",
            _decay_in_place,
        ),
    ),
)

EXERCISES = [DROPOUT_MASK, SHOULD_STOP, WEIGHT_DECAY_STEP]

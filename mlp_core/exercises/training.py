"""Exercises of notebook 06 (lecture §4.5): the update, the mini-batches, the memory.

- ``sgd_step``: θ ← θ − η g for every parameter array, returning new arrays and leaving the
  inputs unchanged; the reference is ``mlp_core.training.sgd_step``.
- ``minibatch_indices``: one epoch's mini-batches, a permutation of range(n) cut into pieces
  of ``batch_size`` (the last may be shorter), as ``train_one_epoch`` cuts them. The answer
  draws random numbers, so it is checked by its properties, never against one random stream.
- ``cache_bytes``: the bytes the forward pass keeps for backpropagation (X, every z^(l) and
  every h^(l) of the batch); the reference is ``mlp_core.memory.forward_cache_bytes``.
"""

from __future__ import annotations

import math

import numpy as np

from ..memory import forward_cache_bytes
from ..training import sgd_step
from .checking import Case, Example, Exercise, Finding, Mistake, call, fmt

__all__ = ["EXERCISES", "minibatch_indices_reference"]


# --- sgd_step -----------------------------------------------------------------------------

def sgd_step_reference(params, grads, lr):
    """Return new arrays θ − η g: ``mlp_core.training.sgd_step`` (in place) on copies."""
    new = [np.array(theta, copy=True) for theta in params]
    sgd_step(new, [np.asarray(g) for g in grads], lr)
    return new


def _sgd_cases():
    rng = np.random.default_rng(601)
    a = np.array
    cases = [Case(([a([[1.0, 2.0], [3.0, 4.0]]), a([0.5, -0.5])],
                   [a([[0.1, 0.0], [0.0, -0.2]]), a([1.0, 1.0])], 0.5),
                  label="one W and one b, lr = 0.5")]
    for shapes, lr, dtype, as_tuple in [
        ([(3, 2), (3,), (1, 3), (1,)], 0.1, np.float64, False),
        ([(4, 4)], 0.01, np.float64, False),
        ([(5, 3), (5,)], 1.0, np.float64, True),
        ([(2, 6), (2,), (6, 2), (6,)], 0.05, np.float32, False),
        ([(3, 3), (3,)], 0.3, np.float32, False),
    ]:
        params = [rng.standard_normal(s).astype(dtype) for s in shapes]
        grads = [rng.standard_normal(s).astype(dtype) for s in shapes]
        label = f"{np.dtype(dtype).name}, {len(shapes)} arrays, lr = {lr}"
        if as_tuple:
            params, grads, label = tuple(params), tuple(grads), label + ", tuples"
        cases.append(Case((params, grads, lr), dtype, label))
    return cases


def _sgd_in_place(params, grads, lr):
    for theta, g in zip(params, grads):
        theta -= lr * g
    return params


SGD_STEP = Exercise(
    name="sgd_step",
    notebook="06_model_training",
    params=("params", "grads", "lr"),
    returns="a new list of arrays θ − η g, one per parameter; the inputs stay unchanged",
    equation="the update W ← W − η ∂J/∂W, b ← b − η ∂J/∂b (§4.5)",
    reference=sgd_step_reference,
    cases=_sgd_cases,
    mistakes=(
        Mistake(
            "in_place",
            "Your values are right, but you changed the caller's arrays in place "
            "(θ -= η g). sgd_step must leave its inputs unchanged: build new arrays, "
            "[theta - lr * g for theta, g in zip(params, grads)].",
            _sgd_in_place,
        ),
        Mistake(
            "uphill",
            "You stepped uphill: gradient descent subtracts the gradient, θ − η g.",
            lambda params, grads, lr: [theta + lr * g for theta, g in zip(params, grads)],
        ),
        Mistake(
            "no_learning_rate",
            "Your step is not scaled by the learning rate: θ − η g with η = lr.",
            lambda params, grads, lr: [theta - g for theta, g in zip(params, grads)],
        ),
        Mistake(
            "divides_by_lr",
            "You divided by the learning rate. The step is η g, the rate times the "
            "gradient: θ − lr * g.",
            lambda params, grads, lr: [theta - g / lr for theta, g in zip(params, grads)],
        ),
    ),
)


# --- minibatch_indices --------------------------------------------------------------------

def minibatch_indices_reference(n, batch_size, rng):
    """rng.permutation(n) cut into pieces of ``batch_size`` (the last may be shorter).

    This is how ``train_one_epoch`` cuts an epoch (``order = rng.permutation(n)``, then
    ``order[start:start + batch_size]``).
    """
    order = rng.permutation(n)
    return [order[start:start + batch_size] for start in range(0, n, batch_size)]


def _cut(order, batch_size):
    return [order[s:s + batch_size] for s in range(0, len(order), batch_size)]


def _global_rng_batches(n, batch_size, rng):
    # the catalogued mistake itself: numpy's global generator instead of rng
    return _cut(np.random.permutation(n), batch_size)  # noqa: NPY002


def _fixed_seed_batches(n, batch_size, rng):
    return _cut(np.random.default_rng(0).permutation(n), batch_size)


def _shuffled_batch_order(n, batch_size, rng):
    batches = _cut(np.arange(n), batch_size)
    return [batches[i] for i in rng.permutation(len(batches))]


def _array_split_batches(n, batch_size, rng):
    return np.array_split(rng.permutation(n), math.ceil(n / batch_size))


def _rng_text(seed):
    return f"np.random.default_rng({seed})"


def _batches_example(n, batch_size, seed, value, expected_text):
    return Example((("n", str(n)), ("batch_size", str(batch_size)), ("rng", _rng_text(seed))),
                   expected_text, fmt(value) if not isinstance(value, str) else value)


def _as_batches(value):
    """Return the answer's batches as a list of 1-D int arrays, or a text saying what is wrong."""
    if value is None:
        return None, "your function returned None: did you forget the `return`?"
    if isinstance(value, (str, bytes, dict)) or not hasattr(value, "__iter__"):
        return None, f"expected a list of index arrays, got {fmt(value)}"
    batches = []
    for i, batch in enumerate(list(value)):
        b = np.asarray(batch)
        if b.ndim != 1:
            return None, f"batch {i} has shape {b.shape}; each batch must be a 1-D array of indices"
        if b.size and b.dtype.kind not in "iu":
            return None, (f"batch {i} holds {b.dtype} values; indices must be integers "
                          "(rng.permutation(n) gives integers)")
        batches.append(b.astype(np.int64))
    return batches, None


def _run_batches(answer, params, n, batch_size, seed):
    """Call the answer once; return ``(batches, None)`` or ``(None, finding)``.

    Parameters
    ----------
    answer : callable
        The student's ``minibatch_indices(n, batch_size, rng)``.
    params : tuple of str
        The exercise's parameter names.
    n, batch_size : int
    seed : int
        Seed of the rng handed to the answer.

    Returns
    -------
    (list of ndarray of int64, None) or (None, Finding)
    """
    out = call(answer, (n, batch_size, np.random.default_rng(seed)), params)
    if out.error is not None:
        err = out.error
        return None, Finding(
            f"Your function raised {type(err).__name__}: {err} (n = {n}, "
            f"batch_size = {batch_size}).",
            example=_batches_example(n, batch_size, seed,
                                     f"{type(err).__name__}: {err}", "a list of batches"))
    batches, problem = _as_batches(out.value)
    if problem:
        return None, Finding(
            f"Wrong result for n = {n}, batch_size = {batch_size}: {problem}.",
            example=_batches_example(n, batch_size, seed, out.value, "a list of batches"))
    return batches, None


def _coverage(batches, n):
    """Return the batch sizes, all indices in one array, and whether they are distinct and in range.

    Parameters
    ----------
    batches : list of ndarray of int64
    n : int

    Returns
    -------
    sizes : list of int
    flat : ndarray of int64 of shape (sum of sizes,)
    distinct : bool
    in_range : bool
        True when every index lies in 0 .. n-1.
    """
    sizes = [len(b) for b in batches]
    flat = np.concatenate(batches) if batches else np.zeros(0, dtype=np.int64)
    distinct = len(np.unique(flat)) == len(flat)
    in_range = flat.size == 0 or (flat.min() >= 0 and flat.max() < n)
    return sizes, flat, distinct, in_range


def _coverage_mistake(batches, n, batch_size, expected, example):
    """Return the Finding of a catalogued sizes-or-coverage mistake, or None.

    Parameters
    ----------
    batches : list of ndarray of int64
    n, batch_size : int
    expected : list of int
        The right batch sizes.
    example : Example
    """
    sizes, flat, distinct, in_range = _coverage(batches, n)
    if in_range and len(flat) == n and not distinct:
        return Finding("", "with_replacement", example)
    if n % batch_size and sizes == expected[:-1] and distinct and in_range:
        return Finding("", "drops_last", example)
    split_sizes = [len(a) for a in np.array_split(np.arange(n), math.ceil(n / batch_size))]
    if sizes == split_sizes != expected and distinct and len(flat) == n:
        return Finding("", "array_split", example)
    blocks = [list(range(s, min(s + batch_size, n))) for s in range(0, n, batch_size)]
    if sizes != expected and sorted(sizes) == sorted(expected) \
            and all(sorted(b.tolist()) in blocks for b in batches):
        return Finding("", "batch_order_only", example)
    return None


def _coverage_problem(batches, n, batch_size, expected, example):
    """Return a generic Finding for a missing, repeated or stray index or a wrong size.

    None when every index 0 .. n-1 appears once and the sizes are right.

    Parameters
    ----------
    batches : list of ndarray of int64
    n, batch_size : int
    expected : list of int
        The right batch sizes.
    example : Example
    """
    sizes, flat, distinct, in_range = _coverage(batches, n)
    if not in_range or len(flat) != n or not distinct:
        missing = sorted(set(range(n)) - set(flat.tolist()))
        return Finding(
            f"For n = {n}, batch_size = {batch_size} the batches together must hold every "
            f"index 0 .. {n - 1} exactly once; yours hold {len(flat)} indices"
            + (f", missing {missing[:5]}" if missing else "")
            + ("" if in_range else f", some outside 0 .. {n - 1}") + ".", example=example)
    if sizes != expected:
        return Finding(
            f"For n = {n}, batch_size = {batch_size} your batch sizes are {sizes}, "
            f"expected {expected}: every batch has batch_size indices except the last, "
            "which holds the rest.", example=example)
    return None


def _shuffle_and_seed_finding(run):
    """Return a Finding unless the batches are shuffled and follow the rng seed, else None.

    The same seed must give the same batches and another seed other batches.

    Parameters
    ----------
    run : callable
        ``run(n, batch_size, seed)`` as built by ``_minibatch_properties``.
    """
    # 2. shuffled
    n, batch_size, seed = 100, 10, 7
    batches, finding = run(n, batch_size, seed)
    if finding:
        return finding
    example = _batches_example(n, batch_size, seed, batches, "shuffled batches")
    if np.array_equal(np.concatenate(batches), np.arange(n)):
        return Finding("", "not_shuffled", example)
    blocks = [np.arange(s, s + batch_size) for s in range(0, n, batch_size)]
    if all(any(np.array_equal(np.sort(b), block) for block in blocks) for b in batches):
        return Finding("", "batch_order_only", example)
    # 3. the same rng seed gives the same batches; 4. another seed gives other batches
    again, finding = run(n, batch_size, seed)
    if finding:
        return finding
    if not all(np.array_equal(a, b) for a, b in zip(batches, again)):
        return Finding("", "global_rng", example)
    other, finding = run(n, batch_size, seed + 1)
    if finding:
        return finding
    if all(np.array_equal(a, b) for a, b in zip(batches, other)):
        return Finding("", "fixed_seed", example)
    return None


def _uniform_shuffle_finding(run):
    """Return a Finding if indices 0 and 1 share a batch too often or too rarely, else None.

    In a uniform shuffle they share a batch with probability (bs - 1)/(n - 1).

    Parameters
    ----------
    run : callable
        ``run(n, batch_size, seed)`` as built by ``_minibatch_properties``.
    """
    n, batch_size, runs = 20, 5, 600
    together = 0
    for seed in range(1000, 1000 + runs):
        batches, finding = run(n, batch_size, seed)
        if finding:
            return finding
        together += any(0 in b and 1 in b for b in batches)
    p = (batch_size - 1) / (n - 1)
    sd = math.sqrt(p * (1 - p) / runs)
    if abs(together / runs - p) > 6 * sd:  # a uniform shuffle fails this about once in 1e9
        return Finding(
            f"Your batches are not a uniform shuffle: over {runs} seeds, indices 0 and 1 "
            f"landed in the same batch {together / runs:.0%} of the time; for a random "
            f"permutation cut into batches of {batch_size} that happens {p:.0%} of the time "
            f"(± {sd:.1%}). Use order = rng.permutation(n).")
    return None


def _minibatch_properties(exercise, answer):
    """Check a ``minibatch_indices`` answer by its properties.

    Parameters
    ----------
    exercise : Exercise
    answer : callable
        The student's ``minibatch_indices(n, batch_size, rng)``.

    Returns
    -------
    Finding or Example
        The first thing found wrong, or (when nothing is) the example a passing answer shows.
    """
    def run(n, batch_size, seed):
        return _run_batches(answer, exercise.params, n, batch_size, seed)

    # 1. sizes and coverage: every index exactly once, batches of batch_size, the last shorter
    shown = None  # the example a passing answer shows: the first case
    for seed, (n, batch_size) in enumerate([(10, 3), (12, 4), (7, 7), (5, 10), (1, 1),
                                            (100, 32), (23, 5)]):
        batches, finding = run(n, batch_size, seed)
        if finding:
            return finding
        expected = [batch_size] * (n // batch_size) + ([n % batch_size] if n % batch_size else [])
        expected_text = (f"{len(expected)} batches of sizes {expected} that together hold "
                         f"0 .. {n - 1} once each")
        example = _batches_example(n, batch_size, seed, batches, expected_text)
        shown = shown or example
        finding = (_coverage_mistake(batches, n, batch_size, expected, example)
                   or _coverage_problem(batches, n, batch_size, expected, example))
        if finding:
            return finding
    # 2.-4. shuffled, the same batches for the same seed, other batches for another seed;
    # 5. a uniform shuffle
    return _shuffle_and_seed_finding(run) or _uniform_shuffle_finding(run) or shown


MINIBATCH_INDICES = Exercise(
    name="minibatch_indices",
    notebook="06_model_training",
    params=("n", "batch_size", "rng"),
    returns="a list of index arrays: a permutation of range(n) cut into batches of "
            "batch_size, the last one possibly shorter",
    equation="one epoch of mini-batch SGD (§4.5)",
    reference=minibatch_indices_reference,
    properties=_minibatch_properties,
    checked="the batch sizes, every index once per epoch, a shuffle that is uniform (within "
            "6 standard deviations over 600 seeds), the same batches for the same rng seed "
            "and other batches for another seed all hold",
    mistakes=(
        Mistake(
            "not_shuffled",
            "Your batches are in order 0, 1, 2, ...: every epoch would see the same batches. "
            "Shuffle first, order = rng.permutation(n), then cut order into batches.",
            lambda n, batch_size, rng: _cut(np.arange(n), batch_size),
        ),
        Mistake(
            "batch_order_only",
            "You shuffled the order of the batches, but each batch is still a block of "
            "consecutive indices. Shuffle the samples: order = rng.permutation(n), then cut.",
            _shuffled_batch_order,
        ),
        Mistake(
            "drops_last",
            "You dropped the last, shorter batch, so some samples are never used in the "
            "epoch. Keep it: range(0, n, batch_size) as the start of every batch.",
            lambda n, batch_size, rng: _cut(rng.permutation(n), batch_size)[:n // batch_size],
        ),
        Mistake(
            "with_replacement",
            "Some indices repeat and others are missing: you drew with replacement. An epoch "
            "visits every sample once: order = rng.permutation(n).",
            lambda n, batch_size, rng: _cut(rng.integers(0, n, n), batch_size),
        ),
        Mistake(
            "array_split",
            "Your batches have the wrong sizes: np.array_split spreads the remainder over "
            "several batches. Cut at multiples of batch_size, "
            "order[start:start + batch_size], so only the last batch is shorter.",
            _array_split_batches,
        ),
        Mistake(
            "global_rng",
            "Two calls with the same rng seed gave different batches: you used numpy's "
            "global random numbers (np.random....). Draw from the rng you are given: "
            "rng.permutation(n).",
            _global_rng_batches,
        ),
        Mistake(
            "fixed_seed",
            "You get the same batches whatever rng you are given, so every epoch would "
            "repeat them. Draw from the rng argument (rng.permutation(n)) instead of "
            "making a new generator with a fixed seed.",
            _fixed_seed_batches,
        ),
    ),
)


# --- cache_bytes --------------------------------------------------------------------------

def cache_bytes_reference(layer_sizes, batch_size, bytes_per_number):
    """Bytes of X, every z^(l) and every h^(l), by ``forward_cache_bytes``."""
    dtype = {8: np.float64, 4: np.float32}[bytes_per_number]
    return forward_cache_bytes(layer_sizes, batch_size, dtype=dtype)


def _cache_cases():
    return [
        Case(([2, 3, 2, 1], 4, 8), label="[2, 3, 2, 1], 4 samples, float64"),
        Case(([784, 128, 10], 32, 4), label="[784, 128, 10], 32 samples, float32"),
        Case(([2, 64, 64, 1], 100, 8), label="[2, 64, 64, 1], 100 samples, float64"),
        Case(((3, 5), 10, 8), label="(3, 5): no hidden layer, 10 samples"),
        Case(([10, 20, 20, 20, 5], 1, 4), label="[10, 20, 20, 20, 5], 1 sample, float32"),
    ]


def _numbers(layer_sizes, *, inputs=True, z=True, h=True, output_h=False):
    sizes = list(layer_sizes)
    total = sizes[0] if inputs else 0
    if z:
        total += sum(sizes[1:])  # z^(1) .. z^(L+1)
    if h:
        total += sum(sizes[1:-1])  # h^(1) .. h^(L)
    if output_h:
        total += sizes[-1]
    return total


CACHE_BYTES = Exercise(
    name="cache_bytes",
    notebook="06_model_training",
    params=("layer_sizes", "batch_size", "bytes_per_number"),
    returns="the bytes of X, z^(1) .. z^(L+1) and h^(1) .. h^(L) for one batch, an int",
    equation="§4.5 (what Eqs. 22-24 reuse from Eqs. 11-13)",
    reference=cache_bytes_reference,
    cases=_cache_cases,
    mistakes=(
        Mistake(
            "no_input",
            "You left out the input X = h^(0). The cache keeps it: the first layer's "
            "gradient needs it, ∂J/∂W^(1) = δ^(1) x + λ W^(1) (Eq. 24).",
            lambda layer_sizes, batch_size, bytes_per_number:
                batch_size * bytes_per_number * _numbers(layer_sizes, inputs=False),
        ),
        Mistake(
            "output_h",
            "You counted an h^(L+1). The output layer is linear: it stores only "
            "z^(L+1) = ŷ (Eq. 13); h^(l) exists for the hidden layers l = 1 .. L.",
            lambda layer_sizes, batch_size, bytes_per_number:
                batch_size * bytes_per_number * _numbers(layer_sizes, output_h=True),
        ),
        Mistake(
            "z_only",
            "You counted the z^(l) but not the h^(l). Backpropagation needs both: σ'(z^(l)) "
            "in Eq. (22) and h^(l-1) in Eq. (23).",
            lambda layer_sizes, batch_size, bytes_per_number:
                batch_size * bytes_per_number * _numbers(layer_sizes, h=False),
        ),
        Mistake(
            "one_sample",
            "Your count is for one sample. The cache holds every value for the whole batch: "
            "multiply by batch_size (§4.5: memory grows with the batch size).",
            lambda layer_sizes, batch_size, bytes_per_number:
                bytes_per_number * _numbers(layer_sizes),
        ),
        Mistake(
            "bits",
            "Your count is 8 times too large: that is bits. bytes_per_number is already in "
            "bytes (8 for float64, 4 for float32).",
            lambda layer_sizes, batch_size, bytes_per_number:
                8 * batch_size * bytes_per_number * _numbers(layer_sizes),
        ),
    ),
)

EXERCISES = [SGD_STEP, MINIBATCH_INDICES, CACHE_BYTES]

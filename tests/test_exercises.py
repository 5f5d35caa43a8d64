"""mlp_core.exercises: the kit's references pass, every catalogued mistake is named, and more.

Every catalogued mistake is written out below as the code a student would write (on purpose not
the catalogue's own formula), together with a phrase its message must contain. A test checks
that this list and the catalogue agree, so a new mistake cannot go untested. Correct answers in
other styles (loops, np.where, lists, tuples, generators, float32 arithmetic) must pass; a few
wrong answers that match no catalogued mistake must fail with the generic message.
"""

import importlib.util
import json
import math
import warnings
from pathlib import Path

import numpy as np
import pytest

from mlp_core.activations import sigmoid
from mlp_core.exercises import EXERCISES, CheckResult, check, exercises_for

#: The exercise table of issue 11 (names and meanings fixed there).
ISSUE_TABLE = {
    "01_perceptron": ["perceptron_output", "perceptron_update"],
    "02_network_structure": ["weight_shapes", "count_parameters"],
    "03_activation_functions": ["relu_derivative", "sigmoid_derivative", "tanh_derivative"],
    "04_forward_propagation": ["dense_forward", "l2_penalty", "forward_pass"],
    "05_backpropagation": ["mse_output_delta", "softmax_cross_entropy_delta", "hidden_delta",
                           "weight_gradient"],
    "06_model_training": ["sgd_step", "minibatch_indices"],
    "07_overfitting_and_regularization": ["dropout_mask", "should_stop", "weight_decay_step"],
}

# --- every catalogued mistake, as a student writes it ----------------------------------------

WRONG = {}


def wrong(exercise, mistake, phrase):
    """Register a mistaken answer and a phrase that its message must contain."""
    def register(func):
        WRONG[(exercise, mistake)] = (func, phrase)
        return func
    return register


def _softmax(scores):
    e = np.exp(scores - scores.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def _onehot(labels, k):
    onehot = np.zeros((len(labels), k))
    onehot[np.arange(len(labels)), labels] = 1
    return onehot


# 01 perceptron_output
@wrong("perceptron_output", "strict_inequality", "fires at z >= 0")
def _output_strict(w, b, X):
    return np.where(X @ w + b > 0, 1, 0)


@wrong("perceptron_output", "no_bias", "left out the bias")
def _output_no_bias(w, b, X):
    return np.where(X @ w >= 0, 1, 0)


@wrong("perceptron_output", "returns_z", "returned w x + b itself")
def _output_z(w, b, X):
    return np.dot(X, w) + b


@wrong("perceptron_output", "sign_outputs", "np.sign")
def _output_sign(w, b, X):
    return np.sign(np.dot(X, w) + b)


# 01 perceptron_update
def _fires(w, b, x):
    return 1 if np.dot(w, x) + b >= 0 else 0


@wrong("perceptron_update", "sign_flipped", "the wrong way")
def _update_sign(w, b, x, y, lr):
    e = _fires(w, b, x) - y
    return w + lr * e * x, b + lr * e


@wrong("perceptron_update", "bias_not_updated", "b did not change")
def _update_no_b(w, b, x, y, lr):
    return w + lr * (y - _fires(w, b, x)) * x, b


@wrong("perceptron_update", "no_learning_rate", "not scaled by the learning rate")
def _update_no_lr(w, b, x, y, lr):
    e = y - _fires(w, b, x)
    return w + e * x, b + e


@wrong("perceptron_update", "target_not_error", "error y − ŷ")
def _update_target(w, b, x, y, lr):
    return w + lr * y * x, b + lr * y


@wrong("perceptron_update", "strict_inequality", "fires at z >= 0")
def _update_strict(w, b, x, y, lr):
    e = y - (1 if np.dot(w, x) + b > 0 else 0)
    return w + lr * e * x, b + lr * e


@wrong("perceptron_update", "in_place", "in place")
def _update_in_place(w, b, x, y, lr):
    e = y - _fires(w, b, x)
    w += lr * e * x
    b += lr * e
    return w, b


# 01 perceptron_epoch
@wrong("perceptron_epoch", "predictions_from_start", "from the start of the pass")
def _epoch_batch(w, b, X, y, lr):
    y_hat = np.where(X @ w + b >= 0, 1, 0)
    errors = np.asarray(y) - y_hat
    return w + lr * errors @ X, b + lr * errors.sum(), int(np.count_nonzero(errors))


@wrong("perceptron_epoch", "final_mistakes", "mistakes of the final weights")
def _epoch_final(w, b, X, y, lr):
    for x_i, y_i in zip(X, y):
        e = y_i - _fires(w, b, x_i)
        w, b = w + lr * e * x_i, b + lr * e
    wrong_now = sum(_fires(w, b, x_i) != y_i for x_i, y_i in zip(X, y))
    return w, b, wrong_now


@wrong("perceptron_epoch", "strict_inequality", "fires at z >= 0")
def _epoch_strict(w, b, X, y, lr):
    mistakes = 0
    for x_i, y_i in zip(X, y):
        e = y_i - (1 if x_i @ w + b > 0 else 0)
        w, b, mistakes = w + lr * e * x_i, b + lr * e, mistakes + (e != 0)
    return w, b, mistakes


@wrong("perceptron_epoch", "bias_not_updated", "bias never changes")
def _epoch_no_b(w, b, X, y, lr):
    mistakes = 0
    for x_i, y_i in zip(X, y):
        e = y_i - _fires(w, b, x_i)
        w, mistakes = w + lr * e * x_i, mistakes + (e != 0)
    return w, b, mistakes


# 02
@wrong("weight_shapes", "transposed", "transposed")
def _shapes_transposed(layer_sizes):
    return [(layer_sizes[l - 1], layer_sizes[l]) for l in range(1, len(layer_sizes))]


@wrong("weight_shapes", "hidden_only", "left out the output layer")
def _shapes_hidden(layer_sizes):
    return [(layer_sizes[l], layer_sizes[l - 1]) for l in range(1, len(layer_sizes) - 1)]


@wrong("weight_shapes", "bias_column", "one column too many")
def _shapes_bias(layer_sizes):
    return [(layer_sizes[l], layer_sizes[l - 1] + 1) for l in range(1, len(layer_sizes))]


@wrong("count_parameters", "weights_only", "only the weights")
def _count_weights(layer_sizes):
    return sum(layer_sizes[l] * layer_sizes[l - 1] for l in range(1, len(layer_sizes)))


@wrong("count_parameters", "counts_neurons", "counted neurons")
def _count_neurons(layer_sizes):
    total = 0
    for size in layer_sizes:
        total += size
    return total


@wrong("count_parameters", "input_biases", "input layer biases")
def _count_input_biases(layer_sizes):
    sizes = list(layer_sizes)
    return sum(a * b for a, b in zip(sizes[1:], sizes[:-1])) + sum(sizes)


@wrong("layer_output_shapes", "transposed", "transposed")
def _z_transposed(layer_sizes, n_samples):
    return [(size, n_samples) for size in layer_sizes[1:]]


@wrong("layer_output_shapes", "includes_input", "starts with the input")
def _z_with_input(layer_sizes, n_samples):
    return [(n_samples, size) for size in layer_sizes]


@wrong("layer_output_shapes", "one_sample", "one sample")
def _z_one_sample(layer_sizes, n_samples):
    return [(size,) for size in layer_sizes[1:]]


# 03
@wrong("relu_derivative", "one_at_zero", "left derivative")
def _relu_one_at_zero(z):
    return np.where(z >= 0, 1.0, 0.0)


@wrong("relu_derivative", "returns_relu", "returned ReLU(z)")
def _relu_itself(z):
    return np.where(z > 0, z, 0.0)


@wrong("relu_derivative", "sign", "-1 for z < 0")
def _relu_sign(z):
    return np.where(z > 0, 1.0, np.where(z < 0, -1.0, 0.0))


@wrong("sigmoid_derivative", "formula_on_z", "z (1 − z)")
def _sigmoid_on_z(z):
    return z - z ** 2


@wrong("sigmoid_derivative", "returns_sigmoid", "returned sigmoid(z) itself")
def _sigmoid_itself(z):
    return 1 / (1 + np.exp(-z))


@wrong("sigmoid_derivative", "tanh_form", "tanh's form")
def _sigmoid_tanh_form(z):
    s = 1 / (1 + np.exp(-z))
    return 1 - s * s


@wrong("tanh_derivative", "not_squared", "forgot to square")
def _tanh_not_squared(z):
    return 1.0 - np.tanh(z)


@wrong("tanh_derivative", "formula_on_z", "1 − z²")
def _tanh_on_z(z):
    return 1 - z * z


@wrong("tanh_derivative", "returns_tanh", "returned tanh(z) itself")
def _tanh_itself(z):
    return (1 - np.exp(-2 * z)) / (1 + np.exp(-2 * z))


@wrong("tanh_derivative", "sigmoid_form", "sigmoid's form")
def _tanh_sigmoid_form(z):
    t = np.tanh(z)
    return t - t ** 2


# 04
@wrong("dense_forward", "no_transpose", "instead of Wᵀ")
def _dense_no_t(h_prev, W, b):
    return np.matmul(h_prev, W) + b


@wrong("dense_forward", "no_bias", "left out the bias")
def _dense_no_b(h_prev, W, b):
    return np.dot(h_prev, W.T)


@wrong("dense_forward", "applies_activation", "applied ReLU")
def _dense_relu(h_prev, W, b):
    return np.maximum(h_prev @ W.T + b, 0)


@wrong("dense_forward", "samples_as_columns", "one column per sample")
def _dense_columns(h_prev, W, b):
    return (W @ h_prev.T) + b.reshape(-1, 1)


@wrong("l2_penalty", "no_half", "twice too large")
def _penalty_no_half(weights, lam):
    return lam * sum(float((W * W).sum()) for W in weights)


@wrong("l2_penalty", "norm_not_squared", "without squaring")
def _penalty_norm(weights, lam):
    return lam / 2 * sum(np.sqrt(np.sum(W ** 2)) for W in weights)


@wrong("l2_penalty", "last_only", "only the last matrix")
def _penalty_last(weights, lam):
    for W in weights:
        s = 0.5 * lam * np.sum(W ** 2)
    return s


@wrong("l2_penalty", "absolute_values", "L1")
def _penalty_l1(weights, lam):
    return 0.5 * lam * sum(np.abs(W).sum() for W in weights)


@wrong("l2_penalty", "mean_of_squares", "averaged the squared entries")
def _penalty_mean(weights, lam):
    return lam / 2 * sum((W ** 2).mean() for W in weights)


@wrong("forward_pass", "activation_on_output", "output layer too")
def _forward_sigma_everywhere(X, weights, biases, activation):
    h = X
    for W, b in zip(weights, biases):
        h = activation(h @ W.T + b)
    return h


@wrong("forward_pass", "no_activation", "never applied σ")
def _forward_linear(X, weights, biases, activation):
    h = X
    for W, b in zip(weights, biases):
        h = h @ W.T + b
    return h


@wrong("forward_pass", "no_transpose", "instead of Wᵀ")
def _forward_no_t(X, weights, biases, activation):
    h = X
    for W, b in zip(weights[:-1], biases[:-1]):
        h = activation(h @ W + b)
    return h @ weights[-1] + biases[-1]


@wrong("forward_pass", "stops_before_output", "last hidden layer")
def _forward_hidden(X, weights, biases, activation):
    h = X
    for W, b in zip(weights[:-1], biases[:-1]):
        h = activation(h @ W.T + b)
    return h


# 05
@wrong("mse_output_delta", "sign_flipped", "wrong sign")
def _mse_sign(y_hat, y):
    return -(y_hat - y)


@wrong("mse_output_delta", "divided_by_n", "divided by the number of samples")
def _mse_mean(y_hat, y):
    return (y_hat - y) / y_hat.shape[0]


@wrong("mse_output_delta", "factor_two", "twice too large")
def _mse_two(y_hat, y):
    return 2 * y_hat - 2 * y


@wrong("mse_output_delta", "returns_loss", "returned the loss")
def _mse_loss(y_hat, y):
    return (y_hat - y) ** 2 / 2


@wrong("softmax_cross_entropy_delta", "divided_by_n", "divided by the number of samples")
def _ce_mean(scores, labels):
    return (_softmax(scores) - _onehot(labels, scores.shape[1])) / scores.shape[0]


@wrong("softmax_cross_entropy_delta", "sign_flipped", "wrong sign")
def _ce_sign(scores, labels):
    return _onehot(labels, scores.shape[1]) - _softmax(scores)


@wrong("softmax_cross_entropy_delta", "no_softmax", "raw scores")
def _ce_raw(scores, labels):
    delta = scores.copy()
    delta[np.arange(len(scores)), labels] -= 1
    return delta


@wrong("softmax_cross_entropy_delta", "softmax_over_samples", "axis 0")
def _ce_axis0(scores, labels):
    e = np.exp(scores - scores.max(axis=0))
    return e / e.sum(axis=0) - _onehot(labels, scores.shape[1])


@wrong("softmax_cross_entropy_delta", "overflow", "Subtract each row's maximum")
def _ce_naive(scores, labels):
    e = np.exp(scores)
    p = e / e.sum(axis=1, keepdims=True)
    return p - _onehot(labels, scores.shape[1])


@wrong("hidden_delta", "transposed_W", "W^(l+1)ᵀ")
def _hidden_t(delta_next, W_next, z, derivative):
    return np.dot(delta_next, W_next.T) * derivative(z)


@wrong("hidden_delta", "no_derivative", "left out the factor σ'")
def _hidden_no_derivative(delta_next, W_next, z, derivative):
    return np.dot(delta_next, W_next)


@wrong("hidden_delta", "added_derivative", "You added σ'")
def _hidden_added(delta_next, W_next, z, derivative):
    return delta_next @ W_next + derivative(z)


@wrong("weight_gradient", "sum_not_mean", "n times too large")
def _grad_sum(delta, h_prev, W, lam):
    grad = np.zeros_like(W, dtype=float)
    for d_i, h_i in zip(delta, h_prev):
        grad += np.outer(d_i, h_i)
    return grad + lam * W


@wrong("weight_gradient", "no_penalty", "left out λ W")
def _grad_no_penalty(delta, h_prev, W, lam):
    return delta.T @ h_prev / delta.shape[0]


@wrong("weight_gradient", "transposed", "transposed")
def _grad_transposed(delta, h_prev, W, lam):
    return np.dot(h_prev.T, delta) / len(delta) + lam * W


@wrong("weight_gradient", "half_lambda", "λW/2")
def _grad_half(delta, h_prev, W, lam):
    return delta.T @ h_prev / len(delta) + 0.5 * lam * W


@wrong("weight_gradient", "penalty_averaged", "divided λ W by n too")
def _grad_penalty_mean(delta, h_prev, W, lam):
    n = len(delta)
    return (delta.T @ h_prev + lam * W) / n


# 06
@wrong("sgd_step", "in_place", "in place")
def _sgd_in_place(params, grads, lr):
    for i in range(len(params)):
        np.subtract(params[i], lr * grads[i], out=params[i])
    return list(params)


@wrong("sgd_step", "uphill", "uphill")
def _sgd_uphill(params, grads, lr):
    return [p + lr * g for p, g in zip(params, grads)]


@wrong("sgd_step", "no_learning_rate", "not scaled by the learning rate")
def _sgd_no_lr(params, grads, lr):
    return [p - g for p, g in zip(params, grads)]


@wrong("sgd_step", "divides_by_lr", "divided by the learning rate")
def _sgd_divide(params, grads, lr):
    return [p - g / lr for p, g in zip(params, grads)]


@wrong("minibatch_indices", "not_shuffled", "in order 0, 1, 2")
def _batches_in_order(n, batch_size, rng):
    return [np.arange(s, min(s + batch_size, n)) for s in range(0, n, batch_size)]


@wrong("minibatch_indices", "batch_order_only", "order of the batches")
def _batches_block_order(n, batch_size, rng):
    starts = rng.permutation(np.arange(0, n, batch_size))
    return [np.arange(s, min(s + batch_size, n)) for s in starts]


@wrong("minibatch_indices", "drops_last", "dropped the last")
def _batches_drop_last(n, batch_size, rng):
    order = rng.permutation(n)
    return [order[k * batch_size:(k + 1) * batch_size] for k in range(n // batch_size)]


@wrong("minibatch_indices", "with_replacement", "with replacement")
def _batches_replace(n, batch_size, rng):
    order = rng.choice(n, size=n, replace=True)
    return [order[s:s + batch_size] for s in range(0, n, batch_size)]


@wrong("minibatch_indices", "array_split", "np.array_split")
def _batches_array_split(n, batch_size, rng):
    return np.array_split(rng.permutation(n), -(-n // batch_size))


@wrong("minibatch_indices", "global_rng", "global random numbers")
def _batches_global(n, batch_size, rng):
    order = np.random.permutation(n)  # noqa: NPY002 (the mistake under test)
    return [order[s:s + batch_size] for s in range(0, n, batch_size)]


@wrong("minibatch_indices", "fixed_seed", "whatever rng you are given")
def _batches_fixed(n, batch_size, rng):
    order = np.random.default_rng(42).permutation(n)
    return [order[s:s + batch_size] for s in range(0, n, batch_size)]


@wrong("cache_bytes", "no_input", "left out the input")
def _cache_no_input(layer_sizes, batch_size, bytes_per_number):
    return (sum(layer_sizes[1:]) + sum(layer_sizes[1:-1])) * batch_size * bytes_per_number


@wrong("cache_bytes", "output_h", "h^(L+1)")
def _cache_output_h(layer_sizes, batch_size, bytes_per_number):
    return (layer_sizes[0] + 2 * sum(layer_sizes[1:])) * batch_size * bytes_per_number


@wrong("cache_bytes", "z_only", "not the h^(l)")
def _cache_z_only(layer_sizes, batch_size, bytes_per_number):
    return sum(layer_sizes) * batch_size * bytes_per_number


@wrong("cache_bytes", "one_sample", "for one sample")
def _cache_one_sample(layer_sizes, batch_size, bytes_per_number):
    return (sum(layer_sizes) + sum(layer_sizes[1:-1])) * bytes_per_number


@wrong("cache_bytes", "bits", "bits")
def _cache_bits(layer_sizes, batch_size, bytes_per_number):
    return (sum(layer_sizes) + sum(layer_sizes[1:-1])) * batch_size * bytes_per_number * 8


# 07
@wrong("dropout_mask", "keep_probability", "probability of keeping")
def _mask_keep(shape, p, rng):
    return (rng.uniform(size=shape) < p) / p


@wrong("dropout_mask", "not_scaled", "kept entries are 1.")
def _mask_unscaled(shape, p, rng):
    return np.where(rng.random(shape) < p, 0.0, 1.0)


@wrong("dropout_mask", "times_keep", "kept entries are 1 − p")
def _mask_times_keep(shape, p, rng):
    return np.where(rng.random(shape) < p, 0.0, 1.0 - p)


@wrong("dropout_mask", "same_for_every_sample", "same mask")
def _mask_per_unit(shape, p, rng):
    row = (rng.random(shape[-1]) >= p) / (1 - p)
    return np.tile(row, (shape[0], 1)) if len(shape) == 2 else row


@wrong("dropout_mask", "global_rng", "global random")
def _mask_global(shape, p, rng):
    return (np.random.rand(*shape) >= p) / (1 - p)  # noqa: NPY002 (the mistake under test)


@wrong("dropout_mask", "fixed_seed", "whatever rng you are given")
def _mask_fixed(shape, p, rng):
    return (np.random.default_rng(1).random(shape) >= p) / (1 - p)


def _patience(val_losses, patience, min_delta, *, improved, late=False, reset=True,
              previous=False):
    best, last, wait, stop = math.inf, math.inf, 0, False
    for loss in val_losses:
        if improved((last if previous else best) - loss, min_delta):
            best, stop = loss, False
            wait = 0 if reset else wait
        else:
            wait += 1
            stop = wait > patience if late else wait >= patience
        last = loss
    return stop


def _improved(gain, min_delta):
    return gain > 0 and gain >= min_delta


@wrong("should_stop", "against_previous", "previous epoch")
def _stop_previous(val_losses, patience, min_delta):
    return _patience(val_losses, patience, min_delta, improved=_improved, previous=True)


@wrong("should_stop", "tie_improves", "equal to the best")
def _stop_ties(val_losses, patience, min_delta):
    return _patience(val_losses, patience, min_delta, improved=lambda g, d: g >= d)


@wrong("should_stop", "ignores_min_delta", "every decrease")
def _stop_no_min_delta(val_losses, patience, min_delta):
    return _patience(val_losses, patience, min_delta, improved=lambda g, d: g > 0)


@wrong("should_stop", "strict_min_delta", "exactly min_delta")
def _stop_strict(val_losses, patience, min_delta):
    return _patience(val_losses, patience, min_delta, improved=lambda g, d: g > max(d, 0))


@wrong("should_stop", "one_late", "one epoch late")
def _stop_late(val_losses, patience, min_delta):
    return _patience(val_losses, patience, min_delta, improved=_improved, late=True)


@wrong("should_stop", "never_resets", "back to 0")
def _stop_no_reset(val_losses, patience, min_delta):
    return _patience(val_losses, patience, min_delta, improved=_improved, reset=False)


@wrong("weight_decay_step", "no_decay", "left out the penalty's gradient")
def _decay_none(W, grad_data, lr, lam):
    return W - lr * grad_data


@wrong("weight_decay_step", "half_lambda", "λW/2")
def _decay_half(W, grad_data, lr, lam):
    return W - lr * grad_data - lr * lam * W / 2


@wrong("weight_decay_step", "decay_not_scaled", "without the learning rate")
def _decay_unscaled(W, grad_data, lr, lam):
    return (1 - lam) * W - lr * grad_data


@wrong("weight_decay_step", "decay_sign", "away from 0")
def _decay_sign(W, grad_data, lr, lam):
    return W - lr * grad_data + lr * lam * W


@wrong("weight_decay_step", "in_place", "in place")
def _decay_in_place(W, grad_data, lr, lam):
    W *= 1 - lr * lam
    W -= lr * grad_data
    return W


# --- the catalogue ---------------------------------------------------------------------------

def test_the_issue_table_is_covered_with_at_least_three_exercises_per_notebook():
    for notebook, names in ISSUE_TABLE.items():
        found = [e.name for e in exercises_for(notebook)]
        assert set(names) <= set(found), notebook
        assert len(found) >= 3, notebook
    assert {e.notebook for e in EXERCISES.values()} == set(ISSUE_TABLE)


def test_every_exercise_record_is_complete():
    for name, exercise in EXERCISES.items():
        assert exercise.name == name
        assert exercise.signature.startswith(f"{name}(") and exercise.equation
        assert len(exercise.mistakes) >= 3, name
        assert len({m.name for m in exercise.mistakes}) == len(exercise.mistakes), name
        assert (exercise.cases is None) != (exercise.properties is None), name


def test_the_mistakes_written_here_are_exactly_the_catalogue():
    catalogue = {(e.name, m.name) for e in EXERCISES.values() for m in e.mistakes}
    assert set(WRONG) == catalogue


# --- correct answers -------------------------------------------------------------------------

@pytest.mark.parametrize("name", list(EXERCISES))
def test_the_kit_reference_passes(name):
    result = check(name, EXERCISES[name].reference)
    assert result.passed, result.message
    assert result.status == "passed" and result.mistake is None
    assert result.message.startswith("Correct")
    assert result.example is not None  # one input with the expected and received output


def test_a_random_exercise_that_passes_says_what_was_checked():
    result = check("dropout_mask", EXERCISES["dropout_mask"].reference)
    assert "share of zeros" in result.message and "same rng seed" in result.message
    assert result.example.expected == "an array of shape (4, 5) holding 0 and 2"
    result = check("minibatch_indices", EXERCISES["minibatch_indices"].reference)
    assert "uniform" in result.message
    assert "4 batches of sizes [3, 3, 3, 1]" in result.example.expected


def _relu_loop(z):
    out = np.zeros_like(z)
    for index in np.ndindex(z.shape):
        out[index] = 1.0 if z[index] > 0 else 0.0
    return out


def _sigmoid_derivative_in_input_dtype(z):
    one = np.ones((), dtype=z.dtype)  # float32 arithmetic for float32 z
    s = one / (one + np.exp(-z))
    return s * (one - s)


def _output_loop(w, b, X):
    return [1 if sum(wi * xi for wi, xi in zip(w, x)) + b >= 0 else 0 for x in X]


def _update_if(w, b, x, y, lr):
    y_hat = int(np.dot(w, x) + b >= 0)
    if y_hat == y:
        return w.copy(), b
    return w + lr * (y - y_hat) * x, b + lr * (y - y_hat)


def _epoch_index_loop(w, b, X, y, lr):
    w = np.array(w, dtype=float)  # a copy of its own, so += below is fine
    mistakes = 0
    for i in range(len(X)):
        y_hat = 1 if np.dot(w, X[i]) + b >= 0 else 0
        if y_hat != y[i]:
            w += lr * (y[i] - y_hat) * X[i]
            b += lr * (y[i] - y_hat)
            mistakes += 1
    return w, b, mistakes


def _shapes_lists(layer_sizes):
    return [[n_l, n_prev] for n_prev, n_l in zip(layer_sizes, layer_sizes[1:])]


def _count_formula(layer_sizes):
    sizes = np.array(layer_sizes)
    return int(sizes[1:] @ sizes[:-1] + sizes[1:].sum())


def _dense_einsum(h_prev, W, b):
    return np.einsum("nj,ij->ni", h_prev, W) + b


def _dense_rows(h_prev, W, b):
    return np.array([W @ h + b for h in h_prev])  # the lecture's column form, row by row


def _penalty_loop(weights, lam):
    s = 0.0
    for W in weights:
        for value in np.ravel(W):
            s += value * value
    return lam / 2 * s


def _penalty_norm(weights, lam):
    return 0.5 * lam * sum(np.linalg.norm(W) ** 2 for W in weights)


def _forward_list_loop(X, weights, biases, activation):
    h = X
    for l in range(1, len(weights) + 1):
        z = h @ weights[l - 1].T + biases[l - 1]
        h = z if l == len(weights) else activation(z)
    return h


def _ce_eye(scores, labels):
    p = np.exp(scores - np.max(scores, axis=-1, keepdims=True))
    p /= p.sum(axis=-1, keepdims=True)
    return p - np.eye(scores.shape[1])[labels]


def _ce_log_space(scores, labels):
    shifted = scores - scores.max(axis=1, keepdims=True)
    log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    return np.exp(log_p) - np.eye(scores.shape[1])[labels]


def _grad_outer_mean(delta, h_prev, W, lam):
    return np.mean([np.outer(d, h) for d, h in zip(delta, h_prev)], axis=0) + lam * W


def _sgd_tuple(params, grads, lr):
    return tuple(np.subtract(p, lr * np.asarray(g)) for p, g in zip(params, grads))


def _batches_generator(n, batch_size, rng):
    order = rng.permutation(n)
    for start in range(0, n, batch_size):
        yield order[start:start + batch_size]


def _batches_choice_lists(n, batch_size, rng):
    order = rng.choice(n, size=n, replace=False).tolist()
    return [order[s:s + batch_size] for s in range(0, n, batch_size)]


def _batches_argsort(n, batch_size, rng):
    order = np.argsort(rng.random(n))
    return np.split(order, range(batch_size, n, batch_size))


def _cache_loop(layer_sizes, batch_size, bytes_per_number):
    numbers = layer_sizes[0]
    for l in range(1, len(layer_sizes)):
        numbers += layer_sizes[l]  # z^(l)
        if l < len(layer_sizes) - 1:
            numbers += layer_sizes[l]  # h^(l)
    return batch_size * numbers * bytes_per_number


def _mask_binomial(shape, p, rng):
    return rng.binomial(1, 1 - p, size=shape) / (1 - p)


def _mask_float32(shape, p, rng):
    keep = rng.random(shape, dtype=np.float32) >= p
    return keep.astype(np.float32) / np.float32(1 - p)


def _stop_history(val_losses, patience, min_delta):
    losses = list(val_losses)
    best, last_improvement = math.inf, 0
    for epoch, loss in enumerate(losses, start=1):
        if loss < best and best - loss >= min_delta:
            best, last_improvement = loss, epoch
    return len(losses) - last_improvement >= patience


def _decay_factored(W, grad_data, lr, lam):
    return (1 - lr * lam) * W - lr * grad_data


OTHER_STYLES = [
    ("perceptron_output", _output_loop),
    ("perceptron_output", lambda w, b, X: X @ w + b >= 0),  # booleans count as 0/1
    ("perceptron_update", _update_if),
    ("perceptron_epoch", _epoch_index_loop),
    ("weight_shapes", _shapes_lists),
    ("weight_shapes", lambda layer_sizes: [np.zeros((a, b)).shape for a, b in
                                           zip(layer_sizes[1:], layer_sizes[:-1])]),
    ("count_parameters", _count_formula),
    ("layer_output_shapes", lambda layer_sizes, n: [[n, s] for s in list(layer_sizes)[1:]]),
    ("relu_derivative", _relu_loop),
    ("relu_derivative", lambda z: (z > 0).astype(float).tolist()),
    ("relu_derivative", lambda z: np.heaviside(z, 0.0)),
    ("sigmoid_derivative", lambda z: np.exp(-z) / (1 + np.exp(-z)) ** 2),
    ("sigmoid_derivative", _sigmoid_derivative_in_input_dtype),
    ("sigmoid_derivative", lambda z: sigmoid(z) * sigmoid(-z)),
    ("tanh_derivative", lambda z: 1 / np.cosh(z) ** 2),
    ("dense_forward", _dense_einsum),
    ("dense_forward", _dense_rows),
    ("l2_penalty", _penalty_loop),
    ("l2_penalty", _penalty_norm),
    ("forward_pass", _forward_list_loop),
    ("mse_output_delta", lambda y_hat, y: np.subtract(y_hat, y)),
    ("softmax_cross_entropy_delta", _ce_eye),
    ("softmax_cross_entropy_delta", _ce_log_space),
    ("hidden_delta", lambda delta_next, W_next, z, derivative:
        np.einsum("nk,kj->nj", delta_next, W_next) * derivative(z)),
    ("weight_gradient", _grad_outer_mean),
    ("sgd_step", _sgd_tuple),
    ("minibatch_indices", _batches_generator),
    ("minibatch_indices", _batches_choice_lists),
    ("minibatch_indices", _batches_argsort),
    ("cache_bytes", _cache_loop),
    ("dropout_mask", _mask_binomial),
    ("dropout_mask", _mask_float32),
    ("should_stop", _stop_history),
    ("weight_decay_step", _decay_factored),
]


@pytest.mark.parametrize(("name", "answer"), OTHER_STYLES,
                         ids=[f"{n}-{i}" for i, (n, _) in enumerate(OTHER_STYLES)])
def test_correct_answers_in_other_styles_pass(name, answer):
    result = check(name, answer)
    assert result.passed, result.message


def test_the_checks_use_float32_and_float64_where_dtype_matters():
    for name in ["relu_derivative", "sigmoid_derivative", "tanh_derivative", "dense_forward",
                 "l2_penalty", "forward_pass", "mse_output_delta",
                 "softmax_cross_entropy_delta", "hidden_delta", "weight_gradient", "sgd_step",
                 "weight_decay_step", "perceptron_output", "perceptron_update"]:
        dtypes = {np.dtype(c.dtype) for c in EXERCISES[name].cases()}
        assert dtypes == {np.dtype(np.float32), np.dtype(np.float64)}, name
        first = [c.args[0] for c in EXERCISES[name].cases()]
        shapes = {tuple(np.shape(a) for a in arg) if isinstance(arg, (list, tuple))
                  else np.shape(arg) for arg in first}
        assert len(shapes) >= 3, name


# --- catalogued mistakes ---------------------------------------------------------------------

@pytest.mark.parametrize("key", sorted(WRONG), ids=["-".join(k) for k in sorted(WRONG)])
def test_each_catalogued_mistake_fails_with_its_own_message(key):
    name, mistake = key
    answer, phrase = WRONG[key]
    result = check(name, answer)
    assert not result.passed and result.status == "failed"
    assert result.mistake == mistake, result.message
    assert result.message == EXERCISES[name].mistake(mistake).message
    assert phrase in result.message
    others = [m.message for m in EXERCISES[name].mistakes if m.name != mistake]
    assert result.message not in others


@pytest.mark.parametrize("key", sorted(WRONG), ids=["-".join(k) for k in sorted(WRONG)])
def test_the_catalogue_formula_is_recognised_as_its_own_mistake(key):
    name, mistake = key
    result = check(name, EXERCISES[name].mistake(mistake).formula)
    assert result.mistake == mistake, result.message


def test_a_catalogued_mistake_shows_an_example_with_the_expected_and_received_output():
    result = check("weight_gradient", _grad_sum)
    assert result.example is not None
    assert [name for name, _ in result.example.inputs] == ["delta", "h_prev", "W", "lam"]
    assert result.example.expected != result.example.received
    assert "n times too large" in str(result) and "expected" in str(result)


# --- wrong answers outside the catalogue, exceptions, not done -------------------------------

UNLISTED = [
    ("dense_forward", lambda h_prev, W, b: h_prev @ W.T + b + 0.01, "Wrong values"),
    ("relu_derivative", lambda z: np.full(np.shape(z), 0.5), "Wrong values"),
    ("count_parameters", lambda layer_sizes: EXERCISES["count_parameters"]
        .reference(layer_sizes) + 1, "Wrong values"),
    ("sgd_step", lambda params, grads, lr: [p - 2 * lr * g for p, g in zip(params, grads)],
     "Wrong values"),
    ("mse_output_delta", lambda y_hat, y: np.abs(y_hat - y), "Wrong values"),
    ("should_stop", lambda val_losses, patience, min_delta: len(val_losses) > patience,
     "Wrong values"),
    ("dropout_mask", lambda shape, p, rng: (rng.random(shape) >= p / 2) / (1 - p / 2),
     "should be 0 with probability p"),
    ("minibatch_indices", lambda n, batch_size, rng: [rng.permutation(n)], "batch sizes"),
]


@pytest.mark.parametrize(("name", "answer", "phrase"), UNLISTED,
                         ids=[f"{n}-{i}" for i, (n, _, _) in enumerate(UNLISTED)])
def test_an_unlisted_wrong_answer_fails_with_the_generic_message(name, answer, phrase):
    result = check(name, answer)
    assert not result.passed and result.status == "failed"
    assert result.mistake is None
    assert phrase in result.message
    catalogue = [m.message for m in EXERCISES[name].mistakes]
    assert result.message not in catalogue


def test_the_generic_value_message_says_where_and_by_how_much():
    result = check("dense_forward", lambda h_prev, W, b: h_prev @ W.T + b + 0.01)
    assert "test case 1 of 6" in result.message
    assert "3 of 3 entries differ, the largest by 0.01" in result.message
    assert "at index (0, 0): expected -1.4, got -1.39" in result.message


def test_a_wrong_shape_is_named_as_such():
    result = check("dense_forward", lambda h_prev, W, b: (h_prev @ W.T + b)[:, :-1])
    assert result.message.startswith("Wrong shape")
    assert "has shape (1, 2), expected shape (1, 3)" in result.message
    mask = check("dropout_mask", lambda shape, p, rng: (rng.random(shape[::-1]) >= p) / (1 - p))
    assert mask.message.startswith("Wrong shape") and "(5, 4), expected (4, 5)" in mask.message


def test_shapes_are_reported_before_values():
    def answer(z):  # wrong values in every case, wrong shape only for the 2-D cases
        return np.ravel(np.where(z > 0, 2.0, 0.0))
    result = check("relu_derivative", answer)
    assert result.message.startswith("Wrong shape on test case 3")


def test_a_missing_return_is_named():
    result = check("tanh_derivative", lambda z: None)
    assert "returned None" in result.message and "return" in result.message


@pytest.mark.parametrize("name", list(EXERCISES))
def test_not_implemented_means_not_done_yet(name):
    def answer(*args):
        raise NotImplementedError
    result = check(name, answer)
    assert not result.passed and result.status == "not done"
    assert result.message.startswith("Not done yet")
    assert "…" in str(result) and "exercise-not-done" in result._repr_html_()


@pytest.mark.parametrize("name", list(EXERCISES))
def test_an_exception_is_reported_with_its_type_message_and_input(name):
    def answer(*args):
        raise ZeroDivisionError("boom")
    result = check(name, answer)
    assert not result.passed and result.status == "failed"
    assert "raised ZeroDivisionError: boom" in result.message
    assert result.example is not None
    assert result.example.received == "ZeroDivisionError: boom"
    assert [n for n, _ in result.example.inputs] == list(EXERCISES[name].params)


def test_an_exception_on_a_later_case_names_that_case():
    def answer(z):
        if z.ndim > 1:
            raise IndexError("only 1-D")
        return np.where(z > 0, 1.0, 0.0)
    result = check("relu_derivative", answer)
    assert "raised IndexError: only 1-D (on test case 3 of 6" in result.message


def test_an_answer_cannot_change_the_test_inputs_unnoticed():
    def answer(z):  # right values, but z itself is overwritten
        z[z > 0] = 1
        z[z <= 0] = 0
        return z
    result = check("relu_derivative", answer)
    assert not result.passed and "changed its input `z` in place" in result.message


def test_numpy_warnings_of_an_answer_do_not_escape_the_check():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = check("softmax_cross_entropy_delta", _ce_naive)
    assert result.mistake == "overflow"
    assert caught == []


def test_a_result_passed_instead_of_the_function_is_explained():
    result = check("relu_derivative", np.array([1.0, 0.0]))
    assert not result.passed
    assert "your function itself" in result.message and "without parentheses" in result.message


def test_an_unknown_name_is_refused_with_the_list():
    with pytest.raises(ValueError, match=r"name must be one of \['perceptron_output'.*got 'relu'"):
        check("relu", lambda z: z)
    with pytest.raises(TypeError, match="name must be the exercise's name"):
        check(3, lambda z: z)


# --- random answers: properties and statistics -----------------------------------------------

def test_random_checks_are_statistical_with_a_tolerance_a_correct_answer_meets():
    # several correct masks from different random streams all pass
    for offset in range(3):
        def answer(shape, p, rng, offset=offset):
            rng.random(offset)  # shift the stream
            return (rng.random(shape) >= p) / (1 - p)
        assert check("dropout_mask", answer).passed
    slightly_off = check("dropout_mask",
                         lambda shape, p, rng: (rng.random(shape) >= p + 0.02) / (1 - p))
    assert not slightly_off.passed and "about 20%" in slightly_off.message


def test_a_rotation_is_not_a_shuffle():
    def answer(n, batch_size, rng):
        order = np.roll(np.arange(n), int(rng.integers(n)))
        return [order[s:s + batch_size] for s in range(0, n, batch_size)]
    result = check("minibatch_indices", answer)
    assert not result.passed and "not a uniform shuffle" in result.message


# --- display ---------------------------------------------------------------------------------

def test_results_display_as_coloured_boxes_and_readable_text():
    passed = check("relu_derivative", EXERCISES["relu_derivative"].reference)
    failed = check("relu_derivative", _relu_one_at_zero)
    assert isinstance(passed, CheckResult) and bool(passed) and not bool(failed)
    html = passed._repr_html_()
    assert 'class="exercise-check exercise-passed"' in html and "#1b7837" in html
    assert "✔ relu_derivative: correct" in html
    assert "example input" in html and "expected" in html and "received" in html
    html = failed._repr_html_()
    assert "exercise-failed" in html and "#b2182b" in html and "left derivative" in html
    text = str(failed)
    assert text.splitlines()[0] == "✘ relu_derivative: not yet right"
    assert "Example input:" in text and "z = [-2.  -0.5  0.   0.5  2. ]" in text
    assert "expected: [0. 0. 0. 1. 1.]" in text and "received: [0. 0. 1. 1. 1.]" in text
    assert repr(failed) == text


def test_html_escapes_what_the_answer_returned():
    result = check("relu_derivative", lambda z: "<b>" + str(z))
    assert "<b>[" not in result._repr_html_() and "&lt;b&gt;" in result._repr_html_()


# --- the reference solutions (solutions/) and grading ----------------------------------------

SOLUTIONS = Path(__file__).resolve().parent.parent / "solutions"


def _load(path, name):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


grade = _load(SOLUTIONS / "grade.py", "grade")


def test_there_is_one_solution_module_per_notebook_with_its_exercises():
    for notebook in ISSUE_TABLE:
        module = _load(SOLUTIONS / f"{notebook}.py", f"solutions_{notebook}")
        names = [e.name for e in exercises_for(notebook)]
        assert all(callable(getattr(module, name, None)) for name in names), notebook
    assert set(grade.solution_sources()) == set(EXERCISES)


@pytest.mark.parametrize("name", list(EXERCISES))
def test_every_solution_passes_its_check(name):
    notebook = EXERCISES[name].notebook
    module = _load(SOLUTIONS / f"{notebook}.py", f"solutions_{notebook}")
    result = check(name, getattr(module, name))
    assert result.passed, result.message


@pytest.mark.parametrize("name", list(EXERCISES))
def test_a_pasted_solution_needs_only_numpy(name):
    namespace = {"np": np}
    exec(grade.solution_sources()[name], namespace)  # what the exercise cell will hold
    assert check(name, namespace[name]).passed


def _notebook(path, sources):
    cells = [{"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None,
              "source": source} for source in sources]
    cells.insert(1, {"cell_type": "markdown", "metadata": {}, "source": "## 1. Text"})
    path.write_text(json.dumps({"cells": cells, "metadata": {}, "nbformat": 4,
                                "nbformat_minor": 5}), encoding="utf-8")
    return path


def test_grading_runs_only_imports_and_exercise_cells(tmp_path, capsys):
    solutions = grade.solution_sources()
    path = _notebook(tmp_path / "01_perceptron.ipynb", [
        "import numpy as np\nfrom mlp_core.perceptron import step\nrng = 1 / 0",
        "%matplotlib inline",
        "raise RuntimeError('a widget cell must not run')",
        "def perceptron_output(w, b, X):\n    raise NotImplementedError",
        solutions["perceptron_output"],  # the last definition wins, as in Jupyter
        "def perceptron_update(w, b, x, y, lr):\n"
        "    e = y - step(x @ w + b)\n    return w + e * x, b + e\n",  # forgets lr
        "check('perceptron_output', perceptron_output)",
    ])
    results = grade.grade_notebook(path)
    assert list(results) == ["perceptron_output", "perceptron_update", "perceptron_epoch"]
    assert results["perceptron_output"].passed
    assert results["perceptron_update"].mistake == "no_learning_rate"
    assert results["perceptron_epoch"] is None
    assert grade.main([str(path)]) == 1
    out = capsys.readouterr().out
    assert "perceptron_update              failed" in out and "missing" in out


def test_an_imported_kit_function_is_not_an_answer(tmp_path):
    path = _notebook(tmp_path / "04_forward_propagation.ipynb", [
        "from mlp_core import l2_penalty\nfrom mlp_core.layers import dense_forward",
    ])
    assert all(r is None for r in grade.grade_notebook(path).values())
    solved = _notebook(tmp_path / "03_activation_functions.ipynb", [
        "import numpy as np", *(grade.solution_sources()[e.name]
                                for e in exercises_for("03_activation_functions"))])
    assert grade.main([str(solved)]) == 0

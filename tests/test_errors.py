"""Bad input is refused early with a message that names the argument, the rule and the value.

Every ``match`` regex below checks all three: the argument's name, the rule it breaks and the
value received.
"""

import re

import numpy as np
import pytest

from mlp_core import (
    MLP,
    EarlyStopping,
    Perceptron,
    accuracy,
    dropout_mask,
    fit,
    get_activation,
    get_loss,
    gradient_check,
    gradient_check_layers,
    l2_penalty,
    r2_score,
)

X = np.array([[0.0, 1.0], [1.0, 0.0], [1.0, 1.0], [0.0, 0.0]])
Y_REG = np.array([1.0, 2.0, 3.0, 4.0])


def net(sizes=(2, 3, 1), **kwargs):
    return MLP(list(sizes), seed=0, **kwargs)


# --- design matrix X --------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("bad", "pattern"),
    [
        (np.ones(2), r"X must be 2-D, got an array of shape \(2,\)"),
        (np.ones((2, 2, 2)), r"X must be 2-D, got an array of shape \(2, 2, 2\)"),
        (np.ones((0, 2)), r"X must not be empty, got an array of shape \(0, 2\)"),
        (np.ones((4, 3)), r"X must have 2 columns \(layer_sizes\[0\]\), got 3 \(shape \(4, 3\)\)"),
        (np.array([[0.0, 1.0], [np.nan, 0.0]]),
         r"X must contain only finite numbers, got nan at index \(1, 0\)"),
        (np.array([[0.0, np.inf]]),
         r"X must contain only finite numbers, got inf at index \(0, 1\)"),
    ],
)
def test_bad_X_is_refused_by_forward_predict_loss_and_fit(bad, pattern):
    m = net()
    with pytest.raises(ValueError, match=pattern):
        m.forward(bad)
    with pytest.raises(ValueError, match=pattern):
        m.predict(bad)
    with pytest.raises(ValueError, match=pattern):
        m.loss(bad, np.zeros(len(bad)), loss="mse")
    with pytest.raises(ValueError, match=pattern):
        fit(m, bad, np.zeros(len(bad)), loss="mse", lr=0.1, epochs=1)


@pytest.mark.parametrize("bad", ["abc", None, np.array([["a", "b"]]), np.array([[{}, 1]])])
def test_non_numeric_X_is_a_type_error(bad):
    with pytest.raises(TypeError, match=r"X must be a numeric array, got"):
        net().forward(bad)


def test_complex_X_and_y_are_a_type_error():
    # np.issubdtype(complex, np.number) is True: without the check numpy drops the imaginary
    # part with a ComplexWarning and predicts numbers
    m = net()
    bad = X + 1j
    pattern = r"X must hold real numbers, got complex dtype complex128"
    for call in (m.forward, m.predict, lambda a: m.loss(a, Y_REG),
                 lambda a: fit(m, a, Y_REG, loss="mse", lr=0.1, epochs=1)):
        with pytest.raises(TypeError, match=pattern):
            call(bad)
    with pytest.raises(TypeError, match=r"y must hold real numbers, got complex dtype"):
        m.loss(X, Y_REG + 0j)
    with pytest.raises(TypeError, match=r"x must hold real numbers, got complex dtype"):
        Perceptron(2).update(np.ones(2) + 1j, 1)


RAGGED = [[0.0, 1.0], [1.0, 0.0, 2.0], [1.0, 1.0], [0.0, 0.0]]  # the second row is too long
RAGGED_RULE = r"must be a rectangular array \(rows of equal length\), got a ragged sequence "


def test_a_ragged_nested_list_is_refused_naming_the_argument_everywhere():
    # numpy's own message ("inhomogeneous shape after 1 dimensions") named no argument
    m = net()
    before = m.get_parameters()
    pattern = r"^X " + RAGGED_RULE + r"with rows of lengths \[2, 3, 2, 2\]: \[\[0\.0, 1\.0\]"
    for call in (m.forward, m.predict, lambda a: m.loss(a, Y_REG),
                 lambda a: fit(m, a, Y_REG, loss="mse", lr=0.1, epochs=1, progress=False),
                 lambda a: gradient_check(m, a, Y_REG),
                 lambda a: accuracy(m, a, [0, 1, 1, 0], "mse"),
                 lambda a: Perceptron(2).fit(a, [0, 1, 1, 0])):
        with pytest.raises(ValueError, match=pattern):
            call(RAGGED)
    with pytest.raises(ValueError, match=r"^y " + RAGGED_RULE + r"with rows of lengths \[1, 2"):
        m.loss(X, [[1.0], [2.0, 3.0], [1.0], [0.0]])
    with pytest.raises(ValueError, match=r"^y_true " + RAGGED_RULE):
        r2_score([[1.0], [2.0, 3.0]], [1.0, 2.0])
    for a, b in zip(before[0] + before[1], m.weights + m.biases):  # nothing was changed
        assert np.array_equal(a, b)


# --- values that overflow the network's dtype -------------------------------------------------

BIG = np.array([[1e39, 0.0], [0.0, 1.0]])  # finite in float64, inf in float32
FIT_IN_FLOAT32 = r"must contain only numbers that fit in float32 \(\|x\| <= 3\.403e\+38\), "


def test_X_that_overflows_float32_is_refused_everywhere():
    m = net(dtype=np.float32)
    pattern = r"^X " + FIT_IN_FLOAT32 + r"got 1e\+39 at index \(0, 0\), which does not fit"
    y = np.zeros(2)
    for call in (m.forward, m.predict, lambda a: m.loss(a, y),
                 lambda a: fit(m, a, y, loss="mse", lr=0.1, epochs=1, progress=False),
                 lambda a: gradient_check(m, a, y)):
        with pytest.raises(ValueError, match=pattern):
            call(BIG)
    with pytest.raises(ValueError, match=r"^validation X_val " + FIT_IN_FLOAT32 + r"got 1e\+39"):
        fit(m, X, Y_REG, loss="mse", lr=0.1, epochs=1, validation=(BIG, y))
    # the same values are fine in float64
    assert np.isfinite(net().predict(BIG)).all()


def test_y_that_overflows_float32_is_refused():
    m = net(dtype=np.float32)
    y = np.array([1.0, -1e39, 0.0, 1.0])
    pattern = r"y " + FIT_IN_FLOAT32 + r"got -1e\+39 at index \(1, 0\), which does not fit"
    with pytest.raises(ValueError, match=pattern):
        m.loss(X, y)
    with pytest.raises(ValueError, match=pattern):
        fit(m, X, y, loss="mse", lr=0.1, epochs=1, progress=False)
    with pytest.raises(ValueError, match=r"^validation y_val: y " + FIT_IN_FLOAT32):
        fit(m, X, Y_REG, loss="mse", lr=0.1, epochs=1, validation=(X, y), progress=False)


# --- targets y --------------------------------------------------------------------------------

def test_len_y_must_equal_len_X():
    with pytest.raises(ValueError, match=r"len\(y\) must equal len\(X\) = 4 .*, got 3"):
        net().loss(X, Y_REG[:3], loss="mse")
    with pytest.raises(ValueError, match=r"len\(y\) must equal len\(X\) = 4 .*, got 3"):
        fit(net(), X, Y_REG[:3], loss="mse", lr=0.1, epochs=1)


@pytest.mark.parametrize(
    ("bad", "pattern"),
    [
        (np.array([1.0, np.nan, 0.0, 1.0]),
         r"y must contain only finite numbers, got nan at index \(1,\)"),
        (np.array([1.0, 0.0, np.inf, 1.0]),
         r"y must contain only finite numbers, got inf at index \(2,\)"),
        (np.array([-np.inf, 0.0, 0.0, 1.0]),
         r"y must contain only finite numbers, got -inf at index \(0,\)"),
    ],
)
def test_non_finite_y_is_refused(bad, pattern):
    with pytest.raises(ValueError, match=pattern):
        net().loss(X, bad, loss="mse")
    with pytest.raises(ValueError, match=pattern):
        fit(net(), X, bad, loss="mse", lr=0.1, epochs=1)


def test_cross_entropy_label_outside_the_classes():
    m = net((2, 3, 3))
    y = np.array([0, 1, 5, 2])
    pattern = r"y labels must be in 0\.\.2 for loss 'cross_entropy' .*got 5"
    with pytest.raises(ValueError, match=pattern):
        m.loss(X, y, loss="cross_entropy")
    with pytest.raises(ValueError, match=pattern):
        m.backward(m.forward(X), y, loss="cross_entropy")
    with pytest.raises(ValueError, match=r"y labels must be in 0\.\.2 .*got -1"):
        m.loss(X, np.array([0, -1, 1, 2]), loss="cross_entropy")


def test_binary_cross_entropy_label_outside_0_1():
    pattern = r"y labels must be in 0\.\.1 for loss 'binary_cross_entropy' .*got 2"
    with pytest.raises(ValueError, match=pattern):
        net().loss(X, np.array([0, 1, 2, 1]), loss="binary_cross_entropy")
    with pytest.raises(ValueError, match=pattern):
        fit(net(), X, np.array([0, 1, 2, 1]), loss="binary_cross_entropy", lr=0.1, epochs=1)


def test_validation_labels_outside_the_classes_name_y_val():
    with pytest.raises(ValueError, match=r"validation y_val: y labels must be in 0\.\.2 .*got 7"):
        fit(net((2, 3, 3)), X, np.array([0, 1, 2, 0]), loss="cross_entropy", lr=0.1, epochs=1,
            validation=(X[:2], np.array([0, 7])))


@pytest.mark.parametrize("label", [1e19, -1e19, 2.0**70])
def test_huge_class_label_is_reported_as_given(label):
    # a cast to int64 first would wrap 1e19 to -9223372036854775808 (and warn)
    y = np.array([0.0, 1.0, label, 1.0])
    got = re.escape(repr(label))
    with pytest.raises(ValueError, match=rf"y labels must be in 0\.\.2 .*got {got}$"):
        net((2, 3, 3)).loss(X, y, loss="cross_entropy")
    with pytest.raises(ValueError, match=rf"y labels must be in 0\.\.1 .*got {got}$"):
        net().loss(X, y, loss="binary_cross_entropy")


def test_fractional_class_label():
    with pytest.raises(ValueError, match=r"y must hold integer class labels for loss "
                                         r"'cross_entropy', got 0\.5"):
        net((2, 3, 3)).loss(X, np.array([0, 0.5, 1, 2]), loss="cross_entropy")


def test_target_shape_must_fit_the_loss():
    with pytest.raises(ValueError, match=r"y must have shape \(n_samples, 1\) or \(n_samples,\) "
                                         r"for loss 'mse', got shape \(4, 2\)"):
        net().loss(X, np.ones((4, 2)), loss="mse")
    with pytest.raises(ValueError, match=r"y must have shape \(n_samples, 2\) for loss 'mse', "
                                         r"got shape \(4,\)"):
        net((2, 3, 2)).loss(X, Y_REG, loss="mse")
    with pytest.raises(ValueError, match=r"loss 'cross_entropy' needs at least 2 output units "
                                         r".*got 1"):
        net().loss(X, np.array([0, 1, 0, 1]), loss="cross_entropy")
    with pytest.raises(ValueError, match=r"loss 'binary_cross_entropy' needs exactly 1 output "
                                         r"unit, got 2"):
        net((2, 3, 2)).loss(X, np.array([0, 1, 0, 1]), loss="binary_cross_entropy")


# --- the network's construction ---------------------------------------------------------------

@pytest.mark.parametrize(
    ("sizes", "pattern"),
    [
        ([2, 0, 1], r"layer_sizes\[1\] must be >= 1, got 0"),
        ([2, 3, -1], r"layer_sizes\[2\] must be >= 1, got -1"),
        ([3], r"layer_sizes must list at least two sizes \[N_I, \.\.\., N_O\], got \[3\]"),
        ([], r"layer_sizes must list at least two sizes \[N_I, \.\.\., N_O\], got \[\]"),
    ],
)
def test_bad_layer_sizes(sizes, pattern):
    with pytest.raises(ValueError, match=pattern):
        MLP(sizes)


def test_layer_sizes_must_be_a_sequence_of_integers():
    with pytest.raises(TypeError, match=r"layer_sizes\[1\] must be an integer >= 1, got 2\.5"):
        MLP([2, 2.5, 1])
    with pytest.raises(TypeError, match=r"layer_sizes must be a sequence of integers .*got 3"):
        MLP(3)
    with pytest.raises(TypeError, match=r"layer_sizes must be a sequence of integers .*got '21'"):
        MLP("21")


def test_unknown_activation_lists_the_valid_names():
    pattern = r"activation must be one of \['identity', 'relu', 'sigmoid', 'tanh'\], got 'softplus'"
    with pytest.raises(ValueError, match=pattern):
        MLP([2, 1], activation="softplus")
    with pytest.raises(ValueError, match=pattern):
        get_activation("softplus")


def test_unknown_loss_lists_the_valid_names():
    pattern = r"loss must be one of \['binary_cross_entropy', 'cross_entropy', 'mse'\], got 'hinge'"
    with pytest.raises(ValueError, match=pattern):
        get_loss("hinge")
    with pytest.raises(ValueError, match=pattern):
        net().loss(X, Y_REG, loss="hinge")
    with pytest.raises(ValueError, match=pattern):
        fit(net(), X, Y_REG, loss="hinge", lr=0.1, epochs=1)


@pytest.mark.parametrize("name", [["relu"], 3, None])
def test_activation_and_loss_names_must_be_strings(name):
    with pytest.raises(TypeError, match=r"activation must be a name, one of \['identity', "
                                        r"'relu', 'sigmoid', 'tanh'\], or an Activation, got"):
        get_activation(name)
    with pytest.raises(TypeError, match=r"activation must be a name"):
        MLP([2, 1], activation=name)
    with pytest.raises(TypeError, match=r"loss must be a name, one of \['binary_cross_entropy', "
                                        r"'cross_entropy', 'mse'\], or a Loss, got"):
        get_loss(name)
    with pytest.raises(TypeError, match=r"loss must be a name"):
        net().loss(X, Y_REG, loss=name)


def test_dtype_must_be_float32_or_float64():
    with pytest.raises(ValueError, match=r"dtype must be float32 or float64, got int64"):
        MLP([2, 1], dtype=np.int64)


@pytest.mark.parametrize("bad", ["abc", "float", object(), [np.float32]])
def test_dtype_that_is_not_a_numpy_dtype_is_named(bad):
    # "abc" gave numpy's "data type 'abc' not understood", which named no argument; "float"
    # is numpy's float64 and is accepted, as np.float64 is
    if bad == "float":
        assert MLP([2, 1], dtype=bad).dtype == np.float64
        return
    with pytest.raises(ValueError, match=r"dtype must be float32 or float64, got "
                                         + re.escape(repr(bad)[:20])):
        MLP([2, 1], dtype=bad)


# --- forward / backward / parameters ----------------------------------------------------------

@pytest.mark.parametrize("p", [1.0, -0.1, 1.5, float("nan")])
def test_dropout_outside_0_1_in_forward(p):
    with pytest.raises(ValueError, match=rf"dropout must be in \[0\.0, 1\.0\), got {p}"):
        net().forward(X, dropout=p)


def test_dropout_is_a_real_number():
    with pytest.raises(TypeError, match=r"dropout must be a real number, got '0\.5'"):
        net().forward(X, dropout="0.5")


def test_masks_need_one_entry_per_hidden_layer():
    pattern = r"masks must hold one entry per hidden layer \(1\), got 2"
    with pytest.raises(ValueError, match=pattern):
        net().forward(X, masks=[None, None])


def test_each_mask_must_have_the_shape_of_its_hidden_layer():
    m = net((2, 3, 5, 1))
    with pytest.raises(ValueError, match=r"masks\[0\] must be None or of shape \(n, N_1\) = "
                                         r"\(4, 3\) .*got shape \(2, 2\)"):
        m.forward(X, masks=[np.ones((2, 2)), None])
    with pytest.raises(ValueError, match=r"masks\[1\] must be None or of shape \(n, N_2\) = "
                                         r"\(4, 5\) .*got shape \(5,\)"):
        m.forward(X, masks=[None, np.ones(5)])
    with pytest.raises(ValueError, match=r"masks must hold one entry per hidden layer \(2\), "
                                         r"got ndarray"):
        m.forward(X, masks=np.ones((4, 3)))
    cache = m.forward(X, masks=[np.ones((4, 3), dtype=bool), None])  # the right shape works
    assert cache.masks[0].dtype == m.dtype


@pytest.mark.parametrize("rng", [None, 0, np.random.RandomState(0)])
def test_dropout_needs_a_generator(rng):
    pattern = r"rng must be a numpy\.random\.Generator \(np\.random\.default_rng\(seed\)\), got"
    with pytest.raises(TypeError, match=pattern):
        dropout_mask((2, 2), 0.5, rng)
    if rng is not None:  # forward draws a fresh generator for None
        with pytest.raises(TypeError, match=pattern):
            net().forward(X, dropout=0.5, rng=rng)


def test_backward_needs_a_forward_cache():
    with pytest.raises(TypeError, match=r"cache must be the ForwardCache from forward\(\), got"):
        net().backward({"z": []}, Y_REG)


@pytest.mark.parametrize(("other", "pattern"), [
    ([5, 3, 1], r"cache\.h\[0\] \(h\^\(0\)\) must have shape \(4, 2\) .*got \(4, 5\)"),
    ([2, 5, 1], r"cache\.z\[0\] \(z\^\(1\)\) must have shape \(4, 3\) .*got \(4, 5\)"),
    ([2, 3, 2], r"cache\.z\[1\] \(z\^\(2\)\) must have shape \(4, 1\) .*got \(4, 2\)"),
    ([2, 3, 3, 1], r"cache must come from forward\(\) of this network, whose 2 layers .*"
                   r"got a cache of 3 layers"),
    ([2, 1], r"cache must come from forward\(\) of this network, whose 2 layers .*"
             r"got a cache of 1 layer"),
])
def test_backward_refuses_a_cache_from_another_network(other, pattern):
    # e.g. notebook cells run out of order: forward on one network, backward on another.
    # Before, this gave gradients of the wrong shape ([5, 3, 1]: dJ/dW^(1) of shape (3, 5)
    # for a W^(1) of shape (3, 2)) or numpy's broadcasting errors.
    m = net()  # layer_sizes [2, 3, 1]
    cache = MLP(other, seed=1).forward(np.ones((4, other[0])))
    with pytest.raises(ValueError, match=pattern) as refused:
        m.backward(cache, Y_REG)
    assert "layer_sizes [2, 3, 1]" in str(refused.value)
    m.backward(m.forward(X), Y_REG)  # its own cache is fine


def test_backward_refuses_a_cache_whose_dropout_masks_do_not_fit():
    m = net()
    cache = m.forward(X, dropout=0.5, rng=np.random.default_rng(0))
    cache.masks[0] = np.ones((4, 5))
    with pytest.raises(ValueError, match=r"cache\.masks\[0\] must be None or have shape "
                                         r"\(4, 3\) .*got \(4, 5\)"):
        m.backward(cache, Y_REG)


def test_negative_lambda_in_loss_and_backward():
    m = net()
    with pytest.raises(ValueError, match=r"lam must be a finite number >= 0, got -0\.1"):
        m.loss(X, Y_REG, lam=-0.1)
    with pytest.raises(ValueError, match=r"lam must be a finite number >= 0, got -0\.1"):
        m.backward(m.forward(X), Y_REG, lam=-0.1)
    with pytest.raises(ValueError, match=r"lam must be a finite number >= 0, got -1\.0"):
        l2_penalty(m.weights, -1.0)


def test_set_parameters_checks_shapes_and_count():
    m = net()
    W, b = m.get_parameters()
    with pytest.raises(ValueError, match=r"weights\[0\] and biases\[0\] must have shapes "
                                         r"\(3, 2\) and \(3,\), got \(2, 3\) and \(3,\)"):
        m.set_parameters([W[0].T, W[1]], b)
    with pytest.raises(ValueError, match=r"set_parameters needs 2 weight arrays and 2 bias "
                                         r"arrays \(one per layer\), got 1 and 2"):
        m.set_parameters(W[:1], b)
    assert len(m.weights) == 2  # unchanged by the failed calls


@pytest.mark.parametrize(("which", "i", "value"), [
    ("weights", 1, np.nan), ("weights", 0, np.inf), ("biases", 0, -np.inf),
])
def test_set_parameters_refuses_non_finite_values_naming_the_array(which, i, value):
    m = net()
    before = m.get_parameters()
    W, b = m.get_parameters()
    (W if which == "weights" else b)[i].flat[1] = value
    with pytest.raises(ValueError, match=rf"^{which}\[{i}\] must contain only finite numbers, "
                                         rf"got {value} at index"):
        m.set_parameters(W, b)
    for a, c in zip(before[0] + before[1], m.weights + m.biases):  # nothing was changed
        assert np.array_equal(a, c)


def test_set_parameters_refuses_values_that_overflow_a_float32_network():
    m = net(dtype=np.float32)
    W, b = m.get_parameters()
    W = [w.astype(np.float64) for w in W]
    W[0][0, 0] = 1e39
    with pytest.raises(ValueError, match=r"^weights\[0\] " + FIT_IN_FLOAT32 + r"got 1e\+39"):
        m.set_parameters(W, b)
    assert np.isfinite(m.weights[0]).all()


# --- fit: hyperparameters ---------------------------------------------------------------------

FIT_ERRORS = [
    # (keyword arguments, exception, regex naming argument, rule and value)
    ({"lr": 0.0}, ValueError, r"lr must be a finite number > 0, got 0\.0"),
    ({"lr": -0.5}, ValueError, r"lr must be a finite number > 0, got -0\.5"),
    ({"lr": float("inf")}, ValueError, r"lr must be a finite number > 0, got inf"),
    ({"lr": "0.1"}, TypeError, r"lr must be a real number, got '0\.1'"),
    ({"epochs": 0}, ValueError, r"epochs must be >= 1, got 0"),
    ({"epochs": 2.5}, TypeError, r"epochs must be an integer >= 1, got 2\.5"),
    ({"batch_size": 0}, ValueError, r"batch_size must be >= 1, got 0"),
    ({"batch_size": -3}, ValueError, r"batch_size must be >= 1, got -3"),
    ({"lam": -0.1}, ValueError, r"lam must be a finite number >= 0, got -0\.1"),
    ({"dropout": 1.0}, ValueError, r"dropout must be in \[0\.0, 1\.0\), got 1\.0"),
    ({"dropout": -0.2}, ValueError, r"dropout must be in \[0\.0, 1\.0\), got -0\.2"),
    ({"momentum": 1.0}, ValueError, r"momentum must be in \[0\.0, 1\.0\), got 1\.0"),
    ({"min_delta": -1.0}, ValueError, r"min_delta must be a finite number >= 0, got -1\.0"),
    ({"min_delta": 0.1}, ValueError,
     r"min_delta=0\.1 needs patience \(early stopping\) to apply to, got None"),
    ({"min_delta": 0.1, "validation": (X, Y_REG)}, ValueError, r"min_delta=0\.1 needs patience"),
    ({"momentum": float("nan")}, ValueError, r"momentum must be in \[0\.0, 1\.0\), got nan"),
    ({"patience": 0, "validation": (X, Y_REG)}, ValueError, r"patience must be >= 1, got 0"),
    ({"patience": 3}, ValueError,
     r"patience=3 needs validation=\(X_val, y_val\) to watch, got None"),
    ({"validation": (np.ones((5, 3)), np.ones(5))}, ValueError,
     r"validation X_val must have 2 columns \(layer_sizes\[0\]\), got 3"),
    ({"validation": (np.ones((5, 2)), np.ones(4))}, ValueError,
     r"len\(y_val\) must equal len\(X_val\) = 5 .*got 4"),
    ({"validation": (np.ones((5, 2)),)}, ValueError,
     r"validation must be None or a pair \(X_val, y_val\), got tuple of length 1"),
    ({"validation": np.ones((5, 2))}, ValueError,
     r"validation must be None or a pair \(X_val, y_val\), got ndarray of length 5"),
    ({"validation": (np.ones((2, 2)), np.array([0.0, np.nan]))}, ValueError,
     r"validation y_val must contain only finite numbers, got nan at index \(1,\)"),
    ({"validation": (np.ones((2, 2)), np.ones((2, 2)))}, ValueError,
     r"validation y_val: y must have shape \(n_samples, 1\) or \(n_samples,\) for loss 'mse', "
     r"got shape \(2, 2\)"),
    ({"callback": 3}, TypeError, r"callback must be callable, got 3"),
    ({"progress": "yes"}, ValueError, r"progress must be True, False or 'auto', got 'yes'"),
]


@pytest.mark.parametrize(("kwargs", "error", "pattern"), FIT_ERRORS)
def test_fit_refuses_bad_arguments_before_any_work(kwargs, error, pattern):
    m = net()
    before = m.get_parameters()
    calls = []
    kwargs = {"callback": lambda epoch, history: calls.append(epoch), **kwargs}
    base = {"loss": "mse", "lr": 0.1, "epochs": 3, "progress": False}
    with pytest.raises(error, match=pattern):
        fit(m, X, Y_REG, **{**base, **kwargs})
    # nothing was trained: no epoch ran and the weights are untouched
    assert calls == []
    for a, b in zip(before[0] + before[1], m.weights + m.biases):
        assert np.array_equal(a, b)


def test_fit_refuses_bad_data_before_any_work():
    m = net()
    before = m.get_parameters()
    with pytest.raises(ValueError, match=r"y must contain only finite numbers"):
        fit(m, X, np.array([1.0, 2.0, 3.0, np.nan]), loss="mse", lr=0.1, epochs=3)
    for a, b in zip(before[0], m.weights):
        assert np.array_equal(a, b)


# --- regularization, perceptron, gradient check -----------------------------------------------

def test_early_stopping_arguments():
    with pytest.raises(ValueError, match=r"patience must be >= 1, got 0"):
        EarlyStopping(0)
    with pytest.raises(TypeError, match=r"patience must be an integer >= 1, got 1\.5"):
        EarlyStopping(1.5)
    with pytest.raises(ValueError, match=r"min_delta must be a finite number >= 0, got -0\.1"):
        EarlyStopping(3, min_delta=-0.1)


def test_dropout_mask_rate():
    with pytest.raises(ValueError, match=r"dropout must be in \[0\.0, 1\.0\), got 1\.0"):
        dropout_mask((2, 2), 1.0, np.random.default_rng(0))


def test_perceptron_arguments():
    with pytest.raises(ValueError, match=r"n_features must be >= 1, got 0"):
        Perceptron(0)
    with pytest.raises(ValueError, match=r"lr must be a finite number > 0, got 0\.0"):
        Perceptron(2, lr=0.0)
    p = Perceptron(2, seed=0)
    w0 = p.w.copy()
    with pytest.raises(ValueError, match=r"y must hold labels 0 and 1, got 2"):
        p.fit(X, np.array([0, 1, 2, 0]))
    with pytest.raises(ValueError, match=r"y must hold labels 0 and 1, got -1"):
        p.fit(X, np.array([0, 1, -1, 0]))
    with pytest.raises(ValueError, match=r"len\(y\) must equal len\(X\) = 4 .*got 2"):
        p.fit(X, np.array([0, 1]))
    for call in (lambda a: p.fit(a, np.array([0, 1, 0, 1])), p.predict, p.decision_function):
        with pytest.raises(ValueError, match=r"X must have 2 columns \(n_features\), got 3"):
            call(np.ones((4, 3)))
    with pytest.raises(ValueError, match=r"epochs must be >= 1, got 0"):
        p.fit(X, np.array([0, 1, 0, 1]), epochs=0)
    with pytest.raises(ValueError, match=r"x must have 2 entries, got 3"):
        p.update(np.ones(3), 1)
    with pytest.raises(ValueError, match=r"y must be 0 or 1, got 2"):
        p.update(np.ones(2), 2)
    with pytest.raises(ValueError, match=r"y must hold labels 0 and 1, got 0\.5"):
        p.fit(X, np.array([0, 1, 0.5, 0]))
    # nothing was learned by the failed calls
    assert np.array_equal(p.w, w0) and p.b == 0.0 and p.mistakes == []


def test_gradient_check_arguments():
    with pytest.raises(ValueError, match=r"eps must be a finite number > 0, got 0\.0"):
        gradient_check(net(), X, Y_REG, eps=0.0)
    with pytest.raises(ValueError, match=r"dropout must be in \[0\.0, 1\.0\), got 1\.0"):
        gradient_check(net(), X, Y_REG, dropout=1.0)


@pytest.mark.parametrize(("bad", "kind"), [(None, "NoneType"), ("net", "str"), ([net()], "list")])
def test_gradient_check_needs_a_network(bad, kind):
    with pytest.raises(TypeError, match=rf"net must be an MLP, got {kind}$"):
        gradient_check(bad, X, Y_REG)
    with pytest.raises(TypeError, match=rf"net must be an MLP, got {kind}$"):
        gradient_check_layers(bad, X, Y_REG)


def test_r2_score_of_a_constant_target_is_undefined():
    with pytest.raises(ValueError, match=r"y_true must not be constant .*got every value "
                                         r"equal to 2"):
        r2_score(np.full(5, 2.0), np.arange(5.0))
    with pytest.raises(ValueError, match=r"y_true and y_pred must have the same shape"):
        r2_score(np.arange(3.0), np.arange(4.0))
    assert r2_score(np.arange(4.0), np.arange(4.0)) == 1.0

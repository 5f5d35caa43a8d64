"""The metrics (accuracy, predict_classes, r2_score, confusion_counts) on hand-known scores.

Each metric has a network form, ``accuracy(net, X, y, loss)``, and scikit-learn's form on
arrays, true values first: ``accuracy_score(y_true, y_pred)`` (or ``accuracy(y_true,
y_pred)``), ``predict_classes(scores, loss)``, ``r2_score(y_true, y_pred)``; the confusion
matrix ``confusion_counts(y_true, y_pred, n_classes)`` is on arrays only.
"""

import re

import numpy as np
import pytest

from mlp_core import MLP, accuracy, accuracy_score, confusion_counts, predict_classes, r2_score


def score_net(n_outputs):
    """Return a net with one input whose scores are ŷ_k = (k + 1) x − k (ReLU hidden layer of 1).

    With x >= 0 the hidden unit passes x on unchanged, so the scores are exact by hand.
    """
    net = MLP([1, 1, n_outputs], seed=0)
    k = np.arange(n_outputs, dtype=float)
    net.set_parameters([np.array([[1.0]]), (k + 1)[:, None]], [np.zeros(1), -k])
    return net


X = np.array([[0.0], [0.4], [0.6], [2.0]])


def test_binary_cross_entropy_reads_class_1_where_the_score_is_positive():
    net = score_net(1)  # ŷ = x
    X_signed = np.array([[0.0], [1e-9], [3.0]])
    assert predict_classes(net, X_signed, "binary_cross_entropy").tolist() == [0, 1, 1]


def test_mse_reads_class_1_where_the_score_is_above_one_half():
    net = score_net(1)  # ŷ = x
    assert predict_classes(net, X, "mse").tolist() == [0, 0, 1, 1]
    assert accuracy(net, X, [0, 1, 1, 1], "mse") == 0.75
    assert accuracy(net, X, np.array([[0.0], [0.0], [1.0], [1.0]]), "mse") == 1.0


def test_cross_entropy_takes_the_largest_score():
    net = score_net(3)  # ŷ = (x, 2x − 1, 3x − 2): largest is 0 below x = 1, then 2
    assert predict_classes(net, X, "cross_entropy").tolist() == [0, 0, 0, 2]
    assert accuracy(net, X, [0, 1, 0, 2], "cross_entropy") == 0.75
    assert isinstance(accuracy(net, X, [0, 0, 0, 2], "cross_entropy"), float)


def test_accuracy_agrees_with_a_trained_network_on_its_own_predictions():
    from mlp_core import fit
    from mlp_core.data import make_moons

    X_m, y_m = make_moons(n=80, noise=0.2, seed=1)
    net = MLP([2, 16, 1], seed=0)
    fit(net, X_m, y_m, loss="binary_cross_entropy", lr=0.5, epochs=200, seed=0, progress=False)
    by_hand = np.mean((net.predict(X_m)[:, 0] > 0) == (y_m == 1))
    assert accuracy(net, X_m, y_m, "binary_cross_entropy") == pytest.approx(by_hand)
    assert by_hand > 0.8  # it learned something, so the comparison is not 0 == 0


@pytest.mark.parametrize(("n_outputs", "loss", "message"), [
    (1, "cross_entropy", "loss 'cross_entropy' need at least 2 output units, got 1"),
    (3, "mse", r"loss 'mse' need exactly 1 output unit \(class 1 where ŷ > 0.5\), got 3"),
    (2, "binary_cross_entropy", "need exactly 1 output unit .* got 2"),
    (1, "hinge", r"loss must be one of \['binary_cross_entropy', 'cross_entropy', 'mse'\]"),
])
def test_the_loss_must_fit_the_outputs(n_outputs, loss, message):
    with pytest.raises(ValueError, match=message):
        accuracy(score_net(n_outputs), X, [0, 0, 0, 0], loss)
    with pytest.raises(ValueError, match=message):
        predict_classes(score_net(n_outputs), X, loss)


def test_accuracy_refuses_bad_labels_and_inputs():
    net = score_net(1)
    with pytest.raises(ValueError, match="y labels must be in 0..1 .* got 2"):
        accuracy(net, X, [0, 1, 2, 1], "binary_cross_entropy")
    with pytest.raises(ValueError, match="integer class labels .* got 0.5"):
        accuracy(net, X, [0, 0.5, 1, 1], "mse")
    with pytest.raises(ValueError, match=r"len\(y\) must equal len\(X\) = 4 .*got 3"):
        accuracy(net, X, [0, 1, 1], "mse")
    with pytest.raises(ValueError, match="X must have 1 column"):
        accuracy(net, np.ones((4, 2)), [0, 1, 1, 1], "mse")
    with pytest.raises(TypeError, match="net must be an MLP, got list"):
        accuracy([net], X, [0, 1, 1, 1], "mse")


def test_a_diverged_network_predicts_no_class():
    # float32 overflow: both hidden units reach inf, and the output inf − inf is NaN
    net = MLP([1, 2, 1], seed=0, dtype=np.float32)
    net.set_parameters([np.array([[1e30], [1e30]]), np.array([[1.0, -1.0]])],
                       [np.zeros(2), np.zeros(1)])
    X_big = np.array([[1e10], [0.0], [1e10]])
    # NaN read as class 0 would score 1.0 here
    assert np.isnan(accuracy(net, X_big, [0, 0, 0], "binary_cross_entropy"))
    with pytest.raises(ValueError, match="NaN or infinite scores for 2 of 3 rows of X"):
        predict_classes(net, X_big, "binary_cross_entropy")
    assert accuracy(net, X_big[1:2], [0], "binary_cross_entropy") == 1.0  # ŷ = 0: class 0


def test_r2_score_by_hand():
    y = np.array([1.0, 2.0, 3.0, 4.0])  # mean 2.5, Σ(y − ȳ)² = 5
    assert r2_score(y, y) == 1.0
    assert r2_score(y, np.full(4, 2.5)) == 0.0
    assert r2_score(y, y + 1.0) == pytest.approx(1 - 4 / 5)


def test_r2_score_takes_a_column_of_predictions_and_averages_several_outputs():
    y = np.array([1.0, 2.0, 3.0, 4.0])
    assert r2_score(y, (y + 1.0)[:, None]) == pytest.approx(1 - 4 / 5)  # net.predict's (n, 1)
    assert r2_score(y[:, None], y + 1.0) == pytest.approx(1 - 4 / 5)
    # two outputs: R² of each (1 and 1 - 4/5), averaged as scikit-learn does by default
    Y = np.column_stack([y, 10 * y])
    assert r2_score(Y, np.column_stack([y, 10 * y + 10.0])) == pytest.approx((1 + 1 / 5) / 2)
    with pytest.raises(ValueError, match=r"y_true and y_pred must have the same shape, got "
                                         r"\(4, 2\) and \(4, 1\)"):
        r2_score(Y, y[:, None])


# --- scikit-learn's form: true labels first, predictions second --------------------------------

def test_accuracy_score_by_hand_in_scikit_learns_order():
    assert accuracy_score([0, 1, 1, 2], [0, 1, 2, 2]) == 0.75
    assert accuracy_score(np.array([[0], [1], [1], [2]]), [0, 1, 2, 2]) == 0.75  # a column
    assert accuracy_score([-1, 1, 1], [1, 1, 1]) == pytest.approx(2 / 3)  # ±1 labels work
    assert accuracy_score([0.0, 1.0], [True, True]) == 0.5
    assert isinstance(accuracy_score([0, 1], [0, 1]), float)


def test_accuracy_with_two_arguments_is_accuracy_score():
    y_true, y_pred = [0, 1, 1, 2], np.array([0, 1, 2, 2])
    assert accuracy(y_true, y_pred) == accuracy_score(y_true, y_pred) == 0.75


def test_predict_classes_of_scores_reads_them_as_the_network_form_does():
    # the same numbers whether the network runs inside predict_classes or before it
    for n_outputs, loss in [(3, "cross_entropy"), (1, "binary_cross_entropy"), (1, "mse")]:
        net = score_net(n_outputs)
        scores = net.predict(X)
        expected = predict_classes(net, X, loss)
        assert predict_classes(scores, loss).tolist() == expected.tolist()
        assert predict_classes(scores, loss=loss).tolist() == expected.tolist()
    # several columns need no loss: the largest score wins
    assert predict_classes([[0.1, 2.0, -1.0], [3.0, 0.0, 0.0]]).tolist() == [1, 0]
    # one output given as a 1-D vector
    assert predict_classes(np.array([-0.2, 0.3, 0.7]), "mse").tolist() == [0, 0, 1]
    assert predict_classes(np.array([-0.2, 0.3, 0.7]), "binary_cross_entropy").tolist() == [
        0, 1, 1]


def test_both_forms_compose_into_the_network_accuracy():
    net = score_net(3)
    y = [0, 1, 0, 2]
    assert accuracy(y, predict_classes(net.predict(X), "cross_entropy")) == accuracy(
        net, X, y, "cross_entropy")


# --- mix-ups between the two forms get a message that says which form is which ----------------

def test_scores_or_probabilities_given_as_predicted_labels_are_refused():
    scores = score_net(3).predict(X)
    with pytest.raises(ValueError, match=r"y_pred must be class labels of shape \(n_samples,\), "
                                         r"got shape \(4, 3\).*predict_classes\(scores"):
        accuracy([0, 1, 0, 2], scores)
    with pytest.raises(ValueError, match=r"y_pred must hold class labels \(whole numbers\), "
                                         r"got 0\.73 at index 1.*predict_classes\(scores, loss\)"):
        accuracy_score([0, 1, 1], [0.0, 0.73, 1.0])
    with pytest.raises(ValueError, match=r"y_true and y_pred must have the same length \(one "
                                         r"label per sample\), got 3 and 2"):
        accuracy_score([0, 1, 1], [0, 1])


def test_a_network_in_the_wrong_place_is_named():
    net = score_net(1)
    with pytest.raises(TypeError, match=r"net must be the first argument of accuracy\(net, X, "
                                        r"y, loss\), got an MLP as argument 2"):
        accuracy(X, net, [0, 1, 1, 1], "mse")
    with pytest.raises(TypeError, match=r"net must be the first argument of accuracy\(net, X, "
                                        r"y, loss\), got an MLP as argument 3"):
        accuracy(X, [0, 1, 1, 1], net, "mse")
    with pytest.raises(TypeError, match=r"net must be the first argument of predict_classes\("
                                        r"net, X, loss\), got an MLP as argument 2"):
        predict_classes(X, net, "mse")
    with pytest.raises(TypeError, match=r"y_true must be class labels, got an MLP.*"
                                        r"accuracy\(net, X, y, loss\)"):
        accuracy_score(net, X)
    with pytest.raises(TypeError, match=r"y_true must be an array of true values, got an MLP.*"
                                        r"r2_score\(y, net.predict\(X\)\)"):
        r2_score(net, X)


def test_three_arguments_without_a_network_first_name_both_forms():
    with pytest.raises(TypeError, match=r"net must be an MLP, got list: accuracy takes "
                                        r"\(net, X, y, loss\), or \(y_true, y_pred\)"):
        accuracy([0, 1], [0, 1], "cross_entropy")
    with pytest.raises(TypeError, match=r"net must be an MLP, got ndarray: predict_classes takes "
                                        r"\(net, X, loss\), or \(scores, loss\)"):
        predict_classes(X, X, "mse")


def test_the_network_form_needs_every_argument():
    net = score_net(1)
    with pytest.raises(TypeError, match=r"accuracy\(net, X, y, loss\) needs loss \(the loss the "
                                        r"network was trained with: 'cross_entropy', .*got None"):
        accuracy(net, X, [0, 1, 1, 1])
    with pytest.raises(TypeError, match=r"accuracy\(net, X, y, loss\) needs y \(the true "
                                        r"labels\) and loss \(the loss"):
        accuracy(net, X)
    with pytest.raises(TypeError, match=r"predict_classes\(net, X, loss\) needs loss \(the"):
        predict_classes(net, X)
    with pytest.raises(TypeError, match=r"predict_classes\(net, X, loss\) needs X \(the inputs\),"
                                        r" got None"):
        predict_classes(net, loss="mse")


def test_one_column_of_scores_needs_the_loss_to_choose_the_threshold():
    with pytest.raises(ValueError, match=r"loss must be given for scores with one column: "
                                         r"'binary_cross_entropy' \(class 1 where the score > 0\) "
                                         r"or 'mse' \(class 1 where the score > 0\.5\)"):
        predict_classes(np.array([[0.2], [0.7]]))
    with pytest.raises(ValueError, match=r"classes from loss 'cross_entropy' need at least 2 "
                                         r"output units, got 1"):
        predict_classes(np.array([[0.2], [0.7]]), "cross_entropy")
    with pytest.raises(ValueError, match=r"classes from loss 'mse' need exactly 1 output unit "
                                         r".*got 3"):
        predict_classes(np.zeros((2, 3)), "mse")
    with pytest.raises(ValueError, match=r"scores must contain only finite numbers, got nan"):
        predict_classes(np.array([[np.nan, 1.0]]))


# --- confusion_counts -----------------------------------------------------------------------

def test_confusion_counts_by_hand():
    # true 0 0 1 1 1, predicted 0 1 1 1 0: one 0 right, one 0 taken for 1, two 1 right, one
    # 1 taken for 0
    np.testing.assert_array_equal(confusion_counts([0, 0, 1, 1, 1], [0, 1, 1, 1, 0]),
                                  [[1, 1], [1, 2]])
    counts = confusion_counts(np.array([[2], [0], [1], [2]]), [2, 2, 1, 0], n_classes=3)
    np.testing.assert_array_equal(counts, [[0, 0, 1], [0, 1, 0], [1, 0, 1]])
    assert counts.dtype.kind == "i"
    # a class nobody has still gets its row and column
    np.testing.assert_array_equal(confusion_counts([True, True], [1, 0], n_classes=3),
                                  [[0, 0, 0], [1, 1, 0], [0, 0, 0]])


def test_confusion_counts_diagonal_is_the_accuracy_of_a_network():
    net = score_net(3)  # classes by the largest of x, 2x − 1, 3x − 2
    y = np.array([0, 1, 2, 2])
    counts = confusion_counts(y, predict_classes(net, X, "cross_entropy"), n_classes=3)
    assert counts.sum() == len(y)
    assert np.trace(counts) / counts.sum() == accuracy(net, X, y, "cross_entropy")


@pytest.mark.parametrize("args, kwargs, error, words", [
    (([0, 1, 2], [0, 1, 1]), {}, ValueError, "y_true must hold class labels in [0, 1]"),
    (([0, 1], [0, -1]), {}, ValueError, "y_pred must hold class labels in [0, 1]"),
    (([0, 1], [0, 0.5]), {}, ValueError, "y_pred must hold class labels (whole numbers)"),
    (([0, 1], [0, 1, 1]), {}, ValueError, "same length"),
    (([0, 1], [0, 1]), {"n_classes": 0}, ValueError, "n_classes must be >= 1, got 0"),
    (([0, 1], [0, 1]), {"n_classes": 2.0}, TypeError, "n_classes must be an integer"),
])
def test_confusion_counts_refuses_labels_outside_the_classes(args, kwargs, error, words):
    with pytest.raises(error, match=re.escape(words)):
        confusion_counts(*args, **kwargs)

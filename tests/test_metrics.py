"""accuracy, predict_classes and r2_score on networks whose scores are known by hand."""

import numpy as np
import pytest

from mlp_core import MLP, accuracy, predict_classes, r2_score


def score_net(n_outputs):
    """A net with one input whose scores are ŷ_k = (k + 1) x − k (ReLU hidden layer of 1).

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

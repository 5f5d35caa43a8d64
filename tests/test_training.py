"""Training by mini-batch SGD (lecture §4.5) with early stopping (§4.6.1): ``mlp_core.fit``."""

import html
import importlib
import sys
import time
import types
import warnings

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from mlp_core import MLP, History, TrainingDivergedError, fit, sgd_step, train_one_epoch
from mlp_core.data import make_moons


def snapshot(net):
    """Return a copy of all parameters, W^(1).. then b^(1)..."""
    W, b = net.get_parameters()
    return W + b


def same_parameters(net, params):
    return all(np.array_equal(a, b) for a, b in zip(net.weights + net.biases, params))


def recording_callback(net, store):
    """Return a callback that copies the parameters after every epoch into store[epoch]."""

    def callback(epoch, history):
        store[epoch] = snapshot(net)

    return callback


def regression_data(seed=0, n=64):
    rng = np.random.default_rng(seed)
    X = rng.uniform(-1, 1, (n, 2))
    y = X @ np.array([1.0, -2.0]) + 0.5
    return X, y


def hand_net():
    """Return the 2-2-1 ReLU network worked out by hand in test_network.py."""
    net = MLP([2, 2, 1], activation="relu")
    net.set_parameters(
        [np.array([[1.0, -1.0], [2.0, 0.5]]), np.array([[1.0, -2.0]])],
        [np.array([0.0, -1.0]), np.array([0.5])],
    )
    return net


HAND_X = np.array([[1.0, 2.0], [3.0, -1.0]])
HAND_Y = np.array([-3.0, -5.0])


# --- the update rule --------------------------------------------------------------------------

def test_one_full_batch_epoch_is_one_gradient_step_by_hand():
    # With λ = 0.1 the hand-computed gradients (test_network.py) are
    #   ∂J/∂W1 = [[0.85, -0.35], [-0.8, 1.55]], ∂J/∂b1 = (0.25, 0),
    #   ∂J/∂W2 = [[1.1, 0.425]],                ∂J/∂b2 = 0.
    # One step W ← W − η ∂J/∂W with η = 0.1:
    net = hand_net()
    fit(net, HAND_X, HAND_Y, loss="mse", lr=0.1, epochs=1, lam=0.1, progress=False)
    assert_allclose(net.weights[0], [[0.915, -0.965], [2.08, 0.345]], rtol=1e-14)
    assert_allclose(net.biases[0], [-0.025, -1.0], rtol=1e-14)
    assert_allclose(net.weights[1], [[0.89, -2.0425]], rtol=1e-14)
    assert_allclose(net.biases[1], [0.5], rtol=1e-14)


def full_batch_gradient(net, X, y, lam, loss="mse"):
    grads = net.backward(net.forward(X), y, loss=loss, lam=lam)
    return grads.weights + grads.biases


def test_batch_size_none_is_full_batch_gradient_descent():
    X, y = regression_data()
    net = MLP([2, 5, 1], activation="tanh", seed=0)
    expected = [p - 0.05 * g for p, g in zip(snapshot(net), full_batch_gradient(net, X, y, 0.01))]
    fit(net, X, y, loss="mse", lr=0.05, epochs=1, lam=0.01, batch_size=None, seed=3,
        progress=False)
    for p, e in zip(net.weights + net.biases, expected):
        assert_allclose(p, e, rtol=1e-12, atol=1e-15)


def test_batch_size_at_least_n_equals_full_batch():
    X, y = regression_data(n=20)
    a, b = MLP([2, 5, 1], seed=0), MLP([2, 5, 1], seed=0)
    fit(a, X, y, loss="mse", lr=0.05, epochs=3, batch_size=None, seed=1, progress=False)
    fit(b, X, y, loss="mse", lr=0.05, epochs=3, batch_size=500, seed=1, progress=False)
    for p, q in zip(a.weights + a.biases, b.weights + b.biases):
        assert_allclose(p, q, rtol=1e-12, atol=1e-15)  # only the summation order differs


def test_mini_batches_make_several_updates_per_epoch():
    X, y = regression_data(n=20)
    full, mini = MLP([2, 5, 1], seed=0), MLP([2, 5, 1], seed=0)
    fit(full, X, y, loss="mse", lr=0.05, epochs=1, seed=1, progress=False)
    fit(mini, X, y, loss="mse", lr=0.05, epochs=1, batch_size=5, seed=1, progress=False)
    assert not np.allclose(full.weights[0], mini.weights[0])


def test_momentum_zero_is_plain_sgd_and_momentum_follows_its_rule():
    X, y = regression_data(n=16)
    lr, mu, lam = 0.05, 0.9, 0.01
    start = MLP([2, 4, 1], activation="tanh", seed=2)
    # By hand, full batch: v1 = −η g(θ0), θ1 = θ0 + v1; v2 = μ v1 − η g(θ1), θ2 = θ1 + v2.
    probe = MLP([2, 4, 1], activation="tanh")
    theta0 = snapshot(start)
    probe.set_parameters(theta0[:2], theta0[2:])
    v1 = [-lr * g for g in full_batch_gradient(probe, X, y, lam)]
    theta1 = [p + v for p, v in zip(theta0, v1)]
    probe.set_parameters(theta1[:2], theta1[2:])
    g1 = full_batch_gradient(probe, X, y, lam)
    with_momentum = [p + mu * v - lr * g for p, v, g in zip(theta1, v1, g1)]
    plain = [p - lr * g for p, g in zip(theta1, g1)]

    for momentum, expected in ((mu, with_momentum), (0.0, plain)):
        net = MLP([2, 4, 1], activation="tanh", seed=2)
        fit(net, X, y, loss="mse", lr=lr, epochs=2, lam=lam, momentum=momentum, progress=False)
        for p, e in zip(net.weights + net.biases, expected):
            assert_allclose(p, e, rtol=1e-12, atol=1e-15)
    assert not np.allclose(with_momentum[0], plain[0])


# --- learning ---------------------------------------------------------------------------------

def test_training_loss_decreases_on_a_simple_regression():
    X, y = regression_data()
    net = MLP([2, 8, 1], activation="tanh", seed=0)
    history = fit(net, X, y, loss="mse", lr=0.1, epochs=100, batch_size=16, seed=0,
                  progress=False)
    assert history.train_loss[-1] < 0.05 * history.train_loss[0]
    assert net.loss(X, y, loss="mse") == pytest.approx(history.train_loss[-1], rel=1e-12)


def test_classifier_learns_separable_blobs():
    rng = np.random.default_rng(0)
    X = np.vstack([rng.normal(-2, 0.5, (30, 2)), rng.normal(2, 0.5, (30, 2))])
    y = np.repeat([0, 1], 30)
    for loss, n_out in (("cross_entropy", 2), ("binary_cross_entropy", 1)):
        net = MLP([2, 6, n_out], seed=1)
        history = fit(net, X, y, loss=loss, lr=0.2, epochs=30, batch_size=10, seed=2,
                      progress=False)
        scores = net.predict(X)
        predicted = scores.argmax(axis=1) if n_out == 2 else (scores[:, 0] > 0).astype(int)
        assert np.all(predicted == y), loss
        assert history.train_loss[-1] < history.train_loss[0]


# --- history ----------------------------------------------------------------------------------

def test_history_fields():
    X, y = regression_data(seed=1, n=40)
    X_val, y_val = regression_data(seed=2, n=20)
    lam = 0.05
    net = MLP([2, 6, 1], activation="tanh", seed=0)
    seen = []

    def callback(epoch, history):
        # Recompute, after this epoch, what History must hold:
        #   train_loss = (1/n) Σ l on the whole training set, no penalty, no dropout;
        #   objective  = train_loss + λ/2 Σ ‖W‖² (Eq. 16);  val_loss likewise on validation.
        assert len(history.train_loss) == epoch
        penalty = lam / 2 * sum(float(np.sum(W**2)) for W in net.weights)
        assert history.train_loss[-1] == pytest.approx(net.loss(X, y, loss="mse"), rel=1e-12)
        assert history.objective[-1] == pytest.approx(history.train_loss[-1] + penalty, rel=1e-12)
        assert history.val_loss[-1] == pytest.approx(
            net.loss(X_val, y_val, loss="mse"), rel=1e-12
        )
        seen.append(epoch)

    history = fit(net, X, y, loss="mse", lr=0.05, epochs=6, batch_size=8, lam=lam,
                  dropout=0.2, validation=(X_val, y_val), seed=0, callback=callback,
                  progress=False)
    assert isinstance(history, History)
    assert seen == [1, 2, 3, 4, 5, 6]
    assert history.epochs == [1, 2, 3, 4, 5, 6]
    assert len(history.train_loss) == len(history.val_loss) == len(history.objective) == 6
    assert history.stopped_epoch == 6
    assert history.stopped_early is False
    assert history.best_epoch == int(np.argmin(history.val_loss)) + 1
    assert history.generalization_gap == history.val_loss[-1] - history.train_loss[-1]


def test_history_without_validation():
    X, y = regression_data(n=10)
    history = fit(MLP([2, 3, 1], seed=0), X, y, loss="mse", lr=0.01, epochs=2, progress=False)
    assert history.val_loss == []
    assert history.best_epoch is None
    assert history.generalization_gap is None
    assert history.stopped_epoch == 2


def test_callback_returning_true_stops_training():
    X, y = regression_data(n=10)
    calls = []

    def stop_at_three(epoch, history):
        calls.append(epoch)
        return epoch == 3

    history = fit(MLP([2, 3, 1], seed=0), X, y, loss="mse", lr=0.01, epochs=10,
                  callback=stop_at_three, progress=False)
    assert calls == [1, 2, 3]
    assert history.stopped_epoch == 3
    assert len(history.train_loss) == 3
    assert history.stopped_early is True

    # Stopping in the last epoch is not "early".
    history = fit(MLP([2, 3, 1], seed=0), X, y, loss="mse", lr=0.01, epochs=3,
                  callback=stop_at_three, progress=False)
    assert history.stopped_epoch == 3
    assert history.stopped_early is False


def test_history_repr_is_one_short_line():
    # print(history) used to dump every per-epoch loss (issue 14, item 7)
    X, y = regression_data(seed=1, n=40)
    history = fit(MLP([2, 6, 1], activation="tanh", seed=0), X, y, loss="mse", lr=0.05,
                  epochs=200, batch_size=8, validation=regression_data(seed=2, n=20), seed=0,
                  progress=False)
    assert repr(history) == (
        f"History(epochs=200, train_loss={history.train_loss[-1]:.4g}, "
        f"val_loss={history.val_loss[-1]:.4g}, best_epoch={history.best_epoch})"
    )
    assert str(history) == repr(history) and len(repr(history)) < 100
    assert repr(History()) == "History(epochs=0)"
    without_validation = fit(MLP([2, 3, 1], seed=0), X, y, loss="mse", lr=0.01, epochs=2,
                             progress=False)
    assert repr(without_validation) == (
        f"History(epochs=2, train_loss={without_validation.train_loss[-1]:.4g})")
    stopped = History(train_loss=[0.5, 0.4], val_loss=[0.6, 0.7], objective=[0.5, 0.4],
                      best_epoch=1, stopped_epoch=2, stopped_early=True)
    assert repr(stopped) == ("History(epochs=2, train_loss=0.4, val_loss=0.7, best_epoch=1, "
                             "stopped_early=True)")
    stopped.stopped_early, stopped.interrupted = False, True
    assert repr(stopped).endswith("best_epoch=1, interrupted=True)")


# --- early stopping through fit ---------------------------------------------------------------

def overfitting_problem():
    """Return training targets y = x and validation targets y = x / 2.

    Starting from small outputs, the network first moves towards x / 2 (validation loss
    falls), then past it towards x (validation loss rises), so early stopping must end the
    run after a best epoch > 1.
    """
    rng = np.random.default_rng(5)
    X = rng.uniform(-1, 1, (32, 1))
    X_val = rng.uniform(-1, 1, (16, 1))
    return X, X[:, 0], X_val, 0.5 * X_val[:, 0]


@pytest.mark.parametrize("restore_best", [True, False])
def test_fit_early_stopping_stops_patience_epochs_after_the_best(restore_best):
    X, y, X_val, y_val = overfitting_problem()
    net = MLP([1, 8, 1], activation="tanh", seed=1)
    params = {0: snapshot(net)}
    patience = 4
    history = fit(net, X, y, loss="mse", lr=0.05, epochs=200, batch_size=8,
                  validation=(X_val, y_val), patience=patience, restore_best=restore_best,
                  seed=1, callback=recording_callback(net, params), progress=False)
    assert history.stopped_early is True
    assert history.best_epoch > 1  # the validation loss fell first (see overfitting_problem)
    assert history.stopped_epoch == history.best_epoch + patience
    # The best epoch has the lowest validation loss; the `patience` epochs after it do not
    # beat it (min_delta = 0).
    best = history.val_loss[history.best_epoch - 1]
    assert best == min(history.val_loss)
    assert all(v > best for v in history.val_loss[history.best_epoch:])
    best_epoch, last_epoch = history.best_epoch, history.stopped_epoch
    kept, other = (best_epoch, last_epoch) if restore_best else (last_epoch, best_epoch)
    assert same_parameters(net, params[kept])
    assert not same_parameters(net, params[other])


def test_fit_early_stopping_min_delta_counts_small_improvements_as_none():
    # With a min_delta larger than any possible improvement, only the first epoch improves
    # (on +inf), so the run stops at epoch 1 + patience although the loss keeps falling.
    X, y = regression_data(n=32)
    X_val, y_val = regression_data(seed=9, n=16)
    net = MLP([2, 6, 1], activation="tanh", seed=0)
    params = {}
    history = fit(net, X, y, loss="mse", lr=0.05, epochs=50, validation=(X_val, y_val),
                  patience=3, min_delta=1e6, seed=0, callback=recording_callback(net, params),
                  progress=False)
    assert history.val_loss[3] < history.val_loss[0]  # it did improve, by less than min_delta
    assert history.best_epoch == 1
    assert history.stopped_epoch == 4
    assert history.stopped_early is True
    assert same_parameters(net, params[1])  # restore_best defaults to True


def test_best_epoch_follows_min_delta_with_patience_and_argmin_without():
    # History.best_epoch: with patience, the last epoch that improved by at least min_delta
    # (what the callback sees too, every epoch); without patience, argmin(val_loss) + 1.
    X, y = regression_data(n=32)
    X_val, y_val = regression_data(seed=9, n=16)
    seen = []

    def callback(epoch, history):
        seen.append(history.best_epoch)

    history = fit(MLP([2, 6, 1], activation="tanh", seed=0), X, y, loss="mse", lr=0.05,
                  epochs=50, validation=(X_val, y_val), patience=3, min_delta=1e6, seed=0,
                  callback=callback, progress=False)
    assert int(np.argmin(history.val_loss)) + 1 > 1  # the argmin would be a later epoch
    assert seen == [1, 1, 1, 1] and history.best_epoch == 1
    seen.clear()
    history = fit(MLP([2, 6, 1], activation="tanh", seed=0), X, y, loss="mse", lr=0.05,
                  epochs=6, validation=(X_val, y_val), seed=0, callback=callback,
                  progress=False)
    assert seen == [int(np.argmin(history.val_loss[:k])) + 1 for k in range(1, 7)]
    assert history.best_epoch == int(np.argmin(history.val_loss)) + 1


def test_min_delta_without_patience_is_refused():
    X, y = regression_data(n=10)
    with pytest.raises(ValueError, match=r"min_delta=0\.01 needs patience \(early stopping\) "
                                         r"to apply to, got None"):
        fit(MLP([2, 3, 1], seed=0), X, y, loss="mse", lr=0.1, epochs=1, min_delta=0.01,
            validation=regression_data(seed=1, n=5))


def test_history_and_the_error_live_with_fit():
    import mlp_core
    import mlp_core.training

    for name in ("History", "TrainingDivergedError", "TrainingInterrupted", "ScaleWarning",
                 "fit", "train_one_epoch", "sgd_step"):
        assert getattr(mlp_core, name) is getattr(mlp_core.training, name)
    for gone in ("history", "progress", "threads"):  # folded into mlp_core.training
        with pytest.raises(ModuleNotFoundError):
            importlib.import_module(f"mlp_core.{gone}")


# --- inputs that are not standardized: one clear warning ----------------------------------------

def test_raw_concrete_warns_once_pointing_to_the_standardizer():
    # Concrete's raw columns (kg per m³ from about 6 to 975, days up to 365) give a loss of
    # 1e24 in the first epoch; fit now says why, once, before training (issue 14, item 7)
    from mlp_core.data import load_concrete
    from mlp_core.training import ScaleWarning

    assert issubclass(ScaleWarning, UserWarning)
    ds = load_concrete()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with pytest.raises(TrainingDivergedError):
            fit(MLP([8, 16, 1], seed=0), ds.X, ds.y, loss="mse", lr=0.01, epochs=5,
                batch_size=32, seed=0, progress=False)
    scale = [w for w in caught if issubclass(w.category, ScaleWarning)]
    assert len(scale) == 1 and len(caught) == 1  # once per fit, and nothing else
    message = str(scale[0].message)
    assert "mlp_core.data.Standardizer" in message and "column" in message
    assert scale[0].filename == __file__  # it points at the fit call


@pytest.mark.parametrize(("X", "warns"), [
    # columns' root mean squares: 0.6 and 87 (145 times apart); 0.6 and 0.003 (200 times);
    # both 1000 (alike, but far above 1); 0.6 and 29 (48 times apart, no warning)
    (np.column_stack([np.linspace(-1, 1, 20), np.linspace(0, 150, 20)]), True),
    (np.column_stack([np.linspace(-1, 1, 20), np.linspace(0, 0.005, 20)]), True),
    (np.column_stack([np.linspace(900, 1100, 20), np.linspace(1100, 900, 20)]), True),
    (np.column_stack([np.linspace(-1, 1, 20), np.linspace(0, 50, 20)]), False),
    (np.column_stack([np.linspace(-1, 1, 20), np.zeros(20)]), False),  # a constant 0 column
    (np.column_stack([np.linspace(-1, 1, 20), np.full(20, 1e-12)]), False),  # rounding noise
])
def test_the_scale_rule(X, warns):
    from mlp_core.training import ScaleWarning

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fit(MLP([2, 3, 1], seed=0), X, np.zeros(20), loss="mse", lr=1e-4, epochs=1,
            progress=False)
    assert [w.category for w in caught] == ([ScaleWarning] if warns else [])


def test_the_kits_standardized_data_does_not_warn(monkeypatch):
    # The notebooks' runs (HEALTHY_RUNS, below) and the recipes train on standardized or
    # toy data: none of them may warn (make test turns a warning into an error).
    import mlp_core.recipes
    from mlp_core.training import ScaleWarning

    for recipe in ("CONCRETE", "DIGITS"):  # one epoch is enough to see the inputs
        monkeypatch.setitem(getattr(mlp_core.recipes, recipe), "epochs", 1)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ScaleWarning)
        mlp_core.recipes.concrete_regression()
        mlp_core.recipes.digits_classification()
        for data, _, _ in HEALTHY_RUNS.values():
            X, _, _ = data()
            fit(MLP([X.shape[1], 1], seed=0), X, np.zeros(len(X)), loss="mse", lr=1e-3,
                epochs=1, progress=False)


# --- reproducibility --------------------------------------------------------------------------

def train(init_seed, fit_seed):
    X, y = regression_data(n=40)
    X_val, y_val = regression_data(seed=3, n=10)
    net = MLP([2, 6, 6, 1], activation="relu", seed=init_seed)
    history = fit(net, X, y, loss="mse", lr=0.05, epochs=5, batch_size=8, dropout=0.3,
                  validation=(X_val, y_val), seed=fit_seed, progress=False)
    return net, history


def test_same_seeds_give_identical_weights_and_histories():
    (a, ha), (b, hb) = train(1, 2), train(1, 2)
    assert same_parameters(a, snapshot(b))
    assert ha.train_loss == hb.train_loss
    assert ha.val_loss == hb.val_loss
    assert ha.objective == hb.objective


def test_different_seeds_give_different_results():
    a, ha = train(1, 2)
    b, hb = train(1, 3)  # other shuffling and dropout masks
    c, hc = train(4, 2)  # other initial weights
    assert ha.train_loss != hb.train_loss and not same_parameters(a, snapshot(b))
    assert ha.train_loss != hc.train_loss and not same_parameters(a, snapshot(c))


# --- seeds: refused with a message naming seed, before any work ------------------------------

#: Seeds numpy refuses with a message that does not name the argument (or, for True and 1.5,
#: that it would take without a word), with the error and the message the kit gives instead.
BAD_SEEDS = [
    (-1, ValueError, r"seed must be an integer >= 0 \(or None\), got -1"),
    ("abc", TypeError, r"seed must be None, an integer >= 0 or a numpy.random.Generator, "
                       r"got 'abc'"),
    (1.5, TypeError, r"seed must be None, .*got 1\.5"),
    (True, TypeError, r"seed must be None, .*got True"),
]


@pytest.mark.parametrize(("seed", "error", "pattern"), BAD_SEEDS)
def test_fit_refuses_a_bad_seed_before_any_work_and_opens_no_bar(seed, error, pattern,
                                                                  fake_tqdm):
    X, y = regression_data(n=10)
    net = MLP([2, 3, 1], seed=0)
    before, calls = snapshot(net), []
    with pytest.raises(error, match=pattern):
        fit(net, X, y, loss="mse", lr=0.1, epochs=2, seed=seed, progress=True,
            callback=lambda epoch, history: calls.append(epoch))
    assert calls == [] and same_parameters(net, before)
    assert fake_tqdm == []  # no progress bar was opened (and left open) for a refused call


def seed_entry_points():
    """Every public function that takes a seed, called with everything else valid."""
    from mlp_core import Perceptron, derivative_products, gradient_check, gradient_check_layers
    from mlp_core.data import (
        make_circles,
        make_moons,
        make_spirals,
        make_toy,
        make_xor,
        separable_data,
        train_test_split,
        train_val_test_split,
    )
    from mlp_core.memory import forward_cache_bytes
    from mlp_core.widgets import (
        backprop_panel,
        early_stopping_panel,
        perceptron_learning_panel,
        perceptron_panel,
        regularization_lab,
        training_panel,
        vanishing_panel,
    )

    X, y = regression_data(n=10)
    net = MLP([2, 3, 1], seed=0)
    return {
        "MLP": lambda seed: MLP([2, 3, 1], seed=seed),
        "Perceptron": lambda seed: Perceptron(2, seed=seed),
        "make_moons": lambda seed: make_moons(10, seed=seed),
        "make_circles": lambda seed: make_circles(10, seed=seed),
        "make_xor": lambda seed: make_xor(10, seed=seed),
        "make_spirals": lambda seed: make_spirals(10, seed=seed),
        "make_toy": lambda seed: make_toy("moons", 10, seed=seed),
        "separable_data": lambda seed: separable_data(10, seed=seed),
        "train_test_split": lambda seed: train_test_split(X, y, seed=seed),
        "train_val_test_split": lambda seed: train_val_test_split(X, y, seed=seed),
        "gradient_check": lambda seed: gradient_check(net, X, y, seed=seed),
        "gradient_check_layers": lambda seed: gradient_check_layers(net, X, y, seed=seed),
        "derivative_products": lambda seed: derivative_products("tanh", 1.0, seed=seed),
        "forward_cache_bytes": lambda seed: forward_cache_bytes([2, 3, 1], 4, seed=seed),
        "perceptron_panel": lambda seed: perceptron_panel(seed=seed),
        "perceptron_learning_panel": lambda seed: perceptron_learning_panel(seed=seed),
        "vanishing_panel": lambda seed: vanishing_panel(seed=seed),
        "backprop_panel": lambda seed: backprop_panel(seed=seed),
        "training_panel": lambda seed: training_panel(seed=seed),
        "regularization_lab": lambda seed: regularization_lab(seed=seed),
        "early_stopping_panel": lambda seed: early_stopping_panel(seed=seed),
    }


@pytest.mark.parametrize(("seed", "error", "pattern"), BAD_SEEDS)
def test_every_seeded_entry_point_refuses_a_bad_seed_naming_it(seed, error, pattern):
    # (dropout_panel's seed is its slider's start and has its own rule: 0 .. 20)
    for name, call in seed_entry_points().items():
        with pytest.raises(error, match=pattern):
            call(seed)
            pytest.fail(f"{name} took seed={seed!r}")


def test_a_numpy_integer_or_a_generator_is_a_good_seed():
    X, y = regression_data(n=10)
    runs = [fit(MLP([2, 3, 1], seed=np.int64(1)), X, y, loss="mse", lr=0.1, epochs=2,
                seed=seed, progress=False).train_loss
            for seed in (np.int64(3), 3, np.random.default_rng(3))]
    assert runs[0] == runs[1] == runs[2]


# --- divergence -------------------------------------------------------------------------------

def test_a_growing_loss_is_stopped_long_before_it_overflows_keeping_the_epoch_before():
    # A linear model ŷ = w x + b on x = 1, y = 0, from w = 1, b = 0: each full-batch step
    # multiplies the residual by (1 − 2η) = −2 with η = 1.5, so the loss ½ ŷ² grows 4-fold per
    # epoch: 0.5 · 4^k after epoch k. J_start = 0.5 (the loss of a zero output is 0), so the
    # rule trips once 0.5 · 4^k > 1000 · 0.5, in epoch 5 (512), 500 epochs before an overflow.
    from mlp_core.training import DIVERGENCE_FACTOR

    assert DIVERGENCE_FACTOR == 1000
    X, y = np.ones((4, 1)), np.zeros(4)
    net = MLP([1, 1], activation="identity", seed=0)
    net.set_parameters([np.array([[1.0]])], [np.array([0.0])])
    params = {0: snapshot(net)}
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no numpy warning may escape
        with pytest.raises(TrainingDivergedError) as info:
            fit(net, X, y, loss="mse", lr=1.5, epochs=500,
                callback=recording_callback(net, params), progress=False)
    err = info.value
    assert isinstance(err, FloatingPointError)
    assert err.epoch == 5
    assert f"epoch {err.epoch}" in str(err) and "lr=1.5" in str(err)
    assert "the training objective J rose to 512" in str(err)
    assert err.advice == "Lower the learning rate (lr)." and err.advice in str(err)
    # the weights are those at the end of the previous epoch
    assert same_parameters(net, params[err.epoch - 1])
    # the history holds the epochs before it
    assert err.history.train_loss == pytest.approx([0.5 * 4.0**k for k in range(1, 5)])


def test_divergence_in_the_first_epoch_keeps_the_initial_weights():
    # Residual 1 times (1 − 2η) with η = 1e160: the loss ½ (2e160)² overflows after one step.
    X, y = np.ones((2, 1)), np.zeros(2)
    net = MLP([1, 1], activation="identity")
    net.set_parameters([np.array([[1.0]])], [np.array([0.0])])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(TrainingDivergedError,
                           match=r"epoch 1\b.*NaN or infinite.*Lower the learning rate"):
            fit(net, X, y, loss="mse", lr=1e160, epochs=5, progress=False)
    assert net.weights[0][0, 0] == 1.0 and net.biases[0][0] == 0.0


def test_divergence_in_a_hidden_layer_network_with_validation_and_momentum():
    X, y = regression_data(n=32)
    net = MLP([2, 8, 8, 1], activation="relu", seed=0)
    params = {0: snapshot(net)}
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(TrainingDivergedError, match=r"epoch \d+.*Lower the learning rate"):
            fit(net, X, y, loss="mse", lr=5.0, epochs=300, momentum=0.9, batch_size=8,
                validation=regression_data(seed=7, n=8), seed=0,
                callback=recording_callback(net, params), progress=False)
    last = max(params)
    assert same_parameters(net, params[last])
    assert all(np.all(np.isfinite(p)) for p in net.weights + net.biases)


#: Output units per loss, for the divergence grid below.
N_OUTPUTS = {"mse": 1, "binary_cross_entropy": 1, "cross_entropy": 2}


@pytest.mark.parametrize("loss", list(N_OUTPUTS))
def test_every_loss_is_reported_diverged_at_every_learning_rate_from_10_to_1e6(loss):
    # Issue 10's example is binary cross-entropy at lr=1e3: MLP([2, 32, 32, 1], seed=0) on 200
    # moons, 50 epochs in batches of 16. Its δ^(L+1) = σ(ŷ) − y stays in [−1, 1], so nothing
    # overflows: fit used to return normally with weights of 1e47 (1e5 at lr=10, 1e95 at 1e6).
    X, y = make_moons(n=200, seed=0)
    for lr in [1e1, 1e2, 1e3, 1e4, 1e5, 1e6]:
        net = MLP([2, 32, 32, N_OUTPUTS[loss]], seed=0)
        params = {0: snapshot(net)}
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # no numpy warning may escape
            with pytest.raises(TrainingDivergedError) as info:
                fit(net, X, y, loss=loss, lr=lr, epochs=50, batch_size=16, seed=0,
                    callback=recording_callback(net, params), progress=False)
        err = info.value
        # the last good weights are kept: those of the epoch before, and the History of the
        # good epochs comes with the error
        assert same_parameters(net, params[err.epoch - 1]), lr
        assert len(err.history.train_loss) == err.epoch - 1, lr
        assert all(np.all(np.isfinite(p)) for p in net.weights + net.biases)


def test_the_rule_trips_on_a_rising_objective_or_growing_weights_and_not_below():
    from mlp_core.training import DIVERGENCE_FACTOR, DivergenceCheck

    X, y = make_moons(n=50, seed=0)
    net = MLP([2, 4, 1], seed=0)
    check = DivergenceCheck(net, X, y[:, None].astype(float), "binary_cross_entropy")
    # J at the start is above ln 2, the loss of a network whose output is 0
    J_start = net.loss(X, y, "binary_cross_entropy")
    assert J_start > np.log(2) and check.J_start == J_start
    assert check(net, J_start * 0.999 * DIVERGENCE_FACTOR) is None
    assert "rose to" in check(net, J_start * 1.001 * DIVERGENCE_FACTOR)
    assert "NaN or infinite" in check(net, np.inf)
    assert "NaN or infinite" in check(net, 0.5, val_loss=np.nan)
    norm = np.linalg.norm(net.weights[1])
    net.weights[1] *= 0.999 * DIVERGENCE_FACTOR * max(norm, 1.0) / norm
    assert check(net, J_start) is None
    net.weights[1] *= 1.002
    assert "W^(2) grew" in check(net, J_start)


def test_the_divergence_rule_is_measured_from_the_loss_of_a_zero_output_near_j_0():
    # A network that already fits its data (J ≈ 0) may move: the reference is then the loss
    # of a network whose output is 0, here ½ mean y² = 0.5 (mse), not J_start ≈ 0.
    from mlp_core.training import DivergenceCheck

    X, y = np.ones((4, 1)), np.ones((4, 1))
    net = MLP([1, 1], activation="identity")
    net.set_parameters([np.array([[1.0]])], [np.array([0.0])])  # ŷ = y: J = 0
    assert DivergenceCheck(net, X, y, "mse").J_start == 0.5


def test_a_divergence_caused_by_lam_names_lr_and_lam_and_says_to_lower_lam():
    # lr = 0.1 and λ = 1000: the L2 term alone turns W into (1 − lr·λ) W = −99 W every step
    X, y = make_moons(n=100, seed=0)
    net = MLP([2, 8, 1], seed=0)
    with pytest.raises(TrainingDivergedError) as info:
        fit(net, X, y, loss="binary_cross_entropy", lr=0.1, lam=1000.0, epochs=20,
            batch_size=16, seed=0, progress=False)
    err = info.value
    assert "lr=0.1" in str(err) and "lam=1000" in str(err)
    assert err.advice.startswith("Lower lam") and err.advice in str(err)
    assert "lr·lam = 100" in err.advice and "below 2" in err.advice


def test_a_divergence_with_a_small_lam_says_to_lower_the_learning_rate():
    X, y = regression_data(n=32)
    with pytest.raises(TrainingDivergedError) as info:
        fit(MLP([2, 8, 1], seed=0), X, y, loss="mse", lr=10.0, lam=0.01, epochs=30,
            batch_size=8, seed=0, progress=False)
    err = info.value
    assert "lr=10" in str(err) and "lam=0.01" in str(err)
    assert err.advice.startswith("Lower the learning rate")
    assert "lam=0.01 is not the cause on its own" in err.advice
    with pytest.raises(TrainingDivergedError) as info:
        fit(MLP([2, 8, 1], seed=0), X, y, loss="mse", lr=10.0, epochs=30, batch_size=8,
            seed=0, progress=False)
    assert info.value.advice == "Lower the learning rate (lr)."
    assert "lam" not in str(info.value)


def test_the_panels_note_says_what_the_error_says():
    from mlp_core.widgets.base import diverged_message

    X, y = make_moons(n=200, seed=0)
    with pytest.raises(TrainingDivergedError) as info:
        fit(MLP([2, 32, 32, 1], seed=0), X, y, loss="binary_cross_entropy", lr=1e3,
            epochs=50, batch_size=16, seed=0, progress=False)
    err = info.value
    note = html.unescape(diverged_message(err))
    assert "grew to norm" in err.reason and err.reason in note
    assert err.advice in note and "NaN" not in note


# --- no healthy run trips the divergence rule ---------------------------------------------------

def _moons_06():
    """Notebook 06's data: 200 moons, a stratified quarter held out."""
    from mlp_core.data import train_test_split

    X, y = make_moons(200, seed=0)
    X_train, X_val, y_train, y_val = train_test_split(X, y, test_size=0.25, seed=0,
                                                      stratify=True)
    return X_train, y_train, (X_val, y_val)


def _circles_07():
    """Notebook 07's data: 100 noisy circles, half held out."""
    from mlp_core.data import make_toy, train_val_test_split

    X, y = make_toy("circles", n=100, noise=0.35, seed=0)
    X_train, X_val, _, y_train, y_val, _ = train_val_test_split(
        X, y, val_size=0.5, test_size=0.0, seed=0, stratify=True)
    return X_train, y_train, (X_val, y_val)


def _xor_gates():
    """Neural_Networks: the four XOR inputs."""
    return np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float), np.array([0, 1, 1, 0]), None


def _concrete():
    """Neural_Networks: concrete, log(1 + age), inputs and target standardized."""
    from mlp_core.data import Standardizer, load_concrete, train_val_test_split

    ds = load_concrete()
    X = ds.X.copy()
    X[:, ds.feature_names.index("age")] = np.log1p(X[:, ds.feature_names.index("age")])
    X_tr, X_va, _, y_tr, y_va, _ = train_val_test_split(X, ds.y, val_size=0.2, test_size=0.2,
                                                        seed=0)
    scaler = Standardizer().fit(X_tr)
    mean, std = y_tr.mean(), y_tr.std()
    return (scaler.transform(X_tr), (y_tr - mean) / std,
            (scaler.transform(X_va), (y_va - mean) / std))


def _penguins():
    """Neural_Networks: penguins, standardized, stratified split."""
    from mlp_core.data import Standardizer, load_penguins, train_val_test_split

    ds = load_penguins()
    P_tr, P_va, _, s_tr, s_va, _ = train_val_test_split(ds.X, ds.y, seed=0, stratify=True)
    scaler = Standardizer().fit(P_tr)
    return scaler.transform(P_tr), s_tr, (scaler.transform(P_va), s_va)


def _moons_nn():
    """Neural_Networks: 120 noisy moons, half held out."""
    from mlp_core.data import train_val_test_split

    X, y = make_moons(n=120, noise=0.3, seed=3)
    M_tr, M_va, _, m_tr, m_va, _ = train_val_test_split(X, y, val_size=0.5, test_size=0.0,
                                                        seed=0)
    return M_tr, m_tr, (M_va, m_va)


BCE, CE = "binary_cross_entropy", "cross_entropy"
NB_07 = dict(loss=BCE, lr=0.1, momentum=0.9, epochs=300)
#: The fit calls of the notebooks: name -> (data, MLP arguments, fit settings). A new fit call
#: in a notebook must be listed here (test_every_fit_call_of_the_notebooks_is_replayed).
HEALTHY_RUNS = {
    "06 moons": (_moons_06, dict(layer_sizes=[2, 16, 16, 1]),
                 dict(loss=BCE, lr=0.1, epochs=60, batch_size=16)),
    **{f"06 batch size {b}": (_moons_06, dict(layer_sizes=[2, 16, 16, 1]),
                              dict(loss=BCE, lr=0.1, epochs=30, batch_size=b))
       for b in (1, 16, 150)},
    **{f"07 lam {lam}": (_circles_07, dict(layer_sizes=[2, 32, 32, 1]), dict(NB_07, lam=lam))
       for lam in (0.0, 0.001, 0.003, 0.01, 0.03)},
    **{f"07 dropout {p}": (_circles_07, dict(layer_sizes=[2, 32, 32, 1]), dict(NB_07, dropout=p))
       for p in (0.2, 0.5)},
    **{f"07 patience 10, min_delta {d}": (_circles_07, dict(layer_sizes=[2, 32, 32, 1]),
                                          dict(NB_07, patience=10, min_delta=d))
       for d in (0.0, 0.01)},
    "Neural_Networks XOR": (_xor_gates, dict(layer_sizes=[2, 4, 1], activation="tanh", seed=1),
                            dict(loss=BCE, lr=0.5, epochs=500)),
    "Neural_Networks concrete": (_concrete, dict(layer_sizes=[8, 64, 64, 1]),
                                 dict(loss="mse", lr=0.02, epochs=400, batch_size=32,
                                      lam=1e-4, patience=40)),
    "Neural_Networks penguins": (_penguins, dict(layer_sizes=[4, 16, 3]),
                                 dict(loss=CE, lr=0.05, epochs=100, batch_size=16,
                                      patience=15)),
    **{f"Neural_Networks moons {extra}": (_moons_nn, dict(layer_sizes=[2, 64, 64, 64, 1]),
                                          dict(loss=BCE, lr=0.1, epochs=600, **extra))
       for extra in ({}, {"lam": 0.01}, {"dropout": 0.3})},
}


@pytest.mark.parametrize("name", list(HEALTHY_RUNS))
def test_no_fit_of_the_notebooks_trips_the_divergence_rule(name):
    # (the recipes' runs are trained by tests/test_real_data.py, where a divergence raises)
    data, net_args, settings = HEALTHY_RUNS[name]
    X, y, validation = data()
    fit(MLP(**{"seed": 0, **net_args}), X, y, validation=validation, seed=0, progress=False,
        **settings)  # raises TrainingDivergedError if the rule trips


def _literal_settings(call):
    """Return the keyword arguments of a notebook's fit call that are written as literals."""
    import ast

    found = {}
    for keyword in call.keywords:
        if keyword.arg in ("loss", "lr", "momentum", "epochs", "batch_size", "lam", "dropout",
                           "patience", "min_delta"):
            try:
                found[keyword.arg] = ast.literal_eval(keyword.value)
            except ValueError:  # a name (07's train(lam=lam)): its values are listed above
                pass
    return found


def test_every_fit_call_of_the_notebooks_is_replayed():
    import ast
    import json
    from pathlib import Path

    replayed = [settings for _, _, settings in HEALTHY_RUNS.values()]
    deliberate = [{"loss": "mse", "lr": 10.0, "epochs": 30, "batch_size": 16},  # 06, section 5:
                  {"loss": "mse", "lr": 1.0, "epochs": 30, "batch_size": 150}]  # runs that diverge
    calls = 0
    for path in sorted((Path(__file__).parent.parent / "notebooks").glob("*.ipynb")):
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
            source = "".join(cell["source"])
            if cell["cell_type"] != "code" or "fit(" not in source:
                continue
            tree = ast.parse("\n".join(line for line in source.splitlines()
                                       if not line.lstrip().startswith("%")))
            for node in ast.walk(tree):
                if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "fit":
                    calls += 1
                    literal = _literal_settings(node)
                    assert literal in deliberate or any(
                        all(settings.get(k) == v for k, v in literal.items())
                        for settings in replayed), f"{path.name}: fit({literal}) not replayed"
    assert calls >= 8


def _panel_default_runs():
    """Return the panels' default runs.

    The training panel's run for each data set and loss at its default sliders; the
    regularization lab's default run, on each data set and with each activation; early
    stopping's.
    """
    from mlp_core.data import TOY_DATASETS
    from mlp_core.widgets.regularization import _lab_run
    from mlp_core.widgets.training import _train

    runs = {f"training panel {d} {loss}": (lambda d=d, loss=loss: _train(d, 0.1, 16, 30,
                                                                          loss=loss))
            for d in TOY_DATASETS for loss in ("mse", BCE)}
    runs.update({f"lab {d}": (lambda d=d: _lab_run(dataset=d)) for d in TOY_DATASETS})
    runs.update({f"lab {a}": (lambda a=a: _lab_run(activation=a)) for a in ("sigmoid", "tanh")})
    runs["early stopping panel"] = lambda: _lab_run(patience=10)
    return runs


@pytest.mark.parametrize("name", list(_panel_default_runs()))
def test_the_panels_default_runs_do_not_diverge(name):
    run = _panel_default_runs()[name]()
    assert run.error is None, run.error


def test_fit_trains_in_place_and_returns_a_history_in_float32():
    X, y = regression_data(n=16)
    net = MLP([2, 4, 1], seed=0, dtype=np.float32)
    history = fit(net, X, y, loss="mse", lr=0.05, epochs=3, dropout=0.2, momentum=0.5,
                  seed=0, progress=False)
    assert all(p.dtype == np.float32 for p in net.weights + net.biases)
    assert len(history.train_loss) == 3
    assert all(isinstance(v, float) for v in history.train_loss)


def test_restore_best_false_without_early_stop_keeps_the_last_weights():
    X, y = regression_data(n=16)
    net = MLP([2, 4, 1], seed=0)
    params = {}
    fit(net, X, y, loss="mse", lr=0.05, epochs=3, validation=(X, y), patience=100,
        seed=0, restore_best=False, callback=recording_callback(net, params), progress=False)
    assert_array_equal(net.weights[0], params[3][0])


# --- Ctrl-C: an interrupted run stops cleanly --------------------------------------------------
#
# pytest stops the whole session on a KeyboardInterrupt that escapes a test: every fit below
# that is interrupted runs inside pytest.raises(KeyboardInterrupt).

def interrupt_at_step(monkeypatch, k):
    """Make the k-th sgd_step of fit raise KeyboardInterrupt (Ctrl-C in the middle of a batch)."""
    import mlp_core.training

    steps = []
    real_step = mlp_core.training.sgd_step

    def step(*args, **kwargs):
        steps.append(1)
        if len(steps) == k:
            raise KeyboardInterrupt
        return real_step(*args, **kwargs)

    monkeypatch.setattr(mlp_core.training, "sgd_step", step)


def test_an_interrupt_mid_epoch_keeps_the_last_finished_epoch(monkeypatch, fake_tqdm):
    from mlp_core.training import TrainingInterrupted

    X, y = regression_data(n=40)
    net = MLP([2, 6, 1], seed=0)
    params = {0: snapshot(net)}
    interrupt_at_step(monkeypatch, 13)  # 5 batches of 8 per epoch: the 3rd batch of epoch 3
    with pytest.raises(KeyboardInterrupt) as info:  # still a KeyboardInterrupt: Ctrl-C stops
        fit(net, X, y, loss="mse", lr=0.05, epochs=10, batch_size=8, seed=0, progress=True,
            validation=regression_data(seed=1, n=8), callback=recording_callback(net, params))
    err = info.value
    assert isinstance(err, TrainingInterrupted)
    assert err.epoch == 3 and "epoch 3" in str(err) and "history" in str(err)
    history = err.history
    assert history.interrupted is True and history.stopped_early is False
    assert history.stopped_epoch == 2
    assert len(history.train_loss) == len(history.val_loss) == len(history.objective) == 2
    # the weights belong to the last History entry, not to two batches of epoch 3
    assert same_parameters(net, params[2])
    assert net.loss(X, y, loss="mse") == history.train_loss[-1]
    (bar,) = fake_tqdm
    assert bar.closed  # no bar is left open


def test_an_interrupt_in_the_first_epoch_keeps_the_initial_weights(monkeypatch):
    X, y = regression_data(n=40)
    net = MLP([2, 6, 1], seed=0)
    before = snapshot(net)
    interrupt_at_step(monkeypatch, 2)
    with pytest.raises(KeyboardInterrupt) as info:
        fit(net, X, y, loss="mse", lr=0.05, epochs=10, batch_size=8, seed=0, progress=False)
    assert info.value.epoch == 1 and info.value.history.train_loss == []
    assert "initial weights" in str(info.value)
    assert same_parameters(net, before)


def test_an_interrupt_between_epochs_keeps_that_epoch():
    # Ctrl-C while the callback runs: epoch 4 is finished and recorded, and kept.
    X, y = regression_data(n=40)
    net = MLP([2, 6, 1], seed=0)
    params = {}

    def callback(epoch, history):
        params[epoch] = snapshot(net)
        if epoch == 4:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt) as info:
        fit(net, X, y, loss="mse", lr=0.05, epochs=10, batch_size=8, seed=0,
            callback=callback, progress=False)
    assert info.value.history.stopped_epoch == 4 and len(info.value.history.train_loss) == 4
    assert same_parameters(net, params[4])


@pytest.mark.parametrize("restore_best", [True, False])
def test_an_interrupt_with_early_stopping_restores_the_best_epoch(monkeypatch, restore_best):
    # overfitting_problem: the validation loss falls, then rises; interrupt well after its best
    X, y, X_val, y_val = overfitting_problem()
    settings = dict(loss="mse", lr=0.05, batch_size=8, validation=(X_val, y_val), seed=1,
                    patience=1000, progress=False)
    full = fit(MLP([1, 8, 1], activation="tanh", seed=1), X, y, epochs=120, **settings)
    best = int(np.argmin(full.val_loss)) + 1
    assert best < 100
    net = MLP([1, 8, 1], activation="tanh", seed=1)
    params = {}
    interrupt_at_step(monkeypatch, 100 * 4 + 2)  # 4 batches per epoch: inside epoch 101
    with pytest.raises(KeyboardInterrupt) as info:
        fit(net, X, y, epochs=200, restore_best=restore_best,
            callback=recording_callback(net, params), **settings)
    history = info.value.history
    assert history.interrupted and history.stopped_epoch == 100
    assert history.best_epoch == best and history.val_loss == full.val_loss[:100]
    assert same_parameters(net, params[best if restore_best else 100])
    if restore_best:
        assert f"best epoch, {best}" in str(info.value)


def test_a_real_ctrl_c_during_fit_keeps_a_consistent_run():
    # SIGINT, as Ctrl-C or Jupyter's stop button sends it, in a fresh interpreter: the signal
    # lands wherever fit happens to be (often inside numpy), not at a chosen line.
    import signal
    import subprocess

    code = """if True:
        import sys
        import numpy as np
        from mlp_core import MLP, fit
        from mlp_core.training import TrainingInterrupted
        rng = np.random.default_rng(0)
        X = rng.normal(size=(2000, 20)); y = X @ rng.normal(size=20)
        net = MLP([20, 64, 64, 1], seed=0)
        def callback(epoch, history):
            if epoch == 2:
                print("running", flush=True)
        try:
            fit(net, X, y, loss="mse", lr=1e-3, epochs=100000, batch_size=4, seed=0,
                callback=callback, progress=False)
        except TrainingInterrupted as err:
            h = err.history
            same = net.loss(X, y, "mse") == h.train_loss[-1]
            print("interrupted", err.epoch, len(h.train_loss), h.interrupted, same)
    """
    process = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    try:
        assert process.stdout.readline().strip() == "running"
        time.sleep(0.3)
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=60)
    finally:
        process.kill()
    assert process.returncode == 0, err
    word, epoch, recorded, flag, same = out.split()
    # (recorded == epoch only if the signal came after the epoch was recorded)
    assert word == "interrupted" and int(recorded) in (int(epoch) - 1, int(epoch))
    assert int(recorded) >= 2
    assert flag == "True" and same == "True"  # the weights are those of the last entry


# --- progress bar ------------------------------------------------------------------------

def _toy_regression():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((40, 2))
    return X, X @ np.array([1.0, -2.0])


def test_progress_true_shows_a_bar_with_the_losses(capsys):
    X, y = _toy_regression()
    fit(MLP([2, 4, 1], seed=0), X, y, loss="mse", lr=0.05, epochs=3, progress=True)
    err = capsys.readouterr().err  # tqdm writes to stderr in a terminal
    assert "3/3" in err and "train=" in err


class FakeTqdm:
    """Stands in for tqdm.auto.tqdm and records the arguments of every bar."""

    made = []

    def __init__(self, **kwargs):
        self.kwargs, self.updates, self.closed = kwargs, 0, False
        FakeTqdm.made.append(self)

    def set_postfix(self, losses, refresh=True):
        self.losses = losses

    def update(self, n):
        self.updates += n

    def close(self):
        self.closed = True


@pytest.fixture
def fake_tqdm(monkeypatch):
    FakeTqdm.made = []
    monkeypatch.setitem(sys.modules, "tqdm.auto", types.SimpleNamespace(tqdm=FakeTqdm))
    return FakeTqdm.made


@pytest.mark.parametrize(("progress", "delay"), [(True, 0.0), ("auto", "PROGRESS_DELAY_SECONDS")])
def test_progress_uses_tqdms_own_delay(fake_tqdm, progress, delay):
    # 'auto' leaves the timing to tqdm: it draws nothing before `delay` seconds have passed
    import mlp_core.training

    if delay == "PROGRESS_DELAY_SECONDS":
        delay = mlp_core.training.PROGRESS_DELAY_SECONDS
        assert delay > 0
    X, y = _toy_regression()
    fit(MLP([2, 4, 1], seed=0), X, y, loss="mse", lr=0.05, epochs=3, progress=progress)
    (bar,) = fake_tqdm
    assert bar.kwargs["delay"] == delay and bar.kwargs["total"] == 3
    assert bar.updates == 3 and bar.closed and set(bar.losses) == {"train"}


def test_progress_false_makes_no_bar(fake_tqdm):
    X, y = _toy_regression()
    fit(MLP([2, 4, 1], seed=0), X, y, loss="mse", lr=0.05, epochs=3, progress=False)
    assert fake_tqdm == []


def test_progress_auto_stays_silent_for_a_run_shorter_than_the_delay(capsys, monkeypatch):
    import mlp_core.training

    monkeypatch.setattr(mlp_core.training, "PROGRESS_DELAY_SECONDS", 3600.0)
    X, y = _toy_regression()
    fit(MLP([2, 4, 1], seed=0), X, y, loss="mse", lr=0.05, epochs=3, progress="auto")
    assert capsys.readouterr().err == ""


def test_progress_auto_shows_a_bar_once_the_run_has_lasted_the_delay(capsys, monkeypatch):
    # each epoch sleeps 50 ms: the run lasts 0.3 s, well past a delay of 0.05 s
    import mlp_core.training

    monkeypatch.setattr(mlp_core.training, "PROGRESS_DELAY_SECONDS", 0.05)
    X, y = _toy_regression()
    fit(MLP([2, 4, 1], seed=0), X, y, loss="mse", lr=0.05, epochs=6, progress="auto",
        callback=lambda epoch, history: time.sleep(0.05))
    err = capsys.readouterr().err
    assert "6/6" in err and "train=" in err


def test_progress_rejects_other_values():
    X, y = _toy_regression()
    with pytest.raises(ValueError, match=r"progress must be True, False or 'auto', got 'yes'"):
        fit(MLP([2, 4, 1], seed=0), X, y, loss="mse", lr=0.05, epochs=1, progress="yes")


def test_progress_without_tqdm_trains_without_a_bar(monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "tqdm.auto", None)  # `from tqdm.auto import ...` fails
    X, y = _toy_regression()
    net = MLP([2, 4, 1], seed=0)
    history = fit(net, X, y, loss="mse", lr=0.05, epochs=3, progress=True)
    assert len(history.train_loss) == 3 and capsys.readouterr().err == ""


def test_progress_bar_shows_the_validation_loss_too(capsys):
    X, y = _toy_regression()
    fit(MLP([2, 4, 1], seed=0), X, y, loss="mse", lr=0.05, epochs=2, validation=(X, y),
        progress=True)
    err = capsys.readouterr().err
    assert "2/2" in err and "train=" in err and "val=" in err


# --- the parts of fit: sgd_step and train_one_epoch -------------------------------------------

def test_sgd_step_by_hand_in_place():
    W, b = np.array([[1.0, -2.0]]), np.array([0.5])
    params = [W, b]
    assert sgd_step(params, [np.array([[0.5, 1.0]]), np.array([-1.0])], lr=0.1) is None
    assert params[0] is W and params[1] is b  # the same arrays, changed in place
    assert_allclose(W, [[0.95, -2.1]], rtol=1e-15)
    assert_allclose(b, [0.6], rtol=1e-15)


def test_sgd_step_with_momentum_by_hand():
    # v ← μ v − η g, θ ← θ + v with μ = 0.9, η = 0.1: v = 0.9 · 1 − 0.1 · 2 = 0.7, θ = 1.7
    theta, v = np.array([1.0]), np.array([1.0])
    sgd_step([theta], [np.array([2.0])], lr=0.1, momentum=0.9, velocity=[v])
    assert_allclose(v, [0.7], rtol=1e-15)
    assert_allclose(theta, [1.7], rtol=1e-15)


@pytest.mark.parametrize("options", [{}, {"dropout": 0.3, "lam": 0.01}, {"momentum": 0.5}])
def test_one_epoch_of_fit_is_train_one_epoch(options):
    X, y = regression_data(n=30)
    a, b = MLP([2, 5, 1], seed=0), MLP([2, 5, 1], seed=0)
    fit(a, X, y, loss="mse", lr=0.05, epochs=1, batch_size=8, seed=4, progress=False,
        **options)
    velocity = [np.zeros_like(p) for p in b.weights + b.biases]
    train_one_epoch(b, X, y, loss="mse", lr=0.05, batch_size=8, rng=np.random.default_rng(4),
                    velocity=velocity, **options)
    assert same_parameters(a, snapshot(b))


def test_train_one_epoch_checks_its_arguments():
    X, y = regression_data(n=10)
    net, rng = MLP([2, 3, 1], seed=0), np.random.default_rng(0)
    with pytest.raises(ValueError, match=r"X must have 2 columns \(layer_sizes\[0\]\), got 3"):
        train_one_epoch(net, np.ones((10, 3)), y, loss="mse", lr=0.1, batch_size=4, rng=rng)
    with pytest.raises(ValueError, match=r"batch_size must be >= 1, got 0"):
        train_one_epoch(net, X, y, loss="mse", lr=0.1, batch_size=0, rng=rng)
    with pytest.raises(TypeError, match=r"rng must be a numpy.random.Generator"):
        train_one_epoch(net, X, y, loss="mse", lr=0.1, batch_size=4, rng=0)
    with pytest.raises(ValueError, match=r"velocity must be a list of 4 arrays shaped like "
                                         r"\[\*net.weights, \*net.biases\] when momentum > 0 "
                                         r".*got NoneType"):
        train_one_epoch(net, X, y, loss="mse", lr=0.1, batch_size=4, momentum=0.9, rng=rng)


@pytest.mark.parametrize(("bad", "kind"), [(None, "NoneType"), ("net", "str"),
                                           ([MLP([2, 3, 1])], "list")])
def test_fit_and_train_one_epoch_need_a_network(bad, kind):
    # as metrics.accuracy and gradient_check do: a TypeError naming net, not an AttributeError
    X, y = regression_data(n=10)
    with pytest.raises(TypeError, match=rf"net must be an MLP, got {kind}$"):
        fit(bad, X, y, loss="mse", lr=0.1, epochs=1, progress=False)
    with pytest.raises(TypeError, match=rf"net must be an MLP, got {kind}$"):
        train_one_epoch(bad, X, y, loss="mse", lr=0.1, batch_size=4,
                        rng=np.random.default_rng(0))


def test_fit_checks_its_arguments_once_not_once_per_batch(monkeypatch):
    # With 64 samples in batches of 4 and 3 epochs, fit makes 48 forward and backward
    # passes and 3 loss passes; none of them may check anything again.
    import mlp_core.layers
    import mlp_core.network
    import mlp_core.regularization
    import mlp_core.training

    net = MLP([2, 8, 8, 1], seed=0)
    X, y = regression_data(n=64)
    validation = regression_data(seed=1, n=8)
    calls = []

    def counting(check):
        def wrapper(*args, **kwargs):
            calls.append(check.__name__)
            return check(*args, **kwargs)
        return wrapper

    for module in (mlp_core.network, mlp_core.layers, mlp_core.regularization,
                   mlp_core.training):
        for name in ("check_X", "check_array", "check_targets", "check_dropout", "check_rng",
                     "check_real", "check_int"):
            if hasattr(module, name):
                monkeypatch.setattr(module, name, counting(getattr(module, name)))
    fit(net, X, y, loss="mse", lr=0.05, epochs=3, batch_size=4, dropout=0.2,
        validation=validation, seed=0, progress=False)
    assert sorted(calls) == sorted([
        "check_X", "check_targets",  # X and y
        "check_real", "check_int", "check_real", "check_dropout", "check_real",  # lr .. momentum
        "check_int", "check_real",  # epochs, min_delta
        "check_X", "check_array", "check_targets",  # validation X_val, y_val
    ])

"""What one epoch of ``fit`` does (§4.5): its mini-batches, its records, its safety nets.

The tests in test_training.py check the updates themselves; these check the bookkeeping
around them, which a wrong loop could break without changing any single update.
"""

import numpy as np
import pytest

from mlp_core import MLP, TrainingDivergedError, fit


def test_each_epoch_visits_every_sample_once_in_a_fresh_random_order():
    n, batch = 10, 4
    X = np.arange(n, dtype=float)[:, None]  # the feature is the row number
    net = MLP([1, 2, 1], seed=0)
    seen = []
    real_forward = net.forward

    def spy(X_batch, *args, **kwargs):
        seen.append(X_batch[:, 0].astype(int).tolist())
        return real_forward(X_batch, *args, **kwargs)

    net.forward = spy
    fit(net, X, np.zeros(n), loss="mse", lr=1e-3, epochs=3, batch_size=batch, seed=0)
    assert [len(b) for b in seen] == [4, 4, 2] * 3  # ceil(10 / 4) batches; the last is partial
    epochs = [sum(seen[i:i + 3], []) for i in (0, 3, 6)]
    for order in epochs:
        assert sorted(order) == list(range(n))  # every sample exactly once per epoch
    assert epochs[0] != list(range(n))  # shuffled ...
    assert len({tuple(order) for order in epochs}) == 3  # ... afresh every epoch


def test_training_loss_of_a_set_larger_than_one_chunk_is_the_mean_over_all_rows():
    # MLP.loss and fit's recorded training loss run over the data in chunks of LOSS_CHUNK
    # rows; the result must be the mean over every row: Eq. (14), written out in numpy.
    rng = np.random.default_rng(0)
    n = 2 * MLP.LOSS_CHUNK + 276  # two full chunks and a partial one
    X, y = rng.normal(size=(n, 3)), rng.normal(size=(n, 2))
    net = MLP([3, 5, 2], activation="tanh", seed=1)

    def mean_half_squared_error():
        (W1, W2), (b1, b2) = net.weights, net.biases
        y_hat = np.tanh(X @ W1.T + b1) @ W2.T + b2  # Eqs. (11)-(13)
        return 0.5 * np.mean(np.sum((y_hat - y) ** 2, axis=1))

    assert net.loss(X, y, loss="mse") == pytest.approx(mean_half_squared_error(), rel=1e-12)
    history = fit(net, X, y, loss="mse", lr=1e-3, epochs=1, seed=0)
    assert history.train_loss[0] == pytest.approx(mean_half_squared_error(), rel=1e-12)


def test_best_epoch_is_the_first_on_a_tie():
    # W = 0, b = 0 and targets 0: the gradient is zero, the weights never move, and every
    # epoch has the same validation loss ½ (0 - 1)² = 0.5.
    net = MLP([1, 1], activation="identity")
    net.set_parameters([np.zeros((1, 1))], [np.zeros(1)])
    X = np.ones((4, 1))
    history = fit(net, X, np.zeros(4), loss="mse", lr=0.1, epochs=4, validation=(X, np.ones(4)))
    assert history.val_loss == [0.5] * 4
    assert history.best_epoch == 1


def test_a_non_finite_validation_loss_is_a_divergence():
    net = MLP([1, 1], activation="identity")
    net.set_parameters([np.ones((1, 1))], [np.zeros(1)])
    X_val = np.full((2, 1), 1e200)  # ŷ = 1e200, ½ ŷ² overflows to inf
    with pytest.raises(TrainingDivergedError, match="epoch 1"):
        fit(net, np.ones((4, 1)), np.ones(4), loss="mse", lr=0.01, epochs=3,
            validation=(X_val, np.zeros(2)))


def test_best_weights_are_restored_even_when_the_run_never_stops_early():
    # Training targets y = x, validation targets y = x / 2: the validation loss falls, then
    # rises, so the best epoch lies inside the run; patience is too long to stop it.
    rng = np.random.default_rng(5)
    X, X_val = rng.uniform(-1, 1, (32, 1)), rng.uniform(-1, 1, (16, 1))
    net = MLP([1, 8, 1], activation="tanh", seed=1)
    snapshots = {}

    def remember(epoch, history):
        snapshots[epoch] = [p.copy() for p in net.weights + net.biases]

    history = fit(net, X, X[:, 0], loss="mse", lr=0.05, epochs=200, batch_size=8,
                  validation=(X_val, 0.5 * X_val[:, 0]), patience=1000, seed=1,
                  callback=remember)
    assert not history.stopped_early and 1 < history.best_epoch < 200
    restored = net.weights + net.biases
    assert all(np.array_equal(a, b) for a, b in zip(restored, snapshots[history.best_epoch]))

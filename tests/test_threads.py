"""BLAS threads during training (``mlp_core.training``): one thread for small products only."""

import sys
from contextlib import nullcontext

import numpy as np
import pytest
from threadpoolctl import threadpool_info, threadpool_limits

from mlp_core import MLP, fit
from mlp_core.training import (
    SMALL_PRODUCT,
    ScaleWarning,
    blas_threads_for,
    largest_product,
    one_blas_thread,
)


def blas_threads():
    """Threads of every BLAS library loaded in this process, as threadpoolctl reports them."""
    return [info["num_threads"] for info in threadpool_info() if info["user_api"] == "blas"]


@pytest.fixture
def two_blas_threads():
    """Run the test with BLAS allowed two threads, whatever the environment set."""
    if not blas_threads():
        pytest.skip("threadpoolctl finds no BLAS library to control")
    with threadpool_limits(2, user_api="blas"):
        yield


def test_largest_product_is_batch_times_the_biggest_weight_matrix():
    # products of a step: 32·(64·128), 32·(128·128), 32·(128·10) multiply-adds
    assert largest_product(32, [64, 128, 128, 10]) == 32 * 128 * 128
    assert largest_product(5, [3, 1]) == 15


def test_one_thread_below_the_threshold_and_untouched_at_it(two_blas_threads):
    # 1024 · 64 · 64 = 2**22 = SMALL_PRODUCT exactly: not small; one row less is small.
    assert largest_product(1024, [64, 64, 2]) == SMALL_PRODUCT
    with blas_threads_for(1023, [64, 64, 2]):
        assert set(blas_threads()) == {1}
    with blas_threads_for(1024, [64, 64, 2]):
        assert set(blas_threads()) == {2}
    assert set(blas_threads()) == {2}  # restored on exit


def fit_recording_threads(batch_size, layer_sizes, n):
    rng = np.random.default_rng(0)
    X = rng.standard_normal((n, layer_sizes[0]))
    y = rng.integers(0, layer_sizes[-1], n)
    seen = []
    fit(MLP(layer_sizes, seed=0), X, y, loss="cross_entropy", lr=0.01, epochs=2,
        batch_size=batch_size, seed=0, callback=lambda epoch, history: seen.extend(blas_threads()))
    return set(seen)


def test_fit_trains_small_batches_on_one_blas_thread_and_restores_it(two_blas_threads):
    assert fit_recording_threads(32, [8, 16, 3], n=64) == {1}
    assert set(blas_threads()) == {2}


def test_fit_leaves_blas_alone_for_large_products(two_blas_threads):
    assert fit_recording_threads(1024, [64, 64, 2], n=1024) == {2}


def test_fit_restores_blas_threads_when_training_diverges(two_blas_threads):
    X = np.linspace(-1, 1, 20)[:, None] * 1e3
    with pytest.warns(ScaleWarning), pytest.raises(FloatingPointError):  # inputs of 1e3
        fit(MLP([1, 4, 1], seed=0), X, X[:, 0], loss="mse", lr=10.0, epochs=5, seed=0)
    assert set(blas_threads()) == {2}


def test_without_threadpoolctl_blas_keeps_its_threads(two_blas_threads, monkeypatch):
    # threadpoolctl is optional (pip install -e . needs numpy alone): it is imported only
    # when a limit is wanted, and without it training runs with BLAS as it is.
    monkeypatch.setitem(sys.modules, "threadpoolctl", None)  # `import threadpoolctl` fails
    assert isinstance(one_blas_thread(), nullcontext)
    assert isinstance(blas_threads_for(32, [8, 16, 3]), nullcontext)
    assert fit_recording_threads(32, [8, 16, 3], n=64) == {2}


def test_mlp_core_imports_without_threadpoolctl():
    # A fresh interpreter in which `import threadpoolctl` fails can still import and train.
    import subprocess

    code = (
        "import sys; sys.modules['threadpoolctl'] = None\n"
        "import numpy as np, mlp_core\n"
        "net = mlp_core.MLP([2, 3, 1], seed=0)\n"
        "X = np.ones((4, 2)); h = mlp_core.fit(net, X, np.zeros(4), loss='mse', lr=0.1,"
        " epochs=2, progress=False)\n"
        "print(len(h.train_loss))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "2"


def test_fit_restores_blas_threads_when_training_is_interrupted(two_blas_threads):
    seen = []

    def interrupt(epoch, history):
        seen.extend(blas_threads())
        raise KeyboardInterrupt  # Ctrl-C after the first epoch

    with pytest.raises(KeyboardInterrupt):  # (fit's TrainingInterrupted is one)
        fit(MLP([8, 16, 3], seed=0), np.ones((64, 8)), np.zeros(64, dtype=int),
            loss="cross_entropy", lr=0.01, epochs=5, batch_size=32, callback=interrupt)
    assert set(seen) == {1} and set(blas_threads()) == {2}

"""Classroom-sized training: seconds per epoch of mlp_core.fit vs scikit-learn and PyTorch.

The workload is what a notebook does: the 8x8 digits of NNData (1797 images), standardized
(Standardizer fitted on the training part), a seeded stratified 80/20 split, the network
64-128-128-10 with ReLU and a softmax cross-entropy output, plain SGD (no momentum),
lr 0.05, batch 32, 20 epochs, L2 penalty λ = 1e-4 on the weights (not the biases), float32.

All peers are timed in this one run, on the same arrays, several times each; the table
reports the median seconds per epoch, the ratios mlp_core/peer and whether the goals hold:
mlp_core within 1.20x of the plain-numpy floor (numpy_floor.py, the same training in the
fewest numpy calls), mlp_core/sklearn <= 0.60 and mlp_core/torch <= 0.40. Test accuracy is
printed too, so one can see that they all train the same model to the same quality.

Run:  .venv/bin/python benchmarks/bench_classroom.py [--repeats 5] [--check]
With --check the exit code is 1 when a goal fails or a peer it needs is missing (0 otherwise,
and always 0 without --check).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
import warnings

import numpy as np
from bench_cli import count

from mlp_core import MLP, fit
from mlp_core.data import Standardizer, load_digits, train_test_split

LAYER_SIZES = [64, 128, 128, 10]
LR = 0.05
BATCH_SIZE = 32
EPOCHS = 20
LAM = 1e-4
SEED = 0
GOAL_FLOOR = 1.20  # mlp_core seconds/epoch divided by the numpy floor's, at most
GOAL_SKLEARN = 0.60  # mlp_core seconds/epoch divided by sklearn's, at most
GOAL_TORCH = 0.40  # mlp_core seconds/epoch divided by torch's, at most
FLOOR = "numpy floor (reference)"  # benchmarks/numpy_floor.py: the yardstick of GOAL_FLOOR


def load_data():
    """Standardized float32 digits: (X_train, X_test, y_train, y_test)."""
    ds = load_digits()
    X_train, X_test, y_train, y_test = train_test_split(
        ds.X, ds.y, test_size=0.2, seed=SEED, stratify=True
    )
    scaler = Standardizer().fit(X_train)
    X_train = scaler.transform(X_train).astype(np.float32)
    X_test = scaler.transform(X_test).astype(np.float32)
    return X_train, X_test, y_train, y_test


def numpy_blas_threads():
    """Threads numpy's BLAS uses (threadpoolctl if installed, else the CPU count)."""
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return os.cpu_count() or 1
    for info in threadpool_info():
        if info.get("user_api") == "blas" and "numpy" in info.get("filepath", ""):
            return int(info["num_threads"])
    return os.cpu_count() or 1


# --- the three peers: each returns (seconds per epoch, test accuracy) ---------------------

def run_mlp_core(data, seed):
    """Train the network with ``mlp_core.fit`` and time it.

    Parameters
    ----------
    data : (ndarray, ndarray, ndarray, ndarray)
        ``(X_train, X_test, y_train, y_test)`` from ``load_data``: float32 inputs of shape
        (n, 64), int labels of shape (n,).
    seed : int

    Returns
    -------
    (float, float)
        Seconds per epoch and test accuracy.
    """
    X_train, X_test, y_train, y_test = data
    net = MLP(LAYER_SIZES, activation="relu", seed=seed, dtype=np.float32)
    start = time.perf_counter()
    fit(net, X_train, y_train, loss="cross_entropy", lr=LR, epochs=EPOCHS,
        batch_size=BATCH_SIZE, lam=LAM, seed=seed, progress=False)
    seconds = time.perf_counter() - start
    accuracy = float(np.mean(net.predict(X_test).argmax(axis=1) == y_test))
    return seconds / EPOCHS, accuracy


def run_numpy_floor(data, seed):
    """Train the network with the bare numpy loop of ``numpy_floor`` and time it.

    Parameters
    ----------
    data : (ndarray, ndarray, ndarray, ndarray)
        ``(X_train, X_test, y_train, y_test)`` from ``load_data``: float32 inputs of shape
        (n, 64), int labels of shape (n,).
    seed : int

    Returns
    -------
    (float, float)
        Seconds per epoch and test accuracy.
    """
    from numpy_floor import predict_floor, train_floor

    X_train, X_test, y_train, y_test = data
    weights, biases, seconds = train_floor(
        X_train, y_train, LAYER_SIZES, lr=LR, lam=LAM, batch_size=BATCH_SIZE, epochs=EPOCHS,
        seed=seed,
    )
    accuracy = float(np.mean(predict_floor(weights, biases, X_test).argmax(axis=1) == y_test))
    return seconds, accuracy


def run_sklearn(data, seed):
    """Train the network with scikit-learn's ``MLPClassifier`` and time it.

    Parameters
    ----------
    data : (ndarray, ndarray, ndarray, ndarray)
        ``(X_train, X_test, y_train, y_test)`` from ``load_data``: float32 inputs of shape
        (n, 64), int labels of shape (n,).
    seed : int

    Returns
    -------
    (float, float)
        Seconds per epoch and test accuracy.
    """
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier

    X_train, X_test, y_train, y_test = data
    # sklearn's mini-batch objective is (Σ_batch loss + alpha/2 Σ‖W‖²) / batch_size, so its
    # weight gradient carries alpha/batch_size · W where ours carries λ W (J = mean loss +
    # λ/2 Σ‖W‖²). Equal penalties therefore need alpha = λ · batch_size = 1e-4 · 32 = 3.2e-3
    # (exact for full batches; the one smaller last batch of an epoch gets a slightly larger
    # penalty in sklearn). Biases are not penalised in either.
    clf = MLPClassifier(
        hidden_layer_sizes=tuple(LAYER_SIZES[1:-1]), activation="relu", solver="sgd",
        momentum=0.0, nesterovs_momentum=False, learning_rate="constant",
        learning_rate_init=LR, batch_size=BATCH_SIZE, alpha=LAM * BATCH_SIZE,
        max_iter=EPOCHS, shuffle=True, early_stopping=False, tol=0.0,
        n_iter_no_change=10**9, random_state=seed,
    )
    with warnings.catch_warnings():
        # max_iter=20 is reached on purpose: training for exactly 20 epochs is the workload.
        warnings.simplefilter("ignore", category=ConvergenceWarning)
        start = time.perf_counter()
        clf.fit(X_train, y_train)
        seconds = time.perf_counter() - start
    if clf.coefs_[0].dtype != np.float32:
        raise RuntimeError(f"sklearn trained in {clf.coefs_[0].dtype}, expected float32")
    accuracy = float(np.mean(clf.predict(X_test) == y_test))
    return seconds / clf.n_iter_, accuracy


def run_torch(data, seed):
    """Train the network with PyTorch (``nn.Sequential`` and ``optim.SGD``) and time it.

    Parameters
    ----------
    data : (ndarray, ndarray, ndarray, ndarray)
        ``(X_train, X_test, y_train, y_test)`` from ``load_data``: float32 inputs of shape
        (n, 64), int labels of shape (n,).
    seed : int

    Returns
    -------
    (float, float)
        Seconds per epoch and test accuracy.
    """
    import torch
    from torch import nn

    X_train, X_test, y_train, y_test = data
    torch.manual_seed(seed)
    layers = []
    for n_in, n_out in zip(LAYER_SIZES[:-2], LAYER_SIZES[1:-1]):
        layers += [nn.Linear(n_in, n_out), nn.ReLU()]
    model = nn.Sequential(*layers, nn.Linear(LAYER_SIZES[-2], LAYER_SIZES[-1]))
    weights = [p for name, p in model.named_parameters() if name.endswith("weight")]
    biases = [p for name, p in model.named_parameters() if name.endswith("bias")]
    # weight_decay adds λ W to the gradient of the weights only: the same as our L2 term.
    optimizer = torch.optim.SGD(
        [{"params": weights, "weight_decay": LAM}, {"params": biases, "weight_decay": 0.0}],
        lr=LR, momentum=0.0,
    )
    criterion = nn.CrossEntropyLoss()  # mean over the batch, as in mlp_core
    X = torch.from_numpy(X_train)
    y = torch.from_numpy(y_train.astype(np.int64))
    generator = torch.Generator().manual_seed(seed)
    n = X.shape[0]
    start = time.perf_counter()
    for _ in range(EPOCHS):
        order = torch.randperm(n, generator=generator)
        for first in range(0, n, BATCH_SIZE):
            batch = order[first:first + BATCH_SIZE]
            optimizer.zero_grad(set_to_none=True)
            loss = criterion(model(X[batch]), y[batch])
            loss.backward()
            optimizer.step()
    seconds = time.perf_counter() - start
    with torch.no_grad():
        predicted = model(torch.from_numpy(X_test)).argmax(dim=1).numpy()
    return seconds / EPOCHS, float(np.mean(predicted == y_test))


def measure(peers, data, repeats):
    """Time every peer ``repeats`` times, taking turns, after one untimed warm-up run each.

    Taking turns (round-robin) makes a burst of load from other processes hit all peers alike.

    Parameters
    ----------
    peers : dict of str to callable
        ``{name: run(data, seed) -> (seconds per epoch, test accuracy)}``.
    data : (ndarray, ndarray, ndarray, ndarray)
        ``(X_train, X_test, y_train, y_test)``.
    repeats : int

    Returns
    -------
    dict of str to (float, float, float)
        ``{name: (median s/epoch, best s/epoch, mean test accuracy)}``.
    """
    for run in peers.values():
        run(data, SEED)
    results = {name: [] for name in peers}
    for r in range(repeats):
        for name, run in peers.items():
            results[name].append(run(data, SEED + r))
    summary = {}
    for name, runs in results.items():
        times = [t for t, _ in runs]
        summary[name] = (statistics.median(times), min(times),
                         statistics.mean(a for _, a in runs))
    return summary


def main(argv=None):
    """Run the benchmark and print its report.

    Parameters
    ----------
    argv : list of str or None
        Command-line arguments (None: ``sys.argv[1:]``); see ``--help``.

    Returns
    -------
    int
        The exit status: 1 if --check is given and a goal fails, else 0.
    """
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=count, default=5, help="timed runs per peer")
    parser.add_argument("--check", action="store_true", help="exit 1 if a goal fails")
    args = parser.parse_args(argv)

    data = load_data()
    threads = numpy_blas_threads()
    print(f"digits: train {data[0].shape}, test {data[1].shape}, float32; net {LAYER_SIZES}, "
          f"SGD lr={LR}, batch={BATCH_SIZE}, λ={LAM}, {EPOCHS} epochs")
    print(f"numpy {np.__version__}, BLAS threads {threads}; median of {args.repeats} runs "
          "after one warm-up\n")

    peers = {"mlp_core": run_mlp_core, FLOOR: run_numpy_floor}
    try:
        import sklearn
    except ImportError:
        print("scikit-learn not installed: skipped (pip install -r requirements-bench.txt)")
    else:
        peers[f"sklearn {sklearn.__version__}"] = run_sklearn
    try:
        import torch
    except ImportError:
        print("torch not installed: skipped")
    else:
        torch.set_num_threads(threads)
        peers[f"torch {torch.__version__} eager"] = run_torch
    rows = measure(peers, data, args.repeats)

    print(f"{'peer':<26}{'s/epoch (median)':>18}{'(best)':>10}{'test accuracy (mean)':>22}")
    for name, (median, best, accuracy) in rows.items():
        print(f"{name:<26}{median:>18.5f}{best:>10.5f}{accuracy:>22.3f}")
    print()

    ours, floor = rows["mlp_core"][0], rows[FLOOR][0]
    ratio = ours / floor
    failed = ratio > GOAL_FLOOR
    print(f"mlp_core / {'floor':<8} = {ratio:5.2f}   goal <= {GOAL_FLOOR:.2f}   "
          f"{'FAIL' if failed else 'PASS'}")
    for prefix, goal in (("sklearn", GOAL_SKLEARN), ("torch", GOAL_TORCH)):
        peer = next((name for name in rows if name.startswith(prefix)), None)
        if peer is None:
            print(f"mlp_core / {prefix:<8}: not measured ({prefix} not installed)   FAIL")
            failed = True
            continue
        ratio = ours / rows[peer][0]
        ok = ratio <= goal
        failed |= not ok
        print(f"mlp_core / {prefix:<8} = {ratio:5.2f}   goal <= {goal:.2f}   "
              f"{'PASS' if ok else 'FAIL'}   (numpy floor / {prefix}: "
              f"{floor / rows[peer][0]:.2f})")
    return 1 if (failed and args.check) else 0


if __name__ == "__main__":
    sys.exit(main())

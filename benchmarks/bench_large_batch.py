"""Large batches: how close mlp_core.fit gets to numpy's own float32 matmul throughput.

Workload: 8192 seeded random samples with 256 features and 10 classes, the network
256-1024-1024-10 with ReLU and softmax cross-entropy, batch 512, float32, no L2 penalty (λ
would add element-wise work on every W per step, not counted as FLOPs), 3 epochs. At
this size nearly all the work is matrix multiplication, so the right yardstick is the
throughput numpy reaches on exactly the matmuls that training performs, measured in the same
run and in the same way: as many epochs' matmuls back to back as one fit trains, per epoch,
best of as many runs as fit gets.
A stricter figure is printed too: every matmul timed alone, at its best of five times as many
runs, and the best times added up (a sum of minima lies below what numpy reaches in any one
run of the sequence, so it favours numpy).

FLOPs are counted honestly, 2·n·N_in·N_out per matmul:
- every mini-batch: the forward pass (one matmul per layer), ∂J/∂W for every layer and
  δ·W (the error passed down) for every layer but the first;
- every epoch: the full forward pass over the training set that fit runs to record the
  training loss.
"Executed" FLOP/s counts all of these, "training-step" FLOP/s only the mini-batch part; both
divide by the whole time fit takes. The goal is executed/numpy >= 0.70 against the epoch
sequence; the ratio against the summed minima is reported beside it.

Run:  .venv/bin/python benchmarks/bench_large_batch.py [--epochs 3] [--repeats 5] [--check]
With --check the exit code is 1 when the goal fails (0 otherwise, and always 0 without it).
OPENBLAS_CORETYPE / OPENBLAS_NUM_THREADS are left as the environment sets them; the BLAS
configuration numpy runs with is printed at the top.
"""

from __future__ import annotations

import argparse
import os
import sys
import time

import numpy as np
from bench_cli import count

from mlp_core import MLP, fit

N_SAMPLES = 8192
LAYER_SIZES = [256, 1024, 1024, 10]
BATCH_SIZE = 512
LR = 0.01
SEED = 0
GOAL = 0.70  # executed FLOP/s of fit divided by numpy's matmul FLOP/s, at least


def blas_config():
    """One line saying which BLAS numpy uses, with how many threads and which core type."""
    env = ", ".join(f"{k}={os.environ[k]}" for k in ("OPENBLAS_CORETYPE", "OPENBLAS_NUM_THREADS",
                                                     "OMP_NUM_THREADS") if k in os.environ)
    env = f"; env: {env}" if env else "; OPENBLAS_CORETYPE not set"
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        blas = np.show_config(mode="dicts")["Build Dependencies"]["blas"]
        return f"BLAS {blas['name']} {blas.get('version', '')} (threadpoolctl not installed){env}"
    for info in threadpool_info():
        if info.get("user_api") == "blas" and "numpy" in info.get("filepath", ""):
            return (f"BLAS {info['internal_api']} {info.get('version')}, core type "
                    f"{info.get('architecture')}, {info['num_threads']} threads{env}")
    return f"BLAS: not found by threadpoolctl{env}"


def matmul_shapes(n_rows):
    """Return the matmuls of one training step on ``n_rows`` samples, as (A, B) shape pairs.

    Written in the layout mlp_core uses: forward h @ W.T, weight gradient δ.T @ h, error
    passed down δ @ W (W of shape (N_out, N_in), rows are samples).
    """
    layers = list(zip(LAYER_SIZES[:-1], LAYER_SIZES[1:]))
    forward = [((n_rows, n_in), (n_out, n_in), "h @ W.T") for n_in, n_out in layers]
    grad_w = [((n_rows, n_out), (n_rows, n_in), "δ.T @ h") for n_in, n_out in layers]
    grad_h = [((n_rows, n_out), (n_out, n_in), "δ @ W") for n_in, n_out in layers[1:]]
    return forward, grad_w, grad_h


def flops(pairs):
    """2·m·k·n for each matmul of the list."""
    total = 0
    for a, b, how in pairs:
        if how == "h @ W.T":
            m, k, n = a[0], a[1], b[0]
        elif how == "δ.T @ h":
            m, k, n = a[1], a[0], b[1]
        else:  # δ @ W
            m, k, n = a[0], a[1], b[1]
        total += 2 * m * k * n
    return total


class MatmulTimer:
    """Best-so-far seconds of each matmul in ``pairs``, float32, in mlp_core's layout."""

    def __init__(self, pairs, rng):
        self.pairs = pairs
        self.operands = [(rng.standard_normal(a, dtype=np.float32),
                          rng.standard_normal(b, dtype=np.float32)) for a, b, _ in pairs]
        self.best = [np.inf] * len(pairs)

    def run(self, repeats):
        """Time every matmul ``repeats`` times (after one warm-up), keeping the best."""
        for i, ((_, _, how), (A, B)) in enumerate(zip(self.pairs, self.operands)):
            product(A, B, how)
            for _ in range(repeats):
                start = time.perf_counter()
                product(A, B, how)
                self.best[i] = min(self.best[i], time.perf_counter() - start)


def time_epoch_matmuls(timer, n_batches, n_forward, epochs):
    """Seconds per epoch numpy takes for ``epochs`` epochs' matmuls back to back.

    Timed like ``time_fit``: a run of ``epochs`` epochs divided by their number. In each
    epoch, every mini-batch: all products of a step; then the loss pass as ``n_batches``
    forward passes of one batch each (the same FLOPs as fit's pass over the training set).
    """
    operands = list(zip(timer.pairs, timer.operands))
    start = time.perf_counter()
    for _ in range(epochs):
        for _ in range(n_batches):
            for (_, _, how), (A, B) in operands:
                product(A, B, how)
        for _ in range(n_batches):
            for (_, _, how), (A, B) in operands[:n_forward]:
                product(A, B, how)
    return (time.perf_counter() - start) / epochs


def product(A, B, how):
    """One matmul written exactly as mlp_core writes it."""
    if how == "h @ W.T":
        return A @ B.T
    if how == "δ.T @ h":
        return A.T @ B
    return A @ B


def time_fit(X, y, epochs, seed):
    """Seconds per epoch of one mlp_core.fit run, and its History."""
    net = MLP(LAYER_SIZES, activation="relu", seed=seed, dtype=np.float32)
    start = time.perf_counter()
    history = fit(net, X, y, loss="cross_entropy", lr=LR, epochs=epochs,
                  batch_size=BATCH_SIZE, seed=seed, progress=False)
    seconds = (time.perf_counter() - start) / epochs
    if any(W.dtype != np.float32 for W in net.weights):
        raise RuntimeError("fit changed the weights' dtype away from float32")
    return seconds, history


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
    parser.add_argument("--epochs", type=count, default=3, help="epochs per timed fit")
    parser.add_argument("--repeats", type=count, default=5, help="timed fits (best is kept)")
    parser.add_argument("--check", action="store_true", help="exit 1 if the goal fails")
    args = parser.parse_args(argv)

    print(f"numpy {np.__version__}; {blas_config()}")
    rng = np.random.default_rng(SEED)
    X = rng.standard_normal((N_SAMPLES, LAYER_SIZES[0]), dtype=np.float32)
    y = rng.integers(0, LAYER_SIZES[-1], size=N_SAMPLES)

    # --- FLOPs of one epoch ------------------------------------------------------------
    n_batches = N_SAMPLES // BATCH_SIZE  # 16 full batches, no remainder
    step_flops = n_batches * sum(flops(p) for p in matmul_shapes(BATCH_SIZE))
    loss_pass_flops = flops(matmul_shapes(N_SAMPLES)[0])  # forward only, whole training set
    epoch_flops = step_flops + loss_pass_flops

    # --- numpy's matmuls and mlp_core.fit, timed in turns (best of each) ------------------
    # Taking turns means a burst of load from other processes cannot favour either side.
    # numpy's reference runs the loss pass as 16 forward passes of 512 rows: a single
    # (8192 x 1024) product is slower here (its 32 MB result is fresh memory each time), and
    # the faster reference is the stricter yardstick.
    step = [p for part in matmul_shapes(BATCH_SIZE) for p in part]
    n_forward = len(LAYER_SIZES) - 1
    step_timer = MatmulTimer(step, rng)
    time_fit(X[:BATCH_SIZE], y[:BATCH_SIZE], 1, SEED)  # warm-up
    time_epoch_matmuls(step_timer, n_batches, n_forward, 1)  # warm-up
    best = best_sequence = np.inf
    for r in range(args.repeats):
        step_timer.run(repeats=5)
        best_sequence = min(best_sequence,
                            time_epoch_matmuls(step_timer, n_batches, n_forward, args.epochs))
        seconds, history = time_fit(X, y, args.epochs, SEED + r)
        best = min(best, seconds)

    print("\nnumpy float32 matmuls as training performs them, each alone, best of "
          f"{5 * args.repeats} (GFLOP/s):")
    for (a, b, how), s in zip(step, step_timer.best):
        print(f"  {how:<8} {str(a):>12} x {str(b):<12} {flops([(a, b, how)]) / s / 1e9:8.1f}")
    summed_seconds = n_batches * (sum(step_timer.best) + sum(step_timer.best[:n_forward]))
    summed_rate = epoch_flops / summed_seconds
    numpy_rate = epoch_flops / best_sequence
    print(f"  {args.epochs} epochs' matmuls back to back, per epoch, best of {args.repeats} "
          "(the yardstick): "
          f"{best_sequence:.4f} s, {numpy_rate / 1e9:.1f} GFLOP/s")
    print(f"  the best times above added up (stricter): {summed_seconds:.4f} s, "
          f"{summed_rate / 1e9:.1f} GFLOP/s")

    executed = epoch_flops / best
    training_only = step_flops / best
    ratio = executed / numpy_rate
    print(f"\nmlp_core.fit: {N_SAMPLES} samples, net {LAYER_SIZES}, batch {BATCH_SIZE}, float32, "
          f"{args.epochs} epochs, best of {args.repeats}")
    print(f"  seconds per epoch             {best:10.4f}")
    print(f"  GFLOP per epoch               {epoch_flops / 1e9:10.2f}   (training steps "
          f"{step_flops / 1e9:.2f} + loss pass {loss_pass_flops / 1e9:.2f})")
    print(f"  executed matmul GFLOP/s       {executed / 1e9:10.1f}")
    print(f"  training-step GFLOP/s only    {training_only / 1e9:10.1f}")
    print(f"  final training loss           {history.train_loss[-1]:10.4f}")
    ok = ratio >= GOAL
    print(f"\nexecuted / numpy = {ratio:.2f}   goal >= {GOAL:.2f}   {'PASS' if ok else 'FAIL'}"
          f"   (against the summed best times: {executed / summed_rate:.2f})")
    return 1 if (args.check and not ok) else 0


if __name__ == "__main__":
    sys.exit(main())

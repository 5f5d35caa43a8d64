"""Real-data proof: small MLPs trained with mlp_core.fit reach their goals on held-out data.

Runs the two recipes of :mod:`mlp_core.recipes` (see there for preprocessing, architecture
and hyper-parameters) and prints their test metrics against the goals:

- concrete compressive strength, regression: test R² >= 0.88
- 8x8 digits, 10 classes: test accuracy >= 0.97

Run:  .venv/bin/python scripts/real_data_report.py [--seeds 0 1 2 3 4] [--check]
With several seeds it prints one line per seed and the spread (min, mean, max). With
--check the exit code is 1 when any run misses its goal.
"""

from __future__ import annotations

import argparse
import sys
import time

import numpy as np

from mlp_core.recipes import CONCRETE, DIGITS, concrete_regression, digits_classification

GOAL_R2 = 0.88
GOAL_ACCURACY = 0.97


def report(name, recipe, metric, goal, seeds):
    """Run ``recipe`` for every seed, print one line each and the spread; return all passed."""
    values = []
    for seed in seeds:
        start = time.perf_counter()
        result = recipe(seed)
        seconds = time.perf_counter() - start
        value = result[metric]
        values.append(value)
        history = result["history"]
        print(f"  seed {seed}: test {metric} = {value:.4f}"
              + (f", RMSE {result['rmse']:.2f} MPa" if "rmse" in result else "")
              + f"  ({history.stopped_epoch} epochs"
              + (f", best {history.best_epoch}" if history.best_epoch else "")
              + f", {seconds:.1f} s)  {'PASS' if value >= goal else 'FAIL'}")
    if len(values) > 1:
        print(f"  {name}: {metric} min {min(values):.4f}, mean {np.mean(values):.4f}, "
              f"max {max(values):.4f} over seeds {list(seeds)}")
    return all(v >= goal for v in values)


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
    parser.add_argument("--seeds", type=int, nargs="+", default=[0], help="seeds to run")
    parser.add_argument("--check", action="store_true", help="exit 1 if a goal is missed")
    args = parser.parse_args(argv)

    print(f"Concrete strength, regression (goal: test R² >= {GOAL_R2})")
    print(f"  recipe: {CONCRETE}")
    ok = report("concrete", concrete_regression, "r2", GOAL_R2, args.seeds)
    print(f"\n8x8 digits, classification (goal: test accuracy >= {GOAL_ACCURACY})")
    print(f"  recipe: {DIGITS}")
    ok = report("digits", digits_classification, "accuracy", GOAL_ACCURACY, args.seeds) and ok
    return 1 if (args.check and not ok) else 0


if __name__ == "__main__":
    sys.exit(main())

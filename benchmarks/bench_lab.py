"""Time the regularization lab's redraws: a slider change should come back within 250 ms.

A redraw is what a student waits for after releasing a slider: retraining the MLP (300
epochs at the defaults), drawing the network with every unit's map, the decision boundary
and the loss curves, and encoding the PNG (``Panel.last_seconds``). The benchmark builds the
lab at its defaults, moves ``λ (L2)``, ``dropout`` and ``hidden layers`` to a few positions
each (going back to the default after each), and prints the median and the largest redraw
time per control with PASS/FAIL against the goal. It writes the figure at the defaults to a
PNG and prints its path.

Then the live lab (issue 12), on an asyncio loop as in a kernel, reported without a verdict:
- a change as the browser sends it (``control.set_state``): time to the first picture (the
  run after ~35 ms of training; goal <= 150 ms) and to the last (the whole run);
- one picture alone, no training (wall and CPU);
- Play for a few seconds: pictures per second (goal >= 10) and epochs per second.

The machine's load average and the median CPU time of the redraws are printed too: other
processes on a 2-core machine slow every redraw down (wall clock), while the CPU time shows
what the lab itself costs; read a FAIL together with them.

Run:  .venv/bin/python benchmarks/bench_lab.py [--out PATH] [--repeats 3] [--dpi 100] [--check]
--dpi sets the figure resolution (40-300; mlp_core.widgets.set_figure_dpi), 120 for a projector.
With --check the exit code is 1 when a control misses the goal (always 0 without it).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import time
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

from bench_cli import count  # noqa: E402

from mlp_core.plotting.style import PANEL_DPI  # noqa: E402
from mlp_core.widgets import regularization_lab, set_figure_dpi  # noqa: E402
from mlp_core.widgets.base import DPI_RANGE  # noqa: E402

GOAL_SECONDS = 0.250
#: Issue 12's goals for the live lab (reported, not judged: the machine is shared).
FIRST_PICTURE_GOAL = 0.150
PICTURES_PER_SECOND_GOAL = 10
PLAY_SECONDS = 4.0
#: Positions visited per control (each followed by a return to the default).
MOVES = {
    "lam": [0.001, 0.01, 0.03],
    "dropout": [0.2, 0.5, 0.8],
    "hidden_layers": [1, 3, 4],
}
DEFAULT_OUT = Path(__file__).resolve().parent / "regularization_lab.png"


def time_control(lab, name, positions, repeats):
    """Move ``name`` to each position and back, ``repeats`` times, timing every redraw.

    Returns
    -------
    (list of float, list of float)
        Wall-clock redraw times (``Panel.last_seconds``) and the CPU time of this process
        for the same redraws, in seconds.
    """
    control = lab.controls[name]
    default = control.value
    wall, cpu = [], []
    for _ in range(repeats):
        for value in [v for p in positions for v in (p, default)]:
            start = time.process_time()
            control.value = value
            cpu.append(time.process_time() - start)
            wall.append(lab.last_seconds)
    return wall, cpu


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
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="PNG of the lab figure")
    parser.add_argument("--repeats", type=count, default=3, help="passes over the positions")
    parser.add_argument("--check", action="store_true", help="exit 1 if a control fails")
    parser.add_argument("--dpi", type=int, default=PANEL_DPI,
                        help="figure resolution (mlp_core.widgets.set_figure_dpi)")
    args = parser.parse_args(argv)
    low, high = DPI_RANGE
    if not low <= args.dpi <= high:
        parser.error(f"--dpi must be in [{low}, {high}], got {args.dpi}")

    set_figure_dpi(args.dpi)
    lab = regularization_lab()
    lab.redraw()  # the first draw pays for imports and font caches; not what students wait for
    defaults = dict(lab.values)
    print(f"regularization lab, defaults {defaults}, {args.dpi} dpi")
    print(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs; BLAS limited to "
          f"one thread: yes (Panel.redraw holds BLAS to one thread)")
    goal_ms = GOAL_SECONDS * 1e3
    print(f"{'control':<15}{'redraws':>8}{'median ms':>11}{'max ms':>9}{'CPU ms':>8}   "
          f"goal: median <= {goal_ms:.0f} ms")
    failed = []
    for name, positions in MOVES.items():
        label = lab.controls[name].description  # what the student sees
        seconds, cpu = time_control(lab, name, positions, args.repeats)
        median, worst = statistics.median(seconds), max(seconds)
        verdict = "PASS" if median <= GOAL_SECONDS else "FAIL"
        if verdict == "FAIL":
            failed.append(label)
        note = "" if worst <= GOAL_SECONDS else f" (max above {goal_ms:.0f} ms)"
        print(f"{label:<15}{len(seconds):>8}{median * 1e3:>11.0f}{worst * 1e3:>9.0f}"
              f"{statistics.median(cpu) * 1e3:>8.0f}   "
              f"{verdict}{note}")
    print("overall:", "PASS" if not failed else f"FAIL ({', '.join(failed)})")

    asyncio.run(live(lab, args.repeats))
    lab.set(**defaults)
    lab.redraw()  # the defaults again
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_bytes(lab.image.value)
    print(f"figure at the defaults: {args.out}")
    return 1 if (failed and args.check) else 0


async def browser_change(lab, name, value):
    """Change ``name`` as a slider message from the browser does; (first, last) picture (s).

    ``set_state`` is what ipywidgets calls for a message from the page; the lab then shows
    the whole run in a few pictures (a replay task on the running loop).
    """
    frames = lab.frames
    start = time.perf_counter()
    lab.controls[name].set_state({"value": value})
    while lab._task is not None and not lab._task.done():
        await asyncio.sleep(0.002)
    times = [t - start for t in lab.frame_times[frames:]]
    return times[0], times[-1]


async def live(lab, repeats):
    """Print the live lab's timings: replayed changes, one picture, playing."""
    print(f"\nlive lab (issue 12), load average {os.getloadavg()[0]:.2f}")
    firsts, lasts = [], []
    for _ in range(repeats):
        for name, positions in MOVES.items():
            default = lab.controls[name].value
            for value in [v for p in positions for v in (p, default)]:
                first, last = await browser_change(lab, name, value)
                firsts.append(first)
                lasts.append(last)
    print(f"a change from the browser, {len(firsts)} changes: first picture median "
          f"{statistics.median(firsts) * 1e3:.0f} ms (goal <= {FIRST_PICTURE_GOAL * 1e3:.0f} ms),"
          f" whole run shown after {statistics.median(lasts) * 1e3:.0f} ms")
    wall, cpu = [], []
    for _ in range(10):
        start, start_cpu = time.perf_counter(), time.process_time()
        lab._show()
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    print(f"one picture, no training: median {statistics.median(wall) * 1e3:.0f} ms wall, "
          f"{statistics.median(cpu) * 1e3:.0f} ms CPU")
    lab.reset()
    frames, epoch = lab.frames, lab.epoch
    start = time.perf_counter()
    lab.play()
    await asyncio.sleep(PLAY_SECONDS)
    lab.pause()
    seconds = time.perf_counter() - start
    print(f"playing {seconds:.1f} s: {(lab.frames - frames) / seconds:.1f} pictures/s "
          f"(goal >= {PICTURES_PER_SECOND_GOAL}), {(lab.epoch - epoch) / seconds:.0f} epochs/s;"
          f" load average {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    sys.exit(main())

"""Run every notebook in a real JupyterLab: no error or warning, and every widget renders.

Every slider of every panel must redraw its figure at both ends and one step in. One test
per ``notebooks/*.ipynb`` (found when the tests are collected). The regularization lab's
key-to-image latency is measured and reported, not asserted (speed goals are reported).
"""

from __future__ import annotations

import json
import os
import secrets
import statistics
import time

import nbformat
import pytest

from .conftest import NOTEBOOK_DIR, REPORT, notebook_lab
from .lab import (
    exercise_slider,
    open_notebook,
    output_problems,
    press_and_wait,
    run_all,
    screenshot_panel,
    slider_label,
    slider_readout,
    wait_widgets,
)

pytestmark = pytest.mark.browser

NOTEBOOKS = sorted(NOTEBOOK_DIR.glob("*.ipynb"))
LAB = ".regularization-lab"
LATENCY_SLIDERS = ("λ (L2)", "dropout", "hidden layers")
LATENCY_GOAL_MS = 250
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
UNCHANGED = {"summary only": "same figure, new summary",
             "nothing": "same figure and summary (the kernel redrew without error)"}
LATENCIES = {}  # notebook stem -> latency report, for the JSON artifact


def launch_early(early, tmp_path_factory):
    """Start the JupyterLab of these tests at the session's start (conftest.Early)."""
    early.launch("jupyterlab", lambda: notebook_lab(tmp_path_factory))


def stored_widget_outputs(path):
    """How many widget views the stored (executed) notebook displays."""
    notebook = nbformat.read(path, as_version=4)
    return sum(WIDGET_VIEW in output.get("data", {})
               for cell in notebook.cells if cell.cell_type == "code" for output in cell.outputs)


def measure_latency(panel, kernel_log, moves=4):
    """Measure key-to-new-image times (s) for LATENCY_SLIDERS: one step up and back, twice.

    The panel ends at its defaults. Returns {slider: [seconds]} and the failed steps.
    """
    handles = panel.locator('[role="slider"]')
    by_label = {slider_label(handles.nth(i)): handles.nth(i) for i in range(handles.count())}
    times, failed = {}, []
    for name in LATENCY_SLIDERS:
        if name not in by_label:
            failed.append(f"no slider described {name!r} (sliders: {sorted(by_label)})")
            continue
        handle, keys, steps = by_label[name], ["ArrowRight", "ArrowLeft"], []
        for n in range(moves):
            step = press_and_wait(panel, handle, keys[n % 2], kernel_log)
            if n == 0 and not step.shown:  # already at the top: go down first
                keys.reverse()
                step = press_and_wait(panel, handle, keys[0], kernel_log)
            steps.append(step)
            wait_whole_run(panel, by_label.get("epochs"))
        failed += [f"{s.slider} {s.key}: {s.problem or 'image did not change'}"
                   for s in steps if s.problem or s.seconds is None]
        times[name] = [s.seconds for s in steps if s.seconds is not None]
    return times, failed


def wait_whole_run(panel, epochs_handle, timeout=30_000):
    """Wait until the lab shows its whole run.

    A change arrives as a few pictures (the first after a few epochs), and the next press
    must not count the last of them as its own.
    """
    if epochs_handle is None or not panel.locator(".lab-epoch").count():
        return
    epochs = slider_readout(epochs_handle)
    panel.page.wait_for_function(
        r"([p, n]) => p.querySelector('.lab-epoch').innerText.match(/^epoch (\d+)/)?.[1] === n",
        arg=[panel.element_handle(), epochs], timeout=timeout)


def report_latency(times, notebook, artifacts):
    """Medians per slider and overall (ms): into the summary and the JSON artifact."""
    medians = {name: round(1000 * statistics.median(t), 1) for name, t in times.items() if t}
    samples = [t for values in times.values() for t in values]
    overall = round(1000 * statistics.median(samples), 1) if samples else None
    load = round(os.getloadavg()[0], 1)
    LATENCIES[notebook.stem] = {
        "goal_ms": LATENCY_GOAL_MS, "overall_median_ms": overall, "median_ms": medians,
        "samples_ms": {name: [round(1000 * t, 1) for t in ts] for name, ts in times.items()},
        "load_average_1min": load,
    }
    (artifacts / "regularization_lab_latency.json").write_text(
        json.dumps(LATENCIES, indent=2, ensure_ascii=False))
    per_slider = ", ".join(f"{name} {ms} ms" for name, ms in medians.items())
    REPORT.append(f"{notebook.stem}: regularization lab, key to new image, median: {per_slider};"
                  f" overall {overall} ms (goal < {LATENCY_GOAL_MS} ms; load average {load})")


def exercise_panels(panels, kernel_log):
    """Move every slider of every panel to both ends and one step back.

    Returns [(panel number, Step)]. A panel whose redraw timed out is left alone from then
    on.
    """
    steps = []
    for i in range(panels.count()):
        panel = panels.nth(i)
        panel.scroll_into_view_if_needed()
        handles = panel.locator('[role="slider"]')
        for j in range(handles.count()):
            steps += [(i + 1, step) for step in exercise_slider(panel, handles.nth(j), kernel_log)]
            if "no redraw within" in steps[-1][1].problem:
                break
    return steps


def describe(panel, step, text):
    move = f"{step.key} ({step.before} -> {step.after})"
    return f"panel {panel} slider {step.slider!r} {move}: {text}"


def step_problems(steps):
    """Failed presses, and every move of a slider's value that left the figure unchanged."""
    problems = [describe(i, s, s.problem) for i, s in steps if s.problem]
    problems += [describe(i, s, UNCHANGED[s.shown]) for i, s in steps if s.shown in UNCHANGED]
    return problems


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[path.stem for path in NOTEBOOKS])
def test_notebook_runs_and_every_slider_redraws(notebook, page, kernel_log, lab_server,
                                                artifacts):
    start = time.perf_counter()
    open_notebook(page, lab_server, notebook.name, workspace=f"test-{secrets.token_hex(4)}")
    run_all(page)
    problems = output_problems(page) + wait_widgets(page, stored_widget_outputs(notebook))
    problems += [p for p in output_problems(page) if p not in problems]

    lab = page.locator(LAB)
    if lab.count():
        lab.first.scroll_into_view_if_needed()
        times, failed = measure_latency(lab.first, kernel_log)
        report_latency(times, notebook, artifacts)
        problems += [f"latency run: {f}" for f in failed]

    panels = page.locator(".mlp-panel")
    steps = exercise_panels(panels, kernel_log)
    problems += step_problems(steps)
    problems += [p for p in output_problems(page) if p not in problems]
    # Errors from cell execution are in the outputs already; the rest came from callbacks.
    problems += [f"kernel: {p}" for p in kernel_log.problems if "execute_request" not in p
                 and not any(p in q for q in problems)]

    if panels.count():
        screenshot_panel(lab.first if lab.count() else panels.first,
                         artifacts / f"{notebook.stem}.png")
    REPORT.append(f"{notebook.stem}: {time.perf_counter() - start:.1f} s "
                  f"({panels.count()} panels, {len(steps)} slider moves)")
    assert not problems, f"{notebook.name}:\n" + "\n".join(problems)

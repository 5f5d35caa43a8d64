"""Run every notebook in a real JupyterLab: no error or warning, and every widget renders.

Every slider of every panel must redraw its figure at both ends and one step in. One test
per ``notebooks/*.ipynb`` (found when the tests are collected). The regularization lab's
key-to-image latency is measured and reported, not asserted (speed goals are reported).

Each notebook gets a fresh page in a browser context of its own. Loading JupyterLab in it
takes about 8 s of a core, so the next test's page starts loading while this test moves its
sliders (``NotebookPages``); never during the latency run, which has the machine to itself.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import statistics
import time
from dataclasses import dataclass

import nbformat
import pytest

from .conftest import NOTEBOOK_DIR, REPORT, VIEWPORT, notebook_lab
from .kernellog import KernelLog
from .lab import (
    exercise_slider,
    finish_opening,
    kernel_ids,
    output_problems,
    press_and_wait,
    run_all,
    screenshot_panel,
    slider_label,
    slider_readout,
    start_opening,
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


@dataclass
class Opening:
    """A notebook loading (or loaded) in a page of its own browser context."""

    name: str
    context: object
    page: object
    kernel_log: KernelLog
    channels: list  # the page's kernel websockets
    seconds: float = 0.0  # spent waiting for it in ``take``


class NotebookPages:
    """Notebooks opened in JupyterLab, each in a fresh page and browser context.

    ``prepare(name)`` starts loading a notebook and returns at once; ``take(name)`` returns
    its ``Opening`` once the kernel is connected and idle (preparing it first if nobody
    did); ``close`` closes the page and shuts down its kernel, and no other.
    """

    def __init__(self, browser, server):
        self.browser, self.server = browser, server
        self.pending = {}

    def prepare(self, name):
        if name in self.pending:
            return
        context = self.browser.new_context(viewport=VIEWPORT)
        page = context.new_page()
        page.set_default_timeout(30_000)
        kernel_log = KernelLog().attach(page)
        channels = start_opening(page, self.server, name, workspace=f"test-{secrets.token_hex(4)}")
        self.pending[name] = Opening(name, context, page, kernel_log, channels)

    def take(self, name):
        start = time.perf_counter()
        self.prepare(name)
        opening = self.pending.pop(name)
        try:
            finish_opening(opening.page, opening.channels, name)
        except BaseException:
            self.close(opening)
            raise
        opening.seconds = time.perf_counter() - start
        return opening

    def close(self, opening):
        with contextlib.suppress(Exception):
            opening.context.close()
        self.server.shutdown_kernels(kernel_ids(opening.channels))

    def close_all(self):
        for opening in self.pending.values():
            self.close(opening)
        self.pending.clear()


@pytest.fixture(scope="module")
def notebook_pages(browser, lab_server):
    pages = NotebookPages(browser, lab_server)
    try:
        yield pages
    finally:
        pages.close_all()
        lab_server.shutdown_kernels()


@pytest.fixture
def opened(request, notebook_pages):
    """Yield the test's notebook open in a fresh page, its kernel idle; close it afterwards."""
    opening = notebook_pages.take(request.node.callspec.params["notebook"].name)
    try:
        yield opening
    finally:
        notebook_pages.close(opening)


def next_notebook(request):
    """Return the notebook of the test that runs next, if that is one of these tests."""
    items = request.session.items
    following = items[items.index(request.node) + 1:][:1]
    if following and following[0].originalname == request.node.originalname:
        return following[0].callspec.params["notebook"]
    return None


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
            old_state = panel.locator(".lab-state input").input_value()
            step = press_and_wait(panel, handle, keys[n % 2], kernel_log)
            if n == 0 and not step.shown:  # already at the top: go down first
                keys.reverse()
                step = press_and_wait(panel, handle, keys[0], kernel_log)
            steps.append(step)
            wait_whole_run(panel, by_label.get("epochs"),
                           old_state if step.shown == "figure" else None)
        failed += [f"{s.slider} {s.key}: {s.problem or 'image did not change'}"
                   for s in steps if s.problem or s.seconds is None]
        times[name] = [s.seconds for s in steps if s.seconds is not None]
    return times, failed


def wait_whole_run(panel, epochs_handle, old_state=None, timeout=30_000):
    """Wait until the lab shows its whole run.

    A change arrives as a few pictures (the first after a few epochs), and the next press
    must not count the last of them as its own. The lab sends its state (``.lab-state``)
    only with the last picture of a whole run, after the picture and the epoch readout: a
    change of the state from ``old_state`` is the sure sign (the readout alone may still
    show the end of the run before while the first new picture is there already).
    """
    if epochs_handle is None or not panel.locator(".lab-epoch").count():
        return
    if old_state is not None:
        panel.page.wait_for_function(
            "([field, old]) => field.value !== old",
            arg=[panel.locator(".lab-state input").element_handle(), old_state],
            timeout=timeout)
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
def test_notebook_runs_and_every_slider_redraws(notebook, opened, notebook_pages, request,
                                                artifacts):
    page, kernel_log = opened.page, opened.kernel_log
    start = time.perf_counter() - opened.seconds
    run_all(page)
    problems = output_problems(page) + wait_widgets(page, stored_widget_outputs(notebook))
    problems += [p for p in output_problems(page) if p not in problems]

    lab = page.locator(LAB)
    if lab.count():
        lab.first.scroll_into_view_if_needed()
        times, failed = measure_latency(lab.first, kernel_log)
        report_latency(times, notebook, artifacts)
        problems += [f"latency run: {f}" for f in failed]

    # The next test's page loads while the sliders move (after the latency run, never in it).
    if (following := next_notebook(request)) is not None:
        notebook_pages.prepare(following.name)
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

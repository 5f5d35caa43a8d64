"""Test that widget callbacks run on the thread that built the panel, whoever calls them.

JupyterLab 4.6 with ipykernel 7 delivers widget messages on a kernel subshell: another
thread, with its own asyncio loop, while some messages still arrive on the main thread. Two
callbacks of one panel then drew one matplotlib figure at the same time (CI saw "shape
mismatch" errors from the lab's loss curves). Here a worker thread plays the subshell: it
calls ``set_state`` (what a comm message from the browser does) or clicks, while the
panel's own loop runs in the test's thread.
"""

from __future__ import annotations

import asyncio
import threading

import matplotlib
import pytest

matplotlib.use("Agg")

from mlp_core.widgets import perceptron_learning_panel, regularization_lab  # noqa: E402
from mlp_core.widgets.base import OwnThread  # noqa: E402
from mlp_core.widgets.regularization import _lab_run  # noqa: E402


def in_thread(action):
    """Run ``action()`` on a new thread (a stand-in for a kernel subshell) and wait for it."""
    errors = []

    def target():
        try:
            action()
        except BaseException as error:  # noqa: BLE001 - re-raised on the test's thread
            errors.append(error)

    worker = threading.Thread(target=target)
    worker.start()
    worker.join()
    if errors:
        raise errors[0]


def record_threads(lab):
    """Make ``lab._show`` note the thread it runs on; return the list of thread idents."""
    seen, show = [], lab._show

    def noting_show(*args):
        seen.append(threading.get_ident())
        return show(*args)

    lab._show = noting_show
    return seen


async def until(condition, seconds=20.0):
    """Await the loop until ``condition()`` is true; fail after ``seconds``."""
    loop = asyncio.get_running_loop()
    end = loop.time() + seconds
    while not condition():
        assert loop.time() < end, "timed out"
        await asyncio.sleep(0.01)


def test_own_thread_runs_here_now_and_elsewhere_on_its_loop():
    calls = []
    outside = OwnThread()  # no running loop: a script or a plain test
    assert outside.loop is None
    in_thread(lambda: outside.call(calls.append, "script"))
    assert calls == ["script"]  # ran at once, on the worker thread

    async def session():
        own = OwnThread()
        here = threading.get_ident()
        assert own.call(lambda: calls.append(threading.get_ident())) is True
        handed = []
        in_thread(lambda: handed.append(own.call(lambda: calls.append(threading.get_ident()))))
        assert handed == [False] and calls[-1] == here  # not yet run by the worker
        await until(lambda: len(calls) == 3)
        assert calls[1:] == [here, here]

    asyncio.run(session())


def test_a_browser_change_from_another_thread_replays_on_the_lab_loop():
    async def session():
        lab = regularization_lab()
        here, seen = threading.get_ident(), record_threads(lab)
        in_thread(lambda: lab.controls["lam"].set_state({"value": 0.01}))
        assert seen == [] and lab.run.lam == 0.0  # handed over, nothing done on the worker
        await until(lambda: lab.run.lam == 0.01 and lab._task is not None)
        task = lab._task  # a browser change: the replay is a task on the lab's loop
        assert task.get_loop() is asyncio.get_running_loop()
        await until(task.done)
        assert seen and set(seen) == {here}
        return lab

    lab = asyncio.run(session())
    expected = _lab_run(lam=0.01)
    assert lab.history.val_loss == expected.history.val_loss


def test_changes_from_two_threads_during_a_replay_never_draw_at_once():
    problems = []

    async def session():
        loop = asyncio.get_running_loop()
        loop.set_exception_handler(lambda _, context: problems.append(context))
        lab = regularization_lab()
        here, seen = threading.get_ident(), record_threads(lab)
        lab.ghost_box.value = True  # the ghost curves were the ones drawn half-updated
        for lr, width in [(1.0, 128), (0.794, 8), (0.1, 64), (0.5, 32)]:
            lab.controls["epochs"].set_state({"value": 900})  # a long replay, from "browser"
            await asyncio.sleep(0.02)  # the replay is under way on this loop
            in_thread(lambda lr=lr: lab.controls["lr"].set_state({"value": lr}))
            in_thread(lambda width=width: lab.controls["width"].set_state({"value": width}))
            in_thread(lambda: lab.step_button.click())
            await asyncio.sleep(0.05)
        await until(lambda: lab._task is None or lab._task.done())
        await asyncio.sleep(0.05)
        assert set(seen) == {here}
        return lab

    lab = asyncio.run(session())
    assert problems == []
    assert (lab.run.lr, lab.net.layer_sizes[1]) == (0.5, 32)


def test_the_perceptron_panel_fits_its_slider_before_redrawing_on_any_thread():
    async def session():
        panel = perceptron_learning_panel()
        redraws = panel.redraws
        in_thread(lambda: panel.controls["dataset"].set_state({"index": 1}))  # syncs its index
        assert panel.redraws == redraws  # handed over
        await until(lambda: panel.redraws > redraws)
        await asyncio.sleep(0.05)
        return panel, redraws

    panel, redraws = asyncio.run(session())
    assert panel.redraws == redraws + 1  # one redraw, with the slider already fitted
    assert panel.drawn_values["dataset"] == "XOR"
    assert panel.controls["k"].value <= panel.controls["k"].max


@pytest.mark.parametrize("name", ["lam", "dropout"])
def test_a_code_change_on_the_own_thread_still_redraws_at_once(name):
    async def session():
        lab = regularization_lab()
        lab.controls[name].value = 0.1 if name == "dropout" else 0.01
        return lab  # no await in between: the whole run was shown synchronously

    lab = asyncio.run(session())
    assert lab.epoch == lab.values["epochs"] and getattr(lab.run, name) in (0.1, 0.01)

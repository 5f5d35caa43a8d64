"""A session that ends badly, run in a child pytest by test_cleanup.py.

It never runs on its own: the file name does not match ``test_*.py``.

``CLEANUP_SCENARIO`` says how the test ends once JupyterLab, a kernel and Chromium are up:
``fail`` (an assertion fails), ``interrupt`` (Ctrl-C while all three are up) or
``kill`` (SIGKILL: no teardown, no atexit; only the safety nets are left).
"""

from __future__ import annotations

import os
import signal
import threading
import time

import pytest

from .lab import open_notebook


def test_session_that_ends_badly(page, lab_server):
    open_notebook(page, lab_server, "demo.ipynb", workspace="cleanup")
    scenario = os.environ["CLEANUP_SCENARIO"]
    print(f"READY {scenario}", flush=True)
    if scenario == "fail":
        pytest.fail("deliberate failure")
    elif scenario == "interrupt":
        # A process started in the background by a non-interactive shell inherits SIGINT as
        # *ignored*, and Python then installs no KeyboardInterrupt handler: Ctrl-C would do
        # nothing. Install Python's own handler, as an interactive terminal session has it.
        signal.signal(signal.SIGINT, signal.default_int_handler)
        threading.Timer(1.0, os.kill, (os.getpid(), signal.SIGINT)).start()
        time.sleep(30)
    elif scenario == "kill":
        os.kill(os.getpid(), signal.SIGKILL)
    raise AssertionError(f"scenario {scenario!r} did not end the test")

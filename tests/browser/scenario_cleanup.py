"""A session that ends badly, run in a child pytest by test_cleanup.py.

It never runs on its own: the file name does not match ``test_*.py``.

``CLEANUP_SCENARIO`` says how the test ends once JupyterLab, a kernel and Chromium are up:
``fail`` (an assertion fails), ``interrupt`` (Ctrl-C while all three are up) or
``kill`` (SIGKILL: no teardown, no atexit; only the safety nets are left). It does so once
test_cleanup.py has seen all three below it (the file ``CLEANUP_SEEN`` names exists).

The kernel is started the way JupyterLab starts a notebook's kernel (a session through the
server's REST API) and the page holds a websocket to it, as JupyterLab's page would; the
JupyterLab interface itself is not loaded (it plays no part in what has to be stopped, and
loading it costs each child 8 s of a core).
"""

from __future__ import annotations

import os
import signal
import threading
import time

import pytest


def connect_kernel(page, server, path, timeout=60.0):
    """Start ``path``'s kernel in a session, connect ``page`` to it, wait until it is idle."""
    session = server.api("POST", "api/sessions", body={
        "path": path, "name": path, "type": "notebook", "kernel": {"name": "python3"}})
    kernel = session["kernel"]["id"]
    # A page from the server's origin (its websockets require that), without the API's
    # content security policy (which forbids connections)
    page.goto(server.url("static/favicon.ico"))
    page.evaluate("""url => new Promise((resolve, reject) => {
      const socket = window.kernelSocket = new WebSocket(url);
      socket.onopen = resolve;
      socket.onerror = () => reject(new Error('no websocket to the kernel'));
    })""", server.url(f"api/kernels/{kernel}/channels").replace("http://", "ws://", 1))
    deadline = time.monotonic() + timeout
    while server.api("GET", f"api/kernels/{kernel}")["execution_state"] != "idle":
        if time.monotonic() > deadline:
            raise TimeoutError(f"kernel of {path} not idle after {timeout} s")
        time.sleep(0.1)


def wait_until_seen(flag, timeout=60.0):
    """Wait until the watching test has seen the server, the kernel and Chromium."""
    deadline = time.monotonic() + timeout
    while not os.path.exists(flag):
        if time.monotonic() > deadline:
            pytest.fail(f"test_cleanup.py did not see every process within {timeout} s")
        time.sleep(0.05)


def test_session_that_ends_badly(page, lab_server):
    connect_kernel(page, lab_server, "demo.ipynb")
    wait_until_seen(os.environ["CLEANUP_SEEN"])
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

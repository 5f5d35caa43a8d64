"""A throwaway JupyterLab server for the browser tests, and its clean shutdown.

``LabServer`` starts ``jupyter lab`` on 127.0.0.1, on a free port, with a random token and
its own config/data/runtime/workspace/settings/checkpoint folders (nothing of the user's
setup leaks in, nothing of ours leaks out: no checkpoint lands next to the notebooks).
Settings overrides silence the "Jupyter news" notification, turn autosave off (a test must
never rewrite a notebook in the repository) and attach every cell to the DOM, so a test can
count cells and prompts. ``start()`` is ``launch()`` (start the process, return at once) then
``wait_ready()``, so that several servers can start side by side.

Stopping it leaves no process behind, in three layers:

1. ``stop()``: shut every kernel down through the REST API, SIGTERM then SIGKILL the server's
   process group, then kill any descendant still alive (kernels run in their own session,
   so killing the group alone would miss them).
2. ``atexit``: every server still running when Python exits is stopped the same way.
3. Linux: the server is started with ``PR_SET_PDEATHSIG``, so it gets SIGTERM even if the
   test process is killed with SIGKILL; jupyter then shuts its kernels down, and a kernel
   whose server has gone exits by itself (ipykernel's parent poller).
"""

from __future__ import annotations

import atexit
import contextlib
import ctypes
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlencode

import psutil

__all__ = ["LabServer", "SETTINGS_OVERRIDES"]

SETTINGS_OVERRIDES = {
    "@jupyterlab/apputils-extension:notification": {
        "fetchNews": "false",
        "checkForUpdates": False,
    },
    "@jupyterlab/docmanager-extension:plugin": {"autosave": False},
    "@jupyterlab/notebook-extension:tracker": {"windowingMode": "none"},
}

_RUNNING: set[LabServer] = set()


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _die_with_parent():  # runs in the child between fork and exec
    if sys.platform == "linux":
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


class LabServer:
    """``jupyter lab`` serving ``root_dir``, with all its state under ``work_dir``.

    ``settings_overrides`` (default SETTINGS_OVERRIDES) is written as the server's
    ``overrides.json``; None writes none (JupyterLab's own defaults).
    """

    def __init__(self, root_dir, work_dir, settings_overrides=SETTINGS_OVERRIDES):
        self.root_dir = Path(root_dir)
        self.work_dir = Path(work_dir)
        self.settings_overrides = settings_overrides
        self.token = secrets.token_hex(16)
        self.port = None
        self.process = None
        self.log_path = self.work_dir / "jupyter.log"
        self._seen = {}  # pid -> psutil.Process: every descendant ever seen
        self._launched_at = None
        self._ready = False

    @property
    def base_url(self):
        return f"http://127.0.0.1:{self.port}"

    def url(self, path, **query):
        """Absolute URL of ``path`` with the token (``?reset&token=...`` style queries)."""
        parts = [key if value is None else urlencode({key: value})
                 for key, value in {**query, "token": self.token}.items()]
        return f"{self.base_url}/{path.lstrip('/')}?{'&'.join(parts)}"

    def api(self, method, path, timeout=10, body=None):
        """Call the REST API (``body``: sent as JSON); returns the decoded JSON body or None."""
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.url(path), data=data, method=method,
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=timeout) as response:
            body = response.read()
        return json.loads(body) if body else None

    def _options(self):
        """Options for ``jupyter lab``: this server's port, token and folders."""
        work = self.work_dir
        return [
            "--no-browser", f"--port={self.port}", "--ServerApp.port_retries=0",
            f"--IdentityProvider.token={self.token}",
            f"--ServerApp.root_dir={self.root_dir}",
            "--ServerApp.terminals_enabled=False",
            f"--LabApp.app_settings_dir={work / 'app-settings'}",
            f"--LabApp.user_settings_dir={work / 'user-settings'}",
            f"--LabApp.workspaces_dir={work / 'workspaces'}",
            # Lab makes a checkpoint of every notebook it opens: keep them out of the repo.
            f"--FileCheckpoints.checkpoint_dir={work / 'checkpoints'}",
        ]

    def _command(self):
        command = [sys.executable, "-m", "jupyter", "lab", "--ip=127.0.0.1", *self._options()]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            command.append("--allow-root")
        return command

    def _environment(self):
        env = dict(os.environ)
        for name, folder in [("JUPYTER_CONFIG_DIR", "config"), ("JUPYTER_DATA_DIR", "data"),
                             ("JUPYTER_RUNTIME_DIR", "runtime"), ("IPYTHONDIR", "ipython")]:
            env[name] = str(self.work_dir / folder)
        env["PYDEVD_DISABLE_FILE_VALIDATION"] = "1"  # no debugpy banner in the kernel log
        return env

    def start(self, timeout=60.0):
        """Start the server and wait until ``/api/status`` answers."""
        return self.launch().wait_ready(timeout)

    def launch(self):
        """Start the server's process and return at once (``wait_ready`` waits for it).

        Several servers launched one after the other start side by side.
        """
        if self.process is not None:
            return self
        settings = self.work_dir / "app-settings"
        settings.mkdir(parents=True, exist_ok=True)
        if self.settings_overrides is not None:
            (settings / "overrides.json").write_text(
                json.dumps(self.settings_overrides, indent=2))
        self.port = _free_port()
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(
                self._command(), cwd=self.root_dir, env=self._environment(),
                stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True, preexec_fn=_die_with_parent,
            )
        _RUNNING.add(self)
        self._launched_at = time.monotonic()
        return self

    def wait_ready(self, timeout=60.0):
        """Wait until the launched server answers, at most ``timeout`` s after its launch."""
        if self._ready:
            return self
        deadline = self._launched_at + timeout
        while True:
            if self.process.poll() is not None:
                self.stop()
                raise RuntimeError(f"jupyter lab exited at start:\n{self.log_tail()}")
            with contextlib.suppress(OSError, ValueError):
                self._check_ready()
                self._ready = True
                return self
            if time.monotonic() > deadline:
                break
            time.sleep(0.1)
        self.stop()
        raise TimeoutError(f"jupyter lab not ready after {timeout} s:\n{self.log_tail()}")

    def _check_ready(self):
        """Raise OSError or ValueError until the server answers."""
        self.api("GET", "api/status", timeout=2)

    def log_tail(self, lines=40):
        with contextlib.suppress(OSError):
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        return ""

    def descendants(self):
        """Every process started below the server that is alive now (kernels, mostly)."""
        with contextlib.suppress(psutil.Error):
            for child in psutil.Process(self.process.pid).children(recursive=True):
                self._seen.setdefault(child.pid, child)
        return [p for p in self._seen.values() if p.is_running()]

    def shutdown_kernels(self, ids=None):
        """Shut down every kernel (or those in ``ids``) through the REST API (best effort)."""
        with contextlib.suppress(OSError, ValueError):
            for kernel in self.api("GET", "api/kernels"):
                if ids is None or kernel["id"] in ids:
                    with contextlib.suppress(OSError, ValueError):
                        self.api("DELETE", f"api/kernels/{kernel['id']}", timeout=15)

    def stop(self):
        """Stop kernels, the server's process group and any straggler. Idempotent."""
        _RUNNING.discard(self)
        if self.process is None:
            return
        self.descendants()
        if self.process.poll() is None:
            self.shutdown_kernels()
        for sig, wait in [(signal.SIGTERM, 10), (signal.SIGKILL, 5)]:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self.process.pid, sig)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(wait)
                break
        stragglers = self.descendants()
        for process in stragglers:
            with contextlib.suppress(psutil.Error):
                process.kill()
        psutil.wait_procs(stragglers, timeout=5)
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.process.pid, signal.SIGKILL)  # anything left in the group

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


@atexit.register
def _stop_all():
    for server in list(_RUNNING):
        server.stop()

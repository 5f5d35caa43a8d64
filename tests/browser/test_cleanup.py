"""No JupyterLab server, kernel or Chromium process outlives the browser tests.

That holds whether a test fails, is interrupted (Ctrl-C) or the whole pytest process is
killed (SIGKILL).

Each case runs ``scenario_cleanup.py`` in a child pytest against a generated demo notebook
(the three at once, to save time), records every process below the child while it runs,
then checks that all of them are gone: 5 s after the child has exited (20 s after SIGKILL,
where the safety nets work asynchronously).

The three children start with the session (``launch_early``, see conftest.Early) and run
beside the first test module; a thread per child records its processes and, once it has
exited, which of them are still alive at the limit. The tests here read those records. A
child ends its session only once that thread has seen a server, a kernel and Chromium below
it (it waits for the file ``CLEANUP_SEEN`` names), so a short-lived kernel cannot slip
between two looks.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import psutil
import pytest

from .conftest import REPO
from .demo_notebook import write_demo_notebook

pytestmark = pytest.mark.browser

SCENARIO = Path(__file__).with_name("scenario_cleanup.py")
EXIT_CODES = {"fail": 1, "interrupt": 2, "kill": -9}
KINDS = {"jupyter lab server": ("jupyter", "lab"), "kernel": ("ipykernel_launcher",),
         "chromium": ("chromium",)}


SURVIVAL_LIMIT = {"kill": 20.0}  # s after the child's exit; 5 s for the others


@dataclass
class Run:
    """One child pytest and every process seen below it: {pid: (process, command line)}.

    The command line kept is the last non-empty one read: a fresh fork shows its parent's
    command until exec, and a process on its way out shows none.

    ``alive`` lists the processes still running SURVIVAL_LIMIT seconds after the child
    exited (None until ``follow`` has looked).
    """

    scenario: str
    child: subprocess.Popen
    log: Path
    seen_flag: Path  # made once every kind of process has been seen; the child waits for it
    seen: dict = field(default_factory=dict)
    alive: list | None = None

    def kinds_missing(self):
        """Return the KINDS of process not seen below the child so far."""
        commands = [command for _, command in self.seen.values()]
        return [kind for kind, words in KINDS.items()
                if not any(all(w in c for w in words) for c in commands)]

    def follow(self):
        """Record the processes below the child until it exits, then which outlive it."""
        while self.child.poll() is None:
            self.watch()
            if not self.seen_flag.exists() and not self.kinds_missing():
                self.seen_flag.touch()
            time.sleep(0.1)
        # After SIGKILL the safety nets work asynchronously (Linux SIGTERMs the server, the
        # kernel's parent poller notices, Playwright's driver closes Chromium): allow time.
        _, self.alive = psutil.wait_procs([p for p, _ in self.seen.values()],
                                          timeout=SURVIVAL_LIMIT.get(self.scenario, 5.0))

    def watch(self):
        try:
            children = psutil.Process(self.child.pid).children(recursive=True)
        except psutil.NoSuchProcess:
            return
        for process in children:
            try:  # read again each time: a fresh fork shows its parent's command until exec
                command = " ".join(process.cmdline())
            except psutil.Error:
                continue
            if command or process.pid not in self.seen:
                self.seen[process.pid] = (process, command)


def _start(scenario, folder):
    write_demo_notebook(folder / "notebooks" / "demo.ipynb")
    env = {**os.environ, "MLP_NOTEBOOK_DIR": str(folder / "notebooks"),
           "CLEANUP_SCENARIO": scenario, "CLEANUP_SEEN": str(folder / "seen")}
    log = folder / "pytest.log"
    with open(log, "wb") as out:
        child = subprocess.Popen(
            [sys.executable, "-m", "pytest", "-q", "-s", "-p", "no:cacheprovider",
             str(SCENARIO)], cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT)
    return Run(scenario, child, log, folder / "seen")


class Scenarios:
    """The three child sessions, run at once, each followed by a thread of its own."""

    def __init__(self, tmp_path_factory):
        self.tmp_path_factory = tmp_path_factory
        self.runs, self.threads = {}, []
        self.launched_at = None

    def launch(self):
        self.launched_at = time.monotonic()
        for scenario in EXIT_CODES:
            run = _start(scenario, self.tmp_path_factory.mktemp(scenario))
            self.runs[scenario] = run
            self.threads.append(threading.Thread(target=run.follow, daemon=True))
            self.threads[-1].start()
        return self

    def wait_ready(self, timeout):
        """Wait until every child has exited and been followed (``timeout`` s from launch)."""
        for thread in self.threads:
            thread.join(max(0.0, self.launched_at + timeout - time.monotonic()))
        if any(thread.is_alive() for thread in self.threads):
            self.stop()
            raise TimeoutError(f"cleanup scenarios still running after {timeout} s")
        return self

    def stop(self):
        for run in self.runs.values():
            if run.child.poll() is None:
                run.child.kill()
            run.child.wait()


def launch_early(early, tmp_path_factory):
    """Start the three scenarios at the session's start (conftest.Early)."""
    early.launch("cleanup-scenarios", lambda: Scenarios(tmp_path_factory))


@pytest.fixture(scope="module")
def runs(early, tmp_path_factory):
    """Yield the three scenarios' runs once every child has exited and been followed."""
    try:
        yield early.take("cleanup-scenarios", lambda: Scenarios(tmp_path_factory),
                         timeout=150).runs
    finally:
        early.stop("cleanup-scenarios")


@pytest.mark.parametrize("scenario", list(EXIT_CODES))
def test_no_process_survives(scenario, runs):
    run = runs[scenario]
    output = run.log.read_text(errors="replace")
    assert f"READY {scenario}" in output, output[-3000:]
    assert run.child.returncode == EXIT_CODES[scenario], output[-3000:]
    assert not run.kinds_missing(), f"never saw a {', '.join(run.kinds_missing())}"
    alive = run.alive
    assert not alive, (f"still running {SURVIVAL_LIMIT.get(scenario, 5.0)} s after the "
                       f"child exited:\n" + "\n".join(run.seen[p.pid][1][:150] for p in alive))

"""No JupyterLab server, kernel or Chromium process outlives the browser tests.

That holds whether a test fails, is interrupted (Ctrl-C) or the whole pytest process is
killed (SIGKILL).

Each case runs ``scenario_cleanup.py`` in a child pytest against a generated demo notebook
(the three at once, to save time), records every process below the child while it runs,
then checks that all of them are gone.
"""

from __future__ import annotations

import os
import subprocess
import sys
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


@dataclass
class Run:
    """One child pytest and every process seen below it: {pid: (process, command line)}."""

    child: subprocess.Popen
    log: Path
    seen: dict = field(default_factory=dict)

    def watch(self):
        try:
            children = psutil.Process(self.child.pid).children(recursive=True)
        except psutil.NoSuchProcess:
            return
        for process in children:
            try:  # read again each time: a fresh fork shows its parent's command until exec
                self.seen[process.pid] = (process, " ".join(process.cmdline()))
            except psutil.Error:
                continue


def _start(scenario, folder):
    write_demo_notebook(folder / "notebooks" / "demo.ipynb")
    env = {**os.environ, "MLP_NOTEBOOK_DIR": str(folder / "notebooks"),
           "CLEANUP_SCENARIO": scenario}
    log = folder / "pytest.log"
    with open(log, "wb") as out:
        child = subprocess.Popen(
            [sys.executable, "-m", "pytest", "-q", "-s", "-p", "no:cacheprovider",
             str(SCENARIO)], cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT)
    return Run(child, log)


@pytest.fixture(scope="module")
def runs(chromium_path, tmp_path_factory):
    """Run the three scenarios at once and watch them until every child has exited."""
    runs = {}
    try:
        for scenario in EXIT_CODES:
            runs[scenario] = _start(scenario, tmp_path_factory.mktemp(scenario))
        deadline = time.monotonic() + 150
        while any(run.child.poll() is None for run in runs.values()):
            if time.monotonic() > deadline:
                raise TimeoutError("cleanup scenarios still running after 150 s")
            for run in runs.values():
                run.watch()
            time.sleep(0.2)
    finally:
        for run in runs.values():
            if run.child.poll() is None:
                run.child.kill()
            run.child.wait()
    return runs


@pytest.mark.parametrize("scenario", list(EXIT_CODES))
def test_no_process_survives(scenario, runs):
    run = runs[scenario]
    output = run.log.read_text(errors="replace")
    assert f"READY {scenario}" in output, output[-3000:]
    assert run.child.returncode == EXIT_CODES[scenario], output[-3000:]
    commands = [command for _, command in run.seen.values()]
    for kind, words in KINDS.items():
        assert any(all(w in c for w in words) for c in commands), f"never saw a {kind}"
    # After SIGKILL the safety nets work asynchronously (Linux SIGTERMs the server, the
    # kernel's parent poller notices, Playwright's driver closes Chromium): allow time.
    _, alive = psutil.wait_procs([p for p, _ in run.seen.values()],
                                 timeout=20 if scenario == "kill" else 5)
    assert not alive, "still running:\n" + "\n".join(run.seen[p.pid][1][:150] for p in alive)

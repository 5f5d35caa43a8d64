"""The kit's own JupyterLab for the browser tests, started as ``make lab`` starts it.

It is started by ``scripts/start_lab.py`` (the notebooks trusted, the kit's configuration
in jupyter-settings/, the module notebook as start page, a token of JupyterLab's making,
read from the link it prints), but on a free port, without opening a browser, and with its
state (trust database, user settings, workspaces, checkpoints) in a folder of its own.

It serves a copy of ``notebooks/`` under ``root_dir``, so that saving (what the tests do on
purpose, and what autosave does, which stays on as in ``make lab``) never touches the
repository. Trust is a signature of a notebook's content, so the copies are trusted once the
script has trusted the originals.
"""

from __future__ import annotations

import importlib.util
import re
import shutil
import sys
import time
from pathlib import Path

import nbformat

from .labserver import LabServer

REPO = Path(__file__).resolve().parents[2]
START_LAB = REPO / "scripts" / "start_lab.py"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"


def load_start_lab():
    """scripts/start_lab.py as a module (scripts/ is not a package)."""
    spec = importlib.util.spec_from_file_location("start_lab", START_LAB)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class KitLab(LabServer):
    """``python scripts/start_lab.py`` serving a copy of the notebooks in ``root_dir``."""

    def __init__(self, root_dir, work_dir):
        super().__init__(root_dir, work_dir, settings_overrides=None)
        self.token = None  # JupyterLab makes it, see _check_ready
        notebooks = Path(root_dir) / "notebooks"
        notebooks.mkdir(parents=True, exist_ok=True)
        for path in sorted((REPO / "notebooks").glob("*.ipynb")):
            shutil.copy2(path, notebooks / path.name)

    def _command(self):
        # As make lab: no --ip (JupyterLab's default, localhost), no token (JupyterLab makes
        # one and prints it; a token given to it is printed as "..."), no app settings folder
        # (the kit's configuration names its own), no --allow-root (the script adds it where
        # it is needed).
        options = [o for o in self._options() if not o.startswith(
            ("--IdentityProvider.token=", "--LabApp.app_settings_dir="))]
        return [sys.executable, str(START_LAB), *options]

    def _check_ready(self):
        if self.token is None:  # the token JupyterLab made, from the first link it printed
            found = re.search(r"https?://\S+[?&]token=(\w+)", self.log_path.read_text())
            if found is None:
                raise OSError("no link printed yet")
            self.token = found.group(1)
        super()._check_ready()

    def printed(self, pattern, timeout=15.0):
        """Every match of ``pattern`` in what the server printed, once there is one."""
        deadline = time.monotonic() + timeout
        while True:
            text = self.log_path.read_text(errors="replace")
            found = re.findall(pattern, text)
            if found or time.monotonic() > deadline:
                return found
            time.sleep(0.2)


def stored_panels(path):
    """Return the CSS classes of the panels the stored notebook displays, in order.

    For each widget view in an output whose model (in the stored widget state) has the class
    ``mlp-panel``: its other classes, e.g. ``["perceptron-panel"]``. Raises if a view's model
    is not stored.
    """
    notebook = nbformat.read(path, as_version=4)
    models = notebook.metadata.get("widgets", {}).get(WIDGET_STATE, {}).get("state", {})
    panels = []
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            view = output.get("data", {}).get(WIDGET_VIEW)
            if view is None:
                continue
            if view["model_id"] not in models:
                raise AssertionError(f"{Path(path).name}: output of cell {cell.get('id')} shows "
                                     f"widget {view['model_id']}, not in the stored state")
            classes = models[view["model_id"]]["state"].get("_dom_classes", [])
            if "mlp-panel" in classes:
                panels.append([c for c in classes if c != "mlp-panel"])
    return panels

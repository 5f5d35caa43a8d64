"""Start JupyterLab the kit's way: on the module notebook, its panels drawn before anything runs.

    python scripts/start_lab.py [jupyter lab options]   what `make lab` runs
    python scripts/start_lab.py --trust-only            step 1 only (Binder's postBuild)

1. Trust ``notebooks/*.ipynb`` for this user, as ``jupyter trust`` does. JupyterLab draws the
   stored widget views of a trusted notebook only: then every panel shows its stored picture
   before its cell has run, instead of a line of text, ``VBox(children=...)``. Trust is a
   signature of the notebook's content kept in the user's Jupyter data folder, so it has to be
   granted on the machine (and by the user) that opens the kit.
2. Put ``jupyter-settings/`` first on ``JUPYTER_CONFIG_PATH``: the server then reads the kit's
   configuration there (its JupyterLab settings; saving a notebook keeps its panels' state;
   see ``jupyter-settings/jupyter_server_config.py``).
3. Replace this process by ``jupyter lab`` serving the repository, with the module notebook as
   its start page (``--LabApp.default_url``): the links it prints and the page it opens in a
   browser land on ``notebooks/Neural_Networks.ipynb``, not on the Launcher. ``--allow-root``
   is added when running as root (containers, some cloud machines), where JupyterLab refuses
   to start without it.

Options after the script's name go to ``jupyter lab`` (e.g. ``--no-browser --port=8899``).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
NOTEBOOK_DIR = REPO / "notebooks"
CONFIG_DIR = REPO / "jupyter-settings"
#: The notebook JupyterLab opens first, relative to the repository's root.
START_NOTEBOOK = "notebooks/Neural_Networks.ipynb"
#: The start page's path on the server (also Binder's ``urlpath``, without the leading "/").
START_URL = f"/lab/tree/{START_NOTEBOOK}"


def trust_notebooks(paths):
    """Sign ``paths`` as trusted for this user (``jupyter trust``); returns how many.

    Parameters
    ----------
    paths : sequence of path-like
        Notebook files.

    Returns
    -------
    int
    """
    import nbformat
    from nbformat.sign import NotebookNotary

    notary = NotebookNotary()
    for path in paths:
        notary.sign(nbformat.read(path, as_version=nbformat.NO_CONVERT))
    return len(paths)


def lab_environment(environ):
    """``environ`` with CONFIG_DIR first on ``JUPYTER_CONFIG_PATH`` (a new dict).

    Parameters
    ----------
    environ : mapping of str to str
        The environment to start from, e.g. ``os.environ``.

    Returns
    -------
    dict
    """
    paths = [str(CONFIG_DIR), *filter(None, environ.get("JUPYTER_CONFIG_PATH", "").split(
        os.pathsep))]
    return {**environ, "JUPYTER_CONFIG_PATH": os.pathsep.join(dict.fromkeys(paths))}


def lab_command(lab_args=()):
    """Return the ``jupyter lab`` command line, with ``lab_args`` appended.

    The command runs this Python's JupyterLab, serving the repository and starting on
    START_NOTEBOOK.

    Parameters
    ----------
    lab_args : sequence of str
        More options for ``jupyter lab``; a ``--ServerApp.root_dir=`` among them replaces the
        repository as the folder served (START_NOTEBOOK must exist under it).

    Returns
    -------
    list of str
    """
    command = [sys.executable, "-m", "jupyterlab", f"--LabApp.default_url={START_URL}"]
    if not any(arg.startswith("--ServerApp.root_dir=") for arg in lab_args):
        command.append(f"--ServerApp.root_dir={REPO}")
    if hasattr(os, "geteuid") and os.geteuid() == 0 and "--allow-root" not in lab_args:
        command.append("--allow-root")
    return command + list(lab_args)


def main(argv):
    """Trust the notebooks, then run JupyterLab (unless ``--trust-only``); return the exit code."""
    count = trust_notebooks(sorted(NOTEBOOK_DIR.glob("*.ipynb")))
    print(f"start_lab: {count} notebooks in notebooks/ trusted: their panels show before "
          "running", flush=True)
    if argv == ["--trust-only"]:
        return 0
    command, environ = lab_command(argv), lab_environment(os.environ)
    if os.name == "posix":
        os.execve(command[0], command, environ)  # Ctrl-C then reaches jupyter lab alone
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Windows: let jupyter lab handle Ctrl-C
    return subprocess.call(command, env=environ)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""Serve one of the kit's apps with Voilà: what ``make demo`` (``make demo APP=perceptron``) runs.

    python apps/serve.py [APP] [--presenter] [--port N] [--no-browser]

APP is the name of a notebook in apps/ (lab, perceptron, activations, backprop, training;
default lab). Voilà runs it and shows its output only, without code, full window. The server
listens on 127.0.0.1 only, with a new random token; the script prints the address with the
token, opens it in the browser (unless --no-browser), and stops the server on Ctrl-C.
``--presenter`` (or ``MLP_PRESENTER=1``) starts the app with large figures and text for a
projector; the app's Presenter toggle switches it at any time.

The page uses the kit's Voilà template (apps/jupyter/voila/templates/kit), which leaves out
what Voilà's own would load from a CDN: nothing is downloaded at run time.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import webbrowser
from pathlib import Path

APPS_DIR = Path(__file__).resolve().parent
DEFAULT_PORT = 8866
HOST = "127.0.0.1"


def app_names():
    """Return the apps there are: the notebooks in apps/, by name."""
    return sorted(path.stem for path in APPS_DIR.glob("*.ipynb"))


def port_is_free(port):
    """Return True if a server can listen on ``port`` at HOST (loopback) now."""
    with socket.socket() as sock:
        try:
            sock.bind((HOST, port))
        except OSError:
            return False
    return True


def choose_port(wanted):
    """``wanted`` if it is free, else a free port the system picks (0 asks for that)."""
    if wanted and port_is_free(wanted):
        return wanted
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def voila_command(notebook, port, token):
    """Return the Voilà command line for ``notebook``.

    Loopback only, ``token``, the kit's template, no browser of its own (it would open the
    address without the token).
    """
    voila = shutil.which("voila", path=str(Path(sys.executable).parent)) or "voila"
    return [voila, str(notebook), "--template=kit", f"--Voila.ip={HOST}", f"--port={port}",
            "--Voila.port_retries=0", f"--token={token}", "--no-browser"]


def environment(presenter):
    """Return the server's environment (its kernels inherit it).

    The kit's template on the Jupyter path, presenter mode if asked for.
    """
    env = dict(os.environ)
    paths = [str(APPS_DIR / "jupyter"), *filter(None, [env.get("JUPYTER_PATH")])]
    env["JUPYTER_PATH"] = os.pathsep.join(paths)
    env["PYDEVD_DISABLE_FILE_VALIDATION"] = "1"  # no debugpy banner from the kernels
    if presenter:
        env["MLP_PRESENTER"] = "1"
    return env


def wait_for_port(process, port, timeout=60.0):
    """Wait until the server accepts connections; False if it exited or timed out."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return False
        with contextlib.suppress(OSError), socket.create_connection((HOST, port), timeout=1):
            return True
        time.sleep(0.2)
    return False


def main(argv=None):
    """Serve the app named on the command line (``argv``; default: the lab)."""
    names = app_names()
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("app", nargs="?", default="lab",
                        help=f"which app: {', '.join(names)} (default: lab)")
    parser.add_argument("--presenter", action="store_true",
                        help="start with large figures and text for a projector")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT,
                        help=f"port on {HOST} (default {DEFAULT_PORT}, another if it is taken)")
    parser.add_argument("--no-browser", action="store_true", help="only print the address")
    args = parser.parse_args(argv)
    if args.app not in names:
        parser.error(f"APP must be one of {', '.join(names)} (notebooks in apps/), "
                     f"got {args.app!r}")
    presenter = args.presenter or os.environ.get("MLP_PRESENTER", "") in {"1", "true", "yes"}
    port, token = choose_port(args.port), secrets.token_urlsafe(24)
    url = f"http://{HOST}:{port}/?token={token}"
    print(f"serve: the {args.app} app, with Voilà, on {HOST} only"
          f"{' (presenter mode)' if presenter else ''}; open\n    {url}\n"
          f"serve: stop with Ctrl-C", flush=True)
    process = subprocess.Popen(voila_command(APPS_DIR / f"{args.app}.ipynb", port, token),
                               env=environment(presenter), cwd=APPS_DIR)
    try:
        if wait_for_port(process, port) and not args.no_browser:
            webbrowser.open(url)
        return process.wait()
    except KeyboardInterrupt:
        process.terminate()
        with contextlib.suppress(subprocess.TimeoutExpired):
            return process.wait(10)
        process.kill()
        return process.wait()


if __name__ == "__main__":
    sys.exit(main())

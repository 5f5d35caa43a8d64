"""Fixtures for the browser tests: JupyterLab, Chromium, pages and an output folder.

One JupyterLab server and one Chromium per session, a fresh page (browser context) per
test, and a folder for screenshots and measurements.

Servers start side by side: at the start of the session, every server the collected test
modules will need is launched at once (a module lists them in ``launch_early(early)``), and
the fixture that uses one waits for it then (``early.take``). Starting one takes a few
seconds of one core (Python imports), so eight of them one after the other cost about 33 s
and side by side about 19 s on two cores. The modules run in MODULE_ORDER: first the ones
that report no timings, so that the start-up burst does not weigh on a measured number.

Without Chromium the tests skip, saying so; with ``REQUIRE_BROWSER=1`` (CI) they fail.
``MLP_NOTEBOOK_DIR`` points the tests at another folder of notebooks (default: notebooks/).
"""

from __future__ import annotations

import contextlib
import os
import shutil
from pathlib import Path

import pytest

from .labserver import LabServer

REPO = Path(__file__).resolve().parents[2]
NOTEBOOK_DIR = Path(os.environ.get("MLP_NOTEBOOK_DIR", REPO / "notebooks")).resolve()
ARTIFACTS = REPO / "test-artifacts" / "browser"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]
VIEWPORT = {"width": 1280, "height": 900}

#: Lines for the end-of-run summary (per-notebook times, latencies, artifact folder).
REPORT: list[str] = []

#: The browser test modules in the order they run (others after them, as collected). The
#: first ones report no timings: they run while the servers of the later ones start.
MODULE_ORDER = ["test_first_open", "test_cleanup", "test_app", "test_live_lab",
                "test_notebooks"]


def pytest_collection_modifyitems(items):
    """Put the browser tests in MODULE_ORDER, keeping every other test where it is."""
    here = Path(__file__).parent
    slots = [i for i, item in enumerate(items) if Path(item.path).parent == here]

    def rank(item):
        name = Path(item.path).stem
        return MODULE_ORDER.index(name) if name in MODULE_ORDER else len(MODULE_ORDER)

    ordered = sorted((items[i] for i in slots), key=rank)  # stable: order within a module
    for i, item in zip(slots, ordered):
        items[i] = item


class Early:
    """Servers (or child processes) launched at the session's start, used later.

    Anything with ``launch()``, ``wait_ready(timeout)`` and ``stop()`` (``LabServer`` and its
    subclasses, test_cleanup's scenarios). ``launch`` starts one under a key; ``take`` waits
    until it is ready (launching it first if nobody did); ``stop`` stops it. Whatever is
    still running at the end of the session is stopped then.
    """

    def __init__(self):
        self.started = {}

    def launch(self, key, make):
        """Start ``make()`` under ``key`` unless already started; return it."""
        if key not in self.started:
            self.started[key] = make().launch()
        return self.started[key]

    def take(self, key, make, timeout):
        """Return the thing started under ``key`` once it is ready (``timeout`` s from launch)."""
        return self.launch(key, make).wait_ready(timeout)

    def stop(self, key):
        """Stop the thing started under ``key``, if any."""
        thing = self.started.pop(key, None)
        if thing is not None:
            thing.stop()

    def stop_all(self):
        for key in list(self.started):
            with contextlib.suppress(Exception):
                self.stop(key)


@pytest.fixture(scope="session", autouse=True)
def early(request, chromium_path, tmp_path_factory):
    """Yield the Early registry once every collected module's ``launch_early`` has run.

    A module's ``launch_early(early, tmp_path_factory)`` launches what it will need.
    """
    registry = Early()
    try:
        modules = dict.fromkeys(item.module for item in request.session.items
                                if item.path.parent == Path(__file__).parent)
        for module in modules:
            if hasattr(module, "launch_early"):
                module.launch_early(registry, tmp_path_factory)
        yield registry
    finally:
        registry.stop_all()


def find_chromium():
    """Path of Debian's Chromium, or None."""
    if os.access("/usr/bin/chromium", os.X_OK):
        return "/usr/bin/chromium"
    return shutil.which("chromium")


def _missing(message):
    if os.environ.get("REQUIRE_BROWSER") == "1":
        pytest.fail(f"{message} (REQUIRE_BROWSER=1: the browser tests must run)", pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="session")
def chromium_path():
    path = find_chromium()
    if path is None:
        _missing("Chromium not found (/usr/bin/chromium or `chromium` on PATH): "
                 "apt-get install chromium to run the browser tests")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        _missing("Python Playwright not installed (pip install -r requirements-test.txt)")
    return path


@pytest.fixture(scope="session")
def artifacts():
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    REPORT.append(f"browser artifacts (screenshots, latency JSON): {ARTIFACTS}")
    return ARTIFACTS


def notebook_lab(tmp_path_factory):
    """Return a JupyterLab serving NOTEBOOK_DIR, not started yet."""
    return LabServer(NOTEBOOK_DIR, tmp_path_factory.mktemp("jupyter"))


@pytest.fixture(scope="session")
def lab_server(early, tmp_path_factory):
    """JupyterLab serving NOTEBOOK_DIR; stopped with its kernels however the session ends."""
    try:
        yield early.take("jupyterlab", lambda: notebook_lab(tmp_path_factory), timeout=60)
    finally:
        early.stop("jupyterlab")


@pytest.fixture(scope="session")
def browser(chromium_path):
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(executable_path=chromium_path, headless=True,
                                             args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()
    finally:
        playwright.stop()


@pytest.fixture
def page(browser, lab_server):
    """Yield a fresh page in its own browser context.

    Afterwards the page is closed and every kernel shut down, so the notebooks' kernels
    don't pile up on 2 cores.
    """
    context = browser.new_context(viewport=VIEWPORT)
    try:
        page = context.new_page()
        page.set_default_timeout(30_000)
        yield page
    finally:
        with contextlib.suppress(Exception):
            context.close()
        lab_server.shutdown_kernels()


def pytest_terminal_summary(terminalreporter):
    if REPORT:
        terminalreporter.section("browser tests")
        for line in REPORT:
            terminalreporter.write_line(line)

"""Fixtures for the browser tests: JupyterLab, Chromium, pages and an output folder.

One JupyterLab server and one Chromium per session, a fresh page (browser context) per
test, and a folder for screenshots and measurements.

Without Chromium the tests skip, saying so; with ``REQUIRE_BROWSER=1`` (CI) they fail.
``MLP_NOTEBOOK_DIR`` points the tests at another folder of notebooks (default: notebooks/).
"""

from __future__ import annotations

import contextlib
import os
import shutil
from pathlib import Path

import pytest

from .kernellog import KernelLog
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


@pytest.fixture(scope="session")
def lab_server(chromium_path, tmp_path_factory):
    """JupyterLab serving NOTEBOOK_DIR; stopped with its kernels however the session ends."""
    server = LabServer(NOTEBOOK_DIR, tmp_path_factory.mktemp("jupyter"))
    try:
        server.start()
        yield server
    finally:
        server.stop()


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


@pytest.fixture
def kernel_log(page):
    """Errors and stderr sent by the page's kernels (widget callbacks included)."""
    return KernelLog().attach(page)


def pytest_terminal_summary(terminalreporter):
    if REPORT:
        terminalreporter.section("browser tests")
        for line in REPORT:
            terminalreporter.write_line(line)

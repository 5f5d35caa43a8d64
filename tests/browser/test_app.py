"""The apps of ``make demo`` in Voilà and Chromium at 1920 × 1080 (issue 13).

Each app is served the way ``make demo APP=<name>`` serves it (``apps/serve.py``: Voilà on
127.0.0.1 with a token, the kit's template). A test opens it and checks: no code input on
the page, no error or stderr output (on the page or from the kernel), no request to any
other host, and moving a slider redraws the figure (the image's ``src`` changes).
The lab is opened with ``?presenter=1``, then switched back with its Presenter toggle (the
picture shrinks by 1.5), and its projector grid tab is opened. A screenshot of each app
(the lab's in presenter mode, as on a 1920 × 1080 projector) goes to
test-artifacts/browser/app_<name>.png.
"""

from __future__ import annotations

import contextlib
import re
import sys
import time
from pathlib import Path

import pytest

from .conftest import REPORT
from .kernellog import KernelLog
from .lab import output_problems
from .labserver import LabServer

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]
SERVE = REPO / "apps" / "serve.py"
VIEWPORT = {"width": 1920, "height": 1080}
CODE_INPUT = ".jp-InputArea-editor, .cm-editor, .jp-InputArea"
#: Voilà's own messages when a cell fails (its template shows them instead of a traceback).
VOILA_ERRORS = re.compile(r"There was an error when executing cell|Traceback|Error displaying")


class AppServer(LabServer):
    """``python apps/serve.py APP --no-browser``, as ``make demo APP=...`` runs it, on a free
    port; the token is read from the address the script prints."""

    def __init__(self, app, work_dir):
        super().__init__(REPO / "apps", work_dir, settings_overrides=None)
        self.app = app
        self.token = None

    def _command(self):
        return [sys.executable, str(SERVE), self.app, "--no-browser", f"--port={self.port}"]

    def _check_ready(self):
        if self.token is None:
            found = re.search(r"http://127\.0\.0\.1:\d+/\?token=([\w-]+)",
                              self.log_path.read_text(errors="replace"))
            if found is None:
                raise OSError("no address printed yet")
            self.token = found.group(1)
        if "Voilà is running at" not in self.log_path.read_text(errors="replace"):
            raise OSError("Voilà not listening yet")


@contextlib.contextmanager
def served(app, tmp_path_factory):
    server = AppServer(app, tmp_path_factory.mktemp(f"voila-{app}"))
    try:
        yield server.start(timeout=90)
    finally:
        server.stop()


@pytest.fixture(scope="module")
def lab_app(chromium_path, tmp_path_factory):
    with served("lab", tmp_path_factory) as server:
        yield server


@pytest.fixture
def app_page(browser):
    """A 1920 × 1080 page; ``page.foreign`` collects requests to any host but the server."""
    context = browser.new_context(viewport=VIEWPORT)
    try:
        page = context.new_page()
        page.set_default_timeout(60_000)
        page.foreign = []
        page.on("request", lambda request: page.foreign.append(request.url)
                if not request.url.startswith(("http://127.0.0.1:", "blob:", "data:"))
                else None)
        yield page
    finally:
        with contextlib.suppress(Exception):
            context.close()


def open_app(page, server, selector, **query):
    """Open the app and wait until every panel in it shows its picture; (seconds, KernelLog)."""
    log = KernelLog().attach(page)
    start = time.perf_counter()
    page.goto(server.url("", **query))
    page.wait_for_function("""(selector) => {
      const panels = [...document.querySelectorAll(selector)];
      return panels.length > 0 && panels.every(p =>
        [...p.querySelectorAll('img.widget-image')].some(img => img.src.startsWith('blob:')));
    }""", arg=selector, timeout=90_000)
    return time.perf_counter() - start, log


def page_problems(page, log):
    """Code inputs, error outputs, Voilà's error messages, kernel errors, foreign requests."""
    problems = []
    if (n := page.locator(CODE_INPUT).count()):
        problems.append(f"{n} code input elements ({CODE_INPUT}) on the page")
    problems += output_problems(page)
    text = page.locator("body").inner_text()
    problems += [f"page says: {m}" for m in VOILA_ERRORS.findall(text)]
    problems += [f"kernel: {p}" for p in log.problems]
    problems += [f"request to another host: {url}" for url in page.foreign]
    return problems


def image_src(image):
    return image.get_attribute("src")


def move_slider_and_wait(page, panel, key="End", index=0, timeout=60_000):
    """Press ``key`` on the ``index``-th slider of ``panel``; wait for its image to change.
    Returns the slider's label and the seconds from key press to new image."""
    image = panel.locator("img.widget-image").first
    before = image_src(image)
    handle = panel.locator('[role="slider"]').nth(index)
    label = handle.locator("xpath=ancestor::div[contains(@class, 'widget-slider')][1]//label")
    name = label.first.inner_text().strip()
    if handle.get_attribute("aria-valuenow") == handle.get_attribute("aria-valuemax"):
        key = "Home"
    start = time.perf_counter()
    handle.focus()
    handle.press(key)
    page.wait_for_function("([img, src]) => img.src !== src", arg=[image.element_handle(),
                                                                    before], timeout=timeout)
    return name, time.perf_counter() - start


def natural_width(image):
    return image.evaluate("img => new Promise(resolve => img.complete && img.naturalWidth"
                          " ? resolve(img.naturalWidth) : img.onload = () =>"
                          " resolve(img.naturalWidth))")


def test_lab_app_loads_without_code_redraws_and_switches_presenter_mode(lab_app, app_page,
                                                                         artifacts):
    # Opened as an instructor would for a projector: ?presenter=1 (Voilà passes it on).
    seconds, log = open_app(app_page, lab_app, ".regularization-lab", presenter=1)
    lab = app_page.locator(".kit-app-lab .regularization-lab")
    image = lab.locator("img.widget-image").first
    assert app_page.locator(".kit-app.kit-presenter").count() == 1
    large = natural_width(image)
    assert large >= 1700, f"presenter mode: the lab figure is {large} pixels wide"
    app_page.screenshot(path=artifacts / "app_lab.png")
    problems = page_problems(app_page, log)

    name, redraw = move_slider_and_wait(app_page, lab)

    # Presenter mode off: the same figure at 100 dpi. (The lab may still be sending the
    # pictures of the slider's run, so wait for the width, not for any new picture.)
    app_page.get_by_role("button", name="Presenter").click()
    app_page.wait_for_selector(".kit-app:not(.kit-presenter)")
    app_page.wait_for_function("([img, width]) => img.complete && img.naturalWidth < width",
                               arg=[image.element_handle(), large], timeout=30_000)
    small = natural_width(image)
    assert small == pytest.approx(large / 1.5, rel=0.01), (large, small)

    start = time.perf_counter()
    app_page.get_by_role("tab", name=re.compile("Grid")).click()
    app_page.wait_for_function("""() => {
      const img = document.querySelector('.kit-grid img.widget-image');
      return img && img.src.startsWith('blob:') && img.naturalWidth > 0;
    }""")
    grid = time.perf_counter() - start
    app_page.screenshot(path=artifacts / "app_lab_grid.png")
    assert "val " in app_page.locator(".kit-grid").inner_text()
    problems += page_problems(app_page, log)
    REPORT.append(f"app lab (make demo): loaded in {seconds:.1f} s; slider {name!r} to new "
                  f"image {redraw:.2f} s; grid tab (12 trainings) {grid:.1f} s")
    assert not problems, "\n".join(dict.fromkeys(problems))


@pytest.mark.parametrize("app, selector", [
    ("perceptron", ".perceptron-panel"),
    ("activations", ".activation-panel"),
    ("backprop", ".backprop-panel"),
    ("training", ".training-panel"),
])
def test_section_app_loads_without_code_and_redraws(app, selector, chromium_path, app_page,
                                                    tmp_path_factory, artifacts):
    with served(app, tmp_path_factory) as server:
        seconds, log = open_app(app_page, server, f".kit-app-{app} .mlp-panel")
        app_page.screenshot(path=artifacts / f"app_{app}.png")
        problems = page_problems(app_page, log)
        name, redraw = move_slider_and_wait(app_page, app_page.locator(selector).first)
        problems += page_problems(app_page, log)
    REPORT.append(f"app {app}: loaded in {seconds:.1f} s; slider {name!r} to new image "
                  f"{redraw:.2f} s")
    assert not problems, "\n".join(dict.fromkeys(problems))

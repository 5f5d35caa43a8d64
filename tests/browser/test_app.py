"""The apps of ``make demo`` in Voilà and Chromium at 1920 × 1080 (issue 13).

Each app is served the way ``make demo APP=<name>`` serves it (``apps/serve.py``: Voilà on
127.0.0.1 with a token, the kit's template). A test opens it and checks: no code input on
the page, no error or stderr output (on the page or from the kernel), no request to any
other host, and moving a slider redraws the figure (the image's ``src`` changes).
The lab is opened with ``?presenter=1`` (its picture must fit the 1920 × 1080 screen), then
switched back with its Presenter toggle (the picture shrinks from PRESENTER_DPI to
PANEL_DPI), and its projector grid tab is opened. A screenshot of each app (the lab's in
presenter mode, as on a projector) goes to test-artifacts/browser/app_<name>.png. In the lab
app, a scenario button changes the picture, a click on the boundary map adds a point where
it was clicked, and the state string pasted into a second app (a new kernel) rebuilds the
identical picture.
"""

from __future__ import annotations

import contextlib
import re
import sys
import time
from pathlib import Path

import pytest

from mlp_core.plotting.regularization import LAB_FIGSIZE as LAB_INCHES
from mlp_core.plotting.style import PANEL_DPI
from mlp_core.widgets.base import PRESENTER_DPI

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
    """Run ``python apps/serve.py APP --no-browser``, as ``make demo APP=...`` does.

    It listens on a free port; the token is read from the address the script prints.
    """

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


SECTION_APPS = [("perceptron", ".perceptron-panel"), ("activations", ".activation-panel"),
                ("backprop", ".backprop-panel"), ("training", ".training-panel")]


def launch_early(early, tmp_path_factory):
    """Start every app's server at the session's start, side by side (conftest.Early)."""
    for app in ["lab", *(name for name, _ in SECTION_APPS)]:
        early.launch(f"voila-{app}", lambda app=app: new_server(app, tmp_path_factory))


def new_server(app, tmp_path_factory):
    return AppServer(app, tmp_path_factory.mktemp(f"voila-{app}"))


@contextlib.contextmanager
def served(app, early, tmp_path_factory):
    """Yield the app's server once it is ready (launched early); stop it afterwards."""
    try:
        yield early.take(f"voila-{app}", lambda: new_server(app, tmp_path_factory),
                         timeout=90)
    finally:
        early.stop(f"voila-{app}")


@pytest.fixture(scope="module")
def lab_app(early, tmp_path_factory):
    with served("lab", early, tmp_path_factory) as server:
        yield server


@pytest.fixture
def app_page(browser):
    """Yield a 1920 × 1080 page; ``page.foreign`` collects requests to any other host."""
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

    Returns the slider's label and the seconds from key press to new image.
    """
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
    app_page.screenshot(path=artifacts / "app_lab.png")
    assert app_page.locator(".kit-app.kit-presenter").count() == 1
    large = natural_width(image)
    assert large == round(LAB_INCHES[0] * PRESENTER_DPI), f"presenter mode: {large} pixels wide"
    picture = image.bounding_box()
    assert picture["y"] + picture["height"] <= VIEWPORT["height"], (
        f"presenter mode: the lab's picture ends at y = {picture['y'] + picture['height']}, "
        f"below a 1920 x 1080 screen")
    problems = page_problems(app_page, log)

    name, redraw = move_slider_and_wait(app_page, lab)

    # Presenter mode off: the same figure at 100 dpi. (The lab may still be sending the
    # pictures of the slider's run, so wait for the width, not for any new picture.)
    app_page.get_by_role("button", name="Presenter").click()
    app_page.wait_for_selector(".kit-app:not(.kit-presenter)")
    app_page.wait_for_function("([img, width]) => img.complete && img.naturalWidth < width",
                               arg=[image.element_handle(), large], timeout=30_000)
    small = natural_width(image)
    assert small == round(LAB_INCHES[0] * PANEL_DPI), (large, small)

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


@pytest.mark.parametrize("app, selector", SECTION_APPS)
def test_section_app_loads_without_code_and_redraws(app, selector, early, app_page,
                                                    tmp_path_factory, artifacts):
    with served(app, early, tmp_path_factory) as server:
        seconds, log = open_app(app_page, server, f".kit-app-{app} .mlp-panel")
        app_page.screenshot(path=artifacts / f"app_{app}.png")
        problems = page_problems(app_page, log)
        name, redraw = move_slider_and_wait(app_page, app_page.locator(selector).first)
        problems += page_problems(app_page, log)
    REPORT.append(f"app {app}: loaded in {seconds:.1f} s; slider {name!r} to new image "
                  f"{redraw:.2f} s")
    assert not problems, "\n".join(dict.fromkeys(problems))


# --- the lab's scenarios, students' points and shareable state, in the app (issue 13) ------

def png_bytes(page, image):
    """Return the PNG bytes the page shows in ``image`` (read back from its blob: URL)."""
    data = image.evaluate("""async img => {
      const buffer = await (await fetch(img.src)).arrayBuffer();
      return Array.from(new Uint8Array(buffer));
    }""")
    return bytes(data)


def state_field(lab):
    return lab.locator(".lab-state input")


def summary(lab):
    """Return the text of the lab's summary (the line of numbers below its picture)."""
    return lab.locator(":scope > .widget-html").last.inner_text()


# The lab replays a change as a few pictures. In each picture it sends the image first, then
# the epoch readout and the summary, and with the last picture of the whole run (only then)
# its state: once the state field or the summary shows what only the whole run shows, the
# image shown is the whole run's.

def whole_run_after(page, lab, old_state):
    """Wait until the lab's state field differs from ``old_state``; return the image's src."""
    page.wait_for_function("([field, old]) => field.value && field.value !== old",
                           arg=[state_field(lab).element_handle(), old_state])
    return image_src(lab.locator("img.widget-image").first)


def whole_run_showing(page, lab, text, timeout=60_000):
    """Wait until the lab's summary reads ``text``; return the image's src."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        page.wait_for_function("([p, text]) => [...p.querySelectorAll(':scope > .widget-html')]"
                               ".at(-1).innerText === text", arg=[lab.element_handle(), text],
                               timeout=timeout)
    except PlaywrightTimeout:
        raise AssertionError(f"after {timeout / 1000:.0f} s the summary reads "
                             f"{summary(lab)!r}, not {text!r}") from None
    return image_src(lab.locator("img.widget-image").first)


def map_center(preset):
    """Return where the lab's boundary map is in its picture after ``preset``.

    As fractions of the width and height from the top left, with the (x₁, x₂) there and the
    preset's settings as its state lists them, from the same lab built in this process.
    """
    import matplotlib

    matplotlib.use("Agg")
    from mlp_core.widgets import regularization_lab

    lab = regularization_lab()
    lab.load_preset(preset)
    x0, y0, x1, y1 = lab.figure_maker.axes[1].get_position().extents
    fx, fy = (x0 + x1) / 2, 1 - (y0 + y1) / 2
    return (fx, fy), lab.figure_maker.data_point(fx, fy), lab.state()["settings"]


def test_lab_app_preset_click_point_and_state_round_trip(lab_app, app_page, browser):
    from mlp_core.widgets import regularization_lab

    _, log = open_app(app_page, lab_app, ".regularization-lab")
    lab = app_page.locator(".kit-app-lab .regularization-lab")
    image = lab.locator("img.widget-image").first
    before = whole_run_after(app_page, lab, "")  # the lab opens showing its whole run
    state_before = state_field(lab).input_value()

    # A scenario is one click: the picture changes and its caption says what to look at.
    lab.locator(".lab-presets button", has_text=re.compile("^overfitting$")).click()
    app_page.wait_for_function("([img, src]) => img.src !== src",
                               arg=[image.element_handle(), before])
    assert "overfitting" in lab.locator(".lab-preset-caption").inner_text()
    after_preset = whole_run_after(app_page, lab, state_before)
    state_before = state_field(lab).input_value()

    # A click on the boundary map adds a point of the selected class (0): the network
    # retrains, the picture changes, and the state lists the point where it was clicked.
    (fx, fy), (x1, x2), settings = map_center("overfitting")
    box = image.bounding_box()
    image.click(position={"x": fx * box["width"], "y": fy * box["height"]})
    shown = whole_run_after(app_page, lab, state_before)
    assert shown != after_preset
    text = state_field(lab).input_value()
    state = regularization_lab(state=text).state()
    assert len(state["points"]) == 1
    (px1, px2, label), = state["points"]
    assert label == 0 and abs(px1 - x1) < 0.05 and abs(px2 - x2) < 0.05, (state, x1, x2)
    assert state["settings"] == settings
    picture, numbers = png_bytes(app_page, image), summary(lab)
    problems = page_problems(app_page, log)

    # The state string, pasted into a fresh app (a new kernel), rebuilds the same picture.
    context = browser.new_context(viewport=VIEWPORT)
    try:
        other = context.new_page()
        other.set_default_timeout(60_000)
        other.foreign = []
        _, other_log = open_app(other, lab_app, ".regularization-lab")
        other_lab = other.locator(".kit-app-lab .regularization-lab")
        other_image = other_lab.locator("img.widget-image").first
        first = whole_run_after(other, other_lab, "")
        state_field(other_lab).fill(text)
        state_field(other_lab).press("Enter")
        other.wait_for_function("([img, src]) => img.src !== src",
                                arg=[other_image.element_handle(), first])
        # the field already reads ``text`` (pasted), so wait for the run's last summary
        whole_run_showing(other, other_lab, numbers)
        assert state_field(other_lab).input_value() == text
        assert png_bytes(other, other_image) == picture
        problems += page_problems(other, other_log)
    finally:
        with contextlib.suppress(Exception):
            context.close()
    assert not problems, "\n".join(dict.fromkeys(problems))

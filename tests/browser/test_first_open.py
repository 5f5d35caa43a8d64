"""A student's first minutes in the kit's JupyterLab, started as ``make lab`` starts it.

The lab is started by ``scripts/start_lab.py`` (see ``kitlab.py``). Checked:

- the links it prints, and the page it opens in a browser (its ``jpserver-...-open.html``),
  land on the module notebook, not on the Launcher;
- every notebook, opened and NOT run, shows each of its panels with its stored picture (an
  image inside the panel's CSS class), not a line of text;
- a notebook saved (by hand here; autosave does the same) and opened again still shows its
  panels: a stored notebook saved without running (the server's pre-save hook in
  ``jupyter-settings/`` keeps its stored widget state), and a notebook whose panel was made by
  running it (the widget manager's ``saveState`` stores the live widgets). The second one is
  ``demo_notebook.py``'s small panel, so that it tests saving, not the notebooks' code (which
  ``test_notebooks.py`` runs).
"""

from __future__ import annotations

import contextlib
import re
import secrets
import shutil
import time
from urllib.parse import parse_qs, urlsplit

import pytest

from .conftest import VIEWPORT
from .demo_notebook import write_demo_notebook
from .kernellog import KernelLog
from .kitlab import KitLab, load_start_lab, stored_panels
from .lab import menu, open_notebook, output_problems, run_all

pytestmark = pytest.mark.browser

START = load_start_lab()
# Opened without running in the browser: the start page, the first lecture notebook and the one
# with the most panels (each takes a Lab page and a kernel start; that every notebook stores
# the state and the picture of each panel it shows is checked in tests/test_setup.py).
FIRST_OPEN = ["Neural_Networks.ipynb", "01_perceptron.ipynb",
              "07_overfitting_and_regularization.ipynb"]
SAVED = "02_network_structure.ipynb"  # saved without running: a stored notebook, one panel
CURRENT_TAB = ".lm-DockPanel-tabBar .lm-TabBar-tab.lm-mod-current"


def new_kit_lab(tmp_path_factory):
    return KitLab(tmp_path_factory.mktemp("kit"), tmp_path_factory.mktemp("kit-state"))


def launch_early(early, tmp_path_factory):
    """Start the kit's lab at the session's start (conftest.Early)."""
    early.launch("kit-lab", lambda: new_kit_lab(tmp_path_factory))


@pytest.fixture(scope="module")
def kit_lab(early, tmp_path_factory):
    try:
        yield early.take("kit-lab", lambda: new_kit_lab(tmp_path_factory), timeout=60)
    finally:
        early.stop("kit-lab")


@pytest.fixture
def new_page(browser, kit_lab):
    """Yield a maker of pages, each in a browser context of its own (a fresh browser profile).

    At the end every context is closed and every kernel shut down.
    """
    contexts = []

    def make():
        contexts.append(browser.new_context(viewport=VIEWPORT))
        page = contexts[-1].new_page()
        page.set_default_timeout(30_000)
        return page

    try:
        yield make
    finally:
        for context in contexts:
            with contextlib.suppress(Exception):
                context.close()
        kit_lab.shutdown_kernels()


def wait_for_panels(page, panels, timeout=30_000):
    """Wait until each panel in ``panels`` (lists of CSS classes) shows a decoded picture.

    A decoded picture is an ``<img>`` inside an element with those classes, with a blob:
    source and a width.
    """
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    selectors = [".mlp-panel" + "".join(f".{c}" for c in classes) for classes in panels]
    try:
        page.wait_for_function("""(selectors) => selectors.every(s => {
            const img = document.querySelector(s + ' img.widget-image');
            return img && img.src.startsWith('blob:') && img.complete && img.naturalWidth > 0;
        })""", arg=selectors, timeout=timeout)
    except PlaywrightTimeout:
        shown = page.evaluate("""(selectors) => selectors.map(
            s => document.querySelectorAll(s + ' img.widget-image').length)""", selectors)
        raise AssertionError(
            f"after {timeout / 1000:.0f} s, pictures per panel {dict(zip(selectors, shown))}; "
            f"outputs: {output_problems(page) or 'no error shown'}") from None


def wait_for_module_notebook(page):
    """Wait for the notebook's tab; return (current tab's label, Launchers shown)."""
    page.wait_for_selector(".jp-NotebookPanel", timeout=60_000)
    page.wait_for_selector(f"{CURRENT_TAB}:has-text('{START.START_NOTEBOOK.split('/')[-1]}')")
    return page.locator(CURRENT_TAB).inner_text(), page.locator(".jp-Launcher").count()


def test_printed_link_and_opened_page_land_on_the_module_notebook(kit_lab, new_page):
    links = kit_lab.printed(r"http://(?:localhost|127\.0\.0\.1):\d+/\S*")
    assert links, f"no link printed:\n{kit_lab.log_tail()}"
    for link in links:
        parts = urlsplit(link)
        assert parts.path == START.START_URL, link
        assert parse_qs(parts.query) == {"token": [kit_lab.token]}, link
    opened = kit_lab.printed(r"file://\S+-open\.html")
    assert len(set(opened)) == 1, f"expected one page to open:\n{kit_lab.log_tail()}"
    warned = kit_lab.printed(r".*(?:Warning|\[W |\[E ).*", timeout=0)
    assert not warned, "the server's start-up printed warnings:\n" + "\n".join(warned)

    # The printed link (a machine without a browser), then the page JupyterLab opens in a
    # browser, each in a fresh profile and with no workspace saved by the visit before.
    for url in [links[0], opened[0]]:
        shutil.rmtree(kit_lab.work_dir / "workspaces", ignore_errors=True)
        page = new_page()
        page.goto(url)
        tab, launchers = wait_for_module_notebook(page)
        assert launchers == 0, f"{url} shows a Launcher beside {tab!r}"
        page.context.close()
        kit_lab.shutdown_kernels()


@pytest.mark.parametrize("name", FIRST_OPEN)
def test_notebook_shows_its_panels_before_running(name, kit_lab, new_page):
    panels = stored_panels(kit_lab.root_dir / "notebooks" / name)
    assert panels, f"{name} displays no panel in its stored outputs"
    page = new_page()
    kernel = KernelLog().attach(page)
    open_notebook(page, kit_lab, f"notebooks/{name}", workspace=f"first-{secrets.token_hex(4)}")
    wait_for_panels(page, panels)
    assert page.locator(".mlp-panel").count() == len(panels)
    assert not output_problems(page), output_problems(page)
    assert not kernel.executed, f"{len(kernel.executed)} cells were run"


def save_and_wait(page, path, timeout=20.0):
    """File > Save Notebook, then wait until the file on disk has changed."""
    before = path.stat().st_mtime_ns
    menu(page, "File", "Save Notebook")
    deadline = time.monotonic() + timeout
    while path.stat().st_mtime_ns == before:
        if time.monotonic() > deadline:
            raise TimeoutError(f"{path.name} not saved after {timeout} s")
        time.sleep(0.2)


@pytest.mark.parametrize("run_first", [False, True], ids=["saved-unrun", "saved-after-run"])
def test_saved_notebook_shows_its_panels_when_reopened(run_first, kit_lab, new_page):
    if run_first:
        path = write_demo_notebook(kit_lab.root_dir / "my-work" / "demo.ipynb")
        panels = [["demo-panel"]]
    else:
        path = kit_lab.root_dir / "notebooks" / SAVED
        shutil.copy2(START.NOTEBOOK_DIR / SAVED, path)  # as shipped, whatever ran before
        panels = stored_panels(path)
    name = path.relative_to(kit_lab.root_dir).as_posix()
    page = new_page()
    open_notebook(page, kit_lab, name, workspace=f"save-{secrets.token_hex(4)}")
    if run_first:
        run_all(page)
    wait_for_panels(page, panels)
    save_and_wait(page, path)
    page.context.close()
    kit_lab.shutdown_kernels()

    # stored_panels raises if an output shows a widget whose state was not saved (what the
    # student saw as "Error displaying widget: model not found").
    assert stored_panels(path) == panels
    page = new_page()
    open_notebook(page, kit_lab, name, workspace=f"again-{secrets.token_hex(4)}")
    wait_for_panels(page, panels)
    assert not output_problems(page), output_problems(page)
    assert not re.search("model not found", page.locator(".jp-Notebook").inner_text())

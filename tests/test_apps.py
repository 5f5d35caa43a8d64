"""The lecture-hall tools of issue 13.

The projector grid, the apps in apps/, presenter mode, and the handouts
(scripts/handouts.py).

The apps are checked here without a browser (each builds its panels, the presenter switch
reaches the figures); tests/browser/test_app.py runs them in Voilà and Chromium.
"""

from __future__ import annotations

import importlib.util
import io
import json
import re
from pathlib import Path

import matplotlib
import numpy as np
import pytest
from PIL import Image

matplotlib.use("Agg")

from mlp_core.plotting.regularization import regularization_grid_figure  # noqa: E402
from mlp_core.plotting.style import PANEL_DPI  # noqa: E402
from mlp_core.recipes import train_toy_network  # noqa: E402
from mlp_core.widgets.base import PRESENTER_DPI, presenter_mode, set_figure_dpi  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
APPS_DIR = REPO / "apps"

# --- the projector grid --------------------------------------------------------------------

#: A small grid: two data sets, two λ, few epochs (the default grid is 3 × 4 × 300 epochs).
SMALL = dict(datasets=("moons", "circles"), lams=(0.0, 0.1), epochs=60, resolution=20)


@pytest.fixture(scope="module")
def small_grid():
    return regularization_grid_figure(**SMALL)


def test_grid_has_a_row_per_data_set_and_a_column_per_lam(small_grid):
    fig, accuracy = small_grid
    assert accuracy.shape == (2, 2)
    axes = fig.axes
    assert len(axes) == 4
    assert [ax.get_title() for ax in axes[:2]] == ["λ = 0", "λ = 0.1"]
    assert [axes[0].get_ylabel(), axes[2].get_ylabel()] == ["moons", "circles"]


def test_each_cell_shows_the_validation_accuracy_of_a_fresh_run(small_grid):
    fig, accuracy = small_grid
    for i, dataset in enumerate(SMALL["datasets"]):
        for j, lam in enumerate(SMALL["lams"]):
            run = train_toy_network(dataset, n=100, noise=0.35, val_size=0.5, hidden=(32, 32),
                                    loss="binary_cross_entropy", lr=0.1, epochs=60, lam=lam,
                                    momentum=0.9, dtype=np.float32, seed=0)
            expected = run.accuracy(run.X_val, run.y_val)
            assert accuracy[i, j] == expected, (dataset, lam)
            texts = [t.get_text() for t in fig.axes[2 * i + j].texts]
            assert f"val {expected:.0%}" in texts[0], texts
            assert f"train {run.accuracy(run.X_train, run.y_train):.0%}" in texts[0], texts


def test_too_much_lam_underfits_the_circles():
    # The claim the grid's last column makes in class: λ = 0.1 leaves the circles at chance.
    _, accuracy = regularization_grid_figure(datasets=("circles",), lams=(0.0, 0.1),
                                             resolution=10)
    assert accuracy[0, 0] >= 0.8 and accuracy[0, 1] <= 0.6, accuracy


def test_a_diverged_cell_says_so_and_has_no_accuracy():
    fig, accuracy = regularization_grid_figure(datasets=("moons",), lams=(0.0,), lr=1e6,
                                               epochs=5, resolution=10)
    assert np.isnan(accuracy[0, 0])
    assert fig.axes[0].texts[0].get_text().startswith("diverged")


def test_an_empty_grid_is_refused():
    with pytest.raises(ValueError, match="at least one row or column"):
        regularization_grid_figure(datasets=(), lams=(0.0,))


# --- presenter mode --------------------------------------------------------------------------

def load(path, name):
    """Import a script of apps/ or scripts/ as a module (neither folder is a package)."""
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def default_dpi():
    """Every test here leaves the panels' resolution as it found it."""
    previous = set_figure_dpi(PANEL_DPI)
    yield
    set_figure_dpi(previous)


def png_width(png):
    return Image.open(io.BytesIO(bytes(png))).size[0]


def test_presenter_mode_switches_the_resolution_and_says_what_it_was(default_dpi):
    assert presenter_mode(True) is False
    assert presenter_mode(True) is True
    assert set_figure_dpi(PANEL_DPI) == PRESENTER_DPI
    assert presenter_mode(False) is False


def test_presenter_mode_refuses_a_non_bool(default_dpi):
    with pytest.raises(TypeError, match="on must be True or False, got str 'yes'"):
        presenter_mode("yes")


# --- the apps ------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def kit_app():
    return load(APPS_DIR / "kit_app.py", "kit_app")


@pytest.fixture(scope="module")
def serve():
    return load(APPS_DIR / "serve.py", "serve")


APP_PANELS = {"lab": ["regularization-lab"],
              "perceptron": ["perceptron-panel", "perceptron-learning-panel"],
              "activations": ["activation-panel", "vanishing-panel"],
              "backprop": ["backprop-panel"], "training": ["training-panel"]}


def test_every_app_has_a_notebook_with_one_call(kit_app):
    assert set(kit_app.APPS) == set(APP_PANELS)
    assert sorted(p.stem for p in APPS_DIR.glob("*.ipynb")) == sorted(APP_PANELS)
    for name in APP_PANELS:
        notebook = json.loads((APPS_DIR / f"{name}.ipynb").read_text())
        cells = notebook["cells"]
        assert len(cells) == 1 and cells[0]["outputs"] == [], name
        source = "".join(cells[0]["source"])
        assert source == f'from kit_app import show\n\nshow("{name}")', source


@pytest.mark.parametrize("name", APP_PANELS)
def test_each_app_shows_its_sections_panels(name, kit_app, default_dpi):
    box = kit_app.app(name, presenter=False)
    assert {"kit-app", f"kit-app-{name}"} <= set(box._dom_classes)
    assert "kit-presenter" not in box._dom_classes
    classes = [panel.widget._dom_classes[-1] for panel in box.panels]
    assert classes == APP_PANELS[name]
    assert all(bytes(panel.image.value).startswith(b"\x89PNG") for panel in box.panels)
    assert (box.grid is not None) == (name == "lab")


def test_the_presenter_toggle_redraws_at_presenter_resolution_and_back(kit_app, default_dpi):
    box = kit_app.app("backprop", presenter=False)
    panel = box.panels[0]
    small = png_width(panel.image.value)
    box.toggle.value = True
    assert "kit-presenter" in box._dom_classes
    assert png_width(panel.image.value) == pytest.approx(small * PRESENTER_DPI / PANEL_DPI,
                                                         abs=2)
    box.toggle.value = False
    assert "kit-presenter" not in box._dom_classes
    assert png_width(panel.image.value) == small


def test_an_app_started_in_presenter_mode_draws_large(kit_app, default_dpi):
    box = kit_app.app("training", presenter=True)
    assert box.toggle.value and "kit-presenter" in box._dom_classes
    width = png_width(box.panels[0].image.value)
    box.toggle.value = False
    assert width == pytest.approx(png_width(box.panels[0].image.value) * PRESENTER_DPI
                                  / PANEL_DPI, abs=2)


@pytest.mark.parametrize("environ, expected", [
    ({}, False), ({"MLP_PRESENTER": "1"}, True), ({"MLP_PRESENTER": " Yes "}, True),
    ({"MLP_PRESENTER": "0"}, False), ({"QUERY_STRING": "presenter=1"}, True),
    ({"QUERY_STRING": "foo=2&presenter=true"}, True), ({"QUERY_STRING": "presenter=0"}, False),
    ({"QUERY_STRING": "token=abc"}, False),
])
def test_presenter_is_requested_by_environment_or_address(kit_app, environ, expected):
    assert kit_app.presenter_requested(environ) is expected


def test_an_unknown_app_is_refused(kit_app):
    with pytest.raises(ValueError, match="name must be one of lab, .* got 'labs'"):
        kit_app.app("labs")


def test_the_lab_grid_tab_draws_the_grid_when_opened(kit_app, monkeypatch, default_dpi):
    calls = []

    def small_grid(**kwargs):
        calls.append(kwargs)
        return regularization_grid_figure(**SMALL)

    monkeypatch.setattr(kit_app, "regularization_grid_figure", small_grid)
    box = kit_app.app("lab", presenter=False)
    tabs = box.children[-1]
    assert bytes(box.grid.image.value) == b"" and calls == []
    tabs.selected_index = 1
    assert len(calls) == 1 and bytes(box.grid.image.value).startswith(b"\x89PNG")
    assert box.grid.accuracy.shape == (2, 2)
    width = png_width(box.grid.image.value)
    box.toggle.value = True  # redrawn larger, not trained again
    assert len(calls) == 1 and png_width(box.grid.image.value) > width


# --- make demo: apps/serve.py --------------------------------------------------------------

def test_serve_listens_on_loopback_with_a_token_and_the_kits_template(serve):
    command = serve.voila_command(APPS_DIR / "lab.ipynb", 8866, "secret")
    assert "--Voila.ip=127.0.0.1" in command and "--token=secret" in command
    assert "--template=kit" in command and "--no-browser" in command
    assert (APPS_DIR / "jupyter" / "voila" / "templates" / "kit" / "index.html.j2").is_file()
    env = serve.environment(presenter=True)
    assert env["JUPYTER_PATH"].split(":")[0] == str(APPS_DIR / "jupyter")
    assert env["MLP_PRESENTER"] == "1"


def test_the_kits_template_loads_nothing_from_a_cdn():
    template = (APPS_DIR / "jupyter" / "voila" / "templates" / "kit" / "index.html.j2")
    assert not re.search(r"(src|href)=\"https?://", template.read_text())


def test_serve_refuses_an_unknown_app_naming_the_apps(serve, capsys):
    with pytest.raises(SystemExit):
        serve.main(["labs", "--no-browser"])
    assert "APP must be one of activations, backprop, lab, perceptron, training" in (
        capsys.readouterr().err)


def test_make_demo_runs_serve_with_the_app():
    makefile = (REPO / "Makefile").read_text()
    assert re.search(r"^demo:.*\n\t\$\(BIN\)/python apps/serve\.py \$\(APP\)", makefile, re.M)




# --- make handouts: scripts/handouts.py ----------------------------------------------------

@pytest.fixture(scope="module")
def handouts(tmp_path_factory):
    """Make the handouts into a temporary folder: {notebook stem: HTML text}."""
    out = tmp_path_factory.mktemp("handouts")
    script = load(REPO / "scripts" / "handouts.py", "handouts")
    assert script.main(["--out", str(out)]) == 0
    return {path.stem: path.read_text(encoding="utf-8") for path in out.glob("*.html")}


def test_handouts_one_html_per_notebook_with_the_panels_pictures(handouts):
    notebooks = sorted(p.stem for p in (REPO / "notebooks").glob("*.ipynb"))
    assert sorted(handouts) == notebooks
    for stem, text in handouts.items():
        assert "data:image/png;base64,iVBORw0KGgo" in text, f"{stem}: no embedded picture"
        assert "VBox(children" not in text, f"{stem}: a panel shown as text"
        assert not re.search(r"<script[^>]*src=\"https?://[^\"]*(require|widget)", text), stem


def test_handouts_show_each_panel_with_its_controls_values(handouts):
    # The lab's stored picture comes with its settings, as a student would copy them.
    text = handouts["07_overfitting_and_regularization"]
    assert re.search(r"λ \(L2\): <b>0\.0</b>", text), "the lab's λ is not in the handout"
    assert re.search(r"data set: <b>circles</b>", text)


def test_make_handouts_runs_the_script():
    makefile = (REPO / "Makefile").read_text()
    assert re.search(r"^handouts:.*\n\t\$\(BIN\)/python scripts/handouts\.py$", makefile, re.M)


# --- the lesson plan: docs/lesson-plan.md and scripts/lesson_times.py ----------------------

PLAN = REPO / "docs" / "lesson-plan.md"


def test_section_times_add_up_the_cells_below_each_heading():
    import nbformat

    times = load(REPO / "scripts" / "lesson_times.py", "lesson_times")

    def code(seconds):
        cell = nbformat.v4.new_code_cell("pass")
        cell.metadata["execution"] = {"iopub.execute_input": "2026-12-07T10:00:00.000000Z",
                                      "shell.execute_reply": f"2026-12-07T10:00:0{seconds}Z"}
        return cell

    notebook = nbformat.v4.new_notebook(cells=[
        code("1.5"), nbformat.v4.new_markdown_cell("# Title\n## 1. First"), code("2"),
        code("0.25"), nbformat.v4.new_markdown_cell("## 2. Second\ntext\n## 3. Third"),
        code("3")])
    assert times.section_times(notebook) == [("(start)", 1.5), ("1. First", 2.25),
                                             ("3. Third", 3.0)]


def test_lesson_plan_has_measured_times_for_every_notebook():
    text = PLAN.read_text(encoding="utf-8")
    table = text.split("<!-- times: written by scripts/lesson_times.py -->")[1]
    for path in sorted((REPO / "notebooks").glob("*.ipynb")):
        assert re.search(rf"\| \*\*{re.escape(path.stem)}\*\* \| .* \| \*\*\d+\.\d s\*\* \|",
                         table), f"no measured time for {path.stem}"


def test_lesson_plan_names_the_labs_scenarios_and_the_apps(kit_app):
    from mlp_core.widgets import regularization_lab

    text = PLAN.read_text(encoding="utf-8")
    plan = text.split("## The 90 minutes")[1].split("## How long")[0]
    named = set(re.findall(r"\*\*([^*]+)\*\*", plan)) - {"Grid", "Presenter", "state"}
    presets = set(regularization_lab().presets)
    assert named and named <= presets, sorted(named - presets)
    assert presets - {"learning rate too large"} <= named  # all of §4.6 in the lab's block
    for app in re.findall(r"app `(\w+)`", plan):
        assert app in kit_app.APPS, app

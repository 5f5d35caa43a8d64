"""The kit's apps: a lecture section's panels alone, full window, no code (issue 13, item 1).

Each ``apps/<name>.ipynb`` holds one call, ``show("<name>")``; ``make demo APP=<name>``
(``apps/serve.py``) serves that notebook with Voilà, which runs it and shows its output
only. The same call works in a JupyterLab cell.

- ``lab``: the regularization lab (§4.6), with a second tab, the projector grid: λ across
  the columns, data sets down the rows (``regularization_grid_figure``).
- ``perceptron`` (§3), ``activations`` (§4.2), ``backprop`` (§4.4), ``training`` (§4.5):
  the panels of that section's notebook.

Every app has a Presenter toggle: figures at ``PRESENTER_DPI`` and larger slider text, for
the back row of a lecture hall at 1920 × 1080. It starts on when the server was started with
``MLP_PRESENTER=1`` (``make demo PRESENTER=1``) or the page's address ends in
``?presenter=1`` (Voilà passes the query string to the kernel as ``QUERY_STRING``).
"""

from __future__ import annotations

import os
from urllib.parse import parse_qs

import ipywidgets as widgets

from mlp_core.plotting.regularization import regularization_grid_figure
from mlp_core.plotting.style import PANEL_DPI, figure_to_png
from mlp_core.widgets import (
    activation_panel,
    backprop_panel,
    perceptron_learning_panel,
    perceptron_panel,
    regularization_lab,
    training_panel,
    vanishing_panel,
)
from mlp_core.widgets.base import PRESENTER_DPI, one_blas_thread, presenter_mode

__all__ = ["APPS", "PRESENTER_CSS", "app", "presenter_requested", "show"]

#: name -> (title, function returning the section's panels).
APPS = {
    "lab": ("Overfitting and regularization (§4.6)", lambda: [regularization_lab()]),
    "perceptron": ("The perceptron (§3)",
                   lambda: [perceptron_panel(), perceptron_learning_panel()]),
    "activations": ("Activation functions (§4.2)",
                    lambda: [activation_panel(), vanishing_panel()]),
    "backprop": ("Backpropagation (§4.4)", lambda: [backprop_panel()]),
    "training": ("Model training (§4.5)", lambda: [training_panel()]),
}

#: Larger controls in presenter mode: ipywidgets 8 sizes its controls with these CSS
#: variables, which a box passes on to everything inside it (and tabs wide enough for
#: their titles).
PRESENTER_CSS = """<style>
.kit-app.kit-presenter {
  --jp-widgets-font-size: 18px;
  --jp-widgets-inline-height: 30px;
  --jp-widgets-inline-label-width: 140px;
  --jp-widgets-inline-width: 430px;
  --jp-widgets-slider-handle-size: 18px;
  font-size: 18px;
}
.kit-app { --jp-widgets-horizontal-tab-width: 220px; }
.kit-app .kit-app-title h2 { margin: 0; font-size: 1.5em; }
</style>"""

#: Height in pixels the grid may take on screen: the 1080 rows of a projector less the
#: browser's bar, the title and the tabs.
GRID_HEIGHT_PX = 860

_TRUE = {"1", "true", "yes", "on"}


def presenter_requested(environ=None):
    """Whether the app should start in presenter mode.

    True if ``MLP_PRESENTER`` is 1/true/yes/on, or the page was opened with
    ``?presenter=1`` (Voilà puts the query string into the kernel's ``QUERY_STRING``).

    Parameters
    ----------
    environ : mapping or None
        The environment to read; None reads ``os.environ``.

    Returns
    -------
    bool
    """
    environ = os.environ if environ is None else environ
    if environ.get("MLP_PRESENTER", "").strip().lower() in _TRUE:
        return True
    query = parse_qs(environ.get("QUERY_STRING", ""))
    return any(value.strip().lower() in _TRUE for value in query.get("presenter", []))


class _Grid:
    """The projector grid's tab: trained and drawn the first time the tab is opened."""

    def __init__(self):
        self.note = widgets.HTML(
            "Opening this tab trains 12 networks (3 data sets × 4 values of λ) with the lab's "
            "defaults and draws each one's decision boundary with its validation accuracy.")
        self.image = widgets.Image(format="png", layout={"max_width": "100%",
                                                         "align_self": "flex-start"})
        self.accuracy = None
        self.figure = None
        self.widget = widgets.VBox([self.note, self.image])
        self.widget.add_class("kit-grid")

    def draw(self, presenter):
        """Train the cells (once) and show the figure at the current resolution."""
        if self.figure is None:
            self.note.value = "Training 12 networks …"
            with one_blas_thread():
                self.figure, self.accuracy = regularization_grid_figure()
        height = self.figure.get_size_inches()[1]
        dpi = PRESENTER_DPI if presenter else PANEL_DPI
        self.image.value = figure_to_png(self.figure, dpi=min(dpi, GRID_HEIGHT_PX / height))
        self.note.value = ("Each cell: a fresh network at the lab's defaults with that λ "
                           "(Eq. 15); val = validation accuracy, train = training accuracy. "
                           "Read a row from left to right.")


def app(name, presenter=None):
    """Build the app ``name``: a title, the Presenter toggle and the section's panels.

    Parameters
    ----------
    name : str
        A key of ``APPS``.
    presenter : bool or None
        Start in presenter mode; None asks ``presenter_requested()``.

    Returns
    -------
    ipywidgets.VBox
        With CSS classes ``kit-app`` and ``kit-app-<name>`` (and ``kit-presenter`` while
        presenter mode is on). ``.panels`` holds the panels, ``.toggle`` the Presenter
        button, ``.grid`` the lab's grid tab (None in the other apps).
    """
    if name not in APPS:
        raise ValueError(f"name must be one of {', '.join(APPS)}; got {name!r}")
    presenter = presenter_requested() if presenter is None else bool(presenter)
    presenter_mode(presenter)  # before the panels draw their first picture
    title, build = APPS[name]
    panels = build()
    toggle = widgets.ToggleButton(
        value=presenter, description="Presenter", icon="desktop",
        tooltip="Large figures and text for a projector (1920 × 1080)",
        layout={"margin": "0 0 0 2em"})
    heading = widgets.HTML(f"<h2>{title}</h2>")
    heading.add_class("kit-app-title")
    body = [panel.widget for panel in panels]
    grid = None
    if name == "lab":
        grid = _Grid()
        tabs = widgets.Tab([panels[0].widget, grid.widget],
                           titles=["Lab", "Grid: λ × data set"])

        def open_grid(change):
            if change["new"] == 1:
                grid.draw(toggle.value)

        tabs.observe(open_grid, names="selected_index")
        body = [tabs]
    box = widgets.VBox([widgets.HTML(PRESENTER_CSS),
                        widgets.HBox([heading, toggle], layout={"align_items": "center"}),
                        *body])
    box.add_class("kit-app")
    box.add_class(f"kit-app-{name}")

    def switch(change):
        presenter_mode(change["new"])
        (box.add_class if change["new"] else box.remove_class)("kit-presenter")
        for panel in panels:
            panel.redraw()
        if grid is not None and grid.figure is not None:
            grid.draw(change["new"])

    toggle.observe(switch, names="value")
    if presenter:
        box.add_class("kit-presenter")
    box.panels, box.toggle, box.grid = panels, toggle, grid
    return box


def show(name, presenter=None):
    """Display the app ``name`` (see ``app``): the one call in ``apps/<name>.ipynb``."""
    from IPython.display import display

    display(app(name, presenter))

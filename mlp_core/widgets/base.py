"""The plumbing every widget panel shares: controls, one figure, one line of numbers.

A ``Panel`` holds named controls (sliders, dropdowns) and a ``draw`` function. Whenever a
control changes, it calls ``draw(**values)``, which returns a matplotlib Figure and a short
text (HTML) summary; the panel shows the figure as a PNG ``Image`` widget and the summary
below it. This works the same in JupyterLab, Notebook 7, VS Code and Colab, and in tests
without any browser (``lab.controls["lam"].value = 0.1`` redraws synchronously).

The controls come from ``controls.py``. Each panel's box carries the CSS class ``mlp-panel``
plus its own class (e.g. ``regularization-lab``), which the browser tests use as selectors.

The controls always show the values of the picture on screen. A redraw makes the figure, its
PNG and the summary before it shows any of them; if it is interrupted (the notebook's stop
button, i.e. KeyboardInterrupt, during a slow retraining) or fails, the controls go back to
the values of the picture still shown (``Panel.drawn_values``), nothing else changes, and the
exception propagates. The next change of a control redraws as usual.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import html
import threading
import time

import ipywidgets as widgets
import numpy as np

from .._checks import check_int
from ..plotting.style import PANEL_DPI, figure_to_png
from ..training import one_blas_thread
from .controls import check_control_value

__all__ = ["OwnThread", "Panel", "diverged_message", "number_or_dash", "one_blas_thread",
           "presenter_mode", "set_figure_dpi", "switched_off_message"]

#: Resolution of the PNG a panel draws (``set_figure_dpi`` changes it). The image is shown
#: at its own pixel size, so this sets how large a figure appears.
_figure_dpi = PANEL_DPI
DPI_RANGE = (40, 300)


def set_figure_dpi(dpi):
    """Set the resolution of every panel's figure; return the previous value.

    A panel shows its PNG at the image's own pixel size, so a higher dpi makes the figure
    larger and its text easier to read from the back of a lecture hall (about 120 on a
    projector). Rendering time grows with the pixel count, training time does not
    (``benchmarks/bench_lab.py --dpi N`` measures the lab's redraw). Panels already on screen
    follow at their next redraw.

    Parameters
    ----------
    dpi : int in [40, 300]

    Returns
    -------
    int
        The setting before this call.
    """
    global _figure_dpi
    dpi = check_int(dpi, "dpi", minimum=DPI_RANGE[0], maximum=DPI_RANGE[1])
    previous, _figure_dpi = _figure_dpi, dpi
    return previous


#: Figure resolution in presenter mode: 1.3 times ``PANEL_DPI``. The lab's 12 × 4.8-inch
#: figure is then 1560 × 624 pixels and fits below its controls on a 1920 × 1080 projector
#: without scrolling (the browser tests check it); 10-point text is 18 pixels high.
PRESENTER_DPI = 130


def presenter_mode(on=True):
    """Draw every panel's figure large enough for a projector, or back at the default size.

    On, panels render at ``PRESENTER_DPI`` (figure, text and lines 1.3 times larger); off,
    at ``PANEL_DPI``. The kit's apps (``make demo``) have a Presenter toggle that calls this
    and also enlarges the sliders' text; in JupyterLab, browser zoom does that. Panels
    already on screen follow at their next redraw.

    Parameters
    ----------
    on : bool

    Returns
    -------
    bool
        Whether presenter mode was on before this call.
    """
    if not isinstance(on, (bool, np.bool_)):
        raise TypeError(f"on must be True or False, got {type(on).__name__} {on!r}")
    was_on = _figure_dpi == PRESENTER_DPI
    set_figure_dpi(PRESENTER_DPI if on else PANEL_DPI)
    return was_on


def number_or_dash(x, fmt=".3f"):
    """``x`` formatted with ``fmt``, or "—" if it is None, NaN or infinite.

    Panels pass None for every loss and accuracy of a diverged run (see
    ``diverged_message``): those of its last finite network mean nothing.
    """
    return format(x, fmt) if x is not None and np.isfinite(x) else "—"


def diverged_message(error):
    """HTML: training diverged in epoch N, what the panel shows instead, what to do.

    Parameters
    ----------
    error : TrainingDivergedError
        Its ``reason`` (NaN or infinite loss, or a run that grew far from its start) and
        ``advice`` (lower the learning rate, or λ) are shown as ``fit`` words them.
    """
    shown = ("its initial weights" if error.epoch == 1
             else f"the network after epoch {error.epoch - 1}")
    return (f"<b style='color:#bd1f01'>Training diverged</b> in epoch {error.epoch}: "
            f"{html.escape(error.reason)}, so losses and accuracies are shown as —. Shown: "
            f"{shown}. {html.escape(error.advice)}")


def switched_off_message(layer):
    """HTML: the trained network gives every input the same output, why, and what to do.

    The sibling of ``diverged_message`` for a run that did not diverge but ended with a
    network that no longer depends on its input (a step too large threw the ReLU units of a
    hidden layer to where they are 0 for every point).

    Parameters
    ----------
    layer : int or None
        The hidden layer l whose units are all 0 on every training point (dead ReLUs), or
        None if no layer is dead but the output ŷ is the same for every training point.

    Returns
    -------
    str
    """
    if layer is None:
        what = "the output ŷ is the same for every training point"
        why = ""
    else:
        what = f"every unit of h^({layer}) is switched off (0 for every training point)"
        why = " A ReLU unit that is 0 for every input gets no gradient, so it stays off."
    return (f"<b style='color:#bd1f01'>The network switched off</b>: {what}, so it predicts "
            f"one class for every input.{why} Lower the learning rate (lr).")


def _is_selection(control):
    """Return True for dropdowns and other controls that pick one of their ``options``."""
    return hasattr(control, "options")


class OwnThread:
    """The thread, and its asyncio loop, that widget callbacks of one panel must run on.

    Made where the panel is built (a notebook cell: the kernel's main thread). ``call``
    runs a callback at once on that thread, or hands it to that thread's loop from any
    other (a kernel subshell, see the module docstring); without a running loop (a script,
    a test) it always runs at once.

    Attributes
    ----------
    ident : int
        ``threading.get_ident()`` of the owning thread.
    loop : asyncio.AbstractEventLoop or None
        Its running loop, None if there was none.
    """

    def __init__(self):
        self.ident = threading.get_ident()
        try:
            self.loop = asyncio.get_running_loop()
        except RuntimeError:
            self.loop = None

    def call(self, callback, *args):
        """Run ``callback(*args)`` on the owning thread: now if we are on it, else soon.

        Parameters
        ----------
        callback : callable
            A widget callback.
        *args
            Its arguments (a traitlets ``change`` dict, a button, a DOM event).

        Returns
        -------
        bool
            True if it ran now, False if it was handed to the owning thread's loop.
        """
        here = threading.get_ident() == self.ident
        if here or self.loop is None or self.loop.is_closed():
            callback(*args)
            return True
        self.loop.call_soon_threadsafe(callback, *args)
        return False

    def wrap(self, callback):
        """Return ``callback`` made to run on the owning thread (for ``observe``/``on_click``)."""
        @functools.wraps(callback)
        def on_own_thread(*args):
            self.call(callback, *args)
        return on_own_thread


class Panel:
    """Controls plus one figure redrawn whenever a control changes.

    Parameters
    ----------
    controls : dict of str -> ipywidgets.ValueWidget
        Keyed by the name passed to ``draw`` as a keyword argument.
    draw : callable (**values) -> (Figure, str)
        Builds the figure and an HTML summary for the current values.
    css_class : str
        The panel's own CSS class (besides ``mlp-panel``).
    title : str
        Shown above the controls.
    columns : int
        Controls per row.
    dpi : int or None
        Resolution of the rendered PNG; None follows ``set_figure_dpi`` (100 by default,
        ``mlp_core.plotting.style.PANEL_DPI``).

    Attributes
    ----------
    image : ipywidgets.Image
        The current figure as PNG bytes (``image.value``).
    summary : ipywidgets.HTML
        The numbers that go with the figure.
    figure : matplotlib.figure.Figure
        The last figure drawn.
    drawn_values : dict of str -> value
        The control values the figure on screen was drawn for; equal to ``values`` except
        while a redraw runs (see ``redraw``).
    redraws : int
        How many times the figure was drawn.
    last_seconds : float
        Time the last redraw took (computation plus rendering).
    own_thread : OwnThread
        Where the panel's callbacks run (see the module docstring).
    """

    def __init__(self, controls, draw, *, css_class, title="", columns=2, dpi=None):
        if not hasattr(self, "own_thread"):  # a subclass may have made it already
            self.own_thread = OwnThread()
        self.controls = dict(controls)
        self.draw = draw
        self.dpi = dpi
        # align_self: show the PNG at its own size instead of stretched (blurred) to the cell width
        self.image = widgets.Image(
            format="png", layout={"max_width": "100%", "align_self": "flex-start"}
        )
        self.summary = widgets.HTML()
        self.figure = None
        self.drawn_values = None
        self._holding = False  # True while ``set`` changes several controls
        self.redraws = 0
        self.last_seconds = 0.0
        rows = [
            widgets.HBox(list(self.controls.values())[i:i + columns])
            for i in range(0, len(self.controls), columns)
        ]
        header = [widgets.HTML(f"<b>{html.escape(title)}</b>")] if title else []
        self.widget = widgets.VBox([*header, *rows, self.image, self.summary])
        self.widget.add_class("mlp-panel")
        self.widget.add_class(css_class)
        for control in self.controls.values():
            control.observe(self._on_control, names="value")
        self.redraw()

    @property
    def values(self):
        """The current value of every control, by name."""
        return {name: control.value for name, control in self.controls.items()}

    def set(self, **values):
        """Change several controls and redraw once, e.g. ``lab.set(lam=0.01, dropout=0.5)``.

        Moving controls one by one redraws after each move; this shows only the end result.
        Dropdowns are set first, since one may change another control's range (the
        perceptron learning panel's data set sets how far its update slider goes). A value
        a control cannot show is refused rather than clamped, as a slider would: outside a
        slider's range, or not one of a dropdown's options. Then every control goes back to
        where it was and nothing is redrawn.

        Parameters
        ----------
        **values
            Control name (a key of ``controls``) -> new value.

        Raises
        ------
        ValueError, TypeError
            If a name is not a control of this panel or a value is not one it can show
            (or the widget's own ``traitlets.TraitError`` for a widget without a range).
        """
        for name in values:
            if name not in self.controls:
                raise ValueError(
                    f"{name!r} is not a control of this panel; its controls are "
                    f"{', '.join(self.controls)}"
                )
        before = self.values
        with self.held():
            try:
                for name in self._selections_first(values):
                    check_control_value(name, self.controls[name], values[name])
                    self.controls[name].value = values[name]
            except Exception:
                self._put_back(before)
                raise
        if self.values != before:
            self.redraw()

    @contextlib.contextmanager
    def held(self):
        """Let controls change inside the ``with`` block without redrawing.

        For code that moves a control because another one moved (a dropdown that narrows a
        slider's range): the panel then redraws once, for the change that started it.
        """
        holding, self._holding = self._holding, True
        try:
            yield self
        finally:
            self._holding = holding

    def _selections_first(self, names):
        """``names`` with the dropdowns (which may change other controls' ranges) first."""
        return sorted(names, key=lambda name: not _is_selection(self.controls[name]))

    def _put_back(self, values):
        """Restore ``values`` (selections first, as in ``set``) without redrawing."""
        for name in self._selections_first(values):
            self.controls[name].value = values[name]

    def _on_control(self, change):
        """Handle a moved control on the panel's own thread (``OwnThread``)."""
        # a change sent by the browser arrives while ipywidgets holds the property lock,
        # which is gone by the time a handed-over callback runs: look now
        from_browser = bool(getattr(change["owner"], "_property_lock", None))
        self.own_thread.call(self._on_change, change, from_browser)

    def _on_change(self, change, from_browser):
        if not self._holding:
            self.redraw()

    def redraw(self):
        """Draw the figure for the current values and show it.

        Atomic as far as the user sees: the figure, its PNG and the summary are all made
        before any of them is shown. If that is interrupted (KeyboardInterrupt) or raises,
        the controls go back to ``drawn_values``, the values of the picture still on screen,
        without a redraw; the exception then propagates.
        """
        start = time.perf_counter()
        values = self.values
        shown = (self.figure, self.image.value, self.summary.value)
        try:
            with one_blas_thread():
                figure, text = self.draw(**values)
            dpi = _figure_dpi if self.dpi is None else self.dpi
            png = figure_to_png(figure, dpi=dpi)
            self.figure, self.image.value, self.summary.value = figure, png, text
        except BaseException:  # KeyboardInterrupt too: the stop button mid-redraw
            self.figure, self.image.value, self.summary.value = shown
            if self.drawn_values is not None:  # the first draw has nothing to go back to
                with self.held():
                    self._put_back(self.drawn_values)
            raise
        self.drawn_values = values
        self.redraws += 1
        self.last_seconds = time.perf_counter() - start

    def _ipython_display_(self):
        from IPython.display import display

        display(self.widget)

    def __repr__(self):
        """Show the panel's class, CSS class and control names."""
        names = ", ".join(self.controls)
        return f"{type(self).__name__}({self.widget._dom_classes[-1]!r}: {names})"

"""The controls of the panels: sliders and dropdowns made alike, and what each can show.

Every slider made here has ``continuous_update=False``: dragging it triggers one redraw when
released, not dozens. ``check_control_value`` is what ``Panel.set`` asks before it moves a
control: ipywidgets clamps a slider's value into its range without a word, and keeps a value
between two of its steps (``width=3`` on a step-2 slider) that the slider itself can never
reach. ``check_on_steps`` is the step rule alone, for a panel builder that checks its
starting values before it makes any widget.

``ToggleRow`` is one control made of several on/off buttons (the regularization lab's input
features, as in TensorFlow Playground): its ``value`` is the tuple of the options switched
on, so a panel reads, sets, saves and checks it like any other control.
"""

from __future__ import annotations

import contextlib
import html

import ipywidgets as widgets
import traitlets

from .._checks import check_int, check_real, short_repr

__all__ = ["ToggleRow", "check_control_value", "check_on_steps", "dropdown", "float_slider",
           "int_slider", "log_slider"]

#: How far (in steps) a value may sit from a step and still count as on it: 0.15 on a
#: 0.05-step slider is 2.9999999999999996 steps from 0.
STEP_TOLERANCE = 1e-6

_STYLE = {"description_width": "initial"}
_SLIDER_LAYOUT = {"width": "320px"}


def float_slider(description, value, min, max, step, readout_format=".2f"):
    """Return a FloatSlider that updates on release."""
    return widgets.FloatSlider(
        value=value, min=min, max=max, step=step, description=description,
        readout_format=readout_format, continuous_update=False, style=_STYLE,
        layout=_SLIDER_LAYOUT,
    )


def log_slider(description, value, min_exp, max_exp, step=0.25, readout_format=".3g"):
    """Return a FloatLogSlider from 10**min_exp to 10**max_exp that updates on release."""
    return widgets.FloatLogSlider(
        value=value, base=10, min=min_exp, max=max_exp, step=step, description=description,
        readout_format=readout_format, continuous_update=False, style=_STYLE,
        layout=_SLIDER_LAYOUT,
    )


def int_slider(description, value, min, max, step=1):
    """Return an IntSlider that updates on release."""
    return widgets.IntSlider(
        value=value, min=min, max=max, step=step, description=description,
        continuous_update=False, style=_STYLE, layout=_SLIDER_LAYOUT,
    )


def dropdown(description, options, value=None):
    """Return a Dropdown over ``options`` (e.g. the keys of a registry)."""
    options = list(options)
    return widgets.Dropdown(
        options=options, value=options[0] if value is None else value,
        description=description, style=_STYLE, layout={"width": "320px"},
    )


class ToggleRow(widgets.HBox):
    """A row of on/off buttons, one per option; ``value`` is the tuple of those switched on.

    One control for a panel (``Panel`` observes its ``value`` as any slider's): setting
    ``value`` sets the buttons, and a click on a button sets ``value``, in the order of the
    options whatever order it was given in. At least one option stays on: switching off
    the last one is refused, the button goes back on and the row says why.

    A click in the browser counts as one (``Panel._on_control`` looks at the owner's
    ``_property_lock``): the button's change arrives while ipywidgets holds the *button's*
    property lock, so the row sets its ``value`` under a lock of its own. Like ipywidgets'
    own syncing of a dropdown's index and value, this runs on the thread that delivers the
    browser's message; the panel's reaction is handed to the panel's thread by ``Panel``.

    Parameters
    ----------
    description : str
        Shown before the buttons.
    options : sequence of (str, object)
        (label, value) pairs, in the order shown.
    value : sequence
        The option values switched on at the start.

    Attributes
    ----------
    buttons : list of ipywidgets.ToggleButton
        One per option, in order.
    message : ipywidgets.HTML
        Why the last click was refused ("" otherwise).
    """

    value = traitlets.Tuple()
    description = traitlets.Unicode()

    def __init__(self, description, options, value):
        self.options = tuple(options)
        self._syncing = False  # True while ``value`` sets the buttons
        self.buttons = [widgets.ToggleButton(description=label, tooltip=f"{label}: on or off",
                                             layout={"width": "auto"})
                        for label, _ in self.options]
        self.message = widgets.HTML("", layout={"margin": "0 0 0 8px"})
        self.message.add_class("toggle-row-message")
        super().__init__([widgets.HTML(html.escape(description), layout={"margin": "0 8px"}),
                          *self.buttons, self.message],
                         layout={"flex_flow": "row wrap", "align_items": "center"})
        self.description = description
        self.observe(self._on_value, names="value")
        self.value = tuple(value)
        for button in self.buttons:
            button.observe(self._on_button, names="value")

    def check(self, value, name="value"):
        """Return ``value`` as a tuple in the options' order, or raise naming ``name``.

        Raises
        ------
        TypeError
            If ``value`` is a string or not a sequence.
        ValueError
            If it holds a value that is not an option, repeats one, or is empty.
        """
        values = [v for _, v in self.options]
        if isinstance(value, (str, bytes)) or not hasattr(value, "__iter__"):
            raise TypeError(f"{name} must be a tuple of some of {values}, got "
                            f"{short_repr(value)}")
        value = tuple(value)
        unknown = [v for v in value if v not in values]
        if unknown:
            raise ValueError(f"{name} must be some of {values}, got {short_repr(value)} "
                             f"({short_repr(unknown[0])} is not one of them)")
        if len(set(value)) < len(value):
            raise ValueError(f"{name} must name each option at most once, got "
                             f"{short_repr(value)}")
        if not value:
            raise ValueError(f"{name} must keep at least one of {values} on, got ()")
        return tuple(v for v in values if v in value)

    @traitlets.validate("value")
    def _valid_value(self, proposal):
        try:
            return self.check(proposal["value"])
        except (TypeError, ValueError) as error:
            raise traitlets.TraitError(str(error)) from None

    def _on_value(self, change):
        """Set the buttons to ``value`` (they tell no one: ``_syncing``)."""
        with self._syncing_buttons():
            for button, (_, v) in zip(self.buttons, self.options):
                button.value = v in change["new"]
        self.message.value = ""

    def _on_button(self, change):
        """Set ``value`` from the buttons, or refuse to switch off the last one that is on."""
        if self._syncing:
            return
        button = change["owner"]
        on = tuple(v for b, (_, v) in zip(self.buttons, self.options) if b.value)
        if not on:
            with self._syncing_buttons():
                button.value = True  # sent back to the browser: the lock held False
            self.message.value = (f"<span style='color:#bd1f01'>{html.escape(button.description)}"
                                  " is the last one on: at least one must stay on.</span>")
            return
        # from the browser: hold this row's lock as ipywidgets holds the button's
        lock = (self._lock_property(value=list(on)) if button._property_lock
                else contextlib.nullcontext())
        with lock:
            self.value = on

    @contextlib.contextmanager
    def _syncing_buttons(self):
        syncing, self._syncing = self._syncing, True
        try:
            yield
        finally:
            self._syncing = syncing


def check_on_steps(name, value, start, stop, step):
    """Refuse a value between the steps ``start, start + step, ..., stop`` of a linear slider.

    The ends count as steps. The range is checked elsewhere (``check_int``, ``check_real``).

    Raises
    ------
    ValueError
        ``width must be one of the slider's steps 2, 4, ..., 128 (2 + k·2), got 3``.
    """
    if not step:  # a slider without steps (step=None) takes any value in its range
        return
    k = (value - start) / step
    if abs(k - round(k)) > STEP_TOLERANCE and value != stop:
        raise ValueError(
            f"{name} must be one of the slider's steps {start:g}, {start + step:g}, ..., "
            f"{stop:g} ({start:g} + k·{step:g}), got {value:g}"
        )


def check_control_value(name, control, value):
    """Refuse a value ``control`` cannot show, naming the control, its rule and the value.

    Selections (dropdowns) take one of their option values (a multiple selection a tuple of
    them); a ``ToggleRow`` a non-empty tuple of its option values, each at most once;
    integer and float sliders a number in [min, max] on one of their steps
    ``min + k·step``. A log slider takes any number from base**min to base**max: its steps
    are powers ``base**(min + k·step)``, between which the round numbers people type (a
    learning rate of 0.3) fall; its readout shows the exact value. Other widgets are left to
    their own validation.
    """
    if isinstance(control, ToggleRow):
        control.check(value, name)
    elif hasattr(control, "options"):
        options = [o[1] if isinstance(o, tuple) else o for o in control.options]
        several = isinstance(control, widgets.SelectMultiple)
        if not (set(value) <= set(options) if several else value in options):
            raise ValueError(f"{name} must be {'some' if several else 'one'} of {options}, "
                             f"got {short_repr(value)}")
    elif isinstance(control, (widgets.IntSlider, widgets.BoundedIntText)):
        check_int(value, name, minimum=control.min, maximum=control.max)
        if isinstance(control, widgets.IntSlider):
            check_on_steps(name, value, control.min, control.max, control.step)
    elif isinstance(control, widgets.FloatLogSlider):
        check_real(value, name, low=control.base ** control.min, high=control.base ** control.max)
    elif isinstance(control, (widgets.FloatSlider, widgets.BoundedFloatText)):
        value = check_real(value, name, low=control.min, high=control.max)
        if isinstance(control, widgets.FloatSlider):
            check_on_steps(name, value, control.min, control.max, control.step)

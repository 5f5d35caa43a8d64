"""The controls of the panels: sliders and dropdowns made alike, and what each can show.

Every slider made here has ``continuous_update=False``: dragging it triggers one redraw when
released, not dozens. ``check_control_value`` is what ``Panel.set`` asks before it moves a
control: ipywidgets clamps a slider's value into its range without a word, and keeps a value
between two of its steps (``width=3`` on a step-2 slider) that the slider itself can never
reach. ``check_on_steps`` is the step rule alone, for a panel builder that checks its
starting values before it makes any widget.
"""

from __future__ import annotations

import ipywidgets as widgets

from .._checks import check_int, check_real, short_repr

__all__ = ["check_control_value", "check_on_steps", "dropdown", "float_slider", "int_slider",
           "log_slider"]

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
    them); integer and float sliders a number in [min, max] on one of their steps
    ``min + k·step``. A log slider takes any number from base**min to base**max: its steps
    are powers ``base**(min + k·step)``, between which the round numbers people type (a
    learning rate of 0.3) fall; its readout shows the exact value. Other widgets are left to
    their own validation.
    """
    if hasattr(control, "options"):
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

"""The controls of the panels: sliders and dropdowns made alike, and what each can show.

Every slider made here has ``continuous_update=False``: dragging it triggers one redraw when
released, not dozens. ``check_control_value`` is what ``Panel.set`` asks before it moves a
control: ipywidgets clamps a slider's value into its range without a word.
"""

from __future__ import annotations

import ipywidgets as widgets

from .._checks import check_int, check_real, short_repr

__all__ = ["check_control_value", "dropdown", "float_slider", "int_slider", "log_slider"]

_STYLE = {"description_width": "initial"}
_SLIDER_LAYOUT = {"width": "320px"}


def float_slider(description, value, min, max, step, readout_format=".2f"):
    """A FloatSlider that updates on release."""
    return widgets.FloatSlider(
        value=value, min=min, max=max, step=step, description=description,
        readout_format=readout_format, continuous_update=False, style=_STYLE,
        layout=_SLIDER_LAYOUT,
    )


def log_slider(description, value, min_exp, max_exp, step=0.25, readout_format=".3g"):
    """A FloatLogSlider from 10**min_exp to 10**max_exp that updates on release."""
    return widgets.FloatLogSlider(
        value=value, base=10, min=min_exp, max=max_exp, step=step, description=description,
        readout_format=readout_format, continuous_update=False, style=_STYLE,
        layout=_SLIDER_LAYOUT,
    )


def int_slider(description, value, min, max, step=1):
    """An IntSlider that updates on release."""
    return widgets.IntSlider(
        value=value, min=min, max=max, step=step, description=description,
        continuous_update=False, style=_STYLE, layout=_SLIDER_LAYOUT,
    )


def dropdown(description, options, value=None):
    """A Dropdown over ``options`` (e.g. the keys of a registry)."""
    options = list(options)
    return widgets.Dropdown(
        options=options, value=options[0] if value is None else value,
        description=description, style=_STYLE, layout={"width": "320px"},
    )


def check_control_value(name, control, value):
    """Refuse a value ``control`` cannot show, naming the control, its rule and the value.

    Selections (dropdowns) take one of their option values (a multiple selection a tuple of
    them); integer sliders an integer in
    [min, max]; float sliders a number in [min, max] (for a log slider base**min to
    base**max). Other widgets are left to their own validation.
    """
    if hasattr(control, "options"):
        options = [o[1] if isinstance(o, tuple) else o for o in control.options]
        several = isinstance(control, widgets.SelectMultiple)
        if not (set(value) <= set(options) if several else value in options):
            raise ValueError(f"{name} must be {'some' if several else 'one'} of {options}, "
                             f"got {short_repr(value)}")
    elif isinstance(control, (widgets.IntSlider, widgets.BoundedIntText)):
        check_int(value, name, minimum=control.min, maximum=control.max)
    elif isinstance(control, widgets.FloatLogSlider):
        check_real(value, name, low=control.base ** control.min, high=control.base ** control.max)
    elif isinstance(control, (widgets.FloatSlider, widgets.BoundedFloatText)):
        check_real(value, name, low=control.min, high=control.max)

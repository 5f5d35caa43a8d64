"""What every widget-panel test checks, in one place (imported by tests/test_widgets_*.py).

A change of a control must redraw the panel exactly once, change the PNG it shows and leave a
summary. ``sweep`` sets a control to both extremes and two values between (every option of
a dropdown), then back to its default.
"""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np


def dropdown_values(dropdown):
    """Return the values of a Dropdown whose options are plain values or (label, value) pairs."""
    return [o[1] if isinstance(o, tuple) else o for o in dropdown.options]


def extremes_and_between(control):
    """Largest, smallest and two values between for a slider; every option for a dropdown."""
    if isinstance(control, widgets.Dropdown):
        return dropdown_values(control)[::-1]
    lo, hi = control.min, control.max
    if isinstance(control, widgets.FloatLogSlider):  # min and max are exponents
        exps = np.linspace(lo, hi, 4)
        return [float(control.base ** e) for e in (hi, lo, *exps[1:3])]
    if isinstance(control, widgets.IntSlider):
        return [hi, lo, lo + (hi - lo) // 3, lo + 2 * (hi - lo) // 3]
    return [hi, lo, lo + (hi - lo) / 3, lo + 2 * (hi - lo) / 3]


def exercise(panel, name, values):
    """Set control ``name`` to each value in turn; every step must redraw and change the figure."""
    for value in values:
        before = hash(panel.image.value)
        redraws = panel.redraws
        panel.controls[name].value = value
        assert panel.redraws == redraws + 1, (name, value)
        assert hash(panel.image.value) != before, f"{name}={value!r} did not change the figure"
        assert panel.summary.value


def sweep(panel, name):
    """``exercise`` over ``extremes_and_between`` and back to the default, skipping repeats."""
    control = panel.controls[name]
    values, current = [], control.value
    for value in [*extremes_and_between(control), control.value]:
        same = value == current or (not isinstance(value, str) and not isinstance(current, str)
                                    and np.isclose(value, current))
        if not same:
            values.append(value)
            current = value
    exercise(panel, name, values)

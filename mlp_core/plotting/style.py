"""Figure style shared by every plot of the kit: colour-blind-safe, labelled, pyplot-free.

Figures are made with ``matplotlib.figure.Figure`` directly rather than through pyplot, so
they hold no global state, are freed like any Python object and never pop up twice in a
notebook. A Figure returned as the last expression of a cell is shown by Jupyter as usual.
"""

from __future__ import annotations

import functools
import io

import matplotlib
import matplotlib.style
from matplotlib.figure import Figure

__all__ = [
    "CMAP",
    "DIVERGING_CMAP",
    "MARKERS",
    "PANEL_DPI",
    "STYLE",
    "TEXT_POINTS",
    "figure_to_png",
    "layer_sup",
    "new_figure",
    "styled",
]

#: petroff10 (matplotlib >= 3.10) is a colour-blind-safe cycle; older versions fall back.
STYLE = "petroff10" if "petroff10" in matplotlib.style.available else "tableau-colorblind10"
#: Sequential colour map for probabilities and magnitudes.
CMAP = "cividis"
#: Diverging map for signed quantities (weights, error terms), centred at 0.
DIVERGING_CMAP = "PuOr"
#: Class markers, so classes differ by shape as well as colour.
MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*", "<", ">")
#: Size in points of the smallest text a figure carries (legends, annotations, tick labels).
#: At ``PANEL_DPI`` a capital letter of it is 10 pixels high (10 pt * 100 / 72 * 0.73),
#: readable on a laptop screen at the image's own size.
TEXT_POINTS = 10
#: Resolution of a panel's PNG (``mlp_core.widgets.set_figure_dpi`` changes it) and of a
#: figure shown inline: the image is shown at its own pixel size, so this sets how large a
#: figure and its text appear. A projector in a lecture hall wants more (about 120).
PANEL_DPI = 100


_SUPERSCRIPTS = str.maketrans("0123456789()", "⁰¹²³⁴⁵⁶⁷⁸⁹⁽⁾")


def layer_sup(l):
    """Return the layer superscript "(l)" as Unicode text, e.g. "⁽³⁾" for 3.

    Plain text draws much faster than mathtext, which matters for widget redraws.
    """
    return f"({l})".translate(_SUPERSCRIPTS)


def styled(func):
    """Draw inside the kit's style context (colour cycle, font sizes)."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        with matplotlib.style.context([STYLE, {"axes.grid": True, "grid.alpha": 0.3,
                                               "figure.dpi": PANEL_DPI,
                                               "font.size": TEXT_POINTS,
                                               "legend.fontsize": TEXT_POINTS}]):
            return func(*args, **kwargs)

    return wrapper


def new_figure(figsize=(6.4, 4.0), ncols=1, nrows=1, **subplot_kw):
    """Return a pyplot-free Figure with a grid of axes.

    Returns
    -------
    (Figure, Axes or ndarray of Axes)
    """
    fig = Figure(figsize=figsize, layout="constrained")
    axes = fig.subplots(nrows, ncols, squeeze=True, **subplot_kw)
    return fig, axes


def figure_to_png(fig, dpi=PANEL_DPI):
    """Render a figure to PNG bytes (what a widget displays and a test can hash)."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi)
    return buffer.getvalue()

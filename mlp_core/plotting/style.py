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
    "STYLE",
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


_SUPERSCRIPTS = str.maketrans("0123456789()", "⁰¹²³⁴⁵⁶⁷⁸⁹⁽⁾")


def layer_sup(l):
    """The layer superscript "(l)" as Unicode text, e.g. "⁽³⁾" for 3.

    Plain text draws much faster than mathtext, which matters for widget redraws.
    """
    return f"({l})".translate(_SUPERSCRIPTS)


def styled(func):
    """Draw inside the kit's style context (colour cycle, font sizes)."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        with matplotlib.style.context([STYLE, {"axes.grid": True, "grid.alpha": 0.3,
                                               "figure.dpi": 100}]):
            return func(*args, **kwargs)

    return wrapper


def new_figure(figsize=(6.4, 4.0), ncols=1, nrows=1, **subplot_kw):
    """A pyplot-free Figure with a grid of axes.

    Returns
    -------
    (Figure, Axes or ndarray of Axes)
    """
    fig = Figure(figsize=figsize, layout="constrained")
    axes = fig.subplots(nrows, ncols, squeeze=True, **subplot_kw)
    return fig, axes


def figure_to_png(fig, dpi=80):
    """Render a figure to PNG bytes (what a widget displays and a test can hash)."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi)
    return buffer.getvalue()

"""Figures for the activation functions (lecture §4.2, Eqs. 5-10, Figs. 4-6).

- ``activation_figure``: σ(z) and σ'(z) side by side, the chosen activation in bold and the
  others thin for comparison.
- ``vanishing_figure``: the product σ'(z^(1)) σ'(z^(2)) ... σ'(z^(d)) that the chain rule
  (Eq. 22) multiplies into an error term after d layers, on a log axis.

Each activation keeps one colour and one marker in both figures (``activation_look``).
"""

from __future__ import annotations

import matplotlib as mpl
import numpy as np
from matplotlib.ticker import MaxNLocator

from ..activations import ACTIVATIONS
from .style import MARKERS, new_figure, styled

__all__ = ["activation_figure", "activation_look", "vanishing_figure"]

#: Horizontal limits of each activation's output range, drawn as dotted lines.
_BOUNDS = {"sigmoid": (0.0, 1.0), "tanh": (-1.0, 1.0)}
#: Lowest product drawn on the log axis; smaller ones (and exact zeros) are drawn at it.
_FLOOR = 1e-60


def activation_look(name):
    """Return the colour and marker of ``ACTIVATIONS[name]``, the same in every figure here.

    Colours come from the current style's cycle, so call it inside a ``styled`` function.

    Returns
    -------
    (str, str)
        Colour, marker.
    """
    k = list(ACTIVATIONS).index(name)
    colours = mpl.rcParams["axes.prop_cycle"].by_key()["color"]
    return colours[k % len(colours)], MARKERS[k % len(MARKERS)]


def _break_jumps(z, values, jump=0.5):
    """Insert NaN where ``values`` jumps (ReLU' at 0), so no vertical line is drawn there."""
    cut = np.flatnonzero(np.abs(np.diff(values)) > jump) + 1
    return np.insert(z, cut, np.nan), np.insert(values.astype(float), cut, np.nan)


@styled
def activation_figure(name, z_max=5.0, n_points=401):
    """σ(z) (left) and σ'(z) (right) on [-z_max, z_max] for ``ACTIVATIONS[name]``.

    Parameters
    ----------
    name : str
        A key of ``ACTIVATIONS``.
    z_max : float > 0
        Half-width of the z range (pre-activation, unitless).
    n_points : int
        Points on the z grid (odd, so that z = 0 is on it).

    Returns
    -------
    matplotlib.figure.Figure
    """
    z = np.linspace(-z_max, z_max, n_points)
    fig, (ax_f, ax_d) = new_figure(figsize=(8.4, 3.4), ncols=2)
    for k, (key, act) in enumerate(ACTIVATIONS.items()):
        chosen = key == name
        colour, marker = activation_look(key)
        style = {"color": colour, "linewidth": 2.6 if chosen else 1.0,
                 "alpha": 1.0 if chosen else 0.45, "linestyle": "-" if chosen else "--",
                 "marker": marker, "markevery": (k * 17, 80), "markersize": 5,
                 "label": key, "zorder": 3 if chosen else 2}
        ax_f.plot(z, act.function(z), **style)
        ax_d.plot(*_break_jumps(z, act.derivative(z)), **style)
    act = ACTIVATIONS[name]
    for bound in _BOUNDS.get(name, ()):
        ax_f.axhline(bound, color="black", linestyle=":", linewidth=1)
    ax_f.plot(0, act.function(0.0), "o", color="black", zorder=4)
    ax_d.plot(0, act.derivative(0.0), "o", color="black", zorder=4)
    ax_d.annotate(f"σ′(0) = {float(act.derivative(0.0)):.2f}", (0, act.derivative(0.0)),
                  xytext=(8, 6), textcoords="offset points")
    ax_f.set_title(f"{name}: σ(z), {act.equations}, range {act.output_range}",
                   fontsize="medium")
    ax_d.set_title("its derivative σ′(z)", fontsize="medium")
    y_lim = 1.5 if name in _BOUNDS else max(1.5, z_max)
    ax_f.set_ylim(-y_lim, y_lim)
    ax_d.set_ylim(-0.1, 1.25)
    for ax, label in ((ax_f, "σ(z) (activation)"), (ax_d, "σ′(z) (slope)")):
        ax.set_xlabel("z (pre-activation)")
        ax.set_ylabel(label)
        ax.set_xlim(-z_max, z_max)
        ax.axhline(0, color="0.4", linewidth=0.6)
        ax.axvline(0, color="0.4", linewidth=0.6)
    ax_f.legend(loc="upper left")
    return fig


@styled
def vanishing_figure(curves, depth, d_max=None):
    """Products of derivatives through depth d (1..d_max) on a log axis.

    Parameters
    ----------
    curves : dict of str -> ndarray of shape (d_max,)
        Label -> product after d = 1 .. d_max layers. The activation name in the label picks
        the colour and marker (those of ``activation_figure``); labels starting with "max" are
        drawn solid with filled markers, the others dashed with open markers.
    depth : int
        The depth to mark (vertical line and points).
    d_max : int, optional
        Largest depth on the axis (default: length of the curves).

    Returns
    -------
    matplotlib.figure.Figure
    """
    fig, ax = new_figure(figsize=(6.8, 4.4))
    d_max = d_max or len(next(iter(curves.values())))
    d = np.arange(1, d_max + 1)
    curves = {label: np.asarray(values, float) for label, values in curves.items()}
    # The bottom of the axis follows the data, so that no curve drops out of sight: a power
    # of ten below the smallest product, never above 1e-16 (the axis stays put for small
    # spreads) and never below _FLOOR / 10.
    smallest = max(min(v.min() for v in curves.values()), _FLOOR)
    bottom = min(1e-16, 10.0 ** (np.floor(np.log10(smallest)) - 1))
    clipped = False
    for label, values in curves.items():
        name = next((key for key in ACTIVATIONS if key in label), None)
        colour, marker = activation_look(name) if name else ("black", MARKERS[-1])
        clipped |= bool(np.any(values < _FLOOR))
        values = np.maximum(values, _FLOOR)  # a product of 0 has no place on a log axis
        maximum = label.startswith("max")
        ax.semilogy(d, values, marker=marker, markersize=4, color=colour,
                    markerfacecolor=colour if maximum else "white",
                    linestyle="-" if maximum else "--", label=label)
        ax.plot(depth, values[depth - 1], marker=marker, markersize=9, color=colour,
                markeredgecolor="black", zorder=4)
    ax.axvline(depth, color="black", linewidth=1, linestyle=":")
    if clipped:
        ax.annotate(f"values below {_FLOOR:.0e} are drawn at {_FLOOR:.0e}", (0.01, 0.02),
                    xycoords="axes fraction")
    ax.set_xlabel("depth d (layers the error term passes through)")
    ax.set_ylabel("product σ′(z⁽¹⁾)···σ′(z⁽ᵈ⁾) (log scale)")
    ax.set_xlim(0.5, d_max + 0.5)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_ylim(bottom, 5)
    # Below the axes, where it can hide no curve.
    fig.legend(loc="outside lower center", ncols=2)
    return fig

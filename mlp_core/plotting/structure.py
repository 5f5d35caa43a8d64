"""Figures for the network structure (lecture §4.1): the diagram of Fig. 3 (Fig. 7 with dropout).

``draw_network`` is the one network diagram of the kit: ``network_figure`` shows it alone,
``forward.forward_figure`` colours its units by their values and
``regularization.dropout_figure`` crosses out dropped units. Units sit in columns, weights
are lines.

Columns from left to right are the input x, the hidden layers h^(1) .. h^(L) and the output ŷ.
Between two columns every unit is joined to every unit (a fully connected layer W^(l) of shape
N_l × N_{l-1}, Eq. 11). A layer wider than ``max_units`` shows its first units, an ellipsis and
its last unit. Dropped units (§4.6.2, Fig. 7) are drawn grey and crossed out, with their lines
removed.
"""

from __future__ import annotations

import numpy as np
from matplotlib.cm import ScalarMappable
from matplotlib.collections import LineCollection
from matplotlib.colors import Normalize, to_rgba
from matplotlib.figure import Figure

from .style import DIVERGING_CMAP, layer_sup, new_figure, styled

__all__ = ["draw_network", "network_figure"]

_EDGE = "0.62"
_FILL = "#d9e6f2"
_DROPPED_FILL = "0.88"


def _shown_units(size, max_units):
    """Return the indices of the units drawn for a layer of ``size`` units; -1 is the ellipsis."""
    if size <= max_units:
        return list(range(size))
    return [*range(max_units - 2), -1, size - 1]


def _check_dropped(dropped, layer_sizes):
    if dropped is None:
        return [None] * len(layer_sizes)
    n_hidden = len(layer_sizes) - 2
    if len(dropped) != n_hidden:
        raise ValueError(
            f"dropped must hold one boolean array per hidden layer ({n_hidden}), "
            f"got {len(dropped)}"
        )
    masks = [None]
    for l, (mask, size) in enumerate(zip(dropped, layer_sizes[1:-1]), start=1):
        mask = np.asarray(mask)
        if mask.dtype != bool:  # a float dropout mask would silently mean the opposite
            raise ValueError(
                f"dropped[{l - 1}] must be a boolean array (True = dropped), got dtype "
                f"{mask.dtype}; for an inverted-dropout mask m pass m == 0"
            )
        if mask.shape != (size,):
            raise ValueError(
                f"dropped[{l - 1}] must have shape ({size},) for hidden layer {l}, "
                f"got {mask.shape}"
            )
        masks.append(mask)
    return [*masks, None]


_SUB = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


def _sub(n):
    """Subscript digits as Unicode text (plain text draws much faster than mathtext)."""
    return str(n).translate(_SUB)


def _layer_title(l, n_layers, size):
    if l == 0:
        return f"input x\n$N_I$ = {size}"
    if l == n_layers - 1:
        return f"output ŷ\n$N_O$ = {size}"
    return f"hidden h{layer_sup(l)}\nN{_sub(l)} = {size}"


def _draw_weights(ax, shown, ys, masks):
    """One line per weight between two drawn, not dropped units (one LineCollection: fast)."""

    def alive(l, i):
        return i >= 0 and (masks[l] is None or not masks[l][i])

    segments = [
        ((l - 1, ys[l - 1][a]), (l, ys[l][c]))
        for l in range(1, len(shown))
        for a, i in enumerate(shown[l - 1]) if alive(l - 1, i)
        for c, j in enumerate(shown[l]) if alive(l, j)
    ]
    ax.add_collection(LineCollection(segments, colors=_EDGE, linewidths=0.7,
                                     zorder=1))


def draw_network(ax, layer_sizes, *, dropped=None, show_labels=True, max_units=10,
                 values=None):
    """Draw an MLP with ``layer_sizes`` = [N_I, N_1, ..., N_L, N_O] on ``ax``.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
    layer_sizes : sequence of int
        At least two sizes, each >= 1 (two sizes: input joined directly to output).
    dropped : list of ndarray of bool, optional
        One array of shape (N_l,) per hidden layer, True where that unit is dropped (Fig. 7).
    show_labels : bool
        Titles over the columns, unit names x_i and ŷ_k, and "W^(l): N_l×N_{l-1}" between
        the columns.
    max_units : int >= 4
        Layers wider than this are drawn with an ellipsis.
    values : list of ndarray, optional
        One array of shape (N_l,) per layer (x, h^(1), .., ŷ) used to colour the units
        with a diverging colour map centred at 0 and print the value in each circle.

    Returns
    -------
    matplotlib.cm.ScalarMappable or None
        The colour scale of ``values`` (for a colour bar), None without values.
    """
    sizes = [int(s) for s in layer_sizes]
    if len(sizes) < 2 or min(sizes) < 1:
        raise ValueError(f"layer_sizes must list at least two sizes >= 1, got {layer_sizes!r}")
    if max_units < 4:
        raise ValueError(f"max_units must be >= 4, got {max_units}")
    masks = _check_dropped(dropped, sizes)
    mappable = _value_scale(values, sizes)
    shown = [_shown_units(s, max_units) for s in sizes]
    n_slots = max(len(s) for s in shown)
    # y position of each drawn slot, centred on 0, first unit on top
    ys = [(len(s) - 1) / 2 - np.arange(len(s)) for s in shown]

    _draw_weights(ax, shown, ys, masks)

    height_pts = ax.figure.get_figheight() * 72 * ax.get_position().height
    size = min(22.0, 0.55 * height_pts / max(n_slots, 1)) ** 2
    for l, (units, y) in enumerate(zip(shown, ys)):
        units = np.asarray(units)
        _draw_units(ax, l, units, y, masks[l], None if values is None else values[l],
                    mappable, size)
        if show_labels:
            _label_layer(ax, l, sizes, units, y, n_slots)
    if show_labels:
        for l in range(1, len(sizes)):
            ax.text(l - 0.5, -n_slots / 2 - 0.15,
                    f"W{layer_sup(l)}: {sizes[l]}×{sizes[l - 1]}",
                    ha="center", va="top", in_layout=False)
    ax.set_xlim(-0.45, len(sizes) - 0.55)
    ax.set_ylim(-n_slots / 2 - (0.9 if show_labels else 0.1),
                n_slots / 2 + (1.3 if show_labels else 0.1))
    ax.set_axis_off()
    return mappable


def _value_scale(values, sizes):
    """Return the diverging colour scale of ``values`` (one array per layer), else None."""
    if values is None:
        return None
    if len(values) != len(sizes) or any(np.size(v) != n for v, n in zip(values, sizes)):
        raise ValueError(
            f"values must hold one array per layer with sizes {sizes}, "
            f"got sizes {[np.size(v) for v in values]}"
        )
    vmax = max(float(np.max(np.abs(v))) for v in values) or 1.0
    return ScalarMappable(norm=Normalize(-vmax, vmax), cmap=DIVERGING_CMAP)


def _draw_units(ax, l, units, y, mask, values, mappable, size):
    """Draw the circles of layer ``l`` (-1 in ``units`` is the ellipsis), dropped ones crossed.

    ``values`` (shape (N_l,), or None) colours each circle through ``mappable`` and is
    printed in it.
    """
    real = units >= 0
    is_dropped = np.zeros(len(units), bool)
    if mask is not None:
        is_dropped[real] = mask[units[real]]
    if values is not None:
        colours = np.full((len(units), 4), 0.0)
        colours[real] = mappable.to_rgba(np.ravel(values)[units[real]])
    else:
        colours = np.tile(to_rgba(_FILL), (len(units), 1))
    colours[is_dropped] = to_rgba(_DROPPED_FILL)
    edges = np.where(is_dropped[:, None], 0.6, 0.2).repeat(3, axis=1)
    ax.scatter(np.full(real.sum(), l), y[real], s=size, c=colours[real],
               edgecolors=edges[real], linewidths=1.0, zorder=3)
    if is_dropped.any():
        ax.scatter(np.full(is_dropped.sum(), l), y[is_dropped], s=size * 0.6, marker="x",
                   c="0.3", linewidths=1.2, zorder=4)
    if values is not None:  # print each value in its circle, dark text on light fill
        for u, yy, rgba in zip(units[real], y[real], colours[real]):
            dark = 0.299 * rgba[0] + 0.587 * rgba[1] + 0.114 * rgba[2] > 0.55
            ax.text(l, yy, f"{np.ravel(values)[u]:.2f}", ha="center", va="center",
                    fontsize=6.5, color="black" if dark else "white", zorder=5,
                    in_layout=False)
    for yy in y[~real]:
        ax.text(l, yy, "⋮", ha="center", va="center", fontsize=14, zorder=4, in_layout=False)


def _label_layer(ax, l, sizes, units, y, n_slots):
    """Write the title over column ``l``, and the unit names x_i / ŷ_k beside the outer columns."""
    ax.text(l, n_slots / 2 + 0.1, _layer_title(l, len(sizes), sizes[l]),
            ha="center", va="bottom", in_layout=False)
    if l in (0, len(sizes) - 1):
        name = "x" if l == 0 else "ŷ"
        dx, ha = (-0.12, "right") if l == 0 else (0.12, "left")
        real = units >= 0
        for u, yy in zip(units[real], y[real]):
            ax.text(l + dx, yy, f"{name}{_sub(u + 1)}", ha=ha, va="center", in_layout=False)


@styled
def network_figure(layer_sizes, dropped=None, *, figsize=None) -> Figure:
    """Return a Figure with the diagram of ``draw_network``.

    Parameters
    ----------
    layer_sizes : sequence of int
        [N_I, N_1, ..., N_L, N_O].
    dropped : list of ndarray of bool, optional
        One array per hidden layer, True = dropped (Fig. 7).
    figsize : (float, float), optional
        Width and height in inches; by default the width grows with the depth.

    Returns
    -------
    matplotlib.figure.Figure
    """
    if figsize is None:
        figsize = (min(9.0, 1.6 + 1.5 * len(layer_sizes)), 3.6)
    fig, ax = new_figure(figsize=figsize)
    draw_network(ax, layer_sizes, dropped=dropped)
    return fig

"""Figure for forward propagation (lecture §4.3, Eqs. 11-16): the unit values and L, s, J.

Left: the three terms of the regularized loss, L = l(ŷ, y) (Eq. 14), s = λ/2 Σ_l ‖W^(l)‖²_F
(Eq. 15) and J = L + s (Eq. 16), the last drawn as L stacked under s. Right: the network
diagram with each unit coloured by its value (x, h^(l), ŷ) for one input.
"""

from __future__ import annotations

import matplotlib as mpl

from .structure import draw_network
from .style import new_figure, styled

__all__ = ["forward_figure"]


@styled
def forward_figure(layer_sizes, values, data_loss, penalty, *, y_max=None):
    """Bars of L, s and J = L + s beside the network coloured by the forward values.

    Parameters
    ----------
    layer_sizes : sequence of int
        [N_I, N_1, ..., N_L, N_O].
    values : list of ndarray
        One array per layer: x of shape (N_I,), h^(l) of shape (N_l,), ŷ of shape (N_O,).
    data_loss : float
        L, Eq. (14).
    penalty : float
        s, Eq. (15).
    y_max : float, optional
        Upper limit of the bar axis (fixed limits make slider changes easy to compare); leave
        about 15 % above the tallest bar for its value label.

    Returns
    -------
    matplotlib.figure.Figure
    """
    colours = mpl.rcParams["axes.prop_cycle"].by_key()["color"]
    fig, (ax_bar, ax_net) = new_figure(figsize=(9.0, 3.6), ncols=2, width_ratios=(1, 1.7))
    total = data_loss + penalty
    ax_bar.bar(0, data_loss, color=colours[0], edgecolor="black")
    ax_bar.bar(1, penalty, color=colours[1], edgecolor="black", hatch="//")
    ax_bar.bar(2, data_loss, color=colours[0], edgecolor="black")
    ax_bar.bar(2, penalty, bottom=data_loss, color=colours[1], edgecolor="black", hatch="//")
    for x, value in enumerate((data_loss, penalty, total)):
        ax_bar.annotate(f"{value:.3f}", (x, value), xytext=(0, 3), textcoords="offset points",
                        ha="center", va="bottom")
    # The tick labels name the bars (no legend, which could cover a bar or its value).
    ax_bar.set_xticks([0, 1, 2], ["L\n(data loss)", "s\n(L2 penalty)", "J = L + s"])
    ax_bar.set_ylabel("loss (squared output units)")
    ax_bar.set_ylim(0, y_max if y_max else max(total, 1e-3) * 1.25)
    ax_bar.set_title("Eqs. (14)-(16)", fontsize="medium")
    mappable = draw_network(ax_net, layer_sizes, values=values)
    fig.colorbar(mappable, ax=ax_net, shrink=0.8, label="unit value (x, h, ŷ)")
    return fig

"""Panel for the structure of an MLP (lecture §4.1, Eqs. 2-4, Fig. 3).

Sliders choose the number of inputs N_I, the depth L (hidden layers), their width and the
number of outputs N_O; the panel redraws the network and lists the shape of every W^(l)
(N_l × N_{l-1}) and b^(l) (N_l) with the total number of parameters, checked against
``MLP(...).n_parameters``.
"""

from __future__ import annotations

from ..network import MLP, parameter_table
from ..plotting.structure import network_figure
from .base import Panel
from .controls import int_slider

__all__ = ["structure_panel"]


def _layer_name(l, n_layers):
    return "x" if l == 0 else "ŷ" if l == n_layers - 1 else f"h<sup>({l})</sup>"


def structure_panel():
    """Sliders N_I, L, width and N_O; the network diagram and its parameter shapes.

    Returns
    -------
    Panel
    """

    def draw(n_inputs, depth, width, n_outputs):
        sizes = [n_inputs, *[width] * depth, n_outputs]
        fig = network_figure(sizes, figsize=(8.5, 3.6))
        rows = parameter_table(sizes)
        total = sum(row[-1] for row in rows)
        n_params = MLP(sizes, seed=0).n_parameters  # the package's own count
        td = '<td style="padding: 0 1.2em 0 0">'  # without padding the columns run together
        cells = "".join(
            f"<tr>{td}W<sup>({l})</sup>: {_layer_name(l - 1, len(sizes))} → "
            f"{_layer_name(l, len(sizes))}</td>{td}{w[0]} × {w[1]}</td>"
            f"{td}b<sup>({l})</sup>: {b[0]}</td>{td}{count}</td></tr>"
            for l, w, b, count in rows
        )
        kind = ("L = 0: no hidden layer, ŷ = W<sup>(1)</sup>x + b<sup>(1)</sup> is a linear "
                "model (a perceptron without its step). " if depth == 0 else "")
        text = (f"{kind}layer_sizes = {sizes}<br>"
                '<table style="text-align: left"><tr><th>weights</th>'
                "<th>shape N<sub>l</sub> × N<sub>l−1</sub></th>"
                f"<th>bias</th><th>parameters</th></tr>{cells}</table>"
                f"total: <b>{total}</b> parameters; MLP({sizes}).n_parameters = {n_params}"
                f" ({'agrees' if total == n_params else 'DIFFERS'})")
        return fig, text

    controls = {
        "n_inputs": int_slider("inputs N_I", 2, 1, 8),
        "depth": int_slider("hidden layers L", 2, 0, 5),
        "width": int_slider("units per hidden layer", 4, 1, 12),
        "n_outputs": int_slider("outputs N_O", 1, 1, 5),
    }
    return Panel(controls, draw, css_class="structure-panel",
                 title="Network structure: layers, weight shapes, parameter count")

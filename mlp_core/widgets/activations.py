"""Panels for the activation functions (lecture §4.2, Eqs. 5-10) and vanishing gradients.

- ``activation_panel``: pick σ from ``ACTIVATIONS``; see σ(z) and σ'(z) side by side.
- ``vanishing_panel``: the chain rule (Eq. 22) multiplies one σ'(z^(l)) per layer into the
  error term; this panel shows how that product shrinks with depth d for sigmoid and tanh.
"""

from __future__ import annotations

import numpy as np

from .._checks import check_seed
from ..activations import ACTIVATIONS, derivative_products
from ..plotting.activations import activation_figure, vanishing_figure
from .base import Panel
from .controls import dropdown, float_slider, int_slider

__all__ = ["activation_panel", "vanishing_panel"]

#: Largest depth on the vanishing-gradient axis.
D_MAX = 20


def activation_panel():
    """Show a dropdown over ``ACTIVATIONS`` and a z-range slider; σ(z) and σ'(z) side by side.

    Returns
    -------
    Panel
    """

    def draw(name, z_max):
        act = ACTIVATIONS[name]
        z = np.linspace(-z_max, z_max, 401)
        fig = activation_figure(name, z_max)
        values = act.function(z)
        text = (f"<b>{name}</b> ({act.equations}): output range {act.output_range}; "
                f"on [−{z_max:g}, {z_max:g}] σ goes from {values.min():.4f} to "
                f"{values.max():.4f}. σ(0) = {float(act.function(0.0)):.4f}, "
                f"σ′(0) = {float(act.derivative(0.0)):.4f}, "
                f"largest σ′ = {act.derivative(z).max():.4f}, "
                f"σ′(±{z_max:g}) = {float(act.derivative(-z_max)):.4g} / "
                f"{float(act.derivative(z_max)):.4g}.")
        return fig, text

    controls = {
        "name": dropdown("activation σ", list(ACTIVATIONS), value="relu"),
        "z_max": float_slider("z range ±", 5.0, 1.0, 10.0, 0.5, readout_format=".1f"),
    }
    return Panel(controls, draw, css_class="activation-panel",
                 title="Activation functions and their derivatives")


def vanishing_panel(seed=0):
    """Depth and spread sliders; products of σ'(z) through d layers on a log axis.

    Parameters
    ----------
    seed : int
        Seed of the random pre-activations.

    Returns
    -------
    Panel
    """
    check_seed(seed)
    d = np.arange(1, D_MAX + 1)
    maxima = {"max sigmoid (z = 0): 0.25^d": 0.25 ** d, "max tanh (z = 0): 1": np.ones(D_MAX)}

    def draw(depth, spread):
        typical = {f"typical sigmoid, z ~ N(0, {spread:g}²)": derivative_products(
                       "sigmoid", spread, d_max=D_MAX, seed=seed),
                   f"typical tanh, z ~ N(0, {spread:g}²)": derivative_products(
                       "tanh", spread, d_max=D_MAX, seed=seed)}
        curves = {**maxima, **typical}
        fig = vanishing_figure(curves, depth)
        sig, tan = (v[depth - 1] for v in typical.values())
        text = (f"after d = {depth} layers: sigmoid at most 0.25^{depth} = "
                f"{0.25 ** depth:.3g}, typically {sig:.3g}; tanh at most 1, typically "
                f"{tan:.3g}. (ReLU: σ′ is 1 or 0, so the product is 1 along a path of "
                f"active units and 0 otherwise.)")
        return fig, text

    controls = {
        "depth": int_slider("depth d", 5, 1, D_MAX),
        "spread": float_slider("spread of z (std)", 1.0, 0.5, 5.0, 0.5, readout_format=".1f"),
    }
    return Panel(controls, draw, css_class="vanishing-panel",
                 title="Vanishing gradients: σ′ multiplied through d layers")

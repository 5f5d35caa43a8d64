"""Panel for forward propagation (lecture §4.3, Eqs. 11-16) on a tiny network.

``forward_panel`` takes a network with two inputs and one output (by default a seeded
2-3-1 ReLU network; the notebook passes the one whose weights it set by hand), one input
x = (x1, x2) with target y and a starting λ, and shows the unit values x, h^(1), .., ŷ in
the network diagram and the bars of L, s = λ/2 Σ‖W‖²_F and J = L + s.
"""

from __future__ import annotations

import numpy as np

from .._checks import check_real
from ..network import MLP
from ..plotting.forward import forward_figure
from ..regularization import l2_penalty
from .base import Panel
from .controls import float_slider

__all__ = ["forward_panel"]


def forward_panel(net=None, x=(1.0, -1.0), target=1.0, lam=0.3):
    """Sliders for λ and the input (x1, x2); the forward values and L, s, J for one sample.

    Parameters
    ----------
    net : MLP, optional
        A network with layer_sizes [2, ..., 1]; its weights are read, never changed.
        Default: ``MLP([2, 3, 1], activation="relu", seed=0)``.
    x : (float, float)
        Initial input (x1, x2), each in [-2, 2] (the sliders' range; else ValueError).
    target : float
        The ground truth y of the sample (loss 'mse': l = ½ (ŷ − y)²).
    lam : float in [0, 1]
        Initial λ of the L2 penalty s = λ/2 Σ‖W^(l)‖²_F (Eq. 15); the slider spans [0, 1].

    Returns
    -------
    Panel
    """
    if net is None:
        net = MLP([2, 3, 1], activation="relu", seed=0)
    if net.layer_sizes[0] != 2 or net.layer_sizes[-1] != 1:
        raise ValueError(
            "net must have 2 inputs and 1 output (layer_sizes [2, ..., 1]), "
            f"got layer_sizes {net.layer_sizes}"
        )
    lam_max, x_max = 1.0, 2.0
    lam = check_real(lam, "lam", low=0.0, high=lam_max)
    if len(x) != 2:
        raise ValueError(f"x must be a pair (x1, x2), got {x!r}")
    x = [check_real(value, name, low=-x_max, high=x_max) for name, value in zip(("x1", "x2"), x)]
    y = np.array([float(target)])

    def draw(lam, x1, x2):
        X = np.array([[x1, x2]])
        cache = net.forward(X)  # Eqs. (11)-(13): z^(l), h^(l), ŷ = z^(L+1)
        values = [h[0] for h in cache.h] + [cache.output[0]]
        L = net.loss(X, y, loss="mse", lam=0.0)  # Eq. (14): the data term alone
        s = l2_penalty(net.weights, lam)  # Eq. (15)
        J = net.loss(X, y, loss="mse", lam=lam)  # Eq. (16): J = L + s
        # the bar axis stays fixed while λ moves: it fits J at the largest λ for this x
        y_max = 1.15 * (L + l2_penalty(net.weights, lam_max))
        fig = forward_figure(net.layer_sizes, values, L, s, y_max=y_max)
        hidden = "; ".join(
            f"h<sup>({l})</sup> = {np.array2string(h[0], precision=3)}"
            for l, h in enumerate(cache.h[1:], start=1)
        )
        text = (f"x = ({x1:.2f}, {x2:.2f}); {hidden}; ŷ = {cache.output[0, 0]:.4f}, "
                f"y = {y[0]:g}.<br>L = ½(ŷ − y)² = {L:.4f}, s = λ/2 Σ‖W‖² = {s:.4f}, "
                f"J = L + s = {J:.4f}")
        return fig, text

    controls = {
        "lam": float_slider("λ (L2)", lam, 0.0, lam_max, 0.05),
        "x1": float_slider("input x₁", x[0], -x_max, x_max, 0.1),
        "x2": float_slider("input x₂", x[1], -x_max, x_max, 0.1),
    }
    return Panel(controls, draw, css_class="forward-panel", columns=3,
                 title="Forward propagation and the regularized loss J = L + s")

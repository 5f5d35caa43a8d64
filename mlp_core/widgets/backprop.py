"""Backpropagation panel (lecture §4.4): look inside one layer's error terms and gradient.

A small fixed network [2, 6, 5, N_O] sees a batch of moons points. Pick the layer l, the loss
and λ: the panel runs ``forward`` and ``backward`` and shows δ^(l) (one row per sample) and
∂J/∂W^(l) = δ^(l)ᵀ h^(l-1) / n + λ W^(l) as heatmaps, with their shapes in the summary.
"""

from __future__ import annotations

import numpy as np

from .._checks import check_seed
from ..activations import ACTIVATIONS
from ..data import make_moons
from ..losses import LOSSES
from ..network import MLP
from ..plotting.backprop import backprop_figure
from .base import Panel
from .controls import dropdown, float_slider, int_slider

__all__ = ["backprop_panel"]

#: Hidden-layer sizes of the panel's network (L = 2).
HIDDEN = (6, 5)


def _backprop_state(l, loss, lam, activation, *, n_samples=12, seed=0):
    """Run one forward and one backward pass; return what the panel shows.

    Parameters
    ----------
    l : int
        Layer 1 .. L+1 = 3.
    loss : str
        A key of ``LOSSES``; 'cross_entropy' gets 2 output units, the others 1.
    lam : float >= 0
    activation : str
        Hidden-layer activation.
    n_samples : int
    seed : int
        Seeds the data, the weights and the (small, non-zero) initial biases.

    Returns
    -------
    dict
        ``delta`` (n, N_l), ``grad_W`` (N_l, N_{l-1}), ``grad_b`` (N_l,), ``W`` (N_l, N_{l-1}),
        ``h_prev`` (n, N_{l-1}) and ``net``.
    """
    n_out = 2 if loss == "cross_entropy" else 1
    net = MLP([2, *HIDDEN, n_out], activation=activation, seed=seed)
    rng = np.random.default_rng(seed)
    net.biases = [0.1 * rng.standard_normal(b.shape) for b in net.biases]
    X, y = make_moons(n_samples, seed=seed)
    cache = net.forward(X)
    grads = net.backward(cache, y, loss=loss, lam=lam)
    i = l - 1  # lists are 0-based: index i holds layer l = i + 1
    return {"delta": grads.delta[i], "grad_W": grads.weights[i], "grad_b": grads.biases[i],
            "W": net.weights[i], "h_prev": cache.h[i], "net": net}


def _summary(state, l, lam):
    delta, grad_W, h_prev = state["delta"], state["grad_W"], state["h_prev"]
    n = delta.shape[0]
    data_part = delta.T @ h_prev / n
    zeros = float(np.mean(delta == 0))
    return (
        f"<b>layer l = {l}</b> of {state['net']!r}: "
        f"δ^({l}) has shape {delta.shape} (samples × units), "
        f"h^({l - 1}) has shape {h_prev.shape}, "
        f"∂J/∂W^({l}) = δᵀh/n + λW has shape {grad_W.shape}.<br>"
        f"‖δᵀh/n‖ = {np.linalg.norm(data_part):.3g}, ‖λW‖ = "
        f"{np.linalg.norm(lam * state['W']):.3g}, ‖∂J/∂W‖ = {np.linalg.norm(grad_W):.3g}; "
        f"{zeros:.0%} of the δ entries are exactly 0."
    )


def backprop_panel(seed=0, n_samples=12):
    """Show δ^(l) and ∂J/∂W^(l) for a chosen layer, loss and λ.

    Parameters
    ----------
    seed : int
        Seeds the data and the network.
    n_samples : int
        Rows of δ^(l) (the batch size).

    Returns
    -------
    Panel
    """
    check_seed(seed)
    L1 = len(HIDDEN) + 1  # L + 1, the output layer
    controls = {
        "l": int_slider("layer l", L1, 1, L1),
        "loss": dropdown("loss", list(LOSSES)),
        "lam": float_slider("λ (L2)", 0.0, 0.0, 1.0, 0.05),
        "activation": dropdown("activation σ", [a for a in ACTIVATIONS if a != "identity"]),
    }

    def draw(l, loss, lam, activation):
        state = _backprop_state(l, loss, lam, activation, n_samples=n_samples, seed=seed)
        fig = backprop_figure(state["delta"], state["grad_W"], state["grad_b"], l)
        return fig, _summary(state, l, lam)

    return Panel(controls, draw, css_class="backprop-panel",
                 title="Backpropagation: error terms and gradients of one layer (Eqs. 21-25)")

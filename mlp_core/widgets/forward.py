"""Panel for forward propagation (lecture §4.3, Eqs. 11-16) on a tiny network.

``forward_panel`` takes a network with two inputs and one output (by default a seeded
2-3-1 ReLU network; the notebook passes the one whose weights it set by hand), one input
x = (x1, x2) with target y and a starting λ, and shows the unit values x, h^(1), .., ŷ in
the network diagram and the bars of L, s = λ/2 Σ‖W‖²_F and J = L + s.
"""

from __future__ import annotations

import numpy as np

from .._checks import check_real, short_repr
from ..network import MLP
from ..plotting.forward import forward_figure
from ..regularization import l2_penalty
from .base import Panel
from .controls import check_on_steps, float_slider

__all__ = ["forward_panel"]

#: The sliders: λ from 0 to LAM_MAX in steps of LAM_STEP, x1 and x2 from -X_MAX to X_MAX in
#: steps of X_STEP; the target (no slider) within ±TARGET_MAX, where the bars stay readable.
LAM_MAX, LAM_STEP, X_MAX, X_STEP, TARGET_MAX = 1.0, 0.05, 2.0, 0.1, 100.0


def _checked_net(net):
    """Return ``net`` after checking it is an MLP [2, ..., 1] with finite weights and biases.

    Parameters
    ----------
    net : MLP
        The panel's network; TypeError for anything else, ValueError for other layer sizes or
        a non-finite weight or bias.

    Returns
    -------
    MLP
        ``net`` itself, unchanged.
    """
    if not isinstance(net, MLP):
        raise TypeError(f"net must be an MLP with layer_sizes [2, ..., 1], got {short_repr(net)}")
    if net.layer_sizes[0] != 2 or net.layer_sizes[-1] != 1:
        raise ValueError(
            "net must have 2 inputs and 1 output (layer_sizes [2, ..., 1]), "
            f"got layer_sizes {net.layer_sizes}"
        )
    for kind, arrays in (("weights", net.weights), ("biases", net.biases)):
        for i, A in enumerate(arrays):
            if not np.isfinite(A).all():
                bad = A[~np.isfinite(A)][0]
                raise ValueError(
                    f"net must have finite weights and biases, got {bad} in {kind}[{i}]")
    return net


def _checked_input(x):
    """Return the input ``x`` as [x1, x2] after checking both lie on the sliders' steps.

    Parameters
    ----------
    x : (float, float)
        The input (x1, x2); TypeError unless a pair of real numbers, ValueError unless each
        is in [-X_MAX, X_MAX] on the steps of X_STEP.

    Returns
    -------
    list of 2 float
    """
    if isinstance(x, (str, bytes)) or not hasattr(x, "__len__"):
        raise TypeError(f"x must be a pair (x1, x2) of numbers, got {short_repr(x)}")
    if len(x) != 2:
        raise ValueError(f"x must be a pair (x1, x2) of numbers, got {short_repr(x)}")
    x = [check_real(value, name, low=-X_MAX, high=X_MAX) for name, value in zip(("x1", "x2"), x)]
    for name, value in zip(("x1", "x2"), x):
        check_on_steps(name, value, -X_MAX, X_MAX, X_STEP)
    return x


def forward_panel(net=None, x=(1.0, -1.0), target=1.0, lam=0.3):
    """Sliders for λ and the input (x1, x2); the forward values and L, s, J for one sample.

    Parameters
    ----------
    net : MLP, optional
        A network with layer_sizes [2, ..., 1] and finite weights; its weights are read,
        never changed. Default: ``MLP([2, 3, 1], activation="relu", seed=0)``.
    x : (float, float)
        Initial input (x1, x2), each in [-2, 2] on the sliders' 0.1 steps (else ValueError).
    target : float in [-100, 100]
        The ground truth y of the sample (loss 'mse': l = ½ (ŷ − y)²).
    lam : float in [0, 1]
        Initial λ of the L2 penalty s = λ/2 Σ‖W^(l)‖²_F (Eq. 15), on the slider's 0.05 steps.

    Every argument is checked before any widget is made: TypeError for a wrong type,
    ValueError for a value the panel cannot show.

    Returns
    -------
    Panel
    """
    net = _checked_net(MLP([2, 3, 1], activation="relu", seed=0) if net is None else net)
    lam_max, x_max = LAM_MAX, X_MAX
    lam = check_real(lam, "lam", low=0.0, high=lam_max)
    check_on_steps("lam", lam, 0.0, lam_max, LAM_STEP)
    x = _checked_input(x)
    y = np.array([check_real(target, "target", low=-TARGET_MAX, high=TARGET_MAX)])

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
        "lam": float_slider("λ (L2)", lam, 0.0, lam_max, LAM_STEP),
        "x1": float_slider("input x₁", x[0], -x_max, x_max, X_STEP),
        "x2": float_slider("input x₂", x[1], -x_max, x_max, X_STEP),
    }
    return Panel(controls, draw, css_class="forward-panel", columns=3,
                 title="Forward propagation and the regularized loss J = L + s")

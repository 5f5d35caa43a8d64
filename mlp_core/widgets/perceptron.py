"""Panels for the perceptron (lecture §3, Eq. 1): set w and b by hand, then watch the rule learn.

- ``perceptron_panel``: sliders w1, w2, b move the decision line w1 x1 + w2 x2 + b = 0 over a
  small data set; the summary gives the accuracy.
- ``perceptron_learning_panel``: a slider steps through the updates of the perceptron
  learning rule on a linearly separable set (it stops making mistakes) or on XOR (it never
  does).
"""

from __future__ import annotations

import numpy as np

from ..data import make_xor, separable_data
from ..perceptron import Perceptron
from ..plotting.perceptron import perceptron_figure, perceptron_learning_figure
from .base import OwnThread, Panel
from .controls import dropdown, float_slider, int_slider

__all__ = ["perceptron_learning_panel", "perceptron_panel"]

#: Learning-rule updates the step slider can reach.
MAX_UPDATES = 100
#: Epochs run on a set that never converges (XOR).
MAX_EPOCHS = 15


def _learning_run(X, y, max_updates=MAX_UPDATES, max_epochs=MAX_EPOCHS):
    """Apply the perceptron rule (w, b start at 0, samples in order) and record every update.

    Returns
    -------
    states : list of (ndarray of shape (2,), float, int, int or None)
        ``states[k]`` = (w, b, epoch, sample) after k updates (epoch 1-based; for k = 0 the
        epoch is 0 and the sample None). At most ``max_updates + 1`` entries.
    mistakes : list of int
        Updates (= misclassified samples) in each epoch, until an epoch without mistakes or
        ``max_epochs``.
    """
    p = Perceptron(n_features=X.shape[1], lr=1.0)
    states = [(p.w.copy(), p.b, 0, None)]
    mistakes = []
    for epoch in range(1, max_epochs + 1):
        count = 0
        for i in range(len(X)):
            if p.update(X[i], int(y[i])):  # w <- w + (y - ŷ) x,  b <- b + (y - ŷ)
                count += 1
                if len(states) <= max_updates:
                    states.append((p.w.copy(), p.b, epoch, i))
        mistakes.append(count)
        if count == 0:
            break
    return states, mistakes


def perceptron_panel(seed=0):
    """Sliders w1, w2, b for the line w1 x1 + w2 x2 + b = 0 over a separable data set.

    Parameters
    ----------
    seed : int
        Seed of the data set (``separable_data``).

    Returns
    -------
    Panel
    """
    X, y = separable_data(seed=seed)

    def draw(w1, w2, b):
        w = np.array([w1, w2])
        fig, wrong = perceptron_figure(X, y, w, b)
        accuracy = 1 - wrong.mean()
        note = (" With w = 0 there is no line: w·x + b = b for every point."
                if w1 == 0 and w2 == 0 else "")
        text = (f"accuracy <b>{accuracy:.1%}</b> ({wrong.sum()} of {len(y)} misclassified, "
                f"circled). The arrow shows w: it points to the side predicted as class 1."
                + note)
        return fig, text

    controls = {
        "w1": float_slider("weight w₁", 0.5, -3.0, 3.0, 0.1),
        "w2": float_slider("weight w₂", 1.0, -3.0, 3.0, 0.1),
        "b": float_slider("bias b", 0.0, -3.0, 3.0, 0.1),
    }
    return Panel(controls, draw, css_class="perceptron-panel", columns=3,
                 title="Perceptron: ŷ = step(w₁x₁ + w₂x₂ + b)")


def perceptron_learning_panel(seed=0):
    """Step through the perceptron learning rule on a separable set or on XOR.

    Parameters
    ----------
    seed : int
        Seed of both data sets.

    Returns
    -------
    Panel
    """
    runs = {}
    for name, (X, y) in {"separable": separable_data(seed=seed),
                         "XOR": make_xor(n=40, noise=0.25, seed=seed)}.items():
        runs[name] = (X, y, *_learning_run(X, y))

    def draw(dataset, k):
        X, y, states, mistakes = runs[dataset]
        w, b, epoch, sample = states[k]  # the slider's range is the recorded updates
        fig, wrong = perceptron_learning_figure(X, y, w, b, mistakes, epoch=epoch or None,
                                                highlight=sample)
        settled = mistakes[-1] == 0
        head = f"after {k} updates (epoch {epoch}): "
        verdict = ("an epoch without mistakes: converged" if settled
                   else f"still making mistakes after {len(mistakes)} epochs: never settles")
        text = (f"{head}w = ({w[0]:.2f}, {w[1]:.2f}), b = {b:.2f}, "
                f"{wrong.sum()} of {len(y)} misclassified.<br>mistakes per epoch: "
                f"{mistakes} → {verdict}.")
        return fig, text

    controls = {
        "dataset": dropdown("data set", list(runs)),
        "k": int_slider("updates applied", 0, 0, len(runs["separable"][2]) - 1),
    }

    def fit_slider_to_run(change):
        # Every slider position is one recorded update: a converged run has fewer of them.
        # (Registered before the Panel's own observer, so the range is right when it redraws;
        # held, so that a k clamped to the new range does not redraw a second time.)
        with panel.held():
            controls["k"].max = len(runs[change["new"]][2]) - 1

    # on the thread the Panel's own observer runs on, and so still before it (base module)
    controls["dataset"].observe(OwnThread().wrap(fit_slider_to_run), names="value")
    panel = Panel(controls, draw, css_class="perceptron-learning-panel",
                  title="Perceptron learning rule, one update at a time")
    return panel

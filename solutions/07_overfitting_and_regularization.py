"""Reference solutions for the exercises of notebook 07 (overfitting and regularization, §4.6).

Each function is what a student writes in the exercise cell of the same name. See README.md
in this folder for how to use them.
"""


def dropout_mask(shape, p, rng):
    """Inverted dropout: each entry 0 with probability p, else 1/(1 − p)."""
    keep = rng.random(shape) >= p
    return keep / (1 - p)


def should_stop(val_losses, patience, min_delta):
    """Return True when the patience rule stops training after the last epoch."""
    best = float("inf")
    wait = 0
    stop = False
    for loss in val_losses:
        if best - loss > 0 and best - loss >= min_delta:  # an improvement
            best = loss
            wait = 0
            stop = False
        else:
            wait += 1
            stop = wait >= patience
    return stop


def weight_decay_step(W, grad_data, lr, lam):
    """One gradient step on J = L + s: W − η (g + λ W) (Eqs. 15, 23)."""
    return W - lr * (grad_data + lam * W)

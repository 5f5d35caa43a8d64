"""Regularization (lecture §4.3 Eq. 15 and §4.6): the L2 penalty, dropout and early stopping.

- L2: s = λ/2 Σ_l ‖W^(l)‖²_F (Eq. 15); its gradient λ W^(l) is the last term of Eq. (17).
  Biases are not penalised, as in Eq. (15).
- Dropout (§4.6.2) is *inverted* dropout: during training a hidden unit is set to 0 with
  probability p and every kept unit is multiplied by 1/(1 − p). The expected value of each
  unit is then what it is without dropout, which is why the lecture can say that inference
  needs "no scaling": the scaling already happened during training.
- Early stopping (§4.6.1) with a patience criterion: training stops once the validation
  loss has failed to *improve* by at least ``min_delta`` for ``patience`` epochs in a row.
  (The lecture's wording, "when the validation error is less than some small amount",
  describes the improvement, not the error itself.)
"""

from __future__ import annotations

import numpy as np

from ._checks import check_dropout, check_int, check_real, check_rng

__all__ = ["EarlyStopping", "dropout_mask", "l2_penalty"]


def l2_penalty(weights, lam, check=True):
    """Return the L2 penalty s = λ/2 Σ_l ‖W^(l)‖²_F, Eq. (15).

    Parameters
    ----------
    weights : list of ndarray, ``weights[i]`` of shape (N_{i+1}, N_i)
    lam : float
        λ >= 0.
    check : bool
        Check ``lam`` first; False for a caller that has checked it already.

    Returns
    -------
    float
    """
    if check:
        lam = check_real(lam, "lam", low=0.0)
    if lam == 0.0:
        return 0.0
    return 0.5 * lam * float(sum(np.vdot(W, W) for W in weights))


def dropout_mask(shape, p, rng, dtype=np.float64, check=True):
    """Draw an inverted-dropout mask: 0 with probability p, else 1/(1 − p).

    Parameters
    ----------
    shape : tuple of int
        (n_samples, N_l), the shape of the hidden layer it multiplies.
    p : float
        Probability of dropping a unit, in [0, 1).
    rng : numpy.random.Generator
    dtype : numpy dtype
        Of the mask. The uniform numbers that decide which units drop are drawn in float64
        whatever ``dtype`` is, so float32 and float64 runs with the same seed drop the same
        units (and leave ``rng`` in the same state).
    check : bool
        Check ``p`` and ``rng`` first; ``MLP.forward`` passes False once it has.

    Returns
    -------
    ndarray of the given shape; its expected value is 1 in every entry.
    """
    if check:
        p = check_dropout(p)
        rng = check_rng(rng)
    keep = rng.random(shape) >= p  # float64 for every dtype: one seed, one mask
    return keep * np.asarray(1.0 / (1.0 - p), dtype=dtype)


class EarlyStopping:
    """The patience criterion of §4.6.1.

    Call ``update(epoch, val_loss)`` after each epoch; it returns True when training should
    stop. An epoch *improves* when its loss is lower than the best so far by at least
    ``min_delta`` (``0 < best - val_loss`` and ``best - val_loss >= min_delta``); after
    ``patience`` consecutive epochs that do not improve, training stops. An epoch that only
    equals the best does not improve, so a plateau stops training even with ``min_delta=0``.
    ``best_epoch`` and ``best_loss`` record the last epoch that improved and its loss.

    Parameters
    ----------
    patience : int >= 1
    min_delta : float >= 0
    """

    def __init__(self, patience, min_delta=0.0):
        self.patience = check_int(patience, "patience", minimum=1)
        self.min_delta = check_real(min_delta, "min_delta", low=0.0)
        self.best_loss = np.inf
        self.best_epoch = None
        self.wait = 0

    def update(self, epoch, val_loss):
        """Record one epoch's validation loss; return True if training should stop.

        Returns
        -------
        bool
        """
        improvement = self.best_loss - val_loss
        if improvement > 0 and improvement >= self.min_delta:  # lower, by at least min_delta
            self.best_loss = float(val_loss)
            self.best_epoch = epoch
            self.wait = 0
            return False
        self.wait += 1
        return self.wait >= self.patience

    @property
    def improved(self):
        """True if the last ``update`` found a new best epoch."""
        return self.wait == 0 and self.best_epoch is not None

    def __repr__(self):
        """Show the two settings, e.g. ``EarlyStopping(patience=10, min_delta=0.0)``."""
        return f"EarlyStopping(patience={self.patience}, min_delta={self.min_delta})"

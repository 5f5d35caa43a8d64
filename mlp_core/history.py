"""What a training run records (``History``) and the error it raises when it diverges.

``fit`` in ``mlp_core.training`` fills a ``History`` after every epoch; the plotting and
widget modules read it to draw loss curves. Both names are re-exported by ``mlp_core`` and
by ``mlp_core.training``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["History", "TrainingDivergedError"]


@dataclass
class History:
    """What ``fit`` records, one entry per epoch (epochs count from 1).

    Attributes
    ----------
    train_loss : list of float
        Data loss L = (1/n) Σ l(ŷ_i, y_i) on the whole training set after each epoch,
        without dropout and without the penalty s.
    val_loss : list of float
        The same on the validation set (empty without validation).
    objective : list of float
        J = L + s on the training set (Eq. 16): what SGD minimises.
    best_epoch : int or None
        None without validation. With early stopping (``patience`` set) it is the last
        epoch that *improved*, i.e. whose validation loss was below the best before it by
        at least ``min_delta`` (``EarlyStopping.best_epoch``); these are the weights that
        ``restore_best`` puts back. Without early stopping it is the epoch with the lowest
        validation loss, ``argmin(val_loss) + 1`` (the first one on a tie).
    stopped_epoch : int
        The last epoch that was trained.
    stopped_early : bool
        True if early stopping (or the callback) ended the run before ``epochs``.
    """

    train_loss: list = field(default_factory=list)
    val_loss: list = field(default_factory=list)
    objective: list = field(default_factory=list)
    best_epoch: int | None = None
    stopped_epoch: int = 0
    stopped_early: bool = False

    @property
    def epochs(self):
        """[1, 2, ..., stopped_epoch], the x-axis of a loss curve."""
        return list(range(1, len(self.train_loss) + 1))

    @property
    def generalization_gap(self):
        """Validation loss minus training loss at the last epoch (None without validation)."""
        if not self.val_loss:
            return None
        return self.val_loss[-1] - self.train_loss[-1]


class TrainingDivergedError(FloatingPointError):
    """The loss became NaN or infinite; the network keeps its last finite weights.

    Attributes
    ----------
    epoch : int
        The epoch whose loss was not finite.
    history : History
        The epochs before it.
    """

    def __init__(self, epoch, lr, history):
        self.epoch = epoch
        self.history = history
        kept = (
            "its initial weights" if epoch == 1
            else f"the weights from the end of epoch {epoch - 1}"
        )
        super().__init__(
            f"training diverged: the loss became NaN or infinite in epoch {epoch} "
            f"(lr={lr:g}). The network keeps {kept}. Try a smaller learning rate (lr)."
        )

"""The progress bar of ``fit``: a tqdm bar that appears only for runs that take a while.

tqdm is optional: without it there is no bar and training goes on. In 'auto' mode the bar
appears when the run is predicted to take longer than ``PROGRESS_AFTER_SECONDS``. The
prediction trusts the first epoch only when it is long (``LONG_EPOCH_SECONDS`` or more): a
short first epoch is mostly one-time work (thread-pool set-up, first calls), and multiplied
by hundreds of epochs that once made a 30 ms run on a busy machine look like a long one.
Otherwise the second epoch, timed alone, decides.
"""

from __future__ import annotations

import time

__all__ = ["LONG_EPOCH_SECONDS", "PROGRESS_AFTER_SECONDS", "ProgressBar"]

#: A run predicted to take longer than this shows a progress bar.
PROGRESS_AFTER_SECONDS = 3.0
#: A first epoch at least this long predicts the run (one-time costs are then negligible).
LONG_EPOCH_SECONDS = 0.5


class ProgressBar:
    """A tqdm bar that appears only for runs that will take a while (or always/never).

    Parameters
    ----------
    mode : True, False or 'auto'
        Always, never, or when the run is predicted to take more than
        ``PROGRESS_AFTER_SECONDS``: after the first epoch if that took
        ``LONG_EPOCH_SECONDS`` or more, else after the second, timed alone.
    epochs : int
        The most epochs the run will train (the bar's total).
    """

    def __init__(self, mode, epochs):
        if mode not in (True, False, "auto"):
            raise ValueError(f"progress must be True, False or 'auto', got {mode!r}")
        self.mode, self.epochs, self.bar = mode, epochs, None
        self.start, self.first_epoch_end = time.perf_counter(), None
        if mode is True:
            self._open(0)

    def _open(self, done):
        try:
            from tqdm.auto import tqdm
        except ImportError:  # tqdm is optional: no bar, training goes on
            self.mode = False
            return
        self.bar = tqdm(total=self.epochs, initial=done, unit="epoch", desc="fit")

    def update(self, epoch, history):
        """Advance the bar by one epoch and show the latest losses of ``history``."""
        if self.bar is None and self.mode == "auto":
            if epoch == 1:
                self.first_epoch_end = time.perf_counter()
                first_epoch = self.first_epoch_end - self.start
                if first_epoch >= LONG_EPOCH_SECONDS and \
                        first_epoch * self.epochs > PROGRESS_AFTER_SECONDS:
                    self._open(0)
            elif epoch == 2:
                second_epoch = time.perf_counter() - self.first_epoch_end
                if second_epoch * (self.epochs - 1) > PROGRESS_AFTER_SECONDS:
                    self._open(1)  # the first epoch is done already
        if self.bar is not None:
            losses = {"train": f"{history.train_loss[-1]:.4g}"}
            if history.val_loss:
                losses["val"] = f"{history.val_loss[-1]:.4g}"
            self.bar.set_postfix(losses, refresh=False)
            self.bar.update(1)

    def close(self):
        """Close the bar, if one was opened."""
        if self.bar is not None:
            self.bar.close()

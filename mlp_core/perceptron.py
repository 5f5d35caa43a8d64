"""Rosenblatt's perceptron (lecture §3, Eq. 1): ŷ = g(w x + b) with a step activation g.

The learning rule visits one sample at a time and moves the weights only when the sample
is misclassified:

    w ← w + η (y − ŷ) x,      b ← b + η (y − ŷ),      labels y ∈ {0, 1}.

If the two classes can be separated by a straight line (a hyperplane), the rule finds one
after finitely many mistakes (the perceptron convergence theorem). If they cannot, as for
XOR, it never stops making mistakes.
"""

from __future__ import annotations

import numpy as np

from ._checks import check_array, check_int, check_real, check_same_length, check_seed, check_X

__all__ = ["Perceptron", "step"]


def step(a):
    """Apply the threshold activation: 1 where a >= 0, else 0."""
    return (np.asarray(a) >= 0).astype(np.int64)


class Perceptron:
    """A single neuron with a step activation, trained by the perceptron rule.

    Parameters
    ----------
    n_features : int >= 1
        N, the length of each input x.
    lr : float > 0
        Learning rate η.
    seed : int or None
        Seed for the initial weights and the order of samples; with None the weights start
        at zero and samples are visited in order.

    Attributes
    ----------
    w : ndarray of shape (n_features,)
    b : float
    mistakes : list of int
        Misclassified samples in each epoch of ``fit``.
    """

    def __init__(self, n_features, lr=1.0, seed=None):
        self.n_features = check_int(n_features, "n_features", minimum=1)
        self.lr = check_real(lr, "lr", low=0.0, low_open=True)
        self.seed = check_seed(seed)
        self._rng = np.random.default_rng(seed)
        self.w = (
            np.zeros(self.n_features) if seed is None
            else self._rng.normal(0.0, 0.1, self.n_features)
        )
        self.b = 0.0
        self.mistakes = []

    def __repr__(self):
        """Return ``Perceptron(n_features=..., lr=...)``."""
        return f"Perceptron(n_features={self.n_features}, lr={self.lr})"

    def decision_function(self, X):
        """Compute w x + b for each row of X, the argument of g in Eq. (1).

        Returns
        -------
        ndarray of shape (n_samples,)
        """
        X = check_X(X, self.n_features, source="n_features")
        return X @ self.w + self.b

    def predict(self, X):
        """ŷ = step(w x + b), Eq. (1). Returns ndarray of shape (n_samples,) with 0/1."""
        return step(self.decision_function(X))

    def update(self, x, y):
        """Apply the learning rule to one sample; return True if the weights changed.

        Parameters
        ----------
        x : ndarray of shape (n_features,)
        y : {0, 1}
        """
        x = check_array(x, "x", ndim=1, dtype=np.float64)
        if x.shape[0] != self.n_features:
            raise ValueError(f"x must have {self.n_features} entries, got {x.shape[0]}")
        if y not in (0, 1):
            raise ValueError(f"y must be 0 or 1, got {y!r}")
        error = y - int(x @ self.w + self.b >= 0)  # y − ŷ ∈ {−1, 0, 1}
        if error:
            self.w = self.w + self.lr * error * x
            self.b = self.b + self.lr * error
        return bool(error)

    def fit(self, X, y, epochs=100):
        """Run the learning rule for up to ``epochs`` passes; stop after a pass with no mistake.

        Parameters
        ----------
        X : ndarray of shape (n_samples, n_features)
        y : ndarray of shape (n_samples,) with labels 0/1
        epochs : int >= 1

        Returns
        -------
        self
        """
        X = check_X(X, self.n_features, dtype=np.float64, source="n_features")
        y = check_array(y, "y", ndim=1)
        check_same_length(X, y)
        if not np.isin(y, (0, 1)).all():
            bad = y[~np.isin(y, (0, 1))][0]
            raise ValueError(f"y must hold labels 0 and 1, got {bad.item()!r}")
        epochs = check_int(epochs, "epochs", minimum=1)
        y = y.astype(np.int64)
        self.mistakes = []
        for _ in range(epochs):
            order = self._rng.permutation(len(X)) if self.seed is not None else range(len(X))
            self.mistakes.append(sum(self.update(X[i], y[i]) for i in order))
            if self.mistakes[-1] == 0:
                break
        return self

    @property
    def converged(self):
        """True if the last epoch of ``fit`` made no mistake."""
        return bool(self.mistakes) and self.mistakes[-1] == 0

"""The multilayer perceptron of lecture §4.1-§4.4: forward pass, loss and backpropagation.

Shape convention (stated once, used everywhere)
-----------------------------------------------
Rows are samples. A batch X has shape (n, N_I). The lecture writes one sample as a column
vector, z^(l) = W^(l) h^(l-1) + b^(l) with W^(l) of shape (N_l, N_{l-1}). Stacking n samples
as *rows* turns that into

    z^(l) = h^(l-1) @ W^(l).T + b^(l)        shape (n, N_l)         Eq. (11)

The transpose comes only from putting samples in rows; W keeps the lecture's shape. In the
same way the per-sample error terms δ^(l) (Eq. 20) are stacked as rows of shape (n, N_l), and

    δ^(l)      = (δ^(l+1) @ W^(l+1)) * σ'(z^(l))              Eq. (22)
    ∂J/∂W^(l)  = δ^(l).T @ h^(l-1) / n + λ W^(l)             Eqs. (23)-(24), averaged
    ∂J/∂b^(l)  = δ^(l).sum(axis=0) / n                        Eq. (25), averaged

where J = (1/n) Σ_i l(ŷ_i, y_i) + λ/2 Σ_l ‖W^(l)‖²_F is the lecture's J = L + s (Eq. 16)
averaged over the batch. One layer of each pass is a function of ``mlp_core.layers``:
``dense_forward`` (Eq. 11) and ``dense_backward`` (Eqs. 22-25); ``MLP.forward`` and
``MLP.backward`` apply them for l = 1 .. L+1 and back.

The public lists are 0-based: ``weights[i]`` is the lecture's W^(i+1), ``cache.z[i]`` is
z^(i+1) and ``cache.h[i]`` is h^(i) (h^(0) = X). Inside ``forward`` and ``backward`` the lists
are padded at the front so that the code reads with the lecture's index: ``W[l]`` is W^(l).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._checks import (
    check_array,
    check_dropout,
    check_int,
    check_real,
    check_rng,
    check_seed,
    check_targets,
    check_X,
    short_repr,
)
from .activations import get_activation
from .layers import dense_backward, dense_forward
from .losses import get_loss
from .regularization import dropout_mask, l2_penalty

__all__ = ["MLP", "ForwardCache", "Gradients", "parameter_table"]


@dataclass
class ForwardCache:
    """What the forward pass stores for backpropagation (lecture §4.3, §4.5).

    Attributes
    ----------
    z : list of ndarray
        z^(1) .. z^(L+1); ``z[i]`` has shape (n, layer_sizes[i+1]).
    h : list of ndarray
        h^(0) = X .. h^(L): the values actually fed to the next layer (after dropout);
        ``h[i]`` has shape (n, layer_sizes[i]).
    masks : list of (ndarray or None)
        One per hidden layer: the inverted-dropout mask that multiplied σ(z^(l)),
        or None without dropout.
    """

    z: list
    h: list
    masks: list

    @property
    def output(self):
        """ŷ = z^(L+1), Eq. (13): the output layer is linear."""
        return self.z[-1]

    @property
    def nbytes(self):
        """Bytes held by the stored arrays (z, h and masks): the memory of §4.5."""
        arrays = [*self.z, *self.h, *(m for m in self.masks if m is not None)]
        return int(sum(a.nbytes for a in arrays))


@dataclass
class Gradients:
    """∂J/∂W^(l), ∂J/∂b^(l) and the error terms δ^(l) (Eqs. 20-25).

    Attributes
    ----------
    weights : list of ndarray
        Same layout and shapes as ``MLP.weights``.
    biases : list of ndarray
        Same layout and shapes as ``MLP.biases``.
    delta : list of ndarray
        δ^(1) .. δ^(L+1), ``delta[i]`` of shape (n, layer_sizes[i+1]): one row per sample,
        not divided by n.
    """

    weights: list
    biases: list
    delta: list


class MLP:
    """A fully connected network with L hidden layers and a linear output layer.

    Parameters
    ----------
    layer_sizes : sequence of int
        [N_I, N_1, ..., N_L, N_O]; at least two entries, each >= 1.
    activation : str
        Hidden-layer activation, a key of ``ACTIVATIONS`` ('relu', 'sigmoid', 'tanh',
        'identity').
    seed : int or None
        Seed for the initial weights (``np.random.default_rng(seed)``).
    dtype : numpy float dtype
        float64 (default, for gradient checks) or float32 (faster).

    Attributes
    ----------
    weights : list of ndarray
        ``weights[i]`` is the lecture's W^(i+1), shape (layer_sizes[i+1], layer_sizes[i]).
    biases : list of ndarray
        ``biases[i]`` is b^(i+1), shape (layer_sizes[i+1],).

    Notes
    -----
    Initial weights are drawn from N(0, σ²) with σ² = 2 / fan_in (He) for ReLU and
    σ² = 2 / (fan_in + fan_out) (Glorot) for the other activations; biases start at 0.
    """

    def __init__(self, layer_sizes, activation="relu", seed=None, dtype=np.float64):
        if isinstance(layer_sizes, (str, bytes)) or not hasattr(layer_sizes, "__iter__"):
            raise TypeError(
                "layer_sizes must be a sequence of integers [N_I, ..., N_O], "
                f"got {layer_sizes!r}"
            )
        sizes = list(layer_sizes)
        if len(sizes) < 2:
            raise ValueError(
                "layer_sizes must list at least two sizes [N_I, ..., N_O], "
                f"got {layer_sizes!r}"
            )
        for i, size in enumerate(sizes):
            check_int(size, f"layer_sizes[{i}]", minimum=1)
        self.layer_sizes = [int(s) for s in sizes]
        self.activation = get_activation(activation)
        try:
            self.dtype = np.dtype(dtype)
        except (TypeError, ValueError):  # numpy's "data type 'abc' not understood"
            raise ValueError(
                f"dtype must be float32 or float64, got {short_repr(dtype)}"
            ) from None
        if self.dtype not in (np.float32, np.float64):
            raise ValueError(f"dtype must be float32 or float64, got {self.dtype}")
        self.seed = seed
        rng = np.random.default_rng(check_seed(seed))
        he = self.activation.name == "relu"
        self.weights, self.biases = [], []
        for n_in, n_out in zip(self.layer_sizes[:-1], self.layer_sizes[1:]):
            std = np.sqrt(2.0 / n_in) if he else np.sqrt(2.0 / (n_in + n_out))
            self.weights.append((rng.standard_normal((n_out, n_in)) * std).astype(self.dtype))
            self.biases.append(np.zeros(n_out, dtype=self.dtype))

    # --- structure --------------------------------------------------------------------

    @property
    def n_hidden(self):
        """L, the number of hidden layers."""
        return len(self.layer_sizes) - 2

    @property
    def n_parameters(self):
        """Number of learnable numbers: Σ_l N_l N_{l-1} + N_l."""
        return sum(W.size + b.size for W, b in zip(self.weights, self.biases))

    def get_parameters(self):
        """Return copies of the weights and biases, e.g. to restore them later.

        Returns
        -------
        (list of ndarray, list of ndarray)
        """
        return [W.copy() for W in self.weights], [b.copy() for b in self.biases]

    def set_parameters(self, weights, biases):
        """Replace the weights and biases with copies of the given arrays.

        Parameters
        ----------
        weights : sequence of array_like
            ``weights[i]`` of the shape of ``self.weights[i]``.
        biases : sequence of array_like
            ``biases[i]`` of the shape of ``self.biases[i]``.

        Raises
        ------
        ValueError
            If the count or a shape differs, or a value is NaN, ±inf or does not fit in the
            network's dtype; nothing is changed then.
        """
        weights, biases = list(weights), list(biases)
        if len(weights) != len(self.weights) or len(biases) != len(self.biases):
            raise ValueError(
                f"set_parameters needs {len(self.weights)} weight arrays and "
                f"{len(self.biases)} bias arrays (one per layer), "
                f"got {len(weights)} and {len(biases)}"
            )
        for i, (W, b) in enumerate(zip(weights, biases)):
            if np.shape(W) != self.weights[i].shape or np.shape(b) != self.biases[i].shape:
                raise ValueError(
                    f"weights[{i}] and biases[{i}] must have shapes "
                    f"{self.weights[i].shape} and {self.biases[i].shape}, "
                    f"got {np.shape(W)} and {np.shape(b)}"
                )
        weights = [check_array(W, f"weights[{i}]", dtype=self.dtype) for i, W in enumerate(weights)]
        biases = [check_array(b, f"biases[{i}]", dtype=self.dtype) for i, b in enumerate(biases)]
        self.weights = [np.array(W, dtype=self.dtype) for W in weights]  # copies
        self.biases = [np.array(b, dtype=self.dtype) for b in biases]

    def __repr__(self):
        """Return ``MLP(layer_sizes=..., activation=...)``."""
        return f"MLP(layer_sizes={self.layer_sizes}, activation={self.activation.name!r})"

    # --- forward propagation (§4.3) and backpropagation (§4.4) -------------------------
    #
    # Both loops use the lecture's layer index l. The lists are padded at the front, so that
    # W[l] is W^(l), z[l] is z^(l), h[l] is h^(l) (h[0] = x) and delta[l] is δ^(l).

    def forward(self, X, dropout=0.0, rng=None, masks=None, check=True):
        """Forward propagation, storing z^(l) and h^(l) for backpropagation (Eqs. 11-13).

        Parameters
        ----------
        X : ndarray of shape (n, layer_sizes[0])
            Converted to the network's dtype; every value must be finite there.
        dropout : float in [0, 1)
            Probability of dropping each hidden unit (inverted dropout, §4.6.2).
        rng : numpy.random.Generator, optional
            Source of the dropout masks; a fresh ``default_rng()`` if None.
        masks : list of (ndarray of shape (n, N_l) or None), optional
            Use these masks (one per hidden layer, ``masks[i]`` for hidden layer i+1)
            instead of drawing new ones, e.g. to check gradients with a fixed mask.
        check : bool
            Check the arguments first. False skips every check, for a caller that has
            checked them already (``fit`` checks X once, not once per mini-batch): X must
            then be an array of the network's dtype and ``dropout`` a float.

        Returns
        -------
        ForwardCache
            ``z`` = [z^(1), ..., z^(L+1)], ``h`` = [h^(0) = X, ..., h^(L)], ``masks``.
        """
        if check:
            X = check_X(X, self.layer_sizes[0], dtype=self.dtype)
            dropout = check_dropout(dropout)
            if masks is not None:
                masks = self._check_masks(masks, len(X))
        draw_masks = masks is None and dropout > 0
        if check and draw_masks and rng is not None:
            rng = check_rng(rng)
        if draw_masks and rng is None:
            rng = np.random.default_rng()
        L = self.n_hidden
        sigma = self.activation.function
        W, b = [None, *self.weights], [None, *self.biases]  # W[l] is W^(l), b[l] is b^(l)
        given = [None, *masks] if masks is not None else None
        z, h, mask = [None], [X], [None]
        for l in range(1, L + 2):
            z.append(dense_forward(h[l - 1], W[l], b[l], check=False))  # Eq. (11)
            if l == L + 1:
                break  # Eq. (13): ŷ = z^(L+1), the output layer is linear
            h_l = sigma(z[l])  # Eq. (12)
            if given is not None:
                mask_l = given[l]
            elif draw_masks:
                mask_l = dropout_mask(h_l.shape, dropout, rng, self.dtype, check=False)
            else:
                mask_l = None
            if mask_l is not None:
                h_l = h_l * mask_l  # §4.6.2: dropped units output 0, kept ones are scaled
            h.append(h_l)
            mask.append(mask_l)
        return ForwardCache(z=z[1:], h=h, masks=mask[1:])

    def backward(self, cache, y, loss="mse", lam=0.0, check=True):
        """Backpropagation: the error terms δ^(l) and the gradients of J (Eqs. 17-25).

        Working backward from l = L+1 to 1: δ^(L+1) from the loss (Eq. 21), then for each
        layer its gradients (Eqs. 23-25, averaged over the batch) and, below the output,
        δ^(l-1) = δ^(l) W^(l) ⊙ σ'(z^(l-1)) (Eq. 22).

        Parameters
        ----------
        cache : ForwardCache
            From this network's ``forward`` on the same batch. With ``check=True`` a cache
            whose arrays do not have this network's shapes (made by another network, e.g.
            notebook cells run out of order) is refused; a cache from another network of
            the same layer sizes cannot be told apart.
        y : ndarray of shape (n,) or (n, N_O)
            Targets: real values for 'mse', class labels for the cross-entropies.
        loss : str or Loss
            A key of ``LOSSES``.
        lam : float >= 0
            λ of the L2 penalty (Eq. 15).
        check : bool
            Check the arguments first. False skips every check, for a caller that has
            checked them already: y must then be in the form ``check_targets`` returns
            (``mlp_core._checks``) and ``lam`` a float.

        Returns
        -------
        Gradients
            ``weights`` and ``biases`` laid out like ``MLP.weights`` and ``MLP.biases``,
            ``delta`` = [δ^(1), ..., δ^(L+1)].
        """
        loss_fn = get_loss(loss)
        if check:
            if not isinstance(cache, ForwardCache):
                raise TypeError(f"cache must be the ForwardCache from forward(), got {cache!r}")
            self._check_cache(cache)
            lam = check_real(lam, "lam", low=0.0)
            y = check_targets(y, loss_fn.name, self.layer_sizes[-1], self.dtype, X=cache.h[0])
        L = self.n_hidden
        sigma_prime = self.activation.derivative
        W = [None, *self.weights]  # W[l] is W^(l)
        z, h, mask = [None, *cache.z], cache.h, [None, *cache.masks]
        grad_W, grad_b, delta = [None] * (L + 2), [None] * (L + 2), [None] * (L + 2)
        delta[L + 1] = loss_fn.delta(z[L + 1], y)  # Eq. (21): δ^(L+1) = ∂l/∂ŷ, per sample
        for l in range(L + 1, 0, -1):
            # Eqs. (23)-(25) for W^(l) and b^(l), and δ^(l) W^(l) for the layer below
            grad_W[l], grad_b[l], delta_W = dense_backward(
                delta[l], h[l - 1], W[l], lam, check=False, propagate=l > 1
            )
            if l > 1:
                # Eq. (22): δ^(l-1) = δ^(l) W^(l) ⊙ σ'(z^(l-1)); with dropout h = σ(z) ⊙ mask,
                # so the mask multiplies the derivative too.
                delta[l - 1] = delta_W * sigma_prime(z[l - 1])
                if mask[l - 1] is not None:
                    delta[l - 1] = delta[l - 1] * mask[l - 1]
        return Gradients(weights=grad_W[1:], biases=grad_b[1:], delta=delta[1:])

    def _check_cache(self, cache):
        """Raise unless every array of ``cache`` has the shape this network's forward gives."""
        sizes, L = self.layer_sizes, self.n_hidden
        if len(cache.z) != L + 1 or len(cache.h) != L + 1 or len(cache.masks) != L:
            n_layers = len(cache.z)
            raise ValueError(
                f"cache must come from forward() of this network, whose {L + 1} layers of "
                f"weights need z^(1) .. z^({L + 1}) (layer_sizes {sizes}), got a cache of "
                f"{n_layers} layer{'s' if n_layers != 1 else ''}: was it made by another network?"
            )
        n = np.shape(cache.h[0])[0] if np.ndim(cache.h[0]) else 0
        for i in range(L + 1):
            for name, array, expected in (
                (f"cache.h[{i}] (h^({i}))", cache.h[i], (n, sizes[i])),
                (f"cache.z[{i}] (z^({i + 1}))", cache.z[i], (n, sizes[i + 1])),
            ):
                if np.shape(array) != expected:
                    raise ValueError(
                        f"{name} must have shape {expected} for this network (layer_sizes "
                        f"{sizes}), got {np.shape(array)}: was the cache made by another "
                        "network's forward()?"
                    )
            mask = cache.masks[i] if i < L else None
            if mask is not None and np.shape(mask) != (n, sizes[i + 1]):
                raise ValueError(
                    f"cache.masks[{i}] must be None or have shape {(n, sizes[i + 1])} for this "
                    f"network (layer_sizes {sizes}), got {np.shape(mask)}"
                )

    def _check_masks(self, masks, n):
        """One mask per hidden layer, each None or of shape (n, N_l), as arrays of dtype."""
        if not isinstance(masks, (list, tuple)) or len(masks) != self.n_hidden:
            raise ValueError(
                f"masks must hold one entry per hidden layer ({self.n_hidden}), got "
                + (f"{len(masks)}" if isinstance(masks, (list, tuple)) else type(masks).__name__)
            )
        checked = []
        for i, mask in enumerate(masks):
            if mask is not None:
                mask = check_array(mask, f"masks[{i}]", dtype=self.dtype)
                expected = (n, self.layer_sizes[i + 1])
                if mask.shape != expected:
                    raise ValueError(
                        f"masks[{i}] must be None or of shape (n, N_{i + 1}) = {expected} "
                        f"(hidden layer {i + 1} on this batch), got shape {mask.shape}"
                    )
            checked.append(mask)
        return checked

    # --- prediction and the loss (Eqs. 11-16) ------------------------------------------

    def predict(self, X, check=True):
        """ŷ = z^(L+1) for each row of X, without dropout and without a cache.

        Prediction needs only the layer it is computing (§4.5): each h^(l-1) is released as
        soon as z^(l) exists, so memory stays that of about two layers, whereas ``forward``
        keeps every z and h for backpropagation.

        Parameters
        ----------
        X : ndarray of shape (n, layer_sizes[0])
            Converted to the network's dtype; every value must be finite there.
        check : bool
            Check X first. False skips the check (X must then be an array of the network's
            dtype), for a caller that has checked it already.

        Returns
        -------
        ndarray of shape (n, layer_sizes[-1])
        """
        if check:
            X = check_X(X, self.layer_sizes[0], dtype=self.dtype)
        L = self.n_hidden
        sigma = self.activation.function
        W, b = [None, *self.weights], [None, *self.biases]  # W[l] is W^(l), b[l] is b^(l)
        h = X
        for l in range(1, L + 2):
            # Eq. (11) as in dense_forward, with h^(l-1) released as soon as it has been used:
            z = h @ W[l].T
            del h  # h^(l-1) is not needed any more: release it before adding b^(l),
            z += b[l]  # for which numpy may set aside a small buffer
            h = z if l == L + 1 else sigma(z)  # Eq. (12), or Eq. (13) at the output
            del z
        return h

    #: Samples per forward pass when ``loss`` (and ``fit``'s per-epoch training loss) runs
    #: over a whole data set: memory then stays that of LOSS_CHUNK samples, and big arrays
    #: are not allocated afresh for every layer.
    LOSS_CHUNK = 512

    def loss(self, X, y, loss="mse", lam=0.0, check=True):
        """J = (1/n) Σ_i l(ŷ_i, y_i) + λ/2 Σ_l ‖W^(l)‖²_F (Eqs. 14-16), without dropout.

        The network runs over X in chunks of ``LOSS_CHUNK`` rows, so memory stays that of
        one chunk however large X is.

        Parameters
        ----------
        X : ndarray of shape (n, layer_sizes[0])
        y : ndarray of shape (n,) or (n, N_O)
            Targets: real values for 'mse', class labels for the cross-entropies.
        loss : str or Loss
            A key of ``LOSSES``.
        lam : float >= 0
            λ of the L2 penalty (Eq. 15); 0 gives the data loss L alone.
        check : bool
            Check the arguments first. False skips every check, for a caller that has
            checked them already: X must then be an array of the network's dtype, y in the
            form ``check_targets`` returns (``mlp_core._checks``) and ``lam`` a float.

        Returns
        -------
        float
        """
        loss_fn = get_loss(loss)
        if check:
            lam = check_real(lam, "lam", low=0.0)
            X = check_X(X, self.layer_sizes[0], dtype=self.dtype)
            y = check_targets(y, loss_fn.name, self.layer_sizes[-1], self.dtype, X=X)
        total = 0.0  # Σ_i l(ŷ_i, y_i), summed chunk by chunk
        for start in range(0, len(X), self.LOSS_CHUNK):
            rows = slice(start, start + self.LOSS_CHUNK)
            y_hat = self.predict(X[rows], check=False)
            total += float(np.sum(loss_fn.value(y_hat, y[rows]), dtype=np.float64))
        data_term = total / len(X)  # L = (1/n) Σ_i l(ŷ_i, y_i), Eq. (14)
        return data_term + l2_penalty(self.weights, lam, check=False)  # J = L + s, (15)-(16)


def parameter_table(layer_sizes):
    """One row per layer l = 1 .. L+1: (l, shape of W^(l), shape of b^(l), count).

    W^(l) joins layer l-1 to layer l and has shape (N_l, N_{l-1}) (Eqs. 2-4, 11); b^(l) has
    shape (N_l,). Layer 0 is the input x, layer L+1 the output ŷ.

    Parameters
    ----------
    layer_sizes : sequence of int
        [N_I, N_1, ..., N_L, N_O].

    Returns
    -------
    list of (int, (int, int), (int,), int)
    """
    return [
        (l, (n_out, n_in), (n_out,), n_out * n_in + n_out)
        for l, (n_in, n_out) in enumerate(zip(layer_sizes[:-1], layer_sizes[1:]), start=1)
    ]

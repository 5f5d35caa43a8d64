"""How much memory training needs compared with prediction (lecture §4.5), measured.

Backpropagation reuses the z^(l) and h^(l) that forward propagation stored (Eqs. 22-24), so
during training every layer's values for the whole mini-batch stay in memory until the
backward pass is done. For a batch of n samples and layer sizes [N_0, ..., N_{L+1}] the
forward cache (``ForwardCache``) holds, with b bytes per number (8 for float64):

    X = h^(0)                 n N_0 b       (the caller holds X anyway; counted for completeness)
    z^(l),  l = 1 .. L+1      n N_l b       (pre-activations, Eq. 11)
    h^(l),  l = 1 .. L        n N_l b       (hidden outputs, Eq. 12)
    dropout masks             n N_l b       (one per hidden layer, only with dropout)

which grows in proportion to the batch size n and, for layers of equal width, to the number
of layers. Prediction needs none of it: computing layer l only needs layer l-1, so a
forward pass that forgets each layer once the next is computed (as ``MLP.predict`` does)
holds two layers' values at a time, whatever the depth: h^(l-1) and z^(l) while Eq. (11)
runs, then z^(l) and sigma(z^(l)) while Eq. (12) runs (``prediction_bytes``).
``peak_bytes`` measures what a call really allocates, with the standard library's
``tracemalloc`` (numpy reports its arrays to it): the layers, and also what the call does
besides (``predict`` first checks that X is finite; see ``prediction_bytes``).
Everything here needs numpy alone.
"""

from __future__ import annotations

import tracemalloc

import numpy as np

from ._checks import check_int
from .network import MLP

__all__ = [
    "forward_cache_bytes",
    "memory_table",
    "peak_bytes",
    "prediction_bytes",
]


def forward_cache_bytes(layer_sizes, batch_size, dtype=np.float64, dropout=0.0, seed=0):
    """Bytes of the forward cache that training keeps for backpropagation.

    Runs one forward pass of ``MLP(layer_sizes)`` on a batch of zeros and returns
    ``cache.nbytes`` (X, every z^(l), every h^(l) and the dropout masks).

    Parameters
    ----------
    layer_sizes : sequence of int
        [N_I, N_1, ..., N_L, N_O].
    batch_size : int >= 1
        n, the number of samples in the mini-batch.
    dtype : numpy float dtype
        float64 (8 bytes per number) or float32 (4 bytes).
    dropout : float in [0, 1)
        With dropout > 0 the cache also holds one mask per hidden layer.
    seed : int
        Seed for the weights and the dropout masks (the byte count does not depend on it).

    Returns
    -------
    int
    """
    batch_size = check_int(batch_size, "batch_size", minimum=1)
    net = MLP(layer_sizes, seed=seed, dtype=dtype)
    X = np.zeros((batch_size, net.layer_sizes[0]), dtype=net.dtype)
    cache = net.forward(X, dropout=dropout, rng=np.random.default_rng(seed))
    return cache.nbytes


def prediction_bytes(layer_sizes, batch_size, dtype=np.float64):
    """Bytes of layer values that prediction holds at once: 2 · n · max_l N_l · b (l >= 1).

    A forward pass used only for prediction (``MLP.predict``) drops h^(l-1) as soon as z^(l)
    is computed and drops z^(l) as soon as h^(l) = sigma(z^(l)) exists. So at any moment it
    holds the layer being computed plus the one it comes from: h^(l-1) and z^(l) during
    Eq. (11), z^(l) and sigma(z^(l)) during Eq. (12). Both pairs fit in twice the widest
    layer, and the second pair fills it exactly when the widest layer is a hidden one (when
    the output layer is the widest, predict holds at most N_L + N_{L+1} numbers per sample,
    less than this count). The input X is not counted (the caller holds it before and after
    the call), so the widest layer is taken over l = 1 .. L+1.

    Only layer values are counted. ``peak_bytes(net.predict, X)`` measures the whole call,
    which with ReLU or tanh (they make no temporaries of their own) also holds:

    - a copy of X converted to the network's dtype, n · N_I · b bytes for the whole call,
      if X has another dtype (float64 X into a float32 network);
    - ``np.isfinite(X)`` from predict's input check: n · N_I bytes (one bool per input
      value), freed before layer 1 is computed. It alone sets the peak when it exceeds the
      layers, e.g. for [784, 32, 10]: 784 bytes per sample against 2 · 32 · 8 = 512;
    - a buffer numpy may set aside while it adds b^(l) in place, at most ``np.getbufsize()``
      numbers (8192, 64 KiB in float64), and Python objects of a few hundred bytes.

    So the measured peak is at least copy + max(n · N_I, layers), and at most that plus
    the buffer and a few KiB. Here "layers" is n · b times the largest of N_1, N_{l-1} + N_l
    (l >= 2) and 2 N_l (hidden l): this count when the widest layer is hidden, less otherwise.
    The overflow-safe sigmoid builds a few temporary arrays while it runs and needs about
    five layers' worth instead of two.

    Parameters
    ----------
    layer_sizes : sequence of int
        [N_I, N_1, ..., N_L, N_O], at least two sizes.
    batch_size : int >= 1
        n, the number of samples predicted in one call.
    dtype : numpy float dtype
        float64 (b = 8 bytes per number) or float32 (b = 4).

    Returns
    -------
    int
    """
    batch_size = check_int(batch_size, "batch_size", minimum=1)
    sizes = [check_int(s, f"layer_sizes[{i}]", minimum=1) for i, s in enumerate(layer_sizes)]
    if len(sizes) < 2:
        raise ValueError(
            f"layer_sizes must list at least two sizes [N_I, ..., N_O], got {list(layer_sizes)!r}"
        )
    return int(2 * batch_size * max(sizes[1:]) * np.dtype(dtype).itemsize)


def memory_table(depths, batch_sizes, width=64, n_inputs=2, n_outputs=1, dtype=np.float64):
    """Forward-cache bytes for networks of several depths and several batch sizes.

    Parameters
    ----------
    depths : sequence of int
        Numbers of hidden layers L (each of ``width`` units), e.g. [1, 2, 4, 8].
    batch_sizes : sequence of int
        Mini-batch sizes n, e.g. [32, 128, 512].
    width : int
        Units per hidden layer.
    n_inputs, n_outputs : int
        N_I and N_O.
    dtype : numpy float dtype

    Returns
    -------
    ndarray of int64, shape (len(depths), len(batch_sizes))
        ``table[i, j]`` is ``forward_cache_bytes`` for ``depths[i]`` hidden layers and
        batch size ``batch_sizes[j]``.
    """
    table = np.zeros((len(depths), len(batch_sizes)), dtype=np.int64)
    for i, L in enumerate(depths):
        L = check_int(L, f"depths[{i}]", minimum=0)
        sizes = [n_inputs, *([width] * L), n_outputs]
        for j, n in enumerate(batch_sizes):
            table[i, j] = forward_cache_bytes(sizes, n, dtype=dtype)
    return table


def peak_bytes(func, *args, **kwargs):
    """Return the most memory that ``func(*args, **kwargs)`` held at once, measured by tracemalloc.

    Counts every allocation made during the call (numpy arrays included) and not freed
    before the peak, including temporaries; the result of the call is discarded.

    Returns
    -------
    int
    """
    if tracemalloc.is_tracing():
        raise RuntimeError("peak_bytes needs tracemalloc to be off; it starts and stops it")
    tracemalloc.start()
    try:
        func(*args, **kwargs)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return int(peak)

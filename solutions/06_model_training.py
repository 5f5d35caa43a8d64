"""Reference solutions for the exercises of notebook 06 (model training, lecture §4.5).

Each function is what a student writes in the exercise cell of the same name. See README.md
in this folder for how to use them.
"""


def sgd_step(params, grads, lr):
    """Return new arrays θ − η g for every parameter; the inputs stay unchanged."""
    return [theta - lr * g for theta, g in zip(params, grads)]


def minibatch_indices(n, batch_size, rng):
    """Return range(n) shuffled and cut into batches of batch_size (the last may be shorter)."""
    order = rng.permutation(n)
    return [order[start:start + batch_size] for start in range(0, n, batch_size)]


def cache_bytes(layer_sizes, batch_size, bytes_per_number):
    """Bytes of X, z^(1) .. z^(L+1) and h^(1) .. h^(L) for one batch."""
    numbers = layer_sizes[0]  # X = h^(0)
    numbers += sum(layer_sizes[1:])  # z^(1) .. z^(L+1)
    numbers += sum(layer_sizes[1:-1])  # h^(1) .. h^(L): the output layer has no h
    return numbers * batch_size * bytes_per_number

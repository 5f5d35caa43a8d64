"""Reference solutions for the exercises of notebook 02 (network structure, lecture §4.1).

Each function is what a student writes in the exercise cell of the same name. See README.md
in this folder for how to use them.
"""


def weight_shapes(layer_sizes):
    """Return the shapes (N_l, N_{l-1}) of W^(1), ..., W^(L+1)."""
    return [(layer_sizes[l], layer_sizes[l - 1]) for l in range(1, len(layer_sizes))]


def count_parameters(layer_sizes):
    """Return the number of weights and biases: Σ_l N_l N_{l-1} + N_l."""
    total = 0
    for l in range(1, len(layer_sizes)):
        total += layer_sizes[l] * layer_sizes[l - 1] + layer_sizes[l]
    return total


def layer_output_shapes(layer_sizes, n_samples):
    """Return the shapes (n_samples, N_l) of z^(1), ..., z^(L+1) for a batch, rows being samples."""
    return [(n_samples, size) for size in layer_sizes[1:]]

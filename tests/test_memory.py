"""mlp_core.memory: forward-cache bytes against the hand formula of lecture §4.5."""

import numpy as np
import pytest

import mlp_core
from mlp_core.memory import (
    forward_cache_bytes,
    memory_table,
    peak_bytes,
    prediction_bytes,
)


def hand_formula(layer_sizes, n, itemsize, dropout=False):
    """X, plus z^(l) for l = 1..L+1, plus h^(l) (and a mask) for each hidden layer."""
    X = n * layer_sizes[0] * itemsize
    z = sum(n * N * itemsize for N in layer_sizes[1:])
    h = sum(n * N * itemsize for N in layer_sizes[1:-1])
    return X + z + h + (h if dropout else 0)


@pytest.mark.parametrize("sizes", [[2, 1], [2, 3, 2, 1], [5, 16, 16, 16, 3], [1, 64, 1]])
@pytest.mark.parametrize("n", [1, 7, 128])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_cache_bytes_match_hand_formula(sizes, n, dtype):
    itemsize = np.dtype(dtype).itemsize
    assert forward_cache_bytes(sizes, n, dtype=dtype) == hand_formula(sizes, n, itemsize)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_dropout_adds_one_mask_per_hidden_layer(dtype):
    sizes, n = [2, 8, 4, 1], 10
    itemsize = np.dtype(dtype).itemsize
    got = forward_cache_bytes(sizes, n, dtype=dtype, dropout=0.5)
    assert got == hand_formula(sizes, n, itemsize, dropout=True)


def test_small_example_by_hand():
    # [2, 3, 2, 1], n = 4, float64: X 4·2, z 4·(3+2+1), h 4·(3+2) numbers, 8 bytes each.
    assert forward_cache_bytes([2, 3, 2, 1], 4) == 8 * (8 + 24 + 20)


def test_proportional_to_batch_size():
    sizes = [2, 32, 32, 1]
    one = forward_cache_bytes(sizes, 1)
    assert forward_cache_bytes(sizes, 100) == 100 * one


def test_memory_table_shape_and_growth():
    depths, batch_sizes = [1, 2, 4, 8], [16, 64]
    table = memory_table(depths, batch_sizes, width=32, n_inputs=2, n_outputs=1)
    assert table.shape == (4, 2)
    assert table.dtype == np.int64
    for i, L in enumerate(depths):
        for j, n in enumerate(batch_sizes):
            sizes = [2, *([32] * L), 1]
            assert table[i, j] == hand_formula(sizes, n, 8)
    # each extra hidden layer of width 32 adds z and h: 2 · n · 32 · 8 bytes
    extra = np.diff(table[:, 0]) / np.diff(depths)
    assert np.all(extra == 2 * 16 * 32 * 8)
    assert np.all(table[:, 1] == 4 * table[:, 0])


def test_prediction_bytes_by_hand():
    # predict holds z^(l) and sigma(z^(l)) of the widest layer at once: 2 · n · 64 · 8 bytes
    sizes, n = [2, 64, 64, 64, 64, 1], 256
    assert prediction_bytes(sizes, n) == 2 * n * 64 * 8
    assert prediction_bytes(sizes, n, dtype=np.float32) == 2 * n * 64 * 4
    # the input is the caller's array, so a wide input does not count: 2 · n · 16 · 8
    assert prediction_bytes([300, 16, 1], n) == 2 * n * 16 * 8


def test_prediction_needs_far_less():
    sizes, n = [2, 64, 64, 64, 64, 1], 256
    # cache per sample: X 2 + z (4 · 64 + 1) + h 4 · 64 = 515 numbers; prediction 2 · 64 = 128
    assert forward_cache_bytes(sizes, n) == n * 515 * 8
    assert forward_cache_bytes(sizes, n) > 4 * prediction_bytes(sizes, n)


@pytest.mark.parametrize("bad", [0, -1, 2.5])
def test_bad_batch_size(bad):
    with pytest.raises((ValueError, TypeError), match="batch_size"):
        forward_cache_bytes([2, 3, 1], bad)
    with pytest.raises((ValueError, TypeError), match="batch_size"):
        prediction_bytes([2, 3, 1], bad)


def test_prediction_bytes_needs_two_sizes():
    with pytest.raises(ValueError, match="at least two sizes"):
        prediction_bytes([3], 8)


def test_bad_depth():
    with pytest.raises(ValueError, match=r"depths\[1\]"):
        memory_table([1, -1], [8])


@pytest.mark.parametrize("activation", ["relu", "tanh", "sigmoid"])
def test_predict_without_cache_equals_forward_output(activation):
    net = mlp_core.MLP([3, 7, 5, 2], activation=activation, seed=1)
    X = np.random.default_rng(2).standard_normal((9, 3))
    np.testing.assert_allclose(net.predict(X), net.forward(X).output, rtol=1e-12)


def test_measured_peaks():
    n, width = 500, 128
    X = np.random.default_rng(0).standard_normal((n, 2))
    layer = n * width * 8
    peaks = []
    for L in (2, 6):
        sizes = [2, *([width] * L), 1]
        net = mlp_core.MLP(sizes, seed=0)
        training = peak_bytes(net.forward, X)
        cache = forward_cache_bytes(sizes, n)
        # The cache counts X = h^(0), which the caller allocated before the call: the call
        # itself holds the rest of the cache plus small temporaries (less than one layer).
        stored = cache - X.nbytes
        assert stored <= training < stored + layer
        prediction = peak_bytes(net.predict, X)
        assert prediction_bytes(sizes, n) == 2 * layer
        assert 2 * layer <= prediction < 2.05 * layer  # two layers, plus a few small objects
        peaks.append(prediction)
    assert peaks[0] == pytest.approx(peaks[1], rel=0.01)  # independent of depth


def layers_held_by_predict(sizes, n, itemsize):
    """Bytes of layer values predict holds at its fullest, walking Eqs. (11)-(12) layer by layer.

    X = h^(0) is not counted (the caller's array); h^(l-1) is freed once z^(l) exists and
    z^(l) once sigma(z^(l)) exists; the output layer has no sigma (Eq. 13).
    """
    most = 0
    for l in range(1, len(sizes)):
        before = sizes[l - 1] if l >= 2 else 0
        most = max(most, before + sizes[l])  # Eq. (11): h^(l-1) and z^(l)
        if l < len(sizes) - 1:
            most = max(most, 2 * sizes[l])  # Eq. (12): z^(l) and sigma(z^(l))
    return n * most * itemsize


SIZES = [[2, 64, 64, 1], [2, 64, 256, 64, 1], [300, 64, 1], [784, 32, 10], [2, 8, 100],
         [64, 10]]


@pytest.mark.parametrize("sizes", SIZES)
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_prediction_bytes_counts_the_widest_pair_of_layers(sizes, dtype):
    n, b = 1000, np.dtype(dtype).itemsize
    held = layers_held_by_predict(sizes, n, b)
    assert held <= prediction_bytes(sizes, n, dtype=dtype)
    widest_is_hidden = max(sizes[1:-1], default=0) == max(sizes[1:])
    assert (held == prediction_bytes(sizes, n, dtype=dtype)) == widest_is_hidden


@pytest.mark.parametrize("activation", ["relu", "tanh"])
@pytest.mark.parametrize("sizes", SIZES)
@pytest.mark.parametrize("net_dtype, x_dtype", [(np.float64, np.float64),
                                                (np.float32, np.float32),
                                                (np.float32, np.float64),
                                                (np.float64, np.float32)])
def test_measured_predict_peak_is_layers_plus_input_check_and_copy(
        activation, sizes, net_dtype, x_dtype):
    # What the prediction_bytes docstring says peak_bytes(net.predict, X) sees besides layers.
    n, n_in, b = 1000, sizes[0], np.dtype(net_dtype).itemsize
    net = mlp_core.MLP(sizes, activation=activation, seed=0, dtype=net_dtype)
    X = np.random.default_rng(0).standard_normal((n, n_in)).astype(x_dtype)
    copy = n * n_in * b if x_dtype != net_dtype else 0  # X converted to the network's dtype
    finite_check = n * n_in  # np.isfinite(X): one bool (1 byte) per input value
    low = copy + max(finite_check, layers_held_by_predict(sizes, n, b))
    bias_buffer = np.getbufsize() * b  # numpy's buffer while z += b runs, at most
    measured = peak_bytes(net.predict, X)
    assert low <= measured <= low + bias_buffer + 4096


def test_prediction_bytes_is_no_bound_on_the_measured_peak_of_a_wide_input():
    # [784, 32, 10], n = 1000: the finiteness check holds 784 bytes per sample, the two
    # layers 2 · 32 · 8 = 512; with float64 X into a float32 net the copy adds 784 · 4.
    n = 1000
    net = mlp_core.MLP([784, 32, 10], seed=0)
    X = np.random.default_rng(0).standard_normal((n, 784))
    assert peak_bytes(net.predict, X) >= n * 784 > prediction_bytes([784, 32, 10], n)
    net32 = mlp_core.MLP([784, 32, 10], seed=0, dtype=np.float32)
    measured = peak_bytes(net32.predict, X)
    assert measured >= n * 784 * 4 + n * 784 > prediction_bytes([784, 32, 10], n, np.float32)


def test_prediction_bytes_is_the_measured_peak_when_the_widest_layer_is_hidden():
    # X in the network's dtype, few inputs: the layers set the peak, within 1 %.
    n, sizes = 2000, [2, 64, 256, 64, 1]
    for activation in ("relu", "tanh"):
        net = mlp_core.MLP(sizes, activation=activation, seed=0)
        X = np.random.default_rng(0).standard_normal((n, 2))
        measured = peak_bytes(net.predict, X)
        assert prediction_bytes(sizes, n) <= measured < 1.01 * prediction_bytes(sizes, n)


def test_memory_figure_draws_the_table_in_kib():
    import matplotlib

    matplotlib.use("Agg")
    from mlp_core.plotting import memory_figure

    depths, batch_sizes = [1, 2, 4], [32, 128]
    table = memory_table(depths, batch_sizes)
    prediction = 1024 * np.arange(1.0, 7.0).reshape(3, 2)  # distinct: rows and columns show
    fig = memory_figure(depths, batch_sizes, table, prediction=prediction)
    ax_depth, ax_batch = fig.axes
    # one line per batch size (left) and per depth (right), plus the dotted prediction line
    assert len(ax_depth.get_lines()) == len(batch_sizes) + 1
    assert len(ax_batch.get_lines()) == len(depths) + 1
    for j, line in enumerate(ax_depth.get_lines()[:-1]):
        np.testing.assert_array_equal(line.get_xdata(), depths)
        np.testing.assert_allclose(line.get_ydata(), table[:, j] / 1024)
    for i, line in enumerate(ax_batch.get_lines()[:-1]):
        np.testing.assert_array_equal(line.get_xdata(), batch_sizes)
        np.testing.assert_allclose(line.get_ydata(), table[i] / 1024)
    # prediction: the largest batch against depth (left), the deepest net against n (right)
    np.testing.assert_allclose(ax_depth.get_lines()[-1].get_ydata(), [2.0, 4.0, 6.0])
    np.testing.assert_allclose(ax_batch.get_lines()[-1].get_ydata(), [5.0, 6.0])
    assert [t.get_text() for t in ax_depth.get_legend().get_texts()] == [
        "n = 32", "n = 128", "prediction, n = 128"]
    assert [t.get_text() for t in ax_batch.get_legend().get_texts()] == [
        "L = 1", "L = 2", "L = 4", "prediction, L = 4"]
    assert ax_depth.get_ylim()[0] == 0 and ax_batch.get_xlabel() == "batch size n (samples)"

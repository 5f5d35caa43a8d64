"""How many threads numpy's BLAS may use for the matrix products of a training run.

A classroom step multiplies a batch of 32 rows through layers of about 128 units: each
product is about half a million multiply-adds and lasts microseconds. A second BLAS thread
then gains nothing on the product itself, and between the 50-odd small numpy calls of a
step it has to be woken again and again: on the 2-core test machine the classroom benchmark
ran about 20 % slower with two threads than with one, and machines with more cores (more
threads to wake) fare worse. From about 4 million multiply-adds per product on, a second
thread does pay off (a batch of 512 through 1024-unit layers runs twice as fast with two).

``blas_threads_for`` therefore holds BLAS to one thread while a run's products are all
small and leaves it alone otherwise. threadpoolctl does this for OpenBLAS, MKL and Apple's
Accelerate alike.
"""

from __future__ import annotations

from contextlib import nullcontext

from threadpoolctl import threadpool_limits

__all__ = ["SMALL_PRODUCT", "blas_threads_for", "largest_product", "one_blas_thread"]

#: Multiply-adds per matrix product below which one BLAS thread is as fast as several
#: (measured for float32 on 2 cores: 4.2 M multiply-adds ran 0.72x as long with two
#: threads, 2.1 M and fewer 0.94-1.0x).
SMALL_PRODUCT = 2**22


def largest_product(batch_size, layer_sizes):
    """Multiply-adds of the largest matrix product in a step, batch_size · N_l · N_{l-1}.

    Parameters
    ----------
    batch_size : int
    layer_sizes : sequence of int
        [N_I, N_1, ..., N_O].

    Returns
    -------
    int
    """
    return batch_size * max(a * b for a, b in zip(layer_sizes[:-1], layer_sizes[1:]))


def one_blas_thread():
    """A context that keeps BLAS (numpy's matrix products) on one thread.

    The widget panels draw every redraw inside it: their matrices are small, and on a busy
    2-core laptop some redraws ran 20 times slower with two threads.
    """
    return threadpool_limits(1, user_api="blas")


def blas_threads_for(batch_size, layer_sizes):
    """One BLAS thread if every product of a step is small, else BLAS as it is.

    Returns
    -------
    context manager
    """
    if largest_product(batch_size, layer_sizes) < SMALL_PRODUCT:
        return one_blas_thread()
    return nullcontext()

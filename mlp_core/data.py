"""Data for the teaching kit: real data sets, 2-D toy problems, splits and standardization.

This module is the one place notebooks import data helpers from. It gathers smaller
modules, each about one concept:

- :mod:`mlp_core.dataset`: :class:`Dataset`, what every loader returns, and :data:`DATA_DIR`;
- :mod:`mlp_core.datasets`: the loaders for the files in ``NNData/``
  (:func:`load_concrete`, :func:`load_penguins`, :func:`load_digits`), found in
  :data:`DATA_DIR` unless ``path=`` or the environment variable ``NNDATA_DIR`` says otherwise
  (reading the CSV text line by line is :mod:`mlp_core.csv_rows`);
- :mod:`mlp_core.toy_data`: :func:`make_moons`, :func:`make_circles`, :func:`make_xor`,
  :func:`make_spirals`, the registry :data:`TOY_DATASETS` and :func:`make_toy`;
- :mod:`mlp_core.preprocessing`: :func:`train_val_test_split`, :func:`train_test_split` and
  :class:`Standardizer`.

Only numpy and the standard library are used. Everything random takes a ``seed`` (or a
``np.random.Generator``) and never touches numpy's global random state.
"""

from mlp_core.dataset import DATA_DIR, Dataset
from mlp_core.datasets import load_concrete, load_digits, load_penguins
from mlp_core.preprocessing import Standardizer, train_test_split, train_val_test_split
from mlp_core.toy_data import (
    TOY_DATASETS,
    make_circles,
    make_moons,
    make_spirals,
    make_toy,
    make_xor,
)

__all__ = [
    "DATA_DIR",
    "Dataset",
    "load_concrete",
    "load_penguins",
    "load_digits",
    "make_moons",
    "make_circles",
    "make_xor",
    "make_spirals",
    "TOY_DATASETS",
    "make_toy",
    "train_val_test_split",
    "train_test_split",
    "Standardizer",
]

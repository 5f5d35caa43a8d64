"""Data for the teaching kit: real data sets, 2-D toy problems, splits and standardization.

Notebooks import every data helper from here (``from mlp_core.data import make_moons``).
One module per concept:

- ``nndata.py``: the loaders for the files in ``NNData/`` (:func:`load_concrete`,
  :func:`load_penguins`, :func:`load_digits`), the :class:`Dataset` they return, their CSV
  reading and :func:`find_data_file`, which looks in ``path=``, else the folder named by the
  environment variable ``NNDATA_DIR``, else :data:`DATA_DIR`;
- ``toy.py``: :func:`make_moons`, :func:`make_circles`, :func:`make_xor`,
  :func:`make_spirals`, the registry :data:`TOY_DATASETS` and :func:`make_toy`, and the
  linearly separable :func:`separable_data` of the perceptron (§3);
- ``splits.py``: :func:`train_val_test_split` and :func:`train_test_split`;
- ``standardize.py``: :class:`Standardizer`;
- ``features.py``: the input features of a 2-D point (x₁², x₁x₂, sin x₁, ...), the registry
  :data:`FEATURES` and :func:`feature_map`, which turns points into the chosen columns.

Only numpy and the standard library are used. Everything random takes a ``seed`` (or a
``np.random.Generator``) and never touches numpy's global random state.
"""

from .features import DEFAULT_FEATURES, FEATURES, Feature, check_features, feature_map
from .nndata import DATA_DIR, Dataset, find_data_file, load_concrete, load_digits, load_penguins
from .splits import train_test_split, train_val_test_split
from .standardize import Standardizer
from .toy import (
    TOY_DATASETS,
    make_circles,
    make_moons,
    make_spirals,
    make_toy,
    make_xor,
    separable_data,
)

__all__ = [
    "DATA_DIR",
    "Dataset",
    "find_data_file",
    "load_concrete",
    "load_penguins",
    "load_digits",
    "make_moons",
    "make_circles",
    "make_xor",
    "make_spirals",
    "TOY_DATASETS",
    "make_toy",
    "separable_data",
    "train_val_test_split",
    "train_test_split",
    "Standardizer",
    "FEATURES",
    "DEFAULT_FEATURES",
    "Feature",
    "check_features",
    "feature_map",
]

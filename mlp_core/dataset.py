"""What a data loader returns (:class:`Dataset`) and where the loaders find their files.

A :class:`Dataset` is a design matrix ``X`` of shape (n_samples, n_features) whose rows are
samples, a target vector ``y``, and the names and provenance needed to read them; it checks
that these agree with each other when it is made.

A loader looks for its file in its ``path=`` argument, else in the folder named by the
environment variable ``NNDATA_DIR``, else in :data:`DATA_DIR` (``NNData/`` next to the
package); :func:`find_data_file` implements that order. The loaders themselves are in
:mod:`mlp_core.datasets`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

__all__ = ["DATA_DIR", "Dataset", "find_data_file"]

# The default folder. Loaders read the environment variable NNDATA_DIR at each call, so
# setting it (even after import) redirects them without touching this constant.
DATA_DIR = Path(__file__).resolve().parent.parent / "NNData"


@dataclass(frozen=True, eq=False)
class Dataset:
    """A data set ready for a model: features, target and where they came from.

    Attributes
    ----------
    X : ndarray of shape (n_samples, n_features), float64
        One row per sample, one column per feature, in the units of the source file.
    y : ndarray of shape (n_samples,)
        float64 values for regression; int64 class indices into ``target_names`` for
        classification.
    feature_names : tuple of str, length n_features
    target_name : str
    target_names : tuple of str of length n_classes, or None for regression
    description : str
        Short human summary, including source and licence.
    task : {"regression", "classification"}
    notes : tuple of str
        What the loader did, e.g. rows dropped and their file line numbers.
    name : str
        Short name used by ``repr``, e.g. ``"penguins"``.
    """

    X: np.ndarray
    y: np.ndarray
    feature_names: tuple[str, ...]
    target_name: str
    target_names: tuple[str, ...] | None
    description: str
    task: str
    notes: tuple[str, ...] = ()
    name: str = "dataset"

    def __post_init__(self):
        if self.task not in ("regression", "classification"):
            raise ValueError(
                f"task must be 'regression' or 'classification', got {self.task!r}"
            )
        if self.X.ndim != 2 or self.y.shape != (self.X.shape[0],):
            raise ValueError(
                f"X must have shape (n_samples, n_features) and y shape (n_samples,), "
                f"got X {self.X.shape} and y {self.y.shape}"
            )
        if len(self.feature_names) != self.X.shape[1]:
            raise ValueError(
                f"feature_names must name all {self.X.shape[1]} columns of X, "
                f"got {len(self.feature_names)} names"
            )
        if (self.task == "classification") == (self.target_names is None):
            raise ValueError(
                f"target_names must be a tuple for classification and None for regression, "
                f"got {self.target_names!r} for task {self.task!r}"
            )

    @property
    def n_classes(self) -> int | None:
        """Number of classes, or None for a regression data set."""
        return None if self.target_names is None else len(self.target_names)

    def __repr__(self) -> str:
        classes = "" if self.n_classes is None else f", {self.n_classes} classes"
        return f"Dataset({self.name!r}, X={self.X.shape}, task={self.task!r}{classes})"


def find_data_file(path, filename: str, loader: str, what: str) -> Path:
    """The file a loader reads: ``path`` (a file or a folder), else NNDATA_DIR, else DATA_DIR.

    Parameters
    ----------
    path : str, Path or None
        The loader's ``path=`` argument: the file itself, or a folder holding ``filename``.
    filename : str
        The file's name in a folder, e.g. ``"penguins.csv"``.
    loader, what : str
        The loader's name and the data set it expects, for the message of a missing file.

    Returns
    -------
    Path
        An existing file.
    """
    if path is None:
        path = Path(os.environ.get("NNDATA_DIR") or DATA_DIR)
    path = Path(path)
    if path.is_dir():
        path = path / filename
    if not path.is_file():
        raise FileNotFoundError(
            f"{loader}: no data file at '{path}'; expected {what} ({filename}). "
            f"Pass path=..., set NNDATA_DIR, or see NNData/README.md."
        )
    return path

"""Loaders for the three real data sets stored in ``NNData/``.

Each loader reads one CSV file with the standard library (``csv``, ``gzip``; see
:mod:`mlp_core.csv_rows`) and returns a :class:`~mlp_core.dataset.Dataset`: a design matrix
``X`` of shape (n_samples, n_features) whose rows are samples, a target vector ``y`` and the
names and provenance needed to read them. Nothing is rescaled or imputed here; a loader either
keeps a value, drops its row and says so in ``Dataset.notes``, or refuses the file with an
error naming the path, the 1-based line number and the offending value. Non-goals:
downloading, caching, pandas.

The files are looked up in the ``path=`` argument, else in the folder named by the environment
variable ``NNDATA_DIR``, else in :data:`DATA_DIR` (:func:`~mlp_core.dataset.find_data_file`).
Each file has a datasheet in ``NNData/``.
"""

from __future__ import annotations

from collections import Counter

import numpy as np

from .csv_rows import columns_of, parse_number, read_rows
from .dataset import DATA_DIR, Dataset, find_data_file

__all__ = ["DATA_DIR", "Dataset", "load_concrete", "load_digits", "load_penguins"]

PENGUIN_SPECIES = ("Adelie", "Chinstrap", "Gentoo")
MISSING_CHOICES = ("drop", "raise")
_MISSING_TOKENS = ("NA", "")

CONCRETE_FEATURES = (
    "cement", "blast_furnace_slag", "fly_ash", "water", "superplasticizer",
    "coarse_aggregate", "fine_aggregate", "age",
)


def load_concrete(path=None) -> Dataset:
    """Load the concrete compressive strength data (Yeh 1998), a regression task.

    Parameters
    ----------
    path : str or Path, optional
        The CSV file, or a folder holding ``concrete.csv``. Default: see module docstring.

    Returns
    -------
    Dataset
        ``X`` of shape (1030, 8): seven mix components in kg/m^3 and age in days;
        ``y`` of shape (1030,): compressive strength in MPa.
    """
    path = find_data_file(path, "concrete.csv", "load_concrete", "the concrete strength data set")
    header, rows = read_rows(path, header=True)
    names = CONCRETE_FEATURES + ("compressive_strength",)
    cols = columns_of(path, header, names)
    table = np.array(
        [[parse_number(path, line, n, f[c]) for n, c in zip(names, cols)] for line, f in rows]
    )
    seen = Counter(tuple(f) for _, f in rows)
    repeats = sum(count - 1 for count in seen.values())
    notes = (
        f"read {len(rows)} rows from {path.name}; no missing values",
        f"kept {repeats} rows that repeat an earlier row exactly (same mix, age and strength)",
    )
    return Dataset(
        X=table[:, :-1], y=table[:, -1], feature_names=CONCRETE_FEATURES,
        target_name="compressive_strength", target_names=None, task="regression",
        description=(
            "Concrete compressive strength (MPa) from 7 mix components (kg/m^3) and age "
            "(days); I-C. Yeh, Cement and Concrete Research 28(12), 1998; UCI, CC BY 4.0."
        ),
        notes=notes, name="concrete",
    )


PENGUIN_FEATURES = ("bill_length_mm", "bill_depth_mm", "flipper_length_mm", "body_mass_g")


def load_penguins(path=None, missing: str = "drop") -> Dataset:
    """Load the Palmer penguins data: species from four body measurements.

    Parameters
    ----------
    path : str or Path, optional
        The CSV file, or a folder holding ``penguins.csv``. Default: see module docstring.
    missing : {"drop", "raise"}, default "drop"
        What to do with a row whose feature is ``NA`` or empty: drop it (recorded, with its
        file line number, in ``notes``) or raise ValueError naming file, line and column.
        If every row has a missing feature, "drop" raises ValueError too (no rows left).

    Returns
    -------
    Dataset
        ``X`` of shape (342, 4) with the default file and ``missing="drop"``; ``y`` of shape
        (342,), int64 indices into ``("Adelie", "Chinstrap", "Gentoo")``.
    """
    if missing not in MISSING_CHOICES:
        raise ValueError(f"missing must be one of {MISSING_CHOICES}, got {missing!r}")
    path = find_data_file(path, "penguins.csv", "load_penguins", "the Palmer penguins data set")
    header, rows = read_rows(path, header=True)
    species_col, *cols = columns_of(path, header, ("species",) + PENGUIN_FEATURES)
    features, labels, dropped = [], [], []
    for line, fields in rows:
        label = fields[species_col].strip()
        if label not in PENGUIN_SPECIES:
            raise ValueError(
                f"{path}, line {line}: column 'species' has unknown class label {label!r}; "
                f"expected one of {PENGUIN_SPECIES}"
            )
        values = [fields[c].strip() for c in cols]
        gaps = [n for n, v in zip(PENGUIN_FEATURES, values) if v in _MISSING_TOKENS]
        if gaps and missing == "raise":
            raise ValueError(
                f"{path}, line {line}: column {gaps[0]!r} is missing "
                f"(value {values[PENGUIN_FEATURES.index(gaps[0])]!r}); "
                f"use missing='drop' to drop such rows"
            )
        if gaps:
            dropped.append(line)
            continue
        features.append([parse_number(path, line, n, v) for n, v in zip(PENGUIN_FEATURES, values)])
        labels.append(PENGUIN_SPECIES.index(label))
    if not features:
        raise ValueError(
            f"{path}: no rows left after dropping rows with missing values: all {len(rows)} "
            f"data rows (file lines {rows[0][0]} to {rows[-1][0]}) have a feature that is "
            f"'NA' or empty"
        )
    notes = [f"read {len(rows)} rows from {path.name}"]
    if dropped:
        notes.append(
            f"dropped {len(dropped)} rows with a missing feature ('NA' or empty) "
            f"at file lines {', '.join(map(str, dropped))}"
        )
    return Dataset(
        X=np.array(features, dtype=np.float64).reshape(-1, 4),
        y=np.array(labels, dtype=np.int64), feature_names=PENGUIN_FEATURES,
        target_name="species", target_names=PENGUIN_SPECIES, task="classification",
        description=(
            "Palmer penguins: species (Adelie, Chinstrap, Gentoo) from bill length and depth "
            "(mm), flipper length (mm) and body mass (g); island, sex and year are not used. "
            "Horst, Hill & Gorman (2020), palmerpenguins; Palmer Station LTER; data CC0."
        ),
        notes=tuple(notes), name="penguins",
    )


def load_digits(path=None) -> Dataset:
    """Load the 8x8 handwritten digits (UCI optdigits test part, as shipped by scikit-learn).

    Parameters
    ----------
    path : str or Path, optional
        The gzip CSV file (no header, 64 pixels then the digit), or a folder holding
        ``digits.csv.gz``. Default: see module docstring.

    Returns
    -------
    Dataset
        ``X`` of shape (1797, 64): ink counts 0..16 of the 8x8 image in row-major order,
        columns ``pixel_r_c``; ``y`` of shape (1797,): the digit, int64 0..9.
    """
    path = find_data_file(path, "digits.csv.gz", "load_digits", "the 8x8 digits data set")
    _, rows = read_rows(path, header=False)
    if len(rows[0][1]) != 65:
        raise ValueError(
            f"{path}, line {rows[0][0]}: expected 65 fields (64 pixels and the digit), "
            f"got {len(rows[0][1])}"
        )
    names = tuple(f"pixel_{r}_{c}" for r in range(8) for c in range(8))
    columns = names + ("digit",)
    table = np.array(
        [[parse_number(path, line, n, t) for n, t in zip(columns, f)] for line, f in rows]
    )
    high = np.array([16] * 64 + [9])  # pixels count ink in a 4x4 block; the label is a digit
    bad = (table != np.round(table)) | (table < 0) | (table > high)
    if bad.any():
        i, j = np.argwhere(bad)[0]
        raise ValueError(
            f"{path}, line {rows[i][0]}: column {columns[j]!r} must be an integer in "
            f"0..{high[j]}, got {rows[i][1][j]!r}"
        )
    blank = [names[j] for j in np.flatnonzero(table[:, :64].max(axis=0) == 0)]
    notes = (
        f"read {len(rows)} rows from {path.name}; pixel counts kept as they are "
        f"(0..16, not scaled)",
        f"{len(blank)} pixels are 0 in every image: {', '.join(blank) or 'none'}",
    )
    return Dataset(
        X=table[:, :64], y=table[:, 64].astype(np.int64), feature_names=names,
        target_name="digit", target_names=tuple(str(d) for d in range(10)),
        task="classification",
        description=(
            "8x8 handwritten digits 0-9, pixels are ink counts 0..16 (row-major); "
            "E. Alpaydin & C. Kaynak, UCI Optical Recognition of Handwritten Digits (1998), "
            "CC BY 4.0; the copy shipped with scikit-learn."
        ),
        notes=notes, name="digits",
    )

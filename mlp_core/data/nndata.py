"""The real data sets of ``NNData/``: what a loader returns, where it looks, how it reads.

Each loader (:func:`load_concrete`, :func:`load_penguins`, :func:`load_digits`) reads one CSV
file with the standard library (``csv``, ``gzip``) and returns a :class:`Dataset`: a design
matrix ``X`` of shape (n_samples, n_features) whose rows are samples, a target vector ``y``
and the names and provenance needed to read them. Nothing is rescaled or imputed here; a
loader either keeps a value, drops its row and says so in ``Dataset.notes``, or refuses the
file with an error naming the path, the 1-based line number and the offending value.
Non-goals: downloading, caching, pandas.

A loader looks for its file in its ``path=`` argument, else in the folder named by the
environment variable ``NNDATA_DIR``, else in :data:`DATA_DIR` (``NNData/`` next to the
package); :func:`find_data_file` implements that order. A leading ``~`` (the home folder) is
expanded in both, and ``$VAR`` / ``${VAR}`` in ``NNDATA_DIR``. Each file has a datasheet in
``NNData/``.

The file is read line by line (:func:`read_rows`) so that every error can name its line:
``csv.reader`` counts physical lines (``line_num``), which is what a student sees in an
editor. A blank line, or one with nothing but spaces, tabs and commas (Excel writes rows of
bare commas for cleared cells), carries no data: it is skipped but still counted.

What a loader accepts as a number (:func:`parse_number`): a plain decimal such as ``12``,
``-0.5``, ``.5`` or ``1e3`` (spaces around it are ignored), of magnitude at most
:data:`MAX_MAGNITUDE`; not ``nan``, ``inf``, ``1_000`` or non-ASCII digits, all of which
Python's ``float`` would take. Each column must also hold physically possible values as the
datasheet defines them: no negative amount of cement, no penguin weighing 0 g.

An error echoes at most :data:`EXCERPT_LENGTH` characters of the file's text, repr-quoted
(:func:`excerpt`): ``path=`` may name any file, and its contents belong in no traceback.
"""

from __future__ import annotations

import csv
import gzip
import os
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .._checks import short_repr

__all__ = [
    "DATA_DIR",
    "Dataset",
    "find_data_file",
    "load_concrete",
    "load_digits",
    "load_penguins",
]

# The default folder. Loaders read the environment variable NNDATA_DIR at each call, so
# setting it (even after import) redirects them without touching this constant.
DATA_DIR = Path(__file__).resolve().parent.parent.parent / "NNData"

#: The largest magnitude a loaded value may have. Far above any value of the data sets (all
#: below 1e4), and far enough below float64's largest number (about 1.8e308) that squares
#: and their sums over many rows (the standard deviation of ``Standardizer``, a squared
#: error) stay finite.
MAX_MAGNITUDE = 1e100

#: How many characters of a file's text an error message may echo.
EXCERPT_LENGTH = 40


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
        """Check the fields: the task, the shapes of X and y, and the feature and class names."""
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
        """Return ``Dataset(name, X=shape, task=...)``, with the class count if any."""
        classes = "" if self.n_classes is None else f", {self.n_classes} classes"
        return f"Dataset({self.name!r}, X={self.X.shape}, task={self.task!r}{classes})"


def find_data_file(path, filename: str, loader: str, what: str) -> Path:
    """Find the file a loader reads: ``path`` (a file or a folder), else NNDATA_DIR, else DATA_DIR.

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
    origin = ""
    if path is None:
        setting = os.environ.get("NNDATA_DIR")
        if setting:
            origin = f" (from NNDATA_DIR={setting!r})"
        path = os.path.expandvars(setting) if setting else DATA_DIR
    elif not isinstance(path, (str, os.PathLike)):
        raise TypeError(
            f"path must be a str or os.PathLike (the data file or a folder holding "
            f"{filename}), got {short_repr(path)}"
        )
    # os.path.expanduser leaves "~nobody" as it is, where Path.expanduser would raise
    path = Path(os.path.expanduser(path))
    if path.is_dir():
        path = path / filename
    if not path.is_file():
        raise FileNotFoundError(
            f"{loader}: no data file at '{path}'{origin}; expected {what} ({filename}). "
            f"Pass path=..., set NNDATA_DIR, or see NNData/README.md."
        )
    return path


# --- reading the CSV text line by line ---------------------------------------------------

def excerpt(text: str) -> str:
    """``text`` repr-quoted, cut to its first ``EXCERPT_LENGTH`` characters if longer.

    What an error message may show of a file: ``'abc'`` or ``'abc...xyz'... (812 characters)``.
    """
    if len(text) <= EXCERPT_LENGTH:
        return repr(text)
    return f"{text[:EXCERPT_LENGTH]!r}... ({len(text)} characters)"


def _is_blank(fields) -> bool:
    """Return True for a line with no data: empty, or only spaces, tabs and commas."""
    return not "".join(fields).strip()


def read_rows(path: Path, header: bool):
    """Read a CSV (gzip if the name ends in .gz); return (header, [(line_no, fields), ...]).

    ``header`` is None, or ``(line_no, column_names)`` when ``header`` is True.

    Blank lines (empty, or nothing but spaces, tabs and commas) are skipped; line numbers
    still count them. Every row must have as many fields as the first line. The text is
    UTF-8, with or without a byte-order mark (Excel writes one when it saves "CSV UTF-8");
    the mark is not part of the first field.
    """
    opener = gzip.open if path.suffix == ".gz" else open
    try:
        with opener(path, "rt", encoding="utf-8-sig", newline="") as f:
            reader = csv.reader(f)
            rows = [(reader.line_num, fields) for fields in reader if not _is_blank(fields)]
    except (UnicodeDecodeError, gzip.BadGzipFile, EOFError, csv.Error) as exc:
        raise ValueError(f"{path}: cannot be read as CSV text ({exc})") from exc
    if not rows:
        raise ValueError(f"{path}, line 1: file is empty, expected a CSV data set")
    width = len(rows[0][1])
    for line, fields in rows:
        if len(fields) != width:
            raise ValueError(
                f"{path}, line {line}: expected {width} comma-separated fields, "
                f"got {len(fields)}: {excerpt(','.join(fields))}"
            )
    if not header:
        return None, rows
    line, names = rows[0]
    if len(rows) == 1:
        raise ValueError(f"{path}, line {line + 1}: no data rows after the header line {line}")
    return (line, [name.strip() for name in names]), rows[1:]


def columns_of(path: Path, header, wanted) -> list[int]:
    """Return the positions of the ``wanted`` columns in ``header``, or raise ValueError."""
    line, names = header
    missing = [name for name in wanted if name not in names]
    if missing:
        raise ValueError(
            f"{path}, line {line}: header lacks column(s) {missing}; the line reads "
            f"{excerpt(','.join(names))}"
        )
    return [names.index(name) for name in wanted]


#: A plain decimal number: optional sign, digits with at most one point, optional exponent.
_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?", re.ASCII)


def parse_number(path: Path, line: int, column: str, text: str, limit=None) -> float:
    """Parse one numeric field, or raise ValueError naming file, line, column and value.

    Parameters
    ----------
    path : Path
    line : int
        The 1-based file line, for the message.
    column : str
        The column's name, for the message.
    text : str
        The field: a plain decimal (``12``, ``-0.5``, ``.5``, ``1e3``; spaces around it are
        ignored) of magnitude at most ``MAX_MAGNITUDE``.
    limit : (float, bool, str) or None
        The lowest physically possible value, whether it is allowed itself, and what the
        column holds (for the message), e.g. ``(0.0, True, "an amount in kg/m^3")``.

    Returns
    -------
    float
    """
    where = f"{path}, line {line}: column {column!r}"
    if not _NUMBER.fullmatch(text.strip()):
        raise ValueError(
            f"{where} needs a finite decimal number such as 12.5 or 1e3, got {excerpt(text)}"
        )
    value = float(text)
    if not abs(value) <= MAX_MAGNITUDE:  # 1e999 parses as inf
        raise ValueError(
            f"{where} must have magnitude at most {MAX_MAGNITUDE:g} (larger values overflow "
            f"later arithmetic, e.g. squares), got {excerpt(text)}"
        )
    if limit is not None:
        low, inclusive, what = limit
        if value < low or (value == low and not inclusive):
            raise ValueError(
                f"{where} must be {'>=' if inclusive else '>'} {low:g} ({what}), "
                f"got {excerpt(text)}"
            )
    return value


# --- the loaders -----------------------------------------------------------------------

PENGUIN_SPECIES = ("Adelie", "Chinstrap", "Gentoo")
MISSING_CHOICES = ("drop", "raise")
_MISSING_TOKENS = ("NA", "")

CONCRETE_FEATURES = (
    "cement", "blast_furnace_slag", "fly_ash", "water", "superplasticizer",
    "coarse_aggregate", "fine_aggregate", "age",
)
#: The physically possible values of each column (NNData/concrete.md): the seven
#: components are masses per m^3 (true zeros occur), age and strength are positive.
CONCRETE_LIMITS = {
    **{name: (0.0, True, "an amount in kg/m^3") for name in CONCRETE_FEATURES[:7]},
    "age": (0.0, False, "days from casting to the test"),
    "compressive_strength": (0.0, False, "a strength in MPa"),
}


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
        [[parse_number(path, line, n, f[c], CONCRETE_LIMITS[n]) for n, c in zip(names, cols)]
         for line, f in rows]
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
#: Every body measurement is positive (NNData/penguins.md): lengths in mm, mass in g.
PENGUIN_LIMITS = {
    name: (0.0, False, f"a body measurement in {'g' if name == 'body_mass_g' else 'mm'}")
    for name in PENGUIN_FEATURES
}


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
                f"{path}, line {line}: column 'species' has unknown class label "
                f"{excerpt(label)}; "
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
        features.append([parse_number(path, line, n, v, PENGUIN_LIMITS[n])
                         for n, v in zip(PENGUIN_FEATURES, values)])
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
            f"0..{high[j]}, got {excerpt(rows[i][1][j])}"
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

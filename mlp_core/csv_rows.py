"""Reading the NNData CSV files line by line, so that every error can name its line.

``csv.reader`` counts physical lines (``line_num``), which is what a student sees in an
editor; blank lines are skipped but still counted. Used by ``datasets.py``.
"""

from __future__ import annotations

import csv
import gzip
import math
from pathlib import Path

__all__ = ["columns_of", "parse_number", "read_rows"]


def read_rows(path: Path, header: bool):
    """Read a CSV (gzip if the name ends in .gz); return (header, [(line_no, fields), ...]).

    ``header`` is None, or ``(line_no, column_names)`` when ``header`` is True.

    Blank lines are skipped. Every row must have as many fields as the first line. The text
    is UTF-8, with or without a byte-order mark (Excel writes one when it saves "CSV UTF-8");
    the mark is not part of the first field.
    """
    opener = gzip.open if path.suffix == ".gz" else open
    try:
        with opener(path, "rt", encoding="utf-8-sig", newline="") as f:
            reader = csv.reader(f)
            rows = [(reader.line_num, fields) for fields in reader if fields]
    except (UnicodeDecodeError, gzip.BadGzipFile, EOFError, csv.Error) as exc:
        raise ValueError(f"{path}: cannot be read as CSV text ({exc})") from exc
    if not rows:
        raise ValueError(f"{path}, line 1: file is empty, expected a CSV data set")
    width = len(rows[0][1])
    for line, fields in rows:
        if len(fields) != width:
            raise ValueError(
                f"{path}, line {line}: expected {width} comma-separated fields, "
                f"got {len(fields)}: {','.join(fields)!r}"
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
        raise ValueError(f"{path}, line {line}: header lacks column(s) {missing}; got {names}")
    return [names.index(name) for name in wanted]


def parse_number(path: Path, line: int, column: str, text: str) -> float:
    """Parse one numeric field, or raise ValueError naming file, line, column and value."""
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        raise ValueError(
            f"{path}, line {line}: column {column!r} needs a finite number, got {text!r}"
        )
    return value

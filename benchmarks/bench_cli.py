"""Command-line pieces the benchmark scripts share."""

from __future__ import annotations

import argparse


def count(text):
    """Parse a whole number >= 1: the argparse type of --repeats and --epochs."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a whole number >= 1, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number >= 1, got {value}")
    return value

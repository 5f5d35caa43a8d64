"""Shared, generic fixtures for the test suite (keep this file small)."""

import numpy as np
import pytest


@pytest.fixture
def rng():
    """Return a seeded ``np.random.Generator``, so that a failing test reproduces exactly."""
    return np.random.default_rng(20251020)

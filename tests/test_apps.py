"""The lecture-hall tools of issue 13: the projector grid, the apps in apps/, presenter mode,
and the handouts (scripts/handouts.py).

The apps are checked here without a browser (each builds its panels, the presenter switch
reaches the figures); tests/browser/test_app.py runs them in Voilà and Chromium.
"""

from __future__ import annotations

import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")

from mlp_core.plotting.regularization import regularization_grid_figure  # noqa: E402
from mlp_core.recipes import train_toy_network  # noqa: E402

# --- the projector grid --------------------------------------------------------------------

#: A small grid: two data sets, two λ, few epochs (the default grid is 3 × 4 × 300 epochs).
SMALL = dict(datasets=("moons", "circles"), lams=(0.0, 0.1), epochs=60, resolution=20)


@pytest.fixture(scope="module")
def small_grid():
    return regularization_grid_figure(**SMALL)


def test_grid_has_a_row_per_data_set_and_a_column_per_lam(small_grid):
    fig, accuracy = small_grid
    assert accuracy.shape == (2, 2)
    axes = fig.axes
    assert len(axes) == 4
    assert [ax.get_title() for ax in axes[:2]] == ["λ = 0", "λ = 0.1"]
    assert [axes[0].get_ylabel(), axes[2].get_ylabel()] == ["moons", "circles"]


def test_each_cell_shows_the_validation_accuracy_of_a_fresh_run(small_grid):
    fig, accuracy = small_grid
    for i, dataset in enumerate(SMALL["datasets"]):
        for j, lam in enumerate(SMALL["lams"]):
            run = train_toy_network(dataset, n=100, noise=0.35, val_size=0.5, hidden=(32, 32),
                                    loss="binary_cross_entropy", lr=0.1, epochs=60, lam=lam,
                                    momentum=0.9, dtype=np.float32, seed=0)
            expected = run.accuracy(run.X_val, run.y_val)
            assert accuracy[i, j] == expected, (dataset, lam)
            texts = [t.get_text() for t in fig.axes[2 * i + j].texts]
            assert f"val {expected:.0%}" in texts[0], texts
            assert f"train {run.accuracy(run.X_train, run.y_train):.0%}" in texts[0], texts


def test_too_much_lam_underfits_the_circles():
    # The claim the grid's last column makes in class: λ = 0.1 leaves the circles at chance.
    _, accuracy = regularization_grid_figure(datasets=("circles",), lams=(0.0, 0.1),
                                             resolution=10)
    assert accuracy[0, 0] >= 0.8 and accuracy[0, 1] <= 0.6, accuracy


def test_a_diverged_cell_says_so_and_has_no_accuracy():
    fig, accuracy = regularization_grid_figure(datasets=("moons",), lams=(0.0,), lr=1e6,
                                               epochs=5, resolution=10)
    assert np.isnan(accuracy[0, 0])
    assert fig.axes[0].texts[0].get_text().startswith("diverged")


def test_an_empty_grid_is_refused():
    with pytest.raises(ValueError, match="at least one row or column"):
        regularization_grid_figure(datasets=(), lams=(0.0,))

"""A small notebook with one two-slider ``Panel``, written on the fly (never committed).

The cleanup tests run it, and it lets the browser helpers be tried without the real
notebooks: ``python tests/browser/demo_notebook.py /tmp/demo`` then
``MLP_NOTEBOOK_DIR=/tmp/demo pytest -q tests/browser/test_notebooks.py``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat

SETUP = """\
import numpy as np
from mlp_core.plotting.style import new_figure, styled
from mlp_core.widgets.base import Panel
from mlp_core.widgets.controls import float_slider, int_slider
np.set_printoptions(precision=4, suppress=True)"""

PANEL = """\
@styled
def draw(frequency, noise):
    x = np.linspace(0, 2 * np.pi, 200)
    y = np.sin(frequency * x) + noise * np.random.default_rng(0).normal(size=x.size)
    fig, ax = new_figure(figsize=(5, 3))
    ax.plot(x, y, marker=".", markevery=10)
    ax.set(xlabel="x (rad)", ylabel="y", title=f"sin({frequency} x) + noise")
    return fig, f"frequency <b>{frequency}</b>, noise <b>{noise:.2f}</b>"

panel = Panel({"frequency": int_slider("frequency", 2, 1, 6),
               "noise": float_slider("noise", 0.1, 0.0, 0.5, 0.1)},
              draw, css_class="demo-panel", title="Demo")
panel"""


def write_demo_notebook(path, extra_cells=()):
    """Write the demo notebook (setup, panel, then ``extra_cells`` sources) to ``path``."""
    cells = [nbformat.v4.new_markdown_cell("# Demo panel"),
             nbformat.v4.new_code_cell(SETUP), nbformat.v4.new_code_cell(PANEL)]
    cells += [nbformat.v4.new_code_cell(source) for source in extra_cells]
    notebook = nbformat.v4.new_notebook(cells=cells, metadata={"kernelspec": {
        "name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}})
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook, path)
    return path


if __name__ == "__main__":
    print(write_demo_notebook(Path(sys.argv[1]) / "demo.ipynb"))

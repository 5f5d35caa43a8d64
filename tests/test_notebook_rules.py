"""Rules every notebook keeps, checked on the stored files (nbval then runs them).

- Stored outputs must not depend on the machine's speed: every ``fit`` call passes
  ``progress=False`` (in 'auto' mode a bar appears when a run looks long, which a loaded CI
  machine can make it look).
- Only cells that display a live widget skip nbval's output comparison.
- Shared logic lives in ``mlp_core``: no two notebooks define a function of the same name.
"""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("*.ipynb"))
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def code_cells(path):
    """(index, cell) of every code cell of the notebook at ``path``."""
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return [(i, c) for i, c in enumerate(cells) if c["cell_type"] == "code"]


def syntax_tree(cell):
    """The cell's Python, IPython magics and shell lines left out."""
    source = "".join(cell["source"])
    lines = [line for line in source.splitlines() if not line.lstrip().startswith(("%", "!"))]
    return ast.parse("\n".join(lines))


def test_there_are_notebooks():
    assert len(NOTEBOOKS) == 8


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_fit_call_turns_the_progress_bar_off(path):
    calls = 0
    for i, cell in code_cells(path):
        for node in ast.walk(syntax_tree(cell)):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) \
                    and node.func.id == "fit":
                calls += 1
                progress = [k.value for k in node.keywords if k.arg == "progress"]
                assert progress and isinstance(progress[0], ast.Constant) \
                    and progress[0].value is False, f"cell {i}: fit(...) without progress=False"
    if path.name.startswith(("01", "02", "03", "04", "05")):
        return  # these train with Perceptron.fit or not at all
    assert calls > 0  # the notebooks that train do call fit, so the rule was checked


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_only_widget_cells_skip_the_output_comparison(path):
    widget_cells = 0
    for i, cell in code_cells(path):
        shows_widget = any(WIDGET_VIEW in out.get("data", {}) for out in cell["outputs"])
        ignored = "nbval-ignore-output" in cell["metadata"].get("tags", [])
        assert ignored == shows_widget, f"cell {i}: tagged {ignored}, shows a widget {shows_widget}"
        widget_cells += shows_widget
    assert widget_cells >= 1  # every notebook has a live panel


def test_no_function_is_defined_in_two_notebooks():
    # by name, and by body (the same code under two names is still a copy)
    by_name, by_body = {}, {}
    for path in NOTEBOOKS:
        for _, cell in code_cells(path):
            for node in ast.walk(syntax_tree(cell)):
                if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
                    by_name.setdefault(node.name, set()).add(path.name)
                    body = ast.dump(ast.Module(body=node.body, type_ignores=[]))
                    by_body.setdefault(body, set()).add(f"{path.name}: {node.name}")
    shared = [sorted(where) for where in [*by_name.values(), *by_body.values()]
              if len({place.split(":")[0] for place in where}) > 1]
    assert shared == [], f"move these into mlp_core: {shared}"

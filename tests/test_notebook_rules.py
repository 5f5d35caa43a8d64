"""Rules every notebook keeps, checked on the stored files (nbval then runs them).

- Stored outputs must not depend on the machine's speed: every ``fit`` call passes
  ``progress=False`` (in 'auto' mode a bar appears when a run looks long, which a loaded CI
  machine can make it look).
- Only cells that display a live widget skip nbval's output comparison, and only by the
  ``nbval-ignore-output`` tag (no other nbval tag or ``# NBVAL_`` comment).
- Shared logic lives in ``mlp_core``: no two notebooks define a function of the same name
  or with the same body.
- The header (first cell) names everything the notebook takes from ``mlp_core``, imported
  by name or reached through the module (``mlp_core.training._sgd_step``).
"""

from __future__ import annotations

import ast
import importlib
import inspect
import json
import re
from pathlib import Path

import pytest

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("*.ipynb"))
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
#: nbval's cell tags besides nbval-ignore-output (each skips or loosens a cell's check).
OTHER_NBVAL_TAGS = {"nbval-skip", "nbval-check-output", "nbval-raises-exception",
                    "raises-exception"}


def notebook_cells(path):
    """Every cell of the stored notebook at ``path``."""
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def code_cells(path):
    """(index, cell) of every code cell of the notebook at ``path``."""
    return [(i, c) for i, c in enumerate(notebook_cells(path)) if c["cell_type"] == "code"]


def syntax_tree(cell):
    """The cell's Python, IPython magics and shell lines left out."""
    source = "".join(cell["source"])
    lines = [line for line in source.splitlines() if not line.lstrip().startswith(("%", "!"))]
    return ast.parse("\n".join(lines))


def test_there_are_notebooks():
    assert len(NOTEBOOKS) == 8


def mlp_core_imports(path):
    """Names the notebook takes from mlp_core: {name as bound: name in mlp_core}.

    Modules count too: ``import mlp_core`` binds "mlp_core", ``import mlp_core as mc`` binds
    "mc" and ``from mlp_core import training`` binds "training" (each to its module path).
    """
    bound = {}
    for _, cell in code_cells(path):
        for node in ast.walk(syntax_tree(cell)):
            if isinstance(node, ast.Import):
                bound.update({alias.asname or alias.name.split(".")[0]:
                              alias.name if alias.asname else alias.name.split(".")[0]
                              for alias in node.names if alias.name.startswith("mlp_core")})
            elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("mlp_core"):
                package = importlib.import_module(node.module)
                for alias in node.names:
                    value = getattr(package, alias.name, None)
                    name = f"{node.module}.{alias.name}" if inspect.ismodule(value) else alias.name
                    bound[alias.asname or alias.name] = name
    return bound


def module_names(bound):
    """The bound names that stand for an mlp_core module."""
    return {b for b, name in bound.items() if name.split(".")[0] == "mlp_core"}


def attribute_path(node):
    """["mlp_core", "training", "fit"] for ``mlp_core.training.fit``; [] if not a plain chain."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    return [node.id, *reversed(parts)] if isinstance(node, ast.Name) else []


def is_fit_call(node, bound):
    """A call of mlp_core's ``fit``: by the name it was imported as or through a module."""
    if not isinstance(node, ast.Call):
        return False
    if isinstance(node.func, ast.Name):
        return bound.get(node.func.id) == "fit"
    chain = attribute_path(node.func)
    return len(chain) > 1 and chain[-1] == "fit" and chain[0] in module_names(bound)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_fit_call_turns_the_progress_bar_off(path):
    bound = mlp_core_imports(path)
    calls = 0
    for i, cell in code_cells(path):
        for node in ast.walk(syntax_tree(cell)):
            if is_fit_call(node, bound):
                calls += 1
                progress = [k.value for k in node.keywords if k.arg == "progress"]
                assert progress and isinstance(progress[0], ast.Constant) \
                    and progress[0].value is False, f"cell {i}: fit(...) without progress=False"
    if path.name.startswith(("01", "02", "03", "04", "05")):
        return  # these train with Perceptron.fit or not at all
    assert calls > 0  # the notebooks that train do call fit, so the rule was checked


@pytest.mark.parametrize(("source", "expected"), [
    ("fit(net, X, y)", True), ("train(net, X, y)", True), ("mlp_core.fit(net, X, y)", True),
    ("mc.fit(net, X, y)", True), ("mlp_core.training.fit(net, X, y)", True),
    ("training.fit(net, X, y)", True), ("Perceptron(2).fit(X, y)", False),
    ("scaler.fit(X)", False), ("print(X)", False),
])
def test_the_fit_call_rule_sees_every_spelling(source, expected):
    bound = {"fit": "fit", "train": "fit", "mlp_core": "mlp_core", "mc": "mlp_core",
             "training": "mlp_core.training", "Perceptron": "Perceptron"}
    call = ast.parse(source).body[0].value
    assert is_fit_call(call, bound) is expected


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_only_widget_cells_skip_the_output_comparison(path):
    widget_cells = 0
    for i, cell in code_cells(path):
        shows_widget = any(WIDGET_VIEW in out.get("data", {}) for out in cell["outputs"])
        tags = set(cell["metadata"].get("tags", []))
        source = "".join(cell["source"])
        # nbval's other ways to skip or loosen a cell are not used at all
        assert not tags & OTHER_NBVAL_TAGS, f"cell {i}: tagged {sorted(tags & OTHER_NBVAL_TAGS)}"
        assert "NBVAL_" not in source, f"cell {i}: an # NBVAL_... comment"
        ignored = "nbval-ignore-output" in tags
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
                    statements = node.body
                    if ast.get_docstring(node) is not None:
                        statements = statements[1:]  # the same code, documented differently
                    if not statements:
                        continue  # a stub (docstring only) copies nothing
                    body = ast.dump(ast.Module(body=statements, type_ignores=[]))
                    by_body.setdefault(body, set()).add(f"{path.name}: {node.name}")
    shared = [sorted(where) for where in [*by_name.values(), *by_body.values()]
              if len({place.split(":")[0] for place in where}) > 1]
    assert shared == [], f"move these into mlp_core: {shared}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_the_header_names_what_the_notebook_imports(path):
    first = notebook_cells(path)[0]
    header = "".join(first["source"])
    assert first["cell_type"] == "markdown" and "`mlp_core` names used" in header
    bound = mlp_core_imports(path)
    modules = module_names(bound)
    used = {name.split(".")[-1] for b, name in bound.items() if b not in modules}
    chains = set()  # names reached through a module: mlp_core.training._sgd_step
    for _, cell in code_cells(path):
        for node in ast.walk(syntax_tree(cell)):
            chain = attribute_path(node) if isinstance(node, ast.Attribute) else []
            if len(chain) > 1 and chain[0] in modules:
                chains.add(tuple(chain))
    for chain in chains:  # the full paths only: not "training" of mlp_core.training._sgd_step
        if not chain[-1].startswith("__") and not any(
                other[:len(chain)] == chain and other != chain for other in chains):
            used.add(chain[-1])
    assert used  # every notebook uses the package
    # a name may be written alone or as the end of its path: `mlp_core.widgets.forward_panel`
    missing = sorted(name for name in used
                     if not re.search(rf"`(?:[\w.]+\.)?{name}`", header))
    assert missing == [], f"add to the header of {path.name}: {missing}"

"""The package's layering rules, read from its source (issue 9).

- Only ``plotting/`` and ``widgets/`` import matplotlib, ipywidgets or IPython: the
  mathematics needs numpy alone.
- Data flows downwards: nothing below ``plotting/`` imports plotting or widgets, and
  plotting imports no widget.
- A widget module imports no sibling widget module (``base`` and ``controls`` are the
  plumbing every panel shares), and exports panels only: every public name a widget module
  defines is in its ``__all__``, and each of those makes something a notebook displays.
"""

from __future__ import annotations

import ast
import importlib
import inspect
from pathlib import Path

import ipywidgets
import matplotlib
import pytest

matplotlib.use("Agg")

from mlp_core.widgets.base import Panel  # noqa: E402

PACKAGE = Path(__file__).resolve().parent.parent / "mlp_core"
WIDGETS = PACKAGE / "widgets"
#: Widget modules that are plumbing, not panels: any panel may import them.
INFRASTRUCTURE = {"base", "controls"}
#: Arguments for the public callables of widget modules that take required arguments.
EXAMPLE_ARGUMENTS = {
    "predict_then_reveal": (("How many parameters does MLP([2, 3, 1]) have?", 13), {}),
}


def module_name(path):
    """``mlp_core/widgets/base.py`` -> ``mlp_core.widgets.base`` (a package's __init__ too)."""
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_modules(path):
    """Absolute names of every module ``path`` imports (relative imports resolved)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = module_name(path) if path.name == "__init__.py" else module_name(path).rpartition(
        ".")[0]
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[:len(base) - (node.level - 1)]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module
            names.add(module)
            names.update(f"{module}.{alias.name}" for alias in node.names)  # from . import x
    return names


SOURCES = sorted(PACKAGE.rglob("*.py"))


def test_the_walk_sees_the_whole_package():
    # a walk that found nothing would pass every rule below
    found = {module_name(path) for path in SOURCES}
    assert {"mlp_core.network", "mlp_core.data.toy", "mlp_core.plotting.training",
            "mlp_core.widgets.regularization", "mlp_core.recipes"} <= found
    assert "matplotlib.figure" in imported_modules(PACKAGE / "plotting" / "style.py")
    assert "mlp_core.widgets.base" in imported_modules(WIDGETS / "training.py")


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: module_name(p))
def test_only_plotting_and_widgets_import_matplotlib_or_ipywidgets(path):
    name = module_name(path)
    if name.startswith(("mlp_core.plotting", "mlp_core.widgets")):
        return
    gui = sorted(m for m in imported_modules(path)
                 if m.split(".")[0] in {"matplotlib", "ipywidgets", "IPython"})
    assert gui == [], f"{name} imports {gui}: only plotting/ and widgets/ may"


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: module_name(p))
def test_data_flows_downwards(path):
    name = module_name(path)
    imports = imported_modules(path)
    if not name.startswith(("mlp_core.plotting", "mlp_core.widgets")):
        upward = sorted(m for m in imports
                        if m.startswith(("mlp_core.plotting", "mlp_core.widgets")))
        assert upward == [], f"{name} imports {upward}"
    if name.startswith("mlp_core.plotting"):
        upward = sorted(m for m in imports if m.startswith("mlp_core.widgets"))
        assert upward == [], f"{name} imports {upward}"


WIDGET_MODULES = sorted(p.stem for p in WIDGETS.glob("*.py")
                        if p.stem != "__init__" and p.stem not in INFRASTRUCTURE)


def test_the_widget_modules_are_the_lecture_sections():
    sections = {"perceptron", "structure", "activations", "forward", "backprop", "training",
                "regularization"}
    assert sections <= set(WIDGET_MODULES)
    plotting = {p.stem for p in (PACKAGE / "plotting").glob("*.py")} - {"__init__", "style"}
    assert plotting == sections


@pytest.mark.parametrize("stem", WIDGET_MODULES)
def test_no_widget_module_imports_a_sibling(stem):
    siblings = {f"mlp_core.widgets.{s}" for s in WIDGET_MODULES if s != stem}
    found = sorted(imported_modules(WIDGETS / f"{stem}.py") & siblings)
    assert found == [], f"widgets/{stem}.py imports {found}"


def displayable(obj):
    """Return True for what a notebook shows as a widget.

    That is a Panel, an ipywidget, or an object that displays itself through an ipywidget it
    holds.
    """
    if isinstance(obj, (Panel, ipywidgets.Widget)):
        return True
    held = [v for v in vars(obj).values() if isinstance(v, ipywidgets.Widget)]
    return bool(held) and callable(getattr(obj, "_ipython_display_", None))


@pytest.mark.parametrize("stem", WIDGET_MODULES)
def test_widget_modules_export_panels_only(stem):
    module = importlib.import_module(f"mlp_core.widgets.{stem}")
    exported = list(module.__all__)
    assert exported, f"widgets/{stem}.py exports nothing"
    defined = {name for name, obj in vars(module).items()
               if not name.startswith("_") and (inspect.isfunction(obj) or inspect.isclass(obj))
               and obj.__module__ == module.__name__}
    assert defined <= set(exported), (
        f"widgets/{stem}.py defines public helpers outside __all__: "
        f"{sorted(defined - set(exported))}"
        " (move them to the module of their concept, or make them private)")
    made = []
    for name in exported:
        obj = getattr(module, name)
        assert callable(obj), f"{stem}.{name} is not a panel"
        if inspect.isclass(obj):
            continue  # checked below: a panel class, or what a factory here returns
        args, kwargs = EXAMPLE_ARGUMENTS.get(name, ((), {}))
        result = obj(*args, **kwargs)
        assert displayable(result), f"{stem}.{name}() returned {type(result).__name__}"
        made.append(result)
    for name in exported:
        obj = getattr(module, name)
        if inspect.isclass(obj):
            assert issubclass(obj, Panel) or any(isinstance(m, obj) for m in made), (
                f"{stem}.{name} is a class that is neither a Panel nor made by a panel factory")

"""The exercises and questions in the notebooks (issue 11).

Where they are, what the stored student versions show, and that the reference solutions
turn every check green.

Rules on the stored files (fast):

- every exercise of ``mlp_core.exercises.EXERCISES`` is in its notebook, once: a markdown
  prompt, the stub cell (tag ``exercise``, metadata ``"exercise": name``) that defines ``name``
  with the exercise's parameters and raises ``NotImplementedError``, and right below it the
  check cell ``check("name", name)`` (tag ``exercise-check``), whose stored output is the grey
  "not done yet" box;
- no other cell defines an exercise function, and the module notebook has no exercises;
- no code cell after a stub uses its name (the name then means the student's function, which
  raises until it is written), except its check cell; and no function or lambda anywhere in
  the notebook uses it, because a question's answer runs when Check is pressed, which may be
  after the stub has run;
- every section notebook asks at least two predict-then-reveal questions, each in a cell of
  its own tagged ``nbval-ignore-output``, with an answer computed when Check is pressed (a
  function or a lambda), never a value typed into the notebook.

The full run (``slow``: one kernel per notebook, 10-25 s each on a 2-core machine): every stub
cell gets its reference solution from ``solutions/`` (``grade.solution_sources()``), the
notebook runs top to bottom in a kernel of this environment, and every check must say
"correct". A last cell then puts the stubs back (the state of a student who has not written
them) and presses Check on every question, which must compute its answer and reveal it.
"""

from __future__ import annotations

import ast
import importlib.util
import json
from pathlib import Path

import pytest

from mlp_core.exercises import EXERCISES, exercises_for

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK_DIR = ROOT / "notebooks"
NOTEBOOKS = sorted(NOTEBOOK_DIR.glob("*.ipynb"))
#: The section notebooks, the ones with exercises (the module notebook points to them).
SECTION_NOTEBOOKS = sorted({NOTEBOOK_DIR / f"{e.notebook}.ipynb" for e in EXERCISES.values()})
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def cells_of(path):
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def text(cell):
    return "".join(cell["source"])


def tags(cell):
    return set(cell["metadata"].get("tags", []))


def tree(cell):
    """Return the cell's Python without IPython magics."""
    return ast.parse("\n".join(line for line in text(cell).splitlines()
                               if not line.lstrip().startswith(("%", "!"))))


def stored_text(cell):
    """Return the text/plain of the cell's stored outputs."""
    return "".join("".join(out.get("data", {}).get("text/plain", "")) + "".join(
        out.get("text", "")) for out in cell["outputs"])


def stub_cells(cells):
    """{exercise name: index} of the stub cells, found by their metadata."""
    found = {}
    for i, cell in enumerate(cells):
        name = cell["metadata"].get("exercise")
        if name is not None:
            assert name not in found, f"two stub cells for {name}"
            found[name] = i
    return found


def test_the_section_notebooks_are_the_exercises_notebooks():
    assert len(SECTION_NOTEBOOKS) == 7 and all(path.exists() for path in SECTION_NOTEBOOKS)
    assert {path.stem for path in NOTEBOOKS} - {path.stem for path in SECTION_NOTEBOOKS} == {
        "Neural_Networks"}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_exercise_has_prompt_stub_and_check_cell(path):
    cells = cells_of(path)
    expected = [] if path.stem == "Neural_Networks" else [e.name for e in exercises_for(path.stem)]
    stubs = stub_cells(cells)
    assert list(stubs) == expected  # all of them, in the order of EXERCISES
    for name, i in stubs.items():
        exercise = EXERCISES[name]
        stub, prompt, below = cells[i], cells[i - 1], cells[i + 1]
        assert stub["cell_type"] == "code" and "exercise" in tags(stub), name
        (function,) = [node for node in tree(stub).body if isinstance(node, ast.FunctionDef)]
        assert function.name == name
        assert tuple(arg.arg for arg in function.args.args) == exercise.params, name
        body = function.body[1:] if ast.get_docstring(function) else function.body
        assert len(body) == 1 and isinstance(body[0], ast.Raise) \
            and "NotImplementedError" in ast.unparse(body[0]), f"{name}: not a stub"
        assert prompt["cell_type"] == "markdown" and f"`{name}(" in text(prompt) \
            and "<details>" in text(prompt), f"{name}: no prompt with a hint above the stub"
        assert below["cell_type"] == "code" and tags(below) == {"exercise-check"}, name
        assert text(below).strip() == f'check("{name}", {name})'
        assert stored_text(below).startswith(f"… {name}: not done yet"), stored_text(below)
        html = "".join(below["outputs"][0]["data"]["text/html"])
        assert "exercise-not-done" in html, name


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_only_stub_cells_define_exercise_functions(path):
    cells = cells_of(path)
    stubs = stub_cells(cells)
    for i, cell in enumerate(cells):
        if cell["cell_type"] != "code" or i in stubs.values():
            continue
        defined = {node.name for node in ast.walk(tree(cell))
                   if isinstance(node, ast.FunctionDef)}
        assert not defined & set(EXERCISES), f"cell {i} defines {defined & set(EXERCISES)}"
        assert "exercise" not in cell["metadata"] and "exercise" not in tags(cell), i
        assert ("exercise-check" in tags(cell)) == (i - 1 in stubs.values()), i


def loaded_names(node):
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx,
                                                                                  ast.Load)}


@pytest.mark.parametrize("path", SECTION_NOTEBOOKS, ids=lambda p: p.name)
def test_no_cell_uses_an_exercise_name_the_stub_may_have_replaced(path):
    cells = cells_of(path)
    stubs = stub_cells(cells)
    problems = []
    for i, cell in enumerate(cells):
        if cell["cell_type"] != "code" or i in stubs.values():
            continue
        syntax = tree(cell)
        check_of = [name for name, j in stubs.items() if i == j + 1]
        later = {name for name, j in stubs.items() if j < i} - set(check_of)
        if used := loaded_names(syntax) & later:
            problems.append(f"cell {i} runs after the stub of {sorted(used)}")
        for node in ast.walk(syntax):  # runs later, perhaps after the stubs
            if isinstance(node, (ast.FunctionDef, ast.Lambda)):
                body = ast.Module(body=node.body if isinstance(node, ast.FunctionDef)
                                  else [ast.Expr(node.body)], type_ignores=[])
                if used := loaded_names(body) & set(stubs):
                    problems.append(f"cell {i}: a function uses {sorted(used)}")
    assert problems == [], problems


def question_calls(cell):
    """Return the ``predict_then_reveal(...)`` calls of a code cell."""
    return [node for node in ast.walk(tree(cell)) if isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name) and node.func.id == "predict_then_reveal"]


@pytest.mark.parametrize("path", SECTION_NOTEBOOKS, ids=lambda p: p.name)
def test_questions_come_two_or_more_with_computed_answers(path):
    cells = cells_of(path)
    defined = {node.name for cell in cells if cell["cell_type"] == "code"
               for node in ast.walk(tree(cell)) if isinstance(node, ast.FunctionDef)}
    questions = 0
    for i, cell in enumerate(cells):
        calls = question_calls(cell) if cell["cell_type"] == "code" else []
        if not calls:
            continue
        questions += 1
        assert len(calls) == 1, f"cell {i}: one question per cell"
        assert "nbval-ignore-output" in tags(cell), f"cell {i}: a widget cell, tag it"
        assert any(WIDGET_VIEW in out.get("data", {}) for out in cell["outputs"]), i
        answer = calls[0].args[1]
        assert isinstance(answer, ast.Lambda) or (
            isinstance(answer, ast.Name) and answer.id in defined), \
            f"cell {i}: the answer must be computed when Check is pressed, not typed in"
    assert questions >= 2


# --- the full run ----------------------------------------------------------------------------

#: Appended to the filled notebook: the stubs come back, then Check is pressed on every
#: question (an answer that fails to compute raises here and fails the test).
PRESS_EVERY_QUESTION = """\
import gc as _gc
import json as _json

from mlp_core.widgets import PredictReveal as _PredictReveal


def _not_written(*args, **kwargs):
    raise NotImplementedError


for _name in {names!r}:
    globals()[_name] = _not_written
_revealed = []
for _question in [o for o in _gc.get_objects() if isinstance(o, _PredictReveal)]:
    _question.input.value = _question.choices[0] if _question.choices else "1"
    _question.check()
    _revealed.append([_question.prompt.value, _question.feedback.value])
print(_json.dumps(_revealed))
"""


def solution_sources():
    """``solutions/grade.py``'s solution_sources(), loaded without touching sys.path."""
    spec = importlib.util.spec_from_file_location("grade", ROOT / "solutions" / "grade.py")
    grade = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(grade)
    return grade.solution_sources()


def run_in_this_environment(nb):
    """Execute the notebook ``nb`` in place with a kernel of this Python.

    As nbval's --nbval-current-env does: from the notebooks folder, 120 s per cell at most.
    """
    import ipykernel.kernelspec
    from jupyter_client.kernelspec import KernelSpecManager
    from jupyter_client.manager import KernelManager
    from nbclient import NotebookClient
    from traitlets import default

    class ThisEnvironment(KernelSpecManager):
        def get_kernel_spec(self, kernel_name):
            return self.kernel_spec_class(resource_dir=ipykernel.kernelspec.RESOURCES,
                                          **ipykernel.kernelspec.get_kernel_dict())

    class ThisEnvironmentKernel(KernelManager):
        @default("kernel_spec_manager")
        def _this_environment(self):
            return ThisEnvironment()

    # the client makes the kernel manager, so it also shuts the kernel down and closes its
    # sockets when the run ends (or fails)
    NotebookClient(nb, kernel_manager_class=ThisEnvironmentKernel, timeout=120,
                   resources={"metadata": {"path": str(NOTEBOOK_DIR)}}).execute()


@pytest.mark.slow
@pytest.mark.parametrize("path", SECTION_NOTEBOOKS, ids=lambda p: p.name)
def test_reference_solutions_turn_every_check_green(path):
    import nbformat

    nb = nbformat.read(path, as_version=4)
    sources = solution_sources()
    names = [e.name for e in exercises_for(path.stem)]
    filled = []
    for cell in nb.cells:
        name = cell.metadata.get("exercise")
        if name is not None:
            cell.source = sources[name]
            filled.append(name)
    assert filled == names
    questions = sum(bool(question_calls(c)) for c in nb.cells if c.cell_type == "code")
    nb.cells.append(nbformat.v4.new_code_cell(PRESS_EVERY_QUESTION.format(names=names)))
    run_in_this_environment(nb)

    results = {}
    for cell in nb.cells:
        if "exercise-check" in cell.metadata.get("tags", []):
            name = text(cell).split('"')[1]
            results[name] = stored_text(cell)
    assert list(results) == names
    wrong = {name: out for name, out in results.items()
             if not out.startswith(f"✔ {name}: correct")}
    assert wrong == {}, wrong
    revealed = json.loads(nb.cells[-1].outputs[-1]["text"])
    assert len(revealed) == questions >= 2
    for prompt, feedback in revealed:
        assert "the answer is" in feedback, (prompt, feedback)
    checked = [c for c in nb.cells if "exercise-check" in c.metadata.get("tags", [])]
    assert not any(out.get("name") == "stderr" for cell in [*checked, nb.cells[-1]]
                   for out in cell.outputs)

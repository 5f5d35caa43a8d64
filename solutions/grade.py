"""Grade the exercises of student notebooks with ``mlp_core.exercises.check``.

Usage (from the repository root)::

    python solutions/grade.py path/to/01_perceptron.ipynb [more notebooks ...]

For each notebook it runs the import statements of all code cells, then every code cell that
defines an exercise function (``def relu_derivative(z): ...``), and checks each exercise that
the notebook asks for (``mlp_core.exercises.exercises_for``). Nothing else in the notebook
runs: no widgets, no training, no plots. It prints one line per exercise and exits with
status 1 if any exercise did not pass.

``solution_sources()`` returns the source of every reference solution in this folder, keyed
by exercise name: the text a test pastes into the exercise cells of the notebooks.
"""

from __future__ import annotations

import ast
import json
import sys
from pathlib import Path

from mlp_core.exercises import EXERCISES, check, exercises_for

SOLUTIONS = Path(__file__).resolve().parent


def solution_sources():
    """Return the reference solutions as source text, ``{exercise name: "def name(...): ..."}``."""
    sources = {}
    for path in sorted(SOLUTIONS.glob("0*.py")):
        text = path.read_text(encoding="utf-8")
        for node in ast.parse(text).body:
            if isinstance(node, ast.FunctionDef) and node.name in EXERCISES:
                sources[node.name] = ast.get_source_segment(text, node)
    return sources


def load_answers(notebook):
    """Run a notebook's imports and exercise cells; return ``{exercise name: function}``.

    Parameters
    ----------
    notebook : str or Path
        A ``.ipynb`` file.

    Returns
    -------
    dict
        The exercise functions the notebook defines (the last definition wins, as in Jupyter).
    """
    cells = json.loads(Path(notebook).read_text(encoding="utf-8"))["cells"]
    parsed = []
    for cell in cells:
        if cell["cell_type"] != "code":
            continue
        source = "".join(cell["source"])
        try:
            parsed.append(ast.parse(source))
        except SyntaxError:  # IPython magics (%matplotlib ...): not an exercise cell
            continue
    namespace = {"__name__": "__grading__"}
    imports = [node for tree in parsed for node in tree.body
               if isinstance(node, (ast.Import, ast.ImportFrom))]
    exec(compile(ast.Module(body=imports, type_ignores=[]), "<imports>", "exec"), namespace)
    answered = set()
    for tree in parsed:
        defined = {node.name for node in tree.body if isinstance(node, ast.FunctionDef)}
        if defined & set(EXERCISES):
            exec(compile(tree, "<exercise cell>", "exec"), namespace)
            answered |= defined & set(EXERCISES)
    # only functions the student's cells define: an import of the kit's own dense_forward
    # (notebook 04 imports it) must not count as an answer
    return {name: namespace[name] for name in EXERCISES if name in answered}


def grade_notebook(notebook):
    """Check every exercise the notebook asks for; return ``{name: CheckResult or None}``.

    The notebook is identified by its file name (``01_perceptron.ipynb`` asks for the
    exercises of ``01_perceptron``); None means the notebook has no cell defining it.
    """
    answers = load_answers(notebook)
    return {exercise.name: (check(exercise.name, answers[exercise.name])
                            if exercise.name in answers else None)
            for exercise in exercises_for(Path(notebook).stem)}


def main(paths):
    """Grade each notebook in ``paths``; print one line per exercise; return 0 if all passed."""
    all_passed = True
    for path in paths:
        print(path)
        for name, result in grade_notebook(path).items():
            if result is None:
                status, message = "missing", "no cell defines this function"
            else:
                status, message = result.status, result.message
            all_passed &= status == "passed"
            print(f"  {name:30s} {status:9s} {message}")
    return 0 if all_passed else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

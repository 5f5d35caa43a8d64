"""Rules every notebook keeps, checked on the stored files (nbval then runs them).

- Stored outputs must not depend on the machine's speed: every ``fit`` call passes
  ``progress=False`` (in 'auto' mode a bar appears when a run looks long, which a loaded CI
  machine can make it look).
- Only cells that display a live widget skip nbval's output comparison, and only by the
  ``nbval-ignore-output`` tag (no other nbval tag or ``# NBVAL_`` comment).
- Shared logic lives in ``mlp_core``: no two notebooks define a function of the same name
  or with the same body (an exercise stub, which only raises NotImplementedError, copies
  nothing).
- The header (first cell) says how to run the notebook, in the same words everywhere.
- The header (first cell) names everything the notebook takes from ``mlp_core``, imported
  by name or reached through the module (``mlp_core.training.sgd_step``).
- No measured number stands in markdown unchecked: every number in prose is a reference, a
  setting, a literal of the notebook's code, arithmetic this test recomputes, a number the
  code cell next to it prints, or listed with its reason (see "Numbers in prose" below;
  statements about live panels are asserted in ``tests/test_notebook_claims.py``).
"""

from __future__ import annotations

import ast
import importlib
import inspect
import json
import math
import re
from decimal import Decimal
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
    """Parse the cell's Python, IPython magics and shell lines left out."""
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
    """Return the bound names that stand for an mlp_core module."""
    return {b for b, name in bound.items() if name.split(".")[0] == "mlp_core"}


def attribute_path(node):
    """["mlp_core", "training", "fit"] for ``mlp_core.training.fit``; [] if not a plain chain."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    return [node.id, *reversed(parts)] if isinstance(node, ast.Name) else []


def is_fit_call(node, bound):
    """Return True for a call of mlp_core's ``fit``, by its imported name or through a module."""
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


def is_stub(statements):
    """Return True for the body of an exercise stub.

    A stub's body is ``raise NotImplementedError`` (with or without a call), nothing else.
    """
    if len(statements) != 1 or not isinstance(statements[0], ast.Raise):
        return False
    exc = statements[0].exc
    exc = exc.func if isinstance(exc, ast.Call) else exc
    return isinstance(exc, ast.Name) and exc.id == "NotImplementedError"


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
                    if not statements or is_stub(statements):
                        continue  # a stub (docstring only, or an exercise) copies nothing
                    body = ast.dump(ast.Module(body=statements, type_ignores=[]))
                    by_body.setdefault(body, set()).add(f"{path.name}: {node.name}")
    shared = [sorted(where) for where in [*by_name.values(), *by_body.values()]
              if len({place.split(":")[0] for place in where}) > 1]
    assert shared == [], f"move these into mlp_core: {shared}"


#: How to run a notebook, said at the top of every notebook in the same words (issue 14).
HOW_TO_RUN = (
    "**How to run:** in JupyterLab choose *Run → Run All Cells* (or press Shift+Enter cell by "
    "cell from the top). Started with `make lab`, JupyterLab shows the panels' saved pictures "
    "before you run; the sliders and the Check buttons respond once the notebook has run."
)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_the_header_says_how_to_run_the_notebook(path):
    header = notebook_cells(path)[0]
    assert header["cell_type"] == "markdown" and HOW_TO_RUN in "".join(header["source"])


@pytest.mark.parametrize(("source", "stub"), [
    ("def f(x):\n    raise NotImplementedError", True),
    ("def f(x):\n    raise NotImplementedError('write me')", True),
    ("def f(x):\n    raise ValueError", False),
    ("def f(x):\n    y = x\n    raise NotImplementedError", False),
    ("def f(x):\n    return x", False),
])
def test_a_stub_is_a_body_that_only_raises_not_implemented(source, stub):
    assert is_stub(ast.parse(source).body[0].body) is stub


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_the_header_names_what_the_notebook_imports(path):
    first = notebook_cells(path)[0]
    header = "".join(first["source"])
    assert first["cell_type"] == "markdown" and "`mlp_core` names used" in header
    bound = mlp_core_imports(path)
    modules = module_names(bound)
    used = {name.split(".")[-1] for b, name in bound.items() if b not in modules}
    chains = set()  # names reached through a module: mlp_core.training.sgd_step
    for _, cell in code_cells(path):
        for node in ast.walk(syntax_tree(cell)):
            chain = attribute_path(node) if isinstance(node, ast.Attribute) else []
            if len(chain) > 1 and chain[0] in modules:
                chains.add(tuple(chain))
    for chain in chains:  # the full paths only: not "training" of mlp_core.training.sgd_step
        if not chain[-1].startswith("__") and not any(
                other[:len(chain)] == chain and other != chain for other in chains):
            used.add(chain[-1])
    assert used  # every notebook uses the package
    # a name may be written alone or as the end of its path: `mlp_core.widgets.forward_panel`
    missing = sorted(name for name in used
                     if not re.search(rf"`(?:[\w.]+\.)?{name}`", header))
    assert missing == [], f"add to the header of {path.name}: {missing}"


# --- Numbers in prose ------------------------------------------------------------------
# nbval compares the outputs of code cells, never the markdown, so a measured number typed
# into prose ("the loss rises from 0.035 to 0.273") goes stale without anyone noticing. Every
# number in a markdown cell must therefore be of one of these kinds:
#
# 1. a reference: an equation (Eq. 22, Eqs. (23)-(25), \tag{1}, "(16)" right after a formula,
#    any "(n)" on a line that starts with **Equations), a lecture section (§4.6.1), a figure
#    (Fig. 7), a notebook, section, part or exercise (notebook 05, part 5, Exercise 7.2, a link
#    to a notebook), the
#    number of a heading or of a list item, or the first cell of a table whose first column
#    is "part";
# 2. a setting the text tells the reader to choose, written as code: `lam=0.01`;
# 3. a number the notebook's own code writes as a literal (300 epochs in prose, epochs=300 in
#    code); a percentage counts as the literal a hundredth of it (20 % for test_size=0.2);
# 4. worked arithmetic in LaTeX that this test recomputes: every number of a chain such as
#    $s = 0.05 \cdot 8.91 = 0.4455$ or $0.25^{20} \approx 10^{-12}$ (a chain that does not
#    hold fails the test);
# 5. printed next to it: the number is in the stored output of the code cell directly above
#    or below, so nbval checks it on every run and this test sees it change;
# 6. inside LaTeX or a code expression: a single digit (1 - p, the interval (0, 1), x**2) or
#    a subscript or superscript (W^{(l)}, N_{l-1});
# 7. listed in CONSTANTS with its reason (a fact of mathematics or of float64), or in
#    PANEL_CLAIMS: a statement about a live panel, asserted against a fresh panel by the named
#    test in tests/test_notebook_claims.py.
# Anything else (an accuracy, a loss, an epoch, a timing) must be printed by a code cell and
# referred to as "printed above/below". Numbers written as words ("ten decimals") are not
# seen; use them for counts that are part of the explanation, never for a measurement.

CLAIM_TESTS = Path(__file__).with_name("test_notebook_claims.py")

#: Numbers that are facts of mathematics or of the number format, not measurements.
CONSTANTS = {
    ("03_activation_functions.ipynb", "0.25"): "the sigmoid's largest slope, σ'(0) = 1/4 (Eq. 8)",
    ("04_forward_propagation.ipynb", "8"): "bytes per float64 number",
    ("06_model_training.ipynb", "8"): "bytes per float64 number",
    ("Neural_Networks.ipynb", "16"): "decimal digits float64 holds (a 53-bit significand)",
    ("05_backpropagation.ipynb", "800"): "a score whose exp overflows float64 (above e^709.78)",
}

#: Numbers in prose that describe a live panel: {(notebook, number): the test in
#: tests/test_notebook_claims.py that asserts it against a freshly built panel}.
PANEL_CLAIMS = {
    ("01_perceptron.ipynb", "0.9"): "test_perceptron_panel_hint_separates_every_point",
    ("01_perceptron.ipynb", "1.8"): "test_perceptron_panel_hint_separates_every_point",
    ("05_backpropagation.ipynb", "12"): "test_backprop_panel_batch_of_twelve",
}

NUMBER = re.compile(r"(?<![\w.\\])(\d{1,3}(?:[ \u202f\u2009]\d{3})+(?![\d.])|\d+(?:\.\d+)?)"
                    r"(?:[eE]([-+]?\d+))?(\s?%)?")
#: The same for program output, where "1 100" is two numbers, never one thousand one hundred.
PRINTED_NUMBER = re.compile(r"(?<![\w.])(\d+(?:\.\d+)?)(?:[eE]([-+]?\d+))?(\s?%)?")
_NUMS = r"\(?\d+(?:\.\d+)*\)?"
REFERENCES = [
    # Eq. 22, Eqs. (23)-(25), §4.6.1, §2-§3, Fig. 7, Figs. 4-6, notebook 05, section 4, part 5
    re.compile(r"(?:\bEqs?\.|\bEquations?:?\**|\bFigs?\.|\bFigures?|§|\b[Ss]ections?|\b[Pp]arts?"
               rf"|\b[Nn]otebooks?|\b[Ee]xercises?)\s*{_NUMS}(?:\s*(?:-|–|,|and|to)\s*§?{_NUMS})*"),
    re.compile(r"\\tag\{\d+\}"),
    re.compile(r"(?<=\$)\s*\(\d{1,2}\)"),  # $\mathcal{J} = L + s$ (16)
    re.compile(r"^#{1,6}\s+\d+\.?(?=\s)", re.M),  # ## 3. Tanh
    re.compile(r"^\s*\d+\.(?=\s)", re.M),  # 1. a list item
    re.compile(r"\[[^\]]*\]\([^)]*\.ipynb\)"),  # [01 Perceptron](01_perceptron.ipynb)
]
SEGMENTS = re.compile(r"\$\$.+?\$\$|\$[^$]+?\$|`[^`\n]+`|\]\([^)]*\)", re.S)
SETTING = re.compile(r"[A-Za-z_]\w*\s*=\s*['\"]?-?(\d[\d_.]*(?:e-?\d+)?)")
RELATION = re.compile(r"=|\\approx|≈|\\leq?(?![a-z])|\\geq?(?![a-z])|<|>")


def canonical(text, exponent=None):
    """'0.4455' for '0.44550', '20000' for '20 000', '0.01' for 1e-2: equal values, equal text."""
    digits = re.sub(r"[ \u202f\u2009_]", "", text)
    value = Decimal(digits) * (Decimal(10) ** int(exponent) if exponent else 1)
    return format(value.normalize(), "f")


def numbers_in(text, pattern=NUMBER):
    """(start, end, canonical number, is_percent) of every number in ``text``."""
    return [(m.start(), m.end(), canonical(m.group(1), m.group(2)), bool(m.group(3)))
            for m in pattern.finditer(text)]


def reference_spans(text):
    """Spans of ``text`` that are references (kind 1 above)."""
    spans = [m.span() for pattern in REFERENCES for m in pattern.finditer(text)]
    for line in re.finditer(r"^\*\*Equations.*$", text, re.M):  # **Equations covered:** (5)-(6)
        spans += [(line.start() + m.start(), line.start() + m.end())
                  for m in re.finditer(r"\(\d{1,2}\)", line.group())]
    lines = text.splitlines(keepends=True)  # a table whose first column is "part"
    offset = 0
    in_part_table = False
    for line in lines:
        if re.match(r"\|\s*part\s*\|", line):
            in_part_table = True
        elif not line.startswith("|"):
            in_part_table = False
        elif in_part_table and (m := re.match(r"\|\s*\d+(?=\s)", line)):
            spans.append((offset, offset + m.end()))
        offset += len(line)
    return spans


def closing_brace(text, start):
    """Index just after the brace group that opens at ``text[start] == '{'``."""
    depth = 0
    for i in range(start, len(text)):
        depth += {"{": 1, "}": -1}.get(text[i], 0)
        if depth == 0:
            return i + 1
    return len(text)


def without_scripts(math):
    """LaTeX ``math`` with every sub- and superscript blanked out (W^{(l)}, N_{l-1}, x^2)."""
    out, i = [], 0
    while i < len(math):
        if math[i] in "_^":
            end = closing_brace(math, i + 1) if math[i + 1:i + 2] == "{" else i + 2
            out.append(" " * (end - i))
            i = end
        else:
            out.append(math[i])
            i += 1
    return "".join(out)


def python_arithmetic(fragment):
    """Return the Python expression for a LaTeX fragment that is plain arithmetic, else None."""
    s = fragment.replace("−", "-")
    s = re.sub(r"\\[td]?frac(\d)(\d)", r"(\1/\2)", s)
    s = re.sub(r"\\[td]?frac\{([^{}]*)\}\{([^{}]*)\}", r"((\1)/(\2))", s)
    s = s.replace(r"\begin{pmatrix}", "(").replace(r"\end{pmatrix}", ",)").replace("\\\\", ",")
    for latex, python in [(r"\cdot", "*"), (r"\times", "*"), ("·", "*"), ("×", "*"),
                          (r"\left", ""), (r"\right", ""), (r"\Big", ""), (r"\big", ""),
                          (r"\log", "log"), (r"\ln", "log")]:
        s = s.replace(latex, python)
    s = re.sub(r"\\[,;!: ]", " ", s)
    s = re.sub(r"\^\{([^{}]*)\}", r"**(\1)", s)
    s = re.sub(r"\^(\d)", r"**\1", s)
    s = re.sub(r"log\s*([\d.]+)", r"log(\1)", s)
    s = re.sub(r"(?<=[\d)])\s*(?=\()", "*", s)  # implicit products: (1/2)(2.25 - 1), 2(1 - p)
    if not re.search(r"\d", s) or not re.fullmatch(r"(?:[\d.\s+\-*/(),]|log)+", s):
        return None
    if re.search(r"\*\*\s*\(?\s*-?\d{4,}", s):
        return None  # an exponent that large is no hand arithmetic (and could take long)
    return s


def arithmetic_value(fragment):
    """Return the value (float or tuple) of a LaTeX arithmetic fragment, else None."""
    expression = python_arithmetic(fragment)
    if expression is None:
        return None
    try:
        value = eval(expression, {"__builtins__": {}, "log": math.log})  # digits and + - * / only
    except (SyntaxError, ZeroDivisionError, ValueError, TypeError, OverflowError):
        return None
    return value if isinstance(value, tuple) else float(value)


def relation_holds(relation, left, right, right_text):
    """Whether ``left relation right`` holds for the numbers a LaTeX chain wrote."""
    if isinstance(left, tuple) or isinstance(right, tuple):
        return (relation == "=" and isinstance(left, tuple) and isinstance(right, tuple)
                and len(left) == len(right)
                and all(math.isclose(a, b, abs_tol=1e-9) for a, b in zip(left, right)))
    if relation == "=":
        return math.isclose(left, right, rel_tol=1e-9, abs_tol=1e-12)
    if relation in (r"\approx", "≈"):
        if re.fullmatch(r"\s*10\^\{?-?\d+\}?\s*", right_text):  # an order of magnitude
            return left > 0 and abs(math.log10(left) - math.log10(right)) <= 0.5
        decimals = re.search(r"\.(\d+)\s*$", right_text)
        return abs(left - right) <= 0.5 * 10.0 ** -(len(decimals.group(1)) if decimals else 0)
    strict = {"<": left < right, ">": left > right}
    return strict.get(relation, left <= right if "le" in relation else left >= right)


def checked_arithmetic(math_text):
    """Return the arithmetic spans of ``math_text`` this test recomputed, and wrong chains.

    A chain that does not hold is reported as a whole (its numbers with it).
    """
    spans, wrong = [], []
    for chain in re.split(r"\\q?quad|;|\\text\{[^}]*\}", math_text):
        offset = math_text.find(chain)
        parts, relations, position = [], [], 0
        for m in RELATION.finditer(chain):
            parts.append((position, m.start()))
            relations.append(m.group())
            position = m.end()
        parts.append((position, len(chain)))
        for (a, b), relation, (c, d) in zip(parts, relations, parts[1:]):
            left, right = arithmetic_value(chain[a:b]), arithmetic_value(chain[c:d])
            if left is None or right is None:
                continue
            spans += [(offset + a, offset + b), (offset + c, offset + d)]
            if not relation_holds(relation, left, right, chain[c:d]):
                wrong.append(chain.strip())  # reported as a whole, not number by number
    return spans, wrong


class NumberCheck:
    """The numbers of one markdown cell, checked against the kinds above; problems collected.

    Parameters are those of ``unchecked_numbers``; ``used`` is filled in place.
    """

    def __init__(self, text, notebook, literals, printed, used):
        self.text, self.notebook, self.used = text, notebook, used
        self.literals, self.printed = literals, printed
        self.references = reference_spans(text)
        self.problems = []

    def allowed(self, number, percent, free_digit):
        """Return True if ``number`` is registered, printed nearby or a literal of the code."""
        key = (self.notebook, number)
        for registry in (PANEL_CLAIMS, CONSTANTS):
            if key in registry and not percent:
                self.used.add(key)
                return True
        if (number + "%" if percent else number) in self.printed:
            return True
        if percent:
            return canonical(str(Decimal(number) / 100)) in self.literals
        return number in self.literals or (free_digit and re.fullmatch(r"\d", number) is not None)

    def check(self, segment, start, free_digit, skip=()):
        """Record each number of ``segment`` (at ``start`` in the text) that is not allowed."""
        for a, b, number, percent in numbers_in(segment):
            if any(x <= start + a and start + b <= y for x, y in self.references) or any(
                    x <= a and b <= y for x, y in skip):
                continue
            if not self.allowed(number, percent, free_digit):
                context = self.text[max(0, start + a - 40):start + b + 20].replace("\n", " ")
                self.problems.append(f"{segment[a:b]!r} in ...{context}...")

    def check_code(self, segment, start):
        """Check an inline code span, its settings and index expressions left out."""
        settings = [mm.span(1) for mm in SETTING.finditer(segment)]
        indices = [mm.span() for mm in re.finditer(r"\[\s*-?\d+\s*\]", segment)]
        expression = re.search(r"[A-Za-z_]", segment) is not None
        self.check(segment, start, free_digit=expression, skip=settings + indices)

    def check_latex(self, segment, start):
        """Check a LaTeX span: arithmetic recomputed, then powers of ten, then other numbers."""
        body = re.sub(r"\\tag\{\d+\}", lambda t: " " * len(t.group()), segment)
        body = body.replace("$", " ")
        verified, wrong = checked_arithmetic(body)
        self.problems += [f"arithmetic that does not hold: {chain!r}" for chain in wrong]
        magnitudes = list(re.finditer(r"10\^\{?(-?\d+)\}?", body))
        for mm in magnitudes:
            if not any(x <= mm.start() and mm.end() <= y for x, y in verified):
                number = canonical("1", mm.group(1))
                if not self.allowed(number, False, False):
                    self.problems.append(f"{mm.group()!r} in {segment!r}")
        for mm in magnitudes:
            body = body[:mm.start()] + " " * (mm.end() - mm.start()) + body[mm.end():]
        body = re.sub(r"\\[td]?frac\d\d", lambda t: " " * len(t.group()), body)
        self.check(without_scripts(body), start, free_digit=True, skip=verified)


def unchecked_numbers(text, notebook, literals, printed, used=None):
    """Return the numbers of markdown ``text`` that fit none of the kinds above, wrong arithmetic.

    Parameters
    ----------
    text : str
        The source of one markdown cell.
    notebook : str
        Its file name (the key of CONSTANTS and PANEL_CLAIMS).
    literals : set of str
        Canonical numbers the notebook's code writes as literals.
    printed : set of str
        Canonical numbers in the stored outputs of the code cells directly above and below
        (a percentage with a trailing "%").
    used : set, optional
        Collects the CONSTANTS and PANEL_CLAIMS keys that were needed.

    Returns
    -------
    list of str
        One entry per offending number, with its context, and per chain that does not hold.
    """
    used = set() if used is None else used
    checker = NumberCheck(text, notebook, literals, printed, used)
    position = 0
    for m in [*SEGMENTS.finditer(text), None]:
        end = m.start() if m else len(text)
        checker.check(text[position:end], position, free_digit=False)  # plain prose
        if m is None:
            break
        segment, start = m.group(), m.start()
        if segment.startswith("]("):
            pass  # a link's target: a file name or an address
        elif segment.startswith("`"):  # code: settings, index expressions
            checker.check_code(segment, start)
        else:  # LaTeX
            checker.check_latex(segment, start)
        position = m.end()
    return checker.problems


def code_literals(path):
    """Canonical form of every number the notebook's code writes as a literal."""
    found = set()
    for _, cell in code_cells(path):
        for node in ast.walk(syntax_tree(cell)):
            if isinstance(node, ast.Constant) and type(node.value) in (int, float):
                found.add(canonical(repr(abs(node.value))))
    return found


def printed_numbers(cell):
    """Canonical numbers in the stored text outputs of a code cell ("88%" keeps its %)."""
    if cell is None or cell["cell_type"] != "code":
        return set()
    texts = []
    for output in cell["outputs"]:
        texts.append("".join(output.get("text", "")))
        texts.append("".join(output.get("data", {}).get("text/plain", "")))
    return {number + ("%" if percent else "")
            for _, _, number, percent in numbers_in("\n".join(texts), PRINTED_NUMBER)}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_numbers_in_prose_are_references_settings_or_checked(path):
    cells = notebook_cells(path)
    literals = code_literals(path)
    problems = []
    for i, cell in enumerate(cells):
        if cell["cell_type"] != "markdown":
            continue
        neighbours = [cells[j] if 0 <= j < len(cells) else None for j in (i - 1, i + 1)]
        printed = set().union(*(printed_numbers(c) for c in neighbours))
        problems += [f"cell {i}: {p}" for p in unchecked_numbers(
            "".join(cell["source"]), path.name, literals, printed)]
    assert problems == [], "print these from code or assert them in a test:\n" + "\n".join(
        problems)


def test_every_listed_constant_and_claim_is_used_and_claims_are_tested():
    used = set()
    for path in NOTEBOOKS:
        cells = notebook_cells(path)
        for cell in cells:
            if cell["cell_type"] == "markdown":
                unchecked_numbers("".join(cell["source"]), path.name, code_literals(path),
                                  set(), used)
    unused = sorted((set(CONSTANTS) | set(PANEL_CLAIMS)) - used)
    assert unused == [], f"listed but not needed by any notebook: {unused}"
    tests = {node.name for node in ast.walk(ast.parse(CLAIM_TESTS.read_text(encoding="utf-8")))
             if isinstance(node, ast.FunctionDef)}
    assert set(PANEL_CLAIMS.values()) <= tests, set(PANEL_CLAIMS.values()) - tests


@pytest.mark.parametrize(("markdown", "flagged"), [
    # measurements in prose: each must be flagged
    ("The training loss rises from 0.035 to 0.273.", ["0.035", "0.273"]),
    ("the epoch with the lowest loss (epoch 44 at the default settings)", ["44"]),
    ("it reaches 94 % of the points", ["94 %"]),
    ("the validation accuracy drops from 90 % to 86 %", ["90 %", "86 %"]),
    ("the tanh product is still around $10^{-2}$", ["10^{-2}"]),
    ("the loss is $L = 0.7812$ here", ["0.7812"]),
    ("a bare number in code: `0.273`", ["0.273"]),
    ("wrong arithmetic: $s = 0.05 \\cdot 8.91 = 0.4456$", ["does not hold"]),
    ("a wrong magnitude: $0.25^{10} < 10^{-7}$", ["does not hold"]),
    # what is allowed: references, settings, literals, arithmetic, digits in formulas
    ("Eq. (22) and Eqs. 23-25 of §4.6.1, Fig. 7, notebook 05, part 5, Exercise 7.2", []),
    ("## 3. Tanh\n1. first\n2. second", []),
    ("see [01 Perceptron](01_perceptron.ipynb)", []),
    ("set `lam=0.01` and `min_delta = 0.5`", []),
    ("$s = 0.05 \\cdot 8.91 = 0.4455$ and $0.25^{20} \\approx 10^{-12}$", []),
    ("$\\mathbf{W}^{(l)} \\in \\mathbb{R}^{N_l \\times N_{l-1}}$, $(0, 1)$, $1 - p$", []),
    ("train for 300 epochs on 20 % of the rows", []),
])
def test_the_number_rule_flags_measurements_and_passes_the_rest(markdown, flagged):
    problems = unchecked_numbers(markdown, "example.ipynb", literals={"300", "0.2"},
                                 printed=set())
    assert len(problems) == len(flagged), problems
    for problem, expected in zip(problems, flagged):
        assert expected in problem


def test_numbers_printed_next_to_the_prose_count_and_others_do_not():
    text = "best epoch 5, stopped at epoch 8; accuracy 88 %"
    assert unchecked_numbers(text, "x.ipynb", set(), {"5", "8", "88%"}) == []
    assert len(unchecked_numbers(text, "x.ipynb", set(), {"5", "88"})) == 2  # 8 and 88 %

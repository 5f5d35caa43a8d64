"""How an exercise is checked: run the answer on test cases, compare, name the mistake.

An ``Exercise`` is a record: its name, the notebook that asks for it, the answer's
parameters, the equation, the reference in ``mlp_core`` and its catalogued ``Mistake`` s.
Checking an answer (``run_check``) goes like this:

1. Call the answer on every test case, each time on fresh copies of the inputs (so an
   answer cannot change the checker's data), with numpy's warnings silenced. An answer that
   raises ``NotImplementedError`` is "not done yet"; any other exception is kept.
2. Compare with the reference on the same inputs: the structure first (a missing
   ``return``, a wrong type, a wrong number of items, a wrong shape), then the values with a
   tolerance suited to the dtype of the case, then whether an input was changed in place.
3. If the answer is wrong, compare it with each catalogued mistake: a mistake is recognised
   when the mistaken formula, run on the same cases, behaves exactly like the answer (same
   values, or the same kind of exception, and the same inputs changed in place). Its message
   says what is wrong and which equation to read again.
4. Otherwise the message is generic: which case, where it differs, the largest error.

Answers that draw random numbers (dropout masks, mini-batches) cannot be compared with one
random stream; their exercises carry a ``properties`` function instead, which checks
values, rates (with a statistical tolerance), coverage and seeded reproducibility.
"""

from __future__ import annotations

import copy
import html
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

__all__ = [
    "TOLERANCES",
    "Case",
    "CheckResult",
    "Difference",
    "Example",
    "Exercise",
    "Finding",
    "Mistake",
    "NotDone",
    "Outcome",
    "call",
    "compare",
    "fmt",
    "run_check",
]

#: (rtol, atol) per dtype of a case. float64 answers agree with the reference to about
#: 1e-15; float32 ones to about 1e-7 of the largest value involved. The catalogued mistakes
#: are off by far more (factors such as 2 or n, a missing term).
TOLERANCES = {
    np.dtype(np.float64): (1e-7, 1e-9),
    np.dtype(np.float32): (1e-4, 1e-5),
}

NOT_DONE = (
    "Not done yet: replace `raise NotImplementedError` with your code, run that cell, "
    "then run this check again."
)


class NotDone(Exception):
    """Raised inside the checker when the answer raises ``NotImplementedError``."""


# --- records ------------------------------------------------------------------------------

@dataclass(frozen=True, eq=False)
class Case:
    """One test input.

    Attributes
    ----------
    args : tuple
        The positional arguments of the answer, in the order of ``Exercise.params``.
    dtype : numpy dtype
        Sets the tolerance (``TOLERANCES``).
    label : str
        A short description for messages, e.g. "float32, z of shape (4, 3)".
    """

    args: tuple
    dtype: np.dtype = np.dtype(np.float64)
    label: str = ""

    @property
    def tolerance(self):
        """(rtol, atol) for this case's dtype."""
        return TOLERANCES[np.dtype(self.dtype)]


@dataclass(frozen=True)
class Mistake:
    """A catalogued mistake: the mistaken formula and what to tell the student.

    Attributes
    ----------
    name : str
        A short key, e.g. ``"sum_not_mean"``.
    message : str
        What is wrong and which equation to read, e.g. "your gradient is n times too
        large: average over the batch (Eqs. 23-25)".
    formula : callable
        The mistake written as an answer (same parameters as the exercise). Deterministic
        exercises recognise the mistake by comparing the answer's behaviour with it; random
        exercises recognise it by a property, and the tests check that ``formula`` is
        recognised.
    """

    name: str
    message: str
    formula: Callable


@dataclass(frozen=True)
class Exercise:
    """One exercise: what the student writes and how it is checked.

    Attributes
    ----------
    name : str
        What the student names the function, and the key in ``EXERCISES``.
    notebook : str
        The notebook that asks for it, e.g. ``"01_perceptron"``.
    params : tuple of str
        The answer's parameters, in order.
    returns : str
        What the answer returns.
    equation : str
        Where the lecture (or the notebook) states it, e.g. ``"Eq. (11)"``.
    reference : callable
        The kit's answer, built from ``mlp_core``'s own functions.
    mistakes : tuple of Mistake
        The catalogue, in the order in which they are tried.
    cases : callable () -> list of Case, or None
        The test inputs of a deterministic exercise (seeded).
    properties : callable (exercise, answer) -> Finding or Example, or None
        For an answer that draws random numbers: checks its properties and returns a
        ``Finding`` if one fails, else an ``Example`` (one input and the answer's output).
    parts : tuple of str
        Names of the parts of a returned tuple (e.g. ``("w", "b")``), for messages.
    checked : str
        For a random exercise, the properties its check tests (said when it passes).
    """

    name: str
    notebook: str
    params: tuple
    returns: str
    equation: str
    reference: Callable
    mistakes: tuple = ()
    cases: Callable | None = None
    properties: Callable | None = None
    parts: tuple = ()
    checked: str = ""

    @property
    def signature(self):
        """``name(param, ...)``, as the student writes it."""
        return f"{self.name}({', '.join(self.params)})"

    def mistake(self, name):
        """Return the catalogued ``Mistake`` called ``name``."""
        for m in self.mistakes:
            if m.name == name:
                return m
        raise KeyError(f"exercise {self.name!r} has no mistake {name!r}")

    def __repr__(self):
        """Return the signature, equation, notebook and number of catalogued mistakes."""
        return (
            f"Exercise({self.signature} -> {self.returns}; {self.equation}; "
            f"notebook {self.notebook}; {len(self.mistakes)} catalogued mistakes)"
        )


@dataclass(frozen=True)
class Example:
    """One input and the expected and received outputs, as text for display."""

    inputs: tuple  # ((name, text), ...)
    expected: str
    received: str


@dataclass(frozen=True)
class CheckResult:
    """What ``check`` returns: passed or not, a message, and one example.

    Attributes
    ----------
    name : str
        The exercise.
    passed : bool
    message : str
    status : {"passed", "failed", "not done"}
    mistake : str or None
        The name of the catalogued mistake recognised, if any.
    example : Example or None
        One input with the expected and the received output.

    Notes
    -----
    In a notebook the result shows itself as a coloured box (``_repr_html_``): green when
    passed, red when failed, grey when not done yet, with a ✔/✘/… sign so that colour is
    not the only cue. ``bool(result)`` is ``result.passed``.
    """

    name: str
    passed: bool
    message: str
    status: str
    mistake: str | None = None
    example: Example | None = None

    def __bool__(self):
        """Return ``self.passed``, so that ``if check(...):`` reads naturally."""
        return self.passed

    def _headline(self):
        sign, word = {
            "passed": ("✔", "correct"),
            "failed": ("✘", "not yet right"),
            "not done": ("…", "not done yet"),
        }[self.status]
        return f"{sign} {self.name}: {word}"

    def __str__(self):
        """Return the headline, the message and the example as plain text lines."""
        lines = [self._headline(), f"  {self.message}"]
        if self.example is not None:
            lines.append("  Example input:")
            for name, text in self.example.inputs:
                lines.append(_labelled(f"{name} =", text, "    "))
            lines.append(_labelled("expected:", self.example.expected, "  "))
            lines.append(_labelled("received:", self.example.received, "  "))
        return "\n".join(lines)

    __repr__ = __str__

    def _repr_html_(self):
        colours = {
            "passed": ("#1b7837", "#e7f4e4"),
            "failed": ("#b2182b", "#fbe9e7"),
            "not done": ("#5a5a5a", "#f0f0f0"),
        }
        border, background = colours[self.status]
        css = "exercise-check exercise-" + self.status.replace(" ", "-")
        parts = [
            f'<div class="{css}" style="border-left: 6px solid {border}; '
            f"background: {background}; padding: 0.5em 0.8em; margin: 0.3em 0; "
            f'color: #111;">',
            f'<b style="color: {border};">{html.escape(self._headline())}</b>',
            f"<div>{html.escape(self.message)}</div>",
        ]
        if self.example is not None:
            rows = "".join(
                f"<tr><td><code>{html.escape(name)}</code></td>"
                f'<td><pre style="margin: 0;">{html.escape(text)}</pre></td></tr>'
                for name, text in self.example.inputs
            )
            rows += (
                f'<tr><td><b>expected</b></td><td><pre style="margin: 0;">'
                f"{html.escape(self.example.expected)}</pre></td></tr>"
                f'<tr><td><b>received</b></td><td><pre style="margin: 0;">'
                f"{html.escape(self.example.received)}</pre></td></tr>"
            )
            parts.append(
                '<details open><summary>example input</summary>'
                f'<table style="text-align: left;">{rows}</table></details>'
            )
        parts.append("</div>")
        return "".join(parts)


def _indent(text, prefix):
    return "\n".join(prefix + line for line in text.splitlines())


def _labelled(label, text, prefix):
    """``label text`` on one line, or the label and then the text indented below it."""
    if "\n" not in text:
        return f"{prefix}{label} {text}"
    return f"{prefix}{label}\n" + _indent(text, prefix + "  ")


# --- running an answer --------------------------------------------------------------------

@dataclass(eq=False)
class Outcome:
    """What one call of an answer did: its value or its exception, and inputs it changed."""

    value: object = None
    error: Exception | None = None
    mutated: tuple = ()


def call(func, args, params=None):
    """Call ``func`` on deep copies of ``args``; return an ``Outcome``.

    numpy's warnings are silenced (an overflow shows up in the values instead), so a check
    cell never writes to stderr.

    Raises
    ------
    NotDone
        If ``func`` raises ``NotImplementedError``.
    """
    copies = copy.deepcopy(args)
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        try:
            value = func(*copies)
        except NotImplementedError:
            raise NotDone from None
        except Exception as error:  # the student's bug is reported, not raised
            value, error_ = None, error
        else:
            error_ = None
    params = params or [f"argument {i + 1}" for i in range(len(args))]
    mutated = tuple(p for p, a, c in zip(params, args, copies) if not _same(a, c))
    return Outcome(value=value, error=error_, mutated=mutated)


def _same(a, b):
    """Return True if ``b`` (a deep copy of ``a`` given to an answer) still equals ``a`` exactly."""
    if isinstance(a, np.ndarray):
        return (
            isinstance(b, np.ndarray) and a.shape == b.shape and a.dtype == b.dtype
            and np.array_equal(a, b, equal_nan=a.dtype.kind in "fc")
        )
    if isinstance(a, (list, tuple)):
        return (
            type(a) is type(b) and len(a) == len(b)
            and all(_same(x, y) for x, y in zip(a, b))
        )
    if isinstance(a, np.random.Generator) or callable(a):
        return True  # generators are meant to be consumed; functions are shared
    try:
        return bool(a == b) or (a != a and b != b)  # nan equals nan here
    except Exception:
        return False


# --- comparing ----------------------------------------------------------------------------

@dataclass(frozen=True)
class Difference:
    """The first way in which a received value differs from an expected one.

    ``kind`` is one of "none" (no return), "type", "length", "shape", "value".
    """

    kind: str
    text: str


def compare(expected, received, tolerance, path="", equal_nan=False, parts=()):
    """Return the first ``Difference`` between ``expected`` and ``received``, or None.

    Structure comes first (None, type, number of items, shape), then values: integers
    exactly, floats within ``tolerance = (rtol, atol)``, booleans as True/False. ``parts``
    names the items of a returned tuple (e.g. ``("w", "b")``) for the messages.
    """
    where = f" in {path}" if path else ""
    if received is None and expected is not None:
        return Difference(
            "none", f"your function returned None{where}: did you forget the `return`?"
        )
    if isinstance(expected, (bool, np.bool_)):
        if not (isinstance(received, (bool, np.bool_))
                or (isinstance(received, np.ndarray) and received.shape == ()
                    and received.dtype == bool)):
            return Difference("type", f"expected True or False{where}, got {_short(received)}")
        if bool(received) != bool(expected):
            return Difference("value", f"expected {bool(expected)}{where}, got {bool(received)}")
        return None
    if isinstance(expected, (list, tuple)):
        return _compare_sequence(expected, received, tolerance, path, equal_nan, parts)
    return _compare_numbers(expected, received, tolerance, where, equal_nan)


def _compare_sequence(expected, received, tolerance, path, equal_nan, parts):
    where = f" in {path}" if path else ""
    if isinstance(received, (str, bytes, dict)) or not hasattr(received, "__len__") \
            or not hasattr(received, "__getitem__"):
        return Difference(
            "type",
            f"expected a list or tuple of {len(expected)} items{where}, got {_short(received)}",
        )
    if len(received) != len(expected):
        return Difference(
            "length",
            f"your result{where} has {len(received)} item{'s' * (len(received) != 1)}, "
            f"expected {len(expected)}",
        )
    if expected and all(isinstance(e, (int, np.integer)) for e in expected) \
            and not isinstance(expected, list):  # a shape such as (4, 3): compare it whole
        try:
            same = [int(r) for r in received] == [int(e) for e in expected]
        except (TypeError, ValueError):
            same = False
        if not same:
            return Difference("value", f"expected {tuple(expected)}{where}, got {_short(received)}")
        return None
    for i, (e, r) in enumerate(zip(expected, received)):
        item = f"{path}[{i}]" if path else (parts[i] if parts else f"result[{i}]")
        difference = compare(e, r, tolerance, item, equal_nan)
        if difference is not None:
            return difference
    return None


def _compare_numbers(expected, received, tolerance, where, equal_nan):
    exp = np.asarray(expected)
    try:
        rec = np.asarray(received)
    except Exception:  # e.g. a ragged list
        rec = None
    if rec is None or rec.dtype.kind not in "biuf":
        return Difference(
            "type", f"could not read your result{where} as numbers: got {_short(received)}"
        )
    if rec.shape != exp.shape:
        if exp.ndim == 0:
            text = f"expected a single number{where}, got an array of shape {rec.shape}"
        else:
            text = f"your result{where} has shape {rec.shape}, expected shape {exp.shape}"
        return Difference("shape", text)
    e = exp.astype(np.float64)
    r = rec.astype(np.float64)
    if exp.dtype.kind in "biu":
        close = (r == e) | (equal_nan & np.isnan(r) & np.isnan(e))
    else:
        rtol, atol = tolerance
        close = np.isclose(r, e, rtol=rtol, atol=atol, equal_nan=equal_nan)
    if close.all():
        return None
    if exp.ndim == 0:
        text = f"expected {_num(e)}{where}, got {_num(r)}"
    else:
        bad = ~close
        error = np.where(np.isfinite(r), np.abs(r - e), np.inf)
        index = tuple(int(i) for i in np.argwhere(bad)[0])
        shown = index[0] if len(index) == 1 else index
        text = (
            f"{int(bad.sum())} of {bad.size} entries{where} differ, the largest by "
            f"{_num(error[bad].max())}; the first at index {shown}: "
            f"expected {_num(e[index])}, got {_num(r[index])}"
        )
    if not np.isfinite(r).all():
        text += " (nan or inf: did something overflow?)"
    return Difference("value", text)


def _num(x):
    return f"{float(x):.6g}"


def _short(value, limit=60):
    text = repr(value) if not isinstance(value, np.ndarray) else f"an array of shape {value.shape}"
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def fmt(value):
    """``value`` as short readable text: arrays with 4 decimals, lists item by item."""
    if isinstance(value, np.ndarray):
        text = np.array2string(value, precision=4, suppress_small=True, threshold=40,
                               edgeitems=3, max_line_width=88)
        plain = value.dtype == np.float64 or value.dtype.kind in "iu"
        return text if plain else f"{text} ({value.dtype})"
    if isinstance(value, (list, tuple)):
        items = [fmt(v) for v in value]
        open_, close = ("[", "]") if isinstance(value, list) else ("(", ")")
        if all("\n" not in s for s in items) and sum(map(len, items)) < 70:
            return open_ + ", ".join(items) + close
        return open_ + "\n" + ",\n".join(_indent(s, " ") for s in items) + "\n" + close
    if isinstance(value, np.random.Generator):
        return "a numpy.random.Generator"
    if callable(value):
        return getattr(value, "__name__", repr(value))
    if isinstance(value, (float, np.floating)):
        return repr(float(value)) if len(repr(float(value))) <= 12 else f"{float(value):.6g}"
    if isinstance(value, np.generic):
        return repr(value.item())
    return repr(value)


# --- the verdict --------------------------------------------------------------------------

@dataclass(frozen=True)
class Finding:
    """What a check found wrong: a catalogued mistake's name or a generic text, and an example.

    ``properties`` functions of random exercises return one; ``run_check`` builds them too.
    """

    text: str
    mistake: str | None = None
    example: Example | None = None


@dataclass(eq=False)
class _Run:
    number: int
    case: Case
    answer: Outcome
    expected: Outcome
    difference: Difference | None = field(default=None)


def run_check(exercise, answer):
    """Check ``answer`` against ``exercise``; return a ``CheckResult``."""
    if not callable(answer):
        return CheckResult(
            exercise.name, False,
            f"answer must be your function itself, e.g. check({exercise.name!r}, "
            f"{exercise.name}) without parentheses after {exercise.name}; got {_short(answer)}",
            "failed",
        )
    try:
        if exercise.properties is not None:
            outcome = exercise.properties(exercise, answer)
            finding, example = (outcome, None) if isinstance(outcome, Finding) \
                else (None, outcome)
        else:
            finding, example = _compare_with_reference(exercise, answer)
    except NotDone:
        return CheckResult(exercise.name, False, NOT_DONE, "not done")
    if finding is None:
        return CheckResult(exercise.name, True, _passed_text(exercise), "passed",
                           example=example)
    text = finding.text
    if finding.mistake is not None:
        text = exercise.mistake(finding.mistake).message
    return CheckResult(exercise.name, False, text, "failed", finding.mistake, finding.example)


def _passed_text(exercise):
    if exercise.properties is not None:
        return f"Correct: {exercise.checked}."
    cases = exercise.cases()
    dtypes = sorted({np.dtype(c.dtype).name for c in cases})
    return (
        f"Correct: {exercise.name} agrees with the kit on all {len(cases)} test cases "
        f"({' and '.join(dtypes)})."
    )


def _compare_with_reference(exercise, answer):
    runs = []
    for case in exercise.cases():
        got = call(answer, case.args, exercise.params)
        expected = call(exercise.reference, case.args, exercise.params)
        if expected.error is not None:  # a bug in the kit, not in the answer
            raise expected.error
        runs.append(_Run(len(runs) + 1, case, got, expected))
    for run in runs:
        if run.answer.error is None:
            run.difference = compare(run.expected.value, run.answer.value,
                                     run.case.tolerance, parts=exercise.parts)
    wrong = [r for r in runs if r.answer.error is not None or r.difference is not None
             or r.answer.mutated]
    if not wrong:
        return None, _example(exercise, runs[0])
    for mistake in exercise.mistakes:
        if _behaves_like(mistake.formula, runs, exercise):
            return Finding("", mistake.name, _example(exercise, wrong[0])), None
    return _generic(exercise, runs, wrong), None


def _behaves_like(formula, runs, exercise):
    """Return True if ``formula`` does on every case what the answer did."""
    for run in runs:
        try:
            m = call(formula, run.case.args, exercise.params)
        except NotDone:
            return False
        got = run.answer
        if (m.error is None) != (got.error is None):
            return False
        if m.error is not None:
            if type(m.error) is not type(got.error):
                return False
        elif compare(m.value, got.value, run.case.tolerance, equal_nan=True) is not None:
            return False
        if set(m.mutated) != set(got.mutated):
            return False
    return True


def _generic(exercise, runs, wrong):
    n = len(runs)
    for run in wrong:  # an exception first: it stops the student's code
        if run.answer.error is not None:
            err = run.answer.error
            number = run.number
            return Finding(
                f"Your function raised {type(err).__name__}: {err} (on test case {number} "
                f"of {n}{_label(run)}; the input is below).",
                example=_example(exercise, run),
            )
    for kinds in (("none", "type", "length", "shape"), ("value",)):  # shapes before values
        for run in wrong:
            if run.difference is not None and run.difference.kind in kinds:
                number = run.number
                lead = "Wrong shape" if run.difference.kind == "shape" else (
                    "Wrong values" if run.difference.kind == "value" else "Wrong result")
                return Finding(
                    f"{lead} on test case {number} of {n}{_label(run)}: "
                    f"{_sentence(run.difference.text)}",
                    example=_example(exercise, run),
                )
    run = wrong[0]  # right values, but an input changed in place
    names = ", ".join(f"`{p}`" for p in run.answer.mutated)
    return Finding(
        f"Your function changed its input {names} in place. The caller's arrays must stay as "
        "they were: compute new arrays (e.g. `x = x + ...` or `x.copy()`, not `x += ...` "
        "or `x[...] = ...` on an argument).",
        example=_example(exercise, run),
    )


def _sentence(text):
    return text if text.endswith((".", "?", "!")) else text + "."


def _label(run):
    return f", {run.case.label}" if run.case.label else ""


def _example(exercise, run):
    inputs = tuple((p, fmt(a)) for p, a in zip(exercise.params, run.case.args))
    received = (
        f"{type(run.answer.error).__name__}: {run.answer.error}"
        if run.answer.error is not None else fmt(run.answer.value)
    )
    return Example(inputs, fmt(run.expected.value), received)

"""Predict, then reveal: a question the student answers before the notebook shows the outcome.

``predict_then_reveal`` builds a small box: the question, either radio buttons (a choice
question) or a text field for a number, and a "Check" button. Nothing about the answer is
shown until the student has made an attempt and pressed "Check"; then the box says whether
the attempt was right, gives the answer and the explanation.

Where the answer is a measurement (an accuracy, a count, a loss), pass a callable that
computes it with the kit, ``answer=lambda: MLP([2, 16, 1]).n_parameters``, instead of a
number typed into the notebook, so that the answer cannot go stale. The callable runs at the
first "Check" (not when the notebook runs), once. The explanation may contain ``{answer}``,
replaced by the computed answer.
"""

from __future__ import annotations

import html
import math
import numbers

import ipywidgets as widgets

from .._checks import short_repr
from .base import OwnThread

__all__ = ["PredictReveal", "predict_then_reveal"]

_NO_ANSWER = object()


class PredictReveal:
    """A predict-then-reveal question (build it with ``predict_then_reveal``).

    Attributes
    ----------
    box : ipywidgets.VBox
        What the notebook shows; carries the CSS class ``predict-reveal``.
    input : ipywidgets.RadioButtons or ipywidgets.Text
        Where the student answers: radio buttons for a choice question (nothing selected at
        first), a text field for a number.
    button : ipywidgets.Button
        "Check": compares the attempt with the answer and reveals it.
    feedback : ipywidgets.HTMLMath
        Empty until the first attempt.
    attempts : int
        Presses of "Check" with an answer given.
    correct : bool or None
        Whether the last attempt was right; None before the first attempt.
    """

    def __init__(self, question, answer, choices, explanation, tolerance, number_format):
        self.choices = choices
        self.explanation = explanation
        self.tolerance = tolerance
        self.number_format = number_format
        self._answer = answer
        self._value = _NO_ANSWER
        self.attempts = 0
        self.correct = None
        self.prompt = widgets.HTMLMath(value=f"<b>Predict:</b> {question}")
        if choices is None:
            self.input = widgets.Text(value="", placeholder="your number",
                                      description="Your answer:",
                                      style={"description_width": "initial"})
        else:
            self.input = widgets.RadioButtons(options=list(choices), value=None,
                                              layout={"width": "auto"})
        self.button = widgets.Button(description="Check", button_style="primary",
                                     tooltip="Compare your answer with the real one")
        self.feedback = widgets.HTMLMath(value="")
        self.button.on_click(OwnThread().wrap(self._on_check))  # base module docstring
        self.box = widgets.VBox([self.prompt, self.input, self.button, self.feedback])
        self.box.add_class("predict-reveal")

    # --- the answer ---------------------------------------------------------------------

    @property
    def revealed(self):
        """True once the answer has been shown (after the first attempt)."""
        return self.correct is not None

    @property
    def answer(self):
        """The answer: the given value, or what the callable computed (run once, lazily)."""
        if self._value is _NO_ANSWER:
            value = self._answer() if callable(self._answer) else self._answer
            if self.choices is not None and value not in self.choices:
                raise ValueError(
                    f"answer must be one of the choices {list(self.choices)}, "
                    f"got {short_repr(value)}"
                )
            if self.choices is None and not _is_real(value):
                raise TypeError(f"answer of a number question must be a real number, "
                                f"got {short_repr(value)}")
            self._value = value
        return self._value

    def _format(self, value):
        if self.choices is not None:
            return str(value)
        if self.number_format:
            return format(value, self.number_format)
        if isinstance(value, numbers.Integral):
            return str(int(value))
        return f"{float(value):.3g}"

    def _is_right(self, guess):
        if self.choices is not None:
            return guess == self.answer
        answer = float(self.answer)
        tolerance = self.tolerance
        if tolerance is None:
            tolerance = 0.0 if isinstance(self.answer, numbers.Integral) else 0.1
        return abs(guess - answer) <= tolerance * abs(answer) + 1e-12

    # --- the button -----------------------------------------------------------------------

    def _read_guess(self):
        """(guess, None) or (None, a request to the student)."""
        if self.choices is not None:
            if self.input.value is None:
                return None, "Pick an answer first, then press Check."
            return self.input.value, None
        text = self.input.value.strip()
        if not text:
            return None, "Type a number first, then press Check."
        try:
            guess = float(text)
        except ValueError:
            return None, f"Could not read {html.escape(repr(self.input.value))} as a number."
        if not math.isfinite(guess):
            return None, "Type a finite number."
        return guess, None

    def _on_check(self, _button=None):
        guess, request = self._read_guess()
        if request is not None:
            self.feedback.value = f'<span class="predict-reveal-request">{request}</span>'
            return
        self.attempts += 1
        self.correct = bool(self._is_right(guess))
        answer_text = html.escape(self._format(self.answer))
        explanation = self.explanation(self.answer) if callable(self.explanation) \
            else self.explanation.replace("{answer}", answer_text)
        if self.correct:
            head = ('<span class="predict-reveal-right" style="color: #1b7837;">'
                    f"<b>✔ Right:</b> the answer is {answer_text}.</span>")
        else:
            head = ('<span class="predict-reveal-wrong" style="color: #b2182b;">'
                    f"<b>✘ Not quite:</b> the answer is {answer_text} "
                    f"(you said {html.escape(self._format(guess))}).</span>")
        self.feedback.value = f"{head}<div>{explanation}</div>"

    def check(self):
        """Press "Check" (what the button does), e.g. from a test."""
        self._on_check()

    # --- display --------------------------------------------------------------------------

    def _ipython_display_(self):
        from IPython.display import display

        display(self.box)

    def __repr__(self):
        """Return ``PredictReveal(kind, state)``: a number or a choice, answered or not."""
        kind = "number" if self.choices is None else f"choice of {len(self.choices)}"
        state = "revealed" if self.revealed else "not yet answered"
        return f"PredictReveal({kind}, {state})"


def _is_real(value):
    return isinstance(value, numbers.Real) and not isinstance(value, bool) \
        and math.isfinite(float(value))


def predict_then_reveal(question, answer, *, choices=None, explanation="", tolerance=None,
                        number_format=None):
    """Ask for a prediction before the outcome is shown: a choice or a number, then "Check".

    Parameters
    ----------
    question : str
        The question (HTML; LaTeX between $ signs is rendered).
    answer : value or callable () -> value
        The right choice (one of ``choices``) or number. For a measurement pass a callable
        that computes it with the kit; it runs once, at the first "Check".
    choices : sequence of str, or None
        The options of a choice question (at least two); None asks for a number.
    explanation : str or callable (answer) -> str
        Shown with the answer after the first attempt (HTML); ``{answer}`` in a string is
        replaced by the formatted answer.
    tolerance : float >= 0 or None
        For a number question, the relative deviation from the answer still counted right;
        None means exact for an integer answer and 10 % for a real one.
    number_format : str or None
        Format spec for numbers (e.g. ".2f"); None shows integers as they are and reals with
        three significant digits.

    Returns
    -------
    PredictReveal
        Its ``box`` (CSS class ``predict-reveal``) is what the notebook displays.
    """
    if not isinstance(question, str) or not question.strip():
        raise TypeError(f"question must be a non-empty string, got {short_repr(question)}")
    if choices is not None:
        if isinstance(choices, (str, bytes)) or not hasattr(choices, "__iter__"):
            raise TypeError(f"choices must be a sequence of strings or None, "
                            f"got {short_repr(choices)}")
        choices = tuple(choices)
        if len(choices) < 2 or len(set(choices)) != len(choices):
            raise ValueError(f"choices must hold at least two different options, "
                             f"got {list(choices)}")
        if not callable(answer) and answer not in choices:
            raise ValueError(f"answer must be one of the choices {list(choices)}, "
                             f"got {short_repr(answer)}")
    elif not callable(answer) and not _is_real(answer):
        raise TypeError(f"answer must be a real number or a callable that computes one "
                        f"(choices is None), got {short_repr(answer)}")
    if not (isinstance(explanation, str) or callable(explanation)):
        raise TypeError(f"explanation must be a string or a callable, "
                        f"got {short_repr(explanation)}")
    if tolerance is not None and (not _is_real(tolerance) or tolerance < 0):
        raise ValueError(f"tolerance must be a number >= 0 or None, got {short_repr(tolerance)}")
    return PredictReveal(question, answer, choices, explanation, tolerance, number_format)

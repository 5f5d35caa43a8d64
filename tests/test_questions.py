"""Predict, then reveal (mlp_core.widgets.questions), driven without a browser.

The student sets a value, presses "Check" (``button.click()``), and only then sees whether the
attempt was right, the answer and the explanation. A measured answer comes from a callable
that runs at the first attempt, not before.
"""

import pytest

from mlp_core import MLP
from mlp_core.widgets import PredictReveal, predict_then_reveal


def _counting(value):
    """Return a callable answer that records how often it ran."""
    def answer():
        answer.calls += 1
        return value
    answer.calls = 0
    return answer


def test_a_choice_question_reveals_nothing_before_an_attempt():
    answer = _counting("tanh")
    q = predict_then_reveal("Which slope is largest at z = 0?", answer,
                            choices=["relu", "sigmoid", "tanh"],
                            explanation="tanh'(0) = 1, sigmoid'(0) = 0.25.")
    assert isinstance(q, PredictReveal)
    assert "predict-reveal" in q.box._dom_classes
    assert q.input.value is None  # nothing preselected
    assert q.feedback.value == "" and not q.revealed and answer.calls == 0
    q.button.click()  # pressed without choosing: asks for a choice, reveals nothing
    assert "Pick an answer first" in q.feedback.value
    assert "tanh'(0)" not in q.feedback.value and not q.revealed and answer.calls == 0


def test_a_wrong_choice_shows_the_answer_and_the_explanation():
    q = predict_then_reveal("Which slope is largest at z = 0?", "tanh",
                            choices=["relu", "sigmoid", "tanh"],
                            explanation="tanh'(0) = 1, sigmoid'(0) = 0.25.")
    q.input.value = "sigmoid"
    q.button.click()
    assert q.revealed and q.correct is False and q.attempts == 1
    assert "Not quite" in q.feedback.value and "the answer is tanh" in q.feedback.value
    assert "you said sigmoid" in q.feedback.value
    assert "tanh'(0) = 1, sigmoid'(0) = 0.25." in q.feedback.value
    q.input.value = "tanh"  # a second attempt
    q.button.click()
    assert q.correct is True and q.attempts == 2 and "Right" in q.feedback.value


def test_a_number_question_computes_its_answer_with_the_kit_at_the_first_attempt():
    sizes = [2, 16, 16, 1]
    answer = _counting(None)

    def measured():
        answer()
        return MLP(sizes, seed=0).n_parameters

    q = predict_then_reveal("How many parameters has MLP([2, 16, 16, 1])?", measured,
                            explanation="The kit counts {answer}: 2·16+16 + 16·16+16 + 16+1.")
    assert isinstance(q.input.value, str) and q.input.value == ""
    q.button.click()
    assert "Type a number first" in q.feedback.value and answer.calls == 0
    q.input.value = "three hundred"
    q.button.click()
    assert "Could not read" in q.feedback.value and not q.revealed and answer.calls == 0
    q.input.value = "320"
    q.button.click()
    expected = MLP(sizes, seed=0).n_parameters
    assert answer.calls == 1
    assert q.correct is False  # an integer answer must be exact
    assert f"the answer is {expected}" in q.feedback.value
    assert f"The kit counts {expected}: 2·16+16" in q.feedback.value
    q.input.value = f" {expected} "
    q.button.click()
    assert q.correct is True and answer.calls == 1  # computed once


def test_a_real_answer_counts_within_the_relative_tolerance():
    q = predict_then_reveal("sigmoid'(0)?", 0.25)
    q.input.value = "0.27"  # within 10 %
    q.check()
    assert q.correct is True and "the answer is 0.25" in q.feedback.value
    q.input.value = "0.3"
    q.check()
    assert q.correct is False
    strict = predict_then_reveal("sigmoid'(0)?", 0.25, tolerance=0.01, number_format=".3f")
    strict.input.value = "0.252"
    strict.check()
    assert strict.correct is True and "the answer is 0.250" in strict.feedback.value
    strict.input.value = "0.26"
    strict.check()
    assert strict.correct is False


def test_an_explanation_can_be_computed_from_the_answer():
    q = predict_then_reveal("2 + 2?", lambda: 4,
                            explanation=lambda a: f"{a} = 2 + 2, and {a - 1} is one less.")
    q.input.value = "4"
    q.check()
    assert "4 = 2 + 2, and 3 is one less." in q.feedback.value


def test_latex_braces_in_the_explanation_are_left_alone():
    q = predict_then_reveal("Shape of $\\mathbf{W}^{(2)}$?", "(5, 4)",
                            choices=["(4, 5)", "(5, 4)"],
                            explanation="$\\mathbf{W}^{(l)}$ is $N_l \\times N_{l-1}$: {answer}.")
    q.input.value = "(5, 4)"
    q.check()
    assert "$\\mathbf{W}^{(l)}$ is $N_l \\times N_{l-1}$: (5, 4)." in q.feedback.value


def test_a_computed_choice_must_be_one_of_the_choices():
    q = predict_then_reveal("Which?", lambda: "maybe", choices=["yes", "no"])
    q.input.value = "yes"
    with pytest.raises(ValueError, match=r"answer must be one of the choices \['yes', 'no'\]"):
        q.check()


def test_arguments_are_checked_where_they_enter():
    with pytest.raises(ValueError, match="answer must be one of the choices"):
        predict_then_reveal("Which?", "maybe", choices=["yes", "no"])
    with pytest.raises(ValueError, match="at least two different options"):
        predict_then_reveal("Which?", "yes", choices=["yes"])
    with pytest.raises(TypeError, match="choices must be a sequence"):
        predict_then_reveal("Which?", "y", choices="yes")
    with pytest.raises(TypeError, match="answer must be a real number or a callable"):
        predict_then_reveal("How many?", "12")
    with pytest.raises(TypeError, match="question must be a non-empty string"):
        predict_then_reveal("", 1)
    with pytest.raises(ValueError, match="tolerance must be a number >= 0"):
        predict_then_reveal("How many?", 1, tolerance=-0.1)
    q = predict_then_reveal("How many?", lambda: "twelve")
    q.input.value = "12"
    with pytest.raises(TypeError, match="must be a real number, got 'twelve'"):
        q.check()


def test_repr_and_display():
    q = predict_then_reveal("Which?", "no", choices=["yes", "no"])
    assert repr(q) == "PredictReveal(choice of 2, not yet answered)"
    q.input.value = "no"
    q.check()
    assert repr(q) == "PredictReveal(choice of 2, revealed)"
    assert q.box.children == (q.prompt, q.input, q.button, q.feedback)
    assert "Predict:" in q.prompt.value

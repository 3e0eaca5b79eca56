"""The self-checks: every chapter's exercises accept their solution, recognise their typical mistakes, refuse wrong
answers without printing the solution, and explain answers of the wrong form. Then the regression chapter's
exercises in detail, and the registry's own checks."""

import re
import subprocess
import sys

import numpy as np
import pytest
import torch

from lossbook import numpy as lbn
from lossbook.book import exercises
from lossbook.book.exercises import Chapter, answers
from lossbook.book.exercises import regression as ex

CHAPTERS = exercises.chapters()
EXERCISES = [(name, id) for name, chapter in CHAPTERS.items() for id in chapter.ids()]


def _run(capsys, chapter, id, answer):
    """Check an answer; returns the verdict and what was printed, on one line."""
    verdict = chapter.check(id, answer)
    return verdict, " ".join(capsys.readouterr().out.split())


def _spellings(value):
    """The ways a printed message could show a number."""
    value = float(value)
    return {repr(value), f"{value:.2f}", f"{value:.3f}", f"{value:.4g}", f"{value:.6g}", str(round(value, 3))}


def _wrong(exercise, right):
    """An answer of the right form that is wrong."""
    kind = exercise.kind
    if isinstance(kind, (answers.Number, answers.Minimiser)):
        return float(right) * 1.5 + 100.0
    if isinstance(kind, answers.Array):
        wrong = np.array(right, dtype=float)
        wrong.flat[0] += 1.0
        return wrong
    if isinstance(kind, answers.Function):
        return lambda *args: np.asarray(right(*args)) + 1.0
    if isinstance(kind, answers.Choice):
        return next(o for o in kind.options if o != right)
    raise AssertionError(f"no wrong answer for {type(kind).__name__}")


def _leaks(text, right):
    """The spellings of the right answer (or its entries) that appear in a message."""
    if callable(right) or isinstance(right, str):
        return set()
    values = np.ravel(np.asarray(right, dtype=float))
    return {s for v in values for s in _spellings(v) if len(s) > 2 and re.search(rf"(?<![\d.]){re.escape(s)}(?!\d)",
                                                                                 text)}


def test_chapters_are_found():
    assert "regression" in CHAPTERS and isinstance(CHAPTERS["regression"], Chapter)
    assert len(EXERCISES) >= 5


@pytest.mark.parametrize("name, id", EXERCISES)
def test_the_solution_is_right(capsys, name, id):
    chapter = CHAPTERS[name]
    exercise = chapter.exercise(id)
    verdict, out = _run(capsys, chapter, id, exercise.solution(chapter.given(id)))
    assert verdict == True and out.startswith("Right.")
    assert exercise.hint and exercise.title


@pytest.mark.parametrize("name, id", EXERCISES)
def test_a_wrong_answer_gets_the_hint_and_never_the_solution(capsys, name, id):
    chapter = CHAPTERS[name]
    exercise = chapter.exercise(id)
    right = exercise.solution(chapter.given(id))
    verdict, out = _run(capsys, chapter, id, _wrong(exercise, right))
    assert verdict == False and out.startswith("Not yet:")
    assert " ".join(exercise.hint.split()) in out or any(" ".join(m.split()) in out for m in exercise.mistakes)
    assert not _leaks(out, right)


@pytest.mark.parametrize("name, id", EXERCISES)
def test_each_typical_mistake_gets_its_message(capsys, name, id):
    chapter = CHAPTERS[name]
    exercise = chapter.exercise(id)
    right = exercise.solution(chapter.given(id))
    for message, wrong in exercise.mistakes.items():
        verdict, out = _run(capsys, chapter, id, wrong(chapter.given(id)))
        assert verdict == False and out == "Not yet: " + " ".join(message.split())
        assert not _leaks(out, right)


@pytest.mark.parametrize("name, id", EXERCISES)
def test_answers_of_the_wrong_form_and_no_answer_are_explained(capsys, name, id):
    chapter = CHAPTERS[name]
    expects = " ".join(chapter.exercise(id).kind.expects().split())
    for answer in [{"a": 1}, object()]:
        verdict, out = _run(capsys, chapter, id, answer)
        assert verdict == False and out.startswith("Cannot check this answer: expected") and expects in out
    for placeholder in [None, ...]:
        verdict, out = _run(capsys, chapter, id, placeholder)
        assert verdict == False and out.startswith(f"Nothing to check yet: replace {placeholder!r} with your answer")


@pytest.mark.parametrize("name, id", EXERCISES)
def test_describe_shows_the_data_and_the_form_of_the_answer(capsys, name, id):
    chapter = CHAPTERS[name]
    chapter.describe(id)
    out = capsys.readouterr().out
    exercise = chapter.exercise(id)
    assert " ".join(out.split()).startswith(f"{id}: {exercise.title} ")
    for key in exercise.given:
        assert f"  {key} = " in out
    assert " ".join(exercise.kind.expects().split()) in " ".join(out.split())
    assert max(len(line) for line in out.splitlines()) <= 75


# ------------------------------------------------------------------------------------------------ the regression set

def test_huber_by_hand_accepts_numbers_in_every_form(capsys):
    g = ex.given("huber-by-hand")
    right = lbn.huber(g["y_pred"], g["y_true"], delta=g["delta"])
    for answer in [float(right), np.float32(right), np.array(right), torch.tensor(float(right)),
                   torch.tensor(float(right), requires_grad=True) * 1]:
        assert ex.check("huber-by-hand", answer) == True
    assert capsys.readouterr().out == "Right.\n" * 5
    # Within the stated tolerance, and not outside it.
    assert ex.check("huber-by-hand", right * (1 + 5e-7)) == True
    assert ex.check("huber-by-hand", right * (1 + 5e-6)) == False


def test_huber_by_hand_says_too_large_or_too_small(capsys):
    g = ex.given("huber-by-hand")
    right = lbn.huber(g["y_pred"], g["y_true"], delta=g["delta"])
    _, out = _run(capsys, ex.chapter, "huber-by-hand", right + 0.01)
    assert out.startswith("Not yet: your value is too large. Hint: compute the residuals")
    _, out = _run(capsys, ex.chapter, "huber-by-hand", right - 0.01)
    assert out.startswith("Not yet: your value is too small.")
    _, out = _run(capsys, ex.chapter, "huber-by-hand", float("nan"))
    assert out.startswith("Not yet: your answer is nan, not a finite number.")


def test_number_answers_of_the_wrong_form(capsys):
    for answer, said in [("1.3", "expected a number, got str '1.3'"), (True, "expected a number, got bool True"),
                         (np.array([1.0, 2.0]), "expected a single number, got a NumPy array of shape (2,)"),
                         ([1.3], "expected a number, got a list"), (1 + 2j, "expected a number, got a complex")]:
        verdict, out = _run(capsys, ex.chapter, "huber-by-hand", answer)
        assert verdict == False and out.startswith(f"Cannot check this answer: {said}")
        assert "Expected a number (compared within a relative tolerance of 1e-06)." in out


def test_huber_gradient_checks_shape_then_entries(capsys):
    g = ex.given("huber-gradient")
    right = lbn.huber.grad(g["y_pred"], g["y_true"], delta=g["delta"])
    assert ex.check("huber-gradient", list(right)) and ex.check("huber-gradient", torch.tensor(right))
    capsys.readouterr()
    _, out = _run(capsys, ex.chapter, "huber-gradient", right[:, None])
    assert out.startswith("Not yet: expected an array of shape (4,), got shape (4, 1).")
    wrong = right.copy()
    wrong[[1, 3]] += 0.5
    _, out = _run(capsys, ex.chapter, "huber-gradient", wrong)
    assert out.startswith("Not yet: 2 of 4 values are off (at positions 1, 3).")
    _, out = _run(capsys, ex.chapter, "huber-gradient", ["a", "b", "c", "d"])
    assert out.startswith("Cannot check this answer: expected an array of numbers, got a NumPy array of shape (4,)")


def test_mae_minimiser_accepts_any_minimiser(capsys):
    y = ex.given("mae-minimiser")["y_true"]
    low, high = np.sort(y)[2:4]
    for c in [low, high, (low + high) / 2, np.median(y)]:
        assert ex.check("mae-minimiser", c) == True
    assert "need not be unique" in capsys.readouterr().out
    _, out = _run(capsys, ex.chapter, "mae-minimiser", low - 0.5)
    assert out.startswith("Not yet: the MAE at your value is larger than its minimum.")
    _, out = _run(capsys, ex.chapter, "mae-minimiser", y.mean())
    assert out.startswith("Not yet: that is the mean, which minimises the MSE")


def _my_pinball(y_pred, y_true, q):
    r = y_true - y_pred
    return np.maximum(q * r, (q - 1) * r)


def test_pinball_function_right_and_wrong_in_named_ways(capsys):
    assert ex.check("pinball-function", _my_pinball) == True
    capsys.readouterr()
    # Right only for under-predictions: the message names the kinds of input that fail.
    _, out = _run(capsys, ex.chapter, "pinball-function",
                  lambda y_pred, y_true, q: q * np.abs(y_true - y_pred))
    assert out.startswith("Not yet: wrong for: over-predictions (y_pred > y_true) with q = 0.3;")
    assert "under-predictions" not in out.split("Hint:")[0]
    # Averaged: one number instead of one per element.
    _, out = _run(capsys, ex.chapter, "pinball-function", lambda *args: np.mean(_my_pinball(*args)))
    assert out.startswith("Not yet: your function returns shape () on under-predictions")
    # A function that raises gets the error, not a traceback.
    _, out = _run(capsys, ex.chapter, "pinball-function", lambda y_pred, y_true, q: y_pred.nonexistent)
    assert out.startswith("Not yet: your function raised AttributeError:")
    _, out = _run(capsys, ex.chapter, "pinball-function", lambda *args: "loss")
    assert out.startswith("Not yet: your function returned str 'loss' on under-predictions")
    # The typical slips get their own message.
    _, out = _run(capsys, ex.chapter, "pinball-function", lambda y_pred, y_true, q: _my_pinball(y_pred, y_true, 1 - q))
    assert out.startswith("Not yet: the two sides are swapped")


def test_function_answers_get_their_own_copy_of_the_inputs():
    def destructive(y_pred, y_true, q):
        result = _my_pinball(y_pred, y_true, q)
        y_pred[...] = 1e9
        return result

    assert ex.check("pinball-function", destructive) == True
    assert ex.check("pinball-function", _my_pinball) == True


def test_choice_ignores_case_spaces_and_hyphens(capsys):
    assert ex.check("loss-for-the-median", " mae ") == True
    assert ex.check("loss-for-the-median", "LOG COSH") == False
    capsys.readouterr()
    _, out = _run(capsys, ex.chapter, "loss-for-the-median", "l1")
    assert out.startswith("Cannot check this answer: 'l1' is not one of the options.")


def test_quantile_minimiser_is_the_q_quantile(capsys):
    g = ex.given("quantile-minimiser")
    y, q = g["y_true"], g["q"]
    right = ex.chapter.exercise("quantile-minimiser").solution(g)
    # A q-quantile: at most a fraction q of the targets below it, at most 1 - q above it.
    assert np.mean(y < right) <= q and np.mean(y > right) <= 1 - q
    assert ex.check("quantile-minimiser", np.quantile(y, q, method="inverted_cdf"))
    capsys.readouterr()
    _, out = _run(capsys, ex.chapter, "quantile-minimiser", np.median(y))
    assert out.startswith("Not yet: that is the median")
    _, out = _run(capsys, ex.chapter, "quantile-minimiser", np.quantile(y, 1 - q, method="inverted_cdf"))
    assert out.startswith("Not yet: the two sides are swapped")


def test_delta_from_residuals_agrees_with_choose(capsys):
    import lossbook

    g = ex.given("delta-from-residuals")
    right = ex.chapter.exercise("delta-from-residuals").solution(g)
    call = lossbook.choose("regression", outliers=True, residuals=g["residuals"]).call
    assert call == f"huber(y_pred, y_true, delta={right:.3g})"
    _, out = _run(capsys, ex.chapter, "delta-from-residuals", 1.345 * np.std(g["residuals"]))
    assert out.startswith("Not yet: that uses the standard deviation")


def test_given_is_a_copy_and_unknown_ids_list_the_exercises():
    data = ex.given("huber-by-hand")
    data["y_pred"][:] = 0
    assert ex.given("huber-by-hand")["y_pred"][0] == 2.5
    with pytest.raises(KeyError, match="has no exercise 'huber'; its exercises are: huber-by-hand, huber-gradient"):
        ex.check("huber", 1.0)


def test_registering_exercises_checks_the_declaration():
    chapter = Chapter("test")
    kind = answers.Number()
    chapter.add("one", title="t", kind=kind, solution=lambda g: 1.0, hint="h")
    with pytest.raises(ValueError, match="already has an exercise 'one'"):
        chapter.add("one", title="t", kind=kind, solution=lambda g: 1.0, hint="h")
    with pytest.raises(ValueError, match="lower case words joined by hyphens"):
        chapter.add("Two_words", title="t", kind=kind, solution=lambda g: 1.0, hint="h")
    with pytest.raises(ValueError, match="needs a hint"):
        chapter.add("two", title="t", kind=kind, solution=lambda g: 1.0, hint="")
    with pytest.raises(TypeError, match="answer kind"):
        chapter.add("two", title="t", kind=float, solution=lambda g: 1.0, hint="h")
    assert chapter.ids() == ["one"]


def test_importing_the_module_is_light():
    code = "import sys, lossbook.book.exercises.regression; print(sorted(m for m in ('torch', 'sklearn', 'matplotlib') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


# ------------------------------------------------------------------------------------------------ the multi-label set

def test_multilabel_answers_by_hand_pass_at_three_digits(capsys):
    from lossbook.book.exercises import multilabel as ml

    assert ml.check("hamming-loss", 4 / 15) == True and ml.check("hamming-loss", 0.267) == True
    assert ml.check("macro-f1", 0.533) == True and ml.check("macro-f1", 0.52) == False
    assert ml.check("softmax-floor", 3 * np.log(3)) == True and ml.check("softmax-floor", 3.296) == True
    capsys.readouterr()
    _, out = _run(capsys, ml.chapter, "softmax-floor", np.log(3))
    assert out.startswith("Not yet: that is the floor for the normalised target y / k")
    _, out = _run(capsys, ml.chapter, "macro-f1", 2 / 3)
    assert out.startswith("Not yet: that is the micro F1")


def test_multilabel_gradient_names_the_missing_division(capsys):
    from lossbook.book.exercises import multilabel as ml

    g = ml.given("bce-gradient")
    sigma = 1 / (1 + np.exp(-g["logits"]))
    assert ml.check("bce-gradient", (sigma - g["y_true"]) / g["y_true"].size) == True
    capsys.readouterr()
    _, out = _run(capsys, ml.chapter, "bce-gradient", sigma - g["y_true"])
    assert out.startswith("Not yet: that is the gradient of the sum")
    _, out = _run(capsys, ml.chapter, "bce-gradient", (sigma - g["y_true"])[:1])
    assert out.startswith("Not yet: expected an array of shape (2, 3), got shape (1, 3).")


def test_multilabel_pos_weight_accepts_three_digits(capsys):
    from lossbook.book.exercises import multilabel as ml

    assert ml.check("pos-weight", [0.667, 1.5, 4.0]) == True
    capsys.readouterr()
    _, out = _run(capsys, ml.chapter, "pos-weight", [1.5, 0.667, 0.25])
    assert out.startswith("Not yet: upside down")

"""The kinds of answer an exercise can ask for, and how each is compared with the right one.

Every kind answers three questions for :class:`lossbook.book.exercises.Chapter`: what form of answer it expects
(:meth:`Answer.expects`, shown when the learner hands in something else), whether an answer has that form
(:meth:`Answer.problem`), and whether it equals the right one (:meth:`Answer.compare`). A comparison that fails
says what is wrong in words (too large, which entries, which kind of input) and never shows the right answer.

>>> import numpy as np
>>> from lossbook.book.exercises.answers import Array, Number
>>> Number(rtol=1e-3).compare(0.5, 0.5004, {}) is None
True
>>> Number().compare(0.7, 0.5, {})
'your value is too large'
>>> Array().compare(np.array([1.0, 2.0, 3.5]), np.array([1.0, 2.0, 3.0]), {})
'1 of 3 values is off (at position 2)'
"""

from __future__ import annotations

import copy
import numbers
import warnings
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np


def _to_array(value):
    """A NumPy array from a number, a list, an array or a tensor (without importing torch)."""
    if hasattr(value, "detach"):
        value = value.detach().cpu().numpy()
    return np.asarray(value)


def _a(noun):
    return f"{'an' if noun[0] in 'aeiou' else 'a'} {noun}"


_TYPE_NAMES = {"ndarray": "NumPy array", "Tensor": "tensor"}


def _describe(value):
    """What the learner handed in, in words, without printing it in full."""
    if hasattr(value, "shape") and hasattr(value, "dtype"):
        name = _TYPE_NAMES.get(type(value).__name__, type(value).__name__)
        return f"{_a(name)} of shape {tuple(value.shape)} and dtype {value.dtype}"
    return f"{type(value).__name__} {value!r}" if isinstance(value, (str, bool)) else _a(type(value).__name__)


def _numeric(array):
    return array.dtype.kind in "biuf"


def _positions(mask):
    """``'at position 2'`` or ``'at positions (0, 1), (2, 3)'``: where a boolean array is True (up to five)."""
    where = np.argwhere(mask)
    shown = [str(int(i[0])) if len(i) == 1 else str(tuple(int(k) for k in i)) for i in where[:5]]
    more = ", ..." if len(where) > 5 else ""
    return f"at position{'s' if len(where) > 1 else ''} {', '.join(shown)}{more}"


class Answer:
    """The base of the answer kinds. A subclass defines the three methods below."""

    def expects(self):
        """The form of answer expected, in words (``"a number (within a relative tolerance of 1e-06)"``).

        Returns:
            A phrase that completes "Expected ...".
        """
        raise NotImplementedError

    def problem(self, answer):
        """Why ``answer`` cannot be checked at all (its type or form), or ``None`` if it can.

        Args:
            answer: what the learner handed in.

        Returns:
            A phrase such as ``"expected a number, got str 'abc'"``, or ``None``.
        """
        raise NotImplementedError

    def compare(self, answer, expected, given):
        """Compare an answer that has the right form with the expected one.

        Args:
            answer: the learner's answer (:meth:`problem` returned ``None`` for it).
            expected: the right answer, computed by the exercise from ``given``.
            given: the exercise's data.

        Returns:
            ``None`` if the answer is right, else what is wrong with it, in words that never contain ``expected``.
        """
        raise NotImplementedError


def _as_number(answer):
    """``answer`` as a float if it is one real number (a Python or NumPy number, or a 0-d array or tensor)."""
    if isinstance(answer, (bool, np.bool_)):
        return None
    if isinstance(answer, numbers.Real):
        return float(answer)
    if hasattr(answer, "shape") and hasattr(answer, "dtype"):
        array = _to_array(answer)
        if array.shape == () and array.dtype.kind in "iuf":
            return float(array)
    return None


def _number_problem(answer):
    if _as_number(answer) is not None:
        return None
    if hasattr(answer, "shape") and tuple(answer.shape) != ():
        return f"expected a single number, got {_describe(answer)} (use float(...) on one value)"
    return f"expected a number, got {_describe(answer)}"


@dataclass(frozen=True)
class Number(Answer):
    """One real number, right when ``|answer - expected| <= atol + rtol * |expected|``.

    Args:
        rtol: the relative tolerance.
        atol: the absolute tolerance (for answers close to 0).
    """

    rtol: float = 1e-6
    atol: float = 1e-9

    def expects(self):
        return f"a number (compared within a relative tolerance of {self.rtol:g})"

    def problem(self, answer):
        return _number_problem(answer)

    def compare(self, answer, expected, given):
        value, right = _as_number(answer), float(expected)
        if not np.isfinite(value):
            return f"your answer is {value}, not a finite number"
        if abs(value - right) <= self.atol + self.rtol * abs(right):
            return None
        return "your value is too large" if value > right else "your value is too small"


@dataclass(frozen=True)
class Array(Answer):
    """An array of numbers (a list, a NumPy array or a tensor): right when it has the expected shape and every
    entry is within ``atol + rtol * |expected|`` of the expected one.

    Args:
        rtol: the relative tolerance.
        atol: the absolute tolerance (for entries close to 0).
    """

    rtol: float = 1e-6
    atol: float = 1e-9

    def expects(self):
        return f"an array of numbers (compared entry by entry within a relative tolerance of {self.rtol:g})"

    def problem(self, answer):
        if isinstance(answer, (str, bytes, dict)) or callable(answer):
            return f"expected an array of numbers, got {_describe(answer)}"
        try:
            array = _to_array(answer)
        except (TypeError, ValueError):
            return f"expected an array of numbers, got {_describe(answer)}"
        if not _numeric(array):
            return f"expected an array of numbers, got {_describe(array)}"
        return None

    def compare(self, answer, expected, given):
        array, right = _to_array(answer).astype(float), _to_array(expected).astype(float)
        if array.shape != right.shape:
            return f"expected an array of shape {right.shape}, got shape {array.shape}"
        bad = ~np.isclose(array, right, rtol=self.rtol, atol=self.atol)
        if not bad.any():
            return None
        verb = "is" if bad.sum() == 1 else "are"
        return f"{int(bad.sum())} of {array.size} values {verb} off ({_positions(bad)})"


@dataclass(frozen=True)
class Case:
    """One input in the battery a :class:`Function` answer is tried on.

    Args:
        label: what kind of input this is, as the learner will read it: ``"residuals larger than delta"``.
        args: the positional arguments the function is called with: NumPy arrays and numbers (or tensors, for an
            exercise that asks for PyTorch code; the results are compared as NumPy arrays either way).
    """

    label: str
    args: tuple


@dataclass(frozen=True)
class Function(Answer):
    """A function the learner writes (their own loss, for instance), tried on a battery of inputs.

    The learner's function and the exercise's reference function are called with the same arguments, one
    :class:`Case` at a time (each call gets its own copy of the arguments). The answer is right when it returns
    values of the reference's shape, within the tolerance, on every case; otherwise the message names the kinds of
    input it gets wrong (the cases' labels), or the wrong shape it returns, or the error it raises, and shows no
    expected value.

    Args:
        signature: how the function is called, as the learner should write it: ``"huber(y_pred, y_true, delta)"``.
        returns: what it returns, in words: ``"one loss value per element"``.
        cases: the battery of inputs.
        rtol: the relative tolerance.
        atol: the absolute tolerance.
    """

    signature: str
    returns: str
    cases: tuple
    rtol: float = 1e-6
    atol: float = 1e-9

    def expects(self):
        return f"a function {self.signature} that returns {self.returns}"

    def problem(self, answer):
        return None if callable(answer) else f"expected a function, got {_describe(answer)}"

    def compare(self, answer, expected, given):
        failures = []
        for case in self.cases:
            right = _to_array(expected(*copy.deepcopy(case.args)))
            try:
                with warnings.catch_warnings(), np.errstate(all="ignore"):
                    warnings.simplefilter("ignore")
                    result = answer(*copy.deepcopy(case.args))
            except Exception as error:  # the learner's code: report the error, do not raise it
                return f"your function raised {type(error).__name__}: {error} (on {case.label})"
            try:
                got = _to_array(result)
            except (TypeError, ValueError):
                got = np.asarray(None)
            if not _numeric(got):
                return f"your function returned {_describe(result)} on {case.label}; expected {self.returns}"
            if got.shape != right.shape:  # the same slip on every input: say it once
                return (f"your function returns shape {got.shape} on {case.label}, where {self.returns} has "
                        f"shape {right.shape}")
            if not np.allclose(got.astype(float), right, rtol=self.rtol, atol=self.atol):
                failures.append(case.label)
        return "wrong for: " + "; ".join(failures) if failures else None


@dataclass(frozen=True)
class Minimiser(Answer):
    """A number that minimises an objective: right when the objective at the answer is as low as at the expected
    minimiser (within the tolerance), so that any of several minimisers counts.

    Args:
        objective: ``objective(value, given) -> float``.
        what: what is minimised, for the messages: ``"the MAE"``.
        rtol: the relative tolerance on the objective's value.
        atol: the absolute tolerance on the objective's value.
    """

    objective: Callable[[float, Any], float]
    what: str
    rtol: float = 1e-9
    atol: float = 1e-12

    def expects(self):
        return f"a number, where {self.what} is smallest"

    def problem(self, answer):
        return _number_problem(answer)

    def compare(self, answer, expected, given):
        value = _as_number(answer)
        if not np.isfinite(value):
            return f"your answer is {value}, not a finite number"
        at_answer, at_best = float(self.objective(value, given)), float(self.objective(float(expected), given))
        if abs(at_answer - at_best) <= self.atol + self.rtol * abs(at_best):
            return None
        return f"{self.what} at your value is larger than its minimum"


@dataclass(frozen=True)
class Choice(Answer):
    """One of a few options, given as a string; case, surrounding spaces and hyphens versus spaces do not matter.

    Args:
        options: the options, as the exercise lists them.
    """

    options: tuple

    def expects(self):
        return "one of " + ", ".join(repr(o) for o in self.options) + " (a string)"

    def problem(self, answer):
        if not isinstance(answer, str):
            return f"expected one of the options as a string, got {_describe(answer)}"
        if self._key(answer) not in {self._key(o) for o in self.options}:
            return f"{answer!r} is not one of the options"
        return None

    def compare(self, answer, expected, given):
        return None if self._key(answer) == self._key(expected) else "not this one"

    @staticmethod
    def _key(text):
        return " ".join(text.replace("-", " ").lower().split())

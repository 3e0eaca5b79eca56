"""Self-checks: the learner runs a check on their own answer and reads "Right." or "Not yet: ..." with a hint.

Each chapter has its own module here, so chapter authors add exercises without touching each other's files. In a
notebook:

>>> from lossbook.book.exercises import regression as ex
>>> ex.check("huber-by-hand", 1.0)
Not yet: your value is too small. Hint: compute the residuals r = y_pred -
  y_true first. A residual with |r| <= delta costs r**2 / 2, a larger one
  delta * (|r| - delta / 2); then average.
Verdict(False)

``check`` prints its verdict and returns a :class:`Verdict`, true or false like a bool. It never prints the right
answer: a wrong answer gets what is wrong with it in words (too large, which entries, which kind of input a function
gets wrong) and the exercise's hint, or a targeted message when it matches a typical mistake. An answer of the wrong
form (a string where a number is expected) gets a message that says what form is expected. ``ex.describe(id)``
prints the task's data and the expected form of the answer, ``ex.given(id)`` returns the data, ``ex.ids()`` lists
the exercises.

How a chapter author adds exercises
-----------------------------------

1. Create ``lossbook/book/exercises/<chapter>.py`` (copy :mod:`lossbook.book.exercises.regression`): make a
   ``chapter = Chapter("<chapter>")``, register each exercise with :meth:`Chapter.add`, and end with
   ``check, describe, given, ids = chapter.check, chapter.describe, chapter.given, chapter.ids``.
2. Each exercise declares its data (``given``), the kind of answer (:mod:`lossbook.book.exercises.answers`:
   ``Number``, ``Array``, ``Function``, ``Minimiser``, ``Choice``), a ``solution`` that computes the right answer
   from ``given`` with ``lossbook`` (never a number typed in), a ``hint`` that does not give the answer away, and
   optionally ``mistakes``: typical wrong answers, each with the message to show when a learner hands it in.
3. In the notebook, state the task in an ``{exercise}`` block, show the data with ``ex.describe(id)`` and leave a
   cell such as ``my_answer = None`` followed by ``ex.check(id, my_answer)``: with ``None`` the check only says
   that there is nothing to check yet, and the solution (folded, absent from the student edition) ends with the
   same check on the real answer.
4. ``tests/test_exercises.py`` checks every chapter's exercises found here: each solution is accepted, each
   mistake gets its message, wrong answers are refused without printing the solution.
"""

from __future__ import annotations

import copy
import importlib
import pkgutil
import re
import textwrap
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

from lossbook.book.exercises.answers import Answer

_ID = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")


@dataclass(frozen=True)
class Exercise:
    """One self-check exercise, as registered with :meth:`Chapter.add`.

    Attributes:
        id: the short name used in ``check(id, answer)``: lower case words joined by hyphens.
        title: a few words that name the task.
        kind: the kind of answer and how it is compared (:mod:`lossbook.book.exercises.answers`).
        solution: ``solution(given)`` computes the right answer from the data.
        given: the data of the task (``{name: value}``), shown by ``describe``.
        hint: what to think about when the answer is wrong; never the answer.
        mistakes: ``{message: wrong(given)}``: typical wrong answers, each with the message shown instead of the
            hint when a learner's answer matches it.
        remark: shown after "Right." (what the answer means); optional.
    """

    id: str
    title: str
    kind: Answer
    solution: Callable[[dict], Any]
    given: dict = field(default_factory=dict)
    hint: str = ""
    mistakes: dict = field(default_factory=dict)
    remark: str = ""


def _say(text):
    print(textwrap.fill(text, width=75, subsequent_indent="  ", break_on_hyphens=False))


def _show(value):
    if isinstance(value, np.ndarray):
        return repr(value.tolist())
    return repr(value)


class Chapter:
    """The exercises of one chapter, and the functions a learner calls: :meth:`check`, :meth:`describe`,
    :meth:`given`, :meth:`ids`.

    Args:
        name: the chapter's name (its module's name here, as ``"regression"``).
    """

    def __init__(self, name):
        self.name = name
        self._exercises = {}

    def add(self, id, *, title, kind, solution, hint, given=None, mistakes=None, remark=""):
        """Register an exercise (see :class:`Exercise` for the arguments).

        Args:
            id: the exercise's short name, unique in the chapter.
            title: a few words that name the task.
            kind: an answer kind from :mod:`lossbook.book.exercises.answers`.
            solution: ``solution(given)`` returns the right answer.
            hint: shown with a wrong answer.
            given: the task's data.
            mistakes: ``{message: wrong(given)}`` typical wrong answers.
            remark: shown after "Right.".

        Returns:
            The :class:`Exercise`.
        """
        if not _ID.fullmatch(id):
            raise ValueError(f"an exercise id is lower case words joined by hyphens, got {id!r}")
        if id in self._exercises:
            raise ValueError(f"chapter {self.name!r} already has an exercise {id!r}")
        if not isinstance(kind, Answer):
            raise TypeError(f"kind must be an answer kind from lossbook.book.exercises.answers, got {kind!r}")
        if not hint:
            raise ValueError(f"exercise {id!r} needs a hint")
        exercise = Exercise(id, title, kind, solution, dict(given or {}), hint, dict(mistakes or {}), remark)
        self._exercises[id] = exercise
        return exercise

    def exercise(self, id):
        """The registered :class:`Exercise` called ``id``.

        Args:
            id: the exercise's short name.

        Returns:
            The :class:`Exercise`.

        Raises:
            KeyError: if the chapter has no such exercise (the message lists the ones it has).
        """
        if id not in self._exercises:
            raise KeyError(f"chapter {self.name!r} has no exercise {id!r}; its exercises are: "
                           + ", ".join(self._exercises))
        return self._exercises[id]

    def ids(self):
        """The ids of the chapter's exercises, in the order they were added.

        Returns:
            A list of strings.
        """
        return list(self._exercises)

    def given(self, id):
        """The data of an exercise, to compute with (a copy: changing it changes nothing in the exercise).

        Args:
            id: the exercise's short name.

        Returns:
            A dict ``{name: value}``.
        """
        return copy.deepcopy(self.exercise(id).given)

    def describe(self, id):
        """Print an exercise's title, its data and the form of answer :meth:`check` expects.

        Args:
            id: the exercise's short name.
        """
        exercise = self.exercise(id)
        _say(f"{exercise.id}: {exercise.title}")
        for name, value in exercise.given.items():
            _say(f"  {name} = {_show(value)}")
        _say(f"Answer: {exercise.kind.expects()}.")

    def check(self, id, answer):
        """Check a learner's answer and print the verdict: "Right." or "Not yet: ..." with a hint.

        The right answer is never printed. An answer of the wrong form gets a message that says what is expected;
        ``None`` (or ``...``) as the answer says that there is nothing to check yet.

        Args:
            id: the exercise's short name.
            answer: the learner's answer: a number, an array, a function, ... as the exercise asks.

        Returns:
            A :class:`Verdict`: true if the answer is right. A notebook shows only the printed verdict, not the
            value (``if ex.check(...):`` and ``assert ex.check(...)`` work as with a bool).
        """
        exercise = self.exercise(id)
        kind = exercise.kind
        if answer is None or answer is Ellipsis:
            _say(f"Nothing to check yet: replace {answer!r} with your answer, {kind.expects()}.")
            return Verdict(False)
        problem = kind.problem(answer)
        if problem is not None:
            _say(f"Cannot check this answer: {problem}. Expected {kind.expects()}.")
            return Verdict(False)
        given = self.given(id)
        diagnosis = kind.compare(answer, exercise.solution(given), given)
        if diagnosis is None:
            _say(f"Right. {exercise.remark}".strip())
            return Verdict(True)
        for message, wrong in exercise.mistakes.items():
            if kind.compare(answer, wrong(self.given(id)), given) is None:
                _say(f"Not yet: {message}")
                return Verdict(False)
        _say(f"Not yet: {diagnosis}. Hint: {exercise.hint}")
        return Verdict(False)


class Verdict:
    """What :meth:`Chapter.check` returns: true or false like a bool, and silent in a notebook (the verdict is
    already printed; a cell ending with ``ex.check(...)`` would otherwise also show ``True`` or ``False``).

    >>> bool(Verdict(True)), Verdict(False) == False
    (True, True)
    """

    __slots__ = ("right",)

    def __init__(self, right):
        self.right = bool(right)

    def __bool__(self):
        return self.right

    def __eq__(self, other):
        return self.right == bool(other) if isinstance(other, (bool, Verdict)) else NotImplemented

    def __hash__(self):
        return hash(self.right)

    def __repr__(self):
        return f"Verdict({self.right})"

    def _ipython_display_(self):
        """Display nothing: the verdict was printed when it was reached."""


def chapters():
    """Every chapter module in this package, imported: ``{name: Chapter}``.

    Returns:
        A dict from the chapter's name to its :class:`Chapter`.
    """
    found = {}
    for info in pkgutil.iter_modules(__path__):
        if info.name.startswith("_") or info.name == "answers":
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        chapter = getattr(module, "chapter", None)
        if isinstance(chapter, Chapter):
            found[chapter.name] = chapter
    return found

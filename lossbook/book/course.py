"""The course as the chapters themselves describe it, for the teacher's page (book/teaching.ipynb).

Nothing here is typed in twice: the chapters and their order come from the table of contents (``_toc.yml``, the part
captioned "Chapters"); each chapter's title, objectives, prerequisites and time come from its plan, the admonition
under its title::

    :::{admonition} In this chapter
    :class: chapter-plan
    **You will be able to**
    - ...
    **You need:** ...
    **Time:** about 40 minutes to read and run, plus 75 minutes for the exercises.
    :::

and its exercises from the ``{exercise}`` blocks of its text and from its self-check module
(:mod:`lossbook.book.exercises`). If a chapter changes, the teacher's page changes with it when it is executed.

>>> chapter_names()[:2]
['what_is_a_loss', 'likelihood']
>>> plan = chapter_plan("what_is_a_loss")
>>> plan.title, plan.reading_minutes > 0, len(plan.objectives) > 0
('What is a loss function?', True, True)
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from lossbook.book import exercises

ROOT = Path(__file__).resolve().parents[2]  # the repository: _toc.yml and book/

_PLAN = re.compile(r":::\{admonition\} In this chapter\n:class: chapter-plan\n(?P<body>.*?)\n:::", re.S)
_TIME = re.compile(r"\*\*Time:\*\* about (?P<read>\d+) minutes to read and run"
                   r"(?:, plus (?P<exercises>\d+) minutes for the exercises)?")
_NEED = re.compile(r"\*\*You need:\*\*\s*(?P<need>.*?)(?=\n\n|\n\*\*|\Z)", re.S)
_EXERCISE = re.compile(r"^[ \t]*(?:`{3,}|:{3,})\{exercise\}", re.M)


@dataclass(frozen=True)
class ChapterPlan:
    """What a chapter says about itself.

    Attributes:
        chapter: the notebook's name (``"regression"``), the name ``{doc}`` links use.
        title: the chapter's title, its first heading.
        objectives: the items under "You will be able to", in MyST as written.
        prerequisites: the text after "You need:", in MyST as written.
        reading_minutes: the time to read the chapter and run its cells.
        exercise_minutes: the time its exercises take (0 if the plan gives none).
        exercises: the number of ``{exercise}`` blocks in its text.
        self_checks: the ids of its self-check exercises (empty if it has no module).
    """

    chapter: str
    title: str
    objectives: tuple[str, ...]
    prerequisites: str
    reading_minutes: int
    exercise_minutes: int
    exercises: int
    self_checks: tuple[str, ...]


def chapter_names(root=ROOT):
    """The chapters of the course, in the book's order: the files of the part captioned "Chapters" in ``_toc.yml``.

    Args:
        root: the repository's folder.

    Returns:
        A list of names, such as ``["what_is_a_loss", "likelihood", ...]``.
    """
    toc = yaml.safe_load((Path(root) / "_toc.yml").read_text(encoding="utf-8"))
    (part,) = [part for part in toc["parts"] if part.get("caption") == "Chapters"]
    return [Path(entry["file"]).name for entry in part["chapters"]]


def _markdown(path):
    cells = json.loads(Path(path).read_text(encoding="utf-8"))["cells"]
    return "\n".join("".join(cell["source"]) for cell in cells if cell["cell_type"] == "markdown")


def _objectives(body):
    """The bullet items after "You will be able to", each joined onto one line."""
    after = body.split("**You will be able to**", 1)[1]
    items, current = [], None
    for line in after.splitlines():
        if line.startswith("- "):
            current = [line[2:].strip()]
            items.append(current)
        elif current is not None and line.startswith("  ") and line.strip():
            current.append(line.strip())
        elif line.strip():
            break
    return tuple(" ".join(item) for item in items)


def chapter_plan(name, root=ROOT):
    """Read one chapter's plan from its notebook ``book/<name>.ipynb``.

    Args:
        name: the chapter's name.
        root: the repository's folder.

    Returns:
        A :class:`ChapterPlan`.

    Raises:
        ValueError: if the notebook has no plan, or the plan lacks its objectives, prerequisites or time.
    """
    text = _markdown(Path(root) / "book" / f"{name}.ipynb")
    plan = _PLAN.search(text)
    time = _TIME.search(plan.group("body")) if plan else None
    need = _NEED.search(plan.group("body")) if plan else None
    if not (plan and time and need and "**You will be able to**" in plan.group("body")):
        raise ValueError(f"chapter {name!r} has no complete plan (objectives, 'You need:', 'Time: about N minutes')")
    title = re.search(r"^# (.+)$", text, re.M).group(1).strip()
    checks = exercises.chapters().get(name)
    return ChapterPlan(
        chapter=name,
        title=title,
        objectives=_objectives(plan.group("body")),
        prerequisites=" ".join(need.group("need").split()),
        reading_minutes=int(time.group("read")),
        exercise_minutes=int(time.group("exercises") or 0),
        exercises=len(_EXERCISE.findall(text)),
        self_checks=tuple(checks.ids()) if checks else (),
    )


def course_plan(root=ROOT):
    """The plan of every chapter, in the book's order.

    Args:
        root: the repository's folder.

    Returns:
        A list of :class:`ChapterPlan`.
    """
    return [chapter_plan(name, root) for name in chapter_names(root)]


def sessions(plans, minutes=90):
    """Group the chapters, in order, into class sessions of at most ``minutes`` each.

    A chapter starts a new session unless it fits, with its reading time, into what is left of the current one;
    the time a session has left over goes to the exercises. A chapter longer than a session gets a session of
    its own.

    Args:
        plans: the chapters' plans, in order (:func:`course_plan`).
        minutes: the length of one session.

    Returns:
        A list of sessions, each a list of :class:`ChapterPlan`.

    >>> from dataclasses import replace
    >>> p = ChapterPlan("a", "A", (), "", 40, 60, 0, ())
    >>> [[c.chapter for c in s] for s in sessions([p, replace(p, chapter="b"), replace(p, chapter="c")], 90)]
    [['a', 'b'], ['c']]
    """
    grouped = []
    for plan in plans:
        if grouped and sum(p.reading_minutes for p in grouped[-1]) + plan.reading_minutes <= minutes:
            grouped[-1].append(plan)
        else:
            grouped.append([plan])
    return grouped

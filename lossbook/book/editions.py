"""The student edition of the notebooks: the same chapters without the solutions of the exercises.

The site's student edition leaves the solutions out when it is built (``_ext/lossbook_site.py``); the notebooks a
teacher hands out need the same cut. A solution in a chapter is a gated block, written in Markdown cells as

.. code-block:: text

    ```{solution-start} <exercise label>
    :class: dropdown
    ```
    ... Markdown, and whole code cells ...
    ```{solution-end}
    ```

and it may start and end in the middle of a Markdown cell. :func:`student_notebook` removes everything from each
start to its end, those lines included; ``make student-notebooks`` (``python -m lossbook.book.editions``) writes
the student copies of every chapter to ``_build/student/notebooks/``.

>>> import nbformat
>>> nb = nbformat.v4.new_notebook(cells=[
...     nbformat.v4.new_markdown_cell("Task.\\n\\n```{solution-start} ex-1\\n```\\nThe answer is 4."),
...     nbformat.v4.new_code_cell("print(2 + 2)"),
...     nbformat.v4.new_markdown_cell("```{solution-end}\\n```\\nNext section.")])
>>> [cell.source for cell in student_notebook(nb).cells]
['Task.\\n\\n', 'Next section.']
"""

from __future__ import annotations

import argparse
import copy
import re
from pathlib import Path

START = re.compile(r"^\s*```+\{solution-start\}")
END = re.compile(r"^\s*```+\{solution-end\}")
FENCE = re.compile(r"^\s*```+\s*$")


def student_notebook(nb):
    """A copy of the notebook ``nb`` (an ``nbformat`` notebook) without the gated solutions of its exercises.

    Args:
        nb: the notebook.

    Returns:
        The student copy, a new notebook, in which Markdown cells keep the text outside the solutions (a cell left
        empty is dropped) and code cells inside a solution are dropped.

    Raises:
        ValueError: a solution that is not closed, or an end without a start.
    """
    out = copy.deepcopy(nb)
    cells, inside = [], None
    for cell in out.cells:
        if cell.cell_type != "markdown":
            if inside is None:
                cells.append(cell)
            continue
        kept, inside = _cut(cell.source, inside)
        if kept.strip():
            cell.source = kept
            cells.append(cell)
    if inside is not None:
        raise ValueError(f"the solution starting at {inside!r} is never closed with {{solution-end}}")
    out.cells = cells
    return out


def solution_count(nb):
    """The number of gated solutions (``{solution-start}`` lines) in the Markdown cells of the notebook ``nb``."""
    return sum(bool(START.match(line)) for cell in nb.cells if cell.cell_type == "markdown"
               for line in cell.source.splitlines())


def _cut(text, inside):
    """The lines of ``text`` outside solutions, and the state after it (None, or the start line still open)."""
    kept, closing_end = [], False
    for line in text.splitlines(keepends=True):
        if closing_end:  # the fence that closes the {solution-end} directive
            closing_end = not FENCE.match(line)
            continue
        if inside is None and START.match(line):
            inside = line.strip()
        elif inside is not None and END.match(line):
            inside, closing_end = None, True
        elif END.match(line):
            raise ValueError(f"{{solution-end}} without a {{solution-start}}: {line.strip()!r}")
        elif inside is None:
            kept.append(line)
    return "".join(kept), inside


def write_student_notebooks(book, destination):
    """Write the student copy of every notebook in the folder ``book`` to ``destination``.

    Args:
        book: the folder of the chapters (``book/``).
        destination: the folder to write to (created if missing).

    Returns:
        The paths written.
    """
    import nbformat

    destination = Path(destination)
    destination.mkdir(parents=True, exist_ok=True)
    written = []
    for path in sorted(Path(book).glob("*.ipynb")):
        nb = student_notebook(nbformat.read(path, as_version=4))
        nbformat.write(nb, destination / path.name)
        written.append(destination / path.name)
    return written


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m lossbook.book.editions", description=__doc__.split("\n\n")[0])
    parser.add_argument("--book", default="book", help="the folder of the chapters")
    parser.add_argument("--out", default="_build/student/notebooks", help="where to write the student notebooks")
    args = parser.parse_args(argv)
    for path in write_student_notebooks(args.book, args.out):
        print(path)


if __name__ == "__main__":
    main()

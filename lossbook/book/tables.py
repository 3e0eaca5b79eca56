"""Markdown tables that the chapters generate from lossbook (the catalog, ``choose``, measurements), so that a
table on the site can never disagree with the package. A notebook shows one with
``IPython.display.Markdown(markdown_table(...))``; the site styles such tables to fit the text column.

>>> print(markdown_table(["loss", "convex"], [["`mse`", yes_no(True)], ["`zero_one`", yes_no(False)]]))
| loss | convex |
|---|---|
| `mse` | yes |
| `zero_one` | no |
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence


def yes_no(flag: bool) -> str:
    """``"yes"`` or ``"no"``, for a table cell.

    Args:
        flag: a truth value.

    Returns:
        The word.
    """
    return "yes" if flag else "no"


def _cell(value: object) -> str:
    """One cell's text: on one line, with ``|`` escaped so that it cannot end the cell."""
    return " ".join(str(value).split()).replace("|", "\\|")


def markdown_table(header: Sequence[object], rows: Iterable[Sequence[object]]) -> str:
    """A Markdown (GitHub-flavoured) table.

    Args:
        header: the column titles.
        rows: one sequence of cells per row, as many as the header has; each cell is written with ``str``, on one
            line, with any ``|`` escaped.

    Returns:
        The table's Markdown text, one line per row.

    Raises:
        ValueError: if a row has more or fewer cells than the header.
    """
    header = [_cell(h) for h in header]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for number, row in enumerate(rows, 1):
        cells = [_cell(c) for c in row]
        if len(cells) != len(header):
            raise ValueError(f"row {number} has {len(cells)} cells, the header {len(header)}")
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)

"""The student notebooks: every chapter without its solutions, everything else kept."""

import re
from collections import Counter
from pathlib import Path

import nbformat
import pytest

from lossbook.book import editions

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted(ROOT.glob("book/*.ipynb"))


def _lines(nb):
    """(lines inside solutions, lines outside), stripped and non-empty, read independently of the module's code:
    a line by line walk that toggles at the start and end markers (and skips the end directive's closing fence)."""
    inside_lines, outside_lines, inside, skip_fence = [], [], False, False
    for cell in nb.cells:
        for line in cell.source.splitlines():
            if skip_fence:
                skip_fence = False
            elif editions.START.match(line):
                inside = True
            elif editions.END.match(line):
                inside, skip_fence = False, True
            elif line.strip():
                (inside_lines if inside else outside_lines).append(line.strip())
    return inside_lines, outside_lines


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_student_notebook_has_no_solution_and_keeps_the_rest(path):
    nb = nbformat.read(path, as_version=4)
    student = editions.student_notebook(nb)
    nbformat.validate(student)
    inside, outside = _lines(nb)
    kept = [line.strip() for cell in student.cells for line in cell.source.splitlines() if line.strip()]
    assert Counter(kept) == Counter(outside)  # exactly the text outside the solutions, nothing of the inside
    assert "solution-start" not in "\n".join(kept)
    assert "\n".join(kept).count("{exercise}") == "\n".join(outside).count("{exercise}")


def test_unclosed_or_unopened_solutions_are_errors():
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("```{solution-start} x\n```\nanswer")])
    with pytest.raises(ValueError, match="never closed"):
        editions.student_notebook(nb)
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("text\n```{solution-end}\n```")])
    with pytest.raises(ValueError, match="without a"):
        editions.student_notebook(nb)


def test_write_student_notebooks(tmp_path):
    written = editions.write_student_notebooks(ROOT / "book", tmp_path)
    assert [p.name for p in written] == [p.name for p in NOTEBOOKS]
    for path in written:
        assert not re.search(r"\{solution-(start|end)\}", path.read_text())

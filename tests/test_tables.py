"""lossbook.book.tables: the Markdown tables the chapters generate."""

import pytest

from lossbook.book.tables import markdown_table, yes_no


def test_markdown_table_one_line_per_row_and_escaped_pipes():
    text = markdown_table(["a", "b"], [[1, "x | y"], ["two\nlines", yes_no(False)]])
    assert text.splitlines() == ["| a | b |", "|---|---|", "| 1 | x \\| y |", "| two lines | no |"]


def test_markdown_table_refuses_a_row_of_the_wrong_length():
    with pytest.raises(ValueError, match="row 2 has 1 cells, the header 2"):
        markdown_table(["a", "b"], [[1, 2], [3]])


def test_yes_no():
    assert (yes_no(True), yes_no(0)) == ("yes", "no")

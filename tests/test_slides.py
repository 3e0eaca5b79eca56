"""The slide decks' builder (_ext/lossbook_slides.py): which cells go on slides, that solutions never do, the MyST a
slide can show, and the page it writes. The built decks are checked in tests/test_site.py and test_browser.py."""

import doctest
import re
import sys
from pathlib import Path

import nbformat
import pytest
from conftest import solution_lines
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "_ext"))
import lossbook_slides as slides  # noqa: E402

NOTEBOOKS = sorted(ROOT.glob("book/*.ipynb"))
REFERENCES = slides.bibliography(ROOT / "book/references.bib")


def _md(source, *tags):
    return new_markdown_cell(source, metadata={"tags": list(tags)} if tags else {})


def _code(source, *tags, outputs=()):
    return new_code_cell(source, metadata={"tags": list(tags)} if tags else {}, outputs=list(outputs))


def _types(deck):
    return [cell.metadata.slideshow["slide_type"] for cell in deck.cells]


def test_doctests():
    assert doctest.testmod(slides).failed == 0


def test_only_tagged_cells_in_order():
    nb = new_notebook(cells=[
        _md("# Title\n\nNot on a slide."),
        _md("## Idea\n\nThe point.", "slide"),
        _code("print(1)", "slide-continue", outputs=[new_output("stream", name="stdout", text="1\n")]),
        _code("print(2)"),
        _md("And then.", "slide-fragment"),
        _code("x = 1", "slide"),
    ])
    deck = slides.plan(nb)
    assert [cell.source for cell in deck.cells] == ["## Idea\n\nThe point.", "print(1)", "And then.", "x = 1"]
    assert _types(deck) == ["slide", "-", "fragment", "slide"]
    assert deck.slides == 2 and deck.problems == []
    assert deck.cells[1].outputs[0]["text"] == "1\n"
    assert "slideshow" not in nb.cells[1].metadata, "the notebook itself is left alone"


def test_a_chapter_without_tags_has_no_deck():
    deck = slides.plan(new_notebook(cells=[_md("# Title"), _code("x = 1")]))
    assert deck.cells == [] and deck.slides == 0 and deck.problems == []


def test_headings_start_slides_and_a_slide_starts_at_a_heading():
    text = ("The end of the last section.\n\n## First\n\nA.\n\n```python\n# a comment, not a heading\n```\n\n"
            "### Second\n\nB.")
    deck = slides.plan(new_notebook(cells=[_md(text, "slide")]))
    assert [cell.source.split("\n")[0] for cell in deck.cells] == ["## First", "### Second"]
    assert _types(deck) == ["slide", "slide"]
    assert "# a comment" in deck.cells[0].source
    assert len({cell.id for cell in deck.cells}) == 2
    # Appended to a slide, a cell keeps its text above the first heading.
    deck = slides.plan(new_notebook(cells=[_md("## Start", "slide"), _md(text, "slide-continue")]))
    assert [cell.source.split("\n")[0] for cell in deck.cells] == ["## Start", "The end of the last section.",
                                                                   "## First", "### Second"]


def test_solutions_never_go_on_a_slide():
    nb = new_notebook(cells=[
        _md("## Exercises\n\n```{exercise}\n:label: ex-1\n\nDo it.\n```\n\n"
            "```{solution-start} ex-1\n:class: dropdown\n```", "slide"),
        _code("secret = 42", "slide-continue"),
        _md("The answer is 42.\n\n```{solution-end}\n```", "slide"),
        _md("## After", "slide"),
    ])
    deck = slides.plan(nb)
    text = "\n".join(cell.source for cell in deck.cells)
    assert "secret" not in text and "42" not in text and "solution" not in text
    assert "> **Exercise.** Do it." in text
    assert [cell.source for cell in deck.cells][-1] == "## After"
    assert len(deck.problems) == 2 and all("part of a solution" in p for p in deck.problems)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_no_solution_of_any_chapter_reaches_a_deck(path):
    nb = nbformat.read(path, as_version=4)
    solutions = solution_lines(nb)
    for cell in nb.cells:  # the worst case: every cell tagged
        cell.metadata["tags"] = ["slide"]
    deck = slides.plan(nb, REFERENCES)
    text = "\n".join(cell.source for cell in deck.cells)
    assert "solution-start" not in text and "solution-end" not in text
    assert not [line for line in solutions if line in text]
    assert bool(solutions) == any("part of a solution" in problem for problem in deck.problems)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_chapter_is_tagged_without_problems(path):
    deck = slides.plan(nbformat.read(path, as_version=4), REFERENCES)
    assert deck.problems == []


def test_the_first_chapter_has_a_deck():
    deck = slides.plan(nbformat.read(ROOT / "book/what_is_a_loss.ipynb", as_version=4), REFERENCES)
    assert 6 <= deck.slides <= 10
    assert deck.cells[0].source.startswith("# What is a loss function?")
    assert any(cell.cell_type == "code" for cell in deck.cells)
    assert any("image/png" in out.get("data", {}) for cell in deck.cells for out in cell.get("outputs", []))
    assert any("$$" in cell.source for cell in deck.cells)


def test_myst_reduced_to_markdown():
    problems = []
    text = slides.to_markdown(
        "(sec-a)=\nSee {cite:t}`huber1964robust` and {cite:p}`koenker1978regression,szegedy2016rethinking`, "
        "the {term}`logit`, "
        "{math}`x^2`, {py:func}`~lossbook.numpy.mse`.\n\n$$a = b$$ (eq-one)\n\n"
        ":::{note}\nA {term}`cost <Cost>`.\n:::\n\n```{admonition} Why\nBecause.\n```\n\n```{figure} a.png\n```",
        REFERENCES, problems)
    assert "(sec-a)=" not in text and "(eq-one)" not in text
    assert "See Huber (1964) and (Koenker and Bassett, 1978; Szegedy et al., 2016), the logit, $x^2$, `mse`." in text
    assert "> **Note.** A cost." in text and "> **Why.** Because." in text
    assert problems == ["a {figure} directive cannot be shown on a slide"]
    slides.to_markdown("{cite:p}`nobody2000`", REFERENCES, problems)
    assert problems[-1] == "unknown citation in {cite:p}`nobody2000`"


def test_tagging_mistakes_are_reported():
    nb = new_notebook(cells=[
        _md("Appended to nothing.", "slide-continue"),
        _code("x = 1", "slide", "slide-fragment"),
        _code("import secret", "slide", "remove-cell"),
        _md("", "slide"),
    ])
    deck = slides.plan(nb)
    assert len(deck.problems) == 4
    assert "cell 2 (tagged 'slide') has more than one slide tag" in deck.problems[0]
    assert "remove-cell" in deck.problems[1] and "nothing to show" in deck.problems[2]
    assert "first tagged cell is not tagged 'slide'" in deck.problems[3]
    assert _types(deck) == ["slide", "slide"]


def test_hidden_input_and_output_stay_hidden():
    out = new_output("display_data", data={"text/plain": "shown"})
    nb = new_notebook(cells=[_code("plot()", "slide", "hide-input", outputs=[out]),
                             _code("setup()", "slide", "remove-output", outputs=[out])])
    html = slides.render(nb, slides.plan(nb), title="T", static="../_static", chapter="../book/t.html",
                         index="index.html")
    assert "plot()" not in re.sub(r"<[^>]+>", "", html) and "setup" in html
    assert html.count("shown") == 1


def test_the_page_loads_everything_from_the_site():
    nb = nbformat.read(ROOT / "book/what_is_a_loss.ipynb", as_version=4)
    deck = slides.plan(nb, REFERENCES)
    html = slides.render(nb, deck, title="What is a loss function?", static="../_static",
                         chapter="../book/what_is_a_loss.html", index="index.html")
    loads = re.findall(r'<(?:script|link|img)\b[^>]*?(?:src|href)="([^"]+)"', html)
    assert {url for url in loads if not url.startswith("data:")} == {
        "../_static/favicon.ico", "../_static/revealjs/dist/reveal.css", "../_static/lossbook-slides.css",
        "../_static/mathjax/es5/tex-chtml.js", "../_static/revealjs/dist/reveal.js"}
    assert not re.search(r"require\.js|jquery|unpkg|cdnjs|googleapis", html, re.I)
    assert len(re.findall(r"<section\b", html)) == 2 * deck.slides  # a slide is a stack holding one slide
    assert "Reveal.initialize" in html and 'href="../book/what_is_a_loss.html"' in html


def test_index_page():
    page = slides.index_page([("What is a loss function?", "what_is_a_loss.html", "../book/what_is_a_loss.html", 9)],
                             static="../_static", book="../book/intro.html")
    assert '<a href="what_is_a_loss.html">What is a loss function?</a>, 9 slides' in page
    assert "No chapter" in slides.index_page([], static="../_static", book="../book/intro.html")

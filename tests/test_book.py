"""The book: the table of contents matches the notebooks, every notebook imports lossbook first and is committed
executed without errors, its interactive figures hold one figure for both JupyterLab and the site, and the site
builds with zero warnings."""

import hashlib
import json
import re
from pathlib import Path

import pytest
import yaml

from lossbook.book import course, exercises

ROOT = Path(__file__).resolve().parents[1]
TOC = yaml.safe_load((ROOT / "_toc.yml").read_text())
CHAPTERS = [c["file"] for part in TOC["parts"] for c in part["chapters"]]
NOTEBOOKS = sorted(ROOT.glob("book/*.ipynb"))


def _cells(path):
    return json.loads(path.read_text())["cells"]


def test_toc_lists_every_notebook_and_nothing_missing():
    # A chapter is a notebook; the reference pages (glossary, API, bibliography) are Markdown.
    sources = {c: [ROOT / f"{c}{ext}" for ext in (".ipynb", ".md") if (ROOT / f"{c}{ext}").exists()] for c in CHAPTERS}
    assert all(len(found) == 1 for found in sources.values()), f"a chapter in _toc.yml has no source: {sources}"
    listed = {found[0] for found in sources.values() if found[0].suffix == ".ipynb"}
    assert set(NOTEBOOKS) == listed, "a notebook in book/ is not in _toc.yml"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_imports_lossbook_first(path):
    code = [c for c in _cells(path) if c["cell_type"] == "code"]
    first = "".join(code[0]["source"])
    if "google.colab" in first:  # an install cell for hosted runtimes may come first
        first = "".join(code[1]["source"])
    assert "import lossbook" in first or "from lossbook" in first


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_committed_executed_without_errors(path):
    nb = json.loads(path.read_text())
    assert "allow_errors" not in json.dumps(nb.get("metadata", {}))
    for cell in nb["cells"]:
        if cell["cell_type"] != "code":
            continue
        tags = cell.get("metadata", {}).get("tags", [])
        assert "raises-exception" not in tags and "skip-execution" not in tags
        assert cell["execution_count"] is not None, "cell not executed"
        for out in cell.get("outputs", []):
            assert out["output_type"] != "error", "".join(out.get("traceback", []))[-500:]
            assert not (out["output_type"] == "stream" and out["name"] == "stderr"), "".join(out["text"])[:500]


def test_interactive_figures_hold_the_same_figure_for_jupyterlab_and_the_site():
    """Each interactive figure's output has the Plotly JSON that JupyterLab draws and the HTML the site shows; both
    hold the same figure (nbval compares both with a fresh run), under an id derived from it."""
    found = {}
    for path in NOTEBOOKS:
        for cell in _cells(path):
            for out in cell.get("outputs", []):
                data = out.get("data", {})
                page = "".join(data.get("text/html", []))
                if "lossbook-figure" not in page:
                    continue
                found[path.stem] = found.get(path.stem, 0) + 1
                figure = data["application/vnd.plotly.v1+json"]
                element, embedded = re.search(r'var id = "([^"]+)", figure = (\{.*?\});\n', page).groups()
                assert json.loads(embedded) == figure
                compact = json.dumps(figure, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
                assert element == "lossbook-figure-" + hashlib.sha256(compact.encode()).hexdigest()[:12]
                assert "".join(data["text/plain"]).startswith("<interactive figure: slider ")
    assert found == {"regression": 3, "binary_classification": 2, "multiclass": 1, "custom_loss": 1}


@pytest.mark.parametrize("edition", ["teacher", "student"])
def test_site_builds_without_warnings(site, edition):
    build = site[edition]  # the session fixture in conftest.py builds both editions once, for every site test
    print(f"{edition} edition built in {build.seconds:.1f} s")
    assert build.returncode == 0, build.output[-3000:]
    assert "WARNING" not in build.output and "ERROR" not in build.output, build.output[-3000:]


# ---------------------------------------------------------------------------------------------- course material

# The course's chapters open with a plan ("In this chapter"), the appendices that are notebooks with one of their own
# ("In this appendix"); the pages before the chapters (notation, the teacher's page) are not part of the course.
COURSE = course.chapter_names(ROOT)
APPENDICES = [c for part in TOC["parts"] if part.get("caption") == "Appendices" for c in part["chapters"]]
CHAPTER_NOTEBOOKS = [ROOT / "book" / f"{name}.ipynb" for name in COURSE] + [
    ROOT / f"{c['file']}.ipynb" for c in APPENDICES if (ROOT / f"{c['file']}.ipynb").exists()]
PLAN = re.compile(r":::\{admonition\} In this (chapter|appendix)\n:class: chapter-plan\n(.*?)\n:::", re.S)


def _markdown(path):
    return "\n".join("".join(c["source"]) for c in _cells(path) if c["cell_type"] == "markdown")


@pytest.mark.parametrize("path", CHAPTER_NOTEBOOKS, ids=lambda p: p.stem)
def test_chapter_opens_with_its_plan(path):
    """Objectives, true prerequisites and a time estimate, in the one format the CSS and the teacher's page read."""
    plan = PLAN.search(_markdown(path))
    assert plan, f"{path.name}: no ':::{{admonition}} In this chapter' block with ':class: chapter-plan'"
    text = plan.group(2)
    assert "**You will be able to**" in text and re.search(r"^- ", text, re.M)
    assert "**You need:**" in text
    assert re.search(r"\*\*Time:\*\* about \d+ minutes", text)


@pytest.mark.parametrize("name", COURSE)
def test_the_teachers_page_reads_every_chapters_plan(name):
    """lossbook.book.course finds each objective as one item, the prerequisites, both times and the exercises."""
    plan = course.chapter_plan(name, ROOT)
    text = _markdown(ROOT / "book" / f"{name}.ipynb")
    block = PLAN.search(text).group(2)
    assert len(plan.objectives) == len(re.findall(r"^- ", block.split("**You need:**")[0], re.M)) >= 3
    assert plan.prerequisites and plan.reading_minutes > 0 and plan.exercise_minutes > 0
    assert plan.exercises == text.count("{exercise}") >= 2
    assert plan.title == re.search(r"^# (.+)$", text, re.M).group(1)


def test_every_self_check_module_is_a_course_chapter():
    assert set(exercises.chapters()) <= set(COURSE)


@pytest.mark.parametrize("path", CHAPTER_NOTEBOOKS, ids=lambda p: p.stem)
def test_optional_sections_carry_the_marker(path):
    """Every heading that ends in '(optional)' is followed by the Optional admonition, and the admonition is only
    used under such a heading."""
    text = _markdown(path)
    headings = re.findall(r"^#+ .*\(optional\)\s*$", text, re.M)
    markers = re.findall(r":::\{admonition\} Optional\n:class: optional", text)
    assert len(headings) == len(markers), (path.name, headings)
    for heading in headings:
        after = text[text.index(heading) + len(heading):].lstrip()
        assert after.startswith(":::{admonition} Optional"), (path.name, heading)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_code_lines_fit_the_text_column(path):
    """The site's text column shows about 75 characters of code: no line of a code cell is longer."""
    long = [(i, line) for i, c in enumerate(_cells(path)) if c["cell_type"] == "code"
            for line in "".join(c["source"]).splitlines() if len(line) > 75]
    assert not long, f"{len(long)} lines over 75 characters, first: cell {long[0][0]}: {long[0][1]!r}"


def test_the_claims_appendix_links_every_claim():
    """Every claim a chapter labels (claim-<chapter>-<short>) is listed in the claims appendix, and the appendix
    links no label that does not exist (the build's nitpicky mode checks the latter too)."""
    labels = {m for path in NOTEBOOKS for m in re.findall(r"^\((claim-[\w-]+)\)=", _markdown(path), re.M)}
    linked = set(re.findall(r"<(claim-[\w-]+)>`", (ROOT / "book" / "claims.md").read_text(encoding="utf-8")))
    assert labels - linked == set(), "claims missing from book/claims.md"
    assert linked - labels == set(), "book/claims.md links labels that no chapter defines"


def test_the_api_page_documents_every_module_of_the_books_tooling():
    import pkgutil

    import lossbook.book

    found = {m.name for m in pkgutil.walk_packages(lossbook.book.__path__, "lossbook.book.")
             if not m.name.rsplit(".", 1)[1].startswith("_")}
    documented = set(re.findall(r"^\.\. automodule:: (lossbook\.book\.[\w.]+)",
                                (ROOT / "book" / "api.md").read_text(encoding="utf-8"), re.M))
    assert "lossbook.book.exercises.regression" in found
    assert found - documented == set()

"""The book: the table of contents matches the notebooks, every notebook imports lossbook first and is committed
executed without errors, its interactive figures hold one figure for both JupyterLab and the site, and the site
builds with zero warnings."""

import hashlib
import json
import re
from pathlib import Path

import pytest
import yaml

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

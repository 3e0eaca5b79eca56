"""Shared test settings: hypothesis profile, backends, conversions between NumPy and torch, and the site build."""

import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, settings

settings.register_profile(
    "lossbook", deadline=None, max_examples=int(os.environ.get("HYPOTHESIS_EXAMPLES", "60")),
    suppress_health_check=[HealthCheck.too_slow], derandomize=True,
)
settings.load_profile("lossbook")

BACKENDS = ["numpy", "torch"]


def backend(name):
    if name == "numpy":
        from lossbook import numpy as lb
    else:
        from lossbook import torch as lb
    return lb


def to_numpy(x):
    import torch

    return x.detach().cpu().numpy() if isinstance(x, torch.Tensor) else np.asarray(x)


# ---------------------------------------------------------------------------------------------------- the book's site

ROOT = Path(__file__).resolve().parents[1]
# Where `make book` writes the two editions (Jupyter Book puts a --path-output build under <path>/_build/html).
EDITIONS = {"teacher": ROOT / "_build" / "html", "student": ROOT / "_build" / "student" / "_build" / "html"}


# The cell tags that put a cell on a slide (_ext/lossbook_slides.py): a chapter with one of them has a deck.
SLIDE_TAGS = {"slide", "slide-continue", "slide-fragment"}


def chapters_with_slides():
    """The notebooks' names (without .ipynb) that have a cell tagged for slides, read from the notebooks."""
    import json

    def tagged(path):
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        return any(SLIDE_TAGS & set(cell.get("metadata", {}).get("tags", [])) for cell in cells)

    return sorted(path.stem for path in (ROOT / "book").glob("*.ipynb") if tagged(path))


def solution_lines(nb):
    """The lines of a notebook's gated solutions: all its text between each ``{solution-start}`` and the next
    ``{solution-end}`` (the directives' own lines left out), except lines the chapter also shows outside them and
    short ones. Found without the site's code, to check that no solution reaches a slide."""
    import re

    text = "\n".join(cell.source for cell in nb.cells)
    solution = re.compile(r"\{solution-start\}(.*?)\{solution-end\}", re.S)
    outside = solution.sub("", text)
    return {line.strip() for span in solution.findall(text) for line in span.splitlines()[2:-1]
            if len(line.strip()) > 12 and not line.strip().startswith("`") and line.strip() not in outside}


@dataclass
class Build:
    edition: str
    html: Path
    returncode: int
    output: str
    seconds: float

    def require(self):
        """The HTML folder; fails the calling test if this edition did not build."""
        if self.returncode != 0:
            pytest.fail(f"the {self.edition} edition did not build: see test_site_builds_without_warnings")
        return self.html


@pytest.fixture(scope="session")
def site():
    """Both editions of the book, built once per test run with the commands of `make book`, for every test that
    inspects the site (tests/test_book.py, test_site.py, test_browser.py). Each build also writes the chapters'
    slide decks (_ext/lossbook_slides.py, run by Sphinx), as `make book` does."""
    exe = Path(sys.executable).parent / "jupyter-book"
    builds = {}
    for edition, html in EDITIONS.items():
        args = [str(exe), "build", ".", "-W", "-n", "--keep-going", "--all"]
        if edition == "student":
            args += ["--path-output", "_build/student"]
        start = time.perf_counter()
        result = subprocess.run(args, cwd=ROOT, capture_output=True, text=True,
                                env={**os.environ, "LOSSBOOK_EDITION": edition})
        builds[edition] = Build(edition, html, result.returncode, result.stdout + result.stderr,
                                time.perf_counter() - start)
    return builds

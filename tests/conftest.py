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


@pytest.fixture(params=BACKENDS)
def lb(request):
    return backend(request.param)


# ---------------------------------------------------------------------------------------------------- the book's site

ROOT = Path(__file__).resolve().parents[1]
# Where `make book` writes the two editions (Jupyter Book puts a --path-output build under <path>/_build/html).
EDITIONS = {"teacher": ROOT / "_build" / "html", "student": ROOT / "_build" / "student" / "_build" / "html"}


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
    inspects the site (tests/test_book.py, test_site.py, test_browser.py)."""
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

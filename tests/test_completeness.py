"""The meta-test: every loss of the catalog has everything the project promises for a loss. Adding a loss is then:
its catalog record, its formula, and what this file asks for (a test case, an independent reference, an error
case, an accuracy probe with an mpmath reference, a benchmark row, an API-reference entry)."""

from pathlib import Path

import numpy as np
import pytest

from cases import CASES
from lossbook import _generate, catalog
from lossbook import numpy as lbn
from lossbook import torch as lbt
from lossbook.book import accuracy, bench
from lossbook.formulas import FORMULAS
from references import REFERENCES
from test_errors import BAD

ROOT = Path(__file__).resolve().parents[1]
NAMES = catalog.names()


@pytest.mark.parametrize("name", NAMES)
def test_formula_and_generated_functions(name):
    assert name in FORMULAS, "add the formula to lossbook.formulas.FORMULAS"
    assert _generate.stale() == [], "run: python -m lossbook._generate"
    assert callable(getattr(lbn, name)) and callable(getattr(lbn, name).grad) and callable(getattr(lbt, name))
    assert issubclass(getattr(lbt, catalog.get(name).module), lbt.torch.nn.Module)


@pytest.mark.parametrize("name", NAMES)
def test_has_a_test_case(name):
    assert any(case.loss == name for case in CASES), "add a Case to tests/cases.py"


@pytest.mark.parametrize("name", NAMES)
def test_has_an_independent_reference(name):
    assert name in REFERENCES, "add a reference to tests/references.py"


@pytest.mark.parametrize("name", NAMES)
def test_has_an_error_case(name):
    assert any(bad[1] == name for bad in BAD), "add a bad input to tests/test_errors.py"


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name", NAMES)
def test_has_an_accuracy_probe_with_an_exact_reference(name, dtype):
    probes = [p for p in accuracy.probes(dtype, quick=True) if p.loss == name]
    assert probes, "add adversarial inputs to lossbook.book.accuracy.probes"
    y_pred, y_true, options = accuracy.rounded_inputs(probes[0], dtype)
    exact = accuracy.exact(name, y_pred[:2], y_true[:2], options if not any(
        isinstance(v, np.ndarray) for v in options.values()) else {
            k: (v[:2] if isinstance(v, np.ndarray) else v) for k, v in options.items()})
    assert len(exact) >= 1  # the mpmath oracle knows the loss


@pytest.mark.parametrize("name", NAMES)
def test_has_a_benchmark_row(name):
    y_pred, y_true, options = bench.inputs(name, 2**10)
    assert callable(bench.builtin(name, options)) and bench.baseline_name(name)


@pytest.mark.parametrize("name", NAMES)
def test_has_an_api_reference_entry(name):
    api = (ROOT / "book/api.md").read_text()
    assert ".. automodule:: lossbook.numpy" in api and ".. automodule:: lossbook.torch" in api
    assert f".. autofunction:: lossbook.numpy.{name}.grad" in api, "list the gradient in book/api.md"

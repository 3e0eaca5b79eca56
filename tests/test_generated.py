"""lossbook/numpy.py and lossbook/torch.py are generated from the catalog: they must be what the generator writes
now (run ``python -m lossbook._generate`` after changing the catalog), and every loss must be a real function
with the catalog's signature and docstring."""

import inspect

import pytest

from lossbook import _generate, catalog
from lossbook import numpy as lbn
from lossbook import torch as lbt


def test_generated_modules_are_up_to_date():
    assert _generate.stale() == [], "run: python -m lossbook._generate"


@pytest.mark.parametrize("name", catalog.names())
def test_losses_are_real_functions_with_the_catalog_signature(name):
    record = catalog.get(name)
    for fn in (getattr(lbn, name), getattr(lbn, name).grad, getattr(lbt, name)):
        assert inspect.isfunction(fn)
        params = inspect.signature(fn).parameters
        assert list(params)[:2] == ["y_pred", "y_true"]
        assert {k: p.default for k, p in params.items() if p.kind is p.KEYWORD_ONLY} == {
            **record.hyperparameter_defaults(), "weight": None, "reduction": "mean"}
    module = inspect.signature(getattr(lbt, record.module))
    assert {k: p.default for k, p in module.parameters.items()} == {**record.hyperparameter_defaults(),
                                                                    "reduction": "mean"}
    assert getattr(lbn, name).grad.__qualname__ == f"{name}.grad"
    assert record.gradient_formula in getattr(lbn, name).grad.__doc__
    assert record.formula in getattr(lbn, name).__doc__ and record.formula in getattr(lbt, name).__doc__


def test_grad_docstrings_name_proper_nouns_correctly():
    assert "Gradient of the Kullback-Leibler divergence" in lbn.kl_divergence.grad.__doc__
    assert "Gradient of the Huber loss" in lbn.huber.grad.__doc__
    assert "Gradient of the mean squared error" in lbn.mse.grad.__doc__

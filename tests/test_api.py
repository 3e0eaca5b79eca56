"""The API contract: one set of names and signatures in both backends, a light top-level import,
nn.Modules, dtypes and devices."""

import inspect
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch

import lossbook
from cases import CASES, make_inputs
from lossbook import catalog
from lossbook import numpy as lbn
from lossbook import torch as lbt

DEVICES = ["cpu"] + (["cuda"] if torch.cuda.is_available() else [])


def test_import_lossbook_does_not_import_torch():
    code = "import sys, lossbook, lossbook.numpy, lossbook.book.data, lossbook.book.training, lossbook.book.plotting; " \
           "print('torch' in sys.modules, 'matplotlib' in sys.modules or 'scipy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False"]


@pytest.mark.parametrize("name", catalog.names())
def test_same_signature_in_both_backends(name):
    a, b = inspect.signature(getattr(lbn, name)), inspect.signature(getattr(lbt, name))
    assert a.parameters == b.parameters  # the return types differ: NumPy values, torch tensors
    params = list(a.parameters.values())
    assert [p.name for p in params[:2]] == ["y_pred", "y_true"]
    assert all(p.kind is p.KEYWORD_ONLY for p in params[2:])
    assert [p.name for p in params[-2:]] == ["weight", "reduction"]
    assert a.parameters["reduction"].default == "mean"
    assert {p.name: p.default for p in params[2:-2]} == catalog.get(name).hyperparameter_defaults()


def test_every_catalog_loss_is_in_both_backends_and_nothing_else():
    assert set(lbn.__all__) == set(catalog.names())
    modules = {r.module for r in catalog.RECORDS.values()}
    assert set(lbt.__all__) == set(catalog.names()) | modules | {"chunked_cross_entropy", "linear_cross_entropy"}
    assert (Path(lossbook.__file__).parent / "py.typed").is_file()


@pytest.mark.parametrize("name", catalog.names())
def test_every_numpy_loss_has_a_gradient(name):
    assert callable(getattr(lbn, name).grad)


@pytest.mark.parametrize("name", catalog.names())
def test_docstrings_carry_the_formula(name):
    record = catalog.get(name)
    for fn in (getattr(lbn, name), getattr(lbt, name)):
        assert ".. math::" in fn.__doc__ and record.formula in fn.__doc__
        assert ">>> from lossbook import" in fn.__doc__


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_module_equals_functional(case):
    y_pred, y_true = make_inputs(case, np.random.default_rng(20))
    x, t = torch.tensor(y_pred), torch.as_tensor(y_true)
    record = catalog.get(case.loss)
    module = getattr(lbt, record.module)(**case.options, reduction="sum")
    assert isinstance(module, torch.nn.Module)
    assert torch.equal(module(x, t), getattr(lbt, case.loss)(x, t, **case.options, reduction="sum"))
    assert "reduction='sum'" in repr(module)


def test_module_tensor_hyperparameters_are_buffers():
    module = lbt.BinaryCrossEntropyLoss(from_logits=True, pos_weight=[1.0, 2.0, 3.0])
    assert "pos_weight" in dict(module.named_buffers())
    assert module.to(torch.float64).pos_weight.dtype == torch.float64


def test_module_checks_hyperparameters_at_construction():
    with pytest.raises(ValueError, match="delta must be a positive number, got -1.0"):
        lbt.HuberLoss(delta=-1.0)
    with pytest.raises(TypeError, match="unexpected keyword argument 'beta'"):
        lbt.HuberLoss(beta=1.0)
    with pytest.raises(ValueError, match="exactly one of var and log_var must be given, got neither"):
        lbt.GaussianNLLLoss()


def test_module_has_a_real_init_signature():
    assert str(inspect.signature(lbt.HuberLoss)) == "(*, delta: 'float' = 1.0, reduction: 'Reduction' = 'mean') -> 'None'"


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("dtype", [torch.float16, torch.bfloat16, torch.float32, torch.float64])
@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_torch_dtype_and_device(case, dtype, device):
    """The result keeps the input's dtype and device; half precision is computed in float32."""
    y_pred, y_true = make_inputs(case, np.random.default_rng(21))
    x = torch.tensor(y_pred, dtype=dtype, device=device, requires_grad=True)
    t = torch.as_tensor(y_true, device=device)
    if t.is_floating_point():
        t = t.to(dtype)
    out = getattr(lbt, case.loss)(x, t, **case.options)
    assert out.dtype == dtype and out.device.type == device
    exact = getattr(lbt, case.loss)(x.detach().double(), t.double() if t.is_floating_point() else t, **case.options)
    rtol = {torch.float16: 2e-3, torch.bfloat16: 1.6e-2, torch.float32: 1e-5, torch.float64: 1e-12}[dtype]
    # the inputs were rounded to dtype, so compare with float64 math on the rounded inputs
    torch.testing.assert_close(out.double().cpu(), exact.cpu(), rtol=rtol, atol=rtol)
    if catalog.get(case.loss).trainable:
        out.backward()
        assert x.grad.dtype == dtype and torch.isfinite(x.grad).all()


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_numpy_keeps_float_dtype(dtype):
    y_pred = np.array([0.5, 3.0], dtype=dtype)
    assert lbn.huber(y_pred, np.zeros(2)).dtype == dtype
    assert lbn.huber.grad(y_pred, np.zeros(2)).dtype == dtype


def test_integer_and_list_inputs_become_floats():
    assert float(lbn.mse([1, 2], [0, 0])) == 2.5
    assert lbt.mse([1, 2], [0, 0]).dtype == torch.get_default_dtype()
    assert float(lbt.mse(np.array([1.0, 2.0]), np.array([0.0, 0.0]))) == 2.5

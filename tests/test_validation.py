"""The validation switch: value checks on by default, skipped with ``lossbook.set_validation(False)`` or inside
``with lossbook.validation(False):``, while checks of shapes, dtypes and hyperparameters stay; and with validation
off every loss compiles into one graph (``torch.compile(fullgraph=True)``): no host synchronisation, no graph
break."""

import numpy as np
import pytest
import torch

import lossbook
from cases import CASES, make_inputs
from lossbook import catalog
from lossbook import numpy as lbn
from lossbook import torch as lbt

BAD_PROBABILITIES = np.array([0.2, 1.3, -0.1])
LABELS = np.array([0.0, 1.0, 1.0])


def test_on_by_default_and_restored_by_the_context_manager():
    assert lossbook.is_validation_enabled()
    with lossbook.validation(False):
        assert not lossbook.is_validation_enabled()
        with lossbook.validation(True):
            assert lossbook.is_validation_enabled()
        assert not lossbook.is_validation_enabled()
    assert lossbook.is_validation_enabled()


def test_context_manager_restores_after_an_error():
    with pytest.raises(ZeroDivisionError):
        with lossbook.validation(False):
            1 / 0
    assert lossbook.is_validation_enabled()


def test_set_validation_switches_for_the_program():
    try:
        lossbook.set_validation(False)
        assert not lossbook.is_validation_enabled()
    finally:
        lossbook.set_validation(True)
    with pytest.raises(TypeError, match="enabled must be True or False, got int 0"):
        lossbook.set_validation(0)


@pytest.mark.parametrize("lb,convert", [(lbn, np.asarray), (lbt, torch.as_tensor)], ids=["numpy", "torch"])
def test_value_checks_are_skipped_when_off(lb, convert):
    with pytest.raises(ValueError, match="y_pred must hold probabilities in"):
        lb.binary_cross_entropy(convert(BAD_PROBABILITIES), convert(LABELS))
    with lossbook.validation(False):  # no error: the out-of-range values give whatever the formula gives
        values = np.asarray(lb.binary_cross_entropy(convert(BAD_PROBABILITIES), convert(LABELS), reduction="none"))
    assert values.shape == (3,) and values[0] == pytest.approx(-np.log(0.8), rel=1e-15)


@pytest.mark.parametrize("lb,convert", [(lbn, np.asarray), (lbt, torch.as_tensor)], ids=["numpy", "torch"])
def test_shape_dtype_and_hyperparameter_checks_stay_when_off(lb, convert):
    with lossbook.validation(False):
        with pytest.raises(ValueError, match="must have the same shape"):
            lb.mse(convert(np.zeros((3, 1))), convert(np.zeros(3)))
        with pytest.raises(ValueError, match="delta must be a positive number"):
            lb.huber(convert(np.zeros(3)), convert(np.zeros(3)), delta=-1.0)
        with pytest.raises(TypeError, match="must hold integer class labels"):
            lb.sparse_categorical_cross_entropy(convert(np.zeros((2, 3))), convert(np.zeros(2)), from_logits=True)
        with pytest.raises(ValueError, match="exactly one of var and log_var"):
            lb.gaussian_nll(convert(np.zeros(3)), convert(np.zeros(3)))


def test_messages_are_unchanged_when_on():
    with lossbook.validation(True):
        with pytest.raises(ValueError) as info:
            lbt.hinge(torch.zeros(3), torch.tensor([0.0, 1.0, 1.0]))
    assert "convert them with y_true = 2*y_true - 1" in str(info.value)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_every_loss_compiles_into_one_graph_without_validation(case):
    """``torch.compile(..., backend="eager", fullgraph=True)`` fails on any graph break: a data-dependent check
    (``bool(tensor)``) would be one. With validation off there is none, forward and backward."""
    y_pred, y_true = make_inputs(case, np.random.default_rng(30))
    x = torch.tensor(y_pred, requires_grad=catalog.get(case.loss).trainable)
    t = torch.as_tensor(y_true)
    fn = getattr(lbt, case.loss)
    torch._dynamo.reset()  # each case compiles the shared code afresh (else dynamo's per-frame cache limit is hit)
    compiled = torch.compile(lambda a, b: fn(a, b, **case.options), backend="eager", fullgraph=True)
    with lossbook.validation(False):
        out = compiled(x, t)
    expected = fn(x.detach(), t, **case.options)
    torch.testing.assert_close(out.detach(), expected, rtol=1e-12, atol=1e-12)
    if x.requires_grad:
        out.backward()
        assert torch.isfinite(x.grad).all()

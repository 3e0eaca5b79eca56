"""NumPy gradients (``lbn.<loss>.grad``) against torch autograd, and ``torch.autograd.gradcheck`` of the PyTorch
backend in float64 for every differentiable loss."""

import numpy as np
import pytest
import torch

from cases import CASES, DIFFERENTIABLE, make_inputs
from lossbook import numpy as lbn
from lossbook import torch as lbt


def _autograd(case, y_pred, y_true, **kw):
    x = torch.tensor(y_pred, requires_grad=True)
    out = getattr(lbt, case.loss)(x, torch.as_tensor(y_true), **case.options, **kw)
    out.sum().backward()
    return x.grad.numpy()


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("case", DIFFERENTIABLE, ids=lambda c: c.id)
def test_numpy_grad_matches_autograd(case, reduction):
    y_pred, y_true = make_inputs(case, np.random.default_rng(11))
    expected = _autograd(case, y_pred, y_true, reduction=reduction)
    got = getattr(lbn, case.loss).grad(y_pred, y_true, **case.options, reduction=reduction)
    assert got.shape == y_pred.shape
    np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("case", DIFFERENTIABLE, ids=lambda c: c.id)
def test_numpy_grad_with_weights_matches_autograd(case):
    rng = np.random.default_rng(12)
    y_pred, y_true = make_inputs(case, rng)
    w = rng.uniform(0, 2, y_pred.shape[0])
    expected = _autograd(case, y_pred, y_true, weight=torch.tensor(w))
    got = getattr(lbn, case.loss).grad(y_pred, y_true, **case.options, weight=w)
    np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("case", DIFFERENTIABLE, ids=lambda c: c.id)
def test_gradcheck(case):
    y_pred, y_true = make_inputs(case, np.random.default_rng(13))
    x = torch.tensor(y_pred, requires_grad=True)
    t = torch.as_tensor(y_true)
    fn = getattr(lbt, case.loss)
    assert torch.autograd.gradcheck(lambda a: fn(a, t, **case.options, reduction="none"), (x,))
    assert torch.autograd.gradcheck(lambda a: fn(a, t, **case.options), (x,))


def test_zero_one_has_no_gradient():
    """Zero almost everywhere in NumPy; no gradient path at all in PyTorch."""
    y_pred, y_true = np.array([0.2, 0.7, 0.9]), np.array([1.0, 0.0, 1.0])
    assert np.array_equal(lbn.zero_one.grad(y_pred, y_true), np.zeros(3))
    out = lbt.zero_one(torch.tensor(y_pred, requires_grad=True), torch.tensor(y_true))
    assert not out.requires_grad


@pytest.mark.parametrize("loss,options,y_pred,y_true", [
    ("kl_divergence", {}, [[0.5, 0.25, 0.25]], [[0.0, 0.5, 0.5]]),
    ("kl_divergence", {"log_input": True}, [[-0.7, -1.4, -1.4]], [[0.0, 0.5, 0.5]]),
    ("kl_divergence", {}, [[1.0, 0.0, 0.0]], [[1.0, 0.0, 0.0]]),
    ("categorical_cross_entropy", {}, [[0.0, 0.5, 0.5]], [[0.0, 1.0, 0.0]]),
    ("binary_cross_entropy", {}, [0.0, 1.0], [0.0, 1.0]),
    ("binary_cross_entropy", {"from_logits": True}, [float("inf"), -float("inf")], [1.0, 0.0]),
    ("categorical_cross_entropy", {"from_logits": True}, [[-float("inf"), 2.0, 1.0]], [[0.0, 1.0, 0.0]]),
])
def test_gradients_finite_at_zero_targets_and_limits(loss, options, y_pred, y_true):
    """Where the loss is finite its gradient is finite, in both backends: no NaN from 0 * log 0 or inf - inf."""
    x = torch.tensor(y_pred, dtype=torch.float64, requires_grad=True)
    out = getattr(lbt, loss)(x, torch.tensor(y_true, dtype=torch.float64), **options)
    assert torch.isfinite(out)
    out.backward()
    assert torch.isfinite(x.grad).all(), x.grad
    g = getattr(lbn, loss).grad(np.array(y_pred), np.array(y_true), **options)
    assert np.isfinite(g).all(), g
    np.testing.assert_allclose(g, x.grad.numpy(), rtol=1e-12)


@pytest.mark.parametrize("log_input", [False, True])
def test_kl_gradient_with_respect_to_targets_is_finite_at_zero_targets(log_input):
    """Distillation differentiates through the targets too: no NaN where a target probability is 0."""
    q = torch.tensor([[0.25, 0.25, 0.5]], dtype=torch.float64)
    q = (q.log() if log_input else q).requires_grad_()
    p = torch.tensor([[0.5, 0.5, 0.0]], dtype=torch.float64, requires_grad=True)
    lbt.kl_divergence(q, p, log_input=log_input).backward()
    assert torch.isfinite(q.grad).all() and torch.isfinite(p.grad).all()
    # d/dp_c of sum p log(p/q) = log(p_c / q_c) + 1 where p_c > 0
    torch.testing.assert_close(p.grad[0, :2], torch.log(torch.tensor([2.0, 2.0], dtype=torch.float64)) + 1)


def test_kl_target_far_below_prediction():
    """A target probability 1e-20 against a prediction 0.5 contributes ~1e-20 * log(2e-20), not -inf."""
    for lb, conv in ((lbn, np.array), (lbt, lambda x: torch.tensor(x, dtype=torch.float64))):
        value = lb.kl_divergence(conv([[0.5, 0.5]]), conv([[1e-20, 1 - 1e-20]]))
        np.testing.assert_allclose(float(value), np.log(2.0), rtol=1e-15)

"""Gradients against independent references: NumPy's ``.grad`` and the PyTorch backend's analytic backward pass
against autograd through the float64 references of tests/references.py, with respect to ``y_pred``, ``y_true``,
``weight`` and array hyperparameters; and ``torch.autograd.gradcheck`` (finite differences) of every loss."""

import numpy as np
import pytest
import torch

import lossbook
from cases import DIFFERENTIABLE, make_inputs
from lossbook import numpy as lbn
from lossbook import torch as lbt
from references import REFERENCES

TENSOR_OPTIONS = ("pos_weight", "var", "log_var")


def _options(case, requires_grad=False):
    """The case's options, array hyperparameters as float64 tensors (requiring grad if asked)."""
    out = {}
    for k, v in case.options.items():
        if k in TENSOR_OPTIONS and v is not None:
            v = torch.tensor(np.asarray(v, dtype=float), requires_grad=requires_grad)
        out[k] = v
    return out


def _reference_grads(case, y_pred, y_true, reduction="mean", weight=None):
    """Autograd through the reference: gradients with respect to y_pred, y_true (float targets) and options."""
    x = torch.tensor(y_pred, requires_grad=True)
    t = torch.tensor(y_true, requires_grad=np.issubdtype(y_true.dtype, np.floating))
    options = _options(case, requires_grad=True)
    if weight is None:
        out = REFERENCES[case.loss](options, x, t, reduction)
    else:  # the weighted mean divides by the sum of the weights
        values = REFERENCES[case.loss](options, x, t, "none")
        w = torch.tensor(weight).reshape((-1,) + (1,) * (values.ndim - 1))
        out = (w * values).sum() / (w.expand_as(values).sum())
    out.sum().backward()
    return x, t, options


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("case", DIFFERENTIABLE, ids=lambda c: c.id)
def test_numpy_grad_matches_reference_autograd(case, reduction):
    y_pred, y_true = make_inputs(case, np.random.default_rng(11))
    expected = _reference_grads(case, y_pred, y_true, reduction)[0].grad.numpy()
    got = getattr(lbn, case.loss).grad(y_pred, y_true, **case.options, reduction=reduction)
    assert got.shape == y_pred.shape
    np.testing.assert_allclose(got, expected, rtol=1e-11, atol=1e-14)


@pytest.mark.parametrize("case", DIFFERENTIABLE, ids=lambda c: c.id)
def test_torch_gradients_match_reference_autograd(case):
    """Every gradient autograd gives through the reference, lossbook's backward gives too: y_pred, y_true and the
    array hyperparameters."""
    y_pred, y_true = make_inputs(case, np.random.default_rng(16))
    ref_x, ref_t, ref_options = _reference_grads(case, y_pred, y_true, "sum")
    x = torch.tensor(y_pred, requires_grad=True)
    t = torch.tensor(y_true, requires_grad=ref_t.requires_grad)
    options = _options(case, requires_grad=True)
    getattr(lbt, case.loss)(x, t, **options, reduction="sum").backward()
    torch.testing.assert_close(x.grad, ref_x.grad, rtol=1e-11, atol=1e-14)
    if t.requires_grad:
        torch.testing.assert_close(t.grad, ref_t.grad, rtol=1e-10, atol=1e-13)
    for name in TENSOR_OPTIONS:
        if isinstance(options.get(name), torch.Tensor):
            torch.testing.assert_close(options[name].grad, ref_options[name].grad, rtol=1e-10, atol=1e-13)


@pytest.mark.parametrize("case", DIFFERENTIABLE, ids=lambda c: c.id)
def test_weight_gradients(case):
    """Per-sample weights: lossbook's gradient with respect to y_pred (NumPy and torch) and to the weights (torch)
    equal autograd through the reference's weighted mean."""
    rng = np.random.default_rng(12)
    y_pred, y_true = make_inputs(case, rng)
    w = rng.uniform(0.1, 2, y_pred.shape[0])
    ref_x = _reference_grads(case, y_pred, y_true, weight=w)[0]
    if case.options.get("class_weight") is not None or case.options.get("ignore_index") is not None:
        return  # the mean's denominator then also counts class weights (checked in test_references.py)
    np.testing.assert_allclose(getattr(lbn, case.loss).grad(y_pred, y_true, **case.options, weight=w),
                               ref_x.grad.numpy(), rtol=1e-11, atol=1e-14)
    x, weight = torch.tensor(y_pred, requires_grad=True), torch.tensor(w, requires_grad=True)
    getattr(lbt, case.loss)(x, torch.as_tensor(y_true), **case.options, weight=weight).backward()
    torch.testing.assert_close(x.grad, ref_x.grad, rtol=1e-11, atol=1e-14)
    values = torch.as_tensor(REFERENCES[case.loss](case.options, torch.tensor(y_pred), torch.tensor(y_true), "none"))
    per_sample = values.reshape(len(w), -1).sum(-1)
    count = values.numel() // len(w)
    mean = (torch.tensor(w) * per_sample).sum() / (count * w.sum())
    torch.testing.assert_close(weight.grad, (per_sample - count * mean) / (count * w.sum()), rtol=1e-10, atol=1e-14)


@pytest.mark.parametrize("case", DIFFERENTIABLE, ids=lambda c: c.id)
def test_gradcheck(case):
    """Finite differences agree with the backward pass, for every argument that has a gradient."""
    y_pred, y_true = make_inputs(case, np.random.default_rng(13))
    x = torch.tensor(y_pred, requires_grad=True)
    t = torch.tensor(y_true, requires_grad=np.issubdtype(y_true.dtype, np.floating) and case.loss != "hinge"
                     and case.loss != "squared_hinge")  # hinge labels are +-1: no neighbourhood to differentiate in
    options = _options(case, requires_grad=True)
    names = [k for k, v in options.items() if isinstance(v, torch.Tensor)]
    fn = getattr(lbt, case.loss)

    def loss(a, b, *arrays):
        return fn(a, b, **{**options, **dict(zip(names, arrays))}, reduction="none")

    inputs = (x, t, *[options[k] for k in names])
    with lossbook.validation(False):  # finite differences step just outside [0, 1] or below 0 for targets
        assert torch.autograd.gradcheck(loss, inputs)
        assert torch.autograd.gradcheck(lambda *a: loss(*a).sum(), inputs)


def test_zero_one_has_no_gradient():
    """Zero almost everywhere in NumPy; no gradient path at all in PyTorch."""
    y_pred, y_true = np.array([0.2, 0.7, 0.9]), np.array([1.0, 0.0, 1.0])
    assert np.array_equal(lbn.zero_one.grad(y_pred, y_true), np.zeros(3))
    out = lbt.zero_one(torch.tensor(y_pred, requires_grad=True), torch.tensor(y_true))
    assert not out.requires_grad


def test_class_weight_gradient_is_refused_clearly():
    z = torch.zeros(2, 3, requires_grad=True)
    cw = torch.ones(3, requires_grad=True)
    with pytest.raises(ValueError, match=r"class_weight requires grad, which is not supported; pass "
                                         r"class_weight.detach\(\)"):
        lbt.sparse_categorical_cross_entropy(z, torch.tensor([0, 1]), from_logits=True, class_weight=cw)


@pytest.mark.parametrize("loss,options,y_pred,y_true", [
    ("kl_divergence", {}, [[0.5, 0.25, 0.25]], [[0.0, 0.5, 0.5]]),
    ("kl_divergence", {"log_input": True}, [[-0.7, -1.4, -1.4]], [[0.0, 0.5, 0.5]]),
    ("kl_divergence", {}, [[1.0, 0.0, 0.0]], [[1.0, 0.0, 0.0]]),
    ("categorical_cross_entropy", {}, [[0.0, 0.5, 0.5]], [[0.0, 1.0, 0.0]]),
    ("binary_cross_entropy", {}, [0.0, 1.0], [0.0, 1.0]),
    ("binary_cross_entropy", {"from_logits": True}, [float("inf"), -float("inf")], [1.0, 0.0]),
    ("categorical_cross_entropy", {"from_logits": True}, [[-float("inf"), 2.0, 1.0]], [[0.0, 1.0, 0.0]]),
    ("sparse_categorical_cross_entropy", {"from_logits": True}, [[float("inf"), 2.0, 1.0]], [0]),
    ("poisson_nll", {"log_input": False}, [0.0, 2.0], [0.0, 3.0]),
    ("gaussian_nll", {"log_var": -2000.0}, [1.0], [1.0]),
])
def test_gradients_finite_at_zero_targets_and_limits(loss, options, y_pred, y_true):
    """Where the loss is finite its gradient is finite, in both backends: no NaN from 0 * log 0 or inf - inf."""
    x = torch.tensor(y_pred, dtype=torch.float64, requires_grad=True)
    labels = loss.startswith("sparse")
    t = torch.tensor(y_true) if labels else torch.tensor(y_true, dtype=torch.float64)
    out = getattr(lbt, loss)(x, t, **options)
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


def test_backward_through_the_same_graph_twice():
    """The backward pass only reads what the forward pass saved: retain_graph works and gives the same gradient."""
    x = torch.tensor([0.3, -2.0, 4.0], dtype=torch.float64, requires_grad=True)
    out = lbt.huber(x, torch.zeros(3, dtype=torch.float64), delta=1.0)
    (g1,) = torch.autograd.grad(out, x, retain_graph=True)
    (g2,) = torch.autograd.grad(out, x)
    assert torch.equal(g1, g2)

"""The large-vocabulary cross-entropy equals the plain one in value and gradient, for every reduction, chunk size,
dtype and device, and refuses bad input like the other losses."""

import pytest
import torch
import torch.nn.functional as F

from lossbook import torch as lbt

DEVICES = ["cpu"] + (["cuda"] if torch.cuda.is_available() else [])


def _pair(dtype, device, n=23, c=300, seed=0):
    g = torch.Generator().manual_seed(seed)
    z = (3 * torch.randn(n, c, generator=g, dtype=torch.float64)).to(dtype).to(device)
    y = torch.randint(0, c, (n,), generator=g).to(device)
    return z, y


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("chunk_size", [1, 4, 23, 1000])
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("ignore_index", [None, 5])
def test_equals_sparse_cross_entropy_float64(device, chunk_size, reduction, ignore_index):
    z, y = _pair(torch.float64, device)
    if ignore_index is not None:
        y[::4] = ignore_index
    a, b = z.clone().requires_grad_(), z.clone().requires_grad_()
    la = lbt.chunked_cross_entropy(a, y, ignore_index=ignore_index, reduction=reduction, chunk_size=chunk_size)
    lb = lbt.sparse_categorical_cross_entropy(b, y, from_logits=True, ignore_index=ignore_index, reduction=reduction)
    torch.testing.assert_close(la, lb, rtol=1e-13, atol=1e-15)
    w = torch.rand(la.shape, dtype=torch.float64, device=device)
    (la * w).sum().backward()
    (lb * w).sum().backward()
    torch.testing.assert_close(a.grad, b.grad, rtol=1e-12, atol=1e-16)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("dtype", [torch.float32, torch.bfloat16, torch.float16])
def test_half_and_single_precision_match_cross_entropy(device, dtype):
    """Against F.cross_entropy on the float32 upcast: the loss in float32, the gradient within one rounding of
    the logits' dtype."""
    z, y = _pair(dtype, device, n=64, c=5000)
    a, b = z.clone().requires_grad_(), z.clone().requires_grad_()
    la = lbt.chunked_cross_entropy(a, y, chunk_size=7)
    lb = F.cross_entropy(b.float(), y)
    assert la.dtype == torch.float32
    torch.testing.assert_close(la, lb, rtol=1e-6, atol=1e-6)
    la.backward()
    lb.backward()
    assert a.grad.dtype == dtype
    eps = torch.finfo(dtype).eps
    torch.testing.assert_close(a.grad.float(), b.grad.float(), rtol=eps, atol=eps * b.grad.abs().max().item())


def test_gradcheck():
    z, y = _pair(torch.float64, "cpu", n=6, c=7)
    assert torch.autograd.gradcheck(lambda x: lbt.chunked_cross_entropy(x, y, chunk_size=4), (z.requires_grad_(),))
    assert torch.autograd.gradcheck(
        lambda x: lbt.chunked_cross_entropy(x, y, reduction="none", chunk_size=4), (z.detach().requires_grad_(),))


def test_no_gradient_buffer_without_requires_grad():
    z, y = _pair(torch.float32, "cpu")
    assert not lbt.chunked_cross_entropy(z, y).requires_grad


@pytest.mark.parametrize("kwargs,labels,exception,message", [
    ({}, torch.tensor([0, 300] + [0] * 21), ValueError, "y_true must hold class labels in [0, 300)"),
    ({}, torch.zeros(23), TypeError, "y_true must hold integer class labels, got dtype float32"),
    ({}, torch.zeros(22, dtype=torch.long), ValueError, "expected shape (23,)"),
    ({"reduction": "avg"}, torch.zeros(23, dtype=torch.long), ValueError, "reduction must be 'mean', 'sum' or 'none'"),
])
def test_bad_input(kwargs, labels, exception, message):
    z, _ = _pair(torch.float32, "cpu")
    with pytest.raises(exception, match=message.replace("(", r"\(").replace(")", r"\)").replace("[", r"\[")):
        lbt.chunked_cross_entropy(z, labels, **kwargs)

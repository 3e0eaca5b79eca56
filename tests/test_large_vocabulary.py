"""The large-vocabulary cross-entropies against float64 references: ``chunked_cross_entropy`` equals the plain one
in value and gradient for every reduction, chunk size, dtype and device; ``linear_cross_entropy`` equals
``F.cross_entropy(F.linear(...))`` in value and in its gradients with respect to hidden, weight and bias; both
refuse bad input like the other losses. Bounds are stated in ULPs of the result's dtype, against float64."""

import warnings

import numpy as np
import pytest
import torch
import torch.nn.functional as F

import lossbook
from lossbook import _large_vocabulary
from lossbook import torch as lbt

DEVICES = ["cpu"] + (["cuda"] if torch.cuda.is_available() else [])
HALF = {torch.float16, torch.bfloat16}


def _pair(dtype, device, n=23, c=300, seed=0):
    g = torch.Generator().manual_seed(seed)
    z = (3 * torch.randn(n, c, generator=g, dtype=torch.float64)).to(dtype).to(device)
    y = torch.randint(0, c, (n,), generator=g).to(device)
    return z, y


def _ulp(x, dtype):
    """ULP of each (float64) value in ``dtype``."""
    rounded = x.to(dtype).to(torch.float64).abs()
    info = torch.finfo(dtype)
    e = torch.floor(torch.log2(torch.clamp(rounded, min=info.tiny)))
    return torch.exp2(e - (torch.finfo(dtype).nmant if hasattr(info, "nmant") else _mantissa(dtype)))


def _mantissa(dtype):
    return {torch.float16: 10, torch.bfloat16: 7, torch.float32: 23, torch.float64: 52}[dtype]


def _assert_ulps(got, exact, dtype, bound):
    """``|got - exact| <= bound`` ULPs of ``exact`` in ``dtype`` (``exact`` in float64)."""
    info = torch.finfo(dtype)
    scale = torch.exp2(torch.floor(torch.log2(torch.clamp(exact.abs(), min=info.tiny))) - _mantissa(dtype))
    err = ((got.double() - exact).abs() / scale).max().item()
    assert err <= bound, f"{err:.3g} ULP > {bound}"


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
def test_half_and_single_precision_against_float64(device, dtype):
    """Each row's loss (float32) within 4 ULP of float32 and the gradient (logits' dtype) within 4 ULP of its dtype,
    against F.cross_entropy computed in float64 on the same (rounded) logits; the mean within the error of a float32
    sum of 64 values on top."""
    z, y = _pair(dtype, device, n=64, c=5000)
    a = z.clone().requires_grad_()
    rows = lbt.chunked_cross_entropy(z, y, chunk_size=7, reduction="none")
    loss = lbt.chunked_cross_entropy(a, y, chunk_size=7)
    assert loss.dtype == rows.dtype == torch.float32
    loss.backward()
    assert a.grad.dtype == dtype
    ref_z = z.double().requires_grad_()
    ref_rows = F.cross_entropy(ref_z, y, reduction="none")
    ref_rows.mean().backward()
    _assert_ulps(rows.cpu(), ref_rows.detach().cpu(), torch.float32, 4)
    _assert_ulps(a.grad.cpu(), ref_z.grad.cpu(), dtype, 4)
    summation = 64 * torch.finfo(torch.float32).eps  # a float32 sum of 64 terms: at most n-1 roundings
    assert abs(loss.item() - ref_rows.mean().item()) <= (summation + 4 * 2**-23) * ref_rows.mean().item()


def test_gradcheck():
    z, y = _pair(torch.float64, "cpu", n=6, c=7)
    assert torch.autograd.gradcheck(lambda x: lbt.chunked_cross_entropy(x, y, chunk_size=4), (z.requires_grad_(),))
    assert torch.autograd.gradcheck(
        lambda x: lbt.chunked_cross_entropy(x, y, reduction="none", chunk_size=4), (z.detach().requires_grad_(),))


def test_no_gradient_buffer_without_requires_grad():
    z, y = _pair(torch.float32, "cpu")
    assert not lbt.chunked_cross_entropy(z, y).requires_grad


def test_stored_gradient_is_handed_over_without_a_copy():
    """loss.backward() passes on the buffer written in the forward pass to the layer below (memory: one
    logits-sized tensor), instead of a scaled copy."""
    z, y = _pair(torch.float32, "cpu")
    logits = z.requires_grad_().clone()  # the output of a layer, not a leaf
    seen = []
    logits.register_hook(lambda g: seen.append(g.data_ptr()))
    loss = lbt.chunked_cross_entropy(logits, y)
    stored = loss.grad_fn.saved_tensors[0].data_ptr()
    loss.backward()
    assert seen == [stored]


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


def test_compile_failure_falls_back_on_the_first_call(monkeypatch):
    """torch.compile fails when the compiled function is first called (no Triton, no compiler): the loss then runs
    eagerly, with a warning, instead of raising BackendCompilerFailed."""
    calls = []

    def broken_compile(fn, **kwargs):
        def run(*args):
            calls.append(1)
            raise RuntimeError("BackendCompilerFailed: no Triton")
        return run

    monkeypatch.setattr(torch, "compile", broken_compile)
    kernel = _large_vocabulary._Compiled(lambda x: x + 1)
    fake_cuda = type("T", (), {"device": torch.device("cuda")})()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        kernel.fn = lambda x: "eager"
        assert kernel(fake_cuda) == "eager"
    assert calls == [1] and kernel.compiled is False
    assert any("torch.compile failed (RuntimeError); running eagerly" in str(w.message) for w in caught)
    assert kernel(fake_cuda) == "eager" and calls == [1]  # never tried again


# ---------------------------------------------------------------------------------------------------- linear CE


def _linear_case(dtype, n=37, h=16, v=300, seed=1, bias=True):
    g = torch.Generator().manual_seed(seed)
    hidden = torch.randn(n, h, generator=g, dtype=torch.float64).to(dtype)
    weight = (torch.randn(v, h, generator=g, dtype=torch.float64) / h**0.5).to(dtype)
    b = torch.randn(v, generator=g, dtype=torch.float64).to(dtype) if bias else None
    labels = torch.randint(0, v, (n,), generator=g)
    return hidden, weight, b, labels


def _grads(loss_fn, hidden, weight, bias, labels, reduction, **kw):
    leaves = [t.clone().requires_grad_() if t is not None else None for t in (hidden, weight, bias)]
    out = loss_fn(leaves[0], leaves[1], labels, bias=leaves[2], reduction=reduction, **kw)
    w = torch.linspace(0.5, 1.5, out.numel(), dtype=out.dtype).reshape(out.shape)
    (out * w).sum().backward()
    return out.detach(), [t.grad if t is not None else None for t in leaves]


def _reference(hidden, weight, labels, *, bias=None, reduction="mean", ignore_index=None):
    return F.cross_entropy(F.linear(hidden, weight, bias), labels, reduction=reduction,
                           ignore_index=-100 if ignore_index is None else ignore_index)


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("chunk_size", [1, 8, 100])
@pytest.mark.parametrize("bias", [True, False])
@pytest.mark.parametrize("ignore_index", [None, 3])
def test_linear_cross_entropy_equals_cross_entropy_of_linear(reduction, chunk_size, bias, ignore_index):
    hidden, weight, b, labels = _linear_case(torch.float64, bias=bias)
    if ignore_index is not None:
        labels[::5] = ignore_index
    got, got_grads = _grads(lbt.linear_cross_entropy, hidden, weight, b, labels, reduction, chunk_size=chunk_size,
                            ignore_index=ignore_index)
    ref, ref_grads = _grads(lambda h, w, y, bias, reduction: _reference(h, w, y, bias=bias, reduction=reduction,
                                                                        ignore_index=ignore_index),
                            hidden, weight, b, labels, reduction)
    torch.testing.assert_close(got, ref, rtol=1e-13, atol=1e-14)
    for g, r in zip(got_grads, ref_grads):
        if r is not None:
            torch.testing.assert_close(g, r, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("dtype", [torch.float32, torch.bfloat16])
def test_linear_cross_entropy_low_precision_against_float64(dtype):
    """In float32 and bfloat16 the loss is as close to the float64 truth as PyTorch's own computation in the same
    dtype: within twice its error (the matrix products round as F.linear's do)."""
    hidden, weight, b, labels = _linear_case(dtype, n=64, h=32, v=2000)
    loss = lbt.linear_cross_entropy(hidden, weight, labels, bias=b, chunk_size=16)
    assert loss.dtype == torch.float32
    exact = _reference(hidden.double(), weight.double(), labels, bias=b.double())
    builtin = _reference(hidden, weight, labels, bias=b)
    assert abs(loss.double() - exact) <= 2 * abs(builtin.double() - exact) + 4 * torch.finfo(torch.float32).eps * exact


def test_linear_cross_entropy_gradcheck():
    hidden, weight, b, labels = _linear_case(torch.float64, n=5, h=3, v=7)
    inputs = tuple(t.requires_grad_() for t in (hidden, weight, b))
    assert torch.autograd.gradcheck(lambda h, w, bb: lbt.linear_cross_entropy(h, w, labels, bias=bb, chunk_size=2),
                                    inputs)
    assert torch.autograd.gradcheck(
        lambda h, w, bb: lbt.linear_cross_entropy(h, w, labels, bias=bb, chunk_size=2, reduction="none"), inputs)


def test_linear_cross_entropy_never_holds_the_logits():
    """The largest tensor allocated during forward and backward is far smaller than the (N, V) logits: measured
    with the CPU profiler's memory tracking."""
    hidden, weight, b, labels = _linear_case(torch.float32, n=512, h=64, v=8000)
    hidden.requires_grad_()
    weight.requires_grad_()
    logits_bytes = 512 * 8000 * 4
    with torch.profiler.profile(profile_memory=True) as prof:
        lbt.linear_cross_entropy(hidden, weight, labels, chunk_size=32).backward()
    largest = max(e.cpu_memory_usage for e in prof.events() if e.cpu_memory_usage > 0)
    assert largest < logits_bytes / 4, (largest, logits_bytes)


@pytest.mark.parametrize("args,exception,message", [
    ({"hidden": torch.zeros(4)}, TypeError, "hidden must be a floating-point tensor with 2 axes"),
    ({"weight": torch.zeros(5, 3)}, ValueError, "weight must have shape (V, 16) for hidden of shape (37, 16)"),
    ({"bias": torch.zeros(4)}, ValueError, "bias must have shape (300,), got (4,)"),
    ({"labels": torch.zeros(36, dtype=torch.long)}, ValueError, "labels must hold one label per row of hidden"),
    ({"labels": torch.full((37,), 300)}, ValueError, "labels must hold class labels in [0, 300)"),
])
def test_linear_cross_entropy_bad_input(args, exception, message):
    hidden, weight, b, labels = _linear_case(torch.float32)
    call = {"hidden": hidden, "weight": weight, "labels": labels, "bias": b, **args}
    with pytest.raises(exception, match=message.replace("(", r"\(").replace(")", r"\)").replace("[", r"\[")):
        lbt.linear_cross_entropy(call["hidden"], call["weight"], call["labels"], bias=call["bias"])
    with lossbook.validation(False):  # the label range is a value check: skipped without validation
        if "300" in message and "labels" in message:
            lbt.linear_cross_entropy(hidden, weight, labels, bias=b)

"""The two array namespaces that ``lossbook.formulas`` is written in: ``NUMPY`` and ``torch_namespace()``.

Each formula takes a namespace ``xp`` as its first argument and uses only what is defined here (plus Python's
arithmetic operators, including the in-place ones ``+=``, ``*=``, ... on arrays the formula created itself), so one
text serves both backends. The differences between NumPy and PyTorch are absorbed here, in one place:

- names and keywords (``np.clip`` / ``torch.clamp``, ``axis`` / ``dim``, ``take_along_axis`` / ``gather``);
- numerics: PyTorch's CPU ``log1p`` flushes subnormal arguments to zero, so the torch namespace restores
  ``log1p(x) = x`` there;
- speed: on the CPU, ``torch.where`` and other operations on boolean masks can be many times slower than
  arithmetic, so the formulas select with ``clip``/``maximum``/``minimum`` and keep ``where`` off their hot paths.

Every function that takes ``out`` may write its result into ``out`` (which may be its own argument) instead of
allocating: on the CPU a fresh 4 MB buffer costs page faults, so the formulas reuse the buffers they own.
"""

from __future__ import annotations

import math

import numpy as np


class _NumPy:
    """NumPy as the formulas see it."""

    name = "numpy"
    abs = staticmethod(np.abs)
    exp = staticmethod(np.exp)
    expm1 = staticmethod(np.expm1)
    log = staticmethod(np.log)
    log1p = staticmethod(np.log1p)
    sinh = staticmethod(np.sinh)
    tanh = staticmethod(np.tanh)
    sign = staticmethod(np.sign)
    sqrt = staticmethod(np.sqrt)
    maximum = staticmethod(np.maximum)
    minimum = staticmethod(np.minimum)
    multiply = staticmethod(np.multiply)
    where = staticmethod(np.where)

    @staticmethod
    def clip(x, lo=None, hi=None, out=None):
        return np.clip(x, lo, hi, out=out)

    @staticmethod
    def add_scaled(x, a, y):
        """``x += a * y`` in place."""
        x += a * y
        return x

    @staticmethod
    def sub_product(x, a, b):
        """``x -= a * b`` in place."""
        x -= a * b
        return x

    @staticmethod
    def add_product(x, a, b):
        """``x += a * b`` in place."""
        x += a * b
        return x

    subtract = staticmethod(np.subtract)

    @staticmethod
    def nan_to_zero(x):
        """Replace NaN by 0 in place (infinities stay): the product ``0 * inf`` made to mean 0."""
        return np.nan_to_num(x, copy=False, nan=0.0, posinf=np.inf, neginf=-np.inf)

    @staticmethod
    def sum(x, axis=None, keepdims=False):
        return x.sum(axis=axis, keepdims=keepdims)

    @staticmethod
    def sum64(x, axis=-1):
        """The sum over ``axis`` (kept), accumulated and returned in float64 without a float64 copy of ``x``."""
        return x.sum(axis=axis, keepdims=True, dtype=np.float64)

    @staticmethod
    def max(x, axis=-1, keepdims=True):
        return x.max(axis=axis, keepdims=keepdims)

    @staticmethod
    def min(x, axis=-1, keepdims=True):
        return x.min(axis=axis, keepdims=keepdims)

    @staticmethod
    def floor(x):
        return np.floor(x)

    @staticmethod
    def concat(arrays, axis=-1):
        return np.concatenate(arrays, axis=axis)

    @staticmethod
    def copy(x):
        return x.copy()

    @staticmethod
    def argmax(x, axis=-1):
        return np.argmax(x, axis=axis, keepdims=True)

    @staticmethod
    def take(x, index, axis=-1):
        return np.take_along_axis(x, index, axis=axis)

    @staticmethod
    def put(x, index, values, axis=-1):
        np.put_along_axis(x, index, values, axis=axis)
        return x

    @staticmethod
    def lgamma(x):
        from scipy.special import gammaln  # type: ignore[import-untyped]

        return gammaln(x)

    @staticmethod
    def digamma(x):
        from scipy.special import digamma  # type: ignore[import-untyped]

        return digamma(x)

    @staticmethod
    def zeros_like(x):
        return np.zeros_like(x)

    @staticmethod
    def full_like(x, value):
        return np.full_like(x, value)

    @staticmethod
    def as_dtype_of(x, like):
        return x.astype(like.dtype, copy=False)

    @staticmethod
    def finfo(x):
        return np.finfo(x.dtype)

    @staticmethod
    def upcast(x):
        """``x`` in float64 (for internal steps that need more precision than float32)."""
        return np.asarray(x).astype(np.float64, copy=False)

    @staticmethod
    def indices_like(labels, like):
        return labels


NUMPY = _NumPy()


def _torch_namespace():
    import torch

    class _Torch:
        """PyTorch as the formulas see it."""

        name = "torch"
        abs = staticmethod(torch.abs)
        exp = staticmethod(torch.exp)
        expm1 = staticmethod(torch.expm1)
        log = staticmethod(torch.log)
        sinh = staticmethod(torch.sinh)
        tanh = staticmethod(torch.tanh)
        sign = staticmethod(torch.sign)
        sqrt = staticmethod(torch.sqrt)
        maximum = staticmethod(torch.maximum)
        minimum = staticmethod(torch.minimum)
        multiply = staticmethod(torch.mul)
        where = staticmethod(torch.where)
        lgamma = staticmethod(torch.lgamma)
        digamma = staticmethod(torch.digamma)
        zeros_like = staticmethod(torch.zeros_like)

        @staticmethod
        def log1p(x, out=None):
            """``log1p(x)`` for finite ``x``, exact for subnormal ``x`` too (``log1p(x) = x`` there), which PyTorch's
            vectorised CPU kernel flushes to 0 or rounds poorly. The correction ``min(x - y, tiny)`` is added to
            the result ``y``: for a subnormal ``x`` it is ``x - y`` (exact in subnormal arithmetic), so the sum is
            ``x``; for a normal ``x`` it is either below half an ULP of ``y`` or 0 (``x - log1p(x) >= 0``)."""
            y = torch.log1p(x, out=out)
            correction = torch.sub(x, y)
            return y.add_(correction.clamp_(max=torch.finfo(x.dtype).tiny))

        @staticmethod
        def clip(x, lo=None, hi=None, out=None):
            return torch.clamp(x, lo, hi, out=out)

        @staticmethod
        def add_scaled(x, a, y):
            """``x += a * y`` in place, in one pass."""
            return x.add_(y, alpha=a)

        @staticmethod
        def sub_product(x, a, b):
            """``x -= a * b`` in place, in one pass and without a temporary."""
            return x.addcmul_(a, b, value=-1)

        @staticmethod
        def add_product(x, a, b):
            """``x += a * b`` in place, in one pass and without a temporary."""
            return x.addcmul_(a, b)

        subtract = staticmethod(torch.sub)

        @staticmethod
        def nan_to_zero(x):
            return torch.nan_to_num(x, nan=0.0, posinf=math.inf, neginf=-math.inf, out=x)

        @staticmethod
        def sum(x, axis=None, keepdims=False):
            return x.sum() if axis is None else x.sum(dim=axis, keepdim=keepdims)

        @staticmethod
        def sum64(x, axis=-1):
            """On the CPU through NumPy, whose sum casts in small buffers: PyTorch's ``sum(dtype=float64)`` first
            makes a float64 copy of ``x`` (twice the size of float32 logits), which took most of the cross-entropy's
            time on a 2-core CPU. Under ``torch.compile`` the compiler fuses the cast into the sum."""
            if x.device.type == "cpu" and not x.requires_grad and not torch.compiler.is_compiling():
                return torch.from_numpy(np.sum(x.numpy(), axis=axis, keepdims=True, dtype=np.float64))
            return x.sum(dim=axis, keepdim=True, dtype=torch.float64)

        @staticmethod
        def max(x, axis=-1, keepdims=True):
            return x.amax(dim=axis, keepdim=keepdims)

        @staticmethod
        def min(x, axis=-1, keepdims=True):
            return x.amin(dim=axis, keepdim=keepdims)

        floor = staticmethod(torch.floor)

        @staticmethod
        def concat(arrays, axis=-1):
            return torch.cat(arrays, dim=axis)

        @staticmethod
        def copy(x):
            return x.clone()

        @staticmethod
        def argmax(x, axis=-1):
            """The first index of each row's largest value, as ``argmax`` (``max`` over a dimension finds it in
            about half the time on the CPU)."""
            return x.max(dim=axis, keepdim=True).indices

        @staticmethod
        def take(x, index, axis=-1):
            return x.gather(axis, index)

        @staticmethod
        def put(x, index, values, axis=-1):
            if isinstance(values, (int, float)):
                return x.scatter_(axis, index, values)
            return x.scatter_(axis, index, values.to(x.dtype))

        @staticmethod
        def full_like(x, value):
            return torch.full_like(x, value)

        @staticmethod
        def as_dtype_of(x, like):
            return x.to(like.dtype)

        @staticmethod
        def finfo(x):
            return torch.finfo(x.dtype)

        @staticmethod
        def upcast(x):
            return x.to(torch.float64)

        @staticmethod
        def indices_like(labels, like):
            return labels

    return _Torch()


_TORCH = None


def torch_namespace():
    """The PyTorch namespace (created on first use, so that ``import lossbook`` never imports torch)."""
    global _TORCH
    if _TORCH is None:
        _TORCH = _torch_namespace()
    return _TORCH

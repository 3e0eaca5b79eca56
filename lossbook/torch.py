"""The PyTorch backend: every loss as a function ``loss(y_pred, y_true, *, <hyperparameters>, weight, reduction)``
that works with autograd on any device and float dtype, and one ``nn.Module`` per loss for training loops.

This module holds only the math, the same formulas as ``lossbook.numpy`` written with torch operations.
Argument checks, weights and reductions are shared (``lossbook._api``), so both backends raise the same errors.
float16 and bfloat16 inputs are computed in float32 and the result is returned in the input dtype.

>>> import torch
>>> from lossbook import torch as lbt
>>> y_pred = torch.tensor([0.5, 3.0], requires_grad=True)
>>> loss = lbt.HuberLoss(delta=1.0)(y_pred, torch.zeros(2))
>>> loss.backward()
>>> loss.item(), y_pred.grad.tolist()
(1.3125, [0.25, 0.5])
"""

from __future__ import annotations

import math
import os
import warnings

import torch
from torch import nn

from . import _api, _checks, catalog
from ._smoothing import smooth_binary, smooth_categorical

# ---------------------------------------------------------------------------------------------------- conversions


def _dtype_name(dtype):
    return str(dtype).replace("torch.", "")


def _as_float(x, name, like=None):
    if not isinstance(x, torch.Tensor):
        try:
            x = torch.as_tensor(x, device=None if like is None else like.device)
        except (TypeError, ValueError, RuntimeError):
            raise TypeError(f"{name} must be a real numeric array, got {type(x).__name__}") from None
    if x.is_complex() or x.dtype not in _REAL:
        raise TypeError(f"{name} must be a real numeric array, got dtype {_dtype_name(x.dtype)}")
    if like is not None:
        if x.device != like.device:
            raise ValueError(f"{name} is on {x.device} but y_pred is on {like.device}; move both to one device")
        return x.to(like.dtype)
    return x if x.is_floating_point() else x.to(torch.get_default_dtype())


_REAL = {torch.bool, torch.uint8, torch.int8, torch.int16, torch.int32, torch.int64,
         torch.float16, torch.bfloat16, torch.float32, torch.float64}


def _as_labels(x, name, like):
    if not isinstance(x, torch.Tensor):
        x = torch.as_tensor(x, device=like.device)
    if x.is_floating_point() or x.is_complex() or x.dtype == torch.bool:
        raise TypeError(f"{name} must hold integer class labels, got dtype {_dtype_name(x.dtype)}")
    if x.device != like.device:
        raise ValueError(f"{name} is on {x.device} but y_pred is on {like.device}; move both to one device")
    return x.long()


def _upcast(x):
    return x.float() if x.dtype in (torch.float16, torch.bfloat16) else x


def _cast(x, dtype):
    return x.to(dtype)


def _accelerate(kernel):
    """With ``LOSSBOOK_COMPILE=1``, run the kernel on CUDA through ``torch.compile``: the dozen small element-wise
    operations of a numerically careful formula become one fused kernel forward and one backward, at about the
    speed and memory of PyTorch's own fused losses (``python -m lossbook.bench --device cuda`` measures both).

    It is opt-in because the fused code rounds differently: on an H100 it measured up to 10 ULP on the adversarial
    inputs where the eager kernels stay within 4, and it can flush float32 gradients below 1e-38 to zero. On the
    CPU, by default, or if compilation fails, the kernel runs eagerly."""
    compiled = None

    def run(y_pred, y_true, **options):
        nonlocal compiled
        if y_pred.device.type != "cuda" or os.environ.get("LOSSBOOK_COMPILE", "0") != "1" or compiled is False:
            return kernel(y_pred, y_true, **options)
        if compiled is None:
            compiled = torch.compile(kernel, dynamic=True)
        try:
            return compiled(y_pred, y_true, **options)
        except Exception as error:  # no Triton, no compiler...: fall back for good, loudly
            compiled = False
            warnings.warn(f"lossbook: torch.compile failed ({type(error).__name__}); running eagerly", stacklevel=3)
            return kernel(y_pred, y_true, **options)

    return run


BACKEND = _api.Backend("torch", _as_float, _as_labels, _upcast, _cast, _accelerate)

# ---------------------------------------------------------------------------------------------------- helpers


def _log1p(x):
    """``log1p(x)``, exact for subnormal ``x`` too: PyTorch's CPU kernel flushes them (``log1p(-5e-324)`` gives 0)
    and rounds them poorly, while ``log1p(x) == x`` exactly there."""
    return torch.where(x.abs() < torch.finfo(x.dtype).tiny, x, torch.log1p(x))


def _mul0(a, b):
    """``a * b``, but 0 where ``a == 0`` even if ``b`` is infinite; the gradient there is 0, never NaN."""
    return a * torch.where(a == 0, 0.0, b)  # one select: the product is 0 there, and so are both gradients


def _xlogy(x, y):
    """``x * log(y)`` with 0 (and a zero gradient) where ``x == 0``."""
    return _mul0(x, torch.log(torch.where(x == 0, 1.0, y)))


def _xlog1py(x, y):
    """``x * log1p(y)`` with 0 (and a zero gradient) where ``x == 0``."""
    return _mul0(x, _log1p(torch.where(x == 0, 0.0, y)))


def _softplus(x):
    """``log(1 + exp(x))`` without overflow: ``max(x, 0) + log1p(exp(-|x|))``."""
    return torch.clamp(x, min=0) + _log1p(torch.exp(-x.abs()))


def _neg_log_softmax(z):
    """``-log softmax(z)`` over the last axis as ``(m - z) + log1p(sum_{j != a} exp(z_j - m))``, ``m = z_a = max z``.

    Both terms are non-negative, so nothing cancels: a confident, correct prediction keeps full relative precision.
    """
    a = z.argmax(dim=-1, keepdim=True)
    d = (z.gather(-1, a) - z).scatter(-1, a, 0.0)  # scatter: with m = +inf, inf - inf at the argmax becomes 0
    e = torch.exp(-d).scatter(-1, a, 0.0)
    return d + _log1p(e.sum(dim=-1, keepdim=True))


# ---------------------------------------------------------------------------------------------------- regression


def _mse(y_pred, y_true):
    r = y_pred - y_true
    return r * r


def _mae(y_pred, y_true):
    return (y_pred - y_true).abs()


def _huber(y_pred, y_true, delta):
    """``q**2 / 2`` inside ``delta``, ``delta * (|r| - delta / 2)`` outside. The quadratic branch gets
    ``q = min(|r|, delta)``, so the unused branch never overflows (0 * inf would poison the gradient)."""
    a = (y_pred - y_true).abs()
    q = torch.clamp(a, max=delta)
    return torch.where(a <= delta, 0.5 * q * q, delta * (a - 0.5 * delta))


def _smooth_l1(y_pred, y_true, beta):
    """``huber(delta=beta) / beta``: ``q**2 / (2 beta)`` inside ``beta``, ``|r| - beta / 2`` outside; ``beta = 0`` is
    the absolute error. ``(q * (0.5 / beta)) * q`` keeps a tiny ``q`` from underflowing."""
    a = (y_pred - y_true).abs()
    if beta == 0:
        return a
    q = torch.clamp(a, max=beta)
    return torch.where(a < beta, (q * (0.5 / beta)) * q, a - 0.5 * beta)


def _quantile(y_pred, y_true, q):
    d = y_true - y_pred
    return torch.where(d >= 0, q * d, (q - 1) * d)


def _log_cosh(y_pred, y_true):
    a = (y_pred - y_true).abs()
    small = _log1p(2 * torch.sinh(torch.clamp(a, max=1) / 2) ** 2)
    return torch.where(a < 1, small, a - math.log(2) + _log1p(torch.exp(-2 * a)))


# ---------------------------------------------------------------------------------------------------- binary


def _binary_cross_entropy(y_pred, y_true, from_logits, pos_weight, label_smoothing):
    y = smooth_binary(y_true, label_smoothing)
    w = 1 if pos_weight is None else pos_weight
    if from_logits:
        return w * _mul0(y, _softplus(-y_pred)) + _mul0(1 - y, _softplus(y_pred))
    return -(w * _xlogy(y, y_pred) + _xlog1py(1 - y, -y_pred))


def _hinge(y_pred, y_true):
    m = 1 - y_true * y_pred
    return torch.where(m > 0, m, 0.0)  # not clamp: at the kink m = 0 the (sub)gradient is 0, as in the NumPy backend


def _squared_hinge(y_pred, y_true):
    return _hinge(y_pred, y_true) ** 2


def _zero_one(y_pred, y_true, threshold):
    """A count of mistakes: comparisons carry no gradient, so neither does the result."""
    return ((y_pred > threshold) != (y_true > 0)).to(y_pred.dtype)


# ---------------------------------------------------------------------------------------------------- multi-class


def _categorical_cross_entropy(y_pred, y_true, from_logits, label_smoothing):
    y = smooth_categorical(y_true, label_smoothing)
    if from_logits:
        return _mul0(y, _neg_log_softmax(y_pred)).sum(dim=-1)
    return -_xlogy(y, y_pred).sum(dim=-1)


def _label_parts(y_pred, labels, ignore_index, class_weight):
    """Per sample: a label safe for indexing, whether it counts (not ``ignore_index``), and its class weight
    (0 where ignored); plus the class-weight vector and the mean's denominator (None: the sample count)."""
    keep = torch.ones_like(labels, dtype=torch.bool) if ignore_index is None else labels != ignore_index
    safe = torch.where(keep, labels, 0)
    cw = torch.ones(y_pred.shape[-1], dtype=y_pred.dtype, device=y_pred.device) if class_weight is None else class_weight
    w_y = torch.where(keep, cw[safe], 0.0)
    norm = w_y if (ignore_index is not None or class_weight is not None) else None
    return safe, keep, cw, w_y, norm


def _sparse_categorical_cross_entropy(y_pred, y_true, from_logits, label_smoothing, ignore_index, class_weight):
    safe, keep, cw, w_y, norm = _label_parts(y_pred, y_true, ignore_index, class_weight)
    nls = _neg_log_softmax(y_pred) if from_logits else -torch.log(y_pred)
    loss = _mul0(w_y, nls.gather(-1, safe[..., None])[..., 0])
    if label_smoothing:
        e, c = label_smoothing, y_pred.shape[-1]
        loss = (1 - e) * loss + (e / c) * torch.where(keep, _mul0(cw, nls).sum(dim=-1), 0.0)
    return loss, norm


def _kl_divergence(y_pred, y_true, log_input):
    """Terms ``p log(p / q)`` summed over the last axis; 0 where ``p = 0`` (with a zero gradient, never NaN).

    Where ``q`` is close to ``p`` the log-ratio is ``log1p((p - q) / q)`` (``p - q`` is exact there); elsewhere
    ``log p - log q``, which also covers ``p`` many orders of magnitude below ``q``.
    """
    p = y_true
    zero = p == 0
    ps = torch.where(zero, 1.0, p)  # safe values: a zero target contributes 0 and no NaN to any gradient
    if log_input:
        return torch.where(zero, 0.0, ps * (torch.log(ps) - torch.where(zero, 0.0, y_pred))).sum(dim=-1)
    qs = torch.where(zero, 1.0, y_pred)
    close = torch.abs(ps - qs) <= 0.5 * qs
    log_ratio = torch.where(close, _log1p((ps - qs) / torch.where(close, qs, 1.0)), torch.log(ps) - torch.log(qs))
    return torch.where(zero, 0.0, ps * log_ratio).sum(dim=-1)


# ---------------------------------------------------------------------------------------------------- public API

_LOSSES = _api.build(BACKEND, {name: globals()[f"_{name}"] for name in catalog.RECORDS})
globals().update(_LOSSES)


class _Loss(nn.Module):
    """Base of the loss modules: holds the hyperparameters (tensors as buffers, so ``.to(device)`` moves them) and
    calls the functional form. ``forward(y_pred, y_true, weight=None)``."""

    _fn = None
    _record = None

    def __init__(self, *, reduction="mean", **options):
        super().__init__()
        self.reduction = _checks.reduction(reduction)
        options = _checks.options(type(self).__name__, self._record, options)
        self._names = list(options)
        for name, value in options.items():
            if isinstance(value, torch.Tensor) or (value is not None and not isinstance(value, (bool, int, float))):
                self.register_buffer(name, torch.as_tensor(value))
            else:
                setattr(self, name, value)

    def forward(self, y_pred, y_true, weight=None):
        options = {name: getattr(self, name) for name in self._names}
        return type(self)._fn(y_pred, y_true, weight=weight, reduction=self.reduction, **options)

    def extra_repr(self):
        parts = [f"{name}={getattr(self, name)!r}" for name in self._names]
        return ", ".join(parts + [f"reduction={self.reduction!r}"])


def _module(record, fn):
    doc = (f"{record.title} as an ``nn.Module``: ``{record.module}(*, <hyperparameters>, reduction='mean')``, called "
           f"as ``loss_fn(y_pred, y_true, weight=None)``; see :func:`lossbook.torch.{record.name}`.")
    cls = type(record.module, (_Loss,), {"__doc__": doc, "__module__": __name__, "_fn": staticmethod(fn),
                                         "_record": record})
    return cls


_MODULES = {record.module: _module(record, _LOSSES[name]) for name, record in catalog.RECORDS.items()}
globals().update(_MODULES)
__all__ = list(_LOSSES) + list(_MODULES)
__test__ = {name: fn.__doc__ for name, fn in _LOSSES.items()}

from ._chunked import chunked_cross_entropy  # noqa: E402  (large-vocabulary cross-entropy, see lossbook._chunked)

__all__.append("chunked_cross_entropy")

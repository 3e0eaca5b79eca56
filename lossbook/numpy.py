"""The NumPy backend: every loss as a function ``loss(y_pred, y_true, *, <hyperparameters>, weight, reduction)``
with its gradient ``loss.grad(...)`` with respect to ``y_pred``.

This module holds only the math. Argument checks, weights and reductions are shared with the PyTorch backend
(``lossbook._api``), so both raise the same errors and reduce the same way. Half-precision inputs are computed
in float32 and returned in float16.

>>> import numpy as np
>>> from lossbook import numpy as lbn
>>> y_pred, y_true = np.array([0.5, 3.0]), np.array([0.0, 0.0])
>>> float(lbn.huber(y_pred, y_true, delta=1.0))
1.3125
>>> lbn.huber.grad(y_pred, y_true, delta=1.0)
array([0.25, 0.5 ])
"""

from __future__ import annotations

import numpy as np

from . import _api, catalog
from ._smoothing import smooth_binary, smooth_categorical

_LOG2 = float(np.log(2.0))

# ---------------------------------------------------------------------------------------------------- conversions


def _as_float(x, name, like=None):
    x = np.asarray(x)
    if x.dtype.kind not in "biuf":
        raise TypeError(f"{name} must be a real numeric array, got dtype {x.dtype}")
    if like is not None:
        return x.astype(like.dtype, copy=False)
    return x if x.dtype.kind == "f" else x.astype(np.float64)


def _as_labels(x, name, like):
    x = np.asarray(x)
    if x.dtype.kind not in "iu":
        raise TypeError(f"{name} must hold integer class labels, got dtype {x.dtype}")
    return x


def _upcast(x):
    return x.astype(np.float32) if x.dtype == np.float16 else x


def _cast(x, dtype):
    return np.asarray(x, dtype=dtype) if x.dtype != dtype else x


BACKEND = _api.Backend("numpy", _as_float, _as_labels, _upcast, _cast)

# ---------------------------------------------------------------------------------------------------- helpers


def _mul0(a, b):
    """``a * b``, but 0 where ``a == 0`` even if ``b`` is infinite (the limit the losses need)."""
    return a * np.where(a == 0, 0, b)


def _xlogy(x, y):
    """``x * log(y)`` with 0 where ``x == 0``."""
    with np.errstate(divide="ignore"):
        return _mul0(x, np.log(np.where(x == 0, 1, y)))


def _xlog1py(x, y):
    """``x * log1p(y)`` with 0 where ``x == 0``."""
    with np.errstate(divide="ignore"):
        return _mul0(x, np.log1p(np.where(x == 0, 0, y)))


def _div0(a, b):
    """``a / b`` with 0 where ``a == 0`` (even if ``b == 0``)."""
    with np.errstate(divide="ignore"):
        return np.where(a == 0, 0, a / np.where(a == 0, 1, b))


def _sigmoid(x):
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1 / (1 + e), e / (1 + e))


def _softplus(x):
    """``log(1 + exp(x))`` without overflow: ``max(x, 0) + log1p(exp(-|x|))``."""
    return np.maximum(x, 0) + np.log1p(np.exp(-np.abs(x)))


def _neg_log_softmax(z):
    """``-log softmax(z)`` over the last axis as ``(m - z) + log1p(sum_{j != a} exp(z_j - m))``, ``m = z_a = max z``.

    Both terms are non-negative, so nothing cancels: a confident, correct prediction keeps full relative precision.
    """
    a = np.argmax(z, axis=-1)[..., None]
    m = np.take_along_axis(z, a, axis=-1)
    with np.errstate(invalid="ignore"):  # m = +inf gives inf - inf at the argmax, replaced by its limit 0 below
        d = m - z
        e = np.exp(-d)
    np.put_along_axis(d, a, 0, axis=-1)
    np.put_along_axis(e, a, 0, axis=-1)
    return d + np.log1p(e.sum(axis=-1, keepdims=True))


def _softmax_minus(z, y):
    """``softmax(z) * sum(y) - y`` over the last axis without cancellation at a confident prediction.

    With ``a`` the argmax, ``e_j = exp(z_j - z_a)`` (0 at ``a``) and ``s = sum e``: ``softmax_j = e_j / (1 + s)``
    off the argmax, and at the argmax the difference is ``(sum_{j != a} y_j - y_a s) / (1 + s)``, so a one-hot target
    on the argmax gives ``-s / (1 + s)`` to full precision instead of ``(1 - tiny) - 1``.
    """
    a = np.argmax(z, axis=-1)[..., None]
    with np.errstate(invalid="ignore"):
        e = np.exp(z - np.take_along_axis(z, a, axis=-1))
    np.put_along_axis(e, a, 0, axis=-1)
    s = e.sum(axis=-1, keepdims=True)
    total = y.sum(axis=-1, keepdims=True)
    y_a = np.take_along_axis(y, a, axis=-1)
    g = e / (1 + s) * total - y
    np.put_along_axis(g, a, ((total - y_a) - y_a * s) / (1 + s), axis=-1)
    return g


# ---------------------------------------------------------------------------------------------------- regression


def _mse(y_pred, y_true):
    r = y_pred - y_true
    return r * r


def _mae(y_pred, y_true):
    return np.abs(y_pred - y_true)


def _huber(y_pred, y_true, delta):
    """``q**2 / 2`` inside ``delta``, ``delta * (|r| - delta / 2)`` outside. The quadratic branch gets
    ``q = min(|r|, delta)``, so the unused branch never overflows (0 * inf would poison the gradient)."""
    a = np.abs(y_pred - y_true)
    q = np.minimum(a, delta)
    return np.where(a <= delta, 0.5 * q * q, delta * (a - 0.5 * delta))


def _smooth_l1(y_pred, y_true, beta):
    """``huber(delta=beta) / beta``: ``q**2 / (2 beta)`` inside ``beta``, ``|r| - beta / 2`` outside; ``beta = 0`` is
    the absolute error. ``(q * (0.5 / beta)) * q`` keeps a tiny ``q`` from underflowing."""
    a = np.abs(y_pred - y_true)
    if beta == 0:
        return a
    q = np.minimum(a, beta)
    return np.where(a < beta, (q * (0.5 / beta)) * q, a - 0.5 * beta)


def _quantile(y_pred, y_true, q):
    d = y_true - y_pred
    return np.where(d >= 0, q * d, (q - 1) * d)


def _log_cosh(y_pred, y_true):
    a = np.abs(y_pred - y_true)
    with np.errstate(over="ignore"):
        small = np.log1p(2 * np.sinh(np.minimum(a, 1) / 2) ** 2)
    return np.where(a < 1, small, a - _LOG2 + np.log1p(np.exp(-2 * a)))


def _mse_grad(y_pred, y_true):
    return 2 * (y_pred - y_true)


def _mae_grad(y_pred, y_true):
    return np.sign(y_pred - y_true)


def _huber_grad(y_pred, y_true, delta):
    return np.clip(y_pred - y_true, -delta, delta)


def _smooth_l1_grad(y_pred, y_true, beta):
    r = y_pred - y_true
    return np.sign(r) if beta == 0 else np.clip(r / beta, -1, 1)


def _quantile_grad(y_pred, y_true, q):
    return np.where(y_true - y_pred >= 0, -q, 1 - q).astype(y_pred.dtype)


def _log_cosh_grad(y_pred, y_true):
    return np.tanh(y_pred - y_true)


# ---------------------------------------------------------------------------------------------------- binary


def _binary_cross_entropy(y_pred, y_true, from_logits, pos_weight, label_smoothing):
    y = smooth_binary(y_true, label_smoothing)
    w = 1 if pos_weight is None else pos_weight
    if from_logits:
        return w * _mul0(y, _softplus(-y_pred)) + _mul0(1 - y, _softplus(y_pred))
    return -(w * _xlogy(y, y_pred) + _xlog1py(1 - y, -y_pred))


def _binary_cross_entropy_grad(y_pred, y_true, from_logits, pos_weight, label_smoothing):
    y = smooth_binary(y_true, label_smoothing)
    w = 1 if pos_weight is None else pos_weight
    if from_logits:
        return -w * y * _sigmoid(-y_pred) + (1 - y) * _sigmoid(y_pred)
    return -w * _div0(y, y_pred) + _div0(1 - y, 1 - y_pred)


def _hinge(y_pred, y_true):
    return np.maximum(0, 1 - y_true * y_pred)


def _squared_hinge(y_pred, y_true):
    return _hinge(y_pred, y_true) ** 2


def _zero_one(y_pred, y_true, threshold):
    return ((y_pred > threshold) != (y_true > 0)).astype(y_pred.dtype)


def _hinge_grad(y_pred, y_true):
    return np.where(y_true * y_pred < 1, -y_true, 0).astype(y_pred.dtype)


def _squared_hinge_grad(y_pred, y_true):
    return -2 * y_true * _hinge(y_pred, y_true)


def _zero_one_grad(y_pred, y_true, threshold):
    """Zero almost everywhere (undefined exactly at the threshold): there is nothing to descend."""
    return np.zeros_like(y_pred)


# ---------------------------------------------------------------------------------------------------- multi-class


def _categorical_cross_entropy(y_pred, y_true, from_logits, label_smoothing):
    y = smooth_categorical(y_true, label_smoothing)
    if from_logits:
        return _mul0(y, _neg_log_softmax(y_pred)).sum(axis=-1)
    return -_xlogy(y, y_pred).sum(axis=-1)


def _categorical_cross_entropy_grad(y_pred, y_true, from_logits, label_smoothing):
    y = smooth_categorical(y_true, label_smoothing)
    if from_logits:
        return _softmax_minus(y_pred, y)
    return -_div0(y, y_pred)


def _label_parts(y_pred, labels, ignore_index, class_weight):
    """Per sample: a label safe for indexing, whether it counts (not ``ignore_index``), and its class weight
    (0 where ignored); plus the class-weight vector and the mean's denominator (None: the sample count)."""
    keep = np.ones(labels.shape, bool) if ignore_index is None else labels != ignore_index
    safe = np.where(keep, labels, 0)
    cw = np.ones(y_pred.shape[-1], y_pred.dtype) if class_weight is None else class_weight
    w_y = np.where(keep, cw[safe], 0).astype(y_pred.dtype)
    norm = w_y if (ignore_index is not None or class_weight is not None) else None
    return safe, keep, cw, w_y, norm


def _sparse_categorical_cross_entropy(y_pred, y_true, from_logits, label_smoothing, ignore_index, class_weight):
    safe, keep, cw, w_y, norm = _label_parts(y_pred, y_true, ignore_index, class_weight)
    nls = _neg_log_softmax(y_pred) if from_logits else -np.log(y_pred)
    loss = _mul0(w_y, np.take_along_axis(nls, safe[..., None], axis=-1)[..., 0])
    if label_smoothing:
        e, c = label_smoothing, y_pred.shape[-1]
        loss = (1 - e) * loss + (e / c) * np.where(keep, _mul0(cw, nls).sum(axis=-1), 0)
    return loss, norm


def _sparse_categorical_cross_entropy_grad(y_pred, y_true, from_logits, label_smoothing, ignore_index, class_weight):
    """The gradient needs an (N, C) array anyway, so here the (smoothed, weighted) target matrix is built."""
    safe, keep, cw, w_y, norm = _label_parts(y_pred, y_true, ignore_index, class_weight)
    e, c = label_smoothing, y_pred.shape[-1]
    target = np.where(keep[..., None], (e / c) * cw, 0).astype(y_pred.dtype)
    idx = safe[..., None]
    np.put_along_axis(target, idx, np.take_along_axis(target, idx, -1) + ((1 - e) * w_y)[..., None], -1)
    return _categorical_cross_entropy_grad(y_pred, target, from_logits, 0.0), norm


def _kl_divergence(y_pred, y_true, log_input):
    """Terms ``p log(p / q)`` summed over the last axis; 0 where ``p = 0`` (with a zero gradient, never NaN).

    Where ``q`` is close to ``p`` the log-ratio is ``log1p((p - q) / q)`` (``p - q`` is exact there); elsewhere
    ``log p - log q``, which also covers ``p`` many orders of magnitude below ``q``.
    """
    p = y_true
    zero = p == 0
    ps = np.where(zero, 1.0, p)  # safe values: a zero target contributes 0 and no NaN to any gradient
    if log_input:
        return np.where(zero, 0.0, ps * (np.log(ps) - np.where(zero, 0.0, y_pred))).sum(axis=-1)
    qs = np.where(zero, 1.0, y_pred)
    close = np.abs(ps - qs) <= 0.5 * qs
    with np.errstate(divide="ignore"):
        log_ratio = np.where(close, np.log1p((ps - qs) / np.where(close, qs, 1.0)), np.log(ps) - np.log(qs))
    return np.where(zero, 0.0, ps * log_ratio).sum(axis=-1)


def _kl_divergence_grad(y_pred, y_true, log_input):
    return -y_true if log_input else -_div0(y_true, y_pred)


# ---------------------------------------------------------------------------------------------------- public API

_LOSSES = _api.build(
    BACKEND,
    {name: globals()[f"_{name}"] for name in catalog.RECORDS},
    {name: globals()[f"_{name}_grad"] for name in catalog.RECORDS if f"_{name}_grad" in globals()},
)
globals().update(_LOSSES)
__all__ = list(_LOSSES)
__test__ = {name: fn.__doc__ for name, fn in _LOSSES.items()}

"""Multi-class losses over the last axis: categorical and sparse cross-entropy, and the KL divergence.

The cross-entropy on logits never forms the softmax. With ``a`` the row's largest logit and ``d = z_a - z >= 0``:

    -log softmax(z)_c = d_c + log1p(s),    s = sum_{j != a} exp(-d_j)

a sum of non-negative terms, so a confident, correct prediction keeps its tiny loss ``log1p(s)`` to full relative
precision. Two more details make every value and gradient accurate to a few ULP of the exact result:

- the gaps ``d`` are rounded (``z_a - z_j`` needs more bits than a float has when the two are far apart), and
  ``exp(-d)`` turns an absolute error of half an ULP of ``d`` into a relative error of ``d`` times that: 16 ULP on
  random float32 logits. Knuth's error-free subtraction gives the exact gap as ``d + lo``, and each exponential is
  corrected to ``exp(-d) (1 - lo)``;
- when every ``exp(-d_j)`` would be subnormal (losing digits), the sum is taken of ``exp(k - d_j)`` for an integer
  shift ``k`` (exact arguments) and scaled back by ``exp(-k)`` in float64, so that the only rounding of a
  subnormal result is the last one.
"""

from __future__ import annotations

import math

from .._smoothing import smooth_categorical

_MAX_SHIFT = 10_000.0  # beyond any exponent a float can hold: rows with one finite logit get e = 0, not NaN


def _shift_threshold(xp, z):
    """Gaps ``d`` above this give terms ``exp(-d)`` close to the smallest normal number: shift them."""
    return math.floor(-math.log(float(xp.finfo(z).tiny))) - 8.0


class _Logits:
    """The pieces of ``-log softmax(z)`` for every row of ``z`` (see the module docstring).

    Attributes: ``a`` (argmax, ``(..., 1)``), ``d`` (gaps, owned, 0 at ``a``), ``e`` (``exp(k - d)``, owned, 0 at
    ``a``), ``s`` (``sum e * exp(-k)``, float64, ``(..., 1)``), ``scale`` (``exp(-k)``, float64),
    ``log1p_s`` (``log1p(s)`` in ``z``'s dtype: the loss of the argmax class).
    """

    def __init__(self, xp, z):
        self.a = xp.argmax(z)
        self.d, self.lo, spare = _exact_difference(xp, xp.take(z, self.a), z)
        xp.put(self.d, self.a, math.inf)  # +inf logits: inf - inf is NaN at the argmax; the gap there is 0
        second = xp.min(self.d)  # the smallest gap to another class
        xp.put(self.d, self.a, 0.0)
        xp.put(self.lo, self.a, 0.0)
        k = xp.floor(xp.clip(second - _shift_threshold(xp, z), 0.0, _MAX_SHIFT))
        self.e = xp.exp(xp.subtract(k, self.d, out=spare), out=spare)
        xp.sub_product(self.e, self.e, self.lo)  # exp(-(d + lo)) = exp(-d) (1 - lo) to first order
        xp.put(self.e, self.a, 0.0)
        self.scale = xp.exp(-xp.upcast(k))
        self.s = xp.sum64(self.e) * self.scale  # float64: a float32 sum of C terms adds ~2 ULP
        self.log1p_s = xp.as_dtype_of(xp.log1p(self.s), z)

    def neg_log_softmax(self):
        """``-log softmax(z)``, overwriting ``d``."""
        self.d += self.lo
        self.d += self.log1p_s
        return self.d

    def softmax_times(self, xp, total, z):
        """``softmax(z) * total`` (``total`` per row), overwriting ``e``; 0 at the argmax (the caller fills it)."""
        factor = xp.as_dtype_of(self.scale * xp.upcast(total) / (1 + self.s), z)
        self.e *= factor
        return self.e

    def at_argmax(self, xp, rest, at_a, z):
        """``(rest - at_a s) / (1 + s)`` per row, computed in float64 and rounded once to ``z``'s dtype."""
        return xp.as_dtype_of((xp.upcast(rest) - xp.upcast(at_a) * self.s) / (1 + self.s), z)


def _mul0(xp, a, b):
    """``a * b`` (a new array) with ``0 * inf = 0``."""
    return xp.nan_to_zero(a * b)


def _exact_difference(xp, a, b):
    """``(d, lo, spare)`` with ``d = fl(a - b)`` and ``a - b = d + lo`` exactly (Knuth's TwoSum of ``a`` and ``-b``;
    ``lo`` is 0 where it would be NaN, at infinite inputs). ``spare`` is a scratch buffer of the same shape."""
    d = a - b
    spare = d - a  # about -b
    lo = d - spare  # about a
    lo = xp.subtract(a, lo, out=lo)  # the error made on a
    spare += b  # minus the error made on -b
    lo -= spare
    return d, xp.nan_to_zero(lo), spare

def _softmax_minus(xp, parts, y, z):
    """``softmax(z) * sum(y) - y`` over the last axis, without cancellation at a confident prediction: at the argmax
    the difference is ``(sum_{j != a} y_j - y_a s) / (1 + s)``, so a one-hot target there gives ``-s / (1 + s)`` to
    full precision instead of ``(1 - tiny) - 1``."""
    total = xp.sum(y, axis=-1, keepdims=True)
    y_a = xp.take(y, parts.a)
    grad = parts.softmax_times(xp, total, z)
    grad -= y
    return xp.put(grad, parts.a, parts.at_argmax(xp, total - y_a, y_a, z))


def categorical_cross_entropy(xp, y_pred, y_true, want_grad, from_logits, label_smoothing):
    """``-sum_c y_c log p_c`` per row; on logits ``sum_c y_c (-log softmax(z)_c)``, gradient ``softmax(z) sum(y) - y``;
    on probabilities gradient ``-y / p``. ``0 * log 0 = 0``."""
    y = smooth_categorical(y_true, label_smoothing)
    if not from_logits:
        return _categorical_probabilities(xp, y_pred, y, want_grad)
    parts = _Logits(xp, y_pred)
    nls = parts.neg_log_softmax()
    nls *= y
    values = xp.sum(xp.nan_to_zero(nls), axis=-1)  # 0 * inf = 0: a zero target at a -inf logit
    return values, (_softmax_minus(xp, parts, y, y_pred) if want_grad else None)


def _categorical_probabilities(xp, p, y, want_grad):
    values = -xp.sum(_mul0(xp, y, xp.log(p)), axis=-1)
    values += xp.sum(p - p, axis=-1)  # a NaN prediction makes the value NaN, past the zeroed products
    grad = -_mul0(xp, y, 1 / p) if want_grad else None
    return values, grad


def categorical_cross_entropy_target_grad(xp, y_pred, y_true, from_logits, label_smoothing):
    """``d/dy_c = (1 - eps) (-log p_c)``."""
    nls = _Logits(xp, y_pred).neg_log_softmax() if from_logits else -xp.log(y_pred)
    return nls * (1 - label_smoothing) if label_smoothing else nls


# ---------------------------------------------------------------------------------------------------- sparse labels


def _label_weights(xp, y_pred, labels, ignore_index, class_weight):
    """Per row: a label safe for indexing, its weight (class weight, 0 where ignored), and the mean's denominator per
    row (None: every row counts 1). Labels are ``(..., 1)``."""
    keep = None if ignore_index is None else xp.as_dtype_of(labels != ignore_index, y_pred)
    safe = labels if keep is None else labels * xp.as_dtype_of(labels != ignore_index, labels)
    weight = xp.full_like(xp.take(y_pred, safe), 1.0) if class_weight is None else xp.as_dtype_of(class_weight[safe],
                                                                                                    y_pred)
    if keep is not None:
        weight *= keep
    norm = weight if (ignore_index is not None or class_weight is not None) else None
    return safe, keep, weight, norm


def sparse_categorical_cross_entropy(xp, y_pred, y_true, want_grad, from_logits, label_smoothing, ignore_index,
                                     class_weight):
    """``-w_y log p_y`` per row, ``w_y`` the label's class weight (0 for ``ignore_index``); with label smoothing
    ``(1 - eps) w_y (-log p_y) + eps / C sum_c w_c (-log p_c)``, as ``torch.nn.functional.cross_entropy``.

    Returns a third item, the weight each row adds to the mean's denominator. Without smoothing no ``(N, C)`` target
    is built; the gradient ``w_y (softmax(z) - onehot(y))`` is written straight into the exponentials' buffer.
    """
    labels = y_true[..., None]
    safe, keep, w, norm = _label_weights(xp, y_pred, labels, ignore_index, class_weight)
    if label_smoothing:
        target = _smoothed_target(xp, y_pred, safe, keep, w, label_smoothing, class_weight)
        values, grad = categorical_cross_entropy(xp, y_pred, target, want_grad, from_logits, 0.0)
        return values, grad, (None if norm is None else norm[..., 0])
    if not from_logits:
        p_y = xp.take(y_pred, safe)
        values = _mul0(xp, w, -xp.log(p_y))[..., 0]
        grad = None
        if want_grad:
            grad = xp.zeros_like(y_pred)
            xp.put(grad, safe, -_mul0(xp, w, 1 / p_y))
        return values, grad, (None if norm is None else norm[..., 0])
    values, grad = _sparse_from_logits(xp, y_pred, safe, w, want_grad)
    return values[..., 0], grad, (None if norm is None else norm[..., 0])


def _sparse_from_logits(xp, z, labels, w, want_grad):
    """``w (-log softmax(z)_y)`` per row and its gradient ``w (softmax(z) - onehot(y))``, built around the label
    ``y`` rather than the argmax (no ``argmax``, the slowest step on the CPU).

    With ``m`` the row's largest logit, the exact gaps ``d + lo = m - z`` (as in :class:`_Logits`) and
    ``S = sum_{j != y} exp(k - d_j - lo_j)`` (shifted by ``k`` where every term would be subnormal):

        -log p_y = softplus(L),    L = log(S) - k + d_y + lo_y,

    (computed as ``log1p(S exp(d_y + lo_y - k))`` where that is at most ``log 2``), which is ``log1p(s)`` to full
    relative precision for a confident, correct prediction, and
    ``p_j = exp(k - d_j - lo_j) / (exp(k - d_y - lo_y) + S)``, ``p_y - 1 = -S / (exp(k - d_y - lo_y) + S)``: no
    cancellation. The per-row arithmetic is in float64."""
    m = xp.max(z)
    d, lo, spare = _exact_difference(xp, m, z)
    xp.nan_to_zero(d)  # inf - inf at a +inf logit: the gap is 0 (a NaN logit shows in m, below)
    d_y, lo_y = xp.upcast(xp.take(d, labels)), xp.upcast(xp.take(lo, labels))
    xp.put(d, labels, math.inf)  # leaves the label out of S
    k = xp.floor(xp.clip(xp.min(d) - _shift_threshold(xp, z), 0.0, _MAX_SHIFT))
    e = xp.exp(xp.subtract(k, d, out=spare), out=spare)
    xp.sub_product(e, e, lo)  # exp(-(d + lo)) = exp(-d) (1 - lo) to first order
    total = xp.sum64(e)
    k = xp.upcast(k)
    nan_row = xp.upcast(xp.where(m != m, math.nan, 0.0))  # a row with a NaN logit gives NaN
    gap = d_y + lo_y - k  # -log of the label's term, shifted
    w64 = xp.upcast(w)
    values = xp.as_dtype_of(w64 * _log1p_ratio(xp, total, gap) + nan_row, z)
    if not want_grad:
        return values, None
    denominator = xp.exp(-gap) + total
    e *= xp.as_dtype_of(w64 / denominator + nan_row, z)
    return values, xp.put(e, labels, xp.as_dtype_of(-w64 * total / denominator + nan_row, z))


def _log1p_ratio(xp, total, gap):
    """``log1p(total exp(gap))`` per row (``total >= 0``), as ``L + log1p(exp(-L))`` with ``L = log(total) + gap``
    where ``L > 0`` (no overflow, and the result is at least ``log 2``, so nothing is lost), else directly. ``L <= 0``
    happens only when the label is the row's largest logit, and then ``gap = -k <= 0`` is exact."""
    big = xp.log(total) + gap
    small = xp.log1p(total * xp.exp(xp.clip(gap, None, 0.0)))
    return xp.where(big > 0, big + xp.log1p(xp.exp(-xp.abs(big))), small)


def _smoothed_target(xp, y_pred, labels, keep, w, label_smoothing, class_weight):
    """The dense target of label smoothing with class weights: ``eps / C * w_c`` everywhere (0 on ignored rows) plus
    ``(1 - eps) w_y`` at the label."""
    c = y_pred.shape[-1]
    target = xp.full_like(y_pred, label_smoothing / c)
    if class_weight is not None:
        target *= xp.as_dtype_of(class_weight, y_pred)
    if keep is not None:
        target *= keep
    return xp.put(target, labels, xp.take(target, labels) + (1 - label_smoothing) * w)


# ---------------------------------------------------------------------------------------------------- KL divergence

# Beyond |w| = 1/2 the Bregman term is computed directly; inside, through the series of atanh(w) - w.
_NEAR = 0.5
_SERIES_TERMS = 28  # (1/4)^28 / 59 < 1e-18: below float64's half ULP relative to the series' sum (>= 1/3)


def _atanh_series(xp, z):
    """``sum_{k >= 0} z^k / (2k + 3)`` for ``0 <= z <= 1/4`` (``(atanh(w) - w) / w^3`` at ``z = w^2``), by Horner."""
    acc = xp.full_like(z, 1.0 / (2 * _SERIES_TERMS + 3))
    for k in range(_SERIES_TERMS - 1, -1, -1):
        acc *= z
        acc += 1.0 / (2 * k + 3)
    return acc


def _bregman(xp, p, q):
    """``p log(p / q) - p + q >= 0`` elementwise (for ``p > 0``), without cancellation.

    With ``d = q - p`` (exact when ``q`` is near ``p``), ``s = q + p`` and ``w = d / s``, the term equals
    ``d w (1 - (1 - w) w S(w^2))`` with ``S`` the series of ``(atanh(w) - w) / w^3``: for ``|w| <= 1/2`` the
    bracket lies in [0.7, 1.3], so nothing cancels. Farther out, ``p log(p / q) + d`` cancels by at most a
    factor of about 2.
    """
    d = q - p
    w = d / (q + p)
    near = d * w * (1 - (1 - w) * w * _atanh_series(xp, xp.clip(w * w, None, _NEAR**2)))
    far = p * xp.log(p / q) + d
    return xp.where(xp.abs(w) <= _NEAR, near, far)


def _two_sum(a, b):
    """``(s, e)`` with ``s = fl(a + b)`` and ``a + b = s + e`` exactly (Knuth)."""
    s = a + b
    bb = s - a
    return s, (a - (s - bb)) + (b - bb)


def _compensated_sum(xp, x):
    """The sum over the last axis with the rounding errors of a pairwise summation added back: as accurate as
    summing in twice the precision."""
    error = xp.zeros_like(x[..., :1])
    while x.shape[-1] > 1:
        half = x.shape[-1] // 2
        s, e = _two_sum(x[..., 0:2 * half:2], x[..., 1:2 * half:2])
        error = error + xp.sum(e, axis=-1, keepdims=True)
        x = xp.concat([s, x[..., 2 * half:]], axis=-1)
    return (x + error)[..., 0]


def kl_divergence(xp, y_pred, y_true, want_grad, log_input):
    """``KL(y || p) = sum_c y_c log(y_c / p_c)`` per row, 0 for ``y_c = 0`` (with a zero gradient).

    On probabilities: ``sum_{y>0} [y log(y/p) - y + p] + sum_{y>0} (y - p)``, non-negative Bregman terms plus a
    compensated sum of differences that are exact where ``p`` is near ``y``, all in float64: the result keeps its
    digits when the two distributions nearly agree (the naive sum of ``y log(y/p)`` loses them all). Gradient
    ``-y / p``. On log-probabilities ``lp``: ``sum_c y_c (log y_c - lp_c)``, gradient ``-y``; there the terms cancel
    when ``lp`` is near ``log y`` and the value is ill-conditioned in ``lp``.
    """
    p = y_true
    if log_input:
        terms = xp.log(p)
        terms -= y_pred
        values = xp.sum(_mul0(xp, p, terms), axis=-1)
        return values, (-p if want_grad else None)
    p64, q64 = xp.upcast(p), xp.upcast(y_pred)
    support = p64 > 0
    bregman = xp.where(support, _bregman(xp, xp.where(support, p64, 1.0), xp.where(support, q64, 1.0)), 0.0)
    differences = xp.where(support, p64 - q64, 0.0)
    values = xp.sum(bregman, axis=-1) + _compensated_sum(xp, differences)
    values = xp.as_dtype_of(values + xp.sum(q64 - q64, axis=-1), y_pred)  # NaN predictions propagate
    grad = None
    if want_grad:
        grad = -_mul0(xp, p, 1 / y_pred)
        grad += 0.0  # -0.0 becomes 0.0 where the target is 0
    return values, grad


def kl_divergence_target_grad(xp, y_pred, y_true, log_input):
    """``d/dy_c = log(y_c / p_c) + 1`` where ``y_c > 0``, and 0 where ``y_c = 0`` (the one-sided derivative there is
    ``-inf``; 0 keeps training through targets that have zeros, as distillation does)."""
    log_p = y_pred if log_input else xp.log(y_pred)
    grad = xp.log(y_true) - log_p
    grad += 1
    return _mul0(xp, xp.sign(y_true), grad)

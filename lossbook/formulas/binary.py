"""Binary classification: the cross-entropy on logits or probabilities, the hinge losses and the zero-one loss.

A product ``a * b`` where ``a`` may be exactly 0 and ``b`` infinite (a label of 0 times the infinite loss of an
infinite logit) must mean 0, the limit the loss takes. IEEE arithmetic says NaN, so such products go through
``xp.nan_to_zero``; the NaN of a NaN input still reaches the result through a term that is never zeroed.
"""

from __future__ import annotations

from .._smoothing import smooth_binary


def _mul0(xp, a, b):
    """``a * b`` (a new array) with ``0 * inf = 0``."""
    return xp.nan_to_zero(a * b)


def _softplus_parts(xp, x):
    """``(e, sp, relu(x), relu(-x))`` with ``e = exp(-|x|)`` and ``sp = log1p(e)``.

    ``softplus(x) = relu(x) + sp`` and ``softplus(-x) = relu(-x) + sp``: each a sum of two non-negative terms, so
    neither overflows for large ``|x|`` nor loses the digits of a tiny value (PyTorch's ``softplus`` switches to
    the identity above 20).
    """
    e = xp.abs(x)
    e *= -1
    xp.exp(e, out=e)
    sp = xp.log1p(e)
    pos = xp.clip(x, 0.0, None)
    neg = xp.clip(x, None, 0.0)
    neg *= -1
    return e, sp, pos, neg


def _sigmoid_numerators(xp, e, pos, neg):
    """``(n+, n-)`` with ``sigmoid(x) = n+ / (1 + e)`` and ``sigmoid(-x) = n- / (1 + e)``: ``n+`` is 1 for ``x >= 0``
    and ``e`` for ``x < 0``, selected by ``min(e + 4 relu(x), 1)`` without a (slow) masked select. ``pos`` and
    ``neg`` are overwritten."""
    pos *= 4
    pos += e
    neg *= 4
    neg += e
    return xp.clip(pos, None, 1.0, out=pos), xp.clip(neg, None, 1.0, out=neg)


def binary_cross_entropy(xp, y_pred, y_true, want_grad, from_logits, pos_weight, label_smoothing):
    """``-(w+ y log p + (1 - y) log(1 - p))``; on logits ``w+ y softplus(-x) + (1 - y) softplus(x)``.

    On logits the gradient is ``(1 - y) sigmoid(x) - w+ y sigmoid(-x)``: each sigmoid is computed on its own side,
    so a confident prediction keeps its tiny gradient (``sigmoid(x) - 1`` would round it to 0).
    """
    y = smooth_binary(y_true, label_smoothing)
    if not from_logits:
        return _bce_probabilities(xp, y_pred, y, want_grad, pos_weight)
    x = y_pred
    e, sp, pos, neg = _softplus_parts(xp, x)
    not_y = 1 - y
    wy = y if pos_weight is None else pos_weight * y
    if pos_weight is not None:  # (w+ y + 1 - y) sp: the two softplus terms share sp
        sp *= wy + not_y
    # At an infinite logit one of the two products is 0 * inf = NaN and the other is 0: the sum's NaN means 0.
    products = xp.multiply(wy, neg)
    xp.add_product(products, not_y, pos)
    sp += xp.nan_to_zero(products)
    if not want_grad:
        return sp, None
    n_pos, n_neg = _sigmoid_numerators(xp, e, pos, neg)
    n_pos *= not_y
    xp.sub_product(n_pos, wy, n_neg)
    e += 1
    n_pos /= e
    return sp, n_pos


def _bce_probabilities(xp, p, y, want_grad, pos_weight):
    """``-(w+ xlogy(y, p) + xlog1py(1 - y, -p))``, exact for ``p`` at 0 or 1 (no clamping); ``p - p`` (0, or NaN for
    a NaN prediction) carries a NaN prediction into the result past the zeroed products."""
    wy = y if pos_weight is None else pos_weight * y
    not_y = 1 - y
    nan = p - p
    values = _mul0(xp, wy, xp.log(p))
    values += _mul0(xp, not_y, xp.log1p(-p))
    values *= -1
    values += nan
    if not want_grad:
        return values, None
    grad = _mul0(xp, not_y, 1 / (1 - p))
    grad -= _mul0(xp, wy, 1 / p)
    grad += nan
    return values, grad


def binary_cross_entropy_target_grad(xp, y_pred, y_true, from_logits, pos_weight, label_smoothing):
    """``d/dy = (1 - eps) (w+ softplus(-x) - softplus(x))`` (on probabilities ``(1 - eps)(log1p(-p) - w+ log p)``)."""
    w = 1.0 if pos_weight is None else pos_weight
    if from_logits:
        _, sp, pos, neg = _softplus_parts(xp, y_pred)
        neg += sp
        pos += sp
        grad = w * neg - pos
    else:
        grad = xp.log1p(-y_pred) - w * xp.log(y_pred)
    return grad * (1 - label_smoothing) if label_smoothing else grad


def binary_cross_entropy_pos_weight_grad(xp, y_pred, y_true, from_logits, pos_weight, label_smoothing):
    """``d/dw+ = y softplus(-x)`` (on probabilities ``-y log p``), with ``0 * inf = 0``."""
    y = smooth_binary(y_true, label_smoothing)
    if from_logits:
        _, sp, _, neg = _softplus_parts(xp, y_pred)
        neg += sp
        return _mul0(xp, y, neg)
    return -_mul0(xp, y, xp.log(y_pred))


def _margin_violation(y_pred, y_true):
    """``1 - y s``, a new array (``y s`` is exact for labels of +-1)."""
    m = y_true * y_pred
    m *= -1
    m += 1
    return m


def _active(xp, m):
    """1 where ``m > 0`` (inside the margin), 0 elsewhere, at the kink too: ``relu(sign(m))``."""
    return xp.clip(xp.sign(m), 0.0, None)


def hinge(xp, y_pred, y_true, want_grad):
    """``max(0, 1 - y s)``; gradient ``-y`` inside the margin, 0 outside and at the kink."""
    m = _margin_violation(y_pred, y_true)
    grad = None
    if want_grad:
        grad = _active(xp, m)
        grad *= y_true
        grad *= -1
    return xp.clip(m, 0.0, None, out=m), grad


def hinge_target_grad(xp, y_pred, y_true):
    grad = _active(xp, _margin_violation(y_pred, y_true))
    grad *= y_pred
    grad *= -1
    return grad


def squared_hinge(xp, y_pred, y_true, want_grad):
    """``max(0, 1 - y s)**2``; gradient ``-2 y max(0, 1 - y s)``."""
    m = xp.clip(_margin_violation(y_pred, y_true), 0.0, None)
    grad = None
    if want_grad:
        grad = m * y_true
        grad *= -2
    m *= m
    return m, grad


def squared_hinge_target_grad(xp, y_pred, y_true):
    grad = xp.clip(_margin_violation(y_pred, y_true), 0.0, None)
    grad *= y_pred
    grad *= -2
    return grad


def zero_one(xp, y_pred, y_true, want_grad, threshold):
    """1 where the decision ``y_pred > threshold`` disagrees with the label ``y_true > 0``; zero gradient."""
    values = xp.as_dtype_of((y_pred > threshold) != (y_true > 0), y_pred)
    return values, (xp.zeros_like(y_pred) if want_grad else None)

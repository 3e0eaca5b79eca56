"""Regression losses: functions of the residual ``r = y_pred - y_true`` (``d = y_true - y_pred`` for the pinball).

Each function returns ``(values, grad)``. The residual is a new array the function owns, so it is reused in place
for the values: on the CPU every fresh buffer costs page faults, and an extra pass over the data costs as much as
the arithmetic it carries.
"""

from __future__ import annotations

# log cosh(r) = log1p(2 sinh(r/2)^2) exactly; for |r| >= CUT it equals log cosh(CUT) + (|r| - CUT) up to a relative
# e^(-2 CUT) / |r| < 2e-19, below half an ULP of float64.
_LOG_COSH_CUT = 20.0


def minus_grad(values_and_grad):
    """The gradient with respect to ``y_true`` of a loss of ``y_pred - y_true``: minus the one for ``y_pred``."""

    def target_grad(xp, y_pred, y_true, **options):
        grad = values_and_grad(xp, y_pred, y_true, want_grad=True, **options)[1]
        grad *= -1
        return grad

    return target_grad


def mse(xp, y_pred, y_true, want_grad):
    """``r**2``; gradient ``2 r``."""
    r = y_pred - y_true
    grad = r + r if want_grad else None
    r *= r
    return r, grad


def mae(xp, y_pred, y_true, want_grad):
    """``|r|``; gradient ``sign(r)`` (0 at a zero residual)."""
    r = y_pred - y_true
    grad = xp.sign(r) if want_grad else None
    return xp.abs(r, out=r), grad


def huber(xp, y_pred, y_true, want_grad, delta):
    """``(r - g/2) g`` with ``g = clip(r, -delta, delta)``, which is also the gradient.

    Inside ``delta`` that is ``(r/2) r`` (``r - r/2`` is exact), outside ``delta (|r| - delta/2)``: one formula, no
    branch, and no intermediate that can overflow where the loss itself is finite.
    """
    r = y_pred - y_true
    g = xp.clip(r, -delta, delta)
    xp.add_scaled(r, -0.5, g)
    r *= g
    return r, g


def smooth_l1(xp, y_pred, y_true, want_grad, beta):
    """``huber(delta=beta) / beta``, computed as ``(r - beta h / 2) h`` with ``h = clip(r / beta, -1, 1)`` (the
    gradient). Inside ``beta`` that is ``(r/2)(r/beta)``: ``r/beta`` first keeps a tiny ``r**2`` from underflowing
    before the division. ``beta = 0`` is the absolute error."""
    if beta == 0:
        return mae(xp, y_pred, y_true, want_grad)
    r = y_pred - y_true
    h = r / beta
    xp.clip(h, -1.0, 1.0, out=h)
    xp.add_scaled(r, -0.5 * beta, h)
    r *= h
    return r, h


def quantile(xp, y_pred, y_true, want_grad, q):
    """``max(q d, (q - 1) d)`` with ``d = y_true - y_pred``; gradient ``-q`` where ``d >= 0``, ``1 - q`` where
    ``d < 0``, written as ``relu(-sign(d)) - q``."""
    d = y_true - y_pred
    grad = None
    if want_grad:
        grad = xp.sign(d)
        grad *= -1
        xp.clip(grad, 0.0, None, out=grad)
        grad -= q
    under = q * d
    d *= q - 1
    return xp.maximum(under, d, out=d), grad


def log_cosh(xp, y_pred, y_true, want_grad):
    """``log1p(2 sinh(m/2)**2) + (|r| - m)`` with ``m = min(|r|, 20)``; gradient ``tanh(r)``.

    ``log cosh(r) = log1p(2 sinh(r/2)**2)`` has no cancellation (a naive ``log(cosh(r))`` loses every digit of a
    tiny residual and overflows past |r| = 89 in float32); beyond 20 the loss grows exactly linearly to within
    half an ULP, which keeps ``sinh`` far from overflow.
    """
    r = y_pred - y_true
    grad = xp.tanh(r) if want_grad else None
    a = xp.abs(r, out=r)
    m = xp.clip(a, None, _LOG_COSH_CUT)
    a -= m
    m *= 0.5
    xp.sinh(m, out=m)
    m *= m
    m *= 2
    xp.log1p(m, out=m)
    m += a
    return m, grad

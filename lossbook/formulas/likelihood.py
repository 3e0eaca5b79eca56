"""Negative log-likelihoods with a parameter beyond the mean: the Gaussian with a variance, the Poisson for counts.

Both can be negative (they are log-densities and log-probabilities up to constants), so where their terms cancel
the value is ill-conditioned in the inputs: a relative change of one ULP in an input moves the result by one ULP
of the larger term.
"""

from __future__ import annotations

import math

_LOG_2PI = math.log(2 * math.pi)


def _standardised(xp, r, var, log_var):
    """``z = r / sigma``: ``r exp(-log_var / 2)`` or ``r / sqrt(var)``, with ``0 * inf = 0`` (a zero residual
    under a vanishing variance contributes nothing, not NaN)."""
    if log_var is not None:
        scale = xp.exp(log_var * -0.5)
        return xp.nan_to_zero(r * scale)
    return r / xp.sqrt(var)


def gaussian_nll(xp, y_pred, y_true, want_grad, var, log_var, full):
    """``(log sigma^2 + z^2) / 2`` with ``z = (y_pred - y_true) / sigma`` (plus ``log(2 pi) / 2`` if ``full``).

    With ``log_var`` the square is ``(r exp(-log_var/2))^2``, never ``r^2 exp(-log_var)`` (which overflows for a
    large residual or variance while the loss is finite). Gradient with respect to the mean: ``r / sigma^2``.
    """
    r = y_pred - y_true
    grad = None
    if want_grad:  # r / sigma^2 in one rounding (z / sigma would round twice, once perhaps into a subnormal)
        grad = xp.nan_to_zero(r * xp.exp(-log_var)) if log_var is not None else r / var
    # The value in float64, rounded once: exp, product, square and sum would each round in float32.
    log_var, var = (None if a is None else xp.upcast(a) for a in (log_var, var))
    z = _standardised(xp, xp.upcast(r), var, log_var)
    z *= z
    z += log_var if log_var is not None else xp.log(var)
    if full:
        z += _LOG_2PI
    z *= 0.5
    return xp.as_dtype_of(z, y_pred), grad


def gaussian_nll_log_var_grad(xp, y_pred, y_true, var, log_var, full):
    """``d/d log_var = (1 - z^2) / 2``."""
    z = _standardised(xp, y_pred - y_true, None, log_var)
    z *= z
    return (1 - z) * 0.5


def gaussian_nll_var_grad(xp, y_pred, y_true, var, log_var, full):
    """``d/d var = (1 - z^2) / (2 var)``."""
    z = _standardised(xp, y_pred - y_true, var, None)
    z *= z
    return (1 - z) / (2 * var)


def poisson_nll(xp, y_pred, y_true, want_grad, log_input, full):
    """``exp(x) - y x`` for a log-rate ``x``, ``rate - y log(rate)`` for a rate (``0 log 0 = 0``); plus
    ``lgamma(y + 1) = log(y!)`` if ``full``. Gradient ``exp(x) - y``, or ``1 - y / rate``."""
    y = y_true
    if log_input:
        rate = xp.exp(y_pred)
        values = rate - xp.nan_to_zero(y * y_pred)
        grad = rate - y if want_grad else None
    else:
        rate = y_pred
        values = rate - xp.nan_to_zero(y * xp.log(rate))
        grad = 1 - xp.nan_to_zero(y / rate) if want_grad else None
    if full:
        values += xp.lgamma(y + 1)
    return values, grad


def poisson_nll_target_grad(xp, y_pred, y_true, log_input, full):
    """``d/dy = -x`` (``-log(rate)``), plus ``digamma(y + 1)`` if ``full``."""
    grad = -(y_pred if log_input else xp.log(y_pred))
    if full:
        grad += xp.digamma(y_true + 1)
    return grad

"""The NumPy backend: every loss as ``loss(y_pred, y_true, *, <hyperparameters>, weight=None, reduction="mean")``,
with its gradient ``loss.grad(...)`` with respect to ``y_pred`` (same arguments, same reduction and weights).

>>> import numpy as np
>>> from lossbook import numpy as lbn
>>> y_pred, y_true = np.array([0.5, 3.0]), np.array([0.0, 0.0])
>>> float(lbn.huber(y_pred, y_true, delta=1.0))
1.3125
>>> lbn.huber.grad(y_pred, y_true, delta=1.0)
array([0.25, 0.5 ])

The math of each loss is in ``lossbook.formulas`` (shared with the PyTorch backend), the checks and reductions in
``lossbook._api``. This file is generated from ``lossbook.catalog`` by ``python -m lossbook._generate``: change the
catalog, not this file (``tests/test_generated.py`` fails when the two disagree).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from . import _numpy_backend as _backend
from ._typing import Reduction, loss_function

Array = npt.ArrayLike
Value = Any  # a NumPy scalar for 'mean' and 'sum', an array for 'none' (the input's float dtype)


__all__ = ['mse', 'mae', 'huber', 'smooth_l1', 'quantile', 'log_cosh', 'binary_cross_entropy', 'hinge', 'squared_hinge', 'zero_one', 'categorical_cross_entropy', 'sparse_categorical_cross_entropy', 'kl_divergence', 'gaussian_nll', 'poisson_nll']


def _mse_grad(
    y_pred: Array,
    y_true: Array,
    *,
    weight: Array | None = None,
    reduction: Reduction = "mean",
) -> Value:
    r"""Gradient of the mean squared error with respect to ``y_pred``.

    .. math::

        \frac{\partial \ell}{\partial \hat y} = 2(\hat y - y)

    The derivative of :func:`lossbook.numpy.mse` (see there for the loss).

    Args:
        y_pred: predictions (linear (identity)).
        y_true: targets: real values, same shape as y_pred.
        weight: optional non-negative weights, one per sample (broadcast over the other axes) or one per loss
            value. The weighted mean divides by the sum of the weights, each counted once per value it scales.
        reduction: ``'mean'`` (default), ``'sum'`` or ``'none'`` (one value per element, shape of ``y_pred``).

    Returns:
        The gradient of the reduced loss, shape of ``y_pred`` (for ``reduction='none'``, the gradient
        of the sum of the weighted values, i.e. each value's own gradient).

    Raises:
        ValueError: mismatched shapes (never broadcast), empty input, values out of range, bad hyperparameters.
        TypeError: non-numeric input, non-integer labels where labels are required, unknown keywords.
    """
    return _backend.gradient("mse", y_pred, y_true, weight, reduction, {})


@loss_function(_mse_grad)
def mse(
    y_pred: Array,
    y_true: Array,
    *,
    weight: Array | None = None,
    reduction: Reduction = "mean",
) -> Value:
    r"""Mean squared error.

    .. math::

        \ell(\hat y, y) = (\hat y - y)^2

    The squared residual. Large errors dominate, so it is sensitive to outliers; its minimiser is the conditional mean, and it is the negative log-likelihood of Gaussian noise up to constants.

    Args:
        y_pred: predictions (linear (identity)).
        y_true: targets: real values, same shape as y_pred.
        weight: optional non-negative weights, one per sample (broadcast over the other axes) or one per loss
            value. The weighted mean divides by the sum of the weights, each counted once per value it scales.
        reduction: ``'mean'`` (default), ``'sum'`` or ``'none'`` (one value per element, shape of ``y_pred``).

    Returns:
        The loss, a scalar; for ``reduction='none'``, one value per element, shape of ``y_pred``.

    Raises:
        ValueError: mismatched shapes (never broadcast), empty input, values out of range, bad hyperparameters.
        TypeError: non-numeric input, non-integer labels where labels are required, unknown keywords.

    Example:
        >>> from lossbook import numpy as lb
        >>> round(float(lb.mse([1.0, 2.0, 4.0], [1.0, 3.0, 2.0])), 6)
        1.666667
    """
    return _backend.evaluate("mse", y_pred, y_true, weight, reduction, {})


def _mae_grad(
    y_pred: Array,
    y_true: Array,
    *,
    weight: Array | None = None,
    reduction: Reduction = "mean",
) -> Value:
    r"""Gradient of the mean absolute error with respect to ``y_pred``.

    .. math::

        \frac{\partial \ell}{\partial \hat y} = \operatorname{sign}(\hat y - y)

    The derivative of :func:`lossbook.numpy.mae` (see there for the loss).

    Args:
        y_pred: predictions (linear (identity)).
        y_true: targets: real values, same shape as y_pred.
        weight: optional non-negative weights, one per sample (broadcast over the other axes) or one per loss
            value. The weighted mean divides by the sum of the weights, each counted once per value it scales.
        reduction: ``'mean'`` (default), ``'sum'`` or ``'none'`` (one value per element, shape of ``y_pred``).

    Returns:
        The gradient of the reduced loss, shape of ``y_pred`` (for ``reduction='none'``, the gradient
        of the sum of the weighted values, i.e. each value's own gradient).

    Raises:
        ValueError: mismatched shapes (never broadcast), empty input, values out of range, bad hyperparameters.
        TypeError: non-numeric input, non-integer labels where labels are required, unknown keywords.
    """
    return _backend.gradient("mae", y_pred, y_true, weight, reduction, {})


@loss_function(_mae_grad)
def mae(
    y_pred: Array,
    y_true: Array,
    *,
    weight: Array | None = None,
    reduction: Reduction = "mean",
) -> Value:
    r"""Mean absolute error.

    .. math::

        \ell(\hat y, y) = |\hat y - y|

    The absolute residual. Every error pulls with the same force, so it is robust to outliers; its minimiser is the conditional median (the Laplace negative log-likelihood). The gradient is ``sign(y_pred - y_true)``, 0 at a zero residual.

    Args:
        y_pred: predictions (linear (identity)).
        y_true: targets: real values, same shape as y_pred.
        weight: optional non-negative weights, one per sample (broadcast over the other axes) or one per loss
            value. The weighted mean divides by the sum of the weights, each counted once per value it scales.
        reduction: ``'mean'`` (default), ``'sum'`` or ``'none'`` (one value per element, shape of ``y_pred``).

    Returns:
        The loss, a scalar; for ``reduction='none'``, one value per element, shape of ``y_pred``.

    Raises:
        ValueError: mismatched shapes (never broadcast), empty input, values out of range, bad hyperparameters.
        TypeError: non-numeric input, non-integer labels where labels are required, unknown keywords.

    Example:
        >>> from lossbook import numpy as lb
        >>> float(lb.mae([1.0, 2.0, 4.0], [1.0, 3.0, 2.0]))
        1.0
    """
    return _backend.evaluate("mae", y_pred, y_true, weight, reduction, {})


def _huber_grad(
    y_pred: Array,
    y_true: Array,
    *,
    delta: float = 1.0,
    weight: Array | None = None,
    reduction: Reduction = "mean",
) -> Value:
    r"""Gradient of the Huber loss with respect to ``y_pred``.

    .. math::

        \frac{\partial \ell_\delta}{\partial \hat y} = \operatorname{clip}(r, -\delta, \delta)

    The derivative of :func:`lossbook.numpy.huber` (see there for the loss).

    Args:
        y_pred: predictions (linear (identity)).
        y_true: targets: real values, same shape as y_pred.
        delta: where the loss turns from quadratic to linear, in the target's units (> 0). Default ``1.0``.
        weight: optional non-negative weights, one per sample (broadcast over the other axes) or one per loss
            value. The weighted mean divides by the sum of the weights, each counted once per value it scales.
        reduction: ``'mean'`` (default), ``'sum'`` or ``'none'`` (one value per element, shape of ``y_pred``).

    Returns:
        The gradient of the reduced loss, shape of ``y_pred`` (for ``reduction='none'``, the gradient
        of the sum of the weighted values, i.e. each value's own gradient).

    Raises:
        ValueError: mismatched shapes (never broadcast), empty input, values out of range, bad hyperparameters.
        TypeError: non-numeric input, non-integer labels where labels are required, unknown keywords.
    """
    return _backend.gradient("huber", y_pred, y_true, weight, reduction, {"delta": delta})


@loss_function(_huber_grad)
def huber(
    y_pred: Array,
    y_true: Array,
    *,
    delta: float = 1.0,
    weight: Array | None = None,
    reduction: Reduction = "mean",
) -> Value:
    r"""Huber loss.

    .. math::

        \ell_\delta(\hat y, y) = \begin{cases} \tfrac12 r^2 & |r| \le \delta \\ \delta\,(|r| - \tfrac12\delta) & |r| > \delta \end{cases}, \quad r = \hat y - y

    Quadratic for residuals inside ``delta`` and linear outside: MSE's smooth minimum with MAE's robustness. ``delta`` is in the target's units; the usual choice is about 1.345 times the noise's standard deviation (95 % efficiency under Gaussian noise). Computed as ``(r - g / 2) * g`` with ``g = clip(r, -delta, delta)``, which is also the gradient. Huber (1964).

    Args:
        y_pred: predictions (linear (identity)).
        y_true: targets: real values, same shape as y_pred.
        delta: where the loss turns from quadratic to linear, in the target's units (> 0). Default ``1.0``.
        weight: optional non-negative weights, one per sample (broadcast over the other axes) or one per loss
            value. The weighted mean divides by the sum of the weights, each counted once per value it scales.
        reduction: ``'mean'`` (default), ``'sum'`` or ``'none'`` (one value per element, shape of ``y_pred``).

    Returns:
        The loss, a scalar; for ``reduction='none'``, one value per element, shape of ``y_pred``.

    Raises:
        ValueError: mismatched shapes (never broadcast), empty input, values out of range, bad hyperparameters.
        TypeError: non-numeric input, non-integer labels where labels are required, unknown keywords.

    Example:
        >>> from lossbook import numpy as lb
        >>> float(lb.huber([0.5, 3.0], [0.0, 0.0], delta=1.0))
        1.3125
    """
    return _backend.evaluate("huber", y_pred, y_true, weight, reduction, {"delta": delta})


def _smooth_l1_grad(
    y_pred: Array,
    y_true: Array,
    *,
    beta: float = 1.0,
    weight: Array | None = None,
    reduction: Reduction = "mean",
) -> Value:
    r"""Gradient of the smooth L1 loss with respect to ``y_pred``.

    .. math::

        \frac{\partial \ell_\beta}{\partial \hat y} = \operatorname{clip}(r / \beta, -1, 1)

    The derivative of :func:`lossbook.numpy.smooth_l1` (see there for the loss).

    Args:
        y_pred: predictions (linear (identity)).
        y_true: targets: real values, same shape as y_pred.
        beta: width of the quadratic zone (>= 0; 0 gives MAE). Default ``1.0``.
        weight: optional non-negative weights, one per sample (broadcast over the other axes) or one per loss
            value. The weighted mean divides by the sum of the weights, each counted once per value it scales.
        reduction: ``'mean'`` (default), ``'sum'`` or ``'none'`` (one value per element, shape of ``y_pred``).

    Returns:
        The gradient of the reduced loss, shape of ``y_pred`` (for ``reduction='none'``, the gradient
        of the sum of the weighted values, i.e. each value's own gradient).

    Raises:
        ValueError: mismatched shapes (never broadcast), empty input, values out of range, bad hyperparameters.
        TypeError: non-numeric input, non-integer labels where labels are required, unknown keywords.
    """
    return _backend.gradient("smooth_l1", y_pred, y_true, weight, reduction, {"beta": beta})


@loss_function(_smooth_l1_grad)
def smooth_l1(
    y_pred: Array,
    y_true: Array,
    *,
    beta: float = 1.0,
    weight: Array | None = None,
    reduction: Reduction = "mean",
) -> Value:
    r"""Smooth L1 loss.

    .. math::

        \ell_\beta(\hat y, y) = \begin{cases} \tfrac{1}{2\beta} r^2 & |r| < \beta \\ |r| - \tfrac12\beta & |r| \ge \beta \end{cases}, \quad r = \hat y - y

    PyTorch's variant of the Huber loss: ``smooth_l1(beta) = huber(delta=beta) / beta``, so its linear part has slope 1 whatever ``beta`` is. ``beta=0`` gives the absolute error (then it is not smooth).

    Args:
        y_pred: predictions (linear (identity)).
        y_true: targets: real values, same shape as y_pred.
        beta: width of the quadratic zone (>= 0; 0 gives MAE). Default ``1.0``.
        weight: optional non-negative weights, one per sample (broadcast over the other axes) or one per loss
            value. The weighted mean divides by the sum of the weights, each counted once per value it scales.
        reduction: ``'mean'`` (default), ``'sum'`` or ``'none'`` (one value per element, shape of ``y_pred``).

    Returns:
        The loss, a scalar; for ``reduction='none'``, one value per element, shape of ``y_pred``.

    Raises:
        ValueError: mismatched shapes (never broadcast), empty input, values out of range, bad hyperparameters.
        TypeError: non-numeric input, non-integer labels where labels are required, unknown keywords.

    Example:
        >>> from lossbook import numpy as lb
        >>> float(lb.smooth_l1([0.5, 3.0], [0.0, 0.0], beta=1.0))
        1.3125
    """
    return _backend.evaluate("smooth_l1", y_pred, y_true, weight, reduction, {"beta": beta})


def _quantile_grad(
    y_pred: Array,
    y_true: Array,
    *,
    q: float = 0.5,
    weight: Array | None = None,
    reduction: Reduction = "mean",
) -> Value:
    r"""Gradient of the quantile (pinball) loss with respect to ``y_pred``.

    .. math::

        \frac{\partial \ell_q}{\partial \hat y} = \begin{cases} -q & y \ge \hat y \\ 1 - q & y < \hat y \end{cases}

    The derivative of :func:`lossbook.numpy.quantile` (see there for the loss).

    Args:
        y_pred: predictions (linear (identity)).
        y_true: targets: real values, same shape as y_pred.
        q: the target quantile, in (0, 1). Default ``0.5``.
        weight: optional non-negative weights, one per sample (broadcast over the other axes) or one per loss
            value. The weighted mean divides by the sum of the weights, each counted once per value it scales.
        reduction: ``'mean'`` (default), ``'sum'`` or ``'none'`` (one value per element, shape of ``y_pred``).

    Returns:
        The gradient of the reduced loss, shape of ``y_pred`` (for ``reduction='none'``, the gradient
        of the sum of the weighted values, i.e. each value's own gradient).

    Raises:
        ValueError: mismatched shapes (never broadcast), empty input, values out of range, bad hyperparameters.
        TypeError: non-numeric input, non-integer labels where labels are required, unknown keywords.
    """
    return _backend.gradient("quantile", y_pred, y_true, weight, reduction, {"q": q})


@loss_function(_quantile_grad)
def quantile(
    y_pred: Array,
    y_true: Array,
    *,
    q: float = 0.5,
    weight: Array | None = None,
    reduction: Reduction = "mean",
) -> Value:
    r"""Quantile (pinball) loss.

    .. math::

        \ell_q(\hat y, y) = \max\big(q\,(y - \hat y),\ (q - 1)(y - \hat y)\big)

    Tilted absolute error: under-prediction costs ``q`` per unit and over-prediction ``1 - q``, so its minimiser is the ``q``-quantile. Convex and piecewise linear; at ``q = 0.5`` it is half the MAE. Koenker and Bassett (1978).

    Args:
        y_pred: predictions (linear (identity)).
        y_true: targets: real values, same shape as y_pred.
        q: the target quantile, in (0, 1). Default ``0.5``.
        weight: optional non-negative weights, one per sample (broadcast over the other axes) or one per loss
            value. The weighted mean divides by the sum of the weights, each counted once per value it scales.
        reduction: ``'mean'`` (default), ``'sum'`` or ``'none'`` (one value per element, shape of ``y_pred``).

    Returns:
        The loss, a scalar; for ``reduction='none'``, one value per element, shape of ``y_pred``.

    Raises:
        ValueError: mismatched shapes (never broadcast), empty input, values out of range, bad hyperparameters.
        TypeError: non-numeric input, non-integer labels where labels are required, unknown keywords.

    Example:
        >>> from lossbook import numpy as lb
        >>> float(lb.quantile([0.0, 0.0], [2.0, -2.0], q=0.9))
        1.0
    """
    return _backend.evaluate("quantile", y_pred, y_true, weight, reduction, {"q": q})


def _log_cosh_grad(
    y_pred: Array,
    y_true: Array,
    *,
    weight: Array | None = None,
    reduction: Reduction = "mean",
) -> Value:
    r"""Gradient of the log-cosh loss with respect to ``y_pred``.

    .. math::

        \frac{\partial \ell}{\partial \hat y} = \tanh(\hat y - y)

    The derivative of :func:`lossbook.numpy.log_cosh` (see there for the loss).

    Args:
        y_pred: predictions (linear (identity)).
        y_true: targets: real values, same shape as y_pred.
        weight: optional non-negative weights, one per sample (broadcast over the other axes) or one per loss
            value. The weighted mean divides by the sum of the weights, each counted once per value it scales.
        reduction: ``'mean'`` (default), ``'sum'`` or ``'none'`` (one value per element, shape of ``y_pred``).

    Returns:
        The gradient of the reduced loss, shape of ``y_pred`` (for ``reduction='none'``, the gradient
        of the sum of the weighted values, i.e. each value's own gradient).

    Raises:
        ValueError: mismatched shapes (never broadcast), empty input, values out of range, bad hyperparameters.
        TypeError: non-numeric input, non-integer labels where labels are required, unknown keywords.
    """
    return _backend.gradient("log_cosh", y_pred, y_true, weight, reduction, {})


@loss_function(_log_cosh_grad)
def log_cosh(
    y_pred: Array,
    y_true: Array,
    *,
    weight: Array | None = None,
    reduction: Reduction = "mean",
) -> Value:
    r"""Log-cosh loss.

    .. math::

        \ell(\hat y, y) = \log\cosh(\hat y - y)

    About ``r**2 / 2`` for small residuals and ``|r| - log 2`` for large ones: a Huber loss with ``delta = 1`` that is smooth everywhere. Computed as ``log1p(2 sinh(r/2)**2)`` for ``|r| < 1`` and ``|r| - log 2 + log1p(exp(-2|r|))`` otherwise, so it never overflows and keeps full precision for tiny residuals.

    Args:
        y_pred: predictions (linear (identity)).
        y_true: targets: real values, same shape as y_pred.
        weight: optional non-negative weights, one per sample (broadcast over the other axes) or one per loss
            value. The weighted mean divides by the sum of the weights, each counted once per value it scales.
        reduction: ``'mean'`` (default), ``'sum'`` or ``'none'`` (one value per element, shape of ``y_pred``).

    Returns:
        The loss, a scalar; for ``reduction='none'``, one value per element, shape of ``y_pred``.

    Raises:
        ValueError: mismatched shapes (never broadcast), empty input, values out of range, bad hyperparameters.
        TypeError: non-numeric input, non-integer labels where labels are required, unknown keywords.

    Example:
        >>> from lossbook import numpy as lb
        >>> round(float(lb.log_cosh([0.0, 100.0], [0.0, 0.0])), 4)
        49.6534
    """
    return _backend.evaluate("log_cosh", y_pred, y_true, weight, reduction, {})


def _binary_cross_entropy_grad(
    y_pred: Array,
    y_true: Array,
    *,
    from_logits: bool = False,
    pos_weight: Array | None = None,
    label_smoothing: float = 0.0,
    weight: Array | None = None,
    reduction: Reduction = "mean",
) -> Value:
    r"""Gradient of the binary cross-entropy with respect to ``y_pred``.

    .. math::

        \frac{\partial \ell}{\partial z} = (1 - y)\,\sigma(z) - w_+\,y\,\sigma(-z), \qquad \frac{\partial \ell}{\partial p} = \frac{1 - y}{1 - p} - \frac{w_+\,y}{p}

    The derivative of :func:`lossbook.numpy.binary_cross_entropy` (see there for the loss).

    Args:
        y_pred: predictions (sigmoid (or none with from_logits=True)).
        y_true: targets: 0/1 labels or probabilities in [0, 1]; (N, C) for multi-label; same shape as ``y_pred``.
        from_logits: if True, ``y_pred`` holds logits (raw scores); else probabilities. Default ``False``.
        pos_weight: weight ``w+`` of the positive term: a scalar or one value per class (shape ``(C,)``, broadcast over the last axis); ``n_negative / n_positive`` balances the classes. Default ``None``.
        label_smoothing: moves the targets towards 1/2: ``y * (1 - label_smoothing) + label_smoothing / 2`` (Keras's convention). Default ``0.0``.
        weight: optional non-negative weights, one per sample (broadcast over the other axes) or one per loss
            value. The weighted mean divides by the sum of the weights, each counted once per value it scales.
        reduction: ``'mean'`` (default), ``'sum'`` or ``'none'`` (one value per element, shape of ``y_pred``).

    Returns:
        The gradient of the reduced loss, shape of ``y_pred`` (for ``reduction='none'``, the gradient
        of the sum of the weighted values, i.e. each value's own gradient).

    Raises:
        ValueError: mismatched shapes (never broadcast), empty input, values out of range, bad hyperparameters.
        TypeError: non-numeric input, non-integer labels where labels are required, unknown keywords.
    """
    return _backend.gradient("binary_cross_entropy", y_pred, y_true, weight, reduction, {"from_logits": from_logits, "pos_weight": pos_weight, "label_smoothing": label_smoothing})


@loss_function(_binary_cross_entropy_grad)
def binary_cross_entropy(
    y_pred: Array,
    y_true: Array,
    *,
    from_logits: bool = False,
    pos_weight: Array | None = None,
    label_smoothing: float = 0.0,
    weight: Array | None = None,
    reduction: Reduction = "mean",
) -> Value:
    r"""Binary cross-entropy.

    .. math::

        \ell(p, y) = -\big(w_+\,y \log p + (1 - y) \log(1 - p)\big), \quad p = \sigma(z)

    The negative log-likelihood of a Bernoulli label. With ``from_logits=True`` it takes the logit ``z`` and is computed as ``w+ y (softplus(-z)) + (1 - y) softplus(z)`` with each softplus written as ``max(.., 0) + log1p(exp(-|z|))``: a sum of non-negative terms that never overflows and keeps its gradient ``sigmoid(z) - y`` at extreme logits. On ``(N, C)`` inputs it is the multi-label loss (one sigmoid per class). No clamping: a probability of exactly 0 for a positive label gives ``inf`` (PyTorch clamps the log at -100, Keras clips p to [1e-7, 1 - 1e-7]).

    Args:
        y_pred: predictions (sigmoid (or none with from_logits=True)).
        y_true: targets: 0/1 labels or probabilities in [0, 1]; (N, C) for multi-label; same shape as ``y_pred``.
        from_logits: if True, ``y_pred`` holds logits (raw scores); else probabilities. Default ``False``.
        pos_weight: weight ``w+`` of the positive term: a scalar or one value per class (shape ``(C,)``, broadcast over the last axis); ``n_negative / n_positive`` balances the classes. Default ``None``.
        label_smoothing: moves the targets towards 1/2: ``y * (1 - label_smoothing) + label_smoothing / 2`` (Keras's convention). Default ``0.0``.
        weight: optional non-negative weights, one per sample (broadcast over the other axes) or one per loss
            value. The weighted mean divides by the sum of the weights, each counted once per value it scales.
        reduction: ``'mean'`` (default), ``'sum'`` or ``'none'`` (one value per element, shape of ``y_pred``).

    Returns:
        The loss, a scalar; for ``reduction='none'``, one value per element, shape of ``y_pred``.

    Raises:
        ValueError: mismatched shapes (never broadcast), empty input, values out of range, bad hyperparameters.
        TypeError: non-numeric input, non-integer labels where labels are required, unknown keywords.

    Example:
        >>> from lossbook import numpy as lb
        >>> round(float(lb.binary_cross_entropy([0.9, 0.2], [1.0, 0.0])), 6)
        0.164252
    """
    return _backend.evaluate("binary_cross_entropy", y_pred, y_true, weight, reduction, {"from_logits": from_logits, "pos_weight": pos_weight, "label_smoothing": label_smoothing})


def _hinge_grad(
    y_pred: Array,
    y_true: Array,
    *,
    weight: Array | None = None,
    reduction: Reduction = "mean",
) -> Value:
    r"""Gradient of the hinge loss with respect to ``y_pred``.

    .. math::

        \frac{\partial \ell}{\partial s} = \begin{cases} -y & y\,s < 1 \\ 0 & y\,s \ge 1 \end{cases}

    The derivative of :func:`lossbook.numpy.hinge` (see there for the loss).

    Args:
        y_pred: predictions (linear score (no sigmoid)).
        y_true: targets: labels in {-1, +1}; same shape as ``y_pred``.
        weight: optional non-negative weights, one per sample (broadcast over the other axes) or one per loss
            value. The weighted mean divides by the sum of the weights, each counted once per value it scales.
        reduction: ``'mean'`` (default), ``'sum'`` or ``'none'`` (one value per element, shape of ``y_pred``).

    Returns:
        The gradient of the reduced loss, shape of ``y_pred`` (for ``reduction='none'``, the gradient
        of the sum of the weighted values, i.e. each value's own gradient).

    Raises:
        ValueError: mismatched shapes (never broadcast), empty input, values out of range, bad hyperparameters.
        TypeError: non-numeric input, non-integer labels where labels are required, unknown keywords.
    """
    return _backend.gradient("hinge", y_pred, y_true, weight, reduction, {})


@loss_function(_hinge_grad)
def hinge(
    y_pred: Array,
    y_true: Array,
    *,
    weight: Array | None = None,
    reduction: Reduction = "mean",
) -> Value:
    r"""Hinge loss.

    .. math::

        \ell(s, y) = \max(0,\ 1 - y\,s), \quad y \in \{-1, +1\}

    The loss of the support vector machine (Cortes and Vapnik, 1995): zero once a point is on the right side with margin ``y s >= 1``, so only points inside the margin (the support vectors) get a gradient. Labels must be -1/+1; 0/1 labels are refused with the fix ``2*y - 1``.

    Args:
        y_pred: predictions (linear score (no sigmoid)).
        y_true: targets: labels in {-1, +1}; same shape as ``y_pred``.
        weight: optional non-negative weights, one per sample (broadcast over the other axes) or one per loss
            value. The weighted mean divides by the sum of the weights, each counted once per value it scales.
        reduction: ``'mean'`` (default), ``'sum'`` or ``'none'`` (one value per element, shape of ``y_pred``).

    Returns:
        The loss, a scalar; for ``reduction='none'``, one value per element, shape of ``y_pred``.

    Raises:
        ValueError: mismatched shapes (never broadcast), empty input, values out of range, bad hyperparameters.
        TypeError: non-numeric input, non-integer labels where labels are required, unknown keywords.

    Example:
        >>> from lossbook import numpy as lb
        >>> round(float(lb.hinge([2.0, 0.5, -1.0], [1.0, 1.0, 1.0])), 6)
        0.833333
    """
    return _backend.evaluate("hinge", y_pred, y_true, weight, reduction, {})


def _squared_hinge_grad(
    y_pred: Array,
    y_true: Array,
    *,
    weight: Array | None = None,
    reduction: Reduction = "mean",
) -> Value:
    r"""Gradient of the squared hinge loss with respect to ``y_pred``.

    .. math::

        \frac{\partial \ell}{\partial s} = -2\,y\,\max(0,\ 1 - y\,s)

    The derivative of :func:`lossbook.numpy.squared_hinge` (see there for the loss).

    Args:
        y_pred: predictions (linear score (no sigmoid)).
        y_true: targets: labels in {-1, +1}; same shape as ``y_pred``.
        weight: optional non-negative weights, one per sample (broadcast over the other axes) or one per loss
            value. The weighted mean divides by the sum of the weights, each counted once per value it scales.
        reduction: ``'mean'`` (default), ``'sum'`` or ``'none'`` (one value per element, shape of ``y_pred``).

    Returns:
        The gradient of the reduced loss, shape of ``y_pred`` (for ``reduction='none'``, the gradient
        of the sum of the weighted values, i.e. each value's own gradient).

    Raises:
        ValueError: mismatched shapes (never broadcast), empty input, values out of range, bad hyperparameters.
        TypeError: non-numeric input, non-integer labels where labels are required, unknown keywords.
    """
    return _backend.gradient("squared_hinge", y_pred, y_true, weight, reduction, {})


@loss_function(_squared_hinge_grad)
def squared_hinge(
    y_pred: Array,
    y_true: Array,
    *,
    weight: Array | None = None,
    reduction: Reduction = "mean",
) -> Value:
    r"""Squared hinge loss.

    .. math::

        \ell(s, y) = \max(0,\ 1 - y\,s)^2, \quad y \in \{-1, +1\}

    The hinge loss squared: differentiable everywhere, and it punishes large margin violations more (its gradient grows with the violation).

    Args:
        y_pred: predictions (linear score (no sigmoid)).
        y_true: targets: labels in {-1, +1}; same shape as ``y_pred``.
        weight: optional non-negative weights, one per sample (broadcast over the other axes) or one per loss
            value. The weighted mean divides by the sum of the weights, each counted once per value it scales.
        reduction: ``'mean'`` (default), ``'sum'`` or ``'none'`` (one value per element, shape of ``y_pred``).

    Returns:
        The loss, a scalar; for ``reduction='none'``, one value per element, shape of ``y_pred``.

    Raises:
        ValueError: mismatched shapes (never broadcast), empty input, values out of range, bad hyperparameters.
        TypeError: non-numeric input, non-integer labels where labels are required, unknown keywords.

    Example:
        >>> from lossbook import numpy as lb
        >>> round(float(lb.squared_hinge([2.0, 0.5, -1.0], [1.0, 1.0, 1.0])), 6)
        1.416667
    """
    return _backend.evaluate("squared_hinge", y_pred, y_true, weight, reduction, {})


def _zero_one_grad(
    y_pred: Array,
    y_true: Array,
    *,
    threshold: float = 0.5,
    weight: Array | None = None,
    reduction: Reduction = "mean",
) -> Value:
    r"""Gradient of the zero-one loss with respect to ``y_pred``.

    .. math::

        \frac{\partial \ell}{\partial s} = 0 \quad (s \ne t)

    The derivative of :func:`lossbook.numpy.zero_one` (see there for the loss).

    Args:
        y_pred: predictions (any score or probability).
        y_true: targets: labels in {0, 1} or in {-1, +1}; same shape as ``y_pred``.
        threshold: predict the positive class where ``y_pred > threshold`` (0.5 for probabilities, 0 for scores or logits). Default ``0.5``.
        weight: optional non-negative weights, one per sample (broadcast over the other axes) or one per loss
            value. The weighted mean divides by the sum of the weights, each counted once per value it scales.
        reduction: ``'mean'`` (default), ``'sum'`` or ``'none'`` (one value per element, shape of ``y_pred``).

    Returns:
        The gradient of the reduced loss, shape of ``y_pred`` (for ``reduction='none'``, the gradient
        of the sum of the weighted values, i.e. each value's own gradient).

    Raises:
        ValueError: mismatched shapes (never broadcast), empty input, values out of range, bad hyperparameters.
        TypeError: non-numeric input, non-integer labels where labels are required, unknown keywords.
    """
    return _backend.gradient("zero_one", y_pred, y_true, weight, reduction, {"threshold": threshold})


@loss_function(_zero_one_grad)
def zero_one(
    y_pred: Array,
    y_true: Array,
    *,
    threshold: float = 0.5,
    weight: Array | None = None,
    reduction: Reduction = "mean",
) -> Value:
    r"""Zero-one loss.

    .. math::

        \ell(s, y) = \mathbb{1}\big[\,[s > t] \ne [y > 0]\,\big]

    1 for a mistake, 0 otherwise: the mean is the error rate, ``1 - accuracy``. It jumps at the threshold and is flat everywhere else, so its gradient is zero wherever it exists (``.grad`` returns zeros) and gradient descent cannot train on it; in the PyTorch backend the result carries no gradient.

    Args:
        y_pred: predictions (any score or probability).
        y_true: targets: labels in {0, 1} or in {-1, +1}; same shape as ``y_pred``.
        threshold: predict the positive class where ``y_pred > threshold`` (0.5 for probabilities, 0 for scores or logits). Default ``0.5``.
        weight: optional non-negative weights, one per sample (broadcast over the other axes) or one per loss
            value. The weighted mean divides by the sum of the weights, each counted once per value it scales.
        reduction: ``'mean'`` (default), ``'sum'`` or ``'none'`` (one value per element, shape of ``y_pred``).

    Returns:
        The loss, a scalar; for ``reduction='none'``, one value per element, shape of ``y_pred``.

    Raises:
        ValueError: mismatched shapes (never broadcast), empty input, values out of range, bad hyperparameters.
        TypeError: non-numeric input, non-integer labels where labels are required, unknown keywords.

    Example:
        >>> from lossbook import numpy as lb
        >>> round(float(lb.zero_one([0.9, 0.4, 0.7], [1, 1, 0])), 6)
        0.666667
    """
    return _backend.evaluate("zero_one", y_pred, y_true, weight, reduction, {"threshold": threshold})


def _categorical_cross_entropy_grad(
    y_pred: Array,
    y_true: Array,
    *,
    from_logits: bool = False,
    label_smoothing: float = 0.0,
    weight: Array | None = None,
    reduction: Reduction = "mean",
) -> Value:
    r"""Gradient of the categorical cross-entropy with respect to ``y_pred``.

    .. math::

        \frac{\partial \ell}{\partial z_c} = \mathrm{softmax}(z)_c \sum_k y_k - y_c, \qquad \frac{\partial \ell}{\partial p_c} = -\frac{y_c}{p_c}

    The derivative of :func:`lossbook.numpy.categorical_cross_entropy` (see there for the loss).

    Args:
        y_pred: predictions (softmax (or none with from_logits=True)).
        y_true: targets: one-hot or soft targets, shape (N, C).
        from_logits: if True, ``y_pred`` holds logits (raw scores); else probabilities. Default ``False``.
        label_smoothing: mixes the targets with the uniform distribution: ``y * (1 - label_smoothing) + label_smoothing / C``. Default ``0.0``.
        weight: optional non-negative weights, one per sample (broadcast over the other axes) or one per loss
            value. The weighted mean divides by the sum of the weights, each counted once per value it scales.
        reduction: ``'mean'`` (default), ``'sum'`` or ``'none'`` (one value per sample (row), shape ``y_pred.shape[:-1]``).

    Returns:
        The gradient of the reduced loss, shape of ``y_pred`` (for ``reduction='none'``, the gradient
        of the sum of the weighted values, i.e. each value's own gradient).

    Raises:
        ValueError: mismatched shapes (never broadcast), empty input, values out of range, bad hyperparameters.
        TypeError: non-numeric input, non-integer labels where labels are required, unknown keywords.
    """
    return _backend.gradient("categorical_cross_entropy", y_pred, y_true, weight, reduction, {"from_logits": from_logits, "label_smoothing": label_smoothing})


@loss_function(_categorical_cross_entropy_grad)
def categorical_cross_entropy(
    y_pred: Array,
    y_true: Array,
    *,
    from_logits: bool = False,
    label_smoothing: float = 0.0,
    weight: Array | None = None,
    reduction: Reduction = "mean",
) -> Value:
    r"""Categorical cross-entropy.

    .. math::

        \ell(p, y) = -\sum_{c=1}^{C} y_c \log p_c, \quad p = \mathrm{softmax}(z)

    The cross-entropy between the target distribution ``y`` and the predicted ``p``, summed over the last axis (one value per sample). The loss is linear in ``y``, so target rows need not sum to 1 (a multi-hot row divided by its count, or weighted rows, work as they read). With ``from_logits=True`` it is computed from the logits without forming the softmax: ``-log softmax(z)_c = (m - z_c) + log1p(sum_{j != a} exp(z_j - m))`` with ``m = z_a`` the largest logit, a sum of non-negative terms that keeps full precision for confident, correct predictions.

    Args:
        y_pred: predictions (softmax (or none with from_logits=True)).
        y_true: targets: one-hot or soft targets, shape (N, C).
        from_logits: if True, ``y_pred`` holds logits (raw scores); else probabilities. Default ``False``.
        label_smoothing: mixes the targets with the uniform distribution: ``y * (1 - label_smoothing) + label_smoothing / C``. Default ``0.0``.
        weight: optional non-negative weights, one per sample (broadcast over the other axes) or one per loss
            value. The weighted mean divides by the sum of the weights, each counted once per value it scales.
        reduction: ``'mean'`` (default), ``'sum'`` or ``'none'`` (one value per sample (row), shape ``y_pred.shape[:-1]``).

    Returns:
        The loss, a scalar; for ``reduction='none'``, one value per sample (row), shape ``y_pred.shape[:-1]``.

    Raises:
        ValueError: mismatched shapes (never broadcast), empty input, values out of range, bad hyperparameters.
        TypeError: non-numeric input, non-integer labels where labels are required, unknown keywords.

    Example:
        >>> from lossbook import numpy as lb
        >>> round(float(lb.categorical_cross_entropy([[0.7, 0.2, 0.1]], [[1.0, 0.0, 0.0]])), 6)
        0.356675
    """
    return _backend.evaluate("categorical_cross_entropy", y_pred, y_true, weight, reduction, {"from_logits": from_logits, "label_smoothing": label_smoothing})


def _sparse_categorical_cross_entropy_grad(
    y_pred: Array,
    y_true: Array,
    *,
    from_logits: bool = False,
    label_smoothing: float = 0.0,
    ignore_index: int | None = None,
    class_weight: Array | None = None,
    weight: Array | None = None,
    reduction: Reduction = "mean",
) -> Value:
    r"""Gradient of the sparse categorical cross-entropy with respect to ``y_pred``.

    .. math::

        \frac{\partial \ell}{\partial z_c} = \mathrm{softmax}(z)_c - [c = y]

    The derivative of :func:`lossbook.numpy.sparse_categorical_cross_entropy` (see there for the loss).

    Args:
        y_pred: predictions (softmax (or none with from_logits=True)).
        y_true: targets: integer class labels, shape (N,).
        from_logits: if True, ``y_pred`` holds logits (raw scores); else probabilities. Default ``False``.
        label_smoothing: mixes the one-hot target with the uniform distribution, ``(1 - label_smoothing) onehot + label_smoothing / C``, as PyTorch does. Default ``0.0``.
        ignore_index: a label value whose samples are ignored. Default ``None``.
        class_weight: one non-negative weight per class, shape ``(C,)``. Default ``None``.
        weight: optional non-negative weights, one per sample (broadcast over the other axes) or one per loss
            value. The weighted mean divides by the sum of the weights, each counted once per value it scales.
        reduction: ``'mean'`` (default), ``'sum'`` or ``'none'`` (one value per sample (row), shape ``y_pred.shape[:-1]``).

    Returns:
        The gradient of the reduced loss, shape of ``y_pred`` (for ``reduction='none'``, the gradient
        of the sum of the weighted values, i.e. each value's own gradient).

    Raises:
        ValueError: mismatched shapes (never broadcast), empty input, values out of range, bad hyperparameters.
        TypeError: non-numeric input, non-integer labels where labels are required, unknown keywords.
    """
    return _backend.gradient("sparse_categorical_cross_entropy", y_pred, y_true, weight, reduction, {"from_logits": from_logits, "label_smoothing": label_smoothing, "ignore_index": ignore_index, "class_weight": class_weight})


@loss_function(_sparse_categorical_cross_entropy_grad)
def sparse_categorical_cross_entropy(
    y_pred: Array,
    y_true: Array,
    *,
    from_logits: bool = False,
    label_smoothing: float = 0.0,
    ignore_index: int | None = None,
    class_weight: Array | None = None,
    weight: Array | None = None,
    reduction: Reduction = "mean",
) -> Value:
    r"""Sparse categorical cross-entropy.

    .. math::

        \ell(p, y) = -\log p_{y}, \quad y \in \{0, \dots, C - 1\}

    Categorical cross-entropy with integer labels: the same values, without ever building a one-hot matrix. ``ignore_index`` drops samples (they give 0 and leave the mean's denominator); ``class_weight`` scales each sample's loss by its class's weight, and the weighted mean divides by the sum of the weights used, as in ``torch.nn.functional.cross_entropy``.

    Args:
        y_pred: predictions (softmax (or none with from_logits=True)).
        y_true: targets: integer class labels, shape (N,).
        from_logits: if True, ``y_pred`` holds logits (raw scores); else probabilities. Default ``False``.
        label_smoothing: mixes the one-hot target with the uniform distribution, ``(1 - label_smoothing) onehot + label_smoothing / C``, as PyTorch does. Default ``0.0``.
        ignore_index: a label value whose samples are ignored. Default ``None``.
        class_weight: one non-negative weight per class, shape ``(C,)``. Default ``None``.
        weight: optional non-negative weights, one per sample (broadcast over the other axes) or one per loss
            value. The weighted mean divides by the sum of the weights, each counted once per value it scales.
        reduction: ``'mean'`` (default), ``'sum'`` or ``'none'`` (one value per sample (row), shape ``y_pred.shape[:-1]``).

    Returns:
        The loss, a scalar; for ``reduction='none'``, one value per sample (row), shape ``y_pred.shape[:-1]``.

    Raises:
        ValueError: mismatched shapes (never broadcast), empty input, values out of range, bad hyperparameters.
        TypeError: non-numeric input, non-integer labels where labels are required, unknown keywords.

    Example:
        >>> from lossbook import numpy as lb
        >>> round(float(lb.sparse_categorical_cross_entropy([[0.7, 0.2, 0.1]], [0])), 6)
        0.356675
    """
    return _backend.evaluate("sparse_categorical_cross_entropy", y_pred, y_true, weight, reduction, {"from_logits": from_logits, "label_smoothing": label_smoothing, "ignore_index": ignore_index, "class_weight": class_weight})


def _kl_divergence_grad(
    y_pred: Array,
    y_true: Array,
    *,
    log_input: bool = False,
    weight: Array | None = None,
    reduction: Reduction = "mean",
) -> Value:
    r"""Gradient of the Kullback-Leibler divergence with respect to ``y_pred``.

    .. math::

        \frac{\partial\,\mathrm{KL}}{\partial p_c} = -\frac{y_c}{p_c}, \qquad \frac{\partial\,\mathrm{KL}}{\partial \log p_c} = -y_c

    The derivative of :func:`lossbook.numpy.kl_divergence` (see there for the loss).

    Args:
        y_pred: predictions (softmax (or log_softmax with log_input=True)).
        y_true: targets: a probability distribution per row, shape (N, C).
        log_input: if True, ``y_pred`` holds log-probabilities. Default ``False``.
        weight: optional non-negative weights, one per sample (broadcast over the other axes) or one per loss
            value. The weighted mean divides by the sum of the weights, each counted once per value it scales.
        reduction: ``'mean'`` (default), ``'sum'`` or ``'none'`` (one value per sample (row), shape ``y_pred.shape[:-1]``).

    Returns:
        The gradient of the reduced loss, shape of ``y_pred`` (for ``reduction='none'``, the gradient
        of the sum of the weighted values, i.e. each value's own gradient).

    Raises:
        ValueError: mismatched shapes (never broadcast), empty input, values out of range, bad hyperparameters.
        TypeError: non-numeric input, non-integer labels where labels are required, unknown keywords.
    """
    return _backend.gradient("kl_divergence", y_pred, y_true, weight, reduction, {"log_input": log_input})


@loss_function(_kl_divergence_grad)
def kl_divergence(
    y_pred: Array,
    y_true: Array,
    *,
    log_input: bool = False,
    weight: Array | None = None,
    reduction: Reduction = "mean",
) -> Value:
    r"""Kullback-Leibler divergence.

    .. math::

        \mathrm{KL}(y \,\|\, p) = \sum_{c=1}^{C} y_c \log\frac{y_c}{p_c}

    How many extra nats it costs to code samples of the target ``y`` with the prediction ``p``, summed over the last axis (one value per sample). Terms with ``y_c = 0`` contribute 0, with a zero gradient (never NaN). On probabilities it is computed as ``sum_c [y_c log(y_c/p_c) - y_c + p_c] + sum_c (y_c - p_c)``: non-negative terms (a series where ``p_c`` is close to ``y_c``) plus a compensated sum of differences, so it keeps full precision when ``p`` is close to ``y``. Note the order: ``kl_divergence(y_pred, y_true)`` is ``KL(y_true || y_pred)``; PyTorch's ``kl_div(input, target)`` computes the same quantity but wants log-probabilities as input, and its ``'mean'`` divides by N*C (use ``'batchmean'``). Kullback and Leibler (1951).

    Args:
        y_pred: predictions (softmax (or log_softmax with log_input=True)).
        y_true: targets: a probability distribution per row, shape (N, C).
        log_input: if True, ``y_pred`` holds log-probabilities. Default ``False``.
        weight: optional non-negative weights, one per sample (broadcast over the other axes) or one per loss
            value. The weighted mean divides by the sum of the weights, each counted once per value it scales.
        reduction: ``'mean'`` (default), ``'sum'`` or ``'none'`` (one value per sample (row), shape ``y_pred.shape[:-1]``).

    Returns:
        The loss, a scalar; for ``reduction='none'``, one value per sample (row), shape ``y_pred.shape[:-1]``.

    Raises:
        ValueError: mismatched shapes (never broadcast), empty input, values out of range, bad hyperparameters.
        TypeError: non-numeric input, non-integer labels where labels are required, unknown keywords.

    Example:
        >>> from lossbook import numpy as lb
        >>> round(float(lb.kl_divergence([[0.5, 0.5]], [[0.9, 0.1]])), 6)
        0.368064
    """
    return _backend.evaluate("kl_divergence", y_pred, y_true, weight, reduction, {"log_input": log_input})


def _gaussian_nll_grad(
    y_pred: Array,
    y_true: Array,
    *,
    var: Array | None = None,
    log_var: Array | None = None,
    full: bool = False,
    weight: Array | None = None,
    reduction: Reduction = "mean",
) -> Value:
    r"""Gradient of the Gaussian negative log-likelihood with respect to ``y_pred``.

    .. math::

        \frac{\partial \ell}{\partial \hat y} = \frac{\hat y - y}{\sigma^2}, \qquad \frac{\partial \ell}{\partial \log\sigma^2} = \tfrac12\Big(1 - \frac{(\hat y - y)^2}{\sigma^2}\Big)

    The derivative of :func:`lossbook.numpy.gaussian_nll` (see there for the loss).

    Args:
        y_pred: predictions (linear for the mean; the variance from a second output (exp or softplus), or log_var as is).
        y_true: targets: real values, same shape as y_pred.
        var: the variance: a positive scalar or one per element. Default ``None``.
        log_var: the log-variance: a real scalar or one per element. Default ``None``.
        full: add the constant ``log(2 pi) / 2`` to each value. Default ``False``.
        weight: optional non-negative weights, one per sample (broadcast over the other axes) or one per loss
            value. The weighted mean divides by the sum of the weights, each counted once per value it scales.
        reduction: ``'mean'`` (default), ``'sum'`` or ``'none'`` (one value per element, shape of ``y_pred``).

    Returns:
        The gradient of the reduced loss, shape of ``y_pred`` (for ``reduction='none'``, the gradient
        of the sum of the weighted values, i.e. each value's own gradient).

    Raises:
        ValueError: mismatched shapes (never broadcast), empty input, values out of range, bad hyperparameters.
        TypeError: non-numeric input, non-integer labels where labels are required, unknown keywords.
    """
    return _backend.gradient("gaussian_nll", y_pred, y_true, weight, reduction, {"var": var, "log_var": log_var, "full": full})


@loss_function(_gaussian_nll_grad)
def gaussian_nll(
    y_pred: Array,
    y_true: Array,
    *,
    var: Array | None = None,
    log_var: Array | None = None,
    full: bool = False,
    weight: Array | None = None,
    reduction: Reduction = "mean",
) -> Value:
    r"""Gaussian negative log-likelihood.

    .. math::

        \ell(\hat y, y; \sigma^2) = \tfrac12 \Big(\log \sigma^2 + \frac{(\hat y - y)^2}{\sigma^2}\Big) \;\big[+ \tfrac12 \log 2\pi\big]

    The negative log-likelihood of ``y`` under a normal distribution with mean ``y_pred`` and variance ``var`` (or ``exp(log_var)``): a regression loss whose noise level is predicted too. Exactly one of ``var`` (> 0, no silent clamping) and ``log_var`` (any real) is given, a scalar or one value per element. With ``log_var`` it is computed as ``(log_var + (r * exp(-log_var / 2))**2) / 2``, finite for all finite inputs. ``full=True`` adds the constant ``log(2 pi) / 2``. Like every loss that can be negative, it is ill-conditioned where its two terms cancel. The gradient with respect to the variance: ``(1/var - r**2/var**2) / 2`` (with ``log_var``: ``(1 - r**2 / var) / 2``); the PyTorch backend gives it through autograd.

    Args:
        y_pred: predictions (linear for the mean; the variance from a second output (exp or softplus), or log_var as is).
        y_true: targets: real values, same shape as y_pred.
        var: the variance: a positive scalar or one per element. Default ``None``.
        log_var: the log-variance: a real scalar or one per element. Default ``None``.
        full: add the constant ``log(2 pi) / 2`` to each value. Default ``False``.
        weight: optional non-negative weights, one per sample (broadcast over the other axes) or one per loss
            value. The weighted mean divides by the sum of the weights, each counted once per value it scales.
        reduction: ``'mean'`` (default), ``'sum'`` or ``'none'`` (one value per element, shape of ``y_pred``).

    Returns:
        The loss, a scalar; for ``reduction='none'``, one value per element, shape of ``y_pred``.

    Raises:
        ValueError: mismatched shapes (never broadcast), empty input, values out of range, bad hyperparameters.
        TypeError: non-numeric input, non-integer labels where labels are required, unknown keywords.

    Example:
        >>> from lossbook import numpy as lb
        >>> round(float(lb.gaussian_nll([0.0, 1.0], [0.0, 3.0], var=4.0)), 6)
        0.943147
    """
    return _backend.evaluate("gaussian_nll", y_pred, y_true, weight, reduction, {"var": var, "log_var": log_var, "full": full})


def _poisson_nll_grad(
    y_pred: Array,
    y_true: Array,
    *,
    log_input: bool = True,
    full: bool = False,
    weight: Array | None = None,
    reduction: Reduction = "mean",
) -> Value:
    r"""Gradient of the Poisson negative log-likelihood with respect to ``y_pred``.

    .. math::

        \frac{\partial \ell}{\partial x} = e^{x} - y, \qquad \frac{\partial \ell}{\partial \lambda} = 1 - \frac{y}{\lambda}

    The derivative of :func:`lossbook.numpy.poisson_nll` (see there for the loss).

    Args:
        y_pred: predictions (none for a log-rate (log_input=True, the default), or exp/softplus for a rate).
        y_true: targets: counts (non-negative), same shape as y_pred.
        log_input: if True, ``y_pred`` holds log-rates; else rates (>= 0). Default ``True``.
        full: add ``log(y!)``, the term that does not depend on the prediction. Default ``False``.
        weight: optional non-negative weights, one per sample (broadcast over the other axes) or one per loss
            value. The weighted mean divides by the sum of the weights, each counted once per value it scales.
        reduction: ``'mean'`` (default), ``'sum'`` or ``'none'`` (one value per element, shape of ``y_pred``).

    Returns:
        The gradient of the reduced loss, shape of ``y_pred`` (for ``reduction='none'``, the gradient
        of the sum of the weighted values, i.e. each value's own gradient).

    Raises:
        ValueError: mismatched shapes (never broadcast), empty input, values out of range, bad hyperparameters.
        TypeError: non-numeric input, non-integer labels where labels are required, unknown keywords.
    """
    return _backend.gradient("poisson_nll", y_pred, y_true, weight, reduction, {"log_input": log_input, "full": full})


@loss_function(_poisson_nll_grad)
def poisson_nll(
    y_pred: Array,
    y_true: Array,
    *,
    log_input: bool = True,
    full: bool = False,
    weight: Array | None = None,
    reduction: Reduction = "mean",
) -> Value:
    r"""Poisson negative log-likelihood.

    .. math::

        \ell(x, y) = e^{x} - y\,x \;\;\text{(log-rate } x\text{)}, \qquad \ell(\lambda, y) = \lambda - y \log \lambda \;\;\text{(rate)} \;\;\big[+ \log y!\big]

    The negative log-likelihood of a count ``y`` under a Poisson distribution with rate ``exp(y_pred)`` (``log_input=True``) or ``y_pred`` (``log_input=False``, with ``0 log 0 = 0`` and no ``eps`` inside the log; a zero rate with a positive count gives ``inf``). ``full=True`` adds ``log(y!) = lgamma(y + 1)`` exactly (PyTorch's ``poisson_nll_loss(full=True)`` uses Stirling's approximation for ``y > 1``), which makes the value the exact negative log-probability. Targets and rates must be >= 0 (PyTorch returns NaN for a negative rate). Without ``full`` the value can be negative and is ill-conditioned where its terms cancel.

    Args:
        y_pred: predictions (none for a log-rate (log_input=True, the default), or exp/softplus for a rate).
        y_true: targets: counts (non-negative), same shape as y_pred.
        log_input: if True, ``y_pred`` holds log-rates; else rates (>= 0). Default ``True``.
        full: add ``log(y!)``, the term that does not depend on the prediction. Default ``False``.
        weight: optional non-negative weights, one per sample (broadcast over the other axes) or one per loss
            value. The weighted mean divides by the sum of the weights, each counted once per value it scales.
        reduction: ``'mean'`` (default), ``'sum'`` or ``'none'`` (one value per element, shape of ``y_pred``).

    Returns:
        The loss, a scalar; for ``reduction='none'``, one value per element, shape of ``y_pred``.

    Raises:
        ValueError: mismatched shapes (never broadcast), empty input, values out of range, bad hyperparameters.
        TypeError: non-numeric input, non-integer labels where labels are required, unknown keywords.

    Example:
        >>> from lossbook import numpy as lb
        >>> round(float(lb.poisson_nll([0.0, 1.0], [1.0, 2.0])), 6)
        0.859141
    """
    return _backend.evaluate("poisson_nll", y_pred, y_true, weight, reduction, {"log_input": log_input, "full": full})

"""What happens when a loss is called, written once for both backends.

``lossbook.numpy`` and ``lossbook.torch`` are generated from the catalog (``lossbook/_generate.py``): each public
function passes its arguments to its backend's ``evaluate``, which calls :func:`prepare` (conversions and every
check, in the order a reader expects: types, shapes, hyperparameters, then values) and then the loss's formula
(``lossbook.formulas``), and :func:`reduce` (weights and the reduction).

A backend supplies a :class:`Backend`: its array conversions and its namespace for the formulas.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Callable

from . import _checks, _validation


@dataclass(frozen=True)
class Backend:
    """What a backend provides to :func:`prepare`."""

    name: str  # module name after "lossbook."
    as_float: Callable  # (x, name, like=None) -> floating array (like's dtype and device when given)
    as_labels: Callable  # (x, name, like) -> integer array on like's device
    upcast: Callable  # x -> x in a dtype fit for computing (half precision -> float32)
    cast: Callable  # (x, dtype) -> x in dtype


def value_shape(record, y_pred):
    """The shape of the unreduced values: ``y_pred``'s, or without the class axis."""
    return tuple(y_pred.shape) if record.kind == "elementwise" else tuple(y_pred.shape[:-1])


def prepare(backend, record, y_pred, y_true, weight, options):
    """Convert and check the inputs of one call. Returns ``(y_pred, y_true, weight, options, out_dtype)``.

    Shapes, dtypes and hyperparameters are always checked; the values inside the arrays only while validation is
    on (``lossbook.set_validation``)."""
    y_pred = backend.as_float(y_pred, "y_pred")
    out_dtype = y_pred.dtype
    y_pred = backend.upcast(y_pred)
    if record.kind == "sparse":
        y_true = backend.as_labels(y_true, "y_true", like=y_pred)
        _checks.label_shape(y_pred, y_true)
    else:
        y_true = backend.as_float(y_true, "y_true", like=y_pred)
        (_checks.class_axis if record.kind == "distribution" else _checks.same_shape)(y_pred, y_true)
    _checks.not_empty("y_pred", y_pred)
    options = _array_options(backend, record, y_pred, options)
    if record.check_options is not None:
        record.check_options(options)
    if weight is not None:
        weight = backend.as_float(weight, "weight", like=y_pred)
        shape = value_shape(record, y_pred)
        _checks.weight_shape("weight", weight, shape, shape[:1])
    if _validation.is_validation_enabled():
        _check_values(record, y_pred, y_true, weight, options)
    return y_pred, y_true, weight, options, out_dtype


def _array_options(backend, record, y_pred, options):
    """Hyperparameters that are arrays: converted to ``y_pred``'s dtype and device, their shapes checked."""
    options = dict(options)
    for h in record.hyperparameters:
        if h.array is None or options[h.name] is None:
            continue
        value = backend.as_float(options[h.name], h.name, like=y_pred)
        if h.array == "class":
            _checks.class_vector(h.name, value, y_pred.shape[-1], h.scalar_allowed)
        else:
            _checks.element_array(h.name, value, y_pred.shape)
        options[h.name] = value
    return options


def _check_values(record, y_pred, y_true, weight, options):
    for h in record.hyperparameters:
        if h.array == "class" and options[h.name] is not None:
            _checks.non_negative_values(h.name, options[h.name])
    if record.check_values is not None:
        record.check_values(y_pred, y_true, options)
    if weight is not None:
        _checks.non_negative_values("weight", weight)


def split(result):
    """``(values, grad, norm)`` from a formula's result (``norm`` is None unless the formula gives one)."""
    return result if len(result) == 3 else (*result, None)


def expand(w, ndim):
    """Append unit axes to ``w`` so it broadcasts against an array with ``ndim`` axes."""
    return w.reshape(tuple(w.shape) + (1,) * (ndim - w.ndim))


def denominator(shape, weight=None, norm=None):
    """What ``reduction='mean'`` divides by: the number of values, or the sum of the weights (each counted once
    per value it scales), or the sum of the formula's own per-value weights ``norm`` (times ``weight``)."""
    if norm is not None:
        return norm.sum() if weight is None else (norm * expand(weight, norm.ndim)).sum()
    if weight is None:
        return math.prod(shape)
    return weight.sum() * (math.prod(shape) // math.prod(weight.shape))


def reduce(values, reduction, weight=None, norm=None):
    """Apply the weights and the reduction to unreduced loss ``values``:

    .. math::

        \\text{none} = w \\odot l, \\qquad \\text{sum} = \\sum_i w_i l_i, \\qquad
        \\text{mean} = \\frac{\\sum_i w_i l_i}{\\sum_i w_i}
    """
    if weight is not None:
        values = values * expand(weight, values.ndim)
    if reduction == "none":
        return values
    total = values.sum()
    return total if reduction == "sum" else total / denominator(values.shape, weight, norm)


def scale_grad(grad, shape, reduction, weight=None, norm=None):
    """The gradient of each unreduced value (``grad``, shape of ``y_pred``) turned into the gradient of the reduced
    loss. For ``'none'`` it is the gradient of the sum of the (weighted) values: each value depends only on its own
    element or row, so this is each value's own gradient."""
    if weight is not None:
        grad = grad * expand(weight, grad.ndim)
    if reduction == "mean":
        grad = grad / denominator(shape, weight, norm)
    return grad


def check_options(record, given: dict[str, Any]) -> dict[str, Any]:
    """The hyperparameters of a call, each checked (``given`` holds every one, as the generated signatures pass
    them; an unknown keyword never gets here, Python refuses it)."""
    return {h.name: h.check(h.name, given[h.name]) for h in record.hyperparameters}

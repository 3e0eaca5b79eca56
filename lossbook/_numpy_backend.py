"""The machinery behind ``lossbook.numpy``: array conversions, and the two entry points of every generated loss.

``evaluate(name, ...)`` computes a loss and ``gradient(name, ...)`` its gradient with respect to ``y_pred``, both
from the loss's formula (``lossbook.formulas``) evaluated with NumPy. Half-precision inputs are computed in float32
and the result is returned in float16.
"""

from __future__ import annotations

import numpy as np

from . import _api, _checks, catalog
from ._xp import NUMPY
from .formulas import FORMULAS


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


def _run(name, y_pred, y_true, weight, reduction, options, want_grad):
    record = catalog.RECORDS[name]
    reduction = _checks.reduction(reduction)
    options = _api.check_options(record, options)
    y_pred, y_true, weight, options, out_dtype = _api.prepare(BACKEND, record, y_pred, y_true, weight, options)
    with np.errstate(all="ignore"):  # inf and NaN are handled by the formulas, not warned about
        values, grad, norm = _api.split(FORMULAS[name].values_and_grad(NUMPY, y_pred, y_true, want_grad, **options))
        if want_grad:
            shape = _api.value_shape(record, y_pred)
            return _cast(_api.scale_grad(grad, shape, reduction, weight, norm), out_dtype)
        return _cast(_api.reduce(values, reduction, weight, norm), out_dtype)


def evaluate(name, y_pred, y_true, weight, reduction, options):
    """The loss ``name`` on NumPy arrays (or anything ``np.asarray`` accepts)."""
    return _run(name, y_pred, y_true, weight, reduction, options, want_grad=False)


def gradient(name, y_pred, y_true, weight, reduction, options):
    """The gradient of the loss ``name`` with respect to ``y_pred``, with the same reduction and weights."""
    return _run(name, y_pred, y_true, weight, reduction, options, want_grad=True)

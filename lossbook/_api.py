"""Builds a backend's public loss functions from the catalog and the backend's math.

A backend (``lossbook.numpy`` or ``lossbook.torch``) supplies a :class:`Backend` with its array conversions and
one kernel per loss: ``kernel(y_pred, y_true, **hyperparameters)`` returns the unreduced values (or a pair
``(values, norm)`` when the loss defines its own mean denominator). Everything else (the signature, argument
checks, weights, reductions, dtype handling, the docstring) is done here, once, for both backends.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass
from typing import Callable

from . import _checks, _reduce, catalog


@dataclass(frozen=True)
class Backend:
    """What a backend must provide besides its kernels."""

    name: str  # module name after "lossbook."
    as_float: Callable  # (x, name, like=None) -> floating array (like's dtype and device when given)
    as_labels: Callable  # (x, name, like) -> integer array on like's device
    upcast: Callable  # x -> x in a dtype fit for computing (half precision -> float32)
    cast: Callable  # (x, dtype) -> x in dtype
    accelerate: Callable = None  # kernel -> kernel (e.g. compiled on GPUs); None: kernels run as written


# Value checks that depend on the loss: (y_pred, y_true, options) -> None.


def _check_binary_cross_entropy(y_pred, y_true, o):
    if not o["from_logits"]:
        _checks.probabilities("y_pred", y_pred)
    _checks.in_unit_interval("y_true", y_true, "targets")


def _check_hinge(y_pred, y_true, o):
    _checks.sign_labels("y_true", y_true)


def _check_zero_one(y_pred, y_true, o):
    _checks.binary_labels("y_true", y_true)


def _check_categorical(y_pred, y_true, o):
    if not o["from_logits"]:
        _checks.probabilities("y_pred", y_pred)
    _checks.in_unit_interval("y_true", y_true, "target probabilities")


def _check_sparse(y_pred, y_true, o):
    if not o["from_logits"]:
        _checks.probabilities("y_pred", y_pred)
    _checks.class_labels("y_true", y_true, y_pred.shape[-1], o["ignore_index"])


def _check_kl(y_pred, y_true, o):
    if o["log_input"]:
        _checks.log_probabilities("y_pred", y_pred)
    else:
        _checks.probabilities("y_pred", y_pred)
    _checks.in_unit_interval("y_true", y_true, "target probabilities")


_VALUE_CHECKS = {
    "binary_cross_entropy": _check_binary_cross_entropy,
    "hinge": _check_hinge,
    "squared_hinge": _check_hinge,
    "zero_one": _check_zero_one,
    "categorical_cross_entropy": _check_categorical,
    "sparse_categorical_cross_entropy": _check_sparse,
    "kl_divergence": _check_kl,
}

# Hyperparameters that are arrays over the class axis: name -> whether a scalar is allowed.
_CLASS_VECTORS = {"pos_weight": True, "class_weight": False}


def prepare(backend, record, y_pred, y_true, weight, options):
    """Convert and check the inputs of one call. Returns ``(y_pred, y_true, weight, options, out_dtype)``."""
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
    for name, allow_scalar in _CLASS_VECTORS.items():
        if options.get(name) is not None:
            options[name] = backend.as_float(options[name], name, like=y_pred)
            _checks.class_vector(name, options[name], y_pred.shape[-1], allow_scalar)
    if record.name in _VALUE_CHECKS:
        _VALUE_CHECKS[record.name](y_pred, y_true, options)
    if weight is not None:
        weight = backend.as_float(weight, "weight", like=y_pred)
        value_shape = y_pred.shape if record.kind == "elementwise" else y_pred.shape[:-1]
        _checks.weight_shape("weight", weight, value_shape, value_shape[:1])
    return y_pred, y_true, weight, options, out_dtype


def _split(out):
    return out if isinstance(out, tuple) else (out, None)


def _signature(record):
    P = inspect.Parameter
    params = [P("y_pred", P.POSITIONAL_OR_KEYWORD), P("y_true", P.POSITIONAL_OR_KEYWORD)]
    params += [P(h.name, P.KEYWORD_ONLY, default=h.default) for h in record.hyperparameters]
    params += [P("weight", P.KEYWORD_ONLY, default=None), P("reduction", P.KEYWORD_ONLY, default="mean")]
    return inspect.Signature(params)


_VALUES = {
    "elementwise": "one value per element, shape of ``y_pred``",
    "distribution": "one value per sample (row), shape ``y_pred.shape[:-1]``",
    "sparse": "one value per sample (row), shape ``y_pred.shape[:-1]``",
}


def docstring(record, backend_name, gradient=False):
    """The docstring of a public loss function (or of its ``.grad``), generated from its catalog record."""
    hypers = "".join(f"    {h.name}: {h.doc} Default ``{h.default!r}``.\n" for h in record.hyperparameters)
    shape = "integer labels, shape ``y_pred.shape[:-1]``" if record.kind == "sparse" else "same shape as ``y_pred``"
    target = record.target if "shape" in record.target else f"{record.target}; {shape}"
    head = f"Gradient of the {record.title.lower()} with respect to ``y_pred``." if gradient else f"{record.title}."
    returns = (
        "    The gradient of the reduced loss, shape of ``y_pred`` (for ``reduction='none'``, the gradient of the\n"
        "    sum of the weighted values, i.e. each value's own gradient)."
        if gradient
        else f"    The loss, a scalar; for ``reduction='none'``, {_VALUES[record.kind]}."
    )
    return f"""{head}

.. math::

    {record.formula}

{record.description}

Args:
    y_pred: predictions ({record.activation}).
    y_true: targets: {target}.
{hypers}    weight: optional non-negative weights, one per sample (broadcast over the other axes) or one per loss
        value. The weighted mean divides by the sum of the weights, each counted once per value it scales.
    reduction: ``'mean'`` (default), ``'sum'`` or ``'none'`` ({_VALUES[record.kind]}).

Returns:
{returns}

Raises:
    ValueError: mismatched shapes (never broadcast), empty input, values out of range, bad hyperparameters.
    TypeError: non-numeric input, non-integer labels where labels are required, unknown keywords.
{"" if gradient else _example(record, backend_name)}"""


def _example(record, backend_name):
    body = record.example.replace("\n", "\n    ")
    return f"\nExample:\n    >>> from lossbook import {backend_name} as lb\n    {body}\n"


def make_loss(backend, record, kernel, grad_kernel=None):
    """The public function of one loss for one backend (with ``.grad`` when a gradient kernel is given)."""

    def loss(y_pred, y_true, *, weight=None, reduction="mean", **options):
        reduction = _checks.reduction(reduction)
        options = _checks.options(record.name, record, options)
        y_pred, y_true, weight, options, out_dtype = prepare(backend, record, y_pred, y_true, weight, options)
        values, norm = _split(kernel(y_pred, y_true, **options))
        return backend.cast(_reduce.reduce(values, reduction, weight, norm), out_dtype)

    _dress(loss, record, backend, record.name)
    if grad_kernel is not None:

        def grad(y_pred, y_true, *, weight=None, reduction="mean", **options):
            reduction = _checks.reduction(reduction)
            options = _checks.options(f"{record.name}.grad", record, options)
            y_pred, y_true, weight, options, out_dtype = prepare(backend, record, y_pred, y_true, weight, options)
            g, norm = _split(grad_kernel(y_pred, y_true, **options))
            value_shape = y_pred.shape if record.kind == "elementwise" else y_pred.shape[:-1]
            return backend.cast(_reduce.scale_grad(g, value_shape, reduction, weight, norm), out_dtype)

        _dress(grad, record, backend, f"{record.name}.grad", gradient=True)
        loss.grad = grad
    return loss


def _dress(fn, record, backend, qualname, gradient=False):
    fn.__name__ = qualname.rsplit(".", 1)[-1]
    fn.__qualname__ = qualname
    fn.__module__ = f"lossbook.{backend.name}"
    fn.__signature__ = _signature(record)
    fn.__doc__ = docstring(record, backend.name, gradient)


def build(backend, kernels, grad_kernels=None):
    """All public losses of a backend: ``{name: function}`` in catalog order."""
    grad_kernels = grad_kernels or {}
    missing = set(catalog.RECORDS) - set(kernels)
    if missing:
        raise RuntimeError(f"backend {backend.name} lacks kernels for {sorted(missing)}")
    speed = backend.accelerate or (lambda kernel: kernel)
    return {
        name: make_loss(backend, record, speed(kernels[name]), grad_kernels.get(name))
        for name, record in catalog.RECORDS.items()
    }

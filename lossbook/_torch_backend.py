"""The machinery behind ``lossbook.torch``: tensor conversions, the autograd function every loss runs through, and
the base class of the loss modules.

Every loss is a custom :class:`torch.autograd.Function`: the forward pass evaluates the loss's formula
(``lossbook.formulas``), which computes the gradient with respect to ``y_pred`` from the same intermediate results
as the value, and keeps only that gradient; the backward pass multiplies it by the incoming gradient. Autograd's
alternative, recording the dozen small operations of a numerically careful formula, keeps a dozen temporaries and
runs a dozen more operations backwards. Gradients with respect to ``y_true`` and to array hyperparameters
(``pos_weight``, ``var``, ``log_var``) come from the formulas' analytic derivatives, computed in the backward pass
only when something asks for them; per-sample ``weight`` gradients come from autograd.

float16 and bfloat16 inputs are computed in float32 and the result is returned in the input dtype.
"""

from __future__ import annotations

import torch
from torch import nn

from . import _api, _checks, catalog
from ._xp import torch_namespace
from .formulas import FORMULAS

TORCH = torch_namespace()

_REAL = {torch.bool, torch.uint8, torch.int8, torch.int16, torch.int32, torch.int64,
         torch.float16, torch.bfloat16, torch.float32, torch.float64}


def _dtype_name(dtype):
    return str(dtype).replace("torch.", "")


def _as_float(x, name, like=None):
    if not isinstance(x, torch.Tensor):
        try:
            x = torch.as_tensor(x, device=None if like is None else like.device)
        except (TypeError, ValueError, RuntimeError):
            raise TypeError(f"{name} must be a real numeric array, got {type(x).__name__}") from None
    if x.dtype not in _REAL:
        raise TypeError(f"{name} must be a real numeric array, got dtype {_dtype_name(x.dtype)}")
    if like is not None:
        if x.device != like.device:
            raise ValueError(f"{name} is on {x.device} but y_pred is on {like.device}; move both to one device")
        return x.to(like.dtype)
    return x if x.is_floating_point() else x.to(torch.get_default_dtype())


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


BACKEND = _api.Backend("torch", _as_float, _as_labels, _upcast, _cast)


class _LossFunction(torch.autograd.Function):
    """One loss as an autograd function: ``apply(name, options, reduction, y_pred, y_true, *array_options)``.

    ``reduction`` is ``'mean'``/``'sum'`` (the result is the reduced scalar) or ``'none'`` (the unreduced values and
    the mean's denominator per value, or an empty tensor where every value counts 1). ``array_options`` are the
    hyperparameters that are tensors, in catalog order, so that autograd tracks them.
    """

    @staticmethod
    def forward(ctx, name, options, reduction, y_pred, y_true, *array_options):
        options = _with_arrays(name, options, array_options)
        values, grad, norm = _api.split(
            FORMULAS[name].values_and_grad(TORCH, y_pred, y_true, ctx.needs_input_grad[3], **options))
        ctx.name, ctx.reduction = name, reduction
        ctx.options = {k: (_ARRAY if isinstance(v, torch.Tensor) else v) for k, v in options.items()}
        ctx.count = values.numel()
        if reduction == "mean" and grad is not None:
            grad *= 1 / ctx.count  # the gradient of the mean, ready for the usual loss.backward()
        ctx.save_for_backward(grad, y_pred, y_true, *array_options)
        if reduction == "none":
            norm = torch.empty(0, dtype=values.dtype, device=values.device) if norm is None else norm
            ctx.mark_non_differentiable(norm)
            return values, norm
        total = values.sum()
        return total / ctx.count if reduction == "mean" else total

    @staticmethod
    def backward(ctx, grad_out, *unused):
        grad, y_pred, y_true, *array_options = ctx.saved_tensors
        d_pred = None
        if ctx.needs_input_grad[3]:  # the stored gradient (already divided by the count for a mean) as it is
            d_pred = grad if ctx.reduction != "none" and _is_one(grad_out) else grad * (
                grad_out if ctx.reduction != "none" or grad_out.ndim == y_pred.ndim else grad_out[..., None])
        if ctx.reduction == "mean":
            grad_out = grad_out / ctx.count
        elif ctx.reduction == "none" and grad_out.ndim < y_pred.ndim:  # one value per row: broadcast over classes
            grad_out = grad_out[..., None]
        formula = FORMULAS[ctx.name]
        options = _with_arrays(ctx.name, ctx.options, array_options)
        d_true = None
        if ctx.needs_input_grad[4]:
            if formula.target_grad is None:
                raise RuntimeError(f"{ctx.name}: no gradient with respect to integer labels")
            d_true = formula.target_grad(TORCH, y_pred, y_true, **options) * grad_out
        d_options = []
        for i, (h_name, value) in enumerate(zip(_array_names(ctx.name), array_options)):
            d = None
            if ctx.needs_input_grad[5 + i]:
                d = formula.option_grads[h_name](TORCH, y_pred, y_true, **options) * grad_out
                d = d.sum_to_size(value.shape) if value.ndim else d.sum()
            d_options.append(d)
        return (None, None, None, d_pred, d_true, *d_options)


def _is_one(grad_out):
    """Whether the incoming gradient is the scalar 1, as in ``loss.backward()``: then the stored gradient is
    returned without a multiplication and a new tensor. Checked on the CPU only, where reading the value costs
    nothing; on a GPU it would wait for the device, and under ``torch.compile`` it would break the graph."""
    return (grad_out.device.type == "cpu" and grad_out.numel() == 1 and not torch.compiler.is_compiling()
            and grad_out.item() == 1.0)


def _array_names(name):
    return [h.name for h in catalog.RECORDS[name].hyperparameters if h.array is not None]


_ARRAY = "<tensor>"  # marks, in the options kept by an autograd context, where a tensor was passed in


def _with_arrays(name, options, array_options):
    """The options with their array hyperparameters (those not None) taken from the tensors autograd passed in."""
    options = dict(options)
    for h_name, value in zip(_array_names(name), array_options):
        if options[h_name] is not None:
            options[h_name] = value
    return options


def _requires_grad(*tensors):
    return any(t is not None and t.requires_grad for t in tensors)


def evaluate(name, y_pred, y_true, weight, reduction, options):
    """The loss ``name`` on tensors (or anything ``torch.as_tensor`` accepts)."""
    record = catalog.RECORDS[name]
    reduction = _checks.reduction(reduction)
    options = _api.check_options(record, options)
    y_pred, y_true, weight, options, out_dtype = _api.prepare(BACKEND, record, y_pred, y_true, weight, options)
    formula = FORMULAS[name]
    arrays = [options[n] for n in _array_names(name)]
    if not (formula.differentiable and torch.is_grad_enabled() and _requires_grad(y_pred, y_true, *arrays)):
        values, _, norm = _api.split(formula.values_and_grad(TORCH, y_pred, y_true, False, **options))
        return _cast(_api.reduce(values, reduction, weight, norm), out_dtype)
    _no_gradient_for(record, options)
    placeholders = [torch.empty(0, dtype=y_pred.dtype, device=y_pred.device) if a is None else a for a in arrays]
    fused = weight is None and (record.kind != "sparse" or
                                (options.get("ignore_index") is None and options.get("class_weight") is None))
    if fused and reduction != "none":
        return _cast(_LossFunction.apply(name, options, reduction, y_pred, y_true, *placeholders), out_dtype)
    values, norm = _LossFunction.apply(name, options, "none", y_pred, y_true, *placeholders)
    return _cast(_api.reduce(values, reduction, weight, None if norm.numel() == 0 else norm), out_dtype)


def _no_gradient_for(record, options):
    """``class_weight`` enters as a table lookup: a gradient with respect to it is not supported."""
    cw = options.get("class_weight")
    if cw is not None and cw.requires_grad:
        raise ValueError(f"{record.name}: class_weight requires grad, which is not supported; pass "
                         "class_weight.detach() (a gradient with respect to pos_weight, var, log_var, y_true and "
                         "weight is)")


class Loss(nn.Module):
    """Base of the loss modules: holds the hyperparameters (tensors as buffers, so ``.to(device)`` moves them) and
    calls the functional form as ``loss_fn(y_pred, y_true, weight=None)``."""

    def __init__(self, fn, reduction: str = "mean", **options) -> None:
        super().__init__()
        record = catalog.get(fn.__name__)
        self._fn = fn
        self.reduction = _checks.reduction(reduction)
        options = _api.check_options(record, options)
        if record.check_options is not None:
            record.check_options(options)
        self._names = list(options)
        for name, value in options.items():
            if value is not None and not isinstance(value, (bool, int, float)):
                self.register_buffer(name, torch.as_tensor(value))
            else:
                setattr(self, name, value)

    def forward(self, y_pred: torch.Tensor, y_true: torch.Tensor, weight: torch.Tensor | None = None) -> torch.Tensor:
        options = {name: getattr(self, name) for name in self._names}
        return self._fn(y_pred, y_true, weight=weight, reduction=self.reduction, **options)

    def extra_repr(self) -> str:
        parts = [f"{name}={getattr(self, name)!r}" for name in self._names]
        return ", ".join(parts + [f"reduction={self.reduction!r}"])


"""Cross-entropy for large vocabularies without materialising the softmax or the logits (PyTorch backend).

A language model's last step is ``cross_entropy(hidden @ W.T + b, labels)`` with ``V`` (the vocabulary) in the
hundred thousands. ``F.cross_entropy`` keeps a full ``(N, V)`` log-softmax for the backward pass (in float32 when
the logits are half precision), and the logits themselves are ``(N, V)`` too: at N = 8,192 tokens and
V = 128,256 that is 2 GiB of bfloat16 logits and more than twice that again inside the loss.

- :func:`chunked_cross_entropy` takes the logits and processes their rows in chunks: for each chunk it computes the
  loss and, when a gradient is needed, writes ``softmax(z) - onehot(y)`` straight into one preallocated tensor of
  the logits' shape and dtype. The extra memory is that gradient (which backward has to return anyway) plus the
  float32 temporaries of one chunk.
- :func:`linear_cross_entropy` takes the hidden states and the output layer instead, so the logits exist only one
  chunk at a time: it is the idea of Liger Kernel's fused linear cross-entropy and Apple's Cut Cross-Entropy, in
  plain PyTorch. For ``reduction='mean'`` or ``'sum'`` the gradients with respect to ``hidden``, ``weight`` and
  ``bias`` are computed in the forward pass (float32 accumulation across chunks for ``weight`` and ``bias``), and
  the backward pass only scales them. For ``'none'`` the backward pass needs one weight per token, so it recomputes
  each chunk's logits instead (twice the matrix products, no stored gradient until then).

Both use the cross-entropy formula of ``lossbook.formulas.multiclass`` (the same values and gradients as
``sparse_categorical_cross_entropy``). ``python -m lossbook.book.bench`` measures their time and memory against
``F.cross_entropy``; the speed appendix reports the numbers.
"""

from __future__ import annotations

import math
import warnings

import torch

from . import _checks, _validation
from ._xp import torch_namespace
from .formulas import multiclass

TORCH = torch_namespace()


def _loss_dtype(dtype):
    return torch.float32 if dtype in (torch.float16, torch.bfloat16) else dtype


def _chunk(z, labels, keep, want_grad):
    """Loss per row and, if ``want_grad``, ``softmax(z) - onehot(y)`` (0 on ignored rows), in the loss dtype."""
    z = z.to(_loss_dtype(z.dtype))
    values, grad, _ = multiclass.sparse_categorical_cross_entropy(
        TORCH, z, labels, want_grad, from_logits=True, label_smoothing=0.0, ignore_index=None, class_weight=None)
    if keep is not None:
        values = values * keep
        grad = grad * keep[:, None] if grad is not None else None
    return values, grad


class _Compiled:
    """``torch.compile`` of ``fn`` on CUDA, tried on the first call; if compiling fails (no Triton, no compiler) the
    eager function is used from then on, with a warning. On other devices the eager function."""

    def __init__(self, fn):
        self.fn, self.compiled = fn, None

    def __call__(self, *args):
        if args[0].device.type != "cuda" or self.compiled is False:
            return self.fn(*args)
        if self.compiled is None:
            try:
                self.compiled = torch.compile(self.fn, dynamic=False)
                return self.compiled(*args)
            except Exception as error:  # compilation happens on the first call: catch it there
                self.compiled = False
                warnings.warn(f"lossbook: torch.compile failed ({type(error).__name__}); running eagerly",
                              stacklevel=3)
                return self.fn(*args)
        return self.compiled(*args)


_chunk_kernel = _Compiled(_chunk)


def _check_logits_and_labels(y_pred, y_true, ignore_index):
    labels = torch.as_tensor(y_true, device=y_pred.device)
    if labels.is_floating_point() or labels.dtype == torch.bool:
        raise TypeError(f"y_true must hold integer class labels, got dtype {str(labels.dtype).replace('torch.', '')}")
    _checks.label_shape(y_pred, labels)
    _checks.not_empty("y_pred", y_pred)
    if _validation.is_validation_enabled():
        _checks.class_labels("y_true", labels, y_pred.shape[-1], ignore_index)
    keep = None if ignore_index is None else labels != ignore_index
    safe = labels.long() if keep is None else torch.where(keep, labels, 0).long()
    return safe, keep


def _default_chunk(num_classes):
    """As many rows as fit in about 128 MiB of float32 per temporary."""
    return max(1, (128 << 20) // (4 * num_classes))


def _linear_chunk(n, h, v):
    """Rows per chunk of the fused linear cross-entropy: a power of two near ``n / ceil(v / h)``, so that a chunk's
    logits (``rows x v``) are about the size of ``hidden`` (``n x h``) and the chunk's temporaries stay a small
    multiple of it (Liger Kernel's rule)."""
    rows = math.ceil(n / math.ceil(v / h))
    return 1 << max(0, rows - 1).bit_length()


def _scale(reduction, keep, n, dtype, device):
    if reduction == "sum":
        return torch.ones((), dtype=dtype, device=device)
    count = n if keep is None else keep.sum()
    return torch.ones((), dtype=dtype, device=device) / count


class _ChunkedCrossEntropy(torch.autograd.Function):
    """Forward: the loss per row and, chunk by chunk, ``scale * (softmax - onehot)`` into one buffer; returns the
    reduced loss (``reduce``) or the rows' losses; backward scales the stored gradient."""

    @staticmethod
    def forward(ctx, logits, labels, keep, scale, chunk_size, reduce):
        n = logits.shape[0]
        loss = torch.empty(n, dtype=_loss_dtype(logits.dtype), device=logits.device)
        grad = torch.empty_like(logits) if ctx.needs_input_grad[0] else None
        keep_f = None if keep is None else keep.to(loss.dtype)
        for start in range(0, n, chunk_size):
            rows = slice(start, start + chunk_size)
            values, g = _chunk_kernel(logits[rows], labels[rows], None if keep_f is None else keep_f[rows],
                                      grad is not None)
            loss[rows] = values
            if grad is not None:
                grad[rows] = g if not reduce else g * scale
        ctx.save_for_backward(grad)
        ctx.reduce = reduce
        return (loss.sum() * scale) if reduce else loss

    @staticmethod
    def backward(ctx, grad_out):
        (grad,) = ctx.saved_tensors
        if _is_one(grad_out):  # the usual loss.backward(): hand over the stored gradient, no second copy
            return grad, None, None, None, None, None
        factor = grad_out if ctx.reduce else grad_out[:, None]
        return grad * factor.to(grad.dtype), None, None, None, None, None


def chunked_cross_entropy(y_pred: torch.Tensor, y_true: torch.Tensor, *, ignore_index: int | None = None,
                          reduction: str = "mean", chunk_size: int | None = None) -> torch.Tensor:
    """Sparse categorical cross-entropy on logits for large vocabularies, without materialising the softmax.

    .. math::

        \\ell_i = \\log \\sum_c e^{z_{ic}} - z_{i y_i}

    Equal in value and gradient to ``sparse_categorical_cross_entropy(y_pred, y_true, from_logits=True)`` (and to
    ``F.cross_entropy``). The gradient is computed during the forward pass in chunks of rows and kept in the logits'
    dtype, so the extra memory is one logits-sized tensor plus one chunk of float32 temporaries.

    Args:
        y_pred: logits ``(N, C)``, any float dtype (bfloat16 and float16 are computed in float32 per chunk).
        y_true: integer labels ``(N,)``.
        ignore_index: a label whose rows are ignored (0 loss, left out of the mean).
        reduction: ``'mean'``, ``'sum'`` or ``'none'``.
        chunk_size: rows per chunk; default: as many rows as fit in about 128 MiB of float32 per temporary.

    Returns:
        The loss, in float32 for half-precision logits and in the logits' dtype otherwise (a low-precision loss
        value would round away what training looks at).
    """
    reduction = _checks.reduction(reduction)
    ignore_index = _checks.optional_int("ignore_index", ignore_index)
    if not isinstance(y_pred, torch.Tensor) or not y_pred.is_floating_point() or y_pred.ndim != 2:
        raise TypeError(f"y_pred must be a floating-point tensor of logits with shape (N, C), got "
                        f"{type(y_pred).__name__} {getattr(y_pred, 'shape', '')}")
    labels, keep = _check_logits_and_labels(y_pred, y_true, ignore_index)
    chunk = int(chunk_size) if chunk_size is not None else _default_chunk(y_pred.shape[1])
    scale = _scale(reduction, keep, y_pred.shape[0], _loss_dtype(y_pred.dtype), y_pred.device)
    return _ChunkedCrossEntropy.apply(y_pred, labels, keep, scale, chunk, reduction != "none")


class _LinearCrossEntropy(torch.autograd.Function):
    """``cross_entropy(hidden @ weight.T + bias, labels)`` chunk by chunk over the rows of ``hidden``."""

    @staticmethod
    def forward(ctx, hidden, weight, bias, labels, keep, scale, chunk_size, reduce):
        n = hidden.shape[0]
        loss_dtype = _loss_dtype(hidden.dtype)
        loss = torch.empty(n, dtype=loss_dtype, device=hidden.device)
        want = ctx.needs_input_grad[:3] if reduce else (False, False, False)
        g_hidden = torch.empty_like(hidden) if want[0] else None
        g_weight = torch.zeros(weight.shape, dtype=loss_dtype, device=weight.device) if want[1] else None
        g_bias = torch.zeros(bias.shape, dtype=loss_dtype, device=bias.device) if want[2] else None
        keep_f = None if keep is None else keep.to(loss_dtype)
        for start in range(0, n, chunk_size):
            rows = slice(start, start + chunk_size)
            h = hidden[rows]
            logits = h @ weight.T if bias is None else torch.addmm(bias, h, weight.T)
            values, g = _chunk_kernel(logits, labels[rows], None if keep_f is None else keep_f[rows], any(want))
            loss[rows] = values
            if any(want):
                g = g * scale
                _accumulate(g, h, weight, g_hidden, g_weight, g_bias, rows)
        ctx.save_for_backward(hidden, weight, bias, labels, keep_f, g_hidden, g_weight, g_bias)
        ctx.reduce, ctx.chunk_size = reduce, chunk_size
        return (loss.sum() * scale) if reduce else loss

    @staticmethod
    def backward(ctx, grad_out):
        hidden, weight, bias, labels, keep_f, g_hidden, g_weight, g_bias = ctx.saved_tensors
        need = ctx.needs_input_grad[:3]
        if not ctx.reduce:  # one weight per token: recompute each chunk's logits now
            g_hidden, g_weight, g_bias = _recompute(hidden, weight, bias, labels, keep_f, grad_out, need,
                                                     ctx.chunk_size)
            grad_out = torch.ones((), dtype=grad_out.dtype, device=grad_out.device)
        one = _is_one(grad_out)
        out = []
        for g, wanted, like in zip((g_hidden, g_weight, g_bias), need, (hidden, weight, bias)):
            out.append((g if one else g * grad_out.to(g.dtype)).to(like.dtype) if wanted else None)
        return (*out, None, None, None, None, None)


def _is_one(grad_out):
    """Whether the incoming gradient is the scalar 1 (``loss.backward()``): then the stored gradient is returned
    as it is, without a second logits-sized tensor. Reading the scalar is one host synchronisation in the backward
    pass, as in Liger Kernel."""
    return grad_out.ndim == 0 and bool(grad_out == 1)


def _accumulate(g, h, weight, g_hidden, g_weight, g_bias, rows):
    """Add one chunk's gradient ``g = dL/dlogits`` to the gradients of hidden (rows), weight and bias."""
    if g_hidden is not None:
        g_hidden[rows] = (g.to(weight.dtype) @ weight).to(g_hidden.dtype)
    if g_weight is not None and g_weight.dtype == h.dtype:
        g_weight.addmm_(g.T.to(h.dtype), h)  # accumulated in place: no weight-sized temporary per chunk
    elif g_weight is not None:
        g_weight += (g.T.to(h.dtype) @ h).to(g_weight.dtype)  # the product in h's dtype, the sum in float32
    if g_bias is not None:
        g_bias += g.sum(0)


def _recompute(hidden, weight, bias, labels, keep_f, grad_out, need, chunk_size):
    loss_dtype = _loss_dtype(hidden.dtype)
    g_hidden = torch.empty_like(hidden) if need[0] else None
    g_weight = torch.zeros(weight.shape, dtype=loss_dtype, device=weight.device) if need[1] else None
    g_bias = torch.zeros(bias.shape, dtype=loss_dtype, device=bias.device) if (need[2] and bias is not None) else None
    for start in range(0, hidden.shape[0], chunk_size):
        rows = slice(start, start + chunk_size)
        h = hidden[rows]
        logits = h @ weight.T if bias is None else torch.addmm(bias, h, weight.T)
        _, g = _chunk_kernel(logits, labels[rows], None if keep_f is None else keep_f[rows], True)
        _accumulate(g * grad_out[rows, None].to(g.dtype), h, weight, g_hidden, g_weight, g_bias, rows)
    return g_hidden, g_weight, g_bias


def linear_cross_entropy(hidden: torch.Tensor, weight: torch.Tensor, labels: torch.Tensor, *,
                         bias: torch.Tensor | None = None, ignore_index: int | None = None,
                         reduction: str = "mean", chunk_size: int | None = None) -> torch.Tensor:
    """Cross-entropy of a linear output layer, ``F.cross_entropy(F.linear(hidden, weight, bias), labels)``, without
    ever holding the ``(N, V)`` logits: they exist one chunk of rows at a time.

    .. math::

        \\ell_i = \\log \\sum_v e^{z_{iv}} - z_{i y_i}, \\qquad z_i = W h_i + b

    For ``reduction='mean'`` and ``'sum'`` the gradients with respect to ``hidden``, ``weight`` and ``bias`` are
    computed in the forward pass (gradients of ``weight`` and ``bias`` accumulated in float32 across chunks, then
    rounded once to their dtype) and backward only scales them; for ``'none'`` backward recomputes each chunk.
    The extra memory is one chunk of float32 logits and their gradient, plus float32 copies of the weight and bias
    gradients (the gradient of ``hidden`` has its own size). The matrix products run in the inputs' dtype, as in
    ``F.linear``; the cross-entropy of each chunk in float32 for half-precision inputs.

    Args:
        hidden: the last hidden states ``(N, H)``.
        weight: the output layer's weight ``(V, H)``.
        labels: integer labels ``(N,)`` in ``[0, V)``.
        bias: optional bias ``(V,)``.
        ignore_index: a label whose rows are ignored (0 loss, left out of the mean).
        reduction: ``'mean'``, ``'sum'`` or ``'none'``.
        chunk_size: rows per chunk; default: a power of two near ``N / ceil(V / H)``, so that a chunk's logits
            are about the size of ``hidden``.

    Returns:
        The loss, in float32 for half-precision inputs and in their dtype otherwise.
    """
    reduction = _checks.reduction(reduction)
    ignore_index = _checks.optional_int("ignore_index", ignore_index)
    for name, x, ndim in (("hidden", hidden, 2), ("weight", weight, 2)):
        if not isinstance(x, torch.Tensor) or not x.is_floating_point() or x.ndim != ndim:
            raise TypeError(f"{name} must be a floating-point tensor with {ndim} axes, got {type(x).__name__} "
                            f"{tuple(getattr(x, 'shape', ()))}")
    if weight.shape[1] != hidden.shape[1]:
        raise ValueError(f"weight must have shape (V, {hidden.shape[1]}) for hidden of shape "
                         f"{tuple(hidden.shape)}, got {tuple(weight.shape)}")
    if bias is not None and tuple(bias.shape) != (weight.shape[0],):
        raise ValueError(f"bias must have shape ({weight.shape[0]},), got {tuple(bias.shape)}")
    labels, keep = _labels_for(hidden, weight, labels, ignore_index)
    chunk = int(chunk_size) if chunk_size is not None else _linear_chunk(hidden.shape[0], *weight.shape[::-1])
    scale = _scale(reduction, keep, hidden.shape[0], _loss_dtype(hidden.dtype), hidden.device)
    return _LinearCrossEntropy.apply(hidden, weight, bias, labels, keep, scale, chunk, reduction != "none")


def _labels_for(hidden, weight, labels, ignore_index):
    """The checks of :func:`_check_logits_and_labels` for logits of shape ``(N, V)`` that do not exist."""
    labels = torch.as_tensor(labels, device=hidden.device)
    if labels.is_floating_point() or labels.dtype == torch.bool:
        raise TypeError(f"labels must hold integer class labels, got dtype {str(labels.dtype).replace('torch.', '')}")
    if tuple(labels.shape) != (hidden.shape[0],):
        raise ValueError(f"labels must hold one label per row of hidden: expected shape ({hidden.shape[0]},), got "
                         f"{tuple(labels.shape)}")
    _checks.not_empty("hidden", hidden)
    if _validation.is_validation_enabled():
        _checks.class_labels("labels", labels, weight.shape[0], ignore_index)
    keep = None if ignore_index is None else labels != ignore_index
    safe = labels.long() if keep is None else torch.where(keep, labels, 0).long()
    return safe, keep

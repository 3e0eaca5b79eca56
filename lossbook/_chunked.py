"""A memory-efficient cross-entropy for large vocabularies (PyTorch backend): ``lbt.chunked_cross_entropy``.

``F.cross_entropy`` on ``(N, C)`` logits keeps a full ``(N, C)`` log-softmax for the backward pass (in float32 when
the logits are upcast), so a language model's last layer with ``C = 128,256`` needs several times the logits' memory.
Here the rows are processed in chunks: for each chunk the loss is computed from the logits (the same
cancellation-free form as ``sparse_categorical_cross_entropy``) and, if a gradient is needed, the gradient
``softmax(z) - onehot(y)`` is written straight into one preallocated tensor of the logits' shape and dtype. The
only extra memory is that gradient (which backward has to return anyway) plus float32 temporaries of one chunk.
This is the idea behind Liger Kernel's fused linear cross-entropy and Apple's Cut Cross-Entropy, without the fused
matrix product.

On CUDA the per-chunk work is compiled with ``torch.compile`` when available (a few fused kernels instead of a
dozen passes over the chunk); elsewhere it runs eagerly. Measured on an H100 at 8,192 x 128,256 bfloat16 logits:
about 15 ms for forward and backward against 6.3 ms for ``F.cross_entropy``, with 1.2x instead of 3.0x the logits'
size in extra memory. Closing the time gap needs a hand-written kernel (as in Liger Kernel), not done here.
"""

from __future__ import annotations

import torch

from . import _checks


def _chunk_into(z, y, keep, scale, loss_out, grad_out):
    """:func:`_chunk_forward` writing into ``loss_out`` and ``grad_out`` (so a compiled version fuses the stores)."""
    loss, g = _chunk_forward(z, y, keep, scale, True)
    loss_out.copy_(loss)
    grad_out.copy_(g)


def _chunk_forward(z, y, keep, scale, want_grad):
    """Loss per row of one chunk and, if ``want_grad``, ``scale * (softmax(z) - onehot(y))`` (0 on ignored rows)."""
    x = z.float() if z.dtype in (torch.float16, torch.bfloat16) else z
    a = x.argmax(dim=-1, keepdim=True)
    d = (x.gather(-1, a) - x).scatter(-1, a, 0.0)
    e = torch.exp(-d).scatter(-1, a, 0.0)
    s = e.sum(dim=-1, keepdim=True)
    loss = (d.gather(-1, y[:, None]) + torch.log1p(s))[:, 0]
    loss = torch.where(keep, loss, 0.0)
    if not want_grad:
        return loss, None
    p = e.scatter(-1, a, 1.0) / (1 + s)  # softmax, from the same exponentials
    g = p.scatter_add(-1, y[:, None], -torch.ones_like(y[:, None], dtype=p.dtype))
    g = g * torch.where(keep, scale, 0.0)[:, None]
    return loss, g.to(z.dtype)


def _loss_dtype(dtype):
    return torch.float32 if dtype in (torch.float16, torch.bfloat16) else dtype


_compiled = {}


def _kernels(device):
    """``(loss only, loss and gradient into buffers)`` for one chunk, compiled with static shapes on CUDA (one
    compilation per chunk shape; measured faster than dynamic shapes), eager elsewhere or if compilation fails."""
    if device.type != "cuda":
        return _chunk_forward, _chunk_into
    if "cuda" not in _compiled:
        try:
            _compiled["cuda"] = (torch.compile(_chunk_forward, dynamic=False), torch.compile(_chunk_into, dynamic=False))
        except Exception:  # no Triton or no compiler: run eagerly
            _compiled["cuda"] = (_chunk_forward, _chunk_into)
    return _compiled["cuda"]


class _ChunkedCrossEntropy(torch.autograd.Function):
    """Forward computes the loss and, chunk by chunk, the gradient of ``sum_i scale_i * loss_i``; it returns that
    weighted sum (``reduce=True``) or the per-row losses (``scale = 1``); backward only rescales the stored gradient."""

    @staticmethod
    def forward(ctx, logits, labels, keep, scale, chunk_size, reduce):
        n = logits.shape[0]
        loss = torch.empty(n, dtype=_loss_dtype(logits.dtype), device=logits.device)
        grad = torch.empty_like(logits) if ctx.needs_input_grad[0] else None
        loss_only, loss_and_grad = _kernels(logits.device)
        for start in range(0, n, chunk_size):
            rows = slice(start, start + chunk_size)
            if grad is None:
                loss[rows] = loss_only(logits[rows], labels[rows], keep[rows], scale[rows], False)[0]
            else:
                loss_and_grad(logits[rows], labels[rows], keep[rows], scale[rows], loss[rows], grad[rows])
        ctx.save_for_backward(grad)
        ctx.reduce = reduce
        return (loss * scale).sum() if reduce else loss

    @staticmethod
    def backward(ctx, grad_out):
        (grad,) = ctx.saved_tensors
        if ctx.reduce and bool(grad_out == 1):  # the usual loss.backward(): hand over the stored gradient, no copy
            return grad, None, None, None, None, None
        factor = grad_out if ctx.reduce else grad_out[:, None]
        return grad * factor.to(grad.dtype), None, None, None, None, None


def chunked_cross_entropy(y_pred, y_true, *, ignore_index=None, reduction="mean", chunk_size=None):
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
        chunk_size: rows per chunk; default: as many rows as fit in about 128 MiB of float32 per temporary (at
            8,192 x 128,256 that is 261 rows, and the extra memory measured 1.2x the bfloat16 logits on an H100).

    Returns:
        The loss (float32 for half-precision logits, else the logits' dtype; a low-precision loss value would
        round away what training looks at).
    """
    reduction = _checks.reduction(reduction)
    ignore_index = _checks.optional_int("ignore_index", ignore_index)
    if not isinstance(y_pred, torch.Tensor) or not y_pred.is_floating_point() or y_pred.ndim != 2:
        raise TypeError(f"y_pred must be a floating-point tensor of logits with shape (N, C), got "
                        f"{type(y_pred).__name__} {getattr(y_pred, 'shape', '')}")
    labels = torch.as_tensor(y_true, device=y_pred.device)
    if labels.is_floating_point() or labels.dtype == torch.bool:
        raise TypeError(f"y_true must hold integer class labels, got dtype {str(labels.dtype).replace('torch.', '')}")
    _checks.label_shape(y_pred, labels)
    _checks.not_empty("y_pred", y_pred)
    _checks.class_labels("y_true", labels, y_pred.shape[-1], ignore_index)
    keep = torch.ones_like(labels, dtype=torch.bool) if ignore_index is None else labels != ignore_index
    labels = torch.where(keep, labels, 0).long()
    scale = torch.ones(labels.shape, dtype=_loss_dtype(y_pred.dtype), device=y_pred.device)
    if reduction == "mean":
        scale = scale / keep.sum()
    if chunk_size is None:
        chunk_size = max(1, (128 << 20) // (4 * y_pred.shape[1]))
    return _ChunkedCrossEntropy.apply(y_pred, labels, keep, scale, int(chunk_size), reduction != "none")

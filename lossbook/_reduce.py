"""Reductions and weights, written once for both backends.

A loss kernel returns unreduced values ``l`` (one per element, or one per sample for losses over a class axis).
With optional non-negative weights ``w`` (one per sample, broadcast over the remaining axes, or one per value):

.. math::

    \\text{none} = w \\odot l, \\qquad \\text{sum} = \\sum_i w_i l_i, \\qquad
    \\text{mean} = \\frac{\\sum_i w_i l_i}{\\sum_i w_i}

where the sum of weights counts each weight once per value it scales. Without weights the mean divides by the
number of values. A loss may supply its own denominator ``norm`` (the sparse cross-entropy counts class weights
and leaves out ignored samples). Only operations common to NumPy arrays and PyTorch tensors are used.
"""

from __future__ import annotations

import math


def expand(w, ndim):
    """Append unit axes to ``w`` so it broadcasts against an array with ``ndim`` axes."""
    return w.reshape(tuple(w.shape) + (1,) * (ndim - w.ndim))


def denominator(shape, weight=None, norm=None):
    """What ``reduction='mean'`` divides by."""
    if norm is not None:
        return norm.sum() if weight is None else (norm * weight).sum()
    if weight is None:
        return math.prod(shape)
    return weight.sum() * (math.prod(shape) // math.prod(weight.shape))


def reduce(values, reduction, weight=None, norm=None):
    """Apply the weights and the reduction to unreduced loss ``values``."""
    if weight is not None:
        values = values * expand(weight, values.ndim)
    if reduction == "none":
        return values
    total = values.sum()
    if reduction == "sum":
        return total
    return total / denominator(values.shape, weight, norm)


def scale_grad(grad, value_shape, reduction, weight=None, norm=None):
    """Turn the gradient of each unreduced value into the gradient of the reduced loss.

    For ``'none'`` the result is the gradient of the sum of the (weighted) values: every value depends only on its
    own element or row, so this is each value's own gradient.
    """
    if weight is not None:
        grad = grad * expand(weight, grad.ndim)
    if reduction == "mean":
        grad = grad / denominator(value_shape, weight, norm)
    return grad

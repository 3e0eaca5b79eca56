"""Argument checks shared by both backends.

Every check raises a ``ValueError`` or ``TypeError`` whose message names the argument, what was expected and
what was given. The checks only use what NumPy arrays and PyTorch tensors have in common (``.shape``,
comparisons, ``.any()``, ``.min()``, ``.max()``, ``.item()``), so both backends raise the very same messages.
NaN passes the range checks and propagates, as in PyTorch.

Two sorts: checks of types, shapes and hyperparameters look only at Python values and shapes and always run;
checks of the values inside arrays ("Value checks" below) read the data, which on a GPU means waiting for it, and
are skipped when validation is switched off (``lossbook.set_validation(False)``).
"""

from __future__ import annotations

import functools
import math
import numbers

REDUCTIONS = ("mean", "sum", "none")


def shape_str(shape):
    """``(4, 1)``-style text for a NumPy shape or a ``torch.Size``."""
    return str(tuple(shape)) if len(shape) != 1 else f"({shape[0]},)"


# Hyperparameter checks: each takes (name, value) and returns the value (maybe normalised) or raises.


def _number(name, value, expected):
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be {expected}, got {type(value).__name__} {value!r}")
    value = float(value)
    if value != value:  # NaN (written without math.isnan, which torch.compile cannot trace on a float input)
        raise ValueError(f"{name} must be {expected}, got nan")
    return value


def positive(name, value):
    value = _number(name, value, "a positive number")
    if not 0 < value < math.inf:
        raise ValueError(f"{name} must be a positive number, got {value!r}")
    return value


def non_negative(name, value):
    value = _number(name, value, "a non-negative number")
    if not 0 <= value < math.inf:
        raise ValueError(f"{name} must be a non-negative number, got {value!r}")
    return value


def open_unit_interval(name, value):
    value = _number(name, value, "a number in the open interval (0, 1)")
    if not 0 < value < 1:
        raise ValueError(f"{name} must be in the open interval (0, 1), got {value!r}")
    return value


def unit_interval(name, value):
    value = _number(name, value, "a number in [0, 1]")
    if not 0 <= value <= 1:
        raise ValueError(f"{name} must be in [0, 1], got {value!r}")
    return value


def finite(name, value):
    value = _number(name, value, "a finite number")
    if not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number, got {value!r}")
    return value


def boolean(name, value):
    if not isinstance(value, bool):
        raise TypeError(f"{name} must be True or False, got {type(value).__name__} {value!r}")
    return value


def optional_int(name, value):
    if value is not None and (isinstance(value, bool) or not isinstance(value, numbers.Integral)):
        raise TypeError(f"{name} must be an integer or None, got {type(value).__name__} {value!r}")
    return None if value is None else int(value)


def optional_array(name, value):
    """Arrays are checked by the backend once it knows the number of classes; here only None passes untouched."""
    return value


def reduction(value):
    if value not in REDUCTIONS:
        raise ValueError(f"reduction must be 'mean', 'sum' or 'none', got {value!r}")
    return value


# Shape checks.


def not_empty(name, x):
    if math.prod(x.shape) == 0:
        raise ValueError(f"{name} is empty (shape {shape_str(x.shape)}); a loss needs at least one value")


def same_shape(y_pred, y_true):
    if tuple(y_pred.shape) != tuple(y_true.shape):
        raise ValueError(
            f"y_pred and y_true must have the same shape, got y_pred {shape_str(y_pred.shape)} and y_true "
            f"{shape_str(y_true.shape)}; lossbook never broadcasts them: reshape one (e.g. y_pred.reshape(-1))"
        )


def class_axis(y_pred, y_true):
    """Distribution losses: same shape, at least one axis, the last one holding the classes."""
    if y_pred.ndim == 0:
        raise ValueError(f"y_pred must have a class axis (shape (N, C) or (C,)), got shape {shape_str(y_pred.shape)}")
    if y_pred.ndim == y_true.ndim and tuple(y_pred.shape[:-1]) == tuple(y_true.shape[:-1]):
        if y_pred.shape[-1] != y_true.shape[-1]:
            raise ValueError(
                f"y_pred has {y_pred.shape[-1]} classes (shape {shape_str(y_pred.shape)}) but y_true has "
                f"{y_true.shape[-1]} (shape {shape_str(y_true.shape)}); both need one column per class"
            )
    same_shape(y_pred, y_true)


def label_shape(y_pred, y_true):
    """Sparse losses: y_pred is (..., C) and y_true holds one label per row."""
    if y_pred.ndim == 0:
        raise ValueError(f"y_pred must have a class axis (shape (N, C)), got shape {shape_str(y_pred.shape)}")
    expected = tuple(y_pred.shape[:-1])
    if tuple(y_true.shape) != expected:
        hint = "; for one-hot targets use categorical_cross_entropy" if tuple(y_true.shape) == tuple(y_pred.shape) else ""
        raise ValueError(
            f"y_true must hold one integer label per row of y_pred: expected shape {shape_str(expected)} for y_pred "
            f"{shape_str(y_pred.shape)}, got {shape_str(y_true.shape)}{hint}"
        )


def weight_shape(name, weight, value_shape, per_sample_shape):
    """``weight`` is one value per sample (``per_sample_shape``) or one per loss value (``value_shape``)."""
    allowed = [tuple(value_shape)]
    if len(value_shape) > 1:
        allowed.insert(0, tuple(per_sample_shape))
    if tuple(weight.shape) not in allowed:
        expected = " or ".join(shape_str(s) for s in allowed)
        raise ValueError(f"{name} must have shape {expected} (one weight per sample or per loss value), "
                         f"got {shape_str(weight.shape)}")


def class_vector(name, value, num_classes, allow_scalar):
    shapes = [(num_classes,)] + ([()] if allow_scalar else [])
    if tuple(value.shape) not in shapes:
        expected = f"be a scalar or have shape ({num_classes},)" if allow_scalar else f"have shape ({num_classes},)"
        raise ValueError(f"{name} must {expected} (one value per class, y_pred has {num_classes} classes on its "
                         f"last axis), got shape {shape_str(value.shape)}")


def element_array(name, value, shape):
    """A hyperparameter given per element of ``y_pred`` (or as one number for all)."""
    if tuple(value.shape) not in ((), tuple(shape)):
        raise ValueError(f"{name} must be a scalar or have the shape of y_pred {shape_str(shape)}, "
                         f"got shape {shape_str(value.shape)}")


def exactly_one(name_a, a, name_b, b):
    """Exactly one of two alternative hyperparameters is given."""
    if (a is None) == (b is None):
        got = "neither" if a is None else "both"
        raise ValueError(f"exactly one of {name_a} and {name_b} must be given, got {got}")


# Value checks.


def _range_text(x):
    return f"values from {float(x.min()):g} to {float(x.max()):g}"


def _values(check):
    """A value check, which passes an empty array (it holds no value to refuse)."""

    @functools.wraps(check)
    def checked(name, x, *args, **kwargs):
        if math.prod(x.shape) > 0:
            check(name, x, *args, **kwargs)

    return checked


def _low_high(x):
    """The smallest and the largest value of the non-empty ``x`` as Python numbers, NaN if ``x`` holds a NaN.

    One pass over a tensor (``aminmax``), two over a NumPy array, and no temporary: PyTorch's boolean comparisons
    and ``any``, as in ``((x < 0) | (x > 1)).any()``, take several times as long on the CPU."""
    low, high = x.aminmax() if hasattr(x, "aminmax") else (x.min(), x.max())
    return low.item(), high.item()


def _has_nan(low):
    return low != low


@_values
def non_negative_values(name, x, what=None):
    low, _ = _low_high(x)
    if low < 0 or (_has_nan(low) and bool((x < 0).any())):  # NaN passes, a negative value beside it does not
        expected = f"hold non-negative {what}" if what else "be non-negative"
        raise ValueError(f"{name} must {expected}, got {_range_text(x)}")


@_values
def positive_finite_values(name, x):
    low, high = _low_high(x)
    if not (low > 0 and high < math.inf):
        raise ValueError(f"{name} must hold positive, finite values, got {_range_text(x)}")


@_values
def finite_values(name, x):
    low, high = _low_high(x)
    if not (low > -math.inf and high < math.inf):
        raise ValueError(f"{name} must hold finite values, got {_range_text(x)}")


@_values
def in_unit_interval(name, x, what, hint="", low_high=None):
    """``low_high``: ``_low_high(x)`` if the caller has it already."""
    low, high = low_high or _low_high(x)
    if low < 0 or high > 1 or (_has_nan(low) and bool(((x < 0) | (x > 1)).any())):
        raise ValueError(f"{name} must hold {what} in [0, 1], got {_range_text(x)}{hint}")


def probabilities(name, x):
    in_unit_interval(name, x, "probabilities", "; pass from_logits=True if these are logits (raw scores)")


@_values
def targets_in_unit_interval(name, x, what):
    """Targets in [0, 1]: unlike a NaN prediction (which propagates, as a sign that training diverged), a NaN
    target is a bug in the data and is refused."""
    low_high = _low_high(x)
    if _has_nan(low_high[0]):
        raise ValueError(f"{name} must hold {what} in [0, 1], got NaN")
    in_unit_interval(name, x, what, low_high=low_high)


@_values
def log_probabilities(name, x):
    _, high = _low_high(x)
    if high > 0 or (_has_nan(high) and bool((x > 0).any())):
        raise ValueError(f"{name} must hold log-probabilities (<= 0) when log_input=True, got values up to "
                         f"{float(x.max()):g}")


@_values
def sign_labels(name, x):
    """Hinge labels must be -1 or +1; 0/1 labels are the classic silent bug, so the message shows the fix."""
    if not _are_signs(x):
        zero_one = bool(((x == 0) | (x == 1)).all())
        hint = "; these look like 0/1 labels: convert them with y_true = 2*y_true - 1" if zero_one else ""
        raise ValueError(f"{name} must hold labels in {{-1, +1}}, got {_range_text(x)}{hint}")


@_values
def binary_labels(name, x):
    """Zero-one labels are 0/1 or -1/+1 (not a mixture)."""
    low, high = _low_high(x)
    zero_one = low >= 0 and high <= 1 and _low_high(x * (1 - x))[1] == 0  # x (1 - x) > 0 inside (0, 1), exactly
    if not (zero_one or _are_signs(x)):
        raise ValueError(f"{name} must hold labels in {{0, 1}} or in {{-1, +1}}, got {_range_text(x)}")


def _are_signs(x):
    """Whether every value of ``x`` is -1 or +1: ``|x|`` is 1 from its smallest to its largest value."""
    return _low_high(abs(x)) == (1, 1)


@_values
def class_labels(name, labels, num_classes, ignore_index):
    low, high = _low_high(labels)
    if low >= 0 and high < num_classes:
        return
    valid = (labels >= 0) & (labels < num_classes)
    if ignore_index is not None:
        valid = valid | (labels == ignore_index)
    if not bool(valid.all()):
        bad = labels[~valid]
        also = f" or ignore_index={ignore_index}" if ignore_index is not None else ""
        raise ValueError(f"{name} must hold class labels in [0, {num_classes}){also} (y_pred has {num_classes} "
                         f"classes), got labels from {int(bad.min())} to {int(bad.max())} outside that range")

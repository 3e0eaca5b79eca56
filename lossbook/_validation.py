"""The validation switch: whether the losses check the values inside their arrays.

On by default, so that a learner gets every check. The checks of types, shapes and hyperparameters always run;
the checks of values (probabilities in [0, 1], labels in range, signs, positive variances) read the data, which
on a GPU means a host synchronisation and under ``torch.compile`` a graph break. A training loop that has been
debugged can switch them off, as ``torch.distributions.Distribution.set_default_validate_args(False)`` does::

    import lossbook
    lossbook.set_validation(False)          # for the rest of the program
    with lossbook.validation(False):        # or for a block
        loss = lbt.binary_cross_entropy(logits, targets, from_logits=True)

With validation on, the messages are the same as ever. With it off, out-of-range values are not detected: the
result is whatever the formula gives (NaN, a negative "loss", an index error for a label out of range).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

_enabled = True


def set_validation(enabled: bool) -> None:
    """Switch the checks of input values on (the default) or off for the whole program."""
    global _enabled
    if not isinstance(enabled, bool):
        raise TypeError(f"enabled must be True or False, got {type(enabled).__name__} {enabled!r}")
    _enabled = enabled


def is_validation_enabled() -> bool:
    """Whether the losses check the values inside their arrays."""
    return _enabled


@contextlib.contextmanager
def validation(enabled: bool) -> Iterator[None]:
    """Switch the checks of input values on or off inside a ``with`` block, then restore the previous setting."""
    previous = _enabled
    set_validation(enabled)
    try:
        yield
    finally:
        set_validation(previous)

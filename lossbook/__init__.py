"""lossbook: loss functions for deep learning, in NumPy and PyTorch with one API.

>>> import lossbook
>>> lossbook.choose("multi-class", labels="integer").loss
'sparse_categorical_cross_entropy'

The backends are submodules, imported on demand (``import lossbook`` never imports torch)::

    from lossbook import numpy as lbn     # NumPy: every loss and its gradient, lbn.huber.grad(...)
    from lossbook import torch as lbt     # PyTorch: autograd, any device and dtype, one nn.Module per loss

Every loss checks its input; ``lossbook.set_validation(False)`` (or ``with lossbook.validation(False):``) skips
the checks that read array values, for tight training loops (see ``lossbook._validation``).
"""

from . import catalog
from ._validation import is_validation_enabled, set_validation, validation
from .choose import Choice, choose

__version__ = "0.2.0"
__all__ = ["catalog", "choose", "Choice", "set_validation", "validation", "is_validation_enabled", "__version__"]

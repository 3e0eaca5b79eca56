"""lossbook: loss functions for deep learning, in NumPy and PyTorch with one API.

>>> import lossbook
>>> lossbook.choose("multi-class", labels="integer").loss
'sparse_categorical_cross_entropy'

The backends are submodules, imported on demand (``import lossbook`` never imports torch)::

    from lossbook import numpy as lbn     # NumPy: every loss and its gradient, lbn.huber.grad(...)
    from lossbook import torch as lbt     # PyTorch: autograd, any device and dtype, one nn.Module per loss
"""

from . import catalog
from .choose import Choice, choose

__version__ = "0.1.0"
__all__ = ["catalog", "choose", "Choice", "__version__"]

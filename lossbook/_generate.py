"""Writes the public modules ``lossbook/numpy.py`` and ``lossbook/torch.py`` from the catalog.

Every loss becomes a real, typed definition with its full docstring, so that editors complete
``lbn.huber(y_pred, y_true, *, delta=1.0, weight=None, reduction="mean")``, go-to-definition lands on the loss,
type checkers see every keyword, and ``help()`` shows the formula. The facts (names, hyperparameters, defaults,
documentation) stay in ``lossbook.catalog``; this module only writes them out.

Run ``python -m lossbook._generate`` after changing the catalog; ``tests/test_generated.py`` fails while the
written files differ from what this module produces.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import catalog

PACKAGE = Path(__file__).resolve().parent

# Titles that start with a proper name keep their capital inside a sentence ("Gradient of the Huber loss").
_PROPER = ("Huber", "Kullback", "Gaussian", "Poisson")

_VALUES = {
    "elementwise": "one value per element, shape of ``y_pred``",
    "distribution": "one value per sample (row), shape ``y_pred.shape[:-1]``",
    "sparse": "one value per sample (row), shape ``y_pred.shape[:-1]``",
}

_HEADER = {
    "numpy": '''"""The NumPy backend: every loss as ``loss(y_pred, y_true, *, <hyperparameters>, weight=None, reduction="mean")``,
with its gradient ``loss.grad(...)`` with respect to ``y_pred`` (same arguments, same reduction and weights).

>>> import numpy as np
>>> from lossbook import numpy as lbn
>>> y_pred, y_true = np.array([0.5, 3.0]), np.array([0.0, 0.0])
>>> float(lbn.huber(y_pred, y_true, delta=1.0))
1.3125
>>> lbn.huber.grad(y_pred, y_true, delta=1.0)
array([0.25, 0.5 ])

The math of each loss is in ``lossbook.formulas`` (shared with the PyTorch backend), the checks and reductions in
``lossbook._api``. This file is generated from ``lossbook.catalog`` by ``python -m lossbook._generate``: change the
catalog, not this file (``tests/test_generated.py`` fails when the two disagree).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from . import _numpy_backend as _backend
from ._typing import Reduction, loss_function

Array = npt.ArrayLike
Value = Any  # a NumPy scalar for 'mean' and 'sum', an array for 'none' (the input's float dtype)
''',
    "torch": '''"""The PyTorch backend: every loss as ``loss(y_pred, y_true, *, <hyperparameters>, weight=None, reduction="mean")``,
working with autograd on any device and float dtype, and one ``nn.Module`` per loss for training loops.

>>> import torch
>>> from lossbook import torch as lbt
>>> y_pred = torch.tensor([0.5, 3.0], requires_grad=True)
>>> loss = lbt.HuberLoss(delta=1.0)(y_pred, torch.zeros(2))
>>> loss.backward()
>>> loss.item(), y_pred.grad.tolist()
(1.3125, [0.25, 0.5])

Each loss runs through one custom ``torch.autograd.Function`` (``lossbook._torch_backend``) whose forward pass
evaluates the formula of ``lossbook.formulas`` (shared with the NumPy backend) and keeps its analytic gradient.
This file is generated from ``lossbook.catalog`` by ``python -m lossbook._generate``: change the catalog, not this
file (``tests/test_generated.py`` fails when the two disagree).
"""

from __future__ import annotations

from typing import Union

import numpy.typing as npt
import torch

from . import _torch_backend as _backend
from ._large_vocabulary import chunked_cross_entropy, linear_cross_entropy
from ._typing import Reduction

Array = Union[torch.Tensor, npt.ArrayLike]
''',
}


def _sentence_title(record):
    return record.title if record.title.startswith(_PROPER) else record.title[0].lower() + record.title[1:]


def _indent(text, spaces):
    pad = " " * spaces
    return "\n".join(pad + line if line.strip() else "" for line in text.split("\n"))


def docstring(record, backend, gradient=False):
    """The docstring of a public loss function (or of its ``.grad``), from its catalog record."""
    hypers = "".join(f"    {h.name}: {h.doc} Default ``{h.default!r}``.\n" for h in record.hyperparameters)
    shape = "integer labels, shape ``y_pred.shape[:-1]``" if record.kind == "sparse" else "same shape as ``y_pred``"
    target = record.target if "shape" in record.target else f"{record.target}; {shape}"
    if gradient:
        head = f"Gradient of the {_sentence_title(record)} with respect to ``y_pred``."
        formula = record.gradient_formula
        returns = ("    The gradient of the reduced loss, shape of ``y_pred`` (for ``reduction='none'``, the gradient\n"
                   "    of the sum of the weighted values, i.e. each value's own gradient).")
        about = f"The derivative of :func:`lossbook.{backend}.{record.name}` (see there for the loss)."
    else:
        head = f"{record.title}."
        formula = record.formula
        returns = f"    The loss, a scalar; for ``reduction='none'``, {_VALUES[record.kind]}."
        about = record.description
    example = "" if gradient else (
        f"\nExample:\n    >>> from lossbook import {backend} as lb\n    " + record.example.replace("\n", "\n    ") + "\n")
    return f"""{head}

.. math::

    {formula}

{about}

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
{example}"""


def _annotation(h):
    return h.annotation.replace("Array | float | None", "Array | None")


def _parameters(record, returns):
    hypers = "".join(f"    {h.name}: {_annotation(h)} = {h.default!r},\n" for h in record.hyperparameters)
    return (f"(\n    y_pred: Array,\n    y_true: Array,\n    *,\n{hypers}    weight: Array | None = None,\n"
            f"    reduction: Reduction = \"mean\",\n) -> {returns}:")


def _options(record):
    return "{" + ", ".join(f'"{h.name}": {h.name}' for h in record.hyperparameters) + "}"


def _function(record, backend, name, entry, returns, gradient=False, decorator=""):
    doc = _indent(docstring(record, backend, gradient).rstrip("\n"), 4)
    return (f"{decorator}def {name}{_parameters(record, returns)}\n    r\"\"\"{doc.lstrip()}\n    \"\"\"\n"
            f"    return _backend.{entry}(\"{record.name}\", y_pred, y_true, weight, reduction, {_options(record)})\n")


def _module_class(record):
    hypers = "".join(f"{h.name}: {_annotation(h)} = {h.default!r}, " for h in record.hyperparameters)
    keywords = "".join(f", {h.name}={h.name}" for h in record.hyperparameters)
    return f'''class {record.module}(_backend.Loss):
    """{record.title} as an ``nn.Module``: ``{record.module}(...)(y_pred, y_true, weight=None)`` computes
    :func:`lossbook.torch.{record.name}` with the hyperparameters given here (tensor hyperparameters are buffers, so ``.to()``
    moves them with the model).
    """

    def __init__(self, *, {hypers}reduction: Reduction = "mean") -> None:
        super().__init__({record.name}, reduction{keywords})
'''


def numpy_source():
    """The text of ``lossbook/numpy.py``."""
    parts = [_HEADER["numpy"], f"__all__ = {catalog.names()!r}\n"]
    for record in catalog.RECORDS.values():
        grad = f"_{record.name}_grad"
        parts.append(_function(record, "numpy", grad, "gradient", "Value", gradient=True))
        parts.append(_function(record, "numpy", record.name, "evaluate", "Value", decorator=f"@loss_function({grad})\n"))
    return "\n\n".join(parts)


def torch_source():
    """The text of ``lossbook/torch.py``."""
    names = catalog.names() + [r.module for r in catalog.RECORDS.values()]
    parts = [_HEADER["torch"], f"__all__ = {names + ['chunked_cross_entropy', 'linear_cross_entropy']!r}\n"]
    for record in catalog.RECORDS.values():
        parts.append(_function(record, "torch", record.name, "evaluate", "torch.Tensor"))
        parts.append(_module_class(record))
    return "\n\n".join(parts)


SOURCES = {"numpy.py": numpy_source, "torch.py": torch_source}


def stale():
    """The generated files whose text differs from what the catalog gives now."""
    return [name for name, make in SOURCES.items() if (PACKAGE / name).read_text() != make()]


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m lossbook._generate", description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="only report files that are out of date")
    args = parser.parse_args(argv)
    if args.check:
        out_of_date = stale()
        print("\n".join(out_of_date) or "up to date")
        return 1 if out_of_date else 0
    for name, make in SOURCES.items():
        (PACKAGE / name).write_text(make())
        print(f"wrote lossbook/{name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

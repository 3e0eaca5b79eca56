"""The math of every loss, written once for NumPy and PyTorch.

Each loss has a :class:`Formula`: a function that computes the unreduced values and, on request, their gradient
with respect to ``y_pred``, in the array namespace ``xp`` it is given (``lossbook._xp``). The NumPy backend calls it
for ``loss(...)`` and ``loss.grad(...)``; the PyTorch backend calls the same function in the forward pass of a
custom ``torch.autograd.Function`` and keeps only the gradient for the backward pass. Reading a formula is reading
the loss: the comments say why each step has the form it has (what would overflow, cancel or lose its last digits
otherwise).

The modules are named for the families: :mod:`.regression`, :mod:`.binary`, :mod:`.multiclass`,
:mod:`.likelihood`. This is the package's internal API: the public one is ``lossbook.numpy`` and ``lossbook.torch``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from . import binary, likelihood, multiclass, regression


@dataclass(frozen=True)
class Formula:
    """The math of one loss.

    Attributes:
        values_and_grad: ``(xp, y_pred, y_true, want_grad, **options) -> (values, grad)``: the unreduced values
            (one per element, or one per row for a loss over the class axis) and, if ``want_grad``, their
            derivatives with respect to ``y_pred`` (shape of ``y_pred``; ``None`` otherwise). May return a third
            item, the mean's denominator per value (the sparse cross-entropy's class weights).
        target_grad: ``(xp, y_pred, y_true, **options) -> d values / d y_true`` (shape of ``y_true``), or ``None``
            where ``y_true`` holds integer labels.
        option_grads: ``{name: (xp, y_pred, y_true, **options) -> d values / d option}`` for the hyperparameters that
            may be arrays requiring a gradient (``pos_weight``, ``var``, ``log_var``); elementwise, to be summed over
            the axes along which the option was broadcast.
        differentiable: False for a loss that carries no gradient at all (the zero-one loss).
    """

    values_and_grad: Callable
    target_grad: Callable | None = None
    option_grads: dict = field(default_factory=dict)
    differentiable: bool = True


FORMULAS: dict[str, Formula] = {
    "mse": Formula(regression.mse, regression.minus_grad(regression.mse)),
    "mae": Formula(regression.mae, regression.minus_grad(regression.mae)),
    "huber": Formula(regression.huber, regression.minus_grad(regression.huber)),
    "smooth_l1": Formula(regression.smooth_l1, regression.minus_grad(regression.smooth_l1)),
    "quantile": Formula(regression.quantile, regression.minus_grad(regression.quantile)),
    "log_cosh": Formula(regression.log_cosh, regression.minus_grad(regression.log_cosh)),
    "binary_cross_entropy": Formula(binary.binary_cross_entropy, binary.binary_cross_entropy_target_grad,
                                    {"pos_weight": binary.binary_cross_entropy_pos_weight_grad}),
    "hinge": Formula(binary.hinge, binary.hinge_target_grad),
    "squared_hinge": Formula(binary.squared_hinge, binary.squared_hinge_target_grad),
    "zero_one": Formula(binary.zero_one, differentiable=False),
    "categorical_cross_entropy": Formula(multiclass.categorical_cross_entropy,
                                         multiclass.categorical_cross_entropy_target_grad),
    "sparse_categorical_cross_entropy": Formula(multiclass.sparse_categorical_cross_entropy),
    "kl_divergence": Formula(multiclass.kl_divergence, multiclass.kl_divergence_target_grad),
    "gaussian_nll": Formula(likelihood.gaussian_nll, regression.minus_grad(likelihood.gaussian_nll),
                            {"var": likelihood.gaussian_nll_var_grad, "log_var": likelihood.gaussian_nll_log_var_grad}),
    "poisson_nll": Formula(likelihood.poisson_nll, likelihood.poisson_nll_target_grad),
}

"""The catalog: one record per loss, the single source of every fact about it.

A record holds what the loss is (formula, gradient, target format, last layer), its hyperparameters (defaults,
checks, documentation, type), the checks of its input values, and its properties. Everything else is derived
from the records: the public functions of both backends and their docstrings (``lossbook/numpy.py`` and
``lossbook/torch.py`` are generated from them, see ``lossbook/_generate.py``), the book's tables, and the list of
things the tests require of every loss.

The properties are defined once, here, and mean the same for every family:

- ``convex``: convex in ``y_pred`` (for a loss on logits, in the logits), the other arguments fixed.
- ``smooth``: differentiable everywhere in ``y_pred``, not only almost everywhere (MAE, the pinball and the hinge
  loss have kinks; the zero-one loss jumps).
- ``trainable``: wherever the loss is above its minimum, its gradient with respect to ``y_pred`` is non-zero
  (almost everywhere), so gradient descent has something to follow. (A loss that stays positive at its best, such
  as the cross-entropy against soft targets or a negative log-likelihood, has a zero gradient there, as any smooth
  loss does at its minimum.) The zero-one loss is the one that is not: its gradient is zero wherever it exists.
- ``bounded_gradient``: the gradient with respect to the model's raw output (the residual in regression, the logit
  or score of a classifier, whose softmax or sigmoid feeds the loss) stays bounded however far the prediction is from
  its target, so a single extreme example (an outlier, a wrong label) pulls on the model's output with a capped
  force. In regression this is what "robust to outliers" means; for a classifier it still lets the loss of a
  confidently wrong example grow without bound.

The properties are those of the loss with its default hyperparameters: ``smooth_l1(beta=0)`` is the MAE and has a
kink, ``huber`` with a huge ``delta`` behaves like the MSE on any data at hand.

>>> from lossbook import catalog
>>> catalog.get("huber").family
'regression'
>>> [r.name for r in catalog.by_family("multi-class")]
['categorical_cross_entropy', 'sparse_categorical_cross_entropy', 'kl_divergence']
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from . import _checks

__all__ = ["Hyperparameter", "LossRecord", "RECORDS", "FAMILIES", "PROPERTIES", "get", "by_family", "names",
           "summary_rows"]

FAMILIES = ("regression", "binary", "multi-class", "likelihood")

PROPERTIES = {
    "convex": "convex in the prediction (in the logits for a loss on logits)",
    "smooth": "differentiable everywhere, not only almost everywhere",
    "trainable": "its gradient is non-zero wherever the loss is above its minimum, so gradient descent can learn "
                 "from it",
    "bounded_gradient": "its gradient with respect to the model's raw output (the residual, the logit or the score) "
                        "stays bounded however wrong the prediction: one extreme example pulls with a capped force",
}


@dataclass(frozen=True)
class Hyperparameter:
    """A keyword-only hyperparameter of a loss.

    Attributes:
        name: the keyword.
        default: its default value.
        check: ``check(name, value) -> value``, raising ``ValueError``/``TypeError`` for a bad value (arrays pass
            through here and are checked by ``array`` once the shape of ``y_pred`` is known).
        doc: one sentence for the docstring.
        annotation: its type in the generated signatures; ``Array`` stands for the backend's array type.
        array: ``None`` for a plain value; ``"class"`` for one value per class (the last axis of ``y_pred``);
            ``"element"`` for one value per element of ``y_pred`` (or a scalar).
        scalar_allowed: for ``array="class"``, whether a single number may stand for every class.
    """

    name: str
    default: Any
    check: Callable[[str, Any], Any]
    doc: str
    annotation: str = "float"
    array: str | None = None
    scalar_allowed: bool = True


@dataclass(frozen=True)
class LossRecord:
    """Everything the package and the book know about one loss."""

    name: str
    title: str
    family: str
    kind: str  # "elementwise": a value per element; "distribution": per row over the last axis; "sparse": (N, C) vs labels
    activation: str  # last layer of the model that feeds the loss
    target: str  # format of y_true
    formula: str  # LaTeX, one display equation: the loss
    gradient_formula: str  # LaTeX, one display equation: its derivative with respect to y_pred
    description: str
    example: str  # doctest body; `lb` is the backend module
    module: str  # name of the torch.nn.Module class
    hyperparameters: tuple[Hyperparameter, ...] = ()
    check_values: Callable | None = None  # (y_pred, y_true, options): data-dependent checks, skipped without validation
    check_options: Callable | None = None  # (options): how hyperparameters combine, always checked
    convex: bool = True
    smooth: bool = True
    trainable: bool = True
    bounded_gradient: bool = False
    torch_builtin: str | None = None
    use_when: str = ""

    def hyperparameter_defaults(self) -> dict[str, Any]:
        return {h.name: h.default for h in self.hyperparameters}


# ---------------------------------------------------------------------------------------------------- shared parts

_FROM_LOGITS = Hyperparameter(
    "from_logits", False, _checks.boolean, "if True, ``y_pred`` holds logits (raw scores); else probabilities.",
    annotation="bool")


def _label_smoothing(doc):
    return Hyperparameter("label_smoothing", 0.0, _checks.unit_interval, doc)


def _probabilities_unless_logits(y_pred, options):
    if not options["from_logits"]:
        _checks.probabilities("y_pred", y_pred)


_REGRESSION: dict[str, Any] = dict(family="regression", kind="elementwise", activation="linear (identity)",
                                   target="real values, same shape as y_pred")


# ---------------------------------------------------------------------------------------------------- value checks


def _check_binary_cross_entropy(y_pred, y_true, options):
    _probabilities_unless_logits(y_pred, options)
    _checks.targets_in_unit_interval("y_true", y_true, "targets")


def _check_hinge(y_pred, y_true, options):
    _checks.sign_labels("y_true", y_true)


def _check_zero_one(y_pred, y_true, options):
    _checks.binary_labels("y_true", y_true)


def _check_categorical(y_pred, y_true, options):
    _probabilities_unless_logits(y_pred, options)
    _checks.targets_in_unit_interval("y_true", y_true, "target probabilities")


def _check_sparse(y_pred, y_true, options):
    _probabilities_unless_logits(y_pred, options)
    _checks.class_labels("y_true", y_true, y_pred.shape[-1], options["ignore_index"])


def _check_kl(y_pred, y_true, options):
    if options["log_input"]:
        _checks.log_probabilities("y_pred", y_pred)
    else:
        _checks.probabilities("y_pred", y_pred)
    _checks.targets_in_unit_interval("y_true", y_true, "target probabilities")


def _check_gaussian_nll(y_pred, y_true, options):
    if options["var"] is not None:
        _checks.positive_finite_values("var", options["var"])
    else:
        _checks.finite_values("log_var", options["log_var"])


def _one_variance(options):
    _checks.exactly_one("var", options["var"], "log_var", options["log_var"])


def _check_poisson_nll(y_pred, y_true, options):
    if not options["log_input"]:
        _checks.non_negative_values("y_pred", y_pred, "rates (pass log_input=True if these are log-rates)")
    _checks.non_negative_values("y_true", y_true, "counts")


# ---------------------------------------------------------------------------------------------------- the records

_RECORDS = (
    LossRecord(
        name="mse",
        title="Mean squared error",
        **_REGRESSION,
        formula=r"\ell(\hat y, y) = (\hat y - y)^2",
        gradient_formula=r"\frac{\partial \ell}{\partial \hat y} = 2(\hat y - y)",
        description="The squared residual. Large errors dominate, so it is sensitive to outliers; its minimiser is "
        "the conditional mean, and it is the negative log-likelihood of Gaussian noise up to constants.",
        example=">>> round(float(lb.mse([1.0, 2.0, 4.0], [1.0, 3.0, 2.0])), 6)\n1.666667",
        module="MSELoss",
        torch_builtin="torch.nn.functional.mse_loss",
        use_when="regression with roughly Gaussian noise and no gross outliers",
    ),
    LossRecord(
        name="mae",
        title="Mean absolute error",
        **_REGRESSION,
        formula=r"\ell(\hat y, y) = |\hat y - y|",
        gradient_formula=r"\frac{\partial \ell}{\partial \hat y} = \operatorname{sign}(\hat y - y)",
        description="The absolute residual. Every error pulls with the same force, so it is robust to outliers; its "
        "minimiser is the conditional median (the Laplace negative log-likelihood). The gradient is "
        "``sign(y_pred - y_true)``, 0 at a zero residual.",
        example=">>> float(lb.mae([1.0, 2.0, 4.0], [1.0, 3.0, 2.0]))\n1.0",
        module="MAELoss",
        smooth=False,
        bounded_gradient=True,
        torch_builtin="torch.nn.functional.l1_loss",
        use_when="regression with outliers, or when the median is the right prediction",
    ),
    LossRecord(
        name="huber",
        title="Huber loss",
        **_REGRESSION,
        formula=r"\ell_\delta(\hat y, y) = \begin{cases} \tfrac12 r^2 & |r| \le \delta \\ "
        r"\delta\,(|r| - \tfrac12\delta) & |r| > \delta \end{cases}, \quad r = \hat y - y",
        gradient_formula=r"\frac{\partial \ell_\delta}{\partial \hat y} = \operatorname{clip}(r, -\delta, \delta)",
        description="Quadratic for residuals inside ``delta`` and linear outside: MSE's smooth minimum with MAE's "
        "robustness. ``delta`` is in the target's units; the usual choice is about 1.345 times the noise's "
        "standard deviation (95 % efficiency under Gaussian noise). Computed as ``(r - g / 2) * g`` with ``g = clip(r, -delta, delta)``, which is also "
        "the gradient. Huber (1964).",
        example=">>> float(lb.huber([0.5, 3.0], [0.0, 0.0], delta=1.0))\n1.3125",
        module="HuberLoss",
        hyperparameters=(
            Hyperparameter("delta", 1.0, _checks.positive, "where the loss turns from quadratic to linear, in the "
                           "target's units (> 0)."),
        ),
        bounded_gradient=True,
        torch_builtin="torch.nn.functional.huber_loss",
        use_when="regression with some outliers where a smooth minimum still matters",
    ),
    LossRecord(
        name="smooth_l1",
        title="Smooth L1 loss",
        **_REGRESSION,
        formula=r"\ell_\beta(\hat y, y) = \begin{cases} \tfrac{1}{2\beta} r^2 & |r| < \beta \\ "
        r"|r| - \tfrac12\beta & |r| \ge \beta \end{cases}, \quad r = \hat y - y",
        gradient_formula=r"\frac{\partial \ell_\beta}{\partial \hat y} = \operatorname{clip}(r / \beta, -1, 1)",
        description="PyTorch's variant of the Huber loss: ``smooth_l1(beta) = huber(delta=beta) / beta``, so its "
        "linear part has slope 1 whatever ``beta`` is. ``beta=0`` gives the absolute error (then it is not smooth).",
        example=">>> float(lb.smooth_l1([0.5, 3.0], [0.0, 0.0], beta=1.0))\n1.3125",
        module="SmoothL1Loss",
        hyperparameters=(
            Hyperparameter("beta", 1.0, _checks.non_negative, "width of the quadratic zone (>= 0; 0 gives MAE)."),
        ),
        bounded_gradient=True,
        torch_builtin="torch.nn.functional.smooth_l1_loss",
        use_when="as Huber; the form used in object detection (Fast R-CNN box regression)",
    ),
    LossRecord(
        name="quantile",
        title="Quantile (pinball) loss",
        **_REGRESSION,
        formula=r"\ell_q(\hat y, y) = \max\big(q\,(y - \hat y),\ (q - 1)(y - \hat y)\big)",
        gradient_formula=r"\frac{\partial \ell_q}{\partial \hat y} = \begin{cases} -q & y \ge \hat y \\ "
        r"1 - q & y < \hat y \end{cases}",
        description="Tilted absolute error: under-prediction costs ``q`` per unit and over-prediction ``1 - q``, so "
        "its minimiser is the ``q``-quantile. Convex and piecewise linear; at ``q = 0.5`` it is half the MAE. "
        "Koenker and Bassett (1978).",
        example=">>> float(lb.quantile([0.0, 0.0], [2.0, -2.0], q=0.9))\n1.0",
        module="QuantileLoss",
        hyperparameters=(Hyperparameter("q", 0.5, _checks.open_unit_interval, "the target quantile, in (0, 1)."),),
        smooth=False,
        bounded_gradient=True,
        use_when="predicting a quantile or an interval (for example the 10th and 90th percentiles)",
    ),
    LossRecord(
        name="log_cosh",
        title="Log-cosh loss",
        **_REGRESSION,
        formula=r"\ell(\hat y, y) = \log\cosh(\hat y - y)",
        gradient_formula=r"\frac{\partial \ell}{\partial \hat y} = \tanh(\hat y - y)",
        description="About ``r**2 / 2`` for small residuals and ``|r| - log 2`` for large ones: a Huber loss with "
        "``delta = 1`` that is smooth everywhere. Computed as ``log1p(2 sinh(r/2)**2)`` for ``|r| < 1`` and "
        "``|r| - log 2 + log1p(exp(-2|r|))`` otherwise, so it never overflows and keeps full precision for tiny "
        "residuals.",
        example=">>> round(float(lb.log_cosh([0.0, 100.0], [0.0, 0.0])), 4)\n49.6534",
        module="LogCoshLoss",
        bounded_gradient=True,
        use_when="regression that wants Huber-like robustness and a smooth second derivative",
    ),
    LossRecord(
        name="binary_cross_entropy",
        title="Binary cross-entropy",
        family="binary",
        kind="elementwise",
        activation="sigmoid (or none with from_logits=True)",
        target="0/1 labels or probabilities in [0, 1]; (N, C) for multi-label",
        formula=r"\ell(p, y) = -\big(w_+\,y \log p + (1 - y) \log(1 - p)\big), \quad p = \sigma(z)",
        gradient_formula=r"\frac{\partial \ell}{\partial z} = (1 - y)\,\sigma(z) - w_+\,y\,\sigma(-z), \qquad "
        r"\frac{\partial \ell}{\partial p} = \frac{1 - y}{1 - p} - \frac{w_+\,y}{p}",
        description="The negative log-likelihood of a Bernoulli label. With ``from_logits=True`` it takes the logit "
        "``z`` and is computed as ``w+ y (softplus(-z)) + (1 - y) softplus(z)`` with each softplus written as "
        "``max(.., 0) + log1p(exp(-|z|))``: a sum of non-negative terms that never overflows and keeps its "
        "gradient ``sigmoid(z) - y`` at extreme logits. On ``(N, C)`` inputs it is the multi-label loss (one sigmoid "
        "per class). No clamping: a probability of exactly 0 for a positive label gives ``inf`` (PyTorch clamps the "
        "log at -100, Keras clips p to [1e-7, 1 - 1e-7]).",
        example=">>> round(float(lb.binary_cross_entropy([0.9, 0.2], [1.0, 0.0])), 6)\n0.164252",
        module="BinaryCrossEntropyLoss",
        hyperparameters=(
            _FROM_LOGITS,
            Hyperparameter(
                "pos_weight", None, _checks.optional_array,
                "weight ``w+`` of the positive term: a scalar or one value per class (shape ``(C,)``, broadcast "
                "over the last axis); ``n_negative / n_positive`` balances the classes.",
                annotation="Array | float | None", array="class"),
            _label_smoothing("moves the targets towards 1/2: ``y * (1 - label_smoothing) + label_smoothing / 2`` "
                             "(Keras's convention)."),
        ),
        check_values=_check_binary_cross_entropy,
        bounded_gradient=True,
        torch_builtin="torch.nn.functional.binary_cross_entropy_with_logits",
        use_when="binary classification, and multi-label classification with one sigmoid per class",
    ),
    LossRecord(
        name="hinge",
        title="Hinge loss",
        family="binary",
        kind="elementwise",
        activation="linear score (no sigmoid)",
        target="labels in {-1, +1}",
        formula=r"\ell(s, y) = \max(0,\ 1 - y\,s), \quad y \in \{-1, +1\}",
        gradient_formula=r"\frac{\partial \ell}{\partial s} = \begin{cases} -y & y\,s < 1 \\ 0 & y\,s \ge 1 "
        r"\end{cases}",
        description="The loss of the support vector machine (Cortes and Vapnik, 1995): zero once a point is on the "
        "right side with margin ``y s >= 1``, so only points inside the margin (the support vectors) get a gradient. "
        "Labels must be -1/+1; 0/1 labels are refused with the fix ``2*y - 1``.",
        example=">>> round(float(lb.hinge([2.0, 0.5, -1.0], [1.0, 1.0, 1.0])), 6)\n0.833333",
        module="HingeLoss",
        check_values=_check_hinge,
        smooth=False,
        bounded_gradient=True,
        use_when="maximum-margin linear classifiers (SVMs) when probabilities are not needed",
    ),
    LossRecord(
        name="squared_hinge",
        title="Squared hinge loss",
        family="binary",
        kind="elementwise",
        activation="linear score (no sigmoid)",
        target="labels in {-1, +1}",
        formula=r"\ell(s, y) = \max(0,\ 1 - y\,s)^2, \quad y \in \{-1, +1\}",
        gradient_formula=r"\frac{\partial \ell}{\partial s} = -2\,y\,\max(0,\ 1 - y\,s)",
        description="The hinge loss squared: differentiable everywhere, and it punishes large margin violations "
        "more (its gradient grows with the violation).",
        example=">>> round(float(lb.squared_hinge([2.0, 0.5, -1.0], [1.0, 1.0, 1.0])), 6)\n1.416667",
        module="SquaredHingeLoss",
        check_values=_check_hinge,
        use_when="as hinge, when a smooth loss is wanted",
    ),
    LossRecord(
        name="zero_one",
        title="Zero-one loss",
        family="binary",
        kind="elementwise",
        activation="any score or probability",
        target="labels in {0, 1} or in {-1, +1}",
        formula=r"\ell(s, y) = \mathbb{1}\big[\,[s > t] \ne [y > 0]\,\big]",
        gradient_formula=r"\frac{\partial \ell}{\partial s} = 0 \quad (s \ne t)",
        description="1 for a mistake, 0 otherwise: the mean is the error rate, ``1 - accuracy``. It jumps at the "
        "threshold and is flat everywhere else, so its gradient is zero wherever it exists (``.grad`` returns zeros) "
        "and gradient descent cannot train on it; in the PyTorch backend the result carries no gradient.",
        example=">>> round(float(lb.zero_one([0.9, 0.4, 0.7], [1, 1, 0])), 6)\n0.666667",
        module="ZeroOneLoss",
        hyperparameters=(
            Hyperparameter("threshold", 0.5, _checks.finite, "predict the positive class where ``y_pred > threshold`` "
                           "(0.5 for probabilities, 0 for scores or logits)."),
        ),
        check_values=_check_zero_one,
        convex=False,
        smooth=False,
        trainable=False,
        bounded_gradient=True,
        use_when="as an evaluation metric (error rate), never as a training loss",
    ),
    LossRecord(
        name="categorical_cross_entropy",
        title="Categorical cross-entropy",
        family="multi-class",
        kind="distribution",
        activation="softmax (or none with from_logits=True)",
        target="one-hot or soft targets, shape (N, C)",
        formula=r"\ell(p, y) = -\sum_{c=1}^{C} y_c \log p_c, \quad p = \mathrm{softmax}(z)",
        gradient_formula=r"\frac{\partial \ell}{\partial z_c} = \mathrm{softmax}(z)_c \sum_k y_k - y_c, \qquad "
        r"\frac{\partial \ell}{\partial p_c} = -\frac{y_c}{p_c}",
        description="The cross-entropy between the target distribution ``y`` and the predicted ``p``, summed over "
        "the last axis (one value per sample). The loss is linear in ``y``, so target rows need not sum to 1 (a "
        "multi-hot row divided by its count, or weighted rows, work as they read). With ``from_logits=True`` it is computed from the logits without "
        "forming the softmax: ``-log softmax(z)_c = (m - z_c) + log1p(sum_{j != a} exp(z_j - m))`` with ``m = z_a`` the "
        "largest logit, a sum of non-negative terms that keeps full precision for confident, correct predictions.",
        example=">>> round(float(lb.categorical_cross_entropy([[0.7, 0.2, 0.1]], [[1.0, 0.0, 0.0]])), 6)\n0.356675",
        module="CategoricalCrossEntropyLoss",
        hyperparameters=(
            _FROM_LOGITS,
            _label_smoothing("mixes the targets with the uniform distribution: "
                             "``y * (1 - label_smoothing) + label_smoothing / C``."),
        ),
        check_values=_check_categorical,
        bounded_gradient=True,
        torch_builtin="torch.nn.functional.cross_entropy",
        use_when="multi-class classification with one-hot or soft (probability) targets",
    ),
    LossRecord(
        name="sparse_categorical_cross_entropy",
        title="Sparse categorical cross-entropy",
        family="multi-class",
        kind="sparse",
        activation="softmax (or none with from_logits=True)",
        target="integer class labels, shape (N,)",
        formula=r"\ell(p, y) = -\log p_{y}, \quad y \in \{0, \dots, C - 1\}",
        gradient_formula=r"\frac{\partial \ell}{\partial z_c} = \mathrm{softmax}(z)_c - [c = y]",
        description="Categorical cross-entropy with integer labels: the same values, without ever building a "
        "one-hot matrix. ``ignore_index`` drops samples (they give 0 and leave the mean's denominator); "
        "``class_weight`` scales each sample's loss by its class's weight, and the weighted mean divides by the "
        "sum of the weights used, as in ``torch.nn.functional.cross_entropy``.",
        example=">>> round(float(lb.sparse_categorical_cross_entropy([[0.7, 0.2, 0.1]], [0])), 6)\n0.356675",
        module="SparseCategoricalCrossEntropyLoss",
        hyperparameters=(
            _FROM_LOGITS,
            _label_smoothing("mixes the one-hot target with the uniform distribution, "
                             "``(1 - label_smoothing) onehot + label_smoothing / C``, as PyTorch does."),
            Hyperparameter("ignore_index", None, _checks.optional_int, "a label value whose samples are ignored.",
                           annotation="int | None"),
            Hyperparameter("class_weight", None, _checks.optional_array, "one non-negative weight per class, "
                           "shape ``(C,)``.", annotation="Array | None", array="class", scalar_allowed=False),
        ),
        check_values=_check_sparse,
        bounded_gradient=True,
        torch_builtin="torch.nn.functional.cross_entropy",
        use_when="multi-class classification with integer labels, especially with many classes",
    ),
    LossRecord(
        name="kl_divergence",
        title="Kullback-Leibler divergence",
        family="multi-class",
        kind="distribution",
        activation="softmax (or log_softmax with log_input=True)",
        target="a probability distribution per row, shape (N, C)",
        formula=r"\mathrm{KL}(y \,\|\, p) = \sum_{c=1}^{C} y_c \log\frac{y_c}{p_c}",
        gradient_formula=r"\frac{\partial\,\mathrm{KL}}{\partial p_c} = -\frac{y_c}{p_c}, \qquad "
        r"\frac{\partial\,\mathrm{KL}}{\partial \log p_c} = -y_c",
        description="How many extra nats it costs to code samples of the target ``y`` with the prediction ``p``, "
        "summed over the last axis (one value per sample). Terms with ``y_c = 0`` contribute 0, with a zero "
        "gradient (never NaN). On probabilities it is computed as ``sum_c [y_c log(y_c/p_c) - y_c + p_c] + "
        "sum_c (y_c - p_c)``: non-negative terms (a series where ``p_c`` is close to ``y_c``) plus a compensated "
        "sum of differences, so it keeps full precision when ``p`` is close to ``y``. Note the order: "
        "``kl_divergence(y_pred, y_true)`` is ``KL(y_true || y_pred)``; PyTorch's ``kl_div(input, target)`` computes "
        "the same quantity but wants log-probabilities as input, and its ``'mean'`` divides by N*C (use "
        "``'batchmean'``). Kullback and Leibler (1951).",
        example=">>> round(float(lb.kl_divergence([[0.5, 0.5]], [[0.9, 0.1]])), 6)\n0.368064",
        module="KLDivergenceLoss",
        hyperparameters=(
            Hyperparameter("log_input", False, _checks.boolean, "if True, ``y_pred`` holds log-probabilities.",
                           annotation="bool"),
        ),
        check_values=_check_kl,
        bounded_gradient=True,
        torch_builtin="torch.nn.functional.kl_div",
        use_when="matching a whole predicted distribution to a target distribution (distillation, VAEs)",
    ),
    LossRecord(
        name="gaussian_nll",
        title="Gaussian negative log-likelihood",
        family="likelihood",
        kind="elementwise",
        activation="linear for the mean; the variance from a second output (exp or softplus), or log_var as is",
        target="real values, same shape as y_pred",
        formula=r"\ell(\hat y, y; \sigma^2) = \tfrac12 \Big(\log \sigma^2 + \frac{(\hat y - y)^2}{\sigma^2}\Big)"
        r" \;\big[+ \tfrac12 \log 2\pi\big]",
        gradient_formula=r"\frac{\partial \ell}{\partial \hat y} = \frac{\hat y - y}{\sigma^2}, \qquad "
        r"\frac{\partial \ell}{\partial \log\sigma^2} = \tfrac12\Big(1 - \frac{(\hat y - y)^2}{\sigma^2}\Big)",
        description="The negative log-likelihood of ``y`` under a normal distribution with mean ``y_pred`` and "
        "variance ``var`` (or ``exp(log_var)``): a regression loss whose noise level is predicted too. Exactly one "
        "of ``var`` (> 0, no silent clamping) and ``log_var`` (any real) is given, a scalar or one value per "
        "element. With ``log_var`` it is computed as ``(log_var + (r * exp(-log_var / 2))**2) / 2``, finite for all "
        "finite inputs. ``full=True`` adds the constant ``log(2 pi) / 2``. Like every loss that can be negative, "
        "it is ill-conditioned where its two terms cancel. The gradient with respect to the variance: "
        "``(1/var - r**2/var**2) / 2`` (with ``log_var``: ``(1 - r**2 / var) / 2``); the PyTorch backend gives "
        "it through autograd.",
        example=">>> round(float(lb.gaussian_nll([0.0, 1.0], [0.0, 3.0], var=4.0)), 6)\n0.943147",
        module="GaussianNLLLoss",
        hyperparameters=(
            Hyperparameter("var", None, _checks.optional_array, "the variance: a positive scalar or one per element.",
                           annotation="Array | float | None", array="element"),
            Hyperparameter("log_var", None, _checks.optional_array, "the log-variance: a real scalar or one per "
                           "element.", annotation="Array | float | None", array="element"),
            Hyperparameter("full", False, _checks.boolean, "add the constant ``log(2 pi) / 2`` to each value.",
                           annotation="bool"),
        ),
        check_values=_check_gaussian_nll,
        check_options=_one_variance,
        torch_builtin="torch.nn.functional.gaussian_nll_loss",
        use_when="regression whose noise level varies from example to example (heteroscedastic), when a predicted "
        "uncertainty is wanted",
    ),
    LossRecord(
        name="poisson_nll",
        title="Poisson negative log-likelihood",
        family="likelihood",
        kind="elementwise",
        activation="none for a log-rate (log_input=True, the default), or exp/softplus for a rate",
        target="counts (non-negative), same shape as y_pred",
        formula=r"\ell(x, y) = e^{x} - y\,x \;\;\text{(log-rate } x\text{)}, \qquad \ell(\lambda, y) = \lambda - "
        r"y \log \lambda \;\;\text{(rate)} \;\;\big[+ \log y!\big]",
        gradient_formula=r"\frac{\partial \ell}{\partial x} = e^{x} - y, \qquad \frac{\partial \ell}{\partial "
        r"\lambda} = 1 - \frac{y}{\lambda}",
        description="The negative log-likelihood of a count ``y`` under a Poisson distribution with rate "
        "``exp(y_pred)`` (``log_input=True``) or ``y_pred`` (``log_input=False``, with ``0 log 0 = 0`` and no "
        "``eps`` inside the log; a zero rate with a positive count gives ``inf``). ``full=True`` adds ``log(y!) = "
        "lgamma(y + 1)`` exactly (PyTorch's ``poisson_nll_loss(full=True)`` uses Stirling's approximation for "
        "``y > 1``), which makes the value the exact negative log-probability. Targets and rates must be >= 0 "
        "(PyTorch returns NaN for a negative rate). Without ``full`` the value can be negative and is "
        "ill-conditioned where its terms cancel.",
        example=">>> round(float(lb.poisson_nll([0.0, 1.0], [1.0, 2.0])), 6)\n0.859141",
        module="PoissonNLLLoss",
        hyperparameters=(
            Hyperparameter("log_input", True, _checks.boolean, "if True, ``y_pred`` holds log-rates; else rates "
                           "(>= 0).", annotation="bool"),
            Hyperparameter("full", False, _checks.boolean, "add ``log(y!)``, the term that does not depend on the "
                           "prediction.", annotation="bool"),
        ),
        check_values=_check_poisson_nll,
        torch_builtin="torch.nn.functional.poisson_nll_loss",
        use_when="counts (events per interval, clicks, arrivals) whose variance grows with their mean",
    ),
)

RECORDS: dict[str, LossRecord] = {record.name: record for record in _RECORDS}


def names() -> list[str]:
    """The names of all losses, in book order."""
    return list(RECORDS)


def get(name: str) -> LossRecord:
    """The record of the loss called ``name``."""
    try:
        return RECORDS[name]
    except KeyError:
        raise ValueError(f"name must be one of {', '.join(RECORDS)}; got {name!r}") from None


def by_family(family: str) -> list[LossRecord]:
    """The records of one family (``'regression'``, ``'binary'``, ``'multi-class'`` or ``'likelihood'``)."""
    if family not in FAMILIES:
        raise ValueError(f"family must be one of {', '.join(map(repr, FAMILIES))}; got {family!r}")
    return [r for r in _RECORDS if r.family == family]


def summary_rows() -> list[dict[str, Any]]:
    """One dict per loss with the columns of the book's summary table (properties as defined in this module)."""
    return [
        {
            "loss": r.title,
            "function": r.name,
            "family": r.family,
            "last layer": r.activation,
            "target format": r.target,
            "convex": r.convex,
            "smooth": r.smooth,
            "trainable": r.trainable,
            "bounded gradient": r.bounded_gradient,
            "PyTorch built-in": r.torch_builtin or "",
        }
        for r in _RECORDS
    ]

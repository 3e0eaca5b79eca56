"""The catalog: one record per loss, the single source of facts about it.

Both backends build their public functions from these records (hyperparameters, defaults, docstrings), and
the book builds its summary tables from them, so a fact about a loss is written exactly once.

>>> from lossbook import catalog
>>> catalog.get("huber").family
'regression'
>>> [r.name for r in catalog.by_family("multi-class")]
['categorical_cross_entropy', 'sparse_categorical_cross_entropy', 'kl_divergence']
"""

from __future__ import annotations

from dataclasses import dataclass, field

from . import _checks

__all__ = ["Hyperparameter", "LossRecord", "RECORDS", "FAMILIES", "get", "by_family", "names", "summary_rows"]

FAMILIES = ("regression", "binary", "multi-class")


@dataclass(frozen=True)
class Hyperparameter:
    """A keyword-only hyperparameter: its default, how it is checked, and one line of documentation."""

    name: str
    default: object
    check: object  # callable(name, value) -> value, raising ValueError/TypeError
    doc: str


@dataclass(frozen=True)
class LossRecord:
    """Everything the package and the book know about one loss."""

    name: str
    title: str
    family: str
    kind: str  # "elementwise": loss per element; "distribution": per row over the last axis; "sparse": (N, C) vs labels
    activation: str  # last layer of the model that feeds the loss
    target: str  # format of y_true
    formula: str  # LaTeX, one display equation
    description: str
    example: str  # doctest body; `lb` is the backend module
    module: str  # name of the torch.nn.Module class
    hyperparameters: tuple = ()
    differentiable: bool = True
    convex: bool = True  # convex in y_pred (for logits: in the logits)
    robust_to_outliers: bool = False
    torch_builtin: str | None = None
    use_when: str = ""
    properties: dict = field(default_factory=dict)

    def hyperparameter_defaults(self):
        return {h.name: h.default for h in self.hyperparameters}


_FROM_LOGITS = Hyperparameter(
    "from_logits", False, _checks.boolean, "if True, ``y_pred`` holds logits (raw scores); else probabilities."
)


def _label_smoothing(doc):
    return Hyperparameter("label_smoothing", 0.0, _checks.unit_interval, doc)


_RECORDS = (
    LossRecord(
        name="mse",
        title="Mean squared error",
        family="regression",
        kind="elementwise",
        activation="linear (identity)",
        target="real values, same shape as y_pred",
        formula=r"\ell(\hat y, y) = (\hat y - y)^2",
        description="The squared residual. Large errors dominate, so it is sensitive to outliers; its minimiser is "
        "the conditional mean.",
        example=">>> round(float(lb.mse([1.0, 2.0, 4.0], [1.0, 3.0, 2.0])), 6)\n1.666667",
        module="MSELoss",
        torch_builtin="torch.nn.functional.mse_loss",
        use_when="regression with roughly Gaussian noise and no gross outliers",
    ),
    LossRecord(
        name="mae",
        title="Mean absolute error",
        family="regression",
        kind="elementwise",
        activation="linear (identity)",
        target="real values, same shape as y_pred",
        formula=r"\ell(\hat y, y) = |\hat y - y|",
        description="The absolute residual. Every error pulls with the same force, so it is robust to outliers; its "
        "minimiser is the conditional median. The gradient is ``sign(y_pred - y_true)`` (0 at a zero residual).",
        example=">>> float(lb.mae([1.0, 2.0, 4.0], [1.0, 3.0, 2.0]))\n1.0",
        module="MAELoss",
        robust_to_outliers=True,
        torch_builtin="torch.nn.functional.l1_loss",
        use_when="regression with outliers, or when the median is the right prediction",
    ),
    LossRecord(
        name="huber",
        title="Huber loss",
        family="regression",
        kind="elementwise",
        activation="linear (identity)",
        target="real values, same shape as y_pred",
        formula=r"\ell_\delta(\hat y, y) = \begin{cases} \tfrac12 r^2 & |r| \le \delta \\ "
        r"\delta\,(|r| - \tfrac12\delta) & |r| > \delta \end{cases}, \quad r = \hat y - y",
        description="Quadratic for residuals inside ``delta`` and linear outside: MSE's smooth minimum with MAE's "
        "robustness. Its gradient is the residual clipped to ``[-delta, delta]``. Huber (1964).",
        example=">>> float(lb.huber([0.5, 3.0], [0.0, 0.0], delta=1.0))\n1.3125",
        module="HuberLoss",
        hyperparameters=(
            Hyperparameter("delta", 1.0, _checks.positive, "where the loss turns from quadratic to linear (> 0)."),
        ),
        robust_to_outliers=True,
        torch_builtin="torch.nn.functional.huber_loss",
        use_when="regression with some outliers where a smooth minimum still matters",
    ),
    LossRecord(
        name="smooth_l1",
        title="Smooth L1 loss",
        family="regression",
        kind="elementwise",
        activation="linear (identity)",
        target="real values, same shape as y_pred",
        formula=r"\ell_\beta(\hat y, y) = \begin{cases} \tfrac{1}{2\beta} r^2 & |r| < \beta \\ "
        r"|r| - \tfrac12\beta & |r| \ge \beta \end{cases}, \quad r = \hat y - y",
        description="PyTorch's variant of the Huber loss: ``smooth_l1(beta) = huber(delta=beta) / beta``, so its "
        "linear part has slope 1 whatever ``beta`` is. ``beta=0`` gives the absolute error.",
        example=">>> float(lb.smooth_l1([0.5, 3.0], [0.0, 0.0], beta=1.0))\n1.3125",
        module="SmoothL1Loss",
        hyperparameters=(
            Hyperparameter("beta", 1.0, _checks.non_negative, "width of the quadratic zone (>= 0; 0 gives MAE)."),
        ),
        robust_to_outliers=True,
        torch_builtin="torch.nn.functional.smooth_l1_loss",
        use_when="as Huber; the form used in object detection (Fast R-CNN box regression)",
    ),
    LossRecord(
        name="quantile",
        title="Quantile (pinball) loss",
        family="regression",
        kind="elementwise",
        activation="linear (identity)",
        target="real values, same shape as y_pred",
        formula=r"\ell_q(\hat y, y) = \max\big(q\,(y - \hat y),\ (q - 1)(y - \hat y)\big)",
        description="Tilted absolute error: under-prediction costs ``q`` per unit and over-prediction ``1 - q``, so "
        "its minimiser is the ``q``-quantile. Convex and piecewise linear; at ``q = 0.5`` it is half the MAE. "
        "Koenker and Bassett (1978).",
        example=">>> float(lb.quantile([0.0, 0.0], [2.0, -2.0], q=0.9))\n1.0",
        module="QuantileLoss",
        hyperparameters=(Hyperparameter("q", 0.5, _checks.open_unit_interval, "the target quantile, in (0, 1)."),),
        robust_to_outliers=True,
        torch_builtin=None,
        use_when="predicting a quantile or an interval (for example the 10th and 90th percentiles)",
    ),
    LossRecord(
        name="log_cosh",
        title="Log-cosh loss",
        family="regression",
        kind="elementwise",
        activation="linear (identity)",
        target="real values, same shape as y_pred",
        formula=r"\ell(\hat y, y) = \log\cosh(\hat y - y)",
        description="About ``r**2 / 2`` for small residuals and ``|r| - log 2`` for large ones: a Huber loss with "
        "``delta = 1`` that is smooth everywhere (its gradient is ``tanh(r)``). Computed as "
        "``log1p(2 sinh(r/2)**2)`` for ``|r| < 1`` and ``|r| - log 2 + log1p(exp(-2|r|))`` otherwise, so it never "
        "overflows and keeps full precision for tiny residuals.",
        example=">>> round(float(lb.log_cosh([0.0, 100.0], [0.0, 0.0])), 4)\n49.6534",
        module="LogCoshLoss",
        robust_to_outliers=True,
        torch_builtin=None,
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
        description="The negative log-likelihood of a Bernoulli label. With ``from_logits=True`` it takes the logit "
        "``z`` and is computed as ``w+ y softplus(-z) + (1 - y) softplus(z)``, which never overflows and keeps its "
        "gradient ``sigmoid(z) - y`` at extreme logits. On ``(N, C)`` inputs it is the multi-label loss (one sigmoid "
        "per class). No clamping: a probability of exactly 0 for a positive label gives ``inf`` (PyTorch clamps the "
        "log at -100, Keras clips p to [1e-7, 1 - 1e-7]).",
        example=">>> round(float(lb.binary_cross_entropy([0.9, 0.2], [1.0, 0.0])), 6)\n0.164252",
        module="BinaryCrossEntropyLoss",
        hyperparameters=(
            _FROM_LOGITS,
            Hyperparameter(
                "pos_weight",
                None,
                _checks.optional_array,
                "weight ``w+`` of the positive term: a scalar or one value per class (shape ``(C,)``, broadcast "
                "over the last axis); ``n_negative / n_positive`` balances the classes.",
            ),
            _label_smoothing("moves the targets towards 1/2: ``y * (1 - label_smoothing) + label_smoothing / 2`` "
                             "(Keras's convention)."),
        ),
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
        description="The loss of the support vector machine (Cortes and Vapnik, 1995): zero once a point is on the "
        "right side with margin ``y s >= 1``, so only points inside the margin (the support vectors) get a gradient. "
        "Labels must be -1/+1; 0/1 labels are refused with the fix ``2*y - 1``.",
        example=">>> round(float(lb.hinge([2.0, 0.5, -1.0], [1.0, 1.0, 1.0])), 6)\n0.833333",
        module="HingeLoss",
        torch_builtin=None,
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
        description="The hinge loss squared: differentiable everywhere, and it punishes large margin violations "
        "more.",
        example=">>> round(float(lb.squared_hinge([2.0, 0.5, -1.0], [1.0, 1.0, 1.0])), 6)\n1.416667",
        module="SquaredHingeLoss",
        torch_builtin=None,
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
        description="1 for a mistake, 0 otherwise: the mean is the error rate, ``1 - accuracy``. It is flat almost "
        "everywhere, so its gradient is zero (``.grad`` returns zeros) and gradient descent cannot train on it; in "
        "the PyTorch backend the result carries no gradient.",
        example=">>> round(float(lb.zero_one([0.9, 0.4, 0.7], [1, 1, 0])), 6)\n0.666667",
        module="ZeroOneLoss",
        hyperparameters=(
            Hyperparameter("threshold", 0.5, _checks.finite, "predict the positive class where ``y_pred > threshold`` "
                           "(0.5 for probabilities, 0 for scores or logits)."),
        ),
        differentiable=False,
        convex=False,
        robust_to_outliers=True,
        torch_builtin=None,
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
        description="The cross-entropy between the target distribution ``y`` and the predicted ``p``, summed over "
        "the last axis (one value per sample). With ``from_logits=True`` it is computed from the logits without "
        "forming the softmax: ``-log softmax(z)_c = (m - z_c) + log1p(sum_{j != a} exp(z_j - m))`` with ``m = z_a`` the "
        "largest logit, a sum of non-negative terms that keeps full precision for confident, correct predictions.",
        example=">>> round(float(lb.categorical_cross_entropy([[0.7, 0.2, 0.1]], [[1.0, 0.0, 0.0]])), 6)\n0.356675",
        module="CategoricalCrossEntropyLoss",
        hyperparameters=(
            _FROM_LOGITS,
            _label_smoothing("mixes the targets with the uniform distribution: "
                             "``y * (1 - label_smoothing) + label_smoothing / C``."),
        ),
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
            Hyperparameter("ignore_index", None, _checks.optional_int, "a label value whose samples are ignored."),
            Hyperparameter("class_weight", None, _checks.optional_array, "one non-negative weight per class, "
                           "shape ``(C,)``."),
        ),
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
        description="How many extra nats it costs to code samples of the target ``y`` with the prediction ``p``, "
        "summed over the last axis (one value per sample). Terms with ``y_c = 0`` contribute 0, with a zero "
        "gradient (never NaN). Note the order: ``kl_divergence(y_pred, y_true)`` is ``KL(y_true || y_pred)``; "
        "PyTorch's ``kl_div(input, target)`` computes the same quantity but wants log-probabilities as input, and "
        "its ``'mean'`` divides by N*C (use ``'batchmean'``). Kullback and Leibler (1951).",
        example=">>> round(float(lb.kl_divergence([[0.5, 0.5]], [[0.9, 0.1]])), 6)\n0.368064",
        module="KLDivergenceLoss",
        hyperparameters=(
            Hyperparameter("log_input", False, _checks.boolean, "if True, ``y_pred`` holds log-probabilities."),
        ),
        torch_builtin="torch.nn.functional.kl_div",
        use_when="matching a whole predicted distribution to a target distribution (distillation, VAEs)",
    ),
)

RECORDS = {record.name: record for record in _RECORDS}


def names():
    """The names of all losses, in book order."""
    return list(RECORDS)


def get(name):
    """The record of the loss called ``name``."""
    try:
        return RECORDS[name]
    except KeyError:
        raise ValueError(f"name must be one of {', '.join(RECORDS)}; got {name!r}") from None


def by_family(family):
    """The records of one family (``'regression'``, ``'binary'`` or ``'multi-class'``), in book order."""
    if family not in FAMILIES:
        raise ValueError(f"family must be one of {', '.join(map(repr, FAMILIES))}; got {family!r}")
    return [r for r in _RECORDS if r.family == family]


def summary_rows():
    """One dict per loss with the columns of the book's summary table."""
    return [
        {
            "loss": r.title,
            "function": r.name,
            "family": r.family,
            "last layer": r.activation,
            "target format": r.target,
            "robust to outliers": r.robust_to_outliers,
            "differentiable": r.differentiable,
            "convex": r.convex,
            "PyTorch built-in": r.torch_builtin or "",
        }
        for r in _RECORDS
    ]

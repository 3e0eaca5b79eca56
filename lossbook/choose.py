"""How to choose a loss, as a function: the decision table of the book's last chapter.

>>> from lossbook import choose
>>> c = choose("regression", outliers=True)
>>> c.loss, c.call
('huber', 'huber(y_pred, y_true, delta=1.0)')
"""

from __future__ import annotations

from dataclasses import dataclass

from . import _checks, catalog

TASKS = ("regression", "binary", "multi-class", "multi-label")
LABELS = ("integer", "one-hot", "distribution")


@dataclass(frozen=True)
class Choice:
    """A recommended loss: what to call, what the model's last layer should be, and why."""

    loss: str
    last_layer: str
    target: str
    call: str
    reason: str

    @property
    def record(self):
        return catalog.get(self.loss)


def choose(task, *, labels=None, outliers=False, quantile=None, margin=False):
    """Recommend a loss for a task.

    Args:
        task: ``'regression'``, ``'binary'``, ``'multi-class'`` or ``'multi-label'``.
        labels: for ``'multi-class'``: ``'integer'`` (class indices), ``'one-hot'`` or ``'distribution'``
            (a target probability distribution per sample, as in distillation). Default ``'integer'``.
        outliers: for regression, whether the targets contain gross outliers.
        quantile: for regression, predict this quantile (in (0, 1)) instead of the mean.
        margin: for binary classification, train a maximum-margin classifier (SVM) rather than a probabilistic one.

    Returns:
        A :class:`Choice`.
    """
    if task not in TASKS:
        raise ValueError(f"task must be one of {', '.join(map(repr, TASKS))}; got {task!r}")
    if task == "regression":
        if quantile is not None:
            quantile = _checks.open_unit_interval("quantile", quantile)
        return _regression(outliers, quantile)
    if task == "binary":
        return _binary(margin)
    if task == "multi-label":
        return Choice("binary_cross_entropy", "one logit per class (no activation)", "multi-hot (N, C) of 0/1",
                      "binary_cross_entropy(logits, y_true, from_logits=True)",
                      "the labels are independent yes/no questions: one sigmoid per class, not a softmax over them")
    return _multi_class(labels or "integer")


def _regression(outliers, quantile):
    if quantile is not None:
        return Choice("quantile", "linear", "real values", f"quantile(y_pred, y_true, q={quantile})",
                      "the pinball loss is minimised by the requested quantile, not the mean")
    if outliers:
        return Choice("huber", "linear", "real values", "huber(y_pred, y_true, delta=1.0)",
                      "quadratic near zero, linear for large residuals: outliers pull with bounded force")
    return Choice("mse", "linear", "real values", "mse(y_pred, y_true)",
                  "the maximum-likelihood loss for Gaussian noise; its minimiser is the conditional mean")


def _binary(margin):
    if margin:
        return Choice("hinge", "linear score", "labels in {-1, +1}", "hinge(scores, 2 * y_true - 1)",
                      "a maximum-margin classifier; only points inside the margin matter")
    return Choice("binary_cross_entropy", "one logit (no activation)", "0/1 labels",
                  "binary_cross_entropy(logits, y_true, from_logits=True)",
                  "the Bernoulli negative log-likelihood; computing it from logits is stable")


def _multi_class(labels):
    if labels not in LABELS:
        raise ValueError(f"labels must be one of {', '.join(map(repr, LABELS))}; got {labels!r}")
    if labels == "integer":
        return Choice("sparse_categorical_cross_entropy", "one logit per class (no activation)", "integer labels (N,)",
                      "sparse_categorical_cross_entropy(logits, labels, from_logits=True)",
                      "the same value as categorical cross-entropy without building a one-hot matrix")
    if labels == "one-hot":
        return Choice("categorical_cross_entropy", "one logit per class (no activation)", "one-hot (N, C)",
                      "categorical_cross_entropy(logits, y_true, from_logits=True)",
                      "the negative log-likelihood of the true class under the softmax")
    return Choice("kl_divergence", "log_softmax", "a distribution per row (N, C)",
                  "kl_divergence(log_probs, y_true, log_input=True)",
                  "measures how far the predicted distribution is from the target one; 0 when they match")

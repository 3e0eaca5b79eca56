"""How to choose a loss, as a function: the decision table of the book's last chapter.

>>> from lossbook import choose
>>> c = choose("regression", outliers=True, residuals=[0.3, -0.1, 0.4, -2.0, 0.2, 9.0])
>>> c.loss, c.call
('huber', 'huber(y_pred, y_true, delta=0.499)')
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import _checks, catalog

TASKS = ("regression", "binary", "multi-class", "multi-label")
LABELS = ("integer", "one-hot", "distribution")

# The usual tuning constant of the Huber loss: with delta = 1.345 sigma the estimator keeps 95 % of the least-squares
# efficiency when the noise is Gaussian with standard deviation sigma (the regression chapter computes it).
HUBER_K = 1.345
# The median absolute deviation times 1.4826 estimates sigma for Gaussian noise, and ignores outliers.
MAD_TO_SIGMA = 1.4826

# Which keyword arguments make sense for which task.
_APPLIES = {
    "labels": ("multi-class",),
    "outliers": ("regression",),
    "quantile": ("regression",),
    "residuals": ("regression",),
    "counts": ("regression",),
    "varying_noise": ("regression",),
    "margin": ("binary",),
}


@dataclass(frozen=True)
class Choice:
    """A recommended loss: what to call, what the model's last layer should be, and why."""

    loss: str
    last_layer: str
    target: str
    call: str
    reason: str

    @property
    def record(self) -> catalog.LossRecord:
        return catalog.get(self.loss)


def choose(task: str, *, labels: str | None = None, outliers: bool = False, quantile: float | None = None,
           residuals=None, counts: bool = False, varying_noise: bool = False, margin: bool = False) -> Choice:
    """Recommend a loss for a task.

    Args:
        task: ``'regression'``, ``'binary'``, ``'multi-class'`` or ``'multi-label'``.
        labels: for ``'multi-class'``: ``'integer'`` (class indices), ``'one-hot'`` or ``'distribution'``
            (a target probability distribution per sample, as in distillation). Default ``'integer'``.
        outliers: for regression, whether the targets contain gross outliers (then the Huber loss).
        quantile: for regression, predict this quantile (in (0, 1)) instead of the mean.
        residuals: for regression with outliers, the residuals of a first fit (for example of a model trained
            with the MAE), in the target's units; the Huber ``delta`` is then set to 1.345 times their robust
            standard deviation (1.4826 times the median absolute deviation). Without them the call leaves
            ``delta`` for you to choose, in the target's units.
        counts: for regression, the targets are counts (then the Poisson negative log-likelihood).
        varying_noise: for regression, the noise level varies between examples and the model should predict it
            (then the Gaussian negative log-likelihood with a predicted log-variance).
        margin: for binary classification, train a maximum-margin classifier (SVM) rather than a probabilistic one.

    Returns:
        A :class:`Choice`.

    Raises:
        ValueError: an unknown task or label format, or an argument that does not apply to the task (for example
            ``labels=`` for a binary task), or conflicting regression options.
    """
    if task not in TASKS:
        raise ValueError(f"task must be one of {', '.join(map(repr, TASKS))}; got {task!r}")
    given = {"labels": labels is not None, "outliers": outliers, "quantile": quantile is not None,
             "residuals": residuals is not None, "counts": counts, "varying_noise": varying_noise, "margin": margin}
    for name, is_given in given.items():
        if is_given and task not in _APPLIES[name]:
            raise ValueError(f"{name}= does not apply to a {task} task (it applies to: {', '.join(_APPLIES[name])})")
    if task == "regression":
        return _regression(outliers, quantile, residuals, counts, varying_noise)
    if task == "binary":
        return _binary(margin)
    if task == "multi-label":
        return Choice("binary_cross_entropy", "one logit per class (no activation)", "multi-hot (N, C) of 0/1",
                      "binary_cross_entropy(logits, y_true, from_logits=True)",
                      "the labels are independent yes/no questions: one sigmoid per class, not a softmax over them")
    return _multi_class(labels or "integer")


def huber_delta(residuals) -> float:
    """Huber's ``delta`` for these residuals: 1.345 times 1.4826 times their median absolute deviation."""
    r = np.asarray(residuals, dtype=float).ravel()
    if r.size == 0 or not np.all(np.isfinite(r)):
        raise ValueError(f"residuals must be a non-empty array of finite numbers, got {r.size} values")
    mad = float(np.median(np.abs(r - np.median(r))))
    if mad == 0:
        raise ValueError("residuals have a median absolute deviation of 0 (more than half are equal): delta "
                         "cannot be estimated from them")
    return HUBER_K * MAD_TO_SIGMA * mad


def _regression(outliers, quantile, residuals, counts, varying_noise):
    chosen = [name for name, on in (("outliers", outliers), ("quantile", quantile is not None), ("counts", counts),
                                    ("varying_noise", varying_noise)) if on]
    if len(chosen) > 1:
        raise ValueError(f"choose one of outliers, quantile, counts and varying_noise for a regression, got "
                         f"{' and '.join(chosen)}")
    if residuals is not None and not outliers:
        raise ValueError("residuals= sets the Huber delta: it applies with outliers=True")
    if quantile is not None:
        quantile = _checks.open_unit_interval("quantile", quantile)
        return Choice("quantile", "linear", "real values", f"quantile(y_pred, y_true, q={quantile})",
                      "the pinball loss is minimised by the requested quantile, not the mean")
    if counts:
        return Choice("poisson_nll", "linear: the log of the rate", "counts >= 0", "poisson_nll(log_rate, y_true)",
                      "the Poisson likelihood: the variance of a count grows with its mean, which the MSE ignores")
    if varying_noise:
        return Choice("gaussian_nll", "two linear outputs: the mean and the log-variance", "real values",
                      "gaussian_nll(mean, y_true, log_var=log_var)",
                      "the Gaussian likelihood with a predicted variance: noisy examples get a wide predicted "
                      "spread instead of pulling the mean, and the model says how uncertain it is")
    if outliers:
        return _huber(residuals)
    return Choice("mse", "linear", "real values", "mse(y_pred, y_true)",
                  "the maximum-likelihood loss for Gaussian noise; its minimiser is the conditional mean")


def _huber(residuals):
    reason = ("quadratic near zero, linear for large residuals: outliers pull with bounded force. delta is in the "
              "target's units: about 1.345 times the noise's standard deviation")
    if residuals is None:
        return Choice("huber", "linear", "real values", "huber(y_pred, y_true, delta=delta)",
                      reason + "; estimate it as 1.345 * 1.4826 * median(|r - median(r)|) from the residuals r of a "
                      "first fit (pass residuals= to have choose() do it), never leave the default 1.0 for targets "
                      "on another scale")
    delta = huber_delta(residuals)
    return Choice("huber", "linear", "real values", f"huber(y_pred, y_true, delta={delta:.3g})",
                  reason + f", here 1.345 * 1.4826 * MAD of the residuals = {delta:.3g}")


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

"""Independent references for every loss, in float64: ``torch.nn.functional`` where PyTorch has the loss, else the
textbook expression in plain torch operations (differentiable, so it also gives reference gradients through
autograd), and for the likelihood losses ``scipy.stats``.

``REFERENCES[loss](case_options, y_pred, y_true, reduction)`` returns a torch tensor that autograd can
differentiate with respect to ``y_pred``, ``y_true`` and tensor hyperparameters. The meta-test
(tests/test_completeness.py) requires one for every loss of the catalog.
"""

import numpy as np
import torch
import torch.nn.functional as F


def _reduce(values, reduction):
    return values if reduction == "none" else (values.sum() if reduction == "sum" else values.mean())


def _tensor(x, like):
    return x if isinstance(x, torch.Tensor) else torch.as_tensor(x, dtype=like.dtype)


def mse(o, p, t, reduction):
    return F.mse_loss(p, t, reduction=reduction)


def mae(o, p, t, reduction):
    return F.l1_loss(p, t, reduction=reduction)


def huber(o, p, t, reduction):
    return F.huber_loss(p, t, delta=o["delta"], reduction=reduction)


def smooth_l1(o, p, t, reduction):
    return F.smooth_l1_loss(p, t, beta=o["beta"], reduction=reduction)


def quantile(o, p, t, reduction):
    d = t - p
    return _reduce(torch.maximum(o["q"] * d, (o["q"] - 1) * d), reduction)


def log_cosh(o, p, t, reduction):
    """``cosh r - 1 = expm1(r)^2 / (2 e^r)``: no cancellation for small ``r`` (``log(cosh(r))`` loses digits)."""
    r = p - t
    return _reduce(torch.log1p(torch.expm1(r) ** 2 / (2 * torch.exp(r))), reduction)


def binary_cross_entropy(o, p, t, reduction):
    e = o.get("label_smoothing", 0.0)
    t = t * (1 - e) + e / 2  # Keras's convention, which lossbook documents
    pw = o.get("pos_weight")
    pw = None if pw is None else _tensor(pw, p)
    if pw is not None and pw.requires_grad:  # PyTorch's built-in has no gradient with respect to pos_weight
        logits = p if o.get("from_logits") else torch.logit(p)
        return _reduce(pw * t * F.softplus(-logits) + (1 - t) * F.softplus(logits), reduction)
    if o.get("from_logits"):
        return F.binary_cross_entropy_with_logits(p, t, pos_weight=pw, reduction=reduction)
    if pw is not None:  # an independent route: the logits form on logit(p)
        return F.binary_cross_entropy_with_logits(torch.logit(p), t, pos_weight=pw, reduction=reduction)
    return F.binary_cross_entropy(p, t, reduction=reduction)


def hinge(o, p, t, reduction):
    return _reduce(torch.clamp(1 - t * p, min=0), reduction)


def squared_hinge(o, p, t, reduction):
    return _reduce(torch.clamp(1 - t * p, min=0) ** 2, reduction)


def zero_one(o, p, t, reduction):
    wrong = ((p > o["threshold"]) != (t > 0)).to(p.dtype)
    return _reduce(wrong, reduction)


def categorical_cross_entropy(o, p, t, reduction):
    e = o.get("label_smoothing", 0.0)
    if o.get("from_logits"):
        return F.cross_entropy(p, t, label_smoothing=e, reduction=reduction)
    t = t * (1 - e) + e / p.shape[-1]  # on probabilities: -sum y log p, without the softmax's renormalisation
    return _reduce(-(t * torch.log(p)).sum(-1), reduction)


def sparse_categorical_cross_entropy(o, p, t, reduction):
    cw, ignore, e = o.get("class_weight"), o.get("ignore_index"), o.get("label_smoothing", 0.0)
    cw = None if cw is None else _tensor(cw, p)
    ignore = -100 if ignore is None else ignore
    if o.get("from_logits"):
        return F.cross_entropy(p, t, weight=cw, ignore_index=ignore, label_smoothing=e, reduction=reduction)
    log_p = torch.log(p)  # on probabilities: nll_loss of log p (no renormalisation), with PyTorch's smoothing rule
    nll = F.nll_loss(log_p, t, weight=cw, ignore_index=ignore, reduction="none")
    keep = (t != ignore).to(p.dtype)
    w_y = keep if cw is None else keep * cw[torch.where(t != ignore, t, 0)]
    smooth = -(log_p * (1.0 if cw is None else cw)).sum(-1) * keep / p.shape[-1]
    values = (1 - e) * nll + e * smooth
    if reduction == "mean":
        return values.sum() / w_y.sum()
    return _reduce(values, reduction)


def kl_divergence(o, p, t, reduction):
    log_q = p if o.get("log_input") else torch.log(p)
    if reduction == "none":
        return F.kl_div(log_q, t, reduction="none").sum(-1)
    return F.kl_div(log_q, t, reduction="batchmean" if reduction == "mean" else "sum")


def gaussian_nll(o, p, t, reduction):
    var = _tensor(o["var"], p) if o.get("var") is not None else torch.exp(_tensor(o["log_var"], p))
    var = var.expand_as(p) if var.ndim == 0 else var
    values = F.gaussian_nll_loss(p, t, var, full=o.get("full", False), eps=0.0, reduction="none")
    return _reduce(values, reduction)


def poisson_nll(o, p, t, reduction):
    values = F.poisson_nll_loss(p, t, log_input=o.get("log_input", True), full=False, eps=0.0, reduction="none")
    if o.get("full"):  # PyTorch's full=True uses Stirling's approximation; lossbook adds the exact log(y!)
        values = values + torch.lgamma(t + 1)
    return _reduce(values, reduction)


REFERENCES = {f.__name__: f for f in [mse, mae, huber, smooth_l1, quantile, log_cosh, binary_cross_entropy, hinge,
                                      squared_hinge, zero_one, categorical_cross_entropy,
                                      sparse_categorical_cross_entropy, kl_divergence, gaussian_nll, poisson_nll]}


def scipy_negative_log_likelihood(loss, options, y_pred, y_true):
    """``-log density`` (Gaussian) or ``-log pmf`` (Poisson) from scipy.stats, per element: the likelihood losses
    with ``full=True`` equal these exactly."""
    from scipy import stats

    if loss == "gaussian_nll":
        var = options["var"] if options.get("var") is not None else np.exp(options["log_var"])
        return -stats.norm.logpdf(y_true, loc=y_pred, scale=np.sqrt(var))
    rate = np.exp(y_pred) if options.get("log_input", True) else y_pred
    return -stats.poisson.logpmf(y_true, rate)

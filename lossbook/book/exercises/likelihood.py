"""Self-checks for the likelihood chapter ("Where losses come from").

>>> from lossbook.book.exercises import likelihood as ex
>>> ex.ids()  # doctest: +NORMALIZE_WHITESPACE
['laplace-nll', 'mle-variance', 'logit-gradient', 'poisson-rate', 'cross-entropy-bits', 'ridge-strength',
 'proper-or-not', 'ece-by-hand']
>>> ex.describe("poisson-rate")
poisson-rate: the constant rate that best explains seven counts
  counts = [0.0, 2.0, 1.0, 7.0, 3.0, 0.0, 4.0]
Answer: a number, where the mean Poisson NLL is smallest.
>>> ex.check("proper-or-not", "Brier score")
Not yet: the Brier score is proper: its expected value (q - p)**2 + p (1 -
  p) is smallest at q = p.
Verdict(False)
"""

from __future__ import annotations

import numpy as np

from lossbook import numpy as lbn
from lossbook.book import calibration
from lossbook.book.exercises import Chapter
from lossbook.book.exercises.answers import Array, Choice, Minimiser, Number

chapter = Chapter("likelihood")
check, describe, given, ids = chapter.check, chapter.describe, chapter.given, chapter.ids

_LN2 = np.log(2.0)


# --------------------------------------------------------------------------------------------------- Laplace NLL

def _laplace_nll(g, *, constant=True, scaled=True, log_b_only=False):
    """The mean negative log-density of a Laplace distribution (location y_pred, scale b), with usual slips."""
    b = g["b"]
    mae = lbn.mae(g["y_pred"], g["y_true"])
    fit = mae / b if scaled else mae
    if not constant:
        return fit
    return fit + (np.log(b) if log_b_only else np.log(2 * b))


chapter.add(
    "laplace-nll",
    title="the mean Laplace negative log-likelihood, constant included",
    given={"y_pred": np.array([1.0, 2.5, -0.5, 3.0]), "y_true": np.array([1.5, 2.0, 0.5, 0.0]), "b": 2.0},
    kind=Number(rtol=1e-6),
    solution=_laplace_nll,
    hint=("the Laplace density with location y_pred and scale b is exp(-|y - y_pred| / b) / (2 b). Take minus its "
          "logarithm for each point, then average."),
    mistakes={
        "the constant log(2 b) is missing: the question asks for the whole negative log-density.":
            lambda g: _laplace_nll(g, constant=False),
        "the absolute residuals are divided by the scale b in the exponent: |r| / b.":
            lambda g: _laplace_nll(g, scaled=False),
        "the density's normalising factor is 1 / (2 b), so minus its logarithm is log(2 b), not log(b).":
            lambda g: _laplace_nll(g, log_b_only=True),
        "that is the sum over the four points; the question asks for their mean.":
            lambda g: 4 * _laplace_nll(g),
    },
    remark="Up to the constant log(2 b) and the factor 1 / b, it is the mean absolute error.",
)


# -------------------------------------------------------------------------------------------- maximum likelihood σ²

_RESIDUAL_DATA = {"y_pred": np.array([2.0, 0.5, 1.0, 3.5, 2.5]), "y_true": np.array([1.0, 1.0, 1.5, 2.0, 1.5])}


def _residuals(g):
    return g["y_pred"] - g["y_true"]


chapter.add(
    "mle-variance",
    title="the maximum-likelihood noise variance of a fitted model",
    given=_RESIDUAL_DATA,
    kind=Number(rtol=1e-6),
    solution=lambda g: lbn.mse(g["y_pred"], g["y_true"]),
    hint=("write the mean Gaussian NLL with one variance s for all points, 0.5 * (log s + r**2 / s) averaged, and "
          "set its derivative with respect to s to zero."),
    mistakes={
        "that is the standard deviation; the question asks for the variance.":
            lambda g: np.sqrt(lbn.mse(g["y_pred"], g["y_true"])),
        ("that divides by N - 1 (the unbiased sample variance); the maximum-likelihood estimate divides by N."):
            lambda g: np.sum(_residuals(g) ** 2) / (len(g["y_pred"]) - 1),
        ("the residuals' own mean was subtracted: the Gaussian's mean is the prediction, so the residuals are "
         "measured from the prediction, not from their average."): lambda g: np.var(_residuals(g)),
        "that is the mean absolute residual, the Laplace scale's estimate, not the Gaussian variance.":
            lambda g: lbn.mae(g["y_pred"], g["y_true"]),
    },
    remark="The maximum-likelihood variance is the mean squared residual: the MSE itself.",
)


# ---------------------------------------------------------------------------------------- the logit's gradient

_LOGIT_DATA = {"z": np.array([-2.0, 0.0, 1.5, 3.0]), "y": np.array([1.0, 0.0, 1.0, 0.0])}


def _sigmoid(z):
    return 0.5 * (1 + np.tanh(0.5 * z))


chapter.add(
    "logit-gradient",
    title="the gradient of the mean binary cross-entropy with respect to each logit",
    given=_LOGIT_DATA,
    kind=Array(rtol=1e-6),
    solution=lambda g: lbn.binary_cross_entropy.grad(g["z"], g["y"], from_logits=True),
    hint=("write the loss of one example in the logit, log(1 + exp(z)) - y z, differentiate it, and remember that "
          "the mean divides every term by the number of examples."),
    mistakes={
        "that is the gradient of the sum: the mean divides each term by the number of examples.":
            lambda g: lbn.binary_cross_entropy.grad(g["z"], g["y"], from_logits=True, reduction="sum"),
        "the signs are reversed: the gradient is sigmoid(z) - y, positive where the prediction is too high.":
            lambda g: -lbn.binary_cross_entropy.grad(g["z"], g["y"], from_logits=True),
        ("that is the gradient with respect to the probability p = sigmoid(z), not the logit: the chain rule "
         "multiplies it by dp/dz = p (1 - p)."):
            lambda g: lbn.binary_cross_entropy.grad(_sigmoid(g["z"]), g["y"]),
    },
    remark="Per example it is sigmoid(z) - y: the predicted probability minus the label.",
)


# ----------------------------------------------------------------------------------------------- Poisson rate

def _poisson_objective(value, g):
    if not value > 0:
        return np.inf  # a rate must be positive for these counts
    counts = g["counts"]
    return lbn.poisson_nll(np.full(counts.shape, value), counts, log_input=False)


chapter.add(
    "poisson-rate",
    title="the constant rate that best explains seven counts",
    given={"counts": np.array([0.0, 2.0, 1.0, 7.0, 3.0, 0.0, 4.0])},
    kind=Minimiser(objective=_poisson_objective, what="the mean Poisson NLL", rtol=1e-8),
    solution=lambda g: np.mean(g["counts"]),
    hint=("the Poisson NLL of a count y at rate lam is lam - y log(lam) (plus a term without lam). Average it over "
          "the counts and set the derivative with respect to lam to zero."),
    mistakes={
        "that is the median, which minimises the MAE; the Poisson NLL is minimised by another average.":
            lambda g: np.median(g["counts"]),
        "that is the logarithm of the best rate (the best log-rate); the question asks for the rate itself.":
            lambda g: np.log(np.mean(g["counts"])),
    },
    remark="The best constant rate is the mean count, as for the MSE; the two losses differ in how they weigh points.",
)


# -------------------------------------------------------------------------------------------- cross-entropy in bits

_P = np.array([0.5, 0.25, 0.125, 0.125])
_Q = np.array([0.4, 0.3, 0.2, 0.1])


def _cross_entropy(target, prediction):
    return lbn.categorical_cross_entropy(prediction[None, :], target[None, :])


chapter.add(
    "cross-entropy-bits",
    title="the cross-entropy H(p, q) in bits",
    given={"p": _P, "q": _Q},
    kind=Number(rtol=1e-6),
    solution=lambda g: _cross_entropy(g["p"], g["q"]) / _LN2,
    hint=("H(p, q) = -sum_c p_c log q_c: outcomes come from p, the code (or the model) is q. A logarithm to base 2 "
          "gives bits; the natural logarithm gives nats."),
    mistakes={
        "that is in nats (natural logarithm); divide by log(2) for bits.":
            lambda g: _cross_entropy(g["p"], g["q"]),
        "that is the entropy H(p), the cross-entropy of p with itself; the code here is built for q.":
            lambda g: _cross_entropy(g["p"], g["p"]) / _LN2,
        "that is the KL divergence KL(p || q), the excess over the entropy; the cross-entropy includes H(p).":
            lambda g: lbn.kl_divergence(g["q"][None, :], g["p"][None, :]) / _LN2,
        "p and q are swapped: the outcomes follow p, and their code lengths come from q.":
            lambda g: _cross_entropy(g["q"], g["p"]) / _LN2,
    },
    remark="It is H(p) + KL(p || q): the bits an ideal code for p needs, plus the price of using a code for q.",
)


# ------------------------------------------------------------------------------------------ an L2 penalty as a prior

def _ridge(g, *, per_example=True, factor=1.0):
    n = g["n"] if per_example else 1
    return factor * g["sigma"] ** 2 / (n * g["tau"] ** 2)


chapter.add(
    "ridge-strength",
    title="the L2 strength that a Gaussian prior on the weights implies",
    given={"sigma": 0.5, "tau": 2.0, "n": 200},
    kind=Number(rtol=1e-6),
    solution=_ridge,
    hint=("the negative log-posterior is sum_i r_i**2 / (2 sigma**2) + sum_j w_j**2 / (2 tau**2) plus constants. "
          "Multiply it by the factor that turns its first term into the MSE (a mean over the n examples)."),
    mistakes={
        "the MSE is a mean over the n examples: dividing the summed squared error by n divides the penalty too.":
            lambda g: _ridge(g, per_example=False),
        "sigma and tau are swapped: a wider prior (larger tau) should mean a weaker penalty.":
            lambda g: g["tau"] ** 2 / (g["n"] * g["sigma"] ** 2),
        "the variances sigma**2 and tau**2 enter, not the standard deviations.":
            lambda g: g["sigma"] / (g["n"] * g["tau"]),
        "the factors 1/2 cancel: both terms carry one.":
            lambda g: _ridge(g, factor=0.5),
    },
    remark="A tighter prior or noisier data (larger sigma) means a stronger penalty; more data, a weaker one.",
)


# -------------------------------------------------------------------------------------------------- proper or not

_RULES = ("log loss", "Brier score", "absolute error")

chapter.add(
    "proper-or-not",
    title="which scoring rule for a predicted probability q of a 0/1 outcome is not proper?",
    given={"options": list(_RULES)},
    kind=Choice(_RULES),
    solution=lambda g: "absolute error",
    hint=("take the outcome to be 1 with probability p, write each rule's expected value as a function of q, and "
          "find where it is smallest."),
    mistakes={
        "the log loss is strictly proper: its expected value -p log q - (1 - p) log(1 - q) is smallest at q = p.":
            lambda g: "log loss",
        "the Brier score is proper: its expected value (q - p)**2 + p (1 - p) is smallest at q = p.":
            lambda g: "Brier score",
    },
    remark=("The expected absolute error p (1 - q) + (1 - p) q is linear in q: it is smallest at q = 1 whenever "
            "p > 1/2, so it rewards exaggeration."),
)


# ----------------------------------------------------------------------------------------------------- ECE by hand

_ECE_DATA = {"probs": np.array([0.15, 0.35, 0.3, 0.65, 0.7, 0.85, 0.95, 0.9]),
             "labels": np.array([0, 1, 0, 1, 0, 0, 1, 1]), "bins": 5}


def _unweighted_ece(g):
    rel = calibration.reliability(g["probs"], g["labels"], bins=g["bins"])
    return float(np.nanmean(rel.gaps))


def _signed_ece(g):
    rel = calibration.reliability(g["probs"], g["labels"], bins=g["bins"])
    filled = rel.counts > 0
    return float(abs(np.sum(rel.counts[filled] / rel.total * (rel.predicted - rel.observed)[filled])))


chapter.add(
    "ece-by-hand",
    title="the expected calibration error of eight predictions",
    given=_ECE_DATA,
    kind=Number(rtol=1e-6),
    solution=lambda g: calibration.expected_calibration_error(g["probs"], g["labels"], bins=g["bins"]),
    hint=("use bins of width 0.2: [0, 0.2], (0.2, 0.4], ... In each non-empty bin take |mean probability - "
          "fraction of 1s|, then average these gaps weighted by the number of predictions in each bin."),
    mistakes={
        "each bin's gap must be weighted by its share of the predictions, not counted once per bin.":
            _unweighted_ece,
        ("the gaps must be made positive (absolute values) before they are averaged: over- and under-confident "
         "bins must not cancel."): _signed_ece,
    },
    remark="With eight predictions the ECE is a rough estimate: it needs many examples per bin to mean much.",
)

"""Self-checks for the regression chapter.

>>> from lossbook.book.exercises import regression as ex
>>> ex.ids()  # doctest: +NORMALIZE_WHITESPACE
['huber-by-hand', 'huber-gradient', 'mae-minimiser', 'quantile-minimiser',
 'pinball-function', 'loss-for-the-median', 'delta-from-residuals']
>>> ex.describe("huber-by-hand")
huber-by-hand: the mean Huber loss of four predictions
  y_pred = [2.5, 0.0, 1.2, -1.0]
  y_true = [1.0, 0.5, 1.0, 2.0]
  delta = 2.0
Answer: a number (compared within a relative tolerance of 1e-06).
>>> ex.check("loss-for-the-median", "MSE")
Not yet: the MSE is minimised by the mean, which one outlier can move far.
Verdict(False)
"""

from __future__ import annotations

import numpy as np

from lossbook import numpy as lbn
from lossbook.book.exercises import Chapter
from lossbook.book.exercises.answers import Array, Case, Choice, Function, Minimiser, Number

chapter = Chapter("regression")
check, describe, given, ids = chapter.check, chapter.describe, chapter.given, chapter.ids


def _huber(g, **options):
    return lbn.huber(g["y_pred"], g["y_true"], delta=g["delta"], **options)


def _huber_slip(g, *, quadratic=0.5, offset=True):
    """The mean Huber loss computed with a usual slip: ``quadratic * r**2`` inside, no ``- delta / 2`` outside."""
    r, d = g["y_pred"] - g["y_true"], g["delta"]
    outside = d * (np.abs(r) - d / 2) if offset else d * np.abs(r)
    return np.mean(np.where(np.abs(r) <= d, quadratic * r**2, outside))


_HUBER_DATA = {"y_pred": np.array([2.5, 0.0, 1.2, -1.0]), "y_true": np.array([1.0, 0.5, 1.0, 2.0]), "delta": 2.0}

chapter.add(
    "huber-by-hand",
    title="the mean Huber loss of four predictions",
    given=_HUBER_DATA,
    kind=Number(rtol=1e-6),
    solution=_huber,
    hint=("compute the residuals r = y_pred - y_true first. A residual with |r| <= delta costs r**2 / 2, a larger "
          "one delta * (|r| - delta / 2); then average."),
    mistakes={
        "inside delta the cost is r**2 / 2: the factor one half is missing.":
            lambda g: _huber_slip(g, quadratic=1.0),
        "beyond delta the cost is delta * (|r| - delta / 2): without the - delta / 2 the two pieces do not meet.":
            lambda g: _huber_slip(g, offset=False),
        "that is the sum over the four predictions; the loss is their mean.":
            lambda g: _huber(g, reduction="sum"),
        "that is the Smooth L1 loss, Huber divided by delta.":
            lambda g: lbn.smooth_l1(g["y_pred"], g["y_true"], beta=g["delta"]),
        "residuals beyond delta are charged linearly, not r**2 / 2.":
            lambda g: lbn.mse(g["y_pred"], g["y_true"]) / 2,
    },
)

chapter.add(
    "huber-gradient",
    title="the gradient of the mean Huber loss with respect to each prediction",
    given=_HUBER_DATA,
    kind=Array(rtol=1e-6),
    solution=lambda g: lbn.huber.grad(g["y_pred"], g["y_true"], delta=g["delta"]),
    hint=("differentiate each piece with respect to y_pred: r inside delta, delta * sign(r) outside; the mean "
          "divides every term by the number of predictions."),
    mistakes={
        "that is the gradient of the sum: the mean divides each term by the number of predictions.":
            lambda g: lbn.huber.grad(g["y_pred"], g["y_true"], delta=g["delta"], reduction="sum"),
        "the signs are reversed: that is the derivative with respect to y_true, not y_pred.":
            lambda g: -lbn.huber.grad(g["y_pred"], g["y_true"], delta=g["delta"]),
        "that is the gradient of the MSE: beyond delta the Huber gradient stops growing.":
            lambda g: lbn.mse.grad(g["y_pred"], g["y_true"]) / 2,
    },
)

_TARGETS = {"y_true": np.array([2.0, 9.0, 4.0, 7.0, 30.0, 5.0])}


def _mae_of_constant(c, g):
    return lbn.mae(np.full_like(g["y_true"], c), g["y_true"])


chapter.add(
    "mae-minimiser",
    title="the constant prediction with the smallest MAE",
    given=_TARGETS,
    kind=Minimiser(_mae_of_constant, what="the MAE"),
    solution=lambda g: np.median(g["y_true"]),
    hint=("the derivative of the MAE with respect to the constant counts the targets below it minus those above "
          "it. Where does that count change sign?"),
    mistakes={"that is the mean, which minimises the MSE; the outlier at 30 pulls it up, and the MAE does not "
              "follow.": lambda g: np.mean(g["y_true"])},
    remark=("With an even number of targets every value between the two middle ones gives the same MAE: the "
            "minimiser need not be unique."),
)


def _pinball_of_constant(c, g):
    return lbn.quantile(np.full_like(g["y_true"], c), g["y_true"], q=g["q"])


def _best_target(g):
    """The target with the smallest mean pinball loss: a convex, piecewise linear function of the constant has a
    minimiser at one of its kinks, the targets."""
    return min(g["y_true"], key=lambda c: _pinball_of_constant(c, g))


_QUANTILE_TARGETS = {"y_true": np.array([3.0, 8.0, 1.0, 12.0, 6.0, 4.0, 9.0, 2.0, 15.0]), "q": 0.8}

chapter.add(
    "quantile-minimiser",
    title="the constant prediction with the smallest pinball loss at q = 0.8",
    given=_QUANTILE_TARGETS,
    kind=Minimiser(_pinball_of_constant, what="the mean pinball loss"),
    solution=_best_target,
    hint=("raise the constant a little: each target below it costs 1 - q more per unit, each target above it q "
          "less. So the loss falls while the fraction of targets below the constant is less than q. Where does "
          "that stop?"),
    mistakes={
        "that is the median, the minimiser at q = 0.5; at q = 0.8 under-predictions cost more, so the best "
        "constant is higher.": lambda g: np.median(g["y_true"]),
        "that is the mean, which minimises the MSE, not the pinball loss.": lambda g: np.mean(g["y_true"]),
        ("the two sides are swapped: at q = 0.8 an under-prediction (a target above the constant) costs 0.8 per "
         "unit, so about 80 % of the targets should lie below the best constant, not 20 %."):
            lambda g: _best_target({**g, "q": 1 - g["q"]}),
    },
    remark="About 80 % of the targets lie below it: the pinball loss at q picks the q-quantile.",
)

def _pinball(y_pred, y_true, q):
    return lbn.quantile(y_pred, y_true, q=q, reduction="none")


_rng = np.random.default_rng(20240607)
_PINBALL_CASES = (
    Case("under-predictions (y_true > y_pred) with q = 0.3", (np.array([0.0, 1.0, -2.0]), np.array([1.5, 4.0, 0.0]),
                                                              0.3)),
    Case("over-predictions (y_pred > y_true) with q = 0.3", (np.array([2.0, 1.0, 0.5]), np.array([0.0, -3.0, 0.25]),
                                                             0.3)),
    Case("exact predictions", (np.array([1.0, -2.0]), np.array([1.0, -2.0]), 0.7)),
    Case("q = 0.5", (np.array([0.0, 3.0]), np.array([2.0, 1.0]), 0.5)),
    Case("q close to 0", (np.array([0.0, 0.0, 5.0]), np.array([1.0, -1.0, 2.0]), 0.02)),
    Case("q close to 1", (np.array([0.0, 0.0, 5.0]), np.array([1.0, -1.0, 2.0]), 0.98)),
    Case("a batch of 50 random predictions", (_rng.normal(size=50), _rng.normal(size=50), 0.8)),
    Case("2-D inputs of shape (4, 3)", (_rng.normal(size=(4, 3)), _rng.normal(size=(4, 3)), 0.25)),
)

chapter.add(
    "pinball-function",
    title="your own pinball (quantile) loss",
    kind=Function(signature="pinball(y_pred, y_true, q)", returns="one loss value per element (no mean)",
                  cases=_PINBALL_CASES),
    solution=lambda g: _pinball,
    hint=("write r = y_true - y_pred. An under-prediction (r > 0) costs q times its size, an over-prediction "
          "(r < 0) costs 1 - q times its size; return one value per element, without averaging."),
    mistakes={
        ("the two sides are swapped: an under-prediction (y_true > y_pred) costs q times its size, an "
         "over-prediction 1 - q times."): lambda g: lambda y_pred, y_true, q: _pinball(y_pred, y_true, 1 - q),
        "that is the absolute error: the pinball loss weights the two sides by q and 1 - q.":
            lambda g: lambda y_pred, y_true, q: np.abs(y_pred - y_true),
    },
)

chapter.add(
    "loss-for-the-median",
    title="which loss makes a model predict the median?",
    given={"options": ["MSE", "MAE", "log-cosh", "Huber"]},
    kind=Choice(("MSE", "MAE", "log-cosh", "Huber")),
    solution=lambda g: "MAE",
    hint="think of a constant prediction and the targets [1, 2, 100]: which loss does the outlier not move?",
    mistakes={
        "the MSE is minimised by the mean, which one outlier can move far.": lambda g: "MSE",
        "Huber predicts something between the mean and the median, depending on delta.": lambda g: "Huber",
        "log-cosh is close to Huber with delta = 1: between the mean and the median.": lambda g: "log-cosh",
    },
)


_FIRST_FIT_RESIDUALS = {"residuals": np.array([0.4, -1.1, 0.3, 2.0, -0.2, 0.9, -0.6, 35.0, 0.1, -1.5, 0.7, -40.0])}

#: Huber's tuning constant (95 % efficiency for Gaussian noise) and the factor that turns a median absolute
#: deviation into an estimate of a Gaussian standard deviation, as ``lossbook.choose`` uses them.
_HUBER_K, _MAD_TO_SIGMA = 1.345, 1.4826


def _mad(r, centre=np.median):
    return np.median(np.abs(r - centre(r)))


chapter.add(
    "delta-from-residuals",
    title="Huber's delta from the residuals of a first fit (1.345 * 1.4826 * MAD)",
    given=_FIRST_FIT_RESIDUALS,
    kind=Number(rtol=1e-3),
    solution=lambda g: _HUBER_K * _MAD_TO_SIGMA * _mad(g["residuals"]),
    hint=("take the median of the residuals; then the median of the absolute differences between each residual "
          "and that median (the MAD); then delta = 1.345 * 1.4826 * MAD."),
    mistakes={
        "that uses the standard deviation, which the two outliers (35 and -40) inflate; use the median absolute "
        "deviation.": lambda g: _HUBER_K * np.std(g["residuals"]),
        "that is 1.345 * MAD: multiply the MAD by 1.4826 first, to estimate the noise's standard deviation.":
            lambda g: _HUBER_K * _mad(g["residuals"]),
        "that is 1.4826 * MAD, the estimate of the noise's standard deviation; delta is 1.345 times it.":
            lambda g: _MAD_TO_SIGMA * _mad(g["residuals"]),
        "the MAD is the median of the absolute deviations, not their mean.":
            lambda g: _HUBER_K * _MAD_TO_SIGMA * np.mean(np.abs(g["residuals"] - np.median(g["residuals"]))),
        "the deviations are measured from the median of the residuals: subtract it before taking absolute values.":
            lambda g: _HUBER_K * _MAD_TO_SIGMA * _mad(g["residuals"], centre=lambda r: 0.0),
    },
    remark=("The standard deviation of these residuals is about 15, almost all of it from the two outliers; the "
            "MAD hardly notices them."),
)

"""Self-checks for the binary classification chapter.

>>> from lossbook.book.exercises import binary_classification as ex
>>> ex.ids()  # doctest: +NORMALIZE_WHITESPACE
['bce-from-logits', 'bce-gradient', 'stable-bce', 'hinge-with-01-labels', 'inside-the-margin',
 'balancing-pos-weight', 'error-rate-of-logits', 'loss-for-probabilities']
>>> ex.describe("bce-from-logits")
bce-from-logits: the mean binary cross-entropy of four logits
  z = [2.0, -1.0, 0.5, -3.0]
  y = [1.0, 0.0, 0.0, 1.0]
Answer: a number (compared within a relative tolerance of 1e-06).
>>> verdict = ex.check("hinge-with-01-labels", 0.64)
Not yet: with 0/1 labels every negative example has the margin 0 * s = 0
  and costs exactly 1 whatever its score. Convert the labels to -1/+1 with
  2*y - 1 first.
>>> bool(verdict)
False
"""

from __future__ import annotations

import numpy as np

from lossbook import numpy as lbn
from lossbook.book.exercises import Chapter
from lossbook.book.exercises.answers import Array, Case, Choice, Function, Number

chapter = Chapter("binary_classification")
check, describe, given, ids = chapter.check, chapter.describe, chapter.given, chapter.ids


def _sigmoid(z):
    return 1 / (1 + np.exp(-z))


def _bce(g, **options):
    return lbn.binary_cross_entropy(g["z"], g["y"], from_logits=True, **options)


def _bce_grad(g, **options):
    return lbn.binary_cross_entropy.grad(g["z"], g["y"], from_logits=True, **options)


_LOGITS = {"z": np.array([2.0, -1.0, 0.5, -3.0]), "y": np.array([1.0, 0.0, 0.0, 1.0])}

chapter.add(
    "bce-from-logits",
    title="the mean binary cross-entropy of four logits",
    given=_LOGITS,
    kind=Number(rtol=1e-6),
    solution=_bce,
    hint=("turn each logit into a probability p = sigmoid(z). A positive label (y = 1) costs -log p, a negative "
          "one -log(1 - p), with natural logarithms; then average."),
    mistakes={
        "that is the sum over the four examples; the loss is their mean.": lambda g: _bce(g, reduction="sum"),
        "that is the loss in bits (base-2 logarithms); the book, like every framework, uses natural logarithms.":
            lambda g: _bce(g) / np.log(2),
        ("the labels are swapped: a positive label (y = 1) costs -log p, where p = sigmoid(z) is the probability "
         "of the positive class."): lambda g: lbn.binary_cross_entropy(g["z"], 1 - g["y"], from_logits=True),
        "the sign is wrong: a loss of this kind is never negative, it is minus the log of a probability.":
            lambda g: -_bce(g),
    },
)

chapter.add(
    "bce-gradient",
    title="the gradient of the mean binary cross-entropy with respect to each logit",
    given=_LOGITS,
    kind=Array(rtol=1e-6),
    solution=_bce_grad,
    hint=("for one example, differentiate y log(1 + exp(-z)) + (1 - y) log(1 + exp(z)) with respect to z: "
          "d/dz log(1 + exp(z)) = sigmoid(z). Then remember that the mean divides each term by the number of "
          "examples."),
    mistakes={
        "that is the gradient of the sum: the mean divides each term by the number of examples.":
            lambda g: _bce_grad(g, reduction="sum"),
        ("the signs are reversed: the loss falls as the logit moves towards the label, so the gradient is "
         "positive for a negative label."): lambda g: -_bce_grad(g),
        ("that is the gradient with respect to the probability p, not the logit z: the chain rule multiplies it "
         "by dp/dz = p (1 - p)."):
            lambda g: lbn.binary_cross_entropy.grad(_sigmoid(g["z"]), g["y"]),
    },
)


def _bce_per_element(z, y):
    return lbn.binary_cross_entropy(z, y, from_logits=True, reduction="none")


_rng = np.random.default_rng(20240611)
_BCE_CASES = (
    Case("moderate logits", (np.array([-2.0, 0.5, 3.0]), np.array([1.0, 0.0, 1.0]))),
    Case("large positive logits (z = 40 and 800)", (np.array([40.0, 800.0, 40.0, 800.0]),
                                                    np.array([0.0, 0.0, 1.0, 1.0]))),
    Case("large negative logits (z = -40 and -800)", (np.array([-40.0, -800.0, -40.0, -800.0]),
                                                      np.array([1.0, 1.0, 0.0, 0.0]))),
    Case("soft labels (y = 0.3 and 0.9)", (np.array([1.0, -2.0]), np.array([0.3, 0.9]))),
    Case("a zero logit", (np.array([0.0, 0.0]), np.array([0.0, 1.0]))),
    Case("2-D inputs of shape (3, 4)", (_rng.normal(0, 4, size=(3, 4)), _rng.integers(0, 2, size=(3, 4)) * 1.0)),
)

chapter.add(
    "stable-bce",
    title="your own binary cross-entropy on logits, exact at any logit",
    kind=Function(signature="bce(z, y)", returns="one loss value per element (no mean)", cases=_BCE_CASES),
    solution=lambda g: _bce_per_element,
    hint=("np.log(1 + np.exp(z)) overflows once z is above about 709, and log(1 - sigmoid(z)) hits log 0 "
          "long before that. Write the loss with softplus(x) = log(1 + exp(x)) and compute softplus so that exp "
          "only ever sees a number that is not positive."),
    mistakes={
        ("the two terms are swapped: a positive label (y = 1) costs softplus(-z), which is small when z is "
         "large."): lambda g: lambda z, y: _bce_per_element(-np.asarray(z), y),
    },
)

_SCORES = {"s": np.array([1.5, -0.3, 0.8, -2.0, 0.2]), "y": np.array([1, 0, 1, 0, 0])}


def _hinge01(g, **options):
    return lbn.hinge(g["s"], 2 * g["y"] - 1, **options)


chapter.add(
    "hinge-with-01-labels",
    title="the mean hinge loss of five scores whose labels are stored as 0/1",
    given=_SCORES,
    kind=Number(rtol=1e-6),
    solution=_hinge01,
    hint=("the hinge loss max(0, 1 - y s) expects labels in {-1, +1}. Compute each margin y s, then the loss of "
          "each example, then average."),
    mistakes={
        ("with 0/1 labels every negative example has the margin 0 * s = 0 and costs exactly 1 whatever its "
         "score. Convert the labels to -1/+1 with 2*y - 1 first."):
            lambda g: float(np.mean(np.maximum(0.0, 1.0 - g["y"] * g["s"]))),
        "that is the sum over the five examples; the loss is their mean.": lambda g: _hinge01(g, reduction="sum"),
    },
)

_MARGINS = {"s": np.array([2.0, 0.4, -1.5, 1.3, -0.2, -3.0, 1.2, -2.5]),
            "y": np.array([1, 1, -1, 1, 1, -1, -1, 1])}

chapter.add(
    "inside-the-margin",
    title="how many examples get a gradient from the hinge loss (margin y s below 1)?",
    given=_MARGINS,
    kind=Number(),
    solution=lambda g: int(np.sum(g["y"] * g["s"] < 1)),
    hint=("compute the margin y s of each example. The hinge loss is flat, with zero gradient, where the margin "
          "is 1 or more; every other example pushes on the weights."),
    mistakes={
        ("that counts the mistakes only (y s < 0). An example on the right side but with a margin below 1 also "
         "gets a gradient: the hinge asks for room to spare."): lambda g: int(np.sum(g["y"] * g["s"] < 0)),
        ("that counts the scores between -1 and +1. The margin is y s, not |s|: an example far on the wrong "
         "side (y s < -1) gets a gradient too."): lambda g: int(np.sum(np.abs(g["s"]) < 1)),
    },
    remark="These are the support vectors of this model: only they shape the next gradient step.",
)

_IMBALANCED = {"y": np.array([0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0,
                              0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0])}


def _counts(g):
    y = g["y"]
    return int(np.sum(y == 0)), int(np.sum(y == 1))


chapter.add(
    "balancing-pos-weight",
    title="the pos_weight that gives both classes the same total weight",
    given=_IMBALANCED,
    kind=Number(rtol=1e-6),
    solution=lambda g: _counts(g)[0] / _counts(g)[1],
    hint=("pos_weight multiplies the loss of every positive example. Choose it so that the positives' weights add "
          "up to as much as the negatives' (each negative has weight 1)."),
    mistakes={
        "that is n_pos / n_neg, which makes the positives count even less; turn the ratio over.":
            lambda g: _counts(g)[1] / _counts(g)[0],
        ("that is n / n_pos, with all the examples in the numerator: the positives would then outweigh the "
         "negatives."): lambda g: len(g["y"]) / _counts(g)[1],
    },
)

_DECISIONS = {"z": np.array([2.1, 0.3, -0.4, 0.7, -1.8, -0.6, 0.2, 0.4]), "y": np.array([1, 0, 1, 1, 0, 0, 1, 1])}

chapter.add(
    "error-rate-of-logits",
    title="the error rate of a model that outputs logits",
    given=_DECISIONS,
    kind=Number(rtol=1e-6),
    solution=lambda g: lbn.zero_one(g["z"], g["y"], threshold=0.0),
    hint=("the model predicts the positive class where its probability sigmoid(z) is above 1/2. Which logits is "
          "that? Count the examples whose prediction differs from the label and divide by their number."),
    mistakes={
        ("you used the threshold 0.5, which is for probabilities (and lossbook's default): a logit gives a "
         "probability above 1/2 exactly when z > 0."): lambda g: lbn.zero_one(g["z"], g["y"]),
        "that is the accuracy; the error rate is the share of wrong predictions, 1 - accuracy.":
            lambda g: 1 - lbn.zero_one(g["z"], g["y"], threshold=0.0),
    },
)

chapter.add(
    "loss-for-probabilities",
    title="a screening model must say how likely each mass is to be malignant: which loss do you train it with?",
    given={"options": ["BCE", "hinge", "squared hinge", "zero-one"]},
    kind=Choice(("BCE", "hinge", "squared hinge", "zero-one")),
    solution=lambda g: "BCE",
    hint="which of these losses is minimised, for each input, by the true probability of the positive class?",
    mistakes={
        ("the hinge loss is zero for every margin above 1, so it does not care how far beyond the margin a score "
         "goes: its scores are not probabilities."): lambda g: "hinge",
        ("the squared hinge, like the hinge, stops caring once the margin reaches 1: its scores are not "
         "probabilities."): lambda g: "squared hinge",
        ("the zero-one loss has zero gradient almost everywhere, so nothing can be trained on it, and it ignores "
         "confidence altogether."): lambda g: "zero-one",
    },
    remark="BCE is the negative log-likelihood of a Bernoulli label: its minimiser is the true probability.",
)

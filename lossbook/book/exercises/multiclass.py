"""Self-checks for the multi-class chapter (softmax, cross-entropy, sparse labels).

>>> from lossbook.book.exercises import multiclass as ex
>>> ex.ids()
['ce-by-hand', 'ce-gradient', 'softmax-jacobian', 'uniform-start', 'weighted-mean', 'double-softmax-floor']
>>> ex.describe("uniform-start")
uniform-start: the loss of a classifier that gives every class the same
  logit
  classes = 10
Answer: a number (compared within a relative tolerance of 1e-06).
>>> ex.check("uniform-start", 0.1)
Not yet: that is the probability of each class; the loss is minus its
  natural logarithm.
Verdict(False)
"""

from __future__ import annotations

import numpy as np

from lossbook import numpy as lbn
from lossbook.book.exercises import Chapter
from lossbook.book.exercises.answers import Array, Number

chapter = Chapter("multiclass")
check, describe, given, ids = chapter.check, chapter.describe, chapter.given, chapter.ids

_LOGITS = {
    "logits": np.array([[2.0, 1.0, 0.0, -1.0],
                        [0.5, 0.5, 2.0, 0.0],
                        [1.0, 3.0, 0.0, 0.5]]),
    "labels": np.array([0, 3, 1]),
}


def _ce(g, **options):
    return lbn.sparse_categorical_cross_entropy(g["logits"], g["labels"], from_logits=True, **options)


def _softmax(z):
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def _ce_gradient(g, **options):
    return lbn.sparse_categorical_cross_entropy.grad(g["logits"], g["labels"], from_logits=True, **options)


chapter.add(
    "ce-by-hand",
    title="the mean cross-entropy of three examples, from their logits",
    given=_LOGITS,
    kind=Number(rtol=1e-6),
    solution=_ce,
    hint=("for each example, turn its logits into probabilities with the softmax and take minus the natural "
          "logarithm of the probability of its true class; then average over the examples."),
    mistakes={
        "that is the sum over the three examples; the loss is their mean.": lambda g: _ce(g, reduction="sum"),
        "that is in bits (log base 2); losses use the natural logarithm, in nats.": lambda g: _ce(g) / np.log(2),
        ("that is minus the mean logit of the true class: the log-sum-exp term that normalises the softmax is "
         "missing."): lambda g: -np.mean(g["logits"][np.arange(3), g["labels"]]),
    },
)

chapter.add(
    "ce-gradient",
    title="the gradient of the mean cross-entropy with respect to the logits",
    given=_LOGITS,
    kind=Array(rtol=1e-6),
    solution=_ce_gradient,
    hint=("for one example the gradient with respect to its logits is softmax(z) minus the one-hot row of its "
          "label; the mean over N examples divides each row by N."),
    mistakes={
        "that is the gradient of the sum: the mean divides every row by the number of examples.":
            lambda g: _ce_gradient(g, reduction="sum"),
        "the signs are reversed: the gradient is predicted minus target, p - y, not y - p.":
            lambda g: -_ce_gradient(g),
        "that is the softmax divided by N: the one-hot target still has to be subtracted.":
            lambda g: _softmax(g["logits"]) / len(g["labels"]),
    },
)


def _jacobian(g):
    p = _softmax(g["z"])
    return np.diag(p) - np.outer(p, p)


chapter.add(
    "softmax-jacobian",
    title="the Jacobian of the softmax, J[i, j] = d softmax(z)_i / d z_j",
    given={"z": np.array([1.0, 0.0, -1.0])},
    kind=Array(rtol=1e-6),
    solution=_jacobian,
    hint=("differentiate p_i = exp(z_i) / sum_k exp(z_k) with the quotient rule, once for j = i and once for "
          "j != i, and write both cases with p."),
    mistakes={
        "that is only the diagonal part diag(p): every probability also depends on the other logits.":
            lambda g: np.diag(_softmax(g["z"])),
        "that is diag(p(1 - p)): the entries off the diagonal, -p_i p_j, are missing.":
            lambda g: np.diag(_softmax(g["z"]) * (1 - _softmax(g["z"]))),
        "the signs are reversed: a logit raises its own probability and lowers the others.":
            lambda g: -_jacobian(g),
    },
    remark="Each row sums to 0: raising every logit by the same amount changes no probability.",
)

chapter.add(
    "uniform-start",
    title="the loss of a classifier that gives every class the same logit",
    given={"classes": 10},
    kind=Number(rtol=1e-6),
    solution=lambda g: lbn.sparse_categorical_cross_entropy(np.zeros((1, g["classes"])), np.array([0]),
                                                            from_logits=True),
    hint="equal logits make the softmax uniform. What probability does the true class get, and what is its loss?",
    mistakes={
        "that is the probability of each class; the loss is minus its natural logarithm.":
            lambda g: 1 / g["classes"],
        "that is in bits (log base 2); losses use the natural logarithm, in nats.":
            lambda g: np.log2(g["classes"]),
    },
    remark="A run whose first recorded loss is far from log C does not start from a neutral guess.",
)

_WEIGHTED = {
    "logits": np.array([[2.0, 0.5, -1.0],
                        [0.1, 1.5, 0.3],
                        [-0.5, 0.2, 2.2],
                        [1.0, 1.0, 0.0]]),
    "labels": np.array([0, 1, -100, 2]),
    "ignore_index": -100,
    "class_weight": np.array([1.0, 2.0, 0.5]),
}


def _weighted(g):
    return lbn.sparse_categorical_cross_entropy(g["logits"], g["labels"], from_logits=True,
                                                ignore_index=g["ignore_index"], class_weight=g["class_weight"])


def _weighted_sum(g):
    return lbn.sparse_categorical_cross_entropy(g["logits"], g["labels"], from_logits=True, reduction="sum",
                                                ignore_index=g["ignore_index"], class_weight=g["class_weight"])


chapter.add(
    "weighted-mean",
    title="the mean loss with ignore_index and class_weight together",
    given=_WEIGHTED,
    kind=Number(rtol=1e-6),
    solution=_weighted,
    hint=("multiply each kept example's cross-entropy by the weight of its class, add them up, and divide by the "
          "sum of the weights of the kept examples' classes; the ignored example counts nowhere."),
    mistakes={
        "that divides by the number of kept examples; a weighted mean divides by the sum of their weights.":
            lambda g: _weighted_sum(g) / 3,
        "that divides by all four examples; the ignored one is left out of the denominator too.":
            lambda g: _weighted_sum(g) / 4,
    },
)

chapter.add(
    "double-softmax-floor",
    title="the lowest loss a double softmax allows, for C classes",
    given={"classes": 5},
    kind=Number(rtol=1e-6),
    solution=lambda g: np.log(np.e + g["classes"] - 1) - 1,
    hint=("the loss applies a softmax to probabilities q that lie in [0, 1]. Which q makes the true class's "
          "share largest, and what is the loss there?"),
    mistakes={
        "that is log C, the loss of a uniform guess; the double softmax can do a little better than that.":
            lambda g: np.log(g["classes"]),
        "that is log C - 1, the large-C approximation; the exact floor is slightly higher.":
            lambda g: np.log(g["classes"]) - 1,
    },
)

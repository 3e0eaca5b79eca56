"""Self-checks for the multi-label chapter.

>>> from lossbook.book.exercises import multilabel as ex
>>> ex.ids()
['output-layer', 'bce-gradient', 'softmax-floor', 'hamming-loss', 'macro-f1', 'pos-weight']
>>> ex.describe("softmax-floor")
softmax-floor: the lowest categorical cross-entropy a softmax can approach
  on a multi-hot target
  y_true = [1.0, 1.0, 1.0, 0.0, 0.0]
Answer: a number (compared within a relative tolerance of 0.002).
>>> verdict = ex.check("softmax-floor", 0.0)
Not yet: a softmax cannot reach 0 on this target: its probabilities sum to
  1, so the true labels cannot all have probability 1.
>>> bool(verdict)
False
"""

from __future__ import annotations

import numpy as np

from lossbook import numpy as lbn
from lossbook.book.exercises import Chapter
from lossbook.book.exercises.answers import Array, Choice, Number

chapter = Chapter("multilabel")
check, describe, given, ids = chapter.check, chapter.describe, chapter.given, chapter.ids

# ------------------------------------------------------------------------------------------- the output layer

_LAYERS = ("one softmax over the labels", "one sigmoid per label", "one linear output per label with MSE")

chapter.add(
    "output-layer",
    title="the last layer of a model that tags photos with any of 20 keywords",
    given={"options": list(_LAYERS)},
    kind=Choice(_LAYERS),
    solution=lambda g: "one sigmoid per label",
    hint=("ask whether a photo can have two keywords at once, or none, and which last layer can say so."),
    mistakes={
        ("a softmax makes the 20 probabilities sum to 1: it cannot give two keywords a high probability each, "
         "or say that none applies."): lambda g: "one softmax over the labels",
        ("each keyword is a yes/no question: a squared error on 0/1 targets gives no probabilities and a weak "
         "gradient where the model is confidently wrong."): lambda g: "one linear output per label with MSE",
    },
    remark="Each keyword gets its own yes/no probability, and the loss is the binary cross-entropy on (N, C).",
)

# ---------------------------------------------------------------------------------- the gradient of the loss

_LOGITS = np.array([[2.0, -1.0, 0.5], [-0.5, 1.5, -2.0]])
_TARGETS = np.array([[1.0, 0.0, 1.0], [0.0, 0.0, 1.0]])


def _bce_grad(g, **options):
    return lbn.binary_cross_entropy.grad(g["logits"], g["y_true"], from_logits=True, **options)


chapter.add(
    "bce-gradient",
    title="the gradient of the mean binary cross-entropy with respect to each logit",
    given={"logits": _LOGITS, "y_true": _TARGETS},
    kind=Array(rtol=1e-6),
    solution=_bce_grad,
    hint=("differentiate one entry's loss with respect to its own logit, using sigma'(z) = sigma(z) (1 - "
          "sigma(z)); the mean then divides every entry by the number of entries."),
    mistakes={
        ("that is the gradient of the sum, sigmoid(z) - y: the mean divides every entry by the number of entries, "
         "N * C."): lambda g: _bce_grad(g, reduction="sum"),
        ("that divides by N only; the mean binary cross-entropy on (N, C) averages over all N * C entries."):
            lambda g: _bce_grad(g, reduction="sum") / len(g["logits"]),
        "the sign is reversed: the gradient is positive where the probability is above its target.":
            lambda g: -_bce_grad(g),
    },
    remark="Each entry's gradient depends on its own logit and target only.",
)

# ------------------------------------------------------------------------------------ the floor of a softmax


def _cce_floor(g, normalise=False):
    y = np.asarray(g["y_true"], dtype=float)
    best = y / y.sum()  # the probabilities the softmax approaches: 1/k on the true labels
    return lbn.categorical_cross_entropy(best, best if normalise else y)


chapter.add(
    "softmax-floor",
    title="the lowest categorical cross-entropy a softmax can approach on a multi-hot target",
    given={"y_true": np.array([1.0, 1.0, 1.0, 0.0, 0.0])},
    kind=Number(rtol=2e-3),
    solution=_cce_floor,
    hint=("the true labels share one unit of probability. For which split of it is the sum of -log p over the "
          "true labels smallest?"),
    mistakes={
        ("that is the floor for the normalised target y / k, the entropy log k; with the multi-hot target "
         "itself each true label costs log k."): lambda g: _cce_floor(g, normalise=True),
        ("a softmax cannot reach 0 on this target: its probabilities sum to 1, so the true labels cannot all "
         "have probability 1."): lambda g: 0.0,
    },
    remark="It is approached, never reached: the other labels' probabilities must go to 0.",
)

# ------------------------------------------------------------------------------------------------ the metrics

_Y_TRUE = np.array([[1, 0, 1], [0, 1, 0], [1, 1, 0], [0, 0, 0], [1, 0, 0]])
_Y_PRED = np.array([[1, 0, 0], [0, 1, 0], [1, 1, 1], [0, 0, 0], [0, 1, 0]])
_PREDICTIONS = {"y_true": _Y_TRUE, "y_pred": _Y_PRED}


def _hamming(g):
    return lbn.zero_one(g["y_pred"].astype(float), g["y_true"], threshold=0.5)


def _counts(g):
    """True positives, false positives and false negatives per label (column)."""
    y, pred = g["y_true"] == 1, g["y_pred"] == 1
    return (pred & y).sum(axis=0), (pred & ~y).sum(axis=0), (~pred & y).sum(axis=0)


def _f1(g, average):
    tp, fp, fn = _counts(g)
    if average == "micro":
        tp, fp, fn = tp.sum(), fp.sum(), fn.sum()
    return float(np.mean(2 * tp / np.maximum(2 * tp + fp + fn, 1)))


chapter.add(
    "hamming-loss",
    title="the Hamming loss of five multi-label predictions",
    given=_PREDICTIONS,
    kind=Number(rtol=2e-3),
    solution=_hamming,
    hint="count the wrong entries (0 where 1 is true, or 1 where 0 is true) and divide by the number of entries.",
    mistakes={
        ("that is the fraction of examples with at least one wrong label (one minus the subset accuracy); the "
         "Hamming loss counts wrong entries."):
            lambda g: float(np.mean((g["y_pred"] != g["y_true"]).any(axis=1))),
        "that is the number of wrong entries; the Hamming loss is their fraction of all N * C entries.":
            lambda g: float((g["y_pred"] != g["y_true"]).sum()),
        "that divides by N only: the Hamming loss divides the wrong entries by N * C.":
            lambda g: float((g["y_pred"] != g["y_true"]).sum() / len(g["y_true"])),
    },
)

chapter.add(
    "macro-f1",
    title="the macro F1 of the same five predictions",
    given=_PREDICTIONS,
    kind=Number(rtol=2e-3),
    solution=lambda g: _f1(g, "macro"),
    hint=("for each label (column) count TP, FP and FN, compute F1 = 2 TP / (2 TP + FP + FN), then take the "
          "plain mean over the labels."),
    mistakes={
        ("that is the micro F1, from the counts pooled over the labels; the macro F1 averages the per-label "
         "F1 scores."): lambda g: _f1(g, "micro"),
    },
    remark="Label 2 is never right, and the macro F1 shows it: its F1 of 0 counts for a third.",
)

# ------------------------------------------------------------------------------------------------- pos_weight

_Y_TRAIN = np.array([[1, 0, 0], [1, 1, 0], [0, 0, 0], [1, 0, 1], [0, 1, 0]])


def _pos_weight(g, invert=False):
    positives, negatives = g["y_train"].sum(axis=0), (1 - g["y_train"]).sum(axis=0)
    return positives / negatives if invert else negatives / positives


chapter.add(
    "pos-weight",
    title="pos_weight per label that balances positives and negatives",
    given={"y_train": _Y_TRAIN},
    kind=Array(rtol=2e-3),
    solution=_pos_weight,
    hint=("one value per label (column): the weight that makes the label's positives count as much in total as "
          "its negatives."),
    mistakes={
        ("upside down: the rare positives need the larger weight, negatives over positives."):
            lambda g: _pos_weight(g, invert=True),
    },
    remark="A vector of shape (C,): pos_weight broadcasts over the last axis, the labels.",
)

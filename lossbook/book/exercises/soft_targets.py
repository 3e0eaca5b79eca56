"""Self-checks for the chapter on soft targets (KL divergence, label smoothing, knowledge distillation).

>>> from lossbook.book.exercises import soft_targets as ex
>>> ex.ids()
['kl-by-hand', 'kl-direction', 'smoothed-target', 'smoothing-floor', 'smoothing-gap', 'distillation-gradient']
>>> ex.describe("kl-by-hand")
kl-by-hand: the KL divergence KL(p || q) of two distributions over three
  classes
  p = [0.7, 0.2, 0.1]
  q = [0.5, 0.3, 0.2]
Answer: a number (compared within a relative tolerance of 1e-06).
>>> ex.check("kl-direction", "KL(model || data)")
Not yet: that is the reverse, mode-seeking direction of variational
  inference; the cross-entropy on data has the data first.
Verdict(False)
"""

from __future__ import annotations

import numpy as np

from lossbook import numpy as lbn
from lossbook.book.exercises import Chapter
from lossbook.book.exercises.answers import Array, Choice, Number

chapter = Chapter("soft_targets")
check, describe, given, ids = chapter.check, chapter.describe, chapter.given, chapter.ids


def _kl(p, q):
    """KL(p || q) with lossbook (prediction first in the call, target first in the divergence)."""
    return lbn.kl_divergence(np.asarray(q)[None], np.asarray(p)[None])


_P_Q = {"p": np.array([0.7, 0.2, 0.1]), "q": np.array([0.5, 0.3, 0.2])}

chapter.add(
    "kl-by-hand",
    title="the KL divergence KL(p || q) of two distributions over three classes",
    given=_P_Q,
    kind=Number(rtol=1e-6),
    solution=lambda g: _kl(g["p"], g["q"]),
    hint="add up p_c * log(p_c / q_c) over the classes, with the natural logarithm.",
    mistakes={
        "that is KL(q || p): the divergence is not symmetric, and the weights p_c come from the first argument.":
            lambda g: _kl(g["q"], g["p"]),
        "that is in bits (log base 2); the book measures divergences in nats, with the natural logarithm.":
            lambda g: _kl(g["p"], g["q"]) / np.log(2),
        "that is the cross-entropy of q relative to p; the KL divergence subtracts the entropy of p from it.":
            lambda g: lbn.categorical_cross_entropy(g["q"][None], g["p"][None]),
    },
)

chapter.add(
    "kl-direction",
    title="which divergence does training a classifier on data minimise?",
    given={"options": ["KL(data || model)", "KL(model || data)"]},
    kind=Choice(("KL(data || model)", "KL(model || data)")),
    solution=lambda g: "KL(data || model)",
    hint=("the cross-entropy on data is an average of -log q over examples drawn from the data: which "
          "distribution supplies the weights?"),
    mistakes={
        ("that is the reverse, mode-seeking direction of variational inference; the cross-entropy on data has the "
         "data first."): lambda g: "KL(model || data)",
    },
)


def _smoothed(g, *, on=None, off=None):
    c, eps = g["classes"], g["epsilon"]
    row = np.full(c, eps / c if off is None else off)
    row[g["label"]] = 1 - eps + eps / c if on is None else on
    return row


_SMOOTH = {"label": 2, "classes": 4, "epsilon": 0.2}

chapter.add(
    "smoothed-target",
    title="the target row after label smoothing (the convention of PyTorch, Keras and optax)",
    given=_SMOOTH,
    kind=Array(rtol=1e-6),
    solution=_smoothed,
    hint="mix the one-hot row with the uniform distribution: (1 - epsilon) * one-hot + epsilon / C.",
    mistakes={
        ("that spreads epsilon over the C - 1 wrong classes only; the convention here mixes with the uniform "
         "distribution over all C classes, so the true class gets a share of epsilon too."):
            lambda g: _smoothed(g, on=1 - g["epsilon"], off=g["epsilon"] / (g["classes"] - 1)),
        ("that is the binary convention of Keras (1 - epsilon / 2), which is the same formula only for "
         "C = 2."): lambda g: _smoothed(g, on=1 - g["epsilon"] / 2),
        "that row does not sum to 1: the true class keeps 1 - epsilon plus its own share epsilon / C.":
            lambda g: _smoothed(g, on=1 - g["epsilon"]),
    },
)


def _entropy(row):
    return lbn.categorical_cross_entropy(row[None], row[None])


_FLOOR = {"classes": 10, "epsilon": 0.1}

chapter.add(
    "smoothing-floor",
    title="the smallest value the label-smoothed cross-entropy can reach",
    given=_FLOOR,
    kind=Number(rtol=1e-6),
    solution=lambda g: _entropy(_smoothed({**g, "label": 0})),
    hint=("the cross-entropy against a fixed target y' is smallest when the prediction equals y'; its value "
          "there is the entropy of y', -sum y'_c log y'_c."),
    mistakes={
        "0 is the floor without smoothing; against a smoothed target the loss cannot reach it.": lambda g: 0.0,
        "that is in bits (log base 2); losses use the natural logarithm, in nats.":
            lambda g: _entropy(_smoothed({**g, "label": 0})) / np.log(2),
    },
)


def _gap(g, *, plus_one=True):
    c, eps = g["classes"], g["epsilon"]
    return np.log(plus_one + c * (1 - eps) / eps)


chapter.add(
    "smoothing-gap",
    title="the logit gap g at which the label-smoothed loss of logits (g, 0, ..., 0) is smallest",
    given={"classes": 5, "epsilon": 0.1},
    kind=Number(rtol=1e-6),
    solution=_gap,
    hint=("at the minimum the softmax equals the smoothed target, so the ratio of the true class's probability "
          "to another class's, e^g, equals the same ratio in the smoothed target."),
    mistakes={
        ("that is log(C (1 - epsilon) / epsilon): the true class keeps its own share epsilon / C as well, which "
         "adds 1 inside the logarithm."): lambda g: _gap(g, plus_one=False),
        "that is log((1 - epsilon) / epsilon), the ratio without the shares epsilon / C of the smoothed target.":
            lambda g: np.log((1 - g["epsilon"]) / g["epsilon"]),
    },
)


def _soft_softmax(z, t):
    e = np.exp((z - z.max()) / t)
    return e / e.sum()


def _distillation_gradient(g, *, power=1.0):
    """``T**power * (q - p)``: the right answer for ``power=1`` (computed as the chain rule through ``z / T`` of
    the cross-entropy's gradient, which equals the KL divergence's when the target is fixed)."""
    t = g["T"]
    p = _soft_softmax(g["teacher_logits"], t)
    grad_scaled = lbn.categorical_cross_entropy.grad((g["student_logits"] / t)[None], p[None], from_logits=True)[0]
    return t**power * grad_scaled


chapter.add(
    "distillation-gradient",
    title="the gradient of T**2 * KL(softmax(v / T) || softmax(z / T)) with respect to the student's logits z",
    given={"teacher_logits": np.array([4.0, 1.0, -1.0, 0.0]), "student_logits": np.array([1.0, 1.5, 0.0, -0.5]),
           "T": 4.0},
    kind=Array(rtol=1e-6),
    solution=_distillation_gradient,
    hint=("the gradient of the cross-entropy with respect to its logits is softmax minus target; here the logits "
          "are z / T, so the chain rule brings a factor 1 / T, and the loss is multiplied by T**2."),
    mistakes={
        "that is q - p without the temperature factors: the chain rule gives 1 / T, and the loss carries T**2.":
            lambda g: _distillation_gradient(g, power=0.0),
        "that is the gradient without the factor T**2 in front of the loss: it shrinks like 1 / T**2 as T grows.":
            lambda g: _distillation_gradient(g, power=-1.0),
        "that is T**2 * (q - p): the chain rule through z / T divides by T once.":
            lambda g: _distillation_gradient(g, power=2.0),
    },
    remark="T times (q - p): as T grows, this tends to ((z - mean z) - (v - mean v)) / C, whatever T is.",
)

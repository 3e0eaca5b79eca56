"""Self-checks for the chapter "Implementing a custom loss".

The focal loss is not one of lossbook's losses, so the right answers are built from one that is: the focal loss
of an element is its binary cross-entropy on the logit, ``lbn.binary_cross_entropy(..., from_logits=True)``, times
the modulating factor ``(1 - p_t)**gamma``, and its gradient follows by the product rule from ``.grad``.

>>> from lossbook.book.exercises import custom_loss as ex
>>> ex.ids()  # doctest: +NORMALIZE_WHITESPACE
['focal-function', 'focal-gradient', 'alpha-as-pos-weight', 'decay-factor',
 'sparse-penalty']
>>> ex.describe("decay-factor")
decay-factor: the factor by which an L2 penalty shrinks the weights in one
  gradient-descent step
  lr = 0.1
  lam = 0.05
Answer: a number (compared within a relative tolerance of 1e-06).
>>> bool(ex.check("sparse-penalty", "L2"))
Not yet: the L2 penalty's pull, 2 lam w, fades as w shrinks: it makes
  weights small but leaves them non-zero.
False
"""

from __future__ import annotations

import numpy as np

from lossbook import numpy as lbn
from lossbook.book.exercises import Chapter
from lossbook.book.exercises.answers import Array, Case, Choice, Function, Number

chapter = Chapter("custom_loss")
check, describe, given, ids = chapter.check, chapter.describe, chapter.given, chapter.ids


def _sigmoid(x):
    """sigmoid(x) = exp(-softplus(-x)), accurate in relative terms for every x (also where it is tiny)."""
    return np.exp(-np.logaddexp(0.0, -x))


def _bce(logits, y, **options):
    return lbn.binary_cross_entropy(logits, y, from_logits=True, **options)


def focal_reference(logits, y, gamma):
    """The focal loss of each element, ``(1 - p_t)**gamma * BCE``, with ``1 - p_t = sigmoid(-(2y - 1) z)``.

    Args:
        logits: the logits ``z``.
        y: the labels, 0 or 1, of the same shape.
        gamma: the focusing exponent, ``>= 0``.

    Returns:
        One loss value per element.
    """
    margin = (2 * y - 1) * logits
    return _sigmoid(-margin) ** gamma * _bce(logits, y, reduction="none")


def focal_gradient_reference(logits, y, gamma, *, reduction="mean"):
    """The gradient of the focal loss with respect to the logits, by the product rule on ``factor * BCE``.

    The factor ``u = sigmoid(-m)`` with ``m = (2y - 1) z`` has ``du/dz = -(2y - 1) u (1 - u)``, so the gradient
    is ``gamma u**(gamma - 1) du/dz BCE + u**gamma dBCE/dz``; for the mean, divided by the number of elements.

    Args:
        logits: the logits ``z``.
        y: the labels, 0 or 1, of the same shape.
        gamma: the focusing exponent, ``>= 0``.
        reduction: ``"mean"`` or ``"none"`` (one derivative per element).

    Returns:
        The gradient, of the shape of ``logits``.
    """
    sign = 2 * y - 1
    u, kept = _sigmoid(-sign * logits), _sigmoid(sign * logits)  # u = 1 - p_t, kept = p_t = 1 - u
    bce = _bce(logits, y, reduction="none")
    d_bce = lbn.binary_cross_entropy.grad(logits, y, from_logits=True, reduction=reduction)
    d_factor = -sign * gamma * u**gamma * kept  # gamma u**(gamma - 1) du/dz, without dividing by u
    scale = logits.size if reduction == "mean" else 1
    return d_factor * bce / scale + u**gamma * d_bce


# ------------------------------------------------------------------------------------------ your own focal loss

def _textbook_focal(logits, y, gamma):
    """The formula computed from p = sigmoid(z), as it is usually written: wrong at extreme logits."""
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        p = 1 / (1 + np.exp(-logits))
        p_t = np.where(y == 1, p, 1 - p)
        return -((1 - p_t) ** gamma) * np.log(p_t)


_rng = np.random.default_rng(20240611)
_FOCAL_CASES = (
    Case("ordinary logits with gamma = 2", (np.array([-3.0, -0.5, 0.0, 0.5, 3.0]),
                                            np.array([1.0, 0.0, 1.0, 1.0, 0.0]), 2.0)),
    Case("gamma = 0 (the binary cross-entropy)", (_rng.normal(0, 3, 8), _rng.integers(0, 2, 8).astype(float), 0.0)),
    Case("gamma = 0.5", (_rng.normal(0, 3, 8), _rng.integers(0, 2, 8).astype(float), 0.5)),
    Case("negative examples (y = 0)", (np.array([-4.0, -1.0, 0.0, 1.0, 4.0]), np.zeros(5), 2.0)),
    Case("confident mistakes (logits up to 800 on the wrong side)",
         (np.array([-800.0, -100.0, -30.0, 30.0, 100.0, 800.0]), np.array([1.0, 1.0, 1.0, 0.0, 0.0, 0.0]), 2.0)),
    Case("well-classified examples (logits 20 to 40 on the right side)",
         (np.array([20.0, 30.0, 40.0, -20.0, -30.0, -40.0]), np.array([1.0, 1.0, 1.0, 0.0, 0.0, 0.0]), 2.0)),
    Case("2-D inputs of shape (4, 3) with gamma = 5",
         (_rng.normal(0, 3, (4, 3)), _rng.integers(0, 2, (4, 3)).astype(float), 5.0)),
)

chapter.add(
    "focal-function",
    title="your own focal loss, accurate for every logit",
    kind=Function(signature="my_focal(logits, y, gamma)", returns="one loss value per element (no mean, no alpha)",
                  cases=_FOCAL_CASES, rtol=1e-6, atol=0.0),
    solution=lambda g: focal_reference,
    hint=("compute every factor from the margin m = (2 y - 1) * logits, so that p_t = sigmoid(m): -log p_t and "
          "1 - p_t both have forms that never round a probability to 0 or 1 (Step 3 of the chapter). Values "
          "are compared in relative terms, also where they are tiny."),
    mistakes={
        ("the formula is right, but computing p = sigmoid(z) first loses the confident mistakes (log 0) and the "
         "well-classified examples (1 - p rounds to 0): write -log p_t and 1 - p_t with the margin and a "
         "softplus."): lambda g: _textbook_focal,
        "that is the binary cross-entropy alone: the factor (1 - p_t)**gamma is missing.":
            lambda g: lambda logits, y, gamma: _bce(logits, y, reduction="none"),
        ("the factor is (1 - p_t)**gamma, which vanishes for examples that are already right; p_t**gamma does the "
         "opposite."): lambda g: lambda logits, y, gamma: focal_reference(logits, y, 0.0) * _sigmoid(
             (2 * y - 1) * logits) ** gamma,
        ("a negative example (y = 0) is scored as if it were positive: the probability of its true class is "
         "1 - p."): lambda g: lambda logits, y, gamma: focal_reference(logits, np.ones_like(y), gamma),
    },
    remark="Your loss stays accurate at the extremes, where the textbook formula returns inf or 0.",
)


# ------------------------------------------------------------------------------------------ its gradient

_GRADIENT_DATA = {"z": np.array([-3.0, -1.0, 0.0, 2.0]), "y": np.array([1.0, 1.0, 0.0, 0.0]), "gamma": 2.0}


def _focal_gradient(g, **options):
    return focal_gradient_reference(g["z"], g["y"], g["gamma"], **options)


def _half_product_rule(g):
    """The slip: the modulating factor treated as a constant."""
    factor = _sigmoid(-(2 * g["y"] - 1) * g["z"]) ** g["gamma"]
    return factor * lbn.binary_cross_entropy.grad(g["z"], g["y"], from_logits=True)


chapter.add(
    "focal-gradient",
    title="the gradient of the mean focal loss with respect to each logit",
    given=_GRADIENT_DATA,
    kind=Array(rtol=1e-6),
    solution=_focal_gradient,
    hint=("with m = (2 y - 1) z, the loss of one example is sigmoid(-m)**gamma * softplus(-m). Differentiate the "
          "product with respect to m (softplus' = sigmoid, sigmoid'(x) = sigmoid(x) sigmoid(-x)), multiply by "
          "dm/dz = 2 y - 1, and divide by the number of examples for the mean."),
    mistakes={
        "that is the gradient of the sum: the mean divides each term by the number of examples.":
            lambda g: _focal_gradient(g, reduction="none"),
        ("only one half of the product rule: the factor sigmoid(-m)**gamma depends on z too, and its derivative "
         "adds a term with gamma in it."): _half_product_rule,
        ("the signs are reversed: for a positive example (y = 1) the loss falls as its logit grows, so the "
         "gradient there is negative."): lambda g: -_focal_gradient(g),
    },
    remark="At gamma = 0 the same formula gives (sigmoid(z) - y) / N, the cross-entropy's gradient.",
)


# ------------------------------------------------------------------------------------------ alpha as pos_weight

chapter.add(
    "alpha-as-pos-weight",
    title="the pos_weight that makes the binary cross-entropy a focal loss with gamma = 0",
    given={"alpha": 0.25},
    kind=Number(rtol=1e-6),
    solution=lambda g: g["alpha"] / (1 - g["alpha"]),
    hint=("at gamma = 0 a positive costs -alpha log p and a negative -(1 - alpha) log(1 - p). Factor out "
          "1 - alpha and compare with the binary cross-entropy with pos_weight, -w y log p - (1 - y) log(1 - p)."),
    mistakes={
        "that is alpha itself: after factoring out 1 - alpha, the positive term's weight is alpha / (1 - alpha).":
            lambda g: g["alpha"],
        ("the ratio is upside down: alpha weights the positives, so with alpha < 1/2 the positives get less than "
         "the negatives."): lambda g: (1 - g["alpha"]) / g["alpha"],
        "that is 1 - alpha, the factor taken out in front, not the weight of the positive term.":
            lambda g: 1 - g["alpha"],
    },
    remark="With alpha = 0.25 the rare positives are down-weighted: pos_weight is below 1.",
)


# ------------------------------------------------------------------------------------------ L2 as weight decay

def _decay(g, *, factor=2.0, sign=-1.0):
    return 1.0 + sign * factor * g["lr"] * g["lam"]


chapter.add(
    "decay-factor",
    title="the factor by which an L2 penalty shrinks the weights in one gradient-descent step",
    given={"lr": 0.1, "lam": 0.05},
    kind=Number(rtol=1e-6),
    solution=_decay,
    hint=("take one step of gradient descent, w <- w - lr * gradient, on L(w) + lam * sum(w**2), and collect the "
          "terms in w: the step is w <- c * w - lr * (gradient of L). What is c?"),
    mistakes={
        "the derivative of lam * w**2 is 2 lam w, not lam w.": lambda g: _decay(g, factor=1.0),
        "a step goes against the gradient, so the penalty shrinks the weights: c is below 1.":
            lambda g: _decay(g, sign=1.0),
        "that is how much of w is taken away in one step; c is what is kept.":
            lambda g: 1.0 - _decay(g),
    },
    remark="Every step multiplies the weights by the same factor below 1: a decay, hence 'weight decay'.",
)


# ------------------------------------------------------------------------------------------ which penalty is sparse

chapter.add(
    "sparse-penalty",
    title="which penalty sets the weights of useless features exactly to zero?",
    given={"options": ["L1", "L2", "both", "neither"]},
    kind=Choice(("L1", "L2", "both", "neither")),
    solution=lambda g: "L1",
    hint="compare the pull of each penalty on a small weight w: the derivative of lam |w| and of lam w**2.",
    mistakes={
        "the L2 penalty's pull, 2 lam w, fades as w shrinks: it makes weights small but leaves them non-zero.":
            lambda g: "L2",
        "only one of them does: look at the L2 fit in the chapter, where no useless weight is exactly 0.":
            lambda g: "both",
        "one of them does: its pull on a weight keeps the same size however small the weight gets.":
            lambda g: "neither",
    },
    remark="The L1 penalty's pull, lam sign(w), keeps its size down to w = 0, so it can hold a weight there.",
)

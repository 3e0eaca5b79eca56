"""Self-checks for the chapter "What is a loss function?".

>>> from lossbook.book.exercises import what_is_a_loss as ex
>>> ex.ids()
['cost-by-hand', 'line-gradient', 'one-step', 'best-constant', 'convex-in-the-weights']
>>> ex.describe("cost-by-hand")
cost-by-hand: the mean squared error of four predictions
  y_pred = [1.0, 2.5, 0.0, 4.0]
  y_true = [2.0, 2.0, 1.0, 1.0]
Answer: a number (compared within a relative tolerance of 1e-06).
>>> ex.check("best-constant", 3.0)
Not yet: that is the median, which minimises the mean absolute error; the
  squared error is minimised by another summary of the targets.
Verdict(False)
"""

from __future__ import annotations

import numpy as np

from lossbook import numpy as lbn
from lossbook.book.exercises import Chapter
from lossbook.book.exercises.answers import Array, Choice, Minimiser, Number

chapter = Chapter("what_is_a_loss")
check, describe, given, ids = chapter.check, chapter.describe, chapter.given, chapter.ids

_FOUR = {"y_pred": np.array([1.0, 2.5, 0.0, 4.0]), "y_true": np.array([2.0, 2.0, 1.0, 1.0])}

chapter.add(
    "cost-by-hand",
    title="the mean squared error of four predictions",
    given=_FOUR,
    kind=Number(rtol=1e-6),
    solution=lambda g: lbn.mse(g["y_pred"], g["y_true"]),
    hint=("compute each residual y_pred - y_true, square it (one loss per prediction), then average the four "
          "losses."),
    mistakes={
        "that is the sum of the four squared errors; the cost is their mean.":
            lambda g: lbn.mse(g["y_pred"], g["y_true"], reduction="sum"),
        "that is the mean absolute error: square each residual before averaging.":
            lambda g: lbn.mae(g["y_pred"], g["y_true"]),
        "the residuals were averaged before squaring: square each one first, then average.":
            lambda g: np.mean(g["y_pred"] - g["y_true"]) ** 2,
    },
    remark="The squared error of the last prediction alone is most of the cost.",
)

_LINE = {"x": np.array([0.0, 1.0, 2.0, 3.0]), "y": np.array([1.0, 3.0, 4.0, 8.0]), "w": 1.0, "b": 0.5}


def _line_gradient(g, reduction="mean"):
    """(dL/dw, dL/db) of the MSE of the line w * x + b, by the chain rule."""
    d = lbn.mse.grad(g["w"] * g["x"] + g["b"], g["y"], reduction=reduction)
    return np.array([np.sum(d * g["x"]), np.sum(d)])


chapter.add(
    "line-gradient",
    title="the gradient of the MSE of the line w * x + b, as [dL/dw, dL/db]",
    given=_LINE,
    kind=Array(rtol=1e-6),
    solution=_line_gradient,
    hint=("the derivative of the cost with respect to each prediction is 2 * (y_hat_i - y_i) / N; multiply it by "
          "the derivative of the prediction with respect to the weight (x_i for w, 1 for b) and add over the "
          "examples."),
    mistakes={
        "the factor 2 from differentiating the square is missing.": lambda g: _line_gradient(g) / 2,
        "that is the gradient of the summed squared error; the mean divides it by the number of examples.":
            lambda g: _line_gradient(g, reduction="sum"),
        "the signs are reversed: with r = y_hat - y the gradient is 2 * r / N times the derivative of y_hat.":
            lambda g: -_line_gradient(g),
    },
    remark="Both entries are negative: the line is too low, and raising w or b lowers the cost.",
)

_STEP = dict(_LINE, lr=0.1)


def _step(g, direction=-1.0, lr=None):
    lr = g["lr"] if lr is None else lr
    return np.array([g["w"], g["b"]]) + direction * lr * _line_gradient(g)


chapter.add(
    "one-step",
    title="the weights [w, b] after one gradient-descent step on the MSE with learning rate lr",
    given=_STEP,
    kind=Array(rtol=1e-6),
    solution=_step,
    hint="compute the gradient of the previous exercise, then move each weight against it: w <- w - lr * gradient.",
    mistakes={
        "that step went uphill: gradient descent subtracts lr times the gradient.":
            lambda g: _step(g, direction=1.0),
        "the learning rate is missing: the step is lr times the gradient.": lambda g: _step(g, lr=1.0),
    },
    remark="Check it: the MSE of the new line is lower than that of the old one.",
)

_TARGETS = {"y_true": np.array([1.0, 2.0, 3.0, 5.0, 14.0])}


def _mse_of_constant(c, g):
    return lbn.mse(np.full_like(g["y_true"], c), g["y_true"])


chapter.add(
    "best-constant",
    title="the constant prediction c with the smallest MSE on five targets",
    given=_TARGETS,
    kind=Minimiser(_mse_of_constant, "the MSE"),
    solution=lambda g: float(np.mean(g["y_true"])),
    hint=("write the MSE of a constant c, J(c) = mean((c - y_i)**2), set its derivative with respect to c to zero "
          "and solve for c."),
    mistakes={"that is the median, which minimises the mean absolute error; the squared error is minimised by "
              "another summary of the targets.": lambda g: float(np.median(g["y_true"]))},
    remark="The mean: the one far target, 14, pulls it above the median.",
)

chapter.add(
    "convex-in-the-weights",
    title=("whose training MSE is convex in its weights: a linear model, a network with a hidden layer, both or "
           "neither?"),
    given={"options": ["linear", "network", "both", "neither"]},
    kind=Choice(("linear", "network", "both", "neither")),
    solution=lambda g: "linear",
    hint=("think of the loss along the straight line between two sets of weights: for which model is it a "
          "parabola, and for which can it rise between two good solutions?"),
    mistakes={
        "the network's loss is not convex: permuting its hidden units gives other weights with the same loss, "
        "and halfway between them the loss rises.": lambda g: "both",
        "the network's loss is the one that is not convex; think of swapping two hidden units.":
            lambda g: "network",
    },
    remark="For the linear model the loss along any line in weight space is a parabola that opens upwards.",
)

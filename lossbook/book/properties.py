"""The catalog's four properties, measured on random inputs: how the choosing chapter checks ``lossbook.catalog``.

The properties are defined in :mod:`lossbook.catalog` (``catalog.PROPERTIES``) in terms of the model's **raw
output**: the prediction of a regression model, the logit of a classifier trained with cross-entropy, the score of
a margin classifier, the log-rate of a Poisson model. :data:`RAW_OUTPUTS` says, for every loss, what that raw
output is and how the loss is called on it (``from_logits=True``, ``log_input=True``, a threshold of 0, ...).

:func:`measure` walks along straight lines ``a + t (b - a)``, ``t`` in [0, 1], between two random raw outputs
``a`` and ``b`` (one line per element, or per row of logits), and records along each line the loss ``f(t)`` and
its slope ``f'(t)``, the gradient with respect to the raw output times ``b - a``:

- **convex**: a convex function bends upwards along every line, so its second differences
  ``f(t - h) - 2 f(t) + f(t + h)`` are never negative. The measurement counts the lines where one is (beyond
  rounding).
- **smooth**: the largest change of ``f`` or ``f'`` between neighbouring points of the line shrinks in proportion
  to the step ``h`` when both are continuous, and stays put where the line crosses a kink (a jump of ``f'``) or a
  jump of ``f``. The measurement is the factor by which it shrinks when the step is made ten times smaller:
  about 10 for a smooth loss, about 1 for one with a kink.
- **trainable**: the fraction of the points where the loss is positive at which the gradient is not zero.
- **bounded gradient**: the largest gradient entry with respect to the raw output when the raw output is pushed
  10 and 100 units away from its target, on either side. A bounded gradient stays about the same; an unbounded
  one grows (tenfold for the MSE, exponentially for the Poisson loss).

>>> m = measure("huber")
>>> m.lines_not_convex, round(m.shrink), m.moving, m.far_gradient
(0, 10, 1.0, (1.0, 1.0))
>>> m.disagreements()
[]
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, NamedTuple

import numpy as np

from lossbook import catalog
from lossbook import numpy as lbn

#: The number of classes of the multi-class losses' random rows of logits.
CLASSES = 4
#: How far the raw output is pushed from its target for the bounded-gradient measurement.
FAR = (10.0, 100.0)


def log_softmax(z):
    """``log softmax(z)`` over the last axis, computed stably (the largest logit is subtracted first).

    Args:
        z: logits, an array whose last axis holds the classes.

    Returns:
        The log-probabilities, the same shape.
    """
    z = np.asarray(z, dtype=float)
    shifted = z - z.max(axis=-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


def _log_softmax_backward(g, z):
    """The gradient with respect to the logits ``z``, given the gradient ``g`` with respect to ``log_softmax(z)``."""
    p = np.exp(log_softmax(z))
    return g - p * g.sum(axis=-1, keepdims=True)


@dataclass(frozen=True)
class RawOutput:
    """How one loss is called on the model's raw output, and the random inputs it is measured on.

    Attributes:
        what: the raw output, in words ("prediction", "logit", ...).
        sample: ``sample(rng, n) -> (raw, y_true, arrays)``: ``n`` random raw outputs (``(n,)``, or ``(n, C)`` for
            rows of logits), their targets, and per-element hyperparameter arrays (``{"log_var": ...}``) of the
            raw output's shape.
        far: ``far(d) -> (raw, y_true, arrays)``: raw outputs ``d`` units away from their target on either side.
        options: the keyword arguments the loss is called with (``from_logits=True``, ...).
        log_softmax_first: the loss takes log-probabilities, computed here from the logits (the gradient is then
            taken through the log-softmax, with respect to the logits).
    """

    what: str
    sample: Callable
    far: Callable
    options: dict = field(default_factory=dict)
    log_softmax_first: bool = False


def _regression(rng, n):
    return rng.normal(0, 3, n), rng.normal(0, 3, n), {}


def _regression_far(d):
    return np.array([d, -d]), np.zeros(2), {}


def _gaussian(rng, n):
    mean, y, _ = _regression(rng, n)
    return mean, y, {"log_var": rng.normal(0, 1, n)}


def _gaussian_far(d):
    mean, y, _ = _regression_far(d)
    return mean, y, {"log_var": np.zeros(2)}


def _poisson(rng, n):
    log_rate = rng.normal(0.5, 1, n)
    return log_rate, rng.poisson(np.exp(rng.normal(0.5, 1, n))).astype(float), {}


def _poisson_far(d):
    return np.log(3.0) + np.array([d, -d]), np.full(2, 3.0), {}


def _binary(rng, n):
    return rng.normal(0, 3, n), rng.integers(0, 2, n).astype(float), {}


def _signs(rng, n):
    return rng.normal(0, 3, n), rng.choice([-1.0, 1.0], n), {}


def _positive_far(d):
    """A positive example whose logit or score is ``+d`` (right) or ``-d`` (wrong)."""
    return np.array([d, -d]), np.ones(2), {}


def _logits(rng, n):
    return rng.normal(0, 3, (n, CLASSES)), rng.integers(0, CLASSES, n)


def _one_hot(rng, n):
    z, labels = _logits(rng, n)
    return z, np.eye(CLASSES)[labels], {}


def _sparse(rng, n):
    z, labels = _logits(rng, n)
    return z, labels, {}


def _soft(rng, n):
    z, _ = _logits(rng, n)
    return z, rng.dirichlet(np.ones(CLASSES), n), {}


def _class_far(d):
    """Class 0 is the true one; its logit is ``+d`` (right) or ``-d`` (wrong), the others 0."""
    z = np.zeros((2, CLASSES))
    z[:, 0] = [d, -d]
    return z, np.eye(CLASSES)[[0, 0]], {}


def _sparse_far(d):
    z, _, _ = _class_far(d)
    return z, np.zeros(2, dtype=int), {}


def _soft_far(d):
    z, _, _ = _class_far(d)
    return z, np.tile([0.7, 0.1, 0.1, 0.1], (2, 1)), {}


_REGRESSION = RawOutput("prediction", _regression, _regression_far)

RAW_OUTPUTS = {
    "mse": _REGRESSION,
    "mae": _REGRESSION,
    "huber": _REGRESSION,
    "smooth_l1": _REGRESSION,
    "quantile": _REGRESSION,
    "log_cosh": _REGRESSION,
    "binary_cross_entropy": RawOutput("logit", _binary, _positive_far, {"from_logits": True}),
    "hinge": RawOutput("score", _signs, _positive_far),
    "squared_hinge": RawOutput("score", _signs, _positive_far),
    "zero_one": RawOutput("score", _binary, _positive_far, {"threshold": 0.0}),
    "categorical_cross_entropy": RawOutput("logits", _one_hot, _class_far, {"from_logits": True}),
    "sparse_categorical_cross_entropy": RawOutput("logits", _sparse, _sparse_far, {"from_logits": True}),
    "kl_divergence": RawOutput("logits", _soft, _soft_far, {"log_input": True}, log_softmax_first=True),
    "gaussian_nll": RawOutput("mean", _gaussian, _gaussian_far),
    "poisson_nll": RawOutput("log-rate", _poisson, _poisson_far),
}
"""The raw output of every loss in the catalog, and how the loss is called on it (the other hyperparameters keep
their defaults)."""


def loss_and_gradient(name, raw, y_true, arrays=None):
    """A loss and its gradient with respect to the raw output, one value per element (or per row of logits).

    Args:
        name: the loss's name in the catalog.
        raw: raw outputs, ``(n,)``, or ``(n, C)`` for rows of logits.
        y_true: their targets, in the format the loss expects.
        arrays: per-element hyperparameter arrays of the shape of ``raw`` (``{"log_var": ...}``).

    Returns:
        ``(values, gradient)``: the loss of each element or row ``(n,)``, and its gradient with respect to
        ``raw``, of the shape of ``raw``.
    """
    setting = RAW_OUTPUTS[name]
    fn = getattr(lbn, name)
    options = {**setting.options, **(arrays or {})}
    y_pred = log_softmax(raw) if setting.log_softmax_first else raw
    values = fn(y_pred, y_true, reduction="none", **options)
    gradient = fn.grad(y_pred, y_true, reduction="none", **options)
    if setting.log_softmax_first:
        gradient = _log_softmax_backward(gradient, raw)
    return values, gradient


class Path(NamedTuple):
    """The loss along lines ``a + t (b - a)``: see :func:`along_lines`."""

    f: np.ndarray
    slope: np.ndarray
    gradient_size: np.ndarray


def along_lines(name, a, b, y_true, arrays, t):
    """The loss ``f`` and its slope ``f'`` along the lines ``a + t (b - a)``, one line per element or row.

    Args:
        name: the loss's name in the catalog.
        a: the raw outputs at ``t = 0``.
        b: the raw outputs at ``t = 1`` (the shape of ``a``).
        y_true: the targets (one per element or row of ``a``).
        arrays: per-element hyperparameter arrays of the shape of ``a``.
        t: the points on the lines, ``(m,)``.

    Returns:
        A :class:`Path` of three ``(m, n)`` arrays: the loss ``f`` on each line, its derivative ``slope`` with
        respect to ``t``, and ``gradient_size``, the largest entry of the gradient's absolute value there.
    """
    m, n = len(t), len(a)
    points = a + t.reshape((m,) + (1,) * a.ndim) * (b - a)
    flat = points.reshape((m * n,) + a.shape[1:])

    def tiled(v):
        v = np.asarray(v)
        return np.broadcast_to(v, (m,) + v.shape).reshape((m * n,) + v.shape[1:])

    values, gradient = loss_and_gradient(name, flat, tiled(y_true), {k: tiled(v) for k, v in arrays.items()})
    gradient = gradient.reshape(m, n, -1)
    slope = (gradient * (b - a).reshape(1, n, -1)).sum(axis=-1)
    return Path(values.reshape(m, n), slope, np.abs(gradient).max(axis=-1))


def _largest_step(f, slope):
    """The largest change of ``f`` or of its slope between neighbouring points of a line."""
    return max(float(np.abs(np.diff(f, axis=0)).max()), float(np.abs(np.diff(slope, axis=0)).max()))


@dataclass(frozen=True)
class Measurement:
    """What :func:`measure` found for one loss, and the verdicts it gives on the four properties.

    Attributes:
        loss: the loss's name.
        lines: the number of random lines walked.
        lines_not_convex: on how many of them a second difference was negative (beyond rounding).
        shrink: by what factor the largest change of ``f`` or ``f'`` between neighbours shrank when the step was
            made ten times smaller (about 10 if smooth, about 1 if not).
        moving: the fraction of the points with a positive loss at which the gradient is not zero.
        far_gradient: the largest gradient entry with respect to the raw output at the distances in :data:`FAR`.
    """

    loss: str
    lines: int
    lines_not_convex: int
    shrink: float
    moving: float
    far_gradient: tuple

    @property
    def convex(self) -> bool:
        """No line on which the loss bends downwards."""
        return self.lines_not_convex == 0

    @property
    def smooth(self) -> bool:
        """The changes between neighbours shrank with the step (by more than 3 for a tenfold smaller step)."""
        return self.shrink > 3

    @property
    def trainable(self) -> bool:
        """The gradient is non-zero at every point where the loss is positive."""
        return self.moving == 1.0

    @property
    def bounded_gradient(self) -> bool:
        """The gradient far away did not grow with the distance (less than 1.5 times larger at the far end)."""
        near, far = self.far_gradient
        return bool(np.isfinite(far) and far <= 1.5 * near)

    def disagreements(self) -> list:
        """The properties on which this measurement and the catalog disagree (an empty list if none).

        Returns:
            The names of the properties, as in ``catalog.PROPERTIES``.
        """
        record = catalog.get(self.loss)
        return [p for p in catalog.PROPERTIES if getattr(self, p) != getattr(record, p)]


def measure(name, *, lines=64, steps=2000, seed=0):
    """Measure the four properties of one loss on random lines (see the module's description).

    Args:
        name: the loss's name in the catalog.
        lines: the number of random lines (elements, or rows of logits).
        steps: the number of steps along each line for the fine grid; the coarse grid takes every tenth point.
        seed: the seed of the random lines.

    Returns:
        A :class:`Measurement`.
    """
    setting = RAW_OUTPUTS[name]
    rng = np.random.default_rng(seed)
    a, y_true, arrays = setting.sample(rng, lines)
    b = setting.sample(rng, lines)[0]
    t = np.linspace(0.0, 1.0, steps + 1)
    path = along_lines(name, a, b, y_true, arrays, t)

    second = path.f[:-2] - 2 * path.f[1:-1] + path.f[2:]
    bends_down = second < -1e-9 * (1 + np.abs(path.f[1:-1]))
    shrink = _largest_step(path.f[::10], path.slope[::10]) / _largest_step(path.f, path.slope)
    positive = path.f > 0
    moving = float(np.mean(path.gradient_size[positive] > 0)) if positive.any() else 1.0

    far = tuple(float(np.abs(loss_and_gradient(name, *setting.far(d))[1]).max()) for d in FAR)
    return Measurement(name, lines, int(bends_down.any(axis=0).sum()), shrink, moving, far)


def measure_all(*, lines=64, steps=2000, seed=0):
    """:func:`measure` for every loss in the catalog, in the catalog's order.

    Args:
        lines: the number of random lines per loss.
        steps: the number of steps along each line.
        seed: the seed of the random lines (the same for every loss).

    Returns:
        A list of :class:`Measurement`.
    """
    return [measure(name, lines=lines, steps=steps, seed=seed) for name in catalog.names()]

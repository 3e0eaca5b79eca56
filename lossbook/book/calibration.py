"""Calibration: do predicted probabilities match the frequencies they claim?

A model is calibrated when, among the examples it gives probability 0.8, about 80 % turn out positive. This module
measures that and repairs the simplest way it fails:

- :func:`reliability` sorts the predictions into equal-width probability bins and compares, bin by bin, the mean
  predicted probability with the observed frequency: the numbers behind a reliability diagram
  (:func:`~lossbook.book.plotting.reliability_diagram` draws it).
- :func:`expected_calibration_error` (ECE) summarises the diagram in one number: the gap between prediction and
  frequency, averaged over the bins with each bin weighted by its share of the examples.
- :func:`fit_temperature` and :func:`temperature_scale`: temperature scaling divides the logits by one number
  ``T > 0`` fitted on held-out data by minimising the negative log-likelihood. ``T > 1`` softens over-confident
  probabilities, ``T < 1`` sharpens under-confident ones; the predicted class never changes.

Two kinds of prediction are accepted, told apart by their shape:

- **binary**: ``probs`` of shape ``(N,)``, the probability of the positive class, and 0/1 ``labels``. A bin compares
  the mean predicted probability with the fraction of positives in it (scikit-learn's ``calibration_curve``).
- **multi-class**: ``probs`` of shape ``(N, C)``, one distribution per row, and integer ``labels`` in
  ``0 .. C-1``. A bin compares the mean **confidence** (the largest probability of each row) with the
  **accuracy** of the predicted classes in it (the convention of Guo et al., 2017).

Bins are ``[0, 1/B], (1/B, 2/B], ..., ((B-1)/B, 1]`` for ``B`` bins: a probability on an edge belongs to the
lower bin, as in scikit-learn.

>>> import numpy as np
>>> from lossbook.book import calibration
>>> probs = np.array([0.1, 0.3, 0.7, 0.75, 0.9, 0.95])
>>> labels = np.array([0, 0, 1, 0, 1, 1])
>>> rel = calibration.reliability(probs, labels, bins=5)
>>> rel.counts.tolist(), np.round(rel.predicted, 3).tolist(), rel.observed.tolist()
([1, 1, 0, 2, 2], [0.1, 0.3, nan, 0.725, 0.925], [0.0, 0.0, nan, 0.5, 1.0])
>>> round(calibration.expected_calibration_error(probs, labels, bins=5), 4)
0.1667
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Reliability:
    """The numbers of a reliability diagram, from :func:`reliability`.

    Attributes:
        edges: the ``bins + 1`` bin edges, from 0 to 1.
        counts: the number of examples in each bin.
        predicted: the mean predicted probability (binary) or confidence (multi-class) in each bin; NaN where a bin
            is empty.
        observed: the fraction of positives (binary) or the accuracy (multi-class) in each bin; NaN where empty.
        kind: ``"binary"`` or ``"multiclass"``.
    """

    edges: np.ndarray
    counts: np.ndarray
    predicted: np.ndarray
    observed: np.ndarray
    kind: str

    @property
    def total(self):
        """The number of examples."""
        return int(self.counts.sum())

    @property
    def gaps(self):
        """``|predicted - observed|`` in each bin (NaN where a bin is empty)."""
        return np.abs(self.predicted - self.observed)

    @property
    def ece(self):
        """The expected calibration error, the bins' gaps weighted by the fraction of examples in each."""
        filled = self.counts > 0
        return float(np.sum(self.counts[filled] / self.total * self.gaps[filled]))


def _as_arrays(probs, labels):
    """Check ``probs`` and ``labels``; return ``(probs, labels, kind)`` as float and int arrays."""
    probs, labels = np.asarray(probs, dtype=float), np.asarray(labels)
    if probs.ndim not in (1, 2):
        raise ValueError(f"probs must have shape (N,) (binary) or (N, C) (multi-class), got {probs.shape}")
    if labels.shape != probs.shape[:1]:
        raise ValueError(f"labels must have shape ({len(probs)},), one per row of probs, got {labels.shape}")
    if len(probs) == 0:
        raise ValueError("probs is empty: there is nothing to calibrate")
    if not np.all((probs >= 0) & (probs <= 1)):
        raise ValueError(f"probs must be probabilities in [0, 1], got values from {np.nanmin(probs):g} to "
                         f"{np.nanmax(probs):g} (logits? apply a sigmoid or softmax, or temperature_scale)")
    if labels.dtype.kind not in "biu" and not np.all(labels == np.round(labels)):
        raise ValueError("labels must be integers (0/1 for binary, 0 .. C-1 for multi-class)")
    labels = labels.astype(np.int64)
    if probs.ndim == 1:
        if not np.all((labels == 0) | (labels == 1)):
            raise ValueError(f"binary labels must be 0 or 1, got values from {labels.min()} to {labels.max()}")
        return probs, labels, "binary"
    if not np.all((labels >= 0) & (labels < probs.shape[1])):
        raise ValueError(f"labels must be class indices in 0 .. {probs.shape[1] - 1}, got values from "
                         f"{labels.min()} to {labels.max()}")
    if not np.allclose(probs.sum(axis=1), 1.0, atol=1e-6):
        raise ValueError("each row of probs must sum to 1 (a distribution over the classes)")
    return probs, labels, "multiclass"


def reliability(probs, labels, *, bins=10):
    """Bin the predictions by predicted probability (or confidence) and compare with what happened.

    Args:
        probs: ``(N,)`` probabilities of the positive class, or ``(N, C)`` distributions over ``C`` classes.
        labels: ``(N,)`` true labels: 0/1 for binary, class indices for multi-class.
        bins: the number of equal-width bins on [0, 1].

    Returns:
        A :class:`Reliability`.

    Raises:
        ValueError: shapes that do not match, values that are not probabilities or labels, fewer than one bin.
    """
    probs, labels, kind = _as_arrays(probs, labels)
    if not (isinstance(bins, (int, np.integer)) and bins >= 1):
        raise ValueError(f"bins must be a positive integer, got {bins!r}")
    if kind == "binary":
        score, hit = probs, labels.astype(float)
    else:
        score, hit = probs.max(axis=1), (probs.argmax(axis=1) == labels).astype(float)
    edges = np.linspace(0.0, 1.0, bins + 1)
    which = np.searchsorted(edges[1:-1], score, side="left")  # (a, b]: an edge belongs to the lower bin
    counts = np.bincount(which, minlength=bins)
    with np.errstate(invalid="ignore", divide="ignore"):
        predicted = np.bincount(which, weights=score, minlength=bins) / counts
        observed = np.bincount(which, weights=hit, minlength=bins) / counts
    return Reliability(edges, counts, predicted, observed, kind)


def expected_calibration_error(probs, labels, *, bins=10):
    """The expected calibration error (ECE) of probabilistic predictions.

    .. math::

        \\mathrm{ECE} = \\sum_{b=1}^{B} \\frac{n_b}{N}\\, \\big| \\bar p_b - \\bar y_b \\big|

    with ``n_b`` examples in bin ``b``, their mean predicted probability (or confidence) ``p_b`` and their
    observed frequency (or accuracy) ``y_b``. 0 for perfect calibration; for a finite sample it is positive even
    then, and it depends on the number of bins.

    Args:
        probs: ``(N,)`` probabilities of the positive class, or ``(N, C)`` distributions.
        labels: ``(N,)`` true labels.
        bins: the number of equal-width bins.

    Returns:
        The ECE, a float in [0, 1].

    >>> round(expected_calibration_error([0.9, 0.9, 0.9, 0.9], [1, 1, 1, 0]), 6)
    0.15
    """
    return reliability(probs, labels, bins=bins).ece


def temperature_scale(logits, temperature):
    """Probabilities from logits divided by a temperature: ``sigmoid(z / T)`` or ``softmax(z / T)``.

    Args:
        logits: ``(N,)`` logits of the positive class, or ``(N, C)`` logits.
        temperature: ``T > 0``; 1 leaves the probabilities as they are.

    Returns:
        The probabilities, of the shape of ``logits``.
    """
    from scipy.special import expit, softmax

    logits = np.asarray(logits, dtype=float)
    if not (np.isfinite(temperature) and temperature > 0):
        raise ValueError(f"temperature must be a positive number, got {temperature!r}")
    if logits.ndim == 1:
        return expit(logits / temperature)
    if logits.ndim == 2:
        return softmax(logits / temperature, axis=1)
    raise ValueError(f"logits must have shape (N,) or (N, C), got {logits.shape}")


def _nll(logits, labels, temperature):
    from lossbook import numpy as lbn

    if logits.ndim == 1:
        return lbn.binary_cross_entropy(logits / temperature, labels, from_logits=True)
    return lbn.sparse_categorical_cross_entropy(logits / temperature, labels, from_logits=True)


def fit_temperature(logits, labels, *, bounds=(0.01, 100.0)):
    """The temperature that minimises the negative log-likelihood of ``labels`` given ``logits / T``.

    Fit it on held-out data (a validation split), never on the data the model was trained on: there the model is
    over-confident by construction. The negative log-likelihood of ``z / T`` is convex in ``1 / T``, so the
    one-dimensional search (bounded, on ``log T``) finds its minimum.

    Args:
        logits: ``(N,)`` logits of the positive class (binary), or ``(N, C)`` logits.
        labels: ``(N,)`` true labels: 0/1, or class indices.
        bounds: the range searched for ``T``. A result at a bound means that the data ask for a more extreme
            temperature (for instance, validation data that the model separates perfectly favour ``T -> 0``).

    Returns:
        The temperature ``T``, a float.

    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> z = rng.normal(0, 2, 20000)
    >>> y = (rng.uniform(size=z.size) < 1 / (1 + np.exp(-z))).astype(int)
    >>> round(fit_temperature(3 * z, y), 1)   # logits three times too large
    3.0
    """
    from scipy.optimize import minimize_scalar

    logits = np.asarray(logits, dtype=float)
    if logits.ndim not in (1, 2):
        raise ValueError(f"logits must have shape (N,) or (N, C), got {logits.shape}")
    probs = temperature_scale(logits, 1.0)
    _, labels, _ = _as_arrays(probs, labels)
    low, high = bounds
    if not 0 < low < high:
        raise ValueError(f"bounds must be (low, high) with 0 < low < high, got {bounds!r}")
    result = minimize_scalar(lambda log_t: _nll(logits, labels, np.exp(log_t)),
                             bounds=(np.log(low), np.log(high)), method="bounded",
                             options={"xatol": 1e-8})
    return float(np.exp(result.x))

"""Calibration of a classifier's probabilities: the expected calibration error (ECE).

A classifier is calibrated when its confidence means what it says: among the examples it classifies with
confidence about 0.8, about 80 % are classified correctly. :func:`expected_calibration_error` measures the gap
for multi-class predictions in the usual top-label form (Guo et al., 2017): each example's **confidence** is the
largest of its predicted probabilities, and the predicted class is right or wrong. The examples are sorted into
equal-width confidence bins; in each bin the mean confidence is compared with the accuracy, and the gaps are
averaged with each bin weighted by its share of the examples.

Bins are ``[0, 1/B], (1/B, 2/B], ..., ((B-1)/B, 1]`` for ``B`` bins: a confidence on an edge belongs to the lower
bin, as in scikit-learn's ``calibration_curve``.

>>> import numpy as np
>>> from lossbook.book import calibration
>>> probabilities = np.array([[0.9, 0.1], [0.8, 0.2], [0.3, 0.7], [0.4, 0.6]])
>>> labels = np.array([0, 1, 1, 1])
>>> round(calibration.expected_calibration_error(probabilities, labels, bins=5), 4)
0.25
"""

from __future__ import annotations

import numpy as np


def _checked(probabilities, labels, bins):
    """The arguments of :func:`expected_calibration_error` as arrays, after checking them."""
    p = np.asarray(probabilities, dtype=float)
    y = np.asarray(labels)
    if p.ndim != 2:
        raise ValueError(f"probabilities must have shape (N, C), one distribution per row, got shape {p.shape}")
    if y.shape != p.shape[:1]:
        raise ValueError(f"labels must have shape ({len(p)},), one per row of probabilities, got shape {y.shape}")
    if len(p) == 0:
        raise ValueError("probabilities is empty: there is nothing to measure")
    if not np.all((p >= 0) & (p <= 1)):
        raise ValueError(f"probabilities must lie in [0, 1], got values from {np.nanmin(p):g} to {np.nanmax(p):g} "
                         "(logits? apply a softmax first)")
    if y.dtype.kind not in "iu":
        raise ValueError(f"labels must be integer class indices, got dtype {y.dtype}")
    if y.min() < 0 or y.max() >= p.shape[1]:
        raise ValueError(f"labels must be class indices in 0 .. {p.shape[1] - 1}, got values from {y.min()} to "
                         f"{y.max()}")
    if not (isinstance(bins, (int, np.integer)) and not isinstance(bins, bool) and bins >= 1):
        raise ValueError(f"bins must be a positive integer, got {bins!r}")
    return p, y


def expected_calibration_error(probabilities, labels, bins=15):
    """The top-label expected calibration error of multi-class predictions.

    .. math::

        \\mathrm{ECE} = \\sum_{b=1}^{B} \\frac{n_b}{N}\\,\\big|\\mathrm{conf}_b - \\mathrm{acc}_b\\big|

    where bin ``b`` holds ``n_b`` of the ``N`` examples, ``conf_b`` is their mean confidence (largest predicted
    probability) and ``acc_b`` the fraction of them whose predicted class (the most probable one) is the label.
    0 for perfect calibration, at most 1. On a finite sample it is positive even for a calibrated model, and it
    depends on the number of bins: compare models with the same ``bins`` on the same examples.

    Args:
        probabilities: ``(N, C)`` predicted distributions over ``C`` classes (a softmax of the logits).
        labels: ``(N,)`` integer true classes in ``0 .. C-1``.
        bins: the number of equal-width confidence bins on [0, 1].

    Returns:
        The ECE, a float in [0, 1].

    Raises:
        ValueError: if the shapes do not match, the probabilities are outside [0, 1], the labels are not class
            indices, or ``bins`` is not a positive integer.
    """
    p, y = _checked(probabilities, labels, bins)
    confidence = p.max(axis=1)
    correct = (p.argmax(axis=1) == y).astype(float)
    edges = np.linspace(0.0, 1.0, bins + 1)
    which = np.searchsorted(edges[1:-1], confidence, side="left")  # (a, b]: an edge goes to the lower bin
    counts = np.bincount(which, minlength=bins)
    filled = counts > 0
    mean_confidence = np.bincount(which, weights=confidence, minlength=bins)[filled] / counts[filled]
    accuracy = np.bincount(which, weights=correct, minlength=bins)[filled] / counts[filled]
    return float(np.sum(counts[filled] / len(y) * np.abs(mean_confidence - accuracy)))

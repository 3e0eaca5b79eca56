"""Calibration (lossbook/book/calibration.py): the reliability bins against scikit-learn's calibration_curve and
hand-computed values, the ECE in known cases, temperature scaling's fit and invariants, and the errors."""

import numpy as np
import pytest
from scipy.special import expit, softmax
from sklearn.calibration import calibration_curve

from lossbook import numpy as lbn
from lossbook.book import calibration


def _binary(n=5000, seed=0):
    rng = np.random.default_rng(seed)
    probs = rng.uniform(size=n)
    return probs, (rng.uniform(size=n) < probs).astype(int)


@pytest.mark.parametrize("bins", [3, 5, 10, 15])
def test_binary_bins_agree_with_scikit_learn(bins):
    probs, labels = _binary()
    probs = np.round(probs, 2)  # many values on the bin edges: both put an edge in the lower bin
    rel = calibration.reliability(probs, labels, bins=bins)
    observed, predicted = calibration_curve(labels, probs, n_bins=bins, strategy="uniform")
    filled = rel.counts > 0
    np.testing.assert_allclose(rel.observed[filled], observed, rtol=1e-12)
    np.testing.assert_allclose(rel.predicted[filled], predicted, rtol=1e-12)
    assert rel.total == len(probs) and rel.kind == "binary"


def test_binary_bins_by_hand():
    probs = np.array([0.0, 0.2, 0.25, 0.5, 0.55, 1.0])
    labels = np.array([0, 1, 0, 1, 1, 1])
    rel = calibration.reliability(probs, labels, bins=4)  # [0, .25], (.25, .5], (.5, .75], (.75, 1]
    assert rel.counts.tolist() == [3, 1, 1, 1]
    np.testing.assert_allclose(rel.predicted, [0.15, 0.5, 0.55, 1.0])
    np.testing.assert_allclose(rel.observed, [1 / 3, 1.0, 1.0, 1.0])
    expected = (3 * abs(0.15 - 1 / 3) + 0.5 + 0.45 + 0.0) / 6
    assert calibration.expected_calibration_error(probs, labels, bins=4) == pytest.approx(expected, rel=1e-12)


def test_multiclass_uses_confidence_and_accuracy():
    probs = np.array([[0.7, 0.2, 0.1], [0.1, 0.85, 0.05], [0.45, 0.3, 0.25], [0.05, 0.05, 0.9]])
    labels = np.array([0, 2, 1, 2])  # right, wrong, wrong, right
    rel = calibration.reliability(probs, labels, bins=5)
    assert rel.kind == "multiclass"
    assert rel.counts.tolist() == [0, 0, 1, 1, 2]  # confidences 0.45 | 0.7 | 0.85, 0.9
    np.testing.assert_allclose(rel.predicted[2:], [0.45, 0.7, 0.875])
    np.testing.assert_allclose(rel.observed[2:], [0.0, 1.0, 0.5])
    assert np.isnan(rel.predicted[0]) and np.isnan(rel.observed[1])
    assert rel.ece == pytest.approx((0.45 + 0.3 + 2 * 0.375) / 4)


def test_known_values_of_the_ece():
    # Always the same confident prediction: the ECE is the gap between the confidence and the accuracy.
    labels = np.array([1] * 7 + [0] * 3)
    assert calibration.expected_calibration_error(np.full(10, 0.95), labels) == pytest.approx(0.25)
    # Predictions that equal the frequencies exactly, bin by bin.
    probs = np.array([0.25] * 4 + [0.75] * 4)
    labels = np.array([1, 0, 0, 0, 1, 1, 1, 0])
    assert calibration.expected_calibration_error(probs, labels) == 0.0
    # Calibrated by construction: small for a large sample.
    probs, labels = _binary(200_000, seed=1)
    assert calibration.expected_calibration_error(probs, labels) < 0.005
    # Over-confident: the same draws with probabilities pushed towards 0 and 1.
    sharp = expit(3 * np.log(probs / (1 - probs)))
    assert calibration.expected_calibration_error(sharp, labels) > 0.1


def test_fit_temperature_recovers_a_known_temperature():
    rng = np.random.default_rng(3)
    z = rng.normal(0, 2, 50_000)
    labels = (rng.uniform(size=z.size) < expit(z)).astype(int)
    for scale in (0.5, 1.0, 2.5):
        assert calibration.fit_temperature(scale * z, labels) == pytest.approx(scale, rel=0.03)
    # Multi-class: labels drawn from softmax(z); logits scaled by 2.
    zc = rng.normal(0, 2, (20_000, 4))
    cum = np.cumsum(softmax(zc, axis=1), axis=1)
    labels_c = np.minimum((rng.uniform(size=(len(zc), 1)) > cum).sum(axis=1), 3)
    assert calibration.fit_temperature(2 * zc, labels_c) == pytest.approx(2.0, rel=0.03)


def test_fit_temperature_minimises_the_nll():
    rng = np.random.default_rng(4)
    z = rng.normal(0, 3, 2000)
    labels = (rng.uniform(size=z.size) < expit(z / 2)).astype(int)
    t = calibration.fit_temperature(z, labels)

    def nll(temperature):
        return lbn.binary_cross_entropy(z / temperature, labels, from_logits=True)

    assert nll(t) <= min(nll(t * 0.99), nll(t * 1.01))
    assert nll(t) < nll(1.0)


def test_temperature_never_changes_the_predicted_class():
    rng = np.random.default_rng(5)
    z = rng.normal(0, 3, (500, 6))
    for t in (0.2, 1.0, 7.0):
        p = calibration.temperature_scale(z, t)
        np.testing.assert_allclose(p.sum(axis=1), 1.0)
        assert np.array_equal(p.argmax(axis=1), z.argmax(axis=1))
    zb = rng.normal(0, 3, 500)
    assert np.array_equal(calibration.temperature_scale(zb, 4.0) > 0.5, zb > 0)
    np.testing.assert_allclose(calibration.temperature_scale(zb, 1.0), expit(zb))


@pytest.mark.parametrize("probs, labels, match", [
    (np.array([0.2, 1.3]), np.array([0, 1]), "probabilities in \\[0, 1\\].*logits"),
    (np.array([0.2, 0.3]), np.array([0, 2]), "binary labels must be 0 or 1"),
    (np.array([0.2, 0.3]), np.array([0, 1, 1]), "labels must have shape \\(2,\\)"),
    (np.array([[0.5, 0.5]]), np.array([2]), "class indices in 0 .. 1"),
    (np.array([[0.5, 0.6]]), np.array([1]), "must sum to 1"),
    (np.zeros((2, 2, 2)), np.array([0, 1]), "shape \\(N,\\) \\(binary\\) or \\(N, C\\)"),
    (np.array([0.2, 0.3]), np.array([0.0, 0.5]), "labels must be integers"),
    (np.array([]), np.array([]), "empty"),
])
def test_errors_say_what_is_wrong(probs, labels, match):
    with pytest.raises(ValueError, match=match):
        calibration.reliability(probs, labels)


def test_errors_of_the_temperature_functions():
    with pytest.raises(ValueError, match="bins must be a positive integer"):
        calibration.reliability([0.5], [1], bins=0)
    with pytest.raises(ValueError, match="temperature must be a positive number"):
        calibration.temperature_scale([0.0, 1.0], 0.0)
    with pytest.raises(ValueError, match="bounds must be"):
        calibration.fit_temperature([0.0, 1.0], [0, 1], bounds=(2.0, 1.0))
    with pytest.raises(ValueError, match="binary labels must be 0 or 1"):
        calibration.fit_temperature([0.0, 1.0], [0, 3])

"""lossbook.book.calibration: the expected calibration error against hand-computed values and an independent loop,
its edge cases (bin edges, perfect and worst calibration) and its argument checks."""

import numpy as np
import pytest

from lossbook.book.calibration import expected_calibration_error


def _ece_by_loop(p, y, bins):
    """The ECE written out example by example, bin by bin: the independent reference."""
    total = 0.0
    for b in range(bins):
        low, high = b / bins, (b + 1) / bins
        members = [i for i in range(len(y)) if (low < p[i].max() <= high) or (b == 0 and p[i].max() == 0.0)]
        if not members:
            continue
        confidence = np.mean([p[i].max() for i in members])
        accuracy = np.mean([p[i].argmax() == y[i] for i in members])
        total += len(members) / len(y) * abs(confidence - accuracy)
    return total


def test_hand_computed_value():
    # Confidences 0.9 (right), 0.8 (wrong), 0.7 (right), 0.6 (right); five bins of width 0.2.
    # Bin (0.4, 0.6]: 0.6, all right: gap 0.4. Bin (0.6, 0.8]: 0.8 wrong and 0.7 right: mean 0.75, accuracy 0.5,
    # gap 0.25. Bin (0.8, 1]: 0.9 right: gap 0.1. ECE = (0.4 + 2 * 0.25 + 0.1) / 4 = 0.25.
    p = np.array([[0.9, 0.1], [0.8, 0.2], [0.3, 0.7], [0.4, 0.6]])
    y = np.array([0, 1, 1, 1])
    assert expected_calibration_error(p, y, bins=5) == pytest.approx(0.25)


def test_agrees_with_a_loop_on_random_predictions():
    rng = np.random.default_rng(0)
    for bins in (1, 5, 10, 15):
        logits = rng.normal(scale=3.0, size=(500, 7))
        p = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
        y = rng.integers(0, 7, size=500)
        assert expected_calibration_error(p, y, bins=bins) == pytest.approx(_ece_by_loop(p, y, bins), abs=1e-12)


def test_default_is_fifteen_bins():
    rng = np.random.default_rng(1)
    p = rng.dirichlet(np.ones(4), size=200)
    y = rng.integers(0, 4, size=200)
    assert expected_calibration_error(p, y) == expected_calibration_error(p, y, bins=15)
    assert expected_calibration_error(p, y) == pytest.approx(_ece_by_loop(p, y, 15), abs=1e-12)


def test_perfect_and_worst_calibration():
    y = np.array([0, 1, 2, 1])
    right = np.eye(3)[y]
    assert expected_calibration_error(right, y) == 0.0  # certain and always right
    wrong = np.eye(3)[(y + 1) % 3]
    assert expected_calibration_error(wrong, y) == 1.0  # certain and always wrong
    # Confidence 0.5, right half of the time: calibrated, in one bin.
    half = np.array([[0.5, 0.5, 0.0], [0.5, 0.5, 0.0]])
    assert expected_calibration_error(half, np.array([0, 1])) == 0.0


def test_a_confidence_on_a_bin_edge_goes_to_the_lower_bin():
    # Confidence exactly 0.6 with 5 bins lies in (0.4, 0.6], together with 0.5, not with 0.7.
    p = np.array([[0.6, 0.4], [0.5, 0.5], [0.7, 0.3]])
    y = np.array([0, 1, 0])  # right, wrong (argmax is class 0), right
    # Bins: (0.4, 0.6] holds 0.6 and 0.5: mean 0.55, accuracy 0.5; (0.6, 0.8] holds 0.7: accuracy 1.
    expected = (2 * abs(0.55 - 0.5) + abs(0.7 - 1.0)) / 3
    assert expected_calibration_error(p, y, bins=5) == pytest.approx(expected)


def test_underconfidence_counts_like_overconfidence():
    p = np.array([[0.6, 0.4]] * 10)
    assert expected_calibration_error(p, np.zeros(10, dtype=int)) == pytest.approx(0.4)  # right 100 %, says 60 %
    y = np.array([0] * 2 + [1] * 8)
    assert expected_calibration_error(p, y) == pytest.approx(0.4)  # right 20 %, says 60 %


@pytest.mark.parametrize("probabilities, labels, bins, message", [
    (np.array([0.2, 0.8]), np.array([0, 1]), 15, r"shape \(N, C\)"),
    (np.full((3, 2), 0.5), np.array([0, 1]), 15, r"labels must have shape \(3,\)"),
    (np.zeros((0, 2)), np.zeros(0, dtype=int), 15, "empty"),
    (np.array([[2.0, -1.0]]), np.array([0]), 15, r"\[0, 1\].*logits"),
    (np.array([[0.5, 0.5]]), np.array([0.0]), 15, "integer class indices"),
    (np.array([[0.5, 0.5]]), np.array([2]), 15, r"0 \.\. 1"),
    (np.array([[0.5, 0.5]]), np.array([0]), 0, "positive integer"),
    (np.array([[0.5, 0.5]]), np.array([0]), 2.5, "positive integer"),
])
def test_errors_name_the_problem(probabilities, labels, bins, message):
    with pytest.raises(ValueError, match=message):
        expected_calibration_error(probabilities, labels, bins=bins)

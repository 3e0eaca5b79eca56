"""The synthetic data sets (lossbook/book/data.py) that promise a known truth: the counts' Poisson mean and the two
Gaussian classes' log-odds."""

import numpy as np
import pytest
from scipy.special import expit

from lossbook.book import data


def test_counts_are_poisson_with_a_log_linear_mean():
    x, y = data.counts(200_000, intercept=0.5, slope=0.8, high=4.0, seed=1)
    assert x.shape == y.shape == (200_000,) and y.dtype == np.float64
    assert x.min() >= 0 and x.max() <= 4.0
    assert np.all(y >= 0) and np.all(y == np.round(y))
    for low in (0.0, 1.0, 2.0, 3.0):
        near = (x >= low) & (x < low + 0.1)
        mean = np.exp(0.5 + 0.8 * x[near]).mean()
        assert y[near].mean() == pytest.approx(mean, rel=0.05)
        assert y[near].var() == pytest.approx(y[near].mean(), rel=0.15)  # Poisson: variance = mean (plus the spread of x)


def test_gaussian_classes_have_the_stated_log_odds():
    x, labels = data.gaussian_classes(200_000, features=5, distance=2.0, seed=2)
    assert x.shape == (200_000, 5) and labels.shape == (200_000,) and set(np.unique(labels)) == {0, 1}
    assert labels.mean() == pytest.approx(0.5, abs=0.01)
    np.testing.assert_allclose(x[labels == 1, 0].mean(), 1.0, atol=0.02)
    np.testing.assert_allclose(x[labels == 0, 0].mean(), -1.0, atol=0.02)
    np.testing.assert_allclose(x[:, 1:].mean(axis=0), 0.0, atol=0.02)  # the other features carry nothing
    log_odds = data.true_log_odds(x, distance=2.0)
    for centre in (-1.0, 0.0, 0.5, 1.5):
        near = np.abs(log_odds - centre) < 0.05
        assert labels[near].mean() == pytest.approx(expit(centre), abs=0.02)


def test_generators_are_deterministic_and_check_their_arguments():
    for make in (data.counts, data.gaussian_classes):
        a, b = make(50, seed=7), make(50, seed=7)
        assert all(np.array_equal(u, v) for u, v in zip(a, b))
        assert not np.array_equal(make(50, seed=8)[1], a[1])
    with pytest.raises(ValueError, match="features must be at least 1"):
        data.gaussian_classes(10, features=0)

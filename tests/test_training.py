"""The shared training helpers: fit_linear recovers known solutions, with and without an L2 penalty."""

import numpy as np

from lossbook.book import data, training
from lossbook import numpy as lbn


def test_fit_linear_recovers_least_squares():
    x, y = data.line(200, slope=-1.5, intercept=2.0, noise=0.3, seed=3)
    fit = training.fit_linear(x[:, None], y, lbn.mse, lr=0.05, epochs=3000)
    np.testing.assert_allclose([fit.weights[0], fit.bias], np.polyfit(x, y, 1), rtol=1e-6)
    assert fit.history[-1] < fit.history[0]


def test_fit_linear_l2_is_ridge_regression():
    """With the MSE (mean of squared residuals) the penalised minimum solves (X'X/N*2 + l2 I) w = X'(y - b)/N*2."""
    rng = np.random.default_rng(0)
    x = rng.normal(size=(100, 3))
    y = x @ np.array([1.0, -2.0, 0.5]) + 0.3 + 0.1 * rng.normal(size=100)
    fit = training.fit_linear(x, y, lbn.mse, lr=0.1, epochs=5000, l2=0.5)
    xc, yc = x - x.mean(0), y - y.mean()          # the unpenalised bias absorbs the means
    ridge = np.linalg.solve(2 * xc.T @ xc / 100 + 0.5 * np.eye(3), 2 * xc.T @ yc / 100)
    np.testing.assert_allclose(fit.weights, ridge, rtol=1e-6)
    assert np.linalg.norm(fit.weights) < np.linalg.norm(training.fit_linear(x, y, lbn.mse, lr=0.1, epochs=5000).weights)

"""Tests of the helpers added for the multi-class chapter: data.mixture_on_grid, training.fit_gaussian_on_grid,
plotting.loss_and_gradient_values."""

import numpy as np
import pytest

from lossbook.book import data, plotting, training


def test_mixture_on_grid_is_a_distribution_with_its_modes_at_the_means():
    grid, p = data.mixture_on_grid(400, means=(-2.5, 2.5), stds=(0.6, 0.6), weights=(0.5, 0.5), lim=6.0)
    assert grid.shape == p.shape == (400,)
    assert grid[0] == -6.0 and grid[-1] == 6.0
    assert np.all(p > 0) and abs(p.sum() - 1) < 1e-12
    np.testing.assert_allclose(p, p[::-1], rtol=1e-12)  # symmetric parameters, symmetric grid
    left, right = grid[np.argmax(p[:200])], grid[200 + np.argmax(p[200:])]
    assert abs(left + 2.5) < 0.05 and abs(right - 2.5) < 0.05
    assert p[200] < 1e-3 * p.max()  # a deep valley between the modes


def test_mixture_on_grid_weights_and_errors():
    grid, p = data.mixture_on_grid(1001, means=(-2.0, 2.0), stds=(0.5, 0.5), weights=(3.0, 1.0))
    assert abs(p[grid < 0].sum() - 0.75) < 1e-4  # the point at 0 holds the rest
    with pytest.raises(ValueError, match="one value per component"):
        data.mixture_on_grid(means=(0.0, 1.0), stds=(1.0,), weights=(1.0, 1.0))


def _moments(grid, p):
    mean = (grid * p).sum()
    return mean, ((grid - mean) ** 2 * p).sum()


@pytest.mark.parametrize("reverse", [False, True])
@pytest.mark.parametrize("log_input", [False, True])
def test_fit_gaussian_recovers_a_gaussian_target(reverse, log_input):
    from lossbook import torch as lbt

    grid, p = data.mixture_on_grid(400, means=(1.0,), stds=(0.8,), weights=(1.0,))
    fit = training.fit_gaussian_on_grid(grid, p, lbt.kl_divergence, reverse=reverse, log_input=log_input,
                                        steps=400, lr=0.05, mean=0.0, std=1.5)
    assert abs(fit.mean - 1.0) < 1e-2 and abs(fit.std - 0.8) < 1e-2
    assert fit.q.shape == (400,) and abs(fit.q.sum() - 1) < 1e-12
    assert len(fit.history) == 400 and fit.history[-1] < 1e-4 < fit.history[0]


def test_fit_gaussian_forward_kl_covers_and_reverse_kl_seeks_a_mode():
    from lossbook import torch as lbt

    grid, p = data.mixture_on_grid(400)
    cover = training.fit_gaussian_on_grid(grid, p, lbt.kl_divergence, log_input=True, steps=300)
    seek = training.fit_gaussian_on_grid(grid, p, lbt.kl_divergence, reverse=True, log_input=True, steps=300)
    # forward KL against a Gaussian family on the grid matches the first two moments of the target
    np.testing.assert_allclose(_moments(grid, cover.q), _moments(grid, p), atol=1e-3)
    # reverse KL settles on the mode nearest the start (mean=1.0): one Gaussian of the mixture, KL = log 2
    assert abs(seek.mean - 2.5) < 1e-2 and abs(seek.std - 0.6) < 1e-2
    assert abs(seek.history[-1] - np.log(2)) < 1e-3


def test_fit_gaussian_is_deterministic():
    from lossbook import torch as lbt

    grid, p = data.mixture_on_grid(200)
    a = training.fit_gaussian_on_grid(grid, p, lbt.kl_divergence, reverse=True, log_input=True, steps=50)
    b = training.fit_gaussian_on_grid(grid, p, lbt.kl_divergence, reverse=True, log_input=True, steps=50)
    assert a.mean == b.mean and a.std == b.std and a.history == b.history


def test_loss_and_gradient_values_draws_each_curve_in_both_panels():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    x = np.linspace(-2, 2, 50)
    fig = plotting.loss_and_gradient_values(
        x, {"square": (x**2, 2 * x), "abs": (np.abs(x), np.sign(x))}, xlabel="x", title="t",
        styles={"abs": {"ls": "--"}})
    ax_l, ax_g = fig.axes
    assert [line.get_label() for line in ax_l.get_lines()][:2] == ["square", "abs"]
    np.testing.assert_allclose(ax_g.get_lines()[0].get_ydata(), 2 * x)
    assert ax_g.get_lines()[1].get_linestyle() == "--"
    assert ax_l.get_xlabel() == "x" and ax_l.get_ylabel() == "loss"
    plt.close(fig)

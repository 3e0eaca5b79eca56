"""Small synthetic data sets for the book's experiments. Every generator takes a ``seed`` and is deterministic.

>>> from lossbook.book import data
>>> x, y = data.line_with_outliers(n=50, seed=0)
>>> x.shape, y.shape
((50,), (50,))
"""

from __future__ import annotations

import numpy as np


def line(n=100, *, slope=2.0, intercept=1.0, noise=0.5, seed=0):
    """Points ``y = slope * x + intercept + noise * N(0, 1)`` with ``x`` uniform in [0, 5]."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(0, 5, n)
    return x, slope * x + intercept + noise * rng.standard_normal(n)


def line_with_outliers(n=100, *, slope=2.0, intercept=1.0, noise=0.5, outlier_fraction=0.1, outlier_shift=15.0,
                       seed=0):
    """:func:`line` where a fraction of the points (the largest ``x``) is pushed down by ``outlier_shift``.

    The outliers sit at one end, so they pull a least-squares line's slope, as gross errors in real data do.
    """
    x, y = line(n, slope=slope, intercept=intercept, noise=noise, seed=seed)
    k = int(round(outlier_fraction * n))
    if k:
        idx = np.argsort(x)[-k:]
        y[idx] -= outlier_shift
    return x, y


def heteroscedastic(n=500, *, seed=0):
    """Points whose noise grows with ``x``: ``y = 1 + 2x + (0.2 + 0.5x) N(0, 1)``, ``x`` uniform in [0, 5].

    The conditional ``q``-quantile is the line ``1 + 2x + (0.2 + 0.5x) z_q``, so quantile lines fan out.
    """
    rng = np.random.default_rng(seed)
    x = rng.uniform(0, 5, n)
    return x, 1 + 2 * x + (0.2 + 0.5 * x) * rng.standard_normal(n)


def counts(n=200, *, intercept=0.5, slope=0.8, high=4.0, seed=0):
    """Counts whose mean grows exponentially with ``x``: ``y ~ Poisson(exp(intercept + slope * x))``, ``x`` uniform
    in [0, high].

    A Poisson regression with a log link (a linear model of the log-rate) is the true model; the counts' variance
    equals their mean, so the large counts at high ``x`` are also the noisiest.

    >>> x, y = counts(5, seed=0)
    >>> y
    array([18.,  4.,  1.,  1., 28.])

    Args:
        n: the number of points.
        intercept: the log-rate at ``x = 0``.
        slope: how much the log-rate grows per unit of ``x``.
        high: the largest ``x``.
        seed: the seed of the random draws.

    Returns:
        ``x`` ``(n,)`` and the counts ``y`` ``(n,)``, float64 with whole values.
    """
    rng = np.random.default_rng(seed)
    x = rng.uniform(0, high, n)
    return x, rng.poisson(np.exp(intercept + slope * x)).astype(float)


def gaussian_classes(n=1000, *, features=20, distance=2.0, seed=0):
    """Two equally likely classes whose features are independent standard normal, except the first: its mean is
    ``-distance / 2`` for class 0 and ``+distance / 2`` for class 1.

    The true probability of class 1 is known: its log-odds is ``distance * x[:, 0]`` (a logistic regression on the
    first feature alone is the best possible classifier), and the other ``features - 1`` columns are pure noise.
    With few examples and many features, a model fitted by maximum likelihood is over-confident.

    >>> x, labels = gaussian_classes(4, features=3, seed=0)
    >>> x.shape, labels.tolist()
    ((4, 3), [1, 1, 1, 0])

    Args:
        n: the number of examples.
        features: the number of features (at least 1).
        distance: the distance between the two classes' means along the first feature.
        seed: the seed of the random draws.

    Returns:
        Features ``(n, features)`` and integer labels ``(n,)`` in {0, 1}.
    """
    if features < 1:
        raise ValueError(f"features must be at least 1, got {features}")
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 2, n)
    x = rng.standard_normal((n, features))
    x[:, 0] += distance / 2 * (2 * labels - 1)
    return x, labels


def true_log_odds(x, *, distance=2.0):
    """The true log-odds of class 1 for :func:`gaussian_classes` with the same ``distance``: ``distance * x[:, 0]``.

    Args:
        x: features ``(n, features)`` from :func:`gaussian_classes`.
        distance: the ``distance`` they were drawn with.

    Returns:
        ``(n,)`` log-odds; ``scipy.special.expit`` of them is the probability of class 1.
    """
    return distance * np.asarray(x)[:, 0]


def blobs(n=300, *, centers=((-2.0, 0.0), (2.0, 0.0)), spread=1.0, weights=None, seed=0):
    """Gaussian blobs in 2-D: features ``(n, 2)`` and integer labels ``(n,)``, one class per center.

    ``weights`` gives the fraction of each class (default: equal), so imbalanced data sets are one argument away.
    """
    rng = np.random.default_rng(seed)
    centers = np.asarray(centers, dtype=float)
    k = len(centers)
    weights = np.full(k, 1 / k) if weights is None else np.asarray(weights, dtype=float) / np.sum(weights)
    labels = rng.choice(k, size=n, p=weights)
    features = centers[labels] + spread * rng.standard_normal((n, 2))
    return features, labels


def multilabel(n=1000, *, num_features=5, num_labels=4, rarity=None, seed=0):
    """A multi-label problem: features ``(n, num_features)`` and 0/1 labels ``(n, num_labels)``.

    Label ``c`` is on where ``x @ w_c + b_c + noise > 0``; the intercepts ``b_c`` are chosen so that label ``c``
    is on for about a fraction ``rarity[c]`` of the samples (default: 0.5, 0.3, 0.15, 0.05, ...).
    """
    rng = np.random.default_rng(seed)
    rarity = np.asarray(rarity if rarity is not None else [0.5, 0.3, 0.15, 0.05, 0.02][:num_labels], dtype=float)
    if rarity.shape != (num_labels,):
        raise ValueError(f"rarity must have shape ({num_labels},), got {rarity.shape}")
    x = rng.standard_normal((n, num_features))
    w = rng.standard_normal((num_features, num_labels))
    scores = x @ w + 0.5 * rng.standard_normal((n, num_labels))
    b = -np.quantile(scores, 1 - rarity, axis=0).diagonal()  # column c's own quantile 1 - rarity[c]
    return x, (scores + b > 0).astype(float)


def mixture_on_grid(n=400, *, means=(-2.5, 2.5), stds=(0.6, 0.6), weights=(0.5, 0.5), lim=6.0):
    """A mixture of 1-D Gaussians discretised on a grid: ``grid`` (``n`` points in [-lim, lim]) and ``p`` (``n``
    non-negative values summing to 1), the density at each grid point normalised over the grid.

    A two-mode target for fitting distributions on a grid (e.g. mode covering vs mode seeking with KL).
    """
    grid = np.linspace(-lim, lim, n)
    means, stds, weights = (np.asarray(v, dtype=float) for v in (means, stds, weights))
    if not means.shape == stds.shape == weights.shape:
        raise ValueError(f"means, stds and weights must have one value per component, got shapes "
                         f"{means.shape}, {stds.shape} and {weights.shape}")
    z = (grid[:, None] - means) / stds
    density = (weights / stds * np.exp(-0.5 * z * z)).sum(axis=1)
    return grid, density / density.sum()

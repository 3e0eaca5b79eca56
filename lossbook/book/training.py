"""Tiny training loops for the book: gradient descent on a linear model with the NumPy backend's gradients, and
a plain PyTorch loop.

>>> import numpy as np
>>> from lossbook import numpy as lbn
>>> from lossbook.book import training
>>> x = np.linspace(0, 1, 20)[:, None]
>>> fit = training.fit_linear(x, 3 * x[:, 0] + 1, lbn.mse, lr=0.5, epochs=2000)
>>> np.round(fit.weights, 3), round(fit.bias, 3)
(array([3.]), 1.0)
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass
class LinearFit:
    """Result of :func:`fit_linear`: ``predict(x) = x @ weights + bias`` and the loss after every epoch."""

    weights: np.ndarray
    bias: object
    history: list = field(default_factory=list)

    def predict(self, x):
        return np.asarray(x) @ self.weights + self.bias


def fit_linear(x, y, loss, *, outputs=None, lr=0.1, epochs=200, record_every=1, l2=0.0, **options):
    """Fit ``x @ W + b`` to ``y`` by full-batch gradient descent on ``loss`` (a ``lossbook.numpy`` function).

    The chain rule does the rest: with ``g = loss.grad(pred, y)`` (already divided by the batch for the mean),
    ``dL/dW = x.T @ g`` and ``dL/db = sum(g)``.

    Args:
        x: features ``(n, d)``.
        y: targets, in the format ``loss`` expects.
        loss: a NumPy-backend loss with a ``.grad`` (e.g. ``lbn.huber``).
        outputs: ``None`` for one output per sample (``W`` has shape ``(d,)``), or the number of outputs
            (``W`` is ``(d, outputs)``; classes for cross-entropy, labels for multi-label).
        lr: learning rate. epochs: number of full-batch steps. record_every: record the loss every k epochs.
        l2: strength ``lambda`` of a penalty ``lambda / 2 * ||W||^2`` added to the objective (the bias is not
            penalised; ``history`` records the loss without the penalty). With the hinge loss this is a linear SVM.
        **options: hyperparameters passed to the loss (``delta=...``, ``from_logits=True``, ...).
    """
    x = np.asarray(x, dtype=float)
    shape = (x.shape[1],) if outputs is None else (x.shape[1], outputs)
    w, b = np.zeros(shape), np.zeros(shape[1:])
    history = []
    for epoch in range(epochs):
        pred = x @ w + b
        if epoch % record_every == 0:
            history.append(float(loss(pred, y, **options)))
        g = loss.grad(pred, y, **options)
        w -= lr * (x.T @ g + l2 * w)
        b -= lr * g.sum(axis=0)
    return LinearFit(w, b if outputs is not None else float(b), history)


def train_torch(model, loss_fn, x, y, *, epochs=100, lr=0.1, optimizer="sgd", seed=0):
    """Train a PyTorch ``model`` on full batches: the five lines every training loop has.

    ``loss_fn(model(x), y)`` is called as ``criterion(output, target)``; returns the list of loss values.
    """
    import torch

    torch.manual_seed(seed)
    opt = {"sgd": torch.optim.SGD, "adam": torch.optim.Adam}[optimizer](model.parameters(), lr=lr)
    history = []
    for _ in range(epochs):
        opt.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        opt.step()
        history.append(loss.item())
    return history


@dataclass
class GaussianFit:
    """Result of :func:`fit_gaussian_on_grid`: the fitted mean and standard deviation, the fitted distribution
    ``q`` on the grid, and the loss after every step."""

    mean: float
    std: float
    q: np.ndarray
    history: list = field(default_factory=list)


def fit_gaussian_on_grid(grid, target, loss, *, reverse=False, log_input=False, steps=300, lr=0.05, mean=1.0,
                         std=1.0):
    """Fit one Gaussian, discretised on ``grid``, to the distribution ``target`` on the same grid with Adam on its
    mean and log standard deviation.

    ``q`` is ``softmax(-(grid - mean)**2 / (2 std**2))`` over the grid (a Gaussian normalised on the grid).
    The objective is ``loss(q, target)``, or ``loss(target, q)`` with ``reverse=True``; with
    ``loss = lossbook.torch.kl_divergence`` (``loss(y_pred, y_true) = KL(y_true || y_pred)``) these are
    ``KL(target || q)`` (mode covering) and ``KL(q || target)`` (mode seeking).

    Args:
        grid: the points ``(n,)``. target: probabilities on the grid ``(n,)``, summing to 1.
        loss: a ``lossbook.torch`` loss over the last axis (differentiable in both arguments for ``reverse``).
        reverse: swap the arguments of ``loss`` (see above).
        log_input: pass the first argument of ``loss`` as log-probabilities, with ``log_input=True`` (for
            ``kl_divergence``: exact even where one distribution is many orders of magnitude below the other).
        steps, lr: Adam steps and learning rate. mean, std: the starting Gaussian.
    """
    import torch

    x = torch.as_tensor(np.asarray(grid, dtype=float))
    p = torch.as_tensor(np.asarray(target, dtype=float))
    mu = torch.tensor(float(mean), dtype=torch.float64, requires_grad=True)
    log_std = torch.tensor(float(np.log(std)), dtype=torch.float64, requires_grad=True)
    opt = torch.optim.Adam([mu, log_std], lr=lr)

    log_p = torch.log(p)
    options = {"log_input": True} if log_input else {}

    def log_q_of():
        return torch.log_softmax(-0.5 * ((x - mu) / log_std.exp()) ** 2, dim=-1)

    history = []
    for _ in range(steps):
        opt.zero_grad()
        log_q = log_q_of()
        q = log_q.exp()
        if reverse:
            value = loss(log_p if log_input else p, q, **options)
        else:
            value = loss(log_q if log_input else q, p, **options)
        value.backward()
        opt.step()
        history.append(value.item())
    with torch.no_grad():
        q = log_q_of().exp().numpy()
    return GaussianFit(mu.item(), float(np.exp(log_std.item())), q, history)

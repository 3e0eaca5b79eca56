"""Tiny training loops for the book: gradient descent on a linear model with the NumPy backend's gradients, and
a plain PyTorch loop.

>>> import numpy as np
>>> from lossbook import numpy as lbn, training
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


def fit_linear(x, y, loss, *, outputs=None, lr=0.1, epochs=200, record_every=1, **options):
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
        w -= lr * (x.T @ g)
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

"""Training loops for the book.

Two small loops for the chapters' experiments: full-batch gradient descent on a linear model with the NumPy
backend's gradients (:func:`fit_linear`), and a plain PyTorch loop on full batches (:func:`train_torch`).

And the loop the chapters' labs share: a multilayer perceptron (:func:`mlp`) trained with minibatches from a
``DataLoader`` (:func:`data_loader`), with the training and validation loss measured after every epoch and optional
early stopping (:func:`train`, which returns a :class:`History`); :func:`predict` and :func:`evaluate` apply the
trained model to a test split. Every run is seeded and, on the CPU, bit-for-bit repeatable.

And a probe of the loss surface: :func:`loss_along_segment` measures the loss on the straight line between two
models' weights (a :class:`Segment`), which shows that a network's loss is not convex in its weights.

>>> import numpy as np
>>> from lossbook import numpy as lbn
>>> from lossbook.book import training
>>> x = np.linspace(0, 1, 20)[:, None]
>>> fit = training.fit_linear(x, 3 * x[:, 0] + 1, lbn.mse, lr=0.5, epochs=2000)
>>> np.round(fit.weights, 3), round(fit.bias, 3)
(array([3.]), 1.0)
"""

from __future__ import annotations

from contextlib import contextmanager
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


# ------------------------------------------------------------------------------------- the labs: minibatch training

_ACTIVATIONS = ("relu", "tanh", "gelu")


def mlp(in_features, hidden, out_features=None, *, activation="relu", dropout=0.0, seed=0):
    """A multilayer perceptron: ``Linear`` layers with an activation (and optional dropout) between them.

    The last layer is linear: its outputs are scores (logits for classification), never probabilities, so the loss
    is called with ``from_logits=True``. Building the same network with the same ``seed`` gives the same initial
    weights; the global random state of PyTorch is left as it was.

    >>> from lossbook.book import training
    >>> training.mlp(10, [32, 16], 3)
    Sequential(
      (0): Linear(in_features=10, out_features=32, bias=True)
      (1): ReLU()
      (2): Linear(in_features=32, out_features=16, bias=True)
      (3): ReLU()
      (4): Linear(in_features=16, out_features=3, bias=True)
    )

    Args:
        in_features: the number of input features.
        hidden: the width of the hidden layer, or a list of widths (one per hidden layer; ``[]`` for none, which
            makes a linear model).
        out_features: the number of outputs per example (classes, labels), or ``None`` for one output per example
            returned with shape ``(N,)`` rather than ``(N, 1)``, so that it matches targets of shape ``(N,)``
            (regression, binary classification). A final ``Flatten(start_dim=0)`` layer does the reshaping.
        activation: ``"relu"``, ``"tanh"`` or ``"gelu"``.
        dropout: the probability of dropping a hidden unit during training (0 for no dropout layers).
        seed: the seed of the initial weights.

    Returns:
        A ``torch.nn.Sequential`` in float32.
    """
    import torch
    from torch import nn

    if activation not in _ACTIVATIONS:
        raise ValueError(f"activation must be one of {', '.join(map(repr, _ACTIVATIONS))}, got {activation!r}")
    widths = [hidden] if isinstance(hidden, int) else list(hidden)
    act = {"relu": nn.ReLU, "tanh": nn.Tanh, "gelu": nn.GELU}[activation]
    layers, width = [], in_features
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        for next_width in widths:
            layers += [nn.Linear(width, next_width), act()]
            if dropout:
                layers.append(nn.Dropout(dropout))
            width = next_width
        layers.append(nn.Linear(width, 1 if out_features is None else out_features))
    if out_features is None:
        layers.append(nn.Flatten(start_dim=0))
    return nn.Sequential(*layers)


def data_loader(x, y, *, batch_size, shuffle=True, seed=0):
    """A ``DataLoader`` of minibatches ``(x_batch, y_batch)``, reshuffled every epoch from its own seeded generator.

    Each minibatch is taken from the tensors in one indexing operation (the sampler hands the dataset a whole batch
    of indices), rather than example by example and then stacked, which is the slow part of a ``DataLoader`` on
    small examples. No worker processes: the batches are made in the calling process, in a fixed order.

    Args:
        x: the inputs ``(N, ...)``, a tensor or an array (converted with ``torch.as_tensor``).
        y: the targets, ``N`` first.
        batch_size: the number of examples per minibatch (the last one may be smaller).
        shuffle: draw the examples in a new random order every epoch (else in order).
        seed: the seed of the shuffling generator: two loaders with the same seed give the same batches.

    Returns:
        A ``torch.utils.data.DataLoader`` over a ``TensorDataset``.
    """
    import torch
    from torch.utils.data import BatchSampler, DataLoader, RandomSampler, SequentialSampler, TensorDataset

    x, y = torch.as_tensor(x), torch.as_tensor(y)
    if len(x) != len(y):
        raise ValueError(f"x and y must have the same number of examples, got {len(x)} and {len(y)}")
    dataset = TensorDataset(x, y)
    order = (RandomSampler(dataset, generator=torch.Generator().manual_seed(seed)) if shuffle
             else SequentialSampler(dataset))
    return DataLoader(dataset, sampler=BatchSampler(order, batch_size, drop_last=False), batch_size=None,
                      num_workers=0)


@dataclass
class History:
    """What :func:`train` measured: the loss on the training and the validation split after every epoch.

    Epochs are counted from 1, so ``train_loss[epoch - 1]`` is the loss after ``epoch`` epochs. Both losses are
    computed after the epoch with the same weights, in evaluation mode (dropout off), over the whole split: the two
    curves are comparable point by point.

    Attributes:
        train_loss: the mean loss on the training split after each epoch.
        val_loss: the mean loss on the validation split after each epoch.
        val_metric: the validation metric after each epoch (empty without a ``metric``).
        best_epoch: the epoch with the lowest validation loss (the first one, if several tie).
        stopped_early: whether early stopping ended the run before ``epochs``.
        restored_best: whether the model holds the weights of ``best_epoch`` (early stopping restores them) rather
            than those of the last epoch.
    """

    train_loss: list = field(default_factory=list)
    val_loss: list = field(default_factory=list)
    val_metric: list = field(default_factory=list)
    best_epoch: int = 0
    stopped_early: bool = False
    restored_best: bool = False

    @property
    def epochs(self):
        """The epoch numbers ``1, 2, ..., len(train_loss)`` (the x-axis of a training curve)."""
        return list(range(1, len(self.train_loss) + 1))

    @property
    def best_val_loss(self):
        """The validation loss at ``best_epoch``."""
        return self.val_loss[self.best_epoch - 1]

    def __repr__(self):
        # Short on purpose: a notebook cell ending in a History prints one line, not every loss value.
        ran = f"{len(self.val_loss)} epochs" + (", stopped early" if self.stopped_early else "")
        if not self.val_loss:
            return f"History({ran})"
        return f"History({ran}, best epoch {self.best_epoch}: validation loss {self.best_val_loss:.4g})"


def train(model, loss_fn, train_data, val_data, *, epochs, batch_size=64, lr=1e-3, optimizer="adam",
          weight_decay=0.0, seed=0, patience=None, min_delta=0.0, metric=None, threads=1):
    """Train ``model`` with minibatches and measure the training and validation loss after every epoch.

    The loop every lab shares: for each epoch, shuffle the training split into minibatches
    (:func:`data_loader`); for each minibatch, ``loss_fn(model(x_batch), y_batch)``, backpropagation, one optimizer
    step; after the epoch, the loss on the whole training and validation splits with the model in evaluation mode.

    Early stopping (``patience``): training ends when the validation loss has not improved on its best value by
    more than ``min_delta`` for ``patience`` epochs, and the model gets back the weights of its best epoch.

    Deterministic: the shuffling, dropout and every other random draw come from ``seed``, so two calls with the
    same arguments on the same model and data give bit-identical weights and losses on the CPU. PyTorch's global
    random state is left as it was. The initial weights are the model's own (:func:`mlp` seeds them).

    Fast on a small CPU: the loop runs on one thread by default. The labs' networks are so small that a second
    thread saves little, and when other programs keep the cores busy, PyTorch's threads wait for each other (in
    one measurement on a busy two-core machine, 30 epochs on the digits took 0.4 s on one thread and over 40 s on
    two).

    Args:
        model: a ``torch.nn.Module``; trained in place, and left in evaluation mode.
        loss_fn: called as ``loss_fn(output, target)`` and returning a scalar tensor: a ``lossbook.torch`` loss
            (``lbt.huber``, ``lbt.HuberLoss(delta=2.0)``) or any ``torch.nn`` loss module. Use ``functools.partial``
            or the module form to set hyperparameters such as ``from_logits=True``.
        train_data: the training split ``(x, y)``: arrays or tensors, ``N`` first. Floating-point arrays are
            converted to the model's dtype and device, integer arrays (class labels) to int64. (``lossbook``
            losses take 0/1 labels as integers; ``torch.nn.BCEWithLogitsLoss`` wants them as floats.)
        val_data: the validation split ``(x, y)``, in the same form.
        epochs: the maximum number of passes over the training split.
        batch_size: the number of examples per minibatch.
        lr: the learning rate.
        optimizer: ``"adam"``, ``"adamw"``, ``"sgd"``, or a callable ``(params, lr=, weight_decay=)`` returning a
            ``torch.optim.Optimizer`` (``torch.optim.RMSprop``, ``functools.partial(torch.optim.SGD,
            momentum=0.9)``).
        weight_decay: the optimizer's weight decay (an L2 penalty for ``"adam"`` and ``"sgd"``, decoupled for
            ``"adamw"``).
        seed: the seed of every random draw during training.
        patience: the number of epochs without improvement before stopping early; ``None`` trains for all
            ``epochs`` and keeps the weights of the last one.
        min_delta: the least decrease of the validation loss that counts as an improvement.
        metric: an optional ``metric(output, target) -> float`` (accuracy, for instance) computed on the
            validation split after every epoch, from the same outputs as the validation loss.
        threads: the number of CPU threads PyTorch uses during training, restored afterwards; ``None`` leaves
            PyTorch's setting alone (use it for large models).

    Returns:
        The :class:`History` of the run.
    """
    import torch

    if patience is not None and patience < 1:
        raise ValueError(f"patience must be a positive number of epochs or None, got {patience}")
    like = next(model.parameters())
    x_train, y_train = _tensors(train_data, like, "train_data")
    val = _tensors(val_data, like, "val_data")
    history = History()
    best_state = None
    devices = [like.device.index or 0] if like.device.type == "cuda" else []
    # The caller's random state and thread count come back afterwards.
    with _threads(threads), torch.random.fork_rng(devices=devices):
        torch.manual_seed(seed)
        batches = data_loader(x_train, y_train, batch_size=batch_size, shuffle=True, seed=seed)
        opt = _optimizer(optimizer, model.parameters(), lr, weight_decay)
        for epoch in range(1, epochs + 1):
            model.train()
            for x_batch, y_batch in batches:
                opt.zero_grad(set_to_none=True)
                loss = loss_fn(model(x_batch), y_batch)
                if loss.ndim != 0:
                    raise ValueError(f"loss_fn must return one number (reduction 'mean' or 'sum'), "
                                     f"got a tensor of shape {tuple(loss.shape)}")
                loss.backward()
                opt.step()
            history.train_loss.append(evaluate(model, loss_fn, (x_train, y_train)))
            val_output = _outputs(model, val[0])
            history.val_loss.append(float(loss_fn(val_output, val[1])))
            if metric is not None:
                history.val_metric.append(float(metric(val_output, val[1])))
            if history.best_epoch == 0 or history.val_loss[-1] < history.best_val_loss - min_delta:
                history.best_epoch = epoch
                if patience is not None:
                    best_state = {k: v.detach().clone() for k, v in model.state_dict().items()}
            elif patience is not None and epoch - history.best_epoch >= patience:
                history.stopped_early = epoch < epochs
                break
    if patience is not None and history.best_epoch != len(history.val_loss):
        model.load_state_dict(best_state)
        history.restored_best = True
    model.eval()
    return history


def predict(model, x):
    """The model's outputs for the inputs ``x``, as a NumPy array (evaluation mode, no gradients).

    Args:
        model: a trained ``torch.nn.Module``.
        x: the inputs ``(N, ...)``, an array or a tensor (converted to the model's dtype and device).

    Returns:
        ``model(x)`` as a NumPy array: scores or logits, as the model's last layer gives them.
    """
    like = next(model.parameters())
    return _outputs(model, _tensor(x, like)).cpu().numpy()


def evaluate(model, fn, data):
    """Apply the model to a whole split and return ``fn(output, target)`` as a Python float.

    Args:
        model: a trained ``torch.nn.Module`` (put in evaluation mode).
        fn: a loss ``fn(output, target)``, as in :func:`train`, or a metric with the same signature.
        data: the split ``(x, y)``, arrays or tensors.

    Returns:
        The value of ``fn`` over the split.
    """
    x, y = _tensors(data, next(model.parameters()), "data")
    return float(fn(_outputs(model, x), y))


# --------------------------------------------------------------- the loss between two solutions (non-convexity)

@dataclass
class Segment:
    """The loss along the straight line between two sets of weights, as measured by :func:`loss_along_segment`.

    Position ``t`` stands for the weights ``(1 - t) * start + t * end``: ``t = 0`` is ``start``, ``t = 1`` is
    ``end``, and positions outside ``[0, 1]`` extend the line beyond them.

    Attributes:
        t: the positions, in increasing order; they include 0 and 1.
        loss: the loss at each position.
    """

    t: np.ndarray
    loss: np.ndarray

    @property
    def ends(self):
        """The loss at ``t = 0`` and at ``t = 1``: the two models themselves."""
        return float(self.loss[self.t == 0][0]), float(self.loss[self.t == 1][0])

    @property
    def chord(self):
        """The straight line between the two ends' losses, ``(1 - t) * loss(0) + t * loss(1)``, at every ``t``."""
        first, last = self.ends
        return (1 - self.t) * first + self.t * last

    @property
    def above_chord(self):
        """The largest amount by which the loss exceeds the chord between the two ends (``0 <= t <= 1``).

        A convex loss never lies above its chords, so this is 0 for it, up to rounding; a positive value proves
        that the loss is not convex.
        """
        inside = (self.t >= 0) & (self.t <= 1)
        return float(np.max(self.loss[inside] - self.chord[inside]))

    @property
    def peak(self):
        """The highest loss between the two ends (``0 <= t <= 1``), as a multiple of the higher end's loss (1 when
        the loss peaks at an end; infinite when both ends have loss 0 and a point between them has more)."""
        inside = (self.t >= 0) & (self.t <= 1)
        highest, top = float(np.max(self.loss[inside])), max(self.ends)
        if top == 0:
            return np.inf if highest > 0 else 1.0
        return highest / top

    def rises_above_chord(self, rtol=1e-4):
        """Whether the loss exceeds the chord by more than rounding can explain.

        Args:
            rtol: the tolerance, relative to the higher end's loss (float32 arithmetic rounds at about 1e-7).

        Returns:
            ``True`` if :attr:`above_chord` is larger than ``rtol`` times the higher end's loss.
        """
        return self.above_chord > rtol * max(self.ends)


def loss_along_segment(start, end, loss_fn, data, *, t=None):
    """The loss of a model whose weights move on the straight line from ``start``'s weights to ``end``'s.

    For a loss that is convex in the weights (a linear model with the MSE or the cross-entropy), the values lie on
    or below the chord between the ends; for a neural network they can rise above it (:attr:`Segment.above_chord`).

    >>> import torch
    >>> from lossbook import torch as lbt
    >>> from lossbook.book import training
    >>> a, b = training.mlp(1, [], seed=0), training.mlp(1, [], seed=1)   # two linear models
    >>> x, y = torch.linspace(-1, 1, 9)[:, None], torch.linspace(-1, 1, 9)
    >>> line = training.loss_along_segment(a, b, lbt.mse, (x, y), t=[0, 0.5, 1])
    >>> line.rises_above_chord()
    False

    Args:
        start: a ``torch.nn.Module`` (the weights at ``t = 0``); it is not changed.
        end: a module of the same architecture (the weights at ``t = 1``); it is not changed.
        loss_fn: the loss, as in :func:`train`: ``loss_fn(output, target)``.
        data: the split ``(x, y)`` on which the loss is measured, as in :func:`evaluate`.
        t: the positions, in increasing order, including 0 and 1 (default: 21 positions from 0 to 1).

    Returns:
        A :class:`Segment`. Only parameters move; buffers (batch-norm statistics) stay those of ``start``.

    Raises:
        ValueError: if the two models' parameters differ in names or shapes, or ``t`` lacks 0 or 1.
    """
    import copy

    import torch
    from torch.nn.utils import parameters_to_vector, vector_to_parameters

    t = np.linspace(0.0, 1.0, 21) if t is None else np.asarray(t, dtype=float)
    if t.ndim != 1 or not (np.any(t == 0) and np.any(t == 1)) or np.any(np.diff(t) <= 0):
        raise ValueError(f"t must be increasing positions that include 0 and 1, got {t}")
    shapes = [[(name, tuple(p.shape)) for name, p in m.named_parameters()] for m in (start, end)]
    if shapes[0] != shapes[1]:
        raise ValueError(f"start and end must have the same parameters (names and shapes), got {shapes[0]} and "
                         f"{shapes[1]}")
    with torch.no_grad():
        a, b = parameters_to_vector(start.parameters()), parameters_to_vector(end.parameters())
        probe = copy.deepcopy(start)
        losses = []
        for position in t:
            vector_to_parameters((1 - position) * a + position * b, probe.parameters())
            losses.append(evaluate(probe, loss_fn, data))
    return Segment(t, np.array(losses))


@contextmanager
def _threads(count):
    """Run the block with ``count`` PyTorch CPU threads (``None``: as they are), then restore the setting."""
    import torch

    previous = torch.get_num_threads()
    if count is not None:
        torch.set_num_threads(count)
    try:
        yield
    finally:
        torch.set_num_threads(previous)


def _outputs(model, x):
    import torch

    model.eval()
    with torch.no_grad():
        return model(x)


def _tensor(a, like):
    """``a`` as a tensor on ``like``'s device: floating point in ``like``'s dtype, integers as int64."""
    import torch

    t = torch.as_tensor(a, device=like.device)
    if t.is_floating_point():
        return t.to(like.dtype)
    return t.long() if t.dtype != torch.bool else t


def _tensors(data, like, name):
    try:
        x, y = getattr(data, "tensors", data)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be a pair (x, y) of arrays or tensors, got {type(data).__name__}") from None
    return _tensor(x, like), _tensor(y, like)


def _optimizer(choice, params, lr, weight_decay):
    import torch

    named = {"adam": torch.optim.Adam, "adamw": torch.optim.AdamW, "sgd": torch.optim.SGD}
    if isinstance(choice, str):
        if choice not in named:
            raise ValueError(f"optimizer must be one of {', '.join(map(repr, named))} or a callable, got {choice!r}")
        choice = named[choice]
    return choice(params, lr=lr, weight_decay=weight_decay)

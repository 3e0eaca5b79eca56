"""Plots the chapters share. matplotlib is imported when a function is called, not when lossbook is imported."""

from __future__ import annotations

import numpy as np


def _plt():
    import matplotlib.pyplot as plt

    return plt


def loss_and_gradient(losses, residuals=None, *, y_true=0.0, title=None, xlabel=None, ylim=None, grad_ylim=None):
    """Plot each loss and its gradient against the prediction ``y_pred``, for a fixed target ``y_true``.

    Args:
        losses: ``{label: (fn, options)}`` with ``fn`` a ``lossbook.numpy`` loss (with ``.grad``) and ``options``
            its hyperparameters, e.g. ``{"Huber, delta=1": (lbn.huber, {"delta": 1.0})}``.
        residuals: the predictions on the x-axis (default: 401 points in [-3, 3]).
        y_true: the fixed target (0 for regression, so the x-axis is the residual; a label such as 1 for
            classification, so the x-axis is the score, logit or probability).
        title: the figure's title.
        xlabel: the x-axis label, also named in the gradient panel's title. By default the residual when ``y_true``
            is 0 and ``"score"`` otherwise; name what the loss takes (``"logit $z$"``, ``"probability $p$"``).
        ylim: ``(bottom, top)`` of the loss panel, to keep a steep curve (the squared hinge) from flattening the
            others; ``None`` fits every curve.
        grad_ylim: ``(bottom, top)`` of the gradient panel, likewise.

    Returns:
        The figure, with the loss on the left and its gradient on the right.
    """
    r = np.linspace(-3, 3, 401) if residuals is None else np.asarray(residuals, dtype=float)
    t = np.full_like(r, y_true)
    curves = {label: (fn(r, t, reduction="none", **options), fn.grad(r, t, reduction="none", **options))
              for label, (fn, options) in losses.items()}
    if xlabel is None and y_true == 0:
        xlabel, grad_title = "residual $\\hat y - y$", "gradient with respect to the prediction"
    else:
        xlabel = xlabel or "score"
        grad_title = f"gradient with respect to the {xlabel}"
    return _two_panels(r, curves, xlabel, "gradient", grad_title, title, {}, ylim, grad_ylim)


def _two_panels(x, curves, xlabel, grad_label, grad_title, title, styles, ylim=None, grad_ylim=None):
    """Loss values on the left, gradients on the right: ``curves`` is ``{label: (values, gradients)}``; ``ylim`` and
    ``grad_ylim`` clip the panels' y-axes (``None``: fit the curves)."""
    plt = _plt()
    fig, (ax_l, ax_g) = plt.subplots(1, 2, figsize=(10, 3.6))
    for label, (values, grads) in curves.items():
        ax_l.plot(x, values, label=label, **styles.get(label, {}))
        ax_g.plot(x, grads, label=label, **styles.get(label, {}))
    ax_l.set(xlabel=xlabel, ylabel="loss", title="loss")
    ax_g.set(xlabel=xlabel, ylabel=grad_label, title=grad_title)
    for ax in (ax_l, ax_g):
        ax.grid(alpha=0.3)
        ax.axhline(0, color="k", lw=0.6)
    if ylim is not None:
        ax_l.set_ylim(*ylim)
    if grad_ylim is not None:
        ax_g.set_ylim(*grad_ylim)
    ax_l.legend()
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def curves(histories, *, xlabel="epoch", ylabel="loss", logy=False, ax=None, title=None):
    """Plot training curves ``{label: [values]}`` on one axis."""
    plt = _plt()
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 3.6))
    for label, values in histories.items():
        ax.plot(np.arange(len(values)), values, label=label)
    ax.set(xlabel=xlabel, ylabel=ylabel, title=title)
    if logy:
        ax.set_yscale("log")
    ax.grid(alpha=0.3)
    ax.legend()
    return ax


def decision_regions(predict, x, labels, *, ax=None, resolution=200, title=None):
    """Colour the plane by ``predict(points) -> class`` and scatter the 2-D samples ``x`` coloured by label."""
    plt = _plt()
    if ax is None:
        _, ax = plt.subplots(figsize=(5, 4.2))
    lo, hi = x.min(axis=0) - 1, x.max(axis=0) + 1
    gx, gy = np.meshgrid(np.linspace(lo[0], hi[0], resolution), np.linspace(lo[1], hi[1], resolution))
    classes = np.asarray(predict(np.c_[gx.ravel(), gy.ravel()])).reshape(gx.shape)
    k = int(max(classes.max(), np.max(labels))) + 1
    ax.contourf(gx, gy, classes, levels=np.arange(k + 1) - 0.5, cmap="tab10", vmin=0, vmax=9, alpha=0.25)
    ax.scatter(x[:, 0], x[:, 1], c=labels, cmap="tab10", vmin=0, vmax=9, s=12, edgecolors="k", linewidths=0.3)
    ax.set(xlabel="$x_1$", ylabel="$x_2$", title=title)
    return ax


def loss_and_gradient_values(x, curves, *, xlabel, title=None, grad_label="gradient", styles=None, ylim=None,
                             grad_ylim=None):
    """Plot precomputed loss values and gradients side by side (loss on the left, gradient on the right).

    For losses whose input is not one number per element (a row of logits, a distribution), or curves drawn against
    something other than the prediction (the margin ``y s``), the caller computes the values with ``lossbook`` and
    hands them over here.

    Args:
        x: the path parameter on the x-axis ``(n,)`` (e.g. the true class's logit).
        curves: ``{label: (loss_values, gradient_values)}``, each ``(n,)``.
        xlabel: the x-axis label. grad_label: the gradient panel's y-axis label.
        title: the figure's title.
        styles: optional ``{label: dict of matplotlib line keywords}``.
        ylim: ``(bottom, top)`` of the loss panel (``None``: fit the curves).
        grad_ylim: ``(bottom, top)`` of the gradient panel (``None``: fit the curves).
    Returns:
        The figure.
    """
    return _two_panels(x, curves, xlabel, grad_label, "gradient", title, styles or {}, ylim, grad_ylim)


def training_curves(history, *, ax=None, ylabel="loss", logy=False, title=None):
    """Plot the training and validation loss per epoch from :func:`lossbook.book.training.train`, with the best
    epoch marked.

    Args:
        history: a :class:`lossbook.book.training.History`.
        ax: the matplotlib axes to draw on (default: a new figure).
        ylabel: the y-axis label (name the loss: ``"Huber loss"``).
        logy: a logarithmic y-axis.
        title: the title of the axes.

    Returns:
        The axes.
    """
    plt = _plt()
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 3.6))
    epochs = history.epochs
    ax.plot(epochs, history.train_loss, label="training", color="C0")
    ax.plot(epochs, history.val_loss, label="validation", color="C1")
    best = "best epoch" + (" (weights restored)" if history.restored_best else "")
    ax.axvline(history.best_epoch, color="0.5", linestyle=":", linewidth=1)
    ax.plot([history.best_epoch], [history.best_val_loss], "o", color="C1", label=f"{best}: {history.best_epoch}")
    ax.set(xlabel="epoch", ylabel=ylabel, title=title)
    ax.xaxis.get_major_locator().set_params(integer=True)  # whole epochs on the axis
    if logy:
        ax.set_yscale("log")
    ax.grid(alpha=0.3)
    ax.legend()
    return ax


def segment(line, *, ax=None, label=None, ylabel="training loss", title=None):
    """Plot the loss along a straight line in weight space, as :func:`lossbook.book.training.loss_along_segment`
    measured it: the loss against the position ``t``, the chord between the two ends dashed, the ends marked.

    A convex loss stays on or below the chord; a curve that rises above it shows a loss that is not convex.

    Args:
        line: a :class:`lossbook.book.training.Segment`.
        ax: the matplotlib axes to draw on (default: a new figure); call again with the same ``ax`` to add
            another segment.
        label: the curve's label in the legend (no legend without one).
        ylabel: the y-axis label (name the loss and the data it is measured on).
        title: the title of the axes.

    Returns:
        The axes.
    """
    plt = _plt()
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 3.6))
    (curve,) = ax.plot(line.t, line.loss, label=label)
    ax.plot([0, 1], line.ends, "--", color=curve.get_color(), linewidth=1)
    ax.plot([0, 1], line.ends, "o", color=curve.get_color())
    ax.set(xlabel="position $t$ on the line (the models at 0 and 1)", ylabel=ylabel, title=title)
    ax.grid(alpha=0.3)
    if label is not None:
        ax.legend()
    return ax


def reliability_diagram(curves, *, ax=None, title=None):
    """Draw reliability diagrams: for each model, the observed frequency against the mean predicted probability,
    bin by bin, with the diagonal of perfect calibration and, as bars, the share of the examples in each bin.

    Args:
        curves: ``{label: reliability}`` with each ``reliability`` a
            :class:`~lossbook.book.calibration.Reliability` (from :func:`~lossbook.book.calibration.reliability`);
            the legend shows each label with its expected calibration error.
        ax: the matplotlib axes to draw on (default: a new figure).
        title: the title of the axes.

    Returns:
        The axes of the curves. The bars are drawn on a twin axes that shares its x-axis (the next one in
        ``ax.figure.axes``), with its own y-axis on the right: the share of the examples in each bin.
    """
    plt = _plt()
    if ax is None:
        _, ax = plt.subplots(figsize=(5.2, 4.2))
    kinds = {rel.kind for rel in curves.values()}
    if len(kinds) > 1:
        raise ValueError(f"curves must be all binary or all multi-class, got {sorted(kinds)}")
    binary = kinds == {"binary"}
    bars = ax.twinx()
    bars.set_zorder(ax.get_zorder() - 1)  # the bars behind the curves
    ax.patch.set_visible(False)
    ax.plot([0, 1], [0, 1], "--", color="0.5", lw=1, label="perfect calibration")
    for k, (label, rel) in enumerate(curves.items()):
        color = f"C{k}"
        filled = rel.counts > 0
        ax.plot(rel.predicted[filled], rel.observed[filled], "o-", color=color, ms=4,
                label=f"{label} (ECE {rel.ece:.3f})")
        width = np.diff(rel.edges)
        bars.bar(rel.edges[:-1], rel.counts / rel.total, width=width, align="edge", color=color, alpha=0.18,
                 edgecolor=color, linewidth=0.5)
    ax.set(xlim=(0, 1), ylim=(0, 1), title=title,
           xlabel="mean predicted probability" if binary else "confidence (largest probability)",
           ylabel="observed frequency of class 1" if binary else "accuracy")
    bars.set(ylim=(0, 1), ylabel="share of examples (bars)")
    ax.grid(alpha=0.3)
    ax.legend(loc="upper left", fontsize=8)
    return ax

"""The plots the chapters share: training_curves draws what History holds, with the best epoch marked."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from lossbook.book import plotting  # noqa: E402
from lossbook.book.training import History  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def test_loss_and_gradient_names_the_x_axis_for_what_the_loss_takes():
    from lossbook import numpy as lbn

    hinge = {"hinge": (lbn.hinge, {})}
    # Regression (y_true = 0): the residual. A classification label: a score, never "prediction".
    left, right = plotting.loss_and_gradient({"MSE": (lbn.mse, {})}).axes
    assert left.get_xlabel() == right.get_xlabel() == "residual $\\hat y - y$"
    assert right.get_title() == "gradient with respect to the prediction"
    left, right = plotting.loss_and_gradient(hinge, y_true=1.0).axes
    assert left.get_xlabel() == right.get_xlabel() == "score"
    assert right.get_title() == "gradient with respect to the score"
    bce = {"BCE": (lbn.binary_cross_entropy, {"from_logits": True})}
    left, right = plotting.loss_and_gradient(bce, y_true=1.0, xlabel="logit $z$").axes
    assert left.get_xlabel() == right.get_xlabel() == "logit $z$"
    assert right.get_title() == "gradient with respect to the logit $z$"
    z, line = np.linspace(-3, 3, 401), left.get_lines()[0]
    np.testing.assert_allclose(line.get_ydata(), np.logaddexp(0, -z))  # softplus(-z): BCE of a positive label
    np.testing.assert_allclose(right.get_lines()[0].get_ydata(), -1 / (1 + np.exp(z)))  # sigmoid(z) - 1


def test_loss_and_gradient_clips_the_panels_only_when_asked():
    from lossbook import numpy as lbn

    losses = {"hinge": (lbn.hinge, {}), "squared hinge": (lbn.squared_hinge, {})}
    left, right = plotting.loss_and_gradient(losses, y_true=1.0).axes
    assert left.get_ylim()[1] >= 16  # the squared hinge at score -3 sets the scale: (1 + 3)**2
    left, right = plotting.loss_and_gradient(losses, y_true=1.0, ylim=(0, 4), grad_ylim=(-3, 0.5)).axes
    assert left.get_ylim() == (0, 4) and right.get_ylim() == (-3, 0.5)
    np.testing.assert_allclose(left.get_lines()[1].get_ydata()[0], 16.0)  # clipped on screen, not in the data
    fig = plotting.loss_and_gradient_values(np.array([0.0, 1.0]), {"a": (np.array([0.0, 9.0]), np.zeros(2))},
                                            xlabel="margin", ylim=(0, 2), grad_ylim=(-1, 1))
    assert fig.axes[0].get_ylim() == (0, 2) and fig.axes[1].get_ylim() == (-1, 1)
    assert fig.axes[0].get_xlabel() == "margin"


def _history(restored=False):
    return History(train_loss=[1.0, 0.6, 0.4, 0.3], val_loss=[1.1, 0.7, 0.65, 0.8], best_epoch=3,
                   restored_best=restored)


def test_training_curves_plots_both_losses_per_epoch_and_marks_the_best_epoch():
    ax = plotting.training_curves(_history(), ylabel="Huber loss", title="diabetes")
    lines = {line.get_label(): line for line in ax.get_lines()}
    np.testing.assert_array_equal(lines["training"].get_xdata(), [1, 2, 3, 4])
    np.testing.assert_array_equal(lines["training"].get_ydata(), [1.0, 0.6, 0.4, 0.3])
    np.testing.assert_array_equal(lines["validation"].get_ydata(), [1.1, 0.7, 0.65, 0.8])
    best = lines["best epoch: 3"]
    assert list(best.get_xdata()) == [3] and list(best.get_ydata()) == [0.65]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["training", "validation", "best epoch: 3"]
    assert ax.get_xlabel() == "epoch" and ax.get_ylabel() == "Huber loss" and ax.get_title() == "diabetes"
    assert all(float(t).is_integer() for t in ax.get_xticks())


def test_training_curves_on_given_axes_with_restored_weights_and_log_scale():
    fig, (left, right) = plt.subplots(1, 2)
    ax = plotting.training_curves(_history(restored=True), ax=right, logy=True)
    assert ax is right and not left.get_lines()
    assert right.get_yscale() == "log"
    assert "best epoch (weights restored): 3" in [t.get_text() for t in ax.get_legend().get_texts()]


def test_segment_draws_the_loss_the_chord_and_the_ends():
    from lossbook.book.training import Segment

    line = Segment(np.array([-0.5, 0.0, 0.5, 1.0, 1.5]), np.array([3.0, 1.0, 2.5, 2.0, 4.0]))
    ax = plotting.segment(line, label="network", title="between two seeds")
    curve, chord, ends = ax.get_lines()
    np.testing.assert_array_equal(curve.get_xdata(), line.t)
    np.testing.assert_array_equal(curve.get_ydata(), line.loss)
    assert list(chord.get_xdata()) == [0, 1] and list(chord.get_ydata()) == [1.0, 2.0]
    assert chord.get_linestyle() == "--" and ends.get_marker() == "o"
    assert curve.get_color() == chord.get_color() == ends.get_color()
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["network"]
    assert ax.get_title() == "between two seeds" and ax.get_ylabel() == "training loss"
    second = plotting.segment(line, ax=ax)
    assert second is ax and len(ax.get_lines()) == 6
    assert ax.get_lines()[3].get_color() != curve.get_color()   # the next colour of the cycle


def test_reliability_diagram_draws_each_curve_with_its_ece_and_the_bin_shares():
    from lossbook.book import calibration

    probs = np.array([0.1, 0.3, 0.7, 0.75, 0.9, 0.95])
    labels = np.array([0, 0, 1, 0, 1, 1])
    rel = calibration.reliability(probs, labels, bins=5)
    ax = plotting.reliability_diagram({"model": rel}, title="t")
    lines = {line.get_label(): line for line in ax.get_lines()}
    assert set(lines) == {"perfect calibration", "model (ECE 0.167)"}
    curve = lines["model (ECE 0.167)"]
    np.testing.assert_allclose(curve.get_xdata(), [0.1, 0.3, 0.725, 0.925])  # the empty bin is left out
    np.testing.assert_allclose(curve.get_ydata(), [0.0, 0.0, 0.5, 1.0])
    bars = [a for a in ax.figure.axes if a is not ax][0]
    np.testing.assert_allclose([p.get_height() for p in bars.patches], [1 / 6, 1 / 6, 0, 2 / 6, 2 / 6])
    assert ax.get_xlabel() == "mean predicted probability" and ax.get_title() == "t"
    assert bars.get_ylabel() == "share of examples (bars)"


def test_reliability_diagram_of_multiclass_models_and_mixed_kinds():
    from lossbook.book import calibration

    probs = np.array([[0.7, 0.3], [0.2, 0.8], [0.55, 0.45]])
    multi = calibration.reliability(probs, np.array([0, 0, 0]), bins=4)
    _, ax = plt.subplots()
    out = plotting.reliability_diagram({"before": multi, "after": multi}, ax=ax)
    assert out is ax and ax.get_xlabel() == "confidence (largest probability)" and ax.get_ylabel() == "accuracy"
    assert len([line for line in ax.get_lines() if "ECE" in line.get_label()]) == 2
    binary = calibration.reliability(np.array([0.2, 0.9]), np.array([0, 1]), bins=4)
    with pytest.raises(ValueError, match="all binary or all multi-class"):
        plotting.reliability_diagram({"a": multi, "b": binary})

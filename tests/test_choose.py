"""choose(): a requested quantile is checked when the recommendation is made, not later when its call fails."""

import numpy as np
import pytest

import lossbook
from lossbook import numpy as lbn


@pytest.mark.parametrize("q", [0.0, 1.0, 1.5, -0.1])
def test_choose_rejects_a_quantile_outside_the_open_unit_interval(q):
    with pytest.raises(ValueError, match=r"quantile must be in the open interval \(0, 1\)"):
        lossbook.choose("regression", quantile=q)


def test_choose_quantile_call_keeps_the_requested_value():
    choice = lossbook.choose("regression", quantile=0.9)
    assert (choice.loss, choice.call) == ("quantile", "quantile(y_pred, y_true, q=0.9)")


@pytest.mark.parametrize("task,kwargs,expected", [
    ("regression", {}, "mse"),
    ("regression", {"outliers": True}, "huber"),
    ("regression", {"quantile": 0.9}, "quantile"),
    ("regression", {"counts": True}, "poisson_nll"),
    ("regression", {"varying_noise": True}, "gaussian_nll"),
    ("binary", {}, "binary_cross_entropy"),
    ("binary", {"margin": True}, "hinge"),
    ("multi-class", {}, "sparse_categorical_cross_entropy"),
    ("multi-class", {"labels": "one-hot"}, "categorical_cross_entropy"),
    ("multi-class", {"labels": "distribution"}, "kl_divergence"),
    ("multi-label", {}, "binary_cross_entropy"),
])
def test_choose(task, kwargs, expected):
    choice = lossbook.choose(task, **kwargs)
    assert choice.loss == expected and choice.record.name == expected
    assert choice.call.startswith(expected)


def test_choose_rejects_unknown_task():
    with pytest.raises(ValueError, match="task must be one of 'regression', 'binary', 'multi-class', 'multi-label'; "
                                         "got 'ranking'"):
        lossbook.choose("ranking")


@pytest.mark.parametrize("task,kwargs,name", [
    ("binary", {"labels": "integer"}, "labels"),
    ("multi-class", {"outliers": True}, "outliers"),
    ("multi-label", {"margin": True}, "margin"),
    ("binary", {"quantile": 0.5}, "quantile"),
    ("multi-class", {"counts": True}, "counts"),
])
def test_choose_refuses_arguments_that_do_not_apply(task, kwargs, name):
    with pytest.raises(ValueError, match=f"{name}= does not apply to a {task} task"):
        lossbook.choose(task, **kwargs)


def test_choose_never_gives_a_unitless_huber_delta():
    """Without data the call leaves delta to the user and says how to choose it in target units."""
    choice = lossbook.choose("regression", outliers=True)
    assert choice.call == "huber(y_pred, y_true, delta=delta)"
    assert "target's units" in choice.reason and "1.345" in choice.reason


def test_choose_derives_delta_from_residuals():
    """delta = 1.345 x 1.4826 x MAD: on Gaussian residuals of scale 50 (house prices in thousands), about 67."""
    rng = np.random.default_rng(0)
    residuals = np.concatenate([rng.normal(0, 50, 2000), rng.normal(0, 5000, 50)])  # 2.4 % gross outliers
    choice = lossbook.choose("regression", outliers=True, residuals=residuals)
    delta = float(choice.call.split("delta=")[1].rstrip(")"))
    assert abs(delta - 1.345 * 50) < 5
    lbn.huber(np.zeros(3), np.ones(3), delta=delta)  # the call's delta is a valid one


@pytest.mark.parametrize("kwargs,message", [
    ({"outliers": True, "quantile": 0.5}, "choose one of outliers, quantile, counts and varying_noise"),
    ({"residuals": [1.0, 2.0]}, "residuals= sets the Huber delta: it applies with outliers=True"),
    ({"outliers": True, "residuals": [1.0, 1.0, 1.0]}, "median absolute deviation of 0"),
    ({"outliers": True, "residuals": []}, "residuals must be a non-empty array of finite numbers"),
])
def test_choose_regression_errors(kwargs, message):
    with pytest.raises(ValueError, match=message):
        lossbook.choose("regression", **kwargs)

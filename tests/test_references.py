"""Both backends against independent references (tests/references.py: ``torch.nn.functional`` built-ins, plain
float64 expressions, scikit-learn, scipy.stats), for every loss and reduction and with per-sample weights."""

import math

import mpmath
import numpy as np
import pytest
import torch
import torch.nn.functional as F
from sklearn import metrics

from cases import CASES, Case, make_inputs
from conftest import BACKENDS, backend, to_numpy
from references import REFERENCES, scipy_negative_log_likelihood

REDUCTIONS = ["none", "sum", "mean"]


def _reference(case, y_pred, y_true, reduction):
    """The independent float64 reference of tests/references.py, as a NumPy array."""
    p, t = torch.as_tensor(y_pred), torch.as_tensor(y_true)
    return REFERENCES[case.loss](case.options, p, t, reduction).numpy()


def _call(case, backend_name, y_pred, y_true, **kw):
    lb = backend(backend_name)
    if backend_name == "torch":
        y_pred, y_true = torch.as_tensor(y_pred), torch.as_tensor(y_true)
    return to_numpy(getattr(lb, case.loss)(y_pred, y_true, **case.options, **kw))


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("backend_name", BACKENDS)
@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_matches_reference(case, backend_name, reduction):
    y_pred, y_true = make_inputs(case, np.random.default_rng(1))
    expected = _reference(case, y_pred, y_true, reduction)
    got = _call(case, backend_name, y_pred, y_true, reduction=reduction)
    assert got.shape == expected.shape
    np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("backend_name", BACKENDS)
@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_weighted_reductions(case, backend_name):
    """A per-sample weight scales each sample's values; the weighted mean divides by the weights' sum."""
    rng = np.random.default_rng(2)
    y_pred, y_true = make_inputs(case, rng)
    w = rng.uniform(0, 2, y_pred.shape[0])
    values = _reference(case, y_pred, y_true, "none")
    wb = w.reshape(w.shape + (1,) * (values.ndim - 1))
    np.testing.assert_allclose(_call(case, backend_name, y_pred, y_true, weight=w, reduction="none"), wb * values, rtol=1e-12)
    np.testing.assert_allclose(_call(case, backend_name, y_pred, y_true, weight=w, reduction="sum"), (wb * values).sum(), rtol=1e-12)
    if case.options.get("class_weight") is None and case.options.get("ignore_index") is None:
        expected_mean = (wb * values).sum() / (np.broadcast_to(wb, values.shape).sum())
        np.testing.assert_allclose(_call(case, backend_name, y_pred, y_true, weight=w), expected_mean, rtol=1e-12)


@pytest.mark.parametrize("backend_name", BACKENDS)
def test_sample_and_class_weight_mean(backend_name):
    """With class weights and sample weights, the mean divides by sum_i w_i * class_weight[y_i] over kept samples."""
    rng = np.random.default_rng(3)
    case = Case("sparse_categorical_cross_entropy", {"from_logits": True, "class_weight": [0.5, 1.0, 2.0, 0.0, 3.0],
                                                     "ignore_index": 1}, "sparse-logit")
    z, y = make_inputs(case, rng)
    w = rng.uniform(0, 2, len(y))
    values = _reference(case, z, y, "none")
    cw = np.array(case.options["class_weight"])
    denominator = (w * np.where(y == 1, 0, cw[y])).sum()
    got = _call(case, backend_name, z, y, weight=w)
    np.testing.assert_allclose(got, (w * values).sum() / denominator, rtol=1e-12)


@pytest.mark.parametrize("backend_name", BACKENDS)
@pytest.mark.parametrize("q", [0.1, 0.5, 0.93])
def test_quantile_matches_sklearn(backend_name, q):
    rng = np.random.default_rng(4)
    y_pred, y_true = rng.normal(size=50), rng.normal(size=50)
    w = rng.uniform(0, 2, 50)
    case = Case("quantile", {"q": q})
    expected = metrics.mean_pinball_loss(y_true, y_pred, alpha=q)
    np.testing.assert_allclose(_call(case, backend_name, y_pred, y_true), expected, rtol=1e-12)
    expected_w = metrics.mean_pinball_loss(y_true, y_pred, alpha=q, sample_weight=w)
    np.testing.assert_allclose(_call(case, backend_name, y_pred, y_true, weight=w), expected_w, rtol=1e-12)


@pytest.mark.parametrize("backend_name", BACKENDS)
def test_binary_cross_entropy_matches_sklearn_log_loss(backend_name):
    rng = np.random.default_rng(5)
    p, y = rng.uniform(0.01, 0.99, 40), rng.integers(0, 2, 40).astype(float)
    w = rng.uniform(0, 2, 40)
    case = Case("binary_cross_entropy")
    np.testing.assert_allclose(_call(case, backend_name, p, y), metrics.log_loss(y, p), rtol=1e-12)
    np.testing.assert_allclose(_call(case, backend_name, p, y, weight=w), metrics.log_loss(y, p, sample_weight=w),
                               rtol=1e-12)


@pytest.mark.parametrize("backend_name", BACKENDS)
def test_categorical_cross_entropy_matches_sklearn_log_loss(backend_name):
    rng = np.random.default_rng(6)
    p = rng.dirichlet(np.ones(4), 30)
    labels = rng.integers(0, 4, 30)
    expected = metrics.log_loss(labels, p, labels=range(4))
    np.testing.assert_allclose(_call(Case("categorical_cross_entropy"), backend_name, p, np.eye(4)[labels]), expected, rtol=1e-12)
    np.testing.assert_allclose(_call(Case("sparse_categorical_cross_entropy"), backend_name, p, labels), expected, rtol=1e-12)


@pytest.mark.parametrize("backend_name", BACKENDS)
@pytest.mark.parametrize("loss", ["hinge", "squared_hinge"])
def test_hinge_matches_sklearn(backend_name, loss):
    rng = np.random.default_rng(7)
    s, y = rng.normal(0, 2, 60), rng.choice([-1.0, 1.0], 60)
    expected = metrics.hinge_loss(y, s)
    if loss == "squared_hinge":
        expected = np.mean(np.maximum(0, 1 - y * s) ** 2)  # sklearn has no squared hinge: check the definition
        np.testing.assert_allclose(_call(Case("hinge"), backend_name, s, y, reduction="none") ** 2,
                                   _call(Case(loss), backend_name, s, y, reduction="none"), rtol=1e-14)
    np.testing.assert_allclose(_call(Case(loss), backend_name, s, y), expected, rtol=1e-12)


@pytest.mark.parametrize("backend_name", BACKENDS)
@pytest.mark.parametrize("labels", ["0/1", "-1/+1"])
def test_zero_one_matches_sklearn(backend_name, labels):
    rng = np.random.default_rng(8)
    p, y = rng.uniform(0, 1, 80), rng.integers(0, 2, 80)
    predicted = (p > 0.5).astype(int)
    y_in = y if labels == "0/1" else 2 * y - 1
    case = Case("zero_one", {"threshold": 0.5})
    np.testing.assert_allclose(_call(case, backend_name, p, y_in), metrics.zero_one_loss(y, predicted), rtol=1e-12)
    np.testing.assert_allclose(_call(case, backend_name, p, y_in, reduction="sum"),
                               metrics.zero_one_loss(y, predicted, normalize=False), rtol=1e-12)
    scores = 4 * p - 2  # scores with threshold 0 give the same decisions
    np.testing.assert_allclose(_call(Case("zero_one", {"threshold": 0.0}), backend_name, scores, y_in),
                               metrics.zero_one_loss(y, predicted), rtol=1e-12)


@pytest.mark.parametrize("backend_name", BACKENDS)
def test_log_cosh_matches_mpmath_on_a_grid(backend_name):
    """There is no built-in log-cosh, and a naive log(cosh(r)) cancels near 0, so the reference is mpmath."""
    mpmath.mp.dps = 40
    r = np.linspace(-20, 20, 801)
    expected = np.array([float(mpmath.log(mpmath.cosh(mpmath.mpf(x)))) for x in r])
    got = _call(Case("log_cosh"), backend_name, r, np.zeros_like(r), reduction="none")
    np.testing.assert_allclose(got, expected, rtol=4 * np.finfo(float).eps, atol=0)


@pytest.mark.parametrize("backend_name", BACKENDS)
def test_huber_is_beta_times_smooth_l1(backend_name):
    rng = np.random.default_rng(9)
    p, t = rng.normal(0, 3, 100), rng.normal(0, 3, 100)
    for b in (0.1, 1.0, 4.0):
        h = _call(Case("huber", {"delta": b}), backend_name, p, t, reduction="none")
        s = _call(Case("smooth_l1", {"beta": b}), backend_name, p, t, reduction="none")
        np.testing.assert_allclose(h, b * s, rtol=1e-14)


@pytest.mark.parametrize("backend_name", BACKENDS)
def test_pinball_at_median_is_half_mae(backend_name):
    rng = np.random.default_rng(10)
    p, t = rng.normal(size=100), rng.normal(size=100)
    np.testing.assert_allclose(_call(Case("quantile", {"q": 0.5}), backend_name, p, t),
                               0.5 * _call(Case("mae"), backend_name, p, t), rtol=1e-14)


@pytest.mark.parametrize("backend_name", BACKENDS)
@pytest.mark.parametrize("case", [c for c in CASES if c.loss in ("gaussian_nll", "poisson_nll")
                                  and c.options.get("full")], ids=lambda c: c.id)
def test_likelihood_losses_are_exact_negative_log_likelihoods(case, backend_name):
    """With ``full=True``: the negative log-density of the normal distribution and the negative log-probability of
    the Poisson distribution, as scipy.stats computes them."""
    y_pred, y_true = make_inputs(case, np.random.default_rng(14))
    expected = scipy_negative_log_likelihood(case.loss, case.options, y_pred, y_true)
    np.testing.assert_allclose(_call(case, backend_name, y_pred, y_true, reduction="none"), expected, rtol=1e-12,
                               atol=1e-13)


@pytest.mark.parametrize("backend_name", BACKENDS)
@pytest.mark.parametrize("loss,options,drop", [
    ("gaussian_nll", {"var": 1.0}, lambda p, t: 0.5 * (p - t) ** 2),  # MSE / 2: the constant log(var) is 0
    ("poisson_nll", {}, None),
])
def test_likelihood_losses_drop_only_constants(backend_name, loss, options, drop):
    """Without ``full`` the loss differs from the exact negative log-likelihood by a term that does not depend on
    the prediction (log 2 pi / 2 for the Gaussian, log y! for the Poisson)."""
    rng = np.random.default_rng(15)
    y_true = rng.poisson(3.0, 40).astype(float)
    y_pred = rng.normal(1.0, 0.3, 40)
    case = Case(loss, options)
    got = _call(case, backend_name, y_pred, y_true, reduction="none")
    exact = scipy_negative_log_likelihood(loss, options, y_pred, y_true)
    constant = np.log(2 * np.pi) / 2 if loss == "gaussian_nll" else np.array([math.lgamma(y + 1) for y in y_true])
    np.testing.assert_allclose(got + constant, exact, rtol=1e-12, atol=1e-12)
    if drop is not None:
        np.testing.assert_allclose(got, drop(y_pred, y_true), rtol=1e-12)

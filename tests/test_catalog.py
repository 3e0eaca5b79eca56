"""The catalog: complete records, properties that hold as defined (checked numerically on random inputs), and the
lookup functions."""

import numpy as np
import pytest

from cases import CASES, make_inputs
from lossbook import catalog
from lossbook import numpy as lbn


def test_records_are_complete():
    assert catalog.names()[:6] == ["mse", "mae", "huber", "smooth_l1", "quantile", "log_cosh"]
    for record in catalog.RECORDS.values():
        assert record.family in catalog.FAMILIES
        assert record.kind in ("elementwise", "distribution", "sparse")
        assert record.formula and record.gradient_formula and record.description and record.activation
        assert record.target and record.example.startswith(">>> ")
    rows = catalog.summary_rows()
    assert len(rows) == len(catalog.RECORDS) and rows[2]["function"] == "huber"
    assert set(catalog.PROPERTIES) <= set(rows[0]) | {"bounded_gradient"}
    with pytest.raises(ValueError, match="name must be one of"):
        catalog.get("l2")
    with pytest.raises(ValueError, match="family must be one of"):
        catalog.by_family("ranking")


def _grid(case, rng, n=400):
    """Many inputs of a case: predictions spread wide, so that kinks and tails are crossed."""
    y_pred, y_true = zip(*(make_inputs(case, rng) for _ in range(n // len(make_inputs(case, rng)[0]) + 1)))
    return np.concatenate(y_pred), np.concatenate(y_true)


# One case per loss, the first without a per-element hyperparameter array (whose shape would fix the input's).
FIRST_CASE = {c.loss: c for c in reversed(CASES) if not any(isinstance(v, np.ndarray) for v in c.options.values())}


@pytest.mark.parametrize("case", list(FIRST_CASE.values()), ids=lambda c: c.id)
def test_trainable_means_a_nonzero_gradient_where_the_loss_is_positive(case):
    rng = np.random.default_rng(40)
    y_pred, y_true = _grid(case, rng)
    fn = getattr(lbn, case.loss)
    values = fn(y_pred, y_true, **case.options, reduction="none")
    grad = fn.grad(y_pred, y_true, **case.options, reduction="none")
    positive = values > 0
    if values.ndim < grad.ndim:
        grad = np.abs(grad).sum(axis=-1)
    moving = np.abs(grad[positive]) > 0
    assert moving.all() == catalog.get(case.loss).trainable, case.loss


@pytest.mark.parametrize("case", [c for c in FIRST_CASE.values() if c.inputs in ("real", "logit", "sign")],
                         ids=lambda c: c.id)
def test_bounded_gradient_is_what_the_catalog_says(case):
    """Predictions pushed 1e6 away: the gradient stays below 1e3 exactly for the losses marked bounded."""
    rng = np.random.default_rng(41)
    y_pred, y_true = make_inputs(case, rng)
    fn = getattr(lbn, case.loss)
    far = y_pred + 1e6 * np.sign(y_pred - (0 if case.inputs != "real" else y_true))
    grad = fn.grad(far, y_true, **case.options, reduction="none")
    assert (np.abs(grad).max() < 1e3) == catalog.get(case.loss).bounded_gradient, case.loss


@pytest.mark.parametrize("case", [c for c in FIRST_CASE.values() if c.inputs in ("real", "logit", "sign")],
                         ids=lambda c: c.id)
def test_convexity_along_random_segments(case):
    """Convex losses lie below every chord; the zero-one loss does not."""
    rng = np.random.default_rng(42)
    fn = getattr(lbn, case.loss)
    a, y_true = make_inputs(case, rng)
    b = make_inputs(case, rng)[0]
    worst = 0.0
    for lam in np.linspace(0, 1, 21):
        mid = fn(lam * a + (1 - lam) * b, y_true, **case.options, reduction="none")
        chord = lam * fn(a, y_true, **case.options, reduction="none") + (1 - lam) * fn(b, y_true, **case.options,
                                                                                        reduction="none")
        worst = max(worst, float((mid - chord).max()))
    assert (worst <= 1e-12) == catalog.get(case.loss).convex or not catalog.get(case.loss).convex and worst == 0

"""The NumPy and PyTorch backends agree in float64 to 1e-12 relative on random and edge inputs (hypothesis)."""

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from cases import CASES
from lossbook import numpy as lbn
from lossbook import torch as lbt

f64 = dict(allow_nan=False, width=64)
ELEMENTS = {
    "real": st.floats(-1e6, 1e6, **f64),
    "prob": st.floats(0, 1, **f64),
    "logit": st.floats(-800, 800, **f64),
}


@st.composite
def inputs(draw, case):
    per_element = any(isinstance(v, np.ndarray) and v.ndim == 2 for v in case.options.values())
    n = 7 if per_element else draw(st.integers(1, 6))  # a per-element hyperparameter fixes the shape (7, 3)
    kind = case.inputs
    if kind.startswith(("dist", "onehot", "sparse")):
        c = 5  # the class count the case's class_weight/pos_weight vectors were written for
        rows = hnp.arrays(np.float64, (n, c), elements=st.floats(0, 1e3, **f64))
        if kind == "sparse-logit" or kind.endswith("logit"):
            y_pred = draw(hnp.arrays(np.float64, (n, c), elements=ELEMENTS["logit"]))
        else:
            y_pred = _normalise(draw(rows))
            if kind == "dist-logprob":
                with np.errstate(divide="ignore"):
                    y_pred = np.log(y_pred)
        if kind.startswith("sparse"):
            return y_pred, draw(hnp.arrays(np.int64, (n,), elements=st.integers(0, c - 1)))
        return y_pred, _normalise(draw(rows))
    shape = (n, 3)
    pred = {"prob": "prob", "soft-prob": "prob", "logit": "logit", "zero-one": "prob"}.get(kind, "real")
    y_pred = draw(hnp.arrays(np.float64, shape, elements=ELEMENTS[pred]))
    if kind.startswith("poisson"):
        rate = st.floats(-30, 30, **f64) if kind == "poisson-log" else st.floats(0, 1e3, **f64)
        counts = st.integers(0, 10_000).map(float)
        return draw(hnp.arrays(np.float64, shape, elements=rate)), draw(hnp.arrays(np.float64, shape, elements=counts))
    if kind == "sign":
        target = st.sampled_from([-1.0, 1.0])
    elif kind in ("prob", "logit", "zero-one"):
        target = st.sampled_from([0.0, 1.0])
    elif kind == "soft-prob":
        target = ELEMENTS["prob"]
    else:
        target = ELEMENTS["real"]
    return y_pred, draw(hnp.arrays(np.float64, shape, elements=target))


def _normalise(rows):
    rows = rows.copy()
    rows[rows.sum(axis=1) == 0, 0] = 1.0
    return rows / rows.sum(axis=1, keepdims=True)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_backends_agree(case):
    @given(inputs(case), st.sampled_from(["none", "sum", "mean"]))
    def check(data, reduction):
        y_pred, y_true = data
        with np.errstate(all="ignore"):
            a = getattr(lbn, case.loss)(y_pred, y_true, **case.options, reduction=reduction)
        b = getattr(lbt, case.loss)(torch.tensor(y_pred), torch.tensor(y_true), **case.options, reduction=reduction)
        # KL sums terms of both signs, so its per-sample value can cancel: allow an absolute error at the scale of
        # the terms' rounding.
        atol = 1e-13 if case.loss == "kl_divergence" else 0
        np.testing.assert_allclose(a, b.numpy(), rtol=1e-12, atol=atol)

    check()

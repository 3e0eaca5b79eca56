"""Bad input gets the same clear ValueError/TypeError in both backends, naming the argument, what was expected and
what was given. NaN in predictions propagates (as in PyTorch)."""

import re

import numpy as np
import pytest
import torch

from lossbook import numpy as lbn
from lossbook import torch as lbt

z3 = np.zeros(3)
P = np.array([[0.2, 0.3, 0.5], [0.1, 0.1, 0.8]])
Z = np.array([[1.0, -2.0, 0.5], [0.0, 3.0, -1.0]])

# (id, loss, y_pred, y_true, kwargs, exception, message that must appear)
BAD = [
    ("shape (N,1) vs (N,)", "mse", np.zeros((3, 1)), z3, {}, ValueError,
     "y_pred and y_true must have the same shape, got y_pred (3, 1) and y_true (3,)"),
    ("shape mismatch", "huber", np.zeros(4), z3, {}, ValueError, "got y_pred (4,) and y_true (3,)"),
    ("unknown reduction", "mae", z3, z3, {"reduction": "avg"}, ValueError,
     "reduction must be 'mean', 'sum' or 'none', got 'avg'"),
    ("negative delta", "huber", z3, z3, {"delta": -1.0}, ValueError, "delta must be a positive number, got -1.0"),
    ("zero delta", "huber", z3, z3, {"delta": 0}, ValueError, "delta must be a positive number, got 0.0"),
    ("negative beta", "smooth_l1", z3, z3, {"beta": -0.5}, ValueError, "beta must be a non-negative number, got -0.5"),
    ("delta not a number", "huber", z3, z3, {"delta": "1"}, TypeError, "delta must be a positive number, got str '1'"),
    ("q above 1", "quantile", z3, z3, {"q": 1.5}, ValueError, "q must be in the open interval (0, 1), got 1.5"),
    ("q at 0", "quantile", z3, z3, {"q": 0.0}, ValueError, "q must be in the open interval (0, 1), got 0.0"),
    ("probabilities outside [0,1]", "binary_cross_entropy", np.array([0.2, 1.3, -0.1]), np.array([0.0, 1.0, 1.0]),
     {}, ValueError, "y_pred must hold probabilities in [0, 1], got values from -0.1 to 1.3; pass from_logits=True"),
    ("binary targets outside [0,1]", "binary_cross_entropy", np.array([0.2, 0.3, 0.9]), np.array([0.0, 2.0, 1.0]),
     {}, ValueError, "y_true must hold targets in [0, 1], got values from 0 to 2"),
    ("binary targets outside [0,1] (logits)", "binary_cross_entropy", z3, np.array([-1.0, 0.0, 1.0]),
     {"from_logits": True}, ValueError, "y_true must hold targets in [0, 1], got values from -1 to 1"),
    ("hinge with 0/1 labels", "hinge", z3, np.array([0.0, 1.0, 1.0]), {}, ValueError,
     "y_true must hold labels in {-1, +1}, got values from 0 to 1; these look like 0/1 labels: convert them with "
     "y_true = 2*y_true - 1"),
    ("squared hinge with 0/1 labels", "squared_hinge", z3, np.array([0.0, 1.0, 0.0]), {}, ValueError,
     "y_true = 2*y_true - 1"),
    ("hinge with other labels", "hinge", z3, np.array([2.0, 1.0, -1.0]), {}, ValueError,
     "y_true must hold labels in {-1, +1}, got values from -1 to 2"),
    ("zero-one labels", "zero_one", z3, np.array([0.0, 1.0, -1.0]), {}, ValueError,
     "y_true must hold labels in {0, 1} or in {-1, +1}, got values from -1 to 1"),
    ("float sparse labels", "sparse_categorical_cross_entropy", Z, np.array([0.0, 1.0]), {"from_logits": True},
     TypeError, "y_true must hold integer class labels, got dtype float64"),
    ("sparse label too large", "sparse_categorical_cross_entropy", Z, np.array([0, 3]), {"from_logits": True},
     ValueError, "y_true must hold class labels in [0, 3) (y_pred has 3 classes), got labels from 3 to 3"),
    ("negative sparse label", "sparse_categorical_cross_entropy", Z, np.array([-1, 2]), {"from_logits": True},
     ValueError, "got labels from -1 to -1 outside that range"),
    ("negative label that is not ignore_index", "sparse_categorical_cross_entropy", Z, np.array([-1, 2]),
     {"from_logits": True, "ignore_index": -100}, ValueError, "in [0, 3) or ignore_index=-100"),
    ("one-hot passed to sparse", "sparse_categorical_cross_entropy", Z, np.eye(3, dtype=np.int64)[[0, 1]],
     {"from_logits": True}, ValueError,
     "expected shape (2,) for y_pred (2, 3), got (2, 3); for one-hot targets use categorical_cross_entropy"),
    ("class count mismatch", "categorical_cross_entropy", Z, np.eye(4)[[0, 1]], {"from_logits": True}, ValueError,
     "y_pred has 3 classes (shape (2, 3)) but y_true has 4 (shape (2, 4))"),
    ("CE probabilities out of range", "categorical_cross_entropy", Z, np.eye(3)[[0, 1]], {}, ValueError,
     "y_pred must hold probabilities in [0, 1]"),
    ("KL log input positive", "kl_divergence", Z, P, {"log_input": True}, ValueError,
     "y_pred must hold log-probabilities (<= 0) when log_input=True, got values up to 3"),
    ("KL target out of range", "kl_divergence", P, P * 2, {}, ValueError, "y_true must hold target probabilities in [0, 1]"),
    ("weight wrong shape", "mse", z3, z3, {"weight": np.ones(2)}, ValueError,
     "weight must have shape (3,) (one weight per sample or per loss value), got (2,)"),
    ("weight wrong shape 2-D", "binary_cross_entropy", Z, np.ones_like(Z), {"from_logits": True, "weight": np.ones(3)},
     ValueError, "weight must have shape (2,) or (2, 3) (one weight per sample or per loss value), got (3,)"),
    ("negative weight", "mse", z3, z3, {"weight": np.array([1.0, -1.0, 1.0])}, ValueError,
     "weight must be non-negative, got values from -1 to 1"),
    ("pos_weight wrong shape", "binary_cross_entropy", Z, np.ones_like(Z), {"from_logits": True, "pos_weight": [1.0, 2.0]},
     ValueError, "pos_weight must be a scalar or have shape (3,) (one value per class, y_pred has 3 classes on its last "
     "axis), got shape (2,)"),
    ("class_weight wrong shape", "sparse_categorical_cross_entropy", Z, np.array([0, 1]),
     {"from_logits": True, "class_weight": [1.0, 2.0]}, ValueError, "class_weight must have shape (3,)"),
    ("log-cosh shape mismatch", "log_cosh", np.zeros((2, 3)), np.zeros((3, 2)), {}, ValueError,
     "got y_pred (2, 3) and y_true (3, 2)"),
    ("log-cosh weight per class", "log_cosh", np.zeros((2, 3)), np.zeros((2, 3)), {"weight": np.ones(3)}, ValueError,
     "weight must have shape (2,) or (2, 3)"),
    ("empty input", "mse", np.zeros(0), np.zeros(0), {}, ValueError,
     "y_pred is empty (shape (0,)); a loss needs at least one value"),
    ("empty batch", "sparse_categorical_cross_entropy", np.zeros((0, 3)), np.zeros(0, dtype=np.int64),
     {"from_logits": True}, ValueError, "y_pred is empty (shape (0, 3))"),
    ("string input", "mse", np.array(["a", "b"]), np.zeros(2), {}, TypeError, "y_pred must be a real numeric array"),
    ("complex input", "mse", np.array([1j, 2]), np.zeros(2), {}, TypeError, "y_pred must be a real numeric array, got dtype complex128"),
    ("unknown keyword", "huber", z3, z3, {"alpha": 1.0}, TypeError,
     "huber() got an unexpected keyword argument 'alpha'"),
    ("from_logits not bool", "binary_cross_entropy", z3, z3, {"from_logits": 1}, TypeError,
     "from_logits must be True or False, got int 1"),
    ("label_smoothing > 1", "categorical_cross_entropy", Z, np.eye(3)[[0, 1]], {"from_logits": True, "label_smoothing": 1.5},
     ValueError, "label_smoothing must be in [0, 1], got 1.5"),
    ("ignore_index not int", "sparse_categorical_cross_entropy", Z, np.array([0, 1]), {"from_logits": True, "ignore_index": 1.0},
     TypeError, "ignore_index must be an integer or None, got float 1.0"),
    ("no class axis", "categorical_cross_entropy", np.array(1.0), np.array(1.0), {}, ValueError,
     "y_pred must have a class axis"),
    ("NaN target", "binary_cross_entropy", np.array([0.2, 0.3, 0.9]), np.array([0.0, np.nan, 1.0]), {},
     ValueError, "y_true must hold targets in [0, 1], got NaN"),
    ("no variance", "gaussian_nll", z3, z3, {}, ValueError, "exactly one of var and log_var must be given, got neither"),
    ("two variances", "gaussian_nll", z3, z3, {"var": 1.0, "log_var": 0.0}, ValueError,
     "exactly one of var and log_var must be given, got both"),
    ("non-positive variance", "gaussian_nll", z3, z3, {"var": np.array([1.0, 0.0, 2.0])}, ValueError,
     "var must hold positive, finite values, got values from 0 to 2"),
    ("infinite variance", "gaussian_nll", z3, z3, {"var": np.inf}, ValueError,
     "var must hold positive, finite values, got values from inf to inf"),
    ("non-finite log-variance", "gaussian_nll", z3, z3, {"log_var": np.array([0.0, -np.inf, 1.0])}, ValueError,
     "log_var must hold finite values, got values from -inf to 1"),
    ("variance of the wrong shape", "gaussian_nll", z3, z3, {"var": np.ones(2)}, ValueError,
     "var must be a scalar or have the shape of y_pred (3,), got shape (2,)"),
    ("negative counts", "poisson_nll", z3, np.array([1.0, -2.0, 0.0]), {}, ValueError,
     "y_true must hold non-negative counts, got values from -2 to 1"),
    ("negative rate", "poisson_nll", np.array([1.0, -0.5, 2.0]), np.array([1.0, 2.0, 0.0]), {"log_input": False},
     ValueError, "y_pred must hold non-negative rates (pass log_input=True if these are log-rates), got values "
     "from -0.5 to 2"),
]


def _torch(x):
    if isinstance(x, np.ndarray) and x.dtype.kind in "biuf":
        return torch.from_numpy(x)
    return x


def _raise(lb, loss, y_pred, y_true, kwargs, exception):
    with pytest.raises(exception) as info:
        getattr(lb, loss)(y_pred, y_true, **kwargs)
    return str(info.value)


@pytest.mark.parametrize("case", BAD, ids=[b[0] for b in BAD])
def test_same_clear_error_in_both_backends(case):
    _, loss, y_pred, y_true, kwargs, exception, message = case
    got_numpy = _raise(lbn, loss, y_pred, y_true, kwargs, exception)
    assert message in got_numpy
    torch_kwargs = {k: _torch(v) for k, v in kwargs.items()}
    if y_pred.dtype.kind in "biuf":  # torch has no string arrays: for those, only NumPy is checked
        got_torch = _raise(lbt, loss, _torch(y_pred), _torch(y_true), torch_kwargs, exception)
        assert got_torch == got_numpy


@pytest.mark.parametrize("case", BAD, ids=[b[0] for b in BAD])
def test_numpy_gradient_raises_the_same(case):
    _, loss, y_pred, y_true, kwargs, exception, message = case
    if hasattr(getattr(lbn, loss), "grad"):
        with pytest.raises(exception, match=re.escape(message.replace(f"{loss}()", f"{loss}.grad()"))):
            getattr(lbn, loss).grad(y_pred, y_true, **kwargs)


def test_torch_rejects_strings_and_devices_clearly():
    with pytest.raises(TypeError, match="y_pred must be a real numeric array, got list"):
        lbt.mse([["a"]], [[0.0]])
    with pytest.raises(TypeError, match="y_pred must be a real numeric array, got dtype complex64"):
        lbt.mse(torch.zeros(2, dtype=torch.complex64), torch.zeros(2))


def test_sparse_labels_out_of_range_never_index_error():
    """An out-of-range label is a ValueError before any indexing (never IndexError or a CUDA device assert)."""
    for lb, convert in ((lbn, np.asarray), (lbt, torch.as_tensor)):
        with pytest.raises(ValueError, match="class labels in"):
            lb.sparse_categorical_cross_entropy(convert(Z), convert(np.array([0, 100])), from_logits=True)


@pytest.mark.parametrize("loss,kwargs", [("mse", {}), ("huber", {}), ("log_cosh", {}), ("binary_cross_entropy", {}),
                                         ("binary_cross_entropy", {"from_logits": True})])
def test_nan_in_predictions_propagates(loss, kwargs):
    y_pred = np.array([0.5, np.nan, 0.2])
    y_true = np.array([1.0, 0.0, 0.0])
    a = getattr(lbn, loss)(y_pred, y_true, **kwargs, reduction="none")
    b = getattr(lbt, loss)(torch.tensor(y_pred), torch.tensor(y_true), **kwargs, reduction="none").numpy()
    assert np.isnan(a[1]) and np.isnan(b[1])
    assert np.isfinite(a[[0, 2]]).all() and np.isfinite(b[[0, 2]]).all()
    assert np.isnan(getattr(lbn, loss)(y_pred, y_true, **kwargs))

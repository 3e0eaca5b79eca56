"""How accurate is each loss? An mpmath oracle, adversarial inputs, and errors measured in ULPs.

Run the report with ``python -m lossbook.book.accuracy`` (add ``--quick`` for a smaller input set). For every loss,
backend and dtype it prints the largest error in units in the last place (ULP) of the exact value, the input where
it happens, and the same figure for PyTorch's built-in where there is one.

The exact values come from mpmath at ``DIGITS`` significant digits, each written in a cancellation-free form (for
example ``log cosh r = log1p(2 sinh(r/2)^2)``), and confirmed at twice the precision. The exact value is rounded to
the dtype once; a result that is NaN or infinite where the exact value is finite counts as an infinite error.

mpmath is a test-time dependency; it is imported when this module is used, never by ``import lossbook``.
"""

from __future__ import annotations

import argparse
import math
from dataclasses import dataclass

import numpy as np

from .. import catalog

DIGITS = 80


def _mp():
    import mpmath

    return mpmath.mp


# ---------------------------------------------------------------------------------------------------- the oracle


def _softplus(mp, x):
    """log(1 + e^x); mpmath's exponent range is unbounded, so this never overflows."""
    return mp.log1p(mp.exp(x))


def _neg_log_softmax(mp, z, j):
    """-log softmax(z)_j = log(1 + sum_{k != j} exp(z_k - z_j)): a log1p of a sum of positive terms."""
    return mp.log1p(mp.fsum(mp.exp(zk - z[j]) for k, zk in enumerate(z) if k != j))


def _elementwise(mp, name, p, t, o):
    r = p - t
    if name == "mse":
        return r * r
    if name == "mae":
        return abs(r)
    if name == "huber":
        d = mp.mpf(o["delta"])
        return r * r / 2 if abs(r) <= d else d * (abs(r) - d / 2)
    if name == "smooth_l1":
        b = mp.mpf(o["beta"])
        return abs(r) if b == 0 else (r * r / (2 * b) if abs(r) < b else abs(r) - b / 2)
    if name == "quantile":
        q, d = mp.mpf(o["q"]), t - p
        return q * d if d >= 0 else (q - 1) * d
    if name == "log_cosh":
        return mp.log1p(2 * mp.sinh(r / 2) ** 2)
    if name == "binary_cross_entropy":
        w = mp.mpf(1 if o.get("pos_weight") is None else o["pos_weight"])
        pos = _softplus(mp, -p) if o.get("from_logits") else (-mp.log(p) if t != 0 else 0)
        neg = _softplus(mp, p) if o.get("from_logits") else (-mp.log1p(-p) if t != 1 else 0)
        return (w * t * pos if t != 0 else 0) + ((1 - t) * neg if t != 1 else 0)
    if name in ("hinge", "squared_hinge"):
        h = max(mp.mpf(0), 1 - t * p)
        return h if name == "hinge" else h * h
    if name in ("gaussian_nll", "poisson_nll"):
        return mp.fsum(_likelihood_terms(mp, name, p, t, o))
    if name == "zero_one":
        return mp.mpf(int((p > mp.mpf(o["threshold"])) != (t > 0)))
    raise KeyError(name)


def _likelihood_terms(mp, name, p, t, o):
    """The terms whose sum is a likelihood loss (they can have both signs)."""
    if name == "gaussian_nll":
        lv = mp.mpf(o["log_var"]) if o.get("log_var") is not None else mp.log(mp.mpf(o["var"]))
        terms = [lv / 2, (p - t) ** 2 * mp.exp(-lv) / 2]
        return terms + ([mp.log(2 * mp.pi) / 2] if o.get("full") else [])
    rate = mp.exp(p) if o.get("log_input", True) else p
    log_rate = p if o.get("log_input", True) else (mp.log(p) if p > 0 else -mp.inf)
    terms = [rate, -t * log_rate if t != 0 else mp.mpf(0)]
    return terms + ([mp.loggamma(t + 1)] if o.get("full") else [])


def _row(mp, name, p, t, o):
    """Losses over the last axis: ``p`` a list of mpf, ``t`` a list of mpf (or an int label for sparse)."""
    if name == "kl_divergence":
        logq = p if o.get("log_input") else [mp.log(x) if x > 0 else -mp.inf for x in p]
        return mp.fsum(tj * (mp.log(tj) - lq) for tj, lq in zip(t, logq) if tj != 0)
    nls = (lambda j: _neg_log_softmax(mp, p, j)) if o.get("from_logits") else (lambda j: -mp.log(p[j]))
    if name == "categorical_cross_entropy":
        return mp.fsum(tj * nls(j) for j, tj in enumerate(t) if tj != 0)
    if name == "sparse_categorical_cross_entropy":
        e = mp.mpf(o.get("label_smoothing", 0))
        main = (1 - e) * nls(t) if e != 1 else 0
        return main + (e / len(p) * mp.fsum(nls(j) for j in range(len(p))) if e else 0)
    raise KeyError(name)


def _elementwise_grad(mp, name, p, t, o):
    """d loss / d y_pred, written from the definitions (subgradient choices as in lossbook: 0 at a kink of |r|)."""
    r = p - t
    sign = mp.sign(r)
    if name == "mse":
        return 2 * r
    if name == "mae":
        return sign
    if name == "huber":
        d = mp.mpf(o["delta"])
        return r if abs(r) <= d else d * sign
    if name == "smooth_l1":
        b = mp.mpf(o["beta"])
        return sign if b == 0 else (r / b if abs(r) < b else sign)
    if name == "quantile":
        q = mp.mpf(o["q"])
        return -q if t - p >= 0 else 1 - q
    if name == "log_cosh":
        return mp.tanh(r)
    if name == "binary_cross_entropy":
        w = mp.mpf(1 if o.get("pos_weight") is None else o["pos_weight"])
        if o.get("from_logits"):  # sigma(x) = 1 / (1 + e^-x)
            return -w * t / (1 + mp.exp(p)) + (1 - t) / (1 + mp.exp(-p))
        if (p == 0 and t) or (p == 1 and t != 1):
            return mp.inf if p == 1 else -mp.inf
        return (-w * t / p if t else 0) + ((1 - t) / (1 - p) if t != 1 else 0)
    if name == "hinge":
        return -t if t * p < 1 else mp.mpf(0)
    if name == "squared_hinge":
        return -2 * t * max(mp.mpf(0), 1 - t * p)
    if name == "gaussian_nll":
        lv = mp.mpf(o["log_var"]) if o.get("log_var") is not None else mp.log(mp.mpf(o["var"]))
        return r * mp.exp(-lv)
    if name == "poisson_nll":
        if o.get("log_input", True):
            return mp.exp(p) - t
        return 1 - (t / p if t != 0 else 0)
    raise KeyError(name)


# Hyperparameters that may be given per element: the oracle takes them one element at a time.
_PER_ELEMENT = ("var", "log_var", "pos_weight")


def _element_options(options, shape):
    """One options dict per element of an elementwise loss, array hyperparameters broadcast to ``shape``."""
    arrays = {k: np.broadcast_to(np.asarray(v, dtype=np.float64), shape).ravel()
              for k, v in options.items() if k in _PER_ELEMENT and v is not None and np.ndim(v) > 0}
    n = int(np.prod(shape))
    return [{**options, **{k: float(v[i]) for k, v in arrays.items()}} for i in range(n)]


def exact_grad(name, y_pred, y_true, options=None, digits=DIGITS):
    """Exact gradients of the unreduced values with respect to ``y_pred`` (elementwise losses, and sparse
    cross-entropy on logits: ``softmax(z) - onehot(y)``), as a flat list of mpmath numbers."""
    mp, options = _mp(), dict(options or {})
    with mp.workdps(digits):
        if catalog.get(name).kind == "elementwise":
            per = _element_options(options, np.shape(y_pred))
            return [_elementwise_grad(mp, name, mp.mpf(float(a)), mp.mpf(float(b)), o)
                    for a, b, o in zip(np.ravel(y_pred), np.ravel(y_true), per)]
        out = []
        for row, label in zip(np.asarray(y_pred, np.float64), np.ravel(y_true)):
            z = [mp.mpf(float(x)) for x in row]
            for j in range(len(z)):  # with s_j = sum_{k != j} exp(z_k - z_j): softmax_j = 1 / (1 + s_j)
                s_j = mp.fsum(mp.exp(zk - z[j]) for k, zk in enumerate(z) if k != j)
                out.append(-s_j / (1 + s_j) if j == int(label) else 1 / (1 + s_j))  # no 1 - (1 - tiny)
        return out


def exact(name, y_pred, y_true, options=None, digits=DIGITS):
    """Exact unreduced values (``reduction='none'``) as a list of mpmath numbers at ``digits`` digits."""
    mp, options = _mp(), dict(options or {})
    with mp.workdps(digits):
        kind = catalog.get(name).kind
        if kind == "elementwise":
            per = _element_options(options, np.shape(y_pred))
            return [_elementwise(mp, name, mp.mpf(float(a)), mp.mpf(float(b)), o)
                    for a, b, o in zip(np.ravel(y_pred), np.ravel(y_true), per)]
        rows = np.asarray(y_pred, dtype=np.float64).reshape(-1, np.shape(y_pred)[-1])
        if kind == "sparse":
            targets = [int(t) for t in np.ravel(y_true)]
        else:
            targets = [[mp.mpf(float(x)) for x in row] for row in np.asarray(y_true, np.float64).reshape(rows.shape)]
        return [_row(mp, name, [mp.mpf(float(x)) for x in row], t, options) for row, t in zip(rows, targets)]


def confirmed_exact(name, y_pred, y_true, options=None):
    """:func:`exact`, checked against the same computation at twice the precision (raises if they disagree)."""
    mp = _mp()
    a = exact(name, y_pred, y_true, options, DIGITS)
    b = exact(name, y_pred, y_true, options, 2 * DIGITS)
    with mp.workdps(DIGITS):
        for x, y in zip(a, b):
            if mp.isfinite(y) and abs(x - y) > abs(y) * mp.mpf(10) ** (-DIGITS // 2):
                raise ArithmeticError(f"{name}: the oracle is not converged ({x} vs {y})")
    return b


# ---------------------------------------------------------------------------------------------------- ULP errors


def ulp_errors(got, exact_values, dtype):
    """``|got - exact| / ulp(exact)`` per value, in the precision of ``dtype`` (float32 or float64).

    Where the exact value overflows the dtype, the correctly rounded result is ``inf`` and only that is exact; NaN
    or infinity where the exact value is finite is an infinite error.
    """
    mp = _mp()
    info = np.finfo(dtype)
    got = np.asarray(got, dtype=np.float64).ravel()
    out = np.empty(len(got))
    with mp.workdps(DIGITS):
        for i, (g, e) in enumerate(zip(got, exact_values)):
            if not mp.isfinite(e) or abs(e) > mp.mpf(float(info.max)) * (1 + mp.mpf(2) ** -(info.nmant + 1)):
                out[i] = 0.0 if g == float(e if mp.isfinite(e) else e) or (np.isinf(g) and np.sign(g) == mp.sign(e)) else math.inf
                continue
            if not np.isfinite(g):
                out[i] = math.inf
                continue
            rounded = np.array(float(e), dtype=np.float64).astype(dtype)
            ulp = float(np.spacing(np.abs(rounded))) if rounded != 0 else float(info.smallest_subnormal)
            out[i] = float(abs(mp.mpf(float(g)) - e) / ulp)
    return out


# ---------------------------------------------------------------------------------------------------- inputs


@dataclass
class Probe:
    """An adversarial input set for one loss setting."""

    loss: str
    options: dict
    y_pred: np.ndarray
    y_true: np.ndarray
    note: str = ""
    ill_conditioned: bool = False  # terms of both signs cancel: judged against the terms' size, not the result

    @property
    def label(self):
        opts = ", ".join(f"{k}={'array' if isinstance(v, np.ndarray) else v}" for k, v in self.options.items())
        return f"{self.loss}({opts})" if opts else self.loss


def _magnitudes(dtype):
    """Residual magnitudes from the smallest subnormal to near overflow, plus the ordinary range."""
    info = np.finfo(dtype)
    tiny = [float(info.smallest_subnormal), float(info.tiny), 1e-30 if dtype == "float32" else 1e-200]
    ordinary = [1e-8, 1e-4, 0.01, 0.3, 0.5, 0.999, 1.0, 1.001, 2.0, 5.0, 20.0, 88.0, 89.5, 100.0, 700.0, 711.0, 1e4]
    huge = [1e18, float(np.sqrt(info.max)) * 0.5, float(info.max) / 4]
    return np.array(tiny + ordinary + huge, dtype=np.float64)


def _pairs(values):
    """Residuals of both signs around several centres (so the subtraction y_pred - y_true is exercised)."""
    r = np.concatenate([values, -values])
    return r, np.zeros_like(r)


def probes(dtype="float64", quick=False):
    """The adversarial inputs, as :class:`Probe` objects, for one dtype."""
    m = _magnitudes(dtype)
    r, zero = _pairs(m)
    out = [Probe(name, opts, r, zero) for name, opts in [
        ("mse", {}), ("mae", {}), ("huber", {"delta": 1.0}), ("huber", {"delta": 1e-6}), ("smooth_l1", {"beta": 1.0}),
        ("smooth_l1", {"beta": 1e-6}), ("quantile", {"q": 0.1}), ("quantile", {"q": 0.9}), ("log_cosh", {})]]
    logits = np.concatenate([[1e-8, 1e-3, 0.1, 1.0, 5.0, 17.0, 20.0, 30.0, 37.0, 50.0, 88.0, 100.0, 700.0, 750.0, 1e4,
                              np.inf]] * 1)
    x = np.concatenate([logits, -logits])
    for y in (0.0, 1.0):
        out.append(Probe("binary_cross_entropy", {"from_logits": True}, x, np.full_like(x, y), f"labels {y:g}"))
    out.append(Probe("binary_cross_entropy", {"from_logits": True, "pos_weight": 3.0}, x, np.ones_like(x), "pos_weight"))
    soft = np.array([1e-8, 0.25, 0.5, 0.75, 1 - 1e-8])
    xs = np.repeat(x[np.isfinite(x)], len(soft))
    out.append(Probe("binary_cross_entropy", {"from_logits": True}, xs, np.tile(soft, len(xs) // len(soft)), "soft labels"))
    info = np.finfo(dtype)
    p = np.array([float(info.smallest_subnormal), float(info.tiny), 1e-30, 1e-16, 1e-8, 1e-3, 0.3, 0.5, 0.7, 1 - 1e-3,
                  1 - 1e-7, 1 - float(info.epsneg), 1.0], dtype=np.float64).astype(dtype).astype(np.float64)
    for y in (0.0, 1.0):
        out.append(Probe("binary_cross_entropy", {}, p, np.full_like(p, y), f"probabilities, labels {y:g}"))
    s = np.concatenate([m, -m, [1.0, -1.0, 1 - 1e-7, 1 + 1e-7]])
    for name in ("hinge", "squared_hinge"):
        out.append(Probe(name, {}, s, np.ones_like(s)))
    near = np.array([0.5, np.nextafter(0.5, 1, dtype=dtype), np.nextafter(0.5, 0, dtype=dtype), 0.0, 1.0, 1e-30])
    for y in (0.0, 1.0):  # decisions at the threshold and just beside it
        out.append(Probe("zero_one", {"threshold": 0.5}, near, np.full_like(near, y), f"labels {y:g}"))
    out += _class_probes(dtype, quick)
    out += _likelihood_probes(dtype, m)
    return out


def _likelihood_probes(dtype, magnitudes):
    """Residuals of every magnitude under log-variances from tiny to huge; log-rates and rates against counts.

    These losses can be negative, and where their terms cancel the value is ill-conditioned in the inputs: the
    probes are judged in ULPs of the size of the terms (:func:`term_sizes`)."""
    r = np.concatenate([magnitudes, -magnitudes])
    lv = np.array([-30.0, -1.0, -1e-3, 0.0, 1e-3, 2.0, 40.0])
    res, log_var = (a.ravel() for a in np.meshgrid(r, lv))
    zero = np.zeros_like(res)
    out = [Probe("gaussian_nll", {"log_var": log_var}, res, zero, "log_var", ill_conditioned=True),
           Probe("gaussian_nll", {"var": np.exp(log_var).astype(dtype), "full": True}, res, zero, "var",
                 ill_conditioned=True)]
    counts = np.array([0.0, 1.0, 3.0, 10.0, 1e3, 1e6])
    log_rate = np.array([-700.0, -30.0, -1.0, 0.0, 1e-3, 1.0, 2.3, 7.0, 13.8, 80.0, 100.0])
    x, y = (a.ravel() for a in np.meshgrid(log_rate, counts))
    out.append(Probe("poisson_nll", {}, x, y, "log-rates", ill_conditioned=True))
    out.append(Probe("poisson_nll", {"full": True}, x, y, "log-rates", ill_conditioned=True))
    rate = np.array([0.0, 1e-30, 1e-3, 0.5, 1.0, 3.0, 10.0, 999.0, 1e6])
    lam, y = (a.ravel() for a in np.meshgrid(rate, counts))
    keep = (lam > 0) | (y == 0)  # a zero rate with a positive count is an infinite loss: kept once
    out.append(Probe("poisson_nll", {"log_input": False}, lam[keep], y[keep], "rates", ill_conditioned=True))
    return out


def _random_class_probes(quick):
    """Random logits (scale 8) and distributions: the everyday case, where the gaps between logits are not exact
    in floating point (the structured probes above have exact gaps)."""
    rng = np.random.default_rng(7)
    out = []
    for c in ((3, 10) if quick else (3, 10, 100, 1000)):
        z = rng.normal(0, 8, (60, c))
        labels = np.where(np.arange(60) % 2 == 0, z.argmax(axis=1), rng.integers(0, c, 60))
        out.append(Probe("sparse_categorical_cross_entropy", {"from_logits": True}, z, labels, f"random, C={c}"))
        out.append(Probe("categorical_cross_entropy", {"from_logits": True}, z, rng.dirichlet(np.ones(c), 60),
                         f"random soft targets, C={c}"))
        out.append(Probe("kl_divergence", {}, rng.dirichlet(np.ones(c), 60), rng.dirichlet(np.ones(c), 60),
                         f"random, C={c}"))
    return out


def _near_equal_kl_probes(dtype):
    """Predictions within a relative ``delta`` of the target, from far to the last bits: the KL divergence is then
    of order ``delta**2`` while its terms are of order ``delta``, so a naive sum loses every digit. Included: the
    rows of issue 11, p = (0.3, 0.7) and q = p (1 +- 1e-6) in float32, q = p (1 +- 2**-41) in float64."""
    deltas = [0.3, 0.1, 1e-3, 1e-6] + ([2.0**-20] if dtype == "float32" else [2.0**-41, 1e-12])
    targets = [np.array([0.3, 0.7]), np.array([0.2, 0.3, 0.5]), np.array([1e-3, 0.25, 0.749])]
    rows_q, rows_p = [], []
    for p in targets:
        for delta in deltas:
            for sign in (1.0, -1.0):
                pattern = sign * np.resize([1.0, -1.0], p.size)
                rows_q.append(np.pad(p * (1 + delta * pattern), (0, 3 - p.size)))
                rows_p.append(np.pad(p, (0, 3 - p.size)))
    q, p = np.array(rows_q), np.array(rows_p)
    out = [Probe("kl_divergence", {}, q, p, "near-equal rows")]
    with np.errstate(divide="ignore"):  # log-probabilities: ill-conditioned in lp (see lossbook.formulas.multiclass)
        out.append(Probe("kl_divergence", {"log_input": True}, np.log(q), p, "near-equal rows", ill_conditioned=True))
    return out


def _class_probes(dtype, quick):
    gaps = [1e-8, 0.5, 5.0, 20.0, 40.0, 100.0, 200.0]
    out = []
    for c in ((3, 10, 1000) if quick else (3, 10, 1000, 100_000)):
        rows, labels = [], []
        for g in gaps:
            z = np.zeros(c)
            z[0] = g  # the label's logit leads by g: a confident, correct prediction (loss ~ (C-1) e^-g)
            rows.append(z.copy())
            labels.append(0)
            rows.append(z.copy())  # the label is one of the others: a confident mistake (loss ~ g)
            labels.append(1)
        z = np.array(rows)
        out.append(Probe("sparse_categorical_cross_entropy", {"from_logits": True}, z, np.array(labels), f"C={c}"))
        if c <= 1000:
            out.append(Probe("categorical_cross_entropy", {"from_logits": True}, z, np.eye(c)[labels], f"C={c}"))
    inf = np.inf
    z = np.array([[inf, 0.0, 0.0], [inf, 0.0, 0.0], [-inf, 2.0, 1.0], [-inf, 2.0, 1.0], [1e4, -1e4, 0.0]])
    out.append(Probe("sparse_categorical_cross_entropy", {"from_logits": True}, z, np.array([0, 1, 1, 0, 0]),
                     "infinite logits"))
    q = np.array([[0.25, 0.25, 0.5], [0.0, 0.5, 0.5], [1e-30, 0.5, 0.5], [0.9, 0.1, 0.0], [1.0, 0.0, 0.0],
                  [0.5, 0.5, 0.0], [1e-10, 0.5, 0.5 - 1e-10]])
    p = np.array([[0.5, 0.25, 0.25], [0.0, 0.5, 0.5], [0.0, 0.25, 0.75], [0.2, 0.8, 0.0], [1.0, 0.0, 0.0],
                  [1e-20, 1 - 1e-20, 0.0], [0.5, 0.25, 0.25]])
    out.append(Probe("kl_divergence", {}, q, p, "zero targets, ratios far from 1"))
    with np.errstate(divide="ignore"):
        out.append(Probe("kl_divergence", {"log_input": True}, np.log(q[[0, 2, 3]]), p[[0, 2, 3]], "zero targets"))
    out += _near_equal_kl_probes(dtype)
    out += _random_class_probes(quick)
    return out


# ---------------------------------------------------------------------------------------------------- measuring


def rounded_inputs(probe, dtype):
    """``(y_pred, y_true, options)`` of a probe rounded to ``dtype`` (held in float64): what lossbook computes on,
    and so what the exact value is computed from. Labels stay integers; array hyperparameters are rounded too."""
    y_pred = probe.y_pred.astype(dtype).astype(np.float64)
    y_true = probe.y_true if probe.y_true.dtype.kind == "i" else probe.y_true.astype(dtype).astype(np.float64)
    options = {k: (np.asarray(v).astype(dtype).astype(np.float64) if isinstance(v, np.ndarray) else v)
               for k, v in probe.options.items()}
    return y_pred, y_true, options


def _call(backend, probe, dtype, device, gradient):
    """lossbook's unreduced values (or gradient) for a probe in ``dtype`` from ``backend`` ('numpy' or 'torch')."""
    y_pred, y_true, options = rounded_inputs(probe, dtype)
    y_pred = y_pred.astype(dtype)
    y_true = y_true if y_true.dtype.kind == "i" else y_true.astype(dtype)
    options = {k: (v.astype(dtype) if isinstance(v, np.ndarray) else v) for k, v in options.items()}
    if backend == "numpy":
        from .. import numpy as lb

        fn = getattr(lb, probe.loss)
        with np.errstate(all="ignore"):
            return (fn.grad if gradient else fn)(y_pred, y_true, **options, reduction="none")
    import torch

    from .. import torch as lb

    x = torch.from_numpy(y_pred).to(device).requires_grad_(gradient)
    options = {k: (torch.from_numpy(v).to(device) if isinstance(v, np.ndarray) else v) for k, v in options.items()}
    out = getattr(lb, probe.loss)(x, torch.from_numpy(y_true).to(device), **options, reduction="none")
    if not gradient:
        return out.detach().cpu().numpy()
    out.sum().backward()
    return x.grad.cpu().numpy()


def _values(backend, probe, dtype, device="cpu"):
    """lossbook's unreduced values for a probe, in ``dtype``, from ``backend`` ('numpy' or 'torch')."""
    return _call(backend, probe, dtype, device, gradient=False)


def _builtin_values(probe, dtype):
    """PyTorch's built-in on the same probe, or None where there is none."""
    import torch
    import torch.nn.functional as F

    x = torch.from_numpy(probe.y_pred.astype(dtype))
    t = torch.from_numpy(probe.y_true if probe.y_true.dtype.kind == "i" else probe.y_true.astype(dtype))
    o, name = probe.options, probe.loss
    simple = {"mse": F.mse_loss, "mae": F.l1_loss}
    if name in simple:
        return simple[name](x, t, reduction="none").numpy()
    if name == "huber":
        return F.huber_loss(x, t, delta=o["delta"], reduction="none").numpy()
    if name == "smooth_l1":
        return F.smooth_l1_loss(x, t, beta=o["beta"], reduction="none").numpy()
    if name == "binary_cross_entropy":
        if o.get("from_logits"):
            pw = None if o.get("pos_weight") is None else torch.tensor(o["pos_weight"], dtype=x.dtype)
            return F.binary_cross_entropy_with_logits(x, t, pos_weight=pw, reduction="none").numpy()
        return F.binary_cross_entropy(x, t, reduction="none").numpy()
    if name in ("categorical_cross_entropy", "sparse_categorical_cross_entropy") and o.get("from_logits"):
        return F.cross_entropy(x, t, reduction="none").numpy()
    if name == "kl_divergence":
        with np.errstate(divide="ignore"):
            logq = x if o.get("log_input") else torch.log(x)
        return F.kl_div(logq, t, reduction="none").sum(-1).numpy()
    if name == "gaussian_nll":  # PyTorch clamps the variance at eps=1e-6 and takes var, not its log
        var = np.exp(o["log_var"]) if o.get("log_var") is not None else o["var"]
        var = torch.from_numpy(np.asarray(var, dtype=np.float64).astype(dtype))
        return F.gaussian_nll_loss(x, t, var, full=o.get("full", False), reduction="none").numpy()
    if name == "poisson_nll":  # full=True: Stirling's approximation of log(y!) for y > 1
        return F.poisson_nll_loss(x, t, log_input=o.get("log_input", True), full=o.get("full", False),
                                  reduction="none").numpy()
    return None


GRADIENT_LOSSES = ("mse", "mae", "huber", "smooth_l1", "quantile", "log_cosh", "binary_cross_entropy", "hinge",
                   "squared_hinge", "sparse_categorical_cross_entropy", "gaussian_nll", "poisson_nll")


def _grad_scale(probe, y_pred, y_true, options, exact):
    """What a gradient error is measured against: the exact gradient, except where the gradient is a difference of
    two terms that cancel (binary cross-entropy with soft labels, ``-w t sigma(-x) + (1 - t) sigma(x)``; the
    Poisson ``exp(x) - y`` and ``1 - y / rate``): there, the size of the terms (the conditioning of the problem,
    not of the code)."""
    mp = _mp()
    with mp.workdps(DIGITS):
        pairs = [(mp.mpf(float(x)), mp.mpf(float(t))) for x, t in zip(y_pred.ravel(), y_true.ravel())]
        if probe.loss == "binary_cross_entropy" and options.get("from_logits"):
            w = options.get("pos_weight") or 1.0
            return [abs(w * t / (1 + mp.exp(x))) + abs((1 - t) / (1 + mp.exp(-x))) for x, t in pairs]
        if probe.loss == "poisson_nll":
            if options.get("log_input", True):
                return [mp.exp(x) + t for x, t in pairs]
            return [1 + (t / x if t else 0) for x, t in pairs]
    return exact


def _grad_values(backend, probe, dtype, device="cpu"):
    return _call(backend, probe, dtype, device, gradient=True)


def has_exact_gradient(probe):
    """Whether the oracle has the probe's gradient (not for KL, zero-one, dense one-hot CE, infinite logits, or
    more than 10 classes, where the O(C^2) oracle is slow: those probes check values only)."""
    if probe.loss not in GRADIENT_LOSSES:
        return False
    if probe.loss == "sparse_categorical_cross_entropy":
        return bool(np.isfinite(probe.y_pred).all()) and probe.y_pred.shape[-1] <= 10
    return True


def measure_grad(probe, dtype, backend, device="cpu"):
    """Max gradient error on a probe, in ULPs of the exact gradient (of the terms' size for soft BCE labels, see
    ``_grad_scale``), over the elements where the loss is finite; None for losses without an oracle gradient."""
    if not has_exact_gradient(probe):
        return None
    y_pred, y_true, options = rounded_inputs(probe, dtype)
    mp = _mp()
    finite_loss = np.array([bool(mp.isfinite(v)) for v in exact(probe.loss, y_pred, y_true, options)])
    finite = np.repeat(finite_loss, y_pred.size // finite_loss.size) & np.isfinite(y_pred).ravel()
    ex = exact_grad(probe.loss, y_pred, y_true, options)
    got = _grad_values(backend, probe, dtype, device).ravel()
    errors = ulp_errors(got, ex, dtype)
    scale = _grad_scale(probe, y_pred, y_true, options, ex)
    if scale is not ex:
        errors = _relative_to(np.array([float(x) for x in scale]), got, ex, errors, dtype)
    errors = np.where(finite, errors, 0.0)
    i = int(np.argmax(errors))
    return Row(f"{probe.label} {probe.note}".strip(), backend, dtype, float(errors[i]), f"element {i}")


def _relative_to(scale, got, exact_values, errors, dtype):
    """Errors in ULPs of ``scale`` (the size of terms that cancel) instead of the exact value, wherever the exact
    value and the scale are finite in ``dtype``; elsewhere ``errors`` as they are (an overflowing exact value is
    only matched by infinity)."""
    mp = _mp()
    limit = float(np.finfo(dtype).max)
    with mp.workdps(DIGITS):
        diff = np.array([float(abs(mp.mpf(float(g)) - e)) if np.isfinite(g) and mp.isfinite(e) else math.inf
                         for g, e in zip(got, exact_values)])
        representable = np.array([bool(mp.isfinite(e)) and abs(e) <= limit for e in exact_values])
    usable = representable & (np.abs(scale) <= limit)
    with np.errstate(invalid="ignore"):
        return np.where(usable, diff / _ulps(np.where(usable, scale, 1.0), dtype), errors)


def _ulps(values, dtype):
    """ULP, in ``dtype``, of each (mpmath) value."""
    info = np.finfo(dtype)
    with np.errstate(over="ignore"):
        r = np.array([abs(float(v)) for v in values]).astype(dtype)
    return np.where(r == 0, float(info.smallest_subnormal), np.spacing(r).astype(np.float64))


@dataclass
class Row:
    probe: str
    backend: str
    dtype: str
    max_ulp: float
    worst: str


def term_sizes(probe, dtype):
    """Per value, the sum of the sizes of the terms whose sum the loss is, for the probes marked ill-conditioned:
    the scale of the rounding errors when those terms cancel (KL on log-probabilities: ``sum_c y_c (|log y_c| +
    |lp_c|)``; the likelihood losses: the sum of their terms' absolute values)."""
    y_pred, y_true, options = rounded_inputs(probe, dtype)
    mp = _mp()
    with mp.workdps(DIGITS):
        if probe.loss == "kl_divergence":
            return np.array([float(mp.fsum(mp.mpf(float(t)) * (abs(mp.log(float(t))) + abs(mp.mpf(float(lp))))
                                           for t, lp in zip(p, q) if t)) for q, p in zip(y_pred, y_true)])
        per = _element_options(options, y_pred.shape)
        return np.array([float(mp.fsum(abs(x) for x in _likelihood_terms(mp, probe.loss, mp.mpf(float(a)),
                                                                          mp.mpf(float(b)), o)))
                         for a, b, o in zip(y_pred.ravel(), y_true.ravel(), per)])


def measure(probe, dtype, backend, device="cpu"):
    """Max error of ``backend`` ('numpy', 'torch' or 'torch built-in') on one probe, in ULPs of the exact value (of
    the size of the terms for an ill-conditioned probe); None if not applicable."""
    values = _builtin_values(probe, dtype) if backend == "torch built-in" else _values(backend, probe, dtype, device)
    if values is None:
        return None
    y_pred, y_true, options = rounded_inputs(probe, dtype)
    exact_values = confirmed_exact(probe.loss, y_pred, y_true, options)
    errors = ulp_errors(values, exact_values, dtype)
    if probe.ill_conditioned:
        errors = _relative_to(term_sizes(probe, dtype), np.ravel(values), exact_values, errors, dtype)
    i = int(np.argmax(errors))
    rows = y_pred.reshape(len(errors), -1)
    worst = f"y_pred={rows[i][0]:.6g}" + (f", y_true={np.ravel(y_true)[i]:.6g}" if rows.shape[1] == 1 else f" (row {i})")
    return Row(f"{probe.label} {probe.note}".strip(), backend, dtype, float(errors[i]), worst)


def report(quick=False, backends=("numpy", "torch", "torch built-in")):
    """All rows of the accuracy table: values, then gradients (backend names suffixed with ' grad')."""
    rows = []
    for dtype in ("float32", "float64"):
        for probe in probes(dtype, quick):
            for backend in backends:
                row = measure(probe, dtype, backend)
                if row is not None:
                    rows.append(row)
            for backend in ("numpy", "torch"):
                row = measure_grad(probe, dtype, backend)
                if row is not None:
                    row.backend += " grad"
                    rows.append(row)
    return rows


def _fmt(x):
    return "inf" if math.isinf(x) else f"{x:.3g}"


def summary(rows):
    """A compact table for the book: the worst error per loss setting and dtype, gradients combined."""
    keyed = {}
    for r in rows:
        keyed.setdefault((r.probe, r.dtype), {})[r.backend] = r.max_ulp
    lines = [f"{'loss and inputs':54} {'dtype':7} {'numpy':>7} {'torch':>7} {'built-in':>9} {'gradient':>9}"]
    short = {"sparse_categorical_cross_entropy": "sparse CE", "categorical_cross_entropy": "CE",
             "binary_cross_entropy": "BCE", "(from_logits=True)": " logits", "(from_logits=True, ": " logits (",
             "kl_divergence(log_input=True)": "KL log input", "kl_divergence": "KL"}
    for (probe, dtype), by in keyed.items():
        for long, brief in short.items():
            probe = probe.replace(long, brief)
        grads = [by[k] for k in ("numpy grad", "torch grad") if k in by]
        cells = [by.get("numpy"), by.get("torch"), by.get("torch built-in"), max(grads) if grads else None]
        text = [f"{_fmt(c) if c is not None else '-':>{w}}" for c, w in zip(cells, (7, 7, 9, 9))]
        lines.append(f"{probe[:54]:54} {dtype:7} " + " ".join(text))
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m lossbook.book.accuracy", description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="skip the 100,000-class probes")
    args = parser.parse_args(argv)
    rows = report(quick=args.quick)
    print(table(rows))


def table(rows):
    """The report as text: one line per probe and dtype, max ULP errors side by side."""
    cols = ["numpy", "torch", "torch built-in", "numpy grad", "torch grad"]
    lines = [f"{'loss and inputs':70} {'dtype':8} " + " ".join(f"{c:>14}" for c in cols) + "  worst input (torch)"]
    keyed = {}
    for r in rows:
        keyed.setdefault((r.probe, r.dtype), {})[r.backend] = r
    for (probe, dtype), by in keyed.items():
        cells = " ".join(f"{_fmt(by[c].max_ulp) if c in by else '-':>14}" for c in cols)
        lines.append(f"{probe[:70]:70} {dtype:8} {cells}  {by['torch'].worst}")
    return "\n".join(lines)


if __name__ == "__main__":
    main()

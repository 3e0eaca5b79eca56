"""One list of test cases shared by the test files: every loss with its hyperparameter settings and inputs from
its valid domain. Inputs are float64 NumPy arrays (labels int64); tests convert them for each backend."""

from dataclasses import dataclass, field

import numpy as np

N, C = 7, 5


@dataclass
class Case:
    loss: str
    options: dict = field(default_factory=dict)
    inputs: str = "real"  # how y_pred and y_true are drawn: see make_inputs
    shape: tuple = (N, 3)

    @property
    def id(self):
        opts = ",".join(f"{k}={_short(v)}" for k, v in self.options.items())
        return f"{self.loss}[{opts}]" if opts else self.loss


def _short(v):
    return "vec" if isinstance(v, (list, np.ndarray)) else v


def make_inputs(case, rng):
    """``(y_pred, y_true)`` for a case, drawn from the loss's valid domain."""
    shape, kind = case.shape, case.inputs
    if kind == "real":
        return rng.normal(0, 2, shape), rng.normal(0, 2, shape)
    if kind == "prob":  # probabilities vs soft/hard binary targets
        return rng.uniform(0.02, 0.98, shape), rng.integers(0, 2, shape).astype(float)
    if kind == "soft-prob":
        return rng.uniform(0.02, 0.98, shape), rng.uniform(0, 1, shape)
    if kind == "logit":
        return rng.normal(0, 3, shape), rng.integers(0, 2, shape).astype(float)
    if kind == "sign":
        return rng.normal(0, 2, shape), rng.choice([-1.0, 1.0], shape)
    if kind == "zero-one":
        return rng.uniform(0, 1, shape), rng.integers(0, 2, shape).astype(float)
    if kind == "dist-logit":
        return rng.normal(0, 2, (N, C)), rng.dirichlet(np.ones(C), N)
    if kind == "onehot-logit":
        return rng.normal(0, 2, (N, C)), np.eye(C)[rng.integers(0, C, N)]
    if kind == "dist-prob":
        return rng.dirichlet(np.ones(C), N), rng.dirichlet(np.ones(C), N)
    if kind == "dist-logprob":
        return np.log(rng.dirichlet(np.ones(C), N)), rng.dirichlet(np.ones(C), N)
    if kind == "sparse-logit":
        return rng.normal(0, 2, (N, C)), rng.integers(0, C, N)
    if kind == "sparse-prob":
        return rng.dirichlet(np.ones(C), N), rng.integers(0, C, N)
    if kind == "poisson-log":  # log-rates and counts
        log_rate = rng.normal(0.5, 1, shape)
        return log_rate, rng.poisson(np.exp(log_rate)).astype(float)
    if kind == "poisson-rate":
        rate = rng.uniform(0.1, 5, shape)
        return rate, rng.poisson(rate).astype(float)
    raise ValueError(kind)


CLASS_WEIGHT = [0.5, 1.0, 2.0, 0.0, 3.0]
LOG_VAR = np.random.default_rng(99).normal(0, 1, (N, 3)).round(3)  # one log-variance per element
VAR = np.exp(LOG_VAR)

CASES = [
    Case("mse"),
    Case("mae"),
    Case("huber", {"delta": 1.0}),
    Case("huber", {"delta": 0.3}),
    Case("smooth_l1", {"beta": 1.0}),
    Case("smooth_l1", {"beta": 2.5}),
    Case("smooth_l1", {"beta": 0.0}),
    Case("quantile", {"q": 0.5}),
    Case("quantile", {"q": 0.9}),
    Case("log_cosh"),
    Case("binary_cross_entropy", {}, "prob"),
    Case("binary_cross_entropy", {}, "soft-prob"),
    Case("binary_cross_entropy", {"from_logits": True}, "logit"),
    Case("binary_cross_entropy", {"from_logits": True, "pos_weight": [0.5, 2.0, 3.0]}, "logit"),
    Case("binary_cross_entropy", {"from_logits": True, "pos_weight": 4.0}, "logit"),
    Case("binary_cross_entropy", {"pos_weight": [0.5, 2.0, 3.0]}, "prob"),
    Case("binary_cross_entropy", {"from_logits": True, "label_smoothing": 0.2}, "logit"),
    Case("binary_cross_entropy", {"label_smoothing": 0.1}, "prob"),
    Case("hinge", {}, "sign"),
    Case("squared_hinge", {}, "sign"),
    Case("zero_one", {"threshold": 0.5}, "zero-one"),
    Case("categorical_cross_entropy", {"from_logits": True}, "dist-logit"),
    Case("categorical_cross_entropy", {"from_logits": True}, "onehot-logit"),
    Case("categorical_cross_entropy", {"from_logits": True, "label_smoothing": 0.1}, "onehot-logit"),
    Case("categorical_cross_entropy", {}, "dist-prob"),
    Case("categorical_cross_entropy", {"label_smoothing": 0.2}, "dist-prob"),
    Case("sparse_categorical_cross_entropy", {"from_logits": True}, "sparse-logit"),
    Case("sparse_categorical_cross_entropy", {"from_logits": True, "label_smoothing": 0.15}, "sparse-logit"),
    Case("sparse_categorical_cross_entropy", {"from_logits": True, "class_weight": CLASS_WEIGHT}, "sparse-logit"),
    Case("sparse_categorical_cross_entropy", {"from_logits": True, "ignore_index": 2}, "sparse-logit"),
    Case("sparse_categorical_cross_entropy",
         {"from_logits": True, "ignore_index": 1, "class_weight": CLASS_WEIGHT, "label_smoothing": 0.1}, "sparse-logit"),
    Case("sparse_categorical_cross_entropy", {}, "sparse-prob"),
    Case("sparse_categorical_cross_entropy", {"label_smoothing": 0.1, "class_weight": [1.0, 2.0, 0.5, 1.0, 4.0]},
         "sparse-prob"),
    Case("kl_divergence", {}, "dist-prob"),
    Case("kl_divergence", {"log_input": True}, "dist-logprob"),
    Case("gaussian_nll", {"log_var": LOG_VAR}),
    Case("gaussian_nll", {"var": 2.5}),
    Case("gaussian_nll", {"var": VAR, "full": True}),
    Case("poisson_nll", {}, "poisson-log"),
    Case("poisson_nll", {"full": True}, "poisson-log"),
    Case("poisson_nll", {"log_input": False}, "poisson-rate"),
    Case("poisson_nll", {"log_input": False, "full": True}, "poisson-rate"),
]

DIFFERENTIABLE = [c for c in CASES if c.loss != "zero_one"]

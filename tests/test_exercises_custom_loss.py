"""The self-checks of the chapter 'Implementing a custom loss' (lossbook/book/exercises/custom_loss.py): the
references they compare with are right (against mpmath, finite differences and PyTorch), and the focal-loss check
accepts stable implementations in NumPy and PyTorch but names the extreme inputs a naive one gets wrong.
(tests/test_exercises.py checks every chapter's exercises generically.)"""

import subprocess
import sys

import mpmath
import numpy as np
import pytest
import torch

from lossbook import numpy as lbn
from lossbook.book.exercises import custom_loss as ex
from lossbook.book.exercises.custom_loss import _FOCAL_CASES, focal_gradient_reference, focal_reference


def _exact_focal(z, y, gamma):
    """The focal loss of one element with 60 digits."""
    with mpmath.workdps(60):
        m = mpmath.mpf(float(z)) * (2 * int(y) - 1)
        return (1 / (1 + mpmath.exp(m))) ** gamma * mpmath.log1p(mpmath.exp(-m))


def _stable_numpy(logits, y, gamma):
    m = (2 * y - 1) * logits
    return np.exp(-np.logaddexp(0, m)) ** gamma * np.logaddexp(0, -m)


def _stable_torch(logits, y, gamma):
    m = (2 * torch.as_tensor(y) - 1) * torch.as_tensor(logits)
    return torch.sigmoid(-m) ** gamma * torch.nn.functional.softplus(-m)


@pytest.mark.parametrize("case", _FOCAL_CASES, ids=lambda c: c.label)
def test_focal_reference_is_accurate_on_every_case(case):
    z, y, gamma = case.args
    got = focal_reference(z, y, gamma)
    exact = np.array([float(_exact_focal(a, b, gamma)) for a, b in zip(z.ravel(), y.ravel())]).reshape(z.shape)
    assert got.shape == z.shape
    np.testing.assert_allclose(got, exact, rtol=1e-13, atol=0)


def test_focal_reference_is_the_cross_entropy_at_gamma_zero():
    z, y, _ = _FOCAL_CASES[1].args
    np.testing.assert_array_equal(focal_reference(z, y, 0.0),
                                  lbn.binary_cross_entropy(z, y, from_logits=True, reduction="none"))


@pytest.mark.parametrize("gamma", [0.0, 0.5, 2.0, 5.0])
def test_focal_gradient_reference_against_autograd_and_the_closed_form(gamma):
    rng = np.random.default_rng(1)
    z, y = rng.normal(0, 4, 50), rng.integers(0, 2, 50).astype(float)
    got = focal_gradient_reference(z, y, gamma)
    zt = torch.tensor(z, requires_grad=True)
    torch.as_tensor(_stable_torch(zt, torch.tensor(y), gamma)).mean().backward()
    np.testing.assert_allclose(got, zt.grad.numpy(), rtol=1e-12, atol=1e-300)
    m = (2 * y - 1) * z
    s = lambda x: 1 / (1 + np.exp(-x))  # noqa: E731 (ordinary logits: no overflow here)
    closed = -(2 * y - 1) * s(-m) ** gamma * (gamma * s(m) * np.logaddexp(0, -m) + s(-m)) / len(z)
    np.testing.assert_allclose(got, closed, rtol=1e-12, atol=1e-300)
    np.testing.assert_allclose(focal_gradient_reference(z, y, gamma, reduction="none"), closed * len(z), rtol=1e-12)


def test_focal_function_accepts_stable_versions_in_numpy_and_torch(capsys):
    assert ex.check("focal-function", _stable_numpy)
    assert ex.check("focal-function", _stable_torch)
    assert capsys.readouterr().out.count("Right.") == 2


def test_focal_function_names_the_extreme_inputs_a_naive_version_gets_wrong(capsys):
    def naive(logits, y, gamma):  # a textbook variant that is not the registered mistake
        p = 1 / (1 + np.exp(-logits))
        return -(y * (1 - p) ** gamma * np.log(p) + (1 - y) * p**gamma * np.log(1 - p))

    assert not ex.check("focal-function", naive)
    out = " ".join(capsys.readouterr().out.split())
    assert out.startswith("Not yet: wrong for: confident mistakes (logits up to 800 on the wrong side); "
                          "well-classified examples (logits 20 to 40 on the right side). Hint:")


def test_focal_function_compares_tiny_values_in_relative_terms(capsys):
    # Zero for the well-classified examples would pass an absolute tolerance; it must not pass here.
    def flushes_tiny(logits, y, gamma):
        loss = _stable_numpy(logits, y, gamma)
        return np.where(loss < 1e-12, 0.0, loss)

    assert not ex.check("focal-function", flushes_tiny)
    assert "well-classified examples" in capsys.readouterr().out


def test_decay_factor_is_one_step_of_torch_sgd_with_weight_decay():
    g = ex.given("decay-factor")
    w = torch.nn.Parameter(torch.tensor([1.0, -2.0, 0.5], dtype=torch.float64))
    optimizer = torch.optim.SGD([w], lr=g["lr"], weight_decay=2 * g["lam"])
    w.grad = torch.zeros_like(w)  # no pull from the data
    optimizer.step()
    c = ex.chapter.exercise("decay-factor").solution(g)
    np.testing.assert_allclose(w.detach().numpy(), c * np.array([1.0, -2.0, 0.5]), rtol=1e-15)


def test_alpha_as_pos_weight_makes_the_identity_hold():
    g = ex.given("alpha-as-pos-weight")
    alpha, pos_weight = g["alpha"], ex.chapter.exercise("alpha-as-pos-weight").solution(g)
    z, y, _ = _FOCAL_CASES[1].args
    focal = np.where(y == 1, alpha, 1 - alpha) * focal_reference(z, y, 0.0)
    weighted = (1 - alpha) * lbn.binary_cross_entropy(z, y, from_logits=True, pos_weight=pos_weight,
                                                       reduction="none")
    np.testing.assert_allclose(focal, weighted, rtol=1e-14)


def test_importing_the_module_is_light():
    code = ("import sys, lossbook.book.exercises.custom_loss; "
            "print(sorted(m for m in ('torch', 'sklearn', 'matplotlib', 'scipy') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"

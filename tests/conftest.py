"""Shared test settings: hypothesis profile, backends, and conversions between NumPy and torch."""

import os

import numpy as np
import pytest
from hypothesis import HealthCheck, settings

settings.register_profile(
    "lossbook", deadline=None, max_examples=int(os.environ.get("HYPOTHESIS_EXAMPLES", "60")),
    suppress_health_check=[HealthCheck.too_slow], derandomize=True,
)
settings.load_profile("lossbook")

BACKENDS = ["numpy", "torch"]


def backend(name):
    if name == "numpy":
        from lossbook import numpy as lb
    else:
        from lossbook import torch as lb
    return lb


def to_numpy(x):
    import torch

    return x.detach().cpu().numpy() if isinstance(x, torch.Tensor) else np.asarray(x)


@pytest.fixture(params=BACKENDS)
def lb(request):
    return backend(request.param)

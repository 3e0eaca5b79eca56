"""Label smoothing of targets: plain arithmetic, so one definition serves both backends.

Binary (Keras's convention): ``y' = y (1 - eps) + eps / 2``, a 1 becomes ``1 - eps/2``.
Categorical (PyTorch, Keras, optax): ``y' = y (1 - eps) + eps / C`` over the last axis, a 1 becomes
``1 - eps + eps/C``.
"""


def smooth_binary(y, label_smoothing):
    """Move binary targets towards 1/2: ``y (1 - eps) + eps / 2`` (``y`` unchanged when ``eps`` is 0)."""
    return y * (1 - label_smoothing) + 0.5 * label_smoothing if label_smoothing else y


def smooth_categorical(y, label_smoothing):
    """Move each row towards the uniform distribution: ``y (1 - eps) + eps / C``, ``C = y.shape[-1]``."""
    return y * (1 - label_smoothing) + label_smoothing / y.shape[-1] if label_smoothing else y

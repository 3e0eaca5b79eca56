"""Helpers used by the multi-label chapter."""

import numpy as np
import pytest

from lossbook.book import data


def test_multilabel_shapes_and_label_frequencies():
    x, y = data.multilabel(4000, seed=0)
    assert x.shape == (4000, 5) and y.shape == (4000, 4)
    assert set(np.unique(y)) == {0.0, 1.0}
    np.testing.assert_allclose(y.mean(axis=0), [0.5, 0.3, 0.15, 0.05], atol=1e-3)


def test_multilabel_custom_rarity_and_determinism():
    x, y = data.multilabel(2000, num_features=3, num_labels=2, rarity=[0.2, 0.6], seed=3)
    assert x.shape == (2000, 3)
    np.testing.assert_allclose(y.mean(axis=0), [0.2, 0.6], atol=1e-3)
    x2, y2 = data.multilabel(2000, num_features=3, num_labels=2, rarity=[0.2, 0.6], seed=3)
    assert np.array_equal(x, x2) and np.array_equal(y, y2)


def test_multilabel_rejects_wrong_rarity_shape():
    with pytest.raises(ValueError, match="rarity"):
        data.multilabel(100, num_labels=3, rarity=[0.5, 0.5])

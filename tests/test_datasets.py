"""The real data sets: what each loader returns, that nothing downloads, the digit properties, and the split
(seeded, stratified, standardised with the training part only)."""

import dataclasses
import socket
import subprocess
import sys

import numpy as np
import pytest
import sklearn.datasets as skd

from lossbook.book import datasets

LOADERS = {"diabetes": datasets.diabetes, "breast_cancer": datasets.breast_cancer, "digits": datasets.digits,
           "wine": datasets.wine, "iris": datasets.iris, "digits_properties": datasets.digits_properties}

# name: (task, examples, features, number of target names)
EXPECTED = {"diabetes": ("regression", 442, 10, 1), "breast_cancer": ("binary", 569, 30, 2),
            "digits": ("multiclass", 1797, 64, 10), "wine": ("multiclass", 178, 13, 3),
            "iris": ("multiclass", 150, 4, 3), "digits_properties": ("multilabel", 1797, 64, 4)}


@pytest.fixture(scope="module")
def loaded():
    return {name: load() for name, load in LOADERS.items()}


@pytest.mark.parametrize("name", LOADERS)
def test_loader_shapes_dtypes_and_description(loaded, name):
    data = loaded[name]
    task, n, d, k = EXPECTED[name]
    assert data.name == name and data.task == task
    assert data.features.shape == (n, d) and data.features.dtype == np.float32
    assert len(data.feature_names) == d and len(data.target_names) == k
    if task == "regression":
        assert data.targets.shape == (n,) and data.targets.dtype == np.float32 and data.strata is None
    elif task == "multilabel":
        assert data.targets.shape == (n, k) and data.targets.dtype == np.int64
        assert set(np.unique(data.targets)) == {0, 1}
    else:
        assert data.targets.shape == (n,) and data.targets.dtype == np.int64
        assert set(np.unique(data.targets)) == set(range(k))
        np.testing.assert_array_equal(data.strata, data.targets)
    text = data.description
    assert text.startswith(f"{name}: {n} examples, {d} features")
    for part in ("Target:", "Source: scikit-learn", "nothing is downloaded", "Citation:"):
        assert part in text
    assert max(len(line) for line in text.splitlines()) <= 75
    assert repr(data) == f"LabeledData({name!r}, {task}: {n} examples, {d} features)"


def test_loaders_never_touch_the_network(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("a loader tried to open a network connection")

    monkeypatch.setattr(socket, "socket", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    for load in LOADERS.values():
        load()


def test_features_and_targets_are_scikit_learns_in_original_units(loaded):
    raw = skd.load_diabetes(scaled=False)
    np.testing.assert_array_equal(loaded["diabetes"].features, raw.data.astype(np.float32))
    np.testing.assert_array_equal(loaded["diabetes"].targets, raw.target.astype(np.float32))
    assert loaded["diabetes"].features[:, 0].min() >= 18                 # age in years, not centred
    assert "range 25 to 346" in loaded["diabetes"].description.lower()
    assert "own units" in loaded["diabetes"].target
    for name, load in [("digits", skd.load_digits), ("wine", skd.load_wine), ("iris", skd.load_iris)]:
        np.testing.assert_array_equal(loaded[name].targets, load().target)
    assert loaded["digits"].image_shape == (8, 8) and loaded["digits"].features.max() == 16


def test_breast_cancer_codes_malignant_as_one(loaded):
    data = loaded["breast_cancer"]
    np.testing.assert_array_equal(data.targets, 1 - skd.load_breast_cancer().target)
    assert data.target_names == ("benign", "malignant")
    assert data.counts() == {"benign": 357, "malignant": 212}
    # Malignant nuclei are larger: the mean radius is higher in class 1.
    radius = data.features[:, data.feature_names.index("mean radius")]
    assert radius[data.targets == 1].mean() > radius[data.targets == 0].mean()


def _is_prime(k):
    return k > 1 and all(k % p for p in range(2, k))


def test_digit_properties_follow_their_definitions(loaded):
    data, digits = loaded["digits_properties"], loaded["digits"]
    assert data.target_names == ("even", "at least 5", "prime", "closed loop")
    np.testing.assert_array_equal(data.features, digits.features)
    np.testing.assert_array_equal(data.strata, digits.targets)        # stratified on the digit
    for k in range(10):
        expected = [k % 2 == 0, k >= 5, _is_prime(k), k in (0, 4, 6, 8, 9)]
        rows = data.targets[digits.targets == k]
        assert (rows == np.array(expected, dtype=np.int64)).all(), k
    assert datasets.DIGIT_PROPERTIES["prime"] == (2, 3, 5, 7)
    assert data.counts()["prime"] == sum((digits.targets == k).sum() for k in (2, 3, 5, 7))
    assert "closed loop: 0, 4, 6, 8, 9" in data.target and "4s" in data.notes


@pytest.mark.parametrize("name", LOADERS)
def test_split_sizes_disjoint_and_deterministic(loaded, name):
    data = loaded[name]
    n = len(data.targets)
    parts = datasets.split(data, val=0.2, test=0.25, seed=3)
    indices = [parts.train_index, parts.val_index, parts.test_index]
    assert sorted(np.concatenate(indices).tolist()) == list(range(n))
    assert abs(len(parts.test_index) - 0.25 * n) <= 1 and abs(len(parts.val_index) - 0.2 * n) <= 1
    for (x, y), index in zip((parts.train, parts.val, parts.test), indices):
        assert x.dtype == np.float32 and y.dtype == data.targets.dtype
        np.testing.assert_array_equal(y, data.targets[index])
    again = datasets.split(data, val=0.2, test=0.25, seed=3)
    for a, b in zip(indices, [again.train_index, again.val_index, again.test_index]):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(parts.train[0], again.train[0])
    other = datasets.split(data, val=0.2, test=0.25, seed=4)
    assert not np.array_equal(parts.test_index, other.test_index)


@pytest.mark.parametrize("name", ["breast_cancer", "digits", "wine", "iris", "digits_properties"])
def test_split_is_stratified(loaded, name):
    data = loaded[name]
    parts = datasets.split(data, seed=0)
    for index in (parts.train_index, parts.val_index, parts.test_index):
        share = len(index) / len(data.strata)
        for k in np.unique(data.strata):
            total = (data.strata == k).sum()
            assert abs((data.strata[index] == k).sum() - share * total) <= 1.5


def test_standardisation_uses_the_training_part_only(loaded):
    data = loaded["digits"]
    parts = datasets.split(data, seed=0)
    x_train = data.features[parts.train_index].astype(np.float64)
    np.testing.assert_allclose(parts.mean, x_train.mean(axis=0))
    std = x_train.std(axis=0)
    assert (std == 0).any()                                             # blank pixels: constant features
    np.testing.assert_array_equal(parts.scale, np.where(std > 0, std, 1.0))
    for (x, _), index in zip((parts.train, parts.val, parts.test),
                             (parts.train_index, parts.val_index, parts.test_index)):
        np.testing.assert_allclose(x, (data.features[index] - parts.mean) / parts.scale, rtol=1e-6, atol=1e-6)
        assert np.isfinite(x).all()
    varying = std > 0
    np.testing.assert_allclose(parts.train[0].mean(axis=0), 0, atol=1e-5)
    np.testing.assert_allclose(parts.train[0][:, varying].std(axis=0), 1, rtol=1e-4)
    assert np.abs(parts.test[0].mean(axis=0)).max() > 1e-3             # the test part is not centred on itself


def test_no_leakage_changing_validation_and_test_rows_changes_nothing_in_training(loaded):
    data = loaded["wine"]
    parts = datasets.split(data, seed=1)
    features = data.features.copy()
    features[np.concatenate([parts.val_index, parts.test_index])] *= 1000
    poisoned = datasets.split(dataclasses.replace(data, features=features), seed=1)
    np.testing.assert_array_equal(poisoned.train_index, parts.train_index)
    np.testing.assert_array_equal(poisoned.mean, parts.mean)
    np.testing.assert_array_equal(poisoned.scale, parts.scale)
    np.testing.assert_array_equal(poisoned.train[0], parts.train[0])


def test_split_without_standardisation_and_with_standardised_targets(loaded):
    data = loaded["diabetes"]
    raw = datasets.split(data, seed=0, standardize=False)
    np.testing.assert_array_equal(raw.train[0], data.features[raw.train_index])
    assert (raw.mean == 0).all() and (raw.scale == 1).all()
    np.testing.assert_array_equal(raw.to_target_units(raw.train[1]), raw.train[1])
    scaled = datasets.split(data, seed=0, standardize_targets=True)
    y_train = data.targets[scaled.train_index].astype(np.float64)
    assert scaled.target_mean == pytest.approx(y_train.mean()) and scaled.target_scale == pytest.approx(y_train.std())
    assert scaled.train[1].dtype == np.float32
    assert abs(scaled.train[1].mean()) < 1e-5 and abs(scaled.train[1].std() - 1) < 1e-5
    np.testing.assert_allclose(scaled.to_target_units(scaled.test[1]), data.targets[scaled.test_index], rtol=1e-5)
    assert repr(scaled) == "Split(train 264, validation 89, test 89 examples)"


def test_split_errors(loaded):
    with pytest.raises(ValueError, match="val and test must be positive fractions"):
        datasets.split(loaded["iris"], val=0.5, test=0.5)
    with pytest.raises(ValueError, match="standardize_targets is for regression targets"):
        datasets.split(loaded["iris"], standardize_targets=True)


def test_imbalanced_keeps_every_negative_and_the_asked_share_of_positives(loaded):
    data = loaded["breast_cancer"]
    rare = datasets.imbalanced(data, 0.05, seed=0)
    assert rare.counts() == {"benign": 357, "malignant": 19}
    assert abs(rare.targets.mean() - 0.05) < 0.005
    assert rare.name == "breast_cancer (imbalanced)" and "19 of the 212 examples of class 'malignant'" in rare.notes
    benign = data.features[data.targets == 0]
    np.testing.assert_array_equal(rare.features[rare.targets == 0], benign)         # all kept, in order
    malignant = {row.tobytes() for row in data.features[data.targets == 1]}
    assert all(row.tobytes() in malignant for row in rare.features[rare.targets == 1])
    np.testing.assert_array_equal(rare.strata, rare.targets)
    again, other = datasets.imbalanced(data, 0.05, seed=0), datasets.imbalanced(data, 0.05, seed=1)
    np.testing.assert_array_equal(again.features, rare.features)
    assert not np.array_equal(other.features, rare.features)
    parts = datasets.split(rare, seed=0)                               # still stratified: positives in every part
    assert all(part[1].sum() >= 3 for part in (parts.train, parts.val, parts.test))
    assert datasets.imbalanced(loaded["iris"], 0.1, label=2).counts()["virginica"] == 11


def test_imbalanced_errors(loaded):
    with pytest.raises(ValueError, match=r"prevalence must be in \(0, 0.373\]"):
        datasets.imbalanced(loaded["breast_cancer"], 0.5)
    with pytest.raises(ValueError, match="needs class labels"):
        datasets.imbalanced(loaded["diabetes"], 0.1)


def test_importing_the_module_is_light():
    code = "import sys, lossbook.book.datasets; print(sorted(m for m in ('torch', 'sklearn', 'matplotlib') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"

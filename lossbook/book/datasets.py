"""Real data sets for the labs: the small sets bundled inside scikit-learn's wheel, so nothing downloads at run time.

scikit-learn is pinned in ``requirements.txt``; its ``load_*`` functions read files that ship with the package.
(Its ``fetch_*`` functions download from the internet, and this module never calls them.) Each loader returns a
:class:`LabeledData`: float32 features, targets (float32 for regression, int64 for labels), and a description that
says where the data come from, what the target means and in which units.

=========================  ==========  =========  ===========  =================================================
loader                     task        examples   features     target
=========================  ==========  =========  ===========  =================================================
:func:`diabetes`           regression  442        10           disease progression after one year (a score)
:func:`breast_cancer`      binary      569        30           1 = malignant, 0 = benign
:func:`digits`             multiclass  1797       64 (8 x 8)   the digit, 0 to 9
:func:`wine`               multiclass  178        13           the cultivar, 0 to 2
:func:`iris`               multiclass  150        4            the species, 0 to 2
:func:`digits_properties`  multilabel  1797       64 (8 x 8)   even, at least 5, prime, closed loop (multi-hot)
=========================  ==========  =========  ===========  =================================================

:func:`split` makes a seeded, stratified train/validation/test split and standardises the features with the mean
and standard deviation of the training split only; :func:`imbalanced` keeps a fraction of one class, for
experiments with rare positives.

>>> from lossbook.book import datasets
>>> data = datasets.diabetes()
>>> data
LabeledData('diabetes', regression: 442 examples, 10 features)
>>> parts = datasets.split(data, seed=0)
>>> x_train, y_train = parts.train
>>> x_train.shape, y_train.dtype
((264, 10), dtype('float32'))
"""

from __future__ import annotations

import dataclasses
import textwrap
from dataclasses import dataclass

import numpy as np

TASKS = ("regression", "binary", "multiclass", "multilabel")


@dataclass(frozen=True)
class LabeledData:
    """A data set: features, targets and what they mean.

    Attributes:
        name: a short name (the loader's name).
        task: ``"regression"``, ``"binary"``, ``"multiclass"`` or ``"multilabel"``.
        features: ``(N, D)`` float32.
        targets: ``(N,)`` float32 for regression; ``(N,)`` int64 class labels for binary (0 or 1) and multi-class
            tasks; ``(N, L)`` int64 multi-hot labels (0 or 1) for multi-label tasks.
        feature_names: one name per feature column.
        target_names: the class names (indexed by label), the label names (one per column of a multi-hot target),
            or the name of a regression target.
        target: what the target means, with its units.
        source: where the data come from, and how this module loads them.
        citation: the reference to cite.
        strata: the labels a stratified :func:`split` balances across the parts (the class labels; the digit for
            :func:`digits_properties`), or ``None`` for a plain random split.
        image_shape: the shape of one example as an image (``(8, 8)`` for the digits), else ``None``.
        notes: anything else a reader should know (choices made here, caveats).
    """

    name: str
    task: str
    features: np.ndarray
    targets: np.ndarray
    feature_names: tuple
    target_names: tuple
    target: str
    source: str
    citation: str
    strata: np.ndarray | None = None
    image_shape: tuple | None = None
    notes: str = ""

    def __post_init__(self):
        if self.task not in TASKS:
            raise ValueError(f"task must be one of {', '.join(TASKS)}, got {self.task!r}")
        if len(self.features) != len(self.targets):
            raise ValueError(f"features and targets must have the same number of examples, got "
                             f"{len(self.features)} and {len(self.targets)}")

    @property
    def size(self):
        """``(examples, features)``."""
        return self.features.shape

    def counts(self):
        """How many examples carry each class (or each label, for multi-label data), as ``{name: count}``.

        Returns:
            A dict in the order of ``target_names``; empty for regression.
        """
        if self.task == "regression":
            return {}
        if self.task == "multilabel":
            totals = self.targets.sum(axis=0)
        else:
            totals = np.bincount(self.targets, minlength=len(self.target_names))
        return {str(name): int(n) for name, n in zip(self.target_names, totals)}

    @property
    def description(self):
        """Where the data come from and what they contain, as a few lines of text (``print(data.description)``)."""
        n, d = self.size
        shape = f" ({self.image_shape[0]} x {self.image_shape[1]} images)" if self.image_shape else ""
        lines = [f"{self.name}: {n} examples, {d} features{shape}, {self.task}.",
                 f"Target: {self.target}"]
        if self.task == "regression":
            y = self.targets
            lines.append(f"Range {y.min():g} to {y.max():g}, mean {y.mean():.1f}, standard deviation "
                         f"{y.std():.1f}.")
        else:
            kind = "labels" if self.task == "multilabel" else "classes"
            lines.append(f"{kind.capitalize()}: " + ", ".join(f"{name} ({count})" for name, count in self.counts().items())
                         + ".")
        lines += [f"Source: {self.source}", f"Citation: {self.citation}"]
        if self.notes:
            lines.append(f"Notes: {self.notes}")
        # Lines that fit a notebook's output area and the book's text column.
        return "\n".join(textwrap.fill(line, width=75, subsequent_indent="  ") for line in lines)

    def __repr__(self):
        n, d = self.size
        return f"LabeledData({self.name!r}, {self.task}: {n} examples, {d} features)"


def _sklearn(loader, **options):
    """Call one of scikit-learn's bundled loaders; returns its Bunch and the source sentence."""
    import sklearn
    from sklearn import datasets as skd

    bunch = getattr(skd, loader)(**options)
    args = ", ".join(f"{k}={v!r}" for k, v in options.items())
    source = (f"scikit-learn {sklearn.__version__}, sklearn.datasets.{loader}({args}): a file bundled with the "
              f"package, nothing is downloaded.")
    return bunch, source


def diabetes():
    """The diabetes data of Efron et al. (2004): predict disease progression from ten baseline measurements.

    The features are in their original units (scikit-learn's default centres and scales them over the whole data
    set, which would leak the validation and test rows into the training features; :func:`split` standardises
    with the training split only).

    Returns:
        A regression :class:`LabeledData`: 442 patients, 10 features, a float32 target.
    """
    bunch, source = _sklearn("load_diabetes", scaled=False)
    return LabeledData(
        name="diabetes", task="regression",
        features=bunch.data.astype(np.float32), targets=bunch.target.astype(np.float32),
        feature_names=tuple(bunch.feature_names), target_names=("disease progression",),
        target=("a quantitative measure of disease progression one year after baseline, a score in its own units "
                "(the source gives no unit), whole numbers; a residual of 10 means 10 points on this scale, so a "
                "Huber delta or an error in these units reads directly."),
        source=source,
        citation=("B. Efron, T. Hastie, I. Johnstone and R. Tibshirani (2004). Least angle regression. The Annals "
                  "of Statistics 32(2), 407-499."),
        notes=("Features: age (years), sex (coded 1 or 2; the source does not say which is which), bmi (body mass "
               "index), bp (average blood pressure), and six blood serum measurements s1 to s6 (total "
               "cholesterol, LDL, HDL, total cholesterol / HDL, probably the log of the triglycerides, blood "
               "sugar)."),
    )


def breast_cancer():
    """The Wisconsin diagnostic breast cancer data: is a breast mass malignant, from 30 features of its cells?

    Label 1 is malignant, the class to detect, and 0 benign. This is the reverse of scikit-learn's own coding
    (``load_breast_cancer`` has 0 for malignant), chosen so that the positive class is the disease, as in the
    book's discussion of rare positives and ``pos_weight``.

    Returns:
        A binary :class:`LabeledData`: 569 examples (212 malignant), 30 features, int64 labels.
    """
    bunch, source = _sklearn("load_breast_cancer")
    return LabeledData(
        name="breast_cancer", task="binary",
        features=bunch.data.astype(np.float32), targets=(1 - bunch.target).astype(np.int64),
        feature_names=tuple(bunch.feature_names), target_names=("benign", "malignant"),
        target="the diagnosis of the breast mass: 1 = malignant, 0 = benign (scikit-learn codes them the other "
               "way round).",
        source=source,
        citation=("W. N. Street, W. H. Wolberg and O. L. Mangasarian (1993). Nuclear feature extraction for breast "
                  "tumor diagnosis. IS&T/SPIE International Symposium on Electronic Imaging: Science and "
                  "Technology, volume 1905, 861-870."),
        strata=(1 - bunch.target).astype(np.int64),
        notes=("Each feature describes the cell nuclei in a digitised image of a fine needle aspirate: the mean, "
               "the standard error and the worst (largest) value of ten measurements such as radius, texture and "
               "concavity. Features differ in scale by orders of magnitude (area in the hundreds, smoothness "
               "around 0.1): standardise them."),
    )


def digits():
    """Handwritten digits, 8 x 8 pixels: which digit is it?

    Returns:
        A multi-class :class:`LabeledData`: 1797 images, 64 pixel features (0 to 16, flattened row by row), int64
        labels 0 to 9.
    """
    bunch, source = _sklearn("load_digits")
    labels = bunch.target.astype(np.int64)
    return LabeledData(
        name="digits", task="multiclass",
        features=bunch.data.astype(np.float32), targets=labels,
        feature_names=tuple(bunch.feature_names), target_names=tuple(str(k) for k in range(10)),
        target="the digit drawn, 0 to 9.",
        source=source,
        citation=("E. Alpaydin and C. Kaynak (1998). Cascading classifiers. Kybernetika 34(4), 369-374 (the UCI "
                  "Optical Recognition of Handwritten Digits data)."),
        strata=labels, image_shape=(8, 8), notes=_DIGITS_NOTES,
    )


_DIGITS_NOTES = ("Each pixel counts the ink in a 4 x 4 block of a 32 x 32 bitmap, from 0 to 16. This is the test set "
                 "of the UCI data: 13 writers, so a random split puts the same writers' hands in every part, and "
                 "the test accuracy is for known writers.")

#: The digit properties of :func:`digits_properties`: label name -> the digits that have it.
DIGIT_PROPERTIES = {
    "even": (0, 2, 4, 6, 8),
    "at least 5": (5, 6, 7, 8, 9),
    "prime": (2, 3, 5, 7),
    "closed loop": (0, 4, 6, 8, 9),
}


def digits_properties():
    """Handwritten digits labelled with four properties of the digit: several labels per image.

    The labels, one column each (:data:`DIGIT_PROPERTIES`):

    - ``even``: 0, 2, 4, 6, 8;
    - ``at least 5``: 5, 6, 7, 8, 9;
    - ``prime``: 2, 3, 5, 7;
    - ``closed loop``: 0, 4, 6, 8, 9, the digits whose printed form encloses an area.

    Every label is a property of the digit, not of the particular drawing. That is a choice for ``closed loop``:
    handwriting varies, and in these 8 x 8 images about half of the 4s are drawn open at the top (and a few 2s
    with a loop). The network learns the property from the digit's identity, as it would from any label.

    Some digits share all four labels (0 and 4, 5 and 7, 6 and 8), so the labels are correlated and the task is
    not the ten-class task in disguise.

    Returns:
        A multi-label :class:`LabeledData`: 1797 images, 64 pixel features, int64 multi-hot labels ``(1797, 4)``;
        ``strata`` holds the digit, so :func:`split` keeps the mix of digits in every part.
    """
    base = digits()
    digit = base.targets
    labels = np.stack([np.isin(digit, members) for members in DIGIT_PROPERTIES.values()], axis=1)
    return dataclasses.replace(
        base, name="digits_properties", task="multilabel", targets=labels.astype(np.int64),
        target_names=tuple(DIGIT_PROPERTIES),
        target=("four 0/1 labels per image, properties of the digit drawn: "
                + "; ".join(f"{name}: {', '.join(map(str, members))}" for name, members in DIGIT_PROPERTIES.items())
                + "."),
        notes=("Closed loop follows the printed digits; in handwriting about half of the 4s are open at the top. "
               + _DIGITS_NOTES),
    )


def wine():
    """Wines from three cultivars of the same region in Italy, told apart by 13 chemical measurements.

    Returns:
        A multi-class :class:`LabeledData`: 178 wines, 13 features, int64 labels 0 to 2.
    """
    bunch, source = _sklearn("load_wine")
    labels = bunch.target.astype(np.int64)
    return LabeledData(
        name="wine", task="multiclass",
        features=bunch.data.astype(np.float32), targets=labels,
        feature_names=tuple(bunch.feature_names), target_names=tuple(str(c) for c in bunch.target_names),
        target="the cultivar (grape variety and grower) the wine comes from, 0 to 2.",
        source=source,
        citation=("M. Forina et al. (1988). PARVUS: an extendable package of programs for data exploration, "
                  "classification and correlation. Institute of Pharmaceutical and Food Analysis and "
                  "Technologies, Genoa (the UCI Wine data)."),
        strata=labels,
        notes="Features range from about 0.1 (hue) to over 1000 (proline): standardise them.",
    )


def iris():
    """Fisher's irises: three species told apart by four measurements of the flower, in centimetres.

    Returns:
        A multi-class :class:`LabeledData`: 150 flowers (50 per species), 4 features, int64 labels 0 to 2.
    """
    bunch, source = _sklearn("load_iris")
    labels = bunch.target.astype(np.int64)
    return LabeledData(
        name="iris", task="multiclass",
        features=bunch.data.astype(np.float32), targets=labels,
        feature_names=tuple(bunch.feature_names), target_names=tuple(str(c) for c in bunch.target_names),
        target="the species: 0 = setosa, 1 = versicolor, 2 = virginica.",
        source=source,
        citation=("R. A. Fisher (1936). The use of multiple measurements in taxonomic problems. Annals of Eugenics "
                  "7(2), 179-188."),
        strata=labels,
    )


def imbalanced(data, prevalence, *, label=1, seed=0):
    """Keep only some examples of one class, chosen at random, so that it makes up ``prevalence`` of the data.

    Every example of the other classes is kept, in the original order. For the binary lab:
    ``imbalanced(breast_cancer(), 0.05)`` keeps all 357 benign masses and 19 of the 212 malignant ones.

    Args:
        data: a binary or multi-class :class:`LabeledData`.
        prevalence: the fraction of the result that belongs to class ``label``, in (0, 1); at most its current
            fraction (examples are only removed).
        label: the class to thin out.
        seed: the seed of the random choice of the examples kept.

    Returns:
        A :class:`LabeledData` with fewer examples; its ``notes`` say how many were kept.
    """
    if data.task not in ("binary", "multiclass"):
        raise ValueError(f"imbalanced needs class labels (a binary or multiclass task), got a {data.task} task")
    members = np.flatnonzero(data.targets == label)
    others = len(data.targets) - len(members)
    current = len(members) / len(data.targets)
    if not 0 < prevalence <= current:
        raise ValueError(f"prevalence must be in (0, {current:.3f}], the current fraction of class {label}; got "
                         f"{prevalence}")
    keep_count = max(1, round(prevalence / (1 - prevalence) * others))
    kept = np.random.default_rng(seed).choice(members, size=keep_count, replace=False)
    rows = np.sort(np.concatenate([np.flatnonzero(data.targets != label), kept]))
    name = data.target_names[label]
    note = (f"Subsampled (imbalanced, seed {seed}): {keep_count} of the {len(members)} examples of class "
            f"{name!r} kept, {keep_count / len(rows):.1%} of the {len(rows)} examples.")
    return dataclasses.replace(
        data, name=f"{data.name} (imbalanced)", features=data.features[rows], targets=data.targets[rows],
        strata=None if data.strata is None else data.strata[rows],
        notes=f"{data.notes} {note}".strip(),
    )


@dataclass(frozen=True)
class Split:
    """The parts made by :func:`split`: ``train``, ``val`` and ``test``, each a pair ``(x, y)`` of NumPy arrays,
    ready for :func:`lossbook.book.training.train`.

    Attributes:
        train: the training part ``(x, y)``.
        val: the validation part ``(x, y)``.
        test: the test part ``(x, y)``.
        train_index: the rows of the data set in the training part (likewise ``val_index``, ``test_index``).
        val_index: the rows of the data set in the validation part.
        test_index: the rows of the data set in the test part.
        mean: the mean of each feature over the training part (zeros without standardisation).
        scale: the standard deviation of each feature over the training part, 1 where it is 0 (ones without
            standardisation). Every part's features are ``(x - mean) / scale``.
        target_mean: the mean of the training targets if they were standardised, else 0.
        target_scale: the standard deviation of the training targets if they were standardised, else 1.
    """

    train: tuple
    val: tuple
    test: tuple
    train_index: np.ndarray
    val_index: np.ndarray
    test_index: np.ndarray
    mean: np.ndarray
    scale: np.ndarray
    target_mean: float = 0.0
    target_scale: float = 1.0

    def to_target_units(self, y):
        """Undo the standardisation of the targets: ``y * target_scale + target_mean``.

        Args:
            y: predictions or targets on the standardised scale (an array).

        Returns:
            The values in the target's own units (unchanged if the targets were not standardised).
        """
        return np.asarray(y) * self.target_scale + self.target_mean

    def __repr__(self):
        sizes = (len(self.train_index), len(self.val_index), len(self.test_index))
        return "Split(train {}, validation {}, test {} examples)".format(*sizes)


def split(data, *, val=0.2, test=0.2, seed=0, standardize=True, standardize_targets=False):
    """Split a data set into training, validation and test parts, and standardise the features.

    The split is stratified when ``data.strata`` is set: each part holds the classes (the digits, for
    :func:`digits_properties`) in the same proportions, up to rounding. The standardisation uses the mean and
    standard deviation of the training part only, and applies them to all three parts, so nothing about the
    validation or test examples leaks into training.

    Args:
        data: a :class:`LabeledData`.
        val: the fraction of the examples in the validation part.
        test: the fraction of the examples in the test part.
        seed: the seed of the random split.
        standardize: scale each feature to mean 0 and standard deviation 1 on the training part.
        standardize_targets: also standardise a regression target, with the training part's mean and standard
            deviation. A Huber ``delta`` chosen in target units is then ``delta / target_scale`` on the new scale;
            :meth:`Split.to_target_units` takes predictions back to the target's units.

    Returns:
        A :class:`Split`: features float32, targets as in ``data``.
    """
    from sklearn.model_selection import train_test_split

    if not (0 < val and 0 < test and val + test < 1):
        raise ValueError(f"val and test must be positive fractions with val + test < 1, got {val} and {test}")
    if standardize_targets and data.task != "regression":
        raise ValueError(f"standardize_targets is for regression targets, got a {data.task} task")
    rows = np.arange(len(data.targets))
    strata = data.strata
    rest, test_index = train_test_split(rows, test_size=test, random_state=seed, stratify=strata)
    train_index, val_index = train_test_split(rest, test_size=val / (1 - test), random_state=seed,
                                              stratify=None if strata is None else strata[rest])
    train_index, val_index, test_index = (np.sort(i) for i in (train_index, val_index, test_index))

    x_train = data.features[train_index].astype(np.float64)
    mean, scale = np.zeros(x_train.shape[1]), np.ones(x_train.shape[1])
    if standardize:
        mean, std = x_train.mean(axis=0), x_train.std(axis=0)
        scale = np.where(std > 0, std, 1.0)  # a constant feature (a blank pixel) stays 0 rather than 0/0
    y_mean, y_scale = 0.0, 1.0
    if standardize_targets:
        y_train = data.targets[train_index].astype(np.float64)
        y_mean, y_scale = float(y_train.mean()), float(y_train.std())

    def part(index):
        x = ((data.features[index] - mean) / scale).astype(np.float32)
        y = data.targets[index]
        if standardize_targets:
            y = ((y - y_mean) / y_scale).astype(np.float32)
        return x, y

    return Split(part(train_index), part(val_index), part(test_index), train_index, val_index, test_index,
                 mean, scale, y_mean, y_scale)

"""Self-checks for the chapter on choosing a loss: which loss for a task (checked against :func:`lossbook.choose`),
the Huber ``delta`` from residuals, and the catalog's properties.

>>> from lossbook.book.exercises import choosing_a_loss as ex
>>> ex.ids()[:2]
['loss-for-cyclists', 'loss-for-findings']
>>> ex.check("loss-for-cyclists", "mse")
Not yet: the MSE treats every target as a measurement with the same spread;
  a count's variance grows with its mean.
Verdict(False)
"""

from __future__ import annotations

import numpy as np

from lossbook import catalog
from lossbook import choose as _choose
from lossbook.book.exercises import Chapter
from lossbook.book.exercises.answers import Choice, Number
from lossbook.choose import HUBER_K, MAD_TO_SIGMA, huber_delta

chapter = Chapter("choosing_a_loss")
check, describe, given, ids = chapter.check, chapter.describe, chapter.given, chapter.ids


def _loss_for(id, *, task, options, choose, hint, mistakes, remark=""):
    """A "which loss for this task?" exercise whose answer is the loss ``lossbook.choose(**choose)`` names."""
    chapter.add(
        id,
        title="which loss for this task?",
        given={"task": task, "options": list(options)},
        kind=Choice(tuple(options)),
        solution=lambda g: _choose(**choose).loss,
        hint=hint,
        mistakes={message: (lambda g, wrong=wrong: wrong) for wrong, message in mistakes.items()},
        remark=remark,
    )


_loss_for(
    "loss-for-cyclists",
    task="predict how many cyclists cross a bridge in each hour, from the weather and the time of day.",
    options=("mse", "mae", "poisson_nll", "gaussian_nll"),
    choose={"task": "regression", "counts": True},
    hint="what kind of number is the target, and how does its spread change with its size?",
    mistakes={
        "mse": "the MSE treats every target as a measurement with the same spread; a count's variance grows with "
               "its mean.",
        "gaussian_nll": "the Gaussian likelihood is for real-valued targets; counts are whole numbers with a "
                        "distribution of their own, whose variance equals its mean.",
    },
    remark="The model's output is the log of the expected count, so the count it predicts is always positive.",
)

_loss_for(
    "loss-for-findings",
    task="say which of 14 findings (a fracture, fluid, an enlarged heart, ...) a chest X-ray shows.",
    options=("categorical_cross_entropy", "sparse_categorical_cross_entropy", "binary_cross_entropy",
             "kl_divergence"),
    choose={"task": "multi-label"},
    hint="can an X-ray show two findings at once, or none?",
    mistakes={
        "categorical_cross_entropy": "a softmax makes the findings compete for one unit of probability; an X-ray "
                                     "can show several findings, or none.",
        "sparse_categorical_cross_entropy": "integer labels name exactly one class per example; an X-ray can show "
                                            "several findings, or none.",
    },
    remark="One logit and one sigmoid per finding; rare findings may need pos_weight.",
)

_loss_for(
    "loss-for-bakery",
    task="predict how many loaves a bakery should bake so that it runs out on only 5 % of days.",
    options=("mse", "mae", "huber", "quantile"),
    choose={"task": "regression", "quantile": 0.95},
    hint="which value of tomorrow's demand is exceeded on only 5 % of days?",
    mistakes={
        "mse": "the MSE is minimised by the mean demand, which is exceeded on many days, about half of them for a "
               "symmetric distribution.",
        "mae": "the MAE is minimised by the median demand, which is exceeded on half of the days.",
        "huber": "the Huber loss aims between the mean and the median, not at a high quantile.",
    },
    remark="The pinball loss at q = 0.95: under-predictions cost 0.95 per loaf, over-predictions 0.05.",
)

_loss_for(
    "loss-for-glitches",
    task="predict a room's temperature from a sensor that now and then reports 0 or 85 degrees by mistake.",
    options=("mse", "huber", "poisson_nll", "binary_cross_entropy"),
    choose={"task": "regression", "outliers": True},
    hint="a few targets are wildly wrong: which loss keeps their pull on the model bounded, and still has a "
         "smooth minimum?",
    mistakes={
        "mse": "the MSE's gradient grows with the residual, so the few wrong readings pull hardest of all.",
        "poisson_nll": "the Poisson likelihood is for counts; a temperature is a real number.",
    },
    remark="Set delta in degrees, from the residuals of a first fit: lossbook.choose(..., residuals=r).",
)

_loss_for(
    "loss-for-a-margin",
    task="train a linear classifier that separates two classes with the widest margin; no probabilities needed.",
    options=("binary_cross_entropy", "hinge", "zero_one", "mse"),
    choose={"task": "binary", "margin": True},
    hint="which loss is zero once a point is on the right side with margin y s >= 1, so that only the points near "
         "the boundary matter?",
    mistakes={
        "zero_one": "the zero-one loss counts mistakes, but its gradient is zero wherever it exists: gradient "
                    "descent has nothing to follow.",
        "binary_cross_entropy": "cross-entropy keeps pulling every point a little, however far it is on the right "
                                "side; it aims at calibrated probabilities, not at a margin.",
    },
    remark="Labels in {-1, +1}: hinge(scores, 2 * y - 1) for 0/1 labels.",
)


def _mad(r):
    return float(np.median(np.abs(r - np.median(r))))


chapter.add(
    "huber-delta",
    title="the Huber delta that lossbook.choose derives from these residuals (in kWh)",
    given={"residuals": np.array([-3.1, 0.4, 1.8, -0.6, 2.5, 41.0, -1.2, 0.9, 3.3, -38.5, 1.4])},
    kind=Number(rtol=1e-3),
    solution=lambda g: huber_delta(g["residuals"]),
    hint="compute the median of the residuals, then the median of their distances to it (the MAD); multiply by "
         "1.4826 to estimate the noise's standard deviation, and that by 1.345.",
    mistakes={
        "the MAD estimates the noise's standard deviation only after the factor 1.4826.":
            lambda g: HUBER_K * _mad(g["residuals"]),
        "that estimates the noise's standard deviation; Huber's delta is 1.345 times it.":
            lambda g: MAD_TO_SIGMA * _mad(g["residuals"]),
        "the standard deviation is inflated by the two outliers; use the median absolute deviation.":
            lambda g: HUBER_K * float(np.std(g["residuals"])),
        "the MAD measures distances to the median of the residuals, not to 0.":
            lambda g: HUBER_K * MAD_TO_SIGMA * float(np.median(np.abs(g["residuals"]))),
    },
    remark="The two outliers (41 and -38.5) barely move it: that is why the MAD, not the standard deviation.",
)

_PROPERTY_NAMES = tuple(p.replace("_", " ") for p in catalog.PROPERTIES)


def _properties(name, value):
    """The catalog's properties (as words) that the loss ``name`` has (``value=True``) or lacks."""
    record = catalog.get(name)
    return {p.replace("_", " ") for p in catalog.PROPERTIES if getattr(record, p) == value}


def _the_only(found):
    (one,) = found
    return one


chapter.add(
    "squared-hinge-gains",
    title="which property of the catalog does the squared hinge loss have and the hinge loss lack?",
    given={"options": list(_PROPERTY_NAMES)},
    kind=Choice(_PROPERTY_NAMES),
    solution=lambda g: _the_only(_properties("squared_hinge", True) & _properties("hinge", False)),
    hint="draw both against the margin y s near y s = 1, where the hinge loss turns.",
    mistakes={"both are convex in the score.": lambda g: "convex"},
)

chapter.add(
    "squared-hinge-loses",
    title="which property of the catalog does the squared hinge loss lack and the hinge loss have?",
    given={"options": list(_PROPERTY_NAMES)},
    kind=Choice(_PROPERTY_NAMES),
    solution=lambda g: _the_only(_properties("squared_hinge", False) & _properties("hinge", True)),
    hint="differentiate both with respect to the score s for a badly wrong point, y s = -100.",
    mistakes={"the squared hinge loss is smooth: at y s = 1 its derivative is 0 from both sides.":
              lambda g: "smooth"},
)

_SEPARATING = ("smooth", "trainable", "bounded gradient")

chapter.add(
    "zero-one-lacks",
    title="MAE, the hinge loss and the zero-one loss are all not smooth. Which of these properties do MAE and the "
          "hinge loss have and the zero-one loss lack?",
    given={"options": list(_SEPARATING)},
    kind=Choice(_SEPARATING),
    solution=lambda g: _the_only((_properties("mae", True) & _properties("hinge", True)
                                  & _properties("zero_one", False)) & set(_SEPARATING)),
    hint="what is the zero-one loss's gradient wherever it exists?",
    mistakes={"none of the three is smooth: MAE and the hinge have a kink, the zero-one loss a jump.":
              lambda g: "smooth"},
    remark="Its gradient is zero wherever it exists, so gradient descent has nothing to follow.",
)

"""choose(): a requested quantile is checked when the recommendation is made, not later when its call fails."""

import pytest

import lossbook


@pytest.mark.parametrize("q", [0.0, 1.0, 1.5, -0.1])
def test_choose_rejects_a_quantile_outside_the_open_unit_interval(q):
    with pytest.raises(ValueError, match=r"quantile must be in the open interval \(0, 1\)"):
        lossbook.choose("regression", quantile=q)


def test_choose_quantile_call_keeps_the_requested_value():
    choice = lossbook.choose("regression", quantile=0.9)
    assert (choice.loss, choice.call) == ("quantile", "quantile(y_pred, y_true, q=0.9)")

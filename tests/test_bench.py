"""lossbook.book.bench: the timing helpers the chapters use (the benchmark's tables are checked by the speed
appendix and tests/test_completeness.py)."""

import pytest

from lossbook.book import bench


@pytest.mark.parametrize("seconds, baseline, factor, words", [
    (1.0, 1.0, 3.0, "within 3x of each other"),
    (2.9, 1.0, 3.0, "within 3x of each other"),
    (1.0, 2.9, 3.0, "within 3x of each other"),
    (3.1, 1.0, 3.0, "more than 3x slower"),
    (1.0, 3.1, 3.0, "more than 3x faster"),
    (2.6, 1.0, 2.5, "more than 2.5x slower"),
    (3.0, 1.0, 3.0, "within 3x of each other"),  # the boundary itself is "within"
])
def test_relative_cost_words(seconds, baseline, factor, words):
    assert bench.relative_cost(seconds, baseline, factor=factor) == words


@pytest.mark.parametrize("seconds, baseline, factor", [(1.0, 1.0, 1.0), (1.0, 1.0, 0.5), (0.0, 1.0, 3.0),
                                                       (1.0, -1.0, 3.0)])
def test_relative_cost_refuses_nonsense(seconds, baseline, factor):
    with pytest.raises(ValueError):
        bench.relative_cost(seconds, baseline, factor=factor)


def test_compare_times_every_function():
    calls = []
    times = bench.compare([lambda: calls.append("a"), lambda: calls.append("b")], budget=0.0, min_reps=3)
    assert len(times) == 2 and all(t >= 0 for t in times)
    assert calls == ["a", "b"] * 4  # one warm-up each, then in turns

"""lossbook.book.properties: the measurements the choosing chapter makes of the catalog's four properties agree
with the catalog for every loss and every seed tried, and the gradients they rest on are right."""

import numpy as np
import pytest

from lossbook import catalog
from lossbook.book import properties


def test_every_catalog_loss_has_a_raw_output():
    assert set(properties.RAW_OUTPUTS) == set(catalog.names())


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("name", catalog.names())
def test_the_measurement_agrees_with_the_catalog(name, seed):
    measured = properties.measure(name, seed=seed)
    assert measured.disagreements() == [], measured


def test_the_measurements_tell_the_properties_apart():
    mae, mse, zero_one = (properties.measure(n) for n in ("mae", "mse", "zero_one"))
    assert mae.shrink == pytest.approx(1, abs=0.05) and mse.shrink == pytest.approx(10, rel=0.05)
    assert zero_one.lines_not_convex > 0 and zero_one.moving == 0.0
    assert mse.far_gradient == (20.0, 200.0) and mae.far_gradient == (1.0, 1.0)
    assert [m.loss for m in properties.measure_all(lines=4, steps=100)] == catalog.names()


@pytest.mark.parametrize("name", [n for n in catalog.names() if catalog.get(n).trainable])
def test_gradient_with_respect_to_the_raw_output_matches_finite_differences(name):
    rng = np.random.default_rng(7)
    raw, y_true, arrays = properties.RAW_OUTPUTS[name].sample(rng, 5)
    _, gradient = properties.loss_and_gradient(name, raw, y_true, arrays)
    h = 1e-6
    numeric = np.zeros_like(raw)
    for index in np.ndindex(raw.shape):
        step = np.zeros_like(raw)
        step[index] = h
        up = properties.loss_and_gradient(name, raw + step, y_true, arrays)[0].sum()
        down = properties.loss_and_gradient(name, raw - step, y_true, arrays)[0].sum()
        numeric[index] = (up - down) / (2 * h)
    np.testing.assert_allclose(gradient, numeric, rtol=1e-5, atol=1e-6)


def test_log_softmax_is_stable_and_normalised():
    z = np.array([[1000.0, 0.0, -1000.0], [0.0, 0.0, 0.0]])
    out = properties.log_softmax(z)
    assert np.all(np.isfinite(out))
    np.testing.assert_allclose(np.exp(out).sum(axis=1), 1.0)
    np.testing.assert_allclose(out[1], np.log(1 / 3))


def test_along_lines_gives_the_loss_and_its_slope():
    a, b, y = np.array([-1.0, 2.0]), np.array([3.0, 2.5]), np.array([0.0, 1.0])
    t = np.linspace(0, 1, 5)
    path = properties.along_lines("mse", a, b, y, {}, t)
    points = a + t[:, None] * (b - a)
    np.testing.assert_allclose(path.f, (points - y) ** 2)
    np.testing.assert_allclose(path.slope, 2 * (points - y) * (b - a))
    np.testing.assert_allclose(path.gradient_size, np.abs(2 * (points - y)))

"""The shared training helpers: fit_linear recovers known solutions, with and without an L2 penalty; the labs'
minibatch loop (mlp, data_loader, train, predict, evaluate) is seeded, bit-for-bit repeatable, learns, and stops
early with the best weights restored."""

import functools

import numpy as np
import pytest
import torch

from lossbook import numpy as lbn
from lossbook import torch as lbt
from lossbook.book import data, training


def test_fit_linear_recovers_least_squares():
    x, y = data.line(200, slope=-1.5, intercept=2.0, noise=0.3, seed=3)
    fit = training.fit_linear(x[:, None], y, lbn.mse, lr=0.05, epochs=3000)
    np.testing.assert_allclose([fit.weights[0], fit.bias], np.polyfit(x, y, 1), rtol=1e-6)
    assert fit.history[-1] < fit.history[0]


def test_fit_linear_l2_is_ridge_regression():
    """With the MSE (mean of squared residuals) the penalised minimum solves (X'X/N*2 + l2 I) w = X'(y - b)/N*2."""
    rng = np.random.default_rng(0)
    x = rng.normal(size=(100, 3))
    y = x @ np.array([1.0, -2.0, 0.5]) + 0.3 + 0.1 * rng.normal(size=100)
    fit = training.fit_linear(x, y, lbn.mse, lr=0.1, epochs=5000, l2=0.5)
    xc, yc = x - x.mean(0), y - y.mean()          # the unpenalised bias absorbs the means
    ridge = np.linalg.solve(2 * xc.T @ xc / 100 + 0.5 * np.eye(3), 2 * xc.T @ yc / 100)
    np.testing.assert_allclose(fit.weights, ridge, rtol=1e-6)
    assert np.linalg.norm(fit.weights) < np.linalg.norm(training.fit_linear(x, y, lbn.mse, lr=0.1, epochs=5000).weights)


# ----------------------------------------------------------------------------------------- the labs' minibatch loop

def _regression_data(n=240, seed=0):
    """Inputs (n, 3) and targets (n,) of a smooth function plus noise, split 180/60."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 3)).astype(np.float32)
    y = (np.sin(x[:, 0]) + 0.5 * x[:, 1] ** 2 - x[:, 2] + 0.1 * rng.normal(size=n)).astype(np.float32)
    return (x[:180], y[:180]), (x[180:], y[180:])


def _state(model):
    return {k: v.clone() for k, v in model.state_dict().items()}


def _same_state(a, b):
    return a.keys() == b.keys() and all(torch.equal(a[k], b[k]) for k in a)


def test_mlp_shapes_and_layers():
    x = torch.zeros(5, 4)
    assert training.mlp(4, 8)(x).shape == (5,)                       # one output per example, as targets (N,)
    assert training.mlp(4, [8, 6], 3)(x).shape == (5, 3)
    linear = training.mlp(4, [], 2)
    assert [type(m).__name__ for m in linear] == ["Linear"]           # no hidden layer: a linear model
    with_dropout = training.mlp(4, [8, 8], 2, activation="tanh", dropout=0.5)
    assert [type(m).__name__ for m in with_dropout] == ["Linear", "Tanh", "Dropout", "Linear", "Tanh", "Dropout",
                                                        "Linear"]
    assert all(p.dtype == torch.float32 for p in with_dropout.parameters())
    with pytest.raises(ValueError, match="activation must be one of"):
        training.mlp(4, 8, activation="sigmoid")


def test_mlp_is_seeded_and_leaves_the_global_random_state_alone():
    torch.manual_seed(123)
    expected = torch.rand(3)
    torch.manual_seed(123)
    a, b, c = training.mlp(4, [8], 2, seed=1), training.mlp(4, [8], 2, seed=1), training.mlp(4, [8], 2, seed=2)
    assert torch.equal(torch.rand(3), expected)
    assert _same_state(a.state_dict(), b.state_dict())
    assert not _same_state(a.state_dict(), c.state_dict())


def test_data_loader_covers_every_example_once_per_epoch_in_a_seeded_order():
    x, y = np.arange(10, dtype=np.float32)[:, None], np.arange(10)
    loader = training.data_loader(x, y, batch_size=4, seed=0)
    assert isinstance(loader, torch.utils.data.DataLoader)
    epochs = [[(xb.clone(), yb.clone()) for xb, yb in loader] for _ in range(2)]
    for batches in epochs:
        assert [len(yb) for _, yb in batches] == [4, 4, 2]
        seen = torch.cat([yb for _, yb in batches])
        assert sorted(seen.tolist()) == list(range(10))
        assert all(torch.equal(xb[:, 0].long(), yb) for xb, yb in batches)   # rows stay paired
    first, second = (torch.cat([yb for _, yb in b]).tolist() for b in epochs)
    assert first != second                                                   # reshuffled every epoch
    again = [torch.cat([yb for _, yb in training.data_loader(x, y, batch_size=4, seed=0)]).tolist()]
    assert again[0] == first
    in_order = torch.cat([yb for _, yb in training.data_loader(x, y, batch_size=3, shuffle=False)])
    assert in_order.tolist() == list(range(10))
    with pytest.raises(ValueError, match="same number of examples"):
        training.data_loader(x, y[:9], batch_size=4)


def test_train_is_bit_identical_across_calls_and_leaves_the_global_random_state_alone():
    train_data, val_data = _regression_data()
    runs = []
    for _ in range(2):
        torch.manual_seed(7)
        model = training.mlp(3, [16, 16], dropout=0.2, seed=0)   # dropout draws random numbers during training
        history = training.train(model, lbt.mse, train_data, val_data, epochs=5, batch_size=32, lr=1e-2, seed=3)
        runs.append((history, _state(model), torch.rand(2)))
    (h1, s1, r1), (h2, s2, r2) = runs
    assert h1.train_loss == h2.train_loss and h1.val_loss == h2.val_loss
    assert _same_state(s1, s2)
    torch.manual_seed(7)
    assert torch.equal(r1, torch.rand(2))                          # as if train had not run
    model = training.mlp(3, [16, 16], dropout=0.2, seed=0)
    other = training.train(model, lbt.mse, train_data, val_data, epochs=5, batch_size=32, lr=1e-2, seed=4)
    assert other.train_loss != h1.train_loss                       # the seed decides the run


def test_train_learns_and_records_one_value_per_epoch():
    train_data, val_data = _regression_data()
    model = training.mlp(3, [32], seed=0)
    before = training.evaluate(model, lbt.mse, val_data)
    history = training.train(model, lbt.mse, train_data, val_data, epochs=40, batch_size=32, lr=1e-2,
                             metric=lbt.mae)
    assert len(history.train_loss) == len(history.val_loss) == len(history.val_metric) == 40
    assert history.epochs == list(range(1, 41))
    assert history.val_loss[-1] < 0.3 * before
    assert history.train_loss[-1] < history.train_loss[0]
    assert history.best_epoch == 1 + int(np.argmin(history.val_loss))
    assert history.best_val_loss == min(history.val_loss)
    assert not history.stopped_early and not history.restored_best
    # The recorded values are the losses of the final model on the whole splits, in evaluation mode.
    assert history.val_loss[-1] == training.evaluate(model, lbt.mse, val_data)
    assert history.train_loss[-1] == training.evaluate(model, lbt.mse, train_data)
    assert history.val_metric[-1] == training.evaluate(model, lbt.mae, val_data)
    assert not model.training
    assert repr(history) == f"History(40 epochs, best epoch {history.best_epoch}: validation loss " \
                            f"{history.best_val_loss:.4g})"
    assert repr(training.History()) == "History(0 epochs)"


def test_early_stopping_stops_and_restores_the_best_weights():
    """Validation targets opposite to the training targets: the validation loss is lowest after epoch 1."""
    (x, y), _ = _regression_data()
    opposite = (x, -y)
    model = training.mlp(3, [16], seed=0)
    history = training.train(model, lbt.mse, (x, y), opposite, epochs=50, batch_size=32, lr=1e-2, patience=3)
    assert history.best_epoch == 1
    assert len(history.val_loss) == 4 and history.stopped_early and history.restored_best
    assert all(v > history.val_loss[0] for v in history.val_loss[1:])
    one_epoch = training.mlp(3, [16], seed=0)
    training.train(one_epoch, lbt.mse, (x, y), opposite, epochs=1, batch_size=32, lr=1e-2)
    assert _same_state(model.state_dict(), one_epoch.state_dict())   # the weights after epoch 1, exactly
    assert training.evaluate(model, lbt.mse, opposite) == history.best_val_loss


def test_min_delta_and_patience_without_stopping():
    train_data, val_data = _regression_data()
    model = training.mlp(3, [16], seed=0)
    # Every epoch improves by less than a huge min_delta: the best epoch stays the first, training stops.
    history = training.train(model, lbt.mse, train_data, val_data, epochs=20, lr=1e-2, patience=2, min_delta=1e9)
    assert history.best_epoch == 1 and len(history.val_loss) == 3 and history.restored_best
    # A patience longer than the run: all epochs, and the best weights restored if the last epoch is not the best.
    model = training.mlp(3, [16], seed=0)
    history = training.train(model, lbt.mse, train_data, val_data, epochs=5, lr=1e-2, patience=10)
    assert len(history.val_loss) == 5 and not history.stopped_early
    assert history.restored_best == (history.best_epoch != 5)


def test_train_accepts_modules_partials_integer_labels_and_optimizers():
    x, labels = data.blobs(120, centers=((-2.0, 0.0), (2.0, 0.0), (0.0, 2.5)), spread=0.7, seed=1)
    x, labels = x.astype(np.float32), labels.astype(np.int32)          # int32 labels 0, 1, 2
    splits = (x[:90], labels[:90]), (x[90:], labels[90:])
    cce = functools.partial(lbt.sparse_categorical_cross_entropy, from_logits=True)
    for loss_fn, optimizer in [(cce, "adam"), (torch.nn.CrossEntropyLoss(), "sgd"),
                               (lbt.SparseCategoricalCrossEntropyLoss(from_logits=True), "adamw"),
                               (cce, functools.partial(torch.optim.SGD, momentum=0.9))]:
        model = training.mlp(2, [16], 3, seed=0)
        history = training.train(model, loss_fn, *splits, epochs=30, batch_size=16, lr=0.05, optimizer=optimizer,
                                 weight_decay=1e-4, metric=lambda out, t: (out.argmax(1) == t).float().mean())
        assert history.val_loss[-1] < history.val_loss[0]
        assert history.val_metric[-1] > 0.9
    binary = (x[:90], (labels[:90] > 0)), (x[90:], (labels[90:] > 0))   # bool labels stay bool: BCE accepts them
    history = training.train(training.mlp(2, [8]), functools.partial(lbt.binary_cross_entropy, from_logits=True),
                             *binary, epochs=5)
    assert len(history.val_loss) == 5


def test_train_errors_say_what_is_wrong():
    train_data, val_data = _regression_data()
    model = training.mlp(3, [4])
    with pytest.raises(ValueError, match="must return one number"):
        training.train(model, functools.partial(lbt.mse, reduction="none"), train_data, val_data, epochs=1)
    with pytest.raises(ValueError, match="optimizer must be one of 'adam', 'adamw', 'sgd'"):
        training.train(model, lbt.mse, train_data, val_data, epochs=1, optimizer="lbfgs")
    with pytest.raises(ValueError, match="patience must be a positive number"):
        training.train(model, lbt.mse, train_data, val_data, epochs=1, patience=0)
    with pytest.raises(TypeError, match=r"train_data must be a pair \(x, y\)"):
        training.train(model, lbt.mse, train_data[0], val_data, epochs=1)
    with pytest.raises(ValueError, match=r"\(64, 1\).*\(64,\)"):        # lossbook names both shapes
        training.train(training.mlp(3, [4], 1), lbt.mse, train_data, val_data, epochs=1)


def test_predict_and_evaluate():
    train_data, val_data = _regression_data()
    model = training.mlp(3, [8], seed=0)
    model.train()
    out = training.predict(model, val_data[0])
    assert isinstance(out, np.ndarray) and out.shape == (60,) and out.dtype == np.float32
    assert not model.training
    with torch.no_grad():
        expected = model(torch.as_tensor(val_data[0]))
    np.testing.assert_array_equal(out, expected.numpy())
    value = training.evaluate(model, lbt.mse, (val_data[0].astype(np.float64), val_data[1]))
    assert isinstance(value, float)
    assert value == pytest.approx(float(np.mean((out - val_data[1]) ** 2)), rel=1e-6)


def test_train_runs_on_the_threads_asked_for_and_restores_the_setting():
    train_data, val_data = _regression_data()
    before = torch.get_num_threads()
    seen = []

    def threads_in_use(output, target):
        seen.append(torch.get_num_threads())
        return 0.0

    for threads, expected in [(1, 1), (None, before)]:
        seen.clear()
        training.train(training.mlp(3, [8]), lbt.mse, train_data, val_data, epochs=2, metric=threads_in_use,
                       threads=threads)
        assert seen == [expected, expected] and torch.get_num_threads() == before
    one = training.train(training.mlp(3, [8]), lbt.mse, train_data, val_data, epochs=3, threads=1)
    default = training.train(training.mlp(3, [8]), lbt.mse, train_data, val_data, epochs=3, threads=None)
    np.testing.assert_allclose(one.val_loss, default.val_loss, rtol=1e-5)


# ------------------------------------------------------------------------------- the loss between two solutions

def test_loss_along_segment_of_a_linear_model_is_the_exact_parabola():
    """With the MSE, a linear model's loss along any line in weight space is a parabola in t: never above a chord."""
    x, y = _regression_data()[0]
    a, b = training.mlp(3, [], seed=0), training.mlp(3, [], seed=1)
    t = np.linspace(-0.5, 1.5, 9)
    line = training.loss_along_segment(a, b, lbt.mse, (x, y), t=t)

    def weights(m):
        return np.concatenate([m[0].weight.detach().numpy().ravel(), m[0].bias.detach().numpy()]).astype(float)

    xb = np.c_[x.astype(float), np.ones(len(x))]
    expected = [np.mean((xb @ ((1 - s) * weights(a) + s * weights(b)) - y) ** 2) for s in t]
    np.testing.assert_allclose(line.loss, expected, rtol=1e-5)
    assert np.array_equal(line.t, t)
    assert line.ends == (pytest.approx(expected[2], rel=1e-5), pytest.approx(expected[6], rel=1e-5))
    assert line.above_chord <= 1e-6 * max(line.ends) and not line.rises_above_chord()
    assert line.peak == pytest.approx(1.0)                  # on [0, 1] a convex loss peaks at an end


def test_loss_along_segment_between_a_network_and_its_permuted_copy_rises():
    """Swapping two hidden units gives other weights with the same loss; halfway, both units are their average."""
    net = training.mlp(1, 2, seed=0)
    with torch.no_grad():                                   # two units: relu(x) and relu(-x), so f(x) = |x|
        net[0].weight.copy_(torch.tensor([[1.0], [-1.0]]))
        net[0].bias.zero_()
        net[2].weight.copy_(torch.tensor([[1.0, 1.0]]))
        net[2].bias.zero_()
    swapped = training.mlp(1, 2, seed=1)
    with torch.no_grad():
        swapped[0].weight.copy_(net[0].weight[[1, 0]])
        swapped[0].bias.copy_(net[0].bias[[1, 0]])
        swapped[2].weight.copy_(net[2].weight[:, [1, 0]])
        swapped[2].bias.copy_(net[2].bias)
    before = [p.clone() for p in net.parameters()]
    x = torch.linspace(-1, 1, 21)[:, None]
    line = training.loss_along_segment(net, swapped, lbt.mse, (x, x[:, 0].abs()), t=[0, 0.5, 1])
    assert line.loss[0] == line.loss[2] == 0.0              # both ends fit |x| exactly
    np.testing.assert_allclose(line.loss[1], np.mean(np.abs(x[:, 0].numpy()) ** 2))  # halfway the output is 0
    assert line.rises_above_chord() and line.above_chord == pytest.approx(line.loss[1])
    assert line.peak == np.inf
    assert all(torch.equal(p, q) for p, q in zip(before, net.parameters()))  # the models are left alone


def test_loss_along_segment_refuses_other_shapes_and_positions():
    a, b = training.mlp(3, 4, seed=0), training.mlp(3, 5, seed=0)
    data = _regression_data()[0]
    with pytest.raises(ValueError, match="same parameters"):
        training.loss_along_segment(a, b, lbt.mse, data)
    with pytest.raises(ValueError, match="include 0 and 1"):
        training.loss_along_segment(a, a, lbt.mse, data, t=[0.0, 0.5])
    with pytest.raises(ValueError, match="include 0 and 1"):
        training.loss_along_segment(a, a, lbt.mse, data, t=[1.0, 0.0])

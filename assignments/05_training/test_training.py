"""Public tests for 05_training: run `pytest 05_training` or `check("train")`.

They train a tiny stand-in network whose loss is a simple bowl, so they test your loop on
its own, whatever state your TwoLayerNet is in.
"""

import itertools

import numpy as np
import pytest

from autograder.selfcheck import expect
from autograder.selfcheck.hints import HINTS


class BowlNet:
    """A stand-in network: loss = 0.5 * |W - mean(x)|², with call counters."""

    def __init__(self):
        self.params = {"W": np.array([2.0, -1.0]), "b": np.array([0.5])}
        self.gradient_calls = 0
        self.numerical_calls = 0
        self.seen = []  # the parameters at every gradient call

    def _target(self, x):
        return np.mean(x, axis=0)[:2]

    def loss(self, x, t):
        return float(0.5 * np.sum((self.params["W"] - self._target(x)) ** 2)
                     + 0.5 * float(self.params["b"][0]) ** 2)

    def gradient(self, x, t):
        self.gradient_calls += 1
        self.seen.append({k: v.copy() for k, v in self.params.items()})
        return {"W": self.params["W"] - self._target(x), "b": self.params["b"].copy()}

    def numerical_gradient(self, x, t):
        self.numerical_calls += 1
        return self.gradient(x, t)

    def accuracy(self, x, t):
        return 1.0 / (1.0 + self.loss(x, t))


def data(n):
    rng = np.random.default_rng(0)
    x = rng.normal(0.0, 0.1, size=(n, 3))
    return x, np.zeros(n, dtype=int)


def run(student, iters, lr, n=50, batch=10):
    net = BowlNet()
    x, t = data(n)
    history = student.train(net, x, t, x[:10], t[:10], iters_num=iters, batch_size=batch,
                            learning_rate=lr, seed=0)
    return net, history


@pytest.mark.unit("train")
def test_train_uses_gradient_not_numerical_gradient(student):
    net, _ = run(student, iters=3, lr=0.1)
    expect.that(net.numerical_calls == 0, "train called network.numerical_gradient",
                HINTS["train_numerical_gradient"])
    expect.equal(net.gradient_calls, 3, what="calls of network.gradient in 3 iterations")


@pytest.mark.unit("train")
def test_train_updates_by_learning_rate_times_gradient(student):
    net, _ = run(student, iters=4, lr=0.05)
    params = [*net.seen, net.params]
    for before, after in itertools.pairwise(params):
        step = after["b"] - before["b"]
        expect.array_close(step, -0.05 * before["b"], rtol=1e-6,
                           what="the change of params['b'] in one iteration (lr = 0.05)",
                           hint=HINTS["train_no_update"] if np.all(step == 0)
                           else HINTS["train_learning_rate"])


@pytest.mark.unit("train")
def test_train_history(student):
    _, history = run(student, iters=12, lr=0.1, n=50, batch=10)  # 5 iterations per epoch
    expect.that(isinstance(history, dict), f"train: expected a dict, got {expect.kind(history)}",
                HINTS["train_history"])
    for key in ("train_loss", "train_acc", "test_acc"):
        expect.that(key in history, f"train: the result has no {key!r}", HINTS["train_history"])
    expect.equal(len(history["train_loss"]), 12, what="len(train_loss) after 12 iterations",
                 hint=HINTS["train_history"])
    expect.that(len(history["train_acc"]) in (2, 3) and len(history["test_acc"]) in (2, 3),
                f"after 12 iterations of 5 per epoch, expected 3 accuracies per list (i = 0, "
                f"5, 10), got {len(history['train_acc'])} and {len(history['test_acc'])}",
                HINTS["train_history"])


@pytest.mark.unit("train")
def test_train_loss_falls(student):
    _, history = run(student, iters=30, lr=0.2)
    losses = np.asarray(history["train_loss"], dtype=float)
    expect.that(losses[-5:].mean() < losses[:5].mean(),
                f"the training loss did not fall: first {losses[:5].mean():.3g}, "
                f"last {losses[-5:].mean():.3g}", HINTS["train_sign"])

"""Public tests for 05_training: run `pytest 05_training` or `check("train")`.

They train a tiny stand-in network whose loss is a simple bowl, so they test your loop on
its own, whatever state your TwoLayerNet is in.
"""

import numpy as np
import pytest

from autograder.i18n.messages import N_, _
from autograder.selfcheck import expect
from autograder.selfcheck.answers import expect_answered
from autograder.selfcheck.hints import HINTS

KEYS = ("W1", "b1", "W2", "b2")  # the book's names, as in TwoLayerNet.params
MSG_STEP = N_("the change of params[{key!r}] in one iteration (learning_rate = {lr})")
MSG_REBOUND = N_("train replaced network.params[{key!r}] with a new array")


class BowlNet:
    """A stand-in network with the book's parameter names W1, b1, W2, b2.

    Its loss is a simple bowl, 0.5 * |params - target(x)|² summed over the four arrays,
    so its gradient is params - target(x). It counts calls and records what it returned.
    """

    def __init__(self):
        self.params = {"W1": np.array([[2.0, -1.0], [0.5, 1.5], [-0.5, 0.25]]),
                       "b1": np.array([0.5, -0.5]),
                       "W2": np.array([[1.0, -2.0], [0.75, 0.0]]),
                       "b2": np.array([-1.0, 0.3])}
        self.originals = dict(self.params)  # the arrays themselves, to see a rebinding
        self.gradient_calls = 0
        self.numerical_calls = 0
        self.steps = []  # (params, grads) at every gradient call, copied

    def _targets(self, x):
        centre = np.mean(x, axis=0)  # depends on the batch, 3 values
        return {"W1": np.outer(centre, [1.0, -1.0]), "b1": np.zeros(2),
                "W2": np.zeros((2, 2)), "b2": np.full(2, centre[0])}

    def loss(self, x, t):
        targets = self._targets(x)
        return float(sum(0.5 * np.sum((self.params[k] - targets[k]) ** 2) for k in targets))

    def gradient(self, x, t):
        self.gradient_calls += 1
        targets = self._targets(x)
        grads = {k: self.params[k] - targets[k] for k in targets}
        self.steps.append(({k: v.copy() for k, v in self.params.items()},
                           {k: v.copy() for k, v in grads.items()}))
        return grads

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
    net, _history = run(student, iters=3, lr=0.1)
    expect.that(net.numerical_calls == 0, _("train called network.numerical_gradient"),
                HINTS["train_numerical_gradient"])
    expect.equal(net.gradient_calls, 3, what=_("calls of network.gradient in 3 iterations"))


@pytest.mark.unit("train")
def test_train_updates_by_learning_rate_times_gradient(student):
    net, _history = run(student, iters=4, lr=0.05)
    after_each_step = [params for params, _grads in net.steps[1:]] + [net.params]
    for (before, grads), after in zip(net.steps, after_each_step):
        for key in KEYS:
            step = after[key] - before[key]
            expect.array_close(step, -0.05 * grads[key], rtol=1e-6,
                               what=_(MSG_STEP).format(key=key, lr=0.05),
                               diagnose=[(HINTS["train_no_update"], np.zeros_like(step)),
                                         (HINTS["train_sign"], 0.05 * grads[key])],
                               hint=HINTS["train_learning_rate"])
    for key in KEYS:
        expect.that(net.params[key] is net.originals[key], _(MSG_REBOUND).format(key=key),
                    HINTS["train_rebinds_params"])


@pytest.mark.unit("train")
def test_train_history(student):
    _net, history = run(student, iters=12, lr=0.1, n=50, batch=10)  # 5 iterations per epoch
    expect.that(isinstance(history, dict), _("train: expected a dict, got {got}").format(
        got=expect.kind(history)),
                HINTS["train_history"])
    for key in ("train_loss", "train_acc", "test_acc"):
        expect.that(key in history, _("train: the result has no {key!r}").format(
            key=key), HINTS["train_history"])
    expect.equal(len(history["train_loss"]), 12, what=_("len(train_loss) after 12 iterations"),
                 hint=HINTS["train_history"])
    expect.that(len(history["train_acc"]) in (2, 3) and len(history["test_acc"]) in (2, 3),
                _("after 12 iterations of 5 per epoch, expected 3 accuracies per list (i = 0, 5, "
                  "10), got {train} and {test}").format(
                    train=len(history['train_acc']), test=len(history['test_acc'])),
                HINTS["train_history"])


@pytest.mark.unit("train")
def test_train_loss_falls(student):
    _net, history = run(student, iters=30, lr=0.2)
    losses = np.asarray(history["train_loss"], dtype=float)
    expect.that(losses[-5:].mean() < losses[:5].mean(),
                _("the training loss did not fall: first {first:.3g}, last {last:.3g}").format(
                    first=losses[:5].mean(), last=losses[-5:].mean()), HINTS["train_sign"])


# --- concept checks: only the form of an answer (the grader checks its value) ----------


@pytest.mark.unit("answer_online_vs_minibatch")
def test_answer_online_vs_minibatch_is_answered(student):
    expect_answered(student, "answer_online_vs_minibatch", form="letter", example="'c'")


@pytest.mark.unit("answer_batch_choice")
def test_answer_batch_choice_is_answered(student):
    expect_answered(student, "answer_batch_choice", form="letter", example="'a'")

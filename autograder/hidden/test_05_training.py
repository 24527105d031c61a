"""Hidden checks for 05_training.

`train` gets an instrumented reference network (unit isolation: a wrong TwoLayerNet in
04_backprop costs nothing here) that records every call the loop makes.
"""

import functools

import numpy as np
import pytest

from autograder.grade.answers import grade_answer
from autograder.grade.session import StudentError
from autograder.i18n.messages import _
from autograder.notebook.training import convert_params
from autograder.sandbox.rpc import Exposed
from autograder.selfcheck import expect
from autograder.selfcheck.hints import HINTS

KEYS = ("W1", "b1", "W2", "b2")


class InstrumentedNet:
    """The reference TwoLayerNet, recording the parameters and gradients of each step."""

    def __init__(self, reference, sizes, rng, dtype=np.float64):
        self.net = reference.TwoLayerNet(*sizes)
        for key in KEYS:
            self.net.params[key][...] = rng.normal(scale=0.01, size=self.net.params[key].shape)
        convert_params(self.net, dtype)
        self.params = self.net.params
        self.originals = dict(self.params)
        self.steps = []  # (params, grads) at every gradient call, copied
        self.losses = []  # what loss returned
        self.accuracies = []  # what accuracy returned
        self.numerical_calls = 0

    def gradient(self, x, t):
        grads = self.net.gradient(x, t)
        self.steps.append(({k: v.copy() for k, v in self.params.items()},
                           {k: np.array(grads[k], copy=True) for k in KEYS}))
        return grads

    def loss(self, x, t):
        value = self.net.loss(x, t)
        self.losses.append(float(value))
        return value

    def learned(self):
        """True when the parameters moved between the first step and now."""
        return bool(self.steps) and any(
            not np.array_equal(self.steps[0][0][k], self.params[k]) for k in KEYS)

    def accuracy(self, x, t):
        value = self.net.accuracy(x, t)
        self.accuracies.append(float(value))
        return value

    def returned(self, values, recorded):
        """Every value of a history is one the network really returned (not made up)."""
        return all(any(abs(float(v) - w) < 1e-9 for w in recorded) for v in values)

    def predict(self, x):
        return self.net.predict(x)

    def numerical_gradient(self, x, t):
        self.numerical_calls += 1
        raise RuntimeError("network.numerical_gradient is not available to train")

    def exposed(self):
        return Exposed(self, ("gradient", "loss", "accuracy", "predict", "numerical_gradient"),
                       ("params",))


def _read_only(*arrays):
    for a in arrays:
        a.flags.writeable = False  # cached for the whole class: nothing may change it
    return arrays


@functools.lru_cache(maxsize=1)
def _sample():
    from dataset.sample import load_sample

    (x, t), (xt, tt) = load_sample(normalize=True)
    _read_only(x, t, xt, tt)
    return (x, t), (xt, tt)


def _tiny_data(rng, n=50, d=6, classes=3):
    return rng.normal(size=(n, d)), rng.integers(0, classes, size=n)


def _train(student, net, x, t, xt, tt, **kwargs):
    try:
        return student.train(net.exposed(), x, t, xt, tt, seed=0, **kwargs)
    except StudentError as exc:
        expect.that(net.numerical_calls == 0, _("train called network.numerical_gradient"),
                    HINTS["train_numerical_gradient"])
        if exc.info.get("type") == "NameError" and "'network'" in str(exc.info.get("text")):
            # A global `network` (the notebook's experiment) used instead of the argument.
            raise expect.CheckFailed(str(exc).split("\n" + _("Hint:"))[0],
                                     HINTS["train_global_network"]) from None
        raise


@pytest.mark.unit("train")
def test_train_uses_backprop(student, reference, rng):
    net = InstrumentedNet(reference, (6, 5, 3), rng)
    x, t = _tiny_data(rng)
    _train(student, net, x, t, x[:10], t[:10], iters_num=3, batch_size=10, learning_rate=0.1)
    expect.that(net.numerical_calls == 0, _("train called network.numerical_gradient"),
                HINTS["train_numerical_gradient"])
    expect.equal(len(net.steps), 3, what=_("calls of network.gradient in 3 iterations"))
    expect.that(net.learned(), _("train called network.gradient but never changed the parameters"),
                HINTS["train_no_update"])


@pytest.mark.unit("train")
def test_train_updates_by_learning_rate_times_gradient(student, reference, rng):
    net = InstrumentedNet(reference, (6, 5, 3), rng)
    x, t = _tiny_data(rng)
    lr = 0.05
    _train(student, net, x, t, x[:10], t[:10], iters_num=4, batch_size=10, learning_rate=lr)
    expect.that(len(net.steps) >= 2, _("train called network.gradient {count} times in 4 "
                                       "iterations").format(count=len(net.steps)))
    for (before, grads), (after, _grads) in zip(net.steps, net.steps[1:]):
        for key in KEYS:
            step, want = after[key] - before[key], -lr * grads[key]
            expect.array_close(step, want, rtol=1e-5, atol=1e-12,
                               what=_("the change of params[{key!r}] in one iteration "
                                      "(learning_rate = {lr})").format(key=key, lr=lr),
                               diagnose=[(HINTS["train_no_update"], np.zeros_like(step)),
                                         (HINTS["train_sign"], -want)]
                               + [(HINTS["train_learning_rate"], -other * grads[key])
                                  for other in (0.1, 0.01, 0.001, 1.0)])
    for key in KEYS:
        expect.that(net.params[key] is net.originals[key],
                    _("train replaced network.params[{key!r}] with a new array").format(key=key),
                    HINTS["train_rebinds_params"])


@pytest.mark.unit("train")
def test_train_history(student, reference, rng):
    net = InstrumentedNet(reference, (6, 5, 3), rng)
    x, t = _tiny_data(rng, n=50)
    history = _train(student, net, x, t, x[:10], t[:10], iters_num=12, batch_size=10,
                     learning_rate=0.1)  # 5 iterations per epoch
    expect.that(isinstance(history, dict) and all(
        k in history for k in ("train_loss", "train_acc", "test_acc")),
        _("train: expected a dict with train_loss, train_acc and test_acc, got {got}").format(
            got=expect.show(sorted(history) if isinstance(history, dict) else history)),
        HINTS["train_history"])
    losses = history["train_loss"]
    expect.that(isinstance(losses, (list, np.ndarray)) and len(losses) == 12
                and all(expect.is_number(v) and np.isfinite(v) for v in losses),
                _("train_loss after 12 iterations: expected 12 finite numbers, got {got}").format(
                    got=expect.show(losses)), HINTS["train_history"])
    expect.that(net.learned(), _("train_loss must hold the values network.loss(x_batch, t_batch) "
                                 "returned while the network learns, but the parameters never "
                                 "changed"),
                HINTS["train_no_update"])
    expect.that(net.returned(losses, net.losses),
                _("train_loss must hold the values network.loss(x_batch, t_batch) returned while "
                  "the network learns"), HINTS["train_history"])
    for key in ("train_acc", "test_acc"):
        accs = history[key]
        expect.that(isinstance(accs, (list, np.ndarray)) and len(accs) in (2, 3)
                    and all(expect.is_number(v) and 0 <= v <= 1 for v in accs),
                    _("{key} after 12 iterations of 5 per epoch: expected one accuracy per epoch "
                      "(3: at i = 0, 5, 10), got {got}").format(key=key, got=expect.show(accs)),
                    HINTS["train_history"])
        expect.that(net.returned(accs, net.accuracies),
                    _("{key} must hold the values network.accuracy returned, got {got}").format(
                        key=key, got=expect.show(accs)), HINTS["train_history"])


@pytest.mark.unit("train", seconds=30)
def test_train_loss_falls(student, reference, rng):
    centres = rng.normal(scale=2.0, size=(3, 20))
    t = rng.integers(0, 3, size=300)
    x = centres[t] + rng.normal(size=(300, 20))
    net = InstrumentedNet(reference, (20, 10, 3), rng)
    # 20 steps: over 20 seeds the reference's last 5 losses average at most 0.04 of its first 5.
    history = _train(student, net, x, t, x[:50], t[:50], iters_num=20, batch_size=20,
                     learning_rate=0.5)
    recorded = history.get("train_loss") if isinstance(history, dict) else None
    expect.that(isinstance(recorded, (list, np.ndarray)) and len(recorded) == 20
                and net.returned(recorded, net.losses),
                _("train_loss after 20 iterations: expected the 20 values network.loss returned, "
                  "got {got}").format(got=expect.show(recorded)), HINTS["train_history"])
    # What the network really did, not what the history says.
    losses = np.asarray(net.losses, dtype=float)
    rose = losses.size >= 20 and losses[-5:].mean() > losses[:5].mean()
    expect.that(losses.size >= 20 and losses[-5:].mean() < 0.8 * losses[:5].mean(),
                _("the training loss did not fall: the first 5 iterations averaged {first:.3g}, "
                  "the last 5 {last:.3g}").format(first=losses[:5].mean(), last=losses[-5:].mean()),
                HINTS["train_sign"] if rose else None)


# Four classes that a small network tells apart within 50 steps (T-shirt, trouser, sneaker,
# bag): every step is two round trips into the sandbox (gradient, then loss), so the step
# budget is what this check costs. Over seeds 0-9 the reference reaches 0.94-0.96.
FOUR_CLASSES = (0, 1, 7, 8)


@functools.lru_cache(maxsize=1)
def _four_classes():
    (x, t), (xt, tt) = _sample()
    keep, keep_test = np.isin(t, FOUR_CLASSES), np.isin(tt, FOUR_CLASSES)
    (x4, t4), (xt4, tt4) = (x[keep][:1000], t[keep][:1000]), (xt[keep_test], tt[keep_test])
    _read_only(x4, t4, xt4, tt4)
    return (x4, t4), (xt4, tt4)


@pytest.mark.unit("train", seconds=60)
def test_train_reaches_accuracy_on_the_sample(student, reference, rng):
    (x, t), (xt, tt) = _four_classes()
    # The weights cross the sandbox boundary at each step (and the gradients come back):
    # 30 hidden units and float32 like the images keep that small (a train that converts
    # the images to the weights' dtype keeps them float32). Batch 50 over 1000 images:
    # the per-epoch accuracies cost 3 passes over x_train (3 MB each).
    net = InstrumentedNet(reference, (784, 30, 10), rng, dtype=np.float32)
    _train(student, net, x, t, xt[:200], tt[:200], iters_num=50, batch_size=50,
           learning_rate=0.3)
    accuracy = float(net.accuracy(xt, tt))
    expect.that(accuracy >= 0.8, _("after 50 iterations (batch 50, learning rate 0.3) on 1000 "
                                   "images of four classes of the bundled Fashion-MNIST sample "
                                   "(T-shirt, trouser, sneaker, bag) the test accuracy is "
                                   "{accuracy:.3f}; the reference reaches about 0.95 (0.80 "
                                   "needed)").format(accuracy=accuracy))


# --- concept checks (確認テスト): the right answers and why, shown in the feedback only ----


@pytest.mark.unit("answer_online_vs_minibatch")
def test_answer_online_vs_minibatch_is_right(answers):
    grade_answer(answers, "answer_online_vs_minibatch", 'a', form="letter", example="'c'",
                 explain=_('Online learning updates the parameters after every single sample (a mini-batch of size 1). Mini-batch learning averages the gradient over a batch of samples first, which is less noisy and uses the hardware better; batch learning uses the whole training set for each update.'))


@pytest.mark.unit("answer_batch_choice")
def test_answer_batch_choice_is_right(answers):
    grade_answer(answers, "answer_batch_choice", 'b', form="letter", example="'a'",
                 explain=_('np.random.choice(60000, 100) draws 100 integers from range(60000) with replacement by default, so an index may repeat. They are indices: indexing the training images and labels with them picks the mini-batch.'))

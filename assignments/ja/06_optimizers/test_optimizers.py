"""Public tests for 06_optimizers: run `pytest 06_optimizers` or `check("Adam.update")`."""

import numpy as np
import pytest

from autograder.i18n.messages import _
from autograder.selfcheck import expect
from autograder.selfcheck.hints import HINTS

GRADS = [np.array([0.5, -1.0, 0.0]), np.array([0.2, 0.3, -0.4])]
AFTER_TWO_UPDATES = {  # W = [1, -2, 0.5] after the two gradients above, lr = 0.1
    "SGD": [0.93, -1.93, 0.54],
    "Momentum": [0.885, -1.84, 0.54],
    "AdaGrad": [0.8628609593, -1.9287347958, 0.599999975],
    "RMSprop": [-0.3729992276, -1.2886758568, 1.4999975],
    "Adam": [0.8101436399, -1.8572155867, 0.5744130941],
}
HINT = {"SGD": None, "Momentum": HINTS["momentum_velocity"], "AdaGrad": HINTS["adagrad_eps"],
        "RMSprop": HINTS["rmsprop_decay"], "Adam": HINTS["adam_bias_correction"]}


def two_updates(student, name):
    optimizer = getattr(student, name)(lr=0.1)
    w = np.array([1.0, -2.0, 0.5])
    params = {"W": w}
    for g in GRADS:
        optimizer.update(params, {"W": g.copy()})
    expect.that(params["W"] is w, _("{name}.update replaced params['W'] with a new array").format(
        name=name),
                HINTS["sgd_in_place"])
    expect.array_close(w, AFTER_TWO_UPDATES[name], rtol=1e-6,
                       what=_("W after two {name}(lr=0.1) updates").format(
                           name=name), hint=HINT[name])


@pytest.mark.unit("SGD.update")
def test_sgd_update(student):
    two_updates(student, "SGD")


@pytest.mark.unit("Momentum.update")
def test_momentum_update(student):
    two_updates(student, "Momentum")


@pytest.mark.unit("AdaGrad.update")
def test_adagrad_update(student):
    two_updates(student, "AdaGrad")


@pytest.mark.unit("RMSprop.update")
def test_rmsprop_update(student):
    two_updates(student, "RMSprop")


@pytest.mark.unit("Adam.update")
def test_adam_update(student):
    two_updates(student, "Adam")


@pytest.mark.unit("Dropout.forward")
def test_dropout_forward_train_and_test(student):
    np.random.seed(0)
    x = np.arange(1.0, 2001.0).reshape(40, 50)
    layer = student.Dropout(0.3)
    out = layer.forward(x, train_flg=True)
    expect.that(isinstance(out, np.ndarray) and out.shape == x.shape,
                _("Dropout.forward: expected shape {shape}, got {got}").format(
                    shape=x.shape, got=expect.kind(out)))
    kept = out != 0
    expect.that(np.allclose(out[kept], x[kept]),
                _("Dropout.forward in training changed the values it kept"),
                HINTS["dropout_mask"])
    ratio = float(np.mean(kept))
    expect.that(0.65 < ratio < 0.75, _("Dropout(0.3) kept {ratio:.2f} of the values in training, "
                                       "expected about 0.7").format(
        ratio=ratio), HINTS["dropout_mask"])
    expect.array_close(layer.forward(x, train_flg=False), x * 0.7,
                       what="Dropout(0.3).forward(x, train_flg=False)",
                       hint=HINTS["dropout_test_scale"])


@pytest.mark.unit("Dropout.backward")
def test_dropout_backward_uses_the_mask(student):
    np.random.seed(1)
    x = np.ones((20, 30))
    layer = student.Dropout(0.5)
    out = layer.forward(x, train_flg=True)
    dx = layer.backward(np.full((20, 30), 2.0))
    expect.array_close(dx, np.where(out != 0, 2.0, 0.0),
                       what=_("Dropout.backward(dout) after a training forward"),
                       hint=HINTS["dropout_backward_mask"])

"""Hidden checks for 06_optimizers."""

import numpy as np
import pytest

from autograder.grade.session import StudentError
from autograder.i18n.messages import _
from autograder.selfcheck import expect
from autograder.selfcheck.hints import HINTS

SHAPES = {"W1": (3, 4), "b1": (4,), "W2": (4, 2)}


def _run(optimizer, rng, steps, start, student=None):
    """Apply `steps` updates with the same random gradients: the params after each step,
    and the keys whose array update replaced instead of changing it in place.

    For the student's optimizer the grader's arrays never change: each step reads the
    params as the student's code holds them afterwards and passes those to the next."""
    params = {k: v.copy() for k, v in start.items()}
    history, replaced = [], set()
    for grads in _gradients(rng, steps):
        optimizer.update(params, grads)
        if student is not None:
            replaced.update(student.replaced(params))
            params = student.current(params)
            expect.that(isinstance(params, dict) and sorted(params) == sorted(start),
                        _("after update(params, grads) params must keep the keys {keys}, got "
                          "{got}").format(
                            keys=sorted(start), got=expect.show(params)), HINTS["sgd_in_place"])
        history.append({k: np.array(v, copy=True) for k, v in params.items()})
    return history, replaced


def _gradients(rng, steps):
    state = rng.bit_generator.state
    grads = [{k: rng.normal(size=s) for k, s in SHAPES.items()} for _step in range(steps)]
    rng.bit_generator.state = state
    return grads


def _simulate(start, grads_list, step):
    """The params after each update of a (mistaken) rule step(p, g, state) -> new p, run
    here in the grader; state is a dict per key."""
    params = {k: v.copy() for k, v in start.items()}
    states = {k: {} for k in start}
    history = []
    for grads in grads_list:
        for key, value in params.items():
            params[key] = step(value, grads[key], states[key])
        history.append({k: v.copy() for k, v in params.items()})
    return history


def _compare(student, reference, rng, name, kwargs, hint=None, steps=4, mistakes=()):
    """mistakes: (hint, rule) pairs, each the update rule of a known mistake (_simulate)."""
    start = {k: rng.normal(size=s) for k, s in SHAPES.items()}
    grads_list = _gradients(rng, steps)
    wrong = [(h, _simulate(start, grads_list, rule)) for h, rule in mistakes]
    got, replaced = _run(getattr(student, name)(**kwargs), rng, steps, start, student)
    want, _want_params = _run(getattr(reference, name)(**kwargs), rng, steps, start)
    for key in sorted(replaced):
        expect.that(False, _("{name}.update replaced params[{key!r}] with a new array").format(
            name=name, key=key),
                    HINTS["sgd_in_place"])
    args = ", ".join(f"{k}={v}" for k, v in kwargs.items())
    # A mistake is diagnosed only where the whole run is what it gives, not a single step
    # (several mistakes agree on the first step).
    same = [h for h, run in wrong if all(
        np.shape(mine[k]) == np.shape(theirs[k])
        and np.allclose(mine[k], theirs[k], rtol=1e-8, atol=1e-12)
        for mine, theirs in zip(got, run) for k in SHAPES)]
    for step, (mine, theirs) in enumerate(zip(got, want), start=1):
        for key in SHAPES:
            expect.array_close(mine[key], theirs[key], rtol=1e-6, atol=1e-10,
                               what=_("params[{key!r}] after {step} {name}({args}) "
                                      "update(s)").format(key=key, step=step, name=name,
                                                          args=args),
                               hint=same[0] if same else hint)


@pytest.mark.unit("SGD.update")
def test_SGD_update(student, reference, rng):
    _compare(student, reference, rng, "SGD", {"lr": 0.1})


@pytest.mark.unit("Momentum.update")
def test_Momentum_update(student, reference, rng):
    _compare(student, reference, rng, "Momentum", {"lr": 0.1, "momentum": 0.8},
             mistakes=[(HINTS["momentum_velocity"], lambda p, g, s: p - 0.1 * g)])


@pytest.mark.unit("AdaGrad.update")
def test_AdaGrad_update(student, reference, rng):
    _compare(student, reference, rng, "AdaGrad", {"lr": 0.1},
             mistakes=[(HINTS["adagrad_accumulate"],
                        lambda p, g, s: p - 0.1 * g / (np.sqrt(g * g) + 1e-7)),
                       (HINTS["adagrad_eps"], _adagrad(eps=0.0))])


@pytest.mark.unit("RMSprop.update")
def test_RMSprop_update(student, reference, rng):
    _compare(student, reference, rng, "RMSprop", {"lr": 0.01, "decay_rate": 0.9},
             mistakes=[(HINTS["rmsprop_decay"], _adagrad(lr=0.01))])


def _adagrad(lr=0.1, eps=1e-7):
    def step(p, g, s):
        s["h"] = s.get("h", 0.0) + g * g
        with np.errstate(divide="ignore", invalid="ignore"):
            return p - lr * g / (np.sqrt(s["h"]) + eps)
    return step


def _adam_without_correction(lr, beta1, beta2):
    def step(p, g, s):
        s["m"] = s.get("m", 0.0) + (1 - beta1) * (g - s.get("m", 0.0))
        s["v"] = s.get("v", 0.0) + (1 - beta2) * (g * g - s.get("v", 0.0))
        return p - lr * s["m"] / (np.sqrt(s["v"]) + 1e-7)
    return step


@pytest.mark.unit("Adam.update")
def test_Adam_first_step(student, rng):
    # With bias correction Adam's first step moves every parameter by about lr.
    start = {k: rng.normal(size=s) for k, s in SHAPES.items()}
    params = {k: v.copy() for k, v in start.items()}
    grads = {k: rng.normal(size=s) for k, s in SHAPES.items()}
    student.Adam(lr=0.01).update(params, grads)
    after = student.current(params)
    for key in SHAPES:
        step = np.asarray(after[key], dtype=float) - start[key]
        uncorrected = 0.01 * 0.1 * np.abs(grads[key]) / (np.sqrt(0.001) * np.abs(grads[key])
                                                          + 1e-7)
        expect.array_close(np.abs(step), np.full(step.shape, 0.01), rtol=1e-3, atol=1e-6,
                           what=_("|change| of params[{key!r}] after Adam(lr=0.01)'s first "
                                  "update").format(key=key),
                           diagnose=[(HINTS["adam_bias_correction"], uncorrected)])


@pytest.mark.unit("Adam.update")
def test_Adam_update(student, reference, rng):
    _compare(student, reference, rng, "Adam", {"lr": 0.01, "beta1": 0.8, "beta2": 0.9},
             steps=5, mistakes=[(HINTS["adam_bias_correction"],
                                 _adam_without_correction(0.01, 0.8, 0.9))])


def _dropout_input(rng):
    return rng.normal(size=(60, 50)) + 3.0  # no zeros, so a zero means "dropped"


@pytest.mark.unit("Dropout.forward")
def test_Dropout_forward_training(student, rng):
    x = _dropout_input(rng)
    out = student.Dropout(0.4).forward(x.copy(), train_flg=True)
    expect.that(isinstance(out, np.ndarray) and out.shape == x.shape,
                _("Dropout.forward: expected shape {shape}, got {got}").format(
                    shape=x.shape, got=expect.kind(out)))
    kept = out != 0
    expect.that(not bool(np.all(kept)), _("Dropout(0.4).forward in training dropped nothing"),
                HINTS["dropout_mask"])
    expect.that(bool(np.all(out[kept] == x[kept])),
                _("Dropout.forward in training changed the values it kept (the book does not "
                  "rescale them)"), HINTS["dropout_test_scale"])


@pytest.mark.unit("Dropout.forward")
def test_Dropout_forward_keeps_the_ratio(student, rng):
    x = _dropout_input(rng)
    out = student.Dropout(0.3).forward(x.copy(), train_flg=True)
    kept = float(np.mean(np.asarray(out) != 0))
    expect.that(0.66 < kept < 0.74, _("Dropout(0.3) kept {kept:.3f} of 3000 values in training; "
                                      "expected about 0.7").format(
        kept=kept), HINTS["dropout_mask"])
    again = student.Dropout(0.3).forward(x.copy(), train_flg=True)
    expect.that(not np.array_equal(np.asarray(again) != 0, np.asarray(out) != 0),
                _("Dropout drew the same mask twice: draw a new random mask on every forward"),
                HINTS["dropout_mask"])


@pytest.mark.unit("Dropout.forward")
def test_Dropout_forward_test_time(student, rng):
    x = _dropout_input(rng)
    expect.array_close(student.Dropout(0.25).forward(x.copy(), train_flg=False), x * 0.75,
                       what="Dropout(0.25).forward(x, train_flg=False)",
                       diagnose=[(HINTS["dropout_test_scale"], x)])


@pytest.mark.unit("Dropout.backward")
def test_Dropout_backward_uses_the_mask(student, rng):
    x = _dropout_input(rng)
    layer = student.Dropout(0.5)
    try:
        out = layer.forward(x.copy(), train_flg=True)
    except StudentError as exc:
        if exc.status != "error":
            raise
        out = None
    if not (isinstance(out, np.ndarray) and out.shape == x.shape and np.any(out == 0)):
        # Method-level isolation: forward's mistake costs forward's points; backward gets
        # the book's state (a mask of kept entries) instead.
        mask = rng.random(x.shape) > 0.5
        layer.mask = mask
        out = x * mask
    dout = rng.normal(size=x.shape)
    expect.array_close(layer.backward(dout.copy()), np.where(np.asarray(out) != 0, dout, 0.0),
                       what=_("Dropout.backward(dout) after a training forward"),
                       diagnose=[(HINTS["dropout_backward_mask"], dout)])

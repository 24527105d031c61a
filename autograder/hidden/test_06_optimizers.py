"""Hidden checks for 06_optimizers."""

import numpy as np
import pytest

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
                        f"after update(params, grads) params must keep the keys "
                        f"{sorted(start)}, got {expect.show(params)}", HINTS["sgd_in_place"])
        history.append({k: np.array(v, copy=True) for k, v in params.items()})
    return history, replaced


def _gradients(rng, steps):
    state = rng.bit_generator.state
    grads = [{k: rng.normal(size=s) for k, s in SHAPES.items()} for _ in range(steps)]
    rng.bit_generator.state = state
    return grads


def _compare(student, reference, rng, name, kwargs, hint, steps=4):
    start = {k: rng.normal(size=s) for k, s in SHAPES.items()}
    got, replaced = _run(getattr(student, name)(**kwargs), rng, steps, start, student)
    want, _ = _run(getattr(reference, name)(**kwargs), rng, steps, start)
    for key in sorted(replaced):
        expect.that(False, f"{name}.update replaced params[{key!r}] with a new array",
                    HINTS["sgd_in_place"])
    args = ", ".join(f"{k}={v}" for k, v in kwargs.items())
    for step, (mine, theirs) in enumerate(zip(got, want), start=1):
        for key in SHAPES:
            expect.array_close(mine[key], theirs[key], rtol=1e-6, atol=1e-10,
                               what=f"params[{key!r}] after {step} {name}({args}) update(s)",
                               hint=hint)


@pytest.mark.unit("SGD.update")
def test_SGD_update(student, reference, rng):
    _compare(student, reference, rng, "SGD", {"lr": 0.1}, "params[key] -= lr * grads[key]")


@pytest.mark.unit("Momentum.update")
def test_Momentum_update(student, reference, rng):
    _compare(student, reference, rng, "Momentum", {"lr": 0.1, "momentum": 0.8},
             HINTS["momentum_velocity"])


@pytest.mark.unit("AdaGrad.update")
def test_AdaGrad_update(student, reference, rng):
    _compare(student, reference, rng, "AdaGrad", {"lr": 0.1}, HINTS["adagrad_accumulate"])


@pytest.mark.unit("RMSprop.update")
def test_RMSprop_update(student, reference, rng):
    _compare(student, reference, rng, "RMSprop", {"lr": 0.01, "decay_rate": 0.9},
             HINTS["rmsprop_decay"])


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
        expect.array_close(np.abs(step), np.full(step.shape, 0.01), rtol=1e-3, atol=1e-6,
                           what=f"|change| of params[{key!r}] after Adam(lr=0.01)'s first update",
                           hint=HINTS["adam_bias_correction"])


@pytest.mark.unit("Adam.update")
def test_Adam_update(student, reference, rng):
    _compare(student, reference, rng, "Adam", {"lr": 0.01, "beta1": 0.8, "beta2": 0.9},
             HINTS["adam_moments"], steps=5)


def _dropout_input(rng):
    return rng.normal(size=(60, 50)) + 3.0  # no zeros, so a zero means "dropped"


@pytest.mark.unit("Dropout.forward")
def test_Dropout_forward_training(student, rng):
    x = _dropout_input(rng)
    out = student.Dropout(0.4).forward(x.copy(), train_flg=True)
    expect.that(isinstance(out, np.ndarray) and out.shape == x.shape,
                f"Dropout.forward: expected shape {x.shape}, got {expect.kind(out)}")
    kept = out != 0
    expect.that(not bool(np.all(kept)), "Dropout(0.4).forward in training dropped nothing",
                HINTS["dropout_mask"])
    expect.that(bool(np.all(out[kept] == x[kept])),
                "Dropout.forward in training changed the values it kept (the book does not "
                "rescale them)", HINTS["dropout_test_scale"])


@pytest.mark.unit("Dropout.forward")
def test_Dropout_forward_keeps_the_ratio(student, rng):
    x = _dropout_input(rng)
    out = student.Dropout(0.3).forward(x.copy(), train_flg=True)
    kept = float(np.mean(np.asarray(out) != 0))
    expect.that(0.66 < kept < 0.74, f"Dropout(0.3) kept {kept:.3f} of 3000 values in "
                f"training; expected about 0.7", HINTS["dropout_mask"])
    again = student.Dropout(0.3).forward(x.copy(), train_flg=True)
    expect.that(not np.array_equal(np.asarray(again) != 0, np.asarray(out) != 0),
                "Dropout drew the same mask twice: draw a new random mask on every forward",
                HINTS["dropout_mask"])


@pytest.mark.unit("Dropout.forward")
def test_Dropout_forward_test_time(student, rng):
    x = _dropout_input(rng)
    expect.array_close(student.Dropout(0.25).forward(x.copy(), train_flg=False), x * 0.75,
                       what="Dropout(0.25).forward(x, train_flg=False)",
                       hint=HINTS["dropout_test_scale"])


@pytest.mark.unit("Dropout.backward")
def test_Dropout_backward_uses_the_mask(student, rng):
    x = _dropout_input(rng)
    layer = student.Dropout(0.5)
    out = layer.forward(x.copy(), train_flg=True)
    expect.that(isinstance(out, np.ndarray) and out.shape == x.shape and not np.all(out != 0),
                "Dropout(0.5).forward in training dropped nothing, so backward cannot be "
                "checked", HINTS["dropout_mask"])
    dout = rng.normal(size=x.shape)
    expect.array_close(layer.backward(dout.copy()), np.where(np.asarray(out) != 0, dout, 0.0),
                       what="Dropout.backward(dout) after a training forward",
                       diagnose=[(HINTS["dropout_backward_mask"], dout)])

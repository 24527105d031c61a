"""Hidden checks for 03_learning."""

import numpy as np
import pytest

from autograder.grade.checks import call_with_hint, first_if_tuple, rel_error
from autograder.selfcheck import expect
from autograder.selfcheck.hints import HINTS


def _probabilities(rng, shape):
    z = rng.normal(size=shape)
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


@pytest.mark.unit("mean_squared_error")
def test_mean_squared_error_matches_reference(student, reference, rng):
    for shape in ((10,), (3, 10)):
        y, t = rng.random(shape), rng.random(shape)
        want = reference.mean_squared_error(y, t)
        expect.number_close(student.mean_squared_error(y, t), want, rtol=1e-6,
                            what=f"mean_squared_error(y, t) for shape {shape}",
                            diagnose=[(HINTS["mse_half"], 2 * want),
                                      (HINTS["mse_half"], 2 * want / y.size),
                                      (HINTS["mse_half"], want / y.size)])


@pytest.mark.unit("cross_entropy_error")
def test_cross_entropy_error_one_hot_batch(student, reference, rng):
    y = _probabilities(rng, (5, 10))
    t = np.eye(10)[rng.integers(0, 10, size=5)]
    want = reference.cross_entropy_error(y, t)
    expect.number_close(student.cross_entropy_error(y, t), want, rtol=1e-4,
                        what="cross_entropy_error(y, t) for a batch of 5 with one-hot t",
                        diagnose=[(HINTS["cee_batch_mean"], want * 5)])


@pytest.mark.unit("cross_entropy_error")
def test_cross_entropy_error_labels(student, reference, rng):
    y = _probabilities(rng, (6, 4))
    t = rng.integers(0, 4, size=6)
    got = call_with_hint(student.cross_entropy_error, y, t, hint=HINTS["cee_one_hot_only"])
    expect.number_close(got, reference.cross_entropy_error(y, t), rtol=1e-4,
                        what="cross_entropy_error(y, t) with label indices t",
                        hint=HINTS["cee_one_hot_only"])


@pytest.mark.unit("cross_entropy_error")
def test_cross_entropy_error_one_sample(student, reference, rng):
    y = _probabilities(rng, (10,))
    t = np.eye(10)[3]
    want = reference.cross_entropy_error(y, t)
    got = call_with_hint(student.cross_entropy_error, y, t, hint=HINTS["cee_one_d"])
    expect.number_close(got, want, rtol=1e-4, what="cross_entropy_error(y, t) for one sample",
                        hint=HINTS["cee_one_d"])


@pytest.mark.unit("cross_entropy_error")
def test_cross_entropy_error_exact_zeros(student, reference):
    y = np.array([[0.0, 1.0, 0.0], [0.25, 0.75, 0.0]])
    t = np.array([[0.0, 1.0, 0.0], [0.0, 1.0, 0.0]])
    expect.number_close(student.cross_entropy_error(y, t), reference.cross_entropy_error(y, t),
                        rtol=1e-4, atol=1e-6, hint=HINTS["cee_log_zero"],
                        what="cross_entropy_error(y, t) when y is exactly 0 at wrong classes")
    y_zero = np.array([[0.0, 0.5, 0.5]])
    got = student.cross_entropy_error(y_zero, np.array([[1.0, 0.0, 0.0]]))
    expect.that(expect.is_number(got) and np.isfinite(got) and got > 5,
                f"cross_entropy_error when the correct class has probability exactly 0: "
                f"expected a large finite loss, got {expect.show(got)}", HINTS["cee_log_zero"])


@pytest.mark.unit("numerical_diff")
def test_numerical_diff_is_central(student):
    h = 1e-4
    for name, f, df, x in (("x³", lambda v: v ** 3, lambda v: 3 * v ** 2, 2.0),
                           ("sin(x)", np.sin, np.cos, 0.5),
                           ("0.01x² + 0.1x", lambda v: 0.01 * v ** 2 + 0.1 * v,
                            lambda v: 0.02 * v + 0.1, 10.0)):
        forward = (f(x + h) - f(x)) / h
        expect.number_close(student.numerical_diff(f, x), df(x), rtol=1e-6, atol=1e-9,
                            what=f"numerical_diff({name}, {x})",
                            diagnose=[(HINTS["forward_difference"], forward),
                                      (HINTS["numdiff_tiny_h"], 0.0)])


def _bowl(c):
    return lambda v: float(np.sum(c * v ** 2) + np.sum(np.sin(v)))


@pytest.mark.unit("numerical_gradient")
def test_numerical_gradient_matches_reference(student, reference, rng):
    c = rng.random(6) + 0.5
    x = rng.normal(size=6)
    want = reference.numerical_gradient(_bowl(c), x.copy())
    expect.array_close(student.numerical_gradient(_bowl(c), x), want, rtol=1e-6, atol=1e-8,
                       what="numerical_gradient(f, x) for x of shape (6,)",
                       hint=HINTS["forward_difference"])


@pytest.mark.unit("numerical_gradient")
def test_numerical_gradient_is_central(student):
    x = np.array([1.0, 2.0, -1.5])
    got = student.numerical_gradient(lambda v: float(np.sum(v ** 3)), x)
    expect.array_close(got, 3 * x ** 2, rtol=1e-3, what="numerical_gradient(sum(x³), x)")
    error = rel_error(got, 3 * x ** 2)
    expect.that(error < 1e-7, f"numerical_gradient(sum(x³)) has relative error {error:.1e} "
                f"against the exact gradient; a central difference gives about 1e-9",
                HINTS["forward_difference"])


@pytest.mark.unit("numerical_gradient")
def test_numerical_gradient_any_shape(student, rng):
    for shape in ((2, 3), (2, 2, 2)):
        c = rng.random(shape) + 0.5
        x = rng.normal(size=shape)
        got = call_with_hint(student.numerical_gradient, lambda v, c=c: float(np.sum(c * v ** 2)),
                             x, hint=HINTS["numgrad_one_d"])
        expect.array_close(got, 2 * c * x, rtol=1e-6, atol=1e-8,
                           what=f"numerical_gradient(f, x) for x of shape {shape}",
                           hint=HINTS["numgrad_one_d"])


@pytest.mark.unit("numerical_gradient")
def test_numerical_gradient_restores_x(student, rng):
    x = rng.normal(size=(2, 3))
    before = x.copy()
    got = student.numerical_gradient(lambda v: float(np.sum(v ** 2)), x)
    expect.unchanged(before, student.current(x), what="numerical_gradient",
                     hint=HINTS["numgrad_not_restored"])
    expect.array_close(got, 2 * before, rtol=1e-5, atol=1e-7,
                       what="numerical_gradient(sum(x²), x)")


@pytest.mark.unit("numerical_gradient")
def test_numerical_gradient_changes_x_itself(student, rng):
    weights = rng.normal(size=(2, 2))
    # The loss reads W itself, as the book's network does: what the student's code holds
    # as W when it calls the loss (the grader's own array never changes).
    loss = lambda _: float(np.sum(np.asarray(student.current(weights), dtype=float) ** 2))
    got = student.numerical_gradient(loss, weights)
    expect.array_close(got, 2 * weights, rtol=1e-6, atol=1e-8,
                       what="numerical_gradient(lambda W: loss(), W) where loss reads W itself",
                       hint=HINTS["numgrad_copy"])


def _gd(reference, f, init, lr, steps):
    return first_if_tuple(reference.gradient_descent(f, init.copy(), lr=lr, step_num=steps))


@pytest.mark.unit("gradient_descent")
def test_gradient_descent_matches_reference(student, reference):
    f = lambda v: float(v[0] ** 2 + 2 * v[1] ** 2)
    init = np.array([-3.0, 4.0])
    got = first_if_tuple(student.gradient_descent(f, init.copy(), lr=0.1, step_num=20))
    expect.array_close(got, _gd(reference, f, init, 0.1, 20), rtol=1e-6, atol=1e-9,
                       what="gradient_descent(x0² + 2·x1², [-3, 4], lr=0.1, step_num=20)",
                       diagnose=[(HINTS["gd_sign"], _gd(reference, f, init, -0.1, 20)),
                                 (HINTS["gd_lr"], _gd(reference, f, init, 0.01, 20))])


@pytest.mark.unit("gradient_descent")
def test_gradient_descent_uses_learning_rate(student, reference):
    f = lambda v: float(np.sum((v - 1.0) ** 2))
    init = np.array([0.0, 3.0, -2.0])
    got = first_if_tuple(student.gradient_descent(f, init.copy(), lr=0.05, step_num=10))
    expect.array_close(got, _gd(reference, f, init, 0.05, 10), rtol=1e-6, atol=1e-9,
                       what="gradient_descent(f, x, lr=0.05, step_num=10)", hint=HINTS["gd_lr"])

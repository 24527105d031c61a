"""Hidden checks for 03_learning."""

import numpy as np
import pytest

from autograder.grade.answers import grade_answer
from autograder.grade.checks import (
    call_with_hint,
    first_if_tuple,
    raised,
    rel_error,
    target_first,
)
from autograder.grade.session import StudentError
from autograder.i18n.messages import _
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
                            what=_("mean_squared_error(y, t) for shape {shape}").format(
                                shape=shape),
                            diagnose=[(HINTS["mse_half"], 2 * want),
                                      (HINTS["mse_mean"], 2 * want / y.size),
                                      (HINTS["mse_mean"], want / y.size)])


@pytest.mark.unit("cross_entropy_error")
def test_cross_entropy_error_one_hot_batch(student, reference, rng):
    y = _probabilities(rng, (5, 10))
    t = np.eye(10)[rng.integers(0, 10, size=5)]
    want = reference.cross_entropy_error(y, t)
    got = call_with_hint(student.cross_entropy_error, y, t, hint=HINTS["cee_batch_size_branch"],
                         when=BATCH_SIZE_IN_BRANCH)
    expect.number_close(got, want, rtol=1e-4,
                        what=_("cross_entropy_error(y, t) for a batch of 5 with one-hot t"),
                        diagnose=[(HINTS["cee_batch_mean"], want * 5),
                                  *_target_first(y, t)])


@pytest.mark.unit("cross_entropy_error")
def test_cross_entropy_error_labels(student, reference, rng):
    y = _probabilities(rng, (6, 4))
    t = rng.integers(0, 4, size=6)
    broadcast = raised("ValueError", says="could not be broadcast")
    got = call_with_hint(student.cross_entropy_error, y, t, hint=HINTS["cee_one_hot_only"],
                         when=lambda info: broadcast(info)
                         and not target_first(student.cross_entropy_error))
    want = reference.cross_entropy_error(y, t)
    expect.number_close(got, want, rtol=1e-4,
                        what=_("cross_entropy_error(y, t) with label indices t"),
                        diagnose=[(HINTS["cee_batch_mean"], want * 6)])


@pytest.mark.unit("cross_entropy_error")
def test_cross_entropy_error_one_sample(student, reference, rng):
    y = _probabilities(rng, (10,))
    t = np.eye(10)[3]
    want = reference.cross_entropy_error(y, t)
    got = call_with_hint(student.cross_entropy_error, y, t, hint=HINTS["cee_one_d"],
                         when=raised("IndexError", "AxisError"))
    expect.number_close(got, want, rtol=1e-4, what=_("cross_entropy_error(y, t) for one sample"),
                        diagnose=[(HINTS["cee_one_d"], want / 10)])


@pytest.mark.unit("cross_entropy_error")
def test_cross_entropy_error_exact_zeros(student, reference):
    y = np.array([[0.0, 1.0, 0.0], [0.25, 0.75, 0.0]])
    t = np.array([[0.0, 1.0, 0.0], [0.0, 1.0, 0.0]])
    want = reference.cross_entropy_error(y, t)
    swapped = _target_first(y, t)
    expect.number_close(student.cross_entropy_error(y, t), want, rtol=1e-4, atol=1e-6,
                        diagnose=lambda got: _log_of_zero(got) or _matching(got, swapped),
                        what=_("cross_entropy_error(y, t) when y is exactly 0 at wrong classes"))
    y_zero = np.array([[0.0, 0.5, 0.5]])
    got = student.cross_entropy_error(y_zero, np.array([[1.0, 0.0, 0.0]]))
    expect.that(expect.is_number(got) and np.isfinite(got) and got > 5,
                _("cross_entropy_error when the correct class has probability exactly 0: expected "
                  "a large finite loss, got {got}").format(got=expect.show(got)), _log_of_zero(got))


def _matching(got, pairs):
    """The hint of the first (hint, output) pair whose output `got` is."""
    for hint, candidate in pairs:
        if expect.is_number(got) and np.isclose(float(got), candidate, rtol=1e-5):
            return hint
    return None


def _log_of_zero(got):
    """np.log(0) without a delta: -inf, or nan where 0 * log(0) is computed."""
    return HINTS["cee_log_zero"] if expect.is_number(got) and not np.isfinite(got) else None


def _target_first(y, t):
    """What a cross-entropy that takes (t, y) gives when called as (y, t): the log of t."""
    with np.errstate(divide="ignore"):
        return [(HINTS["cee_target_first"], -np.sum(y * np.log(t + 1e-7)) / len(y)),
                (HINTS["cee_target_first"], -np.sum(y * np.log(t + 1e-7)))]


# cross_entropy_error that assigns batch_size only in the branch for one sample.
BATCH_SIZE_IN_BRANCH = raised("UnboundLocalError", "NameError", says="batch_size")


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
    h = 1e-4
    forward = np.array([(_bowl(c)(x + h * e) - _bowl(c)(x)) / h for e in np.eye(6)])
    expect.array_close(student.numerical_gradient(_bowl(c), x), want, rtol=1e-6, atol=1e-8,
                       what=_("numerical_gradient(f, x) for x of shape (6,)"),
                       diagnose=[(HINTS["forward_difference"], forward)])


@pytest.mark.unit("numerical_gradient")
def test_numerical_gradient_is_central(student):
    x = np.array([1.0, 2.0, -1.5])
    got = student.numerical_gradient(lambda v: float(np.sum(v ** 3)), x)
    expect.array_close(got, 3 * x ** 2, rtol=1e-3, what="numerical_gradient(sum(x³), x)")
    error = rel_error(got, 3 * x ** 2)
    h = 1e-4
    forward = 3 * x ** 2 + 3 * x * h + h ** 2  # ((x + h)³ - x³) / h
    expect.that(error < 1e-7, _("numerical_gradient(sum(x³)) has relative error {error:.1e} "
                                "against the exact gradient; a central difference gives about "
                                "1e-9").format(error=error),
                HINTS["forward_difference"]
                if np.allclose(got, forward, rtol=1e-3, atol=0) else None)


@pytest.mark.unit("numerical_gradient")
def test_numerical_gradient_any_shape(student, rng):
    for shape in ((2, 3), (2, 2, 2)):
        c = rng.random(shape) + 0.5
        x = rng.normal(size=shape)
        got = call_with_hint(student.numerical_gradient, lambda v, c=c: float(np.sum(c * v ** 2)),
                             x, hint=HINTS["numgrad_one_d"], when=_one_d_only(student))
        expect.array_close(got, 2 * c * x, rtol=1e-6, atol=1e-8,
                           what=_("numerical_gradient(f, x) for x of shape {shape}").format(
                               shape=shape))


@pytest.mark.unit("numerical_gradient")
def test_numerical_gradient_restores_x(student, rng):
    x = rng.normal(size=(2, 3))
    before = x.copy()
    got = call_with_hint(student.numerical_gradient, lambda v: float(np.sum(v ** 2)), x,
                         hint=HINTS["numgrad_one_d"], when=_one_d_only(student))
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
    got = call_with_hint(student.numerical_gradient, loss, weights,
                         hint=HINTS["numgrad_one_d"], when=_one_d_only(student))
    expect.array_close(got, 2 * weights, rtol=1e-6, atol=1e-8,
                       what=_("numerical_gradient(lambda W: loss(), W) where loss reads W itself"),
                       diagnose=[(HINTS["numgrad_copy"], np.zeros_like(weights))])


def _one_d_only(student):
    """Evidence for a numerical_gradient written for 1-D x only: it raised on a 2-D x
    (x[i] is then a whole row) and works on the same numbers as a 1-D array."""
    def explains(info):
        if info.get("type") not in ("TypeError", "ValueError", "IndexError"):
            return False
        x = np.array([0.5, -1.0, 2.0])
        try:
            got = student.numerical_gradient(lambda v: float(np.sum(np.asarray(v) ** 2)), x)
        except StudentError:
            return False
        return isinstance(got, np.ndarray) and np.allclose(got, 2 * x, rtol=1e-4)
    return explains


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
                       what="gradient_descent(f, x, lr=0.05, step_num=10)",
                       diagnose=[(HINTS["gd_lr"], _gd(reference, f, init, lr, 10))
                                 for lr in (0.01, 0.1, 0.001)]
                       + [(HINTS["gd_sign"], _gd(reference, f, init, -0.05, 10))])


# --- concept checks (確認テスト): the right answers and why, shown in the feedback only ----


@pytest.mark.unit("answer_cee_delta")
def test_answer_cee_delta_is_right(answers):
    grade_answer(answers, "answer_cee_delta", 'b', form="letter", example="'a'",
                 explain=_('np.log(0) is minus infinity: a predicted probability of exactly 0 for the right class would make the loss infinite (and its gradient nan). The tiny delta keeps every log finite and changes the loss of any other prediction almost not at all.'))


@pytest.mark.unit("answer_sgd_step")
def test_answer_sgd_step_is_right(answers):
    grade_answer(answers, "answer_sgd_step", 0.6, form="number", example="1.5",
                 explain=_('The update subtracts the learning rate times the gradient: 0.8 - 0.1 * 2.0 = 0.6. Gradient descent moves against the gradient, downhill.'))

"""Public tests for 03_learning: run `pytest 03_learning` or `check("numerical_gradient")`."""

import numpy as np
import pytest

from autograder.i18n.messages import _
from autograder.selfcheck import expect
from autograder.selfcheck.answers import expect_answered
from autograder.selfcheck.hints import HINTS

# The book's example (section 4.2): the network says "2" with probability 0.6.
Y = np.array([0.1, 0.05, 0.6, 0.0, 0.05, 0.1, 0.0, 0.1, 0.0, 0.0])
T = np.eye(10)[2]


@pytest.mark.unit("mean_squared_error")
def test_mean_squared_error_book_example(student):
    expect.number_close(student.mean_squared_error(Y, T), 0.0975,
                        what=_("mean_squared_error(y, t) for the book's example"),
                        hint=HINTS["mse_half"])


@pytest.mark.unit("cross_entropy_error")
def test_cross_entropy_error_book_example(student):
    expect.number_close(student.cross_entropy_error(Y, T), 0.510825457099338, rtol=1e-4,
                        what=_("cross_entropy_error(y, t) for the book's example (one-hot t)"),
                        hint=HINTS["cee_one_d"])


@pytest.mark.unit("cross_entropy_error")
def test_cross_entropy_error_exact_zeros(student):
    y = np.array([[0.0, 1.0, 0.0], [0.5, 0.5, 0.0]])
    t = np.array([[0.0, 1.0, 0.0], [1.0, 0.0, 0.0]])
    expect.number_close(student.cross_entropy_error(y, t), 0.34657344, rtol=1e-4,
                        what=_("cross_entropy_error when y holds exact zeros"),
                        hint=HINTS["cee_log_zero"])


@pytest.mark.unit("cross_entropy_error")
def test_cross_entropy_error_labels_and_batch_mean(student):
    y = np.array([[0.1, 0.7, 0.2], [0.3, 0.3, 0.4]])
    expect.number_close(student.cross_entropy_error(y, np.array([1, 2])), 0.636482641477893,
                        rtol=1e-4, what=_("cross_entropy_error(y, t) with labels t = [1, 2]"),
                        hint=HINTS["cee_one_hot_only"])
    expect.number_close(student.cross_entropy_error(y, np.eye(3)[[1, 2]]), 0.636482641477893,
                        rtol=1e-4, what=_("cross_entropy_error(y, t) with one-hot t (batch of 2)"),
                        hint=HINTS["cee_batch_mean"])


@pytest.mark.unit("numerical_diff")
def test_numerical_diff_book_example(student):
    expect.number_close(student.numerical_diff(lambda x: 0.01 * x ** 2 + 0.1 * x, 5.0), 0.2,
                        rtol=1e-6, what="numerical_diff(0.01x² + 0.1x, 5)")


@pytest.mark.unit("numerical_diff")
def test_numerical_diff_is_central(student):
    expect.number_close(student.numerical_diff(lambda x: x ** 3, 2.0), 12.0, rtol=1e-6,
                        what="numerical_diff(x³, 2)", hint=HINTS["forward_difference"])


@pytest.mark.unit("numerical_gradient")
def test_numerical_gradient_book_example(student):
    x = np.array([3.0, 4.0])
    expect.array_close(student.numerical_gradient(lambda v: v[0] ** 2 + v[1] ** 2, x),
                       [6.0, 8.0], rtol=1e-6, what="numerical_gradient(x0² + x1², [3, 4])",
                       hint=HINTS["forward_difference"])
    expect.unchanged(np.array([3.0, 4.0]), x, what="numerical_gradient",
                     hint=HINTS["numgrad_not_restored"])


@pytest.mark.unit("numerical_gradient")
def test_numerical_gradient_matrix(student):
    w = np.array([[1.0, -2.0, 0.5], [0.0, 3.0, -1.0]])
    expect.array_close(student.numerical_gradient(lambda v: np.sum(v ** 2), w), 2 * w,
                       rtol=1e-6, what=_("numerical_gradient(sum(w²)) for a (2, 3) w"),
                       hint=HINTS["numgrad_one_d"])


@pytest.mark.unit("numerical_gradient")
def test_numerical_gradient_changes_x_itself(student):
    w = np.array([[0.5, -1.0], [2.0, 0.25]])
    loss = lambda _: np.sum(w ** 2)  # the book's pattern: f ignores its argument
    expect.array_close(student.numerical_gradient(loss, w), 2 * w, rtol=1e-6,
                       what="numerical_gradient(lambda _: sum(w²), w)",
                       hint=HINTS["numgrad_copy"])


@pytest.mark.unit("gradient_descent")
def test_gradient_descent(student):
    got = student.gradient_descent(lambda v: v[0] ** 2 + v[1] ** 2, np.array([-3.0, 4.0]),
                                   lr=0.01, step_num=10)
    if isinstance(got, tuple):  # the book's repository also returns the history
        got = got[0]
    expect.array_close(got, [-2.4512184207, 3.2682912275], rtol=1e-6,
                       what="gradient_descent(x0² + x1², [-3, 4], lr=0.01, step_num=10)",
                       hint=HINTS["gd_lr"])


@pytest.mark.unit("gradient_descent")
def test_gradient_descent_reaches_the_minimum(student):
    got = student.gradient_descent(lambda v: v[0] ** 2 + v[1] ** 2, np.array([-3.0, 4.0]),
                                   lr=0.1, step_num=100)
    if isinstance(got, tuple):
        got = got[0]
    expect.array_close(got, [0.0, 0.0], atol=1e-6,
                       what="gradient_descent(x0² + x1², [-3, 4], lr=0.1, step_num=100)",
                       hint=HINTS["gd_sign"])


# --- concept checks: only the form of an answer (the grader checks its value) ----------


@pytest.mark.unit("answer_cee_delta")
def test_answer_cee_delta_is_answered(student):
    expect_answered(student, "answer_cee_delta", form="letter", example="'a'")


@pytest.mark.unit("answer_sgd_step")
def test_answer_sgd_step_is_answered(student):
    expect_answered(student, "answer_sgd_step", form="number", example="1.5")

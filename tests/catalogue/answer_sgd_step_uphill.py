"""The SGD step taken up the gradient: 0.8 + 0.1 * 2.0."""

UNIT = "answer_sgd_step"
HINT = None
REPLACES = "answer_sgd_step"
FAILS = ("answer_sgd_step_is_right",)

answer_sgd_step = 1.0

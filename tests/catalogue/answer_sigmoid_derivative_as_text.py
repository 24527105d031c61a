"""The right number written as text: the wrong form, one line, no traceback."""

UNIT = "answer_sigmoid_derivative_at_0"
HINT = None
REPLACES = "answer_sigmoid_derivative_at_0"
FAILS = ("answer_sigmoid_derivative_at_0_is_right",)

answer_sigmoid_derivative_at_0 = "0.25"

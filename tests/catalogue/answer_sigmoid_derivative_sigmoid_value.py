"""sigmoid(0) itself instead of its derivative there."""

UNIT = "answer_sigmoid_derivative_at_0"
HINT = None
REPLACES = "answer_sigmoid_derivative_at_0"
FAILS = ("answer_sigmoid_derivative_at_0_is_right",)

answer_sigmoid_derivative_at_0 = 0.5

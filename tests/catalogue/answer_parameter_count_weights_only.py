"""The weights counted, the biases forgotten."""

UNIT = "answer_parameter_count"
HINT = None
REPLACES = "answer_parameter_count"
FAILS = ("answer_parameter_count_is_right",)

answer_parameter_count = 30

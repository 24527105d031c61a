"""A concept check answered with the wrong reason: the delta makes the loss positive."""

UNIT = "answer_cee_delta"
HINT = None
REPLACES = "answer_cee_delta"
FAILS = ("answer_cee_delta_is_right",)

answer_cee_delta = "d"

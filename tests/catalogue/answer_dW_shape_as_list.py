"""The right shape as a list, not a tuple: the wrong form."""

UNIT = "answer_dW_shape"
HINT = None
REPLACES = "answer_dW_shape"
FAILS = ("answer_dW_shape_is_right",)

answer_dW_shape = [784, 50]

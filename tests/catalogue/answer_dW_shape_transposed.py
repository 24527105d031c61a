"""dW's shape transposed (the shape of dout.T @ x)."""

UNIT = "answer_dW_shape"
HINT = None
REPLACES = "answer_dW_shape"
FAILS = ("answer_dW_shape_is_right",)

answer_dW_shape = (50, 784)

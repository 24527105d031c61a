"""step_function written for one number with `if x > 0`: ambiguous for an array."""

UNIT = "step_function"
HINT = "scalar_if"
REPLACES = "step_function"
FAILS = ("step_function_values", "step_function_shape_and_dtype")


def step_function(x):
    if x > 0:
        return 1
    return 0

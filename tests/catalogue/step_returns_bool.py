"""step_function returning the boolean array of the book's first attempt."""

UNIT = "step_function"
HINT = "step_bool"
REPLACES = "step_function"
FAILS = ("step_function_shape_and_dtype",)


def step_function(x):
    return x > 0

"""step_function returning the boolean array of the book's first attempt."""

UNIT = "step_function"
HINT = "step_bool"
REPLACES = "step_function"


def step_function(x):
    return x > 0

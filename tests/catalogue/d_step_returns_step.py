"""d_step_function returning the step function's values instead of its derivative."""

UNIT = "d_step_function"
HINT = "d_step_values"
REPLACES = "d_step_function"
FAILS = ("d_step_function_values",)


def d_step_function(x):
    return (x > 0).astype(float)

"""d_mean_squared_error as 2 * (y - t): the derivative of sum((y - t)**2), forgetting the 1/2."""

UNIT = "d_mean_squared_error"
HINT = "d_mse_sign"
REPLACES = "d_mean_squared_error"
FAILS = ("d_mean_squared_error_matches_reference",)


def d_mean_squared_error(y, t):
    return 2 * (y - t)

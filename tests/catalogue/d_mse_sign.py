"""d_mean_squared_error as t - y: the derivative with the wrong sign."""

UNIT = "d_mean_squared_error"
HINT = "d_mse_sign"
REPLACES = "d_mean_squared_error"
FAILS = ("d_mean_squared_error_matches_reference",)


def d_mean_squared_error(y, t):
    return t - y

"""d_mean_squared_error(d, y) in the order of the Japanese study course: the target first."""

UNIT = "d_mean_squared_error"
HINT = "target_first"
REPLACES = "d_mean_squared_error"
FAILS = ("d_mean_squared_error_matches_reference",)


def d_mean_squared_error(d, y):
    return y - d

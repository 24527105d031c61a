"""d_mean_squared_error divided by the batch size, as if the loss were a batch mean."""

UNIT = "d_mean_squared_error"
HINT = "d_mse_batch"
REPLACES = "d_mean_squared_error"
FAILS = ("d_mean_squared_error_matches_reference",)


def d_mean_squared_error(y, t):
    return (y - t) / y.shape[0]

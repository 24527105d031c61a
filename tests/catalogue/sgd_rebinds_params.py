"""SGD.update making new arrays instead of changing params in place."""

UNIT = "SGD.update"
HINT = "sgd_in_place"
REPLACES = "SGD.update"
FAILS = ("SGD_update",)


def update(self, params, grads):
    for key in params:
        params[key] = params[key] - self.lr * grads[key]

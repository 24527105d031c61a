"""train(net, ...) whose body updates `network`, the notebook's global, not its argument."""

import numpy as np

UNIT = "train"
HINT = "train_global_network"
REPLACES = "train"
FAILS = ("train_uses_backprop", "train_updates_by_learning_rate_times_gradient",
         "train_history", "train_loss_falls", "train_reaches_accuracy_on_the_sample")


def train(net, x_train, t_train, x_test, t_test, iters_num=10000, batch_size=100,
          learning_rate=0.1, seed=None):
    rng = np.random.default_rng(seed)
    n = x_train.shape[0]
    per_epoch = max(n / batch_size, 1)
    history = {"train_loss": [], "train_acc": [], "test_acc": []}
    for i in range(iters_num):
        batch = rng.choice(n, batch_size)
        grad = network.gradient(x_train[batch], t_train[batch])  # noqa: F821 - a global
        for key in ("W1", "b1", "W2", "b2"):
            network.params[key] -= learning_rate * grad[key]  # noqa: F821
        history["train_loss"].append(network.loss(x_train[batch], t_train[batch]))  # noqa: F821
        if i % per_epoch == 0:
            history["train_acc"].append(network.accuracy(x_train, t_train))  # noqa: F821
            history["test_acc"].append(network.accuracy(x_test, t_test))  # noqa: F821
    return history

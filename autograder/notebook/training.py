"""Helpers for training experiments: BLAS threads, parameter dtypes, learning-curve plots."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any


@contextlib.contextmanager
def blas_threads(n: int = 1) -> Iterator[None]:
    """Limit numpy's BLAS library to `n` threads inside the block.

    The matrices of the book's networks are small (100 x 784 times 784 x 50); for them
    BLAS threads cost more in synchronisation than they gain. On 2 cores the chapter-5
    training loop runs about 10x faster with one thread than with the default.
    """
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=n, user_api="blas"):
        yield


def convert_params(network: Any, dtype: Any) -> None:
    """Convert the network's parameters to `dtype` (e.g. np.float32), keeping it trainable.

    The book's networks build their layers on the very arrays in `params`
    (`Affine(self.params["W1"], self.params["b1"])`), and in-place SGD relies on that: every
    layer attribute that holds one of the old arrays is pointed at its converted copy.
    network: has params (dict of ndarrays) and layers (dict of layer objects)
    """
    old = dict(network.params)  # keeps the originals alive while their ids are keys
    converted = {id(v): v.astype(dtype) for v in old.values() if v.dtype != dtype}
    for key, value in old.items():
        network.params[key] = converted.get(id(value), value)
    for layer in network.layers.values():
        for name, value in list(vars(layer).items()):
            if id(value) in converted:
                setattr(layer, name, converted[id(value)])


def plot_learning_curves(history: Mapping[str, Sequence[float]],
                         path: str | Path | None = None) -> Any:
    """Plot training loss per iteration and train/test accuracy per epoch.

    history: dict with "train_loss" (one float per iteration) and "train_acc",
             "test_acc" (one float per epoch), as `train` returns it
    path: if given, also save the figure there (PNG, SVG or PDF by the suffix)
    Returns: the matplotlib Figure
    """
    import matplotlib.pyplot as plt

    fig, (ax_loss, ax_acc) = plt.subplots(1, 2, figsize=(10, 4))
    ax_loss.plot(history["train_loss"], linewidth=0.7)
    ax_loss.set_xlabel("iteration")
    ax_loss.set_ylabel("training loss")
    ax_loss.set_title("Loss per mini-batch")
    epochs = range(len(history["train_acc"]))
    ax_acc.plot(epochs, history["train_acc"], marker="o", label="train")
    ax_acc.plot(epochs, history["test_acc"], marker="s", linestyle="--", label="test")
    ax_acc.set_xlabel("epoch")
    ax_acc.set_ylabel("accuracy")
    ax_acc.set_ylim(0, 1)
    ax_acc.legend(loc="lower right")
    ax_acc.set_title("Accuracy per epoch")
    fig.tight_layout()
    if path is not None:
        fig.savefig(path)
    return fig


def plot_losses(losses: Sequence[float], path: str | Path | None = None) -> Any:
    """Plot a learning curve: the loss of every training step, on a log scale.

    losses: one float per step, as `train_regression` returns them
    path: if given, also save the figure there (PNG, SVG or PDF by the suffix)
    Returns: the matplotlib Figure
    """
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 4))
    ax.plot(losses, linewidth=0.7)
    ax.set_yscale("log")
    ax.set_xlabel("step")
    ax.set_ylabel("loss")
    ax.set_title("Learning curve")
    fig.tight_layout()
    if path is not None:
        fig.savefig(path)
    return fig

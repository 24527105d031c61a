"""Training speed: the kit's reference training loop against the same loop in PyTorch (CPU).

What it measures
    The wall time of chapter 5's training run of *Deep Learning from Scratch*: TwoLayerNet
    784-50-10 (Affine-ReLU-Affine-softmax-cross-entropy, weights normal * 0.01, zero biases),
    mini-batch SGD, 10000 iterations of batch 100 at learning rate 0.1, the training loss of
    every mini-batch recorded after its update, and train and test accuracy once per epoch.

    - kit: the reference solutions, loaded with the grader's own loader: `train` from
      solutions/05_training/training.ipynb and `TwoLayerNet` from
      solutions/04_backprop/backprop.ipynb, run inside `blas_threads(1)` as the notebook runs
      them. float64 is the book's network as it is (np.random.randn weights); float32 is the
      same network with its parameters converted to float32 before training.
    - torch: the same network, loop and data in PyTorch, autograd for the gradient, plain
      SGD. It starts from the kit network's initial weights and draws the same mini-batches
      (the same `np.random.default_rng(seed).choice` calls as the kit's `train`). Timed with
      `torch.set_num_threads(1)`, and in float32 also with torch's default thread count.

    Each precision is compared with the same precision: "at equal accuracy" means the same
    arithmetic. In float64 both sides compute the same numbers, so their final accuracies
    agree to the last digit; float32 rounds differently along the way (a few thousandths of
    accuracy either way, like a different seed). The ratio is kit wall time / torch wall time
    at one thread each, per precision; the target is <= 0.8.

    Only the loop is timed (data loading, notebook loading and tensor conversion are not).
    Each side's final test accuracy is measured after the last iteration, outside the timing.

How to run
    python benchmarks/bench_training.py [--iters N] [--data sample|fashion] [--seed S]
                                        [--repeat R] [--kit-default-blas]

    --data fashion (the default) uses the full Fashion-MNIST (60000 / 10000 images) when it is
    on disk (e.g. Debian's dataset-fashion-mnist) and falls back to the bundled 9000 / 1000
    image sample, saying so. --repeat R runs every configuration R times, interleaved, and
    shows the fastest run (wall times on a shared machine vary from run to run).
    --kit-default-blas also times the kit with the BLAS library's default thread count.
    Without PyTorch (`pip install torch`) only the kit is timed.
"""

from __future__ import annotations

import argparse
import functools
import time
from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType
from typing import Any

import numpy as np

from autograder.grade.reference import load_reference
from autograder.notebook.training import blas_threads, convert_params

HIDDEN_SIZE = 50
BATCH_SIZE = 100
LEARNING_RATE = 0.1
WEIGHT_INIT_STD = 0.01
TARGET_RATIO = 0.8

Data = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]  # x_train, t_train, x_test, t_test


@dataclass
class Timing:
    side: str
    threads: str
    seconds: float
    iters: int
    test_acc: float  # whole test set, after the last iteration
    epochs: int  # accuracy evaluations in the loop (one per epoch)


def load_data(which: str) -> tuple[str, Data]:
    """The training data and a line naming it; full Fashion-MNIST only from local files."""
    from dataset import fashion_mnist
    from dataset.errors import DatasetNotFoundError
    from dataset.loader import locate
    from dataset.sample import load_sample

    if which == "fashion":
        try:
            if locate(fashion_mnist.SPEC):
                (x, t), (xt, tt) = fashion_mnist.load_fashion_mnist(normalize=True)
                return "full Fashion-MNIST", (x, t, xt, tt)
            reason = "no local copy (apt-get install dataset-fashion-mnist)"
        except DatasetNotFoundError as exc:
            reason = str(exc).split(". ")[0]
        print(f"Full Fashion-MNIST is not available ({reason}); using the bundled sample.")
    (x, t), (xt, tt) = load_sample(normalize=True)
    return "bundled Fashion-MNIST sample", (x, t, xt, tt)


def blas_thread_count() -> str:
    """numpy's BLAS libraries and their current thread limits, e.g. "1 (openblas)"."""
    from threadpoolctl import threadpool_info

    libs = [lib for lib in threadpool_info() if lib["user_api"] == "blas"]
    return ", ".join(f"{lib['num_threads']} ({lib['internal_api']})" for lib in libs) or "?"


def new_kit_network(seed: int, dtype: type[np.floating] = np.float64) -> Any:
    """The reference TwoLayerNet 784-50-10, initialised from np.random.seed(seed) as the book.

    dtype float32 converts the parameters after the book's initialisation (so both precisions
    start from the same weights) and points the layers at the converted arrays: the reference
    layers hold references to the arrays in `params`, which in-place SGD relies on.
    """
    two_layer_net = load_reference("04_backprop").namespace["TwoLayerNet"]
    np.random.seed(seed)
    network = two_layer_net(input_size=784, hidden_size=HIDDEN_SIZE, output_size=10,
                            weight_init_std=WEIGHT_INIT_STD)
    convert_params(network, dtype)
    return network


def time_kit(data: Data, iters: int, seed: int, threads: int | None,
             dtype: type[np.floating] = np.float64) -> Timing:
    """Run the reference `train`; threads=None leaves BLAS at its default thread count."""
    train: Callable[..., dict[str, list[float]]] = load_reference("05_training").namespace["train"]
    x_train, t_train, x_test, t_test = data
    network = new_kit_network(seed, dtype)

    def run() -> tuple[float, dict[str, list[float]], str]:
        used = blas_thread_count()
        start = time.perf_counter()
        history = train(network, x_train, t_train, x_test, t_test, iters_num=iters,
                        batch_size=BATCH_SIZE, learning_rate=LEARNING_RATE, seed=seed)
        return time.perf_counter() - start, history, used

    if threads is None:
        seconds, history, used = run()
        label = f"{used} default"
    else:
        with blas_threads(threads):
            seconds, history, used = run()
        label = f"{used} blas_threads"
    accuracy = float(network.accuracy(x_test, t_test))
    return Timing(f"kit {np.dtype(dtype).name}", label, seconds, iters, accuracy,
                  len(history["test_acc"]))


def time_torch(data: Data, initial: dict[str, np.ndarray], iters: int, seed: int,
               threads: int, dtype: type[np.floating] = np.float32) -> Timing:
    """The kit's loop in PyTorch (float32 unless told): same weights at start, same batches."""
    import torch
    import torch.nn.functional as F

    torch.set_num_threads(threads)
    x_train = torch.from_numpy(np.ascontiguousarray(data[0], dtype=dtype))
    t_train = torch.from_numpy(data[1].astype(np.int64))
    x_test = torch.from_numpy(np.ascontiguousarray(data[2], dtype=dtype))
    t_test = torch.from_numpy(data[3].astype(np.int64))
    params = [torch.from_numpy(initial[key].astype(dtype)).requires_grad_()
              for key in ("W1", "b1", "W2", "b2")]
    w1, b1, w2, b2 = params

    def predict(x: torch.Tensor) -> torch.Tensor:
        return torch.relu(x @ w1 + b1) @ w2 + b2

    def accuracy(x: torch.Tensor, t: torch.Tensor) -> float:
        with torch.no_grad():
            return float((predict(x).argmax(dim=1) == t).float().mean())

    # The reference train's loop, statement by statement.
    rng = np.random.default_rng(seed)
    train_size = x_train.shape[0]
    iter_per_epoch = max(train_size / BATCH_SIZE, 1)
    history: dict[str, list[float]] = {"train_loss": [], "train_acc": [], "test_acc": []}
    start = time.perf_counter()
    for i in range(iters):
        batch_mask = torch.from_numpy(rng.choice(train_size, BATCH_SIZE))
        # index_select is x_train[batch_mask], several times faster in torch 2.x on CPU.
        x_batch, t_batch = x_train.index_select(0, batch_mask), t_train.index_select(0, batch_mask)

        grads = torch.autograd.grad(F.cross_entropy(predict(x_batch), t_batch), params)
        with torch.no_grad():
            for param, grad in zip(params, grads):
                param -= LEARNING_RATE * grad
            history["train_loss"].append(float(F.cross_entropy(predict(x_batch), t_batch)))
        if i % iter_per_epoch == 0:
            history["train_acc"].append(accuracy(x_train, t_train))
            history["test_acc"].append(accuracy(x_test, t_test))
    seconds = time.perf_counter() - start
    return Timing(f"torch {np.dtype(dtype).name}", f"{threads} torch threads", seconds, iters,
                  accuracy(x_test, t_test), len(history["test_acc"]))


def import_torch() -> ModuleType | None:
    try:
        import torch
    except ImportError:
        return None
    return torch


def print_table(rows: list[Timing]) -> None:
    print(f"{'side':<22} {'threads':<28} {'wall s':>7} {'s/iter':>8} {'test acc':>8}")
    for r in rows:
        print(f"{r.side:<22} {r.threads:<28} {r.seconds:>7.2f} "
              f"{r.seconds / r.iters:>8.5f} {r.test_acc:>8.4f}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--iters", type=int, default=10000, help="iterations (book: 10000)")
    parser.add_argument("--data", choices=("fashion", "sample"), default="fashion")
    parser.add_argument("--seed", type=int, default=0,
                        help="np.random.seed for the weights and train's seed for the batches")
    parser.add_argument("--kit-default-blas", action="store_true",
                        help="also time the kit with BLAS at its default thread count")
    parser.add_argument("--repeat", type=int, default=1,
                        help="runs of each configuration, interleaved; the fastest is shown")
    args = parser.parse_args(argv)

    name, data = load_data(args.data)
    x_train, _, x_test, _ = data
    probe = new_kit_network(args.seed)
    print(f"data: {name}, {x_train.shape[0]} train / {x_test.shape[0]} test images "
          f"({x_train.dtype}); TwoLayerNet 784-{HIDDEN_SIZE}-10, {args.iters} iterations, "
          f"batch {BATCH_SIZE}, lr {LEARNING_RATE}, weight_init_std {WEIGHT_INIT_STD}, "
          f"seed {args.seed}")
    initial = {key: value.copy() for key, value in probe.params.items()}

    torch = import_torch()
    if torch is None:
        print("skipped PyTorch: not installed (pip install torch)")
    # (label, run) per configuration; the kit first, then its PyTorch counterpart.
    configs: list[tuple[str, Callable[[], Timing]]] = []
    for dtype in (np.float64, np.float32):
        precision = np.dtype(dtype).name
        configs.append((f"kit {precision}", functools.partial(
            time_kit, data, args.iters, args.seed, 1, dtype)))
        if torch is not None:
            configs.append((f"torch {precision}", functools.partial(
                time_torch, data, initial, args.iters, args.seed, 1, dtype)))
    if args.kit_default_blas:
        configs.append(("kit default BLAS", functools.partial(
            time_kit, data, args.iters, args.seed, None)))
    if torch is not None and torch.get_num_threads() != 1:
        default_threads = torch.get_num_threads()
        configs.append(("torch default threads", functools.partial(
            time_torch, data, initial, args.iters, args.seed, default_threads)))

    # Every configuration runs --repeat times, interleaved so that a slow spell of the machine
    # hits all of them alike; the table keeps the fastest run of each.
    rounds = [[run() for _, run in configs] for _ in range(args.repeat)]
    rows = {label: min(timings, key=lambda timing: timing.seconds)
            for (label, _), timings in zip(configs, zip(*rounds))}
    if torch is not None:
        torch.set_num_threads(default_threads if "torch default threads" in rows else 1)

    versions = f"numpy {np.__version__}" + (f", torch {torch.__version__}" if torch else "")
    print(f"{versions}; accuracy evaluations in the loop: {rows['kit float64'].epochs}; "
          f"best of {args.repeat} run(s) each")
    print_table(list(rows.values()))
    if torch is None:
        return
    for precision in ("float64", "float32"):
        kit, other = rows[f"kit {precision}"], rows[f"torch {precision}"]
        ratio = kit.seconds / other.seconds
        print(f"ratio kit / torch, {precision}, 1 thread each: {ratio:.2f} "
              f"(target <= {TARGET_RATIO}: {'met' if ratio <= TARGET_RATIO else 'NOT met'}); "
              f"test accuracy {kit.test_acc:.4f} vs {other.test_acc:.4f}")
    if "torch default threads" in rows:
        print(f"ratio kit float32 (1 BLAS thread) / torch float32 ({default_threads} threads, "
              f"its default): "
              f"{rows['kit float32'].seconds / rows['torch default threads'].seconds:.2f}")


if __name__ == "__main__":
    main()

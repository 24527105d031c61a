"""Rebuild the bundled sample in dataset/data/ from the full Fashion-MNIST.

    python -m dataset.make_sample [--source DIR] [--out DIR]

Selection rule: from each split, the first TRAIN_PER_CLASS (training) or
TEST_PER_CLASS (test) images of every class, in file order, keeping that
order.  No randomness, so the same source always gives the same sample; the
gzip output has mtime 0 and no file name, so with the same zlib it is the
same bytes too.  The source's decompressed bytes are checked against the
upstream release before anything is written.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import sys
from pathlib import Path

import numpy as np

from dataset.fashion_mnist import DEBIAN_DIR
from dataset.idx import write_idx
from dataset.loader import find_files
from dataset.sample import SAMPLE_DIR, TEST_PER_CLASS, TRAIN_PER_CLASS
from dataset.spec import FILES, TEST_IMAGES, TEST_LABELS, TRAIN_IMAGES, TRAIN_LABELS
from dataset.splits import NUM_CLASSES, decode_splits

__all__ = ["UPSTREAM_RAW_MD5", "build", "main", "select_first_per_class", "select_sample"]

# MD5 of each file of Zalando's release after gunzip.  Debian's package
# recompressed the files (so their .gz checksums differ from the published
# ones) but these decompressed checksums match it.
UPSTREAM_RAW_MD5 = {
    TRAIN_IMAGES: "f4a8712d7a061bf5bd6d2ca38dc4d50a",
    TRAIN_LABELS: "9018921c3c673c538a1fc5bad174d6f9",
    TEST_IMAGES: "8181f5470baa50b63fa0f6fddb340f0a",
    TEST_LABELS: "15d484375f8d13e6eb1aabb0c3f46965",
}


def select_first_per_class(labels: np.ndarray, per_class: int) -> np.ndarray:
    """Indices of the first `per_class` items of each class, in ascending order.

    Inputs:
    - labels: (N,) integer class labels in [0, NUM_CLASSES).
    Raises ValueError if some class has fewer than `per_class` items.
    """
    chosen = []
    for c in range(NUM_CLASSES):
        where = np.flatnonzero(labels == c)
        if len(where) < per_class:
            raise ValueError(f"class {c} has only {len(where)} items, {per_class} wanted")
        chosen.append(where[:per_class])
    return np.sort(np.concatenate(chosen))


def _read_upstream(paths: dict[str, Path]) -> dict[str, bytes]:
    data = {}
    for name, path in paths.items():
        raw = path.read_bytes()
        if raw[:2] == b"\x1f\x8b":
            raw = gzip.decompress(raw)
        actual = hashlib.md5(raw, usedforsecurity=False).hexdigest()
        if actual != UPSTREAM_RAW_MD5[name]:
            raise ValueError(
                f"{path}: decompressed MD5 {actual} is not the upstream "
                f"{UPSTREAM_RAW_MD5[name]}; refusing to build the sample from it"
            )
        data[name] = raw
    return data


def select_sample(source: Path = DEBIAN_DIR) -> dict[str, np.ndarray]:
    """The sample's four arrays, by standard file name, chosen from `source`.

    Returns images (N, 28, 28) uint8 and labels (N,) uint8 with N = 9000
    (training) and 1000 (test).  Raises FileNotFoundError or ValueError if
    `source` is not the upstream Fashion-MNIST.
    """
    paths, missing = find_files(source)
    if missing:
        raise FileNotFoundError(f"{source} lacks {', '.join(missing)}")
    raw = decode_splits(_read_upstream(paths), {name: str(p) for name, p in paths.items()})
    train = select_first_per_class(raw.t_train, TRAIN_PER_CLASS)
    test = select_first_per_class(raw.t_test, TEST_PER_CLASS)
    return {
        TRAIN_IMAGES: raw.x_train[train],
        TRAIN_LABELS: raw.t_train[train],
        TEST_IMAGES: raw.x_test[test],
        TEST_LABELS: raw.t_test[test],
    }


def build(source: Path = DEBIAN_DIR, out: Path = SAMPLE_DIR) -> dict[str, int]:
    """Write the four sample files into `out`; return their sizes in bytes by name."""
    arrays = select_sample(source)
    out.mkdir(parents=True, exist_ok=True)
    for name in FILES:
        write_idx(out / name, arrays[name])
    return {name: (out / name).stat().st_size for name in FILES}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m dataset.make_sample", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--source", type=Path, default=DEBIAN_DIR,
                        help="directory with the full Fashion-MNIST (default: %(default)s)")
    parser.add_argument("--out", type=Path, default=SAMPLE_DIR,
                        help="where to write the sample (default: %(default)s)")
    args = parser.parse_args(argv)
    try:
        sizes = build(args.source, args.out)
    except (OSError, ValueError) as exc:
        print(f"make_sample: {exc}", file=sys.stderr)
        return 1
    for name, size in sizes.items():
        print(f"{args.out / name}: {size} bytes")
    print(f"total: {sum(sizes.values())} bytes, {TRAIN_PER_CLASS * NUM_CLASSES} training and "
          f"{TEST_PER_CLASS * NUM_CLASSES} test images")
    return 0


if __name__ == "__main__":
    sys.exit(main())

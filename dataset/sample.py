"""A small, class-balanced Fashion-MNIST subset that ships with the kit.

It needs no download and no system package, so notebooks and the grader
work on any machine.  The files in dataset/data/ have the standard names and
format and were made by ``python -m dataset.make_sample``; see
dataset/README.md for their provenance and licence.
"""

from __future__ import annotations

from pathlib import Path

from dataset.convert import Split, to_book_format
from dataset.errors import DatasetNotFoundError
from dataset.loader import find_files
from dataset.splits import read_splits

__all__ = ["SAMPLE_DIR", "TEST_PER_CLASS", "TRAIN_PER_CLASS", "load_sample"]

SAMPLE_DIR = Path(__file__).resolve().parent / "data"
# Sized so the four files stay well under 5 MB (about 440 bytes per image gzipped).
TRAIN_PER_CLASS = 900
TEST_PER_CLASS = 100


def load_sample(
    normalize: bool = True, flatten: bool = True, one_hot_label: bool = False
) -> tuple[Split, Split]:
    """Load the bundled Fashion-MNIST sample; options as in load_mnist.

    Returns ((x_train, t_train), (x_test, t_test)) with
    - x_train: (9000, 784) float32 in [0, 1] with the defaults, 900 per class.
    - t_train: (9000,) uint8 in [0, 9]; dataset.fashion_mnist.CLASS_NAMES names them.
    - x_test: (1000, 784), t_test: (1000,), 100 per class.
    Images keep their order in the original files.
    """
    found, missing = find_files(SAMPLE_DIR)
    if missing:
        # Only a broken installation gets here, so say that rather than
        # pointing at downloads.
        raise DatasetNotFoundError(
            f"The bundled Fashion-MNIST sample is incomplete: {', '.join(missing)} "
            f"missing from {SAMPLE_DIR}. Reinstall scratchgrad, or rebuild the files with "
            "`python -m dataset.make_sample` on a machine with dataset-fashion-mnist installed."
        )
    return to_book_format(read_splits(found), normalize, flatten, one_hot_label)

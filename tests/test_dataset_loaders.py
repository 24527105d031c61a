"""Where the loaders look for files, what they return, and what importing costs.

Every dataset here is a small one generated into tmp_path; the real
Fashion-MNIST and the bundled sample have their own test files.
"""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from dataset import fashion_mnist, mnist
from dataset.errors import DatasetNotFoundError, IDXFormatError
from dataset.idx import write_idx
from dataset.loader import cache_dir, locate
from dataset.spec import FILES, TEST_IMAGES, TEST_LABELS, TRAIN_IMAGES, TRAIN_LABELS

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def isolated_env(tmp_path, monkeypatch) -> Path:
    """Cache in tmp_path; no directory, and only a dead mirror, from the environment."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("SCRATCHGRAD_MNIST_DIR", raising=False)
    monkeypatch.delenv("SCRATCHGRAD_FASHION_MNIST_DIR", raising=False)
    # Port 9 (discard) on loopback: if a test wrongly falls through to a
    # download it fails fast instead of reaching the internet.
    monkeypatch.setenv("SCRATCHGRAD_DATASET_MIRROR", "http://127.0.0.1:9/")
    return tmp_path / "cache"


def make_dataset(directory: Path, n_train: int = 20, n_test: int = 10, seed: int = 0,
                 gz: bool = True) -> dict[str, np.ndarray]:
    """Write a small valid dataset; n_train tells datasets apart in lookup tests."""
    rng = np.random.default_rng(seed)
    arrays = {
        TRAIN_IMAGES: rng.integers(0, 256, (n_train, 28, 28), dtype=np.uint8),
        TRAIN_LABELS: rng.permutation(np.arange(n_train) % 10).astype(np.uint8),
        TEST_IMAGES: rng.integers(0, 256, (n_test, 28, 28), dtype=np.uint8),
        TEST_LABELS: rng.permutation(np.arange(n_test) % 10).astype(np.uint8),
    }
    directory.mkdir(parents=True, exist_ok=True)
    arrays[TRAIN_IMAGES][0, 0, 0] = 0  # so the full 0..255 range is present
    arrays[TRAIN_IMAGES][0, 0, 1] = 255
    for name, array in arrays.items():
        write_idx(directory / (name if gz else name.removesuffix(".gz")), array)
    return arrays


def n_train(result) -> int:
    (x_train, _), _ = result
    return len(x_train)


# --- lookup order --------------------------------------------------------------------------


def test_lookup_order(tmp_path, monkeypatch, isolated_env):
    system = tmp_path / "system"
    monkeypatch.setattr(fashion_mnist, "SPEC",
                        dataclasses.replace(fashion_mnist.SPEC, system_dirs=(system,)))
    make_dataset(system, n_train=14)
    assert n_train(fashion_mnist.load_fashion_mnist()) == 14

    make_dataset(isolated_env / "scratchgrad" / "fashion-mnist", n_train=13)
    assert n_train(fashion_mnist.load_fashion_mnist()) == 13

    make_dataset(tmp_path / "env", n_train=12)
    monkeypatch.setenv("SCRATCHGRAD_FASHION_MNIST_DIR", str(tmp_path / "env"))
    assert n_train(fashion_mnist.load_fashion_mnist()) == 12

    make_dataset(tmp_path / "arg", n_train=11)
    assert n_train(fashion_mnist.load_fashion_mnist(data_dir=tmp_path / "arg")) == 11
    assert n_train(fashion_mnist.load_fashion_mnist(data_dir=str(tmp_path / "arg"))) == 11


def test_mnist_reads_its_own_env_var_and_cache(tmp_path, monkeypatch, isolated_env):
    make_dataset(isolated_env / "scratchgrad" / "mnist", n_train=13)
    assert n_train(mnist.load_mnist()) == 13
    make_dataset(tmp_path / "env", n_train=12)
    monkeypatch.setenv("SCRATCHGRAD_FASHION_MNIST_DIR", str(tmp_path / "nowhere"))
    monkeypatch.setenv("SCRATCHGRAD_MNIST_DIR", str(tmp_path / "env"))
    assert n_train(mnist.load_mnist()) == 12


def test_incomplete_explicit_directory_is_an_error_not_a_fallback(tmp_path, monkeypatch,
                                                                  isolated_env):
    make_dataset(isolated_env / "scratchgrad" / "mnist")  # would be used otherwise
    partial = tmp_path / "partial"
    make_dataset(partial)
    (partial / TEST_LABELS).unlink()
    with pytest.raises(DatasetNotFoundError) as info:
        mnist.load_mnist(data_dir=partial)
    message = str(info.value)
    assert f"{partial} (from data_dir) lacks {TEST_LABELS}" in message
    assert "\n" not in message

    monkeypatch.setenv("SCRATCHGRAD_MNIST_DIR", str(tmp_path / "typo"))
    with pytest.raises(DatasetNotFoundError, match=r"\$SCRATCHGRAD_MNIST_DIR"):
        mnist.load_mnist()


def test_empty_env_var_is_ignored(monkeypatch, isolated_env):
    make_dataset(isolated_env / "scratchgrad" / "mnist", n_train=13)
    monkeypatch.setenv("SCRATCHGRAD_MNIST_DIR", "")
    assert n_train(mnist.load_mnist()) == 13


def test_cache_dir_follows_xdg_and_ignores_a_relative_value(tmp_path, monkeypatch):
    assert cache_dir(mnist.SPEC) == tmp_path / "cache" / "scratchgrad" / "mnist"
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/cache")
    assert cache_dir(fashion_mnist.SPEC) == (
        tmp_path / "home" / ".cache" / "scratchgrad" / "fashion-mnist")
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert cache_dir(mnist.SPEC) == tmp_path / "home" / ".cache" / "scratchgrad" / "mnist"


def test_gunzipped_files_are_accepted(tmp_path):
    arrays = make_dataset(tmp_path / "raw", gz=False)
    assert sorted(p.name for p in (tmp_path / "raw").iterdir()) == sorted(
        name.removesuffix(".gz") for name in FILES)
    (x_train, _), _ = mnist.load_mnist(normalize=False, data_dir=tmp_path / "raw")
    np.testing.assert_array_equal(x_train, arrays[TRAIN_IMAGES].reshape(-1, 784))


def test_locate_returns_nothing_when_only_a_download_would_help(monkeypatch):
    monkeypatch.setattr(fashion_mnist, "SPEC",
                        dataclasses.replace(fashion_mnist.SPEC, system_dirs=()))
    assert locate(fashion_mnist.SPEC) == {}


# --- corrupt local files -------------------------------------------------------------------


def test_corrupt_cached_file_names_it_and_says_how_to_recover(isolated_env):
    target = isolated_env / "scratchgrad" / "mnist"
    make_dataset(target)
    data = (target / TRAIN_IMAGES).read_bytes()
    (target / TRAIN_IMAGES).write_bytes(data[: len(data) // 2])
    before = sorted(target.iterdir())
    with pytest.raises(IDXFormatError, match="delete this cached file") as info:
        mnist.load_mnist()
    assert info.value.path == str(target / TRAIN_IMAGES)
    assert sorted(target.iterdir()) == before  # nothing added, nothing half-written


@pytest.mark.parametrize(
    ("name", "array", "problem"),
    [
        (TRAIN_LABELS, np.zeros(19, np.uint8), "19 labels but"),
        (TEST_LABELS, np.full(10, 255, np.uint8), "label 255 out of range"),
        (TEST_IMAGES, np.zeros((10, 28, 27), np.uint8), "expected 28x28"),
        (TRAIN_IMAGES, np.zeros((20, 784), np.uint8), "magic number"),
    ],
)
def test_inconsistent_files_are_refused(tmp_path, name, array, problem):
    make_dataset(tmp_path)
    write_idx(tmp_path / name, array)
    with pytest.raises(IDXFormatError, match=problem) as info:
        mnist.load_mnist(data_dir=tmp_path)
    assert info.value.path == str(tmp_path / name)


def test_gunzipped_name_is_the_fallback_and_is_named_in_errors(tmp_path):
    make_dataset(tmp_path)
    (tmp_path / TEST_IMAGES).unlink()
    (tmp_path / TEST_IMAGES).mkdir()  # exists, but is no file, so it is skipped
    (tmp_path / TEST_IMAGES.removesuffix(".gz")).write_bytes(b"")
    with pytest.raises(IDXFormatError, match="too short") as info:
        mnist.load_mnist(data_dir=tmp_path)
    assert info.value.path.endswith("t10k-images-idx3-ubyte")


# --- the book's options --------------------------------------------------------------------


def book_load_mnist(arrays, normalize, flatten, one_hot_label):
    """The conversion steps of the book's dataset/mnist.py, transcribed."""
    dataset = {
        "train_img": arrays[TRAIN_IMAGES].reshape(-1, 784),
        "train_label": arrays[TRAIN_LABELS],
        "test_img": arrays[TEST_IMAGES].reshape(-1, 784),
        "test_label": arrays[TEST_LABELS],
    }
    if normalize:
        for key in ("train_img", "test_img"):
            dataset[key] = dataset[key].astype(np.float32)
            dataset[key] /= 255.0
    if one_hot_label:
        for key in ("train_label", "test_label"):
            t = np.zeros((dataset[key].size, 10))
            for idx, row in enumerate(t):
                row[dataset[key][idx]] = 1
            dataset[key] = t
    if not flatten:
        for key in ("train_img", "test_img"):
            dataset[key] = dataset[key].reshape(-1, 1, 28, 28)
    return ((dataset["train_img"], dataset["train_label"]),
            (dataset["test_img"], dataset["test_label"]))


@pytest.mark.parametrize("normalize", [True, False])
@pytest.mark.parametrize("flatten", [True, False])
@pytest.mark.parametrize("one_hot_label", [True, False])
def test_options_match_the_book_exactly(tmp_path, normalize, flatten, one_hot_label):
    arrays = make_dataset(tmp_path)
    got = mnist.load_mnist(normalize=normalize, flatten=flatten, one_hot_label=one_hot_label,
                           data_dir=tmp_path)
    want = book_load_mnist(arrays, normalize, flatten, one_hot_label)
    for got_split, want_split in zip(got, want):
        for g, w in zip(got_split, want_split):
            assert g.dtype == w.dtype and g.shape == w.shape
            np.testing.assert_array_equal(g, w)
            assert g.flags.writeable

    (x_train, t_train), (x_test, t_test) = got
    assert x_train.shape == ((20, 784) if flatten else (20, 1, 28, 28))
    assert x_test.shape[0] == 10
    if normalize:
        assert x_train.dtype == np.float32
        assert x_train.min() == 0.0 and x_train.max() == 1.0
    else:
        assert x_train.dtype == np.uint8 and x_train.max() == 255
    if one_hot_label:
        assert t_train.shape == (20, 10) and t_train.dtype == np.float64
        np.testing.assert_array_equal(t_train.sum(axis=1), 1)
        np.testing.assert_array_equal(t_test.argmax(axis=1), arrays[TEST_LABELS])
    else:
        assert t_train.shape == (20,) and t_train.dtype == np.uint8


def test_results_are_independent_copies(tmp_path):
    make_dataset(tmp_path)
    (x1, t1), _ = mnist.load_mnist(normalize=False, data_dir=tmp_path)
    x1[:] = 7
    t1[:] = 7
    (x2, t2), _ = mnist.load_mnist(normalize=False, data_dir=tmp_path)
    assert not (x2 == 7).all() and not (t2 == 7).all()


def test_class_names():
    assert fashion_mnist.CLASS_NAMES == (
        "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
        "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot")


# --- importing ------------------------------------------------------------------------------


def test_import_is_cheap_and_has_no_side_effects(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    script = (
        "import json, sys\n"
        "import dataset\n"
        "light = 'numpy' not in sys.modules\n"
        "import dataset.mnist, dataset.fashion_mnist, dataset.sample, dataset.download\n"
        "print(json.dumps({'light': light, 'urllib': 'urllib.request' in sys.modules,\n"
        "                  'lazy': dataset.load_sample is dataset.sample.load_sample,\n"
        "                  'names': len(dataset.CLASS_NAMES)}))\n"
    )
    env = {"PATH": "/usr/bin:/bin", "HOME": str(home),
           "XDG_CACHE_HOME": str(tmp_path / "cache"), "PYTHONPATH": str(ROOT)}
    out = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, env=env,
                         capture_output=True, text=True, check=True)
    assert json.loads(out.stdout) == {"light": True, "urllib": False, "lazy": True, "names": 10}
    assert list(home.iterdir()) == [] and not (tmp_path / "cache").exists()


def test_unknown_attribute_is_an_attribute_error():
    import dataset

    with pytest.raises(AttributeError, match="no_such_thing"):
        dataset.no_such_thing  # noqa: B018
    assert "load_mnist" in dir(dataset)

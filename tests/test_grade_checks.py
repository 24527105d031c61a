"""The hidden checks' gradient tools: sparse numeric gradients and their comparison."""

import numpy as np
import pytest

from autograder.grade.checks import (
    expect_gradient_at,
    numeric_gradient,
    sample_indexes,
)
from autograder.selfcheck.expect import CheckFailed


def test_sample_indexes_are_distinct_valid_and_seeded():
    shape = (4, 5)
    first = sample_indexes(np.random.default_rng(3), shape, 6)
    assert len(first) == len(set(first)) == 6
    assert all(0 <= i < 4 and 0 <= j < 5 for i, j in first)
    assert first == sample_indexes(np.random.default_rng(3), shape, 6)


def test_sample_indexes_take_everything_from_a_small_array():
    assert sample_indexes(np.random.default_rng(0), (2,), 3) == [(0,), (1,)]


def test_sparse_numeric_gradient_computes_only_the_chosen_entries():
    x = np.random.default_rng(1).normal(size=(3, 4))
    before = x.copy()
    indexes = [(0, 1), (2, 3)]
    grad = numeric_gradient(lambda: float(np.sum(x ** 3)), x, indexes=indexes)
    for idx in indexes:
        assert grad[idx] == pytest.approx(3 * before[idx] ** 2, rel=1e-6)
    assert np.isnan(grad).sum() == x.size - len(indexes)
    assert np.array_equal(x, before)  # every perturbation was undone


def test_expect_gradient_at_accepts_the_gradient_and_rejects_a_wrong_one():
    x = np.random.default_rng(2).normal(size=(3, 4))
    indexes = sample_indexes(np.random.default_rng(0), x.shape, 5)
    numeric = numeric_gradient(lambda: float(np.sum(x ** 3)), x, indexes=indexes)
    expect_gradient_at(3 * x ** 2, numeric, indexes, what="d sum(x^3)")
    with pytest.raises(CheckFailed, match="d sum"):
        expect_gradient_at(2 * x, numeric, indexes, what="d sum(x^3)")
    with pytest.raises(CheckFailed, match="expected shape"):
        expect_gradient_at((3 * x ** 2).T, numeric, indexes, what="d sum(x^3)")


def test_convert_params_keeps_the_layers_on_the_params():
    from autograder.grade.reference import load_reference
    from autograder.notebook.training import convert_params

    np.random.seed(0)
    net = load_reference("04_backprop").namespace["TwoLayerNet"](4, 3, 2)
    before = {k: v.copy() for k, v in net.params.items()}
    convert_params(net, np.float32)
    assert all(v.dtype == np.float32 for v in net.params.values())
    assert all(np.array_equal(net.params[k], before[k].astype(np.float32)) for k in before)
    assert net.layers["Affine1"].W is net.params["W1"] and net.layers["Affine2"].b is net.params["b2"]
    net.params["W1"] -= 1.0  # an SGD step in place reaches the layer
    assert np.array_equal(net.layers["Affine1"].W, net.params["W1"])

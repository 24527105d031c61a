"""Hidden checks for 02_forward."""

import numpy as np
import pytest

from autograder.grade.checks import call_with_hint, raised, rounded
from autograder.i18n.messages import _
from autograder.selfcheck import expect
from autograder.selfcheck.hints import HINTS

# An `if x > 0:` written for one number, given an array.
SCALAR_IF = raised("ValueError", says="truth value of an array")


def _lost_precision(want):
    return rounded(want, HINTS["rounded_output"], HINTS["truncated_to_int"])


@pytest.mark.unit("step_function")
def test_step_function_values(student, rng):
    x = rng.normal(size=12)
    x[[2, 7]] = 0.0
    got = call_with_hint(student.step_function, x,
                         hint=HINTS["scalar_if"].format(unit="step_function"), when=SCALAR_IF)
    expect.array_close(got, (x > 0).astype(int), what=_("step_function(x) with some x == 0"),
                       diagnose={HINTS["step_at_zero"]: (x >= 0).astype(int)})


@pytest.mark.unit("step_function")
def test_step_function_shape_and_dtype(student, rng):
    x = rng.normal(size=(3, 4, 2))
    got = call_with_hint(student.step_function, x,
                         hint=HINTS["scalar_if"].format(unit="step_function"), when=SCALAR_IF)
    expect.array_close(got, (x > 0).astype(int),
                       what=_("step_function(x) for x of shape (3, 4, 2)"))
    expect.that(got.dtype != bool, _("step_function returned {got}").format(got=expect.kind(got)),
                HINTS["step_bool"])


@pytest.mark.unit("sigmoid")
def test_sigmoid_matches_reference(student, reference, rng):
    for x in (rng.normal(scale=3, size=7), rng.normal(scale=3, size=(4, 5))):
        want = reference.sigmoid(x)
        expect.array_close(student.sigmoid(x), want,
                           what=_("sigmoid(x) for x of shape {shape}").format(shape=x.shape),
                           diagnose=[(HINTS["sigmoid_formula"], 1 / (1 + np.exp(x))),
                                     *_lost_precision(want)])


@pytest.mark.unit("sigmoid")
def test_sigmoid_extreme_inputs(student):
    x = np.array([-1000.0, -50.0, 0.0, 50.0, 1000.0])
    with np.errstate(over="ignore"):
        want = 1 / (1 + np.exp(-x))
    expect.array_close(student.sigmoid(x), want, what="sigmoid([-1000, -50, 0, 50, 1000])",
                       nan_hint=HINTS["sigmoid_overflow"])


@pytest.mark.unit("relu")
def test_relu_matches_reference(student, reference, rng):
    x = rng.normal(size=(5, 6))
    got = call_with_hint(student.relu, x, hint=HINTS["relu_np_max"],
                         when=raised("TypeError", "AxisError",
                                     says="integer scalar arrays can be converted"))
    expect.array_close(got, reference.relu(x), what=_("relu(x) for x of shape (5, 6)"))


@pytest.mark.unit("relu")
def test_relu_leaves_its_input_alone(student, rng):
    x = rng.normal(size=(4, 4))
    before = x.copy()
    got = call_with_hint(student.relu, x, hint=HINTS["relu_np_max"],
                         when=raised("TypeError", "AxisError",
                                     says="integer scalar arrays can be converted"))
    expect.unchanged(before, student.current(x), what="relu", hint=HINTS["relu_in_place"])
    expect.array_close(got, np.maximum(0, before), what="relu(x)")


@pytest.mark.unit("identity_function")
def test_identity_function_returns_its_input(student, rng):
    x = rng.normal(size=(3, 2))
    expect.array_close(student.identity_function(x.copy()), x, what="identity_function(x)",
                       diagnose=_lost_precision(x))


def _global_softmax(x):
    e = np.exp(x - np.max(x))
    return e / np.sum(e)


@pytest.mark.unit("softmax")
def test_softmax_one_sample(student, reference, rng):
    x = rng.normal(scale=2, size=10)
    got = call_with_hint(student.softmax, x, hint=HINTS["softmax_one_sample"],
                         when=raised("AxisError", "IndexError", says="axis 1"))
    expect.array_close(got, reference.softmax(x), what=_("softmax(x) of one sample"))


@pytest.mark.unit("softmax")
def test_softmax_rows_of_a_batch(student, reference, rng):
    x = rng.normal(scale=2, size=(6, 10))
    x[1] += 5.0  # rows on different scales expose a max or sum over the whole batch
    expect.array_close(student.softmax(x), reference.softmax(x),
                       what=_("softmax(x) of a batch of shape (6, 10)"),
                       diagnose=[(HINTS["softmax_global"], _global_softmax(x)),
                                 (HINTS["softmax_global"],
                                  np.exp(x - x.max(axis=-1, keepdims=True))
                                  / np.sum(np.exp(x - x.max(axis=-1, keepdims=True))))])


@pytest.mark.unit("softmax")
def test_softmax_large_inputs(student, reference, rng):
    x = 1000.0 + rng.normal(scale=10, size=(3, 5))
    # float32 inputs near 1000 are only good to about 6e-5, hence rtol=1e-4
    expect.array_close(student.softmax(x), reference.softmax(x), rtol=1e-4, atol=1e-7,
                       what=_("softmax(x) for values around 1000"),
                       nan_hint=HINTS["softmax_overflow"])


@pytest.mark.unit("softmax")
def test_softmax_leaves_its_input_alone(student, reference, rng):
    x = rng.normal(size=(3, 4))
    before = x.copy()
    got = student.softmax(x)
    expect.unchanged(before, student.current(x), what="softmax", hint=HINTS["softmax_in_place"])
    expect.array_close(got, reference.softmax(before), what="softmax(x)")


@pytest.mark.unit("init_network")
def test_init_network_book_values(student, reference):
    got, want = student.init_network(), reference.init_network()
    expect.that(isinstance(got, dict) and sorted(got) == sorted(want),
                _("init_network(): expected a dict with keys {keys}, got {got}").format(
                    keys=sorted(want),
                    got=expect.show(sorted(got) if isinstance(got, dict) else got)))
    for key in want:
        reordered = np.reshape(np.transpose(want[key]), np.shape(want[key]))
        expect.array_close(got[key], want[key], what=f"init_network()[{key!r}]",
                           diagnose=[(HINTS["init_network_values"], np.transpose(want[key])),
                                     (HINTS["init_network_values"], reordered)])


@pytest.mark.unit("forward")
def test_forward_book_example(student, reference):
    network = reference.init_network()
    x = np.array([1.0, 0.5])
    expect.array_close(student.forward(network, x),
                       [0.31682707641102981, 0.69627908986442101],
                       what="forward(init_network(), [1.0, 0.5])",
                       diagnose=_forward_mistakes(reference, network, x))


@pytest.mark.unit("forward")
def test_forward_matches_reference(student, reference, rng):
    shapes = {"W1": (2, 3), "b1": (3,), "W2": (3, 2), "b2": (2,), "W3": (2, 2), "b3": (2,)}
    network = {k: rng.normal(size=s) for k, s in shapes.items()}
    x = rng.normal(size=(5, 2))
    want = reference.forward(network, x)
    expect.array_close(student.forward(network, x), want,
                       what=_("forward(network, x) for random weights and a batch of 5"),
                       diagnose=_forward_mistakes(reference, network, x))


def _forward_mistakes(reference, network, x):
    """What forward(network, x) gives with each known mistake: (hint, that output)."""
    def run(hidden, output, bias=True):
        z = x
        for i in (1, 2, 3):
            a = z @ network[f"W{i}"] + (network[f"b{i}"] if bias else 0)
            z = hidden(a) if i < 3 else output(a)
        return z

    sig, same = reference.sigmoid, (lambda a: a)
    pairs = [(HINTS["forward_output_activation"], run(sig, sig)),
            (HINTS["forward_output_activation"], run(sig, reference.softmax)),
            (HINTS["forward_hidden_missing"], run(same, same)),
            (HINTS["forward_hidden_relu"], run(reference.relu, same)),
            (HINTS["forward_bias"], run(sig, same, bias=False))]
    # Mistakes that give the same output here (ReLU and no activation when every hidden
    # value is positive) are no evidence for either.
    return [(h, out) for h, out in pairs if not any(
        h != other and np.allclose(out, theirs) for other, theirs in pairs)]

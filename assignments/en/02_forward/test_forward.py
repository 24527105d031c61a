"""Public tests for 02_forward: run `pytest 02_forward` or `check("softmax")`."""

import numpy as np
import pytest

from autograder.i18n.messages import _
from autograder.selfcheck import expect
from autograder.selfcheck.hints import HINTS


@pytest.mark.unit("step_function")
def test_step_function_values(student):
    x = np.array([-1.0, 0.0, 2.0])
    y = student.step_function(x)
    expect.that(isinstance(y, np.ndarray) and y.dtype != bool,
                _("step_function([-1, 0, 2]): expected an int array, got {got}").format(
                    got=expect.kind(y)),
                HINTS["step_bool"])
    expect.array_close(y, [0, 0, 1], what="step_function([-1, 0, 2])",
                       hint=HINTS["step_at_zero"])


@pytest.mark.unit("sigmoid")
def test_sigmoid_values(student):
    expect.array_close(student.sigmoid(np.array([-1.0, 1.0, 2.0])),
                       [0.2689414214, 0.7310585786, 0.880797078],
                       what="sigmoid([-1, 1, 2])", hint=HINTS["sigmoid_formula"])


@pytest.mark.unit("sigmoid")
@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # exp(1000) overflows harmlessly
def test_sigmoid_extreme_inputs(student):
    expect.array_close(student.sigmoid(np.array([-1000.0, 1000.0])), [0.0, 1.0],
                       what="sigmoid([-1000, 1000])", nan_hint=HINTS["sigmoid_overflow"])


@pytest.mark.unit("relu")
def test_relu_values(student):
    expect.array_close(student.relu(np.array([[-2.0, 0.0], [0.5, 3.0]])),
                       [[0.0, 0.0], [0.5, 3.0]], what="relu([[-2, 0], [0.5, 3]])")


@pytest.mark.unit("relu")
def test_relu_leaves_its_input_alone(student):
    x = np.array([-2.0, -0.5, 1.0])
    student.relu(x)
    expect.unchanged(np.array([-2.0, -0.5, 1.0]), x, what="relu", hint=HINTS["relu_in_place"])


@pytest.mark.unit("identity_function")
def test_identity_function_returns_its_input(student):
    x = np.array([[1.5, -2.0], [0.0, 3.0]])
    expect.array_close(student.identity_function(x), x, what="identity_function(x)")


@pytest.mark.unit("softmax")
def test_softmax_book_example(student):
    expect.array_close(student.softmax(np.array([0.3, 2.9, 4.0])),
                       [0.0182112733, 0.2451918129, 0.7365969138],
                       what="softmax([0.3, 2.9, 4.0])")


@pytest.mark.unit("softmax")
def test_softmax_large_inputs(student):
    expect.array_close(student.softmax(np.array([1010.0, 1000.0, 990.0])),
                       [9.9995460007e-01, 4.5397868609e-05, 2.0610600462e-09],
                       what="softmax([1010, 1000, 990])", nan_hint=HINTS["softmax_overflow"])


@pytest.mark.unit("softmax")
def test_softmax_batch_row_by_row(student):
    x = np.array([[1.0, 2.0, 3.0], [1.0, 1.0, 1.0]])
    y = student.softmax(x)
    expect.array_close(y, [[0.0900305732, 0.2447284711, 0.6652409558], [1 / 3, 1 / 3, 1 / 3]],
                       what=_("softmax of the batch [[1, 2, 3], [1, 1, 1]]"),
                       hint=HINTS["softmax_global"])


@pytest.mark.unit("softmax")
def test_softmax_leaves_its_input_alone(student):
    x = np.array([[1.0, 2.0, 3.0], [4.0, 1.0, 0.0]])
    student.softmax(x)
    expect.unchanged(np.array([[1.0, 2.0, 3.0], [4.0, 1.0, 0.0]]), x, what="softmax",
                     hint=HINTS["softmax_in_place"])


@pytest.mark.unit("init_network")
def test_init_network_book_values(student):
    network = student.init_network()
    expect.that(isinstance(network, dict) and
                sorted(network) == ["W1", "W2", "W3", "b1", "b2", "b3"],
                _("init_network(): expected a dict with keys W1, b1, W2, b2, W3, b3, got "
                  "{got}").format(got=expect.show(sorted(network) if isinstance(network, dict)
                                                  else network)))
    expect.array_close(network["W1"], [[0.1, 0.3, 0.5], [0.2, 0.4, 0.6]], what="W1",
                       hint=HINTS["init_network_values"])
    expect.array_close(network["b3"], [0.1, 0.2], what="b3", hint=HINTS["init_network_values"])


@pytest.mark.unit("forward")
def test_forward_book_example(student):
    network = {
        "W1": np.array([[0.1, 0.3, 0.5], [0.2, 0.4, 0.6]]), "b1": np.array([0.1, 0.2, 0.3]),
        "W2": np.array([[0.1, 0.4], [0.2, 0.5], [0.3, 0.6]]), "b2": np.array([0.1, 0.2]),
        "W3": np.array([[0.1, 0.3], [0.2, 0.4]]), "b3": np.array([0.1, 0.2]),
    }
    expect.array_close(student.forward(network, np.array([1.0, 0.5])),
                       [0.3168270764, 0.6962790899], what="forward(network, [1.0, 0.5])",
                       hint=HINTS["forward_output_activation"])
    batch = np.array([[1.0, 0.5], [0.0, -1.0]])
    expect.array_close(student.forward(network, batch),
                       [[0.3168270764, 0.6962790899], [0.2999967821, 0.6590234874]],
                       what=_("forward(network, a batch of 2 inputs)"))

"""Public tests for 04_backprop: run `pytest 04_backprop` or `check("Affine.backward")`."""

import numpy as np
import pytest

from autograder.selfcheck import expect
from autograder.selfcheck.hints import HINTS

W = np.array([[0.1, -0.2], [0.3, 0.4], [-0.5, 0.6]])
B = np.array([0.01, -0.02])
X = np.array([[1.0, 2.0, 3.0], [-1.0, 0.5, 2.0]])
DOUT = np.array([[1.0, -1.0], [0.5, 2.0]])

SCORES = np.array([[2.0, 1.0, 0.1], [0.5, 2.5, 0.3]])
LABELS = np.array([0, 1])
SWL_DX = [[-0.1704994306, 0.1212164854, 0.0492829452],
          [0.0543018652, -0.0987604721, 0.044458607]]

AFFINE_DX_HINT = (
    "dx must have the shape of x, (N, D). By the chain rule for out = x·W + b, dx is dout "
    "(N, M) multiplied by the transpose of W: the shapes (N, M) and (M, D) give (N, D)")
NUMERICAL_GRADIENT_HINT = (
    "for each key of params, pass numerical_gradient a function whose value is the "
    "network's loss on (x, t), and the parameter array of the network itself, not a copy: "
    "numerical_gradient changes that array one entry at a time, and the loss must see each "
    "change")

PARAMS = {
    "W1": np.array([[0.1, -0.2, 0.3, 0.0], [0.5, 0.1, -0.4, 0.2], [-0.3, 0.2, 0.1, 0.4]]),
    "b1": np.array([0.01, 0.0, -0.1, 0.05]),
    "W2": np.array([[0.2, -0.1], [0.4, 0.3], [-0.5, 0.2], [0.1, 0.1]]),
    "b2": np.array([0.0, 0.1]),
}
NET_X = np.array([[1.0, 0.5, -1.0], [0.2, -0.3, 0.8], [2.0, 1.0, 0.0]])
NET_T = np.array([1, 0, 1])


def small_net(student):
    """A TwoLayerNet(3, 4, 2) whose parameters are set, in place, to PARAMS."""
    net = student.TwoLayerNet(3, 4, 2)
    for key, value in PARAMS.items():
        expect.that(key in net.params and np.shape(net.params[key]) == value.shape,
                    f"TwoLayerNet(3, 4, 2).params[{key!r}]: expected shape {value.shape}",
                    HINTS["twolayer_init"])
        net.params[key][...] = value
    return net


@pytest.mark.unit("d_sigmoid")
def test_d_sigmoid_values(student):
    expect.array_close(student.d_sigmoid(np.array([-1.0, 0.0, 2.0])),
                       [0.1966119332, 0.25, 0.1049935854], what="d_sigmoid([-1, 0, 2])",
                       hint=HINTS["d_sigmoid_output"])


@pytest.mark.unit("d_relu")
def test_d_relu_values(student):
    expect.array_close(student.d_relu(np.array([-2.0, -0.1, 0.3, 4.0])), [0.0, 0.0, 1.0, 1.0],
                       what="d_relu([-2, -0.1, 0.3, 4])", hint=HINTS["d_relu_values"])


@pytest.mark.unit("d_mean_squared_error")
def test_d_mean_squared_error_values(student):
    expect.array_close(student.d_mean_squared_error(np.array([0.2, 0.7]), np.array([0.0, 1.0])),
                       [0.2, -0.3], what="d_mean_squared_error([0.2, 0.7], [0, 1])",
                       hint=HINTS["d_mse_sign"])


@pytest.mark.unit("Relu.forward")
def test_relu_layer_forward(student):
    x = np.array([[-1.0, 2.0], [0.0, -3.0]])
    out = student.Relu().forward(x)
    expect.array_close(out, [[0.0, 2.0], [0.0, 0.0]], what="Relu().forward(x)")
    expect.unchanged(np.array([[-1.0, 2.0], [0.0, -3.0]]), x, what="Relu.forward",
                     hint=HINTS["relu_forward_in_place"])


@pytest.mark.unit("Relu.backward")
def test_relu_layer_backward(student):
    layer = student.Relu()
    layer.forward(np.array([[-1.0, 2.0], [0.5, -3.0]]))
    expect.array_close(layer.backward(np.array([[1.0, 1.0], [2.0, 2.0]])),
                       [[0.0, 1.0], [2.0, 0.0]], what="Relu.backward after forward",
                       hint=HINTS["relu_backward_mask"])


@pytest.mark.unit("Sigmoid.forward")
def test_sigmoid_layer_forward(student):
    expect.array_close(student.Sigmoid().forward(np.array([0.0, 2.0])), [0.5, 0.880797078],
                       what="Sigmoid().forward([0, 2])")


@pytest.mark.unit("Sigmoid.backward")
def test_sigmoid_layer_backward(student):
    layer = student.Sigmoid()
    layer.forward(np.array([0.0, 2.0]))
    expect.array_close(layer.backward(np.array([1.0, 2.0])), [0.25, 0.2099871708],
                       what="Sigmoid.backward([1, 2]) after forward([0, 2])",
                       hint=HINTS["sigmoid_backward_formula"])


@pytest.mark.unit("Affine.forward")
def test_affine_forward(student):
    expect.array_close(student.Affine(W.copy(), B.copy()).forward(X.copy()),
                       [[-0.79, 2.38], [-0.94, 1.58]], what="Affine(W, b).forward(x)",
                       hint=HINTS["affine_forward_bias"])


@pytest.mark.unit("Affine.forward")
def test_affine_forward_flattens_images(student):
    out = student.Affine(W.copy(), B.copy()).forward(X.reshape(2, 1, 3, 1))
    expect.array_close(out, [[-0.79, 2.38], [-0.94, 1.58]],
                       what="Affine.forward for x of shape (2, 1, 3, 1)",
                       hint=HINTS["affine_flatten"])


@pytest.mark.unit("Affine.backward")
def test_affine_backward(student):
    layer = student.Affine(W.copy(), B.copy())
    layer.forward(X.copy())
    dx = layer.backward(DOUT.copy())
    expect.array_close(dx, [[0.3, -0.1, -1.1], [-0.35, 0.95, 0.95]], what="dx",
                       hint=AFFINE_DX_HINT)
    expect.array_close(layer.dW, [[0.5, -3.0], [2.25, -1.0], [4.0, 1.0]], what="dW",
                       hint=HINTS["affine_dw_transposed"])
    expect.array_close(layer.db, [1.5, 1.0], what="db", hint=HINTS["affine_db_sum"])


@pytest.mark.unit("Affine.backward")
def test_affine_backward_restores_the_input_shape(student):
    layer = student.Affine(W.copy(), B.copy())
    layer.forward(X.reshape(2, 1, 3, 1))
    dx = layer.backward(DOUT.copy())
    expect.array_close(dx, np.array([[0.3, -0.1, -1.1], [-0.35, 0.95, 0.95]]).reshape(2, 1, 3, 1),
                       what="dx for x of shape (2, 1, 3, 1)", hint=HINTS["affine_dx_reshape"])


@pytest.mark.unit("SoftmaxWithLoss.forward")
def test_softmax_with_loss_forward(student):
    layer = student.SoftmaxWithLoss()
    expect.number_close(layer.forward(SCORES, LABELS), 0.3185396314698703, rtol=1e-4,
                        what="SoftmaxWithLoss().forward(x, labels)")
    expect.number_close(student.SoftmaxWithLoss().forward(SCORES, np.eye(3)[LABELS]),
                        0.3185396314698703, rtol=1e-4,
                        what="SoftmaxWithLoss().forward(x, one-hot t)")


@pytest.mark.unit("SoftmaxWithLoss.backward")
def test_softmax_with_loss_backward_one_hot(student):
    layer = student.SoftmaxWithLoss()
    layer.forward(SCORES, np.eye(3)[LABELS])
    expect.array_close(layer.backward(), SWL_DX, rtol=1e-4,
                       what="SoftmaxWithLoss.backward() with one-hot t",
                       hint=HINTS["swl_divide_by_n"])


@pytest.mark.unit("SoftmaxWithLoss.backward")
def test_softmax_with_loss_backward_labels(student):
    layer = student.SoftmaxWithLoss()
    layer.forward(SCORES, LABELS)
    expect.array_close(layer.backward(), SWL_DX, rtol=1e-4,
                       what="SoftmaxWithLoss.backward() with label indices t",
                       hint=HINTS["swl_labels"])


@pytest.mark.unit("TwoLayerNet.__init__")
def test_two_layer_net_params(student):
    net = student.TwoLayerNet(784, 50, 10)
    shapes = {"W1": (784, 50), "b1": (50,), "W2": (50, 10), "b2": (10,)}
    for key, shape in shapes.items():
        expect.that(key in net.params and np.shape(net.params[key]) == shape,
                    f"TwoLayerNet(784, 50, 10).params[{key!r}]: expected shape {shape}, got "
                    f"{np.shape(net.params[key]) if key in net.params else 'no such key'}",
                    HINTS["twolayer_init"])
    std = float(np.std(net.params["W1"]))
    expect.that(0.008 < std < 0.012, f"the standard deviation of W1 should be about "
                f"weight_init_std = 0.01, got {std:.4g}", HINTS["twolayer_init"])


@pytest.mark.unit("TwoLayerNet.predict")
def test_two_layer_net_predict(student):
    expect.array_close(small_net(student).predict(NET_X),
                       [[0.132, 0.034], [-0.013, 0.19], [0.117, 0.074]],
                       what="predict(x) of a TwoLayerNet(3, 4, 2) with known params",
                       hint="predict runs x through Affine1, Relu1 and Affine2 in that order, "
                            "without softmax; build the layers from self.params")


@pytest.mark.unit("TwoLayerNet.loss")
def test_two_layer_net_loss(student):
    expect.number_close(small_net(student).loss(NET_X, NET_T), 0.7526714453708494, rtol=1e-4,
                        what="loss(x, t) of a TwoLayerNet(3, 4, 2) with known params")


@pytest.mark.unit("TwoLayerNet.accuracy")
def test_two_layer_net_accuracy(student):
    net = small_net(student)
    t = np.array([0, 1, 1])
    expect.number_close(net.accuracy(NET_X, t), 2 / 3, what="accuracy(x, labels)",
                        hint=HINTS["accuracy_labels"])
    expect.number_close(net.accuracy(NET_X, np.eye(2)[t]), 2 / 3, what="accuracy(x, one-hot t)")


@pytest.mark.unit("TwoLayerNet.gradient")
def test_two_layer_net_gradient(student):
    grads = small_net(student).gradient(NET_X, NET_T)
    expect.that(isinstance(grads, dict) and sorted(grads) == ["W1", "W2", "b1", "b2"],
                f"gradient: expected a dict with keys W1, b1, W2, b2, got {expect.show(grads)}",
                HINTS["gradient_keys"])
    expect.array_close(grads["b2"], [0.161550773, -0.161550773], rtol=1e-4, what="grads['b2']",
                       hint=HINTS["swl_divide_by_n"])
    expect.array_close(grads["W2"][:2], [[0.2362627984, -0.2362627984],
                                         [-0.0165172931, 0.0165172931]], rtol=1e-4,
                       what="grads['W2'] (first two rows)", hint=HINTS["gradient_layers_order"])
    expect.array_close(grads["b1"][:3], [1.0352287546e-01, -1.8352547849e-02, 9.2932213657e-03],
                       rtol=1e-4, what="grads['b1'] (first three values)",
                       hint=HINTS["gradient_layers_order"])


@pytest.mark.unit("TwoLayerNet.numerical_gradient")
def test_two_layer_net_numerical_gradient(student):
    grads = small_net(student).numerical_gradient(NET_X, NET_T)
    expect.that(isinstance(grads, dict) and sorted(grads) == ["W1", "W2", "b1", "b2"],
                f"numerical_gradient: expected a dict with keys W1, b1, W2, b2, got "
                f"{expect.show(grads)}", HINTS["gradient_keys"])
    expect.array_close(grads["b2"], [0.161550773, -0.161550773], rtol=1e-4, what="grads['b2']",
                       hint=NUMERICAL_GRADIENT_HINT)

"""Public tests for 04_backprop: run `pytest 04_backprop` or `check("Affine.backward")`."""

import numpy as np
import pytest

from autograder.i18n.messages import N_, _
from autograder.selfcheck import expect
from autograder.selfcheck.answers import expect_answered
from autograder.selfcheck.hints import HINTS

W = np.array([[0.1, -0.2], [0.3, 0.4], [-0.5, 0.6]])
B = np.array([0.01, -0.02])
X = np.array([[1.0, 2.0, 3.0], [-1.0, 0.5, 2.0]])
DOUT = np.array([[1.0, -1.0], [0.5, 2.0]])

SCORES = np.array([[2.0, 1.0, 0.1], [0.5, 2.5, 0.3]])
LABELS = np.array([0, 1])
SWL_DX = [[-0.1704994306, 0.1212164854, 0.0492829452],
          [0.0543018652, -0.0987604721, 0.044458607]]

AFFINE_DX_HINT = N_(
    "dx must have the shape of x, (N, D). By the chain rule for out = x·W + b, dx is dout "
    "(N, M) multiplied by the transpose of W: the shapes (N, M) and (M, D) give (N, D)")
NUMERICAL_GRADIENT_HINT = N_(
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
                    _("TwoLayerNet(3, 4, 2).params[{key!r}]: expected shape {shape}").format(
                        key=key, shape=value.shape),
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
                       [[0.0, 1.0], [2.0, 0.0]], what=_("Relu.backward after forward"),
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
                       what=_("Sigmoid.backward([1, 2]) after forward([0, 2])"),
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
                       what=_("Affine.forward for x of shape (2, 1, 3, 1)"),
                       hint=HINTS["affine_flatten"])


@pytest.mark.unit("Affine.backward")
def test_affine_backward(student):
    layer = student.Affine(W.copy(), B.copy())
    layer.forward(X.copy())
    dx = layer.backward(DOUT.copy())
    expect.array_close(dx, [[0.3, -0.1, -1.1], [-0.35, 0.95, 0.95]], what="dx",
                       hint=_(AFFINE_DX_HINT))
    expect.array_close(layer.dW, [[0.5, -3.0], [2.25, -1.0], [4.0, 1.0]], what="dW",
                       hint=HINTS["affine_dw_transposed"])
    expect.array_close(layer.db, [1.5, 1.0], what="db", hint=HINTS["affine_db_sum"])


@pytest.mark.unit("Affine.backward")
def test_affine_backward_restores_the_input_shape(student):
    layer = student.Affine(W.copy(), B.copy())
    layer.forward(X.reshape(2, 1, 3, 1))
    dx = layer.backward(DOUT.copy())
    expect.array_close(dx, np.array([[0.3, -0.1, -1.1], [-0.35, 0.95, 0.95]]).reshape(2, 1, 3, 1),
                       what=_("dx for x of shape (2, 1, 3, 1)"), hint=HINTS["affine_dx_reshape"])


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
                       what=_("SoftmaxWithLoss.backward() with one-hot t"),
                       hint=HINTS["swl_divide_by_n"])


@pytest.mark.unit("SoftmaxWithLoss.backward")
def test_softmax_with_loss_backward_labels(student):
    layer = student.SoftmaxWithLoss()
    layer.forward(SCORES, LABELS)
    expect.array_close(layer.backward(), SWL_DX, rtol=1e-4,
                       what=_("SoftmaxWithLoss.backward() with label indices t"),
                       hint=HINTS["swl_labels"])


@pytest.mark.unit("TwoLayerNet.__init__")
def test_two_layer_net_params(student):
    net = student.TwoLayerNet(784, 50, 10)
    shapes = {"W1": (784, 50), "b1": (50,), "W2": (50, 10), "b2": (10,)}
    for key, shape in shapes.items():
        expect.that(key in net.params and np.shape(net.params[key]) == shape,
                    _("TwoLayerNet(784, 50, 10).params[{key!r}]: expected shape {shape}, got "
                      "{got}").format(key=key, shape=shape,
                                      got=np.shape(net.params[key]) if key in net.params
                                      else _("no such key")),
                    HINTS["twolayer_init"])
    std = float(np.std(net.params["W1"]))
    expect.that(0.008 < std < 0.012, _("the standard deviation of W1 should be about "
                                       "weight_init_std = 0.01, got {std:.4g}").format(
        std=std), HINTS["twolayer_init"])


@pytest.mark.unit("TwoLayerNet.predict")
def test_two_layer_net_predict(student):
    expect.array_close(small_net(student).predict(NET_X),
                       [[0.132, 0.034], [-0.013, 0.19], [0.117, 0.074]],
                       what=_("predict(x) of a TwoLayerNet(3, 4, 2) with known params"),
                       hint=_("predict runs x through Affine1, Relu1 and Affine2 in that order, "
                              "without softmax; build the layers from self.params"))


@pytest.mark.unit("TwoLayerNet.loss")
def test_two_layer_net_loss(student):
    expect.number_close(small_net(student).loss(NET_X, NET_T), 0.7526714453708494, rtol=1e-4,
                        what=_("loss(x, t) of a TwoLayerNet(3, 4, 2) with known params"))


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
                _("gradient: expected a dict with keys W1, b1, W2, b2, got {got}").format(
                    got=expect.show(grads)),
                HINTS["gradient_keys"])
    expect.array_close(grads["b2"], [0.161550773, -0.161550773], rtol=1e-4, what="grads['b2']",
                       hint=HINTS["swl_divide_by_n"])
    expect.array_close(grads["W2"][:2], [[0.2362627984, -0.2362627984],
                                         [-0.0165172931, 0.0165172931]], rtol=1e-4,
                       what=_("grads['W2'] (first two rows)"), hint=HINTS["gradient_layers_order"])
    expect.array_close(grads["b1"][:3], [1.0352287546e-01, -1.8352547849e-02, 9.2932213657e-03],
                       rtol=1e-4, what=_("grads['b1'] (first three values)"),
                       hint=HINTS["gradient_layers_order"])


@pytest.mark.unit("TwoLayerNet.numerical_gradient")
def test_two_layer_net_numerical_gradient(student):
    grads = small_net(student).numerical_gradient(NET_X, NET_T)
    expect.that(isinstance(grads, dict) and sorted(grads) == ["W1", "W2", "b1", "b2"],
                _("numerical_gradient: expected a dict with keys W1, b1, W2, b2, got {got}").format(
                    got=expect.show(grads)), HINTS["gradient_keys"])
    expect.array_close(grads["b2"], [0.161550773, -0.161550773], rtol=1e-4, what="grads['b2']",
                       hint=_(NUMERICAL_GRADIENT_HINT))


# --- the step function's derivative and the regression network ------------------------------

@pytest.mark.unit("d_step_function")
def test_d_step_function_values(student):
    expect.array_close(student.d_step_function(np.array([-1.0, 0.0, 2.0])), [0.0, 0.0, 0.0],
                       what="d_step_function([-1, 0, 2])",
                       diagnose=[(HINTS["d_step_values"], [0.0, 0.0, 1.0])],
                       nan_hint=HINTS["d_step_at_zero"])


REG_NET = {"W1": np.array([[0.5, -1.0, 0.2], [0.3, 0.4, 0.6]]),
           "b1": np.array([0.1, -0.2, 0.05]), "W2": np.array([1.0, -0.5, 2.0]), "b2": 0.3}
REG_X, REG_D = np.array([0.4, 0.8]), 2.8
REG_Z1, REG_Y = [0.54, 0.0, 0.61], 2.06
REG_GRAD = {"W1": [[-0.296, 0.0, -0.592], [-0.592, 0.0, -1.184]], "b1": [-0.74, 0.0, -1.48],
            "W2": [-0.3996, 0.0, -0.4514], "b2": -0.74}
REG_LOSSES = [0.2738, 0.016041957767015082, 0.000646437884790165]


def reg_net():
    """A small 2-3-1 network (the contract's shapes with 3 hidden units), a fresh copy."""
    return {k: np.array(v, dtype=float) if np.ndim(v) else v for k, v in REG_NET.items()}


@pytest.mark.unit("init_regression_network")
def test_init_regression_network_shapes(student):
    net = student.init_regression_network(seed=0)
    shapes = {"W1": (2, 10), "b1": (10,), "W2": (10,), "b2": ()}
    expect.that(isinstance(net, dict) and sorted(net) == sorted(shapes),
                _("init_regression_network(seed=0): expected a dict with the keys {keys}, got "
                  "{got}").format(keys=sorted(shapes), got=expect.show(net)),
                HINTS["regression_init_shapes"])
    for key, shape in shapes.items():
        expect.that(np.shape(net[key]) == shape,
                    _("init_regression_network(seed=0)[{key!r}]: expected shape {shape}, got "
                      "{got}").format(key=key, shape=shape, got=expect.kind(net[key])),
                    HINTS["regression_init_shapes"])


@pytest.mark.unit("forward_regression")
def test_forward_regression_values(student):
    got = student.forward_regression(reg_net(), REG_X.copy())
    expect.that(isinstance(got, tuple) and len(got) == 2,
                _("forward_regression(network, x): expected a tuple (z1, y), got {got}").format(
                    got=expect.kind(got)))
    expect.array_close(got[0], REG_Z1, what=_("z1 of forward_regression(network, [0.4, 0.8])"),
                       diagnose=[(HINTS["regression_forward_relu"], [0.54, -0.28, 0.61])])
    expect.number_close(got[1], REG_Y, what=_("y of forward_regression(network, [0.4, 0.8])"))


@pytest.mark.unit("backward_regression")
def test_backward_regression_values(student):
    got = student.backward_regression(reg_net(), REG_X.copy(), REG_D, np.array(REG_Z1), REG_Y)
    expect.that(isinstance(got, dict) and sorted(got) == sorted(REG_GRAD),
                _("backward_regression: expected a dict with the keys {keys}, got {got}").format(
                    keys=sorted(REG_GRAD), got=expect.show(got)))
    # relu's derivative taken at z1 (1 where z1 >= 0) instead of at the pre-activation
    wrong = {"b1": [-0.74, 0.37, -1.48], "W1": [[-0.296, 0.148, -0.592], [-0.592, 0.296, -1.184]]}
    for key in ("W2", "b2", "W1", "b1"):
        if key == "b2":
            expect.number_close(got[key], REG_GRAD[key], what="backward_regression(...)['b2']",
                                hint=HINTS["d_mse_sign"])
        else:
            expect.array_close(got[key], REG_GRAD[key], what=f"backward_regression(...)[{key!r}]",
                               diagnose=[(HINTS["regression_pre_activation"], wrong[key])]
                               if key in wrong else None)


@pytest.mark.unit("train_regression")
def test_train_regression_three_steps(student):
    net = reg_net()
    losses = student.train_regression(net, REG_X[None, :].copy(), np.array([REG_D]), steps=3,
                                      learning_rate=0.07, seed=0)
    expect.that(isinstance(losses, (list, tuple, np.ndarray)) and len(losses) == 3,
                _("train_regression(..., steps=3): expected 3 losses, one per step, got "
                  "{got}").format(got=expect.show(losses)), HINTS["regression_loss_every_step"])
    expect.array_close(np.asarray(losses, dtype=float), REG_LOSSES,
                       what=_("the losses of 3 steps on the sample x = [0.4, 0.8], d = 2.8"))
    expect.that(not np.array_equal(net["W1"], REG_NET["W1"]),
                _("the network passed to train_regression did not change"),
                HINTS["regression_update_copy"])


@pytest.mark.unit("train_regression")
def test_train_regression_loss_falls(student):
    data = np.random.default_rng(0)
    x = data.random((1000, 2))
    d = 3 * x[:, 0] + 2 * x[:, 1]
    net = student.init_regression_network(seed=0)
    losses = np.asarray(student.train_regression(net, x, d, steps=1000, learning_rate=0.07,
                                                 seed=0), dtype=float)
    expect.that(losses.shape == (1000,),
                _("expected 1000 losses, got shape {shape}").format(shape=losses.shape),
                HINTS["regression_loss_every_step"])
    first, last = losses[:100].mean(), losses[-100:].mean()
    expect.that(last * 10 <= first,
                _("the mean loss of the last 100 steps ({last}) must be at least 10 times "
                  "smaller than that of the first 100 ({first})").format(
                      last=f"{last:.3g}", first=f"{first:.3g}"))


class _FixedNet:
    """A network whose two gradients are fixed: W's backprop gradient is off by ±0.5."""

    def numerical_gradient(self, x, t):
        return {"W": np.array([[1.0, 2.0], [3.0, 4.0]]), "b": np.array([0.5, -0.5])}

    def gradient(self, x, t):
        return {"W": np.array([[1.5, 1.5], [3.5, 3.5]]), "b": np.array([0.5, -0.5])}


@pytest.mark.unit("gradient_check")
def test_gradient_check_values(student):
    got = student.gradient_check(_FixedNet(), np.zeros((1, 2)), np.array([0]))
    expect.that(isinstance(got, dict) and sorted(got) == ["W", "b"],
                _("gradient_check: expected a dict with the keys {keys}, got {got}").format(
                    keys=["W", "b"], got=expect.show(got)))
    expect.number_close(got["W"], 0.5,
                        what=_("gradient_check(...)['W'] (every entry off by 0.5)"),
                        diagnose=[(HINTS["gradient_check_abs"], 0.0)])
    expect.number_close(got["b"], 0.0, what=_("gradient_check(...)['b'] (equal gradients)"))


# --- concept checks: only the form of an answer (the grader checks its value) ----------


@pytest.mark.unit("answer_sigmoid_derivative_at_0")
def test_answer_sigmoid_derivative_at_0_is_answered(student):
    expect_answered(student, "answer_sigmoid_derivative_at_0", form="number", example="0.5")


@pytest.mark.unit("answer_dW_shape")
def test_answer_dW_shape_is_answered(student):
    expect_answered(student, "answer_dW_shape", form="tuple", example="(3, 4)")


@pytest.mark.unit("answer_parameter_count")
def test_answer_parameter_count_is_answered(student):
    expect_answered(student, "answer_parameter_count", form="number", example="12")

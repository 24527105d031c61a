"""Hidden checks for 04_backprop.

Layer checks use the student's class alone; the network checks run the student's
TwoLayerNet with the reference layers (unit isolation), so they grade its wiring.
"""

import numpy as np
import pytest

from autograder.grade.checks import (
    call_with_hint,
    expect_gradient,
    expect_gradient_at,
    numeric_gradient,
    numeric_gradient_of_output,
    raised,
    sample_indexes,
    target_first,
)
from autograder.grade.reference import expose
from autograder.grade.session import StudentError
from autograder.i18n.messages import _
from autograder.selfcheck import expect
from autograder.selfcheck.hints import HINTS

KEYS = ("W1", "b1", "W2", "b2")
BROADCAST = raised("ValueError", says="could not be broadcast")
NOT_ALIGNED = raised("ValueError", "RemoteError", says="not aligned")


def _layers_in_order(info):
    """A layer got a gradient of another layer's shape: backward went the wrong way."""
    return NOT_ALIGNED(info) or raised("IndexError", "RemoteError",
                                       says="boolean index did not match")(info)


@pytest.mark.unit("d_sigmoid")
def test_d_sigmoid_matches_reference(student, reference, rng):
    x = rng.normal(scale=2, size=(4, 5))
    twice = reference.sigmoid(reference.sigmoid(x))
    expect.array_close(student.d_sigmoid(x), reference.d_sigmoid(x), what="d_sigmoid(x)",
                       diagnose=[(HINTS["d_sigmoid_output"], x * (1 - x)),
                                 (HINTS["d_sigmoid_twice"], twice * (1 - twice))])


@pytest.mark.unit("d_relu")
def test_d_relu_values(student, rng):
    x = rng.normal(size=(3, 6))
    x[0, 0] = 0.0
    got = student.d_relu(x)
    want = (x > 0).astype(float)
    if isinstance(got, np.ndarray) and got.shape == x.shape:
        want[0, 0] = got[0, 0] if got[0, 0] in (0, 1) else 0.0  # either value at exactly 0
    expect.array_close(got, want, what="d_relu(x)",
                       diagnose=[(HINTS["d_relu_values"], np.maximum(0, x))])


@pytest.mark.unit("d_mean_squared_error")
def test_d_mean_squared_error_matches_reference(student, rng):
    y, t = rng.random((3, 4)), rng.random((3, 4))
    fn = student.d_mean_squared_error

    def swapped(got):
        """t - y: a flipped sign, or the right formula with the arguments swapped."""
        if not (np.shape(got) == y.shape and np.allclose(got, t - y)):
            return None
        if target_first(fn):
            return HINTS["target_first"].format(unit="d_mean_squared_error")
        return HINTS["d_mse_sign"]

    expect.array_close(fn(y, t), y - t, what="d_mean_squared_error(y, t)",
                       diagnose=lambda got: swapped(got) or expect_diagnosis(
                           got, [(HINTS["d_mse_sign"], 2 * (y - t)),
                                 (HINTS["d_mse_batch"], (y - t) / 3),
                                 (HINTS["d_mse_batch"], (y - t) / 12)]))


def expect_diagnosis(got, pairs):
    """The hint of the first (hint, output) pair whose output `got` is."""
    for hint, candidate in pairs:
        if np.shape(got) == np.shape(candidate) and np.allclose(got, candidate):
            return hint
    return None


@pytest.mark.unit("Relu.forward")
def test_Relu_forward_matches_reference(student, rng):
    x = rng.normal(size=(4, 5))
    expect.array_close(student.Relu().forward(x.copy()), np.maximum(0, x),
                       what="Relu().forward(x)", diagnose=[(HINTS["relu_forward_zero"], x)])


@pytest.mark.unit("Relu.forward")
def test_Relu_forward_leaves_its_input_alone(student, rng):
    x = rng.normal(size=(3, 4))
    before = x.copy()
    got = student.Relu().forward(x)
    expect.unchanged(before, student.current(x), what="Relu.forward",
                     hint=HINTS["relu_forward_in_place"])
    expect.array_close(got, np.maximum(0, before), what="Relu().forward(x)")


@pytest.mark.unit("Relu.backward")
def test_Relu_backward_masks_the_gradient(student, rng):
    x, dout = rng.normal(size=(4, 5)), rng.normal(size=(4, 5))
    layer = student.Relu()
    layer.forward(x.copy())
    expect.array_close(layer.backward(dout.copy()), dout * (x > 0),
                       what=_("Relu.backward(dout) after forward(x)"),
                       diagnose=[(HINTS["relu_backward_mask"], dout)])


@pytest.mark.unit("Sigmoid.forward")
def test_Sigmoid_forward_matches_reference(student, reference, rng):
    x = rng.normal(scale=2, size=(3, 4))
    layer = student.Sigmoid()
    want = reference.sigmoid(x)
    expect.array_close(layer.forward(x.copy()), want, what="Sigmoid().forward(x)",
                       diagnose=[(HINTS["sigmoid_formula"], 1 / (1 + np.exp(x)))])
    # The notebook's contract: forward keeps its output in self.out for backward.
    expect.array_close(getattr(layer, "out", None), want,
                       what=_("self.out after Sigmoid().forward(x) (what backward uses)"))


@pytest.mark.unit("Sigmoid.backward")
def test_Sigmoid_backward_matches_reference(student, reference, rng):
    x, dout = rng.normal(size=(3, 4)), rng.normal(size=(3, 4))
    layer, out = _sigmoid_after_forward(student, reference, x)
    expect.array_close(_backward(layer, dout, out=out), dout * out * (1 - out),
                       what=_("Sigmoid.backward(dout) after forward(x)"),
                       diagnose=[(HINTS["sigmoid_backward_formula"], dout * (1 - out)),
                                 (HINTS["sigmoid_backward_formula"], dout * out)])


@pytest.mark.unit("Sigmoid.backward")
def test_Sigmoid_backward_gradient_check(student, reference, rng):
    x, dout = rng.normal(size=(2, 3)), rng.normal(size=(2, 3))
    layer, out = _sigmoid_after_forward(student, reference, x)
    analytic = _backward(layer, dout, out=out)
    if np.allclose(out, reference.sigmoid(x), rtol=1e-7, atol=1e-12):
        numeric = numeric_gradient_of_output(reference.sigmoid, x.copy(), dout)
        expect_gradient(analytic, numeric, threshold=1e-7,
                        diagnose=_sigmoid_backward_mistakes(dout, out),
                        what=_("Sigmoid.backward against the numerical gradient of sigmoid"))
    expect_gradient(analytic, dout * out * (1 - out), what="Sigmoid.backward(dout)",
                    diagnose=_sigmoid_backward_mistakes(dout, out))


def _sigmoid_backward_mistakes(dout, out):
    return [(HINTS["sigmoid_backward_formula"], dout * (1 - out)),
            (HINTS["sigmoid_backward_formula"], dout * out)]


def _sigmoid_after_forward(student, reference, x):
    """A student's Sigmoid after its forward(x), and the output backward should use.

    Method-level isolation: backward is graded against the output the student's own forward
    gave (a wrong forward costs forward's points, not backward's); where forward raises or
    gives no usable array, the layer gets the book's state (self.out) instead."""
    layer = student.Sigmoid()
    try:
        out = layer.forward(x.copy())
    except StudentError as exc:
        if exc.status != "error":
            raise
        out = None
    if not (isinstance(out, np.ndarray) and out.shape == x.shape and out.dtype.kind == "f"
            and np.all(np.isfinite(out))):
        out = reference.sigmoid(x)
        layer.out = out
    return layer, out


def _backward(layer, dout, **book_state):
    """layer.backward(dout); where it fails for want of what a forward keeps (an
    AttributeError), again with the book's state set on the layer (forward's mistake)."""
    try:
        return layer.backward(dout.copy())
    except StudentError as exc:
        if exc.info.get("type") != "AttributeError":
            raise
    for name, value in book_state.items():
        setattr(layer, name, value)
    return layer.backward(dout.copy())


def _affine_data(rng, x_shape=(3, 4)):
    d = int(np.prod(x_shape[1:]))
    return rng.normal(size=(d, 5)), rng.normal(size=5), rng.normal(size=x_shape)


@pytest.mark.unit("Affine.forward")
def test_Affine_forward_matches_reference(student, reference, rng):
    W, b, x = _affine_data(rng)
    expect.array_close(student.Affine(W.copy(), b.copy()).forward(x.copy()), x @ W + b,
                       what="Affine(W, b).forward(x)",
                       diagnose=[(HINTS["affine_forward_bias"], x @ W)])


@pytest.mark.unit("Affine.forward")
def test_Affine_forward_flattens_images(student, rng):
    W, b, x = _affine_data(rng, (3, 2, 2, 1))
    got = call_with_hint(student.Affine(W.copy(), b.copy()).forward, x.copy(),
                         hint=HINTS["affine_flatten"], when=NOT_ALIGNED)
    expect.array_close(got, x.reshape(3, -1) @ W + b,
                       what=_("Affine.forward(x) for x of shape (3, 2, 2, 1)"))


@pytest.mark.unit("Affine.backward")
def test_Affine_backward_dx(student, rng):
    W, b, x = _affine_data(rng, (3, 2, 2, 1))
    dout = rng.normal(size=(3, 5))
    layer = student.Affine(W.copy(), b.copy())
    try:
        layer.forward(x.copy())
    except StudentError:  # a forward that cannot flatten is Affine.forward's mistake alone
        x = x.reshape(3, -1)
        layer = student.Affine(W.copy(), b.copy())
        layer.forward(x.copy())
    want = (dout @ W.T).reshape(x.shape)
    flat = dout @ W.T
    expect.array_close(layer.backward(dout.copy()), want,
                       what=_("Affine.backward(dout): dx for x of shape {shape}").format(
                           shape=x.shape),
                       diagnose=lambda got: HINTS["affine_dx_reshape"]
                       if np.shape(got) == flat.shape and x.ndim > 2 else None)


@pytest.mark.unit("Affine.backward")
def test_Affine_backward_dW_db(student, rng):
    W, b, x = _affine_data(rng)
    dout = rng.normal(size=(3, 5))
    layer = student.Affine(W.copy(), b.copy())
    layer.forward(x.copy())
    layer.backward(dout.copy())
    expect.array_close(layer.dW, x.T @ dout, what=_("Affine.dW after backward"),
                       diagnose=[(HINTS["affine_dw_transposed"], dout.T @ x)])
    expect.array_close(layer.db, dout.sum(axis=0), what=_("Affine.db after backward"),
                       diagnose=lambda got: HINTS["affine_db_sum"]
                       if np.shape(got) != (5,) or np.allclose(got, dout[0]) else None)


@pytest.mark.unit("Affine.backward")
def test_Affine_backward_gradient_check(student, rng):
    W, b, x = rng.normal(size=(3, 2)), rng.normal(size=2), rng.normal(size=(2, 3))
    dout = rng.normal(size=(2, 2))
    layer = student.Affine(W, b)
    forward = layer.forward
    layer.forward(x.copy())
    dx = layer.backward(dout.copy())
    dW = layer.dW
    expect_gradient(dx, numeric_gradient_of_output(lambda v: forward(v.copy()), x, dout),
                    threshold=1e-7, what=_("Affine.backward's dx against the numerical gradient of "
                                           "your forward"))
    expect_gradient(dx, dout @ W.T, what=_("Affine.backward's dx"))

    def out_sum() -> float:
        student.write_back(W)  # the layer holds a copy of W linked to this array
        return float(np.sum(forward(x.copy()) * dout))

    transposed = [(HINTS["affine_dw_transposed"], dout.T @ x)]
    expect_gradient(dW, numeric_gradient(out_sum, W), threshold=1e-7,
                    what=_("Affine.dW against the numerical gradient of your forward"),
                    diagnose=transposed)
    expect_gradient(dW, x.T @ dout, what="Affine.dW", diagnose=transposed)


def _scores_and_labels(rng):
    return rng.normal(scale=2, size=(4, 5)), rng.integers(0, 5, size=4)


@pytest.mark.unit("SoftmaxWithLoss.forward")
def test_SoftmaxWithLoss_forward_one_hot(student, reference, rng):
    x, labels = _scores_and_labels(rng)
    t = np.eye(5)[labels]
    want = reference.cross_entropy_error(reference.softmax(x), t)
    expect.number_close(student.SoftmaxWithLoss().forward(x.copy(), t), want, rtol=1e-4,
                        what="SoftmaxWithLoss().forward(x, one-hot t)",
                        diagnose=[(HINTS["cee_batch_mean"], want * 4)])


@pytest.mark.unit("SoftmaxWithLoss.forward")
def test_SoftmaxWithLoss_forward_labels(student, reference, rng):
    x, labels = _scores_and_labels(rng)
    want = reference.cross_entropy_error(reference.softmax(x), labels)
    got = call_with_hint(student.SoftmaxWithLoss().forward, x.copy(), labels,
                         hint=HINTS["cee_one_hot_only"], when=BROADCAST)
    expect.number_close(got, want, rtol=1e-4, what="SoftmaxWithLoss().forward(x, labels)",
                        diagnose=[(HINTS["cee_batch_mean"], want * 4)])


@pytest.mark.unit("SoftmaxWithLoss.backward")
def test_SoftmaxWithLoss_backward_one_hot(student, reference, rng):
    x, labels = _scores_and_labels(rng)
    t = np.eye(5)[labels]
    layer, y = _swl_after_forward(student, reference, x, t)
    expect.array_close(layer.backward(), (y - t) / 4, rtol=1e-4, atol=1e-7,
                       what=_("SoftmaxWithLoss.backward() with one-hot t"),
                       diagnose=[(HINTS["swl_divide_by_n"], y - t)])


@pytest.mark.unit("SoftmaxWithLoss.backward")
def test_SoftmaxWithLoss_backward_labels(student, reference, rng):
    x, labels = _scores_and_labels(rng)
    layer, y = _swl_after_forward(student, reference, x, labels)
    want = (y - np.eye(5)[labels]) / 4
    got = call_with_hint(layer.backward, hint=HINTS["swl_labels"], when=BROADCAST)
    expect.array_close(got, want, rtol=1e-4, atol=1e-7,
                       what=_("SoftmaxWithLoss.backward() with label indices t"),
                       diagnose=[(HINTS["swl_divide_by_n"], want * 4),
                                 (HINTS["swl_labels"], (y - labels[:, None]) / 4),
                                 (HINTS["swl_labels"], y - labels[:, None])])


@pytest.mark.unit("SoftmaxWithLoss.backward")
def test_SoftmaxWithLoss_backward_gradient_check(student, reference, rng):
    # Each loss calls softmax and cross_entropy_error in the grader: two more round trips.
    # Scale 1 keeps every probability far from the log's 1e-7: over 300 seeds the reference
    # stays below 1e-5 relative error (scale 2 went above the 1e-4 threshold for 4% of them).
    x, labels = rng.normal(size=(3, 4)), rng.integers(0, 4, size=3)
    t = np.eye(4)[labels]
    layer, _loss = _swl_after_forward(student, reference, x, t)
    analytic = layer.backward()
    # The numerical gradient of the right loss (a wrong loss in forward costs forward's
    # points, not backward's), computed here in the grader.
    numeric = numeric_gradient(
        lambda: reference.cross_entropy_error(reference.softmax(x), t), x)
    # 1e-4: the 1e-7 inside the log of cross_entropy_error bends the loss slightly.
    not_divided = [(HINTS["swl_divide_by_n"], reference.softmax(x) - t)]
    expect_gradient(analytic, numeric, threshold=1e-4, diagnose=not_divided,
                    what=_("SoftmaxWithLoss.backward against the numerical gradient of the loss"))
    expect_gradient(analytic, (reference.softmax(x) - t) / 3, threshold=1e-4,
                    what="SoftmaxWithLoss.backward()", diagnose=not_divided)


def _swl_after_forward(student, reference, x, t):
    """A student's SoftmaxWithLoss after its forward(x, t), and softmax(x). Method-level
    isolation: where forward raises, the layer gets the book's state (y, t) instead, so
    that forward's mistake costs forward's points only."""
    layer = student.SoftmaxWithLoss()
    y = reference.softmax(x)
    try:
        layer.forward(x.copy(), t)
    except StudentError as exc:
        if exc.status != "error":
            raise
        layer.y, layer.t = y, t
    return layer, y


def _nets(student, reference, rng, sizes=(4, 5, 3)):
    """The student's TwoLayerNet and the reference one, with the same random params.

    Method-level isolation: where the student's __init__ does not give params of the book's
    shapes, the student's object gets the book's state instead (params; layers Affine1,
    Relu1, Affine2 sharing them; lastLayer), so a mistake in __init__ costs __init__ only.
    """
    ref = reference.TwoLayerNet(*sizes)
    for key in KEYS:
        ref.params[key][...] = rng.normal(scale=0.5, size=ref.params[key].shape)
    try:
        net = student.TwoLayerNet(*sizes)
        params = net.params
    except StudentError as exc:
        if exc.status != "error":  # not implemented: nothing to grade
            raise
        net, params = None, None
    if isinstance(params, dict) and all(
            key in params and isinstance(params[key], np.ndarray)
            and params[key].shape == ref.params[key].shape for key in KEYS):
        for key in KEYS:
            params[key][...] = ref.params[key]
        student.write_back(params)
        return net, ref
    net = net if net is not None else student.blank("TwoLayerNet")
    book = {key: ref.params[key].copy() for key in KEYS}
    net.params = book
    net.layers = {"Affine1": expose(reference.Affine(book["W1"], book["b1"])),
                  "Relu1": expose(reference.Relu()),
                  "Affine2": expose(reference.Affine(book["W2"], book["b2"]))}
    net.lastLayer = expose(reference.SoftmaxWithLoss())
    return net, ref


def _delegate(net, *names):
    """Method-level isolation: the student's `names` (predict, loss) replaced on this object
    by the book's, run by the grader through the object's own layers, so that the forward
    state they leave in the layers is where the student's gradient looks for it. Where the
    object has no book layout (layers, lastLayer) the student's own methods stay."""
    try:
        net.layers, net.lastLayer  # noqa: B018 - probes the book's layout
    except (AttributeError, StudentError):
        return

    def predict(x):
        for layer in net.layers.values():
            x = layer.forward(x)
        return x

    def loss(x, t):
        return net.lastLayer.forward(predict(x), t)

    book = {"predict": predict, "loss": loss}
    for name in names:
        setattr(net, name, book[name])


@pytest.mark.unit("TwoLayerNet.__init__")
def test_TwoLayerNet_params_shapes(student):
    params = student.TwoLayerNet(7, 5, 3).params
    shapes = {"W1": (7, 5), "b1": (5,), "W2": (5, 3), "b2": (3,)}
    expect.that(isinstance(params, dict) and sorted(params) == sorted(shapes),
                _("TwoLayerNet(7, 5, 3).params: expected a dict with keys W1, b1, W2, b2, got "
                  "{got}").format(
                    got=expect.show(sorted(params) if isinstance(params, dict) else params)),
                HINTS["twolayer_init"])
    for key, shape in shapes.items():
        expect.that(isinstance(params[key], np.ndarray) and params[key].shape == shape
                    and params[key].dtype.kind == "f",
                    _("params[{key!r}]: expected a float array of shape {shape}, got {got}").format(
                        key=key, shape=shape, got=expect.kind(params[key])), HINTS["twolayer_init"])


@pytest.mark.unit("TwoLayerNet.__init__")
def test_TwoLayerNet_params_initialisation(student):
    params = student.TwoLayerNet(300, 200, 10, weight_init_std=0.05).params
    for key in ("W1", "W2"):
        w = params[key]
        expect.that(abs(float(np.std(w)) - 0.05) < 0.005 and abs(float(np.mean(w))) < 0.01,
                    _("params[{key!r}] of TwoLayerNet(300, 200, 10, weight_init_std=0.05): "
                      "expected random values with standard deviation 0.05, got mean {mean:.3g} "
                      "and standard deviation {std:.3g}").format(
                        key=key, mean=float(np.mean(w)), std=float(np.std(w))),
                    HINTS["twolayer_init"])
    for key in ("b1", "b2"):
        expect.array_close(params[key], np.zeros(params[key].shape), what=f"params[{key!r}]",
                           hint=HINTS["twolayer_init"])


@pytest.mark.unit("TwoLayerNet.predict")
def test_TwoLayerNet_predict(student, reference, rng):
    net, ref = _nets(student, reference, rng)
    x = rng.normal(size=(6, 4))
    scores = ref.predict(x)
    shifted = scores - scores.max(axis=1, keepdims=True)
    log_probabilities = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    expect.array_close(net.predict(x.copy()), scores, what="predict(x)",
                       diagnose=[(HINTS["predict_scores"], reference.softmax(scores)),
                                 (HINTS["predict_scores"], reference.sigmoid(scores)),
                                 (HINTS["predict_log_scores"], log_probabilities)])


@pytest.mark.unit("TwoLayerNet.loss")
def test_TwoLayerNet_loss(student, reference, rng):
    net, ref = _nets(student, reference, rng)
    _delegate(net, "predict")
    x, t = rng.normal(size=(6, 4)), rng.integers(0, 3, size=6)
    expect.number_close(net.loss(x.copy(), t), ref.loss(x, t), rtol=1e-6, what="loss(x, t)",
                        diagnose=[(HINTS["twolayer_loss_softmax"],
                                   reference.cross_entropy_error(ref.predict(x), t))])


def _accuracy_data(rng, ref):
    x = rng.normal(size=(40, 4))
    t = rng.integers(0, 3, size=40)
    t[:20] = np.argmax(ref.predict(x[:20]), axis=1)  # about half right
    return x, t


@pytest.mark.unit("TwoLayerNet.accuracy")
def test_TwoLayerNet_accuracy_labels(student, reference, rng):
    net, ref = _nets(student, reference, rng)
    _delegate(net, "predict")
    x, t = _accuracy_data(rng, ref)
    got = call_with_hint(net.accuracy, x.copy(), t, hint=HINTS["accuracy_labels"],
                         when=raised("AxisError", says="axis 1"))
    # argmax over the last axis of labels: one number, the position of the largest label
    against_one = float(np.mean(np.argmax(ref.predict(x), axis=1) == np.argmax(t)))
    expect.number_close(got, ref.accuracy(x, t), what="accuracy(x, labels)",
                        diagnose=[(HINTS["accuracy_labels"], against_one)])


@pytest.mark.unit("TwoLayerNet.accuracy")
def test_TwoLayerNet_accuracy_one_hot(student, reference, rng):
    net, ref = _nets(student, reference, rng)
    _delegate(net, "predict")
    x, t = _accuracy_data(rng, ref)
    got = call_with_hint(net.accuracy, x.copy(), np.eye(3)[t], hint=HINTS["accuracy_one_hot"],
                         when=BROADCAST)
    expect.number_close(got, ref.accuracy(x, t), what="accuracy(x, one-hot t)")


def _grads(got, what):
    expect.that(isinstance(got, dict) and all(k in got for k in KEYS),
                _("{what}: expected a dict with keys W1, b1, W2, b2, got {got}").format(
                    what=what, got=expect.show(sorted(got) if isinstance(got, dict) else got)),
                HINTS["gradient_keys"])
    return got


@pytest.mark.unit("TwoLayerNet.numerical_gradient", seconds=30)
def test_TwoLayerNet_numerical_gradient(student, reference, rng):
    # 14 parameters: each costs two losses, each loss four calls into reference layers.
    net, ref = _nets(student, reference, rng, (3, 2, 2))
    _delegate(net, "predict", "loss")
    x, t = rng.normal(size=(3, 3)), rng.integers(0, 2, size=3)
    got = _grads(net.numerical_gradient(x.copy(), t), "numerical_gradient(x, t)")
    want = ref.numerical_gradient(x, t)
    for key in KEYS:
        expect.array_close(got[key], want[key], rtol=1e-5, atol=1e-7,
                           what=f"numerical_gradient(x, t)[{key!r}]",
                           diagnose=[(HINTS["numgrad_params_not_seen"], np.zeros_like(want[key]))]
                           + [(HINTS["numgrad_wrong_key"].format(key=repr(key)), want[other])
                              for other in KEYS if other != key])


@pytest.mark.unit("TwoLayerNet.gradient")
def test_TwoLayerNet_gradient_matches_reference(student, reference, rng):
    net, ref = _nets(student, reference, rng)
    _delegate(net, "predict", "loss")
    x, t = rng.normal(size=(6, 4)), rng.integers(0, 3, size=6)
    got = _grads(call_with_hint(net.gradient, x.copy(), t, hint=HINTS["gradient_layers_order"],
                                when=_layers_in_order),
                 "gradient(x, t)")
    want = ref.gradient(x, t)
    for key in KEYS:
        expect_gradient(got[key], want[key], what=f"gradient(x, t)[{key!r}]")


@pytest.mark.unit("TwoLayerNet.gradient", seconds=30)
def test_TwoLayerNet_gradient_check(student, reference, rng):
    net, ref = _nets(student, reference, rng, (3, 2, 2))  # 14 parameters, as above
    _delegate(net, "predict", "loss")
    x, t = rng.normal(size=(4, 3)), rng.integers(0, 2, size=4)
    params = net.params
    got = _grads(call_with_hint(net.gradient, x.copy(), t, hint=HINTS["gradient_layers_order"],
                                when=_layers_in_order),
                 "gradient(x, t)")
    loss = net.loss

    def current_loss() -> float:
        student.write_back(params)
        return float(loss(x.copy(), t))

    want = ref.gradient(x, t)
    for key in KEYS:
        # Sparse (CS231n): 3 entries of each parameter against the student's own loss; the
        # comparison with the reference below covers every entry.
        indexes = sample_indexes(rng, params[key].shape, 3)
        numeric = numeric_gradient(current_loss, params[key], indexes=indexes)
        expect_gradient_at(got[key], numeric, indexes, threshold=1e-6,
                           what=_("gradient(x, t)[{key!r}] against the numerical gradient of "
                                  "loss").format(key=key))
        expect_gradient(got[key], want[key], what=f"gradient(x, t)[{key!r}]")

"""Hidden checks for 04_backprop.

Layer checks use the student's class alone; the network checks run the student's
TwoLayerNet with the reference layers (unit isolation), so they grade its wiring.
"""

import numpy as np
import pytest

from autograder.grade.answers import grade_answer
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
from autograder.sandbox.rpc import Exposed
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


# --- the step function's derivative --------------------------------------------------------

@pytest.mark.unit("d_step_function")
def test_d_step_function_values(student, rng):
    x = rng.normal(size=(3, 5))
    x[x == 0] = 0.5  # this check is about x != 0; the next one is about x = 0
    expect.array_close(student.d_step_function(x), np.zeros_like(x),
                       what=_("d_step_function(x) for x != 0"),
                       diagnose=[(HINTS["d_step_values"], (x > 0).astype(float))])


@pytest.mark.unit("d_step_function")
def test_d_step_function_at_zero(student):
    x = np.array([0.0, -0.0, 0.0])
    expect.array_close(student.d_step_function(x), np.zeros(3),
                       what=_("d_step_function(x) at x = 0 (the notebook's contract: 0)"),
                       hint=HINTS["d_step_at_zero"], nan_hint=HINTS["d_step_at_zero"])


# --- the regression network ----------------------------------------------------------------

REGRESSION_SHAPES = {"W1": (2, 10), "b1": (10,), "W2": (10,), "b2": ()}


def _regression_net(rng, negative=0):
    """A regression network whose pre-activations for x in [0, 1)^2 stay away from 0 (the
    gradient check's central differences never cross relu's kink); `negative`: at least
    this many hidden units are off (pre-activation < 0) for every such x."""
    net = {"W1": rng.normal(size=(2, 10)), "b1": rng.normal(size=10),
           "W2": rng.normal(size=10), "b2": float(rng.normal())}
    net["b1"][:negative] = -3.0 - np.abs(net["W1"][:, :negative]).sum(axis=0)
    return net


def _clear_of_the_kink(net, x):
    return bool(np.all(np.abs(x @ net["W1"] + net["b1"]) > 1e-3))


def _regression_sample(rng, net):
    for _attempt in range(100):
        x = rng.random(2)
        if _clear_of_the_kink(net, x):
            return x, float(3 * x[0] + 2 * x[1])
    raise RuntimeError("no sample away from relu's kink")  # pragma: no cover


def _expect_regression_params(got, want, *, what, hint=None, diagnose=None, rtol=1e-6):
    expect.that(isinstance(got, dict) and sorted(got) == sorted(want),
                _("{what}: expected a dict with the keys {keys}, got {got}").format(
                    what=what, keys=sorted(want), got=expect.show(got)),
                hint)
    for key in ("W1", "b1", "W2", "b2"):
        if np.ndim(want[key]) == 0:
            expect.number_close(got[key], float(want[key]), rtol=rtol, atol=1e-10,
                                what=f"{what}[{key!r}]", hint=hint)
        else:
            expect.array_close(got[key], want[key], rtol=rtol, atol=1e-10,
                               what=f"{what}[{key!r}]", hint=hint,
                               diagnose=diagnose(key) if diagnose else None)


@pytest.mark.unit("init_regression_network")
def test_init_regression_network_shapes(student):
    net = student.init_regression_network(seed=1)
    expect.that(isinstance(net, dict) and sorted(net) == sorted(REGRESSION_SHAPES),
                _("init_regression_network(seed=1): expected a dict with the keys {keys}, got "
                  "{got}").format(keys=sorted(REGRESSION_SHAPES), got=expect.show(net)),
                HINTS["regression_init_shapes"])
    for key, shape in REGRESSION_SHAPES.items():
        if shape == ():
            message = _("init_regression_network(seed=1)[{key!r}]: expected a float number, "
                        "got {got}")
        else:
            message = _("init_regression_network(seed=1)[{key!r}]: expected a float ndarray "
                        "of shape {shape}, got {got}")
        expect.that(np.shape(net[key]) == shape and np.asarray(net[key]).dtype.kind == "f",
                    message.format(key=key, shape=shape, got=expect.kind(net[key])),
                    HINTS["regression_init_shapes"])
    other = student.init_regression_network(seed=2)
    expect.that(not np.array_equal(net["W1"], other["W1"]),
                _("init_regression_network gave the same W1 for seed=1 and seed=2: draw the "
                  "weights from np.random.default_rng(seed)"))


@pytest.mark.unit("forward_regression")
def test_forward_regression_matches_reference(student, reference, rng):
    net = _regression_net(rng, negative=3)
    x = rng.random(2)
    got = student.forward_regression(net, x.copy())
    expect.that(isinstance(got, tuple) and len(got) == 2,
                _("forward_regression(network, x): expected a tuple (z1, y), got {got}").format(
                    got=expect.kind(got)))
    z1, y = reference.forward_regression(net, x)
    u1 = x @ net["W1"] + net["b1"]
    expect.array_close(got[0], z1, what=_("z1 of forward_regression(network, x)"),
                       diagnose=[(HINTS["regression_forward_relu"], u1)])
    expect.number_close(got[1], float(y), what=_("y of forward_regression(network, x)"),
                        diagnose=[(HINTS["regression_forward_relu"], u1 @ net["W2"] + net["b2"])])


def _numeric_regression_gradient(reference, net, x, d):
    """The numerical gradient of E = 0.5 * (y - d)**2, computed here in the grader."""
    work = {k: np.array(v, dtype=float) for k, v in net.items()}

    def loss() -> float:
        _z1, y = reference.forward_regression(work, x)
        return 0.5 * float(y - d) ** 2

    return {k: numeric_gradient(loss, work[k]) for k in ("W1", "b1", "W2", "b2")}


def _d_relu_of_z1(net, x, d, reference):
    """The hidden layer's gradients with relu' taken at z1 (the activated value) instead
    of the pre-activation, as the reference d_relu gives them."""
    z1, y = reference.forward_regression(net, x)
    delta1 = (y - d) * net["W2"] * reference.d_relu(z1)
    return {"W1": np.outer(x, delta1), "b1": delta1}


@pytest.mark.unit("backward_regression")
def test_backward_regression_gradient_check(student, reference, rng):
    net = _regression_net(rng, negative=3)
    x, d = _regression_sample(rng, net)
    z1, y = reference.forward_regression(net, x)
    got = student.backward_regression(net, x.copy(), d, z1.copy(), y)
    numeric = _numeric_regression_gradient(reference, net, x, d)
    expect.that(isinstance(got, dict) and sorted(got) == sorted(numeric),
                _("backward_regression: expected a dict with the keys {keys}, got {got}").format(
                    keys=sorted(numeric), got=expect.show(got)))
    wrong = _d_relu_of_z1(net, x, d, reference)
    for key in ("W1", "b1", "W2"):
        pairs = [(HINTS["regression_pre_activation"], wrong[key])] if key in wrong else None
        expect_gradient(got[key], numeric[key], threshold=1e-6, diagnose=pairs,
                        what=_("backward_regression(...)[{key!r}] against the numerical "
                               "gradient of the loss").format(key=key))
    expect.number_close(got["b2"], float(numeric["b2"]), rtol=1e-5,
                        what=_("backward_regression(...)[{key!r}] against the numerical "
                               "gradient of the loss").format(key="b2"))


@pytest.mark.unit("backward_regression")
def test_backward_regression_derivative_at_the_pre_activation(student, reference, rng):
    net = _regression_net(rng, negative=4)  # units that are off: relu'(u1) = 0 there
    x, d = _regression_sample(rng, net)
    z1, y = reference.forward_regression(net, x)
    got = student.backward_regression(net, x.copy(), d, z1.copy(), y)
    want = reference.backward_regression(net, x, d, z1, y)
    expect.that(isinstance(got, dict) and {"W1", "b1"} <= set(got),
                _("backward_regression: expected a dict with the keys {keys}, got {got}").format(
                    keys=["W1", "W2", "b1", "b2"], got=expect.show(got)))
    wrong = _d_relu_of_z1(net, x, d, reference)
    for key in ("b1", "W1"):
        expect.array_close(got[key], want[key], rtol=1e-6, atol=1e-10,
                           what=_("backward_regression(...)[{key!r}] where 4 hidden units "
                                  "are off").format(key=key),
                           diagnose=[(HINTS["regression_pre_activation"], wrong[key])])


def _regression_run(reference, net, x, d, steps, learning_rate):
    """The reference's SGD on one sample: the network after each step and each loss."""
    net = {k: np.array(v, dtype=float) if np.ndim(v) else float(v) for k, v in net.items()}
    losses = []
    for _step in range(steps):
        z1, y = reference.forward_regression(net, x[0])
        grad = reference.backward_regression(net, x[0], d[0], z1, y)
        for key in ("W1", "b1", "W2", "b2"):
            net[key] = net[key] - learning_rate * grad[key]
        losses.append(0.5 * float(y - d[0]) ** 2)
    return net, losses


def _train_regression(student, net, x, d, steps):
    try:
        return student.train_regression(net, x.copy(), d.copy(), steps=steps,
                                        learning_rate=0.07, seed=0)
    except StudentError as exc:
        if exc.info.get("type") == "NameError" and "'network'" in str(exc.info.get("text")):
            # A global `network` (the notebook's experiment) used instead of the argument.
            raise expect.CheckFailed(str(exc).split("\n" + _("Hint:"))[0],
                                     HINTS["regression_global_network"]) from None
        raise


def _one_sample(rng):
    """One training sample: every step of SGD uses it, whatever sampling the student's
    code does, so each step can be followed exactly."""
    x = rng.random((1, 2))
    return x, 3 * x[:, 0] + 2 * x[:, 1]


@pytest.mark.unit("train_regression")
def test_train_regression_updates_the_network_passed_in(student, reference, rng):
    net = _regression_net(rng)
    x, d = _one_sample(rng)
    want, _net = _regression_run(reference, net, x, d, 3, 0.07)
    _train_regression(student, net, x, d, 3)
    after = student.current(net)
    unchanged = isinstance(after, dict) and all(
        np.array_equal(np.asarray(after.get(k)), np.asarray(net[k])) for k in net)
    _expect_regression_params(
        after, want, what=_("the network passed to train_regression after 3 steps"),
        hint=HINTS["regression_update_copy"] if unchanged else None)


@pytest.mark.unit("train_regression")
def test_train_regression_records_the_loss_every_step(student, reference, rng):
    net = _regression_net(rng)
    x, d = _one_sample(rng)
    _losses, want = _regression_run(reference, net, x, d, 4, 0.07)
    losses = _train_regression(student, net, x, d, 4)
    try:
        values = np.asarray(losses, dtype=float) if isinstance(losses, (list, tuple)) else losses
    except (TypeError, ValueError):
        values = losses
    expect.array_close(values, np.array(want), rtol=1e-6,
                       what=_("the losses train_regression returned for 4 steps on one sample"),
                       diagnose=lambda got: HINTS["regression_loss_every_step"]
                       if np.ndim(got) == 0 or np.size(got) == 1 else None)


# --- gradient check ------------------------------------------------------------------------

class _CheckedNet:
    """A network for gradient_check: the reference TwoLayerNet's numerical gradient, and its
    backprop gradient with an optional planted bug (±0.01 on one parameter, alternating
    signs, so that only the absolute differences show it)."""

    def __init__(self, reference, rng, planted=None):
        self.net = reference.TwoLayerNet(4, 5, 3)
        # Small weights keep the book's numerical gradient within 1e-7 of backprop (the
        # 1e-7 inside cross_entropy_error's log bends the loss more for larger scores).
        for key in KEYS:
            self.net.params[key][...] = rng.normal(scale=0.1, size=self.net.params[key].shape)
        self.planted = planted
        self.calls = []

    def numerical_gradient(self, x, t):
        self.calls.append("numerical_gradient")
        return self.net.numerical_gradient(x, t)

    def gradient(self, x, t):
        self.calls.append("gradient")
        grads = {k: np.array(v, copy=True) for k, v in self.net.gradient(x, t).items()}
        if self.planted is not None:
            signs = np.where(np.arange(grads[self.planted].size) % 2 == 0, 1.0, -1.0)
            grads[self.planted] += 0.01 * signs.reshape(grads[self.planted].shape)
        return grads

    def exposed(self):
        return Exposed(self, ("numerical_gradient", "gradient"), ())


def _gradient_check(student, reference, rng, planted):
    checked = _CheckedNet(reference, rng, planted)
    x, t = rng.normal(size=(3, 4)), np.array([0, 2, 1])
    got = student.gradient_check(checked.exposed(), x.copy(), t.copy())
    numerical = checked.net.numerical_gradient(x, t)
    backprop = _CheckedNet.gradient(checked, x, t)
    want = {k: float(np.mean(np.abs(backprop[k] - numerical[k]))) for k in KEYS}
    signed = {k: float(np.mean(backprop[k] - numerical[k])) for k in KEYS}
    expect.that(isinstance(got, dict) and sorted(got) == sorted(KEYS),
                _("gradient_check(network, x, t): expected a dict with the keys {keys}, got "
                  "{got}").format(keys=sorted(KEYS), got=expect.show(got)))
    return got, want, signed


def _gradient_check_hint(got, key, signed):
    if expect.is_number(got) and np.isclose(float(got), signed[key], rtol=1e-6, atol=1e-12):
        return HINTS["gradient_check_abs"]
    if expect.is_number(got) and float(got) == 0.0:
        return HINTS["gradient_check_compare"]
    return None


@pytest.mark.unit("gradient_check")
def test_gradient_check_finds_the_planted_bug(student, reference, rng):
    planted = KEYS[int(rng.integers(len(KEYS)))]
    got, want, signed = _gradient_check(student, reference, rng, planted)
    for key in KEYS:
        expect.number_close(got[key], want[key], rtol=1e-6, atol=1e-9,
                            what=_("gradient_check(...)[{key!r}] for a network whose backprop "
                                   "gradient of {planted} is wrong by 0.01 per entry").format(
                                       key=key, planted=planted),
                            diagnose=lambda value, key=key: _gradient_check_hint(value, key,
                                                                                 signed))


@pytest.mark.unit("gradient_check")
def test_gradient_check_correct_network(student, reference, rng):
    got, want, signed = _gradient_check(student, reference, rng, None)
    for key in KEYS:
        value = got[key]
        expect.that(expect.is_number(value) and 0 <= float(value) < 1e-7,
                    _("gradient_check(...)[{key!r}] for a correct network: expected a mean "
                      "absolute difference between 0 and 1e-7 (here {want}), got {got}").format(
                          key=key, want=f"{want[key]:.3g}", got=expect.show(value)),
                    _gradient_check_hint(value, key, signed))


# --- concept checks (確認テスト): the right answers and why, shown in the feedback only ----


@pytest.mark.unit("answer_sigmoid_derivative_at_0")
def test_answer_sigmoid_derivative_at_0_is_right(answers):
    grade_answer(answers, "answer_sigmoid_derivative_at_0", 0.25, form="number", example="0.5",
                 explain=_('sigmoid(0) = 1 / (1 + e^0) = 0.5, and the derivative is sigmoid(x) * (1 - sigmoid(x)) = 0.5 * 0.5 = 0.25, the largest value it ever takes.'))


@pytest.mark.unit("answer_dW_shape")
def test_answer_dW_shape_is_right(answers):
    grade_answer(answers, "answer_dW_shape", (784, 50), form="tuple", example="(3, 4)",
                 explain=_('dW always has the shape of W, because each entry of dW is the gradient of one weight. W maps 784 inputs to 50 outputs, so both are 784 by 50; the batch size 100 disappears in the product of x transposed (784 by 100) and dout (100 by 50).'))


@pytest.mark.unit("answer_parameter_count")
def test_answer_parameter_count_is_right(answers):
    grade_answer(answers, "answer_parameter_count", 41, form="number", example="12",
                 explain=_('W1 has 2 x 10 = 20 weights, b1 10 biases, W2 10 weights and b2 one bias: 20 + 10 + 10 + 1 = 41.'))

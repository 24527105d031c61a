"""The catalogue of known mistakes: a name and a hint for each classic error.

Public tests and hidden checks both refer to hints by name, so a mistake is explained the
same way wherever it is caught. Each hidden-check hint has a buggy implementation in
`tests/catalogue/` that proves the grader recognises it.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from ..i18n.messages import N_, _

# The English texts (msgids of the message catalogs); HINTS gives them in the active language.
SOURCE: dict[str, str] = {
    # 01 perceptron
    "perceptron_threshold": N_(
        "A perceptron outputs 1 only when w1*x1 + w2*x2 + b is greater than 0, and 0 "
        "otherwise. Your gate gives 1 where this sum is exactly at the threshold: check "
        "the comparison and the sign of the bias."),
    "gate_like_and": N_(
        "{gate} gives the same outputs as AND. Only the bias decides how many inputs must "
        "be 1: choose a bias that lets one input alone pass the threshold."),
    "gate_always_zero": N_(
        "{gate} returns 0 for every input, so no input passes the threshold. If you flipped "
        "the signs of AND's weights, flip the sign of its bias too."),
    "xor_composition": N_(
        "XOR is not linearly separable, so one perceptron cannot compute it. Build it in "
        "two layers from the gates you already wrote (NAND, OR and AND)."),
    # 02 forward
    "step_at_zero": N_(
        "The step function is 1 only for x > 0. At exactly 0 it is 0, so use a strict "
        "comparison."),
    "step_bool": N_(
        "Return numbers, not True/False: convert the boolean array to an integer array."),
    "scalar_if": N_(
        "{unit} received an array, and `if` cannot decide whether a whole array is "
        "positive. Compare the whole array at once with numpy instead of using `if` on it."),
    "sigmoid_formula": N_(
        "Your values are a mirror image of sigmoid: sigmoid is close to 1 for large "
        "positive x and close to 0 for large negative x. Check the sign of the exponent."),
    "sigmoid_overflow": N_(
        "Your form of sigmoid computes inf / inf, which is nan, for large x. Write sigmoid "
        "in the form of the book, where the exponential can only grow in the denominator."),
    "rounded_output": N_(
        "Your values are rounded: they agree with the expected values only to a few "
        "decimal places. Return the full-precision result; round only when you print."),
    "truncated_to_int": N_(
        "Your values lost their fractional part: the result was converted to integers. "
        "Keep the floating-point values."),
    "relu_in_place": N_(
        "relu changed its input array: assigning into x writes into the caller's array. "
        "Build and return a new array instead."),
    "relu_np_max": N_(
        "np.max(a, b) reads its second argument as an axis, not as a second array. The "
        "element-wise maximum of two arrays is a different numpy function."),
    "softmax_overflow": N_(
        "np.exp overflows for inputs around 1000 and gives nan. Softmax does not change "
        "when you subtract the same constant from every input, so subtract the largest "
        "value of each row before the exponential."),
    "softmax_global": N_(
        "For a batch (2-D x) each row is its own softmax: take the maximum and the sum of "
        "each row (along the last axis, keeping the dimensions), not of the whole array."),
    "softmax_one_sample": N_(
        "A single sample is a 1-D array, which has no axis 1. Work along the last axis, "
        "which exists for one sample and for a batch alike."),
    "softmax_in_place": N_(
        "softmax changed its input array: an in-place subtraction writes into the caller's "
        "array. Make a new array for the shifted values."),
    "forward_output_activation": N_(
        "The output layer of this network uses the identity function (恒等関数): do not "
        "apply sigmoid or softmax to a3."),
    "forward_hidden_missing": N_(
        "Your output is what the network gives without an activation on the hidden "
        "layers. Apply sigmoid to a1 and to a2 before the next layer."),
    "forward_hidden_relu": N_(
        "Your output is what the network gives with ReLU on the hidden layers. This "
        "network uses sigmoid on both hidden layers."),
    "forward_bias": N_("Each layer computes a = x·W + b: do not forget the bias."),
    "init_network_values": N_(
        "One of your arrays holds the book's numbers in the wrong order, read down the "
        "columns instead of along the rows: compare its shape and rows with the book's "
        "fixed weights (section 3.4.3)."),
    # 03 learning
    "mse_half": N_(
        "The book's mean squared error is half the sum of the squared differences. The "
        "factor 1/2 cancels the 2 of the derivative."),
    "mse_mean": N_(
        "You took the mean of the squared differences. The book's mean squared error is "
        "half of their sum, not their mean, despite its name."),
    "cee_log_zero": N_(
        "np.log(0) is -inf. Add a tiny delta inside the log so that the loss stays finite "
        "when a predicted probability is exactly 0."),
    "cee_one_hot_only": N_(
        "t may hold label indices (for example [2, 0, 1]) as well as one-hot rows. For "
        "labels, pick the probability of the correct class in each row with an index "
        "array."),
    "cee_batch_mean": N_(
        "For a batch, divide the summed loss by the batch size: the loss is the mean over "
        "the batch, so it does not grow with N."),
    "cee_one_d": N_(
        "For a single sample (1-D y and t), reshape both to batches of one row first, so "
        "that the batch code works for them."),
    "cee_batch_size_branch": N_(
        "batch_size is only assigned inside the `if` for one sample, so it does not exist "
        "when y is already a batch. Assign it after the `if`, for every input."),
    "target_first": N_(
        "{unit} takes the prediction first and the target second, as in the book: "
        "{unit}(y, t). Your function names its first parameter like a target, so the "
        "prediction and the target are swapped."),
    "cee_target_first": N_(
        "Your loss is what you get with y and t swapped: the log was taken of the target. "
        "cross_entropy_error takes the prediction y first and the target t second."),
    "forward_difference": N_(
        "Use the central difference (f(x + h) - f(x - h)) / 2h. The forward difference "
        "(f(x + h) - f(x)) / h has an error proportional to h."),
    "numdiff_tiny_h": N_(
        "Your h is too small: x + h rounds back to x in floating point, so the difference "
        "is 0. The book uses h = 1e-4."),
    "numgrad_not_restored": N_(
        "After evaluating f at x + h and at x - h, put the original value back into x: "
        "numerical_gradient must leave x as it found it."),
    "numgrad_one_d": N_(
        "numerical_gradient must work for x of any shape (a weight matrix is 2-D). Index "
        "x with a tuple of indices, one per dimension (np.nditer with multi_index, or "
        "np.ndindex), not with a single integer."),
    "numgrad_copy": N_(
        "Perturb x itself, not a copy: the book calls numerical_gradient(lambda W: "
        "net.loss(x, t), net.W), where f ignores its argument and reads net.W."),
    "gd_sign": N_(
        "Gradient descent moves against the gradient: your x went uphill. Subtract the "
        "step."),
    "gd_lr": N_(
        "Your steps do not have the size lr times the gradient: use the learning rate lr "
        "that was passed in."),
    # 04 backprop
    "d_sigmoid_output": N_(
        "d_sigmoid receives the pre-activation x, not sigmoid's output: compute "
        "sigmoid(x) first, then the derivative from it."),
    "d_sigmoid_twice": N_(
        "Your result is the derivative taken at sigmoid(x), as if sigmoid had been applied "
        "twice. d_sigmoid receives x itself: apply sigmoid once."),
    "d_relu_values": N_("The derivative of relu is 1 where x > 0 and 0 where x < 0."),
    "d_mse_sign": N_(
        "Your derivative has the wrong sign or an extra factor 2. Where the prediction y is "
        "larger than the target t the loss grows with y, so the derivative is positive "
        "there; the 1/2 of the loss cancels the 2 of the square."),
    "d_mse_batch": N_(
        "Your result is divided by the batch size. This loss is a sum, not a mean, so its "
        "derivative is not divided by N."),
    "d_step_values": N_(
        "You returned the step function's values. The step function is flat on both sides "
        "of 0, so its derivative is 0 for every x."),
    "d_step_at_zero": N_(
        "The step function jumps at 0 and has no derivative there. The contract of this "
        "notebook gives it the value 0 at x = 0, like everywhere else: return 0.0 there, "
        "not nan or inf."),
    "regression_init_shapes": N_(
        "The network holds W1 of shape (2, 10), b1 of shape (10,), W2 of shape (10,) and "
        "b2, a single float: the network has one output, so W2 is a vector and b2 a number."),
    "regression_forward_relu": N_(
        "Your z1 is the hidden layer's pre-activation: apply relu to it. The output layer "
        "uses the identity function, so y gets no activation."),
    "regression_pre_activation": N_(
        "The derivative of relu was taken at z1, the hidden layer's output, instead of at "
        "its pre-activation (x times W1 plus b1). Where a unit is off, z1 is 0, and relu's "
        "derivative at the pre-activation is 0 there: compute the pre-activation again "
        "from x and the network, and take the derivative of relu there."),
    "regression_update_copy": N_(
        "The network passed to train_regression did not change: update the dict you "
        "received (each network[key]), not a copy of it."),
    "regression_loss_every_step": N_(
        "losses must hold the loss of every step: append it inside the loop, once per "
        "step, not once after the loop."),
    "regression_global_network": N_(
        "train_regression used a variable `network` that is not its argument. Use the "
        "network that train_regression receives as its first parameter, and name that "
        "parameter `network`."),
    "gradient_check_abs": N_(
        "Take the absolute value of the differences before their mean: otherwise positive "
        "and negative differences cancel out, and a wrong gradient can look right."),
    "gradient_check_compare": N_(
        "Every difference is exactly 0: compare the gradient by backpropagation "
        "(network.gradient) with the numerical one (network.numerical_gradient), not a "
        "gradient with itself."),
    "relu_backward_mask": N_(
        "Relu.backward must zero dout where the forward input was <= 0: remember where "
        "x <= 0 in forward and use it in backward."),
    "relu_forward_in_place": N_(
        "Relu.forward changed its input array: zero the negative values in a copy, not in "
        "the caller's array."),
    "relu_forward_zero": N_(
        "Relu.forward returned its input unchanged: the values where x <= 0 must be 0 in "
        "the output."),
    "sigmoid_backward_formula": N_(
        "By the chain rule, Sigmoid.backward multiplies dout by the derivative of sigmoid, "
        "out * (1 - out), where out is forward's output: one of these factors is missing."),
    "affine_db_sum": N_(
        "db must have the shape of b: add up dout over the batch axis (axis 0)."),
    "affine_dw_transposed": N_(
        "dW must have the shape of W, (D, M). Your dW is its transpose: check the order "
        "and the transposes of the two factors of the product."),
    "affine_dx_reshape": N_(
        "forward flattened x to (N, D); backward must return dx in the input's original "
        "shape, which forward must remember."),
    "affine_flatten": N_(
        "Affine.forward must accept (N, ...) inputs such as images (N, 1, 28, 28): "
        "flatten each sample to one row before the product."),
    "affine_forward_bias": N_("Affine.forward computes x·W + b: do not forget the bias."),
    "swl_divide_by_n": N_(
        "The loss is a mean over the batch, so its gradient is divided by the batch size "
        "N: your result is N times too large."),
    "swl_labels": N_(
        "t may be label indices as well as one-hot rows. For labels, subtract 1 at the "
        "correct class of each row instead of subtracting t."),
    "twolayer_init": N_(
        "params holds W1 (input_size, hidden_size), b1 (hidden_size,), W2 (hidden_size, "
        "output_size) and b2 (output_size,): random weights scaled by weight_init_std, "
        "and biases of zeros."),
    "twolayer_shared_params": N_(
        "Create the layers from the arrays in self.params themselves, not from copies: "
        "training changes params in place and the layers must see it."),
    "predict_scores": N_(
        "predict returns the scores of the last Affine layer, before any softmax or "
        "sigmoid: the output activation belongs to the loss layer (SoftmaxWithLoss)."),
    "predict_log_scores": N_(
        "predict returned log-probabilities. It must return the scores of the last Affine "
        "layer unchanged: softmax belongs to the loss layer."),
    "twolayer_loss_softmax": N_(
        "Your loss is the cross-entropy of the raw scores. The scores must go through "
        "softmax first: the last layer, SoftmaxWithLoss, does both."),
    "numgrad_params_not_seen": N_(
        "Every gradient is 0: the loss never saw the perturbed values. Pass the arrays in "
        "self.params themselves to numerical_gradient, not copies of them."),
    "numgrad_wrong_key": N_(
        "grads[{key}] is the gradient of another parameter: each key must hold the "
        "gradient of the parameter with the same key."),
    "accuracy_labels": N_(
        "accuracy must accept label indices as well as one-hot t: only convert t with "
        "argmax when it is 2-D (one-hot)."),
    "accuracy_one_hot": N_(
        "accuracy must accept one-hot t as well as label indices: when t is 2-D, turn "
        "each row into its label before comparing."),
    "gradient_layers_order": N_(
        "backward goes through the layers in reverse order: SoftmaxWithLoss first, then "
        "Affine2, Relu1, Affine1."),
    "gradient_keys": N_("Return a dict with the keys 'W1', 'b1', 'W2', 'b2', like params."),
    # 05 training
    "train_no_update": N_(
        "train never changed network.params: after computing the gradient, update every "
        "parameter in place."),
    "train_numerical_gradient": N_(
        "train called network.numerical_gradient, which is thousands of times slower than "
        "backpropagation: use network.gradient."),
    "train_learning_rate": N_(
        "The parameters did not move by learning_rate times the gradient: use the "
        "learning_rate argument, not a constant."),
    "train_sign": N_(
        "The parameters moved up the gradient: subtract the step, do not add it."),
    "train_history": N_(
        "Record the loss of every iteration in train_loss, and the train and test accuracy "
        "once per epoch: an epoch is train_size / batch_size iterations, and at least one."),
    "train_rebinds_params": N_(
        "Update the parameter arrays in place with an augmented assignment: an assignment "
        "of a new array to network.params[key] makes an array that the network's layers "
        "never see."),
    "train_global_network": N_(
        "train used a variable `network` that is not its argument. Use the network that "
        "train receives as its first parameter, and name that parameter `network`."),
    # 06 optimizers
    "sgd_in_place": N_(
        "update must change the arrays in params in place with an augmented assignment: "
        "an assignment of a new array to params[key] makes arrays that the network's "
        "layers never see."),
    "momentum_velocity": N_(
        "Momentum keeps a velocity v per parameter: v is multiplied by momentum and the "
        "gradient step is taken from it, then v is added to the parameter. Create v "
        "(zeros) on the first update and keep it between updates."),
    "adagrad_eps": N_(
        "AdaGrad divides by the square root of h plus a small epsilon (1e-7), which "
        "avoids dividing by zero where a gradient has always been 0."),
    "adagrad_accumulate": N_(
        "AdaGrad accumulates the squared gradients in h over all updates: h keeps "
        "growing and is never reset."),
    "rmsprop_decay": N_(
        "RMSprop forgets old gradients: h is a moving average of the squared gradients, "
        "weighted by decay_rate, not a sum."),
    "adam_bias_correction": N_(
        "Adam needs bias correction: the first steps are tiny without it. Scale the "
        "learning rate by sqrt(1 - beta2**t) / (1 - beta1**t), with t counting updates "
        "from 1."),
    "adam_moments": N_(
        "Adam keeps m (a moving mean of the gradients, weighted by beta1) and v (a moving "
        "mean of the squared gradients, weighted by beta2)."),
    "dropout_test_scale": N_(
        "At test time (train_flg=False) Dropout multiplies x by 1 - dropout_ratio, the "
        "book's convention; in training it keeps the values it does not drop unchanged."),
    "dropout_mask": N_(
        "In training, keep each unit with probability 1 - dropout_ratio, with a new "
        "random mask of x's shape on every forward."),
    "dropout_backward_mask": N_(
        "Dropout.backward passes the gradient only where forward kept the unit: use the "
        "mask forward made."),
    # general
    "object_array": N_("Return an array of numbers (float), not of Python objects."),
}


class _Translated(Mapping[str, str]):
    """SOURCE's hints, each read in the language active when it is read (not at import:
    one grading process writes each notebook's feedback in that notebook's language)."""

    def __getitem__(self, name: str) -> str:
        return _(SOURCE[name])

    def __iter__(self) -> Iterator[str]:
        return iter(SOURCE)

    def __len__(self) -> int:
        return len(SOURCE)


HINTS: Mapping[str, str] = _Translated()


def hint(name: str) -> str:
    return HINTS[name]

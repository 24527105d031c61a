"""The catalogue of known mistakes: a name and a hint for each classic error.

Public tests and hidden checks both refer to hints by name, so a mistake is explained the
same way wherever it is caught. Each hidden-check hint has a buggy implementation in
`tests/catalogue/` that proves the grader recognises it.
"""

from __future__ import annotations

HINTS: dict[str, str] = {
    # 01 perceptron
    "perceptron_threshold": (
        "a perceptron outputs 1 when w1*x1 + w2*x2 + b > 0 and 0 otherwise; check the sign "
        "of the bias b (for AND the book uses w = (0.5, 0.5), b = -0.7)"),
    "xor_composition": (
        "XOR is not linearly separable, so one perceptron cannot do it: combine the others, "
        "XOR(x1, x2) = AND(NAND(x1, x2), OR(x1, x2))"),
    # 02 forward
    "step_at_zero": (
        "the step function is 1 only for x > 0; at exactly 0 it is 0 (use x > 0, not x >= 0)"),
    "step_bool": (
        "return numbers, not True/False: np.array(x > 0, dtype=int)"),
    "sigmoid_formula": "sigmoid(x) = 1 / (1 + exp(-x)); check the sign inside exp",
    "sigmoid_overflow": (
        "np.exp(x) / (1 + np.exp(x)) is inf / inf = nan for large x: "
        "use 1 / (1 + np.exp(-x))"),
    "relu_in_place": (
        "relu changed its input array: x[x < 0] = 0 writes into the caller's array; "
        "use np.maximum(0, x), which makes a new array"),
    "softmax_overflow": (
        "np.exp overflows for inputs around 1000 and gives nan: subtract the row maximum "
        "before np.exp (softmax(x) = softmax(x - c) for any constant c)"),
    "softmax_global": (
        "for a batch (2-D x) each row is its own softmax: take the max and the sum per row "
        "with axis=-1 (or axis=1) and keepdims=True, not over the whole array"),
    "softmax_in_place": (
        "softmax changed its input array (x -= np.max(x) writes into the caller's array); "
        "write x = x - np.max(...) to make a new array"),
    "forward_output_activation": (
        "the output layer of this network uses the identity function (恒等関数): do not "
        "apply sigmoid or softmax to a3"),
    "forward_bias": "each layer computes a = x·W + b: do not forget the bias",
    "init_network_values": (
        "use the book's fixed weights: W1 = [[0.1, 0.3, 0.5], [0.2, 0.4, 0.6]], "
        "b1 = [0.1, 0.2, 0.3], W2 = [[0.1, 0.4], [0.2, 0.5], [0.3, 0.6]], b2 = [0.1, 0.2], "
        "W3 = [[0.1, 0.3], [0.2, 0.4]], b3 = [0.1, 0.2]"),
    # 03 learning
    "mse_half": (
        "the book's mean squared error is 0.5 * np.sum((y - t)**2): a sum, times 1/2 "
        "(the 1/2 cancels the 2 of the derivative)"),
    "cee_log_zero": (
        "np.log(0) is -inf: add a tiny delta inside the log, np.log(y + 1e-7), so the loss "
        "stays finite when a predicted probability is exactly 0"),
    "cee_one_hot_only": (
        "t may hold label indices (e.g. [2, 0, 1]) as well as one-hot rows: pick the "
        "probability of the correct class with y[np.arange(batch_size), t]"),
    "cee_batch_mean": (
        "for a batch, divide the summed loss by the batch size: the loss is the mean over "
        "the batch, so it does not grow with N"),
    "cee_one_d": (
        "for a single sample (1-D y) reshape y and t to one-row batches first: "
        "y.reshape(1, y.size)"),
    "forward_difference": (
        "use the central difference (f(x + h) - f(x - h)) / (2 * h); the forward difference "
        "(f(x + h) - f(x)) / h has an error proportional to h"),
    "numdiff_tiny_h": (
        "use h = 1e-4: a tiny h such as 1e-50 is lost in float rounding, so f(x + h) equals "
        "f(x) and the difference comes out as 0"),
    "numgrad_not_restored": (
        "after evaluating f(x + h) and f(x - h), put the original value back into x[idx]; "
        "numerical_gradient must leave x as it found it"),
    "numgrad_one_d": (
        "numerical_gradient must work for x of any shape (a weight matrix is 2-D): iterate "
        "with np.nditer(x, flags=['multi_index']) or over x.size with np.unravel_index"),
    "numgrad_copy": (
        "perturb x itself, not a copy: the book calls numerical_gradient(lambda W: "
        "net.loss(x, t), net.W), where f ignores its argument and reads net.W"),
    "gd_sign": "gradient descent moves against the gradient: x -= lr * grad",
    "gd_lr": "use the learning rate lr that was passed in: x -= lr * grad",
    # 04 backprop
    "d_sigmoid_output": (
        "d_sigmoid receives the pre-activation x, not sigmoid's output: "
        "compute s = sigmoid(x), then return s * (1 - s)"),
    "d_relu_values": "the derivative of relu is 1 where x > 0 and 0 where x < 0",
    "d_mse_sign": "the derivative of 0.5 * sum((y - t)**2) with respect to y is y - t",
    "relu_backward_mask": (
        "Relu.backward must zero dout where the forward input was <= 0: remember the mask "
        "(x <= 0) in forward and use it in backward"),
    "relu_forward_in_place": (
        "Relu.forward changed its input array: copy x first (out = x.copy()) and zero the copy"),
    "sigmoid_backward_formula": (
        "Sigmoid.backward returns dout * (1 - out) * out, where out is forward's output"),
    "affine_db_sum": (
        "db is the sum of dout over the batch: np.sum(dout, axis=0), shape (M,) like b"),
    "affine_dw_transposed": (
        "dW = x^T · dout (np.dot(self.x.T, dout)) has the shape of W; np.dot(dout.T, x) "
        "gives its transpose"),
    "affine_dx_reshape": (
        "forward flattened x to (N, D); backward must return dx in the input's original "
        "shape: dx.reshape(*self.original_x_shape)"),
    "affine_flatten": (
        "Affine.forward must accept (N, ...) inputs such as images (N, 1, 28, 28): "
        "flatten with x.reshape(x.shape[0], -1) before np.dot"),
    "affine_forward_bias": "Affine.forward computes x·W + b: do not forget the bias",
    "swl_divide_by_n": (
        "SoftmaxWithLoss.backward returns (y - t) / batch_size: the loss is a mean over the "
        "batch, so its gradient is divided by N"),
    "swl_labels": (
        "t may be label indices as well as one-hot rows: for labels, subtract 1 at "
        "y[np.arange(batch_size), t] instead of subtracting t"),
    "twolayer_init": (
        "params holds W1 (input_size, hidden_size), b1 (hidden_size,), W2 (hidden_size, "
        "output_size), b2 (output_size,): W = weight_init_std * np.random.randn(...), "
        "b = np.zeros(...)"),
    "twolayer_shared_params": (
        "create the layers from the arrays in self.params themselves, "
        "Affine(self.params['W1'], self.params['b1']), not from copies: training changes "
        "params in place and the layers must see it"),
    "accuracy_labels": (
        "accuracy must accept label indices as well as one-hot t: only take "
        "np.argmax(t, axis=1) when t.ndim != 1"),
    "gradient_layers_order": (
        "backward goes through the layers in reverse order: SoftmaxWithLoss first, then "
        "Affine2, Relu1, Affine1"),
    "gradient_keys": "return a dict with the keys 'W1', 'b1', 'W2', 'b2', like params",
    # 05 training
    "train_no_update": (
        "train never changed network.params: after computing grad, update every parameter "
        "in place, network.params[key] -= learning_rate * grad[key]"),
    "train_numerical_gradient": (
        "train called network.numerical_gradient, which is thousands of times slower than "
        "backprop: use network.gradient(x_batch, t_batch)"),
    "train_learning_rate": (
        "the parameters did not move by learning_rate * grad: use the learning_rate "
        "argument, not a constant"),
    "train_sign": (
        "the parameters moved up the gradient: subtract, network.params[key] -= "
        "learning_rate * grad[key]"),
    "train_history": (
        "record the loss of every iteration in train_loss, and the train and test accuracy "
        "once per epoch (every max(train_size / batch_size, 1) iterations)"),
    "train_rebinds_params": (
        "update the parameter arrays in place (network.params[key] -= ...): "
        "network.params[key] = network.params[key] - ... makes a new array that the "
        "network's layers never see"),
    # 06 optimizers
    "sgd_in_place": (
        "update must change the arrays in params in place (params[key] -= ...): "
        "params[key] = params[key] - ... makes new arrays that the network's layers never see"),
    "momentum_velocity": (
        "Momentum keeps a velocity v per parameter: v = momentum * v - lr * grad, then "
        "params += v; create v (zeros) on the first update and keep it between updates"),
    "adagrad_eps": (
        "AdaGrad divides by np.sqrt(h) + 1e-7: the small epsilon avoids dividing by zero "
        "where a gradient has always been 0"),
    "adagrad_accumulate": "AdaGrad accumulates h += grad * grad over all updates",
    "rmsprop_decay": (
        "RMSprop forgets old gradients: h = decay_rate * h + (1 - decay_rate) * grad**2"),
    "adam_bias_correction": (
        "Adam needs bias correction: the first steps are tiny without it. Use "
        "lr_t = lr * sqrt(1 - beta2**t) / (1 - beta1**t) with t counting updates from 1"),
    "adam_moments": (
        "Adam keeps m (mean of gradients) and v (mean of squared gradients): "
        "m += (1 - beta1) * (grad - m), v += (1 - beta2) * (grad**2 - v)"),
    "dropout_test_scale": (
        "at test time (train_flg=False) Dropout returns x * (1 - dropout_ratio), the book's "
        "convention, so the expected output matches training"),
    "dropout_mask": (
        "in training, keep each unit with probability 1 - dropout_ratio: "
        "mask = np.random.rand(*x.shape) > dropout_ratio, return x * mask"),
    "dropout_backward_mask": (
        "Dropout.backward passes the gradient only where forward kept the unit: dout * mask"),
    # general
    "object_array": "return an array of numbers (float), not of Python objects",
}


def hint(name: str) -> str:
    return HINTS[name]

"""The book's chapter-5 code (common/functions.py, common/layers.py, ch05/two_layer_net.py)."""

from collections import OrderedDict

import numpy as np


def d_sigmoid(x):
    return (1.0 - sigmoid(x)) * sigmoid(x)  # noqa: F821 - imported in the notebook


def d_relu(x):
    grad = np.zeros_like(x)
    grad[x >= 0] = 1
    return grad


def d_step_function(x):
    return np.zeros(x.shape)


def d_mean_squared_error(y, t):
    return y - t


# The Japanese course's day-1 regression network (1_3_stochastic_gradient_descent), with
# the kit's names, a seeded generator and relu' taken at the pre-activation.
def init_regression_network(seed=None):
    rng = np.random.default_rng(seed)
    network = {}
    nodesNum = 10
    network['W1'] = rng.standard_normal((2, nodesNum))
    network['W2'] = rng.standard_normal(nodesNum)
    network['b1'] = rng.standard_normal(nodesNum)
    network['b2'] = rng.standard_normal()
    return network


def forward_regression(network, x):
    W1, W2 = network['W1'], network['W2']
    b1, b2 = network['b1'], network['b2']
    u1 = np.dot(x, W1) + b1
    z1 = relu(u1)  # noqa: F821 - imported in the notebook
    u2 = np.dot(z1, W2) + b2
    y = u2
    return z1, y


def backward_regression(network, x, d, z1, y):
    grad = {}
    W1, W2 = network['W1'], network['W2']
    b1 = network['b1']
    delta2 = d_mean_squared_error(y, d)
    grad['b2'] = np.sum(delta2, axis=0)
    grad['W2'] = np.dot(z1.T, delta2)
    u1 = np.dot(x, W1) + b1
    delta1 = np.dot(delta2, W2.T) * d_relu(u1)
    grad['b1'] = delta1
    grad['W1'] = np.dot(x.reshape(-1, 1), delta1.reshape(1, -1))
    return grad


def train_regression(network, x_train, d_train, steps=1000, learning_rate=0.07, seed=None):
    rng = np.random.default_rng(seed)
    losses = []
    for i in rng.choice(len(x_train), steps):
        x, d = x_train[i], d_train[i]
        z1, y = forward_regression(network, x)
        grad = backward_regression(network, x, d, z1, y)
        for key in ('W1', 'W2', 'b1', 'b2'):
            network[key] -= learning_rate * grad[key]
        loss = mean_squared_error(y, d)  # noqa: F821 - imported in the notebook
        losses.append(loss)
    return losses


class Relu:
    def __init__(self):
        self.mask = None

    def forward(self, x):
        self.mask = (x <= 0)
        out = x.copy()
        out[self.mask] = 0
        return out

    def backward(self, dout):
        dout[self.mask] = 0
        dx = dout
        return dx


class Sigmoid:
    def __init__(self):
        self.out = None

    def forward(self, x):
        out = sigmoid(x)  # noqa: F821
        self.out = out
        return out

    def backward(self, dout):
        dx = dout * (1.0 - self.out) * self.out
        return dx


class Affine:
    def __init__(self, W, b):
        self.W = W
        self.b = b
        self.x = None
        self.original_x_shape = None
        self.dW = None
        self.db = None

    def forward(self, x):
        self.original_x_shape = x.shape
        x = x.reshape(x.shape[0], -1)
        self.x = x
        out = np.dot(self.x, self.W) + self.b
        return out

    def backward(self, dout):
        dx = np.dot(dout, self.W.T)
        self.dW = np.dot(self.x.T, dout)
        self.db = np.sum(dout, axis=0)
        dx = dx.reshape(*self.original_x_shape)
        return dx


class SoftmaxWithLoss:
    def __init__(self):
        self.loss = None
        self.y = None
        self.t = None

    def forward(self, x, t):
        self.t = t
        self.y = softmax(x)  # noqa: F821
        self.loss = cross_entropy_error(self.y, self.t)  # noqa: F821
        return self.loss

    def backward(self, dout=1):
        batch_size = self.t.shape[0]
        if self.t.size == self.y.size:
            dx = (self.y - self.t) / batch_size
        else:
            dx = self.y.copy()
            dx[np.arange(batch_size), self.t] -= 1
            dx = dx / batch_size
        return dx


class TwoLayerNet:
    def __init__(self, input_size, hidden_size, output_size, weight_init_std=0.01):
        self.params = {}
        self.params['W1'] = weight_init_std * np.random.randn(input_size, hidden_size)
        self.params['b1'] = np.zeros(hidden_size)
        self.params['W2'] = weight_init_std * np.random.randn(hidden_size, output_size)
        self.params['b2'] = np.zeros(output_size)

        self.layers = OrderedDict()
        self.layers['Affine1'] = Affine(self.params['W1'], self.params['b1'])
        self.layers['Relu1'] = Relu()
        self.layers['Affine2'] = Affine(self.params['W2'], self.params['b2'])
        self.lastLayer = SoftmaxWithLoss()

    def predict(self, x):
        for layer in self.layers.values():
            x = layer.forward(x)
        return x

    def loss(self, x, t):
        y = self.predict(x)
        return self.lastLayer.forward(y, t)

    def accuracy(self, x, t):
        y = self.predict(x)
        y = np.argmax(y, axis=1)
        if t.ndim != 1:
            t = np.argmax(t, axis=1)
        accuracy = np.sum(y == t) / float(x.shape[0])
        return accuracy

    def numerical_gradient(self, x, t):
        loss_W = lambda W: self.loss(x, t)  # noqa: E731
        grads = {}
        grads['W1'] = numerical_gradient(loss_W, self.params['W1'])  # noqa: F821
        grads['b1'] = numerical_gradient(loss_W, self.params['b1'])  # noqa: F821
        grads['W2'] = numerical_gradient(loss_W, self.params['W2'])  # noqa: F821
        grads['b2'] = numerical_gradient(loss_W, self.params['b2'])  # noqa: F821
        return grads

    def gradient(self, x, t):
        self.loss(x, t)
        dout = 1
        dout = self.lastLayer.backward(dout)
        layers = list(self.layers.values())
        layers.reverse()
        for layer in layers:
            dout = layer.backward(dout)
        grads = {}
        grads['W1'], grads['b1'] = self.layers['Affine1'].dW, self.layers['Affine1'].db
        grads['W2'], grads['b2'] = self.layers['Affine2'].dW, self.layers['Affine2'].db
        return grads


def gradient_check(network, x, t):
    grad_numerical = network.numerical_gradient(x, t)
    grad_backprop = network.gradient(x, t)
    diffs = {}
    for key in grad_numerical.keys():
        diff = np.average(np.abs(grad_backprop[key] - grad_numerical[key]))
        diffs[key] = diff
    return diffs


# The concept checks (確認テスト), answered as the course's quizzes answer them.
answer_sigmoid_derivative_at_0 = 0.25
answer_dW_shape = (784, 50)
answer_parameter_count = 2 * 10 + 10 + 10 * 1 + 1

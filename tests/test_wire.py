"""The wire format and the RPC peer: strict decoding and Python sharing semantics."""

import contextlib
import platform
import socket
import threading

import numpy as np
import pytest

from autograder.sandbox.codec import Channel, ProtocolError
from autograder.sandbox.rpc import Exposed, Peer, Unsendable


@pytest.fixture
def pair():
    a, b = socket.socketpair()
    namespace = {}
    worker = Peer(b, trusted=False, resolve_unit=lambda name: namespace[name])
    thread = threading.Thread(target=_serve, args=(worker,), daemon=True)
    thread.start()
    yield Peer(a, trusted=True), namespace
    a.close()
    thread.join(timeout=5)


def _serve(peer):
    with contextlib.suppress(Exception):  # the test closed the socket
        peer.serve_forever()


def call(peer, name, *args):
    return peer.call({"unit": name}, args, {})


def test_in_place_changes_come_back(pair):
    trusted, ns = pair

    def relu_in_place(x):
        x[x < 0] = 0
        return x

    ns["relu"] = relu_in_place
    x = np.array([-1.0, 2.0])
    y = call(trusted, "relu", x)
    assert y is x and x.tolist() == [0.0, 2.0]


def test_rebinding_a_dict_entry_is_visible(pair):
    trusted, ns = pair

    def rebind(params):
        params["W"] = params["W"] - 1

    ns["rebind"] = rebind
    params = {"W": np.ones(2)}
    original = params["W"]
    call(trusted, "rebind", params)
    assert params["W"] is not original and params["W"].tolist() == [0.0, 0.0]


def test_callbacks_see_the_callers_array(pair):
    trusted, ns = pair

    def perturb(f, x):
        x[0] += 1.0
        value = f(x)
        x[0] -= 1.0
        return value

    ns["perturb"] = perturb
    w = np.array([1.0, 2.0])
    seen = call(trusted, "perturb", lambda _: float(w[0]), w)
    assert seen == 2.0 and w.tolist() == [1.0, 2.0]


def test_exposed_objects_share_their_attributes(pair):
    trusted, ns = pair

    class Net:
        def __init__(self):
            self.params = {"w": np.array([4.0])}

        def gradient(self):
            return {"w": 2 * self.params["w"]}

    def step(net):
        for _ in range(3):
            g = net.gradient()
            net.params["w"] -= 0.25 * g["w"]

    ns["step"] = step
    net = Net()
    call(trusted, "step", Exposed(net, ("gradient",), ("params",)))
    assert net.params["w"].tolist() == [0.5]


def test_unsendable_values(pair):
    trusted, ns = pair
    ns["objects"] = lambda: np.array([object()], dtype=object)
    assert isinstance(call(trusted, "objects"), Unsendable)


@pytest.mark.parametrize("doc", [
    {"$nd": 0, "dtype": "|O8", "shape": [1]},
    {"$nd": 0, "dtype": "<f8", "shape": [3]},
    {"$nd": 0, "dtype": "<f8", "shape": [-1]},
    {"$nd": 5, "dtype": "<f8", "shape": [1]},
    {"$ref": 12345},
    {"$float": "1e999"},
    {"$unknown": 1},
    {"$dict": [[[1], 2]]},
])
def test_strict_decoding(doc):
    a, b = socket.socketpair()
    peer = Peer(a, trusted=True)
    with pytest.raises((ProtocolError, LookupError)):
        peer._decode_values({"v": doc}, [bytearray(8)])
    a.close()
    b.close()


def test_reused_buffers_and_deep_nesting_are_refused():
    a, b = socket.socketpair()
    peer = Peer(a, trusted=True)
    nd = {"$nd": 0, "dtype": "<f8", "shape": [1]}
    with pytest.raises(ProtocolError):
        peer._decode_values({"v": [nd, nd]}, [bytearray(8)])
    deep = 0
    for _ in range(100):
        deep = [deep]
    with pytest.raises(ProtocolError):
        peer._decode_values({"v": deep}, [])
    a.close()
    b.close()


def test_bad_frames():
    a, b = socket.socketpair()
    b.sendall(b"XXXX" + b"\0" * 8)
    with pytest.raises(ProtocolError):
        Channel(a).recv()
    b.sendall(b"SG01" + (2**31).to_bytes(4, "little") + b"\0\0\0\0")
    with pytest.raises(ProtocolError):
        Channel(a).recv()
    a.close()
    b.close()


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="mallopt is glibc's")
def test_freed_message_buffers_stay_in_the_heap():
    from autograder.sandbox.heap import reuse_freed_memory

    assert reuse_freed_memory() is True

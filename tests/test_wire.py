"""The wire format and the RPC peer: strict decoding, Python sharing semantics on the
worker's side, and a grader whose arrays no message can change."""

import contextlib
import platform
import socket
import threading
import time

import numpy as np
import pytest

from autograder.sandbox.codec import Channel, ProtocolError, TooLarge
from autograder.sandbox.rpc import GRADER, WORKER, Exposed, Peer, Rejected, RemoteError, Unsendable


@pytest.fixture
def pair():
    a, b = socket.socketpair()
    namespace = {}
    worker = Peer(b, policy=WORKER, resolve_unit=lambda name: namespace[name])
    thread = threading.Thread(target=_serve, args=(worker,), daemon=True)
    thread.start()
    grader = Peer(a, policy=GRADER)
    grader.deadline = time.monotonic() + 30  # a broken worker side fails fast, not by hanging
    yield grader, namespace
    a.close()
    thread.join(timeout=5)


def _serve(peer):
    with contextlib.suppress(Exception):  # the test closed the socket
        peer.serve_forever()


def call(peer, name, *args):
    return peer.call({"unit": name}, args, {})


def test_in_place_changes_never_reach_the_graders_array(pair):
    grader, ns = pair

    def relu_in_place(x):
        x[x < 0] = 0
        return x

    ns["relu"] = relu_in_place
    x = np.array([-1.0, 2.0])
    y = call(grader, "relu", x)
    assert x.tolist() == [-1.0, 2.0]  # the grader's array is as it was
    assert y is not x and y.tolist() == [0.0, 2.0]
    assert grader.links.current(x).tolist() == [0.0, 2.0]  # what the worker holds now


def test_a_returned_array_is_a_snapshot(pair):
    grader, ns = pair
    kept = {}

    def forward(x):
        kept["out"] = x * 2
        return kept["out"]

    def backward():
        kept["out"][...] = 0  # rewrites what forward returned, and sends it again
        return kept["out"]

    ns["forward"], ns["backward"] = forward, backward
    out = call(grader, "forward", np.ones(3))
    again = call(grader, "backward")
    assert out.tolist() == [2.0, 2.0, 2.0] and again.tolist() == [0.0, 0.0, 0.0]


def test_rebinding_a_dict_entry_is_seen_but_not_applied(pair):
    grader, ns = pair

    def rebind(params):
        params["W"] = params["W"] - 1

    ns["rebind"] = rebind
    params = {"W": np.ones(2), "b": np.zeros(2)}
    original = params["W"]
    call(grader, "rebind", params)
    assert params["W"] is original and original.tolist() == [1.0, 1.0]
    assert grader.links.current(params)["W"].tolist() == [0.0, 0.0]
    assert grader.links.replaced(params) == ["W"]


def test_an_in_place_update_is_not_a_replacement(pair):
    grader, ns = pair

    def update(params):
        params["W"] -= 1

    ns["update"] = update
    params = {"W": np.ones(2)}
    call(grader, "update", params)
    assert grader.links.replaced(params) == []
    after = grader.links.current(params)
    call(grader, "update", after)  # the next step starts from the worker's version
    assert grader.links.current(after)["W"].tolist() == [-1.0, -1.0]
    assert params["W"].tolist() == [1.0, 1.0]


def test_what_the_worker_held_is_forgotten_when_the_array_is_sent_again(pair):
    grader, ns = pair

    def zero(x):
        x[...] = 0

    ns["zero"], ns["keep"] = zero, lambda x: None
    x = np.ones(2)
    call(grader, "zero", x)
    assert grader.links.current(x).tolist() == [0.0, 0.0]
    call(grader, "keep", x)  # the worker's copy holds the grader's contents again
    assert grader.links.current(x).tolist() == [1.0, 1.0]


def test_callbacks_see_the_callers_array_through_current(pair):
    grader, ns = pair

    def perturb(f, x):
        x[0] += 1.0
        value = f(x)
        x[0] -= 1.0
        return value

    ns["perturb"] = perturb
    w = np.array([1.0, 2.0])
    seen = call(grader, "perturb", lambda _: float(grader.links.current(w)[0]), w)
    assert seen == 2.0 and w.tolist() == [1.0, 2.0]


def test_a_copy_is_not_the_callers_array(pair):
    grader, ns = pair

    def perturb_a_copy(f, x):
        y = x.copy()
        y[0] += 1.0
        return f(y)

    ns["perturb"] = perturb_a_copy
    w = np.array([1.0, 2.0])
    assert call(grader, "perturb", lambda _: float(grader.links.current(w)[0]), w) == 1.0


def test_grader_arrays_sent_back_update_the_workers_copy(pair):
    grader, ns = pair
    held = {}

    def keep(x):
        held["x"] = x

    ns["keep"], ns["read"] = keep, lambda: float(held["x"].sum())
    w = np.zeros(3)
    call(grader, "keep", w)
    w[...] = 1.0
    grader.request("sync", {}, {"value": w})  # Student.write_back
    assert call(grader, "read") == 3.0


class Net:
    def __init__(self):
        self.params = {"w": np.array([4.0])}
        self.w_alias = self.params["w"]  # a layer sharing the array, as in the book

    def gradient(self):
        return {"w": 2 * self.params["w"]}


def test_exposed_objects_share_their_attributes(pair):
    grader, ns = pair

    def step(net):
        for _ in range(3):
            g = net.gradient()
            net.params["w"] -= 0.25 * g["w"]

    ns["step"] = step
    net = Net()
    call(grader, "step", Exposed(net, ("gradient",), ("params",)))
    assert net.params["w"].tolist() == [0.5]
    assert net.params["w"] is net.w_alias  # updated in place: sharers see it


@pytest.mark.parametrize("change, why", [
    ("net.params['w'] = np.zeros(50_000_000)", "shape"),
    ("net.params['w'] = np.array([1], dtype=np.int64)", "dtype"),
    ("net.params['w'][...] = np.nan", "nan"),
    ("net.params['extra'] = np.zeros(1)", "keys"),
])
def test_exposed_attributes_change_only_within_what_they_were(pair, change, why):
    grader, ns = pair
    code = f"def hostile(net):\n    {change}\n    net.gradient()\n"
    exec(code, {"np": np}, ns)  # noqa: S102 - the hostile unit under test
    net = Net()
    with pytest.raises(RemoteError) as raised:
        call(grader, "hostile", Exposed(net, ("gradient",), ("params",)))
    message = raised.value.info["message"]
    assert "Net.params" in message and why in message.lower()
    assert net.params["w"].tolist() == [4.0] and sorted(net.params) == ["w"]


def test_a_changed_attribute_after_the_last_method_call_is_validated_too(pair):
    grader, ns = pair

    def hostile(net):
        net.params["w"] = np.zeros((1000, 1000))

    ns["hostile"] = hostile
    net = Net()
    with pytest.raises(Rejected):
        call(grader, "hostile", Exposed(net, ("gradient",), ("params",)))
    assert net.params["w"].tolist() == [4.0]


def test_messages_over_the_cap_are_refused(pair):
    grader, ns = pair
    ns["big"] = lambda: np.zeros(200_000)  # 1.6 MB
    grader.channel.max_message = 1_000_000
    with pytest.raises(TooLarge):
        call(grader, "big")


def test_a_checks_budget_of_received_bytes(pair):
    grader, ns = pair
    ns["medium"] = lambda: np.zeros(50_000)  # 400 kB each
    grader.channel.budget = 1_000_000
    call(grader, "medium")
    call(grader, "medium")
    with pytest.raises(TooLarge):
        call(grader, "medium")


def test_unsendable_values(pair):
    grader, ns = pair
    ns["objects"] = lambda: np.array([object()], dtype=object)
    assert isinstance(call(grader, "objects"), Unsendable)


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
    peer = Peer(a, policy=GRADER)
    with pytest.raises((ProtocolError, LookupError)):
        peer.values.decode({"v": doc}, [bytearray(8)])
    a.close()
    b.close()


def test_reused_buffers_and_deep_nesting_are_refused():
    a, b = socket.socketpair()
    peer = Peer(a, policy=GRADER)
    nd = {"$nd": 0, "dtype": "<f8", "shape": [1]}
    with pytest.raises(ProtocolError):
        peer.values.decode({"v": [nd, nd]}, [bytearray(8)])
    deep = 0
    for _ in range(100):
        deep = [deep]
    with pytest.raises(ProtocolError):
        peer.values.decode({"v": deep}, [])
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

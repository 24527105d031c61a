"""The zygote: the first process in a sandbox. It forks one worker per submission.

Python and numpy take about 0.15 s to start; a class has hundreds of notebooks. The zygote
imports them once and forks a fresh worker for each notebook (and again after a crash).
Student code never runs in the zygote itself. Each worker gets its own sockets (passed
in over the control socket), its resource limits and the seccomp filter before it loads
any student code.

Under bubblewrap the zygote first gives the sandbox a /tmp of bounded size (bwrap 0.8 has
no --size, and an unbounded tmpfs is host memory outside the worker's memory limit), then
drops every capability, so that no worker ever holds one.

Control messages are JSON over a SOCK_SEQPACKET socket:
  {"op": "spawn", "limits": {...}} + fds [data, output] -> {"pid": n}
  {"op": "stop", "pid": n}                            -> {"status": "..."}
"""

from __future__ import annotations

import ctypes
import gc
import json
import os
import re
import resource
import signal
import socket
import struct
import sys
from typing import Any

_RLIMITS = {
    "memory_bytes": resource.RLIMIT_AS, "cpu_seconds": resource.RLIMIT_CPU,
    "file_bytes": resource.RLIMIT_FSIZE, "open_files": resource.RLIMIT_NOFILE,
}


def describe_status(status: int) -> str:
    if os.WIFSIGNALED(status):
        sig = os.WTERMSIG(status)
        try:
            name = signal.Signals(sig).name
        except ValueError:
            name = f"signal {sig}"
        reason = {
            "SIGSEGV": "a segmentation fault", "SIGKILL": "killed", "SIGXCPU": "CPU time limit",
            "SIGSYS": "a forbidden system call", "SIGABRT": "aborted", "SIGBUS": "a bus error",
            "SIGXFSZ": "file size limit",
        }.get(name, name)
        return f"killed by {name} ({reason})"
    if os.WIFEXITED(status):
        return f"exited with status {os.WEXITSTATUS(status)}"
    return f"status {status}"


def _child(data_fd: int, out_fd: int, ctrl: socket.socket, limits: dict[str, Any]) -> None:
    """Runs in the forked worker; never returns."""
    code = 1
    try:
        ctrl.close()
        devnull = os.open(os.devnull, os.O_RDONLY)
        os.dup2(devnull, 0)
        os.dup2(out_fd, 1)
        os.dup2(out_fd, 2)
        for fd in (devnull, out_fd):
            os.close(fd)
        os.closerange(3, data_fd)
        os.closerange(data_fd + 1, 4096)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        _die_with_parent()
        for key, limit in _RLIMITS.items():
            if limits.get(key):
                resource.setrlimit(limit, (int(limits[key]), int(limits[key])))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        from . import seccomp

        seccomp.install()
        from .worker import serve

        serve(data_fd)
        code = 0
    finally:
        sys.stdout.flush()
        os._exit(code)


def _die_with_parent() -> None:
    libc = ctypes.CDLL(None)
    libc.prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG


_CLONE_NEWUSER, _CLONE_NEWNS = 0x10000000, 0x00020000
_MS_NOSUID, _MS_NODEV, _MS_BIND, _MS_MOVE, _MS_REC = 0x2, 0x4, 0x1000, 0x2000, 0x4000
_PR_CAPBSET_DROP, _PR_CAP_AMBIENT, _PR_CAP_AMBIENT_CLEAR_ALL = 24, 47, 4
_LINUX_CAPABILITY_VERSION_3 = 0x20080522
_CAP_SETS = ("CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb")


def _libc() -> ctypes.CDLL:
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl.argtypes = [ctypes.c_int, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong,
                           ctypes.c_ulong]
    return libc


def _fail(what: str) -> OSError:
    code = ctypes.get_errno()
    return OSError(code, f"{what}: {os.strerror(code)}")


def _write(path: str, text: str) -> None:
    with open(path, "w", encoding="ascii") as f:
        f.write(text)


def bounded_tmp(size_bytes: int) -> None:
    """Mount a tmpfs of `size_bytes` on /tmp, in a user and mount namespace of our own.

    Mounting needs CAP_SYS_ADMIN over the mount namespace. A fresh user namespace gives
    exactly that, over the namespaces it owns and nothing else, without asking bwrap to
    leave capabilities in the sandbox; and bwrap's mounts (the read-only runtime) become
    locked in the new mount namespace: no one in it can unmount them or make them
    writable. Must run while this process has a single thread (unshare requires it).

    Where part of the runtime lives under /tmp (a virtual environment made there), bwrap
    mounted it inside its /tmp; those mounts are bound into the new tmpfs before it is
    moved over /tmp, so that they stay where Python expects them.
    """
    libc = _libc()
    uid, gid = os.geteuid(), os.getegid()
    if libc.unshare(_CLONE_NEWUSER | _CLONE_NEWNS) != 0:
        raise _fail("unshare(CLONE_NEWUSER | CLONE_NEWNS)")
    # The same ids inside. (The sandbox's uid must not be the host's root: mapping that
    # needs CAP_SETFCAP, which bwrap dropped; the launcher runs root's sandbox as nobody.)
    _write("/proc/self/setgroups", "deny")
    _write("/proc/self/uid_map", f"{uid} {uid} 1\n")
    _write("/proc/self/gid_map", f"{gid} {gid} 1\n")
    inside = _mounts_under("/tmp")
    stage = "/tmp/.scratchgrad-bounded-tmp"  # on bwrap's tmpfs, covered once moved
    os.mkdir(stage, 0o700)
    inodes = max(1024, size_bytes // 16384)  # inodes cost kernel memory, too
    options = f"size={size_bytes},nr_inodes={inodes},mode=1777".encode()
    if libc.mount(b"tmpfs", stage.encode(), b"tmpfs", _MS_NOSUID | _MS_NODEV, options) != 0:
        raise _fail("mount tmpfs")
    for mount in inside:
        target = stage + mount.removeprefix("/tmp")
        os.makedirs(target, exist_ok=True)
        if libc.mount(mount.encode(), target.encode(), None, _MS_BIND | _MS_REC, None) != 0:
            raise _fail(f"bind {mount}")
    if libc.mount(stage.encode(), b"/tmp", None, _MS_MOVE, None) != 0:
        raise _fail("move the tmpfs onto /tmp")
    os.chdir("/tmp")  # the working directory was the tmpfs underneath


def _mounts_under(top: str) -> list[str]:
    """The outermost mount points strictly below `top` (bound recursively, they bring the
    ones below them along)."""
    with open("/proc/self/mountinfo", encoding="utf-8") as f:
        points = {re.sub(r"\\([0-7]{3})", lambda m: chr(int(m.group(1), 8)), line.split()[4])
                  for line in f}
    below = sorted(p for p in points if p.startswith(top + "/"))
    return [p for p in below if not any(p.startswith(q + "/") for q in below)]


def capabilities() -> dict[str, int]:
    """This process's capability sets, from /proc/self/status (CapEff: 0 is none)."""
    with open("/proc/self/status", encoding="ascii") as f:
        return {k: int(v, 16) for k, _, v in (line.partition(":") for line in f)
                if k in _CAP_SETS}


def drop_capabilities(strict: bool) -> None:
    """Drop every capability: the bounding set (what an exec could ever regain), the
    ambient set, then permitted, effective and inheritable.

    strict: the bounding set must end up empty as well. Under bubblewrap it always can
    (after `bounded_tmp` the zygote holds CAP_SETPCAP in its own namespace); an ordinary
    user running the plain-subprocess fallback cannot touch it, and there a full bounding
    set with nothing permitted gives nothing (no exec, no_new_privs)."""
    libc = _libc()
    with open("/proc/sys/kernel/cap_last_cap", encoding="ascii") as f:
        last = int(f.read())
    for cap in range(last + 1):
        if libc.prctl(_PR_CAPBSET_DROP, cap, 0, 0, 0) != 0 and strict:
            raise _fail(f"prctl(PR_CAPBSET_DROP, {cap})")
    libc.prctl(_PR_CAP_AMBIENT, _PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0)
    header = ctypes.create_string_buffer(struct.pack("=Ii", _LINUX_CAPABILITY_VERSION_3, 0))
    data = ctypes.create_string_buffer(bytes(24))  # two (effective, permitted, inheritable)
    if libc.capset(header, data) != 0:
        raise _fail("capset")
    left = {k: v for k, v in capabilities().items() if v and (strict or k != "CapBnd")}
    if left:
        raise OSError(f"capabilities left after dropping them all: {left}")


def main(control_fd: int, tmp_bytes: int | None = None) -> None:
    """Serve the control socket. tmp_bytes: give /tmp that size (under bubblewrap only:
    the plain-subprocess fallback shares the machine's /tmp)."""
    tmp = "not requested" if tmp_bytes is not None else "shared"
    if tmp_bytes:
        try:
            bounded_tmp(int(tmp_bytes))
            tmp = "bounded"
        except OSError as exc:  # reported to the grader, which warns in every report
            tmp = f"not bounded ({exc})"
    drop_capabilities(strict=tmp == "bounded")
    # Import everything a worker needs once, here, so that forks start warm.
    import random  # noqa: F401 - seeded at every check

    import numpy
    import numpy.random  # noqa: F401 - numpy loads it lazily: 13 ms in every worker

    import autograder.selfcheck  # noqa: F401 - notebooks import it in their setup cell

    from . import seccomp, worker  # noqa: F401
    from .heap import reuse_freed_memory

    reuse_freed_memory()  # before the first fork: every worker inherits it
    # Everything imported so far is shared with the workers copy-on-write; a collection in
    # a worker would touch (and so copy) every one of these objects. Freezing them keeps
    # the collector away from them.
    gc.freeze()
    ctrl = socket.socket(fileno=control_fd)
    ctrl.send(json.dumps({"ready": os.getpid(), "tmp": tmp}).encode())
    children: set[int] = set()
    while True:
        try:
            raw, fds, _, _ = socket.recv_fds(ctrl, 65536, 4)
        except OSError:
            break
        if not raw:
            break
        try:
            msg = json.loads(raw)
            reply = _handle(msg, fds, ctrl, children)
        except Exception as exc:  # noqa: BLE001 - report, keep serving
            for fd in fds:
                os.close(fd)
            reply = {"error": f"{type(exc).__name__}: {exc}"}
        ctrl.send(json.dumps(reply).encode())
    for pid in children:
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass


def _handle(msg: dict, fds: list[int], ctrl: socket.socket, children: set[int]) -> dict:
    if msg.get("op") == "spawn":
        data_fd, out_fd = fds
        pid = os.fork()
        if pid == 0:
            _child(data_fd, out_fd, ctrl, msg.get("limits", {}))
        os.close(data_fd)
        os.close(out_fd)
        children.add(pid)
        return {"pid": pid}
    if msg.get("op") == "stop":
        pid = int(msg["pid"])
        if pid not in children:
            return {"error": "no such worker"}
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        _, status = os.waitpid(pid, 0)
        children.discard(pid)
        return {"status": describe_status(status)}
    return {"error": "unknown op"}

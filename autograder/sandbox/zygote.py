"""The zygote: the first process in a sandbox. It forks one worker per submission.

Python and numpy take about 0.15 s to start; a class has hundreds of notebooks. The zygote
imports them once and forks a fresh worker for each notebook (and again after a crash).
Student code never runs in the zygote itself. Each worker gets its own sockets (passed
in over the control socket), its resource limits and the seccomp filter before it loads
any student code.

Control messages are JSON over a SOCK_SEQPACKET socket:
  {"op": "spawn", "limits": {...}} + fds [data, output] -> {"pid": n}
  {"op": "stop", "pid": n}                            -> {"status": "..."}
"""

from __future__ import annotations

import gc
import json
import os
import resource
import signal
import socket
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
    import ctypes

    libc = ctypes.CDLL(None)
    libc.prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG


def main(control_fd: int) -> None:
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
    ctrl.send(json.dumps({"ready": os.getpid()}).encode())
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

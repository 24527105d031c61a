"""Run nbgrader's and the kit's command lines without paying their imports at every call.

Starting `nbgrader` costs about 2.5 s of CPU before it does anything (most of it jsonschema's
format checkers, pulled in by jupyter_events), and the course tests make dozens of calls. A
server process imports those libraries once; each call is a fork of it that sets the call's
argv, working directory and environment and then runs the same entry point as the console
script (`nbgrader.apps.nbgraderapp:main`, `python -m autograder`). The command's own code, its
files and its exit status are real; only the interpreter's start is shared.

`run(argv, cwd, env, timeout)` returns a `subprocess.CompletedProcess`. Commands that are not
`nbgrader ...` or `<python> -m autograder ...`, and tests about processes themselves (signals,
parents dying), use subprocess as before.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

# Imported once by the server: what nbgrader's and the kit's commands spend their start on.
_PRELOAD = ("numpy", "numpy.random", "pytest", "nbformat", "nbconvert", "nbgrader.api",
            "nbgrader.apps.nbgraderapp", "sqlalchemy", "jupyter_core.paths")

_lock = threading.Lock()
_server: tuple[subprocess.Popen, str] | None = None


def _served(argv: list[str]) -> list[str] | None:
    """The command the server can run for `argv`, or None when it must be a real process."""
    if Path(argv[0]).name == "nbgrader":
        return ["nbgrader", *argv[1:]]
    if argv[:3] == [sys.executable, "-m", "autograder"]:
        return ["-m", "autograder", *argv[3:]]
    return None


def _address() -> str:
    global _server
    with _lock:
        if _server is None or _server[0].poll() is not None:
            folder = tempfile.mkdtemp(prefix="warmcli-")
            address = os.path.join(folder, "socket")
            proc = subprocess.Popen([sys.executable, __file__, address], stdin=subprocess.DEVNULL)
            atexit.register(proc.kill)
            _server = (proc, address)
        proc, address = _server
    for _ in range(600):  # the preload takes a few seconds on a busy machine
        if os.path.exists(address) or proc.poll() is not None:
            break
        threading.Event().wait(0.05)
    if proc.poll() is not None:
        raise RuntimeError("the warm command server did not start")
    return address


def run(argv: list[str], *, cwd: Path | str | None = None, env: dict[str, str] | None = None,
        timeout: float = 300) -> subprocess.CompletedProcess:
    """Like subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, check=False)."""
    argv = [str(a) for a in argv]
    cwd = os.getcwd() if cwd is None else cwd
    env = dict(os.environ) if env is None else env
    command = _served(argv)
    if command is None:
        return subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True,
                              timeout=timeout, check=False)
    with tempfile.TemporaryDirectory(prefix="warmcli-call-") as folder:
        out, err = os.path.join(folder, "out"), os.path.join(folder, "err")
        request = {"command": command, "cwd": str(cwd), "env": env, "stdout": out, "stderr": err}
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
            conn.connect(_address())
            conn.sendall(json.dumps(request).encode() + b"\n")
            conn.settimeout(timeout)
            reader = conn.makefile("rb")
            pid = json.loads(reader.readline())["pid"]
            try:
                line = reader.readline()
            except TimeoutError:
                os.killpg(pid, signal.SIGKILL)
                raise subprocess.TimeoutExpired(argv, timeout) from None
        # A call that died without a word (a crash, a signal) reads as a failure, as in a shell.
        returncode = json.loads(line)["returncode"] if line else -signal.SIGKILL
        return subprocess.CompletedProcess(
            argv, returncode, Path(out).read_text(errors="replace"),
            Path(err).read_text(errors="replace"))


def _call(request: dict) -> int:
    """In the forked child: become the command and run it."""
    os.chdir(request["cwd"])
    os.environ.clear()
    os.environ.update(request["env"])
    # What the interpreter would have done at start with this environment and command.
    extra = [p for p in request["env"].get("PYTHONPATH", "").split(os.pathsep) if p]
    command = request["command"]
    sys.path[:0] = ([request["cwd"]] if command[0] == "-m" else []) + extra
    tempfile.tempdir = None  # TMPDIR is the call's
    try:
        if command[0] == "nbgrader":
            from nbgrader.apps.nbgraderapp import main
            sys.argv = command
            main()
        else:
            import runpy
            sys.argv = [command[1], *command[2:]]
            runpy.run_module(command[1], run_name="__main__", alter_sys=True)
        return 0
    except SystemExit as done:
        code = done.code
        if code is None:
            return 0
        if isinstance(code, int):
            return code
        print(code, file=sys.stderr)
        return 1
    except BaseException:  # noqa: BLE001 - the interpreter's own rule: an uncaught error is status 1
        import traceback
        traceback.print_exc()
        return 1


def _child(conn: socket.socket) -> None:
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    os.setsid()  # a timeout kills the call and whatever it started
    reader = conn.makefile("rb")
    request = json.loads(reader.readline())
    conn.sendall(json.dumps({"pid": os.getpid()}).encode() + b"\n")
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    for fd, path in ((1, request["stdout"]), (2, request["stderr"])):
        target = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.dup2(target, fd)
        os.close(target)
    code = _call(request)
    try:
        atexit._run_exitfuncs()  # what the interpreter runs at exit
    finally:
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(OSError, ValueError):  # the result must still be sent
                stream.flush()
        conn.sendall(json.dumps({"returncode": code}).encode() + b"\n")
        os._exit(code & 0xFF)


def serve(address: str) -> None:
    import importlib
    for name in _PRELOAD:
        importlib.import_module(name)
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # children are reaped by the kernel
    parent = os.getppid()
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as listener:
        listener.bind(address + ".tmp")
        os.rename(address + ".tmp", address)
        listener.listen(64)
        listener.settimeout(1.0)
        while os.getppid() == parent:  # the test session ended: stop
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            if os.fork() == 0:
                listener.close()
                conn.settimeout(None)
                _child(conn)
            conn.close()


if __name__ == "__main__":
    sys.path.remove(os.path.dirname(os.path.abspath(__file__)))  # tests/ is not a package root
    serve(sys.argv[1])

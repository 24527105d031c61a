"""Start sandboxes and workers (the grader's side of the trust boundary).

A `Sandbox` is one bubblewrap container (or, where bubblewrap is unavailable, a plain
subprocess with the same limits and a warning) holding a zygote; `spawn()` forks a fresh
worker in it and returns a `WorkerProcess` whose `peer` talks to it.

What the container sees: the Python runtime and system libraries read-only, a private
/tmp of bounded size (`Limits.tmp_bytes`, mounted by the zygote), /proc and /dev of its
own, no network, its own pid namespace, and under /kit only the student-side part of the
kit (notebook loading, the self-check, the worker). Not the solutions, not the hidden
suites, not the grader, not the submissions: a notebook reaches the worker as text through
its socket. No process in it holds a capability once the zygote is ready.
"""

from __future__ import annotations

import functools
import json
import os
import shutil
import socket
import subprocess
import sys
import sysconfig
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

from .codec import ChannelClosed
from .rpc import GRADER, Peer

KIT = Path(__file__).resolve().parents[2]
# The student-side part of the kit, the only code of ours the sandbox can see. i18n holds
# the code that picks a language and the student-side catalog (i18n/public: the messages of
# this code only; the whole catalog, with the hidden checks' descriptions, stays outside).
KIT_PUBLIC = ("autograder/__init__.py", "autograder/curriculum.py", "autograder/curriculum.toml",
              "autograder/notebook", "autograder/selfcheck", "autograder/sandbox",
              "autograder/i18n", "dataset")
NO_BWRAP_WARNING = ("bubblewrap is not available ({reason}): student code ran in a plain "
                    "subprocess with resource limits and a seccomp filter, but without "
                    "filesystem or network isolation (its /tmp is this machine's /tmp, not "
                    "a private one)")
UNBOUNDED_TMP_WARNING = ("the sandbox's /tmp has no size limit here ({reason}): a submission "
                         "could fill this machine's memory through it")
# A sandbox starts in well under a second; a probe that takes long is a machine under load
# (pytest and grading processes starting side by side), not an answer.
PROBE_SECONDS = 30.0
NOBODY = 65534
PROBE_ATTEMPTS = 3


@dataclass
class Limits:
    """What one worker (one notebook's student code) may use.

    memory_bytes: address space (RLIMIT_AS); an allocation past it raises MemoryError.
    cpu_seconds: CPU time (RLIMIT_CPU, then SIGXCPU); wall-clock limits are per check and
        per submission in the grader (Options.check_seconds, budget_seconds).
    file_bytes: the largest file it may write (RLIMIT_FSIZE).
    tmp_bytes: the size of the sandbox's private /tmp, shared by the workers of one
        student (under bubblewrap; a tmpfs is host memory, outside memory_bytes).
    open_files: file descriptors (RLIMIT_NOFILE).
    output_bytes: how much of its stdout and stderr is kept; the rest is counted, dropped.

    Processes and threads: none. The seccomp filter refuses fork, vfork and clone (EPERM,
    threads included: the exercises need none, and numpy runs with one BLAS thread), which
    holds for root as well, where RLIMIT_NPROC is not enforced.
    """

    memory_bytes: int = 3 * 1024**3
    cpu_seconds: int = 600
    file_bytes: int = 64 * 1024**2
    tmp_bytes: int = 64 * 1024**2
    open_files: int = 256
    output_bytes: int = 16 * 1024


class SandboxError(Exception):
    """The sandbox could not be started or stopped responding."""


class OutputDrain(threading.Thread):
    """Reads a worker's stdout+stderr, keeping the first `limit` bytes."""

    def __init__(self, fd: int, limit: int):
        super().__init__(daemon=True)
        self.fd, self.limit, self.kept, self.dropped = fd, limit, bytearray(), 0

    def run(self) -> None:
        try:
            while chunk := os.read(self.fd, 65536):
                room = self.limit - len(self.kept)
                self.kept += chunk[:max(room, 0)]
                self.dropped += max(len(chunk) - max(room, 0), 0)
        except OSError:
            pass
        finally:
            os.close(self.fd)

    def text(self) -> str:
        text = self.kept.decode("utf-8", "replace")
        return text + (f"\n[... {self.dropped} more bytes not kept]" if self.dropped else "")


class WorkerProcess:
    def __init__(self, sandbox: Sandbox, pid: int, sock: socket.socket, output: OutputDrain):
        self.sandbox, self.pid, self.sock, self.output = sandbox, pid, sock, output
        self.peer = Peer(sock, policy=GRADER)
        self.status: str | None = None

    def stop(self) -> str:
        """Kill the worker (if alive) and return how it ended."""
        if self.status is None:
            self.sock.close()
            self.status = self.sandbox.stop_worker(self.pid)
            self.output.join(timeout=1)
        return self.status


@functools.cache
def _probe_bwrap() -> tuple[str | None, str | None]:
    """(path of a usable bwrap, None) or (None, why not); see bwrap_available."""
    bwrap = shutil.which("bwrap")
    if bwrap is None:
        return None, "bwrap is not installed"
    reason = ""
    for attempt in range(PROBE_ATTEMPTS):
        if attempt:
            time.sleep(0.2 * attempt)  # a transient failure: no free user namespace, ...
        try:
            probe = subprocess.run([bwrap, "--unshare-all", "--unshare-user", "--ro-bind", "/",
                                    "/", "true"], capture_output=True, timeout=PROBE_SECONDS,
                                   check=False)
        except subprocess.TimeoutExpired:
            reason = f"it did not start a sandbox within {PROBE_SECONDS:g} s"
            continue
        except OSError as exc:
            return None, f"{bwrap} could not be run: {exc}"
        if probe.returncode == 0:
            return bwrap, None
        lines = probe.stderr.decode(errors="replace").strip().splitlines()
        reason = lines[-1] if lines else f"it exited with status {probe.returncode}"
    return None, f"{bwrap} cannot create a sandbox here: {reason}"


def bwrap_available() -> str | None:
    """The path of a bwrap executable that can actually make a sandbox here, or None.

    Installed is not enough: Ubuntu 24.04's AppArmor rule and many containers forbid the
    unprivileged user namespace bwrap needs, and then the sandbox falls back (with a warning).
    The probe is retried, with a generous timeout, before it says no: a wrong no silently
    downgrades every sandbox of the process (and skips the sandbox tests).
    """
    return _probe_bwrap()[0]


def bwrap_problem() -> str | None:
    """Why bwrap cannot be used here (one line), or None if it can."""
    return _probe_bwrap()[1]


def _runtime_paths() -> list[Path]:
    """Read-only paths the worker needs: the interpreter, its libraries, site-packages."""
    candidates = {Path(sys.base_prefix), Path(sys.prefix), Path(sys.executable).resolve().parent,
                  Path(sysconfig.get_paths()["purelib"]), Path(sysconfig.get_paths()["platlib"])}
    import numpy

    candidates.add(Path(numpy.__file__).resolve().parents[1])
    for entry in sys.path:
        path = Path(entry).resolve() if entry else None
        if path and path.is_dir() and "site-packages" in path.parts:
            candidates.add(path)
    paths: list[Path] = []
    for path in sorted(candidates, key=lambda p: len(p.parts)):
        if path.exists() and not any(path.is_relative_to(p) for p in paths):
            paths.append(path)
    return paths


def _secrets(runtime: list[Path]) -> list[Path]:
    """The kit's folders (grader, solutions, hidden suites, rubric) that a runtime path
    happens to contain, to be hidden under an empty tmpfs: a clone inside the Python prefix,
    the `autograder` package of a wheel in site-packages (its curriculum with it), a
    curriculum folder kept under /usr. Never the site-packages a wheel is installed in
    (numpy is there too), nor a folder that holds a runtime path (a clone's .venv/)."""
    from .. import paths

    candidates = {paths.PACKAGE, paths.current().root}
    if paths.is_clone():  # all of it (solutions/, tests/, ...)
        candidates.add(KIT)
    hidden = [secret for secret in candidates
              if any(secret.is_relative_to(p) for p in runtime)
              and not any(p.is_relative_to(secret) for p in runtime)]
    return sorted(s for s in hidden if not any(s != o and s.is_relative_to(o) for o in hidden))


def bwrap_command(bwrap: str, control_fd: int, tmp_bytes: int | None = None) -> list[str]:
    cmd = [bwrap, "--die-with-parent", "--new-session", "--unshare-all", "--unshare-user",
           "--cap-drop", "ALL", "--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp",
           "--dir", "/kit", "--chdir", "/tmp"]
    if os.geteuid() == 0:
        # The grader runs as root in CI. Root inside the sandbox would keep the zygote from
        # mapping itself into the user namespace it mounts /tmp from (mapping the host's
        # uid 0 needs CAP_SETFCAP), and student code has no business being uid 0 anyway.
        cmd += ["--uid", str(NOBODY), "--gid", str(NOBODY)]
    for top in ("usr", "lib", "lib32", "lib64", "bin", "sbin"):
        host = Path("/") / top
        if host.is_symlink():
            cmd += ["--symlink", os.readlink(host), str(host)]
        elif host.is_dir():
            cmd += ["--ro-bind", str(host), str(host)]
    for etc in ("/etc/ld.so.cache", "/etc/ld.so.conf", "/etc/localtime"):
        if Path(etc).exists():
            cmd += ["--ro-bind", etc, etc]
    runtime = _runtime_paths()
    for path in runtime:
        cmd += ["--ro-bind", str(path), str(path)]
    for secret in _secrets(runtime):
        cmd += ["--tmpfs", str(secret)]
    for rel in KIT_PUBLIC:
        cmd += ["--ro-bind", str(_public_source(rel)), f"/kit/{rel}"]
    return [*cmd, *_python_command(Path("/kit"), control_fd, tmp_bytes)]


def _public_source(rel: str) -> Path:
    """The file or folder the sandbox shows at /kit/<rel>: the kit's, except the curriculum
    table, which is the one in use (an instructor's curriculum folder has its own)."""
    if rel == "autograder/curriculum.toml":
        from .. import paths
        return paths.current().rubric
    return KIT / rel


def _python_command(kit: Path, control_fd: int, tmp_bytes: int | None = None) -> list[str]:
    """The zygote's command line. tmp_bytes: the zygote mounts a /tmp of that size (only
    in a sandbox of its own: the fallback must not hide the machine's /tmp from itself)."""
    site = [str(p) for p in sys.path if p and "site-packages" in p]
    boot = (f"import sys; sys.path[:0] = [{str(kit)!r}]; sys.path += {site!r}; "
            f"from autograder.sandbox.zygote import main; main({control_fd}, {tmp_bytes!r})")
    return [sys.executable, "-I", "-S", "-B", "-c", boot]


def _environment() -> dict[str, str]:
    env = {"PATH": "/usr/bin:/bin", "HOME": "/tmp", "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8",
           "PYTHONHASHSEED": "0", "PYTHONDONTWRITEBYTECODE": "1", "MPLBACKEND": "Agg",
           "TMPDIR": "/tmp"}
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS",
                "VECLIB_MAXIMUM_THREADS", "NUMEXPR_NUM_THREADS"):
        env[var] = "1"  # parallel workers must not oversubscribe the cores
    return env


class Sandbox:
    """One container with a zygote; `spawn()` gives a fresh worker."""

    def __init__(self, limits: Limits | None = None, isolation: str = "auto"):
        if isolation not in ("auto", "bwrap", "none"):
            raise ValueError("isolation must be auto, bwrap or none")
        self.limits = limits or Limits()
        self.isolation = isolation
        self.mode: str | None = None
        self.warning: str | None = None
        self._proc: subprocess.Popen | None = None
        self._ctrl: socket.socket | None = None
        self._tmp: tempfile.TemporaryDirectory | None = None
        self.starts = 0  # zygotes started: more than one means one died and was replaced

    @property
    def running(self) -> bool:
        """Whether the current zygote is alive (a student must not be able to kill it)."""
        return self._proc is not None and self._proc.poll() is None

    def start(self) -> Sandbox:
        bwrap = bwrap_available() if self.isolation != "none" else None
        if bwrap:
            try:
                ready = self._launch(lambda fd: bwrap_command(bwrap, fd, self.limits.tmp_bytes),
                                     cwd=None)
                self.mode = "bwrap"
                tmp = str(ready.get("tmp"))
                self.warning = (None if tmp == "bounded" else
                                UNBOUNDED_TMP_WARNING.format(reason=tmp))
                return self
            except SandboxError as exc:
                if self.isolation == "bwrap":
                    raise
                reason = str(exc)
        else:
            if self.isolation == "bwrap":
                raise SandboxError(bwrap_problem() or "bubblewrap (bwrap) is not available")
            reason = (bwrap_problem() or "bwrap is not available") if self.isolation == "auto" \
                else "disabled"
        self._tmp = tempfile.TemporaryDirectory(prefix="scratchgrad-worker-")
        try:
            env_kit = Path(self._tmp.name) / "kit"
            for rel in KIT_PUBLIC:  # the same student-side kit view, as a private copy
                src, dst = _public_source(rel), env_kit / rel
                dst.parent.mkdir(parents=True, exist_ok=True)
                if src.is_dir():
                    shutil.copytree(src, dst, ignore=shutil.ignore_patterns("__pycache__"))
                else:
                    shutil.copy(src, dst)
            self._launch(lambda fd: _python_command(env_kit, fd), cwd=self._tmp.name)
        except BaseException:  # `with Sandbox()` does not close what never started
            self._tmp.cleanup()
            self._tmp = None
            raise
        self.mode = "subprocess"
        self.warning = NO_BWRAP_WARNING.format(reason=reason)
        return self

    def _launch(self, command: Callable[[int], list[str]], cwd: str | None) -> dict:
        """Start a zygote; its ready message (pid, and what became of /tmp)."""
        parent, child = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        try:
            fd = child.fileno()
            proc = subprocess.Popen(command(fd), stdin=subprocess.DEVNULL,
                                    stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                    env=_environment(), cwd=cwd, pass_fds=(fd,))
        finally:
            child.close()
        parent.settimeout(30)
        try:
            ready = json.loads(parent.recv(4096) or b"{}")
        except (OSError, ValueError):
            ready = {}
        if "ready" not in ready:
            proc.kill()
            err = proc.stderr.read().decode(errors="replace").strip().splitlines() if proc.stderr \
                else []
            proc.wait()
            parent.close()
            raise SandboxError(err[-1] if err else "the sandbox did not start")
        self._proc, self._ctrl = proc, parent
        self.starts += 1
        threading.Thread(target=_drain, args=(proc.stderr,), daemon=True).start()
        return ready

    def _control(self, msg: dict, fds: list[int] | None = None, timeout: float = 30) -> dict:
        if self._ctrl is None:
            raise SandboxError("the sandbox is not running")
        try:
            self._ctrl.settimeout(timeout)
            socket.send_fds(self._ctrl, [json.dumps(msg).encode()], fds or [])
            raw = self._ctrl.recv(65536)
        except OSError as exc:
            raise SandboxError(f"the sandbox stopped responding ({exc})") from None
        if not raw:
            raise SandboxError("the sandbox exited")
        reply = json.loads(raw)
        if not isinstance(reply, dict) or "error" in reply:
            raise SandboxError(str(reply.get("error") if isinstance(reply, dict) else reply))
        return reply

    def spawn(self) -> WorkerProcess:
        """A fresh worker: forked from the zygote, limits and seccomp filter applied."""
        if self._proc is None or self._proc.poll() is not None:
            self.close()
            self.start()
        ours, theirs = socket.socketpair()
        out_read, out_write = os.pipe()
        try:
            reply = self._control({"op": "spawn", "limits": asdict(self.limits)},
                                  [theirs.fileno(), out_write])
        except SandboxError:
            ours.close()
            os.close(out_read)
            raise
        finally:
            theirs.close()
            os.close(out_write)
        drain = OutputDrain(out_read, self.limits.output_bytes)
        drain.start()
        return WorkerProcess(self, int(reply["pid"]), ours, drain)

    def stop_worker(self, pid: int) -> str:
        try:
            return str(self._control({"op": "stop", "pid": pid}, timeout=10)["status"])
        except SandboxError:
            self.close()  # a zygote that does not answer is replaced on the next spawn
            return "stopped with its sandbox"

    def close(self) -> None:
        if self._ctrl is not None:
            self._ctrl.close()
            self._ctrl = None
        if self._proc is not None:
            if self._proc.poll() is None:
                self._proc.kill()
            self._proc.wait()
            self._proc = None
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None

    def __enter__(self) -> Sandbox:  # noqa: PYI034 - start() returns self
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()


def _drain(stream) -> None:  # type: ignore[no-untyped-def]
    try:
        while stream.read(65536):
            pass
    except (OSError, ValueError):
        pass
    finally:
        stream.close()  # at the sandbox's end: one unclosed pipe per student otherwise


def wait_closed(worker: WorkerProcess, timeout: float = 1.0) -> None:
    """Give a worker that closed its socket a moment to exit, for its exit status."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            if worker.sock.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT) == b"":
                return
        except BlockingIOError:
            time.sleep(0.01)
        except (OSError, ChannelClosed):
            return

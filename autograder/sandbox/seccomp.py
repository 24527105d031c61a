"""A seccomp filter for the worker: no new processes or threads, no exec, no signals to
others, no ptrace, no sockets.

Student code for these exercises needs numpy and nothing else. The filter makes fork,
vfork and clone fail with EPERM inside the worker, threads included (a thread is a clone
too, and the exercises need none: numpy runs with one BLAS thread). That is the worker's
process limit: RLIMIT_NPROC would not do, since it is not enforced for root, and CI grades
as root. clone3 fails with ENOSYS, as on a kernel without it, so that libc falls back to
clone and gets EPERM there. execve, ptrace, socket, `os.kill` of any process but the
worker itself, namespace and mount calls fail with EPERM as well. The filter is installed
in each worker after fork, before any student code runs, and applies in the
plain-subprocess fallback as well as under bubblewrap.
"""

from __future__ import annotations

import ctypes
import errno
import os
import platform
import struct

_ARCH = {  # (AUDIT_ARCH value, syscall numbers)
    "x86_64": (0xC000003E, {
        "fork": 57, "vfork": 58, "clone": 56, "clone3": 435, "execve": 59, "execveat": 322,
        "kill": 62, "tkill": 200, "tgkill": 234, "ptrace": 101, "socket": 41,
        "process_vm_readv": 310, "process_vm_writev": 311, "pidfd_open": 434,
        "pidfd_send_signal": 424, "rt_sigqueueinfo": 129, "rt_tgsigqueueinfo": 297,
        "unshare": 272, "setns": 308, "mount": 165, "umount2": 166, "pivot_root": 155,
        "chroot": 161, "bpf": 321, "perf_event_open": 298, "userfaultfd": 323,
        "keyctl": 250, "add_key": 248, "request_key": 249,
    }),
    "aarch64": (0xC00000B7, {
        "clone": 220, "clone3": 435, "execve": 221, "execveat": 281, "kill": 129,
        "tkill": 130, "tgkill": 131, "ptrace": 117, "socket": 198,
        "process_vm_readv": 270, "process_vm_writev": 271, "pidfd_open": 434,
        "pidfd_send_signal": 424, "rt_sigqueueinfo": 138, "rt_tgsigqueueinfo": 240,
        "unshare": 97, "setns": 268, "mount": 40, "umount2": 39, "pivot_root": 41,
        "chroot": 51, "bpf": 280, "perf_event_open": 241, "userfaultfd": 282,
        "keyctl": 219, "add_key": 217, "request_key": 218,
    }),
}

_LD_ABS = 0x20  # BPF_LD | BPF_W | BPF_ABS
_JEQ, _JGE = 0x15, 0x35  # BPF_JMP | BPF_K
_RET = 0x06
_ALLOW, _KILL = 0x7FFF0000, 0x80000000
_X32_BIT = 0x40000000
_NR, _ARCH_OFFSET, _ARG0 = 0, 4, 16  # offsets in struct seccomp_data (low word of arg0)
_PR_SET_NO_NEW_PRIVS, _PR_SET_SECCOMP, _SECCOMP_MODE_FILTER = 38, 22, 2


def _errno(code: int) -> int:
    return 0x00050000 | code


def _ins(code: int, k: int, jt: int = 0, jf: int = 0) -> bytes:
    return struct.pack("=HBBI", code, jt, jf, k & 0xFFFFFFFF)


def build_filter(pid: int, machine: str | None = None) -> bytes:
    """The BPF program (packed sock_filter array) for a worker whose pid is `pid`."""
    machine = machine or platform.machine()
    if machine not in _ARCH:
        raise OSError(f"no seccomp filter for the {machine} architecture")
    audit_arch, nr = _ARCH[machine]
    prog = [_ins(_LD_ABS, _ARCH_OFFSET), _ins(_JEQ, audit_arch, 1, 0), _ins(_RET, _KILL),
            _ins(_LD_ABS, _NR)]
    if machine == "x86_64":  # the x32 ABI would bypass the numbers below
        prog += [_ins(_JGE, _X32_BIT, 0, 1), _ins(_RET, _errno(errno.EPERM))]
    # clone3 gets ENOSYS so that libc falls back to clone, which is denied below.
    prog += [_ins(_JEQ, nr["clone3"], 0, 1), _ins(_RET, _errno(errno.ENOSYS))]
    # Signals only to this process itself.
    for name in ("kill", "tkill", "tgkill"):
        prog += [_ins(_JEQ, nr[name], 0, 4), _ins(_LD_ABS, _ARG0), _ins(_JEQ, pid, 0, 1),
                 _ins(_RET, _ALLOW), _ins(_RET, _errno(errno.EPERM))]
    denied = [n for n in nr if n not in ("clone3", "kill", "tkill", "tgkill")]
    for name in denied:
        prog += [_ins(_JEQ, nr[name], 0, 1), _ins(_RET, _errno(errno.EPERM))]
    prog.append(_ins(_RET, _ALLOW))
    return b"".join(prog)


class _SockFprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]


def install() -> None:
    """Install the filter in this process (irreversible). Raises OSError if unsupported."""
    program = build_filter(os.getpid())
    buffer = ctypes.create_string_buffer(program, len(program))
    fprog = _SockFprog(len(program) // 8, ctypes.cast(buffer, ctypes.c_void_p))
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl.argtypes = [ctypes.c_int, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong,
                           ctypes.c_ulong]
    if libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_NO_NEW_PRIVS) failed")
    if libc.prctl(_PR_SET_SECCOMP, _SECCOMP_MODE_FILTER, ctypes.addressof(fprog), 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_SECCOMP) failed")

"""Child processes that die with the process that started them.

A runner killed with SIGKILL cannot clean up: its pool workers, their
kernels and its Chromium would live on and keep writing reports. On Linux,
:func:`die_with_parent` asks the kernel to send SIGKILL to the calling
process when its parent dies (``prctl(PR_SET_PDEATHSIG)``); it runs in each
worker's initializer, as ``preexec_fn`` of every zygote, kernel and Chromium,
and in each kernel a zygote forks. Kernels also watch their parent themselves
(ipykernel's parent poller, through ``JPY_PARENT_PID``), which covers other
systems.
"""

from __future__ import annotations

import ctypes
import signal
import sys

PR_SET_PDEATHSIG = 1


def die_with_parent() -> None:
    """Ask Linux to SIGKILL this process when its parent dies (a no-op elsewhere)."""
    if not sys.platform.startswith("linux"):
        return
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)

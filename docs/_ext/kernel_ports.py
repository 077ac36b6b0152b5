"""Sphinx extension: the pages' kernels get ports no other process of the machine can take first.

A Jupyter kernel's five ports are picked by the process that starts it (jupyter_client binds port 0,
reads the port the system gave, closes the socket) and bound by the kernel a moment later. In
between, the port is free, and with ``-j 2`` two reader processes start kernels at the same time:
the system can give the same port to the other process's pick, or to the local end of one of its
connections, and the kernel dies with ``ZMQError: Address already in use`` (a clean clone's CI
failed so, in ``tests/build/test_execution_cache.py``; jupyter_client issue 487, papermill 511).
jupyter_client's own guard, :class:`jupyter_client.connect.LocalPortCache`, remembers the ports it
gave within one process only.

:class:`KernelPorts` takes its place, through traitlets' singleton mechanism (the instance of a
subclass is the instance of its bases: ``KernelPorts.instance()``), in the build's process before
Sphinx forks its readers, so that every process of the build picks through it:

* ports are picked below the system's range of ephemeral ports (``ip_local_port_range``, on Linux
  32768-60999), where the system never gives a port by itself: not to a bind of port 0, not to the
  local end of a connection;
* a port given is written, under a file lock, in a register that every process of the machine run
  by this user reads (one file in the temporary directory) and is not given again for
  :data:`HOLD_S` seconds: by then its kernel has bound it, or it is free again;
* a port is given only if it can be bound at that moment (nothing else listens on it).

``tests/build/test_kernel_ports.py`` starts kernels in two processes at once, and checks that
jupyter_client picks their ports through this class.
"""

from __future__ import annotations

import fcntl
import os
import random
import socket
import tempfile
import time
from pathlib import Path

from jupyter_client.connect import LocalPortCache
from traitlets import Int, Unicode, default

HOLD_S = 120
"""Seconds for which a port given is not given again, by any process of the machine."""

SPAN = 8192
"""How many ports below the ephemeral range are used."""


def ephemeral_range() -> tuple[int, int]:
    """The system's range of ephemeral ports, first and last: Linux's ``ip_local_port_range``, or
    IANA's 49152-65535 (macOS, the BSDs) where that file is missing."""
    try:
        low, high = Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()
        return int(low), int(high)
    except (OSError, ValueError):
        return 49152, 65535


class KernelPorts(LocalPortCache):
    """jupyter_client's port cache, shared by every process of the machine (see the module)."""

    low = Int(help="First port given.")
    high = Int(help="One past the last port given.")
    register = Unicode(help="The register of the ports given, shared by the processes.")

    @default("low")
    def _low(self) -> int:
        return max(1024, ephemeral_range()[0] - SPAN)

    @default("high")
    def _high(self) -> int:
        return ephemeral_range()[0]

    @default("register")
    def _register(self) -> str:
        return str(Path(tempfile.gettempdir()) / f"xavier-kernel-ports-{os.getuid()}")

    def find_available_port(self, ip: str) -> int:
        """A port in [``low``, ``high``) that no process of the machine was given in the last
        :data:`HOLD_S` seconds and that can be bound on ``ip`` now.

        Raises ``RuntimeError`` when there is none.
        """
        with open(self.register, "a+", encoding="ascii") as register:
            fcntl.flock(register, fcntl.LOCK_EX)  # released when the file is closed
            register.seek(0)
            now = time.time()
            given = {}
            for line in register:
                port, until = line.split()
                if float(until) > now:
                    given[int(port)] = until
            candidates = [p for p in range(self.low, self.high) if p not in given]
            random.shuffle(candidates)  # the order only spreads ports; the pages do not see them
            for port in candidates:
                if _can_bind(ip, port):
                    given[port] = f"{now + HOLD_S:.3f}"
                    register.seek(0)
                    register.truncate()
                    register.writelines(f"{p} {u}\n" for p, u in given.items())
                    register.flush()
                    self.currently_used_ports.add(port)
                    return port
        raise RuntimeError(f"kernel_ports: no free port in {self.low}-{self.high - 1} on {ip}")


def _can_bind(ip: str, port: int) -> bool:
    with socket.socket() as probe:
        try:
            probe.bind((ip, port))
        except OSError:
            return False
    return True


def install() -> KernelPorts:
    """Make :class:`KernelPorts` the port cache of this process and of the processes it forks
    (kept if it is already; the ports another cache gave are carried over)."""
    if LocalPortCache.initialized() and not isinstance(LocalPortCache.instance(), KernelPorts):
        given = LocalPortCache.instance().currently_used_ports
        LocalPortCache.clear_instance()
        KernelPorts.instance().currently_used_ports.update(given)
    return KernelPorts.instance()


def setup(app):
    install()
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}

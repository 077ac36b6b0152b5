"""Kernels started at once in several processes do not lose a port to each other
(docs/_ext/kernel_ports.py).

A clean clone's CI failed once with ``ZMQError: Address already in use``: two reader processes of a
``-j 2`` build started kernels at the same moment, and one kernel found a port it had been given
already taken. Here the ports' rules are checked one by one (never given twice by any process,
never a port in use, never in the system's ephemeral range), and many kernels, forked from the
warm server as in a build, are started in two processes at once, each reached by its client on
ports jupyter_client took from :class:`kernel_ports.KernelPorts`.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
from pathlib import Path

import pytest

EXT = Path(__file__).resolve().parents[2] / "docs" / "_ext"
sys.path.insert(0, str(EXT))

import kernel_ports  # noqa: E402
import warm_kernels  # noqa: E402

LOCAL = "127.0.0.1"


def _free_run(length: int) -> int:
    """The first of ``length`` consecutive ports below the ephemeral range that can all be bound."""
    low, _ = kernel_ports.ephemeral_range()
    for first in range(low - 4000, low - 100, 7):
        if all(kernel_ports._can_bind(LOCAL, p) for p in range(first, first + length)):
            return first
    pytest.skip("no free run of ports below the ephemeral range")


def test_a_port_in_use_is_not_given(tmp_path):
    first = _free_run(3)
    held = []
    for port in (first, first + 1):  # something else listens on the first two
        s = socket.socket()
        s.bind((LOCAL, port))
        s.listen()
        held.append(s)
    try:
        ports = kernel_ports.KernelPorts(low=first, high=first + 3, register=str(tmp_path / "reg"))
        assert ports.find_available_port(LOCAL) == first + 2
    finally:
        for s in held:
            s.close()


def test_a_port_given_is_not_given_again_by_any_process(tmp_path):
    """Two caches stand for two processes: they share the register, so once both ports of the
    range are given, neither has one left, although nothing has bound them yet."""
    first = _free_run(2)
    register = str(tmp_path / "reg")
    one = kernel_ports.KernelPorts(low=first, high=first + 2, register=register)
    other = kernel_ports.KernelPorts(low=first, high=first + 2, register=register)
    given = {one.find_available_port(LOCAL), other.find_available_port(LOCAL)}
    assert given == {first, first + 1}
    for cache in (one, other):
        with pytest.raises(RuntimeError, match=f"no free port in {first}-{first + 1}"):
            cache.find_available_port(LOCAL)


_PICK = """
import json, sys
sys.path.insert(0, {ext!r})
import kernel_ports
cache = kernel_ports.KernelPorts(register={register!r})
sys.stdin.readline()  # both processes start picking together
print(json.dumps([cache.find_available_port("127.0.0.1") for _ in range(300)]))
"""


def test_two_processes_picking_at_once_never_share_a_port(tmp_path):
    script = _PICK.format(ext=str(EXT), register=str(tmp_path / "reg"))
    procs = [subprocess.Popen([sys.executable, "-c", script], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True) for _ in range(2)]
    for p in procs:
        p.stdin.write("go\n")
        p.stdin.flush()
    picked = [json.loads(p.communicate(timeout=120)[0]) for p in procs]
    everything = picked[0] + picked[1]
    assert len(set(everything)) == len(everything) == 600
    low, high = kernel_ports.ephemeral_range()
    assert all(p < low for p in everything), "a port in the system's ephemeral range"
    assert all(p >= 1024 for p in everything)


_KERNELS = """
import json, os, sys
sys.path.insert(0, {ext!r})
os.environ["JUPYTER_PATH"] = {folder!r}
import kernel_ports
kernel_ports.install()
from jupyter_client.manager import KernelManager
sys.stdin.readline()
managers = [KernelManager(kernel_name="python3") for _ in range({n})]
for km in managers:
    km.start_kernel(cwd={folder!r})  # launched one after the other, not waiting for any
ports = []
try:
    for km in managers:
        kc = km.client()
        kc.start_channels()
        kc.wait_for_ready(timeout=120)
        reply = kc.execute_interactive("1 + 1", timeout=60, output_hook=lambda msg: None)
        assert reply["content"]["status"] == "ok", reply
        kc.stop_channels()
        ports += [km.shell_port, km.iopub_port, km.stdin_port, km.hb_port, km.control_port]
finally:
    for km in managers:
        km.shutdown_kernel(now=True)
print(json.dumps(ports))
"""


def test_many_kernels_started_at_once_in_two_processes(tmp_path, monkeypatch):
    """Two processes each start six kernels forked by one warm server, all at once; every kernel
    answers, on ports below the ephemeral range, none shared."""
    monkeypatch.setenv("PYTHONHASHSEED", "0")
    monkeypatch.setenv("OPENBLAS_NUM_THREADS", "1")
    server = warm_kernels.start_server(tmp_path)
    try:
        script = _KERNELS.format(ext=str(EXT), folder=str(tmp_path), n=6)
        procs = [subprocess.Popen([sys.executable, "-c", script], stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                 for _ in range(2)]
        for p in procs:
            p.stdin.write("go\n")
            p.stdin.flush()
        results = [p.communicate(timeout=600) for p in procs]
    finally:
        warm_kernels.stop_server(server)
    for p, (out, err) in zip(procs, results):
        assert p.returncode == 0, err[-3000:]
    ports = [port for out, _ in results for port in json.loads(out.splitlines()[-1])]
    assert len(ports) == len(set(ports)) == 2 * 6 * 5
    assert all(p < kernel_ports.ephemeral_range()[0] for p in ports)

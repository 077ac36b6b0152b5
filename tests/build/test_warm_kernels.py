"""A kernel forked from the warm server (docs/_ext/warm_kernels.py) is a kernel like any other.

Each test starts a server in a temporary folder and kernels through jupyter_client, as MyST-NB's
executor does: with the folder first on JUPYTER_PATH, the kernelspec "python3" is the server's.
"""

from __future__ import annotations

import contextlib
import os
import sys
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "docs" / "_ext"))

import warm_kernels  # noqa: E402

STATE = """
import os, sys, json, matplotlib
from ipykernel.kernelapp import IPKernelApp
app = IPKernelApp.instance()
print(json.dumps({
    "path": sys.path, "argv0": os.path.basename(sys.argv[0]), "argv": sys.argv[1:2], "cwd": os.getcwd(),
    "parent_handle_is_parent_pid": app.parent_handle == int(os.environ["JPY_PARENT_PID"]),
    "backend": matplotlib.get_backend(), "rc_backend": str(matplotlib.rcParams["backend"]),
    "hash": hash("xavier"), "blas": os.environ.get("OPENBLAS_NUM_THREADS"),
    "env": sorted(k for k in os.environ if k not in ("JPY_PARENT_PID", "JUPYTER_PATH")),
    "pid": os.getpid(), "ppid": os.getppid(),
}))
"""


@pytest.fixture
def server(tmp_path, monkeypatch):
    monkeypatch.setenv("PYTHONHASHSEED", "0")
    monkeypatch.setenv("OPENBLAS_NUM_THREADS", "1")
    process = warm_kernels.start_server(tmp_path)
    yield process, tmp_path
    warm_kernels.stop_server(process)
    assert process.returncode == 0


@contextlib.contextmanager
def _kernel(cwd, jupyter_path=None, now=True):
    """A started kernel (manager, client), shut down after (``now``: killed)."""
    from jupyter_client.manager import start_new_kernel

    if jupyter_path is not None:
        os.environ["JUPYTER_PATH"] = str(jupyter_path)
    try:
        km, kc = start_new_kernel(kernel_name="python3", cwd=str(cwd))
    finally:
        os.environ.pop("JUPYTER_PATH", None)
    try:
        yield km, kc
    finally:
        kc.stop_channels()
        if km.has_kernel:
            km.shutdown_kernel(now=now)


def _run(kc, code, timeout=60):
    import json

    out = []
    reply = kc.execute_interactive(code, timeout=timeout, output_hook=lambda m: out.append(m))
    text = "".join(m["content"].get("text", "") for m in out if m["msg_type"] == "stream")
    return reply, (json.loads(text) if text.startswith("{") else text)


def test_a_warm_kernel_starts_as_a_cold_one(server, tmp_path):
    process, folder = server
    with _kernel(tmp_path) as (_, cold), _kernel(tmp_path, folder) as (_, warm):
        _, a = _run(cold, STATE)
        _, b = _run(warm, STATE)
    assert b["ppid"] == process.pid != a["ppid"]  # the warm one is the server's child
    for key in ("path", "argv0", "argv", "cwd", "backend", "rc_backend", "hash", "blas", "env"):
        assert a[key] == b[key], key  # env: the names; JUPYTER_PATH names the server's kernelspec
    assert a["parent_handle_is_parent_pid"] and b["parent_handle_is_parent_pid"]


def test_an_interrupt_reaches_the_kernel(server, tmp_path):
    with _kernel(tmp_path, server[1]) as (km, kc):
        msg_id = kc.execute("import time; print('asleep', flush=True); time.sleep(60)")
        # interrupted once the cell runs (its first output), not after a fixed wait: on a busy
        # machine the kernel could still be starting the cell, and the interrupt came too early
        while True:
            msg = kc.get_iopub_msg(timeout=120)
            if msg["parent_header"].get("msg_id") == msg_id and msg["msg_type"] == "stream":
                break
        km.interrupt_kernel()
        reply = kc.get_shell_msg(timeout=20)
        while reply["parent_header"].get("msg_id") != msg_id:
            reply = kc.get_shell_msg(timeout=20)
        assert reply["content"]["status"] == "error"
        assert reply["content"]["ename"] == "KeyboardInterrupt"
        assert _run(kc, "print(1 + 1)")[1] == "2\n"  # and it goes on


def test_a_killed_client_takes_its_kernel_with_it(server, tmp_path):
    with _kernel(tmp_path, server[1]) as (km, kc):
        pid = _run(kc, STATE)[1]["pid"]
    # shut down "now": SIGKILL to the client, which cannot pass it on; the server ends the kernel
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            break
        time.sleep(0.05)
    else:
        pytest.fail(f"kernel {pid} still runs after its client was killed")


def test_a_kernel_shut_down_by_request_ends_its_client(server, tmp_path):
    with _kernel(tmp_path, server[1], now=False) as (km, kc):
        client = km.provisioner.process
    # shutdown_request: the kernel exits, then its client, with the kernel's status 0
    assert client.wait(timeout=20) == 0

"""Sphinx extension: the pages' notebook kernels start from one warm process instead of from nothing.

Each executed page gets a fresh IPython kernel, and each kernel used to import ipykernel, IPython,
numpy, matplotlib and the library anew: about 0.75 s of CPU per page, 7 s over a clean build's nine
pages on a two-core machine, where the build's wall time is its CPU time over two. Here one server
process imports them once (:data:`PRELOAD`), and every kernel is a ``fork`` of it, as
:mod:`multiprocessing`'s ``forkserver`` does for its workers:

* The kernelspec ``python3`` that MyST-NB asks for is ours for the build (``JUPYTER_PATH``): its
  command is ``python warm_kernels.py launch SOCKET -f {connection_file}``, a small client that
  imports nothing heavy. It sends the server its argument list, working directory, environment and
  its standard input, output and error (as file descriptors over a Unix socket). The server forks;
  the child takes those descriptors, directory and environment, and runs ``ipykernel``'s launcher
  exactly as ``python -m ipykernel_launcher`` would (same ``sys.argv``, same ``sys.path``).
* The client stands for the kernel towards Jupyter: it passes on every signal it gets (interrupt,
  terminate) to the child and exits with the child's status. If the client is killed (``SIGKILL``
  cannot be passed on), the server sees its socket close and kills the child.
* The server starts as soon as this extension is set up, so that its imports (1.3 s of CPU)
  run on the second core while Sphinx imports and sets up the other extensions and reads its
  environment (before, it started at ``env-before-read-docs``, and the kernels waited for its
  imports, one core idle). It binds its socket first, so a kernel asked for meanwhile waits in the
  socket's queue. It is stopped again, unused, when ``warm_kernels`` is off (``config-inited``)
  or when no notebook page is to be read (``env-before-read-docs``: a rebuild that executes
  nothing). It ends with the build, or when the build's process ends (its standard input closes).
  conf.py lists this extension (and :mod:`kernel_environment`, whose variables the server's
  imports read) before ``myst_nb``, whose import is the longest of Sphinx's start.
* What a page computes is the same: the environment that is read once at start (the hash seed,
  the BLAS threads, the ``matplotlibrc``: :mod:`kernel_environment`, set before the server starts)
  is the build's for both, ``MPLBACKEND`` is ipykernel's before matplotlib is imported, and a
  module imported early is the module the page imports. ``tests/build/test_warm_kernels.py``
  checks a kernel's state against a cold one, and the clean builds' bytes are checked as before.

``warm_kernels = False`` in conf.py (or ``-D warm_kernels=0``) starts every kernel cold again.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import struct
import subprocess
import sys

PRELOAD = ("IPython", "zmq", "tornado.ioloop", "jupyter_client.session", "ipykernel.ipkernel",
           "ipykernel.zmqshell", "ipykernel.iostream", "ipykernel.heartbeat", "ipykernel.parentpoller",
           "numpy", "matplotlib", "matplotlib.figure", "matplotlib.backends.backend_agg", "PIL.Image",
           "xavier", "xavier.network", "xavier.init", "xavier.datasets", "myst_nb.ext.glue")
"""Imported by the server, so that no kernel imports them again: ipykernel's modules and what the
pages import first. Not ``ipykernel.kernelapp``: its class reads ``JPY_PARENT_PID`` from the
environment when it is imported, which must be the kernel's (jupyter_client sets it per kernel);
with the rest imported, importing it takes 4 ms."""

MPLBACKEND = "module://matplotlib_inline.backend_inline"
"""What ipykernel sets before a kernel's code runs; matplotlib reads it when it is imported."""

_HEADER = struct.Struct("!I")
_STATUS = struct.Struct("!i")


# -- the client: stands for one kernel --------------------------------------------------------------


def launch(path: str, argv: list[str]) -> int:
    """Ask the server at ``path`` for a kernel with ``argv``; wait for it; its exit status."""
    conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    conn.connect(path)
    request = json.dumps({"argv": argv, "cwd": os.getcwd(), "env": dict(os.environ)}).encode()
    socket.send_fds(conn, [_HEADER.pack(len(request)) + request], [0, 1, 2])
    pid = _STATUS.unpack(_recv_exactly(conn, _STATUS.size))[0]

    def forward(signum, frame):
        try:
            os.kill(pid, signum)
        except ProcessLookupError:
            pass

    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT, signal.SIGUSR1, signal.SIGUSR2):
        signal.signal(signum, forward)
    data = _recv_exactly(conn, _STATUS.size)
    if not data:
        return 1
    status = _STATUS.unpack(data)[0]
    if status < 0:  # killed by a signal: end the same way
        signal.signal(-status, signal.SIG_DFL)
        os.kill(os.getpid(), -status)
    return status


def _recv_exactly(conn: socket.socket, n: int) -> bytes:
    data = b""
    while len(data) < n:
        chunk = conn.recv(n - len(data))
        if not chunk:
            return b""
        data += chunk
    return data


# -- the server: one warm process, forked once per kernel -------------------------------------------


def serve(path: str) -> None:
    """Bind ``path``, import :data:`PRELOAD`, then fork a kernel for each client until stdin closes."""
    import importlib
    import selectors

    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(path)
    listener.listen(64)
    sys.path.pop(0)  # this file's folder: a kernel's sys.path is ipykernel_launcher's
    os.environ["MPLBACKEND"] = MPLBACKEND
    for name in PRELOAD:
        importlib.import_module(name)
    sys.stdout.flush()
    sys.stderr.flush()
    children: dict[int, socket.socket] = {}
    select = selectors.DefaultSelector()
    select.register(listener, selectors.EVENT_READ, "listener")
    select.register(sys.stdin, selectors.EVENT_READ, "stdin")
    try:
        while True:
            for key, _ in select.select(timeout=0.05):
                if key.data == "stdin":
                    if not os.read(sys.stdin.fileno(), 4096):
                        return
                elif key.data == "listener":
                    conn, _ = listener.accept()
                    pid = _fork_kernel(conn, listener)
                    children[pid] = conn
                    conn.sendall(_STATUS.pack(pid))
                    select.register(conn, selectors.EVENT_READ, pid)
                else:  # the client hung up (killed): its kernel goes too
                    select.unregister(key.fileobj)
                    _kill(key.data)
            while children:
                try:
                    pid, status = os.waitpid(-1, os.WNOHANG)
                except ChildProcessError:
                    break
                if pid == 0:
                    break
                conn = children.pop(pid, None)
                if conn is not None:
                    code = os.waitstatus_to_exitcode(status)
                    try:
                        select.unregister(conn)
                    except KeyError:
                        pass
                    try:
                        conn.sendall(_STATUS.pack(code))
                    except OSError:
                        pass
                    conn.close()
    finally:
        for pid in list(children):
            _kill(pid)
        listener.close()


def _kill(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def _fork_kernel(conn: socket.socket, listener: socket.socket) -> int:
    head, fds, _, _ = socket.recv_fds(conn, _HEADER.size, 3)
    head += _recv_exactly(conn, _HEADER.size - len(head))
    request = json.loads(_recv_exactly(conn, _HEADER.unpack(head)[0]))
    pid = os.fork()
    if pid:
        for fd in fds:
            os.close(fd)
        return pid
    code = 1  # the kernel's exit status, unless it ends otherwise
    try:  # the kernel
        listener.close()
        conn.close()
        for target, fd in enumerate(fds):
            os.dup2(fd, target)
            os.close(fd)
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        signal.signal(signal.SIGINT, signal.default_int_handler)
        for signum in (signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT, signal.SIGUSR1, signal.SIGUSR2):
            signal.signal(signum, signal.SIG_DFL)
        import ipykernel_launcher

        sys.argv = [ipykernel_launcher.__file__, *request["argv"]]
        from ipykernel import kernelapp

        kernelapp.launch_new_instance()
        code = 0
    except SystemExit as stop:
        code = stop.code if isinstance(stop.code, int) else (0 if stop.code is None else 1)
    except BaseException:
        import traceback

        traceback.print_exc()
    finally:
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        finally:
            os._exit(code)


# -- the Sphinx extension ---------------------------------------------------------------------------


def _kernelspec(folder, socket_path: str) -> None:
    """Write the kernelspec ``python3`` that starts kernels through :func:`launch` into ``folder``."""
    spec = folder / "kernels" / "python3"
    spec.mkdir(parents=True, exist_ok=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, os.path.abspath(__file__), "launch", socket_path, "-f", "{connection_file}"],
        "display_name": "Python 3 (ipykernel)", "language": "python", "metadata": {"debugger": True},
    }, indent=1))


def start_server(folder) -> subprocess.Popen:
    """Start a server whose socket and kernelspec ``python3`` are in ``folder``; wait for the socket.

    Kernels start through it once ``folder`` is first on ``JUPYTER_PATH``. The server stops when its
    standard input is closed (:func:`stop_server`), or when the process that started it ends.
    """
    import time
    from pathlib import Path

    socket_path = str(Path(folder) / "server.sock")
    _kernelspec(Path(folder), socket_path)
    process = subprocess.Popen([sys.executable, os.path.abspath(__file__), "serve", socket_path],
                               stdin=subprocess.PIPE, env=dict(os.environ))
    deadline = time.monotonic() + 10  # the socket is bound first thing, before the imports
    while not os.path.exists(socket_path) and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    if not os.path.exists(socket_path):
        process.kill()
        raise RuntimeError(f"warm_kernels: the kernel server did not start (exit status {process.poll()})")
    return process


def stop_server(process) -> None:
    process.stdin.close()
    try:
        process.wait(timeout=10)
    except Exception:
        process.kill()
        process.wait()


class _Server:
    process = None
    folder = None


def start(app) -> None:
    """Start the server (when this extension is set up): most builds execute notebook pages."""
    import tempfile
    from pathlib import Path

    if _Server.process is not None:
        return
    _Server.folder = Path(tempfile.mkdtemp(prefix="xavier-kernels-"))
    _Server.process = start_server(_Server.folder)
    os.environ["JUPYTER_PATH"] = os.pathsep.join(filter(None, [str(_Server.folder), os.environ.get("JUPYTER_PATH")]))


def unless_enabled(app, config) -> None:
    """Stop the server if ``warm_kernels`` is off: every kernel then starts cold."""
    if not config.warm_kernels:
        stop(app, None)


def unless_notebooks(app, env, docnames) -> None:
    """Stop the server if no notebook page is to be read (nothing to execute)."""
    from pathlib import Path

    from parallel_pages import is_notebook

    if not any(is_notebook(Path(env.doc2path(d))) for d in docnames):
        stop(app, None)


def stop(app, exception) -> None:
    import shutil

    if _Server.process is None:
        return
    stop_server(_Server.process)
    shutil.rmtree(_Server.folder, ignore_errors=True)
    paths = [p for p in os.environ.get("JUPYTER_PATH", "").split(os.pathsep) if p and p != str(_Server.folder)]
    if paths:
        os.environ["JUPYTER_PATH"] = os.pathsep.join(paths)
    else:
        os.environ.pop("JUPYTER_PATH", None)
    _Server.process = _Server.folder = None


def setup(app):
    app.add_config_value("warm_kernels", True, "", types=[bool, int])
    start(app)
    app.connect("config-inited", unless_enabled)
    app.connect("env-before-read-docs", unless_notebooks, priority=900)
    app.connect("build-finished", stop)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}


if __name__ == "__main__":
    if sys.argv[1] == "serve":
        serve(sys.argv[2])
    elif sys.argv[1] == "launch":
        sys.exit(launch(sys.argv[2], sys.argv[3:]))
    else:
        raise SystemExit(f"usage: {sys.argv[0]} serve SOCKET | launch SOCKET ARGS...")

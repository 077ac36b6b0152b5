"""Pieces of the small synthetic sites the build tests make (imported by the tests beside it)."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


FRONT = """---
jupytext:
  text_representation:
    extension: .md
    format_name: myst
kernelspec:
  display_name: Python 3
  language: python
  name: python3
---
"""
"""Front matter that makes a MyST markdown page a notebook MyST-NB executes."""


def conf_namespace() -> dict:
    """The names the repository's conf.py defines (its settings, as Sphinx reads them)."""
    namespace: dict = {"__file__": str(ROOT / "conf.py")}
    exec(compile((ROOT / "conf.py").read_text(), str(ROOT / "conf.py"), "exec"), namespace)
    return namespace


def build_site(src: Path, out: Path, lib: Path, jobs: int, pythonpath: Path | None = None,
               extra_extensions: tuple[str, ...] = (), defines: tuple[str, ...] = ()) -> Path:
    """Build the site in ``src`` as the Makefile builds the real one (the repository's conf.py,
    ``-nW``, ``SOURCE_DATE_EPOCH=0``), with ``jobs`` processes, into ``out/html``, its doctrees and
    execution cache beside it in ``out``; ``lib`` stands in for the library (``xavier_library``),
    ``pythonpath`` is added to the import path (for autodoc), ``extra_extensions`` to conf.py's
    extensions (modules found on that path), ``defines`` are more ``-D name=value`` settings.
    Returns ``out/html``.

    Fails the calling test with Sphinx's output if the build fails.
    """
    env = {k: v for k, v in os.environ.items() if not k.startswith("SPHINX")}
    env.update(SOURCE_DATE_EPOCH="0", PYTHONHASHSEED="0")
    if pythonpath is not None:
        env["PYTHONPATH"] = os.pathsep.join([str(pythonpath), *filter(None, [env.get("PYTHONPATH")])])
    extensions = [arg for d in defines for arg in ("-D", d)]
    if extra_extensions:
        extensions += ["-D", "extensions=" + ",".join([*conf_namespace()["extensions"], *extra_extensions])]
    proc = subprocess.run(
        [sys.executable, "-m", "sphinx", "-b", "html", "-nW", "--keep-going", "-q", "-j", str(jobs),
         "-c", str(ROOT), "-d", str(out / "doctrees"), *extensions,
         "-D", f"nb_execution_cache_path={out / 'jupyter_cache'}", "-D", f"xavier_library={lib}",
         str(src), str(out / "html")],
        capture_output=True, text=True, env=env, timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return out / "html"

"""``bench.core.OtherLoad``: the CPU share of processes outside the benchmark's own tree.

A benchmark's browsers are children (and grandchildren) that are not waited for while it runs;
their CPU time is the benchmark's own, not "other processes'". A process outside the tree (here a
daemon, orphaned by its shell) is other. Each test burns a known amount of CPU in a process and
checks which side of the account it lands on; the other engineers' load on a shared machine can
only add to "other", so the bounds are one-sided.
"""

import os
import subprocess
import sys
import time

from bench.core import OtherLoad, descendants

BURN = 1.0  # CPU seconds each burner uses
# Burns BURN s of its own CPU time, then touches a file and sleeps, alive and not waited for.
_BURNER = (
    "import sys, time, pathlib\n"
    "while time.process_time() < {burn}: pass\n"
    "pathlib.Path(sys.argv[1]).touch()\n"
    "time.sleep(30)\n"
)


def _wait_for(path, timeout=30.0):
    t0 = time.monotonic()
    while not path.exists():
        if time.monotonic() - t0 > timeout:
            raise TimeoutError(f"the burner did not finish within {timeout} s")
        time.sleep(0.05)


def test_descendants_follow_parent_links_only():
    parents = {1: 0, 5: 1, 6: 5, 7: 6, 8: 1, 9: 8}
    assert descendants(parents, 5) == {5, 6, 7}
    assert descendants(parents, 7) == {7}
    assert descendants(parents, 1) == {1, 5, 6, 7, 8, 9}


def test_an_unwaited_grandchild_is_the_benchmarks_own(tmp_path):
    """A shell starts the burner and stays alive: the burner is a grandchild nobody waits for
    (as Chromium under Playwright's driver); ``os.times`` never sees it."""
    done = tmp_path / "done"
    load = OtherLoad(interval=0.1)
    code = _BURNER.format(burn=BURN)
    shell = subprocess.Popen(["sh", "-c", f'"{sys.executable}" -c "$0" "$1"; sleep 30', code, str(done)])
    try:
        _wait_for(done)
        time.sleep(0.3)
        assert load.own() >= 0.9 * BURN
    finally:
        shell.kill()
        shell.wait()
        load.stop()


def test_a_process_outside_the_tree_is_other(tmp_path):
    """The shell backgrounds the burner and exits: the burner is re-parented outside the tree."""
    done = tmp_path / "done"
    t0 = time.monotonic()
    load = OtherLoad(interval=0.1)
    code = _BURNER.format(burn=BURN)
    subprocess.run(["sh", "-c", f'"{sys.executable}" -c "$0" "$1" >/dev/null 2>&1 & echo $! > "$1.pid"',
                    code, str(done)], check=True)
    try:
        _wait_for(done)
        own = load.own()
        share = load.share()
        elapsed = time.monotonic() - t0
        assert own < 0.5 * BURN
        # the burner's BURN seconds alone are this share of all CPUs' time
        assert share >= 0.9 * BURN / (elapsed * os.cpu_count())
    finally:
        pid = int((tmp_path / "done.pid").read_text())
        os.kill(pid, 9)
        load.stop()

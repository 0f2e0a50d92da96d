#!/usr/bin/env python3
"""Time to first frame and resident memory of the real cockpit, measured in a pseudo-terminal.

    benches/first_frame.py BINARY TRACKING_URI [--runs N] [--wait-text TEXT]

First frame: from spawning the binary to the first screen showing the header (drawn before
any data arrives; the registry request runs in the background). Memory: VmRSS once the screen
shows --wait-text (default: the models list's position counter, i.e. the list is loaded).
This is a measurement script, not a test: it prints figures and asserts nothing.
"""

import argparse
import os
import pty
import re
import select
import signal
import statistics
import struct
import fcntl
import termios
import time
import tempfile


def spawn(binary, uri, home):
    pid, fd = pty.fork()
    if pid == 0:
        env = {
            "PATH": "/usr/bin:/bin",
            "HOME": home,
            "XDG_CONFIG_HOME": os.path.join(home, "config"),
            "XDG_DATA_HOME": os.path.join(home, "data"),
            "TOLLGATE_CONFIG": os.path.join(home, "config.toml"),
            "TERM": "xterm-256color",
            "MLFLOW_TRACKING_URI": uri,
        }
        os.execve(binary, [binary], env)
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
    return pid, fd


def read_until(fd, pattern, deadline):
    buf = b""
    while time.monotonic() < deadline:
        r, _, _ = select.select([fd], [], [], 0.05)
        if r:
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                break
            buf += chunk
            if re.search(pattern, buf):
                return buf, time.monotonic()
    raise SystemExit(f"timed out waiting for {pattern!r}")


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return -1


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("binary")
    ap.add_argument("uri")
    ap.add_argument("--runs", type=int, default=10)
    ap.add_argument("--wait-text", default=r" 1/\d+ ")
    args = ap.parse_args()
    firsts, rss = [], []
    for _ in range(args.runs):
        with tempfile.TemporaryDirectory() as home:
            start = time.monotonic()
            pid, fd = spawn(args.binary, args.uri, home)
            _, at = read_until(fd, rb"tollgate", start + 30)
            firsts.append((at - start) * 1000)
            read_until(fd, args.wait_text.encode(), start + 120)
            time.sleep(0.5)
            rss.append(rss_kib(pid))
            os.kill(pid, signal.SIGTERM)
            os.waitpid(pid, 0)
            os.close(fd)
    print(f"first frame: median {statistics.median(firsts):.1f} ms, max {max(firsts):.1f} ms over {len(firsts)} runs")
    print(f"resident memory with the list loaded: median {statistics.median(rss) / 1024:.1f} MiB, max {max(rss) / 1024:.1f} MiB")


if __name__ == "__main__":
    main()

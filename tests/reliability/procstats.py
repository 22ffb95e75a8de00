"""What a process holds, read from /proc: open file descriptors, resident memory, TCP sockets to a port."""

from __future__ import annotations

import os
from typing import Set, Union

Pid = Union[int, str]


def fds(pid: Pid = "self") -> int:
    return len(os.listdir(f"/proc/{pid}/fd"))


def rss_mb(pid: Pid = "self") -> float:
    with open(f"/proc/{pid}/status", encoding="ascii") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return round(int(line.split()[1]) / 1024, 1)
    raise RuntimeError("no VmRSS")


def _socket_inodes(pid: Pid) -> Set[str]:
    inodes = set()
    for fd in os.listdir(f"/proc/{pid}/fd"):
        try:
            target = os.readlink(f"/proc/{pid}/fd/{fd}")
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[8:-1])
    return inodes


def established_to(port: int, pid: Pid = "self") -> int:
    """TCP connections of `pid` in state ESTABLISHED whose remote port is `port` (/proc/net/tcp and tcp6)."""
    mine = _socket_inodes(pid)
    count = 0
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            with open(table, encoding="ascii") as f:
                next(f)
                for line in f:
                    cols = line.split()
                    remote_port = int(cols[2].rsplit(":", 1)[1], 16)
                    if remote_port == port and cols[3] == "01" and cols[9] in mine:
                        count += 1
        except FileNotFoundError:
            continue
    return count

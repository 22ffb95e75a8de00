"""A real redis-server for the shared-store tests: started on a free port of 127.0.0.1 in a temporary directory,
without persistence, with a password (so that every test also shows the password never leaks), and killed at
teardown. The binary is ``CCC_TEST_REDIS_SERVER`` or ``redis-server`` on PATH; a missing one fails the test with a
message saying so (``make test`` installs it: apt-get install redis-server).

Redis is driven through the SDK; :meth:`RedisServer.command` (a raw RESP exchange) only inspects or flushes it.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from pathlib import Path
from typing import BinaryIO, List, Optional, Union

import pytest

PASSWORD = "s3kr1t-redis-pw"
"""The server's password: in every URL the tests give, and never in a repr or an error message."""

_Reply = Union[None, int, bytes, List["_Reply"]]


def _binary() -> str:
    binary = os.environ.get("CCC_TEST_REDIS_SERVER") or shutil.which("redis-server")
    if not binary or not Path(binary).exists():
        pytest.fail(
            "the shared-store tests need a real Redis server: redis-server is not on PATH and CCC_TEST_REDIS_SERVER "
            "is not set (apt-get install redis-server, or set CCC_TEST_REDIS_SERVER to its path)",
            pytrace=False,
        )
    return binary


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class RedisServer:
    def __init__(self, directory: Path) -> None:
        self.binary = _binary()
        self.port = _free_port()
        self.dir = directory
        self.process: Optional[subprocess.Popen[bytes]] = None
        self.start()

    @property
    def url(self) -> str:
        return f"redis://:{PASSWORD}@127.0.0.1:{self.port}/0"

    def start(self) -> None:
        """Start it (again, on the same port: empty, as nothing is persisted) and wait until it answers."""
        if self.process is not None:
            return
        args = ["--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        args += ["--dir", str(self.dir), "--requirepass", PASSWORD]
        self.process = subprocess.Popen([self.binary, *args], stdout=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                if self.command("PING") == b"PONG":
                    return
            except OSError:
                pass
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.binary} exited with {self.process.returncode} on port {self.port}")
            time.sleep(0.02)
        self.stop()
        raise RuntimeError(f"redis-server on port {self.port} did not answer PING within 10 s")

    def stop(self) -> None:
        """SIGKILL: as abrupt as a crash; returns once it is gone."""
        if self.process is not None:
            self.process.kill()
            self.process.wait()
            self.process = None

    def restart(self) -> None:
        self.stop()
        self.start()

    def command(self, *args: str) -> _Reply:
        """One command over a fresh connection (authenticated first); its reply."""
        with socket.create_connection(("127.0.0.1", self.port), timeout=5) as s:
            reader = s.makefile("rb")
            for command in (("AUTH", PASSWORD), args):
                s.sendall(b"*%d\r\n" % len(command) + b"".join(_bulk(a) for a in command))
                reply = _read(reader)
            return reply

    def keys(self, pattern: str = "*") -> List[str]:
        reply = self.command("KEYS", pattern)
        assert isinstance(reply, list)
        return sorted(k.decode() for k in reply if isinstance(k, bytes))


def _bulk(arg: str) -> bytes:
    data = arg.encode()
    return b"$%d\r\n%s\r\n" % (len(data), data)


def _read(reader: BinaryIO) -> _Reply:
    line = reader.readline()
    kind, rest = line[:1], line[1:-2]
    if kind == b"+":
        return rest
    if kind == b"-":
        raise RuntimeError(f"redis error: {rest.decode()}")
    if kind == b":":
        return int(rest)
    if kind == b"$":
        n = int(rest)
        return None if n < 0 else reader.read(n + 2)[:-2]
    if kind == b"*":
        n = int(rest)
        return None if n < 0 else [_read(reader) for _ in range(n)]
    raise OSError(f"unexpected reply from redis: {line!r}")

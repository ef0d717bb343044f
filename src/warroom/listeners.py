"""`warroom serve --workers N`: each web process listens on a socket of its own, on the same port.

uvicorn's supervisor binds one socket and hands it to every process, so they all accept from one queue, and
whichever process wakes first takes what is queued. When a client opened its connections together (wrk; a
load balancer's pool or several Alertmanagers restarting do the same) one process often took most of them,
and kept them, since keep-alive connections stay where they were accepted: 64 connections split 14/50, 22/42,
31/33 and 3/61 over two processes in four starts, one core busy and the other nearly idle, and the
single-alert benchmark's throughput varied by half from one start to the next.

Here every process binds its own socket with SO_REUSEPORT, and the kernel spreads new connections over the
listening sockets by a hash of each connection's addresses. The supervisor keeps a bound socket that never
listens (so it is never given a connection): pickled to a process at its start, `SharedPort` arrives there as
that process's own socket, so a process the supervisor starts again (after a crash, a SIGHUP restart or
SIGTTIN) gets its own socket the same way. (A process that dies drops the connections queued on its socket;
the others' are unaffected.)
"""

from __future__ import annotations

import logging
import socket
import sys
from typing import Any, TypeVar

import uvicorn
from uvicorn.supervisors.multiprocess import Multiprocess

log = logging.getLogger("uvicorn.error")

STARTUP_FAILURE = 3  # uvicorn's exit code when it cannot start


_Socket = TypeVar("_Socket", bound=socket.socket)


def _bound(sock: _Socket, address: Any) -> _Socket:
    """`sock` bound to `address` in the port's SO_REUSEPORT group (closed if that fails)."""
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        sock.bind(address)
    except BaseException:
        sock.close()
        raise
    return sock


def own_socket(family: int, address: Any) -> socket.socket:
    """A web process's own socket on `address` (bound; uvicorn's server listens on it)."""
    return _bound(socket.socket(family, socket.SOCK_STREAM), address)


class SharedPort(socket.socket):
    """The supervisor's bound socket. It never listens; pickled to a web process it becomes that process's
    own socket on the same address (`own_socket`)."""

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        return own_socket, (int(self.family), self.getsockname())


def bind_shared(host: str, port: int) -> SharedPort:
    """The supervisor's socket on (host, port); port 0 picks a free port, which every process then shares."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    return _bound(SharedPort(family, socket.SOCK_STREAM), (host, port))


def run_processes(config: uvicorn.Config) -> None:
    """uvicorn's multi-process supervisor (restarts, signals, health checks), each process on its own socket."""
    try:
        shared = bind_shared(config.host, config.port)
    except OSError as error:
        log.error("cannot listen on %s:%s: %s", config.host, config.port, error)
        sys.exit(STARTUP_FAILURE)
    try:
        Multiprocess(config, sockets=[shared]).run()
    except KeyboardInterrupt:
        pass
    finally:
        shared.close()

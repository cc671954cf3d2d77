"""One container of the Docker backend's pool and the Unix socket its server talks on.

Standard library only on this side too (the docker SDK client is passed in); see
`docker` for the pool and `dockerworker` for the server at the other end.
"""

from __future__ import annotations

import contextlib
import json
import marshal
import os
import select
import shutil
import socket
import tempfile
import time

from stepscore.verifiers.sandbox import dockerworker, forkworker

__all__ = ["SOCKET_DIR", "Broken", "Container", "remove_container"]

SOCKET_DIR = "/run/stepscore"  # where the host's socket folder is mounted (see BOOT)
JOB_ENV = {"PATH": "/usr/bin:/bin", "HOME": "/job", "TMPDIR": "/tmp", "LANG": "C.UTF-8"}
_START_S = 60.0
_HERE = os.path.dirname(os.path.abspath(__file__))


class Broken(Exception):
    """The container died, hung up or stopped answering."""


def remove_container(client, container_id: str) -> None:  # type: ignore[no-untyped-def]
    """Kill and remove ``container_id``; quiet if it is already gone."""
    import docker.errors

    with contextlib.suppress(docker.errors.NotFound, docker.errors.APIError):
        client.api.remove_container(container_id, force=True)


def _sources() -> list[tuple[str, str]]:
    found = []
    for name in dockerworker.MODULES:
        with open(os.path.join(_HERE, f"{name}.py"), encoding="utf-8") as handle:
            found.append((name, handle.read()))
    return found


class Container:
    """One container and the Unix socket its server connected to us on.

    The socket is made in a fresh host directory bind-mounted into the container, and
    unlinked as soon as the server has connected (before any job runs), so no job can
    reach it; data then flows between two processes with no daemon in the way.
    """

    def __init__(self, client, options: dict) -> None:  # type: ignore[no-untyped-def]
        self._client = client
        self._options = options
        self.id = ""
        self._sock: socket.socket | None = None

    def start(self) -> None:
        folder = tempfile.mkdtemp(prefix="stepscore-docker-")
        path = os.path.join(folder, "sock")
        try:
            os.chmod(folder, 0o755)
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as listener:
                listener.bind(path)
                os.chmod(path, 0o666)
                listener.listen(1)
                listener.settimeout(_START_S)
                mounts = {folder: {"bind": SOCKET_DIR, "mode": "ro"}}
                created = self._client.containers.create(**self._options, volumes=mounts)
                self.id = created.id
                created.start()
                self._sock, _ = listener.accept()
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        boot = marshal.dumps(_sources())
        config = {
            "writable_bytes": 64 << 20,
            "imports": list(forkworker.WARM_IMPORTS),
            "env": JOB_ENV,
        }
        header, _, _ = self.call(boot, _START_S, config=marshal.dumps(config))
        if not header.get("ready"):
            raise Broken(header.get("error") or f"no ready answer: {header}")

    def call(self, message: bytes, timeout_s: float, config: bytes | None = None):  # type: ignore[no-untyped-def]
        """Send ``message`` (and ``config``), return the answer ``(header, out, err)``."""
        deadline = time.monotonic() + timeout_s
        data = dockerworker.LENGTH.pack(len(message)) + message
        if config is not None:
            data += dockerworker.LENGTH.pack(len(config)) + config
        try:
            assert self._sock is not None
            self._sock.settimeout(timeout_s)
            self._sock.sendall(data)
            sizes = dockerworker.ANSWER.unpack(self._recv(dockerworker.ANSWER.size, deadline))
            if sum(sizes) > 64 << 20:
                raise Broken(f"an answer of {sum(sizes)} bytes")
            body = self._recv(sum(sizes), deadline)
        except (OSError, ValueError) as exc:
            raise Broken(f"container {self.id[:12]}: {exc}") from None
        first, second = sizes[0], sizes[0] + sizes[1]
        return json.loads(body[:first]), bytearray(body[first:second]), bytearray(body[second:])

    def gone(self) -> bool:
        """Whether an idle container has hung up (it says nothing unless asked)."""
        return self._sock is None or bool(select.select([self._sock], [], [], 0)[0])

    def _recv(self, count: int, deadline: float) -> bytes:
        sock = self._sock
        assert sock is not None
        data = bytearray(count)
        view, got = memoryview(data), 0
        while got < count:
            left = deadline - time.monotonic()
            if left <= 0:
                raise Broken(f"container {self.id[:12]} did not answer in time")
            sock.settimeout(left)
            try:
                size = sock.recv_into(view[got:])
            except TimeoutError:
                raise Broken(f"container {self.id[:12]} did not answer in time") from None
            if not size:
                raise Broken(f"container {self.id[:12]} exited")
            got += size
        return bytes(data)

    def remove(self) -> None:
        if self._sock is not None:
            with contextlib.suppress(OSError):
                self._sock.close()
        if self.id:
            remove_container(self._client, self.id)

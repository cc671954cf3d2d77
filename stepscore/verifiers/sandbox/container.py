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

from stepscore.verifiers.sandbox import dockerworker, forkworker, seccomp, slots

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
    """One container, the Unix socket its main process connected to us on, and the
    socket of its zygote (a `forkworker` server) that it then handed us.

    The socket is made in a fresh host directory bind-mounted into the container, and
    unlinked as soon as the server has connected (before any job runs), so no job can
    reach it. Jobs then go straight to the container's slot (`slots`), as on the host's
    own fork server: no daemon and no relay in the way. One job at a time.
    """

    def __init__(self, client, options: dict) -> None:  # type: ignore[no-untyped-def]
        self._client = client
        self._options = options
        self.id = ""
        self._sock: socket.socket | None = None
        self.zygote: socket.socket | None = None
        self.slot: tuple[socket.socket, int] | None = None  # the warm slot and its pidfd
        self.slot_views = 0  # the size of the slot's writable views

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
            "seccomp": seccomp.AVAILABLE,  # per slot, on top of the container's profile
        }
        header = self._boot(boot, marshal.dumps(config), time.monotonic() + _START_S)
        if not header.get("ready"):
            raise Broken(header.get("error") or f"no ready answer: {header}")
        self.zygote = self._receive_zygote()

    def _boot(self, modules: bytes, config: bytes, deadline: float) -> dict:
        """Send the modules and the config; the answer's header."""
        data = dockerworker.LENGTH.pack(len(modules)) + modules
        data += dockerworker.LENGTH.pack(len(config)) + config
        try:
            assert self._sock is not None
            self._sock.settimeout(_START_S)
            self._sock.sendall(data)
            sizes = dockerworker.ANSWER.unpack(self._recv(dockerworker.ANSWER.size, deadline))
            if sum(sizes) > 1 << 20:
                raise Broken(f"an answer of {sum(sizes)} bytes")
            body = self._recv(sum(sizes), deadline)
        except (OSError, ValueError) as exc:
            raise Broken(f"container {self.id[:12]}: {exc}") from None
        return json.loads(body[: sizes[0]])

    def _receive_zygote(self) -> socket.socket:
        assert self._sock is not None
        try:
            message, fds, _, _ = socket.recv_fds(self._sock, 1, 1)
        except OSError as exc:
            raise Broken(f"container {self.id[:12]}: no zygote: {exc}") from None
        if message != b"z" or len(fds) != 1:
            for fd in fds:
                os.close(fd)
            raise Broken(f"container {self.id[:12]}: no zygote (got {message!r})")
        return socket.socket(fileno=fds[0])

    def hand_over(self, fds: list[int], views: int) -> tuple[socket.socket, int]:
        """Give one job's descriptors to the warm slot, whose writable views hold ``views``
        bytes (a new slot if there is none, if it has another size, or if the one there is
        gone); that slot. Broken when the zygote gives no slot."""
        if self.slot is not None and self.slot_views != views:
            self._resize_views(views)
        for attempt in (0, 1):
            if self.slot is None:
                assert self.zygote is not None
                try:
                    self.slot = slots.open_slot(self.zygote, views, _START_S)
                except OSError as exc:
                    raise Broken(f"container {self.id[:12]}: no slot: {exc}") from None
                self.slot_views = views
            try:
                slots.hand_over(self.slot[0], fds)
            except OSError as exc:
                self.drop_slot()
                if attempt:
                    raise Broken(f"container {self.id[:12]}: no slot took the job: {exc}") from None
                continue
            return self.slot
        raise AssertionError("unreachable")

    def _resize_views(self, views: int) -> None:
        """Have the zygote give the idle slot's (empty) views a new size; where it cannot,
        let the slot go (a new one is made with that size)."""
        assert self.zygote is not None
        try:
            self.zygote.settimeout(_START_S)
            try:
                self.zygote.send(b"r%d" % views)
                done = self.zygote.recv(16) == b"r"
            finally:
                self.zygote.settimeout(None)
        except OSError:
            done = False
        if done:
            self.slot_views = views
        else:
            self.drop_slot()

    def drop_slot(self, *, kill: bool = False) -> None:
        """Let the slot go (``kill``: SIGKILL its namespace first and wait for it)."""
        if self.slot is not None:
            sock, pidfd = self.slot
            self.slot = None
            if kill:
                slots.kill(pidfd, self.zygote)
            sock.close()
            os.close(pidfd)

    def gone(self) -> bool:
        """Whether an idle container has hung up (neither socket says anything unasked)."""
        if self._sock is None or self.zygote is None:
            return True
        return bool(select.select([self._sock, self.zygote], [], [], 0)[0])

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
        with contextlib.suppress(OSError):
            self.drop_slot()
        for sock in (self.zygote, self._sock):
            if sock is not None:
                with contextlib.suppress(OSError):
                    sock.close()
        if self.id:
            remove_container(self._client, self.id)

"""The Docker backend: a pool of warm, locked-down containers, each a fork server.

`DockerSandbox` starts ``pool`` containers from the locally built image (`image`; build it
with ``stepscore sandbox build-image``: no registry is needed). Each container has no
network, a read-only root, memory, pids and CPU limits, every capability dropped,
no-new-privileges, a seccomp profile (`SECCOMP_PROFILE`: Docker's default one still
allows ``ptrace``; each slot adds its own filter, `seccomp`), runs as uid 65534 under
Docker's init, and keeps its `dockerworker` warm: a fork server whose warm slot (PID 1
of a PID namespace of its own) forks each job (see there for what stops a job from
reaching the server or the next job). Each container hands this process its server's
socket over a Unix socket of its own (see `Container`), and jobs go to the slot as on the
host's fork server (`forkserver`): a job costs a fork and one small message each way,
not a container start nor a trip through the Docker daemon.

A container that dies or stops answering is killed, removed and replaced, and its job
ends ``sandbox_error``. Containers carry labels naming this process; `close` (also run
when the sandbox is garbage-collected or the interpreter exits) removes them, they end
by themselves when this process dies (their socket closes; Docker then removes them), and
`cleanup_stale`, run when a pool starts, removes any whose owner is gone.

>>> with DockerSandbox() as sandbox:  # doctest: +SKIP
...     sandbox.run("print(6 * 7)", timeout_s=5, memory_mb=256).stdout
'42\\n'
"""

from __future__ import annotations

import json
import logging
import marshal
import os
import queue
import socket
import sys
import threading
import time
import weakref
from collections.abc import Iterable

from stepscore.verifiers.sandbox import dockerworker, slots
from stepscore.verifiers.sandbox.base import (
    ExecResult,
    Isolation,
    IsolationUnavailableError,
    Limits,
    SandboxFront,
    encode_job,
)
from stepscore.verifiers.sandbox.container import Broken, Container, remove_container
from stepscore.verifiers.sandbox.image import LABEL_PYTHON, build_image, default_tag
from stepscore.verifiers.sandbox.local import _rlimits
from stepscore.verifiers.sandbox.supervise import watch_slot

__all__ = ["SECCOMP_PROFILE", "DockerSandbox", "cleanup_stale", "docker_client"]

log = logging.getLogger(__name__)

LABEL = "stepscore.sandbox"
_UID = 65534
_ISOLATION = Isolation.of(
    ["network", "pid", "mount", "readonly_root", "uid_drop", "rlimits", "seccomp"]
)
_DENIED = (  # noqa: SIM905 - kernel surface no job needs; the rest is held by cap_drop and no-new-privs
    "ptrace process_vm_readv process_vm_writev kcmp bpf perf_event_open userfaultfd "
    "io_uring_setup io_uring_enter io_uring_register keyctl add_key request_key "
    "kexec_load kexec_file_load init_module finit_module delete_module acct swapon swapoff "
    "reboot syslog setns pivot_root chroot open_by_handle_at name_to_handle_at "
    "fsopen fsconfig fsmount fspick open_tree move_mount mount_setattr quotactl quotactl_fd "
    "settimeofday clock_settime clock_adjtime adjtimex lookup_dcookie uselib personality "
    "iopl ioperm vm86 vm86old nfsservctl fanotify_init"
).split()
SECCOMP_PROFILE = json.dumps(
    {
        "defaultAction": "SCMP_ACT_ALLOW",
        "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"]
        if os.uname().machine == "x86_64"
        else ["SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM"],
        "syscalls": [{"names": _DENIED, "action": "SCMP_ACT_ERRNO", "errnoRet": 1}],
    }
)


def docker_client():  # type: ignore[no-untyped-def]
    """A client for the local Docker Engine (``DOCKER_HOST`` etc. as the CLI reads them)."""
    try:
        import docker
    except ImportError as exc:
        raise ImportError(
            "the Docker sandbox needs the docker SDK: pip install 'stepscore[docker]'"
        ) from exc
    return docker.from_env(timeout=120)


def _owner() -> dict[str, str]:
    with open("/proc/self/stat", "rb") as handle:
        start = handle.read().rsplit(b")", 1)[1].split()[19].decode()
    return {"stepscore.owner_host": socket.gethostname(), "stepscore.owner_pid": str(os.getpid()),
            "stepscore.owner_start": start}  # fmt: skip


def _alive(pid: str, start: str) -> bool:
    try:
        with open(f"/proc/{int(pid)}/stat", "rb") as handle:
            return handle.read().rsplit(b")", 1)[1].split()[19].decode() == start
    except (OSError, ValueError, IndexError):
        return False


def cleanup_stale(client=None) -> int:  # type: ignore[no-untyped-def]
    """Remove this host's stepscore containers whose owning process is gone; how many."""
    client = client or docker_client()
    host, removed = socket.gethostname(), 0
    for found in client.containers.list(all=True, filters={"label": LABEL}):
        labels = found.labels or {}
        if labels.get("stepscore.owner_host") != host:
            continue
        if _alive(labels.get("stepscore.owner_pid", ""), labels.get("stepscore.owner_start", "")):
            continue
        remove_container(client, found.id)
        removed += 1
    return removed


class DockerSandbox(SandboxFront):
    """Runs each program in one of ``pool`` warm containers (one job at a time each).

    ``image``: the image tag (default: `image.default_tag`, for this Python); ``build``:
    build it when missing. ``memory_mb``, ``pids`` and ``cpus``: each container's memory
    (no swap), process and CPU limits; a job's own limits (`Limits`) apply inside them.
    ``require``: protections the caller cannot do without (all of `Isolation` is given).
    """

    def __init__(
        self,
        *,
        image: str | None = None,
        pool: int = 2,
        memory_mb: int = 4096,
        pids: int = 256,
        cpus: float = 1.0,
        build: bool = False,
        require: Isolation | Iterable[str] | None = None,
        client=None,  # type: ignore[no-untyped-def]
    ) -> None:
        for name, value in (("pool", pool), ("memory_mb", memory_mb), ("pids", pids)):
            if type(value) is not int or value <= 0:
                raise ValueError(f"{name} must be a positive integer, not {value!r}")
        if not isinstance(cpus, (int, float)) or not 0 < cpus <= 1024:
            raise ValueError(f"cpus must be a positive number, not {cpus!r}")
        wanted = require if isinstance(require, Isolation) else Isolation.of(require or ())
        if _ISOLATION.missing(wanted):  # pragma: no cover - it gives everything
            raise IsolationUnavailableError(f"docker cannot give {_ISOLATION.missing(wanted)}")
        self._client = self._connect(client)
        self._image = image or default_tag()
        self._python = self._find_python(build)
        self._options = _container_options(self._image, memory_mb, pids, cpus)
        self._idle: queue.SimpleQueue[Container | None] = queue.SimpleQueue()
        self._live: set[Container] = set()
        self._lock = threading.Lock()
        self._closed = False
        self._pid = os.getpid()
        self._finalizer = weakref.finalize(self, _shutdown, self._client, self._live)
        _LIVE.add(self)
        cleanup_stale(self._client)
        for _ in range(pool):
            self._idle.put(self._start_one())
        probe = self.run("print('ok')", timeout_s=30, memory_mb=256)
        if (probe.status, probe.stdout) != ("ok", "ok\n"):
            self.close()
            raise IsolationUnavailableError(f"a test job ended {probe.status}: {probe.detail}")

    @property
    def isolation(self) -> Isolation:
        return _ISOLATION

    @property
    def uid_range(self) -> range:
        """The uid jobs (and the containers' servers) run as, on the host too."""
        return range(_UID, _UID + 1)

    @property
    def container_ids(self) -> list[str]:
        """The ids of the pool's containers now."""
        with self._lock:
            return [container.id for container in self._live]

    def close(self) -> None:
        """Remove every container of the pool; jobs still running end ``sandbox_error``.
        In a forked child it only stops this copy (the containers are the parent's)."""
        with self._lock:
            self._closed = True
        if os.getpid() == self._pid:
            self._finalizer()

    # -- the pool -------------------------------------------------------------------------

    @staticmethod
    def _connect(client):  # type: ignore[no-untyped-def]
        try:
            client = client or docker_client()
            client.ping()
        except ImportError:
            raise
        except Exception as exc:  # the SDK raises several kinds: all mean "no engine here"
            raise IsolationUnavailableError(f"cannot reach the Docker Engine: {exc}") from None
        return client

    def _find_python(self, build: bool) -> str:
        import docker.errors

        try:
            labels = self._client.images.get(self._image).labels or {}
        except docker.errors.ImageNotFound:
            if not build:
                raise IsolationUnavailableError(
                    f"no image {self._image}: run `stepscore sandbox build-image`"
                ) from None
            build_image(self._image, client=self._client)
            labels = self._client.images.get(self._image).labels or {}
        version = ".".join(map(str, sys.version_info[:3]))
        if labels.get("stepscore.python_version") != version or LABEL_PYTHON not in labels:
            raise IsolationUnavailableError(f"image {self._image} is not a sandbox for {version}")
        return labels[LABEL_PYTHON]

    def _start_one(self) -> Container:
        command = [self._python, "-I", "-S", "-X", "utf8", "-c", dockerworker.BOOT]
        container = Container(self._client, {**self._options, "command": command})
        with self._lock:
            self._live.add(container)
        try:
            container.start()
        except Exception as exc:
            self._drop(container)
            raise IsolationUnavailableError(f"a sandbox container did not start: {exc}") from None
        return container

    def _drop(self, container: Container) -> None:
        with self._lock:
            self._live.discard(container)
        container.remove()

    def _take(self) -> Container:
        if self._closed:
            raise Broken("the sandbox is closed")
        if os.getpid() != self._pid:  # its containers' sockets are shared with the parent
            raise Broken("a DockerSandbox cannot be used from a forked child: make one there")
        container = self._idle.get()
        if container is not None and container.gone():
            self._drop(container)  # it died while idle: this job need not fail for it
            container = None
        if container is None:  # or a replacement failed earlier: start one now
            try:
                container = self._start_one()
            except IsolationUnavailableError as exc:
                self._idle.put(None)
                raise Broken(str(exc)) from None
        return container

    def _replace(self, container: Container) -> None:
        self._drop(container)
        if self._closed:
            return
        try:
            self._idle.put(self._start_one())
        except IsolationUnavailableError as exc:
            log.warning("docker sandbox: %s", exc)
            self._idle.put(None)

    # -- one job --------------------------------------------------------------------------

    def _execute(self, program: str, stdin: str, files: dict, limits: Limits) -> ExecResult:
        start = time.perf_counter()
        blobs, stdin_bytes = encode_job(program, stdin, files)
        rlimits = _rlimits(limits, _UID)
        rlimits["RLIMIT_NPROC"] = limits.processes + 3  # main, zygote and init share the count
        config = {
            "uid": 0,  # no uid change: the container's one uid, in a PID namespace of its own
            "files": blobs,
            "rlimits": rlimits,
        }
        views = limits.file_mb << 20
        try:
            container = self._take()
        except Broken as exc:
            return ExecResult(status="sandbox_error", returncode=None, detail=f"docker: {exc}")
        try:
            (_, pidfd), pipes = slots.hand_job(
                marshal.dumps(config), stdin_bytes, lambda fds: container.hand_over(fds, views)
            )
        except Broken as exc:
            self._replace(container)
            return ExecResult(status="sandbox_error", returncode=None, detail=f"docker: {exc}")
        except BaseException:
            self._replace(container)
            raise
        try:
            result, clean = watch_slot(pidfd, pipes, limits, start, container.zygote)
        except BaseException:
            self._replace(container)  # interrupted mid-job: its state is unknown
            raise
        finally:
            for fd in pipes:
                os.close(fd)
        if not clean:
            container.drop_slot(kill=True)
        self._idle.put(container)
        return result


def _container_options(image: str, memory_mb: int, pids: int, cpus: float) -> dict:
    from docker.types import LogConfig

    return {
        "image": image,
        "labels": {LABEL: "1", **_owner()},
        "user": f"{_UID}:{_UID}",
        "network_mode": "none",
        "read_only": True,
        "tmpfs": {"/tmp": "size=1m,mode=1777"},
        "mem_limit": f"{memory_mb}m",
        "memswap_limit": f"{memory_mb}m",
        "pids_limit": pids,
        "nano_cpus": int(cpus * 1e9),
        "cap_drop": ["ALL"],
        "security_opt": ["no-new-privileges", f"seccomp={SECCOMP_PROFILE}"],
        "init": True,
        "auto_remove": True,
        "log_config": LogConfig(type=LogConfig.types.NONE),
        "environment": {},
        "working_dir": "/",
        "hostname": "sandbox",
    }


def _shutdown(client, live: set) -> None:  # type: ignore[no-untyped-def]
    for container in list(live):
        live.discard(container)
        container.remove()


_LIVE: weakref.WeakSet[DockerSandbox] = weakref.WeakSet()


def _after_fork_in_child() -> None:
    """A forked child must never remove its parent's containers (at exit or on close)."""
    for sandbox in list(_LIVE):
        sandbox._finalizer.detach()
        sandbox._lock = threading.Lock()  # another thread may have held it at the fork


os.register_at_fork(after_in_child=_after_fork_in_child)

"""The Docker backend's fork server: the main process of each warm sandbox container.

`stepscore.verifiers.sandbox.docker` starts ``python -I -S -c BOOT`` in the container, which
connects to a Unix socket the host made for it (its stdin and stdout from then on); the
host sends, as the first message, the source of this module and of the ones it uses (`linux`,
`rootfs`, `seccomp`, `jobinit`, `forkworker`), so the code in the container is always the
library's own; standard library only. The container runs as uid 65534 with every
capability dropped; the server then takes a user namespace of its own (an identity map of
that one uid) and a mount namespace, which let it do what it needs without any host
privilege::

    container (no network, read-only root, pids/memory/CPU limits, seccomp profile)
    └── main (uid 65534, non-dumpable; its own userns + mount ns; warm imports; one
        │    tmpfs at /.rw seen at /job, /tmp and /dev/shm)
        └── zygote (a `forkworker` server, forked at start-up; its socket goes to the host)
            └── init (the slot: PID 1 of a PID namespace, with an IPC namespace of its
                │    own and the seccomp filter; runs job after job and kills and reaps
                │    every process left after each, then empties the views)
                └── job (no capabilities, setsid, rlimits; init's seccomp filter)
                    -> exec(compile(program)) as `forkworker` does

Once warm, the main process answers ``ready`` and passes the zygote's socket to the host
(SCM_RIGHTS over the host's socket), and from then on only waits for the host to hang
up. The host asks the zygote for slots and hands each job's descriptors to a slot as the
host's own fork server (`forkserver`) does: no process in the container ever holds a
job's program, input or output but the job itself, and a job costs no relay.

Nothing a job does reaches the main process, the zygote or a later job: they are outside
the job's PID namespace or its PID 1 (so ``kill``, ``kill(-1)`` and ``ptrace`` cannot
name them, and signals from inside do not reach init), all are non-dumpable (so
``/proc/PID/mem`` is closed), the job holds none of their descriptors, and every job is
a fork of a process that has never read a job's data. A job stopped for time or output
is ended by SIGKILL to its init (by the host, or by the zygote at the host's request
where the host may not signal uid 65534), and its slot is replaced.

Protocol on the host's socket, each message ``>I`` length-prefixed: the modules, then the
marshalled config; the answer is ``>III`` (JSON header, stdout, stderr lengths) followed
by the three parts, then ``b"z"`` carrying the zygote's socket.
"""

from __future__ import annotations

import gc
import json
import marshal
import os
import socket
import struct
import sys

try:
    import _signal as signal
except ImportError:  # pragma: no cover
    import signal  # type: ignore[no-redef]

try:
    from . import forkworker, jobinit, linux, rootfs
except ImportError:  # the container: the modules were sent by the host
    import forkworker  # type: ignore[no-redef]
    import jobinit  # type: ignore[no-redef]
    import linux  # type: ignore[no-redef]
    import rootfs  # type: ignore[no-redef]

# in import order
MODULES = ("linux", "rootfs", "seccomp", "jobinit", "forkworker", "dockerworker")
BOOT = (  # connect to the host's socket, take it as stdin and stdout, load the modules
    "import os,sys,marshal,socket\n"
    "s=socket.socket(socket.AF_UNIX);s.connect('/run/stepscore/sock')\n"
    "os.dup2(s.fileno(),0);os.dup2(s.fileno(),1);s.close()\n"
    "def r(n):\n"
    " b=b''\n"
    " while len(b)<n:\n"
    "  c=os.read(0,n-len(b))\n"
    "  if not c:os._exit(0)\n"
    "  b+=c\n"
    " return b\n"
    "for k,s in marshal.loads(r(int.from_bytes(r(4),'big'))):\n"
    " m=type(sys)(k);sys.modules[k]=m;exec(compile(s,k+'.py','exec'),m.__dict__)\n"
    "sys.modules['dockerworker'].main()\n"
)
LENGTH = struct.Struct(">I")
ANSWER = struct.Struct(">III")


def main() -> None:
    """Set up, answer ``ready`` (or the error) and hand the host the zygote's socket, then
    wait until the host closes ours: the container ends with it."""
    try:
        config = marshal.loads(_read_message())
        _own_namespaces()  # (writes /proc/self/uid_map: while still dumpable)
        linux.prctl(linux.PR_SET_DUMPABLE, 0)  # same uid as the jobs: keep /proc/PID/mem shut
        rootfs.mount_views(config["writable_bytes"])
        forkworker._warm(config["imports"])
        forkworker.set_environ(config["env"])
        gc.collect()
        gc.freeze()  # keep the warm heap shared with every fork
        zygote = _start_zygote(config["seccomp"])
    except BaseException as exc:
        _answer({"error": jobinit._describe(exc)}, b"", b"")
        os._exit(1)
    _answer({"ready": True}, b"", b"")
    host = socket.socket(fileno=os.dup(1))
    socket.send_fds(host, [b"z"], [zygote.fileno()])
    host.close()
    zygote.close()  # the host's now: the zygote exits when the host closes it
    while os.read(0, 1 << 12):
        pass  # nothing more is asked of us
    os._exit(0)  # the host closed our socket (closed or died): the container ends


def _start_zygote(filtered: bool) -> socket.socket:
    """Fork the process slots are forked from, before any request has been read;
    ``filtered``: each slot installs the `seccomp` filter."""
    ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    main = os.getpid()
    if os.fork() == 0:
        try:
            ours.close()
            null = os.open("/dev/null", os.O_RDWR)
            for fd in (0, 1, 2):
                os.dup2(null, fd)  # let go of the host's socket
            os.close(null)
            linux.prctl(linux.PR_SET_PDEATHSIG, signal.SIGKILL)
            forkworker.serve(
                theirs,
                main,
                _slot_init,
                forkworker.start_job_keeping_uid,
                filtered=filtered,
                resize=rootfs.resize_views,
            )
        finally:
            os._exit(1)
    theirs.close()
    return ours


def _read_exactly(count: int) -> bytes:
    data = bytearray()
    while len(data) < count:
        chunk = os.read(0, count - len(data))
        if not chunk:
            os._exit(0)  # the host closed our stdin (closed or died): the container ends
        data += chunk
    return bytes(data)


def _read_message() -> bytes:
    return _read_exactly(LENGTH.unpack(_read_exactly(LENGTH.size))[0])


def _answer(header: dict, out: bytes, err: bytes) -> None:
    blob = json.dumps(header).encode()
    view = memoryview(ANSWER.pack(len(blob), len(out), len(err)) + blob + out + err)
    while view:
        view = view[os.write(1, view) :]


def _own_namespaces() -> None:
    """A user namespace mapping only our uid (for CAP_SYS_ADMIN over our own mounts and
    PID namespaces, never over the host's) and a private mount namespace."""
    linux.own_user_namespace(linux.CLONE_NEWNS)
    linux.mount(None, "/", None, linux.MS_REC | linux.MS_PRIVATE)


def _slot_init(views: int) -> None:
    """The slot's init (only the descriptors it was handed: the zygote holds no others):
    an IPC namespace of its own; the container's views emptied (a job stopped early, its
    slot killed, may have left files) and made ``views`` bytes. One slot at a time uses
    them: the host opens a slot only when the container has none."""
    linux.unshare(linux.CLONE_NEWIPC)
    rootfs.reset_views(views)


if __name__ == "__main__":  # pragma: no cover - run only through BOOT
    sys.exit("run by stepscore.verifiers.sandbox.docker")

"""The job's filesystem: a read-only view of the system and one small writable tmpfs.

Run by the namespace init (PID 1 of the job's PID namespace, still root, in the job's own
mount namespace) before the job starts. The new root is an allow-list, not the host's
``/`` with holes punched in it: only the system directories (``/usr``, ``/etc``, the
``/lib*`` and ``/bin`` links) and the interpreter's own prefix are bound in, read-only,
no setuid, no devices. Home directories, ``/work``, ``/var``, ``/run`` (and the Docker
socket in it), the host's ``/tmp`` and ``/dev/shm`` are simply absent.

The job writes to ``/job`` (its working directory), ``/tmp`` and ``/dev/shm``: three views
of ONE tmpfs whose size caps everything the job can write, and which the kernel frees when
the namespace's last process exits, so nothing is left to clean up on the host.

Standard library only, for the same reason as `linux`.
"""

from __future__ import annotations

import os

try:
    from . import linux
except ImportError:  # imported by path inside the sandbox (see jobinit)
    import linux  # type: ignore[no-redef]

SYSTEM_PATHS = ("/usr", "/etc", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32")
DEVICES = ("null", "zero", "full", "random", "urandom")
JOB_DIR = "/job"
MS_MOVE = 8192

_RO = linux.MS_RDONLY | linux.MS_NOSUID | linux.MS_NODEV
_SAFE = linux.MS_NOSUID | linux.MS_NODEV


def build(stage: str, *, binds: list[str], writable_bytes: int, uid: int) -> None:
    """Assemble the job's root on a tmpfs mounted at ``stage`` and make it ``/``."""
    os.umask(0o022)
    linux.mount(None, "/", None, linux.MS_REC | linux.MS_PRIVATE)  # nothing leaks out
    linux.mount("tmpfs", stage, "tmpfs", _SAFE, "size=1m,nr_inodes=4096,mode=0755")
    for path in (*SYSTEM_PATHS, *binds):
        _expose(stage, path)
    _devices(stage)
    _writable(stage, writable_bytes, uid)
    os.mkdir(stage + "/proc")
    linux.mount("proc", stage + "/proc", "proc", _SAFE | linux.MS_NOEXEC)
    _enter(stage)
    linux.mount(None, "/", None, linux.MS_REMOUNT | linux.MS_BIND | _RO)


def _expose(stage: str, path: str) -> None:
    """Bind ``path`` read-only at the same place in the new root (a link stays a link)."""
    target = stage + path
    if not os.path.lexists(path) or os.path.lexists(target):
        return
    os.makedirs(os.path.dirname(target), exist_ok=True)
    if os.path.islink(path):
        os.symlink(os.readlink(path), target)
        return
    os.mkdir(target)
    linux.mount(path, target, None, linux.MS_BIND)
    linux.mount(None, target, None, linux.MS_REMOUNT | linux.MS_BIND | _RO | _kept_flags(path))


# A mount's flags a user namespace may not clear (the kernel locks them): kept as they are.
_KEPT = (
    (os.ST_NOEXEC, linux.MS_NOEXEC),
    (os.ST_NOATIME, linux.MS_NOATIME),
    (os.ST_NODIRATIME, linux.MS_NODIRATIME),
    (os.ST_RELATIME, linux.MS_RELATIME),
)


def _kept_flags(path: str) -> int:
    found = os.statvfs(path).f_flag
    return sum(flag for st_flag, flag in _KEPT if found & st_flag)


def _devices(stage: str) -> None:
    dev = stage + "/dev"
    os.mkdir(dev)
    for name in DEVICES:
        with open(f"{dev}/{name}", "w"):
            pass
        linux.mount(f"/dev/{name}", f"{dev}/{name}", None, linux.MS_BIND)
    links = {"fd": "/proc/self/fd", "stdin": "/proc/self/fd/0"}
    links.update(stdout="/proc/self/fd/1", stderr="/proc/self/fd/2")
    for name, target in links.items():
        os.symlink(target, f"{dev}/{name}")


def _writable(stage: str, size: int, uid: int) -> None:
    """One tmpfs of ``size`` bytes, seen at /job (the job's, mode 700), /tmp and /dev/shm."""
    rw = stage + "/.rw"
    os.mkdir(rw)
    linux.mount("tmpfs", rw, "tmpfs", _SAFE, _views_options(size))
    for name, target, mode in (("job", JOB_DIR, 0o700), ("tmp", "/tmp", 0o1777)):
        _view(rw, name, stage + target, mode, uid if name == "job" else 0)
    _view(rw, "shm", stage + "/dev/shm", 0o1777, 0)
    linux.umount2(rw, linux.MNT_DETACH)  # the three views keep the tmpfs alive
    os.rmdir(rw)


def _view(rw: str, name: str, target: str, mode: int, owner: int) -> None:
    source = f"{rw}/{name}"
    os.mkdir(source)
    os.chmod(source, mode)
    if owner > 0:
        os.chown(source, owner, -1)  # (mode 700: its group has no access anyway)
    os.mkdir(target)
    linux.mount(source, target, None, linux.MS_BIND)


def _enter(stage: str) -> None:
    """Make ``stage`` the root and drop the host's tree from this mount namespace."""
    os.mkdir(stage + "/.old")
    try:
        linux.pivot_root(stage, stage + "/.old")
    except OSError:  # no pivot_root here: move the mount over / and chroot into it
        os.rmdir(stage + "/.old")
        os.chdir(stage)
        linux.mount(stage, "/", None, MS_MOVE)
        os.chroot(".")
        os.chdir("/")
        return
    os.chdir("/")
    linux.umount2("/.old", linux.MNT_DETACH)
    os.rmdir("/.old")


# The fork server (`forkworker`) builds the read-only root once, with empty mount points,
# and gives each slot a tmpfs for its jobs' writable views, emptied after every job.
RW_DIR = "/.rw"
WRITABLE_POINTS = (JOB_DIR, "/tmp", "/dev/shm", RW_DIR)


def build_base(stage: str, *, binds: list[str], own_proc: bool = True) -> None:
    """Like `build`, with empty mount points where the writable views go (`mount_views`).
    Not ``own_proc`` (a server in a user namespace, which may mount a proc only for a PID
    namespace its user namespace owns, and only where a proc is already in full view):
    the host's /proc, bound, which each slot covers with a proc of its own."""
    os.umask(0o022)
    linux.mount(None, "/", None, linux.MS_REC | linux.MS_PRIVATE)
    linux.mount("tmpfs", stage, "tmpfs", _SAFE, "size=1m,nr_inodes=4096,mode=0755")
    for path in (*SYSTEM_PATHS, *binds):
        _expose(stage, path)
    _devices(stage)
    for path in WRITABLE_POINTS:
        os.makedirs(stage + path, exist_ok=True)
    os.mkdir(stage + "/proc")
    if own_proc:
        linux.mount("proc", stage + "/proc", "proc", _SAFE | linux.MS_NOEXEC)
    else:
        linux.mount("/proc", stage + "/proc", None, linux.MS_BIND | linux.MS_REC)
    _enter(stage)
    linux.mount(None, "/", None, linux.MS_REMOUNT | linux.MS_BIND | _RO)


VIEWS = (("job", JOB_DIR, 0o700), ("tmp", "/tmp", 0o1777), ("shm", "/dev/shm", 0o1777))


def mount_views(size: int) -> None:
    """Under `build_base`'s root, in a slot's mount namespace: a fresh tmpfs of ``size``
    bytes at /.rw, seen at /job (mode 700), /tmp and /dev/shm, which one job after another
    writes to and `wipe_views` empties in between (mounted over any earlier one: replacing
    a tmpfs a job left unremovable is rare, and stacking is cheap)."""
    linux.mount("tmpfs", RW_DIR, "tmpfs", _SAFE, _views_options(size))
    for name, target, mode in VIEWS:
        source = f"{RW_DIR}/{name}"
        os.mkdir(source)
        os.chmod(source, mode)
        os.utime(source, ns=(0, 0))  # as after each job (`wipe_views`)
        linux.mount(source, target, None, linux.MS_BIND)


def resize_views(size: int) -> None:
    """Give the (empty) views' tmpfs a new size cap."""
    linux.mount(None, RW_DIR, None, linux.MS_REMOUNT | _SAFE, _views_options(size))


def _views_options(size: int) -> str:
    return f"size={size},nr_inodes=16384,mode=0755"


def wipe_views() -> bool:
    """After a job (all its processes are gone by now): empty /job, /tmp and /dev/shm and
    give each back its mode, no extended attributes and fixed times, so that nothing a
    job stored in them, in names, data, attributes or times, reaches the next; False
    when something would not go."""
    ok = True
    for name, _, mode in VIEWS:
        path = f"{RW_DIR}/{name}"
        try:
            os.chmod(path, mode)
            ok = _empty(path) and ok
            for attribute in os.listxattr(path):
                os.removexattr(path, attribute)
            os.utime(path, ns=(0, 0))
        except OSError:
            ok = False
    return ok


def reset_views(size: int) -> None:
    """Empty views of ``size`` bytes: `wipe_views` (and the size cap, if it was another),
    or where something would not go, a fresh tmpfs."""
    if not wipe_views():
        mount_views(size)
        return
    stat = os.statvfs(RW_DIR)
    if stat.f_blocks * stat.f_frsize != size:
        resize_views(size)


def _empty(folder: str) -> bool:
    """Remove everything in ``folder`` (symlinks as links), giving back write and search
    permission to any directory a job made unwritable; whether all went. Not
    `shutil.rmtree`: the fork server would import shutil and, with it, zlib, bz2 and
    lzma, and every job forked from it pays for their pages."""
    ok = True
    for entry in os.scandir(folder):
        try:
            if entry.is_dir(follow_symlinks=False):
                os.chmod(entry.path, 0o700)
                _empty(entry.path)
                os.rmdir(entry.path)
            else:
                os.unlink(entry.path)
        except (OSError, RecursionError):
            ok = False
    return ok


def shadowed(path: str) -> bool:
    """Whether a host ``path`` would be hidden in a job by the job's own writable
    mounts (/tmp, /dev/shm, /job): exposing it there cannot work."""
    return any((path + "/").startswith(point + "/") for point in WRITABLE_POINTS)


def check_expose(paths: tuple[str, ...]) -> tuple[str, ...]:
    """``paths`` to expose read-only, or ValueError naming one the job could not see."""
    for path in paths:
        if shadowed(path):
            raise ValueError(
                f"cannot expose {path}: the job's own /tmp, /dev/shm and /job cover it; "
                "move it (e.g. a virtual environment) out of those folders"
            )
    return paths

"""The Docker backend's image, built on this machine: no registry is needed.

The image is a minimal root filesystem holding this machine's own Python interpreter at
the same path (so ``sys.prefix`` and the standard library line up), its standard library
(without ``test``, ``idlelib``, ``tkinter``, ``ensurepip`` and the static library), the
shared libraries ``ldd`` names for the interpreter and every ``lib-dynload`` extension, an
``/etc/passwd`` with the unprivileged ``nobody`` (65534), and empty mount points for the
job's writable views. It is assembled as a tar stream in memory and ``docker import``-ed;
nothing is downloaded. The interpreter matches the host's exactly, which the backend
relies on (it sends its worker's source and marshalled requests into the container).

>>> build_image()  # doctest: +SKIP
'stepscore-sandbox:3.11.7'
"""

from __future__ import annotations

import io
import logging
import os
import re
import subprocess
import sys
import tarfile
from collections.abc import Iterator

from stepscore import __version__

__all__ = ["IMAGE_REPOSITORY", "build_image", "default_tag", "image_python"]

log = logging.getLogger(__name__)

IMAGE_REPOSITORY = "stepscore-sandbox"
LABEL_PYTHON = "stepscore.python"
_SKIP_DIRS = {"test", "tests", "idlelib", "tkinter", "ensurepip", "turtledemo", "site-packages"}
_EMPTY_DIRS = ("/tmp", "/job", "/.rw", "/proc", "/dev", "/sys", "/dev/shm")
_LDD_PATH = re.compile(r"(/\S+) \(0x")


def default_tag(python: str | None = None) -> str:
    """``stepscore-sandbox:<python version>`` of ``python`` (default: this interpreter)."""
    if python is None:
        version = ".".join(map(str, sys.version_info[:3]))
    else:
        out = subprocess.run(
            [python, "-I", "-S", "-c", "import sys;print('%d.%d.%d' % sys.version_info[:3])"],
            capture_output=True,
            text=True,
            check=True,
        )
        version = out.stdout.strip()
    return f"{IMAGE_REPOSITORY}:{version}"


def image_python(client, tag: str) -> str | None:  # type: ignore[no-untyped-def]
    """The interpreter path recorded in image ``tag``'s labels (None: no such image)."""
    import docker.errors

    try:
        image = client.images.get(tag)
    except docker.errors.ImageNotFound:
        return None
    return (image.labels or {}).get(LABEL_PYTHON)


def build_image(
    tag: str | None = None, *, python: str | None = None, force: bool = False, client=None
) -> str:
    """Build (or keep, unless ``force``) the sandbox image ``tag``; returns the tag.

    ``python``: the interpreter to ship (default: this one, resolved past any wrapper
    such as a pyenv shim). Raises `ImportError` without the docker SDK and
    ``docker.errors.DockerException`` when the engine cannot be reached.
    """
    from stepscore.verifiers.sandbox.docker import docker_client

    client = client or docker_client()
    python = os.path.realpath(python or sys.executable)
    tag = tag or default_tag(None if python == os.path.realpath(sys.executable) else python)
    if not force and image_python(client, tag) is not None:
        log.debug("image %s already exists", tag)
        return tag
    prefix = _prefix_of(python)
    data = _rootfs_tar(python, prefix)
    labels = {
        "stepscore.sandbox": "1",
        "stepscore.version": __version__,
        LABEL_PYTHON: python,
        "stepscore.python_version": tag.rsplit(":", 1)[-1],
    }
    changes = [f'LABEL "{key}"="{value}"' for key, value in labels.items()]
    changes += ["USER 65534:65534", "WORKDIR /", f'CMD ["{python}"]']
    repository, _, version = tag.rpartition(":")
    client.api.import_image_from_data(data, repository=repository, tag=version, changes=changes)
    log.info("built image %s (%.1f MB)", tag, len(data) / 1e6)
    return tag


def _prefix_of(python: str) -> str:
    out = subprocess.run(
        [python, "-I", "-S", "-c", "import sys;print(sys.base_prefix)"],
        capture_output=True,
        text=True,
        check=True,
    )
    return out.stdout.strip()


def _rootfs_tar(python: str, prefix: str) -> bytes:
    """The image's root filesystem as an uncompressed tar."""
    version = subprocess.run(
        [python, "-I", "-S", "-c", "import sys;print('%d.%d' % sys.version_info[:2])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    stdlib = os.path.join(prefix, "lib", f"python{version}")
    files = {python: python}
    files.update((path, path) for path in _stdlib_files(stdlib))
    dynload = [path for path in files if path.endswith(".so")]
    for library in _shared_libraries([python, *dynload]):
        files[library] = os.path.realpath(library)  # the name ldd gives, the real file
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.PAX_FORMAT) as tar:
        made: set[str] = set()
        for path in _EMPTY_DIRS:
            _add_dir(tar, path, made, mode=0o1777 if path in ("/tmp", "/dev/shm") else 0o755)
        for target, source in sorted(files.items()):
            _add_dir(tar, os.path.dirname(target), made)
            _add_file(tar, target, source)
        for name, text in _etc_files().items():
            _add_dir(tar, os.path.dirname(name), made)
            _add_bytes(tar, name, text.encode())
    return buffer.getvalue()


def _stdlib_files(stdlib: str) -> Iterator[str]:
    for root, dirs, names in os.walk(stdlib):
        rel = os.path.relpath(root, stdlib)
        dirs[:] = [d for d in dirs if d not in _SKIP_DIRS and not d.startswith("config-")]
        if rel == "." or rel.split(os.sep)[0] not in _SKIP_DIRS:
            for name in names:
                path = os.path.join(root, name)
                if os.path.isfile(path) and not name.endswith((".a", ".exe")):
                    yield path


def _shared_libraries(binaries: list[str]) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(binaries), 64):
        out = subprocess.run(
            ["ldd", *binaries[start : start + 64]], capture_output=True, text=True, check=False
        ).stdout
        found.update(match.group(1) for match in _LDD_PATH.finditer(out))
    return {path for path in found if os.path.isfile(path)}


def _etc_files() -> dict[str, str]:
    return {
        "/etc/passwd": "root:x:0:0:root:/root:/bin/false\n"
        "nobody:x:65534:65534:nobody:/nonexistent:/bin/false\n",
        "/etc/group": "root:x:0:\nnogroup:x:65534:\n",
        "/etc/hosts": "127.0.0.1 localhost\n",
    }


def _add_dir(tar: tarfile.TarFile, path: str, made: set[str], mode: int = 0o755) -> None:
    if path in made or path in ("", "/"):
        return
    _add_dir(tar, os.path.dirname(path), made)
    info = tarfile.TarInfo(path.lstrip("/"))
    info.type, info.mode = tarfile.DIRTYPE, mode
    tar.addfile(info)
    made.add(path)


def _add_file(tar: tarfile.TarFile, target: str, source: str) -> None:
    mode = 0o755 if os.access(source, os.X_OK) else 0o644
    with open(source, "rb") as handle:
        data = handle.read()
    _add_bytes(tar, target, data, mode)


def _add_bytes(tar: tarfile.TarFile, target: str, data: bytes, mode: int = 0o644) -> None:
    info = tarfile.TarInfo(target.lstrip("/"))
    info.size, info.mode = len(data), mode
    tar.addfile(info, io.BytesIO(data))

"""`stepscore sandbox`: the Docker backend's image and its stray containers."""

from __future__ import annotations

import argparse

from stepscore.errors import IsolationUnavailableError

__all__ = ["build_image_command", "cleanup_command"]


def build_image_command(args: argparse.Namespace) -> int:
    from stepscore.verifiers.sandbox.image import build_image, default_tag, image_python

    client = _client()
    tag = args.tag or default_tag()
    kept = not args.force and image_python(client, tag) is not None
    build_image(tag, force=args.force, client=client)
    print(f"{tag}: {'already there (--force rebuilds it)' if kept else 'built'}")
    return 0


def cleanup_command(args: argparse.Namespace) -> int:
    from stepscore.verifiers.sandbox.docker import cleanup_stale

    print(f"removed {cleanup_stale(_client())} stale sandbox container(s)")
    return 0


def _client():  # type: ignore[no-untyped-def]
    from stepscore.verifiers.sandbox.docker import docker_client

    try:
        client = docker_client()
        client.ping()
    except Exception as exc:  # no SDK (the message names the extra), or no engine here
        raise IsolationUnavailableError(f"cannot reach the Docker Engine: {exc}") from None
    return client

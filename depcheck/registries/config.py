"""Where the registries are: default endpoints and the settings that override them.

One place for the public defaults, so that no other module writes a registry address, and for
the environment variables that change them. Each function takes the explicit value (a command
line option) and the environment, and never reads anything else.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

DEFAULT_DOCKER_HUB_URL = "https://hub.docker.com"
"""The Docker Hub API (tags endpoint ``/v2/namespaces/{ns}/repositories/{repo}/tags``)."""

DOCKER_HUB_URL_ENV = "DEPCHECK_DOCKER_HUB_URL"
"""The environment variable that overrides :data:`DEFAULT_DOCKER_HUB_URL` (``--docker-hub-url`` wins)."""


def docker_hub_url(explicit: str | None = None, environ: Mapping[str, str] | None = None) -> str:
    """The Docker Hub API base URL: ``explicit``, else ``$DEPCHECK_DOCKER_HUB_URL``, else the public one.

    A trailing ``/`` is dropped so that paths can be appended.
    """
    env = os.environ if environ is None else environ
    chosen = explicit or env.get(DOCKER_HUB_URL_ENV) or DEFAULT_DOCKER_HUB_URL
    return chosen.rstrip("/")

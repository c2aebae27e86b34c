"""``depcheck serve``: depcheck's checks over HTTP, for IDE plugins, coding agents, portals and bots.

One aiohttp application (:mod:`depcheck.server.app`) over the same audit pipeline, registry
clients and report format as the CLI: :mod:`~depcheck.server.routes` (the endpoints),
:mod:`~depcheck.server.schemas` (request and response shapes, and their validation),
:mod:`~depcheck.server.security` (tokens, limits, rate limiting, names, registry allow-list),
:mod:`~depcheck.server.services` (the registry clients one process shares),
:mod:`~depcheck.server.metrics` (Prometheus), :mod:`~depcheck.server.openapi` (``/openapi.json``),
:mod:`~depcheck.server.config` (settings) and :mod:`~depcheck.server.logs` (JSON logs). The
command itself is :mod:`depcheck.commands.serve`.
"""

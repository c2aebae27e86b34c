"""Structured logs for ``depcheck serve --json-logs``: one JSON object per line, for log shippers.

Each line has ``time`` (UTC, ISO 8601), ``level``, ``logger`` and ``message``, the request fields
an access-log line carries (``request_id``, ``method``, ``path``, ``route``, ``status``,
``duration_ms``, ``client``) when present, and ``exception`` with the traceback when one was
logged.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import sys

REQUEST_FIELDS = ("request_id", "method", "path", "route", "status", "duration_ms", "client")


class JsonFormatter(logging.Formatter):
    """Formats a record as one line of JSON."""

    def format(self, record: logging.LogRecord) -> str:
        data: dict[str, object] = {
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        for name in REQUEST_FIELDS:
            value = record.__dict__.get(name)
            if value is not None:
                data[name] = value
        if record.exc_info:
            data["exception"] = self.formatException(record.exc_info)
        return json.dumps(data, ensure_ascii=False, default=str)


def configure_logging(*, json_logs: bool, verbose: int = 0, quiet: bool = False) -> None:
    """Send the service's logs to stderr: JSON lines or depcheck's plain format.

    A service logs its requests, so ``depcheck.server`` logs at INFO unless ``-q``; ``-v`` adds
    the rest of depcheck's INFO lines and ``-vv`` DEBUG.
    """
    handler = logging.StreamHandler(sys.stderr)
    if json_logs:
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter("depcheck: %(levelname)s: %(name)s: %(message)s"))
    root = logging.getLogger()
    for existing in list(root.handlers):
        root.removeHandler(existing)
    root.addHandler(handler)
    level = logging.ERROR if quiet else (logging.WARNING, logging.INFO, logging.DEBUG)[min(verbose, 2)]
    root.setLevel(level)
    logging.getLogger("depcheck.server").setLevel(logging.ERROR if quiet else min(level, logging.INFO))

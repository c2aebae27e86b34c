"""The choices that shape a verdict and a suggestion, gathered in one record.

Built once from the command line and configuration, then handed to the pure rule and suggestion
code, so that those never read options, environment or the clock themselves.
"""

from __future__ import annotations

import datetime as dt
import enum
import sys
from dataclasses import dataclass, field

from packaging.version import Version


class Strategy(enum.StrEnum):
    """How far a suggestion may move: inside the author's range, or to the newest release."""

    RANGE = "range"
    LATEST = "latest"


def running_python() -> Version:
    """The interpreter depcheck runs on, as ``major.minor.micro``."""
    return Version(".".join(str(part) for part in sys.version_info[:3]))


@dataclass(frozen=True)
class Policy:
    """Everything a rule or a suggestion may depend on besides the dependency and the facts.

    ``python`` is the target interpreter (``--python``); ``None`` means "take the file's
    ``requires-python``, else the running interpreter". ``min_age`` drops releases younger than
    that (a cooldown, as uv's ``--exclude-newer``). ``now`` is fixed per run so that every verdict
    in one audit sees the same clock. ``cross_os`` allows a Docker suggestion to move to a newer
    OS suffix (``alpine3.20`` -> ``alpine3.21``).
    """

    python: Version | None = None
    min_age: dt.timedelta | None = None
    strategy: Strategy = Strategy.RANGE
    cross_os: bool = False
    now: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))

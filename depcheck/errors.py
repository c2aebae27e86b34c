"""Errors that end a command before it does its work (exit code 2).

Everything that goes wrong with one file or one registry lookup is carried as a finding instead;
these are for a command line, a configuration or a git state that makes the command meaningless.
"""

from __future__ import annotations


class UsageError(Exception):
    """A bad option, a missing path, an unreadable configuration: one line, exit code 2."""

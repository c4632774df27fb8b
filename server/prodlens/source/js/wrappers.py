"""Logging wrappers in JavaScript/TypeScript: when a function is one, and how a call site's message is
spliced into the wrapper's template (the wrapper's message parameter is a hole named `@<param>`; see common.splice)."""

from __future__ import annotations

import re

from ...model import Hole, Part

_MESSAGE_PARAM_NAMES = ("msg", "message", "fmt", "format", "text", "str", "s", "m", "args", "arguments")
ERROR_NAMES = re.compile(r"^(?:e|err|error|ex|exc|exception|cause)$")  # errors, not messages
_LOGGING_NAME_RE = re.compile(r"log|debug|info|warn|error|trace|fatal|critical|notice|verbose|audit", re.I)


def wrapper_message_param(params: list[str], parts: list[Part], forwards: str | None,
                          function_name: str) -> str | None:
    """The parameter carrying a wrapper's message, or None when the function is not a wrapper (same rules as
    Python: a message-named parameter, forwarded arguments, or a whole-message parameter of a function named
    like a logging function; errors logged as the message are values, not messages)."""
    params = [p for p in params if not ERROR_NAMES.match(p)]
    if not params:
        return None
    for name in params:
        if name.lower() in _MESSAGE_PARAM_NAMES:
            return name
    whole = len(parts) == 1 and isinstance(parts[0], Hole)
    if forwards or (whole and _LOGGING_NAME_RE.search(function_name)):
        return params[-1]
    return None



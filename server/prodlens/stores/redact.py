"""Mask personal data and secrets in log text before it is written to a store or shown in an editor.

Samples and unmatched-message examples are copied out of production logs into a file that sits in a
developer's workspace and appears in hovers; they must not carry customers' e-mail addresses, card numbers or
live credentials there. Redaction is on by default (`ingest.redact`) and runs only on the few messages that are
actually kept, so its cost does not scale with the log volume.

What is masked, and with what:
- e-mail addresses → `[email]`
- payment card numbers (13–19 digits, optionally grouped by spaces or dashes) that pass the Luhn check →
  `[card]` (the Luhn check keeps order ids and timestamps readable)
- `Bearer <token>` / `Basic <credentials>` → `Bearer [token]`
- `key=value` / `"key": "value"` pairs whose key names a secret (password, secret, token, api_key, ...) →
  the value becomes `[secret]`
- well-known credential shapes (AWS access key ids, GitHub/GitLab/Slack/Stripe tokens, JWTs, private-key
  blocks) → `[secret]`
- each configured extra pattern (`ingest.redact_patterns`, Python regexes) → `[redacted]`
"""

from __future__ import annotations

import re
from typing import Iterable

EMAIL = "[email]"
CARD = "[card]"
TOKEN = "[token]"
SECRET = "[secret]"
REDACTED = "[redacted]"

_EMAIL_RE = re.compile(r"(?<![\w.+-])[\w.+-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63})+(?![\w-])")
# 13-19 digits, groups separated by one space or dash; not glued to other digits or letters
_CARD_RE = re.compile(r"(?<![\w-])\d(?:[ -]?\d){12,18}(?![\w])")
_AUTH_RE = re.compile(r"\b(Bearer|Basic|Token)(\s+)[A-Za-z0-9\-._~+/]{8,}=*", re.IGNORECASE)
_SECRET_NAMES = (
    r"pass(?:word|wd|phrase)?|pwd|secret|client[_-]?secret|api[_-]?key|apikey|access[_-]?key|"
    r"secret[_-]?key|private[_-]?key|auth[_-]?token|access[_-]?token|refresh[_-]?token|token|"
    r"session[_-]?id|credentials?|authorization"
)
# key=value, key: value, "key": "value", 'key'='value'  (value up to a delimiter)
_PAIR_RE = re.compile(
    r"""(?P<name>["']?\b[\w.-]*?(?:""" + _SECRET_NAMES + r""")["']?)(?P<sep>\s*[=:]\s*)"""
    r"""(?P<quote>["']?)(?P<value>(?!(?:Bearer|Basic|Token)\s|\[)[^\s"',;&}\]]+)""",
    re.IGNORECASE,
)
_KNOWN_SECRETS_RE = re.compile(
    r"\b(?:"
    r"AKIA[0-9A-Z]{16}"  # AWS access key id
    r"|gh[pousr]_[A-Za-z0-9]{30,}"  # GitHub tokens
    r"|github_pat_[A-Za-z0-9_]{30,}"
    r"|glpat-[A-Za-z0-9_-]{20,}"  # GitLab
    r"|xox[abprs]-[A-Za-z0-9-]{10,}"  # Slack
    r"|(?:sk|pk|rk)_(?:live|test)_[A-Za-z0-9]{16,}"  # Stripe
    r"|sk-[A-Za-z0-9_-]{32,}"  # OpenAI-style secret keys
    r"|AIza[0-9A-Za-z_-]{35}"  # Google API keys
    r"|eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}"  # JWT
    r")"
)
_PRIVATE_KEY_RE = re.compile(
    r"-----BEGIN [A-Z ]*PRIVATE KEY-----.*?(?:-----END [A-Z ]*PRIVATE KEY-----|\Z)", re.DOTALL
)


def luhn_valid(digits: str) -> bool:
    """The Luhn checksum payment card numbers carry; random digit runs pass it only one time in ten."""
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = ord(char) - 48
        if index % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def _card(match: re.Match[str]) -> str:
    text = match.group(0)
    digits = text.replace(" ", "").replace("-", "")
    if 13 <= len(digits) <= 19 and len(set(digits)) > 1 and luhn_valid(digits):
        return CARD
    return text


def _pair(match: re.Match[str]) -> str:
    return f"{match.group('name')}{match.group('sep')}{match.group('quote')}{SECRET}"


_SECRET_HINT_RE = re.compile(r"pass|pwd|secret|key|token|session|credential|authorization|bearer|basic")  # lowercased
_CARD_HINT_RE = re.compile(r"\d[\d -]{11,}\d")


def _too_few_digits_for_a_card(text: str) -> bool:
    """True when an ASCII text has fewer than the 13 digits the card rule needs: counting digits with
    `bytes.translate` costs a fifth of the regex search it spares (most messages carry a few short numbers)."""
    if not text.isascii():
        return False  # the regexes count non-ASCII digits too: leave those texts to them
    raw = text.encode("ascii")
    return len(raw) - len(raw.translate(None, b"0123456789")) < 13


def _maybe_known_secret(text: str) -> bool:
    return ("AKIA" in text or "gh" in text or "glpat-" in text or "xox" in text or "_live_" in text
            or "_test_" in text or "sk-" in text or "AIza" in text or "eyJ" in text)


class Redactor:
    """Applies the built-in rules and the configured extra patterns. Immutable and thread-safe.

    Each rule runs only when a cheap test says it could match (an `@` for e-mail, a long digit run for cards,
    a secret-ish word for key=value pairs), so a typical message costs a few substring checks, not ten scans.
    """

    def __init__(self, extra_patterns: Iterable[str] = (), enabled: bool = True) -> None:
        self.enabled = enabled
        compiled = []
        for pattern in extra_patterns:
            try:
                compiled.append(re.compile(pattern))
            except re.error as exc:
                raise ValueError(f"ingest.redact_patterns: not a valid regular expression {pattern!r}: {exc}")
        self._extra = tuple(compiled)

    def redact(self, text: str | None) -> str | None:
        if not self.enabled or not text:
            return text
        if "-----BEGIN" in text:
            text = _PRIVATE_KEY_RE.sub(SECRET, text)
        hinted = _SECRET_HINT_RE.search(text.lower()) is not None
        if hinted:
            text = _AUTH_RE.sub(lambda m: f"{m.group(1)}{m.group(2)}{TOKEN}", text)
        if _maybe_known_secret(text):
            text = _KNOWN_SECRETS_RE.sub(SECRET, text)
        if "@" in text:
            text = _EMAIL_RE.sub(EMAIL, text)
        if hinted and ("=" in text or ":" in text):  # a pair needs its separator
            text = _PAIR_RE.sub(_pair, text)
        if not _too_few_digits_for_a_card(text) and _CARD_HINT_RE.search(text):
            text = _CARD_RE.sub(_card, text)
        for pattern in self._extra:
            text = pattern.sub(REDACTED, text)
        return text


def redactor_from_config(ingest_config: object) -> Redactor:
    """The redactor `ingest.redact` / `ingest.redact_patterns` describe."""
    return Redactor(
        getattr(ingest_config, "redact_patterns", ()) or (),
        enabled=bool(getattr(ingest_config, "redact", True)),
    )

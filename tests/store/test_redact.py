"""Redaction of samples: what is masked, what is left readable."""

from __future__ import annotations

import pytest

from prodlens.stores.redact import Redactor, luhn_valid


@pytest.fixture
def redact():
    return Redactor().redact


def test_email_masked(redact):
    assert redact("welcome mail sent to jane.doe+shop@example.co.uk ok") == "welcome mail sent to [email] ok"


@pytest.mark.parametrize("card", ["4111 1111 1111 1111", "4111-1111-1111-1111", "5500005555555559", "4012888888881881"])
def test_luhn_valid_cards_masked(redact, card):
    assert redact(f"charged card {card} for 12.00") == "charged card [card] for 12.00"


@pytest.mark.parametrize("digits", ["4111111111111112", "1700000000123", "2024010112000000"])
def test_digit_runs_failing_luhn_kept(redact, digits):
    assert not luhn_valid(digits)
    assert redact(f"order {digits} shipped") == f"order {digits} shipped"


def test_bearer_and_basic_tokens(redact):
    assert redact("Authorization: Bearer eyJhbGciOi.abc-def_123") == "Authorization: Bearer [token]"
    assert redact("auth header Basic dXNlcjpwYXNzd29yZA==") == "auth header Basic [token]"


@pytest.mark.parametrize(
    "text, expected",
    [
        ("login password=hunter2 user=bob", "login password=[secret] user=bob"),
        ('{"api_key": "abcd1234efgh", "n": 1}', '{"api_key": "[secret]", "n": 1}'),
        ("client_secret: s3cr3t&x=1", "client_secret: [secret]&x=1"),
        ("using AKIAIOSFODNN7EXAMPLE", "using [secret]"),
        ("stripe sk_live_abcdefghijklmnop1234 set", "stripe [secret] set"),
        ("pushed with ghp_abcdefghijklmnopqrstuvwxyz0123456789", "pushed with [secret]"),
    ],
)
def test_secrets(redact, text, expected):
    assert redact(text) == expected


def test_words_that_merely_mention_secrets_are_kept(redact):
    assert redact("the token expired for session 42") == "the token expired for session 42"


def test_extra_patterns_and_disabled():
    assert Redactor([r"cust-\d+"]).redact("customer cust-1234 paid") == "customer [redacted] paid"
    assert Redactor(enabled=False).redact("mail a@b.io") == "mail a@b.io"


def test_invalid_extra_pattern_names_it():
    with pytest.raises(ValueError, match=r"redact_patterns.*\(unclosed"):
        Redactor(["(unclosed"])


def test_hostile_input_does_not_hang(redact):
    # long runs of the characters the patterns look at, and a 1 MB line
    text = ("a" * 5000 + "@") * 20 + "1 " * 20000 + "x" * 1_000_000
    assert len(redact(text)) > 1_000_000

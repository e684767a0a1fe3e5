"""Password policy: long enough, not trivially guessable, not absurdly long."""

from __future__ import annotations

MIN_LENGTH = 12
# scrypt hashes any length, but an unbounded input is a cheap way to make the
# server work; 128 characters is far beyond any passphrase people type.
MAX_LENGTH = 128

# The most common choices that pass a 12-character minimum, lower-cased.
COMMON_PASSWORDS = frozenset(
    {
        "123456789012",
        "1234567890123",
        "12345678901234",
        "qwertyuiopas",
        "qwerty123456",
        "password1234",
        "password12345",
        "passwordpassword",
        "iloveyou1234",
        "letmein12345",
        "welcome12345",
        "administrator",
        "changeme1234",
        "abcdefghijkl",
        "abc123456789",
        "111111111111",
        "000000000000",
        "trustno1trustno1",
        "correcthorsebatterystaple",
        "certifycertify",
    }
)


def password_problems(password: str, *, email: str = "", name: str = "") -> list[str]:
    """Everything wrong with a proposed password, as messages for the person."""
    problems: list[str] = []
    if len(password) < MIN_LENGTH:
        problems.append(f"Use at least {MIN_LENGTH} characters.")
    if len(password) > MAX_LENGTH:
        problems.append(f"Use at most {MAX_LENGTH} characters.")
    if problems:
        return problems
    lowered = password.lower()
    if len(set(password)) < 4:
        problems.append("Use more than three different characters.")
    if lowered in COMMON_PASSWORDS:
        problems.append("This password is one of the most common; choose another.")
    local_part = email.split("@", 1)[0].lower()
    if len(local_part) >= 4 and local_part in lowered:
        problems.append("Do not include your email address in the password.")
    for word in name.lower().split():
        if len(word) >= 4 and word in lowered:
            problems.append("Do not include your name in the password.")
            break
    return problems

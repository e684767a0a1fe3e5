"""Multibase text encodings used by credentials: base58btc ('z') and base64url ('u')."""

from __future__ import annotations

import base64
import binascii

BASE58_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_BASE58_INDEX = {char: value for value, char in enumerate(BASE58_ALPHABET)}

# Keys and signatures are under 100 characters; refusing long input keeps the quadratic
# big-integer conversion below from being fed megabytes by a pasted credential.
MAX_BASE58_LENGTH = 1024


class MultibaseError(ValueError):
    """Text that is not valid in the expected multibase encoding."""


def base58btc_encode(data: bytes) -> str:
    """Bitcoin-alphabet base58; each leading zero byte becomes a leading '1'."""
    zeros = len(data) - len(data.lstrip(b"\0"))
    number = int.from_bytes(data, "big")
    digits: list[str] = []
    while number:
        number, digit = divmod(number, 58)
        digits.append(BASE58_ALPHABET[digit])
    return "1" * zeros + "".join(reversed(digits))


def base58btc_decode(text: str) -> bytes:
    """The inverse of `base58btc_encode`; raises MultibaseError on a foreign character."""
    if len(text) > MAX_BASE58_LENGTH:
        raise MultibaseError(f"base58btc value is {len(text)} characters long (at most {MAX_BASE58_LENGTH})")
    number = 0
    for position, char in enumerate(text):
        if char not in _BASE58_INDEX:
            raise MultibaseError(f"character {char!r} at position {position} is not base58btc")
        number = number * 58 + _BASE58_INDEX[char]
    zeros = len(text) - len(text.lstrip("1"))
    body = number.to_bytes((number.bit_length() + 7) // 8, "big") if number else b""
    return b"\0" * zeros + body


def encode_base58btc(data: bytes) -> str:
    """Multibase base58btc: 'z' followed by the base58 text."""
    return "z" + base58btc_encode(data)


def decode_base58btc(value: str) -> bytes:
    """Decode a multibase base58btc value; the 'z' prefix is required."""
    if not isinstance(value, str) or not value.startswith("z"):
        raise MultibaseError("expected a multibase base58btc value starting with 'z'")
    return base58btc_decode(value[1:])


def encode_base64url(data: bytes) -> str:
    """Multibase base64url without padding: 'u' followed by the text."""
    return "u" + base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def decode_base64url(value: str) -> bytes:
    """Decode a multibase base64url value; the 'u' prefix is required, padding is not."""
    if not isinstance(value, str) or not value.startswith("u"):
        raise MultibaseError("expected a multibase base64url value starting with 'u'")
    body = value[1:]
    if "=" in body or "+" in body or "/" in body:
        raise MultibaseError("base64url value must use '-' and '_' and carry no '=' padding")
    try:
        return base64.b64decode(body + "=" * (-len(body) % 4), altchars=b"-_", validate=True)
    except (binascii.Error, ValueError) as exc:
        raise MultibaseError(f"not valid base64url: {exc}") from exc

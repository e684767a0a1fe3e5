"""Bitstring Status List v1.0: the revocation and suspension lists behind every credential.

One bit per credential, index 0 at the left-most (most significant) bit of the first byte.
A list is published GZIP-compressed and multibase base64url encoded ('u' prefix) in the
`encodedList` of a BitstringStatusListCredential, which is signed like any credential.
"""

from __future__ import annotations

import gzip
import zlib
from collections.abc import Mapping
from typing import Any, Literal

from certify.credentials.loader import VC_V2
from certify.credentials.multibase import MultibaseError, decode_base64url, encode_base64url

StatusPurpose = Literal["revocation", "suspension"]
STATUS_PURPOSES: tuple[str, ...] = ("revocation", "suspension")

# The specification's minimum (16 KiB of bits): a large list hides which credential a
# verifier asks about among many others.
MIN_LENGTH = 131_072
DEFAULT_LENGTH = MIN_LENGTH
# A list fetched from elsewhere is decompressed at most this far (a GZIP bomb stops here).
MAX_LENGTH = 8 * 16 * 1024 * 1024


class StatusListError(ValueError):
    """A status list or status entry that cannot be used; the message says why."""


class StatusBitstring:
    """A fixed-length bitstring, one bit per credential index."""

    def __init__(self, length: int = DEFAULT_LENGTH, *, data: bytes | None = None) -> None:
        if length % 8 or length < MIN_LENGTH or length > MAX_LENGTH:
            raise StatusListError(f"length must be a multiple of 8 from {MIN_LENGTH} to {MAX_LENGTH}, not {length}")
        if data is not None and len(data) * 8 != length:
            raise StatusListError(f"{len(data)} bytes do not hold {length} bits")
        self._bits = bytearray(data if data is not None else bytes(length // 8))

    @property
    def length(self) -> int:
        """How many entries the list has."""
        return len(self._bits) * 8

    def _locate(self, index: int) -> tuple[int, int]:
        if not 0 <= index < self.length:
            raise StatusListError(f"status index {index} is outside the list (0 to {self.length - 1})")
        return index // 8, 0x80 >> (index % 8)

    def get(self, index: int) -> bool:
        """The bit at `index` (True: revoked or suspended)."""
        byte, mask = self._locate(index)
        return bool(self._bits[byte] & mask)

    def set(self, index: int, value: bool = True) -> None:
        """Set (or with value=False clear) the bit at `index`."""
        byte, mask = self._locate(index)
        if value:
            self._bits[byte] |= mask
        else:
            self._bits[byte] &= ~mask & 0xFF

    def set_indices(self) -> list[int]:
        """Every index whose bit is set, in order."""
        return [
            byte_index * 8 + bit
            for byte_index, byte in enumerate(self._bits)
            if byte
            for bit in range(8)
            if byte & (0x80 >> bit)
        ]

    def to_bytes(self) -> bytes:
        """The raw, uncompressed bitstring."""
        return bytes(self._bits)

    def encode(self) -> str:
        """`encodedList`: GZIP, then multibase base64url without padding."""
        # mtime=0 keeps the output a function of the bits alone, so re-publishing an
        # unchanged list gives the same bytes (and the same signature input).
        return encode_base64url(gzip.compress(self.to_bytes(), compresslevel=9, mtime=0))

    @classmethod
    def decode(cls, encoded: str) -> StatusBitstring:
        """Read an `encodedList`; raises StatusListError for anything unusable."""
        try:
            compressed = decode_base64url(encoded)
        except MultibaseError as exc:
            raise StatusListError(f"encodedList: {exc}") from exc
        inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)  # GZIP framing only
        try:
            raw = inflater.decompress(compressed, MAX_LENGTH // 8 + 1)
        except zlib.error as exc:
            raise StatusListError(f"encodedList is not GZIP data: {exc}") from exc
        if len(raw) * 8 > MAX_LENGTH:
            raise StatusListError(f"encodedList expands to more than {MAX_LENGTH} entries")
        if not inflater.eof:
            raise StatusListError("encodedList is truncated")
        if inflater.unused_data:
            raise StatusListError("encodedList has data after the GZIP stream")
        if len(raw) * 8 < MIN_LENGTH:
            raise StatusListError(f"status list has {len(raw) * 8} entries, fewer than the minimum {MIN_LENGTH}")
        return cls(len(raw) * 8, data=raw)


def _check_purpose(purpose: str) -> None:
    if purpose not in STATUS_PURPOSES:
        raise StatusListError(f"statusPurpose must be one of {', '.join(STATUS_PURPOSES)}, not {purpose!r}")


def status_list_credential(
    *,
    list_url: str,
    issuer: str | Mapping[str, Any],
    purpose: StatusPurpose,
    bitstring: StatusBitstring,
    valid_from: str,
    valid_until: str | None = None,
) -> dict[str, Any]:
    """An unsigned BitstringStatusListCredential published at `list_url`."""
    _check_purpose(purpose)
    credential: dict[str, Any] = {
        "@context": [VC_V2],
        "id": list_url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer if isinstance(issuer, str) else dict(issuer),
        "validFrom": valid_from,
        "credentialSubject": {
            "id": f"{list_url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": purpose,
            "encodedList": bitstring.encode(),
        },
    }
    if valid_until is not None:
        credential["validUntil"] = valid_until
    return credential


def status_list_entry(*, list_url: str, index: int, purpose: StatusPurpose) -> dict[str, Any]:
    """The `credentialStatus` entry pointing at bit `index` of the list at `list_url`."""
    _check_purpose(purpose)
    if index < 0:
        raise StatusListError(f"status index must not be negative, not {index}")
    return {
        "id": f"{list_url}#{index}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": purpose,
        "statusListIndex": str(index),
        "statusListCredential": list_url,
    }


def entry_status(entry: Mapping[str, Any], list_credential: Mapping[str, Any]) -> bool:
    """Whether the bit an entry points at is set in that (already verified) list credential.

    Raises StatusListError when the entry and the list do not belong together or either
    is malformed, naming the field at fault.
    """
    if entry.get("type") != "BitstringStatusListEntry":
        raise StatusListError(f"credentialStatus type is {entry.get('type')!r}, expected BitstringStatusListEntry")
    if entry.get("statusListCredential") != list_credential.get("id"):
        raise StatusListError("statusListCredential does not name this status list credential")
    types = list_credential.get("type")
    if not isinstance(types, list) or "BitstringStatusListCredential" not in types:
        raise StatusListError("status list credential is not a BitstringStatusListCredential")
    subject = list_credential.get("credentialSubject")
    if not isinstance(subject, Mapping) or subject.get("type") != "BitstringStatusList":
        raise StatusListError("status list credential has no BitstringStatusList subject")
    if subject.get("statusPurpose") != entry.get("statusPurpose"):
        raise StatusListError("statusPurpose of the entry and of the list differ")
    raw_index = entry.get("statusListIndex")
    if not isinstance(raw_index, str) or not (raw_index.isascii() and raw_index.isdigit() and len(raw_index) <= 10):
        raise StatusListError(f"statusListIndex must be a string of digits, not {raw_index!r}")
    encoded = subject.get("encodedList")
    if not isinstance(encoded, str):
        raise StatusListError("status list has no encodedList")
    return StatusBitstring.decode(encoded).get(int(raw_index))

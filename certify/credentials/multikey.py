"""Ed25519 keys as Multikey values, `did:key` identifiers and Multikey documents.

A Multikey value is multibase base58btc ('z') of a multicodec prefix and the raw key:
0xed 0x01 (varint of 0xed, ed25519-pub) before the 32-byte public key, so such values
start with "z6Mk"; 0x80 0x26 (varint of 0x1300, ed25519-priv) before the 32-byte seed.
"""

from __future__ import annotations

from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat, PublicFormat

from certify.credentials.loader import MULTIKEY_V1
from certify.credentials.multibase import MultibaseError, decode_base58btc, encode_base58btc

ED25519_PUBLIC_PREFIX = b"\xed\x01"
ED25519_PRIVATE_PREFIX = b"\x80\x26"
KEY_LENGTH = 32
DID_KEY_PREFIX = "did:key:"


class MultikeyError(ValueError):
    """A value that is not an Ed25519 Multikey."""


def _decode(value: str, prefix: bytes, what: str) -> bytes:
    try:
        raw = decode_base58btc(value)
    except MultibaseError as exc:
        raise MultikeyError(f"{what}: {exc}") from exc
    if not raw.startswith(prefix):
        raise MultikeyError(f"{what}: multicodec prefix is not Ed25519 (expected 0x{prefix.hex()})")
    key = raw[len(prefix) :]
    if len(key) != KEY_LENGTH:
        raise MultikeyError(f"{what}: key is {len(key)} bytes long, expected {KEY_LENGTH}")
    return key


def public_key_to_multibase(key: Ed25519PublicKey) -> str:
    """`publicKeyMultibase` for an Ed25519 public key ("z6Mk…")."""
    return encode_base58btc(ED25519_PUBLIC_PREFIX + key.public_bytes(Encoding.Raw, PublicFormat.Raw))


def public_key_from_multibase(value: str) -> Ed25519PublicKey:
    """The Ed25519 public key in a `publicKeyMultibase` value; raises MultikeyError."""
    return Ed25519PublicKey.from_public_bytes(_decode(value, ED25519_PUBLIC_PREFIX, "publicKeyMultibase"))


def private_key_to_multibase(key: Ed25519PrivateKey) -> str:
    """`secretKeyMultibase` for an Ed25519 private key (its 32-byte seed)."""
    seed = key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    return encode_base58btc(ED25519_PRIVATE_PREFIX + seed)


def private_key_from_multibase(value: str) -> Ed25519PrivateKey:
    """The Ed25519 private key in a `secretKeyMultibase` value; raises MultikeyError."""
    return Ed25519PrivateKey.from_private_bytes(_decode(value, ED25519_PRIVATE_PREFIX, "secretKeyMultibase"))


def did_key(key: Ed25519PublicKey) -> str:
    """The `did:key` DID of an Ed25519 public key."""
    return DID_KEY_PREFIX + public_key_to_multibase(key)


def did_key_verification_method(key: Ed25519PublicKey) -> str:
    """The verification method id of a `did:key`: the DID, '#', the key's multibase value."""
    multibase = public_key_to_multibase(key)
    return f"{DID_KEY_PREFIX}{multibase}#{multibase}"


def resolve_did_key(verification_method: str) -> Ed25519PublicKey | None:
    """The key of an Ed25519 `did:key` verification method, or None for anything else.

    The key is read from the identifier itself, so this needs no network and no trust list;
    whether the issuer is trusted is for the caller to decide.
    """
    if not verification_method.startswith(DID_KEY_PREFIX):
        return None
    did, _, fragment = verification_method.partition("#")
    multibase = did[len(DID_KEY_PREFIX) :]
    if fragment and fragment != multibase:
        return None
    try:
        return public_key_from_multibase(multibase)
    except MultikeyError:
        return None


def multikey_document(key_id: str, controller: str, key: Ed25519PublicKey) -> dict[str, Any]:
    """A Multikey verification method document, as served where `key_id` points."""
    return {
        "@context": MULTIKEY_V1,
        "id": key_id,
        "type": "Multikey",
        "controller": controller,
        "publicKeyMultibase": public_key_to_multibase(key),
    }

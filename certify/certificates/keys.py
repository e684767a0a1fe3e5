"""The issuer's Ed25519 signing key: read from CERTIFY_SIGNING_KEY_FILE, generated there (mode 0600) when absent."""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from flask import current_app

from certify.credentials.multikey import public_key_to_multibase
from certify.urls import base_url


class SigningKeyError(RuntimeError):
    pass


@lru_cache(maxsize=4)
def _load(path: str) -> Ed25519PrivateKey:
    file = Path(path)
    if not file.exists():
        file.parent.mkdir(parents=True, exist_ok=True)
        key = Ed25519PrivateKey.generate()
        pem = key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        descriptor = os.open(file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(pem)
    try:
        loaded = serialization.load_pem_private_key(file.read_bytes(), password=None)
    except (ValueError, TypeError) as exc:
        raise SigningKeyError(f"{path} is not an unencrypted PEM private key: {exc}") from None
    if not isinstance(loaded, Ed25519PrivateKey):
        raise SigningKeyError(f"{path} holds a {type(loaded).__name__}; credentials are signed with Ed25519")
    return loaded


def signing_key() -> Ed25519PrivateKey:
    return _load(str(current_app.config["SIGNING_KEY_FILE"]))


def public_key() -> Ed25519PublicKey:
    return signing_key().public_key()


def issuer_id() -> str:
    return f"{base_url()}/issuer"


def verification_method() -> str:
    return f"{issuer_id()}#key-1"


def public_key_multibase() -> str:
    return public_key_to_multibase(public_key())

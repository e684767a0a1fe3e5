"""Ed25519 keys as Multikey values and did:key identifiers."""

from __future__ import annotations

import pytest

from certify.credentials.canonical import canonicalize
from certify.credentials.multibase import (
    MultibaseError,
    base58btc_decode,
    base58btc_encode,
    decode_base58btc,
    decode_base64url,
    encode_base58btc,
    encode_base64url,
)
from certify.credentials.multikey import (
    MultikeyError,
    did_key,
    did_key_verification_method,
    multikey_document,
    private_key_from_multibase,
    private_key_to_multibase,
    public_key_from_multibase,
    public_key_to_multibase,
    resolve_did_key,
)
from tests.support.credentials import ISSUER_ID, ISSUER_KEY, KEY_ID, VC_DI_EDDSA, read_json


@pytest.fixture
def key_pair() -> dict[str, str]:
    return read_json(VC_DI_EDDSA / "keyPair.json")


def test_public_key_round_trips_through_multibase(key_pair):
    public = public_key_from_multibase(key_pair["publicKeyMultibase"])
    assert public_key_to_multibase(public) == key_pair["publicKeyMultibase"]
    assert key_pair["publicKeyMultibase"].startswith("z6Mk")


def test_private_key_round_trips_and_matches_its_public_key(key_pair):
    private = private_key_from_multibase(key_pair["privateKeyMultibase"])
    assert private_key_to_multibase(private) == key_pair["privateKeyMultibase"]
    assert public_key_to_multibase(private.public_key()) == key_pair["publicKeyMultibase"]


def test_did_key_verification_method_matches_the_vectors(key_pair):
    public = public_key_from_multibase(key_pair["publicKeyMultibase"])
    signed = read_json(VC_DI_EDDSA / "eddsa-rdfc-2022" / "signedDataInt.json")
    assert did_key_verification_method(public) == signed["proof"]["verificationMethod"]
    assert did_key(public) == "did:key:" + key_pair["publicKeyMultibase"]


def test_resolve_did_key_reads_the_key_from_the_identifier(key_pair):
    method = f"did:key:{key_pair['publicKeyMultibase']}#{key_pair['publicKeyMultibase']}"
    resolved = resolve_did_key(method)
    assert resolved is not None
    assert public_key_to_multibase(resolved) == key_pair["publicKeyMultibase"]


@pytest.mark.parametrize(
    "method",
    [
        "https://certify.example/issuer#key-1",
        "did:web:certify.example#key-1",
        "did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2#z6MkOther",
        "did:key:zDnaegE6RR3atJtHKwTRTWHsJ3kNHqFwv7n9YjTgmU7TyfU76",  # a P-256 key
        "did:key:not-base58-0OIl",
    ],
)
def test_resolve_did_key_ignores_anything_else(method):
    assert resolve_did_key(method) is None


def test_public_decoder_refuses_a_private_key(key_pair):
    with pytest.raises(MultikeyError, match="not Ed25519"):
        public_key_from_multibase(key_pair["privateKeyMultibase"])


def test_public_decoder_refuses_a_short_key():
    with pytest.raises(MultikeyError, match="31 bytes long"):
        public_key_from_multibase(encode_base58btc(b"\xed\x01" + bytes(31)))


def test_multikey_document_describes_the_key_in_json_ld():
    document = multikey_document(KEY_ID, ISSUER_ID, ISSUER_KEY.public_key())
    assert document["type"] == "Multikey"
    assert public_key_from_multibase(document["publicKeyMultibase"]) == ISSUER_KEY.public_key()
    quads = canonicalize(document)
    assert f"<{KEY_ID}> <https://w3id.org/security#publicKeyMultibase>" in quads
    assert f"<{KEY_ID}> <https://w3id.org/security#controller> <{ISSUER_ID}>" in quads


@pytest.mark.parametrize("data", [b"", b"\0", b"\0\0\x01", b"hello world", bytes(range(256))])
def test_base58btc_round_trips_including_leading_zero_bytes(data):
    assert base58btc_decode(base58btc_encode(data)) == data


def test_base58btc_known_value():
    assert base58btc_encode(b"Hello World!") == "2NEpo7TZRRrLZSi2U"


@pytest.mark.parametrize("value", ["2NEpo", "z0OIl", "z" + "2" * 2000, ""])
def test_decode_base58btc_refuses_bad_values(value):
    with pytest.raises(MultibaseError):
        decode_base58btc(value)


def test_base64url_multibase_round_trips_without_padding():
    encoded = encode_base64url(b"\xff\xfe\xfd\x00")
    assert encoded == "u__79AA"
    assert decode_base64url(encoded) == b"\xff\xfe\xfd\x00"


@pytest.mark.parametrize("value", ["__79AA", "u__79AA==", "u+/79", "u@@@"])
def test_decode_base64url_refuses_bad_values(value):
    with pytest.raises(MultibaseError):
        decode_base64url(value)

"""Bitstring Status List: bits, encoding, list credentials and entries."""

from __future__ import annotations

import gzip

import pytest

from certify.credentials.dataintegrity import sign, verify
from certify.credentials.multibase import decode_base64url, encode_base64url
from certify.credentials.statuslist import (
    DEFAULT_LENGTH,
    MAX_LENGTH,
    MIN_LENGTH,
    StatusBitstring,
    StatusListError,
    entry_status,
    status_list_credential,
    status_list_entry,
)
from tests.support.credentials import CREATED, ISSUER_ID, ISSUER_KEY, KEY_ID, REVOCATION_LIST, issuer_keys


def test_a_new_list_has_131072_clear_bits():
    bits = StatusBitstring()
    assert bits.length == DEFAULT_LENGTH == 131_072
    assert bits.set_indices() == []
    assert not bits.get(0)
    assert not bits.get(131_071)


def test_set_get_and_clear_bits():
    bits = StatusBitstring()
    for index in (0, 7, 8, 94_567, 131_071):
        bits.set(index)
    assert bits.set_indices() == [0, 7, 8, 94_567, 131_071]
    assert bits.get(94_567)
    assert not bits.get(94_566)
    bits.set(7, False)
    assert bits.set_indices() == [0, 8, 94_567, 131_071]


def test_index_zero_is_the_left_most_bit():
    bits = StatusBitstring()
    bits.set(0)
    bits.set(9)
    assert bits.to_bytes()[:2] == bytes([0b1000_0000, 0b0100_0000])


def test_encoding_round_trips():
    bits = StatusBitstring()
    for index in (3, 1000, 65_536, 131_070):
        bits.set(index)
    decoded = StatusBitstring.decode(bits.encode())
    assert decoded.length == bits.length
    assert decoded.set_indices() == [3, 1000, 65_536, 131_070]


def test_encoded_list_is_gzip_then_multibase_base64url():
    encoded = StatusBitstring().encode()
    assert encoded.startswith("u")
    assert "=" not in encoded and "+" not in encoded and "/" not in encoded
    assert gzip.decompress(decode_base64url(encoded)) == bytes(MIN_LENGTH // 8)


def test_an_all_clear_list_encodes_small_and_the_same_every_time():
    encoded = StatusBitstring().encode()
    assert len(encoded) < 100
    assert StatusBitstring().encode() == encoded


def test_a_larger_list_is_allowed():
    assert StatusBitstring(2 * MIN_LENGTH).length == 262_144


@pytest.mark.parametrize("length", [0, 8, MIN_LENGTH - 8, MIN_LENGTH + 1, MAX_LENGTH + 8])
def test_list_length_is_checked(length):
    with pytest.raises(StatusListError, match="length"):
        StatusBitstring(length)


@pytest.mark.parametrize("index", [-1, MIN_LENGTH, 10**9])
def test_an_index_outside_the_list_is_refused(index):
    bits = StatusBitstring()
    with pytest.raises(StatusListError, match="outside the list"):
        bits.get(index)
    with pytest.raises(StatusListError, match="outside the list"):
        bits.set(index)


@pytest.mark.parametrize(
    ("encoded", "message"),
    [
        ("H4sIAAAAAAAA", "starting with 'u'"),
        ("uSGVsbG8", "not GZIP"),
        # mtime=0: the GZIP header holds a timestamp, and these bytes name the test ids, which every xdist
        # worker must collect alike (a CI run failed when two workers collected in different seconds).
        (encode_base64url(gzip.compress(bytes(100), mtime=0)), "fewer than the minimum"),
        (encode_base64url(gzip.compress(bytes(MIN_LENGTH // 8), mtime=0)[:-6]), "truncated"),
        (encode_base64url(gzip.compress(bytes(MIN_LENGTH // 8), mtime=0) + b"junk"), "after the GZIP stream"),
    ],
)
def test_decoding_refuses_unusable_lists(encoded, message):
    with pytest.raises(StatusListError, match=message):
        StatusBitstring.decode(encoded)


def test_decoding_stops_a_gzip_bomb():
    bomb = encode_base64url(gzip.compress(bytes(MAX_LENGTH // 8 + 1024)))
    with pytest.raises(StatusListError, match="more than"):
        StatusBitstring.decode(bomb)


def test_status_list_entry_points_at_one_bit():
    assert status_list_entry(list_url=REVOCATION_LIST, index=94_567, purpose="revocation") == {
        "id": f"{REVOCATION_LIST}#94567",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": "94567",
        "statusListCredential": REVOCATION_LIST,
    }


def test_status_list_credential_shape():
    bits = StatusBitstring()
    credential = status_list_credential(
        list_url=REVOCATION_LIST, issuer=ISSUER_ID, purpose="revocation", bitstring=bits, valid_from=CREATED
    )
    assert credential["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    assert credential["credentialSubject"] == {
        "id": f"{REVOCATION_LIST}#list",
        "type": "BitstringStatusList",
        "statusPurpose": "revocation",
        "encodedList": bits.encode(),
    }
    assert "validUntil" not in credential


@pytest.mark.parametrize("purpose", ["refresh", "message", ""])
def test_unknown_status_purposes_are_refused(purpose):
    with pytest.raises(StatusListError, match="statusPurpose"):
        status_list_entry(list_url=REVOCATION_LIST, index=1, purpose=purpose)  # type: ignore[arg-type]


def _published(*revoked: int) -> dict:
    bits = StatusBitstring()
    for index in revoked:
        bits.set(index)
    unsigned = status_list_credential(
        list_url=REVOCATION_LIST, issuer=ISSUER_ID, purpose="revocation", bitstring=bits, valid_from=CREATED
    )
    return sign(unsigned, ISSUER_KEY, KEY_ID, CREATED)


def test_signed_status_list_credential_verifies():
    assert verify(_published(5), issuer_keys).verified


def test_entry_status_reads_the_bit_the_entry_points_at():
    published = _published(42)
    revoked = status_list_entry(list_url=REVOCATION_LIST, index=42, purpose="revocation")
    active = status_list_entry(list_url=REVOCATION_LIST, index=43, purpose="revocation")
    assert entry_status(revoked, published) is True
    assert entry_status(active, published) is False


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("statusPurpose", "suspension", "statusPurpose"),
        ("statusListCredential", "https://certify.example/credentials/status/other", "statusListCredential"),
        ("statusListIndex", 42, "statusListIndex"),
        ("statusListIndex", "-1", "statusListIndex"),
        ("statusListIndex", "999999", "outside the list"),
        ("type", "StatusList2021Entry", "type"),
    ],
)
def test_entry_status_refuses_an_entry_that_does_not_fit_the_list(field, value, message):
    entry = status_list_entry(list_url=REVOCATION_LIST, index=42, purpose="revocation")
    entry[field] = value
    with pytest.raises(StatusListError, match=message):
        entry_status(entry, _published())

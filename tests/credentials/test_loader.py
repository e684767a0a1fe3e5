"""The document loader serves bundled contexts only; nothing is fetched at run time."""

from __future__ import annotations

import copy
import re

import pytest

from certify.credentials.canonical import UndefinedTermError, canonicalize
from certify.credentials.dataintegrity import Failure, sign, verify
from certify.credentials.loader import (
    CITIZENSHIP_V4RC1,
    DATA_INTEGRITY_V2,
    MULTIKEY_V1,
    OB_V3P0,
    VC_EXAMPLES_V2,
    VC_V2,
    ContextNotBundledError,
    bundled_context_urls,
    document_loader,
    load_context,
)
from tests.support.credentials import CREATED, FIXTURES, ISSUER_KEY, KEY_ID, issuer_keys, read_json

UNKNOWN = "https://evil.example/contexts/v1"


def test_loader_refuses_an_unknown_url_and_names_it():
    with pytest.raises(ContextNotBundledError, match=re.escape(UNKNOWN)) as caught:
        document_loader(UNKNOWN, {})
    assert caught.value.url == UNKNOWN


@pytest.mark.parametrize("url", [VC_V2, OB_V3P0, MULTIKEY_V1, DATA_INTEGRITY_V2, VC_EXAMPLES_V2, CITIZENSHIP_V4RC1])
def test_loader_serves_the_contexts_credentials_need(url):
    assert url in bundled_context_urls()
    remote = document_loader(url, {})
    assert remote["documentUrl"] == url
    assert isinstance(remote["document"]["@context"], dict)


def test_loader_hands_out_private_copies():
    load_context(OB_V3P0)["@context"]["Achievement"] = "tampered"
    assert load_context(OB_V3P0)["@context"]["Achievement"] != "tampered"


@pytest.mark.parametrize(
    ("url", "fixture"),
    [(VC_V2, "credentials-v2-context.jsonld"), (OB_V3P0, "ob-context-3.0.3.json")],
)
def test_bundled_contexts_equal_the_published_ones(url, fixture):
    assert load_context(url) == read_json(FIXTURES / "openbadges" / fixture)


def test_canonicalising_a_document_with_an_unknown_context_names_the_url():
    document = {"@context": [VC_V2, UNKNOWN], "type": ["VerifiableCredential"]}
    with pytest.raises(ContextNotBundledError, match=re.escape(UNKNOWN)):
        canonicalize(document)


def test_verify_reports_an_unbundled_context():
    document = {"@context": [VC_V2, {"@vocab": "https://certify.example/vocab#"}], "type": ["VerifiableCredential"]}
    signed = sign(document, ISSUER_KEY, KEY_ID, CREATED)
    signed["@context"] = [VC_V2, UNKNOWN]
    result = verify(signed, issuer_keys)
    assert result.failure is Failure.CONTEXT_NOT_BUNDLED
    assert UNKNOWN in result.detail


def test_a_property_no_context_defines_is_refused_not_silently_unsigned():
    document = {"@context": VC_V2, "type": ["VerifiableCredential"], "grade": "A"}
    with pytest.raises(UndefinedTermError, match="grade"):
        canonicalize(document)
    with pytest.raises(ValueError, match="grade"):
        sign(document, ISSUER_KEY, KEY_ID, CREATED)


def test_verify_refuses_an_added_property_no_context_defines():
    document = {"@context": VC_V2, "type": ["VerifiableCredential"], "name": "Badge"}
    signed = sign(document, ISSUER_KEY, KEY_ID, CREATED)
    assert verify(signed, issuer_keys).verified
    padded = copy.deepcopy(signed)
    padded["grade"] = "A"
    result = verify(padded, issuer_keys)
    assert result.failure is Failure.MALFORMED
    assert "grade" in result.detail


def test_data_integrity_context_agrees_with_the_protected_vc_terms():
    # Redefining a protected term differently is an error, so this fails if the copies disagree.
    document = {"@context": [VC_V2, DATA_INTEGRITY_V2], "type": ["VerifiableCredential"], "name": "Badge"}
    assert verify(sign(document, ISSUER_KEY, KEY_ID, CREATED), issuer_keys).verified

"""RDF Dataset Canonicalization (RDFC-1.0) of JSON-LD documents, for hashing and signing.

PyLD calls the algorithm by its earlier name, URDNA2015; RDFC-1.0 is the same algorithm
standardised, and its output (sorted canonical N-Quads) is what `eddsa-rdfc-2022` hashes.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pyld import jsonld  # type: ignore[import-untyped, unused-ignore]

from certify.credentials.loader import ContextNotBundledError, document_loader


class CanonicalizationError(ValueError):
    """A document that cannot be turned into canonical N-Quads."""


class UndefinedTermError(CanonicalizationError):
    """A property that no context defines: it would be silently left out of the signature."""

    def __init__(self, term: str | None) -> None:
        super().__init__(f"property {term!r} is not defined by the document's @context, so it would not be signed")
        self.term = term


def _refuse_dropped_property(term: str | None) -> None:
    # JSON-LD drops keys that map to no IRI. Signing would then cover less than the JSON
    # shows, and a verifier would accept additions nobody signed; refuse instead.
    raise UndefinedTermError(term)


def _root_cause(exc: BaseException) -> BaseException | None:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        if isinstance(current, ContextNotBundledError | UndefinedTermError):
            return current
        seen.add(id(current))
        current = current.__cause__ or getattr(current, "cause", None)
    return None


def canonicalize(document: Mapping[str, Any]) -> str:
    """Canonical N-Quads of `document`, resolving contexts from the bundle only.

    Raises ContextNotBundledError for an unknown context URL, UndefinedTermError for a
    property no context defines and CanonicalizationError for anything else malformed.
    """
    if "@context" not in document:
        raise CanonicalizationError("document has no @context")
    processor = jsonld.JsonLdProcessor(on_property_dropped=_refuse_dropped_property)
    options = {
        "algorithm": "URDNA2015",
        "format": "application/n-quads",
        "documentLoader": document_loader,
        "base": "",
    }
    try:
        result = processor.normalize(dict(document), options)
    except (ContextNotBundledError, UndefinedTermError):
        raise
    except Exception as exc:
        # PyLD wraps loader and handler errors in JsonLdError; surface the real reason.
        cause = _root_cause(exc)
        if cause is not None:
            raise cause from exc
        raise CanonicalizationError(f"not valid JSON-LD: {exc}") from exc
    if not isinstance(result, str):  # pragma: no cover - PyLD returns text for this format
        raise CanonicalizationError("canonicalisation did not produce N-Quads text")
    return result

"""The JSON-LD document loader: bundled contexts only, nothing fetched at run time.

Canonicalising a credential resolves every context URL it names. A loader that fetched them
would let whoever serves a context change what a signature means (and make verification
depend on the network), so the only documents served are the frozen copies that PyLD ships
and the ones in `contexts/`; every other URL raises `ContextNotBundledError`.
"""

from __future__ import annotations

import copy
import json
from functools import cache
from pathlib import Path
from typing import Any

from pyld.documentloader.frozen import BUNDLED_CONTEXTS as PYLD_FROZEN_CONTEXTS  # type: ignore[import-untyped, unused-ignore]

CONTEXTS_DIR = Path(__file__).resolve().parent / "contexts"

VC_V2 = "https://www.w3.org/ns/credentials/v2"
OB_V3P0 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
MULTIKEY_V1 = "https://w3id.org/security/multikey/v1"
DATA_INTEGRITY_V2 = "https://w3id.org/security/data-integrity/v2"
VC_EXAMPLES_V2 = "https://www.w3.org/ns/credentials/examples/v2"
CITIZENSHIP_V4RC1 = "https://w3id.org/citizenship/v4rc1"

# Ours, in contexts/ (see the README there for sources and licences).
_OWN_CONTEXTS: dict[str, str] = {
    OB_V3P0: "ob-v3p0-terms.jsonld",
    MULTIKEY_V1: "multikey-v1.jsonld",
    DATA_INTEGRITY_V2: "data-integrity-v2.jsonld",
    VC_EXAMPLES_V2: "credentials-examples-v2.jsonld",
    CITIZENSHIP_V4RC1: "citizenship-v4rc1.jsonld",
}


def _context_files() -> dict[str, Path]:
    files = {url: Path(path) for url, path in PYLD_FROZEN_CONTEXTS.items()}
    files.update({url: CONTEXTS_DIR / name for url, name in _OWN_CONTEXTS.items()})
    return files


_CONTEXT_FILES = _context_files()


class ContextNotBundledError(LookupError):
    """A credential names a JSON-LD context that Certify does not bundle."""

    def __init__(self, url: str) -> None:
        super().__init__(f"JSON-LD context {url!r} is not bundled with Certify (nothing is fetched at run time)")
        self.url = url


def bundled_context_urls() -> frozenset[str]:
    """Every context URL the loader serves."""
    return frozenset(_CONTEXT_FILES)


@cache
def _parsed(url: str) -> Any:
    return json.loads(_CONTEXT_FILES[url].read_text(encoding="utf-8"))


def load_context(url: str) -> dict[str, Any]:
    """The bundled document for `url` (a private copy); raises ContextNotBundledError."""
    if url not in _CONTEXT_FILES:
        raise ContextNotBundledError(url)
    document = copy.deepcopy(_parsed(url))
    if not isinstance(document, dict):  # pragma: no cover - a broken bundled file
        raise ValueError(f"bundled context for {url} is not a JSON object")
    return document


def document_loader(url: str, options: dict[str, Any] | None = None) -> dict[str, Any]:
    """A PyLD document loader (`documentLoader` option) over the bundled contexts."""
    return {
        "contentType": "application/ld+json",
        "contextUrl": None,
        "documentUrl": url,
        "document": load_context(url),
    }

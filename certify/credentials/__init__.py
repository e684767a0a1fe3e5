"""Verifiable credentials: Open Badges 3.0 signing, verification and status lists.

Pure functions over plain dicts (no Flask, no database, no network): Data Integrity proofs
with the `eddsa-rdfc-2022` cryptosuite, Ed25519 keys as Multikey, Bitstring Status Lists,
and a JSON-LD document loader that serves only the contexts bundled in `contexts/`.
"""

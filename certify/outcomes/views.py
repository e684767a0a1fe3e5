"""The holder's follow-up pages and the sponsor's attestation through the emailed link."""

from __future__ import annotations

"""Fixtures for the verification tests: an issued certificate, an anonymous visitor, the issuing admin."""

from tests.support.verification import admin_client, issued, visitor  # noqa: F401 - fixtures

"""Fixtures for the portfolio administration tests (modules that define their own `admin` keep theirs)."""

from tests.support.portfolio_admin import admin, admin_client  # noqa: F401 - fixtures

"""Fixtures shared by the portfolio administration tests (modules that define their own `admin` keep theirs)."""

from tests.admin.portfolio_admin_support import admin, admin_client  # noqa: F401 - fixtures

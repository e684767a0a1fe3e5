"""Fixtures shared by the admin tests (modules that define their own `admin` keep theirs)."""

from tests.support.outcomes import population, signed_in_admin  # noqa: F401 - fixtures
from tests.support.portfolio_admin import admin, admin_client  # noqa: F401 - fixtures

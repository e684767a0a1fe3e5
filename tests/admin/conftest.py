"""Fixtures shared by the admin tests (modules that define their own `admin` keep theirs)."""

from tests.admin.outcomes_support import population, signed_in_admin  # noqa: F401 - fixtures
from tests.admin.portfolio_admin_support import admin, admin_client  # noqa: F401 - fixtures

"""Fixtures for the outcome and cohort pages: the hand-worked population and a signed-in admin."""

from tests.support.outcomes import population, signed_in_admin  # noqa: F401 - fixtures

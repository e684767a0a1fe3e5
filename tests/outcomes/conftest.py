"""Fixtures for the outcome tests; they live in tests/support/outcome_flow.py."""

from tests.support.outcome_flow import make_plan  # noqa: F401 - a fixture

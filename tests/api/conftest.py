"""Fixtures for the runner API tests (as in tests/assessments/); they live in tests/support/exams.py."""

from tests.support.exams import api, api_for_exam, candidate, exams  # noqa: F401 - fixtures

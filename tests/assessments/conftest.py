"""Fixtures for the exam tests (tests/api/ uses the same); they live in tests/support/exams.py."""

from tests.support.exams import api, api_for_exam, candidate, exams  # noqa: F401 - fixtures

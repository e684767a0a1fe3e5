"""Fixtures for the exam tests; they live with the sample assessments in tests/support/exams.py."""

from tests.support.exams import api, api_for_exam, candidate, exams  # noqa: F401 - fixtures

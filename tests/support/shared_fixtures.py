"""Where the public conformance material lives, and what a test does when it is missing.

`../shared/fixtures` sits beside the checkout and is read in place, never copied into the
repository: GIFT cases from gift-pegjs, the Open Badges 3.0 schema and contexts, the W3C
vc-di-eddsa test vectors and the QTI 3.0 schemas. Without it the conformance tests skip with a
reason starting with MISSING, which `tests/conftest.py` counts into one summary line; under CI
a missing fixture fails the test instead, so CI can never pass without the conformance suite.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

SHARED_FIXTURES = Path(__file__).resolve().parents[2].parent / "shared" / "fixtures"
MISSING = "conformance fixture not found:"


def require(path: Path) -> Path:
    """`path` (under SHARED_FIXTURES) if it exists; otherwise skip the test, or fail it under CI."""
    if not path.exists():
        message = f"{MISSING} {path}"
        if os.environ.get("CI"):
            pytest.fail(f"{message}; in CI the conformance tests must run, not skip")
        pytest.skip(message)
    return path


def missing_summary(skipped: int) -> str:
    """The one line `make test` prints when conformance tests skipped for want of the fixtures."""
    return (
        f"{skipped} conformance tests skipped: {SHARED_FIXTURES} is not there. It is the public conformance "
        "material (GIFT cases from gift-pegjs, the Open Badges 3.0 schema and contexts, the W3C vc-di-eddsa "
        "vectors, the QTI 3.0 schemas), kept outside this repository: put the project's shared/ directory "
        "beside this checkout (../shared/fixtures) and run `make test` again. See README, 'Testing'."
    )

"""Ready before the window opens: a server worker reads every exam's pool and renders its items once, at boot.

Each worker keeps the pool (exam_pool), the items' content (item_content) and their rendered Markdown
(certify.security.sanitize) for as long as it lives; without this, the first starts a worker answers at
09:00 pay for all three (about four times a warm start's cost), at the moment a cohort presses Start
together. Gunicorn runs it in each worker before the worker accepts a request (certify/serving.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from certify.assessments import services as bank_service
from certify.assessments.exam_pool import exam_pool
from certify.assessments.item_content import contents
from certify.core.delivery import present
from certify.security.sanitize import render_inline, render_markdown


def render_for_delivery(content: Mapping[str, Any]) -> None:
    """Render every text of an item version as candidates are shown it (the caches keep the results)."""
    shown = present(content, "warm-up")  # the order is the seed's; the texts are the same for every seed
    render_markdown(shown.stem)
    if shown.stimulus:
        render_markdown(shown.stimulus.text)
    for entry in (*shown.options, *shown.prompts, *shown.responses):
        render_inline(entry.text)


def warm_delivery() -> int:
    """Read each assessment's pool and render its items (inside an app context); returns the versions warmed."""
    warmed: set[str] = set()
    for assessment in bank_service.assessments():
        pool = exam_pool(assessment)
        for digest, content in contents(pool.hashes.items()).items():
            if digest not in warmed:
                render_for_delivery(content)
                warmed.add(digest)
    return len(warmed)

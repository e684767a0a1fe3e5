"""Bank import at scale: a generated YAML bank of 10,000 items parsed and stored, and a 10,000-question Moodle XML
export with an image per question previewed and then imported (issue 16: both within 15 s)."""

from __future__ import annotations

import time

import yaml
from flask import Flask

from certify.assessments.import_files import import_file, import_file_report, preview_file
from certify.extensions import db

TARGET_SECONDS = 10.0
MOODLE_TARGET_SECONDS = 15.0  # the preview and the confirmed import together


def generated_bank(count: int = 10_000) -> str:
    """A YAML bank with every item type, realistic in size."""
    competencies = ["RA", "PA", "SS", "OB", "AD", "IS", "EV", "CP"]
    items = []
    for n in range(count):
        base = {
            "id": f"GEN-{n:05d}",
            "competency": competencies[n % 8],
            "bloom": "apply",
            "status": "live",
            "stem": f"Scenario {n}: a regional manager asks for training because a metric fell. "
            "Which first step best ties the request to a business result?",
            "rationale": "Start from the metric the sponsor already tracks and its baseline.",
        }
        options = [
            {"id": c, "text": f"Option {c} for item {n}", "rationale": f"Why {c} is or is not right."} for c in "abc"
        ]
        kind = n % 7
        if kind == 0:
            items.append({**base, "type": "single_choice", "options": options, "key": "abc"[n % 3]})
        elif kind == 1:
            items.append(
                {
                    **base,
                    "type": "multiple_response",
                    "options": [*options, {"id": "d", "text": "Option d", "rationale": "r"}],
                    "key": ["a", "c"],
                }
            )
        elif kind == 2:
            items.append({**base, "type": "true_false", "key": bool(n % 2), "wrong_rationale": "Because."})
        elif kind == 3:
            items.append(
                {
                    **base,
                    "type": "matching",
                    "pairs": [
                        {"id": f"p{i}", "left": f"Left {i}", "right": f"Right {i}", "rationale": "r"} for i in range(3)
                    ],
                }
            )
        elif kind == 4:
            items.append({**base, "type": "ordering", "options": options})
        elif kind == 5:
            items.append({**base, "type": "short_answer", "accepted": ["baseline", "a baseline"]})
        else:
            items.append({**base, "type": "numeric", "value": 150, "tolerance": 0.5, "unit": "%"})
    return yaml.safe_dump({"bank": {"id": "generated", "title": "Generated"}, "items": items}, sort_keys=False)


def bench_import(app: Flask) -> tuple[float, float]:
    """Seconds for a first import and for an unchanged re-import of the generated bank."""
    data = generated_bank().encode()
    timings = []
    for _ in range(2):
        with app.app_context():
            start = time.perf_counter()
            result, problems = import_file("generated.yaml", data)
            db.session.commit()
            timings.append(time.perf_counter() - start)
            assert result is not None, problems
    return timings[0], timings[1]


def bench_moodle_import(app: Flask, count: int = 10_000) -> tuple[float, float, int]:
    """Seconds to preview, then import, a Moodle XML export of `count` questions each showing an image;
    and the size of the file in bytes."""
    from tests.support.moodle_samples import moodle_xml_bank

    data = moodle_xml_bank(count, with_images=True)
    with app.app_context():
        start = time.perf_counter()
        preview = preview_file("moodle-export.xml", data)
        previewed = time.perf_counter() - start
        assert preview.result is not None and preview.result.stored == count, preview.problems[:5]
        db.session.rollback()
        start = time.perf_counter()
        found = import_file_report("moodle-export.xml", data)
        db.session.commit()
        imported = time.perf_counter() - start
        assert found.imported_anything and found.media == count, found.problems[:5]
    return previewed, imported, len(data)

"""`flask banks import` as an admin migrating from another platform uses it: the format read from the content,
a report per item, partial imports, --dry-run, --map for categories without a competency, and exit codes."""

from __future__ import annotations

from sqlalchemy import func, select

from certify.assessments.models import Item, ItemVersion
from certify.core.imports import NEEDS_RATIONALE
from certify.extensions import db

# Aiken as LMSs export it: the second question is broken (its answer is not an option), the rest are fine.
AIKEN = """\
A help desk's average handle time rose after a new ticket form went live. What do you look at first?
A. Which course covers the new form
B. Whether agents can find the fields the form added
C. How many agents attended the launch webinar
ANSWER: B

A sponsor asks for a course on empathy. Which question comes first?
A. What will customers notice when it works?
B. How long should the course be?
ANSWER: D

Which measure is a business result rather than an output?
A. Courses delivered this quarter
B. First-contact resolution rate
ANSWER: B
"""


def _count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Item)) or 0


def test_a_file_named_txt_is_read_by_its_content_and_one_bad_question_does_not_stop_the_rest(
    app, runner, load_catalog, tmp_path
):
    load_catalog()
    path = tmp_path / "helpdesk.txt"
    path.write_text(AIKEN)
    result = runner.invoke(args=["banks", "import", str(path), "--competency", "RA"])
    assert result.exit_code == 0, result.output
    assert "read as Aiken (its questions end in `ANSWER:` lines after lettered options)" in result.output
    assert "2 added (2 single_choice);" in result.output and "; 1 skipped" in result.output
    assert "added     helpdesk-001 single_choice: needs rationale" in result.output
    assert "skipped   helpdesk-002: question 2: answer D is not one of the options (A, B)" in result.output
    assert "drafts marked 'needs rationale'" in result.output
    with app.app_context():
        stored = db.session.scalars(select(ItemVersion)).all()
        assert {v.status for v in stored} == {"draft"} and all(v.needs_rationale for v in stored)
        assert stored[0].content["rationale"] == NEEDS_RATIONALE


def test_dry_run_prints_the_report_and_stores_nothing(app, runner, load_catalog, tmp_path):
    load_catalog()
    path = tmp_path / "helpdesk.txt"
    path.write_text(AIKEN)
    result = runner.invoke(args=["banks", "import", "--dry-run", "--competency", "RA", str(path)])
    assert result.exit_code == 0, result.output
    assert "added     helpdesk-001" in result.output and "dry run: nothing was stored" in result.output
    assert _count(app) == 0


def test_items_without_a_competency_wait_for_a_mapping_and_map_brings_them_in(app, runner, load_catalog, tmp_path):
    load_catalog()
    path = tmp_path / "helpdesk.txt"
    path.write_text(AIKEN)
    waiting = runner.invoke(args=["banks", "import", str(path)])
    assert waiting.exit_code == 1  # nothing could be imported: every question waits for its competency
    assert "(no category): 2 item(s) wait for a competency; choose one with --competency CODE" in waiting.output
    assert "not imported" in waiting.output and _count(app) == 0
    mapped = runner.invoke(args=["banks", "import", str(path), "--map", "=PA"])
    assert mapped.exit_code == 0, mapped.output
    with app.app_context():
        assert set(db.session.scalars(select(ItemVersion.competency_code))) == {"PA"}


def test_wrong_arguments_are_refused_clearly(runner, load_catalog, tmp_path):
    load_catalog()
    path = tmp_path / "helpdesk.txt"
    path.write_text(AIKEN)
    bad = runner.invoke(args=["banks", "import", str(path), "--map", "Week 3"])
    assert bad.exit_code == 2 and "write CATEGORY=CODE" in bad.output
    missing = runner.invoke(args=["banks", "import", str(tmp_path / "nope.txt")])
    assert missing.exit_code == 2 and "does not exist" in missing.output
    junk = tmp_path / "slides.pptx"
    junk.write_bytes(b"\x00\x01\x02binary")
    refused = runner.invoke(args=["banks", "import", str(junk)])
    assert refused.exit_code == 1 and "not a bank file Certify reads" in refused.output


def test_reimporting_with_a_question_now_broken_keeps_the_stored_item(app, runner, load_catalog, tmp_path):
    load_catalog()
    path = tmp_path / "helpdesk.txt"
    path.write_text(AIKEN.replace("ANSWER: D", "ANSWER: A"))
    assert runner.invoke(args=["banks", "import", str(path), "--competency", "RA"]).exit_code == 0
    path.write_text(AIKEN)  # question 2 is broken now; it must not be retired for it
    again = runner.invoke(args=["banks", "import", str(path), "--competency", "RA"])
    assert again.exit_code == 0 and "0 retired" in again.output and "1 skipped" in again.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ItemVersion)) == 3  # no new version at all

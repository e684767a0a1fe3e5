"""Shared pieces for the standard-setting tests: a loaded exam, panels, scored attempts, rating posts."""

from __future__ import annotations

import csv
import html
import io
from datetime import timedelta
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from certify.assessments.attempt_models import Attempt, AttemptItem, AttemptScore
from certify.assessments.models import Assessment, Item, ItemVersion
from certify.auth.models import User
from certify.database import utcnow
from certify.extensions import db
from certify.standard_setting import angoff_changes, angoff_study
from certify.standard_setting.models import AngoffStudy
from tests.support.exams import EXAM
from tests.support.helpers import post_form, sign_in_directly, text
from tests.support.samples import BANK

ITEM_REFS = ("S-SC", "S-MR", "S-TF", "S-MA", "S-OR", "S-SA", "S-NU")  # the sample bank's live items, authored order


def load_exam(load_catalog: Any) -> None:
    load_catalog(("sample.yaml", BANK), ("exam.yaml", EXAM))


def signed_in(app: Flask, user: User) -> FlaskClient:
    client = app.test_client()
    sign_in_directly(client, user)
    return client


def exam(app: Flask) -> Assessment:
    """The sample exam (call inside an app context)."""
    found = db.session.scalar(select(Assessment).where(Assessment.slug == "exam"))
    assert found is not None
    return found


def version_ids(app: Flask, study_id: int) -> list[int]:
    with app.app_context():
        study = db.session.get(AngoffStudy, study_id)
        assert study is not None
        return list(study.item_version_ids)


def version_of(ref: str) -> ItemVersion:
    """The current version of a sample item (inside an app context)."""
    item = db.session.scalar(select(Item).where(Item.ref == ref))
    assert item is not None
    return next(v for v in item.versions if v.version == item.current_version)


def make_study(app: Flask, admin: User, panel: list[User], *, title: str = "Spring panel") -> int:
    """A study of the whole live pool (listed explicitly, so no sample is drawn), made through the service."""
    with app.app_context():
        actor = db.session.get(User, admin.id)
        assert actor is not None
        assessment = exam(app)
        pool = [v.id for v in angoff_study.live_pool(assessment)]
        study, _warnings = angoff_changes.create_study(actor, assessment, title, [u.id for u in panel], pool)
        db.session.commit()
        return study.id


def rate(
    client: FlaskClient,
    study_id: int,
    ratings: dict[int, Any],
    *,
    hofstee: dict[str, Any] | None = None,
    action: str = "submit",
    **kwargs: Any,
) -> Any:
    data = {angoff_study.rating_field(k): str(v) for k, v in ratings.items()}
    data.update({angoff_study.hofstee_field(k): str(v) for k, v in (hofstee or {}).items()})
    data["action"] = action
    return post_form(client, f"/standard-setting/{study_id}", data, **kwargs)


def scored_attempts(
    app: Flask, candidate: User | list[User], percents: list[float], sc_credits: list[float]
) -> list[int]:
    """Scored attempts at the exam on its current cut: the given percent scores, S-SC answered with the credits.

    With a list of candidates, attempt n is by candidates[n - 1] (numbered after that candidate's earlier ones).
    """
    people = candidate if isinstance(candidate, list) else [candidate] * len(percents)
    numbers: dict[int, int] = {}
    made = []
    with app.app_context():
        assessment = exam(app)
        cut = assessment.cut_score
        assert cut is not None
        sc = version_of("S-SC")
        now = utcnow()
        for number, (person, percent) in enumerate(zip(people, percents, strict=True), start=1):
            numbers[person.id] = numbers.get(person.id, 0) + 1
            attempt = Attempt(
                user_id=person.id,
                assessment_id=assessment.id,
                number=numbers[person.id],
                seed=f"seed-{number}",
                status="scored",
                started_at=now - timedelta(hours=1),
                deadline=now,
                submitted_at=now - timedelta(minutes=30),
                cut_score_id=cut.id,
            )
            db.session.add(attempt)
            db.session.flush()
            attempt.open_marker = None  # finished (a None given to the constructor takes the column default)
            db.session.flush()
            if number <= len(sc_credits):
                db.session.add(
                    AttemptItem(attempt_id=attempt.id, position=1, item_version_id=sc.id, credit=sc_credits[number - 1])
                )
            db.session.add(
                AttemptScore(
                    attempt_id=attempt.id,
                    points=percent / 10,
                    max_points=10,
                    percent=percent,
                    cut_percent=cut.percent,
                    passed=percent >= cut.percent,
                    competencies=[],
                )
            )
            made.append(attempt.id)
        db.session.commit()
    return made


def study_page(client: FlaskClient, study_id: int) -> str:
    """The admin's study page, as text with entities decoded."""
    return html.unescape(text(client.get(f"/admin/standard-setting/{study_id}")))


def study_csv(client: FlaskClient, study_id: int, section: str) -> list[dict[str, str]]:
    """One section of the study's CSV export, as rows keyed by header."""
    body = client.get(f"/admin/standard-setting/{study_id}.csv?section={section}").get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]

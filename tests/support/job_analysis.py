"""Shared pieces for the job-task analysis tests: a study on the sample exam, ratings posted as a rater would."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from certify.auth.models import User
from certify.extensions import db
from certify.job_analysis import changes
from certify.job_analysis.models import JtaStudy
from certify.job_analysis.services import rating_field
from tests.support.angoff import exam
from tests.support.helpers import post_form

SCALES = ("importance", "frequency", "criticality")


def make_study(
    app: Flask, admin: User, raters: list[User], tasks: list[tuple[str, str]], *, open_it: bool = True
) -> tuple[int, list[int]]:
    """A study of the sample exam with `tasks` as (competency, statement), made through the services."""
    with app.app_context():
        actor = db.session.get(User, admin.id)
        assert actor is not None
        study = changes.create_study(actor, exam(app), "Practitioner panel")
        ids = [changes.add_task(actor, study, code, statement).id for code, statement in tasks]
        changes.invite(actor, study, [u.id for u in raters])
        if open_it:
            changes.open_study(actor, study)
        db.session.commit()
        return study.id, ids


def close(app: Flask, admin: User, study_id: int) -> None:
    with app.app_context():
        actor = db.session.get(User, admin.id)
        study = db.session.get(JtaStudy, study_id)
        assert actor is not None and study is not None
        changes.close_study(actor, study)
        db.session.commit()


def form_of(ratings: dict[int, tuple[int, int, int]]) -> dict[str, str]:
    return {
        rating_field(task, scale): str(value)
        for task, row in ratings.items()
        for scale, value in zip(SCALES, row, strict=True)
    }


def rate(
    client: FlaskClient,
    study_id: int,
    ratings: dict[int, tuple[int, int, int]],
    *,
    action: str = "submit",
    fields: dict[str, str] | None = None,
    **kwargs: Any,
) -> Any:
    data = {**form_of(ratings), "action": action, **(fields or {})}
    return post_form(client, f"/job-analysis/{study_id}", data, **kwargs)

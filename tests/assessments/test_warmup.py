"""Workers warm their exam caches before the window (issue 15): certify/serving.py runs warmup at worker boot."""

from __future__ import annotations

import logging
from types import SimpleNamespace

from werkzeug.middleware.dispatcher import DispatcherMiddleware

from certify import create_app
from certify.assessments import item_content
from certify.assessments.exam_pool import POOL_CACHE
from certify.assessments.warmup import warm_delivery
from certify.security.sanitize import render_markdown
from certify.serving import flask_app, post_worker_init


def test_warming_reads_every_pool_and_renders_every_item(app, exams):
    item_content.forget()
    render_markdown.cache_clear()
    with app.app_context():
        warmed = warm_delivery()
    # the sample bank's items: each version's content read once and its stem rendered once
    assert warmed > 0
    assert render_markdown.cache_info().currsize >= warmed
    assert {"quiz", "exam"} <= _pooled_slugs(app)


def _pooled_slugs(app) -> set[str]:
    from certify.assessments.models import Assessment
    from certify.extensions import db

    with app.app_context():
        kept = app.extensions[POOL_CACHE]
        return {db.session.get(Assessment, assessment_id).slug for assessment_id in kept}


def test_the_gunicorn_hook_finds_the_app_through_middleware_and_warms_it(app, exams, caplog):
    wrapped = DispatcherMiddleware(app, {"/other": lambda environ, start_response: []})
    assert flask_app(wrapped) is app and flask_app(app) is app and flask_app(object()) is None
    with caplog.at_level(logging.INFO, logger="certify.serving"):
        post_worker_init(SimpleNamespace(wsgi=wrapped, pid=4242))
    assert "worker 4242:" in caplog.text and "item versions ready" in caplog.text
    assert app.extensions[POOL_CACHE]


def test_a_worker_whose_database_is_not_ready_still_serves(tmp_path, caplog):
    unmigrated = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'empty.sqlite3'}"})
    with caplog.at_level(logging.ERROR, logger="certify.serving"):
        post_worker_init(SimpleNamespace(wsgi=unmigrated, pid=1))  # no table yet: logged, not raised
    assert "could not warm the exam caches" in caplog.text

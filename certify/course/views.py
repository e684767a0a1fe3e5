"""Course pages: the module list with progress, lessons, and knowledge checks."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from certify.auth.forms import ConfirmForm
from certify.course import bp
from certify.course import knowledge_check as checks
from certify.course import services as course
from certify.course.models import Lesson, Module
from certify.extensions import db
from certify.security.access import acting_user


def _module_or_404(slug: str) -> Module:
    module = course.module_by_slug(slug)
    if module is None:
        abort(404)
    return module


def _lesson_or_404(module: Module, slug: str) -> Lesson:
    lesson = next((lesson for lesson in course.active_lessons(module) if lesson.slug == slug), None)
    if lesson is None:
        abort(404)
    return lesson


@bp.route("/")
def index() -> str:
    user = acting_user()
    return render_template(
        "course/index.html", progress=course.progress(user), completed_at=course.course_completed_at(user)
    )


@bp.route("/<module_slug>/")
def module(module_slug: str) -> str:
    module = _module_or_404(module_slug)
    user = acting_user()
    state = next(p for p in course.progress(user) if p.module.id == module.id)
    return render_template(
        "course/module.html",
        module=module,
        lessons=course.active_lessons(module),
        state=state,
        done=course.completed_lesson_ids(user),
    )


@bp.route("/<module_slug>/<lesson_slug>")
def lesson(module_slug: str, lesson_slug: str) -> str:
    module = _module_or_404(module_slug)
    current = _lesson_or_404(module, lesson_slug)
    lessons = course.active_lessons(module)
    index = lessons.index(current)
    return render_template(
        "course/lesson.html",
        module=module,
        lesson=current,
        confirm=ConfirmForm(),
        previous=lessons[index - 1] if index else None,
        next=lessons[index + 1] if index + 1 < len(lessons) else None,
        done=current.id in course.completed_lesson_ids(acting_user()),
    )


@bp.route("/<module_slug>/<lesson_slug>/complete", methods=["POST"])
def complete_lesson(module_slug: str, lesson_slug: str) -> Response:
    module = _module_or_404(module_slug)
    current = _lesson_or_404(module, lesson_slug)
    course.complete_lesson(acting_user(), current)
    db.session.commit()
    lessons = course.active_lessons(module)
    index = lessons.index(current)
    if index + 1 < len(lessons):
        flash(f"“{current.title}” is complete.", "success")
        return redirect(url_for("course.lesson", module_slug=module.slug, lesson_slug=lessons[index + 1].slug))
    flash(f"“{current.title}” is complete. Finish the module with its knowledge check.", "success")
    return redirect(url_for("course.knowledge_check", module_slug=module.slug))


@bp.route("/<module_slug>/knowledge-check", methods=["GET", "POST"])
def knowledge_check(module_slug: str) -> str:
    module = _module_or_404(module_slug)
    user = acting_user()
    items = checks.check_items(user, module)
    confirm = ConfirmForm()
    if request.method == "POST":
        errors, answers, results, attempt = checks.submit(user, module, items, request.form)
        if errors:
            db.session.rollback()
            return render_template(
                "course/check.html", module=module, items=items, answers=answers, errors=errors, confirm=confirm
            )
        db.session.commit()
        state = next(p for p in course.progress(user) if p.module.id == module.id)
        return render_template("course/check_result.html", module=module, results=results, attempt=attempt, state=state)
    return render_template("course/check.html", module=module, items=items, answers={}, errors={}, confirm=confirm)

"""The course: loading modules, reading progress, completing lessons, modules and the course."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from certify.assessments.importer import ImportResult, import_bank
from certify.audit import services as audit
from certify.auth.models import User
from certify.core.course import Module as ModuleSpec
from certify.course.models import (
    CourseCompletion,
    KnowledgeCheckAttempt,
    Lesson,
    LessonProgress,
    Module,
    ModuleCompletion,
)
from certify.database import utcnow
from certify.extensions import db
from certify.security.sanitize import render_markdown


def load_module(spec: ModuleSpec) -> ImportResult:
    """Insert or update a module, its lessons (rendered and sanitised) and its knowledge-check bank."""
    module = db.session.scalar(select(Module).where(Module.number == spec.number))
    if module is None:
        module = Module(number=spec.number)
        db.session.add(module)
    module.slug, module.title, module.summary = spec.slug, spec.title, spec.summary
    module.competencies, module.bank_slug, module.pass_mark = (
        list(spec.competencies),
        spec.knowledge_check.id,
        spec.pass_mark,
    )
    db.session.flush()
    lessons = {lesson.slug: lesson for lesson in module.lessons}
    for position, lesson_spec in enumerate(spec.lessons, start=1):
        lesson = lessons.pop(lesson_spec.slug, None) or Lesson(module=module, slug=lesson_spec.slug)
        lesson.position, lesson.title, lesson.minutes = position, lesson_spec.title, lesson_spec.minutes
        if lesson.body_markdown != lesson_spec.body or not lesson.body_html:
            lesson.body_markdown, lesson.body_html = lesson_spec.body, render_markdown(lesson_spec.body)
        lesson.active = True
        db.session.add(lesson)
    for removed in lessons.values():  # progress on it is kept; it just stops being required
        removed.active = False
    db.session.flush()
    return import_bank(spec.knowledge_check, source=spec.file, strict=True)


@dataclass(frozen=True)
class ModuleProgress:
    module: Module
    lessons_done: int
    lessons_total: int
    check_passed: bool
    best_score: float | None
    complete: bool

    @property
    def percent(self) -> int:
        steps = self.lessons_total + 1
        done = self.lessons_done + (1 if self.check_passed else 0)
        return round(100 * done / steps)


def modules() -> list[Module]:
    return list(db.session.scalars(select(Module).order_by(Module.number)))


def module_by_slug(slug: str) -> Module | None:
    return db.session.scalar(select(Module).where(Module.slug == slug))


def active_lessons(module: Module) -> list[Lesson]:
    return [lesson for lesson in module.lessons if lesson.active]


def completed_lesson_ids(user: User) -> set[int]:
    return set(db.session.scalars(select(LessonProgress.lesson_id).where(LessonProgress.user_id == user.id)))


def progress(user: User) -> list[ModuleProgress]:
    """Each module with the learner's lessons done, best knowledge-check score and completion."""
    done = completed_lesson_ids(user)
    best = dict(
        db.session.execute(
            select(KnowledgeCheckAttempt.module_id, func.max(KnowledgeCheckAttempt.score))
            .where(KnowledgeCheckAttempt.user_id == user.id)
            .group_by(KnowledgeCheckAttempt.module_id)
        ).all()
    )
    completed = set(db.session.scalars(select(ModuleCompletion.module_id).where(ModuleCompletion.user_id == user.id)))
    result = []
    for module in modules():
        lessons = active_lessons(module)
        best_score = best.get(module.id)
        result.append(
            ModuleProgress(
                module,
                sum(1 for lesson in lessons if lesson.id in done),
                len(lessons),
                best_score is not None and best_score >= module.pass_mark - 1e-9,
                best_score,
                module.id in completed,
            )
        )
    return result


def course_completed_at(user: User) -> object | None:
    row = db.session.get(CourseCompletion, user.id)
    return row.completed_at if row else None


def has_completed_course(user: User) -> bool:
    """Used by exam prerequisites: is the course completion recorded?"""
    return db.session.get(CourseCompletion, user.id) is not None


def _update_completion(user: User, module: Module) -> None:
    lessons = {lesson.id for lesson in active_lessons(module)}
    if not lessons <= completed_lesson_ids(user):
        return
    best = db.session.scalar(
        select(func.max(KnowledgeCheckAttempt.score)).where(
            KnowledgeCheckAttempt.user_id == user.id, KnowledgeCheckAttempt.module_id == module.id
        )
    )
    if best is None or best < module.pass_mark - 1e-9:
        return
    if db.session.get(ModuleCompletion, (user.id, module.id)) is None:
        db.session.add(ModuleCompletion(user_id=user.id, module_id=module.id))
        db.session.flush()
        audit.record(user, "course.module_completed", "module", module.slug)
    all_modules = {m.id for m in modules()}
    finished = set(db.session.scalars(select(ModuleCompletion.module_id).where(ModuleCompletion.user_id == user.id)))
    if all_modules <= finished and db.session.get(CourseCompletion, user.id) is None:
        db.session.add(CourseCompletion(user_id=user.id, completed_at=utcnow()))
        db.session.flush()
        audit.record(user, "course.completed", "user", user.id)


def complete_lesson(user: User, lesson: Lesson) -> bool:
    """Mark a lesson complete (idempotent); returns True if it was newly completed."""
    if db.session.get(LessonProgress, (user.id, lesson.id)) is not None:
        return False
    db.session.add(LessonProgress(user_id=user.id, lesson_id=lesson.id))
    db.session.flush()
    _update_completion(user, lesson.module)
    return True


def record_knowledge_check(
    user: User, module: Module, score: float, answers: dict[str, object]
) -> KnowledgeCheckAttempt:
    attempt = KnowledgeCheckAttempt(
        user_id=user.id, module_id=module.id, score=score, passed=score >= module.pass_mark - 1e-9, answers=answers
    )
    db.session.add(attempt)
    db.session.flush()
    _update_completion(user, module)
    return attempt

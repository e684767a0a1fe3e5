"""A demo candidate who has finished the MID course: every lesson read and every knowledge check passed."""

from __future__ import annotations

from certify.auth.models import User
from certify.course import services as course


def complete_course(user: User) -> None:
    """Record every lesson, a passed knowledge check per module and so the course's completion."""
    for module in course.modules():
        for lesson in course.active_lessons(module):
            course.complete_lesson(user, lesson)
        course.record_knowledge_check(user, module, 1.0, {"demo": True})

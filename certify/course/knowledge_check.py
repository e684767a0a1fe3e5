"""Knowledge checks: no-stakes questions at the end of a module, with immediate feedback."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from werkzeug.datastructures import MultiDict

from certify.assessments import services as bank_service
from certify.assessments.answers import answer_from_form
from certify.assessments.models import ItemVersion
from certify.auth.models import User
from certify.core.delivery import Presentation, present, to_internal
from certify.core.feedback import Feedback, feedback
from certify.core.items import ItemError
from certify.course.models import KnowledgeCheckAttempt, Module
from certify.course.services import record_knowledge_check


@dataclass(frozen=True)
class CheckItem:
    number: int
    version: ItemVersion
    presentation: Presentation

    @property
    def name(self) -> str:
        return f"item-{self.version.id}"


@dataclass(frozen=True)
class CheckResult:
    item: CheckItem
    shown_answer: Any
    feedback: Feedback


def check_items(user: User, module: Module) -> list[CheckItem]:
    """The module's live knowledge-check items, shuffled the same way each time for this learner."""
    versions = bank_service.current_versions(module.bank_slug)
    return [CheckItem(n, v, present(v.content, f"kc:{user.id}:{v.item_id}")) for n, v in enumerate(versions, start=1)]


def submit(
    user: User, module: Module, items: list[CheckItem], form: MultiDict[str, str]
) -> tuple[dict[str, str], dict[str, Any], list[CheckResult], KnowledgeCheckAttempt | None]:
    """Score a submitted check. Returns (errors, shown answers, results, attempt); nothing is stored on errors."""
    errors: dict[str, str] = {}
    shown: dict[str, Any] = {}
    internal: dict[str, Any] = {}
    for item in items:
        try:
            shown[item.name] = answer_from_form(item.presentation, form, item.name)
            internal[item.name] = to_internal(item.version.content, item.presentation, shown[item.name])
        except ItemError as exc:
            errors[item.name] = str(exc)
    if errors:
        return errors, shown, [], None
    results = [
        CheckResult(item, shown[item.name], feedback(item.version.content, internal[item.name])) for item in items
    ]
    score = sum(r.feedback.score for r in results) / len(results) if results else 0.0
    attempt = record_knowledge_check(user, module, score, {str(item.version.id): internal[item.name] for item in items})
    return {}, shown, results, attempt

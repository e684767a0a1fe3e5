"""Imports every feature's models so the metadata is complete (for Alembic and tests)."""

from sqlalchemy.orm import configure_mappers

from certify.assessments.attempt_models import Accommodation, Attempt, AttemptItem, AttemptScore, Response
from certify.assessments.blueprint_models import BlueprintVersion
from certify.assessments.models import Assessment, Bank, Competency, CutScore, Item, ItemVersion
from certify.assessments.review_models import ItemReview
from certify.audit.models import AuditEvent
from certify.auth.models import ApiToken, BrowserSession, User, UserRole
from certify.certificates.models import Certificate, DevelopmentActivity, RenewalRequest, SerialCounter
from certify.course.models import (
    CourseCompletion,
    KnowledgeCheckAttempt,
    Lesson,
    LessonProgress,
    Module,
    ModuleCompletion,
)
from certify.job_analysis.models import JtaRater, JtaRating, JtaStudy, JtaTask
from certify.outbox.models import OutboxMessage
from certify.outcomes.models import FollowUp, OutcomePlan, SponsorLink, SponsorResponse, SuccessCase
from certify.portfolios.models import Attachment, Portfolio, PortfolioVersion
from certify.reports.models import AnalysisSnapshot, Cohort, CohortMember
from certify.review.models import (
    Allocation,
    AnchorPortfolio,
    Appeal,
    CalibrationAttempt,
    ConflictDeclaration,
    ConflictOfInterest,
    Resolution,
    Review,
    Rubric,
    RubricCriterion,
)
from certify.security.models import LoginFailure
from certify.standard_setting.models import AngoffPanellist, AngoffRating, AngoffStudy
from certify.storage import Blob

__all__ = [
    "Accommodation",
    "Allocation",
    "AnalysisSnapshot",
    "AnchorPortfolio",
    "AngoffPanellist",
    "AngoffRating",
    "AngoffStudy",
    "ApiToken",
    "Appeal",
    "Assessment",
    "Attachment",
    "Attempt",
    "AttemptItem",
    "AttemptScore",
    "AuditEvent",
    "Bank",
    "Blob",
    "BlueprintVersion",
    "BrowserSession",
    "CalibrationAttempt",
    "Certificate",
    "Cohort",
    "CohortMember",
    "Competency",
    "ConflictDeclaration",
    "ConflictOfInterest",
    "CourseCompletion",
    "CutScore",
    "DevelopmentActivity",
    "FollowUp",
    "Item",
    "ItemReview",
    "ItemVersion",
    "JtaRater",
    "JtaRating",
    "JtaStudy",
    "JtaTask",
    "KnowledgeCheckAttempt",
    "Lesson",
    "LessonProgress",
    "LoginFailure",
    "Module",
    "ModuleCompletion",
    "OutboxMessage",
    "OutcomePlan",
    "Portfolio",
    "PortfolioVersion",
    "RenewalRequest",
    "Resolution",
    "Response",
    "Review",
    "Rubric",
    "RubricCriterion",
    "SerialCounter",
    "SponsorLink",
    "SponsorResponse",
    "SuccessCase",
    "User",
    "UserRole",
]


def configure_models() -> None:
    """Resolve every model's relationships now, so a mapping error stops the app at start, not on a later query."""
    configure_mappers()
